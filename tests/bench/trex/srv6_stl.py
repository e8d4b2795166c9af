# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""TRex stateless streams for the srv6d benchmark cases (TRex v3.x).

The packets and the field-engine program come from srv6_pkts.py (plain
scapy, checked by `srv6_pkts.py --check`); this module only turns them into
STLStream objects. The profiles srv6_encap.py, srv6_decap.py and srv6_end.py
call streams(); TRex puts the profile's folder on sys.path while it loads a
profile, so these imports resolve. Untested here: TRex is not installed on
the project's machines.
"""

import argparse
import os
from dataclasses import replace

from trex_stl_lib.api import (
    STLFlowLatencyStats,
    STLPktBuilder,
    STLScVmRaw,
    STLStream,
    STLTXCont,
    STLVmFixIpv4,
    STLVmFlowVar,
    STLVmWrFlowVar,
    STLVmWrMaskFlowVar,
)

import srv6_pkts
from scapy.layers.l2 import Ether


def parse(tunables, case, prog):
    """Tunables as a list of argparse words (TRex v3 passes them so)."""
    ap = argparse.ArgumentParser(prog=os.path.basename(prog),
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    srv6_pkts.add_arguments(ap, case)
    ap.add_argument("--latency_pps", "--latency-pps", type=int, default=0,
                    help="add a latency stream at this rate (flow stats pg_id --pg_id)")
    ap.add_argument("--pg_id", "--pg-id", type=int, default=7)
    return ap.parse_args(tunables or [])


def vm_program(p):
    """srv6_pkts.vm_plan() as TRex field-engine instructions."""
    ins = []
    for op in srv6_pkts.vm_plan(p):
        if op[0] == "var":
            _, name, size, lo, hi, kind = op
            ins.append(STLVmFlowVar(name=name, size=size, min_value=lo, max_value=hi, op=kind))
        elif op[0] == "write":
            ins.append(STLVmWrFlowVar(fv_name=op[1], pkt_offset=op[2]))
        elif op[0] == "write_mask":
            _, name, off, cast, mask = op
            ins.append(STLVmWrMaskFlowVar(fv_name=name, pkt_offset=off, pkt_cast_size=cast,
                                          mask=mask, shift=0))
        elif op[0] == "fix_ipv4":
            ins.append(STLVmFixIpv4(offset=op[1]))
    return STLScVmRaw(ins) if ins else None


def _builder(p, vm=None):
    # The frame without FCS (TRex appends it). As bytes, TRex writes the MAC
    # addresses of its port configuration; as a scapy packet, the packet's.
    frame = bytes(srv6_pkts.build(p))
    if p.dst_mac or p.src_mac:
        return STLPktBuilder(pkt=Ether(frame), vm=vm)
    return STLPktBuilder(pkt_buffer=frame, vm=vm)


def _stream(p, pps):
    return STLStream(packet=_builder(p, vm_program(p)), mode=STLTXCont(pps=pps))


def streams(tunables, case, prog):
    """One stream per frame size (three for imix), plus optional latency."""
    a = parse(tunables, case, prog)
    p, imix = srv6_pkts.params_from_args(a)
    if imix:
        out = [_stream(replace(p, size=sz), w) for sz, w in srv6_pkts.IMIX[p.family]]
    else:
        p.validate()
        out = [_stream(p, 1)]
    if a.latency_pps:
        # A single-flow stream: latency streams are sent by TRex's software
        # path and carry its own signature, so they do not take the VM.
        lat = replace(p, size=p.size if not imix else srv6_pkts.IMIX[p.family][0][0],
                      flows=1, dsts=1)
        out.append(STLStream(packet=_builder(lat),
                             mode=STLTXCont(pps=a.latency_pps),
                             flow_stats=STLFlowLatencyStats(pg_id=a.pg_id)))
    return out
