#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""srv6d's DPDK telemetry commands, read with DPDK's own client
(dpdk-telemetry.py) and judged against srv6d's JSON-RPC answers (the tests'
client): /srv6d/ports and /srv6d/port,NAME, /srv6d/sids and /srv6d/sid,SID,
/srv6d/vrfs and /srv6d/vrf,NAME, /srv6d/sas and /srv6d/sa,ID (never the key),
/srv6d/drops, /srv6d/stats, /srv6d/info. One port receives net_null's
frames, which srv6d drops under a reason: the telemetry's drop counters must
lie between two stats.get readings taken around them. Unknown items and
parameters where none is taken answer null. Four telemetry clients in
parallel while route.add batches run: every query answered, srv6d alive.
Exit 0 pass, 1 fail, 77 skip (srv6d not built, dpdk-telemetry.py missing)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apitest import check, failures, srv6d_path, start_srv6d, stop_srv6d  # noqa: E402
from srv6rpc import Rpc  # noqa: E402

TELEMETRY = shutil.which("dpdk-telemetry.py")
KEY = "11" * 20
CONFIG = {
    "ports": [{"name": "wan0", "device": "net_null0,no-rx=1", "vrf": "default",
               "addresses": ["2001:db8::1/64"]},
              # frames of zeros (no Ethernet type srv6d serves): counted drops
              {"name": "ce-blue", "device": "net_null1", "vrf": "BLUE"}],
    "encap": {"source": "2001:db8::1"},
    "locators": [{"name": "LOC1", "prefix": "2001:db8:1::/48", "block_len": 32,
                  "node_len": 16, "func_len": 16}],
    "vrfs": [{"name": "BLUE", "table": 10}],
    "sids": [{"sid": "2001:db8:1:0:1::/128", "behavior": "End.DT4", "vrf": "BLUE"}],
    "ipsec": {"sas": [{"id": "to-pe2", "direction": "out", "spi": 4097, "mode": "srv6",
                       "aead": "aes-gcm-128", "key": KEY}]},
}


def telemetry(prefix, cmds, timeout=30):
    """{command: value} for each command, through dpdk-telemetry.py."""
    r = subprocess.run([TELEMETRY, "-f", prefix], input="\n".join(cmds) + "\n",
                       capture_output=True, text=True, timeout=timeout)
    out = {}
    for line in r.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.update(json.loads(line))
            except ValueError:
                pass
    return out, r


def main():
    if not os.access(srv6d_path(), os.X_OK):
        print("skip: srv6d not built")
        return 77
    if TELEMETRY is None:
        print("skip: dpdk-telemetry.py missing (Debian package dpdk-dev)")
        return 77
    prefix = f"tel{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="srv6d-telemetry-") as work:
        cfg = os.path.join(work, "srv6d.json")
        with open(cfg, "w") as f:
            json.dump(CONFIG, f)
        proc, sock = start_srv6d(work, "srv6d", cfg, prefix)
        if proc is None:
            check(False, "srv6d started (log: %r)" % sock)
            return 1
        try:
            run(prefix, sock)
        finally:
            rc = stop_srv6d(proc)
            check(rc == 0, "srv6d stopped with status 0 (%d)" % rc)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


def run(prefix, sock):
    rpc = Rpc(sock, timeout=30)
    ports = rpc.call("port.list")
    sids = rpc.call("sid.list")
    vrfs = rpc.call("vrf.list")
    sas = rpc.call("ipsec.sa.list")
    before = rpc.call("stats.get")
    sid = sids[0]["sid"]
    cmds = ["/srv6d/ports", "/srv6d/port,wan0", "/srv6d/sids", "/srv6d/sid," + sid,
            "/srv6d/vrfs", "/srv6d/vrf,BLUE", "/srv6d/sas", "/srv6d/sa,to-pe2", "/srv6d/drops",
            "/srv6d/stats", "/srv6d/info"]
    t, r = telemetry(prefix, cmds)
    after = rpc.call("stats.get")
    check(all(c.split(",")[0] in t for c in cmds),
          "dpdk-telemetry.py answered every command (%d): %s" % (len(t), r.stderr.strip()[:200]))
    print(json.dumps(t)[:1500])
    check(t.get("/srv6d/ports") == [p["name"] for p in ports],
          "/srv6d/ports = port.list names %s" % t.get("/srv6d/ports"))
    tp, rp = t.get("/srv6d/port") or {}, next(p for p in ports if p["name"] == "wan0")
    check(all(tp.get(k) == rp[k] for k in ("name", "device", "mtu", "vrf", "driver", "mac",
                                            "n_rxq", "n_txq")) and
          tp.get("addresses") == rp["addresses"] and
          all(("counters_" + k) in tp for k in rp["counters"]),
          "/srv6d/port,wan0 = port.list's wan0, counters flattened: %s" % tp)
    check(t.get("/srv6d/sids") == [s["sid"] for s in sids], "/srv6d/sids = sid.list")
    ts = t.get("/srv6d/sid") or {}
    check(ts.get("sid") == sid and ts.get("behavior") == "End.DT4" and ts.get("vrf") == "BLUE" and
          "counters_packets" in ts and "counters_bytes" in ts,
          "/srv6d/sid,%s: behaviour, VRF and counters: %s" % (sid, ts))
    check(t.get("/srv6d/vrfs") == [v["name"] for v in vrfs], "/srv6d/vrfs = vrf.list names")
    tv, rv = t.get("/srv6d/vrf") or {}, next(v for v in vrfs if v["name"] == "BLUE")
    check(tv.get("table") == rv["table"] and
          tv.get("fib_ipv4_entries") == rv["fib"]["ipv4_entries"],
          "/srv6d/vrf,BLUE = vrf.list's BLUE: %s" % tv)
    check(t.get("/srv6d/sas") == [s["id"] for s in sas], "/srv6d/sas = ipsec.sa.list ids")
    tsa = t.get("/srv6d/sa") or {}
    check(tsa.get("id") == "to-pe2" and tsa.get("spi") == 4097 and
          KEY not in json.dumps(tsa) and "key" not in tsa,
          "/srv6d/sa,to-pe2: the SA without its key: %s" % tsa)
    td = t.get("/srv6d/drops") or {}
    b, a = before["drops"], after["drops"]
    grew = {k: v for k, v in td.items() if v}
    check(set(td) == set(a) and all(b[k] <= td[k] <= a[k] for k in a) and grew,
          "/srv6d/drops between two stats.get readings, reason by reason; non-zero: %s" % grew)
    tst = t.get("/srv6d/stats") or {}
    rx = lambda st: sum(p["rx_packets"] for p in st["ports"])  # noqa: E731
    lc = ["lcore%d_%s" % (x["lcore"], f) for x in after["lcores"]
          for f in ("rx_packets", "tx_packets", "drops", "bursts", "busy_us")]
    check(rx(before) <= tst.get("rx_packets", -1) <= rx(after) and tst["rx_packets"] > 0 and
          all(k in tst for k in ["rx_bytes", "tx_packets", "tx_bytes", "drops"] + lc),
          "/srv6d/stats: the ports' rx_packets summed between two stats.get readings (%s), "
          "per-lcore %s" % (tst.get("rx_packets"), lc[:5]))
    ti = t.get("/srv6d/info") or {}
    check(ti.get("version") == rpc.call("system.info")["version"] and ti.get("ports") == ["wan0", "ce-blue"],
          "/srv6d/info = system.info: version %s, ports %s" % (ti.get("version"), ti.get("ports")))
    # unknown item, a parameter where none is taken, none where one is needed
    t2, _ = telemetry(prefix, ["/srv6d/port,nosuch"])
    t3, _ = telemetry(prefix, ["/srv6d/ports,x"])
    t4, _ = telemetry(prefix, ["/srv6d/sid"])
    check(t2.get("/srv6d/port", 1) is None and t3.get("/srv6d/ports", 1) is None and
          t4.get("/srv6d/sid", 1) is None,
          "an unknown port, a parameter to /srv6d/ports, /srv6d/sid without one: null (%s %s %s)"
          % (t2, t3, t4))
    # four clients at once while the control thread applies route batches
    results, stop = [], threading.Event()

    def reader():
        got, _ = telemetry(prefix, ["/srv6d/ports", "/srv6d/drops", "/srv6d/vrf,BLUE"] * 20, 60)
        results.append(got)

    def writer():
        c = Rpc(sock, timeout=30)
        j = 0
        while not stop.is_set() and j < 200:
            c.call("route.add", {"vrf": "BLUE", "prefix": "10.%d.%d.0/24" % (j // 256, j % 256),
                                 "nexthops": [{"type": "blackhole"}]})
            j += 1
        c.close()

    ths = [threading.Thread(target=reader) for _ in range(4)]
    w = threading.Thread(target=writer)
    w.start()
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    stop.set()
    w.join()
    check(len(results) == 4 and all(set(x) == {"/srv6d/ports", "/srv6d/drops", "/srv6d/vrf"} and
                                    x["/srv6d/ports"] == ["wan0", "ce-blue"] for x in results),
          "4 telemetry clients in parallel with route batches: all answered")
    check(rpc.call("system.info")["version"] is not None, "srv6d still answers on its socket")
    rpc.close()


if __name__ == "__main__":
    sys.exit(main())
