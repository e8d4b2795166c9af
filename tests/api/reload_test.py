#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""config.reload (`systemctl reload srv6d`): the file becomes the running
configuration in one transaction, only the differences change.

Judged against a second srv6d started fresh on the same file: after a
reload, config.get of the reloaded daemon must equal config.get of the
fresh one (minus what belongs to a live owner: srv6-bgp's routes and
allocated SIDs, which a reload leaves alone). A reload of an unchanged file
changes nothing; spelling differences (non-canonical prefixes, defaults
spelled out) are no change; bad files (JSON syntax, a VRF that does not
exist, a port added or removed, a device changed, FIB limits changed, a
VRF still used by a BGP route) are refused with the field and why, and
config.get is then exactly what it was. srv6ctl config reload is the
command line systemd's ExecReload runs.
Exit 0 pass, 1 fail, 77 skip (srv6d not built)."""

import copy
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apitest import check, failures, srv6d_path, start_srv6d_json, stop_srv6d  # noqa: E402
from srv6rpc import Rpc, RpcError  # noqa: E402

KEY = "22" * 20
BASE = {
    "ports": [{"name": "wan0", "device": "net_null0,no-rx=1",
               "addresses": ["2001:db8::1/64"]},
              {"name": "ce-blue", "device": "net_null1,no-rx=1", "vrf": "BLUE",
               "addresses": ["10.1.0.1/24"]}],
    "encap": {"source": "2001:db8::1"},
    "locators": [{"name": "LOC1", "prefix": "2001:db8:1::/48", "block_len": 32,
                  "node_len": 16, "func_len": 16}],
    "vrfs": [{"name": "BLUE", "table": 10, "rd": "65000:10"},
             {"name": "RED", "table": 20}],
    "sids": [{"sid": "2001:db8:1:0:1::", "behavior": "End.DT4", "vrf": "BLUE"},
             {"sid": "2001:db8:1:0:2::", "behavior": "End.DT6", "vrf": "RED"}],
    "ipsec": {"sas": [{"id": "to-pe2", "direction": "out", "spi": 4097, "mode": "srv6",
                       "aead": "aes-gcm-128", "key": KEY}]},
    "routes": [{"vrf": "BLUE", "prefix": "10.2.0.0/24",
                "nexthops": [{"type": "srv6", "segments": ["2001:db8:2:0:1::"]}]},
               {"vrf": "RED", "prefix": "2001:db8:20::/48",
                "nexthops": [{"type": "srv6", "segments": ["2001:db8:2:0:2::"]}]},
               {"prefix": "2001:db8:2::/48", "nexthops": [{"type": "ip", "via": "2001:db8::2"}]}],
    "neighbors": [{"port": "wan0", "address": "2001:db8::2", "mac": "02:00:00:00:00:02"}],
    "datapath": {"idle_sleep_us": 50},
    "policies": [{"color": 10, "endpoint": "2001:db8:2::1",
                  "segment_lists": [{"segments": ["2001:db8:2:a::"], "weight": 3},
                                    {"segments": ["2001:db8:2:b::"]}]}],
    "hmac_keys": [{"key_id": 7, "secret": "00112233445566778899aabbccddeeff"}],
}


def write(path, cfg):
    with open(path, "w") as f:
        json.dump(cfg, f, indent=1)


def live_only(cfg):
    """config.get without what a live owner (srv6-bgp) holds."""
    c = copy.deepcopy(cfg)
    c["routes"] = [r for r in c.get("routes", []) if r.get("owner", "static") == "static"]
    c["sids"] = [s for s in c.get("sids", []) if "locator" not in s]
    return c


def fresh_config(work, cfg, n):
    """config.get of a srv6d started fresh on cfg: what a reload must reach."""
    proc, sock, _ = start_srv6d_json(work, f"fresh{n}", cfg, f"rlf{os.getpid()}")
    if proc is None:
        return None
    try:
        with Rpc(sock, timeout=30) as rpc:
            return rpc.call("config.get", {"secrets": True})
    finally:
        stop_srv6d(proc)


def reload(rpc, path):
    try:
        return rpc.call("config.reload", {"file": path}), None
    except RpcError as e:
        return None, e.error


def main():
    if not os.access(srv6d_path(), os.X_OK):
        print("skip: srv6d not built")
        return 77
    with tempfile.TemporaryDirectory(prefix="srv6d-reload-") as work:
        proc, sock, cfg = start_srv6d_json(work, "srv6d", BASE, f"rl{os.getpid()}")
        if proc is None:
            return 1
        try:
            with Rpc(sock, timeout=30) as rpc:
                run(work, cfg, sock, rpc)
        finally:
            rc = stop_srv6d(proc)
            check(rc == 0, "srv6d stopped with status 0 (%d)" % rc)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


def run(work, cfg, sock, rpc):
    start = rpc.call("config.get", {"secrets": True})
    r, err = reload(rpc, cfg)
    check(err is None and r["file"] == cfg and r["added"] == 0 and r["changed"] == 0 and
          r["removed"] == 0 and r["unchanged"] > 10,
          "reload of the start file changes nothing: %s %s" % (r, err))
    r = rpc.call("config.reload")
    check(r["file"] == cfg and r["changed"] == 0, "no file: the --config file (%s)" % r)
    check(rpc.call("config.get", {"secrets": True}) == start, "config.get unchanged")

    # Spelled differently, meaning the same: no change.
    spelled = copy.deepcopy(BASE)
    spelled["sids"][0]["sid"] = "2001:0db8:0001:0000:0001:0000:0000:0000/128"
    spelled["routes"][2]["vrf"] = "default"
    spelled["routes"][0]["prefix"] = "10.2.0.0/24"
    spelled["ports"][0]["mtu"] = 1500
    write(cfg, spelled)
    r, err = reload(rpc, cfg)
    check(err is None and r["added"] == r["changed"] == r["removed"] == 0,
          "same configuration spelled differently: no change (%s %s)" % (r, err))

    # What srv6-bgp holds: a route of owner bgp in RED and a SID allocated
    # from LOC1. A reload leaves them, whatever the file says.
    rpc.call("route.add", {"vrf": "RED", "prefix": "2001:db8:99::/48", "owner": "bgp",
                           "nexthops": [{"type": "srv6", "segments": ["2001:db8:3:0:1::"]}]})
    alloc = rpc.call("sid.alloc", {"locator": "LOC1", "behavior": "End.DT6", "vrf": "RED"})

    # A real change: a VRF added, one changed (BLUE's rd), a route changed
    # and one added, a SID and the neighbour removed, a port's MTU and
    # addresses, the encap source, an SA's SPI, the idle sleep.
    new = copy.deepcopy(BASE)
    new["vrfs"].append({"name": "GREEN", "table": 30})
    new["routes"][0]["nexthops"][0]["segments"] = ["2001:db8:2:0:11::"]
    new["routes"].append({"vrf": "GREEN", "prefix": "192.0.2.0/24",
                          "nexthops": [{"type": "blackhole"}]})
    del new["sids"][1]
    new["sids"].append({"sid": "2001:db8:1:0:3::", "behavior": "End.DT46", "vrf": "GREEN"})
    new["neighbors"] = []
    new["ports"][1]["mtu"] = 1400
    new["ports"][0]["addresses"] = ["2001:db8::1/64", "2001:db8:ff::1/64"]
    new["encap"]["source"] = "2001:db8:ff::1"
    new["ipsec"]["sas"][0]["spi"] = 4098
    new["datapath"]["idle_sleep_us"] = 20
    new["policies"][0]["segment_lists"][1]["weight"] = 2
    new["policies"].append({"color": 20, "endpoint": "2001:db8:2::1", "encap": "h.encaps.red",
                            "segment_lists": [{"segments": ["2001:db8:2:c::", "2001:db8:2:d::"]}]})
    write(cfg, new)
    r, err = reload(rpc, cfg)
    check(err is None, "reload of the changed file accepted (%s)" % err)
    if err is None:
        # added: GREEN, route 192.0.2.0/24, SID :3, policy 20; changed: the
        # route, ports wan0 and ce-blue, SA, encap, policy 10; removed: SID
        # :2, neighbour
        check((r["added"], r["changed"], r["removed"]) == (4, 6, 2),
              "counted: added 4, changed 6, removed 2 (%s)" % r)
    now = rpc.call("config.get", {"secrets": True})
    fresh = fresh_config(work, new, 1)
    check(fresh is not None and live_only(now) == fresh,
          "config.get after the reload = config.get of a srv6d started on the file")
    if fresh is not None and live_only(now) != fresh:
        print("reloaded:", json.dumps(live_only(now), sort_keys=True)[:1500])
        print("fresh:   ", json.dumps(fresh, sort_keys=True)[:1500])
    check(any(x.get("owner") == "bgp" and x["prefix"] == "2001:db8:99::/48"
              for x in now["routes"]), "srv6-bgp's route is still there")
    check(any(s["sid"] == alloc["sid"] for s in now["sids"]),
          "the allocated SID %s is still there" % alloc["sid"])
    check(now["datapath"]["idle_sleep_us"] == 20,
          "datapath.idle_sleep_us 20 in force after the commit: %s" % now["datapath"])

    # Refused files: the field and why; config.get untouched.
    before = rpc.call("config.get", {"secrets": True})
    bad = []
    b = os.path.join(work, "bad.json")
    with open(b, "w") as f:
        f.write('{"ports": [\n  {"name": "wan0",, }\n')
    bad.append(("JSON syntax", b, "line 2"))
    cases = [
        ("a route in a VRF that does not exist", "routes[4].vrf",
         lambda c: c["routes"].append({"vrf": "NOPE", "prefix": "10.9.0.0/16",
                                       "nexthops": [{"type": "blackhole"}]})),
        ("a port added", "ports[2]",
         lambda c: c["ports"].append({"name": "wan1", "device": "net_null2"})),
        ("a port removed", "ports", lambda c: c["ports"].pop(1)),
        ("a port's device changed", "ports[1]",
         lambda c: c["ports"][1].update(device="net_null7")),
        ("FIB limits changed", "datapath",
         lambda c: c["datapath"].update(max_ipv4_routes=5000)),
        ("RED removed while srv6-bgp's route is in it", "vrfs: RED",
         lambda c: (c["vrfs"].pop(1), c["routes"].pop(1))),
        ("unknown key", "unknown_key", lambda c: c.update(unknown_key=1)),
        ("an HMAC key's secret changed (keys change through hmac.key.*)", "hmac_keys",
         lambda c: c["hmac_keys"][0].update(secret="ffeeddccbbaa99887766554433221100")),
        ("a policy of 9 segment lists", "policies[0].segment_lists",
         lambda c: c["policies"][0].update(
             segment_lists=[{"segments": ["2001:db8:2:e::"]}] * 9)),
    ]
    for what, field, mutate in cases:
        c = copy.deepcopy(new)
        mutate(c)
        p = os.path.join(work, "bad%d.json" % len(bad))
        write(p, c)
        bad.append((what, p, field))
    for what, p, field in bad:
        r, err = reload(rpc, p)
        got = (err or {}).get("data", {}).get("field", "") + " " + (err or {}).get("message", "")
        check(err is not None and field in got,
              "refused: %s (%s)" % (what, json.dumps(err)[:300]))
        check(rpc.call("config.get", {"secrets": True}) == before,
              "  config.get unchanged after the refusal")
    r, err = reload(rpc, os.path.join(work, "missing.json"))
    check(err is not None, "refused: a file that does not exist (%s)" % json.dumps(err)[:200])

    # A reload in a batch after other changes is refused (it would compare
    # uncommitted state); first in a batch it is fine.
    ans = rpc.batch([("route.add", {"prefix": "10.77.0.0/16",
                                    "nexthops": [{"type": "blackhole"}]}),
                     ("config.reload", {"file": cfg})])
    check("error" in ans[1] and rpc.call("config.get", {"secrets": True}) == before,
          "config.reload after changes in one batch refused, batch undone: %s" %
          json.dumps(ans)[:200])

    # srv6ctl config reload: what ExecReload runs.
    ctl = os.path.join(os.path.dirname(os.path.dirname(srv6d_path())), "srv6ctl", "srv6ctl")
    write(cfg, BASE)
    p = subprocess.run([ctl, "--socket", sock, "config", "reload"], capture_output=True,
                       text=True, timeout=30)
    check(p.returncode == 0 and "removed" in p.stdout,
          "srv6ctl config reload back to the start file: rc %d %s %s" %
          (p.returncode, p.stdout.strip()[:200], p.stderr.strip()[:200]))
    back = live_only(rpc.call("config.get", {"secrets": True}))
    check(back == live_only(start), "back to the start configuration")
    write(os.path.join(work, "bad-ctl.json"), {"ports": []})
    p = subprocess.run([ctl, "--socket", sock, "config", "reload", "file",
                        os.path.join(work, "bad-ctl.json")], capture_output=True, text=True,
                       timeout=30)
    check(p.returncode == 1 and "ports" in p.stderr,
          "srv6ctl config reload of a bad file: exit 1 and why (%s)" % p.stderr.strip()[:200])


if __name__ == "__main__":
    sys.exit(main())
