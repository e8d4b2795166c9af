# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""NEXT-C-SID (RFC 9800): uN, uA and uDT in an F3216 uSID domain, and a
32-bit C-SID. Block 2001:db8::/32 (locator U, usid true, block_len 32).

- uN: End with next-csid, SID 2001:db8:e::/48. A DA whose argument (the
  bits after our C-SID) is not zero: the next C-SIDs move up behind the
  block, zeros fill in, hop limit - 1, FIB lookup of the new DA; an SRH, if
  any, is left as it is (4.1.1 S01-S08). Argument zero with an SRH: End
  processing (SL - 1, DA from the list). Hop limit 1 with an argument:
  Time Exceeded, nothing forwarded.
- uA: End.X with next-csid, SID 2001:db8:e001::/48 toward P3 on wan1: the
  shifted packet goes to the adjacency, although the FIB says P1 on wan0.
- uDT: End.DT46 (no flavour) at 2001:db8:fd46::/48, reached in the same
  pass after our uN shifted it in (DA 2001:db8:e:fd46::): decapsulated into
  L3VPN-1, out to the CE. The whole SR path in one 16-byte container, no
  SRH: seed 003's overhead answer (40 bytes of outer header instead of
  40 + 8 + 16 per SID).
- 32-bit C-SID: End with next-csid at 2001:db8:c0:1::/64 (locator U32,
  same block): 4 bytes move.
"""
from harness import *  # noqa: F401,F403

UN, UA, UDT, UN32 = "2001:db8:e::", "2001:db8:e001::", "2001:db8:fd46::", "2001:db8:c0:1::"
LOCATORS = [{"name": "U", "prefix": "2001:db8:e::/48", "block_len": 32, "node_len": 16,
             "func_len": 16, "usid": True},
            {"name": "U32", "prefix": "2001:db8:c0:1::/64", "block_len": 32, "node_len": 32,
             "func_len": 16, "usid": True}]
ROUTE_B1 = {"vrf": "default", "prefix": "2001:db8:b1::/48",
            "nexthops": [{"type": "ip", "via": P1_IP6, "port": "wan0"}]}


def udp6(n, ultimate=None):
    """UDP whose checksum covers the destination the last C-SID leaves
    (RFC 9800 6.5: the sender's pseudo-header uses the ultimate DA)."""
    l4 = UDP(sport=7500 + n, dport=53) / Raw(b"csid %d" % n)
    if ultimate is not None:
        l4[UDP].chksum = IPv6(bytes(IPv6(src=REMOTE_PE, dst=ultimate) / l4))[UDP].chksum
    return l4


def scenarios():
    ins, exp = [], []

    csum_dst = {}

    def through(n, dst_in, dst_out, ext=None, ext_out=None, port="wan0", mac=P1_MAC, what="",
                ultimate=None):
        if ultimate is None and ext is None:
            ultimate = dst_out  # the last C-SID: its node is the destination
        l4 = udp6(n, ultimate)
        if ultimate is not None:
            csum_dst[dst_out] = ultimate
        fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=dst_in, hlim=64)
        out = from_port(port, mac) / IPv6(src=REMOTE_PE, dst=dst_out, hlim=63)
        if ext is not None:
            fr = fr / ext
            out = out / (ext_out if ext_out is not None else ext)
        ins.append(fr / l4)
        exp.append(Exp(out / l4, port, desc=what))

    through(0, "2001:db8:e:b1::", "2001:db8:b1::", what="uN: one C-SID moves up")
    through(1, "2001:db8:e:b1:b2:b3::", "2001:db8:b1:b2:b3::", what="uN: three C-SIDs move up",
            ultimate="2001:db8:b3::")
    through(2, "2001:db8:e:b1:b2::", "2001:db8:b1:b2::", what="uN: two C-SIDs move up",
            ultimate="2001:db8:b2::")
    # argument zero with an SRH: End (SL 1 -> 0, DA = the next SID)
    through(3, UN, "2001:db8:b1::", ext=srh([UN, "2001:db8:b1::"], sl=1, nh=17),
            ext_out=srh([UN, "2001:db8:b1::"], sl=0, nh=17), what="uN: argument 0, End with SRH")
    # argument not zero with an SRH: the SRH is left alone
    through(4, "2001:db8:e:b1::", "2001:db8:b1::",
            ext=srh(["2001:db8:e:b1::", "2001:db8:b9::"], sl=1, nh=17),
            what="uN: shift, SRH untouched (SL stays 1)")
    # uA: to the adjacency, not the FIB
    through(5, "2001:db8:e001:b1::", "2001:db8:b1::", port="wan1", mac=P3_MAC,
            what="uA: shifted, to P3 on wan1")
    # 32-bit C-SID
    through(6, "2001:db8:c0:1:b1::", "2001:db8:b1::", what="32-bit C-SID: 4 bytes move")
    # hop limit 1 with an argument: Time Exceeded
    hl1 = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst="2001:db8:e:b1::", hlim=1) / udp6(7)
    ins.append(hl1)
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE, ICMPv6TimeExceeded(code=0), hl1,
                           desc="uN with hop limit 1: time exceeded"))
    # uN then uDT46 in one container: decapsulated into L3VPN-1 (IPv4 inner)
    inner = IP(src="172.16.20.5", dst=CE_IP4, ttl=60) / UDP(sport=7508, dport=53)
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst="2001:db8:e:fd46::", hlim=64,
                                         nh=4) / inner
    ins.append(fr)
    out = inner.copy()
    out.ttl -= 1
    out.chksum = None
    exp.append(Exp(from_port("ce0", CE_MAC) / out, "ce0",
                   desc="uN + uDT46 container: decapsulated to the CE"))

    cfg = config(("wan0", "wan1", "ce0"), routes=[ROUTE_REMOTE_PE, ROUTE_B1],
                 sids=[{"sid": UN + "/48", "behavior": "End", "flavors": ["next-csid"]},
                       {"sid": UA + "/48", "behavior": "End.X", "flavors": ["next-csid"],
                        "nexthop": {"via": P3_IP6, "port": "wan1"}},
                       {"sid": UDT + "/48", "behavior": "End.DT46", "vrf": VRF1},
                       {"sid": UN32 + "/64", "behavior": "End", "flavors": ["next-csid"]}],
                 extra={"locators": LOCATORS})
    return [Scenario("usid", cfg, {"wan0": ins}, exp, csum_dst=csum_dst,
                     drops={"ip6_hop_limit_exceeded": 1},
                     sid_packets={UN + "/48": 7, UA + "/48": 1, UDT + "/48": 1, UN32 + "/64": 1})]
