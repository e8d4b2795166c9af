# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""ESP mode tunnel, outbound: the whole SRv6 packet inside ESP.

A VRF route's SRv6 next hop names an outbound tunnel SA: srv6d builds the
SRv6 packet as plain H.Encaps does (outer source encap.source, DA the first
segment, SRH, hop limit 64, flow label computed; the customer packet with TTL /
hop limit - 1), then protects all of it with ESP (RFC 4303 tunnel mode, next
header 41) in a new outer IPv6 header from tunnel.src (our wan0 address) to
tunnel.dst (the remote PE), next header 50, routed in the default VRF (to P1
on wan0). The outer header's hop limit is 64; its traffic class and flow label
are not pinned. Each ESP packet is decrypted with scapy and compared byte for
byte with the expected SRv6 packet (its flow label must be non-zero and is
otherwise masked); sequence numbers 1, 2, 3 ... per SA; minimal padding.
IPv4 and IPv6 customers, 1 and 3 segments; AES-GCM-128 and AES-GCM-256 + ESN.
"""
from harness import *  # noqa: F401,F403
from esp import (Sa, expect_esp, ipsec_config, mask_outer_flowlabel, seq_order_check,
                 tshark_esp_check, with_sa_list)

DESTS = [
    ("172.16.20.5", "172.16.20.0/24", False, [B1]),
    ("2001:db8:20::5", "2001:db8:20::/48", True, [B1]),
    ("172.16.30.5", "172.16.30.0/24", False, [B1, B2, B3]),
    ("2001:db8:30::5", "2001:db8:30::/48", True, [B1, B2, B3]),
]


def build(name, sa, rounds=3):
    routes = [ROUTE_REMOTE_PE] + [
        {"vrf": VRF1, "prefix": pfx,
         "nexthops": [{"type": "srv6", "segments": segs, "ipsec_sa": sa.id}]}
        for _, pfx, _, segs in DESTS]
    inputs, expect, seq = [], [], 0
    for k in range(rounds):
        for di, (dst, _, v6, segs) in enumerate(DESTS):
            data = Raw((b"tunnel %d #%d " % (di, k)).ljust(18 + k + 5 * di, b"."))
            ip = IPv6(src=CE_IP6, dst=dst, hlim=64) if v6 else IP(src=CE_IP4, dst=dst, ttl=64)
            fr = to_port("ce0", CE_MAC) / ip / UDP(sport=22000 + di, dport=4000) / data
            inputs.append(fr)
            seq += 1
            srv6 = h_encaps(forwarded(fr), segs, fl=0)
            e = expect_esp("wan0", P1_MAC, IPv6(src=sa.tunnel[0], dst=sa.tunnel[1], hlim=64,
                                                nh=50),
                           sa, seq, srv6, inner_check=mask_outer_flowlabel(srv6),
                           ignore=["IPv6[0].tc", "IPv6[0].fl"],
                           desc=f"tunnel ESP seq {seq}: H.Encaps {len(segs)} seg to {dst}")
            e.masked_fl = True
            expect.append(e)
    cfg = config(("wan0", "ce0"), routes=routes, extra=ipsec_config([sa]))
    sc = Scenario(name, cfg, {"ce0": inputs}, expect,
                  post_checks=[seq_order_check("wan0", [sa.spi]),
                               tshark_esp_check("wan0", {sa.spi: "ipv6"})])
    return with_sa_list(sc, {sa.id: {"packets": seq, "bytes_min": 1}})


def scenarios():
    t = (WAN0_IP6, REMOTE_PE)
    return [
        build("gcm128", Sa("to-b-tun", "out", 0x4001, mode="tunnel", tunnel=t)),
        build("gcm256_esn", Sa("to-b-tun-esn", "out", 0x4002, mode="tunnel", tunnel=t,
                               aead="aes-gcm-256", replay_window=64, esn=True)),
    ]
