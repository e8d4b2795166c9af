# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.T (RFC 8986 4.3): End processing, then the FIB lookup of the new DA in
the SID's table (VRF T2), not the default one. default: 2001:db8:b::/48 via P1
on wan0; T2: the same prefix via P3 on wan1 (a port of T2)."""
from harness import *  # noqa: F401,F403

A = sid(4)


def scenarios():
    inner = IPv6(src="2001:db8:20::5", dst=CE_IP6, hlim=60) / UDP(sport=7300, dport=53)
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
        srh([A, B2], sl=1, nh=41) / inner
    out = from_port("wan1", P3_MAC) / IPv6(src=REMOTE_PE, dst=B2, hlim=63) / \
        srh([A, B2], sl=0, nh=41) / inner
    cfg = config(("wan0", "wan1"),
                 vrfs=[{"name": "T2", "table": 102}],
                 port_extra={"wan1": {"vrf": "T2"}},
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": "T2", "prefix": "2001:db8:b::/48",
                          "nexthops": [{"type": "ip", "via": P3_IP6, "port": "wan1"}]}],
                 sids=[{"sid": A, "behavior": "End.T", "vrf": "T2"}])
    return [Scenario("end_t", cfg, {"wan0": [fr]},
                     [Exp(out, "wan1", desc="End.T: looked up in T2 -> P3 on wan1")],
                     sid_packets={A: 1})]
