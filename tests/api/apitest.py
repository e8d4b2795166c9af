# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""What the api tests share: the srv6d under test and the check list.

socket_abuse_test.py keeps its own copies: it runs a copy of itself as other
users from a temporary folder, where this module is not importable.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# the tests' own JSON-RPC client (tests/pcap/srv6rpc.py), not srv6ctl
sys.path.insert(0, os.path.join(REPO, "tests", "pcap"))

failures = []


def srv6d_path():
    """The srv6d of $BUILD_DIR (meson sets it; default build/)."""
    bd = os.environ.get("BUILD_DIR", "build")
    if not os.path.isabs(bd):
        bd = os.path.join(REPO, bd)
    return os.path.join(bd, "app", "srv6d", "srv6d")


def check(cond, what):
    """One line per check; a failed one is remembered in failures."""
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
