# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""ESP mode srv6, outbound: routes whose SRv6 next hop names an outbound SA.

What srv6d must send (doc/api.md "IPsec"; RFC 4303, RFC 4106): the outer IPv6
header and SRH exactly as plain H.Encaps / H.Encaps.Red build them (source =
encap.source, DA = first segment, hop limit 64, flow label computed), with the
last header's next header 50, then ESP: the SA's SPI, sequence numbers 1, 2,
3 ... per SA in the order the customer packets came, an 8-byte IV, the
customer packet (TTL / hop limit - 1) with minimal RFC 4303 padding (1, 2, 3
... to a 4-byte boundary), next header 4 / 41, a 16-byte ICV. H.Encaps.Red
with one segment: no SRH, IPv6 next header 50. Every ESP packet is decrypted
with scapy's SecurityAssociation (esp.py) and compared byte for byte with the
expected customer packet; the outer payload length covers it all.

Scenarios: two SAs (AES-GCM-128) interleaved on 1- and 3-segment H.Encaps
routes, IPv4 and IPv6; H.Encaps.Red (AES-GCM-256) with 1 and 3 segments; an
SA with ESN (AAD of 12 bytes, RFC 4106 5). ipsec.sa.list counts the packets.
"""
from harness import *  # noqa: F401,F403
from esp import (Sa, expect_esp, ipsec_config, seq_order_check, tshark_esp_check,
                 with_sa_list)

SEGS1, SEGS3 = [B1], [B1, B2, B3]
NON_ZERO_FL = {"IPv6[0].fl": (lambda v: v != 0, "non-zero (flowlabel compute)")}


def customer(dst, v6, flow, k, size):
    data = Raw((b"esp flow %d #%d " % (flow, k)).ljust(size, b"."))
    ip = IPv6(src=CE_IP6, dst=dst, hlim=64, fl=0x1000 + flow) if v6 else \
        IP(src=CE_IP4, dst=dst, ttl=64, id=100 + k)
    return to_port("ce0", CE_MAC) / ip / UDP(sport=21000 + flow, dport=4000) / data


def outer(segs, red, v6):
    """The H.Encaps / H.Encaps.Red headers with ESP after them (RFC 8986 5.1/5.2)."""
    n = len(segs)
    o = IPv6(src=ENCAP_SRC, dst=segs[0], hlim=64)
    if red and n == 1:
        o.nh = 50
        return o, "ipv6"
    addrs = segs[1:] if red else segs
    o.nh = 43
    return o / IPv6ExtHdrSegmentRouting(nh=50, addresses=list(reversed(addrs)), segleft=n - 1,
                                        lastentry=len(addrs) - 1), "srh"


def build(name, dests, rounds, esn=False):
    """dests: [(inner dst, prefix, v6, segments, encap, Sa)]."""
    sas = []
    for d in dests:
        if d[5] not in sas:
            sas.append(d[5])
    routes = [ROUTE_REMOTE_PE] + [
        {"vrf": VRF1, "prefix": pfx,
         "nexthops": [{"type": "srv6", "segments": segs, "encap": enc, "ipsec_sa": sa.id}]}
        for _, pfx, _, segs, enc, sa in dests]
    seq = {sa.id: 0 for sa in sas}
    inputs, expect, where = [], [], {}
    for k in range(rounds):
        for di, (dst, _, v6, segs, enc, sa) in enumerate(dests):
            # sizes vary so that every pad length 0..3 occurs
            fr = customer(dst, v6, di, k, 20 + k + 3 * di)
            inputs.append(fr)
            seq[sa.id] += 1
            hdr, pos = outer(segs, enc == "h.encaps.red", v6)
            where[sa.spi] = pos if where.get(sa.spi, pos) == pos else None
            expect.append(expect_esp("wan0", P1_MAC, hdr, sa, seq[sa.id], forwarded(fr),
                                     checks=NON_ZERO_FL, tag=("fl", di, 0),
                                     desc=f"{enc} {len(segs)} seg ESP to {dst} #{k}"))
    mixed = [s for s, p in where.items() if p is None]
    assert not mixed, "one SA on routes with and without an SRH: tshark cannot check it"
    cfg = config(("wan0", "ce0"), routes=routes, extra=ipsec_config(sas))
    sc = Scenario(name, cfg, {"ce0": inputs}, expect,
                  post_checks=[seq_order_check("wan0", [s.spi for s in sas]),
                               tshark_esp_check("wan0", where),
                               flow_label_check("compute")])
    return with_sa_list(sc, {sa.id: {"packets": seq[sa.id], "bytes_min": 1} for sa in sas})


def scenarios():
    a1 = Sa("to-b-1", "out", 0x1001)
    a3 = Sa("to-b-3", "out", 0x1003)
    red = Sa("to-b-red", "out", 0x1010, aead="aes-gcm-256")
    red3 = Sa("to-b-red3", "out", 0x1013, aead="aes-gcm-256")
    esn = Sa("to-b-esn", "out", 0x1020, replay_window=64, esn=True)
    return [
        build("h_encaps", [
            ("172.16.20.5", "172.16.20.0/24", False, SEGS1, "h.encaps", a1),
            ("2001:db8:20::5", "2001:db8:20::/48", True, SEGS1, "h.encaps", a1),
            ("172.16.30.5", "172.16.30.0/24", False, SEGS3, "h.encaps", a3),
            ("2001:db8:30::5", "2001:db8:30::/48", True, SEGS3, "h.encaps", a3),
        ], rounds=4),
        build("h_encaps_red", [
            ("172.16.20.5", "172.16.20.0/24", False, SEGS1, "h.encaps.red", red),
            ("2001:db8:20::5", "2001:db8:20::/48", True, SEGS1, "h.encaps.red", red),
            ("172.16.30.5", "172.16.30.0/24", False, SEGS3, "h.encaps.red", red3),
            ("2001:db8:30::5", "2001:db8:30::/48", True, SEGS3, "h.encaps.red", red3),
        ], rounds=4),
        build("esn", [
            ("172.16.20.5", "172.16.20.0/24", False, SEGS1, "h.encaps", esn),
            ("2001:db8:20::5", "2001:db8:20::/48", True, SEGS1, "h.encaps", esn),
        ], rounds=3),
    ]
