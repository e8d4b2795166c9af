#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""srv6d benchmark: srv6d as users start it, side by side with dpdk-testpmd.

Run through tools/bench.sh (as root, after tools/deps.sh and a build). For
every case (one behaviour, one table size) it

  1. builds a generator pcap with scapy (gen_pcaps.py): packets to the
     case's routes or SIDs, one flow each, the gen0 port's MAC as destination;
  2. runs `dpdk-testpmd` io forwarding over the same kind of ports (net_pcap
     infinite_rx generator -> net_null sink, one forwarding core per worker),
     R windows, and keeps the median: the reference, the cost of moving a
     packet through these vdevs and nothing else;
  3. starts build/app/srv6d/srv6d with EAL arguments and a JSON configuration
     (gen0 = net_pcap infinite_rx, core0 and ce1 = net_null), loads the
     case's routes through the control socket in atomic batches, checks a few
     output packets with a capture (the behaviour really applied), then
     measures R windows from stats.get: packets sent on the output port per
     second, with zero drops, every received packet sent, and the SID counter
     following where there is one. A case that fails a check reports no rate.

Both programs run adjacent in time for each case, with the same pcap (the
generator's copy cost depends on the frame size), so machine noise hits both
alike. cycles/pkt = TSC Hz / (pps per worker): the workers busy-poll
(`idle_sleep_us` 0, checked: no idle sleeps in the windows), so every cycle
of the worker's core went into the packets it forwarded. The TSC rate is the
one DPDK calibrated, read from srv6d's and testpmd's EAL log.

Where tests/bench/linux_fwd.sh exists and we are root, its figures (the
Linux kernel forwarding in namespaces) are run and shown beside ours.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import gen_pcaps as G  # noqa: E402

sys.path.insert(0, os.path.join(REPO, "tests", "pcap"))
import srv6rpc  # noqa: E402

TARGET = 40          # cycles of SRv6 work per packet, 1k-route VRF (issue 8)
TARGET_BIG = 120     # same, big table with random destinations
LINUX_TARGET = 50    # srv6d Mpps per core over the kernel's
LINUX_CASES = {"ipv4_forward", "ipv6_forward", "end", "end_dt4", "end_dt6"}

_procs = []          # every process we started, for the cleanup


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Failed(Exception):
    """A case that cannot report a rate."""


# ---------------------------------------------------------------------------
# processes
# ---------------------------------------------------------------------------

def spawn(cmd, logpath, **kw):
    """Start cmd in its own session (a Ctrl-C on the terminal reaches us, and
    we stop it in order), output to logpath."""
    f = open(logpath, "wb")
    p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         start_new_session=True, **kw)
    f.close()
    _procs.append(p)
    return p


def stop(p, timeout=20):
    """SIGTERM, then SIGKILL; returns the exit status (None if killed)."""
    if p.poll() is None:
        try:
            os.kill(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
            return None
    if p in _procs:
        _procs.remove(p)
    return p.returncode


def cleanup():
    for p in list(_procs):
        stop(p, 5)


def _sig(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# ---------------------------------------------------------------------------
# machine
# ---------------------------------------------------------------------------

def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def machine_info():
    cpu = read("/proc/cpuinfo")
    model = re.search(r"^model name\s*:\s*(.*)$", cpu, re.M)
    mhz = re.search(r"^cpu MHz\s*:\s*([\d.]+)", cpu, re.M)

    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""
    commit = run(["git", "rev-parse", "HEAD"])
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"])
    return {
        "cpu_model": model.group(1) if model else "unknown",
        "cpus": os.cpu_count(),
        "cpu_mhz_cpuinfo": float(mhz.group(1)) if mhz else None,
        "kernel": os.uname().release,
        "dpdk": run(["pkg-config", "--modversion", "libdpdk"]) or "unknown",
        "commit": commit + (" (with local changes)" if dirty else ""),
        "testpmd": shutil.which("dpdk-testpmd"),
    }


def tsc_from_log(path):
    m = re.search(r"TSC frequency is ~(\d+) KHz", read(path))
    return int(m.group(1)) * 1000 if m else None


def mem_args(a, for_testpmd):
    """Hugepages when enough are free, else plain memory (EAL refuses
    --in-memory with --no-huge, hence --no-shconf)."""
    mi = read("/proc/meminfo")
    free = re.search(r"^HugePages_Free:\s*(\d+)", mi, re.M)
    size = re.search(r"^Hugepagesize:\s*(\d+) kB", mi, re.M)
    free_mb = int(free.group(1)) * int(size.group(1)) // 1024 if free and size else 0
    need = 512 if for_testpmd else a.huge_min_mb
    if not a.no_huge and free_mb >= need:
        return ["--in-memory"], f"hugepages ({free_mb} MiB free)"
    return ["--no-huge", "-m", str(512 if for_testpmd else a.mem), "--no-shconf"], \
        f"--no-huge -m {512 if for_testpmd else a.mem}"


def lcore_args(workers):
    """Main lcore + one lcore per worker, each on its own CPU where there are
    enough; otherwise the main lcore shares CPU 0 (figures then noisy)."""
    ncpu = os.cpu_count() or 1
    if workers + 1 <= ncpu:
        return ["-l", f"0-{workers}"], True
    mapping = ["0@0"] + [f"{i}@{(i - 1) % ncpu}" for i in range(1, workers + 1)]
    return ["--lcores", ",".join(mapping)], False


# ---------------------------------------------------------------------------
# JSON-RPC client (one JSON text per line; batches are one array)
# ---------------------------------------------------------------------------

class Rpc(srv6rpc.Rpc):
    """tests/pcap/srv6rpc.py's client, failing with Failed, and route batches
    encoded before the clock starts."""

    def __init__(self, path, timeout=120.0):
        super().__init__(path, timeout)

    def call(self, method, params=None):
        try:
            return super().call(method, params)
        except srv6rpc.RpcError as e:
            raise Failed(f"{method}: {json.dumps(e.error)}")
        except ConnectionError as e:
            raise Failed(f"srv6d's control connection: {e}")

    def encode_batch(self, method, params_list):
        """One atomic batch as the line to send."""
        reqs = [self.request(method, p) for p in params_list]
        return json.dumps(reqs, separators=(",", ":")).encode() + b"\n"

    def send_batch(self, line):
        """Send an encoded batch; returns the first error or None."""
        self.sock.sendall(line)
        raw = self.rfile.readline()
        if not raw:
            raise Failed("srv6d closed the control connection")
        if b'"error"' not in raw:
            return None             # all applied: no need to parse 1000 answers
        resp = json.loads(raw)
        if not isinstance(resp, list):
            return resp.get("error", {"message": "not a batch answer"})
        for r in resp:
            if "error" in r and r["error"].get("code") != 1006:
                return r["error"]
        return None


# ---------------------------------------------------------------------------
# dpdk-testpmd: the reference
# ---------------------------------------------------------------------------

def run_testpmd(a, pcap, wdir, tag):
    """io forwarding net_pcap(infinite_rx) -> net_null with `workers`
    forwarding cores; returns per-window Mpps per core (median-ready) and
    the TSC rate EAL calibrated."""
    lc, _ = lcore_args(a.workers)
    mem, _ = mem_args(a, True)
    period = max(1, int(round(a.window)))
    rx = ",".join(f"rx_pcap={pcap}" for _ in range(a.workers))
    cmd = ["dpdk-testpmd", *lc, "--no-pci", *mem, "--file-prefix", f"srv6bench-tp{os.getpid()}",
           "--log-level=lib.eal:debug",
           "--vdev", f"net_pcap0,{rx},infinite_rx=1", "--vdev", "net_null0,no-rx=1",
           "--", "--forward-mode=io", f"--nb-cores={a.workers}", f"--rxq={a.workers}",
           f"--txq={a.workers}", "--total-num-mbufs=65536", "--auto-start",
           f"--stats-period={period}"]
    logpath = os.path.join(wdir, f"testpmd-{tag}.log")
    p = spawn(cmd, logpath)
    # testpmd prints port blocks every period; port 1 (the sink) Tx-pps is
    # what it forwarded, measured by testpmd over the period.
    skip = 1 + int(-(-a.warmup // period))      # the first block is from the start
    need = skip + a.repeat
    deadline = time.time() + 30 + need * period * 2
    samples, nombuf = [], 0
    try:
        while time.time() < deadline and p.poll() is None:
            time.sleep(0.2)
            text = read(logpath)
            blocks = re.findall(r"NIC statistics for port 1 .*?Tx-pps:\s*(\d+)", text, re.S)
            nb = re.findall(r"NIC statistics for port 0 .*?RX-nombuf:\s*(\d+)", text, re.S)
            if len(blocks) >= need:
                samples = [int(x) for x in blocks[skip:need]]
                nombuf = int(nb[-1]) if nb else 0
                break
    finally:
        rc = stop(p)
    if not samples:
        tail = read(logpath)[-1500:]
        raise Failed(f"testpmd gave no rate (exit {rc}); {logpath}:\n{tail}")
    hz = tsc_from_log(logpath)
    return {"mpps_per_core": [s / a.workers / 1e6 for s in samples], "tsc_hz": hz,
            "rx_nombuf": nombuf, "log": logpath, "window_s": period}


# ---------------------------------------------------------------------------
# srv6d
# ---------------------------------------------------------------------------

def start_srv6d(a, cfg, wdir, tag):
    cfgpath = os.path.join(wdir, f"srv6d-{tag}.json")
    with open(cfgpath, "w") as f:
        json.dump(cfg, f, indent=1)
    sock = os.path.join(wdir, "srv6d.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    lc, _ = lcore_args(a.workers)
    mem, _ = mem_args(a, False)
    cmd = [a.srv6d, *lc, "--no-pci", *mem, "--file-prefix", f"srv6bench{os.getpid()}",
           "--log-level=lib.eal:debug", "--", "--config", cfgpath, "--socket", sock]
    logpath = os.path.join(wdir, f"srv6d-{tag}.log")
    p = spawn(cmd, logpath)
    deadline = time.time() + a.start_timeout
    while time.time() < deadline:
        if p.poll() is not None:
            raise Failed(f"srv6d exited with {p.returncode} at start; {logpath}:\n"
                         + read(logpath)[-1500:])
        if os.path.exists(sock):
            try:
                return p, Rpc(sock), logpath
            except OSError:
                pass
        time.sleep(0.1)
    stop(p)
    raise Failed(f"srv6d's socket did not appear within {a.start_timeout} s ({logpath})")


def load_routes(rpc, routes, batch, label):
    """route.add in atomic batches, encoded before the clock starts (the
    client's JSON encoding is its own cost, reported apart). Returns the load
    figures: wall seconds and routes/s while sending, and the client's CPU
    seconds in that time (its parsing of the answers)."""
    te = time.process_time()
    lines = [rpc.encode_batch("route.add", routes[i:i + batch])
             for i in range(0, len(routes), batch)]
    encode_s = time.process_time() - te
    t0, c0 = time.time(), time.process_time()
    last = t0
    for k, line in enumerate(lines):
        err = rpc.send_batch(line)
        if err is not None:
            raise Failed(f"route.add failed after {k * batch} routes loaded: {json.dumps(err)}")
        now = time.time()
        if now - last >= 2 and k + 1 < len(lines):
            done = (k + 1) * batch
            log(f"  {label}: {done:,}/{len(routes):,} routes ({done / (now - t0):,.0f}/s)")
            last = now
    dt = time.time() - t0
    return {"routes": len(routes), "batch": batch, "seconds": round(dt, 3),
            "routes_per_s": round(len(routes) / dt) if dt > 0 else None,
            "client_cpu_s": round(time.process_time() - c0, 3),
            "client_encode_s": round(encode_s, 3)}


def sent_frames(case, pcap):
    """What the output of an l2vpn bridge case must carry unchanged, from the
    generator pcap (RFC layouts, not srv6d's code): end_dt2u's inner frames
    (after Ethernet, IPv6 and the SRH, next header 143), or
    h_encaps_l2_bridge's frames themselves. None for the other cases."""
    from scapy.utils import RawPcapReader
    if case not in G.BRIDGE:
        return None
    out = set()
    for raw, _ in RawPcapReader(pcap):
        raw = bytes(raw)
        if case == "h_encaps_l2_bridge":
            out.add(raw)
            continue
        off, nh = 14 + 40, raw[14 + 6]
        if nh == 43:                    # the SRH: (Hdr Ext Len + 1) * 8 bytes
            nh, off = raw[off], off + (raw[off + 1] + 1) * 8
        if nh == 143:
            out.add(raw[off:])
    return out


def check_output(case, pkts, routes, expect=None):
    """The behaviour really applied: the captured output packets have the
    headers the case expects (independent of srv6d's code: RFC layouts).
    expect: for the l2vpn bridge cases, the frames sent (sent_frames)."""
    import socket
    from scapy.all import IP, ICMPv6EchoReply, IPv6, IPv6ExtHdrSegmentRouting
    if not pkts:
        return "no output packet captured"
    # every IPv4 route of the cases is a /24 (gen_pcaps.py): a set beats a
    # million ipaddress objects
    v4nets = {r["prefix"] for r in routes if ":" not in r["prefix"]}
    bum = {m for _, _, m in G.BRIDGE_PEERS}
    flooded = 0
    for k, p in enumerate(pkts):
        where = f"captured packet {k}"
        if case == "end_dt2u":
            # the inner frame as the peer sent it, byte for byte, out of the
            # bridge port ce1: no outer header left, no MAC rewritten
            if expect is None or bytes(p) not in expect:
                return f"{where}: End.DT2U: not one of the inner frames, unchanged " \
                       f"({len(p)} bytes, {p.src} -> {p.dst})"
        elif case == "h_encaps_l2_bridge":
            # H.Encaps.L2 from us to the End.DT2U of the peer the frame's
            # destination was learnt behind (G.peer_of): SRH [that SID] at
            # SL 0, next header 143, the frame unchanged behind it; a copy
            # to any peer's End.DT2M (bum_segments) is a flood: counted
            if IPv6 not in p or p[IPv6].src != G.ENCAP_SRC or p[IPv6].nh != 43:
                return f"{where}: no outer IPv6 from {G.ENCAP_SRC} with an SRH"
            da = p[IPv6].dst
            if da in bum:
                flooded += 1
                continue
            srh = p[IPv6ExtHdrSegmentRouting]
            if srh.segleft != 0 or srh.nh != 143 or list(srh.addresses) != [da]:
                return f"{where}: SRH [{da}] with SL 0 and next header 143 missing"
            raw = bytes(p)
            inner = raw[14 + 40 + (raw[14 + 40 + 1] + 1) * 8:]
            if expect is None or inner not in expect:
                return f"{where}: the frame inside is not one sent on gen0, unchanged"
            dmac = ":".join(f"{b:02x}" for b in inner[:6])
            want = G.BRIDGE_PEERS[G.peer_of(dmac)][1] if dmac in G.REMOTE_MACS else None
            if da != want:
                return f"{where}: frame to {dmac} sent to {da}, not to {want} " \
                       "(the End.DT2U of the peer it was learnt behind)"
            if p.dst != G.MAC_P1:
                return f"{where}: Ethernet destination {p.dst}, not P1"
        elif case == "end_usid":
            # the container shifted: 2001:db8:<next C-SID>::, hop limit 63,
            # no SRH, the customer packet inside, to P1
            if IPv6 not in p or p.dst != G.MAC_P1 or IPv6ExtHdrSegmentRouting in p or \
                    not p[IPv6].dst.startswith("2001:db8:b0") or p[IPv6].hlim != 63:
                return f"{where}: uN: DA {p[IPv6].dst if IPv6 in p else '-'}, not shifted"
        elif case == "end_op":
            # the echo reply from the End.OP SID to the request's source (the
            # request carried it as its echo data), type 129, no SRH, hop
            # limit 64, the checksum right for the new pseudo-header, back
            # out of gen0 to the requesters' router
            if IPv6 not in p or ICMPv6EchoReply not in p:
                return f"{where}: End.OP: no ICMPv6 echo reply (type 129)"
            ip, rep = p[IPv6], p[ICMPv6EchoReply]
            if IPv6ExtHdrSegmentRouting in p or ip.nh != 58:
                return f"{where}: End.OP: the reply still has an SRH (next header {ip.nh})"
            want_dst = rep.data[:16]
            if len(want_dst) != 16 or socket.inet_pton(socket.AF_INET6, ip.dst) != want_dst:
                return f"{where}: End.OP: reply to {ip.dst}, not to the request's source"
            if socket.inet_pton(socket.AF_INET6, ip.src) != \
                    socket.inet_pton(socket.AF_INET6, G.SID[case]) or ip.hlim != 64:
                return f"{where}: End.OP: reply from {ip.src}, hop limit {ip.hlim}: " \
                       f"want {G.SID[case]}, 64"
            redo = IPv6(bytes(ip))
            del redo[ICMPv6EchoReply].cksum
            if IPv6(bytes(redo))[ICMPv6EchoReply].cksum != rep.cksum:
                return f"{where}: End.OP: reply checksum {rep.cksum:#06x} wrong"
            if p.dst != G.MAC_SENDER:
                return f"{where}: Ethernet destination {p.dst}, not gen0's router"
        elif case == "end_am":
            # to the service: the SRH kept (SL 0), the DA the last segment
            srh = p.getlayer(IPv6ExtHdrSegmentRouting)
            if IPv6 not in p or srh is None or srh.segleft != 0 or p.dst != G.MAC_CE or \
                    p[IPv6].dst != G.remote_sid(0):
                return f"{where}: End.AM: SRH at SL 0 and DA {G.remote_sid(0)} to the CE"
        elif case in ("h_encaps_hmac", "h_encaps_policy", "h_insert", "end_hmac"):
            srh = p.getlayer(IPv6ExtHdrSegmentRouting)
            if IPv6 not in p or srh is None or p.dst != G.MAC_P1:
                return f"{where}: no IPv6 with an SRH to P1"
            raw = bytes(p[IPv6])
            n = raw[40 + 4] + 1
            tlv = raw[40 + 8 + 16 * n:40 + 8 + 16 * n + 2]
            if case in ("h_encaps_hmac", "end_hmac") and tlv != bytes([5, 38]):
                return f"{where}: no HMAC TLV after the segment list"
            if case == "h_encaps_policy" and p[IPv6].dst not in ("2001:db8:b:a1::",
                                                                   "2001:db8:b:b1::"):
                return f"{where}: DA {p[IPv6].dst} is not one of the policy's lists"
            if case == "h_insert" and (p[IPv6].src != G.SENDER6 or srh.segleft != 2):
                return f"{where}: H.Insert keeps the sender's source, SRH SL 2"
            if case == "end_hmac" and srh.segleft != 1:
                return f"{where}: End at SL 2 leaves SL 1"
        elif case in ("h_encaps_l2", "end_as_return"):
            # an outer header from us toward the remote SID, SRH SL 0, then
            # the frame (143) or the service's IPv4 packet (4)
            srh = p.getlayer(IPv6ExtHdrSegmentRouting)
            want_nh = 143 if case == "h_encaps_l2" else 4
            if IPv6 not in p or p[IPv6].src != G.ENCAP_SRC or p[IPv6].dst != G.remote_sid(0):
                return f"{where}: no outer IPv6 {G.ENCAP_SRC} -> {G.remote_sid(0)}"
            if srh is None or srh.segleft != 0 or srh.nh != want_nh:
                return f"{where}: SRH with SL 0 and next header {want_nh} missing"
            if p.dst != G.MAC_P1:
                return f"{where}: Ethernet destination {p.dst}, not P1"
        elif case in ("h_encaps_v4", "h_encaps_v6", "h_encaps_red"):
            if IPv6 not in p or p[IPv6].src != G.ENCAP_SRC:
                return f"{where}: no outer IPv6 from {G.ENCAP_SRC}"
            if not p[IPv6].dst.startswith("2001:db8:b:"):
                return f"{where}: outer destination {p[IPv6].dst} is not a remote SID"
            srh = p.getlayer(IPv6ExtHdrSegmentRouting)
            inner = IP if case != "h_encaps_v6" else IPv6
            if case == "h_encaps_red":
                if srh is None or srh.segleft != 1 or len(srh.addresses) != 1:
                    return f"{where}: H.Encaps.Red of 2 SIDs needs an SRH of 1 entry, SL 1"
            elif srh is None or srh.segleft != 0:
                return f"{where}: H.Encaps needs an SRH with segments left 0"
            if p.getlayer(inner, 2 if inner is IPv6 else 1) is None:   # nb counts from 1
                return f"{where}: inner packet missing"
            if p.dst != G.MAC_P1:
                return f"{where}: Ethernet destination {p.dst}, not P1"
        elif case.startswith("end_b6"):
            # outer header toward the policy's first SID, the updated packet
            # (SL 0, DA = the next segment) inside
            if IPv6 not in p or p[IPv6].src != G.ENCAP_SRC or p[IPv6].dst != G.B6_POLICY[0]:
                return f"{where}: no outer IPv6 {G.ENCAP_SRC} -> {G.B6_POLICY[0]}"
            outer_srh = p[IPv6].payload
            want = 1 if case.endswith("red") else 2
            if not isinstance(outer_srh, IPv6ExtHdrSegmentRouting) or \
                    len(outer_srh.addresses) != want or outer_srh.segleft != 1:
                return f"{where}: the policy's SRH needs {want} entries, SL 1"
            inner = outer_srh.payload
            if not isinstance(inner, IPv6) or IPv6ExtHdrSegmentRouting not in inner or \
                    inner[IPv6ExtHdrSegmentRouting].segleft != 0:
                return f"{where}: the updated packet (SL 0) is not inside"
            if p.dst != G.MAC_P1:
                return f"{where}: Ethernet destination {p.dst}, not P1"
        elif case in ("end", "end_x"):
            srh = p.getlayer(IPv6ExtHdrSegmentRouting)
            if IPv6 not in p or srh is None or srh.segleft != 0:
                return f"{where}: no SRH at segments left 0"
            if p[IPv6].dst != srh.addresses[0] or not p[IPv6].dst.startswith("240"):
                return f"{where}: destination {p[IPv6].dst} is not the next segment"
            if p.dst != G.MAC_P1:
                return f"{where}: Ethernet destination {p.dst}, not P1"
        else:   # plain forwarding and decapsulation: a bare customer packet on ce1
            if p.dst != G.MAC_CE:
                return f"{where}: Ethernet destination {p.dst}, not the CE"
            if IPv6ExtHdrSegmentRouting in p or (IPv6 in p and p[IPv6].nh == 41):
                return f"{where}: still encapsulated"
            if IP in p:
                if case in ("ipv6_forward", "end_dt6"):
                    return f"{where}: IPv4 where IPv6 was sent"
                if case == "ipv4_forward" and p[IP].ttl != 63:
                    return f"{where}: TTL {p[IP].ttl}, not decremented to 63"
                if p[IP].dst.rsplit(".", 1)[0] + ".0/24" not in v4nets:
                    return f"{where}: destination {p[IP].dst} outside the routes"
            elif IPv6 in p:
                if case in ("ipv4_forward", "end_dt4"):
                    return f"{where}: IPv6 where IPv4 was sent"
                if not p[IPv6].dst.startswith("240"):
                    return f"{where}: destination {p[IPv6].dst} outside the routes"
            else:
                return f"{where}: neither IPv4 nor IPv6"
    if flooded:
        return f"{flooded} of {len(pkts)} captured packets went to a peer's End.DT2M " \
               "(bum_segments): flooded, not unicast to one peer"
    return None


def capture_tx(rpc, port, path, count, snaplen=None):
    """count packets srv6d sends on port, through its own capture (into path);
    raises Failed when the file cannot be read."""
    from scapy.all import rdpcap
    if os.path.exists(path):
        os.unlink(path)
    params = {"port": port, "direction": "tx", "file": path, "count": count}
    if snaplen:
        params["snaplen"] = snaplen
    res = rpc.call("capture.start", params)
    cid = res.get("id") if isinstance(res, dict) else res
    # a capture stops by itself after `count` packets (capture.list: running false)
    deadline = time.time() + 5
    while time.time() < deadline:
        mine = [c for c in rpc.call("capture.list") or [] if c.get("id") == cid]
        if not mine or not mine[0].get("running", False):
            break
        time.sleep(0.05)
    else:
        try:
            rpc.call("capture.stop", {"id": cid})
        except Failed:
            pass
    time.sleep(0.2)
    try:
        return list(rdpcap(path))
    except (OSError, EOFError) as e:
        raise Failed(f"capture unreadable: {e}")


def capture_check(rpc, case, out_port, wdir, routes, expect=None):
    try:
        pkts = capture_tx(rpc, out_port, os.path.join(wdir, f"capture-{case}.pcap"), 16)
    except Failed as e:
        return str(e)
    return check_output(case, pkts, routes, expect)


def mac_table(rpc, port):
    """l2vpn.mac.list of a bridge port: {mac: peer address, or "local"}."""
    res = rpc.call("l2vpn.mac.list", {"port": port})
    return {m["mac"]: m.get("peer", m.get("where")) for m in res.get("macs", [])}


def wait_learnt(rpc, timeout=10.0):
    """h_encaps_l2_bridge: until every remote MAC is in gen0's table behind
    the peer learn_frames() made it come from (core1 reads its pcap once,
    when the workers start polling); Failed after timeout."""
    want = {m: G.BRIDGE_PEERS[G.peer_of(m)][0] for m in G.REMOTE_MACS}
    deadline = time.time() + timeout
    while True:
        got = mac_table(rpc, G.bridge_port("h_encaps_l2_bridge"))
        wrong = {m: got.get(m) for m, a in want.items() if got.get(m) != a}
        if not wrong:
            return
        if time.time() > deadline:
            raise Failed(f"the learning packets (core1) did not teach the bridge: {wrong} "
                         f"(want {want})")
        time.sleep(0.2)


def check_learnt(rpc, case, flows):
    """end_dt2u: End.DT2U learnt the inner source MACs behind the peer they
    came from (REMOTE_PE): every listed one is a flow's, and at least 90% of
    the flows' (up to the table's 8,192) are listed. None, or a problem."""
    got = mac_table(rpc, G.bridge_port(case))
    ours = {G.flow_mac(i) for i in range(flows)}
    behind = [m for m, a in got.items() if a == G.REMOTE_PE]
    stray = [m for m in behind if m not in ours]
    if stray:
        return f"MAC table: {len(stray)} MACs behind {G.REMOTE_PE} that no flow sent: {stray[:4]}"
    missing = [m for m, a in got.items() if m in ours and a != G.REMOTE_PE]
    if missing:
        return f"MAC table: flows' MACs not behind {G.REMOTE_PE}: {missing[:4]}"
    if len(behind) < 0.9 * min(flows, 8192):
        return f"MAC table: {len(behind)} MACs behind {G.REMOTE_PE}, of {flows} flows"
    return None


def totals(st, out_port, sid):
    ports = {p["name"]: p for p in st.get("ports", [])}
    drops = st.get("drops", {})
    d = {
        "gen_rx": ports.get("gen0", {}).get("rx_packets", 0),
        "out_tx": ports.get(out_port, {}).get("tx_packets", 0),
        "drops": dict(drops),
        "idle_sleeps": sum(lc.get("idle_sleeps", 0) for lc in st.get("lcores", [])),
        "worker_tx": sum(lc.get("tx_packets", 0) for lc in st.get("lcores", [])),
        "sid": None,
    }
    if sid:
        for s in st.get("sids", []):
            if s.get("sid") == sid or s.get("sid") == sid + "/128":
                d["sid"] = s.get("packets", 0)
    return d


def window_check(s0, s1, out_port, sid, overload=()):
    """One window's totals (srv6d_bench.totals before and after) checked:
    something sent, no drop but the `overload` reasons, what was processed
    went out (a burst or so apart), the SID counted it, no worker slept.
    Returns (rx, tx, overload drops, problems)."""
    rx, tx = s1["gen_rx"] - s0["gen_rx"], s1["out_tx"] - s0["out_tx"]
    dropped = {k: v - s0["drops"].get(k, 0) for k, v in s1["drops"].items()
               if v - s0["drops"].get(k, 0) > 0}
    lost = sum(dropped.pop(k, 0) for k in overload)
    done = rx - lost
    bad = []
    if tx <= 0:
        bad.append(f"nothing sent on {out_port}")
    if dropped:
        bad.append(f"drops {dropped}")
    if abs(done - tx) > 0.01 * done + 4096:
        bad.append(f"received {rx}" + (f", {lost} lost to overload," if lost else "")
                   + f" but sent {tx} on {out_port}")
    if sid and (s1["sid"] is None or abs((s1["sid"] - s0["sid"]) - done) > 0.01 * done + 4096):
        bad.append(f"SID {sid} counted {None if s1['sid'] is None else s1['sid'] - s0['sid']}"
                   f" of {done}")
    if s1["idle_sleeps"] != s0["idle_sleeps"]:
        bad.append("a worker slept (not busy: cycles/pkt would be wrong)")
    return rx, tx, lost, bad


def measure_srv6d(a, rpc, case, out_port, sid):
    """R windows of stats.get deltas; each window checked before it counts."""
    rpc.call("stats.reset")
    t_reset = time.monotonic()
    time.sleep(a.warmup)
    samples, problems = [], []
    for w in range(a.repeat):
        s0 = totals(rpc.call("stats.get"), out_port, sid)
        t0 = time.monotonic()
        time.sleep(a.window)
        s1 = totals(rpc.call("stats.get"), out_port, sid)
        dt = time.monotonic() - t0
        _, tx, _, bad = window_check(s0, s1, out_port, sid)
        if bad:
            problems.append(f"window {w + 1} ({t0 - t_reset:.1f}-{t0 - t_reset + dt:.1f} s "
                            "after the counters were reset): " + "; ".join(bad))
        else:
            samples.append(tx / dt / a.workers / 1e6)
    return samples, problems


def run_srv6d(a, case, big, n_routes, pcap, extra, routes, wdir, tag):
    gen_vrf, out_port, _ = G.CASES[case]
    rx = ",".join(f"rx_pcap={pcap}" for _ in range(a.workers))
    learn_device = None
    learn = G.learn_frames(case)
    if learn:
        # h_encaps_l2_bridge: core1 reads these once (no infinite_rx), one
        # queue per worker as gen0, and its TX (none) would be dropped
        lpcap = G.learn_pcap_path(pcap)
        G.write_pcap(lpcap, learn)
        learn_device = "net_pcap1," + ",".join(f"rx_pcap={lpcap}" for _ in range(a.workers))
    cfg = G.base_config(case, f"net_pcap0,{rx},infinite_rx=1", "net_null0,no-rx=1",
                        "net_null1,no-rx=1", extra, learn_device)
    # the SID that counts every packet of the case (none for what arrives
    # on a port: H.Encaps.L2, into a bridge too, End.AS's return)
    sid = extra["sids"][0]["sid"] if extra["sids"] and \
        case not in ("end_as_return", "h_encaps_l2_bridge") else None
    expect = sent_frames(case, pcap)
    p, rpc, logpath = start_srv6d(a, cfg, wdir, tag)
    res = {"log": logpath}
    try:
        log(f"  srv6d: started (pid {p.pid}); loading {len(routes):,} routes "
            f"in batches of {a.batch}")
        ld = load_routes(rpc, routes, a.batch, tag)
        res["load"] = ld
        log(f"  srv6d: {len(routes):,} routes in {ld['seconds']:.2f} s "
            f"({ld['routes_per_s'] or 0:,}/s; client CPU {ld['client_cpu_s']:.2f} s while "
            f"sending, {ld['client_encode_s']:.2f} s encoding before)")
        if case == "h_encaps_l2_bridge":
            wait_learnt(rpc)
            log(f"  srv6d: the {len(G.REMOTE_MACS)} remote MACs learnt behind their peers")
        problem = capture_check(rpc, case, out_port, wdir, routes, expect)
        if not problem and case == "end_dt2u":
            problem = check_learnt(rpc, case, len(expect))
        if problem:
            raise Failed(f"output check: {problem}")
        log(f"  srv6d: output check passed (16 packets captured on {out_port})")
        samples, problems = measure_srv6d(a, rpc, case, out_port, sid)
        res["mpps_per_worker"] = samples
        res["problems"] = problems
        if problems:
            raise Failed("window check: " + problems[0])
    finally:
        rpc.close()
        rc = stop(p)
        res["tsc_hz"] = tsc_from_log(logpath)
        if rc not in (0, None) and "mpps_per_worker" in res:
            log(f"  srv6d exited with status {rc} ({logpath})")
    return res


# ---------------------------------------------------------------------------
# Linux (another script measures it; we read its JSON)
# ---------------------------------------------------------------------------

def run_linux(a, wdir):
    script = a.linux_script
    if a.no_linux:
        return None, "skipped (--no-linux)"
    if not os.access(script, os.X_OK):
        return None, f"skipped: {script} not present"
    if os.geteuid() != 0:
        return None, "skipped: not root"
    out = os.path.join(wdir, "linux.json")
    logpath = os.path.join(wdir, "linux_fwd.log")
    args = [script, "--json", out] + a.linux_args.split()
    log(f"linux: {' '.join(args)} (log {logpath})")
    p = spawn(args, logpath)
    deadline, seen = time.time() + a.linux_timeout, None
    while p.poll() is None:
        # its JSON is complete once it parses; a script that then does not
        # exit within 30 s is stopped (its figures are already there)
        if seen is None and os.path.exists(out):
            try:
                with open(out) as f:
                    json.load(f)
                seen = time.time()
            except (OSError, ValueError):
                pass
        if seen is not None and time.time() - seen > 30:
            log(f"linux: linux_fwd.sh wrote {out} but did not exit within 30 s: stopping it")
            stop(p, 10)
            break
        if time.time() > deadline:
            stop(p, 10)
            return None, f"skipped: linux_fwd.sh ran over {a.linux_timeout} s"
        time.sleep(0.5)
    if p in _procs:
        _procs.remove(p)
    if p.returncode == 77:
        return None, f"skipped: this machine cannot (linux_fwd.sh exit 77, {logpath})"
    if p.returncode != 0 and not os.path.exists(out):
        return None, f"skipped: linux_fwd.sh exited {p.returncode} ({logpath})"
    try:
        with open(out) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        return None, f"skipped: cannot read {out}: {e}"
    if isinstance(data, dict):
        data = data.get("results", data.get("cases", []))
    # rows it could not measure carry "measured": false (or no rate): left out
    got = {d["case"]: d for d in data if isinstance(d, dict) and "case" in d
           and d.get("measured", True) and d.get("mpps")}
    return got, f"{len(got)} case(s) measured ({out})"


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------

def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def print_table(results, linux, workers):
    hdr = ["case", "routes", "Mpps/wkr", "cyc/pkt", "tpmd Mpps", "tpmd cyc", "SRv6 work",
           "ratio", "target", "result", "Linux Mpps", "x Linux"]
    rows = []
    for r in results:
        lx = (linux or {}).get(r["case"]) if not r["big"] else None
        rows.append([
            r["name"], f"{r['routes']:,}", fmt(r.get("srv6d_mpps"), ".2f"),
            fmt(r.get("srv6d_cycles"), ".1f"), fmt(r.get("testpmd_mpps"), ".2f"),
            fmt(r.get("testpmd_cycles"), ".1f"), fmt(r.get("srv6_work_cycles"), ".1f"),
            fmt(r.get("ratio"), ".2f"), f"<={r['target']}", r["result"],
            fmt(lx.get("mpps") if lx else None, ".3f"), fmt(r.get("x_linux"), ".0f"),
        ])
    w = [max(len(h), *(len(x[i]) for x in rows)) if rows else len(h) for i, h in enumerate(hdr)]
    line = "  ".join(h.rjust(w[i]) if i else h.ljust(w[i]) for i, h in enumerate(hdr))
    print()
    print(f"srv6d vs dpdk-testpmd io, {workers} worker(s); Mpps and cycles per worker core; "
          "SRv6 work = srv6d cyc/pkt - testpmd cyc/pkt; ratio = srv6d Mpps / testpmd Mpps;\n"
          f"x Linux = srv6d Mpps / the kernel's Mpps per core (target >= {LINUX_TARGET})")
    print(line)
    print("-" * len(line))
    for x in rows:
        print("  ".join(v.rjust(w[i]) if i else v.ljust(w[i]) for i, v in enumerate(x)))
    for r in results:
        if r.get("error"):
            print(f"  {r['name']}: {r['error'].splitlines()[0]}")


def add_srv6d_args(ap, mem, start_timeout):
    """The options every srv6d benchmark takes: output, work folder, memory,
    start timeout, the binary (srv6d_bench.py, scaling.py, ipsec_bench.py)."""
    ap.add_argument("--json", help="write the results here (default: in the work folder)")
    ap.add_argument("--workdir", help="folder for pcaps, configs and logs (default: new in /tmp)")
    ap.add_argument("--no-huge", action="store_true", help="never use hugepages")
    ap.add_argument("--mem", type=int, default=mem,
                    help=f"MiB of plain memory with --no-huge (default {mem})")
    ap.add_argument("--huge-min-mb", type=int, default=1024,
                    help="free hugepage MiB needed to use hugepages (default 1024)")
    ap.add_argument("--start-timeout", type=int, default=start_timeout,
                    help=f"seconds srv6d may take to open its socket (default {start_timeout})")
    ap.add_argument("--srv6d", default=os.path.join(os.environ.get("BUILD_DIR", "build"),
                                                    "app/srv6d/srv6d"))


def window_defaults(a):
    """--repeat, --window, --warmup and --routes where not given: 3 windows of
    2 s after 2 s, 1000 routes per VRF; with --quick 1 of 1 s after 1 s, 100."""
    a.repeat = a.repeat or (1 if a.quick else 3)
    a.window = a.window or (1.0 if a.quick else 2.0)
    a.warmup = a.warmup if a.warmup is not None else (1.0 if a.quick else 2.0)
    a.routes = a.routes or (100 if a.quick else 1000)


def start_run(ap, a, name, root=True):
    """What every srv6d benchmark checks and sets up before it measures: the
    srv6d binary (add_srv6d_args' --srv6d, relative to the repository) built,
    root for DPDK's EAL (root=False: the caller checks later), SIGTERM and
    SIGHUP ending the run cleanly. Returns the work folder (--workdir, else a
    new /tmp/srv6d-NAME.PID)."""
    if not os.path.isabs(a.srv6d):
        a.srv6d = os.path.join(REPO, a.srv6d)
    if not os.access(a.srv6d, os.X_OK):
        ap.error(f"{a.srv6d} not built: meson setup build && ninja -C build")
    if root and os.geteuid() != 0:
        ap.error("run as root (DPDK's EAL)")
    signal.signal(signal.SIGTERM, _sig)
    signal.signal(signal.SIGHUP, _sig)
    wdir = a.workdir or f"/tmp/srv6d-{name}.{os.getpid()}"
    os.makedirs(wdir, exist_ok=True)
    return wdir


def main(argv):
    ap = argparse.ArgumentParser(
        prog="tools/bench.sh",
        description="srv6d forwarding benchmark without NICs, side by side with dpdk-testpmd.")
    ap.add_argument("--quick", action="store_true",
                    help="smoke check: short windows, 100 routes, 10k big table, 1 repeat")
    ap.add_argument("--cases", default="all",
                    help="comma-separated: " + ",".join(G.CASE_ORDER) +
                    ",big (the big-table case: --big-case with --big-routes random routes);"
                    " default all")
    ap.add_argument("--routes", type=int, help="routes per VRF of each case (default 1000)")
    ap.add_argument("--big-routes", type=int,
                    help="routes of the big-table case (default 1000000)")
    ap.add_argument("--big-case", default="h_encaps_v4", choices=G.CASE_ORDER,
                    help="behaviour of the big-table case (default h_encaps_v4)")
    ap.add_argument("--flows", type=int, default=4096,
                    help="packets (one flow each) in a case's pcap (default 4096; quick 1024)")
    ap.add_argument("--big-flows", type=int, default=8192,
                    help="packets of the big case's pcap, random destinations (default 8192;"
                         " infinite_rx keeps each in an mbuf of srv6d's pool)")
    ap.add_argument("--workers", type=int, default=1,
                    help="srv6d workers = testpmd forwarding cores, one generator queue each "
                         "(default 1; needs workers + 1 CPUs to mean anything)")
    ap.add_argument("--repeat", type=int, help="windows per measurement, median reported (3)")
    ap.add_argument("--window", type=float, help="seconds per window (2; quick 1)")
    ap.add_argument("--warmup", type=float, help="seconds before the first window (2; quick 1)")
    ap.add_argument("--batch", type=int, default=1000, help="route.add per atomic batch")
    add_srv6d_args(ap, mem=3072, start_timeout=120)
    ap.add_argument("--no-linux", action="store_true", help="do not run tests/bench/linux_fwd.sh")
    ap.add_argument("--linux-timeout", type=int, default=600, help="seconds (default 600)")
    ap.add_argument("--linux-script", default=os.path.join(HERE, "linux_fwd.sh"),
                    help="measures the kernel; called with --json OUT (default %(default)s)")
    ap.add_argument("--linux-args", default="",
                    help="more arguments for it, e.g. '--seconds 2'")
    a = ap.parse_args(argv)
    for opt in ("routes", "big_routes", "flows", "big_flows", "workers", "repeat", "batch"):
        if getattr(a, opt) is not None and getattr(a, opt) < 1:
            ap.error(f"--{opt.replace('_', '-')} wants a number >= 1")
    window_defaults(a)
    a.big_routes = a.big_routes or (10000 if a.quick else 1000000)
    if a.quick and a.flows == 4096:
        a.flows = 1024
    cases = G.CASE_ORDER + ["big"] if a.cases == "all" else a.cases.split(",")
    for c in cases:
        if c != "big" and c not in G.CASES:
            ap.error(f"unknown case {c}")
    if not shutil.which("dpdk-testpmd"):
        ap.error("dpdk-testpmd missing: run tools/deps.sh (Debian package dpdk-dev)")
    wdir = start_run(ap, a, "bench", root=False)
    jpath = a.json or os.path.join(wdir, "bench.json")
    mach = machine_info()
    _, own_cpus = lcore_args(a.workers)
    log(f"srv6d bench: {len(cases)} case(s), {a.workers} worker(s), {a.repeat} window(s) of "
        f"{a.window:g} s after {a.warmup:g} s warm-up; work folder {wdir}")
    log(f"machine: {mach['cpu_model']}, {mach['cpus']} CPUs, DPDK {mach['dpdk']}, "
        f"commit {mach['commit'][:12]}; memory: {mem_args(a, False)[1]}")
    if not own_cpus:
        log(f"warning: {a.workers} worker(s) + the main lcore need {a.workers + 1} CPUs, "
            f"this machine has {mach['cpus']}: lcores share CPUs, figures are not meaningful")

    results, tsc = [], {}
    linux, why, interrupted = None, "not run", False
    os.chdir(REPO)
    try:
        for idx, c in enumerate(cases, 1):
            big = c == "big"
            case = a.big_case if big else c
            n = a.big_routes if big else a.routes
            flows = a.big_flows if big else a.flows
            name = f"big:{case}" if big else case
            tag = f"big-{case}" if big else case
            r = {"case": case, "name": name, "behaviour": G.CASES[case][2], "big": big,
                 "routes": n, "flows": flows, "target": TARGET_BIG if big else TARGET,
                 "workers": a.workers, "result": "error"}
            results.append(r)
            log(f"[{idx}/{len(cases)}] {name}: building {flows} packets and {n:,} routes")
            try:
                extra, routes, frames = G.plan(case, n, flows, big=big, seed=idx)
                pcap = os.path.join(wdir, f"gen-{tag}.pcap")
                G.write_pcap(pcap, frames)
                r["frame_len"] = sorted({len(f) for f in frames})
                r["routes"] = len(routes)
                del frames
                log(f"  testpmd io: {a.repeat} window(s)")
                tp = run_testpmd(a, pcap, wdir, tag)
                tsc["testpmd"] = tp["tsc_hz"] or tsc.get("testpmd")
                hz_tp = tp["tsc_hz"] or tsc.get("srv6d")
                r["testpmd"] = tp
                r["testpmd_mpps"] = statistics.median(tp["mpps_per_core"])
                if tp["rx_nombuf"]:
                    log(f"  warning: testpmd's generator ran out of mbufs ({tp['rx_nombuf']})")
                if hz_tp:
                    r["testpmd_cycles"] = hz_tp / (r["testpmd_mpps"] * 1e6)
                log(f"  testpmd io: {r['testpmd_mpps']:.2f} Mpps/core"
                    + (f", {r['testpmd_cycles']:.1f} cycles/pkt" if hz_tp else ""))
                sr = run_srv6d(a, case, big, n, pcap, extra, routes, wdir, tag)
                r["srv6d"] = sr
                r["load"] = sr.get("load")
                tsc["srv6d"] = sr["tsc_hz"] or tsc.get("srv6d")
                hz = sr["tsc_hz"] or hz_tp
                r["srv6d_mpps"] = statistics.median(sr["mpps_per_worker"])
                r["tsc_hz"] = hz
                if hz:
                    r["srv6d_cycles"] = hz / (r["srv6d_mpps"] * 1e6)
                if hz and "testpmd_cycles" in r:
                    r["srv6_work_cycles"] = r["srv6d_cycles"] - r["testpmd_cycles"]
                    r["result"] = "pass" if r["srv6_work_cycles"] <= r["target"] else "miss"
                else:
                    r["result"] = "no TSC"
                r["ratio"] = r["srv6d_mpps"] / r["testpmd_mpps"]
                log(f"  srv6d: {r['srv6d_mpps']:.2f} Mpps/worker"
                    + (f", {r['srv6d_cycles']:.1f} cycles/pkt, SRv6 work "
                       f"{r.get('srv6_work_cycles', float('nan')):.1f} (target {r['target']}):"
                       f" {r['result']}" if hz else ""))
            except Failed as e:
                r["error"] = str(e)
                r["result"] = "FAILED"
                log(f"  {name}: FAILED: {str(e).splitlines()[0]}")
        linux, why = run_linux(a, wdir)
        log(f"linux: {why}")
        if linux:
            for r in results:
                lx = linux.get(r["case"])
                if lx and not r["big"] and r.get("srv6d_mpps") and lx.get("mpps"):
                    r["x_linux"] = r["srv6d_mpps"] / lx["mpps"]
                    r["linux"] = lx
    except KeyboardInterrupt:
        # stop everything first, then report what was measured so far
        log("interrupted: stopping what we started")
        interrupted = True
        if results and results[-1]["result"] == "error":
            results[-1]["error"] = "interrupted"
    finally:
        cleanup()

    for r in results:
        for k in ("srv6d_mpps", "srv6d_cycles", "testpmd_mpps", "testpmd_cycles",
                  "srv6_work_cycles", "ratio", "x_linux"):
            if r.get(k) is not None:
                r[k] = round(r[k], 3)
    print_table(results, linux, a.workers)
    mach["tsc_hz"] = tsc.get("srv6d") or tsc.get("testpmd")
    # DPDK reads the TSC rate from CPUID where the CPU gives it, else
    # measures it and rounds to 10 MHz (<= 0.25% off); cpuinfo's MHz is kept
    # beside it (on bare metal with frequency scaling it is not the TSC's)
    mach["tsc_source"] = ("rte_get_tsc_hz() as srv6d's and testpmd's EAL log print it "
                          "('TSC frequency is ~N KHz')" if mach["tsc_hz"] else "none found")
    out = {
        "tool": "tools/bench.sh",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": mach,
        "params": {k: getattr(a, k) for k in ("quick", "routes", "big_routes", "big_case",
                                              "flows", "big_flows", "workers", "repeat",
                                              "window", "warmup", "batch")},
        "memory": mem_args(a, False)[1],
        "lcores_own_cpus": own_cpus,
        "targets": {"srv6_work_cycles": TARGET, "srv6_work_cycles_big": TARGET_BIG,
                    "x_linux": LINUX_TARGET},
        "reference": "dpdk-testpmd --forward-mode=io, net_pcap infinite_rx -> net_null, "
                     "same pcap, run just before srv6d for each case",
        "linux_status": why,
        "interrupted": interrupted,
        "linux": list(linux.values()) if linux else None,
        "results": results,
    }
    with open(jpath, "w") as f:
        json.dump(out, f, indent=1)
    print(f"\nJSON: {jpath}")
    if interrupted:
        return 130
    failed = [r["name"] for r in results if r["result"] in ("FAILED", "error")]
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
