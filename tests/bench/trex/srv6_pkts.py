#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Test packets for benchmarking srv6d on real NICs (TRex, pktgen-dpdk).

Plain scapy, no TRex: the TRex profiles next to this file import it, and so
do the pcap writer (for pktgen-dpdk's pcap mode) and the self-check.

Cases, named after what srv6d does with the packet (the device under test is
configured as tests/bench/trex/dut.json, i.e. conf/site-a.json plus routes
for the benchmark prefixes):

  encap  customer IPv4 or IPv6 (UDP) into the CE port; srv6d encapsulates
         (H.Encaps toward the remote SID).
  decap  outer IPv6 + SRH + customer packet into the core port; srv6d
         decapsulates (End.DT46) and forwards the inner packet out of the CE
         port. --srh sl0: one segment, Segments Left 0 (what an H.Encaps PE
         sends); sl1: two segments of the DUT, End then End.DT46 (SL 1 on
         arrival, two lookups); none: no SRH (H.Encaps.Red with one
         segment). --outer varied: one outer source per flow and a flow label
         per flow; single: one outer source/destination pair for everything
         (one remote PE: NIC RSS on the outer header puts it all on one
         queue), only the inner flow varies, flow label zero or per flow
         (--outer-fl).
  end    transit End: SRH with Segments Left > 0 whose active segment is the
         DUT's End SID; srv6d advances it and forwards to the next (remote)
         segment out of the core port.

Flows: the k-th packet uses flow k mod --flows: inner source address
base+1+k, UDP source port 1024+k (both wrap at --flows), inner destination
base+1+(k mod --dsts) (or random with --dst-op random), and for --outer
varied an outer source base+1+k. This is exactly what the TRex field-engine
program (vm_plan) produces, and what --check proves byte for byte.

--size is the customer frame as it appears on the CE side, FCS included
(RFC 2544 frame sizes). On the core side the frame is longer by the
encapsulation: 40 + 8 + 16 x segments bytes (40 without SRH).

Usage:
  srv6_pkts.py --check [--pcap-dir DIR]     build, decode and check every case
  srv6_pkts.py --case decap --family 6 --outer single --flows 256 \\
               --dst-mac 02:00:00:00:0a:02 --pcap out.pcap   one pcap
"""

import argparse
import ipaddress
import os
import random
import struct
import sys
from dataclasses import dataclass, replace
from functools import lru_cache

from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6, IPv6ExtHdrSegmentRouting
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import rdpcap, wrpcap

FCS = 4
ETH = 14
FRAME_SIZES = (64, 78, 128, 256, 512, 1024, 1280, 1518)
# FD.io CSIT's IMIX_v4_1: 28 x 64 B, 16 x 570 B, 4 x 1518 B; IPv6 uses 78 B
# for the small frames (an IPv6/UDP frame cannot be 64 B).
IMIX = {4: ((64, 28), (570, 16), (1518, 4)), 6: ((78, 28), (570, 16), (1518, 4))}
SPORT_BASE = 1024
DPORT = 4000  # any fixed port: nothing on the path looks at it
PROTO_V4 = 4
PROTO_V6 = 41
PROTO_ROUTING = 43


@dataclass(frozen=True)
class Params:
    """Everything a case depends on; defaults match tests/bench/trex/dut.json."""

    case: str = "encap"  # encap | decap | end
    family: int = 4  # the customer (inner) packet: 4 or 6
    srh: str = "sl0"  # decap: sl0 | sl1 | none
    outer: str = "varied"  # decap, end: varied | single
    outer_fl: str = "zero"  # single outer: zero | flow (varied: always flow)
    segs: int = 2  # end: segments in the list; SL on arrival = segs - 1
    size: int = 64  # customer frame incl. FCS
    flows: int = 1024
    dsts: int = 256
    dst_op: str = "inc"  # inc | random
    seed: int = 1  # for dst_op random in pcaps (TRex draws its own)
    dst_mac: str = ""  # "" = leave to the generator (TRex port config)
    src_mac: str = ""
    # Customers behind the DUT's CE port and at the remote site (RFC 2544 /
    # RFC 5180 benchmarking ranges).
    local4: str = "198.18.0.0/16"
    remote4: str = "198.19.0.0/16"
    local6: str = "2001:2:0:a::/64"
    remote6: str = "2001:2:0:b::/64"
    # The DUT's SIDs (conf/site-a.json's locator) and the remote PE's.
    sid_dt: str = "2a0e:97c0:ae6:1001:1::"  # End.DT46, VRF L3VPN-1
    sid_end: str = "2a0e:97c0:ae6:1001:e::"  # End
    remote_sid: str = "2a0e:97c0:ae6:2001:1::"  # site B's End.DT46
    transit_sids: str = "2a0e:97c0:ae6:3001:e::"  # more remote segments (end, segs > 2)
    outer_src: str = "2a0e:97c0:ae0:700b::/64"  # remote PE(s)
    hop_limit: int = 64

    def validate(self):
        """Raise ValueError naming the parameter that cannot work."""
        if self.case not in ("encap", "decap", "end"):
            raise ValueError("case: encap, decap or end")
        if self.family not in (4, 6):
            raise ValueError("family: 4 or 6")
        if self.srh not in ("sl0", "sl1", "none"):
            raise ValueError("srh: sl0, sl1 or none")
        if self.outer not in ("varied", "single"):
            raise ValueError("outer: varied or single")
        if self.outer_fl not in ("zero", "flow"):
            raise ValueError("outer_fl: zero or flow")
        if self.dst_op not in ("inc", "random"):
            raise ValueError("dst_op: inc or random")
        if self.segs < 2:
            raise ValueError("segs: at least 2 (SL > 0 on arrival)")
        if self.flows < 1 or self.dsts < 1:
            raise ValueError("flows and dsts: at least 1")
        src, dst = self.inner_prefixes()
        for name, net, n in (("flows", src, self.flows), ("dsts", dst, self.dsts)):
            # base+1 .. base+n inside the prefix, and in the low 32 bits that
            # the field engine rewrites.
            if n > min(net.num_addresses - 2, 2**32 - 2) or (
                int(net.network_address) & 0xFFFFFFFF
            ) + n >= 2**32:
                raise ValueError("%s: %d do not fit in %s" % (name, n, net))
        if self.has_outer() and self.outer == "varied":
            net = ipaddress.ip_network(self.outer_src)
            if self.flows > net.num_addresses - 2:
                raise ValueError("flows: %d do not fit in outer_src %s" % (self.flows, net))
        if self.size < min_size(self.family):
            raise ValueError(
                "size: an IPv%d/UDP frame is at least %d bytes" % (self.family, min_size(self.family))
            )
        if self.size > 1518:
            raise ValueError("size: at most 1518 (srv6d takes no jumbo frames)")

    def has_outer(self):
        return self.case != "encap"

    def inner_prefixes(self):
        """(source, destination) prefixes of the customer packet."""
        loc = _net(self.local4 if self.family == 4 else self.local6)
        rem = _net(self.remote4 if self.family == 4 else self.remote6)
        # Encap input goes from local customers to the remote site; decap and
        # transit packets come from the remote site.
        return (loc, rem) if self.case == "encap" else (rem, loc)

    def segment_list(self):
        """SRH Segment List in wire order (entry 0 = last segment), or []."""
        if self.case == "decap":
            if self.srh == "none":
                return []
            if self.srh == "sl0":
                return [self.sid_dt]
            return [self.sid_dt, self.sid_end]
        if self.case == "end":
            extra = [s for s in self.transit_sids.split(",") if s]
            mid = (extra * self.segs)[: self.segs - 2]
            return [self.remote_sid] + mid + [self.sid_end]
        return []

    def outer_dst(self):
        segs = self.segment_list()
        return segs[-1] if segs else self.sid_dt

    def encap_len(self):
        if not self.has_outer():
            return 0
        n = len(self.segment_list())
        return 40 + (8 + 16 * n if n else 0)

    def wire_size(self):
        """Frame size incl. FCS on the generator's TX port."""
        return self.size + self.encap_len()


@lru_cache(maxsize=64)
def _net(text):
    # Parsing dominates the self-check's time; prefixes repeat.
    return ipaddress.ip_network(text)


def min_size(family):
    return ETH + (20 if family == 4 else 40) + 8 + FCS


def layout(p):
    """Byte offsets of the fields the field engine rewrites."""
    off = {}
    pos = ETH
    if p.has_outer():
        off["outer"] = pos
        off["outer_src_low"] = pos + 8 + 12
        pos += 40
        if p.segment_list():
            off["srh"] = pos
            pos += 8 + 16 * len(p.segment_list())
    off["inner"] = pos
    if p.family == 4:
        off["src_low"], off["dst_low"] = pos + 12, pos + 16
        pos += 20
    else:
        off["src_low"], off["dst_low"] = pos + 8 + 12, pos + 24 + 12
        pos += 40
    off["udp"] = pos
    off["end"] = pos + 8
    return off


def _low32(addr):
    return int(addr) & 0xFFFFFFFF


def vm_plan(p):
    """The field-engine program, independent of TRex.

    ("var", name, size, min, max, op), ("write", var, offset) writes the
    whole variable big-endian, ("write_mask", var, offset, cast_size, mask)
    read-modify-writes cast_size bytes (TRex STLVmWrMaskFlowVar, shift 0),
    ("fix_ipv4", offset) recomputes an IPv4 header checksum. Variables that
    would hold a single value are left out: the base packet has it.
    """
    p.validate()
    lay = layout(p)
    src, dst = p.inner_prefixes()
    plan = []
    if p.flows > 1:
        lo = _low32(src.network_address) + 1
        plan += [("var", "src", 4, lo, lo + p.flows - 1, "inc"), ("write", "src", lay["src_low"])]
        n = min(p.flows, 65536 - SPORT_BASE)
        plan += [
            ("var", "sport", 2, SPORT_BASE, SPORT_BASE + n - 1, "inc"),
            ("write", "sport", lay["udp"]),
        ]
    if p.dsts > 1:
        lo = _low32(dst.network_address) + 1
        plan += [("var", "dst", 4, lo, lo + p.dsts - 1, p.dst_op), ("write", "dst", lay["dst_low"])]
    if p.has_outer() and p.flows > 1:
        if p.outer == "varied":
            lo = _low32(ipaddress.ip_network(p.outer_src).network_address) + 1
            plan += [
                ("var", "osrc", 4, lo, lo + p.flows - 1, "inc"),
                ("write", "osrc", lay["outer_src_low"]),
            ]
        if p.outer == "varied" or p.outer_fl == "flow":
            # Flow label = low 20 bits of the inner source variable: one per
            # flow, as an encapsulating PE computes it (RFC 6437).
            plan.append(("write_mask", "src", lay["outer"], 4, 0x000FFFFF))
    if p.family == 4 and (p.flows > 1 or p.dsts > 1):
        plan.append(("fix_ipv4", lay["inner"]))
    return plan


def var_values(p, plan, k, rng=None):
    """Values of every variable for the k-th packet (single TRex core)."""
    vals = {}
    for ins in plan:
        if ins[0] != "var":
            continue
        _, name, _, lo, hi, op = ins
        if op == "inc":
            vals[name] = lo + k % (hi - lo + 1)
        else:
            vals[name] = (rng or random.Random(p.seed)).randint(lo, hi)
    return vals


def flow_fields(p, vals):
    """Header fields of one packet from the variable values (defaults: flow 0)."""
    src, dst = p.inner_prefixes()
    osrc = _net(p.outer_src).network_address + 1

    def with_low(net, low):
        return net.network_address + (low - _low32(net.network_address))

    f = {
        "src": with_low(src, vals["src"]) if "src" in vals else src.network_address + 1,
        "dst": with_low(dst, vals["dst"]) if "dst" in vals else dst.network_address + 1,
        "sport": vals.get("sport", SPORT_BASE),
        "osrc": osrc,
        "fl": 0,
    }
    if "osrc" in vals:
        f["osrc"] = osrc + (vals["osrc"] - _low32(osrc))
    if p.has_outer() and (p.outer == "varied" or p.outer_fl == "flow"):
        f["fl"] = _low32(f["src"]) & 0xFFFFF
    return f


# MAC addresses of tests/bench/trex/dut.json's ports (its "mac" keys) and of
# the generator ports its static neighbours name: (core side, CE side).
DUT_MAC = ("02:00:00:00:0a:02", "02:00:00:00:0c:01")
GEN_MAC = ("02:00:00:00:0a:01", "02:00:00:00:0c:02")


def build(p, vals=None, size=None):
    """One scapy packet (no FCS) for the variable values vals (None: flow 0).

    Empty dst_mac/src_mac mean dut.json's MACs (the TRex profiles then hand
    the frame over as bytes, and TRex writes its port configuration's MACs).
    """
    p.validate()
    size = p.size if size is None else size
    f = flow_fields(p, vals or {})
    eth = Ether(type=0x86DD if p.has_outer() or p.family == 6 else 0x0800)
    side = 0 if p.has_outer() else 1
    eth.dst = p.dst_mac or DUT_MAC[side]
    eth.src = p.src_mac or GEN_MAC[side]
    if p.family == 4:
        inner = IP(src=str(f["src"]), dst=str(f["dst"]), ttl=64, id=0)
    else:
        inner = IPv6(src=str(f["src"]), dst=str(f["dst"]), hlim=64)
    pay = size - min_size(p.family)
    if pay < 0:
        raise ValueError("size: %d below the minimum %d" % (size, min_size(p.family)))
    inner = inner / UDP(sport=f["sport"], dport=DPORT) / Raw(b"\x00" * pay)
    if not p.has_outer():
        return eth / inner
    segs = p.segment_list()
    nh = PROTO_V4 if p.family == 4 else PROTO_V6
    outer = IPv6(src=str(f["osrc"]), dst=p.outer_dst(), hlim=p.hop_limit, fl=f["fl"])
    if segs:
        srh = IPv6ExtHdrSegmentRouting(
            nh=nh, addresses=segs, segleft=len(segs) - 1, lastentry=len(segs) - 1
        )
        return eth / outer / srh / inner
    outer.nh = nh
    return eth / outer / inner


def emulate(plan, base, vals):
    """Apply the field-engine program to the raw base packet (what TRex does)."""
    b = bytearray(base)
    sizes = {ins[1]: ins[2] for ins in plan if ins[0] == "var"}
    for ins in plan:
        if ins[0] == "write":
            _, name, off = ins
            n = sizes[name]
            b[off : off + n] = (vals[name] % 2 ** (8 * n)).to_bytes(n, "big")
        elif ins[0] == "write_mask":
            _, name, off, n, mask = ins
            cur = int.from_bytes(b[off : off + n], "big")
            cur = (cur & ~mask) | (vals[name] & mask)
            b[off : off + n] = (cur & (2 ** (8 * n) - 1)).to_bytes(n, "big")
        elif ins[0] == "fix_ipv4":
            off = ins[1]
            ihl = (b[off] & 0x0F) * 4
            b[off + 10 : off + 12] = b"\x00\x00"
            b[off + 10 : off + 12] = struct.pack("!H", _csum(bytes(b[off : off + ihl])))
    return bytes(b)


def _csum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packets(p, count=None):
    """The first count frames the generator sends (default: one per flow).

    Raw bytes: the field-engine program applied to the template, as TRex
    does, plus the UDP checksum (TRex leaves the template's). --check
    proves these equal what build() makes for the same flow.
    """
    plan = vm_plan(p)
    lay = layout(p)
    base = bytes(build(p))
    rng = random.Random(p.seed)
    n = count or max(p.flows, p.dsts if p.dst_op == "inc" else 1)
    return [
        fix_udp(emulate(plan, base, var_values(p, plan, k, rng)), lay, p.family)
        for k in range(n)
    ]


def fix_udp(frame, lay, family):
    """Recompute the UDP checksum (RFC 768 / RFC 8200 8.1 pseudo-header)."""
    b = bytearray(frame)
    ip, u = lay["inner"], lay["udp"]
    seg_len = struct.unpack("!H", b[u + 4 : u + 6])[0]
    if family == 4:
        pseudo = bytes(b[ip + 12 : ip + 20]) + struct.pack("!BBH", 0, 17, seg_len)
    else:
        pseudo = bytes(b[ip + 8 : ip + 40]) + struct.pack("!I3xB", seg_len, 17)
    b[u + 6 : u + 8] = b"\x00\x00"
    seg = bytes(b[u : u + seg_len])
    c = _csum(pseudo + seg + (b"\x00" if seg_len % 2 else b""))
    b[u + 6 : u + 8] = struct.pack("!H", c or 0xFFFF)
    return bytes(b)


def imix_packets(p, count=None):
    """CSIT's IMIX: 28:16:4 small/570/1518-byte frames, a new flow each."""
    n = count or max(p.flows, p.dsts if p.dst_op == "inc" else 1)
    n = -(-n // 48) * 48  # whole cycles of 48
    per = {sz: packets(replace(p, size=sz), n) for sz, _ in IMIX[p.family]}
    pattern = [sz for sz, w in IMIX[p.family] for _ in range(w)]
    # Mixed rather than in runs, so that every burst carries all sizes.
    random.Random(p.seed).shuffle(pattern)
    return [per[pattern[j % 48]][j] for j in range(n)]


def write_pcap(p, path, count=None):
    """A pcap for pktgen-dpdk (-s P:file) or tcpreplay; IMIX when size is 0."""
    frames = packets(p, count) if p.size else imix_packets(p, count)
    wrpcap(path, [Ether(f) for f in frames], linktype=1)  # DLT_EN10MB
    return len(frames)


# --------------------------------------------------------------- self-check


def _check_one(p, errs):
    """Decode what build() made and compare with the parameters."""
    plan = vm_plan(p)
    lay = layout(p)
    base = bytes(build(p))
    want_len = p.wire_size() - FCS
    if len(base) != want_len:
        errs.append("%s: length %d, want %d" % (p, len(base), want_len))
    rng = random.Random(p.seed)
    ks = sorted({0, 1, 2, p.flows - 1, p.flows, p.dsts, 3 * p.flows + 7})
    for k in ks:
        vals = var_values(p, plan, k, rng)
        pkt = build(p, vals)
        raw = bytes(pkt)
        f = flow_fields(p, vals)
        d = Ether(raw)
        where = "%s k=%d" % (_name(p), k)
        # The field engine reproduces the packet except the UDP checksum,
        # which it leaves as in the template (nothing on the path checks it).
        got = bytearray(emulate(plan, base, vals))
        exp = bytearray(raw)
        u = lay["udp"] + 6
        got[u : u + 2] = exp[u : u + 2] = b"\x00\x00"
        if got != exp:
            diff = [i for i in range(len(exp)) if got[i] != exp[i]]
            errs.append("%s: field engine differs at bytes %s" % (where, diff[:8]))
        if p.has_outer():
            o = d[IPv6]
            # What RFC 8754/8986 processing at the DUT needs, stated apart
            # from segment_list(): (DA, Segment List[0], segments).
            want = {
                "sl0": (p.sid_dt, p.sid_dt, 1),
                "sl1": (p.sid_end, p.sid_dt, 2),
                "none": (p.sid_dt, None, 0),
            }[p.srh] if p.case == "decap" else (p.sid_end, p.remote_sid, p.segs)
            if _a(o.dst) != _a(want[0]):
                errs.append("%s: DA %s, want %s" % (where, o.dst, want[0]))
            if want[2] and (
                len(d[IPv6ExtHdrSegmentRouting].addresses) != want[2]
                or _a(d[IPv6ExtHdrSegmentRouting].addresses[0]) != _a(want[1])
            ):
                errs.append("%s: SRH %s" % (where, d[IPv6ExtHdrSegmentRouting].addresses))
            if not want[2] and IPv6ExtHdrSegmentRouting in d:
                errs.append("%s: SRH present" % where)
            if o.dst != p.outer_dst() or o.src != str(f["osrc"]) or o.fl != f["fl"]:
                errs.append("%s: outer %s > %s fl %d" % (where, o.src, o.dst, o.fl))
            if o.plen != len(raw) - ETH - 40:
                errs.append("%s: outer payload length %d" % (where, o.plen))
            segs = p.segment_list()
            if segs:
                s = d[IPv6ExtHdrSegmentRouting]
                if s.len != 2 * len(segs) or s.type != 4:
                    errs.append("%s: SRH Hdr Ext Len %d type %d" % (where, s.len, s.type))
                if s.segleft != len(segs) - 1 or s.lastentry != len(segs) - 1:
                    errs.append("%s: SRH SL %d LE %d" % (where, s.segleft, s.lastentry))
                if [str(ipaddress.ip_address(a)) for a in s.addresses] != [
                    str(ipaddress.ip_address(a)) for a in segs
                ]:
                    errs.append("%s: segments %s" % (where, s.addresses))
                if ipaddress.ip_address(s.addresses[s.segleft]) != ipaddress.ip_address(o.dst):
                    errs.append("%s: DA is not Segment List[SL]" % where)
                nh = s.nh
            else:
                nh = o.nh
            if nh != (PROTO_V4 if p.family == 4 else PROTO_V6):
                errs.append("%s: next header %d before the inner packet" % (where, nh))
            inner = bytes(raw[lay["inner"] :])
        else:
            inner = bytes(raw[ETH:])
        ip = IP(inner) if p.family == 4 else IPv6(inner)
        if ip.src != str(f["src"]) or ip.dst != str(f["dst"]):
            errs.append("%s: inner %s > %s" % (where, ip.src, ip.dst))
        src, dst = p.inner_prefixes()
        if ipaddress.ip_address(ip.src) not in src or ipaddress.ip_address(ip.dst) not in dst:
            errs.append("%s: inner addresses outside %s / %s" % (where, src, dst))
        if ETH + len(inner) + FCS != p.size:
            errs.append("%s: customer frame %d, want %d" % (where, ETH + len(inner) + FCS, p.size))
        if p.family == 4:
            chk = ip.chksum
            ip2 = IP(inner)
            del ip2.chksum
            if IP(bytes(ip2)).chksum != chk:
                errs.append("%s: IPv4 checksum" % where)
        u = ip[UDP]
        u2 = (IP if p.family == 4 else IPv6)(inner)
        del u2[UDP].chksum
        if (IP if p.family == 4 else IPv6)(bytes(u2))[UDP].chksum != u.chksum:
            errs.append("%s: UDP checksum of the built packet" % where)
        if u.sport != f["sport"] or u.dport != DPORT:
            errs.append("%s: ports %d %d" % (where, u.sport, u.dport))
    if p.dst_op == "inc":
        fast = packets(p, max(ks) + 1)
        for k in ks:
            if fast[k] != bytes(build(p, var_values(p, plan, k))):
                errs.append("%s k=%d: pcap frame differs from build()" % (_name(p), k))
    # Distinct flows: as many inner 5-tuples as --flows x --dsts allow.
    seen = {
        (int(ff["src"]), int(ff["dst"]), ff["sport"])
        for ff in (flow_fields(p, var_values(p, plan, k)) for k in range(p.flows))
    }
    if len(seen) != p.flows:
        errs.append("%s: %d distinct flows in %d packets" % (_name(p), len(seen), p.flows))
    if p.has_outer():
        outers = {
            (int(ff["osrc"]), ff["fl"])
            for ff in (flow_fields(p, var_values(p, plan, k)) for k in range(p.flows))
        }
        want = 1 if p.outer == "single" and p.outer_fl == "zero" else p.flows
        if len(outers) != want:
            errs.append("%s: %d outer (src, flow label), want %d" % (_name(p), len(outers), want))


def _a(text):
    return ipaddress.ip_address(text)


def _name(p):
    n = "%s%d" % (p.case, p.family)
    if p.case == "decap":
        n += "-%s-%s" % (p.srh, p.outer)
        if p.outer == "single":
            n += "-fl%s" % p.outer_fl
    elif p.case == "end":
        n += "-segs%d-%s" % (p.segs, p.outer)
    return n + "-%dB" % p.size


def variants():
    """Every case the profiles offer, at one small size."""
    out = []
    for fam in (4, 6):
        out.append(Params(case="encap", family=fam))
        for srh in ("sl0", "sl1", "none"):
            out.append(Params(case="decap", family=fam, srh=srh, outer="varied"))
            for fl in ("zero", "flow"):
                out.append(Params(case="decap", family=fam, srh=srh, outer="single", outer_fl=fl))
        for segs in (2, 3):
            out.append(Params(case="end", family=fam, segs=segs))
        out.append(Params(case="end", family=fam, outer="single"))
    return out


def self_check(pcap_dir=None):
    errs = []
    n = 0
    for v in variants():
        for size in FRAME_SIZES:
            if size < min_size(v.family):
                continue
            for flows, dsts, op in ((1, 1, "inc"), (1000, 256, "inc"), (300, 64, "random")):
                p = replace(v, size=size, flows=flows, dsts=dsts, dst_op=op)
                _check_one(p, errs)
                n += 1
    # Parameters that cannot work are refused with the parameter's name.
    for bad, field in (
        (Params(family=6, size=64), "size"),
        (Params(flows=70000), "flows"),
        (Params(case="decap", srh="sl2"), "srh"),
        (Params(case="end", segs=1), "segs"),
    ):
        try:
            bad.validate()
            errs.append("accepted %s" % (bad,))
        except ValueError as e:
            if not str(e).startswith(field):
                errs.append("refused %s for %s" % (field, e))
    if pcap_dir:
        os.makedirs(pcap_dir, exist_ok=True)
        for v in variants():
            p = replace(v, flows=64, dsts=16, size=78 if v.family == 6 else 64)
            path = os.path.join(pcap_dir, _name(p) + ".pcap")
            write_pcap(p, path)
            back = rdpcap(path)
            if len(back) != max(p.flows, p.dsts) or bytes(back[1]) != packets(p, 2)[1]:
                errs.append("%s: pcap does not read back" % path)
        imix = os.path.join(pcap_dir, "decap4-sl0-single-imix.pcap")
        cnt = write_pcap(Params(case="decap", outer="single", size=0, flows=16, dsts=4), imix)
        sizes = sorted({len(x) + FCS - 64 for x in rdpcap(imix)})
        if cnt != 48 or sizes != [64, 570, 1518]:
            errs.append("imix pcap: %d packets, customer sizes %s" % (cnt, sizes))
    for e in errs[:40]:
        print("FAIL", e)
    print("%d variants checked, %d errors" % (n, len(errs)))
    return 1 if errs else 0


def params_from_args(a):
    """Params from parsed arguments (names as in add_arguments)."""
    size = 0 if str(a.size) == "imix" else int(a.size)
    return Params(
        case=a.case, family=a.family, srh=a.srh, outer=a.outer, outer_fl=a.outer_fl,
        segs=a.segs, size=size or 64, flows=a.flows, dsts=a.dsts, dst_op=a.dst_op,
        dst_mac=a.dst_mac, src_mac=a.src_mac, local4=a.local4, remote4=a.remote4,
        local6=a.local6, remote6=a.remote6, sid_dt=a.sid_dt, sid_end=a.sid_end,
        remote_sid=a.remote_sid, transit_sids=a.transit_sids, outer_src=a.outer_src,
    ), size == 0


def add_arguments(ap, case=None):
    """The tunables, shared by this script and the TRex profiles.

    Names use underscores so that TRex's old "-t name=value,..." form (which
    becomes --name value) and the argparse form "-t --name value" both work.
    """
    d = Params()
    if case is None:
        ap.add_argument("--case", default=d.case, choices=("encap", "decap", "end"))
    else:
        ap.set_defaults(case=case)
    ap.add_argument("--family", type=int, default=d.family, choices=(4, 6),
                    help="customer (inner) packet family")
    ap.add_argument("--size", default=str(d.size),
                    help="customer frame size incl. FCS (64..1518), or imix")
    ap.add_argument("--flows", type=int, default=d.flows)
    ap.add_argument("--dsts", type=int, default=d.dsts, help="inner destinations")
    ap.add_argument("--dst_op", "--dst-op", default=d.dst_op, choices=("inc", "random"))
    ap.add_argument("--srh", default=d.srh, choices=("sl0", "sl1", "none"), help="decap")
    ap.add_argument("--outer", default=d.outer, choices=("varied", "single"), help="decap, end")
    ap.add_argument("--outer_fl", "--outer-fl", default=d.outer_fl, choices=("zero", "flow"),
                    help="flow label with --outer single")
    ap.add_argument("--segs", type=int, default=d.segs, help="end: segments (SL = segs-1)")
    ap.add_argument("--dst_mac", "--dst-mac", default=d.dst_mac,
                    help="DUT port MAC (TRex: default from the port config)")
    ap.add_argument("--src_mac", "--src-mac", default=d.src_mac)
    for name in ("local4", "remote4", "local6", "remote6", "sid_dt", "sid_end",
                 "remote_sid", "transit_sids", "outer_src"):
        ap.add_argument("--" + name, "--" + name.replace("_", "-"), default=getattr(d, name))
    return ap


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="build and decode every case")
    ap.add_argument("--pcap-dir", help="with --check: write sample pcaps here")
    ap.add_argument("--pcap", help="write the packets of one case to this file")
    ap.add_argument("--count", type=int, help="packets in --pcap (default: one per flow)")
    add_arguments(ap)
    a = ap.parse_args(argv)
    if a.check:
        return self_check(a.pcap_dir)
    try:
        p, imix = params_from_args(a)
        if imix:
            p = replace(p, size=0)
            n = write_pcap(p, a.pcap, a.count) if a.pcap else 0
        else:
            p.validate()
            n = write_pcap(p, a.pcap, a.count) if a.pcap else 0
    except ValueError as e:
        print("srv6_pkts: %s" % e, file=sys.stderr)
        return 2
    if not a.pcap:
        build(p if p.size else replace(p, size=64)).show2()
        return 0
    print("%s: %d packets, %s, frame %s B on the wire" % (
        a.pcap, n, _name(p) if p.size else "imix",
        p.wire_size() if p.size else "mixed"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
