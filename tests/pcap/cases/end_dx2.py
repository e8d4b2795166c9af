# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""L2VPN: End.DX2 (RFC 8986 4.9) and H.Encaps.L2 / H.Encaps.L2.Red (5.3).

Port ce1 is an attachment circuit (port key "l2vpn", doc/api.md): it has no
address and takes every frame, whatever its destination MAC.
  - ce1 -> wan0: each frame (IPv4, IPv6, ARP broadcast, a VLAN-tagged one)
    travels whole behind an outer IPv6 header from encap.source, next header
    143 (Ethernet, RFC 8986 5.3), hop limit encap.hop_limit: H.Encaps.L2 with
    an SRH [B1] (scenario dx2), H.Encaps.L2.Red with [B1, B3] (SRH [B3], DA
    B1) and with [B1] (no SRH) in scenarios red2 / red1.
  - wan0 -> ce1: a packet for our End.DX2 SID with the last segment reached
    (SRH SL 0, or no SRH at all) leaves on ce1 as the very frame it carried:
    same MACs, same tag, same bytes.
Malformed: End.DX2 with SL 1 (Parameter Problem at Segments Left, 43,
srh_sl_exceeds_list), an inner frame shorter than an Ethernet header
(decap_truncated), an inner IPv4 packet where a frame belongs (Parameter
Problem code 4 at the inner header, decap_bad_inner), a runt frame on the
attachment circuit (eth_truncated). Outputs are decoded by scapy with next
header 143 bound to Ethernet, and the outer headers again by tshark.
"""
from harness import *  # noqa: F401,F403
from scapy.layers.inet import ICMP
from scapy.layers.inet6 import IPv6ExtHdrSegmentRouting
from scapy.layers.l2 import ARP, Dot1Q
from scapy.packet import bind_layers

# RFC 8986 5.3 / IANA: next header 143 is Ethernet.
bind_layers(IPv6, Ether, nh=143)
bind_layers(IPv6ExtHdrSegmentRouting, Ether, nh=143)

DX2 = sid(0xd2)
HOST_A, HOST_B = "02:00:00:00:aa:01", "02:00:00:00:bb:01"  # behind ce1 / the remote PE
L2_PORT = {"vrf": "default", "addresses": []}
NEIGH = [{"port": "wan0", "address": P1_IP6, "mac": P1_MAC}]


def customer_frames(tag):
    """Frames a customer switch sends: none is for srv6d's MAC."""
    return [
        Ether(dst=HOST_B, src=HOST_A) / IP(src="10.9.0.1", dst="10.9.0.2", ttl=64) /
        UDP(sport=4000, dport=4001) / Raw(b"l2 v4 " + tag),
        Ether(dst=HOST_B, src=HOST_A) / IPv6(src="fd00:9::1", dst="fd00:9::2", hlim=7) /
        UDP(sport=4000, dport=4002) / Raw(b"l2 v6 " + tag),
        Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_A) /
        ARP(op=1, hwsrc=HOST_A, psrc="10.9.0.1", pdst="10.9.0.2"),
        Ether(dst=HOST_B, src=HOST_A) / Dot1Q(vlan=300) /
        IP(src="10.9.3.1", dst="10.9.3.2") / ICMP() / Raw(b"tagged " + tag),
    ]


def l2_encaps(frame, segs, red):
    """RFC 8986 5.3: the frame (no FCS) behind IPv6 [+ SRH], next header 143."""
    n = len(segs)
    outer = IPv6(src=ENCAP_SRC, dst=segs[0], hlim=64)
    if red and n == 1:
        outer.nh = 143
        return outer / frame
    kept = segs[1:] if red else segs
    outer.nh = 43
    return outer / IPv6ExtHdrSegmentRouting(
        nh=143, addresses=list(reversed(kept)), segleft=n - 1,
        lastentry=len(kept) - 1) / frame


def encap_scenario(name, segs, red):
    frames = customer_frames(name.encode())
    ins_ce1 = list(frames)
    exp = [Exp(from_port("wan0", P1_MAC) / l2_encaps(f, segs, red), "wan0",
               ignore=["IPv6[0].fl"], desc=f"{name}: {f.summary()}")
           for f in frames]
    # a runt: shorter than an Ethernet header
    ins_ce1.append(Raw(b"\x02\x00\x00\x00\xbb\x01\x02\x00"))
    ins_wan0, want = [], {}
    if not red:
        # End.DX2, both arrival forms: SRH SL 0, and no SRH (H.Encaps.L2.Red
        # with one segment at the remote PE).
        for i, f in enumerate(customer_frames(b"from remote")):
            f = f.copy()
            f[Ether].src, f[Ether].dst = HOST_B, HOST_A
            if i % 2 == 0:
                p = IPv6(src=REMOTE_PE, dst=DX2, hlim=61) / srh([DX2], sl=0, nh=143) / f
            else:
                p = IPv6(src=REMOTE_PE, dst=DX2, hlim=61, nh=143) / f
            ins_wan0.append(to_port("wan0", P1_MAC) / p)
            exp.append(Exp(f, "ce1", desc=f"End.DX2 out on ce1: {f.summary()}"))
        frame = customer_frames(b"x")[0]
        # SL 1 at End.DX2: Parameter Problem, pointer at Segments Left (43)
        bad_sl = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=DX2, hlim=61) / \
            srh([DX2, B2], sl=1, nh=143) / frame
        # 10 bytes where a 14-byte Ethernet header belongs
        short = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=DX2, hlim=61, nh=143) / \
            Raw(b"\x02" * 10)
        # an IPv4 packet instead of a frame: Parameter Problem code 4 at 40
        v4 = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=DX2, hlim=61) / \
            IP(src="10.9.0.1", dst="10.9.0.2") / UDP()
        ins_wan0 += [bad_sl, short, v4]
        exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                               ICMPv6ParamProblem(code=0, ptr=43), bad_sl,
                               desc="End.DX2 with SL 1: param problem ptr 43"))
        exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                               ICMPv6ParamProblem(code=4, ptr=40), v4,
                               desc="End.DX2 with IPv4 inside: param problem code 4"))
        drops = {"eth_truncated": 1, "srh_sl_exceeds_list": 1, "decap_truncated": 1,
                 "decap_bad_inner": 1}
        sid_packets = {DX2: 7}
    else:
        drops = {"eth_truncated": 1}
        sid_packets = {}
    n = len(segs)
    kept = segs[1:] if red else segs
    srh_want = None if red and n == 1 else {
        "nxt": 143, "len": 2 * len(kept), "segleft": n - 1, "last_entry": len(kept) - 1,
        "addrs": list(reversed(kept))}

    def tshark_outer(res):
        """tshark on wan0's encapsulated frames: next header 143 after the
        outer header or its SRH, the SRH as expected, the source ours."""
        errs = []
        enc = [f for f in tshark_frames(res.pcap("wan0"))
               if first(ipv6_layers(f)[0].get("ipv6.src")) == ENCAP_SRC and "icmpv6" not in f]
        if len(enc) != len(frames):
            errs.append(f"tshark: {len(enc)} encapsulated frames on wan0, want {len(frames)}")
        for f in enc:
            v6 = ipv6_layers(f)[0]
            srh_l = v6.get("ipv6.routing")
            if srh_want is None:
                if srh_l is not None or first(v6.get("ipv6.nxt")) != "143":
                    errs.append(f"tshark: want no SRH and next header 143, got "
                                f"nxt {first(v6.get('ipv6.nxt'))}, SRH {srh_l is not None}")
                continue
            if srh_l is None:
                errs.append("tshark: no SRH")
                continue
            srh_l = first(srh_l)
            got = {"nxt": int(first(srh_l.get("ipv6.routing.nxt"))),
                   "len": int(first(srh_l.get("ipv6.routing.len"))),
                   "segleft": int(first(srh_l.get("ipv6.routing.segleft"))),
                   "last_entry": int(first(srh_l.get("ipv6.routing.srh.last_entry"))),
                   "addrs": as_list(srh_l.get("ipv6.routing.srh.addr"))}
            if got != srh_want:
                errs.append(f"tshark: SRH {got}, want {srh_want}")
            if first(v6.get("ipv6.dst")) != segs[0]:
                errs.append(f"tshark: DA {first(v6.get('ipv6.dst'))}, want {segs[0]}")
        return errs

    l2 = {"segments": segs, "encap": "h.encaps.l2.red" if red else "h.encaps.l2"}
    cfg = config(("wan0", "ce1"), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": DX2, "behavior": "End.DX2", "port": "ce1"}],
                 port_extra={"ce1": dict(L2_PORT, l2vpn=l2)}, neighbors=NEIGH)
    return Scenario(name, cfg, {"ce1": ins_ce1, "wan0": ins_wan0}, exp, drops=drops,
                    sid_packets=sid_packets, post_checks=[tshark_outer])


def scenarios():
    return [encap_scenario("dx2", [B1], False),
            encap_scenario("red2", [B1, B3], True),
            encap_scenario("red1", [B1], True)]
