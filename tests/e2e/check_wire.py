#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Check SRv6 packets in a capture against RFC 8754 / RFC 8986 expectations.

The capture is decoded by tshark (-T json), independently of srv6d. Frames are
selected by their outer IPv6 source and destination (--src/--dst); every
selected frame must satisfy every given expectation, and at least --min frames
must be selected.

  check_wire.py PCAP --src A --dst B --srh SEG0,SEG1|none [--sl N] [--last-entry N]
                [--payload 4|41|58|17] [--inner-src X --inner-dst Y]
                [--icmp request|reply] [--hlim N] [--min N] [--label TEXT]

--srh lists the SRH's Segment List in wire order (Segment List[0] first);
"none" expects no routing header: the outer Next Header is then --payload.
--payload is the protocol after the SRH (or after the IPv6 header): 4 IPv4,
41 IPv6 (both then checked against --inner-src/--inner-dst), 58 ICMPv6 carried
directly (inline SRH). Inner IPv4 header, ICMP and ICMPv6 checksums must be
good (tshark's checksum status).
--udp-checksum: a UDP header must follow (after the SRH, or inside the inner
packet) and tshark must find its checksum good.
Exit status 0 when all checks pass, 1 otherwise.
"""
import argparse, ipaddress, json, subprocess, sys


def addr(a):
    return ipaddress.ip_address(a)


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def decode(pcap):
    cmd = ["tshark", "-r", pcap, "-T", "json", "--no-duplicate-keys",
           "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
           "-o", "tcp.check_checksum:TRUE"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("tshark failed: " + p.stderr.strip())
    return json.loads(p.stdout or "[]")


def summary(pcap, limit=30):
    fields = ["frame.number", "ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.hlim", "ipv6.routing.segleft",
              "ipv6.routing.srh.addr", "ip.src", "ip.dst", "_ws.col.Info"]
    cmd = ["tshark", "-r", pcap, "-n", "-Y", "!(icmpv6.type in {133,134,135,136,143})",
           "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = p.stdout.splitlines()
    out = lines[:limit]
    if len(lines) > limit:
        out.append("    ... %d more" % (len(lines) - limit))
    return "\n".join("    " + l.strip().replace("\t", " | ") for l in out)


def inner_matches(L, v6, a):
    """--select-inner: the innermost IPv4 or IPv6 header has --inner-src/--inner-dst"""
    cands = []
    for ip in as_list(L.get("ip")):
        cands.append((ip.get("ip.src"), ip.get("ip.dst")))
    for ip in v6[1:]:
        cands.append((ip.get("ipv6.src"), ip.get("ipv6.dst")))
    try:
        for s, d in cands:
            if (not a.inner_src or addr(s) == addr(a.inner_src)) and \
               (not a.inner_dst or addr(d) == addr(a.inner_dst)):
                return True
    except (TypeError, ValueError):
        pass
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("--src", required=True)
    ap.add_argument("--dst", required=True)
    ap.add_argument("--srh", required=True, help="SEG0,SEG1,... in wire order, or none")
    ap.add_argument("--sl", type=int, default=0)
    ap.add_argument("--last-entry", type=int)
    ap.add_argument("--payload", type=int, required=True)
    ap.add_argument("--inner-src")
    ap.add_argument("--inner-dst")
    ap.add_argument("--icmp", choices=["request", "reply"])
    ap.add_argument("--hlim", type=int)
    ap.add_argument("--min", type=int, default=1)
    ap.add_argument("--label", default="")
    ap.add_argument("--select-inner", action="store_true",
                    help="select frames by the inner addresses too (when one outer pair carries several flows)")
    ap.add_argument("--udp-checksum", action="store_true",
                    help="a UDP header must follow and its checksum must be good")
    a = ap.parse_args()

    src, dst = addr(a.src), addr(a.dst)
    segs = None if a.srh == "none" else [addr(s) for s in a.srh.split(",")]
    last_entry = a.last_entry if a.last_entry is not None else (len(segs) - 1 if segs else None)

    frames = decode(a.pcap)
    selected, bad = 0, []
    for fr in frames:
        L = fr["_source"]["layers"]
        v6 = as_list(L.get("ipv6"))
        if not v6:
            continue
        o = v6[0]
        try:
            if addr(o["ipv6.src"]) != src or addr(o["ipv6.dst"]) != dst:
                continue
        except (KeyError, ValueError):
            continue
        n = L["frame"]["frame.number"]
        if a.select_inner and not inner_matches(L, v6, a):
            continue
        errs = []
        nxt = int(o["ipv6.nxt"])
        rt = o.get("ipv6.routing")
        if isinstance(rt, list):
            errs.append("more than one routing header")
            rt = rt[0]
        if segs is not None:
            if nxt != 43:
                errs.append("outer next header %d, want 43 (routing)" % nxt)
            if rt is None:
                errs.append("no routing header")
            else:
                if int(rt["ipv6.routing.type"]) != 4:
                    errs.append("routing type %s, want 4" % rt["ipv6.routing.type"])
                if int(rt["ipv6.routing.segleft"]) != a.sl:
                    errs.append("segments left %s, want %d" % (rt["ipv6.routing.segleft"], a.sl))
                le = rt.get("ipv6.routing.srh.last_entry")
                if le is None or int(le) != last_entry:
                    errs.append("last entry %s, want %d" % (le, last_entry))
                got = [addr(x) for x in as_list(rt.get("ipv6.routing.srh.addr"))]
                if got != segs:
                    errs.append("segment list %s, want %s" % ([str(x) for x in got], [str(x) for x in segs]))
                if int(rt["ipv6.routing.nxt"]) != a.payload:
                    errs.append("SRH next header %s, want %d" % (rt["ipv6.routing.nxt"], a.payload))
                hl = int(rt["ipv6.routing.len"])
                if hl < 2 * len(segs):  # TLVs may follow the list; shorter is wrong
                    errs.append("SRH hdr ext len %d < 2 x %d segments" % (hl, len(segs)))
        else:
            if rt is not None:
                errs.append("routing header present (type %s, SL %s), want none"
                            % (rt.get("ipv6.routing.type"), rt.get("ipv6.routing.segleft")))
            if nxt != a.payload:
                errs.append("outer next header %d, want %d" % (nxt, a.payload))
        if a.hlim is not None and int(o["ipv6.hlim"]) != a.hlim:
            errs.append("outer hop limit %s, want %d" % (o["ipv6.hlim"], a.hlim))

        isrc = idst = None
        if a.payload == 4:
            ip = L.get("ip")
            if isinstance(ip, list):
                ip = ip[0]
            if ip is None:
                errs.append("no inner IPv4 header")
            else:
                isrc, idst = ip["ip.src"], ip["ip.dst"]
                if ip.get("ip.checksum.status") != "1":
                    errs.append("inner IPv4 header checksum status %s" % ip.get("ip.checksum.status"))
        elif a.payload == 41:
            if len(v6) < 2:
                errs.append("no inner IPv6 header")
            else:
                isrc, idst = v6[1]["ipv6.src"], v6[1]["ipv6.dst"]
        if a.inner_src and (isrc is None or addr(isrc) != addr(a.inner_src)):
            errs.append("inner source %s, want %s" % (isrc, a.inner_src))
        if a.inner_dst and (idst is None or addr(idst) != addr(a.inner_dst)):
            errs.append("inner destination %s, want %s" % (idst, a.inner_dst))

        icmp = L.get("icmp") if a.payload == 4 else L.get("icmpv6")
        if isinstance(icmp, list):
            icmp = icmp[0]
        if icmp is not None:
            st = icmp.get("icmp.checksum.status", icmp.get("icmpv6.checksum.status"))
            if st != "1":
                errs.append("ICMP checksum status %s (want 1 = good)" % st)
            if a.icmp:
                t = int(icmp.get("icmp.type", icmp.get("icmpv6.type", -1)))
                want = {(4, "request"): 8, (4, "reply"): 0}.get((a.payload, a.icmp),
                        128 if a.icmp == "request" else 129)
                if t != want:
                    errs.append("ICMP type %d, want %d" % (t, want))
        elif a.icmp:
            errs.append("no ICMP payload")

        if a.udp_checksum:
            udp = L.get("udp")
            if isinstance(udp, list):
                udp = udp[-1]
            if udp is None:
                errs.append("no UDP header")
            elif udp.get("udp.checksum.status") != "1":
                errs.append("UDP checksum status %s (want 1 = good)" % udp.get("udp.checksum.status"))

        selected += 1
        if errs:
            bad.append((n, errs))

    what = "%s -> %s" % (src, dst)
    if segs is not None:
        what += " SRH[type 4, SL %d, LE %d, %s, nh %d]" % (a.sl, last_entry, ",".join(map(str, segs)), a.payload)
    else:
        what += " no SRH, nh %d" % a.payload
    if a.inner_src or a.inner_dst:
        what += " inner %s -> %s" % (a.inner_src, a.inner_dst)
    if a.udp_checksum:
        what += ", UDP checksum good"
    label = (a.label + ": ") if a.label else ""
    ok = not bad and selected >= a.min
    if ok:
        print("  wire OK  %s%d frame(s) %s" % (label, selected, what))
        return 0
    print("  wire FAIL %s%s" % (label, what))
    if selected < a.min:
        print("    %d frame(s) matched %s, want at least %d"
              % (selected, "outer and inner src/dst" if a.select_inner else "outer src/dst", a.min))
    for n, errs in bad[:5]:
        print("    frame %s: %s" % (n, "; ".join(errs)))
    if len(bad) > 5:
        print("    ... %d more bad frames" % (len(bad) - 5))
    print("    capture (ND/MLD hidden): frame | ipv6.src | ipv6.dst | nxt | hlim | SL | SRH segs | ip.src | ip.dst | info")
    print(summary(a.pcap))
    return 1


if __name__ == "__main__":
    sys.exit(main())
