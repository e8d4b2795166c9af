# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""TCP MSS clamping on a customer port (port key tcp_mss, doc/api.md; RFC
6691, seed 002's lesson: PMTU discovery alone does not save TCP behind a
tunnel that drops ICMP). ce0 has tcp_mss 1360.

From the customer: SYNs (IPv4 and IPv6) with MSS 1460 leave H.Encaps'd on
wan0 with MSS 1360 in the inner segment, its TCP checksum right; a SYN with
MSS 1200 and a non-SYN segment pass unchanged. Toward the customer: a
SYN-ACK with MSS 1460 arriving End.DT4 / End.DT6-encapsulated leaves ce0 with
MSS 1360. The expected packets are built with scapy from the inputs with the
MSS option rewritten and the checksum left for scapy to compute, so a wrong
checksum or MSS from srv6d fails the byte comparison and the harness's
checksum check."""
from harness import *  # noqa: F401,F403

A4, A6 = sid(7), sid(8)
CLAMP = 1360
V4, V6 = "172.16.20.0/24", "2001:db8:20::/48"
OPTS = lambda mss: [("MSS", mss), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None),
                    ("WScale", 7)]


def tcp(flags, mss, sport):
    return TCP(sport=sport, dport=443, flags=flags, seq=1000, ack=0 if flags == "S" else 1,
               window=65535, options=OPTS(mss) if "S" in flags else [])


def clamped(pkt, mss):
    """pkt with its TCP MSS option set to mss and the checksum recomputed."""
    p = pkt.copy()
    p[TCP].options = [("MSS", mss) if k == "MSS" else (k, v) for k, v in p[TCP].options]
    p[TCP].chksum = None
    return p.__class__(bytes(p))


def scenarios():
    inputs_ce, inputs_wan, expect = [], [], []
    # Customer to remote: H.Encaps on wan0.
    for v6 in (False, True):
        ip = IPv6(src=CE_IP6, dst="2001:db8:20::5", hlim=64) if v6 else \
            IP(src=CE_IP4, dst="172.16.20.5", ttl=64)
        for k, (flags, mss, want) in enumerate((("S", 1460, CLAMP), ("S", 1200, 1200),
                                                ("A", 1460, None))):
            fr = to_port("ce0", CE_MAC) / ip / tcp(flags, mss, 30000 + k)
            inputs_ce.append(fr)
            inner = forwarded(fr)
            if want is not None and want != mss:
                inner = clamped(inner, want)
            expect.append(Exp(from_port("wan0", P1_MAC) / h_encaps(inner, [B1]), "wan0",
                              ignore=("IPv6[0].fl",),
                              desc=f"{'v6' if v6 else 'v4'} {flags} mss {mss} -> {want}"))
    # Remote to customer: decapsulated onto ce0, SYN-ACK clamped on the way out.
    for v6, a in ((False, A4), (True, A6)):
        ip = IPv6(src="2001:db8:20::5", dst=CE_IP6, hlim=50) if v6 else \
            IP(src="172.16.20.5", dst=CE_IP4, ttl=50)
        inner = ip / tcp("SA", 1460, 443)
        inner[TCP].sport, inner[TCP].dport = 443, 30000
        fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=a, hlim=61) / \
            srh([a], sl=0, nh=41 if v6 else 4) / inner
        inputs_wan.append(fr)
        expect.append(Exp(from_port("ce0", CE_MAC) / clamped(dec(inner), CLAMP), "ce0",
                          desc=f"{'v6' if v6 else 'v4'} SYN-ACK decapsulated, mss 1460 -> "
                               f"{CLAMP}"))
    cfg = config(("wan0", "ce0"),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": VRF1, "prefix": V4, "nexthops": [{"type": "srv6",
                                                                   "segments": [B1]}]},
                         {"vrf": VRF1, "prefix": V6, "nexthops": [{"type": "srv6",
                                                                   "segments": [B1]}]}],
                 sids=[{"sid": A4, "behavior": "End.DT4", "vrf": VRF1},
                       {"sid": A6, "behavior": "End.DT6", "vrf": VRF1}],
                 port_extra={"ce0": {"tcp_mss": CLAMP}})
    return [Scenario("tcp_mss", cfg, {"ce0": inputs_ce, "wan0": inputs_wan}, expect)]
