#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Steady UDP flows with sequence numbers, for measuring loss per flow.

  flows.py send --dst4 A --dst6 B --flows N --rate PPS --out SENT.json
      N flows per family (each its own socket, so its own source port) to
      port --port, PPS packets per second each, until SIGTERM; then writes
      what each flow sent.
  flows.py recv --out RECV.json
      receives on --port (IPv4 and IPv6) until SIGTERM, notes each packet's
      arrival time and incoming interface (IP_PKTINFO / IPV6_PKTINFO), then
      writes per flow what arrived, through which interface, and every
      silence longer than three intervals.
  flows.py report --sent S --recv R [--event T] [--if NAME=LABEL ...]
      joins both: per flow sent, received, lost, duplicates, the interfaces
      in order (before and after T), the longest silence (after T); prints a
      summary and writes the JSON report to --out.

A packet: magic "FLW1", flow id (u16), sequence (u32), send time (f64).
Times are the wall clock (time.time()) so that the test's own timestamps
(date +%s.%N) compare with them; sender and receiver share the machine.
"""

import argparse
import json
import signal
import socket
import struct
import sys
import time

MAGIC = b"FLW1"
HDR = struct.Struct("!4sHId")
PAD = 64 - HDR.size  # 64-byte payloads
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # Python 3.11 lacks the name (linux/in.h: 8)


STOP = []  # non-empty once SIGTERM or SIGINT came


def on_term(sig, _frame):
    # a flag, not an exception: an exception could land between a sendto()
    # and its count, and the report would see one packet more than sent
    STOP.append(sig)


def cmd_send(a):
    socks = []  # (flow id, family, socket, destination)
    fid = 0
    for fam, dst in ((socket.AF_INET, a.dst4), (socket.AF_INET6, a.dst6)):
        if not dst:
            continue
        for _ in range(a.flows):
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.bind(("0.0.0.0" if fam == socket.AF_INET else "::", 0))
            s.setblocking(False)
            socks.append((fid, fam, s, (dst, a.port)))
            fid += 1
    sent = [0] * fid
    errors = [0] * fid
    period = 1.0 / a.rate
    t_first = time.time()
    nxt = t_first
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    late = 0
    while not STOP:
        now = time.time()
        for f, _fam, s, dst in socks:
            pkt = HDR.pack(MAGIC, f, sent[f], now) + b"\0" * PAD
            try:
                s.sendto(pkt, dst)
                sent[f] += 1
            except OSError:
                # no route or a full buffer: the sequence number is not
                # used, so it is not counted as sent (nor as lost)
                errors[f] += 1
        nxt += period
        delay = nxt - time.time()
        if delay > 0:
            time.sleep(delay)
        else:
            late += 1
            if delay < -1.0:  # far behind (descheduled): no burst to catch up
                nxt = time.time()
    out = {
        "rate": a.rate,
        "first": t_first,
        "last": time.time(),
        "late_ticks": late,
        "flows": {
            str(f): {"family": 4 if fam == socket.AF_INET else 6, "sport": s.getsockname()[1],
                     "sent": sent[f], "errors": errors[f]}
            for f, fam, s, _d in socks
        },
    }
    with open(a.out, "w") as fh:
        json.dump(out, fh)
    return 0


def cmd_recv(a):
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    s4.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s4.bind(("0.0.0.0", a.port))
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    s6.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s6.bind(("::", a.port))
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(s4, selectors.EVENT_READ)
    sel.register(s6, selectors.EVENT_READ)
    flows = {}  # id -> state
    names = {}
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    # ready: the test waits for this line before it starts the sender
    print("receiving on port %d" % a.port, flush=True)

    def ifname(idx):
        if idx not in names:
            try:
                names[idx] = socket.if_indextoname(idx)
            except OSError:
                names[idx] = "if%d" % idx
        return names[idx]

    def note(data, anc, fam):
        now = time.time()
        if len(data) < HDR.size:
            return
        magic, f, seq, _t = HDR.unpack_from(data)
        if magic != MAGIC:
            return
        idx = 0
        for level, typ, cd in anc:
            if fam == 4 and level == socket.IPPROTO_IP and typ == IP_PKTINFO:
                idx = struct.unpack_from("i", cd)[0]
            elif fam == 6 and level == socket.IPPROTO_IPV6 and typ == socket.IPV6_PKTINFO:
                idx = struct.unpack_from("16sI", cd)[1]
        st = flows.get(f)
        if st is None:
            st = flows[f] = {"seen": set(), "dups": 0, "reordered": 0, "max_seq": -1,
                             "last_t": now, "first_t": now, "paths": [], "gaps": []}
        if seq in st["seen"]:
            st["dups"] += 1
            return
        st["seen"].add(seq)
        if seq < st["max_seq"]:
            st["reordered"] += 1
        st["max_seq"] = max(st["max_seq"], seq)
        name = ifname(idx)
        if not st["paths"] or st["paths"][-1][0] != name:
            st["paths"].append([name, now, seq, 0])
        st["paths"][-1][3] += 1
        gap = now - st["last_t"]
        if gap > a.gap:
            st["gaps"].append([st["last_t"], round(gap, 4)])
        st["last_t"] = now

    while not STOP:
        for key, _ev in sel.select(0.1):
            s = key.fileobj
            fam = 4 if s is s4 else 6
            while True:
                try:
                    data, anc, _fl, _addr = s.recvmsg(256, 256, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                note(data, anc, fam)
    out = {
        str(f): {"received": len(st["seen"]), "dups": st["dups"], "reordered": st["reordered"],
                 "max_seq": st["max_seq"], "first": st["first_t"], "last": st["last_t"],
                 "paths": st["paths"], "gaps": st["gaps"]}
        for f, st in flows.items()
    }
    with open(a.out, "w") as fh:
        json.dump(out, fh)
    return 0


def cmd_report(a):
    sent = json.load(open(a.sent))
    recv = json.load(open(a.recv))
    labels = dict(x.split("=", 1) for x in a.ifname)
    lab = lambda n: labels.get(n, n)  # noqa: E731
    ev = a.event
    t0 = ev if ev is not None else sent["first"]  # times in the report are relative to it
    flows = {}
    tot = {"flows": 0, "sent": 0, "received": 0, "lost": 0, "dups": 0, "reordered": 0}
    by_path = {}  # label before the event -> flows
    for f, s in sorted(sent["flows"].items(), key=lambda x: int(x[0])):
        r = recv.get(f, {"received": 0, "dups": 0, "reordered": 0, "paths": [], "gaps": []})
        paths = r["paths"]
        before = [lab(p[0]) for p in paths if ev is None or p[1] < ev]
        after = [lab(p[0]) for p in paths if ev is not None and p[1] >= ev]
        # the path in use when the event came, and the one at the end
        at_event = before[-1] if before else None
        final = lab(paths[-1][0]) if paths else None
        gaps_after = [g for g in r["gaps"] if ev is None or g[0] + g[1] >= ev]
        worst = max(gaps_after, key=lambda g: g[1], default=None)
        lost = s["sent"] - r["received"]
        flows[f] = {
            "family": s["family"], "sport": s["sport"], "sent": s["sent"],
            "send_errors": s["errors"], "received": r["received"], "lost": lost,
            "dups": r["dups"], "reordered": r["reordered"],
            "path_at_event": at_event, "path_final": final,
            "path_changes": max(0, len(paths) - 1),
            "paths": [[lab(p[0]), round(p[1] - t0, 3), p[2], p[3]] for p in paths],
            # the longest silence: its start relative to the event, and its length
            # less the interval at which a packet is due anyway
            "outage": round(max(0.0, worst[1] - 1.0 / sent["rate"]), 3) if worst else 0.0,
            "outage_from": round(worst[0] - t0, 3) if worst else None,
            "moved": after,
        }
        by_path.setdefault(at_event, []).append(f)
        tot["flows"] += 1
        tot["sent"] += s["sent"]
        tot["received"] += r["received"]
        tot["lost"] += lost
        tot["dups"] += r["dups"]
        tot["reordered"] += r["reordered"]
    per_path = {}
    for p, fl in by_path.items():
        per_path[str(p)] = {
            "flows": len(fl),
            "lost": sum(flows[f]["lost"] for f in fl),
            "max_outage": max(flows[f]["outage"] for f in fl),
            "final": sorted({str(flows[f]["path_final"]) for f in fl}),
        }
    rep = {"rate": sent["rate"], "seconds": round(sent["last"] - sent["first"], 2),
           "late_ticks": sent["late_ticks"], "total": tot, "per_path": per_path, "flows": flows}
    if a.out:
        with open(a.out, "w") as fh:
            json.dump(rep, fh, indent=1)
    print("%d flows, %.1f s at %d pps each: sent %d, received %d, lost %d, dups %d, reordered %d"
          % (tot["flows"], rep["seconds"], sent["rate"], tot["sent"], tot["received"], tot["lost"],
             tot["dups"], tot["reordered"]))
    for p, v in sorted(per_path.items()):
        print("  through %s%s: %d flows, lost %d, longest outage %.3f s, finally through %s"
              % (p, " at the event" if ev is not None else "", v["flows"], v["lost"], v["max_outage"],
                 "/".join(v["final"])))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--dst4")
    s.add_argument("--dst6")
    s.add_argument("--port", type=int, default=9000)
    s.add_argument("--flows", type=int, default=16)
    s.add_argument("--rate", type=int, default=50)
    s.add_argument("--out", required=True)
    r = sub.add_parser("recv")
    r.add_argument("--port", type=int, default=9000)
    r.add_argument("--gap", type=float, default=0.06, help="silences longer than this are noted (s)")
    r.add_argument("--out", required=True)
    p = sub.add_parser("report")
    p.add_argument("--sent", required=True)
    p.add_argument("--recv", required=True)
    p.add_argument("--event", type=float)
    p.add_argument("--if", dest="ifname", action="append", default=[])
    p.add_argument("--out")
    a = ap.parse_args()
    return {"send": cmd_send, "recv": cmd_recv, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
