# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Jumbo and runt frames. A frame longer than one mbuf holds (2048 bytes of
data; jumbo frames are not supported: README) arrives chained over several
mbufs from the PMD and is dropped as rx_oversize, even on a port whose MTU
(9000 here) would allow it; a 1514-byte frame still fits and is served. A
runt (a 42-byte frame, shorter than Ethernet's 60-byte minimum, holding a
whole 28-byte IPv4 echo request) is served: only the IP lengths are checked
(RFC 1812 5.2.2); a runt whose IPv4 total length (100) runs past it is
ip4_truncated."""
from harness import *  # noqa: F401,F403


def echo(seq, data, **kw):
    return IP(src=CE_IP4, dst=CE0_IP4, ttl=64, **kw) / ICMP(type=8, id=0x55, seq=seq) / \
        Raw(data)


def reply(seq, data):
    return Exp(from_port("ce0", CE_MAC) / IP(src=CE0_IP4, dst=CE_IP4, ttl=64) /
               ICMP(type=0, id=0x55, seq=seq) / Raw(data), "ce0",
               ignore=ICMP4_GEN_IGNORE, desc=f"echo reply {seq} ({len(data)} B of data)")


def scenarios():
    eth = to_port("ce0", CE_MAC)
    big = bytes(range(256)) * 12            # 3072 B of data: a 3114-byte frame
    full = bytes(range(256)) * 5 + b"x" * 192   # 1472 B: a 1514-byte frame
    runt = eth / echo(3, b"")
    assert len(runt) == 42
    # scapy fills in the checksum for the length it is told
    frame_cut = bytes(eth / IP(src=CE_IP4, dst=CE0_IP4, ttl=64, len=100) /
                      ICMP(type=8, id=0x55, seq=4))
    assert len(frame_cut) == 42
    ins = [eth / echo(1, big), eth / echo(2, full), runt, frame_cut]
    exp = [reply(2, full), reply(3, b"")]
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE],
                 port_extra={"ce0": {"mtu": 9000}})
    return [Scenario("jumbo_runt", cfg, {"ce0": ins}, exp,
                     drops={"rx_oversize": 1, "ip4_truncated": 1})]
