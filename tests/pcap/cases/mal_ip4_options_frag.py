# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""IPv4 options and fragments. A headend carries the customer's IPv4 packet
whole (RFC 8986 5.1): options (IHL 6 and 8: Router Alert, NOPs, a Record
Route) and fragments (the first with MF, a middle one, the last) are
encapsulated exactly as received but for TTL - 1 and the header checksum.
A fragment addressed to srv6d itself is not reassembled (RFC 791: that is
the destination's work, and srv6d serves only whole echo requests): the
first fragment of a large echo request and a later one are dropped as
ip4_fragment on a port without a host interface, never answered."""
from harness import *  # noqa: F401,F403
from scapy.all import IPOption_EOL, IPOption_NOP, IPOption_RR, IPOption_Router_Alert

SEGS = [B1]


def scenarios():
    eth = to_port("ce0", CE_MAC)
    base = dict(src=CE_IP4, dst="172.16.20.5", ttl=64)
    pkts = [
        IP(options=[IPOption_Router_Alert()], **base) / UDP(sport=5001, dport=53) /
        Raw(b"router alert"),
        IP(options=[IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_EOL()],
           **base) / UDP(sport=5002, dport=53) / Raw(b"nops"),
        IP(options=[IPOption_RR(routers=["192.0.2.1", "0.0.0.0"])], **base) /
        UDP(sport=5003, dport=53) / Raw(b"record route"),
        IP(id=0x4242, flags="MF", frag=0, proto=17, **base) / Raw(b"A" * 32),
        IP(id=0x4242, flags="MF", frag=4, proto=17, **base) / Raw(b"B" * 32),
        IP(id=0x4242, flags=0, frag=8, proto=17, **base) / Raw(b"C" * 9),
    ]
    ins = [eth / p for p in pkts]
    exp = [Exp(from_port("wan0", P1_MAC) / h_encaps(forwarded(f), SEGS), "wan0",
               ignore=["IPv6[0].fl"], desc=f"encapsulated whole: {p.summary()}")
           for f, p in zip(ins, pkts)]
    # an echo request to our own address, in two fragments
    whole = bytes(IP(src=CE_IP4, dst=CE0_IP4, ttl=64, id=0x99) /
                  ICMP(type=8, id=1, seq=1) / Raw(b"x" * 64))
    ihl = 20
    first = IP(whole[:ihl] + whole[ihl:ihl + 40])
    first.flags, first.len, first.chksum = "MF", None, None
    last = IP(whole[:ihl] + whole[ihl + 40:])
    last.flags, last.frag, last.len, last.chksum = 0, 5, None, None
    ins += [eth / first, eth / last]
    cfg = config(("wan0", "ce0"),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": VRF1, "prefix": "172.16.20.0/24",
                          "nexthops": [{"type": "srv6", "segments": SEGS}]}],
                 encap={"source": ENCAP_SRC, "hop_limit": 64, "flowlabel": "zero"})
    return [Scenario("options_fragments", cfg, {"ce0": ins}, exp,
                     drops={"ip4_fragment": 2})]
