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
from esp import Sa, dt_scenario, dt_targets, tunnel_esp_frame

A, D = sid(7), sid(8)


def build(name, sa):
    inputs, expect, counts = [], [], {A: 0, D: 0}
    for n, (s, beh, ip, mac) in enumerate(dt_targets()):
        inner = ip / UDP(sport=7800 + n, dport=53) / Raw(b"tunnel in " + ip.dst.encode())
        for form, fr in arrival_forms(s, inner):
            srv6 = IPv6(bytes(fr)[14:])  # the SRv6 packet the remote PE protects
            inputs.append(tunnel_esp_frame(sa, srv6, len(inputs) + 1))
            expect.append(Exp(from_port("ce0", mac) / dec(inner), "ce0",
                              desc=f"tunnel ESP seq {len(inputs)}: {beh} {form} to {ip.dst}"))
            counts[s] += 1
    return dt_scenario(name, sa, inputs, expect, counts)


def scenarios():
    t = (REMOTE_PE, WAN0_IP6)
    return [
        build("gcm128", Sa("from-b-tun", "in", 0x4101, mode="tunnel", tunnel=t)),
        build("gcm256_esn", Sa("from-b-tun-esn", "in", 0x4102, mode="tunnel", tunnel=t,
                               aead="aes-gcm-256", replay_window=64, esn=True)),
    ]
