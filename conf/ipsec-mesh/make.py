#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Seed 002's route-based IPsec VPN mesh, as srv6d configurations.

Three sites, four PEs: site A is dual-homed (PEs a1 and a2 on one customer
LAN), sites B and C have one PE each. Every PE runs srv6d (the files written
here), gobgpd (conf/gobgp/rr-client.toml toward a route reflector) and
srv6-bgp, whose --ipsec-sa options (written to <pe>.srv6-bgp.args) protect
the routes learnt from each other PE with the SA toward it. Between every
ordered pair of PEs (x, y) there is one SA: "to-y" outbound on x, "from-x"
inbound on y, mode srv6 (ESP after the SRH), AES-GCM-128 with ESN, its SPI
0x1000 + 16 * index(x) + index(y), and a key this script draws from the
system's random source (secrets) unless --example is given.

  python3 conf/ipsec-mesh/make.py OUTDIR           fresh keys: for a real mesh
  python3 conf/ipsec-mesh/make.py --example OUTDIR the committed example's keys

Put each PE's device names (PCI addresses) in its file; the keys in the
files written are secrets (mode 0600 here, as srv6d's config.save writes).
"""
import argparse
import hashlib
import json
import os
import secrets

PES = ["a1", "a2", "b", "c"]
SITE = {"a1": "A", "a2": "A", "b": "B", "c": "C"}
WAN = {  # the PE's WAN address, its gateway (the Internet), as seed 000/002
    "a1": ("2a0e:97c0:ae0:700a::2/64", "2a0e:97c0:ae0:700a::1"),
    "a2": ("2a0e:97c0:ae0:700c::2/64", "2a0e:97c0:ae0:700c::1"),
    "b": ("2a0e:97c0:ae0:700b::2/64", "2a0e:97c0:ae0:700b::1"),
    "c": ("2a0e:97c0:ae0:700d::2/64", "2a0e:97c0:ae0:700d::1"),
}
LOCATOR = {"a1": "2a0e:97c0:ae6:1001::/64", "a2": "2a0e:97c0:ae6:1002::/64",
           "b": "2a0e:97c0:ae6:2001::/64", "c": "2a0e:97c0:ae6:3001::/64"}
CUSTOMER = {  # the PE's addresses on its customer LAN (site A: one LAN, two PEs)
    "a1": ["172.16.10.1/24", "2001:db8:1::1/64"],
    "a2": ["172.16.10.3/24", "2001:db8:1::3/64"],
    "b": ["172.16.20.1/24", "2001:db8:2::1/64"],
    "c": ["172.16.30.1/24", "2001:db8:3::1/64"],
}
RD = {"a1": "10.1.1.1:101", "a2": "10.1.1.2:101", "b": "10.2.2.2:101", "c": "10.3.3.3:101"}


def spi(x, y):
    return 0x1000 + 16 * PES.index(x) + PES.index(y)


def key(x, y, example):
    """40 hex digits: the AES-128 key, then the 4-byte salt (RFC 4106)."""
    if example:  # reproducible, and useless as a secret: everyone has them
        return hashlib.sha256(f"srv6d example key {x}->{y}".encode()).hexdigest()[:40]
    return secrets.token_hex(20)


def sa(sa_id, direction, x, y, keys):
    return {"id": sa_id, "direction": direction, "spi": spi(x, y), "mode": "srv6",
            "aead": "aes-gcm-128", "key": keys[(x, y)], "replay_window": 64, "esn": True}


def pe_config(pe, keys):
    wan, gw = WAN[pe]
    sas = []
    for o in PES:
        if o == pe:
            continue
        sas.append(sa(f"to-{o}", "out", pe, o, keys))
        sas.append(sa(f"from-{o}", "in", o, pe, keys))
    return {
        "ports": [
            {"name": "wan0", "device": "0000:3b:00.0", "mtu": 1500, "vrf": "default",
             "addresses": [wan], "host_if": "wan0"},
            # seed 002: TCP behind a tunnel needs its MSS clamped (1500 - 40 IPv6
            # - 24 SRH - 37 ESP - 20 IPv4 - 20 TCP = 1359, rounded down)
            {"name": "ce0", "device": "0000:3b:00.1", "mtu": 1500, "vrf": "L3VPN-1",
             "addresses": CUSTOMER[pe], "tcp_mss": 1352},
        ],
        "encap": {"source": wan.split("/")[0], "hop_limit": 64, "flowlabel": "compute"},
        "locators": [{"name": "VPN-SERVICES", "prefix": LOCATOR[pe], "block_len": 48,
                      "node_len": 16, "func_len": 16, "usid": False}],
        "vrfs": [{"name": "L3VPN-1", "table": 101, "rd": RD[pe],
                  "import_rt": ["65513:101"], "export_rt": ["65513:101"]}],
        "routes": [{"vrf": "default", "prefix": "::/0",
                    "nexthops": [{"type": "ip", "via": gw, "port": "wan0"}]}],
        "ipsec": {"sas": sas},
    }


def helper_args(pe):
    return " ".join(["--locator VPN-SERVICES"] +
                    [f"--ipsec-sa {LOCATOR[o]}=to-{o}" for o in PES if o != pe])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--example", action="store_true",
                    help="the committed example's (public, useless) keys")
    ap.add_argument("outdir")
    a = ap.parse_args()
    keys = {(x, y): key(x, y, a.example) for x in PES for y in PES if x != y}
    os.makedirs(a.outdir, exist_ok=True)
    for pe in PES:
        path = os.path.join(a.outdir, f"{pe}.json")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(pe_config(pe, keys), f, indent=2)
            f.write("\n")
        os.chmod(path, 0o600)
        with open(os.path.join(a.outdir, f"{pe}.srv6-bgp.args"), "w") as f:
            f.write(helper_args(pe) + "\n")
        print(f"{path}: site {SITE[pe]}, srv6-bgp {helper_args(pe)}")


if __name__ == "__main__":
    main()
