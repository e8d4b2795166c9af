#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Run pcap test cases against the real srv6d.

  run_case.py [--keep] CASE...     run the named cases (tests/pcap/cases/CASE.py)
  run_case.py --all                run every case
  run_case.py --list               list the cases

Exit status: 0 all passed, 1 a case failed, 77 skipped (srv6d not built, not
root, or scapy/tshark missing). The daemon is $SRV6D, else
$BUILD_DIR/app/srv6d/srv6d (BUILD_DIR defaults to "build"). The work
directory of a failed scenario is kept and printed.
"""
import os
import shutil
import sys

SKIP = 77


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    opts = {a for a in argv[1:] if a.startswith("--")}
    if "--help" in opts or (not args and not opts & {"--all", "--list"}):
        print(__doc__.strip())
        return 0 if "--help" in opts else 2
    try:
        import harness
    except ImportError as e:
        print(f"SKIP: cannot import the harness ({e}); is python3-scapy installed?")
        return SKIP
    if "--list" in opts:
        print("\n".join(harness.list_cases()))
        return 0
    cases = harness.list_cases() if "--all" in opts else args
    for c in cases:
        if c not in harness.list_cases():
            print(f"no such case: {c}", file=sys.stderr)
            return 2
    daemon = harness.srv6d_path()
    if not (os.path.isfile(daemon) and os.access(daemon, os.X_OK)):
        print(f"SKIP: srv6d not found at {daemon}")
        return SKIP
    if os.geteuid() != 0:
        print("SKIP: the pcap tests start DPDK and need root")
        return SKIP
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return SKIP
    failed = []
    for c in cases:
        if not harness.run_case(c, keep="--keep" in opts):
            failed.append(c)
    if len(cases) > 1:
        print(f"{len(cases) - len(failed)} of {len(cases)} cases passed"
              + (f"; failed: {' '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main(sys.argv))
