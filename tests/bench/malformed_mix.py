#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Malformed traffic interleaved with good traffic (issue 10, "Malformed-packet
catalogue"): does good traffic keep its rate while garbage arrives beside it?

srv6d is started as srv6d_bench.py starts it (net_pcap infinite_rx generator
gen0 -> net_null sinks core0 and ce1, one busy-polling worker, End.DT46 with
1000 routes per VRF: srv6d_bench's end_dt46 case), plus an End SID, an
End.DT4 SID and an IPv4 address on gen0, so that every class below has
something to hit. Three generator pcaps, each measured in windows:

  good   End.DT46 traffic only (half IPv4, half IPv6 customer packets);
  bad    only a catalogue of malformed frames aimed at gen0: one class or
         more for every drop reason srv6d gives malformed traffic
         (doc/api.md "Drop reasons", tests/pcap/cases/mal_*.py): truncated
         Ethernet/IPv4/IPv6/SRH, VLAN tags, bad IPv4 checksum and IHL,
         payload lengths beyond the frame, extension header overruns, IPv4
         and IPv6 fragments to us, bad SRH length, SL beyond Last Entry + 1,
         bad TLV, routing type 0 with SL > 0, End.DT46 with SL != 0, inner
         packets a decapsulation refuses or finds truncated, an End SID at
         SL 0. Some classes are answered with an ICMPv6 Parameter Problem
         toward the remote PE (out of core0, 1000/s per worker, the rest
         counted icmp_rate_limited): "answered", not lost;
  mix    good and bad interleaved (--ratio, default 1:1), every class present.

Each window is checked from stats.get before it counts: every good packet
forwarded (ce1 tx = the good share of gen0 rx), every bad one dropped under
its catalogue reason (each reason's count = its share of rx), ICMP errors
sent + icmp_rate_limited = the ICMP classes' share, no other drop, nothing
sent on gen0, the SIDs' counters at their shares, no idle sleep. The
tolerance is exact arithmetic: the pcap repeats, so a window's count of a
class departs from rx x share by at most twice the class's largest prefix
deviation in the pcap, plus the packets of a burst in flight. Captures
check the output: on ce1, decapsulated packets that are exactly the good
inner packets with TTL / hop limit - 1; on core0, Parameter Problems with
each class's code and pointer quoting one of the catalogue's frames.

The three pcaps have the same number of frames, so the generator copies
from a working set of the same size in each. Reported: Mpps per worker
(received packets per second: good, bad or both) and cycles per packet
(TSC Hz / pps: the worker busy-polls), from the wall clock (median and best
window) and from the worker thread's own CPU time (schedstat: what other
processes took from its CPU left out); the cost of a bad packet; for the
mix, the cycles its composition predicts (f_good x c_good + f_bad x c_bad)
against the measured, the good packets' cost inside the mix
((c_mix - f_bad x c_bad) / f_good) against alone, and the good packets' rate
in the mix against alone and against the prediction. With --callgrind the
same runs happen under valgrind and count instructions per packet instead
(the worker thread's Ir over a window / 32 per process_burst call, srv6d's
own binary apart from DPDK's libraries): the comparison machine noise does
not move (an srv6d built with -Dmarch=x86-64-v2: valgrind 3.19 lacks
AVX-512). --negative-control runs the mix five times with one expectation
wrong each time and shows each check fails.

Not in the catalogue: rx_oversize (a frame longer than one mbuf): net_pcap's
infinite_rx refuses a pcap holding one ("Multiseg mbufs are not supported in
infinite_rx mode", the port does not start); tests/pcap/cases/mal_oversize.py
covers it.

  malformed_mix.py [--quick] [--window S] [--repeat R] [--rounds N] [--ratio G:B]
                   [--frames N] [--callgrind] [--negative-control] [--json FILE]
                   [--srv6d PATH]   (root)
"""
import argparse
import datetime
import glob
import itertools
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import srv6d_bench as B  # noqa: E402
import gen_pcaps as G  # noqa: E402

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (ICMP, IP, UDP, Dot1AD, Dot1Q, Ether, ICMPv6EchoRequest,  # noqa: E402
                       ICMPv6ParamProblem, IPv6, IPv6ExtHdrFragment, IPv6ExtHdrRouting,
                       IPv6ExtHdrSegmentRouting, Raw)

log = B.log
Failed = B.Failed

DT46, END, DT4 = G.SID["end_dt46"], G.SID["end"], G.SID["end_dt4"]
GEN_ADDR6 = "2001:db8:0:11::1"      # gen0's address in base_config (VRF default)
GEN_ADDR4 = "172.16.30.1"           # added here: an IPv4 fragment needs one of ours
GEN_PEER4 = "172.16.30.2"
REMOTE_SEG = "2001:db8:b:2::"       # some other segment in a segment list
BURST_SLACK = 4 * 32                # packets of a burst or so in flight at a snapshot
ICMP_RATE, ICMP_BURST = 1000, 200   # lib/dp/dp_icmp.c, per worker
MARK = b"malformed-inner"           # payload of the bad frames' inner packets
TRAFFICS = ["good", "bad", "mix"]


# ---------------------------------------------------------------------------
# the catalogue
# ---------------------------------------------------------------------------

class Bad:
    """One class of malformed frames: the drop reason srv6d must count them
    under, the ICMP error it answers with ((code, lowest pointer, highest
    pointer), or None: silent), and the SID whose counter sees them (None:
    dropped before any SID)."""

    def __init__(self, name, reason, frames, icmp=None, sid=None):
        self.name, self.reason, self.icmp, self.sid = name, reason, icmp, sid
        self.frames = [bytes(f) for f in frames]


def fix_ip4_checksum(b, off=14):
    """Recompute the IPv4 header checksum over the 20 bytes at off (IHL
    ignored: only the field under test is wrong)."""
    b = bytearray(b)
    b[off + 10:off + 12] = b"\0\0"
    s = sum(int.from_bytes(b[off + i:off + i + 2], "big") for i in range(0, 20, 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    b[off + 10:off + 12] = (0xFFFF - s).to_bytes(2, "big")
    return bytes(b)


def catalogue(p4, p6):
    """The malformed classes, their inner packets aimed at routed customer
    destinations (p4 / p6: prefixes of the VRF), so that a class srv6d let
    through would show on ce1."""
    eth = Ether(dst=G.MAC_GEN, src=G.MAC_SENDER)
    d4, d6 = G._host(p4[0], 3), G._host(p6[0], 3)
    in4 = IP(src=G.SENDER4, dst=d4, ttl=64) / UDP(sport=9, dport=4789) / Raw(MARK)
    in6 = IPv6(src=G.SENDER6, dst=d6, hlim=64) / UDP(sport=9, dport=4789) / Raw(MARK)

    def out(dst, **kw):
        return IPv6(src=G.REMOTE_PE, dst=dst, hlim=64, **kw)

    def srh(segs, sl, nh, **kw):
        return IPv6ExtHdrSegmentRouting(addresses=segs, segleft=sl, lastentry=len(segs) - 1,
                                        nh=nh, **kw)

    ok6 = eth / out(DT46) / srh([DT46], 0, 41) / in6     # what a good frame looks like
    v4 = eth / IP(src=G.SENDER4, dst=d4, ttl=64) / UDP(sport=9, dport=4789) / Raw(MARK)

    # Ethernet
    cut_tag = bytes(eth / Dot1Q(vlan=10) / out(DT46))[:16]
    mpls = Ether(dst=G.MAC_GEN, src=G.MAC_SENDER, type=0x8847) / \
        Raw(b"\x00\x01\x01\x40" + bytes(ok6)[14:])
    local_exp = Ether(dst=G.MAC_GEN, src=G.MAC_SENDER, type=0x88B5) / Raw(b"\x00" * 46)
    qinq = Ether(dst=G.MAC_GEN, src=G.MAC_SENDER, type=0x88A8) / Dot1AD(vlan=20) / \
        Dot1Q(vlan=30) / ok6[IPv6]
    # IPv4
    ip4_short = bytes(eth)[:12] + b"\x08\x00" + bytes(v4[IP])[:12]
    ip4_long = eth / IP(src=G.SENDER4, dst=d4, ttl=64, len=200) / UDP(sport=9, len=28) / \
        Raw(b"x" * 20)
    runt = eth / IP(src=G.SENDER4, dst=d4, ttl=64, len=100) / ICMP(type=8, id=1, seq=1)
    assert len(runt) == 42
    ihl4 = fix_ip4_checksum(bytes(eth / IP(src=G.SENDER4, dst=d4, ttl=64, ihl=4) /
                                  UDP(sport=9) / Raw(MARK)))
    v5 = bytearray(bytes(v4))
    v5[14] = 0x55
    v5 = fix_ip4_checksum(bytes(v5))
    good_sum = IP(bytes(v4[IP])).chksum
    bad_sum = eth / IP(src=G.SENDER4, dst=d4, ttl=64, chksum=good_sum ^ 0x0101) / \
        UDP(sport=9, dport=4789) / Raw(MARK)
    whole = bytes(IP(src=GEN_PEER4, dst=GEN_ADDR4, ttl=64, id=0x99) /
                  ICMP(type=8, id=1, seq=1) / Raw(b"x" * 64))
    frag1 = IP(whole[:20] + whole[20:60])
    frag1.flags, frag1.len, frag1.chksum = "MF", None, None
    frag2 = IP(whole[:20] + whole[60:])
    frag2.flags, frag2.frag, frag2.len, frag2.chksum = 0, 5, None, None
    # IPv6
    ip6_short = bytes(ok6)[:14 + 20]
    ip6_plen = eth / out(DT46, plen=200) / srh([DT46], 0, 41) / in6
    v6bad = bytearray(bytes(ok6))
    v6bad[14] = (v6bad[14] & 0x0F) | 0x40
    dopt = eth / out(DT46, nh=60) / Raw(bytes([43, 5, 1, 4, 0, 0, 0, 0]))
    frag_srh = eth / out(DT46) / IPv6ExtHdrFragment(id=0x1234, offset=0, m=1) / \
        srh([DT46], 0, 4) / in4
    srh_frag = eth / out(DT46) / srh([DT46], 0, 44) / \
        IPv6ExtHdrFragment(id=0x1235, offset=0, m=1, nh=4) / in4
    frag_late = eth / out(DT46) / IPv6ExtHdrFragment(id=0x1236, offset=8, m=0, nh=43) / \
        Raw(b"z" * 24)
    frag_local = eth / out(GEN_ADDR6) / IPv6ExtHdrFragment(id=0x1237, offset=0, m=1) / \
        ICMPv6EchoRequest(id=1, seq=1) / Raw(b"y" * 48)
    # SRH
    full = bytes(srh([REMOTE_SEG, G.SID["end_x"], DT46], 2, 41))
    assert full[1] == 6
    srh_short = eth / out(DT46, nh=43) / Raw(full[:24])
    bad_len = eth / out(DT46) / IPv6ExtHdrSegmentRouting(
        nh=41, addresses=[REMOTE_SEG, DT46], segleft=1, lastentry=2) / in6
    assert bytes(bad_len)[14 + 41] == 4
    sl3 = eth / out(DT46) / srh([REMOTE_SEG, DT46], 3, 41) / in6
    sl1 = eth / out(DT46) / srh([REMOTE_SEG, DT46], 1, 4) / in4
    segs = b"".join(bytes(IPv6(dst=a))[24:40] for a in (DT46, REMOTE_SEG))
    # Hdr Ext Len 5: two segments and 8 bytes of TLV space holding a 12-byte PadN
    tlv = eth / out(DT46, nh=43) / Raw(bytes([41, 5, 4, 0, 1, 0, 0, 0]) + segs +
                                       bytes([4, 10, 0, 0, 0, 0, 0, 0]) + bytes(in6))
    rh0 = eth / out(DT46) / IPv6ExtHdrRouting(nh=41, type=0, segleft=1,
                                              addresses=[REMOTE_SEG]) / in6
    rh0_local = eth / out(GEN_ADDR6) / IPv6ExtHdrRouting(nh=17, type=0, segleft=1,
                                                         addresses=[REMOTE_SEG]) / \
        UDP(sport=9) / Raw(MARK)
    # SIDs
    end_sl0 = eth / out(END) / srh([END], 0, 41) / in6
    dt46_udp = eth / out(DT46) / srh([DT46], 0, 17) / UDP(sport=9) / Raw(MARK)
    dt4_v6 = eth / out(DT4) / srh([DT4], 0, 41) / in6
    dt46_cut = eth / out(DT46) / srh([DT46], 0, 4) / Raw(bytes(in4)[:12])

    pp0_sl = (0, 43, 43)      # Parameter Problem code 0 at Segments Left (40 + 3)
    pp4_ul = (4, 64, 64)      # code 4 at the inner header (40 + 24: one-segment SRH)
    return [
        Bad("eth_short", "eth_truncated", [bytes(ok6)[:13], bytes(ok6)[:6]]),
        Bad("eth_cut_in_tag", "eth_truncated", [cut_tag]),
        Bad("eth_other_mac", "eth_other_host", [Ether(dst="02:00:00:00:99:99",
                                                      src=G.MAC_SENDER) / ok6[IPv6]]),
        Bad("ethertype", "eth_unsupported", [local_exp, mpls]),
        Bad("vlan_8021q", "eth_vlan", [eth / Dot1Q(vlan=10) / ok6[IPv6]]),
        Bad("vlan_qinq", "eth_vlan", [qinq]),
        Bad("ip4_short_header", "ip4_truncated", [ip4_short]),
        Bad("ip4_total_length", "ip4_truncated", [ip4_long, runt]),
        Bad("ip4_ihl4", "ip4_bad_header", [ihl4]),
        Bad("ip4_version5", "ip4_bad_header", [v5]),
        Bad("ip4_checksum", "ip4_bad_checksum", [bad_sum]),
        Bad("ip4_fragment_to_us", "ip4_fragment", [eth / frag1, eth / frag2]),
        Bad("ip6_short_header", "ip6_truncated", [ip6_short]),
        Bad("ip6_payload_length", "ip6_truncated", [ip6_plen]),
        Bad("ip6_version4", "ip6_bad_header", [bytes(v6bad)]),
        Bad("ext_header_overrun", "ip6_ext_bad", [dopt], sid=DT46),
        Bad("ip6_fragment_at_sid", "ip6_fragment", [frag_srh, srh_frag, frag_late], sid=DT46),
        Bad("ip6_fragment_to_us", "ip6_fragment", [frag_local]),
        Bad("srh_truncated", "srh_truncated", [srh_short], sid=DT46),
        Bad("srh_bad_length", "srh_bad_length", [bad_len], icmp=pp0_sl, sid=DT46),
        Bad("srh_sl_beyond_last", "srh_sl_exceeds_list", [sl3], icmp=pp0_sl, sid=DT46),
        Bad("dt46_sl_nonzero", "srh_sl_exceeds_list", [sl1], icmp=pp0_sl, sid=DT46),
        # RFC 8754 does not fix the pointer for a TLV: anywhere in the SRH
        Bad("srh_tlv_overrun", "srh_bad_tlv", [tlv], icmp=(0, 40, 40 + 48 - 1), sid=DT46),
        Bad("routing_type0_sid", "routing_type_unknown", [rh0], icmp=(0, 42, 42), sid=DT46),
        Bad("routing_type0_local", "routing_type_unknown", [rh0_local], icmp=(0, 42, 42)),
        Bad("end_sl0", "sid_sl_zero", [end_sl0], icmp=pp4_ul, sid=END),
        Bad("dt46_inner_udp", "decap_bad_inner", [dt46_udp], icmp=pp4_ul, sid=DT46),
        Bad("dt4_inner_ipv6", "decap_bad_inner", [dt4_v6], icmp=pp4_ul, sid=DT4),
        Bad("dt46_inner_truncated", "decap_truncated", [dt46_cut], sid=DT46),
    ]


# ---------------------------------------------------------------------------
# traffic and what each window must show
# ---------------------------------------------------------------------------

def forwarded(l3):
    """Ethertype + the customer packet as srv6d forwards it: TTL / hop limit - 1."""
    p = IP(l3) if l3[0] >> 4 == 4 else IPv6(l3)
    if p.version == 4:
        p.ttl -= 1
        del p.chksum
        return b"\x08\x00" + bytes(p)
    p.hlim -= 1
    return b"\x86\xdd" + bytes(p)


class Traffic:
    """One generator pcap: its frames in order, what each is (None: good,
    else its Bad), and the shares and deviation bounds of every counter."""

    def __init__(self, name, seq):
        self.name = name
        self.frames = [f for f, _ in seq]
        self.kinds = [k for _, k in seq]
        self.n = len(seq)
        self.n_good = sum(k is None for k in self.kinds)
        # indicator sequences of every counter a window checks
        ind = {"good": [k is None for k in self.kinds],
               "icmp": [k is not None and k.icmp is not None for k in self.kinds]}
        for k in self.kinds:
            if k is not None:
                ind.setdefault("reason:" + k.reason, None)
        for key in list(ind):
            if key.startswith("reason:"):
                r = key[7:]
                ind[key] = [k is not None and k.reason == r for k in self.kinds]
        for sid in (DT46, END, DT4):
            ind["sid:" + sid] = [(k is None and sid == DT46) or (k is not None and k.sid == sid)
                                 for k in self.kinds]
        self.count = {key: sum(v) for key, v in ind.items()}
        # a window is a span of the endlessly repeated pcap: its count departs
        # from span x share by at most twice the largest prefix deviation
        self.slack = {}
        for key, v in ind.items():
            share, dev, c = self.count[key] / self.n, 0.0, 0
            for i, x in enumerate(v, 1):
                c += x
                dev = max(dev, abs(c - i * share))
            self.slack[key] = 2 * dev + 2 + BURST_SLACK
        self.reasons = sorted(k[7:] for k in self.count if k.startswith("reason:"))

    def share(self, key):
        return self.count.get(key, 0) / self.n


def build_traffic(cat, good_frames, ratio):
    """The three pcaps' frame sequences, each as long as good_frames (the
    generator's working set, the mbufs it copies from, is then the same
    size in all three): good only, the catalogue cycled, and the mix: G good
    frames then B bad ones (ratio), repeated."""
    n = len(good_frames)
    cyc = [(f, b) for b in cat for f in b.frames]
    bad = [cyc[i % len(cyc)] for i in range(n)]
    good = [(f, None) for f in good_frames]
    g, b = ratio
    mix, gi, bi = [], iter(good), iter(bad)
    while len(mix) < n:
        mix += list(itertools.islice(gi, g)) + list(itertools.islice(bi, b))
    return {"good": Traffic("good", good), "bad": Traffic("bad", bad),
            "mix": Traffic("mix", mix[:n])}


def snapshot(rpc):
    st = rpc.call("stats.get")
    ports = {p["name"]: p for p in st.get("ports", [])}
    return {
        "rx": ports.get("gen0", {}).get("rx_packets", 0),
        "gen_tx": ports.get("gen0", {}).get("tx_packets", 0),
        "ce1": ports.get("ce1", {}).get("tx_packets", 0),
        "core0": ports.get("core0", {}).get("tx_packets", 0),
        "drops": dict(st.get("drops", {})),
        "sids": {s.get("sid", "").split("/")[0]: s.get("packets", 0) for s in st.get("sids", [])},
        "idle_sleeps": sum(lc.get("idle_sleeps", 0) for lc in st.get("lcores", [])),
        "bursts": sum(lc.get("bursts", 0) for lc in st.get("lcores", [])),
    }


def worker_tids(pid):
    """The worker lcores' thread ids (DPDK 22.11 names them rte-worker-N)."""
    tids = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        if B.read(f"/proc/{pid}/task/{tid}/comm").startswith(("rte-worker-", "lcore-worker-")):
            tids.append(tid)
    return tids


def worker_cpu_ns(pid, tids):
    """Nanoseconds the workers have spent on a CPU (schedstat's first field)."""
    total = 0
    for tid in tids:
        f = B.read(f"/proc/{pid}/task/{tid}/schedstat").split()
        total += int(f[0]) if f else 0
    return total


def cg_control(pid, *args):
    """callgrind_control on srv6d under valgrind (it waits for the answer)."""
    r = subprocess.run(["callgrind_control", *args, str(pid)], capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        raise Failed(f"callgrind_control {' '.join(args)}: {r.stdout}{r.stderr}")


def cg_parse(path):
    """One thread's callgrind dump: its instructions (Ir) and the calls of
    process_burst (once per received burst)."""
    names, total, calls, cfn = {}, 0, 0, None
    with open(path) as f:
        for line in f:
            if line.startswith(("fn=", "cfn=")):
                m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line.strip())
                if m and m.group(2):
                    names[m.group(1)] = m.group(2)
                if line.startswith("cfn="):
                    cfn = names.get(m.group(1)) if m else None
            elif line.startswith("calls=") and cfn == "process_burst":
                calls += int(line[6:].split()[0])
            elif line.startswith(("summary:", "totals:")):
                total = int(line.split()[1])
    return total, calls, path


def cg_own(path):
    """Ir in srv6d's own binary (DPDK's inline header code included), the
    rest being DPDK's libraries: the generator's rx (net_pcap), mbuf frees,
    net_null's tx."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=no", "--auto=no",
                          "--threshold=100", path], capture_output=True, text=True,
                         timeout=300).stdout
    own = 0
    for line in out.splitlines():
        m = re.match(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+\S+ \[(.*)\]$", line)
        if m and m.group(2).endswith("/srv6d"):
            own += int(m.group(1).replace(",", ""))
    return own


def cg_window(pid, wdir, before):
    """Dump callgrind's counters (zeroed at the window's start): the worker
    thread's figures, the busiest of the dump's threads."""
    cg_control(pid, "-d")
    new = sorted(set(glob.glob(os.path.join(wdir, f"cg.{pid}*"))) - before)
    if not new:
        raise Failed("callgrind wrote no dump")
    total, calls, path = max(cg_parse(f) for f in new)
    if calls == 0:
        raise Failed(f"no process_burst call in the busiest thread's dump ({new})")
    # every burst from the infinite_rx generator is full (checked against
    # stats.get's rx / bursts in the window)
    pk = calls * 32
    return {"ir": total, "bursts_cg": calls, "ir_per_pkt": total / pk,
            "srv6d_ir_per_pkt": cg_own(path) / pk, "dump": path}


def check_window(tr, s0, s1, dt, timed=True):
    """One window against the traffic's composition; returns (figures, problems)
    where each problem starts with the kind of check that failed."""
    rx = s1["rx"] - s0["rx"]
    d = {k: v - s0["drops"].get(k, 0) for k, v in s1["drops"].items()}
    good = s1["ce1"] - s0["ce1"]
    icmp_sent = s1["core0"] - s0["core0"]
    suppressed = d.get("icmp_rate_limited", 0)
    bad = []

    def near(key, got, what):
        exp = rx * tr.share(key)
        if abs(got - exp) > tr.slack[key]:
            bad.append(f"{what}: {got} where {exp:.0f} +- {tr.slack[key]:.0f} "
                       f"({tr.count[key]} of the pcap's {tr.n} frames, {rx} received)")

    if rx <= 0:
        bad.append("rx: nothing received on gen0")
    near("good", good, "good: ce1 sent")
    for r in tr.reasons:
        near("reason:" + r, d.get(r, 0), f"reason {r}: dropped")
    near("icmp", icmp_sent + suppressed, "icmp-accounting: ICMP sent + icmp_rate_limited")
    others = {k: v for k, v in d.items() if v > 0 and k not in tr.reasons
              and k != "icmp_rate_limited"}
    if others:
        bad.append(f"unexpected: drops {others}")
    # (not under valgrind: the TSC rate the limiter divides by is then off)
    if timed and icmp_sent > ICMP_RATE * dt + ICMP_BURST + BURST_SLACK:
        bad.append(f"icmp-rate: {icmp_sent} ICMP errors in {dt:.2f} s (limit {ICMP_RATE}/s)")
    if s1["gen_tx"] != s0["gen_tx"]:
        bad.append(f"unexpected: {s1['gen_tx'] - s0['gen_tx']} packets sent on gen0")
    for sid in (DT46, END, DT4):
        key = "sid:" + sid
        if sid not in s1["sids"]:
            bad.append(f"sid: {sid} missing from stats.get")
        else:
            near(key, s1["sids"][sid] - s0["sids"].get(sid, 0), f"sid {sid}: counted")
    if s1["idle_sleeps"] != s0["idle_sleeps"]:
        bad.append("idle: a worker slept (not busy: cycles/pkt would be wrong)")
    fig = {"rx": rx, "good_tx": good, "icmp_sent": icmp_sent, "icmp_suppressed": suppressed,
           "seconds": round(dt, 4), "drops": {k: v for k, v in d.items() if v}}
    return fig, bad


def check_good_capture(pkts, expect):
    """Decapsulated packets on ce1: exactly a good inner packet, TTL - 1, to the CE."""
    if not pkts:
        return "capture-good: no packet captured on ce1"
    for k, p in enumerate(pkts):
        if p.dst != G.MAC_CE or p.src != G.MAC_CE1:
            return f"capture-good: packet {k}: Ethernet {p.src} -> {p.dst}, not ce1 -> the CE"
        if bytes(p)[12:] not in expect:
            return (f"capture-good: packet {k} ({p.summary()}) is not a good inner packet "
                    "with TTL / hop limit - 1")
    return None


def check_icmp_capture(pkts, cat):
    """ICMPv6 errors on core0: Parameter Problem from one of our default-VRF
    addresses to the remote PE via P1, checksum right, quoting a catalogue
    frame of an ICMP class, with that class's code and pointer."""
    if not pkts:
        return "capture-icmp: no ICMP error captured on core0"
    quoted = [(f[14:], b) for b in cat if b.icmp for f in b.frames]
    for k, p in enumerate(pkts):
        where = f"capture-icmp: packet {k}"
        if p.dst != G.MAC_P1 or IPv6 not in p or ICMPv6ParamProblem not in p:
            return f"{where} ({p.summary()}): not a Parameter Problem to P1"
        if p[IPv6].dst != G.REMOTE_PE or p[IPv6].src not in (G.CORE_ADDR, GEN_ADDR6):
            return f"{where}: {p[IPv6].src} -> {p[IPv6].dst}, not ours -> the remote PE"
        pp = p[ICMPv6ParamProblem]
        again = ICMPv6ParamProblem(bytes(pp))
        sent = again.cksum
        del again.cksum
        fresh = IPv6(src=p[IPv6].src, dst=p[IPv6].dst) / again
        if IPv6(bytes(fresh))[ICMPv6ParamProblem].cksum != sent:
            return f"{where}: ICMPv6 checksum wrong"
        inv = bytes(pp.payload)
        match = [b for l3, b in quoted if inv and l3.startswith(inv)]
        if not match:
            return f"{where}: quotes no frame of an ICMP class"
        b = match[0]
        code, lo, hi = b.icmp
        if pp.code != code or not lo <= pp.ptr <= hi:
            return (f"{where} ({b.name}): code {pp.code} pointer {pp.ptr}, want code {code} "
                    f"pointer {lo}" + (f"..{hi}" if hi != lo else ""))
    return None


# ---------------------------------------------------------------------------
# srv6d
# ---------------------------------------------------------------------------

def config(extra, pcap):
    cfg = G.base_config("end_dt46", f"net_pcap0,rx_pcap={pcap},infinite_rx=1",
                        "net_null0,no-rx=1", "net_null1,no-rx=1", extra)
    for p in cfg["ports"]:
        if p["name"] == "gen0":
            p["addresses"] = p["addresses"] + [GEN_ADDR4 + "/24"]
    cfg["sids"] = list(cfg["sids"]) + [{"sid": END, "behavior": "End"},
                                       {"sid": DT4, "behavior": "End.DT4", "vrf": G.VRF}]
    return cfg


def run_traffic(a, tr, cfg, routes, expect, cat, wdir, tag, keep_going=False):
    """Start srv6d on the traffic's pcap, load the routes, check captures, then
    a.repeat windows. Returns the result dict; raises Failed on a failed
    check unless keep_going (the negative control collects every problem)."""
    res = {"traffic": tr.name, "windows": [], "problems": []}
    p, rpc, logpath = B.start_srv6d(a, cfg, wdir, tag)
    res["log"] = logpath
    try:
        B.load_routes(rpc, routes, a.batch, tag)
        if a.callgrind:
            cg_control(p.pid, "--instr=on")
        if tr.n_good and not a.callgrind:
            pk = B.capture_tx(rpc, "ce1", os.path.join(wdir, f"capture-{tag}-ce1.pcap"), 16,
                              snaplen=65535)
            prob = check_good_capture(pk, expect)
            if prob:
                res["problems"].append(prob)
        if tr.count["icmp"] and not a.callgrind:
            pk = B.capture_tx(rpc, "core0", os.path.join(wdir, f"capture-{tag}-core0.pcap"), 8,
                              snaplen=65535)
            prob = check_icmp_capture(pk, cat)
            if prob:
                res["problems"].append(prob)
        if res["problems"] and not keep_going:
            raise Failed("output check: " + res["problems"][0])
        rpc.call("stats.reset")
        time.sleep(a.warmup)
        tids = [] if a.callgrind else worker_tids(p.pid)
        if len(tids) != a.workers and not a.callgrind:
            log(f"  warning: {len(tids)} worker thread(s) found, not {a.workers}: "
                "no CPU-time figures")
            tids = []
        for w in range(a.repeat):
            if a.callgrind:
                before = set(glob.glob(os.path.join(wdir, f"cg.{p.pid}*")))
                cg_control(p.pid, "-z")
            s0 = snapshot(rpc)
            c0, t0 = worker_cpu_ns(p.pid, tids), time.monotonic()
            time.sleep(a.window)
            s1 = snapshot(rpc)
            c1, t1 = worker_cpu_ns(p.pid, tids), time.monotonic()
            dt = t1 - t0
            fig, bad = check_window(tr, s0, s1, dt, timed=not a.callgrind)
            if a.callgrind:
                fig.update(cg_window(p.pid, wdir, before))
                nb = s1["bursts"] - s0["bursts"]
                fig["rx_per_burst"] = round(fig["rx"] / nb, 3) if nb else None
                if nb and abs(fig["rx"] / nb - 32) > 0.01:
                    bad.append(f"bursts: {fig['rx'] / nb:.3f} packets per burst, not 32")
            if tids:
                fig["worker_cpu_s"] = (c1 - c0) / 1e9
                fig["worker_cpu_share"] = round((c1 - c0) / 1e9 / dt, 4)
            fig["problems"] = bad
            res["windows"].append(fig)
            if bad:
                res["problems"] += [f"window {w + 1}: {x}" for x in bad]
                if not keep_going:
                    raise Failed("window check: " + "; ".join(bad))
    finally:
        rpc.close()
        B.stop(p)
        res["tsc_hz"] = B.tsc_from_log(logpath)
    return res


# ---------------------------------------------------------------------------
# negative control: each check must fail when what it checks is wrong
# ---------------------------------------------------------------------------

def negative_control(a, cat, good_frames, ratio, extra, routes, expect, wdir):
    """Five runs of the mix, each with one thing wrong, each must fail in its
    own check: a class declared under another reason, an ICMP class declared
    silent, the good capture expecting TTL unchanged, one good destination's
    route not loaded (its packets are dropped), the ICMP capture expecting
    another code."""
    def relabel(name, **kw):
        out = []
        for b in cat:
            if b.name == name:
                nb = Bad(b.name, kw.get("reason", b.reason), [], kw.get("icmp", b.icmp), b.sid)
                nb.frames = b.frames
                b = nb
            out.append(b)
        return out

    unchanged = set()
    for f in good_frames:
        inner = bytes(f)[14 + 40 + 24:]
        unchanged.add((b"\x08\x00" if inner[0] >> 4 == 4 else b"\x86\xdd") + inner)
    wrong_code = [Bad(b.name, b.reason, [], (b.icmp[0] + 1,) + b.icmp[1:] if b.icmp else None,
                      b.sid) for b in cat]
    for nb, b in zip(wrong_code, cat):
        nb.frames = b.frames
    p4_0 = routes[0]["prefix"]
    cases = [
        ("reason", "srh_tlv_overrun counted as srh_bad_length",
         relabel("srh_tlv_overrun", reason="srh_bad_length"), routes, expect, cat),
        ("icmp-accounting", "dt4_inner_ipv6 declared silent",
         relabel("dt4_inner_ipv6", icmp=None), routes, expect, cat),
        ("capture-good", "good capture expects the TTL unchanged", cat, routes, unchanged, cat),
        ("good", f"route {p4_0} left out", cat, routes[1:], expect, cat),
        ("capture-icmp", "ICMP capture expects code + 1", cat, routes, expect, wrong_code),
    ]
    out, ok = [], True
    for k, (kind, what, declared, rts, exp, icmp_cat) in enumerate(cases, 1):
        tr = build_traffic(declared, good_frames, ratio)["mix"]
        pcap = os.path.join(wdir, "gen-mix.pcap")
        cfg = config(extra, pcap)
        log(f"negative control {k}/{len(cases)}: {what}; the {kind} check must fail")
        res = run_traffic(a, tr, cfg, rts, exp, icmp_cat, wdir, f"neg{k}", keep_going=True)
        kinds = {re.match(r"(?:window \d+: )?([a-z-]+)", x).group(1) for x in res["problems"]}
        hit = kind in kinds
        ok &= hit
        log(f"  {'failed as it should' if hit else 'DID NOT FAIL'}: "
            + ("; ".join(res["problems"][:3]) or "no problem reported"))
        out.append({"mutation": what, "check": kind, "failed": hit, "problems": res["problems"]})
    return ok, out


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------

def fmt(v, spec):
    return "-" if v is None else format(v, spec)


# three ways to read a cost from the windows: wall-clock rate (median, and the
# best window: the least disturbed on a shared machine), and the worker
# thread's own CPU time (schedstat), which leaves out time other processes
# took from its CPU
BASES = [("wall", "median window, wall clock"), ("best", "best window, wall clock"),
         ("cpu", "median window, worker's CPU time"),
         ("ir", "instructions (callgrind), median window")]


def summarise(rows, hz):
    """Per traffic and basis: Mpps, good Mpps, cycles/pkt; then for the mix,
    against the prediction from good and bad alone."""
    by = {}
    for r in rows:
        ws = [w for run in r["runs"] for w in run["windows"] if not w["problems"]]
        if not ws:
            continue
        wall = [(w["rx"] / w["seconds"] / 1e6, w["good_tx"] / w["seconds"] / 1e6) for w in ws]
        cpu = [(w["rx"] / w["worker_cpu_s"] / 1e6, w["good_tx"] / w["worker_cpu_s"] / 1e6)
               for w in ws if w.get("worker_cpu_s")]
        r["windows"] = len(ws)
        r["icmp_per_s"] = statistics.median(w["icmp_sent"] / w["seconds"] for w in ws)
        r["cpu_share"] = statistics.median(w.get("worker_cpu_share") or 0 for w in ws)
        r["cpu_share_min"] = min(w.get("worker_cpu_share") or 0 for w in ws)
        pick = {"wall": statistics.median_low(wall) if wall else None,
                "best": max(wall) if wall else None,
                "cpu": statistics.median_low(cpu) if cpu else None}
        if any(w.get("ir_per_pkt") for w in ws):
            pick = {}       # under valgrind only the instruction counts mean something
            for b in ("wall", "best", "cpu"):
                r.pop(b, None)
        for b, _ in BASES:
            if pick.get(b) is None:
                continue
            r[b] = {"mpps": pick[b][0], "good_mpps": pick[b][1],
                    "cycles": hz / (pick[b][0] * 1e6) if hz else None}
        irs = [w for w in ws if w.get("ir_per_pkt")]
        if irs:
            # instructions per packet: the worker's all, and those in srv6d's
            # own binary (without DPDK's libraries: generator rx, frees, tx)
            r["ir"] = {"cycles": statistics.median(w["ir_per_pkt"] for w in irs),
                       "pipeline": statistics.median(w["srv6d_ir_per_pkt"] for w in irs)}
        by[r["traffic"]] = r
    mixr = by.get("mix")
    if not (hz and mixr and "good" in by and "bad" in by):
        return by
    fg = mixr["good_share"]
    fb = 1 - fg
    for b, _ in BASES:
        if not all(b in by[t] for t in ("good", "bad", "mix")):
            continue
        g, x, m = by["good"][b], by["bad"][b], mixr[b]
        pred = fg * g["cycles"] + fb * x["cycles"]
        m["predicted_cycles"] = pred
        m["measured_over_predicted"] = m["cycles"] / pred
        m["good_cycles_in_mix"] = (m["cycles"] - fb * x["cycles"]) / fg
        x["bad_over_good_cost"] = x["cycles"] / g["cycles"]
        if "pipeline" in m:
            m["pipeline_predicted"] = fg * g["pipeline"] + fb * x["pipeline"]
            m["pipeline_measured_over_predicted"] = m["pipeline"] / m["pipeline_predicted"]
        if "mpps" not in m:
            continue
        m["good_mpps_predicted"] = fg * hz / pred / 1e6
        m["good_rate_vs_alone"] = m["good_mpps"] / g["mpps"]
        m["good_rate_vs_predicted"] = m["good_mpps"] / m["good_mpps_predicted"]
    # round by round (good, bad and mix adjacent in time): drifting load on a
    # shared machine moves all three of a round alike, less so across rounds
    per = []
    for k in range(min(len(by[t]["runs"]) for t in ("good", "bad", "mix"))):
        c = {}
        for t in ("good", "bad", "mix"):
            ws = [w for w in by[t]["runs"][k]["windows"] if w.get("worker_cpu_s")]
            if ws and hz:
                c[t] = statistics.median_low(hz * w["worker_cpu_s"] / w["rx"] for w in ws)
        if len(c) == 3:
            per.append(c["mix"] / (fg * c["good"] + fb * c["bad"]))
    mixr["per_round_measured_over_predicted_cpu"] = [round(v, 3) for v in per]
    return by


def print_table(rows, by, hz):
    hdr = ["traffic", "frames", "good share", "Mpps/wkr", "cyc/pkt", "best Mpps", "best cyc",
           "CPU share", "Mpps/CPU-s", "cyc/CPU-pkt", "good Mpps", "ICMP/s", "Ir/pkt",
           "srv6d Ir", "result"]
    lines = []
    for r in rows:
        wl, bs, cp, ir = (r.get(b, {}) for b in ("wall", "best", "cpu", "ir"))
        lines.append([r["traffic"], str(r["frames"]), f"{r['good_share']:.3f}",
                      fmt(wl.get("mpps"), ".3f"), fmt(wl.get("cycles"), ".1f"),
                      fmt(bs.get("mpps"), ".3f"), fmt(bs.get("cycles"), ".1f"),
                      fmt(r.get("cpu_share"), ".3f"), fmt(cp.get("mpps"), ".3f"),
                      fmt(cp.get("cycles"), ".1f"), fmt(wl.get("good_mpps"), ".3f"),
                      fmt(r.get("icmp_per_s"), ".0f"), fmt(ir.get("cycles"), ".1f"),
                      fmt(ir.get("pipeline"), ".1f"), r["result"]])
    w = [max(len(h), *(len(x[i]) for x in lines)) for i, h in enumerate(hdr)]
    fmtl = lambda x: "  ".join(v.ljust(w[i]) if i == 0 else v.rjust(w[i])  # noqa: E731
                               for i, v in enumerate(x))
    print()
    print(f"srv6d, 1 busy-polling worker, End.DT46 good traffic; Mpps = packets received per "
          f"second (good, bad or both), cycles = TSC ({(hz or 0) / 1e9:.3f} GHz) / pps;\n"
          "best = the best window; CPU share = the worker thread's time on its CPU / wall time "
          "(1: no other process took it), Mpps/CPU-s and cyc/CPU-pkt per second of that time;\n"
          "good Mpps = decapsulated packets sent on ce1; ICMP/s = Parameter Problems sent "
          "(the rest of the ICMP classes: icmp_rate_limited)")
    print(fmtl(hdr))
    print("-" * len(fmtl(hdr)))
    for x in lines:
        print(fmtl(x))
    for r in rows:
        if r.get("error"):
            print(f"  {r['traffic']}: {r['error'].splitlines()[0]}")
    m = by.get("mix")
    if not m or not any(m.get(b, {}).get("predicted_cycles") for b, _ in BASES):
        return
    fg = m["good_share"]
    g, x = by["good"], by["bad"]
    print()
    for b, label in BASES:
        if not m.get(b, {}).get("predicted_cycles"):
            continue
        mb = m[b]
        unit = "Ir" if b == "ir" else "cycles"
        print(f"{label}: a bad packet costs {x[b]['cycles']:.1f} {unit} "
              f"({x[b]['bad_over_good_cost']:.2f} x a good one, {g[b]['cycles']:.1f}); the mix "
              f"{mb['cycles']:.1f}, predicted {fg:.3f} x {g[b]['cycles']:.1f} + {1 - fg:.3f} x "
              f"{x[b]['cycles']:.1f} = {mb['predicted_cycles']:.1f} (measured/predicted "
              f"{mb['measured_over_predicted']:.3f})")
        if b == "ir":
            print(f"  in srv6d's own binary (not DPDK's libraries): good "
                  f"{g[b]['pipeline']:.1f}, bad {x[b]['pipeline']:.1f}, mix "
                  f"{mb['pipeline']:.1f} Ir/pkt, predicted "
                  f"{mb['pipeline_predicted']:.1f} (measured/predicted "
                  f"{mb['pipeline_measured_over_predicted']:.3f}); a good packet inside the "
                  f"mix {mb['good_cycles_in_mix']:.1f} Ir (alone {g[b]['cycles']:.1f})")
            continue
        print(f"  a good packet inside the mix costs {mb['good_cycles_in_mix']:.1f} cycles; good "
              f"traffic in the mix {mb['good_mpps']:.3f} Mpps = {mb['good_rate_vs_alone']:.3f} x "
              f"alone ({g[b]['mpps']:.3f}), {mb['good_rate_vs_predicted']:.3f} x the prediction "
              f"({mb['good_mpps_predicted']:.3f})")
    per = m.get("per_round_measured_over_predicted_cpu")
    if per and len(per) > 1:
        print(f"measured/predicted round by round (worker's CPU time): "
              f"{', '.join(f'{v:.3f}' for v in per)}; median {statistics.median(per):.3f}")


def parse_ratio(s):
    try:
        g, b = (int(x) for x in s.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError("G:B, two integers")
    if g < 1 or b < 1 or g > 64 or b > 64:
        raise argparse.ArgumentTypeError("G and B between 1 and 64")
    return g, b


def main(argv):
    ap = argparse.ArgumentParser(
        description="Malformed frames interleaved with End.DT46 traffic: good traffic's rate, "
                    "the cost of a bad packet, every packet accounted for.")
    ap.add_argument("--quick", action="store_true",
                    help="smoke check: 1 s windows, 1 repeat, 1 s warm-up, 100 routes")
    ap.add_argument("--window", type=float, help="seconds per window (2; quick 1)")
    ap.add_argument("--repeat", type=int, help="windows per traffic and round (3; quick 1)")
    ap.add_argument("--warmup", type=float, help="seconds before the first window (2; quick 1)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run good, bad and mix this many times in turn (default 1)")
    ap.add_argument("--routes", type=int, help="routes per VRF (1000; quick 100)")
    ap.add_argument("--frames", type=int, default=8192,
                    help="frames in each pcap (default 8192); the good ones are distinct "
                         "flows over all the routes")
    ap.add_argument("--ratio", type=parse_ratio, default=(1, 1),
                    help="the mix: G good frames then B bad ones, repeated (default 1:1)")
    ap.add_argument("--traffic", default=",".join(TRAFFICS),
                    help="which of good,bad,mix to measure (default all)")
    ap.add_argument("--batch", type=int, default=1000, help="route.add per atomic batch")
    ap.add_argument("--negative-control", action="store_true",
                    help="instead of measuring: run the mix five times, each with one "
                         "declared expectation wrong, and show each check fails")
    ap.add_argument("--callgrind", action="store_true",
                    help="also count instructions per packet (noise-free): srv6d under "
                         "valgrind's callgrind, the worker's Ir over each window; needs an "
                         "srv6d built with -Dmarch=x86-64-v2 (valgrind 3.19 lacks AVX-512), "
                         "rates then mean nothing, no captures")
    B.add_srv6d_args(ap, mem=1024, start_timeout=120)
    a = ap.parse_args(argv)
    a.workers = 1          # figures per worker core; srv6d_bench's helpers read it
    B.window_defaults(a)
    traffics = a.traffic.split(",")
    if any(t not in TRAFFICS for t in traffics):
        ap.error(f"--traffic among {TRAFFICS}")
    if min(a.repeat, a.routes, a.rounds, a.frames) < 1 or a.window <= 0:
        ap.error("--repeat, --routes, --rounds, --frames >= 1, --window > 0")
    wdir = B.start_run(ap, a, "malformed-mix")
    if a.callgrind:
        if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
            ap.error("--callgrind needs valgrind (apt-get install valgrind)")
        # srv6d_bench starts a.srv6d with its arguments: a wrapper puts
        # valgrind in front (exec: the pid stays srv6d's, for callgrind_control)
        wrapper = os.path.join(wdir, "srv6d-callgrind.sh")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\nexec valgrind --tool=callgrind --separate-threads=yes "
                    f"--instr-atstart=no --callgrind-out-file={wdir}/cg.%p {a.srv6d} \"$@\"\n")
        os.chmod(wrapper, 0o755)
        a.srv6d_real, a.srv6d = a.srv6d, wrapper
        a.no_huge = True
        a.start_timeout = max(a.start_timeout, 600)
    jpath = a.json or os.path.join(wdir, "malformed_mix.json")
    mach = B.machine_info()
    log(f"malformed mix: traffic {traffics}, {a.rounds} round(s) of {a.repeat} window(s) of "
        f"{a.window:g} s after {a.warmup:g} s; work folder {wdir}")
    log(f"machine: {mach['cpu_model']}, {mach['cpus']} CPUs, DPDK {mach['dpdk']}, "
        f"commit {mach['commit'][:12]}; memory: {B.mem_args(a, False)[1]}")
    log(f"srv6d: {a.srv6d}")
    mach["srv6d"] = getattr(a, "srv6d_real", a.srv6d)
    if mach["cpus"] < 2:
        log("warning: one CPU: main lcore and worker share it, figures are not meaningful")

    extra, routes, frames = G.plan("end_dt46", a.routes, a.frames, seed=1)
    p4 = [r["prefix"] for r in routes if ":" not in r["prefix"]]
    p6 = [r["prefix"] for r in routes if r["vrf"] == G.VRF and ":" in r["prefix"]]
    cat = catalogue(p4, p6)
    good_frames = [bytes(f) for f in frames]
    expect = {forwarded(f[14 + 40 + 24:]) for f in good_frames}
    cyc = sum(len(b.frames) for b in cat)
    tr = build_traffic(cat, good_frames, a.ratio)
    log(f"catalogue: {len(cat)} classes, {cyc} frames, {len({c.reason for c in cat})} drop "
        f"reasons, {sum(1 for c in cat if c.icmp)} classes answered with ICMP; pcaps: "
        + ", ".join(f"{t} {tr[t].n} frames" for t in TRAFFICS))
    os.chdir(B.REPO)
    pcaps = {}
    for t in TRAFFICS:
        pcaps[t] = os.path.join(wdir, f"gen-{t}.pcap")
        G.write_pcap(pcaps[t], tr[t].frames)

    if a.negative_control:
        try:
            ok, res = negative_control(a, cat, good_frames, a.ratio, extra, routes,
                                       expect, wdir)
        except KeyboardInterrupt:
            log("interrupted")
            return 130
        finally:
            B.cleanup()
        with open(jpath, "w") as f:
            json.dump({"tool": "tests/bench/malformed_mix.py --negative-control",
                       "machine": mach, "controls": res, "ok": ok}, f, indent=1)
        print(f"\nnegative control: {'every check failed as it should' if ok else 'FAILED'}"
              f"\nJSON: {jpath}")
        return 0 if ok else 1

    rows = [{"traffic": t, "frames": tr[t].n, "good_share": tr[t].n_good / tr[t].n,
             "result": "error", "runs": []} for t in traffics]
    interrupted, hz = False, None
    try:
        for rnd in range(1, a.rounds + 1):
            for r in rows:
                t = r["traffic"]
                if r["result"] == "FAILED":
                    continue
                log(f"[{t}]" + (f" round {rnd}/{a.rounds}" if a.rounds > 1 else "")
                    + f": {tr[t].n} frames, good share {r['good_share']:.3f}")
                try:
                    res = run_traffic(a, tr[t], config(extra, pcaps[t]), routes, expect, cat,
                                      wdir, f"{t}-r{rnd}")
                    r["runs"].append(res)
                    hz = res["tsc_hz"] or hz
                    r["result"] = "pass"
                    ws = res["windows"]
                    log(f"  {t}: checks passed; windows " + ", ".join(
                        f"{w['rx'] / w['seconds'] / 1e6:.3f} Mpps (good "
                        f"{w['good_tx'] / w['seconds'] / 1e6:.3f}, ICMP "
                        f"{w['icmp_sent'] / w['seconds']:.0f}/s)" for w in ws))
                except Failed as e:
                    r["error"] = str(e)
                    r["result"] = "FAILED"
                    log(f"  {t}: FAILED: {str(e).splitlines()[0]}")
    except KeyboardInterrupt:
        log("interrupted: stopping what we started")
        interrupted = True
    finally:
        B.cleanup()

    by = summarise(rows, hz)
    for r in rows:
        for k, v in list(r.items()):
            if isinstance(v, float):
                r[k] = round(v, 4)
            elif k in dict(BASES):
                r[k] = {kk: round(vv, 4) if isinstance(vv, float) else vv
                        for kk, vv in v.items()}
    print_table(rows, by, hz)
    mach["tsc_hz"] = hz
    out = {
        "tool": "tests/bench/malformed_mix.py",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": mach,
        "params": {k: getattr(a, k) for k in ("quick", "routes", "frames", "repeat", "rounds",
                                              "window", "warmup", "callgrind")}
        | {"ratio": "%d:%d" % a.ratio},
        "memory": B.mem_args(a, False)[1],
        "catalogue": [{"name": c.name, "reason": c.reason, "frames": len(c.frames),
                       "frame_len": [len(f) for f in c.frames],
                       "icmp": {"code": c.icmp[0], "pointer": list(c.icmp[1:])} if c.icmp
                       else None, "sid": c.sid} for c in cat],
        "not_in_catalogue": {"rx_oversize": "net_pcap infinite_rx refuses multi-segment "
                                            "frames (tests/pcap/cases/mal_oversize.py)"},
        "interrupted": interrupted,
        "results": rows,
    }
    with open(jpath, "w") as f:
        json.dump(out, f, indent=1)
    print(f"\nJSON: {jpath}")
    if interrupted:
        return 130
    bad = [r["traffic"] for r in rows if r["result"] != "pass"]
    if bad:
        print("failed: " + ", ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
