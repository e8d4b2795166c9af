#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write N4 IPv4 and N6 IPv6 routes in `srv6ctl route load` format.

Prefix lengths follow real tables: IPv4 mostly /24, a quarter /16-/23, a few
/25-/32; IPv6 mostly /48, the rest /32-/47. Next hops rotate over a few IP
next hops (VIA4 / VIA6, on the test's connected subnets) and a few SRv6 SID
lists, as in a PE that learns many prefixes behind few next hops. Prefixes
are unique; the same SEED gives the same file.

Usage: route_gen.py N4 N6 [SEED] [--via4 A,B] [--via6 A,B] [--sids N] > FILE
"""

import argparse
import ipaddress
import random
import sys


def v4_len(rnd):
    x = rnd.random()
    if x < 0.70:
        return 24
    if x < 0.95:
        return rnd.randint(16, 23)
    return rnd.randint(25, 32)


def v6_len(rnd):
    x = rnd.random()
    if x < 0.60:
        return 48
    if x < 0.80:
        return rnd.choice((32, 36, 40, 44))
    return rnd.randint(33, 47)


def gen(n, bits, pick_len, base_ok, rnd):
    seen = set()
    while len(seen) < n:
        ln = pick_len(rnd)
        a = rnd.getrandbits(bits)
        a &= ((1 << bits) - 1) ^ ((1 << (bits - ln)) - 1)
        if not base_ok(a, ln):
            continue
        key = (a, ln)
        if key not in seen:
            seen.add(key)
            yield a, ln


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n4", type=int)
    ap.add_argument("n6", type=int)
    ap.add_argument("seed", type=int, nargs="?", default=1)
    ap.add_argument("--via4", default="192.0.2.2,192.0.2.3,192.0.2.4,192.0.2.5")
    ap.add_argument("--via6", default="2001:db8:1::2,2001:db8:1::3")
    ap.add_argument("--sids", type=int, default=8, help="distinct SRv6 SID lists")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    via4 = a.via4.split(",")
    via6 = a.via6.split(",")
    sids = ["fc00:0:%x::1" % (i + 1) for i in range(a.sids)]
    out = sys.stdout
    w = out.write

    # Stay clear of 0/8, 127/8, multicast and the test's own subnets (192.0.2/24,
    # 198.51.100/24): those are local or special, not routes.
    def ok4(x, ln):
        top = x >> 24
        return 1 <= top < 224 and top != 127 and (x >> 8) not in (0xC00002, 0xC63364)

    def ok6(x, ln):
        return (x >> 125) == 1  # 2000::/3, global unicast

    for i, (x, ln) in enumerate(gen(a.n4, 32, v4_len, ok4, rnd)):
        p = "%s/%d" % (ipaddress.IPv4Address(x), ln)
        if i % 2 == 0:
            w("%s via %s\n" % (p, via4[i // 2 % len(via4)]))
        else:
            w("%s segs %s\n" % (p, sids[i // 2 % len(sids)]))
    for i, (x, ln) in enumerate(gen(a.n6, 128, v6_len, ok6, rnd)):
        p = "%s/%d" % (ipaddress.IPv6Address(x), ln)
        if i % 2 == 0:
            w("%s via %s\n" % (p, via6[i // 2 % len(via6)]))
        else:
            w("%s segs %s encap h.encaps.red\n" % (p, sids[i // 2 % len(sids)]))


if __name__ == "__main__":
    main()
