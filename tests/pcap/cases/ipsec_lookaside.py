# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""ESP through the queued lookaside path (datapath.crypto "lookaside").

The same scenarios as ipsec_srv6_out, ipsec_srv6_in, ipsec_tunnel_out,
ipsec_tunnel_in and ipsec_bad, judged by the same independent checks (every
ESP packet decrypted by scapy and compared byte for byte, sequence numbers,
tshark; the decrypted customer packets; each bad packet dropped and counted
by its reason), with srv6d told to compute ESP on a queued crypto device:
no device is given to the EAL, so srv6d creates crypto_openssl and enqueues
each run of packets to its worker's queue pair. Every SA must say
"path": "lookaside" in ipsec.sa.list, and config.get must show the setting.
One scenario of each runs with two workers (two queue pairs). The last
scenarios give the EAL a crypto_openssl device of one queue pair: srv6d must
use that device (not create its own), its two workers sharing the pair.
"""
from harness import *  # noqa: F401,F403
import harness

# case -> short prefix (the pcap paths of two workers must fit a port's device
# string, 255 characters)
SOURCES = {"ipsec_srv6_out": "so", "ipsec_srv6_in": "si", "ipsec_tunnel_out": "to",
           "ipsec_tunnel_in": "ti", "ipsec_bad": "bad"}


def lookaside_check(workers, device="openssl", qps=None):
    def chk(res):
        return lookaside_errors(res, workers, device, workers if qps is None else qps)
    chk.__name__ = "lookaside"
    return chk


def lookaside_errors(res, workers, device, qps):
    errs = []
    cfg = res.rpc.get("config.get", {})
    got = cfg.get("config", cfg).get("datapath", {}).get("crypto") \
        if isinstance(cfg, dict) else None
    if got != "lookaside":
        errs.append(f"config.get datapath.crypto is {got!r}, expected 'lookaside'")
    info = res.rpc.get("system.info", {}).get("crypto", {})
    if info.get("path") != "lookaside" or device not in str(info.get("device")) or \
            info.get("queue_pairs") != qps:
        errs.append(f"system.info crypto is {info!r}: expected path lookaside on "
                    f"{device} with {qps} queue pair(s)")
    sas = res.rpc.get("ipsec.sa.list", {})
    sas = sas.get("sas", sas) if isinstance(sas, dict) else sas
    if not isinstance(sas, list) or not sas:
        return errs + [f"ipsec.sa.list answered {sas!r}"]
    for s in sas:
        if s.get("path") != "lookaside":
            errs.append(f"SA {s.get('id')}: path {s.get('path')!r}, expected 'lookaside'")
    return errs


def scenarios():
    out = []
    for src, short in SOURCES.items():
        for k, sc in enumerate(harness.load_case(src).scenarios()):
            sc.name = f"{short}_{sc.name}"
            sc.config.setdefault("datapath", {})["crypto"] = "lookaside"
            sc.rpc_after = list(getattr(sc, "rpc_after", [])) + ["config.get", "system.info"]
            if "ipsec.sa.list" not in sc.rpc_after:
                sc.rpc_after.append("ipsec.sa.list")
            if k == 0 and src != "ipsec_srv6_out":
                sc.workers = 2
            sc.post_checks.append(lookaside_check(sc.workers))
            out.append(sc)
    for src, short in (("ipsec_srv6_in", "eal_si"), ("ipsec_tunnel_out", "eal_to")):
        sc = harness.load_case(src).scenarios()[0]
        sc.name = f"{short}_{sc.name}"
        sc.config.setdefault("datapath", {})["crypto"] = "lookaside"
        sc.rpc_after = list(sc.rpc_after) + ["config.get", "system.info"]
        sc.workers = 2
        sc.eal_args = ["--vdev", "crypto_openssl7,max_nb_queue_pairs=1"]
        sc.post_checks.append(lookaside_check(2, device="crypto_openssl7", qps=1))
        out.append(sc)
    return out
