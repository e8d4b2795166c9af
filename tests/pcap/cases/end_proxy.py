# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Proxies for SR-unaware services: End.AS (static), End.AD (dynamic) and
End.AM (masquerading), draft-ietf-spring-sr-service-programming 6.1, 6.2, 6.4.

The service sits behind ce0 (reached at its address, the SID's nexthop) and
hands traffic back on ce1, the SID's return_port.
  - To the service: a packet for the proxy SID with SL > 0 loses its outer
    IPv6 header and SRH after End's step; the inner IPv4 or IPv6 packet goes
    out of ce0 to the service's MAC with its TTL / hop limit as it came (the
    service is in the path, not a hop of ours).
  - Back from the service (End.AS): every IP packet received on ce1 gets
    the SID's configured segments [B1, B3] (H.Encaps from encap.source, hop
    limit 64) and is routed toward B1 on wan0.
  - Back from the service (End.AD): the outer headers the SID last sent on
    (SL already decremented, DA = the next segment, hop limit - 1) are put
    back in front, payload length and next header set for the returned
    packet (4 or 41); a new header sequence seen at the SID replaces the
    cache (the second scenario's last forward packet carries another list).
  - Return traffic before any packet reached an End.AD SID has no headers to
    take: proxy_no_cache drops (scenario ad_cold).
Malformed: SL 0 at a proxy with an IPv4 packet inside (Parameter Problem code
4, sid_sl_zero), an upper layer other than IP behind the SRH (Parameter
Problem code 4 at it, decap_bad_inner), hop limit 1 (Time Exceeded).
Every output is decoded by scapy; the re-imposed SRHs again by tshark.

The harness's single worker polls wan0 before ce1, so the packets toward the
service (wan0, one burst) fill End.AD's cache before the returns (ce1) are read.
"""
from harness import *  # noqa: F401,F403

AS, AD = sid(0xa5), sid(0xad)
SVC_OUT = ("ce0", CE_MAC)       # the service's MAC behind ce0 (CE_IP4 / CE_IP6)
SVC_BACK = ("ce1", CE3_MAC)     # the service hands traffic back from CE3_MAC on ce1
PORTS3 = ("wan0", "ce0", "ce1")


def flows(tag):
    return [IP(src="10.20.0.1", dst="10.30.0.1", ttl=60) / UDP(sport=5000, dport=5001) /
            Raw(b"proxy v4 " + tag),
            IPv6(src="fd00:20::1", dst="fd00:30::1", hlim=50) / UDP(sport=5000, dport=5002) /
            Raw(b"proxy v6 " + tag)]


def nh_of(p):
    return 4 if isinstance(p, IP) else 41


def to_service(arrivals, exp, sid_addr, segs, sl, tag):
    """Packets for the proxy SID; the service must get each inner packet as is."""
    for inner in flows(tag):
        arrivals.append(to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=sid_addr, hlim=64) /
                        srh(segs, sl=sl, nh=nh_of(inner)) / inner)
        exp.append(Exp(from_port(*SVC_OUT) / inner, "ce0",
                       desc=f"to the service: {inner.summary()}"))


def malformed(sid_addr, ins, exp):
    """SL 0 with IPv4 inside, UDP behind the SRH, hop limit 1."""
    sl0 = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=sid_addr, hlim=64) / \
        srh([sid_addr], sl=0, nh=4) / flows(b"sl0")[0]
    udp = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=sid_addr, hlim=64) / \
        srh([sid_addr, B2], sl=1, nh=17) / UDP(sport=1, dport=2) / Raw(b"not ip")
    hl1 = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=sid_addr, hlim=1) / \
        srh([sid_addr, B2], sl=1, nh=4) / flows(b"hl1")[0]
    ins += [sl0, udp, hl1]
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                           ICMPv6ParamProblem(code=4, ptr=40 + 24), sl0,
                           desc="proxy SID with SL 0: param problem code 4 at the inner header"))
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                           ICMPv6ParamProblem(code=4, ptr=40 + 40), udp,
                           desc="proxy SID with UDP inside: param problem code 4"))
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                           ICMPv6TimeExceeded(code=0), hl1,
                           desc="proxy SID with hop limit 1: time exceeded"))
    return {"sid_sl_zero": 1, "decap_bad_inner": 1, "ip6_hop_limit_exceeded": 1}


def srh_post_check(want):
    return tshark_srh_check("wan0", want)


def scenario_static():
    ins_wan0, ins_ce1, exp = [], [], []
    to_service(ins_wan0, exp, AS, [AS, B2], 1, b"as")
    drops = malformed(AS, ins_wan0, exp)
    want = {}
    for inner in flows(b"back"):
        ins_ce1.append(to_port("ce1", SVC_BACK[1]) / inner)
        exp.append(Exp(from_port("wan0", P1_MAC) / h_encaps(inner, [B1, B3]), "wan0",
                       ignore=["IPv6[0].fl"], desc=f"End.AS re-imposes [B1, B3]: {inner.summary()}"))
        want[inner.dst] = {"nxt": nh_of(inner), "len": 4, "segleft": 1, "last_entry": 1,
                           "addrs": [B3, B1]}
    want[None] = None  # the ICMP errors
    cfg = config(PORTS3, routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": AS, "behavior": "End.AS", "return_port": "ce1",
                        "nexthop": {"via": CE_IP6, "port": "ce0"}, "segments": [B1, B3]}])
    return Scenario("as", cfg, {"wan0": ins_wan0, "ce1": ins_ce1}, exp, drops=drops,
                    sid_packets={AS: 5}, post_checks=[srh_post_check(want)])


def scenario_dynamic():
    ins_wan0, ins_ce1, exp = [], [], []
    segs = [AD, B2, B3]
    to_service(ins_wan0, exp, AD, segs, 2, b"ad")
    drops = malformed(AD, ins_wan0, exp)
    # the last packet to the SID carries another list: the cache takes it
    last = flows(b"ad last")[0]
    ins_wan0.append(to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=AD, hlim=40, tc=0x20) /
                    srh([AD, B3], sl=1, nh=4) / last)
    exp.append(Exp(from_port(*SVC_OUT) / last, "ce0", desc="to the service: last"))
    want = {}
    for inner in flows(b"back"):
        ins_ce1.append(to_port("ce1", SVC_BACK[1]) / inner)
        # the cached headers: as the last packet left the SID (hop limit 39,
        # SL 0, DA B3), next header for what the service returned
        back = IPv6(src=REMOTE_PE, dst=B3, hlim=39, tc=0x20) / \
            srh([AD, B3], sl=0, nh=nh_of(inner)) / inner
        exp.append(Exp(from_port("wan0", P1_MAC) / back, "wan0",
                       desc=f"End.AD re-imposes the cached headers: {inner.summary()}"))
        want[inner.dst] = {"nxt": nh_of(inner), "len": 4, "segleft": 0, "last_entry": 1,
                           "addrs": [B3, AD]}
    want[None] = None
    cfg = config(PORTS3, routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": AD, "behavior": "End.AD", "return_port": "ce1",
                        "nexthop": {"via": CE_IP4, "port": "ce0"}}])
    return Scenario("ad", cfg, {"wan0": ins_wan0, "ce1": ins_ce1}, exp, drops=drops,
                    sid_packets={AD: 6}, post_checks=[srh_post_check(want)])


def scenario_cold():
    ins = [to_port("ce1", SVC_BACK[1]) / p for p in flows(b"cold")]
    cfg = config(PORTS3, routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": AD, "behavior": "End.AD", "return_port": "ce1",
                        "nexthop": {"via": CE_IP4, "port": "ce0"}}])
    return Scenario("ad_cold", cfg, {"ce1": ins}, [], drops={"proxy_no_cache": 2})


AM = sid(0xa3)


def scenario_masquerading():
    """End.AM (6.4): to the service the packet keeps its SRH (SL - 1) with the
    last segment as DA; what the service sends back on ce1 gets its DA from
    the SRH again (Segment List[SL]) and is routed on; the service's own
    traffic without an SRH is routed as it is."""
    ins_wan0, ins_ce1, exp = [], [], []
    for inner in flows(b"am"):
        ins_wan0.append(to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=AM, hlim=64) /
                        srh([AM, B2, B3], sl=2, nh=nh_of(inner)) / inner)
        exp.append(Exp(from_port(*SVC_OUT) / IPv6(src=REMOTE_PE, dst=B3, hlim=63) /
                       srh([AM, B2, B3], sl=1, nh=nh_of(inner)) / inner, "ce0",
                       desc=f"End.AM masquerades: DA = last segment, {inner.summary()}"))
        # the service routed it on (hop limit 62) and hands it back
        ins_ce1.append(to_port("ce1", SVC_BACK[1]) / IPv6(src=REMOTE_PE, dst=B3, hlim=62) /
                       srh([AM, B2, B3], sl=1, nh=nh_of(inner)) / inner)
        exp.append(Exp(from_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=B2, hlim=61) /
                       srh([AM, B2, B3], sl=1, nh=nh_of(inner)) / inner, "wan0",
                       desc=f"End.AM de-masquerades: DA = SRH[SL] = B2, {inner.summary()}"))
    # the service's own IPv6 traffic (no SRH): routed as it is, in the
    # return port's VRF (to a host behind ce0)
    own = IPv6(src=CE3_IP6, dst=CE_IP6, hlim=64) / UDP(sport=1, dport=2) / Raw(b"own")
    ins_ce1.append(to_port("ce1", SVC_BACK[1]) / own)
    exp.append(Exp(from_port("ce0", CE_MAC) / forwarded(to_port("ce1", CE3_MAC) / own),
                   "ce0", desc="the service's own packet: routed in its VRF, no SRH"))
    # SL 0 at End.AM (Parameter Problem code 4 at the inner header), hop limit 1
    sl0 = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=AM, hlim=64) / \
        srh([AM], sl=0, nh=4) / flows(b"sl0")[0]
    hl1 = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=AM, hlim=1) / \
        srh([AM, B2], sl=1, nh=4) / flows(b"hl1")[0]
    ins_wan0 += [sl0, hl1]
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                           ICMPv6ParamProblem(code=4, ptr=40 + 24), sl0,
                           desc="End.AM with SL 0: param problem code 4"))
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE, ICMPv6TimeExceeded(code=0), hl1,
                           desc="End.AM with hop limit 1: time exceeded"))
    drops = {"sid_sl_zero": 1, "ip6_hop_limit_exceeded": 1}
    cfg = config(PORTS3, routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": AM, "behavior": "End.AM", "return_port": "ce1",
                        "nexthop": {"via": CE_IP6, "port": "ce0"}}])
    return Scenario("am", cfg, {"wan0": ins_wan0, "ce1": ins_ce1}, exp, drops=drops,
                    sid_packets={AM: 4})


def scenarios():
    return [scenario_static(), scenario_dynamic(), scenario_cold(), scenario_masquerading()]
