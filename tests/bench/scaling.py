#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""srv6d multi-worker scaling benchmark (not a test: run it by hand, as root).

srv6d is started as srv6d_bench.py starts it (same EAL arguments, memory and
lcore mapping, gen0 = net_pcap infinite_rx generator, core0 / ce1 = net_null
sinks with one TX queue per worker) and measured from stats.get windows.

Cases:

  rss     many flows spread over N RX queues, as NIC RSS spreads them: gen0
          gets one `rx_pcap=` per worker (net_pcap makes one RX queue per
          rx_pcap), queue q its own pcap of distinct flows. Behaviours
          End.DT4 (decapsulation, outer source and flow label varied per
          flow: what RSS on the outer header can spread) and H.Encaps with
          IPv4 inside. Runs: each --workers count, spread as configured by
          default, plus spread "off" for 2 or more workers.
  single  End.DT4 decapsulation from one remote PE: every packet has the same
          outer IPv6 source and destination (one SID), the SRH of
          gen_pcaps.py (one segment, SL 0), --flows inner IPv4 flows. One RX
          queue (one rx_pcap; the other TX queues of gen0 go to /dev/null).
          Variants: B0 outer flow label 0, B1 a flow-derived outer flow label
          (RFC 6437, as an encapsulating PE that computes it). Runs: 1
          worker; for each N >= 2 of --workers: spread "off", "inner" (the
          default: buckets start at home, the rebalancer moves them while a
          worker is busy) and "even" (buckets spread from the start).

Every run is checked before its figures count: a capture of 16 output packets
passes srv6d_bench.py's scapy check (the behaviour really applied), plus for
decapsulation TTL 63 and a right IPv4 header checksum; in every window no
drop other than handoff_full, what srv6d processed went out, no idle sleeps.
A run that fails a check reports no rate. handoff_full drops are overload,
reported as loss % (result "overload"): net_pcap infinite_rx offers packets
as fast as the RX worker takes them, so the worker it hands to can fall
behind, where a NIC would drop at its RX ring instead. With 2+ workers the
windows start once the spread buckets hold still (--settle).

  sudo tests/bench/scaling.py [--quick] [--cases rss,single] [--workers 1,2]
                              [--window S] [--repeat R] [--json PATH]

Figures: Mpps total (output port tx), Mpps per worker, the ratio to the
1-worker run of the same case and variant, and per worker its rx, tx,
handed_off, handed_in and busy_us (the spread counters, when srv6d has them)
over the measured windows. Where workers + 1 lcores exceed the CPUs, lcores
share CPUs (srv6d_bench.lcore_args) and the output says so: the ratios then
say nothing about scaling, only that the runs work.
"""
import argparse
import datetime
import json
import os
import statistics
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import srv6d_bench as B  # noqa: E402
import gen_pcaps as G  # noqa: E402

from scapy.all import IP, IPv6, rdpcap  # noqa: E402

LCORE_KEYS = ("rx_packets", "tx_packets", "handed_off", "handed_in", "busy_us",
              "spread_buckets", "idle_sleeps")

log = B.log
Failed = B.Failed


class Unsupported(Exception):
    """srv6d refused the run's configuration (no datapath.spread yet)."""


# ---------------------------------------------------------------------------
# traffic
# ---------------------------------------------------------------------------

def flow_label(pkt):
    """A flow-derived 20-bit label from the inner 5-tuple, never 0."""
    ip = pkt[IP]
    key = f"{ip.src} {ip.dst} {ip.proto} {ip.sport} {ip.dport}".encode()
    return (zlib.crc32(key) & 0xFFFFF) or 1


def build_rss(case, a, nq, wdir):
    """Routes, SIDs and nq per-queue pcaps of distinct flows for an rss case."""
    behaviour = {"dt4": "end_dt4", "encaps4": "h_encaps_v4"}[case]
    extra, routes, frames = G.plan(behaviour, a.routes, a.flows * nq, seed=7)
    if behaviour == "end_dt4":
        # many remote PEs and flow-derived labels: outer headers RSS spreads
        for i, f in enumerate(frames):
            f[IPv6].src = f"2001:db8:b::{(i % 4000) + 1:x}"
            f[IPv6].fl = flow_label(f)
    pcaps = []
    for q in range(nq):
        path = os.path.join(wdir, f"rss-{case}-q{q}.pcap")
        G.write_pcap(path, frames[q::nq])
        pcaps.append(path)
    return behaviour, extra, routes, pcaps, sorted({len(f) for f in frames})


def build_single(variant, a, wdir):
    """One pcap of End.DT4 from one remote PE (gen_pcaps' end_dt4 frames),
    outer flow label 0 (B0) or derived from the inner flow (B1)."""
    extra, routes, frames = G.plan("end_dt4", a.routes, a.flows, seed=11)
    if variant == "B1":
        for f in frames:
            f[IPv6].fl = flow_label(f)
    path = os.path.join(wdir, f"single-{variant}.pcap")
    G.write_pcap(path, frames)
    return "end_dt4", extra, routes, [path], sorted({len(f) for f in frames})


# ---------------------------------------------------------------------------
# one srv6d run
# ---------------------------------------------------------------------------

def lcore_totals(st):
    return {lc.get("lcore"): {k: lc.get(k) for k in LCORE_KEYS}
            for lc in st.get("lcores", [])}


def decap_check(path):
    """Beyond srv6d_bench's check: TTL 63 and a right IPv4 header checksum on
    the decapsulated packets of the capture (scapy recomputes the sum)."""
    try:
        pkts = rdpcap(path)
    except (OSError, EOFError) as e:
        return f"capture unreadable: {e}"
    for k, p in enumerate(pkts):
        if IP not in p:
            return f"captured packet {k}: no IPv4"
        if p[IP].ttl != 63:
            return f"captured packet {k}: TTL {p[IP].ttl}, not 63"
        hdr = bytes(p[IP])[:p[IP].ihl * 4]
        total = sum(int.from_bytes(hdr[i:i + 2], "big") for i in range(0, len(hdr), 2))
        while total >> 16:
            total = (total & 0xFFFF) + (total >> 16)
        if total != 0xFFFF:
            return f"captured packet {k}: IPv4 header checksum {p[IP].chksum:#x} is wrong"
    return None


def settle(a, rpc):
    """With 2+ workers, srv6d's rebalancer moves spread buckets every 100 ms
    while one worker is busier: wait until the per-worker bucket counts hold
    still for a second (or --settle s), so the windows measure the balance
    it reaches, not the way there. Returns (seconds waited, final counts)."""
    t0 = time.monotonic()
    last, still_since = None, None
    while True:
        now = [lc.get("spread_buckets") for lc in rpc.call("stats.get").get("lcores", [])]
        if None in now:
            return 0.0, None            # srv6d without spreading
        t = time.monotonic()
        if now != last:
            last, still_since = now, t
        elif t - still_since >= 1.0:
            return round(t - t0, 1), now
        if t - t0 >= a.settle:
            log(f"  buckets still moving after {a.settle:g} s ({now}): measuring anyway")
            return round(t - t0, 1), now
        time.sleep(0.2)


def measure(a, rpc, out_port, sid, workers):
    """a.repeat windows; each checked like srv6d_bench.measure_srv6d, except
    that handoff_full drops are overload, not an error: infinite_rx offers
    packets as fast as the RX worker takes them, so with handoff the worker
    it hands to falls behind and its ring overflows, where a NIC would drop
    at its RX ring (unseen by srv6d_bench, whose workers pull at their own
    pace). They are counted apart (the figure is then the rate forwarded at
    overload, not a zero-loss rate). Returns per-window total Mpps, the
    per-lcore deltas summed over good windows, and the handoff_full losses."""
    rpc.call("stats.reset")
    time.sleep(a.warmup)
    samples, problems, per_lc, good_s = [], [], {}, 0.0
    lost = {"handoff_full": 0, "received": 0}
    for w in range(a.repeat):
        st0 = rpc.call("stats.get")
        t0 = time.monotonic()
        time.sleep(a.window)
        st1 = rpc.call("stats.get")
        dt = time.monotonic() - t0
        s0, s1 = B.totals(st0, out_port, sid), B.totals(st1, out_port, sid)
        rx, tx, hf, bad = B.window_check(s0, s1, out_port, sid, overload=("handoff_full",))
        if bad:
            problems.append(f"window {w + 1}: " + "; ".join(bad))
            continue
        samples.append(tx / dt / 1e6)
        good_s += dt
        lost["handoff_full"] += hf
        lost["received"] += rx
        l0, l1 = lcore_totals(st0), lcore_totals(st1)
        for lc, v1 in l1.items():
            acc = per_lc.setdefault(lc, {})
            for k, x in v1.items():
                x0 = l0.get(lc, {}).get(k)
                if k == "spread_buckets":
                    acc[k] = x           # a gauge: the count at the end
                elif x is None or x0 is None:
                    acc.setdefault(k, None)
                else:
                    acc[k] = (acc.get(k) or 0) + x - x0
        log(f"    window {w + 1}/{a.repeat}: {samples[-1]:.3f} Mpps"
            + (f" ({100 * hf / rx:.1f}% lost to handoff_full)" if hf else ""))
    return samples, problems, per_lc, good_s, lost


def run_one(a, run, behaviour, extra, routes, pcaps, wdir):
    """Start srv6d for one run, check its output, measure; fills run."""
    w = run["workers"]
    gen_vrf, out_port, _ = G.CASES[behaviour]
    rx = ",".join(f"rx_pcap={p}" for p in pcaps[:w] if p)
    nrx = len(pcaps[:w])
    # net_pcap gives one TX queue per rx_pcap when no tx_pcap is named;
    # srv6d wants one per worker: the missing ones written to /dev/null
    # (srv6d sends nothing on gen0 here)
    tx = "".join(",tx_pcap=/dev/null" for _ in range(w)) if nrx < w else ""
    cfg = G.base_config(behaviour, f"net_pcap0,{rx}{tx},infinite_rx=1", "net_null0,no-rx=1",
                        "net_null1,no-rx=1", extra)
    if run["spread"] is not None:
        cfg["datapath"]["spread"] = run["spread"]
    sid = extra["sids"][0]["sid"] if extra["sids"] else None
    ns = argparse.Namespace(**vars(a))
    ns.workers = w
    tag = run["name"].replace("/", "-").replace(" ", "_")
    try:
        p, rpc, logpath = B.start_srv6d(ns, cfg, wdir, tag)
    except Failed as e:
        if run["spread"] is not None and "spread" in str(e):
            why = [ln for ln in str(e).splitlines() if "spread" in ln]
            raise Unsupported(why[-1].strip() if why else str(e).splitlines()[0])
        raise
    run["log"] = logpath
    try:
        t0 = time.time()
        B.load_routes(rpc, routes, 1000, tag)
        log(f"  {run['name']}: srv6d pid {p.pid}, {len(routes)} routes in "
            f"{time.time() - t0:.2f} s; checking 16 output packets")
        problem = B.capture_check(rpc, behaviour, out_port, wdir, routes)
        if not problem and behaviour == "end_dt4":
            problem = decap_check(os.path.join(wdir, f"capture-{behaviour}.pcap"))
        if problem:
            raise Failed(f"output check: {problem}")
        run["output_check"] = "passed (16 packets, scapy)"
        if w > 1:
            run["settle_s"], run["spread_buckets"] = settle(a, rpc)
            if run["spread_buckets"] is not None:
                log(f"  {run['name']}: buckets per worker {run['spread_buckets']} after "
                    f"{run['settle_s']:g} s")
        samples, problems, per_lc, good_s, lost = measure(a, rpc, out_port, sid, w)
        run["windows_mpps"] = [round(x, 4) for x in samples]
        run["problems"] = problems
        if problems:
            raise Failed("window check: " + problems[0])
    finally:
        rpc.close()
        B.stop(p)
    run["mpps"] = statistics.median(samples)
    run["mpps_per_worker"] = run["mpps"] / w
    lcs = []
    for lc in sorted(per_lc):
        d = per_lc[lc]
        e = {"lcore": lc, "seconds": round(good_s, 3)}
        for k in LCORE_KEYS:
            e[k] = d.get(k)
        e["mpps_tx"] = round(d["tx_packets"] / good_s / 1e6, 4) \
            if d.get("tx_packets") is not None else None
        e["busy_pct"] = round(100 * d["busy_us"] / (good_s * 1e6), 1) \
            if d.get("busy_us") is not None else None
        lcs.append(e)
    run["lcores"] = lcs
    run["handoff_full"] = lost["handoff_full"]
    run["loss_pct"] = round(100 * lost["handoff_full"] / lost["received"], 2) \
        if lost["received"] else 0.0
    run["zero_drop"] = lost["handoff_full"] == 0
    run["result"] = "ok" if run["zero_drop"] else "overload"


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------

def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def short(n):
    if n is None:
        return "-"
    for div, suf in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= div:
            return f"{n / div:.2f}{suf}"
    return str(n)


def print_table(runs, shared):
    hdr = ["run", "wkr", "spread", "Mpps", "Mpps/wkr", "x 1 wkr", "loss %", "result"]
    rows = [[r["name"], str(r["workers"]), r["spread"] or "(default)", fmt(r.get("mpps"), ".3f"),
             fmt(r.get("mpps_per_worker"), ".3f"), fmt(r.get("ratio"), ".2f"),
             fmt(r.get("loss_pct"), ".1f"), r["result"]]
            for r in runs]
    w = [max(len(h), *(len(x[i]) for x in rows)) if rows else len(h) for i, h in enumerate(hdr)]
    line = "  ".join(h.rjust(w[i]) if i else h.ljust(w[i]) for i, h in enumerate(hdr))
    print()
    print("srv6d scaling: Mpps = packets sent on the output port per second (median window);"
          " x 1 wkr = Mpps / the 1-worker run of the same case;\nloss % = received packets"
          " dropped as handoff_full (result overload: the rate forwarded at overload, not a"
          " zero-loss rate); any other drop fails the run")
    if shared:
        print(f"NOTE: lcores share CPUs on this machine ({os.cpu_count()} CPUs) for "
              f"{', '.join(str(x) for x in shared)} worker(s): those ratios do not measure "
              "scaling")
    print(line)
    print("-" * len(line))
    for r, x in zip(runs, rows):
        print("  ".join(v.rjust(w[i]) if i else v.ljust(w[i]) for i, v in enumerate(x)))
        for lc in r.get("lcores", []):
            print(f"      lcore {lc['lcore']}: rx {short(lc['rx_packets'])} tx "
                  f"{short(lc['tx_packets'])} ({fmt(lc['mpps_tx'], '.3f')} Mpps) handed_off "
                  f"{short(lc['handed_off'])} handed_in {short(lc['handed_in'])} busy "
                  f"{fmt(lc['busy_pct'], '.0f')}%"
                  + (f" buckets {lc['spread_buckets']}" if lc.get("spread_buckets") is not None
                     else ""))
        if r.get("error"):
            print(f"      {r['error'].splitlines()[0]}")


def main(argv):
    ap = argparse.ArgumentParser(prog="tests/bench/scaling.py",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="smoke check: 1 s windows, 1 repeat, 1024 flows, 100 routes")
    ap.add_argument("--cases", default="rss,single", help="rss,single (default both)")
    ap.add_argument("--workers", default="1,2",
                    help="worker counts, comma-separated (default 1,2; 1 always runs)")
    ap.add_argument("--window", type=float, help="seconds per window (2; quick 1)")
    ap.add_argument("--warmup", type=float, help="seconds before the first window (2; quick 1)")
    ap.add_argument("--repeat", type=int, help="windows per run, median reported (3; quick 1)")
    ap.add_argument("--settle", type=float,
                    help="seconds at most to wait for the spread buckets to stop moving "
                         "before the windows (10; quick 5)")
    ap.add_argument("--flows", type=int, help="flows per RX queue (4096; quick 1024)")
    ap.add_argument("--routes", type=int, help="routes per VRF (1000; quick 100)")
    B.add_srv6d_args(ap, mem=1024, start_timeout=60)
    a = ap.parse_args(argv)
    B.window_defaults(a)
    a.settle = a.settle if a.settle is not None else (5.0 if a.quick else 10.0)
    a.flows = a.flows or (1024 if a.quick else 4096)
    try:
        workers = sorted({1} | {int(x) for x in a.workers.split(",") if x})
    except ValueError:
        ap.error("--workers wants numbers, e.g. 1,2,4")
    if workers[0] < 1:
        ap.error("--workers wants numbers >= 1")
    cases = [c for c in a.cases.split(",") if c]
    for c in cases:
        if c not in ("rss", "single"):
            ap.error(f"unknown case {c} (rss, single)")
    wdir = B.start_run(ap, a, "scaling")
    jpath = a.json or os.path.join(wdir, "scaling.json")
    mach = B.machine_info()
    shared = [w for w in workers if not B.lcore_args(w)[1]]

    # the plan: (case, variant, behaviour builder, [(workers, spread)])
    plan = []
    multi = [w for w in workers if w > 1]
    if "rss" in cases:
        for v in ("dt4", "encaps4"):
            plan.append(("rss", v, [(1, None)] + [(w, None) for w in multi]
                         + [(w, "off") for w in multi]))
    if "single" in cases:
        for v in ("B0", "B1"):
            plan.append(("single", v, [(1, None)] + [(w, m) for w in multi
                                                     for m in ("off", "inner", "even")]))
    runs = []
    for case, v, rl in plan:
        for w, spread in rl:
            name = f"{case}/{v} {w}w" + (f" spread={spread}" if spread else "")
            runs.append({"case": case, "variant": v, "workers": w, "spread": spread,
                         "name": name, "result": "not run", "lcores_own_cpus":
                         B.lcore_args(w)[1]})
    log(f"srv6d scaling: {len(runs)} run(s), workers {workers}, {a.repeat} window(s) of "
        f"{a.window:g} s after {a.warmup:g} s; {a.flows} flows per queue; work folder {wdir}")
    log(f"machine: {mach['cpu_model']}, {mach['cpus']} CPUs, DPDK {mach['dpdk']}, commit "
        f"{mach['commit'][:12]}; memory: {B.mem_args(a, False)[1]}")
    if shared:
        log(f"warning: {', '.join(str(x) for x in shared)} worker(s) + the main lcore need more "
            f"than the {mach['cpus']} CPUs here: lcores share CPUs "
            f"({' '.join(B.lcore_args(max(shared))[0])}); figures only show the runs work")

    interrupted = False
    os.chdir(B.REPO)
    try:
        k = 0
        for case, v, rl in plan:
            log(f"{case}/{v}: building traffic ({a.flows} flows per queue)")
            if case == "rss":
                built = build_rss(v, a, max(workers), wdir)
            else:
                built = build_single(v, a, wdir)
            behaviour, extra, routes, pcaps, flen = built
            base = None
            for _ in rl:
                run = runs[k]
                k += 1
                run["behaviour"] = G.CASES[behaviour][2]
                run["frame_len"] = flen
                run["rx_queues"] = min(run["workers"], len(pcaps))
                log(f"[{k}/{len(runs)}] {run['name']}: {run['rx_queues']} RX queue(s)")
                try:
                    run_one(a, run, behaviour, extra, routes, pcaps, wdir)
                    if run["workers"] == 1:
                        base = run["mpps"]
                    if base:
                        run["ratio"] = run["mpps"] / base
                    log(f"  {run['name']}: {run['mpps']:.3f} Mpps, "
                        f"{run['mpps_per_worker']:.3f} per worker"
                        + (f", x{run['ratio']:.2f} of 1 worker" if base else ""))
                except Unsupported as e:
                    run["result"] = "unsupported"
                    run["error"] = f"srv6d refused datapath.spread: {e}"
                    log(f"  {run['name']}: {run['error']}")
                except (Failed, OSError) as e:
                    # OSError: srv6d could not start (e.g. rebuilt meanwhile)
                    run["result"] = "FAILED"
                    run["error"] = str(e)
                    log(f"  {run['name']}: FAILED: {str(e).splitlines()[0]}")
    except KeyboardInterrupt:
        log("interrupted: stopping what we started")
        interrupted = True
    finally:
        B.cleanup()

    for r in runs:
        for key in ("mpps", "mpps_per_worker", "ratio"):
            if r.get(key) is not None:
                r[key] = round(r[key], 4)
    print_table(runs, shared)
    out = {
        "tool": "tests/bench/scaling.py",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": mach,
        "params": {k: getattr(a, k) for k in ("quick", "window", "warmup", "repeat", "settle",
                                              "flows", "routes")} | {"workers": workers},
        "memory": B.mem_args(a, False)[1],
        "shared_cpus_for_workers": shared,
        "interrupted": interrupted,
        "runs": runs,
    }
    with open(jpath, "w") as f:
        json.dump(out, f, indent=1)
    print(f"\nJSON: {jpath}")
    if interrupted:
        return 130
    failed = [r["name"] for r in runs if r["result"] == "FAILED"]
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
