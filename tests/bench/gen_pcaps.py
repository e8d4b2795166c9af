#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Topology, route sets and generator pcaps of the srv6d benchmark (tools/bench.sh).

Each case is one behaviour: the port the generator feeds (`gen0`, net_pcap with
infinite_rx) sits in the VRF the behaviour reads, and the output leaves on one
of two net_null sinks: `core0` (the underlay, VRF `default`) or `ce1` (the
customer side, VRF `BENCH`), or, for what answers the sender (End.OP's echo
replies), back out of `gen0` itself (net_pcap with no TX file counts what it
sends and drops it). Routes are generated here so the packets can aim
at them: every packet's destination falls inside one of the case's routes,
spread over all of them (round robin for the 1k-route cases, random for the
big table), with distinct source ports so every packet is its own flow.

The l2vpn bridge cases (End.DT2U, H.Encaps.L2 into a bridge) have two peer
PEs (BRIDGE_PEERS). h_encaps_l2_bridge needs destinations learnt behind the
peers before it measures, and only a SID can learn them: gen0 is the bridge
port there (every frame it receives is bridged), so those packets come on a
fourth port, `core1` (VRF default, net_pcap without infinite_rx: its pcap,
learn_frames(), is read once at the start, then the port stays empty).

  gen_pcaps.py CASE OUT.pcap [--routes N] [--flows F] [--seed S] [--big]

writes the pcap of one case (srv6d_bench.py imports this module instead),
and for h_encaps_l2_bridge OUT-learn.pcap, the learning packets.
"""
import argparse
import gc
import ipaddress
import logging
import random
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (IP, UDP, Ether, ICMPv6EchoRequest, IPv6,  # noqa: E402
                       IPv6ExtHdrSegmentRouting, Raw)
from scapy.utils import PcapWriter  # noqa: E402

# MACs: ours (the ports' "mac" extension, so net_pcap frames carry the right
# destination) and the static neighbours' (nothing answers ARP/ND on a vdev).
MAC_GEN = "02:00:00:00:01:00"
MAC_CORE = "02:00:00:00:01:01"
MAC_CE1 = "02:00:00:00:01:02"
MAC_SENDER = "02:00:00:00:0c:02"
MAC_P1 = "02:00:00:00:00:02"
MAC_CE = "02:00:00:00:0d:02"
MAC_CORE1 = "02:00:00:00:01:03"  # core1: the learning port of h_encaps_l2_bridge

CORE_ADDR, P1 = "2001:db8:0:12::1", "2001:db8:0:12::2"
CE1_ADDR4, CE4 = "172.16.11.1", "172.16.11.2"
CE1_ADDR6, CE6 = "2001:db8:2::1", "2001:db8:2::2"
VRF = "BENCH"
ENCAP_SRC = CORE_ADDR
REMOTE_PE = "2001:db8:b::1"     # outer source of the decapsulation cases
SENDER4, SENDER6 = "172.16.10.2", "2001:db8:1::2"   # customer host on gen0
GEN_PEER6 = "2001:db8:0:11::2"  # the router behind gen0 in VRF default (MAC_SENDER)
N_REMOTE_SIDS = 64              # encapsulation routes spread over this many SIDs

# Our SIDs (locator 2001:db8:a::/48, function in the fourth group).
SID = {"end": "2001:db8:a:1::", "end_x": "2001:db8:a:2::", "end_dt4": "2001:db8:a:4::",
       "end_dt6": "2001:db8:a:6::", "end_dt46": "2001:db8:a:46::",
       "end_b6_encaps": "2001:db8:a:b6::", "end_b6_encaps_red": "2001:db8:a:b7::",
       "end_dx2": "2001:db8:a:d2::", "end_as": "2001:db8:a:a5::", "end_ad": "2001:db8:a:ad::",
       "end_as_return": "2001:db8:a:a6::", "end_hmac": "2001:db8:a:4d::",
       "end_dt46_hmac": "2001:db8:a:4e::", "end_am": "2001:db8:a:a7::",
       "end_op": "2001:db8:a:ee::", "end_dt2u": "2001:db8:a:d4::"}
SID_DT2M = "2001:db8:a:d5::"    # the bridges' End.DT2M (configured, not measured)
# the SRH HMAC key of the hmac cases (RFC 8754 2.1.2)
HMAC_KEY_ID, HMAC_SECRET = 7, b"srv6d bench key, 32 bytes long!!"

# the binding SIDs' SR policy: two segments of the remote PE
B6_POLICY = ["2001:db8:b:1::", "2001:db8:b:ffff::"]

# The l2vpn bridge cases: two peer PEs, (address, their End.DT2U, their
# End.DT2M); the first is REMOTE_PE, the outer source of end_dt2u.
BRIDGE_PEERS = [(REMOTE_PE, "2001:db8:b:d4::", "2001:db8:b:d5::"),
                ("2001:db8:b::2", "2001:db8:b:e4::", "2001:db8:b:e5::")]
BRIDGE_MAC_AGE_S = 3600         # h_encaps_l2_bridge's learnt MACs are never refreshed
# stations on the bridge port's side (local) and behind the peers (remote:
# REMOTE_MACS[j] behind peer j % 2, learnt by h_encaps_l2_bridge's learn_frames)
LOCAL_MACS = [f"02:00:00:1c:00:{k:02x}" for k in range(256)]
REMOTE_MACS = [f"02:00:00:0b:{j % 2:02x}:{j:02x}" for j in range(8)]

# case -> (port gen0's VRF, output port, behaviour label)
CASES = {
    "ipv4_forward": (VRF, "ce1", "IPv4 forward"),
    "ipv6_forward": (VRF, "ce1", "IPv6 forward"),
    "h_encaps_v4": (VRF, "core0", "H.Encaps, IPv4 inner"),
    "h_encaps_v6": (VRF, "core0", "H.Encaps, IPv6 inner"),
    "h_encaps_red": (VRF, "core0", "H.Encaps.Red, IPv4 inner, 2 SIDs"),
    "end": ("default", "core0", "End"),
    "end_x": ("default", "core0", "End.X"),
    "end_b6_encaps": ("default", "core0", "End.B6.Encaps, 2-SID policy"),
    "end_b6_encaps_red": ("default", "core0", "End.B6.Encaps.Red, 2-SID policy"),
    "end_dt4": ("default", "ce1", "End.DT4"),
    "end_dt6": ("default", "ce1", "End.DT6"),
    "end_dt46": ("default", "ce1", "End.DT46, half IPv4 half IPv6"),
    "end_dx2": ("default", "ce1", "End.DX2, the frame out of ce1"),
    "h_encaps_l2": ("default", "core0", "H.Encaps.L2 (an l2vpn port's frames)"),
    "end_dt2u": ("default", "ce1",
                 "End.DT2U, a source MAC per flow learnt: the frame out of ce1 (a bridge port)"),
    "h_encaps_l2_bridge": ("default", "core0",
                           "H.Encaps.L2 from bridge port gen0 to the End.DT2U of the peer "
                           "the destination MAC was learnt behind (unicast, no flooding)"),
    "end_as": ("default", "ce1", "End.AS, to the service"),
    "end_ad": ("default", "ce1", "End.AD, to the service (cache kept)"),
    "end_am": ("default", "ce1", "End.AM, to the service (DA masqueraded, SRH kept)"),
    "end_usid": ("default", "core0", "uN (End with NEXT-C-SID, F3216): the container shifted"),
    "end_op": ("default", "gen0", "End.OP: echo request at SL 1 answered, back out of gen0"),
    "end_as_return": ("default", "core0", "End.AS, back from the service (H.Encaps)"),
    "h_insert": (VRF, "core0", "H.Insert, IPv6, 2 SIDs"),
    "h_encaps_hmac": (VRF, "core0", "H.Encaps with an HMAC TLV, IPv4 inner"),
    "h_encaps_policy": (VRF, "core0", "H.Encaps into an SR policy of 2 lists, IPv4 inner"),
    "end_hmac": ("default", "core0", "End verifying the SRH HMAC, a new SRH per flow (3 SIDs)"),
    "end_dt46_hmac": ("default", "ce1",
                      "End.DT46 verifying the SRH HMAC, one headend's SRH (verified once)"),
}
CASE_ORDER = list(CASES)
# transit SRv6 cases: the same frames for our SID with segments left 1
TRANSIT = ("end", "end_x", "end_b6_encaps", "end_b6_encaps_red")
# the proxies: End.AS / End.AD toward the service CE4 on ce1; the return port
# is core0 (a sink that receives nothing), or gen0 for end_as_return
PROXY = ("end_as", "end_ad", "end_am", "end_as_return")
# the l2vpn bridge (E-LAN) cases: ce1 (end_dt2u) or gen0 is a bridge port
BRIDGE = ("end_dt2u", "h_encaps_l2_bridge")

PAYLOAD = b"\x00" * 18          # inner frames: 60 bytes IPv4, 80 bytes IPv6


def remote_sid(i):
    return f"2001:db8:b:{(i % N_REMOTE_SIDS) + 1:x}::"


def v4_prefixes(n, big, rnd):
    """n distinct /24s (strings: ipaddress objects are too slow for a million):
    10.0.0.0/8 in order, or random over unicast space (big)."""
    if not big:
        if n > 1 << 16:
            raise ValueError("more than 65536 /24s: use the big table")
        return [f"10.{i >> 8}.{i & 255}.0/24" for i in range(n)]
    if n > 12_000_000:
        raise ValueError("too many /24s")
    seen, out = set(), []
    while len(out) < n:
        a = rnd.randrange(0x01000000 >> 8, 0xE0000000 >> 8)
        # leave out 10/8, 127/8 and 172.16/12, where the ports' own addresses are
        if (a >> 16) in (10, 127) or (a >> 12) == 0xAC1 or a in seen:
            continue
        seen.add(a)
        out.append(f"{a >> 16}.{(a >> 8) & 255}.{a & 255}.0/24")
    return out


def v6_prefixes(n, big, rnd):
    """n distinct /48s in 2400::/12 (strings): in order, or random (big)."""
    def fmt(k):
        return f"{0x2400 | (k >> 32):x}:{(k >> 16) & 0xFFFF:x}:{k & 0xFFFF:x}::/48"
    if not big:
        return [fmt(i) for i in range(n)]
    seen, out = set(), []
    while len(out) < n:
        k = rnd.getrandbits(36)
        if k in seen:
            continue
        seen.add(k)
        out.append(fmt(k))
    return out


def _host(prefix, i):
    """An address inside prefix, varying with i (never the network address)."""
    net = ipaddress.ip_network(prefix)
    span = net.num_addresses - 2 if net.version == 4 else 1 << 20
    return str(net.network_address + 1 + (i * 7919) % span)


def plan(case, n_routes, n_flows, big=False, seed=1):
    """Routes, SIDs and packets of a case.

    Returns (config_extra, routes, frames): config_extra holds the "sids" of
    the startup configuration, routes the route.add params to load through
    the socket, frames the scapy packets of the generator pcap.
    """
    if case not in CASES:
        raise ValueError(f"unknown case {case}")
    # a million small dicts: the cyclic collector would rescan them over and
    # over (seconds); nothing here makes cycles
    gc_was = gc.isenabled()
    gc.disable()
    try:
        return _plan(case, n_routes, n_flows, big, seed)
    finally:
        if gc_was:
            gc.enable()


def _plan(case, n_routes, n_flows, big, seed):
    rnd = random.Random(seed)
    ce_nh = {"type": "ip", "port": "ce1"}
    core_nh = [{"type": "ip", "via": P1, "port": "core0"}]
    routes, sids, frames = [], [], []
    eth_in = Ether(dst=MAC_GEN, src=MAC_SENDER)

    def pick(prefixes, i):
        return prefixes[rnd.randrange(len(prefixes))] if big else prefixes[i % len(prefixes)]

    def inner4(dst, i):
        return IP(src=SENDER4, dst=dst, ttl=64) / UDP(sport=1024 + i % 60000, dport=4789) / PAYLOAD

    def inner6(dst, i):
        return IPv6(src=SENDER6, dst=dst, hlim=64) / UDP(sport=1024 + i % 60000, dport=4789) / PAYLOAD

    if case in ("ipv4_forward", "end_dt4", "end_dt46", "end_dt46_hmac"):
        p4 = v4_prefixes(n_routes, big, rnd)
        routes += [{"vrf": VRF, "prefix": p, "nexthops": [dict(ce_nh, via=CE4)]} for p in p4]
    if case in ("ipv6_forward", "end_dt6", "end_dt46", "end_dt46_hmac"):
        p6 = v6_prefixes(n_routes, big, rnd)
        routes += [{"vrf": VRF, "prefix": p, "nexthops": [dict(ce_nh, via=CE6)]} for p in p6]
    if case in ("h_encaps_v4", "h_encaps_red"):
        p4 = v4_prefixes(n_routes, big, rnd)
    if case == "h_encaps_v6":
        p6 = v6_prefixes(n_routes, big, rnd)
    if case in ("h_encaps_hmac", "h_encaps_policy"):
        p4 = v4_prefixes(n_routes, big, rnd)
        for i, p in enumerate(p4):
            nh = {"type": "srv6", "segments": [remote_sid(i)]}
            if case == "h_encaps_hmac":
                nh["hmac_key_id"] = HMAC_KEY_ID
            else:
                nh["policy"] = {"color": 10, "endpoint": REMOTE_PE}
            routes.append({"vrf": VRF, "prefix": p, "nexthops": [nh]})
    if case == "h_insert":
        p6 = v6_prefixes(n_routes, big, rnd)
        for i, p in enumerate(p6):
            routes.append({"vrf": VRF, "prefix": p, "nexthops": [
                {"type": "srv6", "segments": [remote_sid(i), "2001:db8:b:ffff::"],
                 "encap": "h.insert"}]})
    if case in ("h_encaps_v4", "h_encaps_v6", "h_encaps_red"):
        red = case == "h_encaps_red"
        pfx = p6 if case == "h_encaps_v6" else p4
        for i, p in enumerate(pfx):
            segs = [remote_sid(i), "2001:db8:b:ffff::"] if red else [remote_sid(i)]
            nh = {"type": "srv6", "segments": segs, "encap": "h.encaps.red" if red else "h.encaps"}
            routes.append({"vrf": VRF, "prefix": p, "nexthops": [nh]})
    if case in TRANSIT or case == "end_hmac":
        p6 = v6_prefixes(n_routes, big, rnd)
        routes += [{"vrf": "default", "prefix": p, "nexthops": core_nh} for p in p6]
        sid = {"sid": SID[case], "behavior": "End"}
        if case == "end_x":
            sid = {"sid": SID[case], "behavior": "End.X", "nexthop": {"via": P1, "port": "core0"}}
        if case == "end_hmac":
            sid["hmac_required"] = True
        if case.startswith("end_b6"):
            # the updated packet goes into the policy toward the remote PE
            sid = {"sid": SID[case], "behavior": CASES[case][2].split(",")[0],
                   "segments": B6_POLICY}
        sids.append(sid)
    if case in ("end_dx2", "end_as", "end_ad", "end_am", "h_encaps_l2", "end_as_return"):
        # only for the output check: the inner destinations are in these
        p4 = v4_prefixes(n_routes, big, rnd)
        routes += [{"vrf": VRF, "prefix": p, "nexthops": [dict(ce_nh, via=CE4)]} for p in p4]
    if case == "end_dx2":
        sids.append({"sid": SID[case], "behavior": "End.DX2", "port": "ce1"})
    if case in BRIDGE:
        # our End.DT2U (first: the SID end_dt2u counts) and End.DT2M on the
        # bridge port; no route (nothing here is looked up but the peers'
        # segments, under 2001:db8:b::/48 of the startup configuration)
        port = bridge_port(case)
        sids += [{"sid": SID["end_dt2u"], "behavior": "End.DT2U", "port": port},
                 {"sid": SID_DT2M, "behavior": "End.DT2M", "port": port}]
    if case in PROXY:
        beh = {"end_ad": "End.AD", "end_am": "End.AM"}.get(case, "End.AS")
        sid = {"sid": SID[case], "behavior": beh, "nexthop": {"via": CE4, "port": "ce1"},
               "return_port": "gen0" if case == "end_as_return" else "core0"}
        if beh == "End.AS":
            sid["segments"] = [remote_sid(0)]
        sids.append(sid)
    extra_cfg = {}
    if case == "end_op":
        # the requesters sit behind gen0's router GEN_PEER6: the replies'
        # lookup (of the request's source) leads back out of gen0
        p6 = v6_prefixes(n_routes, big, rnd)
        routes += [{"vrf": "default", "prefix": p, "nexthops": [
            {"type": "ip", "via": GEN_PEER6, "port": "gen0"}]} for p in p6]
        sids.append({"sid": SID[case], "behavior": "End.OP"})
    if case == "end_usid":
        # F3216: block 2001:db8::/32, our uN 2001:db8:e1::/48; the next
        # C-SIDs (one per flow) lead to 2001:db8:<c>::, routed via P1
        extra_cfg["locators"] = [{"name": "U", "prefix": "2001:db8:e1::/48", "block_len": 32,
                                  "node_len": 16, "func_len": 16, "usid": True}]
        sids.append({"sid": "2001:db8:e1::/48", "behavior": "End", "flavors": ["next-csid"]})
        routes.append({"vrf": "default", "prefix": "2001:db8::/32", "nexthops": core_nh})
    if case == "end_dt46_hmac":
        sids.append({"sid": SID[case], "behavior": "End.DT46", "vrf": VRF,
                     "hmac_required": True})
    elif case in ("end_dt4", "end_dt6", "end_dt46"):
        sids.append({"sid": SID[case], "behavior": {"end_dt4": "End.DT4", "end_dt6": "End.DT6",
                                                    "end_dt46": "End.DT46"}[case], "vrf": VRF})

    for i in range(n_flows):
        if case == "ipv4_forward" or case in ("h_encaps_v4", "h_encaps_red"):
            frames.append(eth_in / inner4(_host(pick(p4, i), i), i))
        elif case in ("ipv6_forward", "h_encaps_v6"):
            frames.append(eth_in / inner6(_host(pick(p6, i), i), i))
        elif case in ("h_encaps_hmac", "h_encaps_policy"):
            frames.append(eth_in / inner4(_host(pick(p4, i), i), i))
        elif case == "h_insert":
            frames.append(eth_in / inner6(_host(pick(p6, i), i), i))
        elif case == "end_usid":
            # one container [block | uN e1 | next C-SID | 0...], no SRH
            nxt = 0xb000 + i % 256
            frames.append(eth_in / IPv6(src=REMOTE_PE, dst=f"2001:db8:e1:{nxt:x}::", hlim=64) /
                          inner6(f"2400::{i % 4096 + 1:x}", i))
        elif case == "end_op":
            # an echo request to our End.OP SID en route: SRH [our SID, then
            # a remote SID as Segment List[0]], SL 1; scapy sums the checksum
            # over Segment List[0] (RFC 8200 8.1). The source, one per flow
            # inside the routes, is also the echo data: the output check
            # compares the reply's destination with it.
            src = _host(pick(p6, i), i)
            srh = IPv6ExtHdrSegmentRouting(addresses=[remote_sid(i), SID[case]], segleft=1,
                                           lastentry=1, nh=58)
            frames.append(eth_in / IPv6(src=src, dst=SID[case], hlim=64) / srh /
                          ICMPv6EchoRequest(id=i & 0xFFFF, seq=i >> 16,
                                            data=ipaddress.IPv6Address(src).packed))
        elif case == "end_dt46_hmac":
            # an L3VPN from one remote PE whose SRH is signed: the same SRH
            # (and HMAC) in every packet, half IPv4 half IPv6 inside
            v4 = i % 2 == 0
            inner = inner4(_host(pick(p4, i), i), i) if v4 else inner6(_host(pick(p6, i), i), i)
            frames.append(eth_in / IPv6(src=REMOTE_PE, dst=SID[case], hlim=64, nh=43) /
                          Raw(hmac_srh([SID[case]], 0, 4 if v4 else 41, REMOTE_PE)) / inner)
        elif case == "end_hmac":
            # an SRH of 3 SIDs [ours, a remote SID, the destination] with an
            # HMAC TLV under our key, SL 2
            dst = _host(pick(p6, i), i)
            frames.append(eth_in / IPv6(src=REMOTE_PE, dst=SID[case], hlim=64, nh=43) /
                          Raw(hmac_srh([SID[case], remote_sid(i), dst], 2, 41, REMOTE_PE)) /
                          inner6(dst, i))
        elif case == "end_dx2":
            # an L2VPN frame from the remote PE: SRH with our End.DX2 at SL 0,
            # next header 143, the customer's frame inside
            frame = Ether(dst=MAC_CE, src=MAC_SENDER) / inner4(_host(pick(p4, i), i), i)
            srh = IPv6ExtHdrSegmentRouting(addresses=[SID[case]], segleft=0, lastentry=0, nh=143)
            frames.append(eth_in / IPv6(src=REMOTE_PE, dst=SID[case], hlim=64) / srh / frame)
        elif case == "h_encaps_l2":
            # customer frames on the attachment circuit (not for our MAC)
            frames.append(Ether(dst=MAC_CE, src=MAC_SENDER) / inner4(_host(pick(p4, i), i), i))
        elif case == "end_dt2u":
            # an E-LAN frame from peer 0 (REMOTE_PE): SRH with our End.DT2U at
            # SL 0, next header 143; inside, a new source MAC per flow (learnt
            # behind the peer) to one of 4 local stations (never learnt behind
            # a peer: nothing arrives on ce1, so the lookup misses), as End.DX2
            frame = Ether(dst=LOCAL_MACS[i % 4], src=flow_mac(i)) / \
                inner4(f"10.{(i >> 8) & 255}.{i & 255}.1", i)
            srh = IPv6ExtHdrSegmentRouting(addresses=[SID[case]], segleft=0, lastentry=0, nh=143)
            frames.append(eth_in / IPv6(src=REMOTE_PE, dst=SID[case], hlim=64) / srh / frame)
        elif case == "h_encaps_l2_bridge":
            # frames of 256 local stations to the 8 remote ones, each learnt
            # behind one peer (learn_frames): one H.Encaps.L2 to that peer's
            # End.DT2U per frame
            frames.append(Ether(dst=REMOTE_MACS[i % len(REMOTE_MACS)],
                                src=LOCAL_MACS[(i // len(REMOTE_MACS)) % len(LOCAL_MACS)]) /
                          inner4(f"10.{(i >> 8) & 255}.{i & 255}.1", i))
        elif case in ("end_as", "end_ad", "end_am"):
            # to the service: SRH [proxy SID, the next one], SL 1, IPv4 inside
            srh = IPv6ExtHdrSegmentRouting(addresses=[remote_sid(0), SID[case]], segleft=1,
                                           lastentry=1, nh=4)
            frames.append(eth_in / IPv6(src=REMOTE_PE, dst=SID[case], hlim=64) / srh /
                          inner4(_host(pick(p4, i), i), i))
        elif case == "end_as_return":
            # what the service hands back: plain IPv4 on the return port
            frames.append(eth_in / inner4(_host(pick(p4, i), i), i))
        elif case in TRANSIT:
            # transit SRv6: an encapsulated IPv6 packet, SRH [our SID, then a
            # destination in the table], segments left 1
            dst = _host(pick(p6, i), i)
            srh = IPv6ExtHdrSegmentRouting(addresses=[dst, SID[case]], segleft=1, lastentry=1, nh=41)
            frames.append(eth_in / IPv6(src=REMOTE_PE, dst=SID[case], hlim=64) / srh /
                          inner6(dst, i))
        else:
            # L3VPN from a remote PE: one outer source/destination pair, SRH
            # with our SID at segments left 0 (as Linux and FRR encapsulate)
            v4 = case == "end_dt4" or (case == "end_dt46" and i % 2 == 0)
            inner = inner4(_host(pick(p4, i), i), i) if v4 else inner6(_host(pick(p6, i), i), i)
            srh = IPv6ExtHdrSegmentRouting(addresses=[SID[case]], segleft=0, lastentry=0,
                                           nh=4 if v4 else 41)
            frames.append(eth_in / IPv6(src=REMOTE_PE, dst=SID[case], hlim=64) / srh / inner)
    return dict(extra_cfg, sids=sids), routes, frames


def flow_mac(i):
    """end_dt2u's inner source MAC of flow i (unicast, locally administered)."""
    return f"02:a0:00:{(i >> 16) & 255:02x}:{(i >> 8) & 255:02x}:{i & 255:02x}"


def bridge_port(case):
    """The l2vpn bridge port of a bridge case: where End.DT2U delivers
    (end_dt2u: the sink ce1) or where the frames come in (gen0)."""
    return "ce1" if case == "end_dt2u" else "gen0"


def bridge_l2vpn():
    """The bridge ports' "l2vpn" key: both peers (doc/api.md "l2vpn bridges")."""
    return {"peers": [{"address": a, "segments": [u], "bum_segments": [m]}
                      for a, u, m in BRIDGE_PEERS],
            "mac_age_s": BRIDGE_MAC_AGE_S}


def peer_of(mac):
    """h_encaps_l2_bridge: the BRIDGE_PEERS index a remote MAC is learnt behind."""
    return REMOTE_MACS.index(mac) % len(BRIDGE_PEERS)


def learn_frames(case):
    """What core1 brings once, before anything is measured (h_encaps_l2_bridge
    only; [] for the other cases): per remote station, twice, a packet from
    the peer it sits behind to our End.DT2U (SRH at SL 0, next header 143)
    with a frame from it to a local station. End.DT2U learns the station
    behind that peer and delivers the frame out of gen0 (the bridge port:
    net_pcap without a TX file counts it and drops it)."""
    if case != "h_encaps_l2_bridge":
        return []
    out = []
    for rnd in range(2):
        for j, mac in enumerate(REMOTE_MACS):
            peer = BRIDGE_PEERS[peer_of(mac)][0]
            frame = Ether(dst=LOCAL_MACS[j], src=mac) / \
                IP(src="10.255.0.1", dst="10.255.0.2", ttl=64) / \
                UDP(sport=1024 + j, dport=4789) / PAYLOAD
            srh = IPv6ExtHdrSegmentRouting(addresses=[SID["end_dt2u"]], segleft=0, lastentry=0,
                                           nh=143)
            out.append(Ether(dst=MAC_CORE1, src=MAC_P1) /
                       IPv6(src=peer, dst=SID["end_dt2u"], hlim=64) / srh / frame)
    return out


def hmac_srh(visit, sl, nh, src):
    """SRH bytes for segments in visiting order with an HMAC TLV (RFC 8754
    2.1.2.1 text: source, Last Entry, Flags, key id, Segment List)."""
    import hashlib
    import hmac
    import socket
    import struct
    stored = b"".join(socket.inet_pton(socket.AF_INET6, s) for s in reversed(visit))
    n, flags = len(visit), 0x08
    text = socket.inet_pton(socket.AF_INET6, src) + bytes([n - 1, flags]) + \
        struct.pack("!I", HMAC_KEY_ID) + stored
    mac = hmac.new(HMAC_SECRET, text, hashlib.sha256).digest()
    return bytes([nh, (8 + 16 * n + 40) // 8 - 1, 4, sl, n - 1, flags, 0, 0]) + stored + \
        bytes([5, 38, 0, 0]) + struct.pack("!I", HMAC_KEY_ID) + mac


def learn_pcap_path(pcap):
    """Where the learning packets of a case's pcap go: OUT-learn.pcap."""
    return (pcap[:-5] if pcap.endswith(".pcap") else pcap) + "-learn.pcap"


def write_pcap(path, frames):
    """Write frames fast: bytes once each, no per-packet dissection."""
    w = PcapWriter(path, linktype=1, sync=False)
    for f in frames:
        w.write(bytes(f))
    w.close()


def base_config(case, gen_device, core_device, ce_device, extra, learn_device=None):
    """srv6d's startup configuration for a case (routes come later, over the
    socket). learn_device: core1's device (net_pcap of learn_frames(), read
    once), which h_encaps_l2_bridge needs."""
    gen_vrf = CASES[case][0]
    gen_addr = ["172.16.10.1/24", "2001:db8:1::1/64"] if gen_vrf == VRF else ["2001:db8:0:11::1/64"]
    gen = {"name": "gen0", "device": gen_device, "vrf": gen_vrf, "mac": MAC_GEN,
           "addresses": gen_addr}
    ce1 = {"name": "ce1", "device": ce_device, "vrf": VRF, "mac": MAC_CE1,
           "addresses": [CE1_ADDR4 + "/24", CE1_ADDR6 + "/64"]}
    if case == "h_encaps_l2":
        gen["addresses"] = []
        gen["l2vpn"] = {"segments": [remote_sid(0)]}
    if case in BRIDGE:
        port = gen if bridge_port(case) == "gen0" else ce1
        port.update({"vrf": "default", "addresses": [], "l2vpn": bridge_l2vpn()})
    ports = [gen,
             {"name": "core0", "device": core_device, "vrf": "default", "mac": MAC_CORE,
              "addresses": [CORE_ADDR + "/64"]},
             ce1]
    if case == "h_encaps_l2_bridge":
        if learn_device is None:
            raise ValueError("h_encaps_l2_bridge needs core1's device (learn_device)")
        ports.append({"name": "core1", "device": learn_device, "vrf": "default",
                      "mac": MAC_CORE1, "addresses": ["2001:db8:0:13::1/64"]})
    cfg = {
        "ports": ports,
        "encap": {"source": ENCAP_SRC, "hop_limit": 64, "flowlabel": "compute"},
        "vrfs": [{"name": VRF, "table": 100}],
        "sids": extra["sids"],
        "locators": extra.get("locators", []),
        "hmac_keys": [{"key_id": HMAC_KEY_ID, "secret": HMAC_SECRET.hex()}],
        "policies": [{"color": 10, "endpoint": REMOTE_PE, "segment_lists": [
            {"segments": ["2001:db8:b:a1::"], "weight": 3},
            {"segments": ["2001:db8:b:b1::"], "weight": 1}]}],
        "routes": [{"vrf": "default", "prefix": "2001:db8:b::/48",
                    "nexthops": [{"type": "ip", "via": P1, "port": "core0"}]}],
        # the sender too: until the routes are loaded its packets get ICMP
        # errors, which would wait for ARP/ND and be dropped when it fails,
        # seconds later, in a measurement window (neigh_hold_full)
        "neighbors": [{"port": "core0", "address": P1, "mac": MAC_P1},
                      {"port": "ce1", "address": CE4, "mac": MAC_CE},
                      {"port": "ce1", "address": CE6, "mac": MAC_CE}]
        + ([{"port": "gen0", "address": SENDER4, "mac": MAC_SENDER},
            {"port": "gen0", "address": SENDER6, "mac": MAC_SENDER}] if gen_vrf == VRF else [])
        + ([{"port": "gen0", "address": GEN_PEER6, "mac": MAC_SENDER}]
           if case == "end_op" else []),
        # pure busy polling: cycles/pkt = TSC Hz / pps holds only for a worker
        # that never sleeps
        "datapath": {"idle_sleep_us": 0},
    }
    return cfg


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", choices=CASE_ORDER)
    ap.add_argument("out")
    ap.add_argument("--routes", type=int, default=1000)
    ap.add_argument("--flows", type=int, default=4096)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--big", action="store_true", help="random prefixes and destinations")
    a = ap.parse_args(argv)
    _, routes, frames = plan(a.case, a.routes, a.flows, a.big, a.seed)
    write_pcap(a.out, frames)
    print(f"{a.out}: {len(frames)} packets, {len(routes)} routes")
    learn = learn_frames(a.case)
    if learn:
        path = learn_pcap_path(a.out)
        write_pcap(path, learn)
        print(f"{path}: {len(learn)} learning packets (core1, read once)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
