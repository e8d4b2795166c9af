# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""ESP mode srv6, inbound: scapy-encrypted ESP at our End.DT4 / End.DT6 SIDs.

The remote PE's packets (built and encrypted with scapy's SecurityAssociation,
the SRH spliced in front of the ESP by hand: esp.py) reach the SID with
segments left 0 in the three ways plain ones do (harness.arrival_forms): an
SRH of one segment, an SRH of three segments whose last is ours (both with
next header 50), and H.Encaps.Red without an SRH (IPv6 next header 50).
srv6d finds the inbound SA by SPI, checks the ICV, decrypts, and applies the
SID's behaviour to the customer packet (RFC 8986 4.6 / 4.7): it leaves on ce0
with TTL / hop limit - 1, to the connected CE or through a VRF route (CE2),
exactly as end_dt4.py / end_dt6.py check in clear. Sequence numbers rise
1, 2, 3 ... Scenarios: AES-GCM-128, and AES-GCM-256 with ESN; an SA without
an anti-replay window takes repeated and older sequence numbers.
"""
from harness import *  # noqa: F401,F403
from esp import Sa, dt_scenario, dt_targets, ipsec_config, srv6_esp_frame, with_sa_list

A, D = sid(7), sid(8)


def build(name, sa):
    inputs, expect, counts = [], [], {A: 0, D: 0}
    for form in ("srh1", "red", "srh3"):
        for n, (s, beh, ip, mac) in enumerate(dt_targets(fl6=0x54321)):
            inner = ip / UDP(sport=7600 + n, dport=53) / \
                Raw(b"esp in %s %s" % (form.encode(), ip.dst.encode()))
            inputs.append(srv6_esp_frame(sa, s, inner, len(inputs) + 1, form))
            expect.append(Exp(from_port("ce0", mac) / dec(inner), "ce0",
                              desc=f"{beh} {form} ESP seq {len(inputs)} to {ip.dst}"))
            counts[s] += 1
    return dt_scenario(name, sa, inputs, expect, counts)


def no_window():
    """replay_window 0 turns the anti-replay check off (RFC 4303 3.4.3): the
    same sequence number again, and an older one, are accepted."""
    sa = Sa("from-b-nowin", "in", 0x2003, replay_window=0)
    inputs, expect = [], []
    for k, seq in enumerate((5, 5, 5, 1, 7, 2)):
        inner = IP(src="172.16.20.5", dst=CE_IP4, ttl=50) / UDP(sport=7700, dport=53) / \
            Raw(b"no window #%d seq %d" % (k, seq))
        inputs.append(srv6_esp_frame(sa, A, inner, seq, "srh1"))
        expect.append(Exp(from_port("ce0", CE_MAC) / dec(inner), "ce0",
                          desc=f"window 0: #{k} seq {seq}"))
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": A, "behavior": "End.DT4", "vrf": VRF1}],
                 extra=ipsec_config([sa]))
    sc = Scenario("no_replay_window", cfg, {"wan0": inputs}, expect,
                  sid_packets={A: len(inputs)})
    return with_sa_list(sc, {sa.id: {"packets": len(inputs), "bytes_min": 1}})


def scenarios():
    return [
        build("gcm128", Sa("from-b", "in", 0x2001)),
        build("gcm256_esn", Sa("from-b-esn", "in", 0x2002, aead="aes-gcm-256",
                               replay_window=64, esn=True)),
        no_window(),
    ]
