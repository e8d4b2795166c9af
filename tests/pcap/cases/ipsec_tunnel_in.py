# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""ESP mode tunnel, inbound: an SRv6 packet inside scapy-encrypted ESP.

The remote PE sends ESP (RFC 4303 tunnel mode, built with scapy's
SecurityAssociation) from its address (tunnel.src) to our wan0 address
(tunnel.dst); inside is an SRv6 packet to our End.DT4 / End.DT6 SID with
segments left 0, in the three forms of harness.arrival_forms (SRH of one
segment, SRH of three, no SRH). srv6d matches the SPI, checks the ICV,
decrypts, and processes the inner SRv6 packet as if it had arrived on wan0:
the customer packet leaves on ce0 with TTL / hop limit - 1 (RFC 8986 4.6 /
4.7), to the connected CE or through a VRF route. Sequence numbers 1, 2, 3 ...
AES-GCM-128, and AES-GCM-256 with ESN.
"""
from harness import *  # noqa: F401,F403
from esp import Sa, ipsec_config, tunnel_esp_frame, with_sa_list

A, D = sid(7), sid(8)


def build(name, sa):
    inputs, expect, seq = [], [], 0
    counts = {A: 0, D: 0}
    targets = [
        (A, "End.DT4", IP(src="172.16.20.5", dst=CE_IP4, ttl=50), CE_MAC),
        (A, "End.DT4", IP(src="172.16.20.5", dst="192.0.2.9", ttl=50), CE2_MAC),
        (D, "End.DT6", IPv6(src="2001:db8:20::5", dst=CE_IP6, hlim=50), CE_MAC),
        (D, "End.DT6", IPv6(src="2001:db8:20::5", dst="2001:db8:40::9", hlim=50), CE2_MAC),
    ]
    for n, (s, beh, ip, mac) in enumerate(targets):
        inner = ip / UDP(sport=7800 + n, dport=53) / Raw(b"tunnel in " + ip.dst.encode())
        for form, fr in arrival_forms(s, inner):
            seq += 1
            srv6 = IPv6(bytes(fr)[14:])  # the SRv6 packet the remote PE protects
            inputs.append(tunnel_esp_frame(sa, srv6, seq))
            expect.append(Exp(from_port("ce0", mac) / dec(inner), "ce0",
                              desc=f"tunnel ESP seq {seq}: {beh} {form} to {ip.dst}"))
            counts[s] += 1
    cfg = config(("wan0", "ce0"),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": VRF1, "prefix": "192.0.2.0/24",
                          "nexthops": [{"type": "ip", "via": CE2_IP4, "port": "ce0"}]},
                         {"vrf": VRF1, "prefix": "2001:db8:40::/48",
                          "nexthops": [{"type": "ip", "via": CE2_IP6, "port": "ce0"}]}],
                 sids=[{"sid": A, "behavior": "End.DT4", "vrf": VRF1},
                       {"sid": D, "behavior": "End.DT6", "vrf": VRF1}],
                 extra=ipsec_config([sa]))
    sc = Scenario(name, cfg, {"wan0": inputs}, expect, sid_packets=counts)
    return with_sa_list(sc, {sa.id: {"packets": seq, "bytes_min": 1}})


def scenarios():
    t = (REMOTE_PE, WAN0_IP6)
    return [
        build("gcm128", Sa("from-b-tun", "in", 0x4101, mode="tunnel", tunnel=t)),
        build("gcm256_esn", Sa("from-b-tun-esn", "in", 0x4102, mode="tunnel", tunnel=t,
                               aead="aes-gcm-256", replay_window=64, esn=True)),
    ]
