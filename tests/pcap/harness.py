# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""pcap test harness: run the real srv6d on net_pcap ports and check its output.

A case file (cases/<name>.py) defines scenarios() -> [Scenario, ...]. Each
scenario has a configuration, input frames per port, the expected output
packets (Exp objects, built with scapy from the RFC rules, never from the
daemon's own code) and the expected drop counters. The harness

  1. writes <dir>/<port>_in.pcap for every port (empty when a port has no input),
  2. writes cfg.json with ports "net_pcapN,rx_pcap=...,tx_pcap=...",
  3. starts srv6d, polls stats.get until every input frame was received, waits
     until the TX counters are stable, takes the final stats, sends SIGTERM and
     expects exit status 0 (net_pcap flushes tx_pcap on stop),
  4. reads <dir>/<port>_out.pcap and matches every output packet against exactly
     one expected packet (no unexpected extra packets, none missing), verifies
     every checksum of every output packet with its own code, checks the drop
     counters (reasons not named must stay 0), per-SID counters, and runs the
     scenario's extra checks (group properties, tshark wire format).

Fields are compared after scapy has dissected both the expected packet (from
its bytes) and the received one. Checksum fields are not compared: they are
verified on every output packet instead. Differences are reported as
"Layer[i].field: expected X, got Y".
"""
import ipaddress
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from srv6rpc import Rpc, RpcError  # noqa: E402

import logging  # noqa: E402

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (  # noqa: E402,F401
    ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest,
    ICMPv6PacketTooBig, ICMPv6ParamProblem, ICMPv6TimeExceeded, IPv6, IPv6ExtHdrDestOpt,
    IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, IPv6ExtHdrSegmentRouting, NoPayload, Packet,
    Padding, PadN, Raw, rdpcap, wrpcap)
from scapy.fields import ConditionalField  # noqa: E402

# ---------------------------------------------------------------------------
# Topology shared by the cases
# ---------------------------------------------------------------------------

PORTS = {
    # name: vrf, addresses, MAC (our "mac" config extension)
    "wan0": {"vrf": "default", "addresses": ["2001:db8:0:12::1/64"], "mac": "02:00:00:00:01:00"},
    "ce0": {"vrf": "L3VPN-1", "addresses": ["172.16.10.1/24", "2001:db8:1::1/64"],
            "mac": "02:00:00:00:01:01"},
    "wan1": {"vrf": "default", "addresses": ["2001:db8:0:13::1/64"], "mac": "02:00:00:00:01:02"},
    "ce1": {"vrf": "L3VPN-1", "addresses": ["172.16.11.1/24", "2001:db8:2::1/64"],
            "mac": "02:00:00:00:01:03"},
}
PORT_ORDER = ["wan0", "ce0", "wan1", "ce1"]

MAC = {p: v["mac"] for p, v in PORTS.items()}

# addresses of the router itself
WAN0_IP6 = "2001:db8:0:12::1"
WAN1_IP6 = "2001:db8:0:13::1"
CE0_IP4 = "172.16.10.1"
CE0_IP6 = "2001:db8:1::1"
CE1_IP4 = "172.16.11.1"
CE1_IP6 = "2001:db8:2::1"
ENCAP_SRC = WAN0_IP6

# neighbours (static: nothing answers ARP/ND on a pcap)
P1_IP6, P1_MAC = "2001:db8:0:12::2", "02:00:00:00:00:02"   # core router 1 on wan0
P2_IP6, P2_MAC = "2001:db8:0:12::3", "02:00:00:00:00:03"   # core router 2 on wan0
P3_IP6, P3_MAC = "2001:db8:0:13::2", "02:00:00:00:00:12"   # on wan1
P4_IP6, P4_MAC = "2001:db8:0:13::3", "02:00:00:00:00:13"   # on wan1
CE_IP4, CE_IP6, CE_MAC = "172.16.10.2", "2001:db8:1::2", "02:00:00:00:0c:02"
CE2_IP4, CE2_IP6, CE2_MAC = "172.16.10.3", "2001:db8:1::3", "02:00:00:00:0c:03"
CE3_IP4, CE3_IP6, CE3_MAC = "172.16.11.2", "2001:db8:2::2", "02:00:00:00:0d:02"
CE4_IP4, CE4_IP6, CE4_MAC = "172.16.11.3", "2001:db8:2::3", "02:00:00:00:0d:03"

NEIGHBORS = [
    ("wan0", P1_IP6, P1_MAC), ("wan0", P2_IP6, P2_MAC),
    ("wan1", P3_IP6, P3_MAC), ("wan1", P4_IP6, P4_MAC),
    ("ce0", CE_IP4, CE_MAC), ("ce0", CE_IP6, CE_MAC),
    ("ce0", CE2_IP4, CE2_MAC), ("ce0", CE2_IP6, CE2_MAC),
    ("ce1", CE3_IP4, CE3_MAC), ("ce1", CE3_IP6, CE3_MAC),
    ("ce1", CE4_IP4, CE4_MAC), ("ce1", CE4_IP6, CE4_MAC),
]

VRF1 = "L3VPN-1"

# remote PE: its locator (SIDs 2001:db8:b:N::) and loopback/encap source live in
# 2001:db8:b::/48, reached through P1
REMOTE_PE = "2001:db8:b::1"
B1, B2, B3 = "2001:db8:b:1::", "2001:db8:b:2::", "2001:db8:b:3::"
ROUTE_REMOTE_PE = {"vrf": "default", "prefix": "2001:db8:b::/48",
                   "nexthops": [{"type": "ip", "via": P1_IP6, "port": "wan0"}]}


def sid(n):
    """Local SID n of our locator 2001:db8:a::/48 (function in bits 48..63)."""
    return f"2001:db8:a:{n:x}::"


def config(ports=("wan0", "ce0"), routes=(), sids=(), vrfs=None, encap=None,
           port_extra=None, neighbors=None, extra=None):
    """A startup config for the named ports; devices are filled in by the harness."""
    cfg_ports = []
    for p in ports:
        d = {"name": p, "device": None, "vrf": PORTS[p]["vrf"],
             "addresses": list(PORTS[p]["addresses"]), "mac": PORTS[p]["mac"]}
        if port_extra and p in port_extra:
            d.update(port_extra[p])
        cfg_ports.append(d)
    if vrfs is None:
        vrfs = [{"name": VRF1, "table": 101}]
    if neighbors is None:
        neighbors = [{"port": p, "address": a, "mac": m} for p, a, m in NEIGHBORS if p in ports]
    cfg = {
        "ports": cfg_ports,
        "encap": encap or {"source": ENCAP_SRC, "hop_limit": 64, "flowlabel": "compute"},
        "vrfs": vrfs,
        "sids": list(sids),
        "routes": list(routes),
        "neighbors": neighbors,
    }
    if extra:
        cfg.update(extra)
    return cfg


# ---------------------------------------------------------------------------
# Packet helpers (independent of srv6d: plain RFC layouts)
# ---------------------------------------------------------------------------

def to_port(port, src_mac):
    """Ethernet header of a frame sent to srv6d on `port` by the neighbour `src_mac`."""
    return Ether(dst=MAC[port], src=src_mac)


def from_port(port, dst_mac):
    """Ethernet header of a frame srv6d sends on `port` to the neighbour `dst_mac`."""
    return Ether(dst=dst_mac, src=MAC[port])


def srh(segments, sl=None, nh=None, last_entry=None, **kw):
    """SRH for a segment list in visiting order [S1, ..., Sn] (RFC 8754 2: the
    Segment List is encoded in reverse, Segment List[0] = Sn). SL defaults to n-1."""
    n = len(segments)
    fields = dict(addresses=list(reversed(segments)),
                  segleft=n - 1 if sl is None else sl,
                  lastentry=n - 1 if last_entry is None else last_entry)
    if nh is not None:
        fields["nh"] = nh
    fields.update(kw)
    return IPv6ExtHdrSegmentRouting(**fields)


# ---------------------------------------------------------------------------
# Independent checksum verification (RFC 791 / 768 / 793 / 792 / 4443 / 8200 8.1)
# ---------------------------------------------------------------------------

def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def _l4_check(proto, payload, pseudo, where, errs, v6):
    if proto not in (1, 6, 17, 58):
        return
    if proto == 1 and v6:
        return
    if proto == 58 and not v6:
        return
    if proto == 17:
        if len(payload) < 8:
            errs.append(f"{where}: UDP shorter than its header")
            return
        if payload[6:8] == b"\0\0":
            if v6:
                errs.append(f"{where}: UDP checksum 0 over IPv6")
            return
    data = (pseudo if proto != 1 else b"") + payload
    if _csum(data) != 0xFFFF:
        name = {1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6"}[proto]
        errs.append(f"{where}: {name} checksum wrong")


def _check_l3(b, ethertype, where, errs, depth=0, csum_dst=None):
    if depth > 4:
        return
    if ethertype == 0x0800:
        if len(b) < 20:
            return
        ihl = (b[0] & 0xF) * 4
        if ihl < 20 or len(b) < ihl:
            return
        if _csum(b[:ihl]) != 0xFFFF:
            errs.append(f"{where}: IPv4 header checksum wrong")
        tot = struct.unpack("!H", b[2:4])[0]
        payload = b[ihl:tot]
        frag = struct.unpack("!H", b[6:8])[0]
        if frag & 0x3FFF:
            return
        proto = b[9]
        if proto == 4:
            _check_l3(payload, 0x0800, where + "/inner", errs, depth + 1, csum_dst)
        elif proto == 41:
            _check_l3(payload, 0x86DD, where + "/inner", errs, depth + 1, csum_dst)
        else:
            pseudo = b[12:20] + struct.pack("!BBH", 0, proto, len(payload))
            _l4_check(proto, payload, pseudo, where, errs, False)
    elif ethertype == 0x86DD:
        if len(b) < 40:
            return
        plen = struct.unpack("!H", b[4:6])[0]
        nh = b[6]
        src, dst = b[8:24], b[24:40]
        end = 40 + plen
        off = 40
        while nh in (0, 43, 60) and off + 8 <= end:
            hlen = (b[off + 1] + 1) * 8
            if nh == 43 and b[off + 2] == 4 and hlen >= 24:
                # RFC 8200 8.1: a routing header makes the pseudo-header use the
                # final destination, Segment List[0] for an SRH
                dst = b[off + 8:off + 24]
            nh = b[off]
            off += hlen
        if off > end:
            return
        # a compressed-SID container (RFC 9800 6.5): the sender used the
        # destination the last C-SID leaves, which the scenario names
        if csum_dst:
            dst = csum_dst.get(bytes(dst), dst)
        payload = b[off:end]
        if nh == 4:
            _check_l3(payload, 0x0800, where + "/inner", errs, depth + 1, csum_dst)
        elif nh == 41:
            _check_l3(payload, 0x86DD, where + "/inner", errs, depth + 1, csum_dst)
        else:
            pseudo = src + dst + struct.pack("!IxxxB", len(payload), nh)
            _l4_check(nh, payload, pseudo, where, errs, True)


def checksum_errors(frame, csum_dst=None):
    """Verify IPv4 header and ICMP/ICMPv6/UDP/TCP checksums of a frame, recursing
    into encapsulated packets. ICMP error quotes are not looked into.
    csum_dst: {IPv6 DA: the destination the pseudo-header uses} as text."""
    errs = []
    if csum_dst:
        csum_dst = {socket.inet_pton(socket.AF_INET6, k): socket.inet_pton(socket.AF_INET6, v)
                    for k, v in csum_dst.items()}
    if len(frame) >= 14:
        et = struct.unpack("!H", frame[12:14])[0]
        _check_l3(frame[14:], et, "frame", errs, 0, csum_dst)
    return errs


# ---------------------------------------------------------------------------
# Quote checks for ICMP errors
# ---------------------------------------------------------------------------

def quote_v6(orig, mask_hlim=True):
    """RFC 4443 2.4(c): as much of the invoking packet as possible without the
    ICMPv6 message exceeding 1280 bytes (1280 - 40 - 8 = 1232 bytes of quote).
    The hop limit may be masked: some routers quote it after decrementing."""
    exp = orig[:1232]

    def check(got):
        errs = []
        if len(got) != len(exp):
            errs.append(f"quote length: expected {len(exp)}, got {len(got)}")
        a, b = bytearray(exp[:len(got)]), bytearray(got[:len(exp)])
        if mask_hlim and len(a) > 7 and len(b) > 7:
            a[7] = b[7] = 0
        if a != b:
            i = next(i for i in range(min(len(a), len(b))) if a[i] != b[i]) \
                if any(x != y for x, y in zip(a, b)) else min(len(a), len(b))
            errs.append(f"quote differs from the invoking packet at byte {i}: "
                        f"expected {bytes(a[i:i + 8]).hex()}, got {bytes(b[i:i + 8]).hex()}")
        return errs
    return check


def quote_v4(orig):
    """RFC 792: the IP header + at least 8 bytes of the original datagram;
    RFC 1812 4.3.2.3: as much as fits in 576 bytes. TTL and header checksum
    are masked (a router may quote the header after decrementing the TTL)."""
    ihl = (orig[0] & 0xF) * 4

    def check(got):
        errs = []
        lo, hi = min(ihl + 8, len(orig)), min(len(orig), 576 - 20 - 8)
        if not lo <= len(got) <= hi:
            errs.append(f"quote length {len(got)} not in [{lo}, {hi}]")
        a, b = bytearray(orig[:len(got)]), bytearray(got[:len(orig)])
        for i in (8, 10, 11):
            if i < len(a) and i < len(b):
                a[i] = b[i] = 0
        n = min(len(a), len(b))
        if a[:n] != b[:n]:
            i = next(i for i in range(n) if a[i] != b[i])
            errs.append(f"quote differs from the invoking datagram at byte {i}: "
                        f"expected {bytes(a[i:i + 8]).hex()}, got {bytes(b[i:i + 8]).hex()}")
        return errs
    return check


# ---------------------------------------------------------------------------
# Field flattening and comparison
# ---------------------------------------------------------------------------

CHECKSUM_FIELDS = {"chksum", "cksum"}


def _norm(v):
    if isinstance(v, Packet):
        return bytes(v)
    if isinstance(v, (list, tuple)):
        return [_norm(x) for x in v]
    if isinstance(v, (bytes, str, int, float)) or v is None:
        return v
    try:
        return int(v)
    except (TypeError, ValueError):
        return str(v)


def flatten(pkt, raw_after=None):
    """[(path, value)] for every dissected field, layer by layer. `raw_after` names a
    layer class after which the rest is kept as bytes under "<layer>.payload"."""
    out = []
    counts = {}
    layer = pkt
    while layer is not None and not isinstance(layer, NoPayload):
        name = type(layer).__name__
        if name == "Padding":
            break
        idx = counts.get(name, 0)
        counts[name] = idx + 1
        key = f"{name}[{idx}]"
        if name == "Raw":
            out.append((f"{key}.load", bytes(layer.load)))
            break
        for f in layer.fields_desc:
            if f.name not in layer.fields:
                continue
            if isinstance(f, ConditionalField) and not f._evalcond(layer):
                continue
            out.append((f"{key}.{f.name}", _norm(layer.fields[f.name])))
        if raw_after and name == raw_after:
            pl = layer.payload
            raw = b"" if isinstance(pl, NoPayload) else bytes(getattr(pl, "original", None) or pl)
            out.append((f"{key}.payload", raw))
            break
        layer = layer.payload
    return out


def _match_pattern(pattern, path):
    # pattern "IPv6.fl" matches any IPv6[i].fl; "IPv6[1].fl" only that one
    lp, _, fp = pattern.partition(".")
    lpath, _, fpath = path.partition(".")
    if fp != fpath:
        return False
    if "[" in lp:
        return lp == lpath
    return lpath.split("[")[0] == lp


def _fmt(v):
    if isinstance(v, bytes):
        return v.hex() if len(v) <= 24 else f"{v[:24].hex()}... ({len(v)} bytes)"
    return repr(v)


class Exp:
    """One expected output packet.

    pkt       scapy packet from Ether on (checksums and lengths are computed by scapy)
    port      output port name
    ignore    field patterns not compared ("IPv6.fl", "IPv6[0].tc", "IP.id")
    checks    {pattern: (predicate, "description")}: replaces equality for that field
    raw_after layer name after which the packet is compared with payload_check(bytes)
    optional  True: may appear (at most once), need not
    tag       free label for scenario-level checks (e.g. a flow id)
    """

    def __init__(self, pkt, port, ignore=(), checks=None, raw_after=None, payload_check=None,
                 optional=False, tag=None, desc=None):
        self.pkt = pkt
        self.port = port
        self.ignore = list(ignore)
        self.checks = checks or {}
        self.raw_after = raw_after
        self.payload_check = payload_check
        self.optional = optional
        self.tag = tag
        self.desc = desc or pkt.summary()
        self._flat = None

    def flat(self):
        if self._flat is None:
            self._flat = flatten(Ether(bytes(self.pkt)), self.raw_after)
        return self._flat

    def diff(self, got_pkt):
        """List of differences (empty = match)."""
        exp = self.flat()
        got = flatten(got_pkt, self.raw_after)
        gd = dict(got)
        ed = dict(exp)
        errs = []
        for path, ev in exp:
            field = path.partition(".")[2]
            if field in CHECKSUM_FIELDS:
                continue
            if self.raw_after and path.endswith(".payload") and path.startswith(self.raw_after + "["):
                if path not in gd:
                    errs.append(f"{path}: missing")
                elif self.payload_check:
                    errs += [f"{path}: {m}" for m in self.payload_check(gd[path])]
                elif gd[path] != ev:
                    errs.append(f"{path}: expected {_fmt(ev)}, got {_fmt(gd[path])}")
                continue
            chk = next((c for p, c in self.checks.items() if _match_pattern(p, path)), None)
            if chk:
                if path not in gd:
                    errs.append(f"{path}: missing")
                elif not chk[0](gd[path]):
                    errs.append(f"{path}: expected {chk[1]}, got {_fmt(gd[path])}")
                continue
            if any(_match_pattern(p, path) for p in self.ignore):
                continue
            if path not in gd:
                errs.append(f"{path}: expected {_fmt(ev)}, missing (layers differ)")
            elif gd[path] != ev:
                errs.append(f"{path}: expected {_fmt(ev)}, got {_fmt(gd[path])}")
        for path, gv in got:
            if path not in ed and path.partition(".")[2] not in CHECKSUM_FIELDS:
                errs.append(f"{path}: unexpected field/layer (got {_fmt(gv)})")
        return errs


class Scenario:
    """One daemon run.

    inputs      {port: [scapy frames or raw bytes]}
    expect      [Exp]
    drops       {reason: count}; every reason not named must be 0
    drops_total optional total drop count when the reason is not pinned
    sid_packets {sid: packets} checked against stats.get "sids"
    post_checks [f(result) -> [error strings]]
    workers     datapath workers (default 1): with more, every port gets one
                tx_pcap per worker (<port>_out.pcap, <port>_out1.pcap, ...;
                Result.out_q) and EAL maps the lcores onto SRV6D_LCORES' CPUs
    rpc_after   [method]: called after the run, answers in Result.rpc
    eal_args    more EAL arguments (e.g. a --vdev crypto device)
    csum_dst    {DA: ultimate DA} for the checksum check of C-SID containers
    """

    def __init__(self, name, config, inputs, expect=(), drops=None, drops_total=None,
                 sid_packets=None, post_checks=(), note=None, workers=1, rpc_after=(),
                 eal_args=(), csum_dst=None):
        self.name = name
        self.config = config
        self.inputs = inputs
        self.expect = list(expect)
        self.drops = drops or {}
        self.drops_total = drops_total
        self.sid_packets = sid_packets or {}
        self.csum_dst = csum_dst or {}
        self.post_checks = list(post_checks)
        self.note = note
        self.workers = workers
        self.rpc_after = list(rpc_after)
        self.eal_args = list(eal_args)


class Result:
    def __init__(self, dir):
        self.dir = dir
        self.out = {}          # port -> [raw frame bytes], every TX queue's in turn
        self.out_q = {}        # port -> [[raw frame bytes] of TX queue q]
        self.pkts = {}         # port -> [Ether]
        self.stats = None
        self.rpc = {}          # method -> result (or {"error": ...}) of Scenario.rpc_after
        self.port_list = None
        self.log = ""
        self.rc = None
        self.matches = {}      # id(Exp) -> got Ether
        self.by_tag = {}       # tag -> [(Exp, got Ether)]

    def pcap(self, port, queue=0):
        return os.path.join(self.dir, f"{port}_out{queue or ''}.pcap")

    def drops(self):
        return (self.stats or {}).get("drops", {})


class HarnessError(Exception):
    pass


# ---------------------------------------------------------------------------
# Running the daemon
# ---------------------------------------------------------------------------

def srv6d_path():
    p = os.environ.get("SRV6D")
    if p:
        return os.path.abspath(p)
    bd = os.environ.get("BUILD_DIR", "build")
    if not os.path.isabs(bd) and not os.path.isdir(bd):
        bd = os.path.join(REPO, bd)
    return os.path.abspath(os.path.join(bd, "app", "srv6d", "srv6d"))


def _write_pcap(path, frames):
    """Classic pcap, Ethernet link type, the frames' bytes exactly as given (a
    malformed frame must not go through a scapy re-build)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        t = int(time.time())
        for i, fr in enumerate(frames):
            b = bytes(fr)
            f.write(struct.pack("<IIII", t, i, len(b), len(b)))
            f.write(b)


def _read_pcap(path):
    if not os.path.exists(path):
        raise HarnessError(f"{path}: no tx pcap written")
    if os.path.getsize(path) <= 24:
        return []
    return [bytes(p) for p in rdpcap(path)]


_run_seq = [0]


def _cpus(spec):
    """The CPUs of an EAL core list such as "0,1" or "2-5"."""
    out = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    return out


def lcore_args(workers):
    """EAL lcore arguments: SRV6D_LCORES as -l for one worker; for more, the
    main lcore on its first CPU and the workers round robin over the others
    (several workers on one CPU where there are too few: a functional test)."""
    spec = os.environ.get("SRV6D_LCORES", "0,1")
    if workers <= 1:
        return ["-l", spec]
    cpus = _cpus(spec)
    rest = cpus[1:] or cpus[:1]
    mapping = [f"0@{cpus[0]}"] + [f"{i}@{rest[(i - 1) % len(rest)]}"
                                  for i in range(1, workers + 1)]
    return ["--lcores", ",".join(mapping)]


def _rx_sum(stats):
    return sum(p.get("rx_packets", 0) for p in stats.get("ports", []))


def _tx_sum(stats):
    return sum(p.get("tx_packets", 0) for p in stats.get("ports", []))


def run_daemon(sc, workdir, timeout=20.0):
    """Run srv6d for one scenario; returns a Result (raises HarnessError)."""
    res = Result(workdir)
    os.makedirs(workdir, exist_ok=True)
    cfg = json.loads(json.dumps(sc.config))
    n_in = 0
    for i, p in enumerate(cfg["ports"]):
        name = p["name"]
        inp = os.path.join(workdir, f"{name}_in.pcap")
        frames = sc.inputs.get(name, [])
        n_in += len(frames)
        _write_pcap(inp, frames)
        # net_pcap: one TX queue per tx_pcap; srv6d wants one per worker
        tx = ",".join(f"tx_pcap={res.pcap(name, q)}" for q in range(max(1, sc.workers)))
        p["device"] = f"net_pcap{i},rx_pcap={inp},{tx}"
    for name in sc.inputs:
        if name not in [p["name"] for p in cfg["ports"]]:
            raise HarnessError(f"input for port {name} which is not in the config")
    cfg_path = os.path.join(workdir, "cfg.json")
    with open(cfg_path, "w") as f:
        json.dump(cfg, f, indent=2)
    sock = os.path.join(workdir, "s.sock")
    _run_seq[0] += 1
    prefix = f"pcap{os.getpid()}x{_run_seq[0]}"
    # DPDK 22.11 treats --no-huge as legacy memory, which --in-memory refuses;
    # --no-huge --no-shconf leaves no file behind either
    cmd = [srv6d_path(), *lcore_args(sc.workers), "--no-pci", "--no-huge", "-m", "1024",
           "--no-shconf", "--file-prefix", prefix, *sc.eal_args,
           "--", "--config", cfg_path, "--socket", sock]
    with open(os.path.join(workdir, "cmd.txt"), "w") as f:
        f.write(" ".join(cmd) + "\n")
    log_path = os.path.join(workdir, "srv6d.log")
    logf = open(log_path, "wb")
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, cwd=workdir)
    rpc = None
    deadline = time.monotonic() + timeout

    def readlog():
        with open(log_path, "rb") as f:
            return f.read().decode(errors="replace")

    try:
        # wait for the socket
        while True:
            if proc.poll() is not None:
                raise HarnessError(f"srv6d exited with status {proc.returncode} before its "
                                   f"socket came up")
            if os.path.exists(sock):
                try:
                    rpc = Rpc(sock, timeout=5.0)
                    break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                raise HarnessError(f"socket {sock} did not come up in {timeout:.0f} s")
            time.sleep(0.05)
        # wait until every input frame was received
        stats = rpc.call("stats.get")
        while _rx_sum(stats) < n_in:
            if proc.poll() is not None:
                raise HarnessError(f"srv6d exited with status {proc.returncode} while "
                                   f"receiving")
            if time.monotonic() > deadline:
                raise HarnessError(f"only {_rx_sum(stats)} of {n_in} input frames received "
                                   f"in {timeout:.0f} s; ports: {json.dumps(stats.get('ports'))}")
            time.sleep(0.05)
            stats = rpc.call("stats.get")
        if _rx_sum(stats) > n_in:
            raise HarnessError(f"{_rx_sum(stats)} frames received, only {n_in} sent")
        # let TX drain: wait 200 ms, then until the TX counters stay still
        time.sleep(0.2)
        prev = rpc.call("stats.get")
        for _ in range(20):
            time.sleep(0.1)
            cur = rpc.call("stats.get")
            if _tx_sum(cur) == _tx_sum(prev):
                break
            prev = cur
        res.stats = cur
        try:
            res.port_list = rpc.call("port.list")
        except RpcError as e:
            res.port_list = {"error": str(e)}
        for method in getattr(sc, "rpc_after", []):
            try:
                res.rpc[method] = rpc.call(method)
            except RpcError as e:
                res.rpc[method] = {"error": str(e)}
        rpc.close()
        rpc = None
        proc.send_signal(signal.SIGTERM)
        try:
            res.rc = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise HarnessError("srv6d did not exit within 10 s of SIGTERM")
        if res.rc != 0:
            raise HarnessError(f"srv6d exit status {res.rc} after SIGTERM (expected 0)")
    except (RpcError, ConnectionError, OSError, ValueError) as e:
        raise HarnessError(f"control socket: {e}")
    finally:
        if rpc:
            rpc.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        logf.close()
        res.log = readlog()
        with open(os.path.join(workdir, "stats.json"), "w") as f:
            json.dump({"stats": res.stats, "port.list": res.port_list}, f, indent=2)
    for p in cfg["ports"]:
        qs = [_read_pcap(res.pcap(p["name"], q)) for q in range(max(1, sc.workers))]
        raw = [b for q in qs for b in q]
        res.out_q[p["name"]] = qs
        res.out[p["name"]] = raw
        res.pkts[p["name"]] = [Ether(b) for b in raw]
    return res


# ---------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------

def _norm_sid(s):
    s = s.split("/")[0] if s.endswith("/128") else s
    try:
        return str(ipaddress.ip_network(s, strict=False)) if "/" in s \
            else str(ipaddress.ip_address(s))
    except ValueError:
        return s


def check(sc, res):
    errs = []
    # port MACs as configured
    if isinstance(res.port_list, list):
        for p in res.port_list:
            want = next((c.get("mac") for c in sc.config["ports"] if c["name"] == p.get("name")),
                        None)
            if want and str(p.get("mac", "")).lower() != want.lower():
                errs.append(f"port.list: {p.get('name')} has MAC {p.get('mac')}, config says "
                            f"{want}")
    # output packets
    exps_by_port = {}
    for e in sc.expect:
        exps_by_port.setdefault(e.port, []).append(e)
    for port in list(res.pkts.keys()) + [p for p in exps_by_port if p not in res.pkts]:
        got = res.pkts.get(port, [])
        exps = exps_by_port.get(port, [])
        used = set()
        for n, g in enumerate(got):
            where = f"{port} out #{n + 1}"
            for m in checksum_errors(res.out[port][n], sc.csum_dst):
                errs.append(f"{where}: {m}")
            hit = None
            for i, e in enumerate(exps):
                if i in used:
                    continue
                if not e.diff(g):
                    hit = i
                    break
            if hit is not None:
                used.add(hit)
                res.matches[id(exps[hit])] = g
                res.by_tag.setdefault(exps[hit].tag, []).append((exps[hit], g))
                continue
            # unexpected: show the closest expectation
            best = None
            for i, e in enumerate(exps):
                d = e.diff(g)
                if best is None or len(d) < len(best[1]):
                    best = (i, d)
            msg = f"{where}: unexpected packet {g.summary()}"
            if best:
                e = exps[best[0]]
                state = "already matched" if best[0] in used else "unmatched"
                msg += f"\n      closest expectation ({state}) '{e.desc}':\n        " + \
                    "\n        ".join(best[1][:15])
            else:
                msg += " (nothing expected on this port)"
            errs.append(msg)
        for i, e in enumerate(exps):
            if i not in used and not e.optional:
                errs.append(f"{port}: missing expected packet '{e.desc}'")
    if res.stats is None:
        errs.append("no stats")
        return errs
    # every port counter consistent with its pcap
    for p in res.stats.get("ports", []):
        name = p.get("name")
        if name in res.out and p.get("tx_packets") != len(res.out[name]):
            errs.append(f"stats: {name} tx_packets {p.get('tx_packets')} but {len(res.out[name])} "
                        f"frames in {name}_out.pcap")
    # drops
    drops = res.drops()
    for reason, n in sc.drops.items():
        if reason not in drops:
            errs.append(f"drops.{reason}: reason missing from stats.get")
        elif drops[reason] != n:
            errs.append(f"drops.{reason}: expected {n}, got {drops[reason]}")
    if sc.drops_total is not None:
        tot = sum(drops.values())
        if tot != sc.drops_total:
            errs.append(f"drops: expected {sc.drops_total} in total, got {tot} "
                        f"({ {k: v for k, v in drops.items() if v} })")
    else:
        for reason, n in drops.items():
            if reason not in sc.drops and n:
                errs.append(f"drops.{reason}: expected 0, got {n}")
    # SIDs
    if sc.sid_packets:
        table = {_norm_sid(s.get("sid", "")): s for s in res.stats.get("sids", [])}
        for s, n in sc.sid_packets.items():
            ent = table.get(_norm_sid(s))
            if ent is None:
                errs.append(f"sids: {s} missing from stats.get")
            elif ent.get("packets") != n:
                errs.append(f"sids: {s} ({ent.get('behavior')}) packets expected {n}, got "
                            f"{ent.get('packets')}")
    for f in sc.post_checks:
        try:
            errs += f(res)
        except Exception as e:  # a crashing check is a failure, with its reason
            errs.append(f"check {getattr(f, '__name__', f)} raised {type(e).__name__}: {e}")
    return errs


def summary(res):
    lines = []
    if res.stats:
        for p in res.stats.get("ports", []):
            lines.append(f"    port {p.get('name')}: rx {p.get('rx_packets')} tx {p.get('tx_packets')}"
                         f" drops {p.get('drops')}")
        nz = {k: v for k, v in res.drops().items() if v}
        lines.append(f"    drops: {nz if nz else 'none'}")
        sids = [f"{s.get('sid')}={s.get('packets')}" for s in res.stats.get("sids", [])
                if s.get("packets")]
        if sids:
            lines.append(f"    sids: {', '.join(sids)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# tshark
# ---------------------------------------------------------------------------

def tshark_frames(pcap):
    """Frames of a pcap as tshark's JSON layers (duplicate keys merged into lists)."""
    out = subprocess.run(["tshark", "-r", pcap, "-T", "json", "--no-duplicate-keys"],
                         capture_output=True, check=True)
    return [f["_source"]["layers"] for f in json.loads(out.stdout or b"[]")]


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def first(v):
    return v[0] if isinstance(v, list) else v


def ipv6_layers(layers):
    """The ipv6 layer dicts of one frame, outer first."""
    return as_list(layers.get("ipv6"))


# ---------------------------------------------------------------------------
# Running cases
# ---------------------------------------------------------------------------

def load_case(name):
    import importlib.util
    path = os.path.join(HERE, "cases", f"{name}.py")
    if not os.path.exists(path):
        raise HarnessError(f"no case {name} ({path})")
    spec = importlib.util.spec_from_file_location(f"pcapcase_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def list_cases():
    d = os.path.join(HERE, "cases")
    return sorted(f[:-3] for f in os.listdir(d) if f.endswith(".py") and not f.startswith("_"))


def run_case(name, keep=False, out=sys.stdout):
    """Run every scenario of a case; returns True when all pass."""
    mod = load_case(name)
    base = tempfile.mkdtemp(prefix=f"srv6d-pcap-{name}-")
    ok = True
    for sc in mod.scenarios():
        wd = os.path.join(base, sc.name)
        t0 = time.monotonic()
        try:
            res = run_daemon(sc, wd)
            errs = check(sc, res)
        except HarnessError as e:
            res = None
            errs = [f"harness: {e}"]
        dt = time.monotonic() - t0
        if errs:
            ok = False
            print(f"FAIL {name}/{sc.name} ({dt:.1f} s) — {wd}", file=out)
            for m in errs:
                print(f"  - {m}", file=out)
            if res is not None:
                print(summary(res), file=out)
            log = res.log if res is not None else _safe_read(os.path.join(wd, "srv6d.log"))
            if log:
                tail = "\n".join(log.rstrip().splitlines()[-25:])
                print("  srv6d log (tail):\n    " + tail.replace("\n", "\n    "), file=out)
        else:
            print(f"ok   {name}/{sc.name} ({dt:.1f} s)", file=out)
    if ok and not keep:
        shutil.rmtree(base, ignore_errors=True)
    elif ok:
        print(f"  kept {base}", file=out)
    out.flush()
    return ok


def _safe_read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


# ---------------------------------------------------------------------------
# Expectation builders shared by the cases
# ---------------------------------------------------------------------------

# fields a router chooses freely in packets it originates
ICMP6_GEN_IGNORE = ["IPv6[0].tc", "IPv6[0].fl"]
ICMP4_GEN_IGNORE = ["IP[0].tos", "IP[0].id", "IP[0].flags"]


def l3(frame):
    """The IP or IPv6 packet of a frame, re-dissected from its bytes."""
    b = bytes(frame)[14:]
    return IP(b) if (b[0] >> 4) == 4 else IPv6(b)


def forwarded(frame, dec=1):
    """The L3 packet of `frame` as a router forwards it: TTL / hop limit - dec,
    IPv4 header checksum recomputed (RFC 791, RFC 8200 3)."""
    p = l3(frame)
    if isinstance(p, IP):
        p.ttl -= dec
        p.chksum = None
    else:
        p.hlim -= dec
    return p


def h_encaps(inner, segments, red=False, src=ENCAP_SRC, hlim=64, fl=0, tc=0):
    """RFC 8986 5.1 H.Encaps / 5.2 H.Encaps.Red around an L3 packet `inner`.

    H.Encaps: SRH with Segment List = segments reversed, SL = Last Entry = n-1,
    outer DA = first segment (always an SRH, even for one segment: doc/api.md).
    H.Encaps.Red: the first segment is left out of the SRH: Last Entry = n-2,
    SL = n-1; no SRH at all for one segment."""
    nh = 4 if isinstance(inner, IP) else 41
    n = len(segments)
    outer = IPv6(src=src, dst=segments[0], hlim=hlim, tc=tc, fl=fl)
    if red and n == 1:
        outer.nh = nh
        return outer / inner
    if red:
        s = IPv6ExtHdrSegmentRouting(nh=nh, addresses=list(reversed(segments[1:])),
                                     segleft=n - 1, lastentry=n - 2)
    else:
        s = IPv6ExtHdrSegmentRouting(nh=nh, addresses=list(reversed(segments)),
                                     segleft=n - 1, lastentry=n - 1)
    outer.nh = 43
    return outer / s / inner


def icmp6_error(port, dst_mac, src, dst, icmp, invoking, mask_hlim=True, desc=None, tag=None):
    """An ICMPv6 error srv6d must send: `icmp` is the ICMPv6 header layer,
    `invoking` the frame (or IPv6 bytes) that caused it."""
    orig = bytes(invoking)[14:] if isinstance(invoking, Packet) else bytes(invoking)
    pkt = from_port(port, dst_mac) / IPv6(src=src, dst=dst, hlim=64) / icmp / Raw(orig[:1232])
    return Exp(pkt, port, ignore=ICMP6_GEN_IGNORE, raw_after=type(icmp).__name__,
               payload_check=quote_v6(orig, mask_hlim), desc=desc or f"{icmp.summary()} to {dst}",
               tag=tag)


def icmp4_error(port, dst_mac, src, dst, icmp, invoking, desc=None, tag=None):
    """An ICMP (IPv4) error srv6d must send; the quote length may vary (RFC 792 /
    RFC 1812 4.3.2.3), so IP total length is not compared, the quote is checked."""
    orig = bytes(invoking)[14:] if isinstance(invoking, Packet) else bytes(invoking)
    ihl = (orig[0] & 0xF) * 4
    pkt = from_port(port, dst_mac) / IP(src=src, dst=dst, ttl=64) / icmp / Raw(orig[:ihl + 8])
    return Exp(pkt, port, ignore=ICMP4_GEN_IGNORE + ["IP[0].len"], raw_after="ICMP",
               payload_check=quote_v4(orig), desc=desc or f"{icmp.summary()} to {dst}", tag=tag)


def _inner_dst(layers):
    ip = layers.get("ip")
    if ip is not None:
        return first(ip).get("ip.dst")
    v6 = ipv6_layers(layers)
    return v6[1].get("ipv6.dst") if len(v6) > 1 else None


def tshark_srh_check(port, want):
    """A post-check on <port>_out.pcap decoded by tshark (-T json): the outer IPv6
    header of every frame carries the SRH described by want[inner destination]:
    a dict of expected values for nxt, len, segleft, last_entry and addrs (wire
    order), or None for "no routing header". Type 4, flags 0 and tag 0 are
    always expected."""
    def chk(res):
        errs = []
        frames = tshark_frames(res.pcap(port))
        for n, layers in enumerate(frames):
            where = f"tshark {port} frame {n + 1}"
            v6 = ipv6_layers(layers)
            if not v6:
                errs.append(f"{where}: no IPv6 layer")
                continue
            outer = v6[0]
            key = _inner_dst(layers)
            if key not in want:
                errs.append(f"{where}: no expectation for inner destination {key}")
                continue
            spec = want[key]
            rt = outer.get("ipv6.routing")
            if spec is None:
                if rt is not None:
                    errs.append(f"{where}: unexpected routing header {json.dumps(rt)}")
                continue
            if rt is None:
                errs.append(f"{where}: no ipv6.routing in the outer header")
                continue
            rt = first(rt)
            got = {
                "type": rt.get("ipv6.routing.type"),
                "nxt": rt.get("ipv6.routing.nxt"),
                "len": rt.get("ipv6.routing.len"),
                "segleft": rt.get("ipv6.routing.segleft"),
                "last_entry": rt.get("ipv6.routing.srh.last_entry"),
                "flags": rt.get("ipv6.routing.srh.flags"),
                "tag": rt.get("ipv6.routing.srh.tag"),
                "addrs": [str(ipaddress.ip_address(a))
                          for a in as_list(rt.get("ipv6.routing.srh.addr"))],
            }
            exp = {"type": "4", "flags": "0x00", "tag": "00:00"}
            for k, v in spec.items():
                exp[k] = [str(ipaddress.ip_address(a)) for a in v] if k == "addrs" else str(v)
            for k, v in exp.items():
                if got.get(k) != v:
                    errs.append(f"{where}: ipv6.routing.{k if k in ('type', 'nxt', 'len', 'segleft') else 'srh.' + k}"
                                f" expected {v}, got {got.get(k)}")
            if outer.get("ipv6.nxt") != "43":
                errs.append(f"{where}: ipv6.nxt {outer.get('ipv6.nxt')}, expected 43")
        return errs
    chk.__name__ = f"tshark_srh_{port}"
    return chk


def flow_label_check(mode, tags=None):
    """A post-check on the matched encapsulated packets with tags ("fl", flow):
    compute: non-zero, one label per flow, more than one label over the flows;
    zero: 0 (also checked per packet); inherit: checked per packet."""
    def chk(res):
        errs = []
        per_flow = {}
        for tag, items in res.by_tag.items():
            if not (isinstance(tag, tuple) and tag and tag[0] == "fl"):
                continue
            per_flow[tag] = {g[IPv6].fl for _, g in items}
        if not per_flow:
            return ["flow label check: no encapsulated packet matched"]
        for tag, labels in sorted(per_flow.items(), key=str):
            if len(labels) != 1:
                errs.append(f"flow {tag[1:]}: several flow labels {sorted(labels)} (must be "
                            f"stable per flow)")
        if mode == "compute":
            allv = set().union(*per_flow.values())
            if 0 in allv:
                errs.append("flow label 0 with flowlabel compute")
            if len(per_flow) >= 4 and len(allv) < 2:
                errs.append(f"{len(per_flow)} flows all got flow label {sorted(allv)}")
        return errs
    chk.__name__ = f"flow_label_{mode}"
    return chk


def ecmp_check(prefix, macs, min_share=0.15):
    """A post-check on packets tagged (prefix, flow): each flow sticks to one next
    hop (destination MAC), every next hop in `macs` is used by at least
    min_share of the flows."""
    def chk(res):
        errs = []
        per_flow = {}
        for tag, items in res.by_tag.items():
            if isinstance(tag, tuple) and tag and tag[0] == prefix:
                per_flow[tag] = [g[Ether].dst for _, g in items]
        if not per_flow:
            return [f"ECMP {prefix}: no packet matched"]
        use = {m: 0 for m in macs}
        for tag, dsts in per_flow.items():
            if len(set(dsts)) != 1:
                errs.append(f"ECMP {prefix} flow {tag[1:]}: spread over {sorted(set(dsts))}")
            for d in set(dsts):
                use[d] = use.get(d, 0) + 1
        for m in macs:
            if use.get(m, 0) < min_share * len(per_flow):
                errs.append(f"ECMP {prefix}: next hop {m} used by {use.get(m, 0)} of "
                            f"{len(per_flow)} flows")
        return errs
    chk.__name__ = f"ecmp_{prefix}"
    return chk


def arrival_forms(sid_addr, inner, src=REMOTE_PE):
    """The ways an encapsulated packet reaches its final SID (SL 0), as frames from
    P1 on wan0: 'srh1' H.Encaps with one segment (SRH, SL 0: Linux and FRR
    always push it), 'red' H.Encaps.Red with one segment (no SRH), 'srh3' an SRH
    of three segments whose last one is ours (SL 0 after two End hops)."""
    nh = 4 if isinstance(inner, IP) else 41
    base = to_port("wan0", P1_MAC) / IPv6(src=src, dst=sid_addr, hlim=61)
    return [
        ("srh1", base.copy() / srh([sid_addr], sl=0, nh=nh) / inner),
        ("red", base.copy() / inner),
        ("srh3", base.copy() / srh([B1, B2, sid_addr], sl=0, nh=nh) / inner),
    ]


def dec(pkt, n=1):
    """A copy of an L3 packet (IP or IPv6, scapy) with TTL / hop limit - n."""
    b = bytes(pkt)
    if (b[0] >> 4) == 4:
        p = IP(b)
        p.ttl -= n
        p.chksum = None
    else:
        p = IPv6(b)
        p.hlim -= n
    return p
