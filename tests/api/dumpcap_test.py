#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""dpdk-dumpcap against a running srv6d (rte_pdump). srv6d runs on hugepages
with its shared configuration (dpdk-dumpcap is a DPDK secondary process with
srv6d's --file-prefix). Port ce0 (net_pcap0) receives, forever, ICMP echo
requests to srv6d's address and UDP that srv6d forwards out of ce1
(net_pcap1, a static neighbour). Judged with tshark, not our code:

  - srv6d says at start that capture is available, with its --file-prefix;
    `dpdk-dumpcap -D` lists both ports by their DPDK names, and attaches 15
    more times (in an ASan build, srv6d's memory used to lie where
    dpdk-dumpcap's libraries may be: app/srv6d/pdump.c);
  - `-i net_pcap0 -c 64`: at least 64 frames (at most a ring burst more),
    all on that port: requests and UDP inbound, srv6d's echo replies
    outbound, nothing else; `-i net_pcap1 -c 32`: only the forwarded UDP,
    outbound, TTL 63, between ce1's and the neighbour's MAC;
  - `-f icmp`: ICMP echo requests and replies only;
  - afterwards srv6d forwards on, no drops, and its counters add up
    (ce0 in = replies on ce0 + UDP out of ce1, give or take a burst);
  - a dpdk-dumpcap killed with SIGKILL in mid-capture, one ended with
    SIGTERM: srv6d alive, answering and forwarding; a capture attached while
    srv6d stops: srv6d exits 0 and dpdk-dumpcap ends by itself;
  - the race DPDK 22.11's rte_pdump has (app/srv6d/pdump.c): a second srv6d
    whose rte_pcapng_copy sleeps 20 ms per packet (an LD_PRELOAD shim,
    built here with cc), so that a worker is always inside the capture
    callback when dpdk-dumpcap -c 8 ends and frees its mbuf pool; srv6d must
    survive it (it crashed in librte_mempool_octeontx before the fix).

Exit 0 pass, 1 fail, 77 skip (srv6d not built, dpdk-dumpcap or tshark
missing, no hugepages to be had)."""

import glob
import json
import os
import signal
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apitest import REPO, check, failures, srv6d_path, start_srv6d, stop_srv6d  # noqa: E402
from srv6rpc import Rpc  # noqa: E402

DUMPCAP = shutil.which("dpdk-dumpcap")
TSHARK = shutil.which("tshark")
# srv6d preallocates -m 256; dpdk-dumpcap's ring and mbuf pool come out of
# the same shared memory.
MEMORY = ["-m", "256"]
PAGES_NEEDED = 160  # of 2 MiB
BURST = 32  # dpdk-dumpcap writes whole ring bursts (-c may be passed by one)

CE0_MAC, CE1_MAC = "02:00:00:00:01:01", "02:00:00:00:01:02"
PEER0_MAC, PEER1_MAC = "02:00:00:00:00:02", "02:00:00:00:00:03"
INBOUND, OUTBOUND = 1, 2  # pcapng EPB flags, direction

SHIM = r"""
/* rte_pcapng_copy, slowed: a worker stays inside rte_pdump's callback. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <unistd.h>
typedef void *(*copy_fn)(uint16_t, uint32_t, const void *, void *, uint32_t, uint64_t, int);
void *rte_pcapng_copy(uint16_t port, uint32_t queue, const void *m, void *mp,
                      uint32_t length, uint64_t ts, int direction)
{
    static copy_fn real;
    if (real == 0)
        real = (copy_fn)dlsym(RTLD_NEXT, "rte_pcapng_copy");
    usleep(20000);
    return real(port, queue, m, mp, length, ts, direction);
}
"""


# --- hugepages -----------------------------------------------------------------

def hugetlbfs_mounts():
    with open("/proc/mounts") as f:
        return [line.split()[1] for line in f if line.split()[2:3] == ["hugetlbfs"]]


def free_pages():
    """Free hugepages of the default size, in 2 MiB units."""
    try:
        with open("/proc/meminfo") as f:
            info = dict(line.split(":", 1) for line in f)
        return (int(info["HugePages_Free"].split()[0]) *
                int(info["Hugepagesize"].split()[0]) // 2048)
    except (OSError, KeyError, ValueError):
        return 0


def hugepages_ready():
    """Whether PAGES_NEEDED are free in a mounted hugetlbfs; as root, asks
    tools/hugepages.sh for more (it only ever raises the reservation)."""
    if hugetlbfs_mounts() and free_pages() >= PAGES_NEEDED:
        return True
    if os.geteuid() != 0:
        return False
    try:
        with open("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages") as f:
            total = int(f.read())
    except (OSError, ValueError):
        return False
    want = total + PAGES_NEEDED - free_pages()
    r = subprocess.run(["bash", os.path.join(REPO, "tools", "hugepages.sh"), str(want)],
                       capture_output=True, text=True, timeout=120)
    print("  " + r.stdout.strip().replace("\n", "\n  "))
    return bool(hugetlbfs_mounts()) and free_pages() >= PAGES_NEEDED


def remove_hugepage_files(prefix):
    """The primary leaves its hugepage files (PREFIXmap_N) behind."""
    for mnt in hugetlbfs_mounts():
        for f in glob.glob(os.path.join(mnt, f"{prefix}map_*")):
            try:
                os.unlink(f)
            except OSError:
                pass


# --- frames --------------------------------------------------------------------

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac(m):
    return bytes(int(x, 16) for x in m.split(":"))


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    ip4(src), ip4(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def icmp_echo(seq):
    h = struct.pack("!BBHHH", 8, 0, 0, 0x77, seq) + b"srv6d-dumpcap"
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def udp(src, dst, sport, dport):
    data = b"x" * 18
    h = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, len(h)) + h) or 0xffff
    return h[:6] + struct.pack("!H", c) + h[8:]


def eth(dst, src, payload):
    return mac(dst) + mac(src) + b"\x08\x00" + payload


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)) + fr)


def config(work):
    """ce0: 16 echo requests to 192.0.2.1 and 16 UDP to 198.51.100.2
    (forwarded out of ce1), alternating, replayed forever; ce1 receives
    nothing; neither port writes a file (net_pcap drops what it sends)."""
    frames = []
    for i in range(16):
        frames.append(eth(CE0_MAC, PEER0_MAC, ipv4("192.0.2.2", "192.0.2.1", 1, icmp_echo(i))))
        frames.append(eth(CE0_MAC, PEER0_MAC, ipv4(
            "192.0.2.2", "198.51.100.2", 17, udp("192.0.2.2", "198.51.100.2", 1000 + i, 9))))
    write_pcap(os.path.join(work, "ce0-in.pcap"), frames)
    write_pcap(os.path.join(work, "empty.pcap"), [])
    path = os.path.join(work, "srv6d.json")
    with open(path, "w") as f:
        json.dump({
            "ports": [
                {"name": "ce0", "vrf": "default", "mac": CE0_MAC, "addresses": ["192.0.2.1/24"],
                 "device": f"net_pcap0,rx_pcap={work}/ce0-in.pcap,infinite_rx=1"},
                {"name": "ce1", "vrf": "default", "mac": CE1_MAC,
                 "addresses": ["198.51.100.1/24"],
                 "device": f"net_pcap1,rx_pcap={work}/empty.pcap"}],
            "neighbors": [{"port": "ce0", "address": "192.0.2.2", "mac": PEER0_MAC},
                          {"port": "ce1", "address": "198.51.100.2", "mac": PEER1_MAC}]}, f)
    return path


# --- tools ---------------------------------------------------------------------

def dumpcap(prefix, *args, timeout=60):
    """dpdk-dumpcap to its end: (exit status, output)."""
    try:
        r = subprocess.run([DUMPCAP, "--file-prefix", prefix, "-q"] + list(args),
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timed out"
    out = (r.stdout + r.stderr).strip()
    print("  dpdk-dumpcap %s: exit %d: %s" % (" ".join(args), r.returncode,
                                              out.replace("\n", " | ")[-240:]))
    return r.returncode, out


def dumpcap_start(prefix, work, name, *args):
    """dpdk-dumpcap in the background, its output (not -q) in WORK/NAME.log."""
    out = open(os.path.join(work, name + ".log"), "wb")  # pylint: disable=consider-using-with
    p = subprocess.Popen([DUMPCAP, "--file-prefix", prefix] + list(args),
                         stdout=out, stderr=subprocess.STDOUT)
    out.close()
    return p


def wait_capturing(work, name, timeout=30):
    """Until dpdk-dumpcap's callbacks are in place: it starts counting
    ("Packets captured:", on stderr) after srv6d has answered its request."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(os.path.join(work, name + ".log"), "rb") as f:
            if b"Packets captured" in f.read():
                time.sleep(0.3)
                return True
        time.sleep(0.05)
    return False


def ended(proc, timeout):
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


FIELDS = ["frame.interface_name", "frame.packet_flags_direction", "eth.src", "eth.dst",
          "ip.src", "ip.dst", "ip.ttl", "icmp.type", "icmp.ident", "udp.dstport", "udp.srcport"]


def tshark(path):
    """One dict per frame, FIELDS as tshark decodes them (direction as 1/2);
    None when tshark cannot read the file."""
    r = subprocess.run([TSHARK, "-r", path, "-T", "fields"] +
                       [a for f in FIELDS for a in ("-e", f)],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        print("  tshark -r %s: exit %d: %s" % (path, r.returncode, r.stderr.strip()[-200:]))
        return None
    frames = []
    for line in r.stdout.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        try:
            v["dir"] = int(v.get("frame.packet_flags_direction") or "0", 0)
        except ValueError:
            v["dir"] = 0
        frames.append(v)
    return frames


def kind(f):
    """What srv6d sees or sends on ce0 and ce1, or None."""
    if f.get("icmp.type") == "8" and f["ip.dst"] == "192.0.2.1" and f["dir"] == INBOUND:
        return "request"
    if f.get("icmp.type") == "0" and f["ip.src"] == "192.0.2.1" and f["dir"] == OUTBOUND:
        return "reply"
    if f.get("udp.dstport") == "9" and f["ip.dst"] == "198.51.100.2":
        return "udp-in" if f["dir"] == INBOUND else "udp-out"
    return None


def stats(sock):
    with Rpc(sock, timeout=30) as rpc:
        s = rpc.call("stats.get")
    ports = {p["name"]: p for p in s["ports"]}
    return ports, sum(s["drops"].values())


def counters_add_up(sock, what):
    """No drops; ce0's input is its echo replies plus the UDP out of ce1,
    give or take the bursts in flight; both keep growing."""
    p1, d1 = stats(sock)
    time.sleep(0.5)
    p2, d2 = stats(sock)
    rx, tx0, tx1 = p2["ce0"]["rx_packets"], p2["ce0"]["tx_packets"], p2["ce1"]["tx_packets"]
    check(d2 == 0 and 0 <= rx - (tx0 + tx1) <= 2 * BURST and abs(tx0 - tx1) <= BURST,
          "%s: counters add up: ce0 in %d = %d replies on ce0 + %d UDP out of ce1 "
          "(+ a burst or two in flight), drops %d" % (what, rx, tx0, tx1, d2))
    check(p2["ce0"]["rx_packets"] > p1["ce0"]["rx_packets"] and
          p2["ce1"]["tx_packets"] > p1["ce1"]["tx_packets"],
          "%s: srv6d forwards on (ce0 in +%d, ce1 out +%d in 0.5 s)"
          % (what, p2["ce0"]["rx_packets"] - p1["ce0"]["rx_packets"],
             p2["ce1"]["tx_packets"] - p1["ce1"]["tx_packets"]))


def asan_lib():
    """libasan's path when srv6d is the sanitized build (LD_PRELOAD needs
    it first)."""
    r = subprocess.run(["ldd", srv6d_path()], capture_output=True, text=True, timeout=30)
    for line in r.stdout.splitlines():
        if "libasan" in line and "=>" in line:
            return line.split("=>")[1].split()[0]
    return None


# --- the phases ----------------------------------------------------------------

def captures(work, prefix, sock, log):
    with open(log, errors="replace") as f:
        text = f.read()
    check(f"dpdk-dumpcap available: dpdk-dumpcap --file-prefix {prefix}" in text,
          "srv6d's log says capture is available and names --file-prefix %s" % prefix)

    rc, out = dumpcap(prefix, "-D")
    check(rc == 0 and "0. net_pcap0" in out and "1. net_pcap1" in out,
          "dpdk-dumpcap -D lists srv6d's ports as net_pcap0 and net_pcap1")
    # Attaching is where a secondary meets srv6d's memory layout (in an ASan
    # build it failed or crashed now and then: app/srv6d/pdump.c).
    codes = []
    for _ in range(15):
        r = subprocess.run([DUMPCAP, "--file-prefix", prefix, "-D"], capture_output=True,
                           text=True, timeout=60)
        codes.append(r.returncode)
    check(codes == [0] * 15, "dpdk-dumpcap -D 15 times more: exit statuses %s" % sorted(set(codes)))

    f0 = os.path.join(work, "ce0.pcapng")
    rc, _ = dumpcap(prefix, "-i", "net_pcap0", "-c", "64", "-w", f0)
    got = tshark(f0) or []
    kinds = [kind(f) for f in got]
    n = {k: kinds.count(k) for k in ("request", "udp-in", "reply", "udp-out", None)}
    check(rc == 0 and 64 <= len(got) <= 64 + BURST,
          "dpdk-dumpcap -i net_pcap0 -c 64: exit 0, %d frames (64 to %d)"
          % (len(got), 64 + BURST))
    check(got and all(f["frame.interface_name"] == "dpdk:0" for f in got) and
          n["request"] and n["udp-in"] and n["reply"] and not n["udp-out"] and not n[None],
          "net_pcap0 (tshark): %d echo requests and %d UDP in, %d echo replies out, "
          "%d other frames" % (n["request"], n["udp-in"], n["reply"], n["udp-out"] + n[None]))

    f1 = os.path.join(work, "ce1.pcapng")
    rc, _ = dumpcap(prefix, "-i", "net_pcap1", "-c", "32", "-w", f1)
    got = tshark(f1) or []
    fwd = [f for f in got if kind(f) == "udp-out" and f["frame.interface_name"] == "dpdk:1" and
           f["ip.ttl"] == "63" and f["eth.src"] == CE1_MAC and f["eth.dst"] == PEER1_MAC]
    check(rc == 0 and len(got) >= 32 and len(fwd) == len(got),
          "dpdk-dumpcap -i net_pcap1 -c 32: exit 0, %d frames, %d of them the forwarded UDP "
          "(outbound, TTL 63, %s -> %s)" % (len(got), len(fwd), CE1_MAC, PEER1_MAC))

    fi = os.path.join(work, "icmp.pcapng")
    rc, _ = dumpcap(prefix, "-p", "-i", "net_pcap0", "-c", "40", "-f", "icmp", "-w", fi)
    got = tshark(fi) or []
    kinds = [kind(f) for f in got]
    check(rc == 0 and len(got) >= 40 and set(kinds) == {"request", "reply"},
          "with -p -f icmp: exit 0, %d frames: %d echo requests, %d replies, %d other"
          % (len(got), kinds.count("request"), kinds.count("reply"),
             len(kinds) - kinds.count("request") - kinds.count("reply")))

    counters_add_up(sock, "after the captures")


# Captures left running use a filter no frame matches: the callbacks run (BPF
# on every packet) but the files stay empty.
NOTHING = "udp port 7"


def kill_and_term(work, prefix, sock, srv):
    # SIGKILL: dpdk-dumpcap never removes its callbacks (DPDK 22.11): srv6d
    # goes on running them, into the dead capture's ring.
    p = dumpcap_start(prefix, work, "killed", "-i", "net_pcap1", "-f", NOTHING,
                      "-w", os.path.join(work, "killed.pcapng"))
    capturing = wait_capturing(work, "killed")
    p.kill()
    p.wait()
    time.sleep(0.5)
    check(capturing and srv.poll() is None,
          "dpdk-dumpcap killed (SIGKILL) while capturing net_pcap1: srv6d alive")
    counters_add_up(sock, "after the SIGKILL")

    ft = os.path.join(work, "term.pcapng")
    p = dumpcap_start(prefix, work, "term", "-i", "net_pcap0", "-f", NOTHING, "-w", ft)
    capturing = wait_capturing(work, "term")
    p.send_signal(signal.SIGTERM)
    rc = ended(p, 20)
    got = tshark(ft)
    check(capturing and rc == 0 and got == [] and srv.poll() is None,
          "dpdk-dumpcap -i net_pcap0 -f '%s' ended with SIGTERM: exit %s, a pcapng file "
          "tshark reads (%s frames); srv6d alive" % (NOTHING, rc, None if got is None else len(got)))
    counters_add_up(sock, "after the SIGTERM")


def race(work, prefix):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        print("skip: the callback race (no C compiler for the shim)")
        return
    src = os.path.join(work, "slowcopy.c")
    lib = os.path.join(work, "slowcopy.so")
    with open(src, "w") as f:
        f.write(SHIM)
    r = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", lib, src, "-ldl"],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        print("skip: the callback race (shim not built: %s)" % r.stderr.strip()[-200:])
        return
    asan = asan_lib()
    saved = os.environ.get("LD_PRELOAD")
    os.environ["LD_PRELOAD"] = " ".join(x for x in (asan, lib) if x)
    try:
        proc, sock = start_srv6d(work, "race", config(work), prefix, memory=MEMORY)
    finally:
        if saved is None:
            del os.environ["LD_PRELOAD"]
        else:
            os.environ["LD_PRELOAD"] = saved
    if proc is None:
        check(False, "srv6d with the slow rte_pcapng_copy started (log: %r)" % sock)
        return
    try:
        rc, _ = dumpcap(prefix, "-i", "net_pcap0", "-c", "8", "-w",
                        os.path.join(work, "race.pcapng"))
        time.sleep(1.5)  # the worker's burst in the callback: 32 x 20 ms
        alive = proc.poll() is None
        check(rc == 0 and alive,
              "the race: dpdk-dumpcap -c 8 ended (exit %s) while a worker was inside the "
              "capture callback (rte_pcapng_copy 20 ms a packet): srv6d alive" % rc)
        if alive:
            with Rpc(sock, timeout=30) as rpc:
                rx = next(p["rx_packets"] for p in rpc.call("stats.get")["ports"]
                          if p["name"] == "ce0")
            check(rx > 0, "the race: srv6d answers afterwards (ce0 in %d)" % rx)
    finally:
        rc = stop_srv6d(proc)
        remove_hugepage_files(prefix)
        with open(os.path.join(work, "race.log"), errors="replace") as f:
            text = f.read()
        check(rc == 0 and "Sanitizer" not in text,
              "the race: srv6d stopped with status 0 (%d), no sanitizer report" % rc)
        if rc != 0 or "Sanitizer" in text:
            print(text[-3000:])


def main():
    if not os.access(srv6d_path(), os.X_OK):
        print("skip: srv6d not built")
        return 77
    if DUMPCAP is None or TSHARK is None:
        print("skip: dpdk-dumpcap (Debian: dpdk-dev) or tshark missing")
        return 77
    if not hugepages_ready():
        print("skip: %d free 2 MiB hugepages, %d needed, hugetlbfs on %s (dpdk-dumpcap "
              "needs srv6d on hugepages)" % (free_pages(), PAGES_NEEDED, hugetlbfs_mounts()))
        return 77
    prefix = f"dumpcap{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="srv6d-dumpcap-") as work:
        proc, sock = start_srv6d(work, "srv6d", config(work), prefix, memory=MEMORY)
        if proc is None:
            check(False, "srv6d started on hugepages (log: %r)" % sock)
            remove_hugepage_files(prefix)
            return 1
        attached = None
        try:
            captures(work, prefix, sock, os.path.join(work, "srv6d.log"))
            kill_and_term(work, prefix, sock, proc)
            # srv6d stops under a capture: dpdk-dumpcap notices (it polls
            # for the primary every 0.5 s) and ends.
            attached = dumpcap_start(prefix, work, "attached", "-i", "net_pcap0",
                                     "-f", NOTHING, "-w", os.path.join(work, "attached.pcapng"))
            capturing = wait_capturing(work, "attached")
        finally:
            rc = stop_srv6d(proc)
            remove_hugepage_files(prefix)
            check(rc == 0, "srv6d stopped with status 0 (%d)" % rc)
            if attached is not None:
                end = ended(attached, 20)
                check(capturing and end is not None,
                      "dpdk-dumpcap attached while srv6d stopped: ended by itself (exit %s)"
                      % end)
                if end is None:
                    attached.kill()
                    attached.wait()
        race(work, prefix + "r")
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
