# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""VLAN tags: no port serves a VLAN (doc/api.md, "Drop reasons"), so a frame
tagged with a VLAN ID is dropped as eth_vlan, not routed as if it were
untagged (that would bridge a VLAN into the port's VRF). Tagged frames: an
802.1Q tag (VLAN 10), an 802.1ad tag (VLAN 20), stacked tags (802.1ad outer,
802.1Q inner: QinQ), each carrying an echo request to ce0's own address. A
priority-tagged frame (802.1Q, VLAN ID 0: IEEE 802.1Q 9.6, the port's own
traffic with a priority) is the port's and is answered, untagged, as the
untagged request is. A frame cut inside its tag is eth_truncated."""
from harness import *  # noqa: F401,F403
from scapy.all import Dot1AD, Dot1Q


def echo(seq, data):
    return IP(src=CE_IP4, dst=CE0_IP4, ttl=64) / ICMP(type=8, id=0x77, seq=seq) / Raw(data)


def reply(seq, data):
    return Exp(from_port("ce0", CE_MAC) / IP(src=CE0_IP4, dst=CE_IP4, ttl=64) /
               ICMP(type=0, id=0x77, seq=seq) / Raw(data), "ce0",
               ignore=ICMP4_GEN_IGNORE, desc=f"echo reply {seq}")


def scenarios():
    eth = to_port("ce0", CE_MAC)
    ins = [
        eth / echo(1, b"untagged"),
        eth / Dot1Q(vlan=10) / echo(2, b"vlan 10"),
        Ether(dst=eth.dst, src=eth.src, type=0x88a8) / Dot1AD(vlan=20) / echo(3, b"802.1ad"),
        Ether(dst=eth.dst, src=eth.src, type=0x88a8) / Dot1AD(vlan=30) / Dot1Q(vlan=40) /
        echo(4, b"qinq"),
        eth / Dot1Q(vlan=0, prio=5) / echo(5, b"priority tag"),
        bytes(eth / Dot1Q(vlan=10) / echo(6, b"cut"))[:16],
    ]
    exp = [reply(1, b"untagged"), reply(5, b"priority tag")]
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE])
    return [Scenario("vlan", cfg, {"ce0": ins}, exp,
                     drops={"eth_vlan": 3, "eth_truncated": 1})]
