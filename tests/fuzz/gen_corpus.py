#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Write the fuzzers' seed corpora and dictionaries from the other tests.

  gen_corpus.py [CORPUS]     seeds into CORPUS/NAME (default: tests/fuzz/corpus);
                             packet_config.json and the dictionaries next to this
                             script (tools/fuzz.sh corpus then minimizes the seeds)

fuzz_packet   every input frame of every pcap case (tests/pcap/cases), byte 0
              the port it arrives on; packet_config.json, the configuration
              fuzz_packet loads, is the union of those cases' configurations
              (the pcap topology, every SID, route, neighbour and SA), so that
              the frames meet the SIDs and routes they were written for.
fuzz_config   each pcap scenario's configuration, conf/*.json, packet_config.json.
fuzz_rpc      one request per method of the catalogue (lib/api/api_spec.c) with
              valid params, the method/params pairs of tests/unit/test_ctl_json.c,
              batches, and the framing cases (garbage, nesting, half lines).
fuzz_bgp      written by the fuzz_bgp_seeds program (tools/fuzz.sh corpus).
The dictionaries (rpc.dict, config.dict) hold the catalogue's method names and
keys. Names are content hashes, so running it again changes nothing unless the
tests changed.
"""
import ast
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "pcap"))

import harness  # noqa: E402

MAX_FRAME = 4096  # bytes of one seed frame: bigger ones add nothing but size
PORT_DEV = {p: f"net_ring{i}" for i, p in enumerate(harness.PORT_ORDER)}


def write_seed(d, data):
    """One seed file, named by its content."""
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def scenarios():
    for case in harness.list_cases():
        # A case that does not build (being written) leaves its seeds out.
        try:
            scs = list(harness.load_case(case).scenarios())
        except Exception as e:  # noqa: BLE001
            print(f"gen_corpus.py: case {case} skipped: {e!r}", file=sys.stderr)
            continue
        for sc in scs:
            yield case, sc


def with_devices(cfg):
    cfg = json.loads(json.dumps(cfg))
    for p in cfg.get("ports", []):
        p["device"] = PORT_DEV[p["name"]]
    return cfg


def merge(configs):
    """The union of the scenarios' configurations, the first of each key kept."""
    ports = {p: {"name": p, "device": PORT_DEV[p], "vrf": harness.PORTS[p]["vrf"],
                 "addresses": list(harness.PORTS[p]["addresses"]),
                 "mac": harness.PORTS[p]["mac"]} for p in harness.PORT_ORDER}
    vrfs, sids, routes, neigh, sas, locs = {}, {}, {}, {}, {}, {}
    spis = set()
    encap = None
    for cfg in configs:
        for p in cfg.get("ports", []):
            # A TCP MSS clamp changes packets, not routing: keep it. A VRF
            # or MTU of one case would change what the other cases meet.
            if "tcp_mss" in p:
                ports[p["name"]].setdefault("tcp_mss", p["tcp_mss"])
        for v in cfg.get("vrfs", []):
            vrfs.setdefault(v["name"], v)
        for s in cfg.get("sids", []):
            sids.setdefault(s["sid"], s)
        for r in cfg.get("routes", []):
            routes.setdefault((r.get("vrf", "default"), r["prefix"]), r)
        for n in cfg.get("neighbors", []):
            neigh.setdefault((n["port"], n["address"]), n)
        for loc in cfg.get("locators", []):
            locs.setdefault(loc["name"], loc)
        for sa in cfg.get("ipsec", {}).get("sas", []):
            key = (sa.get("direction"), sa.get("spi"))
            if sa["id"] not in sas and key not in spis:
                sas[sa["id"]] = sa
                spis.add(key)
        encap = encap or cfg.get("encap")
    # Behaviours no pcap case configures, at SIDs no case uses.
    for extra in EXTRA_SIDS:
        sids.setdefault(extra["sid"], extra)
    # Every VRF a port, SID or route names must exist.
    used = {r[0] for r in routes} | {s.get("vrf") for s in sids.values()}
    for name in sorted(x for x in used if x and x != "default" and x not in vrfs):
        vrfs[name] = {"name": name, "table": 200 + len(vrfs)}
    out = {"ports": [ports[p] for p in harness.PORT_ORDER], "encap": encap,
           "vrfs": list(vrfs.values()), "sids": list(sids.values()),
           "routes": list(routes.values()), "neighbors": list(neigh.values())}
    if locs:
        out["locators"] = list(locs.values())
    if sas:
        out["ipsec"] = {"sas": list(sas.values())}
    return out


# SIDs added to packet_config.json, with a seed frame each (below).
EXTRA_SIDS = [
    {"sid": harness.sid(0x20), "behavior": "End.B6.Encaps",
     "segments": [harness.B1, harness.B2]},
    {"sid": harness.sid(0x21), "behavior": "End", "flavors": ["psp", "usp", "usd"]},
]


def extra_frames():
    h = harness
    inner = h.IP(src="172.16.20.5", dst=h.CE_IP4, ttl=50) / h.UDP(sport=7000, dport=53)
    for s in EXTRA_SIDS:
        for sl in (1, 0):
            yield "wan0", h.to_port("wan0", h.P1_MAC) / \
                h.IPv6(src=h.REMOTE_PE, dst=s["sid"], hlim=64) / \
                h.srh([h.B3, s["sid"]] if sl == 0 else [s["sid"], h.B2], sl=sl, nh=4) / inner


def packet_seeds(out, scs):
    d = os.path.join(out, "fuzz_packet")
    k = 0
    for port, fr in extra_frames():
        write_seed(d, bytes([harness.PORT_ORDER.index(port)]) + bytes(fr))
    for _, sc in scs:
        for port, frames in sc.inputs.items():
            idx = harness.PORT_ORDER.index(port)
            for fr in frames:
                b = bytes(fr)[:MAX_FRAME]
                # Every other seed in a tight buffer (byte 0 bit 2).
                write_seed(d, bytes([idx | (4 if k % 2 else 0)]) + b)
                k += 1


def config_seeds(out, scs, merged):
    d = os.path.join(out, "fuzz_config")
    for _, sc in scs:
        write_seed(d, json.dumps(with_devices(sc.config), indent=1).encode())
    write_seed(d, json.dumps(merged, indent=1).encode())
    confdir = os.path.join(REPO, "conf")
    for f in sorted(os.listdir(confdir)):
        if f.endswith(".json"):
            with open(os.path.join(confdir, f), "rb") as fh:
                write_seed(d, fh.read())


# Valid params for each method, against the fuzzers' configuration (fuzz_rpc.c).
METHOD_PARAMS = {
    "capture.list": None,
    "capture.start": {"port": "p0", "file": "cap.pcap", "count": 10},
    "capture.stop": {"id": 1},
    "config.get": {"secrets": True},
    "config.save": {},
    "encap.get": None,
    "encap.set": {"source": "2001:db8:1::1", "hop_limit": 64, "flowlabel": "compute"},
    "events.subscribe": {"topics": ["route", "sid", "port"]},
    "hmac.key.add": {"key_id": 7, "secret": "00112233445566778899aabbccddeeff"},
    "hmac.key.del": {"key_id": 7},
    "hmac.key.list": None,
    "oam.get": {"id": 21248},
    "l2vpn.mac.list": {"port": "p0"},
    "oam.ping": {"segments": ["2001:db8:b:1::"], "count": 2, "interval_ms": 10},
    "oam.trace": {"segments": ["2001:db8:b:1::"], "max_hops": 3},
    "policy.add": {"color": 10, "endpoint": "2001:db8:b::1", "segment_lists": [
        {"segments": ["2001:db8:b:2::"], "weight": 3}, {"segments": ["2001:db8:b:3::"]}]},
    "policy.del": {"color": 10, "endpoint": "2001:db8:b::1"},
    "policy.list": None,
    "ipsec.sa.add": {"id": "sa1", "direction": "out", "mode": "srv6", "spi": 4097,
                     "aead": "aes-gcm-128",
                     "key": "000102030405060708090a0b0c0d0e0f00010203"},
    "ipsec.sa.del": {"id": "sa1"},
    "ipsec.sa.list": None,
    "locator.add": {"name": "loc1", "prefix": "2001:db8:a::/48"},
    "locator.del": {"name": "loc1"},
    "locator.list": None,
    "neighbor.add": {"port": "p0", "address": "192.0.2.9", "mac": "02:00:00:00:00:09"},
    "neighbor.del": {"port": "p0", "address": "192.0.2.9"},
    "neighbor.list": {},
    "port.list": {},
    "port.set": {"name": "p0", "mtu": 1400, "tcp_mss": 1300},
    "route.add": {"vrf": "blue", "prefix": "10.1.0.0/16",
                  "nexthops": [{"type": "srv6", "segments": ["2001:db8:b:1::"],
                                "encap": "h.encaps.red"}]},
    "route.del": {"vrf": "blue", "prefix": "10.1.0.0/16"},
    "route.get": {"address": "192.0.2.7"},
    "route.list": {"vrf": "blue"},
    "route.sync_begin": {"owner": "bgp"},
    "route.sync_end": {"owner": "bgp"},
    "sid.add": {"sid": "2001:db8:a:1::", "behavior": "End.DT46", "vrf": "blue"},
    "sid.alloc": {"locator": "loc1", "behavior": "End.DT4", "vrf": "blue"},
    "sid.del": {"sid": "2001:db8:a:1::"},
    "sid.list": None,
    "stats.get": {},
    "stats.reset": {},
    "system.info": None,
    "vrf.add": {"name": "red", "table": 20, "rd": "65000:20", "import_rt": ["65000:20"]},
    "vrf.del": {"name": "red"},
    "vrf.list": None,
}

FRAMING = [
    b"garbage\n",
    b"\xff\xfe\xfd{\"jsonrpc\":\"2.0\"}\n",
    b"[" * 300 + b"\n",
    b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.info\"",  # half a line
    b"[]\n",
    b"[1,2,3]\n",
    b"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"system.info\"}\n",
    b"{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"system.info\"}\n",
    b"{\"jsonrpc\":\"2.0\",\"method\":\"route.list\"}\n",
    b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"vrf.add\",\"params\":[1]}\n",
    b"\n\n  \n",
]


def request(i, method, params):
    r = {"jsonrpc": "2.0", "id": i, "method": method}
    if params is not None:
        r["params"] = params
    return r


def unit_test_requests():
    """(method, params text) pairs written as C literals in test_ctl_json.c."""
    src = open(os.path.join(REPO, "tests", "unit", "test_ctl_json.c")).read()
    pat = re.compile(r'(?:\{|rpc_ok\(|rpc_err\()\s*"([a-z_]+\.[a-z_.]+)",\s*("(?:[^"\\]|\\.)*")')
    for m in pat.finditer(src):
        try:
            text = ast.literal_eval(m.group(2))
            yield m.group(1), json.loads(text)
        except (ValueError, SyntaxError):
            continue


def rpc_seeds(out):
    d = os.path.join(out, "fuzz_rpc")
    for i, (method, params) in enumerate(sorted(METHOD_PARAMS.items())):
        write_seed(d, json.dumps(request(i, method, params)).encode() + b"\n")
    for i, (method, params) in enumerate(unit_test_requests()):
        write_seed(d, json.dumps(request(i, method, params)).encode() + b"\n")
    # A batch that commits, one that fails half way, several lines at once.
    ok = [request(1, "vrf.add", {"name": "red", "table": 20}),
          request(2, "route.add", METHOD_PARAMS["route.add"]),
          request(3, "sid.add", METHOD_PARAMS["sid.add"])]
    write_seed(d, json.dumps(ok).encode() + b"\n")
    write_seed(d, json.dumps(ok + [request(4, "vrf.del", {"name": "nope"})]).encode() + b"\n")
    write_seed(d, b"".join(json.dumps(r).encode() + b"\n" for r in ok))
    for f in FRAMING:
        write_seed(d, f)


def dictionary(out):
    src = open(os.path.join(REPO, "lib", "api", "api_spec.c")).read()
    words = set(re.findall(r'\{"([a-z_][a-z0-9_.]*)",', src))
    words |= set(re.findall(r'M0?\("([a-z_.]+)"', src))
    words |= {"jsonrpc", "2.0", "id", "method", "params", "h.encaps", "h.encaps.red",
              "End", "End.X", "End.T", "End.DX4", "End.DX6", "End.DT4", "End.DT6",
              "End.DT46", "End.B6.Encaps", "srv6", "ip", "blackhole", "local", "compute",
              "aes-gcm-128", "aes-gcm-256", "in", "out", "tunnel", "default"}
    lines = [f'"{w}"' for w in sorted(words)]
    lines += ['"\\x22:\\x22"', '"\\x22:["', '"]}"', '"null"', '"true"', '"false"']
    for name in ("rpc.dict", "config.dict"):
        with open(os.path.join(out, name), "w") as f:
            f.write("# Generated by gen_corpus.py from lib/api/api_spec.c\n")
            f.write("\n".join(lines) + "\n")


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(HERE, "corpus")
    scs = list(scenarios())
    merged = merge(with_devices(sc.config) for _, sc in scs)
    with open(os.path.join(HERE, "packet_config.json"), "w") as f:
        json.dump(merged, f, indent=1)
        f.write("\n")
    packet_seeds(out, scs)
    config_seeds(out, scs, merged)
    rpc_seeds(out)
    dictionary(HERE)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
