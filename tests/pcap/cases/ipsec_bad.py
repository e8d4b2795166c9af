# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Bad ESP is dropped and counted by reason; good ESP around it still passes.

One inbound SA of mode srv6 (replay window 64) at an End.DT4 SID; every
packet has the SRH of one segment (SL 0, next header 50), in this order:

   seq   what                                      expected (drop reason)
   1     good                                      forwarded
   2     ICV tampered (last byte)                  esp_auth_failed
   2     good: a failed ICV must not move the window (RFC 4303 3.4.3)  forwarded
   1     replay of the first packet, same bytes    esp_replay
   200   good, far ahead                           forwarded
   100   good ICV, left of the window (200 - 64)   esp_replay
   150   good, inside the window, not seen         forwarded
   150   again                                     esp_replay
   1     SPI of no SA                              esp_unknown_spi
   1     SPI of our outbound SA (only inbound SAs match: doc/api.md)  esp_unknown_spi
   201   ESP header only (8 bytes)                 esp_malformed
   201   good (the header-only one was never authenticated)  forwarded
   202   cut 5 bytes into the ICV: 4-byte alignment broken (RFC 4303 2.4)  esp_malformed
   202   good                                      forwarded
   203   padding 01 02 09 (RFC 4303 2.4: 1, 2, 3)  esp_malformed
   204   pad length 250 beyond the payload         esp_malformed
   205   good                                      forwarded

The boundary of the window itself (200 - 64 exactly) is not tested: RFC 4303
and librte_ipsec differ by one there. Counted in stats.get drops and per SA
in ipsec.sa.list (the unknown SPIs have no SA).

Scenario "lifetime": an outbound SA with lifetime 3 packets protects 3 of 5
customer packets (seq 1..3), an inbound one with lifetime 2 accepts 2 of 3;
the rest are esp_lifetime_expired (doc/api.md "IPsec", lifetime).
"""
from harness import *  # noqa: F401,F403
from esp import (Sa, encrypt, encrypt_raw, expect_esp, ipsec_config, pad_len, seq_order_check,
                 srv6_esp_frame, with_sa_list)

A = sid(7)


def inner(seq, size=0):
    return IP(src="172.16.20.5", dst=CE_IP4, ttl=50, id=seq) / UDP(sport=7900, dport=53) / \
        Raw((b"bad case seq %d" % seq).ljust(size, b"."))


def dt4_cfg(sas, routes=()):
    return config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE] + list(routes),
                  sids=[{"sid": A, "behavior": "End.DT4", "vrf": VRF1}],
                  extra=ipsec_config(sas))


def bad():
    sa = Sa("from-b", "in", 0x2001, replay_window=64)
    other = Sa("nobody", "in", 0x2999)
    ours_out = Sa("to-b", "out", 0x3000)
    inputs, expect = [], []

    def good(seq):
        i = inner(seq)
        inputs.append(srv6_esp_frame(sa, A, i, seq))
        expect.append(Exp(from_port("ce0", CE_MAC) / dec(i), "ce0", desc=f"good seq {seq}"))

    def raw(seq, esp, s=sa):
        inputs.append(srv6_esp_frame(s, A, None, seq, esp_bytes=esp))

    good(1)
    first = bytes(inputs[-1])
    t = bytearray(encrypt(sa, inner(2), 2))
    t[-1] ^= 0x80
    raw(2, bytes(t))
    good(2)
    inputs.append(first)
    good(200)
    raw(100, encrypt(sa, inner(100), 100))
    good(150)
    raw(150, encrypt(sa, inner(150), 150))
    raw(1, encrypt(other, inner(1), 1), s=other)
    raw(1, encrypt(ours_out, inner(1), 1), s=ours_out)
    raw(201, encrypt(sa, inner(201), 201)[:8])
    good(201)
    raw(202, encrypt(sa, inner(202), 202)[:-5])
    good(202)
    # a payload needing 3 bytes of padding, so that 01 02 09 keeps the alignment
    i = next(b for b in (bytes(inner(203, size=n)) for n in range(16, 20))
             if pad_len(len(b)) == 3)
    raw(203, encrypt_raw(sa, 203, i, 4, padding=b"\x01\x02\x09"))
    i = bytes(inner(204))
    raw(204, encrypt_raw(sa, 204, i, 4, padding=bytes(range(1, pad_len(len(i)) + 1)),
                         padlen=250))
    good(205)
    drops = {"esp_auth_failed": 1, "esp_replay": 3, "esp_unknown_spi": 2, "esp_malformed": 4}
    sc = Scenario("bad", dt4_cfg([sa, ours_out]), {"wan0": inputs}, expect, drops=drops)
    return with_sa_list(sc, {
        sa.id: {"packets": len(expect), "bytes_min": 1,
                "drops": {"replay": 3, "auth_failed": 1, "malformed": 4}},
        ours_out.id: {"packets": 0}})


def lifetime():
    out = Sa("to-b", "out", 0x3001, lifetime={"packets": 3})
    inn = Sa("from-b", "in", 0x2003, lifetime={"packets": 2})
    ins = {"ce0": [], "wan0": []}
    expect = []
    for k in range(5):
        fr = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst="172.16.20.5", ttl=64) / \
            UDP(sport=23000, dport=4000) / Raw(b"lifetime %d" % k)
        ins["ce0"].append(fr)
        if k < 3:
            hdr = IPv6(src=ENCAP_SRC, dst=B1, hlim=64) / srh([B1], nh=50)
            expect.append(expect_esp("wan0", P1_MAC, hdr, out, k + 1, forwarded(fr),
                                     ignore=["IPv6[0].fl"], desc=f"ESP seq {k + 1}"))
    for seq in (1, 2, 3):
        i = inner(seq)
        ins["wan0"].append(srv6_esp_frame(inn, A, i, seq))
        if seq <= 2:
            expect.append(Exp(from_port("ce0", CE_MAC) / dec(i), "ce0", desc=f"in seq {seq}"))
    route = {"vrf": VRF1, "prefix": "172.16.20.0/24",
             "nexthops": [{"type": "srv6", "segments": [B1], "ipsec_sa": out.id}]}
    sc = Scenario("lifetime", dt4_cfg([out, inn], [route]), ins, expect,
                  drops={"esp_lifetime_expired": 3},
                  post_checks=[seq_order_check("wan0", [out.spi])])
    return with_sa_list(sc, {out.id: {"packets": 3, "drops": {"lifetime_expired": 2}},
                             inn.id: {"packets": 2, "drops": {"lifetime_expired": 1}}})


def scenarios():
    return [bad(), lifetime()]
