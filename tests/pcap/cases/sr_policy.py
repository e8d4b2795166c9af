# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""SR policies (RFC 9256) and steering by color (8.5), doc/api.md "SR policies".

Policy (color 10, endpoint REMOTE_PE) has two segment lists, [PA1, PA2]
weight 3 and [PB1] weight 1. A VPN route whose srv6 next hop names that
policy, with its own service SID B1, is H.Encaps with the list first and B1
last: [PA1, PA2, B1] or [PB1, B1]. 120 customer flows, two packets each:
every flow sticks to one list, and list A carries 3/4 of the flows within
bounds (the weights become 48 and 16 of 64 hash slots).
Also: a route steered to a color with no policy falls back to its own
segments (best effort, RFC 9256 8.8): H.Encaps [B1]; a policy with encap
h.encaps.red: [PA1, B1] as H.Encaps.Red (DA PA1, SRH [B1], SL 1).
Binding SIDs of a policy (RFC 9256 6): End.B6.Encaps with "policy" instead
of segments: a packet for the BSID (SRH [BSID, B2], SL 1) gets End's step,
then the flow's list of the policy pushed (one list per flow, by the flow
label the sender set, 3:1 over 120 flows); End.B6.Encaps.Red bound to the
same policy pushes the lists reduced.
Every output is compared field by field with scapy's own H.Encaps of the
customer packet (TTL - 1).
"""
from harness import *  # noqa: F401,F403

PA1, PA2, PB1 = "2001:db8:b:a1::", "2001:db8:b:a2::", "2001:db8:b:b1::"
N_FLOWS = 120


def split_check(prefix):
    """A post-check on the packets tagged (prefix, flow, list): two per
    flow, each flow on one list, list A (weight 3 of 4) 0.6 to 0.9 of them."""
    def weights(res):
        errs, per_flow = [], {}
        for tag, items in res.by_tag.items():
            if isinstance(tag, tuple) and tag[0] == prefix:
                per_flow.setdefault(tag[1], []).extend([tag[2]] * len(items))
        got = sum(len(v) for v in per_flow.values())
        if got != 2 * N_FLOWS:
            errs.append(f"{got} packets matched a list, want {2 * N_FLOWS}")
        for f, lists in sorted(per_flow.items()):
            if len(set(lists)) != 1:
                errs.append(f"flow {f} spread over lists {lists}")
        share = sum(1 for v in per_flow.values() if v[0] == "A") / max(1, len(per_flow))
        if not 0.6 <= share <= 0.9:
            errs.append(f"list A (weight 3 of 4) carries {share:.2f} of the flows")
        return errs
    weights.__name__ = f"split_{prefix}"
    return weights


def customer(net, f, k):
    return IP(src=CE_IP4, dst=f"{net}.{f // 250}.{f % 250 + 1}", ttl=64) / \
        UDP(sport=20000 + f, dport=9000) / Raw(b"policy %d %d" % (f, k))


def scenario_weights():
    ins, exp = [], []
    for f in range(N_FLOWS):
        for k in range(2):
            p = customer("10.60", f, k)
            ins.append(to_port("ce0", CE_MAC) / p)
            fwd = dec(p)
            for name, segs in (("A", [PA1, PA2, B1]), ("B", [PB1, B1])):
                exp.append(Exp(from_port("wan0", P1_MAC) / h_encaps(fwd, segs), "wan0",
                               ignore=["IPv6[0].fl"], optional=True, tag=("pol", f, name),
                               desc=f"flow {f} packet {k} on list {name}"))

    route = {"vrf": VRF1, "prefix": "10.60.0.0/16",
             "nexthops": [{"type": "srv6", "segments": [B1],
                           "policy": {"color": 10, "endpoint": REMOTE_PE}}]}
    policy = {"color": 10, "endpoint": REMOTE_PE, "name": "two-paths",
              "segment_lists": [{"segments": [PA1, PA2], "weight": 3},
                                {"segments": [PB1], "weight": 1}]}
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE, route],
                 extra={"policies": [policy]})
    return Scenario("weights", cfg, {"ce0": ins}, exp, post_checks=[split_check("pol")])


def scenario_fallback_red():
    ins, exp = [], []
    for f in range(4):
        p = customer("10.61", f, 0)
        ins.append(to_port("ce0", CE_MAC) / p)
        exp.append(Exp(from_port("wan0", P1_MAC) / h_encaps(dec(p), [B1]), "wan0",
                       ignore=["IPv6[0].fl"], desc=f"no policy of color 11: [B1], flow {f}"))
        p = customer("10.62", f, 0)
        ins.append(to_port("ce0", CE_MAC) / p)
        exp.append(Exp(from_port("wan0", P1_MAC) / h_encaps(dec(p), [PA1, B1], red=True),
                       "wan0", ignore=["IPv6[0].fl"],
                       desc=f"policy 12, h.encaps.red: [PA1, B1], flow {f}"))
    routes = [ROUTE_REMOTE_PE,
              {"vrf": VRF1, "prefix": "10.61.0.0/16",
               "nexthops": [{"type": "srv6", "segments": [B1],
                             "policy": {"color": 11, "endpoint": REMOTE_PE}}]},
              {"vrf": VRF1, "prefix": "10.62.0.0/16",
               "nexthops": [{"type": "srv6", "segments": [B1],
                             "policy": {"color": 12, "endpoint": REMOTE_PE}}]}]
    policy = {"color": 12, "endpoint": REMOTE_PE, "encap": "h.encaps.red",
              "segment_lists": [{"segments": [PA1]}]}
    cfg = config(("wan0", "ce0"), routes=routes, extra={"policies": [policy]})
    return Scenario("fallback_red", cfg, {"ce0": ins}, exp)


BSID, BSID_RED = sid(0xb6), sid(0xb7)


def scenario_binding():
    ins, exp = [], []
    for f in range(N_FLOWS):
        for k in range(2):
            inner = IPv6(src="2001:db8:20::5", dst=CE_IP6, hlim=60) / \
                UDP(sport=30000 + f, dport=53) / Raw(b"bsid %d %d" % (f, k))
            red = f % 4 == 3  # a quarter through the .Red binding SID
            bsid = BSID_RED if red else BSID
            ins.append(to_port("wan0", P1_MAC) /
                       IPv6(src=REMOTE_PE, dst=bsid, hlim=64, fl=(f * 2654435761) & 0xfffff) /
                       srh([bsid, B2], sl=1, nh=41) / inner)
            updated = IPv6(src=REMOTE_PE, dst=B2, hlim=63, fl=(f * 2654435761) & 0xfffff) / \
                srh([bsid, B2], sl=0, nh=41) / inner
            for name, segs in (("A", [PA1, PA2]), ("B", [PB1])):
                exp.append(Exp(from_port("wan0", P1_MAC) / h_encaps(updated, segs, red=red),
                               "wan0", ignore=["IPv6[0].fl"], optional=True,
                               tag=("bsid", f, name), desc=f"BSID flow {f} on list {name}"))

    policy = {"color": 10, "endpoint": REMOTE_PE,
              "segment_lists": [{"segments": [PA1, PA2], "weight": 3},
                                {"segments": [PB1], "weight": 1}]}
    sids = [{"sid": BSID, "behavior": "End.B6.Encaps",
             "policy": {"color": 10, "endpoint": REMOTE_PE}},
            {"sid": BSID_RED, "behavior": "End.B6.Encaps.Red",
             "policy": {"color": 10, "endpoint": REMOTE_PE}}]
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=sids,
                 extra={"policies": [policy]})
    return Scenario("binding", cfg, {"wan0": ins}, exp, post_checks=[split_check("bsid")],
                    sid_packets={BSID: 180, BSID_RED: 60})


def scenarios():
    return [scenario_weights(), scenario_fallback_red(), scenario_binding()]
