#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""The independent judge of the IPsec mesh's wire (ipsec_mesh_test.sh).

Reads captures taken on the P router's links and the test's own SA table
(keys.tsv: from-PE to-PE SPI key), and checks, with scapy and the pcap
suite's ESP helpers (tests/pcap/esp.py, nothing shared with srv6d):

- no customer packet crosses in clear: no IPv4 or IPv6 header anywhere in a
  frame (outer or nested) has a customer address, and no SRv6 packet carries
  IPv4/IPv6 (next header 4/41) without ESP;
- every SRv6 packet is IPv6 / SRH (type 4, one segment = the destination,
  SL 0, next header 50) / ESP, from the sending PE's WAN address to a SID in
  the receiving PE's locator, with an SPI of the test's table for that pair;
- every ESP packet decrypts with the test's key (ICV, RFC 4303 padding,
  next header 4/41) to an ICMP or ICMPv6 echo between customer addresses;
- every SA named with --want carried at least one packet.

  ipsec_mesh_wire.py --keys keys.tsv --wan PE=ADDR... --loc PE=PREFIX...
                     --customer PREFIX... [--want FROM>TO...] PCAP...
"""
import argparse
import ipaddress
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pcap"))

import logging  # noqa: E402

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
import esp  # noqa: E402
from scapy.all import (  # noqa: E402
    ICMP, IP, ICMPv6EchoReply, ICMPv6EchoRequest, IPv6, IPv6ExtHdrSegmentRouting, PcapReader)
from scapy.layers.ipsec import ESP  # noqa: E402


def kv(items):
    out = {}
    for s in items:
        k, v = s.split("=", 1)
        out[k] = v
    return out


def ip_layers(pkt):
    """Every IPv4/IPv6 header in a dissected packet, outer first."""
    layer = pkt
    while layer is not None and layer.__class__.__name__ != "NoPayload":
        if isinstance(layer, (IP, IPv6)):
            yield layer
        layer = layer.payload if layer.payload else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", required=True)
    ap.add_argument("--wan", nargs="+", required=True)
    ap.add_argument("--loc", nargs="+", required=True)
    ap.add_argument("--customer", nargs="+", required=True)
    ap.add_argument("--want", nargs="*", default=[])
    ap.add_argument("pcaps", nargs="+")
    a = ap.parse_args()

    wan = kv(a.wan)
    loc = {pe: ipaddress.ip_network(p) for pe, p in kv(a.loc).items()}
    cust = [ipaddress.ip_network(p) for p in a.customer]
    sas = {}  # spi -> (from, to, esp.Sa with the test's key)
    with open(a.keys) as f:
        for line in f:
            x, y, spi, key = line.split()
            sa = esp.Sa(f"{x}>{y}", "out", int(spi), esn=True)
            sa.key = bytes.fromhex(key)
            sas[int(spi)] = (x, y, sa)

    def is_cust(addr):
        ip = ipaddress.ip_address(addr)
        return any(ip in n for n in cust)

    errors, seen, example = [], {}, None
    frames = srv6 = 0
    for path in a.pcaps:
        for i, pkt in enumerate(PcapReader(path), 1):
            frames += 1
            where = f"{os.path.basename(path)} frame {i}"
            for ipl in ip_layers(pkt):
                if is_cust(ipl.src) or is_cust(ipl.dst):
                    errors.append(f"{where}: customer packet in clear: {pkt.summary()}")
                    break
            if IPv6 not in pkt:
                continue
            outer = pkt[IPv6]
            if outer.nh in (4, 41, 50):
                errors.append(f"{where}: IPv6 next header {outer.nh} without an SRH: {pkt.summary()}")
                continue
            if IPv6ExtHdrSegmentRouting not in pkt:
                continue  # ND, BGP's TCP: the underlay's own traffic
            srv6 += 1
            srh = pkt[IPv6ExtHdrSegmentRouting]
            dst = ipaddress.ip_address(outer.dst)
            bad = []
            if srh.type != 4 or srh.nh != 50:
                bad.append(f"SRH type {srh.type} next header {srh.nh}, want 4 and 50 (ESP)")
            if srh.segleft != 0 or [ipaddress.ip_address(s) for s in srh.addresses] != [dst]:
                bad.append(f"SRH SL {srh.segleft} segments {srh.addresses}, want SL 0 [{dst}]")
            if ESP not in pkt:
                errors.append(f"{where}: no ESP after the SRH: {' / '.join(bad) or pkt.summary()}")
                continue
            e = bytes(pkt[ESP])
            spi = int.from_bytes(e[:4], "big")
            if spi not in sas:
                errors.append(f"{where}: SPI {spi:#x} is in no SA of the test")
                continue
            x, y, sa = sas[spi]
            if outer.src != wan[x] and ipaddress.ip_address(outer.src) != ipaddress.ip_address(wan[x]):
                bad.append(f"outer source {outer.src}, SA {x}>{y} wants {x}'s {wan[x]}")
            if dst not in loc[y]:
                bad.append(f"destination {dst} outside {y}'s locator {loc[y]}")
            data, nh, errs = esp.open_esp(sa, e)
            bad += errs
            if data is not None and not errs:
                inner = (IP if nh == 4 else IPv6)(data)
                echo = inner.haslayer(ICMP) and inner[ICMP].type in (0, 8) or \
                    inner.haslayer(ICMPv6EchoRequest) or inner.haslayer(ICMPv6EchoReply)
                if not echo:
                    bad.append(f"decrypted to {inner.summary()}, not an echo")
                elif not (is_cust(inner.src) and is_cust(inner.dst)):
                    bad.append(f"decrypted echo {inner.src} > {inner.dst} outside the customer nets")
                elif example is None:
                    seq = int.from_bytes(e[4:8], "big")
                    example = (f"{where}: {outer.src} > {outer.dst} SRH[{srh.addresses[0]}] "
                               f"ESP SPI {spi:#x} ({x}>{y}) seq {seq} -> decrypted with the "
                               f"test's key: {inner.summary()}")
            if bad:
                errors.append(f"{where} (SA {x}>{y}): " + "; ".join(bad))
            else:
                seen[f"{x}>{y}"] = seen.get(f"{x}>{y}", 0) + 1

    for w in a.want:
        if not seen.get(w):
            errors.append(f"no ESP packet of SA {w} decrypted on the wire")
    print(f"{frames} frames, {srv6} SRv6 packets, all ESP: "
          + ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))
    if example:
        print(example)
    for err in errors[:20]:
        print("ERROR " + err)
    if len(errors) > 20:
        print(f"ERROR ... and {len(errors) - 20} more")
    sys.exit(1 if errors or not seen else 0)


if __name__ == "__main__":
    main()
