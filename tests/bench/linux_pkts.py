#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Packets for tests/bench/linux_fwd.sh, the Linux kernel forwarding bench.

One module holds the addresses of the bench's namespaces, builds each case's
packet with scapy, checks what the sink receives, and, where trafgen is
missing, sends the packet itself (a slow fallback generator).

  env                      shell assignments of the addresses (eval them)
  raw CASE --smac --dmac   the frame's bytes on stdout (for linux_gen)
  frames DIR --smac --dmac every case's frame into DIR/CASE.frame, and
                           "CASE LENGTH" lines on stdout (one scapy import)
  cfg CASE --smac --dmac   the frame as a trafgen configuration on stdout
  len CASE                 its frame length in bytes
  check CASE --iface IF    sniff IF until --count matching packets or
                           --timeout s; exit 0 when every one is what the
                           router should have made of CASE's packet
  send CASE --iface IF --smac --dmac --seconds S
                           send the packet in a loop over an AF_PACKET socket

Cases: ipv6_forward ipv4_forward end end_dt6 end_dt4 h_encaps.
"""

import argparse
import socket
import sys
import time

# The bench's addresses; linux_fwd.sh takes them from `env` so that they are
# written once. gen -- r0 [router] r1 -- sink.
ADDRS = {
    "GEN6": "fc00:1::2",  # generator's source (IPv6)
    "R0_6": "fc00:1::1",  # router, generator side
    "R1_6": "fc00:2::1",  # router, sink side
    "NH6": "fc00:2::2",  # next hop toward the sink (static neighbour)
    "DST6": "fc00:99::1",  # forwarded IPv6 destination (fc00:99::/64 via NH6)
    "SID_END": "fc00:e::1",  # router's local address used as an End SID
    "SID_DEC": "fc00:e::2",  # router's local address where SL 0 decapsulates
    "ENC6": "fc00:98::1",  # H.Encaps destination (fc00:98::/64 encap seg6)
    "ENC_SID": "fc00:5::1",  # the SID H.Encaps pushes (fc00:5::/64 via NH6)
    "GEN4": "10.0.1.2",
    "R0_4": "10.0.1.1",
    "R1_4": "10.0.2.1",
    "NH4": "10.0.2.2",
    "DST4": "198.18.0.1",  # forwarded IPv4 destination (198.18.0.0/15)
    # The router's neighbour entries point at this MAC, which the sink's
    # veth does not own: the sink drops every packet as PACKET_OTHERHOST
    # right at ip_rcv/ipv6_rcv, without routing or ICMP errors flowing back.
    "NH_MAC": "02:00:00:00:00:99",
}

CASES = ["ipv6_forward", "ipv4_forward", "end", "end_dt6", "end_dt4", "h_encaps"]
SPORT, DPORT = 1024, 9
PAYLOAD = b"srv6d-linux-bench!"  # 18 bytes, also the mark the check looks for


def packet(case, smac, dmac):
    """The frame the generator sends for CASE (scapy imported lazily: slow)."""
    from scapy.layers.inet import IP, UDP
    from scapy.layers.inet6 import IPv6, IPv6ExtHdrSegmentRouting
    from scapy.layers.l2 import Ether

    a = ADDRS
    eth = Ether(src=smac, dst=dmac)
    udp = UDP(sport=SPORT, dport=DPORT) / PAYLOAD
    in6 = IPv6(src=a["GEN6"], dst=a["DST6"], hlim=64) / udp
    in4 = IP(src=a["GEN4"], dst=a["DST4"], ttl=64) / udp
    if case == "ipv6_forward":
        p = eth / in6
    elif case == "ipv4_forward":
        p = eth / in4
    elif case == "end":
        # segments[0] is the last segment: the End moves DA to it, SL 1 -> 0
        p = eth / IPv6(src=a["GEN6"], dst=a["SID_END"], hlim=64) / IPv6ExtHdrSegmentRouting(
            addresses=[a["DST6"], a["SID_END"]], segleft=1
        ) / udp
    elif case in ("end_dt6", "end_dt4"):
        inner, nh = (in6, 41) if case == "end_dt6" else (in4, 4)
        p = eth / IPv6(src=a["GEN6"], dst=a["SID_DEC"], hlim=64) / IPv6ExtHdrSegmentRouting(
            addresses=[a["SID_DEC"]], segleft=0, nh=nh
        ) / inner
    elif case == "h_encaps":
        p = eth / IPv6(src=a["GEN6"], dst=a["ENC6"], hlim=64) / udp
    else:
        raise SystemExit(f"linux_pkts: unknown case {case}")
    return bytes(p)


def expect(case, p):
    """'' when sniffed packet P is what the router makes of CASE, else why not."""
    from scapy.layers.inet import IP
    from scapy.layers.inet6 import IPv6, IPv6ExtHdrSegmentRouting

    a = ADDRS
    srh = p.getlayer(IPv6ExtHdrSegmentRouting)
    if case in ("ipv4_forward", "end_dt4"):
        if IPv6 in p:
            return "an IPv6 header is left (not decapsulated)"
        if IP not in p or p[IP].dst != a["DST4"] or p[IP].ttl != 63:
            return "want IPv4 to %s with TTL 63" % a["DST4"]
        return ""
    if IPv6 not in p:
        return "no IPv6 header"
    o = p[IPv6]
    if case == "ipv6_forward" or case == "end_dt6":
        if srh is not None or isinstance(o.payload, IPv6):
            return "an SRH or an inner IPv6 header is left"
        if o.dst != a["DST6"] or o.hlim != 63:
            return "want IPv6 to %s with hop limit 63, got %s/%d" % (a["DST6"], o.dst, o.hlim)
        return ""
    if case == "end":
        if srh is None or srh.segleft != 0:
            return "want an SRH with Segments Left 0"
        if o.dst != a["DST6"] or o.hlim != 63:
            return "want DA %s (the next segment), hop limit 63; got %s/%d" % (
                a["DST6"], o.dst, o.hlim)
        return ""
    if case == "h_encaps":
        if o.dst != a["ENC_SID"] or srh is None:
            return "want an outer IPv6 to %s with an SRH" % a["ENC_SID"]
        inner = srh.payload
        if not isinstance(inner, IPv6) or inner.dst != a["ENC6"]:
            return "want the original IPv6 packet (to %s) inside" % a["ENC6"]
        return ""
    return "unknown case"


def describe(p):
    """The fields the check looks at, e.g. 'IPv6 a > b hlim 63, SRH SL 0 [..]'."""
    from scapy.layers.inet import IP
    from scapy.layers.inet6 import IPv6, IPv6ExtHdrSegmentRouting

    out = []
    layer = p.payload
    while layer is not None and layer.name != "NoPayload":
        if isinstance(layer, IPv6):
            out.append(f"IPv6 {layer.src} > {layer.dst} hlim {layer.hlim}")
        elif isinstance(layer, IP):
            out.append(f"IPv4 {layer.src} > {layer.dst} ttl {layer.ttl}")
        elif isinstance(layer, IPv6ExtHdrSegmentRouting):
            out.append(f"SRH SL {layer.segleft} [{', '.join(layer.addresses)}]")
        layer = layer.payload if layer.payload else None
    return ", ".join(out)


def ours(p):
    """True for the bench's packets (the sink also sees the router's ND/MLD)."""
    from scapy.layers.inet import UDP
    from scapy.packet import Raw

    return UDP in p and p[UDP].dport == DPORT and Raw in p and bytes(p[Raw].load).startswith(PAYLOAD)


def cmd_check(args):
    # the layers must be loaded before sniffing: they register the link type
    # (Ethernet) and the bindings the capture is dissected with
    import scapy.layers.inet  # noqa: F401
    import scapy.layers.inet6  # noqa: F401
    import scapy.layers.l2  # noqa: F401
    from scapy.sendrecv import AsyncSniffer

    sn = AsyncSniffer(iface=args.iface, lfilter=ours, count=args.count, timeout=args.timeout,
                      store=True)
    sn.start()
    # The capture socket is open once the sniffer thread runs; a short wait
    # covers the thread start, then the caller is told to send.
    time.sleep(0.5)
    print("READY", flush=True)
    sn.join()
    pkts = sn.results or []
    if not pkts:
        print(f"check {args.case}: no packet reached the sink")
        return 1
    bad = [(p, expect(args.case, p)) for p in pkts]
    bad = [(p, why) for p, why in bad if why]
    if bad:
        p, why = bad[0]
        print(f"check {args.case}: {len(bad)}/{len(pkts)} wrong: {why}: {describe(p)}")
        return 1
    print(f"check {args.case}: {len(pkts)} packets as expected: {describe(pkts[0])}")
    return 0


def cmd_send(args):
    frame = packet(args.case, args.smac, args.dmac)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((args.iface, 0))
    end = time.monotonic() + args.seconds
    send = s.send
    while time.monotonic() < end:
        for _ in range(1000):
            try:
                send(frame)
            except OSError:  # ENOBUFS when the peer's backlog is full
                pass
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["env", "frames", "raw", "cfg", "len", "check", "send"])
    ap.add_argument("case", nargs="?", help="a case; for frames, the folder")
    ap.add_argument("--smac", default="02:00:00:00:00:01")
    ap.add_argument("--dmac", default="02:00:00:00:00:02")
    ap.add_argument("--iface")
    ap.add_argument("--count", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=8)
    ap.add_argument("--seconds", type=float, default=5)
    args = ap.parse_args()
    if args.cmd == "env":
        for k, v in ADDRS.items():
            print(f"{k}={v}")
        print("CASES='%s'" % " ".join(CASES))
        return 0
    if not args.case:
        ap.error("this command needs a CASE (frames: a folder)")
    if args.cmd == "frames":
        for c in CASES:
            frame = packet(c, args.smac, args.dmac)
            with open(f"{args.case}/{c}.frame", "wb") as f:
                f.write(frame)
            print(c, len(frame))
        return 0
    if args.case not in CASES:
        ap.error(f"unknown case {args.case} (cases: {' '.join(CASES)})")
    if args.cmd == "cfg":
        frame = packet(args.case, args.smac, args.dmac)
        print("{ " + ", ".join("0x%02x" % b for b in frame) + " }")
        return 0
    if args.cmd == "raw":
        sys.stdout.buffer.write(packet(args.case, args.smac, args.dmac))
        return 0
    if args.cmd == "len":
        print(len(packet(args.case, args.smac, args.dmac)))
        return 0
    if not args.iface:
        ap.error("check and send need --iface")
    return cmd_check(args) if args.cmd == "check" else cmd_send(args)


if __name__ == "__main__":
    sys.exit(main())
