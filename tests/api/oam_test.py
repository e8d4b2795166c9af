#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""SRv6 OAM inside one srv6d (doc/api.md "OAM"): oam.ping, oam.trace,
oam.get and srv6ctl ping / trace / probe, with no network at all.

The probes go to srv6d's own SIDs, so its datapath routes them (worker 0
takes them from the control thread), its SIDs process them (End: SL - 1,
hop limit - 1; End.DT46 at SL 0 answers the echo request) and the answers
come back to the control thread: the whole loop of seed 004's probe on one
machine. Checks: every probe answered by the right SID, RTTs and
percentiles ordered; a 2-segment trace gives Time Exceeded from our port
address at hop 1 and the echo reply from the last SID at hop 2; the
O-flag counted exactly by each SID the probes cross (sids[].o_flag_packets)
and not without it; an End.OP SID answering en route (SL 1); a capture of
direction oam holding exactly the O-flag and End.OP packets our SIDs took,
read back with scapy; srv6ctl's output and exit statuses; refusals with the
field (src not ours, no segments, a segment not IPv6, count 0, unknown id);
more sessions in a row than there are slots;
a probe toward nowhere (no route) ends unanswered with exit 1.
Exit 0 pass, 1 fail, 77 skip (srv6d not built)."""

import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apitest import check, failures, srv6d_path, start_srv6d_json, stop_srv6d  # noqa: E402
from srv6rpc import Rpc, RpcError  # noqa: E402
from scapy.all import IPv6, IPv6ExtHdrSegmentRouting, raw, rdpcap  # noqa: E402

SRC = "2001:db8:0:12::1"
END, DT46 = "fc00:1:0:e002::", "fc00:1:0:e001::"
OP = "fc00:1:0:e007::"
CONFIG = {
    "ports": [{"name": "wan0", "device": "net_null0,no-rx=1", "addresses": [SRC + "/64"]}],
    "encap": {"source": SRC},
    "vrfs": [{"name": "blue", "table": 10}],
    "sids": [{"sid": DT46, "behavior": "End.DT46", "vrf": "blue"},
             {"sid": END, "behavior": "End"}, {"sid": OP, "behavior": "End.OP"}],
}
SRV6CTL = os.path.join(os.path.dirname(os.path.dirname(srv6d_path())), "srv6ctl", "srv6ctl")


def ctl(sock, *args):
    r = subprocess.run([SRV6CTL, "--socket", sock, *args], capture_output=True, text=True,
                       timeout=60)
    return r.returncode, r.stdout, r.stderr


def wait_done(rpc, oid, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        res = rpc.call("oam.get", {"id": oid})
        if res["done"]:
            return res
        time.sleep(0.05)
    return rpc.call("oam.get", {"id": oid})


def o_flags(rpc):
    return {s["sid"]: s.get("o_flag_packets") for s in rpc.call("stats.get")["sids"]}


def refused(rpc, method, params, field):
    try:
        rpc.call(method, params)
    except RpcError as e:
        return ((e.error.get("data") or {}).get("field") or "").endswith(field)
    return False


def main():
    if not os.access(srv6d_path(), os.X_OK):
        print("SKIP: srv6d not built")
        return 77
    work = tempfile.mkdtemp(prefix="oam-")
    proc, sock, _ = start_srv6d_json(work, "srv6d", CONFIG, f"oam{os.getpid()}")
    if proc is None:
        return 1
    try:
        with Rpc(sock, timeout=30) as rpc:
            # 1. ping the End.DT46 SID: it answers each echo request
            oid = rpc.call("oam.ping", {"segments": [DT46], "count": 5, "interval_ms": 20})["id"]
            res = wait_done(rpc, oid)
            check(res["done"] and res["sent"] == 5 and res["received"] == 5,
                  "oam.ping [DT46]: 5 sent, 5 echo replies (%s/%s)" % (res["sent"],
                                                                       res["received"]))
            check(all(p.get("from") == DT46 and p.get("answer") == "echo-reply"
                      for p in res["probes"]), "every reply from the SID %s" % DT46)
            st = res.get("rtt_us", {})
            check(st and st["min"] <= st["p50"] <= st["p90"] <= st["p99"] <= st["max"]
                  and st["min"] > 0, "RTT percentiles ordered and positive: %s" % st)
            check(res["src"] == SRC and res["segments"] == [DT46] and res["kind"] == "ping",
                  "oam.get echoes the session: src, segments, kind")

            # 2. through our End first (SL 1 -> 0), the O-flag counted at each
            before = o_flags(rpc)
            oid = rpc.call("oam.ping", {"segments": [END, DT46], "count": 4, "interval_ms": 10,
                                        "o_flag": True})["id"]
            res = wait_done(rpc, oid)
            after = o_flags(rpc)
            check(res["received"] == 4 and all(p.get("from") == DT46 for p in res["probes"]),
                  "oam.ping [END, DT46] with the O-flag: 4 replies from %s" % DT46)
            check(after[END] - before[END] == 4 and after[DT46] - before[DT46] == 4,
                  "O-flag counted once per probe at End and End.DT46 (%d, %d)"
                  % (after[END] - before[END], after[DT46] - before[DT46]))
            oid = rpc.call("oam.ping", {"segments": [END, DT46], "count": 3,
                                        "interval_ms": 10})["id"]
            wait_done(rpc, oid)
            again = o_flags(rpc)
            check(again[END] == after[END] and again[DT46] == after[DT46],
                  "no O-flag, nothing counted")

            # 2b. End.OP en route: the probe stops at the SID (SL 1), which
            # answers; an oam capture copies each O-flag packet at each SID
            # and each End.OP packet, once
            pcap = os.path.join(work, "oam.pcap")
            cid = rpc.call("capture.start", {"port": "any", "direction": "oam",
                                             "file": pcap})["id"]
            caps = rpc.call("capture.list")
            caps = caps.get("captures", caps) if isinstance(caps, dict) else caps
            check([c.get("direction") for c in caps if c.get("id") == cid] == ["oam"],
                  "capture.list shows direction oam: %s" % caps)
            oid = rpc.call("oam.ping", {"segments": [OP, DT46], "count": 3,
                                        "interval_ms": 10})["id"]
            res = wait_done(rpc, oid)
            check(res["received"] == 3 and all(p.get("from") == OP for p in res["probes"]),
                  "oam.ping [OP, DT46]: 3 echo replies from the End.OP SID %s (%s)"
                  % (OP, [p.get("from") for p in res["probes"]]))
            for segs, n in (([END, DT46], 4), ([OP], 2)):
                wait_done(rpc, rpc.call("oam.ping", {"segments": segs, "count": n,
                                                     "interval_ms": 10, "o_flag": True})["id"])
            rpc.call("capture.stop", {"id": cid})
            got = [(p[IPv6].dst, bool(raw(p[IPv6ExtHdrSegmentRouting])[5] & 0x20))
                   for p in rdpcap(pcap) if IPv6ExtHdrSegmentRouting in p]
            want = sorted([(OP, False)] * 3 + [(END, True)] * 4 + [(DT46, True)] * 4 +
                          [(OP, True)] * 2)
            check(sorted(got) == want,
                  "oam capture: 13 copies, (DA, O-flag) exact: %s" % sorted(got))

            # 3. trace [END, DT46]: hop 1 expires at our End (Time Exceeded
            # from our port address), hop 2 reaches the End.DT46
            oid = rpc.call("oam.trace", {"segments": [END, DT46], "max_hops": 5})["id"]
            res = wait_done(rpc, oid)
            hops = [(p["hop_limit"], p.get("from"), p.get("answer")) for p in res["probes"]]
            check(hops == [(1, SRC, "time-exceeded"), (2, DT46, "echo-reply")],
                  "oam.trace: hop 1 time-exceeded from %s, hop 2 echo-reply from %s: %s"
                  % (SRC, DT46, hops))

            # 4. refusals, with the field
            check(refused(rpc, "oam.ping", {"segments": [DT46], "src": "2001:db8:99::1"}, "src"),
                  "oam.ping from an address not ours: refused on src")
            check(refused(rpc, "oam.ping", {"segments": []}, "segments"),
                  "oam.ping without segments: refused")
            check(refused(rpc, "oam.ping", {"segments": ["10.0.0.1"]}, "segments"),
                  "oam.ping with an IPv4 segment: refused")
            check(refused(rpc, "oam.ping", {"segments": [DT46], "count": 0}, "count"),
                  "oam.ping count 0: refused")
            check(refused(rpc, "oam.trace", {"segments": [DT46], "max_hops": 65}, "max_hops"),
                  "oam.trace max_hops 65: refused")
            check(refused(rpc, "oam.get", {"id": 7}, "id"), "oam.get of an unknown id: 1001")

            # 4b. finished sessions give their slots to new ones: 20 in a row
            ok = 0
            for _ in range(20):
                try:
                    res = wait_done(rpc, rpc.call("oam.ping", {"segments": [DT46], "count": 1})["id"])
                    ok += res["received"] == 1
                except RpcError:
                    pass
            check(ok == 20, "20 sessions one after another (16 slots): %d answered" % ok)

            # 5. nowhere: no route for the first segment -> no echo reply
            oid = rpc.call("oam.ping", {"segments": ["2001:db8:dead::1"], "count": 2,
                                        "interval_ms": 10, "timeout_ms": 300})["id"]
            res = wait_done(rpc, oid)
            check(res["done"] and res["received"] == 0,
                  "a segment with no route: done, no echo reply (%s)"
                  % [p.get("answer") for p in res["probes"]])

        # 6. srv6ctl ping / trace / probe
        rc, out, err = ctl(sock, "ping", f"{END},{DT46}", "count", "3", "interval", "20")
        check(rc == 0 and len(re.findall(r"^reply from %s: seq=\d+ time=[0-9.]+ ms$"
                                         % re.escape(DT46), out, re.M)) == 3
              and "3 probes sent, 3 echo replies, 0.0% loss" in out,
              "srv6ctl ping: 3 reply lines, the summary, exit 0 (%d)%s" % (rc, err.strip()))
        rc, out, err = ctl(sock, "trace", f"{END},{DT46}", "max-hops", "4")
        check(rc == 0 and re.search(r"^ 1  %s .* time-exceeded$" % re.escape(SRC), out, re.M)
              and re.search(r"^ 2  %s .* echo-reply$" % re.escape(DT46), out, re.M)
              and "answered at hop 2" in out,
              "srv6ctl trace: hop 1 and hop 2 lines, exit 0 (%d)" % rc)
        rc, out, err = ctl(sock, "probe", DT46, f"{END},{DT46}", "count", "30", "interval", "2")
        rows = re.findall(r"^([12])\s+30\s+30\s+0\.0\s", out, re.M)
        hist = re.findall(r"^path [12] rtt histogram:( <\d+us:\d+)+$", out, re.M)
        check(rc == 0 and rows == ["1", "2"] and len(hist) == 2,
              "srv6ctl probe: 2 paths, 30/30 each, a histogram per path (exit %d)" % rc)
        rc, out, err = ctl(sock, "ping", "2001:db8:dead::1", "count", "1", "timeout", "200")
        check(rc == 1 and "0 echo replies" in out, "srv6ctl ping with no answer: exit 1")
        rc, out, err = ctl(sock, "ping", DT46, "src", "2001:db8:99::1")
        check(rc == 1 and "src" in err, "srv6ctl ping from a foreign src: exit 1 naming src")
        rc, out, err = ctl(sock, "--json", "ping", DT46, "count", "2", "interval", "10")
        check(rc == 0 and '"received": 2' in out, "srv6ctl --json ping: oam.get's result")
        with Rpc(sock, timeout=30) as rpc:
            drops = {k: v for k, v in rpc.call("stats.get")["drops"].items() if v}
            expired = drops.pop("ip6_hop_limit_exceeded", 0)
            for k in ("ip6_no_route", "icmp_rate_limited"):
                drops.pop(k, 0)
            check(not drops and expired == 2,
                  "no drop but the probes toward nowhere and the two traces' expired hop 1 "
                  "(%d): %s" % (expired, drops))
    finally:
        rc = stop_srv6d(proc)
        check(rc == 0, "srv6d stopped with status 0 (%d)" % rc)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
