#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# SRv6 OAM (RFC 9259; seed 004's probe): srv6ctl ping, trace and probe over
# segment lists between two srv6d PEs, through a plain Linux IPv6 router:
#
#   PE1 (srv6d) ---------------- P (Linux) ---------------- PE2 (srv6d)
#   wan0 2001:db8:0:1::1   veth-p-pe1 2001:db8:0:1::2
#                          veth-p-pe2 2001:db8:0:2::2   wan0 2001:db8:0:2::1
#
#   PE1 locator 2a0e:97c0:ae6:1001::/64: End 2a0e:97c0:ae6:1001:e::,
#       End.DT46 2a0e:97c0:ae6:1001:1:: (VRF L3VPN-1)
#   PE2 locator 2a0e:97c0:ae6:2001::/64: End 2a0e:97c0:ae6:2001:e::,
#       End.DT46 2a0e:97c0:ae6:2001:1:: (VRF L3VPN-1)
#   P forwards (static routes to both locators), ICMPv6 error rate limit off
#   in its namespace; each PE routes the other's locator (and PE2 PE1's link)
#   via P. PE1's probes leave from its encap.source, 2001:db8:0:1::1.
#
# 1. ping [PE2 End]: 5/5 echo replies from PE2's End SID; ping [PE2 End,
#    PE2 DT46]: the End at SL 1, the DT46 answers at SL 0 (5/5 from it);
#    the text lines, the summary and oam.get's JSON (--json) checked.
# 2. Seed 004's probe, lists that go out and loop back to PE1's own SIDs:
#    ping [PE2 End, PE1 End] answered by PE1's End; srv6ctl probe with
#    [PE2 End, PE1 End] and [PE2 End, PE1 DT46], count 50 interval 10: 0%
#    loss on both, the table and one histogram line per path, percentiles in
#    order (min <= p50 <= p90 <= p99 <= max, text and JSON); SID counters
#    exact (PE2 End +100, PE1 End +50, PE1 DT46 +50).
# 3. trace [PE2 End, PE1 End]. The probes leave PE1 with their hop limit as
#    built; P (Linux) decrements; PE2's End decrements at its SID (SL 1 ->
#    0 is a segment, hop limit <= 1 there is Time Exceeded from PE2's port
#    address); a SID reached at SL 0 answers the echo whatever the hop limit:
#      hop 1  P 2001:db8:0:1::2   time-exceeded (expires at P, PE1 -> PE2)
#      hop 2  PE2 2001:db8:0:2::1 time-exceeded (expires at PE2's End)
#      hop 3  P 2001:db8:0:2::2   time-exceeded (expires at P on the way
#             back; Linux's icmp6_send takes the error's source from the
#             interface the packet came in on, here the PE2 side, unless
#             the route toward the source has a preferred source)
#      hop 4  PE1's End           echo-reply
#    exactly that list (text and JSON), exit 0, "answered at hop 4"; PE2
#    counts one ip6_hop_limit_exceeded per trace and nothing else.
# 4. O-flag: ping [PE2 End, PE1 End] count 4 o-flag: PE2's End and PE1's End
#    o_flag_packets +4 each (no other SID's); the same ping without o-flag:
#    +0. tshark on P's side of the PE1 - P link: the 4 requests toward PE2's
#    End (SL 1) and the 4 coming back toward PE1's End (SL 0) carry SRH
#    flags 0x20, identifier = the session's id (>= 0x5300), data starting
#    "srv6dOAM"; those of the second ping flags 0x00.
# 4b. End.OP and oam captures: PE2 has an End.OP SID; a capture of direction
#    oam runs on PE2's wan0. ping [PE2 End.OP, PE1 End] count 4: the probes
#    stop at the End.OP SID at SL 1, which answers (4 replies from it, PE1's
#    End +0); ping [PE2 End, PE1 End] count 3 o-flag. PE2's capture holds
#    exactly 7 frames, read by tshark: 4 toward the End.OP SID (SL 1, flags
#    0x00) and 3 toward PE2's End (SL 1, flags 0x20), each with the Ethernet
#    header as received (from P's MAC to PE2's port MAC); capture.list
#    showed the capture with direction oam.
# 5. Refusals through srv6ctl (exit 1, the error names the field): src not
#    one of PE1's addresses (src), a segment that is not IPv6 (segments),
#    count 0 (count), max-hops 0 (max_hops), an unknown VRF (vrf), oam get of
#    an unknown id (id).
# 6. Unreachable: ping 2001:db8:dead::1 (no route on PE1). What srv6d does,
#    observed and asserted: every probe meets PE1's no-route stage, which
#    counts ip6_no_route and turns it into an ICMPv6 Destination
#    Unreachable (code 0, no route) from PE1's address to the probe's
#    source, i.e. back to PE1 itself, and the session catches it. So:
#    exit 1, 0 echo replies, every probe (--json) answered "unreachable"
#    code 0 from 2001:db8:0:1::1; PE1 ip6_no_route +3 (one per probe),
#    nothing else; nothing reaches PE2.
# 7. Interop with the kernel's SRH processing: where the kernel has
#    seg6_enabled (any IPv6 kernel, lwtunnel or not; tests/e2e/kprobe.sh
#    probes it), P has it on, and ping [PE2 End, P 2001:db8:0:2::2] gets 5/5
#    echo replies from P (the kernel skips an SRH at SL 0 and answers the
#    echo). Without it: a "skip" line, never a failure.
# 8. Drops: no drop counter grows on either srv6d during the measured runs
#    (1, 2, 4, 4b, 5, 7); in 3 and 6 exactly the drops the ICMP errors stand for;
#    since the start nothing but those and local_unhandled (P's MLD reports);
#    clean exits (status 0 on SIGTERM).
#
# The measured runs go in the order 1, 2, 4, 4b, 5, 7 (no drop allowed), then 3
# and 6 (the drops their ICMP errors stand for). The test runs 17 OAM
# sessions on PE1 in all, no retry loop around srv6ctl (srv6d runs 16 at a
# time; a finished one gives its slot to the next: the api test oam_local
# checks that).
#
# Every check prints "ok" or "FAIL" ("skip" for 7 where the kernel cannot);
# the test exits 1 if any failed. Needs root, iproute2, ethtool,
# tshark/dumpcap, /usr/bin/python3, srv6d and srv6ctl (skips, 77, without
# them); no kernel SRv6 lwtunnel, VRF or ip6tnl.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/checks.sh"
export LC_ALL=C
e2e_init oam
[[ -x $SRV6CTL ]] || skip "srv6ctl binary not found at $SRV6CTL"
T0=$SECONDS

# ---------------------------------------------------------------- addressing

PE1_IF=2001:db8:0:1::1
P_IF1=2001:db8:0:1::2
P_IF2=2001:db8:0:2::2
PE2_IF=2001:db8:0:2::1
OAM_PE1_LOC=2a0e:97c0:ae6:1001::/64
OAM_PE2_LOC=2a0e:97c0:ae6:2001::/64
PE1_END=2a0e:97c0:ae6:1001:e::
PE1_DT46=2a0e:97c0:ae6:1001:1::
PE2_END=2a0e:97c0:ae6:2001:e::
PE2_DT46=2a0e:97c0:ae6:2001:1::
PE2_OP=2a0e:97c0:ae6:2001:f::
NOROUTE=2001:db8:dead::1
# VRF (L3VPN-1): topo.sh

# ---------------------------------------------------------------- checks

SKIPS=0
skipped() {
	SKIPS=$((SKIPS + 1))
	printf '  skip %s\n' "$*" >&2
}

trap srv6d_logs_trap EXIT

# oam NAME ARGS...: srv6ctl ARGS on PE1; stdout in $WORK/NAME.out, stderr in
# $WORK/NAME.err, exit status in RC[NAME]; both outputs into the log
declare -A RC=()
oam() {
	local name=$1 rc=0
	shift
	log "srv6ctl $*"
	ctl_on pe1 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
	RC[$name]=$rc
	# (awk reads everything: no SIGPIPE under pipefail)
	awk 'NR <= 24 { print "    | " $0 } END { if (NR > 24) print "    | ... (" NR - 24 " more lines)" }' \
		"$WORK/$name.out" "$WORK/$name.err" >&2
}

# rc_is NAME WANT: srv6ctl's exit status
rc_is() {
	echo "exit status ${RC[$1]}, want $2"
	[[ ${RC[$1]} == "$2" ]]
}

# refused NAME FIELD: exit 1 and an error naming FIELD on stderr
refused() {
	echo "exit ${RC[$1]}: $(cat "$WORK/$1.err")"
	[[ ${RC[$1]} == 1 ]] && grep -q "error .*(field: $2)" "$WORK/$1.err"
}

# sid_field JSON SID FIELD: one counter of one SID ("0" if absent)
sid_field() {
	$PY - "$1" "$2" "$3" <<'EOF'
import ipaddress, json, sys
s = json.loads(sys.argv[1])
want = ipaddress.ip_network(sys.argv[2] if "/" in sys.argv[2] else sys.argv[2] + "/128")
for d in s.get("sids", []):
    sid = d.get("sid", "")
    if ipaddress.ip_network(sid if "/" in sid else sid + "/128") == want:
        print(d.get(sys.argv[3], 0)); break
else:
    print(0)
EOF
}

# sid_delta BEFORE AFTER SID FIELD WANT: the SID's counter grew by WANT
sid_delta() {
	local a b
	a=$(sid_field "$1" "$3" "$4") b=$(sid_field "$2" "$3" "$4")
	echo "$3 $4 $a -> $b: +$((b - a)), want +$5"
	((b - a == $5))
}

# drops_exact BEFORE AFTER [REASON=N...]: the drop counters grew by exactly
# these amounts, every other one not at all
drops_exact() {
	$PY - "$@" <<'EOF'
import json, sys
a = json.loads(sys.argv[1]).get("drops") or {}
b = json.loads(sys.argv[2]).get("drops") or {}
want = {k: int(v) for k, v in (x.split("=") for x in sys.argv[3:])}
got = {k: b.get(k, 0) - a.get(k, 0) for k in set(a) | set(b)}
got = {k: v for k, v in got.items() if v}
print("drops grew: %s; want %s" % (json.dumps(got, sort_keys=True) if got else "none",
                                   json.dumps(want, sort_keys=True) if want else "none"))
sys.exit(0 if got == want else 1)
EOF
}

# oam_check.py: the checks of srv6ctl's outputs (text and --json)
cat >"$WORK/oam_check.py" <<'EOF'
import ipaddress as ia, json, re, sys

A = lambda s: ia.ip_address(s)
mode, path = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
text = open(path).read()
errs = []
NUM = r"([0-9]+(?:\.[0-9]+)?)"

def ordered(st, what):
    """min <= p50 <= p90 <= p99 <= max and min <= avg <= max"""
    seq = [st[k] for k in ("min", "p50", "p90", "p99", "max")]
    if any(x > y for x, y in zip(seq, seq[1:])) or not st["min"] <= st["avg"] <= st["max"] \
            or st["min"] <= 0:
        errs.append("%s: percentiles out of order or not positive: %s" % (what, st))

def summary(line, sent, replies):
    m = re.match(r"--- (\d+) probes sent, (\d+) echo replies, " + NUM + r"% loss"
                 r"(?:; rtt min/avg/max/p50/p90/p99 = " + "/".join([NUM] * 6) + " ms)?$", line)
    if not m:
        errs.append("summary line %r" % line)
        return
    loss = 100.0 * (sent - replies) / sent
    if (int(m[1]), int(m[2])) != (sent, replies) or abs(float(m[3]) - loss) > 0.05:
        errs.append("summary %s sent %s replies %s%% loss, want %d, %d, %.1f%%" % (
            m[1], m[2], m[3], sent, replies, loss))
    if replies and m[4] is None:
        errs.append("summary without rtt")
    if m[4] is not None:
        v = [float(m[i]) for i in range(4, 10)]
        ordered(dict(zip(("min", "avg", "max", "p50", "p90", "p99"), v)), "summary rtt")

if mode == "ping":
    # ping COUNT FROM: the text of `srv6ctl ping`, every probe answered by FROM
    count, frm = int(args[0]), A(args[1])
    lines = text.splitlines()
    if not lines or not lines[0].startswith("ping over ["):
        errs.append("first line %r, want 'ping over [...]'" % (lines[:1],))
    seqs = []
    for l in lines[1:-1]:
        m = re.match(r"reply from (\S+): seq=(\d+) time=" + NUM + " ms$", l)
        if not m:
            errs.append("line %r" % l)
        elif A(m[1]) != frm or float(m[3]) <= 0:
            errs.append("line %r: want a reply from %s" % (l, frm))
        else:
            seqs.append(int(m[2]))
    if seqs != list(range(count)):
        errs.append("replies for seq %s, want 0..%d" % (seqs, count - 1))
    summary(lines[-1] if lines else "", count, count)
    print("%d reply lines from %s, seq 0..%d; %s" % (len(seqs), frm, count - 1,
                                                     lines[-1] if lines else "no output"))
elif mode == "json":
    # json KIND SEGS SRC COUNT [HOP_LIMIT SEQ/FROM/ANSWER/CODE ...]: oam.get's
    # result; without per-probe entries: COUNT echo replies from the last
    # segment at hop limit HOP_LIMIT (default 64)
    r = json.loads(text)
    kind, segs, src, count = args[0], [A(s) for s in args[1].split(",")], A(args[2]), int(args[3])
    hl = int(args[4]) if len(args) > 4 else 64
    want = [tuple(x.split("/")) for x in args[5:]] if len(args) > 5 else \
        [(str(k), str(segs[-1]), "echo-reply", "0") for k in range(count)]
    if r.get("kind") != kind or r.get("done") is not True:
        errs.append("kind %s done %s, want %s, true" % (r.get("kind"), r.get("done"), kind))
    if [A(s) for s in r.get("segments", [])] != segs or A(r.get("src", "::")) != src:
        errs.append("segments %s src %s, want %s from %s" % (r.get("segments"), r.get("src"),
                                                             [str(s) for s in segs], src))
    if not isinstance(r.get("id"), int) or r["id"] < 0x5300:
        errs.append("id %r, want >= 0x5300" % r.get("id"))
    replies = sum(1 for w in want if w[2] == "echo-reply")
    if (r.get("sent"), r.get("received")) != (count, replies):
        errs.append("sent %s received %s, want %d, %d" % (r.get("sent"), r.get("received"),
                                                          count, replies))
    got = r.get("probes", [])
    if len(got) != len(want):
        errs.append("%d probes, want %d" % (len(got), len(want)))
    for p, (seq, frm, ans, code) in zip(got, want):
        phl = int(seq) + 1 if kind == "trace" else hl
        ok = (p.get("seq"), p.get("hop_limit"), p.get("answer"), p.get("code")) == \
            (int(seq), phl, ans, int(code)) and p.get("from") and A(p["from"]) == A(frm) \
            and p.get("rtt_us", 0) > 0
        if not ok:
            errs.append("probe %s, want seq %s hop limit %d %s code %s from %s, rtt > 0" % (
                json.dumps(p), seq, phl, ans, code, frm))
    if replies:
        if "rtt_us" not in r:
            errs.append("no rtt_us")
        else:
            ordered(r["rtt_us"], "rtt_us")
    print("id %s (0x%x) %s over %s from %s: sent %s received %s, %d probes as expected%s" % (
        r.get("id"), r.get("id", 0), kind, r.get("segments"), r.get("src"), r.get("sent"),
        r.get("received"), len(want) - len([e for e in errs if e.startswith("probe")]),
        ", rtt_us %s" % json.dumps(r["rtt_us"]) if "rtt_us" in r else ""))
elif mode == "trace":
    # trace ADDR=ANSWER...: the text of `srv6ctl trace`, hop by hop
    want = [(A(x.split("=")[0]), x.split("=")[1]) for x in args]
    lines = text.splitlines()
    if not lines or not lines[0].startswith("trace over ["):
        errs.append("first line %r" % (lines[:1],))
    hops = []
    for l in lines[1:-1]:
        m = re.match(r"\s*(\d+)  (\S+)\s+" + NUM + r" ms  (\S+)$", l)
        if not m:
            errs.append("line %r" % l)
            continue
        hops.append((int(m[1]), A(m[2]), m[4]))
    exp = [(i + 1, a, ans) for i, (a, ans) in enumerate(want)]
    if hops != exp:
        errs.append("hops %s, want %s" % ([(h, str(a), s) for h, a, s in hops],
                                          [(h, str(a), s) for h, a, s in exp]))
    last = "--- the last segment answered at hop %d" % len(want)
    if not lines or lines[-1] != last:
        errs.append("last line %r, want %r" % (lines[-1:], last))
    for h, a, s in hops:
        print(" hop %d %s %s" % (h, a, s))
elif mode == "probe":
    # probe COUNT PATH...: the text of `srv6ctl probe`: the table, one
    # histogram line per path, no loss
    count, paths = int(args[0]), args[1:]
    lines = text.splitlines()
    hdr = lines[0].split() if lines else []
    if hdr != ["path", "sent", "recv", "loss%", "min", "ms", "p50", "ms", "p90", "ms", "p99", "ms",
               "max", "ms"]:
        errs.append("table header %r" % (lines[:1],))
    for i, p in enumerate(paths):
        row = lines[1 + i].split() if len(lines) > 1 + i else []
        if len(row) != 10 or row[0] != str(i + 1) or row[9] != p:
            errs.append("row %d %r" % (i + 1, row))
            continue
        sent, recv, loss = int(row[1]), int(row[2]), float(row[3])
        mn, p50, p90, p99, mx = (float(x) for x in row[4:9])
        if (sent, recv, loss) != (count, count, 0.0):
            errs.append("path %d: sent %d recv %d loss %.1f%%, want %d/%d 0%%" % (
                i + 1, sent, recv, loss, count, count))
        if not 0 < mn <= p50 <= p90 <= p99 <= mx:
            errs.append("path %d: min/p50/p90/p99/max %s out of order" % (i + 1, row[4:9]))
        print("path %d %s: %d/%d, loss %.1f%%, min %.3f p50 %.3f p90 %.3f p99 %.3f max %.3f ms"
              % (i + 1, p, recv, sent, loss, mn, p50, p90, p99, mx))
        h = lines[1 + len(paths) + i] if len(lines) > 1 + len(paths) + i else ""
        m = re.match(r"path %d rtt histogram:((?: <\d+us:\d+)+)$" % (i + 1), h)
        if not m:
            errs.append("histogram line %r" % h)
            continue
        buckets = [(int(b), int(n)) for b, n in re.findall(r"<(\d+)us:(\d+)", m[1])]
        if sum(n for _, n in buckets) != count or [b for b, _ in buckets] != sorted(
                b for b, _ in buckets) or any(b & (b - 1) for b, _ in buckets):
            errs.append("histogram %r: want %d replies in ascending power-of-two buckets" % (h, count))
        # the buckets agree with min and max (ms -> us, bucket <2^k holds [2^(k-1), 2^k))
        if buckets and not (buckets[0][0] // 2 <= mn * 1000 + 0.001 and mx * 1000 < buckets[-1][0] + 0.001):
            errs.append("histogram %r disagrees with min %.3f max %.3f ms" % (h, mn, mx))
        print("  " + h)
    if len(lines) != 1 + 2 * len(paths):
        errs.append("%d lines, want %d" % (len(lines), 1 + 2 * len(paths)))
elif mode == "probejson":
    # probejson COUNT PATH...: --json probe: one oam.get result per path
    count, paths = int(args[0]), args[1:]
    r = json.loads(text)
    if not isinstance(r, list) or len(r) != len(paths):
        errs.append("want an array of %d results" % len(paths))
        r = []
    for i, (x, p) in enumerate(zip(r, paths)):
        segs = [A(s) for s in p.split(",")]
        if [A(s) for s in x.get("segments", [])] != segs or x.get("kind") != "ping":
            errs.append("result %d: %s %s, want ping %s" % (i, x.get("kind"), x.get("segments"), p))
        if (x.get("sent"), x.get("received"), x.get("done")) != (count, count, True):
            errs.append("result %d: sent %s received %s done %s" % (i, x.get("sent"),
                                                                    x.get("received"), x.get("done")))
        bad = [q for q in x.get("probes", []) if q.get("answer") != "echo-reply" or
               A(q.get("from", "::")) != segs[-1]]
        if bad or len(x.get("probes", [])) != count:
            errs.append("result %d: %d probes, %d not an echo reply from %s" % (
                i, len(x.get("probes", [])), len(bad), segs[-1]))
        if "rtt_us" in x:
            ordered(x["rtt_us"], "result %d rtt_us" % i)
            print("path %d %s: %s/%s, rtt_us %s" % (i + 1, p, x.get("received"), x.get("sent"),
                                                    json.dumps(x["rtt_us"])))
        else:
            errs.append("result %d: no rtt_us" % i)
else:
    sys.exit("oam_check.py: unknown mode " + mode)
for e in errs[:8]:
    print("  " + e)
sys.exit(1 if errs else 0)
EOF
ocheck() { $PY "$WORK/oam_check.py" "$@"; }

# oflag_wire PCAP ID FLAGS: on the PE1 - P link, the echo requests of
# session ID: 4 from PE1 toward PE2's End at SL 1 and 4 toward PE1's End at
# SL 0 (after PE2's End), each with SRH flags FLAGS, data "srv6dOAM..."
oflag_wire() {
	$PY - "$@" "$PE1_IF" "$PE2_END" "$PE1_END" <<'EOF'
import ipaddress as ia, subprocess, sys
pcap, sid, flags, src, e2, e1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0), *map(ia.ip_address, sys.argv[4:])
out = subprocess.run(["tshark", "-r", pcap, "-n", "-Y", "icmpv6.type == 128 && icmpv6.echo.identifier == %d" % sid,
                      "-T", "fields", "-E", "separator=/t", "-e", "frame.number", "-e", "ipv6.src", "-e", "ipv6.dst",
                      "-e", "ipv6.routing.segleft", "-e", "ipv6.routing.srh.flags", "-e", "icmpv6.echo.sequence_number",
                      "-e", "data.data", "-e", "icmpv6.data"],
                     capture_output=True, text=True, check=True).stdout
n = {e2: 0, e1: 0}
errs = []
magic = b"srv6dOAM".hex()
for l in out.splitlines():
    f = l.split("\t")
    num, s, d, sl, fl, seq, data = f[0], ia.ip_address(f[1]), ia.ip_address(f[2]), f[3], f[4], f[5], (f[6] or f[7]).replace(":", "")
    want_sl = "1" if d == e2 else "0"
    if s != src or d not in n or sl != want_sl or int(fl, 0) != flags or not data.startswith(magic):
        errs.append("frame %s: %s -> %s SL %s flags %s seq %s data %s..." % (num, s, d, sl, fl, seq, data[:16]))
    elif d in n:
        n[d] += 1
print("session 0x%x: %d request(s) toward %s (SL 1), %d toward %s (SL 0), SRH flags 0x%02x, data srv6dOAM" % (
    sid, n[e2], e2, n[e1], e1, flags))
for e in errs[:5]:
    print("  " + e)
sys.exit(1 if errs or n[e2] != 4 or n[e1] != 4 or sid < 0x5300 else 0)
EOF
}

# json_id FILE: the "id" of an oam.get result
json_id() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$1"; }

# ---------------------------------------------------------------- topology

section "topology: PE1 (srv6d) - P (Linux) - PE2 (srv6d)"
for n in pe1 p pe2; do ns_add "$n"; done
veth_add pe1 veth-pe1-p p veth-p-pe1
veth_add p veth-p-pe2 pe2 veth-pe2-p
kernel_quiet pe1 veth-pe1-p
kernel_quiet pe2 veth-pe2-p
router_sysctls p
# P answers every hop of a trace: no ICMPv6 error rate limit in its namespace
nsx p sysctl -qw net.ipv6.icmp.ratelimit=0 >/dev/null
ifaddr p veth-p-pe1 "$P_IF1/64"
ifaddr p veth-p-pe2 "$P_IF2/64"
nsx p ip -6 route add "$OAM_PE1_LOC" via "$PE1_IF" dev veth-p-pe1
nsx p ip -6 route add "$OAM_PE2_LOC" via "$PE2_IF" dev veth-p-pe2
P_SEG6=0
if kernel_has seg6_srh && nsx p sysctl -qw net.ipv6.conf.all.seg6_enabled=1 \
	net.ipv6.conf.veth-p-pe1.seg6_enabled=1 net.ipv6.conf.veth-p-pe2.seg6_enabled=1 2>/dev/null; then
	P_SEG6=1
	log "P: the kernel's SRH processing on (seg6_enabled)"
else
	log "P: no seg6_enabled in this kernel: $(kernel_missing_reason seg6_srh)"
fi

# oam_config NAME PORT_IF ADDR LOC END DT46 ROUTES_JSON [MORE_SIDS_JSON]
oam_config() {
	cat <<EOF
{
  "ports": [
    {"name": "wan0", "device": "net_af_packet0,iface=$2", "vrf": "default",
     "addresses": ["$3/64"]}
  ],
  "encap": {"source": "$3", "hop_limit": 64},
  "locators": [{"name": "LOC-$1", "prefix": "$4", "block_len": 48, "node_len": 16,
                "func_len": 16, "usid": false}],
  "vrfs": [{"name": "$VRF", "table": $VRF_TABLE, "rd": "10.1.1.1:101",
            "import_rt": ["65513:101"], "export_rt": ["65513:101"]}],
  "sids": [
    {"sid": "$5", "behavior": "End"},
    {"sid": "$6", "behavior": "End.DT46", "vrf": "$VRF"}${8:+, $8}
  ],
  "routes": [$7]
}
EOF
}
# via PREFIX GW: a default-VRF route through wan0
via() { printf '{"vrf": "default", "prefix": "%s", "nexthops": [{"type": "ip", "via": "%s", "port": "wan0"}]}' "$1" "$2"; }
oam_config PE1 veth-pe1-p "$PE1_IF" "$OAM_PE1_LOC" "$PE1_END" "$PE1_DT46" \
	"$(via "$OAM_PE2_LOC" "$P_IF1")" >"$WORK/pe1.json"
oam_config PE2 veth-pe2-p "$PE2_IF" "$OAM_PE2_LOC" "$PE2_END" "$PE2_DT46" \
	"$(via "$OAM_PE1_LOC" "$P_IF2"), $(via 2001:db8:0:1::/64 "$P_IF2")" \
	"{\"sid\": \"$PE2_OP\", \"behavior\": \"End.OP\"}" >"$WORK/pe2.json"
srv6d_start_json pe1 pe2
ctl_on pe1 sid list >&2 || true

section "warm-up: neighbours on every hop"
ping_warm p "$PE1_IF" 20
ping_warm p "$PE2_IF" 20
# One OAM session over PE1 -> P -> PE2 -> P -> PE1 (every link, both ways).
oam warm ping "$PE2_END,$PE1_END" count 3 interval 50 timeout 1000
[[ ${RC[warm]} == 0 ]] || fail "no OAM echo reply over [$PE2_END,$PE1_END] (warm-up)"
declare -A S0 S1 SA SB SC
for n in pe1 pe2; do S0[$n]=$(stats "$n"); done

section "1. ping PE2's SIDs"
oam ping1 ping "$PE2_END" count 5 interval 100
check "ping [$PE2_END]: exit 0" rc_is ping1 0
check "ping [$PE2_END]: 5/5 replies from PE2's End, summary 0% loss" ocheck ping "$WORK/ping1.out" 5 "$PE2_END"
oam ping2 ping "$PE2_END,$PE2_DT46" count 5 interval 100
check "ping [$PE2_END, $PE2_DT46]: exit 0" rc_is ping2 0
check "ping [$PE2_END, $PE2_DT46]: 5/5 replies from PE2's End.DT46" \
	ocheck ping "$WORK/ping2.out" 5 "$PE2_DT46"
oam ping2j --json ping "$PE2_END,$PE2_DT46" count 5 interval 100
check "ping [$PE2_END, $PE2_DT46] --json: oam.get's result, 5 echo replies from $PE2_DT46, src $PE1_IF" \
	ocheck json "$WORK/ping2j.out" ping "$PE2_END,$PE2_DT46" "$PE1_IF" 5

section "2. seed 004's probe: lists that loop back to PE1's own SIDs"
oam loop1 ping "$PE2_END,$PE1_END" count 5 interval 100
check "ping [$PE2_END, $PE1_END]: exit 0" rc_is loop1 0
check "ping [$PE2_END, $PE1_END]: 5/5 replies from PE1's own End" \
	ocheck ping "$WORK/loop1.out" 5 "$PE1_END"
PATH1=$PE2_END,$PE1_END
PATH2=$PE2_END,$PE1_DT46
for n in pe1 pe2; do SA[$n]=$(stats "$n"); done
oam probe probe "$PATH1" "$PATH2" count 50 interval 10
for n in pe1 pe2; do SB[$n]=$(stats "$n"); done
check "probe: exit 0" rc_is probe 0
check "probe [$PATH1] [$PATH2] count 50: 0% loss, table and histogram, percentiles in order" \
	ocheck probe "$WORK/probe.out" 50 "$PATH1" "$PATH2"
check "probe: PE2 End $PE2_END counted both paths' 100 requests" \
	sid_delta "${SA[pe2]}" "${SB[pe2]}" "$PE2_END" packets 100
check "probe: PE1 End $PE1_END counted path 1's 50" sid_delta "${SA[pe1]}" "${SB[pe1]}" "$PE1_END" packets 50
check "probe: PE1 DT46 $PE1_DT46 counted path 2's 50" sid_delta "${SA[pe1]}" "${SB[pe1]}" "$PE1_DT46" packets 50
oam probej --json probe "$PATH1" "$PATH2" count 50 interval 10
check "probe --json: two results, 50/50 echo replies each from the last segment, rtt_us in order" \
	ocheck probejson "$WORK/probej.out" 50 "$PATH1" "$PATH2"

section "4. the O-flag (SRH flags 0x20): counters and wire"
capture_start pl p veth-p-pe1
for n in pe1 pe2; do SA[$n]=$(stats "$n"); done
oam oflag --json ping "$PE2_END,$PE1_END" count 4 interval 100 o-flag
for n in pe1 pe2; do SB[$n]=$(stats "$n"); done
oam noflag --json ping "$PE2_END,$PE1_END" count 4 interval 100
for n in pe1 pe2; do SC[$n]=$(stats "$n"); done
capture_stop pl
check "ping o-flag: 4 echo replies from $PE1_END" ocheck json "$WORK/oflag.out" ping "$PE2_END,$PE1_END" "$PE1_IF" 4
check "PE2 End o_flag_packets +4" sid_delta "${SA[pe2]}" "${SB[pe2]}" "$PE2_END" o_flag_packets 4
check "PE1 End o_flag_packets +4 (the requests coming back)" \
	sid_delta "${SA[pe1]}" "${SB[pe1]}" "$PE1_END" o_flag_packets 4
dt46_no_oflag() {
	sid_delta "${SA[pe2]}" "${SB[pe2]}" "$PE2_DT46" o_flag_packets 0 &&
		sid_delta "${SA[pe1]}" "${SB[pe1]}" "$PE1_DT46" o_flag_packets 0
}
check "PE2 DT46 / PE1 DT46 o_flag_packets +0" dt46_no_oflag
check "ping without o-flag: 4 echo replies" ocheck json "$WORK/noflag.out" ping "$PE2_END,$PE1_END" "$PE1_IF" 4
plain_counts() {
	sid_delta "${SB[pe2]}" "${SC[pe2]}" "$PE2_END" o_flag_packets 0 &&
		sid_delta "${SB[pe1]}" "${SC[pe1]}" "$PE1_END" o_flag_packets 0 &&
		sid_delta "${SB[pe2]}" "${SC[pe2]}" "$PE2_END" packets 4 &&
		sid_delta "${SB[pe1]}" "${SC[pe1]}" "$PE1_END" packets 4
}
check "ping without o-flag: o_flag_packets +0 on both Ends, packets +4" plain_counts
check "wire (P's side of PE1 - P): the o-flag ping's 4 + 4 requests carry SRH flags 0x20" \
	oflag_wire "$WORK/pl.pcap" "$(json_id "$WORK/oflag.out")" 0x20
check "wire: the plain ping's 4 + 4 requests carry SRH flags 0x00" \
	oflag_wire "$WORK/pl.pcap" "$(json_id "$WORK/noflag.out")" 0x00

section "4b. End.OP, and PE2's capture of the OAM packets (direction oam)"
rpc_ok_on pe2 capture.start "{\"port\": \"wan0\", \"direction\": \"oam\", \"file\": \"$WORK/pe2-oam.pcap\"}" >"$WORK/opcap.json"
OPCAP=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["result"]["id"])' "$WORK/opcap.json")
rpc_ok_on pe2 capture.list >"$WORK/opcaps.json"
cap_is_oam() {
	$PY - "$WORK/opcaps.json" "$OPCAP" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["result"]
c = c.get("captures", c) if isinstance(c, dict) else c
d = [x.get("direction") for x in c if x.get("id") == int(sys.argv[2])]
print("capture %s direction %s" % (sys.argv[2], d))
sys.exit(d != ["oam"])
EOF
}
check "PE2 capture.list: capture $OPCAP with direction oam" cap_is_oam
for n in pe1 pe2; do SA[$n]=$(stats "$n"); done
oam opping --json ping "$PE2_OP,$PE1_END" count 4 interval 100
oam opflag --json ping "$PE2_END,$PE1_END" count 3 interval 100 o-flag
for n in pe1 pe2; do SB[$n]=$(stats "$n"); done
sleep 0.3
rpc_ok_on pe2 capture.stop "{\"id\": $OPCAP}" >/dev/null
check "ping [$PE2_OP (End.OP), $PE1_END] --json: 4 echo replies from the End.OP SID" \
	ocheck json "$WORK/opping.out" ping "$PE2_OP,$PE1_END" "$PE1_IF" 4 64 \
	"0/$PE2_OP/echo-reply/0" "1/$PE2_OP/echo-reply/0" "2/$PE2_OP/echo-reply/0" "3/$PE2_OP/echo-reply/0"
op_counts() {
	sid_delta "${SA[pe2]}" "${SB[pe2]}" "$PE2_OP" packets 4 &&
		sid_delta "${SA[pe1]}" "${SB[pe1]}" "$PE1_END" packets 3 &&
		sid_delta "${SA[pe2]}" "${SB[pe2]}" "$PE2_END" o_flag_packets 3
}
check "End.OP took the 4 probes (PE2 End.OP +4; PE1's End only the o-flag ping's 3)" op_counts
P_MAC=$(nsx p cat /sys/class/net/veth-p-pe2/address)
PE2_MAC=$(nsx pe2 cat /sys/class/net/veth-pe2-p/address)
oam_capture_file() {
	$PY - "$WORK/pe2-oam.pcap" "$PE2_OP" "$PE2_END" "$P_MAC" "$PE2_MAC" <<'EOF'
import collections, ipaddress as ia, subprocess, sys
pcap, op, end, pmac, pe2mac = sys.argv[1:]
out = subprocess.run(["tshark", "-r", pcap, "-n", "-T", "fields", "-E", "separator=/t",
                      "-e", "eth.src", "-e", "eth.dst", "-e", "ipv6.dst", "-e", "ipv6.routing.segleft",
                      "-e", "ipv6.routing.srh.flags", "-e", "icmpv6.type"],
                     capture_output=True, text=True, check=True).stdout
got = collections.Counter()
for l in out.splitlines():
    es, ed, d, sl, fl, t = l.split("\t")
    got[(es.lower() == pmac.lower() and ed.lower() == pe2mac.lower(), str(ia.ip_address(d)), sl,
         int(fl, 0), t)] += 1
want = collections.Counter({(True, str(ia.ip_address(op)), "1", 0x00, "128"): 4,
                            (True, str(ia.ip_address(end)), "1", 0x20, "128"): 3})
print("frames (eth as received, DA, SL, SRH flags, ICMPv6 type): %s; want %s" % (dict(got), dict(want)))
sys.exit(0 if got == want else 1)
EOF
}
check "PE2's oam capture: 4 End.OP + 3 O-flag requests, as received (tshark)" oam_capture_file

section "5. refusals through srv6ctl"
oam r_src ping "$PE2_END" src "$PE2_IF"
check "src $PE2_IF (not PE1's): exit 1, field src" refused r_src src
oam r_v4 ping 192.0.2.1
check "segment 192.0.2.1 (not IPv6): exit 1, field segments" refused r_v4 segments
oam r_junk ping "$PE2_END,not-an-address"
check "segment 'not-an-address': exit 1, field segments" refused r_junk segments
oam r_count ping "$PE2_END" count 0
check "count 0: exit 1, field count" refused r_count count
oam r_hops trace "$PE2_END" max-hops 0
check "trace max-hops 0: exit 1, field max_hops" refused r_hops max_hops
oam r_vrf ping "$PE2_END" vrf NO-SUCH-VRF
check "vrf NO-SUCH-VRF: exit 1, field vrf" refused r_vrf vrf
oam r_get oam get 4242
check "oam get 4242 (no such session): exit 1, field id" refused r_get id

section "7. interop: the kernel's SRH processing at P"
if ((P_SEG6)); then
	oam kping ping "$PE2_END,$P_IF2" count 5 interval 100
	check "ping [$PE2_END, $P_IF2 (Linux P, seg6_enabled)]: exit 0" rc_is kping 0
	check "ping [$PE2_END, $P_IF2]: 5/5 echo replies from P's kernel" ocheck ping "$WORK/kping.out" 5 "$P_IF2"
else
	skipped "ping [$PE2_END, P]: $(kernel_missing_reason seg6_srh)"
fi
for n in pe1 pe2; do S1[$n]=$(stats "$n"); done

section "3. trace [$PE2_END, $PE1_END]"
HOPS=("$P_IF1=time-exceeded" "$PE2_IF=time-exceeded" "$P_IF2=time-exceeded" "$PE1_END=echo-reply")
for n in pe1 pe2; do SA[$n]=$(stats "$n"); done
oam trace trace "$PE2_END,$PE1_END"
check "trace: exit 0" rc_is trace 0
check "trace: P ($P_IF1), PE2 ($PE2_IF), P ($P_IF2), then PE1's End answers at hop 4" ocheck trace "$WORK/trace.out" "${HOPS[@]}"
oam tracej --json trace "$PE2_END,$PE1_END"
check "trace --json: the same 4 probes (hop limits 1..4, code 0)" \
	ocheck json "$WORK/tracej.out" trace "$PE2_END,$PE1_END" "$PE1_IF" 4 0 \
	"0/$P_IF1/time-exceeded/0" "1/$PE2_IF/time-exceeded/0" "2/$P_IF2/time-exceeded/0" "3/$PE1_END/echo-reply/0"
for n in pe1 pe2; do SB[$n]=$(stats "$n"); done
check "trace: PE2 dropped exactly the 2 probes it answered with Time Exceeded" \
	drops_exact "${SA[pe2]}" "${SB[pe2]}" ip6_hop_limit_exceeded=2
check "trace: PE1 dropped nothing" drops_exact "${SA[pe1]}" "${SB[pe1]}"

section "6. a segment with no route on PE1 ($NOROUTE)"
for n in pe1 pe2; do SA[$n]=$(stats "$n"); done
oam unrj --json ping "$NOROUTE" count 3 interval 100 timeout 500
for n in pe1 pe2; do SB[$n]=$(stats "$n"); done
check "ping [$NOROUTE]: exit 1 (no echo reply)" rc_is unrj 1
check "ping [$NOROUTE] --json: 0 received, 3 probes unreachable code 0 from $PE1_IF" \
	ocheck json "$WORK/unrj.out" ping "$NOROUTE" "$PE1_IF" 3 64 \
	"0/$PE1_IF/unreachable/0" "1/$PE1_IF/unreachable/0" "2/$PE1_IF/unreachable/0"
check "PE1: ip6_no_route +3 (the 3 probes), no other drop" \
	drops_exact "${SA[pe1]}" "${SB[pe1]}" ip6_no_route=3
pe2_untouched() {
	drops_exact "${SA[pe2]}" "${SB[pe2]}" && sid_delta "${SA[pe2]}" "${SB[pe2]}" "$PE2_END" packets 0
}
check "PE2: nothing dropped, nothing arrived" pe2_untouched

section "8. drops and exits"
for n in pe1 pe2; do
	stats_summary "${S1[$n]}" >&2
	check "$n: no drop counted during the measured runs (1, 2, 4, 4b, 5, 7)" drops_exact "${S0[$n]}" "${S1[$n]}"
	check "$n: since the start, no drop but local_unhandled and the ICMP errors of 3 and 6" \
		drops_check "$(stats "$n")" '^(local_unhandled|ip6_hop_limit_exceeded|ip6_no_route)$'
done
srv6d_stop_checked pe2 pe1

checks_end "$SKIPS skipped"
