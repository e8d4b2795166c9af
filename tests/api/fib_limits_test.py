#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Forwarding-table limits and VRF scale, through the socket only.

Starts srv6d on two net_null ports with "datapath": {"max_ipv4_routes": 64,
"max_ipv6_routes": 40} and checks that:
  - a VRF takes routes up to its limit, and the next one is refused with 1003
    naming the VRF and the limit (datapath.max_ipv4_routes), IPv4 and IPv6
    counted apart, other VRFs unaffected;
  - a batch that would cross the limit is refused whole (nothing of it stays);
  - replacing a route in a full table works, and a delete makes room;
  - 2,000 VRFs are added in one batch and removed again (a VRF costs KiB);
  - a limit out of range in the config stops srv6d at start with the field
    named.
Exit 0 pass, 1 fail, 77 skip (srv6d not built).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apitest import check, failures, srv6d_path  # noqa: E402
from srv6rpc import Rpc, RpcError  # noqa: E402


def call(c, method, params=None):
    """(result, error) of one request: the error is data here, not a failure."""
    try:
        return c.call(method, params or {}), None
    except RpcError as e:
        return None, e.error



def config(extra_dp):
    return {
        "ports": [
            {"name": "p0", "device": "net_null0,no-rx=1",
             "addresses": ["192.0.2.1/24", "2001:db8:1::1/64"]},
            {"name": "p1", "device": "net_null1,no-rx=1",
             "addresses": ["198.51.100.1/24", "2001:db8:2::1/64"]}],
        "encap": {"source": "2001:db8:1::1"},
        "datapath": extra_dp,
    }


def start(work, cfg, tag):
    path = os.path.join(work, f"{tag}.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    sock = os.path.join(work, f"{tag}.sock")
    log = open(os.path.join(work, f"{tag}.log"), "wb")
    cmd = [srv6d_path(), "-l", "0,1", "--no-pci", "--no-huge", "-m", "1024", "--no-shconf",
           "--file-prefix", f"fiblim{os.getpid()}{tag}", "--log-level=lib.eal:error", "--",
           "--config", path, "--socket", sock]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    return proc, sock, os.path.join(work, f"{tag}.log")


def wait_socket(proc, sock, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        if os.path.exists(sock):
            try:
                return Rpc(sock, timeout=60)
            except OSError:
                pass
        time.sleep(0.05)
    return None


def route(vrf, prefix):
    return ("route.add", {"vrf": vrf, "prefix": prefix,
                          "nexthops": [{"type": "srv6", "segments": ["fc00:0:1:e000::"]}]})


def v4(i):
    return f"10.{i // 256}.{i % 256}.0/24"


def v6(i):
    return f"fd00:{i:x}::/48"


def n_routes(c, vrf, family):
    res, err = call(c, "route.list", {"vrf": vrf, "type": "static"})
    if err:
        return -1
    rows = res if isinstance(res, list) else res.get("routes", [])
    return sum(1 for r in rows if (":" in r["prefix"]) == (family == 6))


def limits(c):
    c.batch([("vrf.add", {"name": "C1", "table": 101}), ("vrf.add", {"name": "C2", "table": 102})])
    resp = c.batch([route("C1", v4(i)) for i in range(64)])
    check(all("result" in r for r in resp), "C1 takes 64 IPv4 routes (its limit)")
    _, err = call(c, *route("C1", v4(64)))
    check(err is not None and err.get("code") == 1003, f"the 65th IPv4 route is refused with 1003: {err}")
    msg = json.dumps(err or {})
    check("max_ipv4_routes" in msg and "C1" in msg, "the error names the VRF and the limit")
    check(n_routes(c, "C1", 4) == 64, "C1 still holds exactly 64 IPv4 routes")

    # IPv6 counts apart; another VRF has its own room.
    resp = c.batch([route("C1", v6(i)) for i in range(40)])
    check(all("result" in r for r in resp), "C1 takes 40 IPv6 routes next to its 64 IPv4 ones")
    _, err = call(c, *route("C1", v6(40)))
    check(err is not None and err.get("code") == 1003 and "max_ipv6_routes" in json.dumps(err),
          "the 41st IPv6 route is refused naming max_ipv6_routes")
    resp = c.batch([route("C2", v4(i)) for i in range(60)])
    check(all("result" in r for r in resp), "C2 is not affected by C1 being full")

    # A batch crossing the limit leaves nothing behind.
    resp = c.batch([route("C2", v4(i)) for i in range(60, 70)])
    check(any(r.get("error", {}).get("code") == 1003 for r in resp),
          "a batch taking C2 past its limit is refused with 1003")
    check(n_routes(c, "C2", 4) == 60, "and none of its routes stayed")

    # Replace in a full table; delete makes room.
    res, err = call(c, "route.add", {"vrf": "C1", "prefix": v4(3),
                                    "nexthops": [{"type": "blackhole"}]})
    check(err is None, f"replacing a route of a full table works: {err}")
    _, err = call(c, "route.del", {"vrf": "C1", "prefix": v4(5)})
    check(err is None, "route.del in a full table")
    _, err = call(c, *route("C1", v4(64)))
    check(err is None, f"after a delete the table takes a new route: {err}")
    _, err = call(c, *route("C1", v4(65)))
    check(err is not None and err.get("code") == 1003, "and is full again")

    # vrf.list reports what each VRF's tables hold (our extension).
    res, err = call(c, "vrf.list")
    rows = res if isinstance(res, list) else (res or {}).get("vrfs", [])
    c1 = next((r for r in rows if r.get("name") == "C1"), {})
    fib = c1.get("fib", {})
    check(fib.get("ipv4_entries") == 64 and fib.get("ipv6_entries") == 40 and fib.get("bytes", 0) > 0,
          f"vrf.list shows C1's tables: {fib}")

    # route.get still resolves in C1 (the datapath view kept up).
    res, err = call(c, "route.get", {"vrf": "C1", "address": "10.0.7.9"})
    check(err is None and json.dumps(res).find("10.0.7.0/24") >= 0,
          f"route.get finds 10.0.7.0/24 in C1: {err or res}")


def many_vrfs(c):
    t0 = time.monotonic()
    resp = c.batch([("vrf.add", {"name": f"V{i}", "table": 1000 + i}) for i in range(2000)])
    dt = time.monotonic() - t0
    check(all("result" in r for r in resp), f"2000 VRFs added in one batch ({dt:.2f} s)")
    res, err = call(c, "vrf.list")
    rows = res if isinstance(res, list) else (res or {}).get("vrfs", [])
    check(err is None and len(rows) >= 2001, f"vrf.list shows {len(rows)} VRFs")
    resp = c.batch([route(f"V{i}", v4(i)) for i in range(0, 2000, 7)])
    check(all("result" in r for r in resp), "a route in every seventh of them")
    resp = c.batch([("route.del", {"vrf": f"V{i}", "prefix": v4(i)}) for i in range(0, 2000, 7)])
    check(all("result" in r for r in resp), "routes removed")
    resp = c.batch([("vrf.del", {"name": f"V{i}"}) for i in range(2000)])
    check(all("result" in r for r in resp), "2000 VRFs removed in one batch")


def bad_limit(work):
    proc, sock, log = start(work, config({"max_ipv4_routes": 0}), "bad")
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        rc = None
    with open(log, errors="replace") as f:
        text = f.read()
    check(rc not in (None, 0) and "datapath.max_ipv4_routes" in text,
          f"max_ipv4_routes 0 stops srv6d at start naming the field (exit {rc})")


def main():
    if not os.access(srv6d_path(), os.X_OK):
        print(f"SKIP: srv6d not built at {srv6d_path()}")
        return 77
    with tempfile.TemporaryDirectory(prefix="srv6d-fiblim.") as work:
        proc, sock, log = start(work, config({"max_ipv4_routes": 64, "max_ipv6_routes": 40}), "main")
        try:
            c = wait_socket(proc, sock)
            if c is None:
                print(open(log, errors="replace").read())
                print("FAIL srv6d did not start")
                return 1
            limits(c)
            many_vrfs(c)
            _, err = call(c, "system.info")
            check(err is None and proc.poll() is None, "srv6d still answers")
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        check(proc.returncode == 0, f"srv6d exits 0 on SIGTERM ({proc.returncode})")
        bad_limit(work)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
