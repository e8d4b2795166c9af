#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Control-plane churn for update_no_loss_test.sh: over one JSON-RPC connection,
as fast as the socket answers, until SIGTERM/SIGINT (or --count requests):

  route.add  VRF v4 prefix -> SID A / SID B alternately (same prefix: a replace)
  route.add  VRF v6 prefix -> SID A / SID B alternately
  sid.add / sid.del of an unrelated End SID
  route.add / route.del of an unrelated blackhole prefix in the VRF
  a batch [route.add v4, route.add v6] switching both at once

Every response must be a success. Prints a JSON summary on stdout at the end:
{"requests": n, "batches": n, "errors": n, "seconds": s, "last": {...}, "first_error": ...}
Exit status 0 when there were no errors.
"""
import argparse, json, signal, socket, sys, time

stop = False


def on_signal(signum, frame):
    global stop
    stop = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--vrf", required=True)
    ap.add_argument("--v4-prefix", required=True)
    ap.add_argument("--v6-prefix", required=True)
    ap.add_argument("--v4-sids", required=True, help="A,B")
    ap.add_argument("--v6-sids", required=True, help="A,B")
    ap.add_argument("--encap", default="h.encaps")
    ap.add_argument("--spare-sid", required=True)
    ap.add_argument("--spare-prefix", default="192.0.2.0/24")
    ap.add_argument("--count", type=int, default=0, help="stop after this many requests (0: until signalled)")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    v4 = a.v4_sids.split(",")
    v6 = a.v6_sids.split(",")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(a.socket)
    f = s.makefile("rb")
    rid = 0
    stats = {"requests": 0, "batches": 0, "errors": 0, "first_error": None, "max_latency_ms": 0.0}
    last = {}

    def req(method, params):
        nonlocal rid
        rid += 1
        return {"jsonrpc": "2.0", "id": rid, "method": method, "params": params}

    def route(prefix, sid):
        return req("route.add", {"vrf": a.vrf, "prefix": prefix,
                                 "nexthops": [{"type": "srv6", "segments": [sid], "encap": a.encap}]})

    def send(obj):
        t0 = time.monotonic()
        s.sendall(json.dumps(obj).encode() + b"\n")
        line = f.readline()
        dt = (time.monotonic() - t0) * 1000
        stats["max_latency_ms"] = max(stats["max_latency_ms"], round(dt, 2))
        if not line:
            raise ConnectionError("socket closed")
        resp = json.loads(line)
        items = resp if isinstance(resp, list) else [resp]
        n = len(obj) if isinstance(obj, list) else 1
        stats["requests"] += n
        if isinstance(obj, list):
            stats["batches"] += 1
        for r in items:
            if "error" in r:
                stats["errors"] += 1
                if stats["first_error"] is None:
                    stats["first_error"] = {"request": obj, "response": r}

    t0 = time.monotonic()
    i = 0
    spare_installed = False
    try:
        while not stop and (a.count == 0 or stats["requests"] < a.count):
            k = i % 8
            alt = (i // 8) % 2
            if k == 0:
                send(route(a.v4_prefix, v4[alt])); last["v4"] = v4[alt]
            elif k == 1:
                send(route(a.v6_prefix, v6[alt])); last["v6"] = v6[alt]
            elif k == 2:
                send(req("sid.add", {"sid": a.spare_sid, "behavior": "End"})); spare_installed = True
            elif k == 3:
                send(req("route.add", {"vrf": a.vrf, "prefix": a.spare_prefix, "nexthops": [{"type": "blackhole"}]}))
            elif k == 4:
                send(req("sid.del", {"sid": a.spare_sid})); spare_installed = False
            elif k == 5:
                send(req("route.del", {"vrf": a.vrf, "prefix": a.spare_prefix}))
            elif k == 6:
                b = 1 - alt
                send([route(a.v4_prefix, v4[b]), route(a.v6_prefix, v6[b])])
                last["v4"], last["v6"] = v4[b], v6[b]
            else:
                send(route(a.v4_prefix, v4[alt])); last["v4"] = v4[alt]
                send(route(a.v6_prefix, v6[alt])); last["v6"] = v6[alt]
            i += 1
        if spare_installed:
            send(req("sid.del", {"sid": a.spare_sid}))
    except (OSError, ConnectionError, ValueError) as e:
        stats["errors"] += 1
        stats["first_error"] = stats["first_error"] or {"transport": str(e)}
    stats["seconds"] = round(time.monotonic() - t0, 3)
    stats["rate_per_s"] = round(stats["requests"] / stats["seconds"], 1) if stats["seconds"] else 0
    stats["last"] = last
    print(json.dumps(stats), flush=True)
    return 0 if stats["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
