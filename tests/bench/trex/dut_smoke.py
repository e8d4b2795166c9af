#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Replay every benchmark case through srv6d on net_pcap ports, no NIC.

Before taking the kit to a lab: dut.json (devices swapped for net_pcap files)
must accept every packet srv6_pkts.py builds, drop none, and send each one
out of the expected port with the expected headers. Run as root from the
repository root after building:  tests/bench/trex/dut_smoke.py [--flows N]
Exit status 0 when every check passes, 77 when srv6d is not built.
"""

import argparse
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srv6_pkts  # noqa: E402
from scapy.layers.inet import IP  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrSegmentRouting  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.utils import rdpcap, wrpcap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def cases(flows):
    """(Params, input port, output port) for every case, one size each."""
    out = []
    for v in srv6_pkts.variants():
        p = replace(v, flows=flows, dsts=8, size=128)
        out.append((p, "ce0" if p.case == "encap" else "wan0",
                    "ce0" if p.case == "decap" else "wan0"))
    return out


def rpc(ctl, sock, *args):
    r = subprocess.run([ctl, "--socket", sock, "--json", *args], capture_output=True, text=True,
                       timeout=10)
    return json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else None


def check_out(p, pkt, errs):
    """The headers srv6d must have written, from the RFC rules."""
    where = srv6_pkts._name(p)
    src, dst = p.inner_prefixes()
    if p.case == "encap":
        o = pkt[IPv6]
        if o.dst != p.remote_sid or IPv6ExtHdrSegmentRouting not in pkt:
            errs.append("%s: encap output %s" % (where, pkt.summary()))
            return
        s = pkt[IPv6ExtHdrSegmentRouting]
        if s.segleft != 0 or len(s.addresses) != 1:
            errs.append("%s: encap SRH SL %d %s" % (where, s.segleft, s.addresses))
        if o.src != "2a0e:97c0:ae0:700a::2":
            errs.append("%s: encap source %s" % (where, o.src))
    elif p.case == "decap":
        ip = pkt[IP] if p.family == 4 else pkt[IPv6]
        if IPv6ExtHdrSegmentRouting in pkt or ipaddress.ip_address(ip.dst) not in dst:
            errs.append("%s: decap output %s" % (where, pkt.summary()))
        ttl = ip.ttl if p.family == 4 else ip.hlim
        if ttl != 63:
            errs.append("%s: inner TTL %d, want 63" % (where, ttl))
    else:
        s = pkt[IPv6ExtHdrSegmentRouting]
        segs = p.segment_list()
        if s.segleft != len(segs) - 2 or pkt[IPv6].dst != segs[len(segs) - 2]:
            errs.append("%s: End output SL %d DA %s" % (where, s.segleft, pkt[IPv6].dst))
        if pkt[IPv6].hlim != p.hop_limit - 1:
            errs.append("%s: End hop limit %d" % (where, pkt[IPv6].hlim))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flows", type=int, default=16)
    ap.add_argument("--build", default=os.environ.get("BUILD_DIR", "build"))
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()
    srv6d = os.path.join(a.build, "app/srv6d/srv6d")
    ctl = os.path.join(a.build, "app/srv6ctl/srv6ctl")
    if not (os.access(srv6d, os.X_OK) and os.access(ctl, os.X_OK)):
        print("skip: build srv6d first (%s)" % srv6d)
        return 77
    work = tempfile.mkdtemp(prefix="srv6-dut-smoke-")
    # Private copies: a rebuild during the run must not swap the binary.
    for name in ("srv6d", "srv6ctl"):
        shutil.copy2(srv6d if name == "srv6d" else ctl, os.path.join(work, name))
    srv6d, ctl = os.path.join(work, "srv6d"), os.path.join(work, "srv6ctl")
    errs = []
    try:
        # One srv6d run per case: the outputs then belong to that case alone.
        t0 = time.time()
        for p, inp, outp in cases(a.flows):
            pk = srv6_pkts.packets(p)
            d = os.path.join(work, srv6_pkts._name(p))
            os.makedirs(d)
            cfg = json.load(open(os.path.join(HERE, "dut.json")))
            for i, port in enumerate(cfg["ports"]):
                n = port["name"]
                if n == inp:
                    wrpcap(os.path.join(d, n + "-in.pcap"), [Ether(x) for x in pk], linktype=1)
                else:
                    wrpcap(os.path.join(d, n + "-in.pcap"), [], linktype=1)  # DLT_EN10MB
                port["device"] = "net_pcap%d,rx_pcap=%s/%s-in.pcap,tx_pcap=%s/%s-out.pcap" % (
                    i, d, n, d, n)
            cfg_path = os.path.join(d, "cfg.json")
            json.dump(cfg, open(cfg_path, "w"))
            sock = os.path.join(d, "srv6d.sock")
            proc = subprocess.Popen(
                [srv6d, "-l", "0,1", "--no-pci", "--no-huge", "-m", "1024", "--no-shconf",
                 "--file-prefix", "dutsmoke%d" % os.getpid(), "--log-level", "lib.eal:error",
                 "--", "--config", cfg_path, "--socket", sock],
                stdout=open(os.path.join(d, "srv6d.log"), "w"), stderr=subprocess.STDOUT)
            st = None
            try:
                deadline = time.time() + 60
                while time.time() < deadline:
                    time.sleep(0.3)
                    if proc.poll() is not None:
                        break
                    st = rpc(ctl, sock, "stats", "get")
                    if st and sum(x["rx_packets"] for x in st["ports"]) >= len(pk):
                        time.sleep(0.5)
                        st = rpc(ctl, sock, "stats", "get")
                        break
            finally:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                rc = proc.wait(timeout=30)
            name = srv6_pkts._name(p)
            if st is None or rc != 0:
                errs.append("%s: srv6d rc %s, no stats (see %s/srv6d.log)" % (name, rc, d))
                continue
            drops = {k: v for k, v in st["drops"].items() if v}
            txp = {x["name"]: x["tx_packets"] for x in st["ports"]}
            out = rdpcap(os.path.join(d, outp + "-out.pcap"))
            # srv6d may also send its own ND/ARP; count only the case's packets.
            data = [x for x in out if IPv6ExtHdrSegmentRouting in x or IP in x
                    or (IPv6 in x and x[IPv6].nh != 58)]
            print("%-32s in %4d  out(%s) %4d  tx %s  drops %s" % (
                name, len(pk), outp, len(data), txp, drops or 0))
            if drops:
                errs.append("%s: drops %s" % (name, drops))
            if len(data) != len(pk):
                errs.append("%s: %d packets out of %s, want %d" % (name, len(data), outp, len(pk)))
            for x in data[:4] + data[-2:]:
                check_out(p, x, errs)
        print("%.1f s" % (time.time() - t0))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("work folder:", work)
    for e in errs:
        print("FAIL", e)
    print("%d errors" % len(errs))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
