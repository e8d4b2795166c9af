#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Route churn under traffic: updates/s achieved and packets lost.

Starts its own srv6d (own socket and --file-prefix, one worker): port p0 is a
net_pcap generator replaying IPv4 packets for ever (infinite_rx), port p1 a
net_null sink. Every packet is for 10.1.0.0/16, a route that exists
throughout, via a static neighbour on p1. While the packets flow, `srv6ctl
route load --rate R` churns routes for SECONDS: more specific routes inside
10.1.0.0/16 (/20, /24, /28: the packets hit them, then their parent when
they go) are added via one neighbour, replaced via the other, deleted, again
and again; routes elsewhere (20.0.0.0/8) add volume. srv6d's counters
(stats.get) before and after give the packets received, sent and dropped by
reason: with zero loss every drop counter stays 0 and sent = received (less
the packets in flight when the counters are read).

A soak (issue 10): `--seconds 600 --sample 60` prints, every SAMPLE
seconds, the updates/s, the packets received and sent and the drops of the
interval, srv6d's RSS (VmRSS) and the machine's free hugepages; at the end,
RSS and hugepages at the first sample against the last (flat: within
--flat-pct, default 5 %, of the first sample taken after the warm-up load).

Usage: route_churn.py [--rate 100000] [--seconds 10] [--extra 20000]
       [--batch 1000] [--sample S] [--flat-pct 5] [--build build]
       (run as root; needs scapy)
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

P0_MAC = "02:00:00:00:00:01"
NEIGH = [("198.51.100.2", "02:00:00:00:00:02"), ("198.51.100.3", "02:00:00:00:00:03")]


def write_pcap(path, n):
    """n 64-byte IPv4/UDP frames for p0, destinations spread over 10.1.0.0/16."""
    from scapy.all import Ether, IP, UDP, wrpcap  # pylint: disable=import-outside-toplevel

    pkts = []
    for i in range(n):
        dst = "10.1.%d.%d" % ((i * 7) % 256, (i * 13) % 254 + 1)
        p = Ether(dst=P0_MAC, src="02:00:00:00:00:99") / IP(src="192.0.2.9", dst=dst, ttl=64) / \
            UDP(sport=1024 + i % 4096, dport=9)
        pkts.append(p / (b"\0" * max(0, 60 - len(p))))
    wrpcap(path, pkts)


def rss_kib(pid):
    """The process's resident set (VmRSS, KiB)."""
    with open("/proc/%d/status" % pid, encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def huge_used():
    """Hugepages in use on the machine (total - free), and the page size in KiB."""
    v = {}
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            k, _, rest = line.partition(":")
            v[k] = int(rest.split()[0])
    return v.get("HugePages_Total", 0) - v.get("HugePages_Free", 0), v.get("Hugepagesize", 0)


def sample(srv6ctl, sock, pid, t, updates, prev):
    """One soak sample: counters since the previous one, memory now."""
    st = ctl(srv6ctl, sock, "stats", "get")
    ports = {p["name"]: p for p in st["ports"]}
    cur = {"t": t, "updates": updates, "rx": ports["p0"]["rx_packets"],
           "tx": ports["p1"]["tx_packets"], "drops": sum(st["drops"].values()),
           "rss_kib": rss_kib(pid), "huge_pages": huge_used()[0]}
    if prev is not None:
        dt = max(t - prev["t"], 1e-9)
        print("soak %6.0f s: %7.0f updates/s, %.2f Mpps in, %d received, %d sent, %d dropped; "
              "RSS %.1f MiB, hugepages in use %d"
              % (t, (updates - prev["updates"]) / dt, (cur["rx"] - prev["rx"]) / dt / 1e6,
                 cur["rx"] - prev["rx"], cur["tx"] - prev["tx"], cur["drops"] - prev["drops"],
                 cur["rss_kib"] / 1024, cur["huge_pages"]), flush=True)
    return cur


def churn_files(work, extra):
    """Three route files over the same prefixes: add via NEIGH[0], replace
    via NEIGH[1], delete. Returns their paths and the route count."""
    pfx = ["10.1.0.0/20", "10.1.16.0/20"]
    pfx += ["10.1.%d.0/24" % x for x in range(256)]
    pfx += ["10.1.%d.%d/28" % (x, y * 16) for x in range(256) for y in range(16)]
    pfx += ["20.%d.%d.0/24" % (i // 256, i % 256) for i in range(extra)]
    paths = []
    for name, body in (("add", lambda p: "%s via %s" % (p, NEIGH[0][0])),
                       ("replace", lambda p: "%s via %s" % (p, NEIGH[1][0])),
                       ("delete", lambda p: p)):
        path = os.path.join(work, name + ".txt")
        with open(path, "w", encoding="ascii") as f:
            f.write("\n".join(body(p) for p in pfx) + "\n")
        paths.append(path)
    return paths, len(pfx)


def ctl(srv6ctl, sock, *args):
    out = subprocess.run([srv6ctl, "--socket", sock, "--json", "--timeout", "120", *args],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=100000, help="route updates/s to hold")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--extra", type=int, default=20000, help="churned routes outside 10.1/16")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--packets", type=int, default=1024, help="distinct packets in the pcap")
    ap.add_argument("--build", default=os.environ.get("BUILD_DIR", "build"))
    ap.add_argument("--sample", type=float, default=0,
                    help="seconds between soak samples (0: none)")
    ap.add_argument("--flat-pct", type=float, default=5.0,
                    help="largest growth of RSS / hugepage use, first sample to last")
    a = ap.parse_args()
    srv6d = os.path.join(a.build, "app/srv6d/srv6d")
    srv6ctl = os.path.join(a.build, "app/srv6ctl/srv6ctl")
    work = tempfile.mkdtemp(prefix="srv6d-churn.")
    sock = os.path.join(work, "srv6d.sock")
    proc = None
    try:
        pcap = os.path.join(work, "gen.pcap")
        write_pcap(pcap, a.packets)
        cfg = {
            "ports": [
                {"name": "p0", "device": "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap,
                 "mac": P0_MAC, "addresses": ["192.0.2.1/24"]},
                {"name": "p1", "device": "net_null0,no-rx=1", "addresses": ["198.51.100.1/24"]},
            ],
            "neighbors": [{"port": "p1", "address": ip, "mac": mac} for ip, mac in NEIGH],
            "routes": [{"prefix": "10.1.0.0/16",
                        "nexthops": [{"type": "ip", "via": NEIGH[0][0]}]}],
        }
        with open(os.path.join(work, "config.json"), "w", encoding="ascii") as f:
            json.dump(cfg, f)
        with open("/proc/meminfo", encoding="ascii") as f:
            huge = any(l.startswith("HugePages_Free:") and int(l.split()[1]) > 0 for l in f)
        mem = ["--in-memory", "--file-prefix", "churn%d" % os.getpid()] if huge else \
            ["--no-huge", "-m", "1024", "--no-shconf"]
        log = open(os.path.join(work, "srv6d.log"), "w", encoding="ascii")
        proc = subprocess.Popen([srv6d, "-l", "0,1", "--no-pci", *mem, "--log-level=lib.eal:error",
                                 "--", "--config", os.path.join(work, "config.json"),
                                 "--socket", sock], stdout=log, stderr=subprocess.STDOUT)
        for _ in range(300):
            if os.path.exists(sock) or proc.poll() is not None:
                break
            time.sleep(0.1)
        if proc.poll() is not None or not os.path.exists(sock):
            sys.exit("srv6d did not start:\n" + open(log.name, encoding="ascii").read())
        files, n_routes = churn_files(work, a.extra)
        time.sleep(1)  # traffic flowing
        s0 = ctl(srv6ctl, sock, "stats", "get")
        t0 = time.monotonic()
        updates, loads, worst = 0, 0, None
        samples, last = [], None
        if a.sample > 0:
            last = sample(srv6ctl, sock, proc.pid, 0.0, 0, None)
            print("soak start: RSS %.1f MiB, hugepages in use %d (%d KiB each)"
                  % (last["rss_kib"] / 1024, last["huge_pages"], huge_used()[1]), flush=True)
        while time.monotonic() - t0 < a.seconds:
            if a.sample > 0 and time.monotonic() - t0 - last["t"] >= a.sample:
                last = sample(srv6ctl, sock, proc.pid, time.monotonic() - t0, updates, last)
                samples.append(last)
            for path in files:
                args = ["route", "load", path, "--batch", str(a.batch), "--rate", str(a.rate)]
                if path.endswith("delete.txt"):
                    args.append("--delete")
                r = ctl(srv6ctl, sock, *args)
                updates += r["routes"]
                loads += 1
                worst = r["routes_per_s"] if worst is None else min(worst, r["routes_per_s"])
        elapsed = time.monotonic() - t0
        if a.sample > 0:
            samples.append(sample(srv6ctl, sock, proc.pid, elapsed, updates, last))
        s1 = ctl(srv6ctl, sock, "stats", "get")
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    def port(s, name):
        return next(p for p in s["ports"] if p["name"] == name)

    rx = port(s1, "p0")["rx_packets"] - port(s0, "p0")["rx_packets"]
    tx = port(s1, "p1")["tx_packets"] - port(s0, "p1")["tx_packets"]
    drops = {k: s1["drops"][k] - s0["drops"].get(k, 0) for k in s1["drops"]}
    drops = {k: v for k, v in drops.items() if v}
    print("churn: %d route updates in %.1f s = %.0f updates/s (target %.0f; %d loads of %d "
          "routes: add, replace, delete; slowest load %.0f/s)"
          % (updates, elapsed, updates / elapsed, a.rate, loads, n_routes, worst or 0))
    print("traffic: %d packets received on p0 (%.2f Mpps), %d sent on p1, difference %d "
          "(in flight when counters were read)" % (rx, rx / elapsed / 1e6, tx, rx - tx))
    print("drops by reason: %s" % (json.dumps(drops) if drops else "none"))
    flat = True
    if len(samples) >= 2:
        # the first sample follows a whole load: the tables have their size
        first, end = samples[0], samples[-1]
        grow = {k: (end[k] - first[k]) / max(first[k], 1) * 100 for k in ("rss_kib", "huge_pages")}
        flat = all(g <= a.flat_pct for g in grow.values())
        print("memory: RSS %.1f MiB at %.0f s, %.1f MiB at the end (%+.1f %%; max %.1f MiB); "
              "hugepages in use %d -> %d (%+.1f %%): %s"
              % (first["rss_kib"] / 1024, first["t"], end["rss_kib"] / 1024, grow["rss_kib"],
                 max(x["rss_kib"] for x in samples) / 1024, first["huge_pages"],
                 end["huge_pages"], grow["huge_pages"],
                 "flat" if flat else "GROWING (more than %g %%)" % a.flat_pct))
    lossless = not drops and abs(rx - tx) <= 4096
    print("RESULT: %s" % ("zero loss" if lossless else "LOSS")
          + ("" if flat else ", memory growing"))
    return 0 if lossless and flat else 1


if __name__ == "__main__":
    sys.exit(main())
