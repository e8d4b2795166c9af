#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""RFC 2544 NDR/PDR search for srv6d with TRex's stateless Python API.

A plain binary search on the offered load, per frame size, for each loss
goal (default 0 = NDR and 0.5 % = PDR, CSIT's two goals), with short search
trials and a confirming trial of full length at the result; a warm-up at a
low rate before each frame size. After every trial it reads srv6d's own
counters (stats.get drops by reason, port.list's device counters) so that a
loss is split into srv6d drops, NIC drops (rx_missed, rx_nombuf) and the
rest. How to set it up and read it: doc/rfc2544.md.

Untested here: TRex is not installed on the project's machines. Written for
TRex v3.x (run with TRex's Python: PYTHONPATH=<trex>/automation/
trex_control_plane/interactive), against a TRex server already started
(./t-rex-64 -i).

Example (TX port 0 faces the DUT's core port, RX port 1 its CE port):
  ndr_search.py --profile tests/bench/trex/srv6_decap.py --tx 0 --rx 1 \\
      --sizes 64,128,256,512,1024,1280,1518,imix \\
      --srv6ctl 'ssh dut srv6ctl --socket /run/srv6d/srv6d.sock' \\
      --json decap.json -- --outer single --flows 4096
"""

import argparse
import json
import shlex
import subprocess
import sys
import time

from trex.stl.api import STLClient, STLError, STLProfile


def dut_counters(cmd):
    """srv6d's counters: drop reasons and per-port device counters, or None."""
    if not cmd:
        return None
    out = {}
    for obj in (("stats", "get"), ("port", "list")):
        r = subprocess.run(shlex.split(cmd) + ["--json", *obj], capture_output=True, text=True,
                           timeout=30)
        if r.returncode != 0:
            print("  srv6ctl %s: %s" % (" ".join(obj), r.stderr.strip()), file=sys.stderr)
            return None
        out[obj[0]] = json.loads(r.stdout)
    c = {"drop." + k: v for k, v in out["stats"]["drops"].items()}
    for p in out["port"]:
        for k in ("rx_missed", "rx_nombuf", "rx_errors", "tx_errors"):
            c["%s.%s" % (p["name"], k)] = p.get("counters", {}).get(k, 0)
    for lc in out["stats"].get("lcores", []):
        c["lcore%d.rx_packets" % lc["lcore"]] = lc["rx_packets"]
    return c


def delta(before, after):
    if before is None or after is None:
        return {}
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


class Trial:
    def __init__(self, c, tx, rx, srv6ctl, settle):
        self.c, self.tx, self.rx, self.srv6ctl, self.settle = c, tx, rx, srv6ctl, settle
        self.log = []

    def run(self, pct, seconds):
        """Offer pct % of line rate for seconds; return the trial's record."""
        c = self.c
        before = dut_counters(self.srv6ctl)
        c.clear_stats(ports=[self.tx, self.rx])
        c.start(ports=[self.tx], mult="%.4f%%" % pct, duration=seconds, force=True)
        c.wait_on_traffic(ports=[self.tx])
        time.sleep(self.settle)  # packets still in the DUT's rings
        st = c.get_stats()
        after = dut_counters(self.srv6ctl)
        sent, recv = st[self.tx]["opackets"], st[self.rx]["ipackets"]
        loss = max(sent - recv, 0)
        d = delta(before, after)
        nic = sum(v for k, v in d.items() if k.endswith((".rx_missed", ".rx_nombuf")))
        dut = sum(v for k, v in d.items() if k.startswith("drop."))
        rec = {"pct": pct, "seconds": seconds, "sent": sent, "received": recv,
               "loss": loss, "loss_ratio": loss / sent if sent else 1.0,
               "offered_pps": sent / seconds, "forwarded_pps": recv / seconds,
               "nic_drops": nic, "srv6d_drops": dut, "other_loss": max(loss - nic - dut, 0),
               "counters": d}
        self.log.append(rec)
        print("  %7.3f %%  %6.2f s  sent %12d  loss %10d (%.5f %%)  nic %d  srv6d %d  %s" % (
            pct, seconds, sent, loss, 100 * rec["loss_ratio"], nic, dut,
            ", ".join("%s %d" % kv for kv in d.items() if kv[0].startswith("drop."))))
        return rec


def search(trial, goal, lo, hi, a):
    """Highest load (percent of line rate) with loss ratio <= goal."""
    t = trial.run(hi, a.search_trial)
    if t["loss_ratio"] <= goal:
        lo = hi
    else:
        while (hi - lo) / hi > a.precision:
            mid = (lo + hi) / 2
            if trial.run(mid, a.search_trial)["loss_ratio"] <= goal:
                lo = mid
            else:
                hi = mid
    # Confirm at full trial length; step down while it fails.
    for _ in range(a.confirm_steps):
        if lo <= 0:
            break
        t = trial.run(lo, a.trial)
        if t["loss_ratio"] <= goal:
            return t
        lo *= 1 - a.precision
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Arguments after -- go to the profile as tunables.")
    ap.add_argument("--server", default="127.0.0.1")
    ap.add_argument("--profile", required=True)
    ap.add_argument("--tx", type=int, default=0)
    ap.add_argument("--rx", type=int, default=1)
    ap.add_argument("--sizes", default="64,78,128,256,512,1024,1280,1518,imix")
    ap.add_argument("--goals", default="0,0.005", help="loss ratios: NDR 0, PDR 0.5 %%")
    ap.add_argument("--trial", type=float, default=30.0, help="confirming trial, seconds")
    ap.add_argument("--search-trial", type=float, default=5.0)
    ap.add_argument("--precision", type=float, default=0.005, help="relative interval width")
    ap.add_argument("--max-pct", type=float, default=100.0, help="upper bound, %% of line rate")
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds at 10 %% per frame size")
    ap.add_argument("--confirm-steps", type=int, default=5)
    ap.add_argument("--settle", type=float, default=0.5)
    ap.add_argument("--srv6ctl", default="", help="command that runs srv6ctl on the DUT")
    ap.add_argument("--json", help="write every trial and result here")
    ap.add_argument("tunables", nargs="*")
    a = ap.parse_args()
    goals = [float(g) for g in a.goals.split(",")]
    c = STLClient(server=a.server)
    results = []
    try:
        c.connect()
        c.reset(ports=[a.tx, a.rx])
        trial = Trial(c, a.tx, a.rx, a.srv6ctl, a.settle)
        for size in a.sizes.split(","):
            tun = list(a.tunables) + ["--size", size]
            try:
                prof = STLProfile.load_py(a.profile, direction=0, port_id=a.tx, tunables=tun)
            except STLError as e:
                print("size %s: skipped (%s)" % (size, str(e).strip().splitlines()[-1]))
                continue
            c.remove_all_streams(ports=[a.tx])
            c.add_streams(prof.get_streams(), ports=[a.tx])
            print("size %s: warm-up" % size)
            trial.run(10.0, a.warmup)
            lo = 0.0
            for goal in sorted(goals):
                print("size %s, loss goal %g" % (size, goal))
                r = search(trial, goal, lo, a.max_pct, a)
                results.append({"size": size, "goal": goal, "result": r})
                if r:
                    lo = r["pct"]  # a higher goal's rate is at least this one's
                    print("=> size %s goal %g: %.3f Mpps offered, %.3f Mpps forwarded (%.3f %%)"
                          % (size, goal, r["offered_pps"] / 1e6, r["forwarded_pps"] / 1e6,
                             r["pct"]))
                else:
                    print("=> size %s goal %g: no rate confirmed" % (size, goal))
    except STLError as e:
        print(e, file=sys.stderr)
        return 1
    finally:
        c.disconnect()
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"args": vars(a), "results": results,
                           "trials": trial.log if "trial" in locals() else []}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
