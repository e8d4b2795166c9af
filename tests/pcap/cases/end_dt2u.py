# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""An l2vpn bridge (E-LAN): End.DT2U and End.DT2M (RFC 8986 4.10, 4.11) at
our side, MAC learning, and H.Encaps.L2 toward the peer a destination was
learnt behind, or flooded to every peer.

Port ce1 is an l2vpn port with two peers (doc/api.md "l2vpn bridges"):
peer A (REMOTE_PE, unicast [B1] = its End.DT2U, flooding [B2] = its
End.DT2M) and peer B (2001:db8:b::2, [B3] for both). What arrives on wan0 is
handled first (its frames teach the table), then ce1's frames:

  wan0 (from the peers):
    1. A -> our End.DT2U, inner from MAC_A: out on ce1 unchanged, MAC_A
       learnt behind A;
    2. B -> our End.DT2M, an ARP broadcast from MAC_B: out on ce1, MAC_B
       learnt behind B;
    3. a PE that is no peer (2001:db8:b::9) -> End.DT2U: dropped,
       l2vpn_unknown_peer;
    4. A -> End.DT2U for MAC_B (behind B): split horizon, l2vpn_filtered;
    5. End.DT2U at SL 1: Parameter Problem at Segments Left (43);
    6. a 10-byte inner frame: decap_truncated.
  ce1 (the local side; every source learnt local):
    7. to MAC_A: one H.Encaps.L2 toward A's End.DT2U [B1], nothing to B;
    8. to MAC_B: one toward B [B3];
    9. an ARP broadcast: two copies, to A's End.DT2M [B2] and to B [B3];
   10. to an unknown MAC: flooded the same way;
   11. to HOST_L, learnt local at 7: filtered (l2vpn_filtered).
Scenario flood8: a bridge of 8 peers (the most a port has) takes a burst of
32 broadcasts: 256 copies leave, one per peer and frame, none lost
(no l2vpn_flood_failed).
Every frame is compared whole by scapy (next header 143 bound to Ethernet).
srv6d's one worker polls wan0 before ce1 (the configuration's port order),
so the peers' frames are learnt before ce1's are looked up.
"""
from harness import *  # noqa: F401,F403
from scapy.layers.inet6 import IPv6ExtHdrSegmentRouting
from scapy.layers.l2 import ARP
from scapy.packet import bind_layers

bind_layers(IPv6, Ether, nh=143)
bind_layers(IPv6ExtHdrSegmentRouting, Ether, nh=143)

DT2U, DT2M = sid(0xd4), sid(0xd5)
PEER_A, PEER_B, STRANGER = REMOTE_PE, "2001:db8:b::2", "2001:db8:b::9"
MAC_A, MAC_B = "02:00:00:00:aa:0a", "02:00:00:00:bb:0b"
HOST_L, HOST_L2, MAC_X = "02:00:00:00:cc:01", "02:00:00:00:cc:02", "02:00:00:00:ee:0e"
NEIGH = [{"port": "wan0", "address": P1_IP6, "mac": P1_MAC}]


def frame(src, dst, tag):
    return Ether(src=src, dst=dst) / IP(src="10.9.0.1", dst="10.9.0.2", ttl=64) / \
        UDP(sport=4000, dport=4001) / Raw(b"elan " + tag)


def to_sid(src, sid_, inner, sl=0, segs=None):
    return to_port("wan0", P1_MAC) / IPv6(src=src, dst=sid_, hlim=61) / \
        srh(segs or [sid_], sl=sl, nh=143) / inner


def encaps(inner, seg):
    """H.Encaps.L2 with one segment: SRH [seg] at SL 0, next header 143."""
    return from_port("wan0", P1_MAC) / IPv6(src=ENCAP_SRC, dst=seg, hlim=64, nh=43) / \
        IPv6ExtHdrSegmentRouting(nh=143, addresses=[seg], segleft=0, lastentry=0) / inner


def scenarios():
    ins_wan0, ins_ce1, exp = [], [], []
    f1 = frame(MAC_A, HOST_L, b"1 from A")
    arp = Ether(src=MAC_B, dst="ff:ff:ff:ff:ff:ff") / \
        ARP(op=1, hwsrc=MAC_B, psrc="10.9.0.2", pdst="10.9.0.1")
    ins_wan0 += [to_sid(PEER_A, DT2U, f1), to_sid(PEER_B, DT2M, arp)]
    exp += [Exp(f1, "ce1", desc="1: End.DT2U from A out on ce1"),
            Exp(arp, "ce1", desc="2: End.DT2M from B (ARP broadcast) out on ce1")]
    ins_wan0.append(to_sid(STRANGER, DT2U, frame(MAC_X, HOST_L, b"3 stranger")))
    ins_wan0.append(to_sid(PEER_A, DT2U, frame(MAC_A, MAC_B, b"4 to B from A")))
    bad_sl = to_sid(PEER_A, DT2U, frame(MAC_A, HOST_L, b"5 sl 1"), sl=1, segs=[DT2U, B2])
    ins_wan0.append(bad_sl)
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, PEER_A,
                           ICMPv6ParamProblem(code=0, ptr=43), bad_sl,
                           desc="5: End.DT2U with SL 1: param problem ptr 43"))
    ins_wan0.append(to_port("wan0", P1_MAC) / IPv6(src=PEER_A, dst=DT2U, hlim=61, nh=143) /
                    Raw(b"\x02" * 10))

    f7, f8 = frame(HOST_L, MAC_A, b"7 to A"), frame(HOST_L, MAC_B, b"8 to B")
    bc = Ether(src=HOST_L, dst="ff:ff:ff:ff:ff:ff") / \
        ARP(op=1, hwsrc=HOST_L, psrc="10.9.0.1", pdst="10.9.0.9")
    f10 = frame(HOST_L, MAC_X, b"10 unknown")
    ins_ce1 += [f7, f8, bc, f10, frame(HOST_L2, HOST_L, b"11 local to local")]
    exp += [Exp(encaps(f7, B1), "wan0", ignore=["IPv6[0].fl"], desc="7: to A's End.DT2U only"),
            Exp(encaps(f8, B3), "wan0", ignore=["IPv6[0].fl"], desc="8: to B only")]
    for f, what in ((bc, "9: broadcast"), (f10, "10: unknown unicast")):
        exp += [Exp(encaps(f, B2), "wan0", ignore=["IPv6[0].fl"],
                    desc=f"{what} flooded to A's End.DT2M"),
                Exp(encaps(f, B3), "wan0", ignore=["IPv6[0].fl"],
                    desc=f"{what} flooded to B")]

    l2 = {"peers": [{"address": PEER_A, "segments": [B1], "bum_segments": [B2]},
                    {"address": PEER_B, "segments": [B3]}]}
    cfg = config(("wan0", "ce1"), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": DT2U, "behavior": "End.DT2U", "port": "ce1"},
                       {"sid": DT2M, "behavior": "End.DT2M", "port": "ce1"}],
                 port_extra={"ce1": {"vrf": "default", "addresses": [], "l2vpn": l2}},
                 neighbors=NEIGH)
    return [Scenario("bridge", cfg, {"wan0": ins_wan0, "ce1": ins_ce1}, exp,
                     drops={"l2vpn_unknown_peer": 1, "l2vpn_filtered": 2,
                            "srh_sl_exceeds_list": 1, "decap_truncated": 1},
                     drops_total=5, sid_packets={DT2U: 5, DT2M: 1}),
            flood8()]


def flood8():
    peers = [{"address": f"2001:db8:b::{k}", "segments": [f"2001:db8:b:{k}0::"],
              "bum_segments": [f"2001:db8:b:{k}1::"]} for k in range(1, 9)]
    ins, exp = [], []
    for i in range(32):
        f = Ether(src=HOST_L, dst="ff:ff:ff:ff:ff:ff") / \
            ARP(op=1, hwsrc=HOST_L, psrc="10.9.0.1", pdst=f"10.9.1.{i}")
        ins.append(f)
        exp += [Exp(encaps(f, p["bum_segments"][0]), "wan0", ignore=["IPv6[0].fl"],
                    desc=f"broadcast {i} to peer {p['address']}") for p in peers]
    cfg = config(("wan0", "ce1"), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": DT2U, "behavior": "End.DT2U", "port": "ce1"}],
                 port_extra={"ce1": {"vrf": "default", "addresses": [],
                                     "l2vpn": {"peers": peers}}},
                 neighbors=NEIGH)
    return Scenario("flood8", cfg, {"ce1": ins}, exp, drops_total=0)
