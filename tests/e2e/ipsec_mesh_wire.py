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
- every SA named with --want carried at least one packet;
- each --swap OLD:NEW:T0:T1 (SPIs, then the wall-clock seconds before the
  sender's ipsec.sa.add was sent and after it answered), a rekey in place:
  OLD carried packets before T0 and none after T1 (+ --swap-margin), NEW
  none before T0 and its first sequence number is 1, no OLD packet follows
  the first NEW one (the datapath swaps at once), each SPI's sequence
  numbers rise.

  ipsec_mesh_wire.py --keys keys.tsv --wan PE=ADDR... --loc PE=PREFIX...
                     --customer PREFIX... [--want FROM>TO...]
                     [--swap OLD:NEW:T0:T1...] [--swap-margin S] PCAP...
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


def swap_check(sas, on_wire, old, new, t0, t1, margin):
    """The rekey of one SA in place (see the module's docstring): prints what
    the wire showed, returns the errors."""
    errs = []
    name = f"{sas[old][0]}>{sas[old][1]}" if old in sas else f"{old:#x}"
    if old not in sas or new not in sas:
        return [f"swap {old:#x} -> {new:#x}: both SPIs must be in --keys"]
    po, pn = on_wire.get(old, []), on_wire.get(new, [])
    for spi, pk in ((old, po), (new, pn)):
        seqs = [q for _, q in pk]
        if any(b <= a for a, b in zip(seqs, seqs[1:])):
            errs.append(f"{name} SPI {spi:#x}: sequence numbers do not rise: {seqs[:20]}")
    if not po or not pn:
        return errs + [f"{name}: {len(po)} packets with the old SPI {old:#x}, {len(pn)} with "
                       f"the new {new:#x} (want both)"]
    last_old, first_new = po[-1][0], pn[0][0]
    print(f"rekey {name}: SPI {old:#x} {len(po)} packets, seq {po[0][1]}..{po[-1][1]}, the last "
          f"{last_old - t0:+.3f} s from the add's start; SPI {new:#x} {len(pn)} packets, seq "
          f"{pn[0][1]}..{pn[-1][1]}, the first {first_new - t0:+.3f} s (the add took "
          f"{t1 - t0:.3f} s)")
    if po[0][0] >= t0:
        errs.append(f"{name}: no packet with the old SPI {old:#x} before the swap")
    if last_old > t1 + margin:
        errs.append(f"{name}: old SPI {old:#x} still sent {last_old - t1:.3f} s after the swap "
                    f"answered")
    if first_new < t0:
        errs.append(f"{name}: new SPI {new:#x} on the wire {t0 - first_new:.3f} s before the "
                    f"swap was asked for")
    if pn[0][1] != 1:
        errs.append(f"{name}: the new SPI {new:#x} starts at sequence number {pn[0][1]}, want 1")
    late = [q for t, q in po if t > first_new]
    if late:
        errs.append(f"{name}: {len(late)} packets with the old SPI after the first with the new "
                    f"(seq {late[:5]})")
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", required=True)
    ap.add_argument("--wan", nargs="+", required=True)
    ap.add_argument("--loc", nargs="+", required=True)
    ap.add_argument("--customer", nargs="+", required=True)
    ap.add_argument("--want", nargs="*", default=[])
    ap.add_argument("--swap", nargs="*", default=[])
    # a packet the worker sent just before the swap is timestamped by the
    # capture on P a little later: scheduling on a loaded host
    ap.add_argument("--swap-margin", type=float, default=0.1)
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
    on_wire = {}  # spi -> [(capture time, ESP sequence number)] of good packets
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
                on_wire.setdefault(spi, []).append(
                    (float(pkt.time), int.from_bytes(e[4:8], "big")))

    for w in a.want:
        if not seen.get(w):
            errors.append(f"no ESP packet of SA {w} decrypted on the wire")
    for w in a.swap:
        old, new, t0, t1 = w.split(":")
        errors += swap_check(sas, on_wire, int(old, 0), int(new, 0), float(t0), float(t1),
                             a.swap_margin)
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
