# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""What the api tests share: the srv6d under test and the check list.

socket_abuse_test.py keeps its own copies: it runs a copy of itself as other
users from a temporary folder, where this module is not importable.
"""

import os
import shutil
import signal
import subprocess
import sys
import time

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


NO_HUGE = ["--no-huge", "-m", "512", "--no-shconf"]


def start_srv6d(work, name, config, prefix, memory=None):
    """srv6d on CONFIG (a file), its socket WORK/NAME.sock and log
    WORK/NAME.log, with EAL memory options MEMORY (default NO_HUGE: no
    hugepages, no shared configuration); (process, socket path) once the
    socket accepts, or (None, log tail) when it does not in 60 s."""
    sock = os.path.join(work, f"{name}.sock")
    log = os.path.join(work, f"{name}.log")
    cmd = [srv6d_path(), "-l", "0,1", "--no-pci"] + (NO_HUGE if memory is None else memory) + [
           "--file-prefix", prefix, "--log-level=lib.eal:error", "--",
           "--config", config, "--socket", sock]
    with open(log, "wb") as lf:
        proc = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT)
    proc.dpdk_prefix = prefix  # stop_srv6d removes its EAL runtime folder
    import socket  # pylint: disable=import-outside-toplevel
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if os.path.exists(sock):
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.connect(sock)
                return proc, sock
            except OSError:
                pass
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    with open(log, "rb") as f:
        return None, f.read()[-600:].decode(errors="replace")


def start_srv6d_json(work, name, config, prefix, memory=None):
    """start_srv6d on the dict CONFIG, written to WORK/NAME.json; (process,
    socket path, config path), or (None, log tail, config path) after a
    failed check saying so."""
    import json  # pylint: disable=import-outside-toplevel
    path = os.path.join(work, f"{name}.json")
    with open(path, "w") as f:
        json.dump(config, f, indent=1)
    proc, sock = start_srv6d(work, name, path, prefix, memory)
    if proc is None:
        check(False, "srv6d started on %s (log: %r)" % (path, sock))
    return proc, sock, path


def stop_srv6d(proc):
    """SIGTERM, then the exit status (SIGKILL after 20 s); the EAL's runtime
    folder (/var/run/dpdk/PREFIX) goes too."""
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    shutil.rmtree(os.path.join("/var/run/dpdk", proc.dpdk_prefix), ignore_errors=True)
    return rc
