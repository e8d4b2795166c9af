# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""A decapsulating SID reached with Segments Left > 0: RFC 8986 4.4-4.8 S02-S03:
"Send an ICMP Parameter Problem ... Code 0 ... Pointer set to the Segments Left
field", discard. SRH right after the IPv6 header: pointer 40 + 3 = 43.
The drop reason is not pinned (the contract names none for it): one drop each."""
from harness import *  # noqa: F401,F403

DT46, DX4 = sid(9), sid(5)


def scenarios():
    inputs, expect = [], []
    for a, inner in ((DT46, IPv6(src="2001:db8:20::5", dst=CE_IP6) / UDP(dport=53)),
                     (DX4, IP(src="172.16.20.5", dst=CE_IP4) / UDP(dport=53))):
        nh = 4 if isinstance(inner, IP) else 41
        fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=a, hlim=64) / \
            srh([a, B2], sl=1, nh=nh) / inner
        inputs.append(fr)
        expect.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                                  ICMPv6ParamProblem(code=0, ptr=43), fr,
                                  desc=f"param problem ptr 43 for {a} with SL 1"))
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": DT46, "behavior": "End.DT46", "vrf": VRF1},
                       {"sid": DX4, "behavior": "End.DX4",
                        "nexthop": {"via": CE_IP4, "port": "ce0"}}])
    return [Scenario("sl1", cfg, {"wan0": inputs}, expect, drops_total=2)]
