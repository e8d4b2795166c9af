# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.DT4 from one remote PE spread over two workers ("datapath": {"spread":
"even"}): one outer source/destination pair, so RSS (here: one RX queue)
puts it all on one worker, which must hand inner flows to the other.
"even", not the default "inner": "inner" starts with every bucket at home
and moves buckets only while a worker is over half busy, which 256 packets
never make it; "even" spreads the buckets from the start, deterministically.

64 inner IPv4 flows of 4 packets each, interleaved, all from REMOTE_PE to one
SID with the SRH Linux and FRR push (one segment, SL 0), outer flow label 0.
Checked with scapy against RFC 8986 4.7: every output packet is the inner
packet with TTL - 1 and a right checksum, to the MAC of its route (connected
CE or the VRF route via CE2); none missing, no drops. Each worker sends on
its own TX queue (ce0_out.pcap, ce0_out1.pcap): a flow must leave on one
queue only (one worker processed it) and in the order it came. stats.get:
the RX worker handed packets off, the other handed in as many."""
from harness import *  # noqa: F401,F403

A = sid(7)
FLOWS, PER_FLOW = 64, 4
SPREAD = "even"
SPORT0 = 20000


def inner(k, seq):
    # even flows to the connected CE, odd ones through the VRF route (CE2)
    dst = CE_IP4 if k % 2 == 0 else f"192.0.2.{k}"
    return IP(src="172.16.20.5", dst=dst, ttl=50, id=k * 16 + seq) / \
        UDP(sport=SPORT0 + k, dport=53) / Raw(b"spread flow %02d seq %d" % (k, seq))


def order_check(res):
    """Per flow: one TX queue (one worker), sequence numbers 0, 1, ... in it."""
    if not hasattr(res, "out_q"):
        return ["the harness has no multi-worker support (Scenario.workers, Result.out_q)"]
    errs, queue_of, seen = [], {}, {}
    for q, frames in enumerate(res.out_q.get("ce0", [])):
        for n, b in enumerate(frames):
            p = Ether(b)
            if UDP not in p or Raw not in p:
                errs.append(f"ce0 queue {q} #{n + 1}: not a UDP packet of ours")
                continue
            k = p[UDP].sport - SPORT0
            try:
                seq = int(bytes(p[Raw].load).rsplit(b" ", 1)[1])
            except (IndexError, ValueError):
                errs.append(f"ce0 queue {q} #{n + 1}: payload {bytes(p[Raw].load)!r}")
                continue
            if queue_of.setdefault(k, q) != q:
                errs.append(f"flow {k}: sent on TX queues {queue_of[k]} and {q} (processed by "
                            f"two workers)")
            want = seen.get(k, -1) + 1
            if seq != want:
                errs.append(f"flow {k}: seq {seq} where {want} was due (ce0 queue {q} "
                            f"#{n + 1}): reordered or lost")
            seen[k] = seq
    if len(seen) != FLOWS:
        errs.append(f"{len(seen)} flows on ce0, {FLOWS} sent")
    return errs


def spread_check(res):
    """Both workers processed packets: the one polling the RX queue handed
    some off, the other handed in exactly as many (a worker's rx_packets
    counts what it handed in: its own are rx_packets - handed_in)."""
    lcs = (res.stats or {}).get("lcores", [])
    if len(lcs) != 2:
        return [f"stats.get lcores: {len(lcs)} entries, 2 workers expected"]
    missing = [f"stats.get lcore {lc.get('lcore')}: no {k}" for lc in lcs
               for k in ("rx_packets", "handed_off", "handed_in") if k not in lc]
    if missing:
        return missing
    rxw = [lc for lc in lcs if lc["rx_packets"] - lc["handed_in"] > 0]
    if len(rxw) != 1:
        return [f"stats.get lcores {lcs}: one worker polls the one RX queue"]
    rxw = rxw[0]
    other = lcs[1] if lcs[0] is rxw else lcs[0]
    errs = []
    off, inn = rxw["handed_off"], other["handed_in"]
    if off <= 0:
        errs.append(f"RX worker (lcore {rxw.get('lcore')}) handed_off {off}: nothing spread")
    if inn != off:
        errs.append(f"lcore {other.get('lcore')} handed_in {inn}, lcore {rxw.get('lcore')} "
                    f"handed_off {off}")
    if rxw["handed_in"] or other["handed_off"]:
        errs.append(f"handed_in {rxw['handed_in']} on the RX worker, handed_off "
                    f"{other['handed_off']} on the other: nothing flows back")
    if not all(res.out_q.get("ce0", [[], []])[:2]):
        errs.append("a TX queue of ce0 sent nothing: one worker did all the work")
    return errs


def scenarios():
    inputs, expect = [], []
    for seq in range(PER_FLOW):
        for k in range(FLOWS):
            i = inner(k, seq)
            inputs.append(to_port("wan0", P1_MAC) /
                          IPv6(src=REMOTE_PE, dst=A, hlim=61, fl=0) / srh([A], sl=0, nh=4) / i)
            mac = CE_MAC if k % 2 == 0 else CE2_MAC
            expect.append(Exp(from_port("ce0", mac) / dec(i), "ce0", tag=("flow", k),
                              desc=f"End.DT4 flow {k} seq {seq}"))
    cfg = config(("wan0", "ce0"),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": VRF1, "prefix": "192.0.2.0/24",
                          "nexthops": [{"type": "ip", "via": CE2_IP4, "port": "ce0"}]}],
                 sids=[{"sid": A, "behavior": "End.DT4", "vrf": VRF1}],
                 extra={"datapath": {"spread": SPREAD}})
    return [Scenario("spread_dt4", cfg, {"wan0": inputs}, expect,
                     sid_packets={A: len(inputs)}, post_checks=[order_check, spread_check],
                     workers=2)]
