#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""srv6ctl's bash completion (conf/bash-completion/srv6ctl) in a real bash,
against a running srv6d: objects and verbs from srv6ctl's catalogue, the
keys and usage words of a method, a usage line's alternatives, and the
names of VRFs, ports, SAs, locators and SIDs as srv6d's own JSON-RPC answers
list them (read here with the tests' client, not through srv6ctl). Without
a daemon the name completions are empty, quietly and quickly.
Exit 0 pass, 1 fail, 77 skip (srv6d or srv6ctl not built, no bash)."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apitest import REPO, check, failures, srv6d_path, start_srv6d_json, stop_srv6d  # noqa: E402
from srv6rpc import Rpc  # noqa: E402

COMPLETION = os.path.join(REPO, "conf", "bash-completion", "srv6ctl")
SRV6CTL_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(srv6d_path()))),
                           "app", "srv6ctl")
# COMP_WORDS from the words, the cursor on the last one ("" after a space)
SCRIPT = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
          '_srv6ctl; printf "%s\\n" "${COMPREPLY[@]}"')

CONFIG = {
    "ports": [{"name": "wan0", "device": "net_null0,no-rx=1", "vrf": "default",
               "addresses": ["2001:db8::1/64"]},
              {"name": "ce-blue", "device": "net_null1,no-rx=1", "vrf": "BLUE"},
              {"name": "ce-green", "device": "net_null2,no-rx=1", "vrf": "GREEN"}],
    "encap": {"source": "2001:db8::1"},
    "locators": [{"name": "LOC1", "prefix": "2001:db8:1::/48", "block_len": 32,
                  "node_len": 16, "func_len": 16}],
    "vrfs": [{"name": "BLUE", "table": 10}, {"name": "GREEN", "table": 20}],
    "sids": [{"sid": "2001:db8:1:0:1::/128", "behavior": "End.DT4", "vrf": "BLUE"}],
    "ipsec": {"sas": [{"id": "to-pe2", "direction": "out", "spi": 4097, "mode": "srv6",
                       "aead": "aes-gcm-128", "key": "00" * 20}]},
}


def complete(line, timeout=20):
    """The completions bash offers for LINE (cursor at its end)."""
    env = dict(os.environ, PATH=SRV6CTL_DIR + os.pathsep + os.environ.get("PATH", ""))
    t0 = time.monotonic()
    r = subprocess.run(["bash", "-c", SCRIPT, "bash", COMPLETION] + line.split(" "),
                       env=env, capture_output=True, text=True, timeout=timeout)
    took = time.monotonic() - t0
    if r.returncode != 0 or r.stderr:
        print("  bash said (exit %d): %s" % (r.returncode, r.stderr.strip()[:300]))
    return set(x for x in r.stdout.split("\n") if x), r.returncode == 0 and not r.stderr, took


def expect(line, want, exact=True):
    got, clean, took = complete(line)
    ok = clean and (got == set(want) if exact else set(want) <= got)
    check(ok, "%r -> %s%s (%.2f s)" % (line, sorted(got), "" if exact else
                                       " (includes %s)" % sorted(want), took))
    return got


def main():
    srv6ctl = os.path.join(SRV6CTL_DIR, "srv6ctl")
    if not (os.access(srv6d_path(), os.X_OK) and os.access(srv6ctl, os.X_OK)):
        print("skip: srv6d or srv6ctl not built")
        return 77
    if not shutil.which("bash"):
        print("skip: no bash")
        return 77
    with tempfile.TemporaryDirectory(prefix="srv6d-completion-") as work:
        proc, sock, _ = start_srv6d_json(work, "srv6d", CONFIG, f"compl{os.getpid()}")
        if proc is None:
            return 1
        try:
            rpc = Rpc(sock, timeout=30)
            vrfs = {v["name"] for v in rpc.call("vrf.list")}
            ports = {p["name"] for p in rpc.call("port.list")}
            sas = {s["id"] for s in rpc.call("ipsec.sa.list")}
            locs = {loc["name"] for loc in rpc.call("locator.list")}
            sids = {s["sid"] for s in rpc.call("sid.list")}
            rpc.close()
            print("srv6d lists VRFs %s, ports %s, SAs %s, locators %s, SIDs %s"
                  % (sorted(vrfs), sorted(ports), sorted(sas), sorted(locs), sorted(sids)))
            s = "srv6ctl --socket " + sock
            # objects and verbs: srv6ctl's catalogue, no daemon needed
            objs = expect("srv6ctl ", {"route", "sid", "vrf", "ipsec", "port", "help"}, exact=False)
            check(not any("." in o for o in objs), "objects are single words: %s" % sorted(objs))
            expect("srv6ctl ro", {"route"})
            expect("srv6ctl route ", {"add", "del", "get", "list", "sync_begin", "sync_end"})
            expect("srv6ctl ipsec ", {"sa"})
            expect("srv6ctl ipsec sa ", {"add", "del", "list"})
            expect("srv6ctl help route.a", {"route.add"})
            expect("srv6ctl --j", {"--json"})
            # a method's keys and usage words; a usage line's alternatives
            keys = expect(s + " route add ", {"vrf", "owner", "srv6", "via", "blackhole", "encap",
                                              "src", "ipsec-sa", "weight", "port"}, exact=False)
            check(not keys & {"route", "add", "srv6ctl"}, "no object or verb among the keys")
            expect(s + " route add vrf BLUE 10.0.0.0/8 srv6 2001:db8:2::1 encap ",
                   {"h.encaps", "h.encaps.red"})
            # names, as srv6d lists them
            expect(s + " route add vrf ", vrfs)
            expect(s + " route add vrf B", {v for v in vrfs if v.startswith("B")})
            expect(s + " route list vrf ", vrfs)
            expect(s + " vrf del ", vrfs)
            expect(s + " port set name ", ports)
            expect(s + " route add vrf BLUE 10.0.0.0/8 via 192.0.2.1 port ", ports)
            expect(s + " route add vrf BLUE 10.0.0.0/8 srv6 2001:db8:2::1 ipsec-sa ", sas)
            expect(s + " ipsec sa del ", sas)
            expect(s + " locator del ", locs)
            expect(s + " sid del ", sids)
            check(vrfs >= {"BLUE", "GREEN"} and ports == {"wan0", "ce-blue", "ce-green"} and
                  sas == {"to-pe2"} and locs == {"LOC1"} and len(sids) == 1,
                  "srv6d has what the configuration says (the names above are not empty by luck)")
        finally:
            rc = stop_srv6d(proc)
            check(rc == 0, "srv6d stopped with status 0 (%d)" % rc)
        # no daemon: no names, no noise, no wait beyond srv6ctl's own
        got, clean, took = complete(s + " route add vrf ")
        check(got == set() and clean and took < 10,
              "without srv6d: no names, nothing on stderr, %.2f s" % took)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
