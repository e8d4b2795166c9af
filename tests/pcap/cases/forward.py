# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Plain IP forwarding (RFC 1812 5.3.1 / RFC 8200 3): TTL / hop limit - 1,
IPv4 checksum updated, nothing else changed; and ECMP over two next hops:
many flows use both, each flow sticks to one.
IPv4 in VRF L3VPN-1 (ce0 -> ce1), IPv6 in VRF L3VPN-1 and in the default table
(wan0 -> wan1)."""
from harness import *  # noqa: F401,F403

FLOWS = 48


def scenarios():
    inputs = {"ce0": [], "wan0": []}
    expect = []
    # single path
    v4 = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst=CE3_IP4, ttl=64, tos=0x28) / \
        TCP(sport=40000, dport=80, flags="S") / Raw(b"fwd4")
    v4b = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst=CE3_IP4, ttl=2, id=4242, flags="DF") / \
        UDP(sport=40001, dport=53) / Raw(b"fwd4 ttl2")
    v6vrf = to_port("ce0", CE_MAC) / IPv6(src=CE_IP6, dst=CE4_IP6, hlim=64, fl=0x11111) / \
        UDP(sport=40002, dport=53) / Raw(b"fwd6 vrf")
    v6 = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=P3_IP6, hlim=2, tc=0xb8) / \
        UDP(sport=40003, dport=53) / Raw(b"fwd6 default")
    inputs["ce0"] += [v4, v4b, v6vrf]
    inputs["wan0"] += [v6]
    expect += [Exp(from_port("ce1", CE3_MAC) / forwarded(v4), "ce1", desc="IPv4 ce0->ce1"),
               Exp(from_port("ce1", CE3_MAC) / forwarded(v4b), "ce1", desc="IPv4 TTL 2 -> 1"),
               Exp(from_port("ce1", CE4_MAC) / forwarded(v6vrf), "ce1", desc="IPv6 in VRF"),
               Exp(from_port("wan1", P3_MAC) / forwarded(v6), "wan1", desc="IPv6 default")]
    # ECMP
    for k in range(3):
        for f in range(FLOWS):
            a = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst=f"198.51.100.{1 + f % 5}", ttl=64) / \
                UDP(sport=10000 + f * 13, dport=443) / Raw(b"ecmp4 %d %d" % (f, k))
            inputs["ce0"].append(a)
            e = Exp(from_port("ce1", CE3_MAC) / forwarded(a), "ce1", tag=("ecmp4", f),
                    checks={"Ether.dst": (lambda v: v in (CE3_MAC, CE4_MAC),
                                          f"{CE3_MAC} or {CE4_MAC}")},
                    desc=f"ECMP v4 flow {f} #{k}")
            expect.append(e)
            b = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=f"2001:db8:c::{1 + f % 5:x}",
                                               hlim=64) / \
                UDP(sport=10000 + f * 13, dport=443) / Raw(b"ecmp6 %d %d" % (f, k))
            inputs["wan0"].append(b)
            expect.append(Exp(from_port("wan1", P3_MAC) / forwarded(b), "wan1",
                              tag=("ecmp6", f),
                              checks={"Ether.dst": (lambda v: v in (P3_MAC, P4_MAC),
                                                    f"{P3_MAC} or {P4_MAC}")},
                              desc=f"ECMP v6 flow {f} #{k}"))
    cfg = config(("wan0", "ce0", "wan1", "ce1"),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": VRF1, "prefix": "198.51.100.0/24",
                          "nexthops": [{"type": "ip", "via": CE3_IP4, "port": "ce1"},
                                       {"type": "ip", "via": CE4_IP4, "port": "ce1"}]},
                         {"vrf": "default", "prefix": "2001:db8:c::/48",
                          "nexthops": [{"type": "ip", "via": P3_IP6, "port": "wan1"},
                                       {"type": "ip", "via": P4_IP6, "port": "wan1"}]}])
    return [Scenario("forward", cfg, inputs, expect,
                     post_checks=[ecmp_check("ecmp4", (CE3_MAC, CE4_MAC)),
                                  ecmp_check("ecmp6", (P3_MAC, P4_MAC))])]
