# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# srv6-bgp helpers for the BGP e2e tests and the demo. Source after lib.sh
# and bgp_topo.sh. The helper runs in pe1 next to srv6d and gobgpd; its
# counters socket is $WORK/srv6-bgp.sock (next to srv6d's socket).

SRV6BGP=${SRV6BGP:-$BUILD_DIR/app/srv6-bgp/srv6-bgp}
SRV6BGP_ARGS=${SRV6BGP_ARGS:---settle 1000}

bgp_require_helper() {
	[[ -x $SRV6BGP ]] || skip "srv6-bgp not built at $SRV6BGP (needs libgrpc-dev, protobuf-c)"
}

# bgp_start_helper: srv6-bgp in pe1 (log $WORK/srv6-bgp.log), PID-tracked
bgp_start_helper() {
	[[ -z ${E2E_BG[srv6-bgp]:-} ]] || fail "srv6-bgp already running"
	# shellcheck disable=SC2086
	bg_start srv6-bgp pe1 "$SRV6BGP" --socket "$SOCK" --gobgp "$GOBGP_API" \
		--locator "$BGP_LOCATOR" $SRV6BGP_ARGS -v
	log "srv6-bgp started in pe1, pid ${E2E_BG[srv6-bgp]}"
	wait_until "bgp_helper_stats >/dev/null" 10 0.1 || fail "srv6-bgp serves no counters"
}

# bgp_stop_helper: SIGTERM; the helper must exit 0
bgp_stop_helper() {
	local rc=0
	bg_stop srv6-bgp TERM 10 || rc=$?
	[[ $rc == 0 ]] || fail "srv6-bgp exited with status $rc after SIGTERM (expected 0)"
	log "srv6-bgp stopped (exit 0)"
}

# bgp_helper_stats: the helper's counters (JSON)
bgp_helper_stats() { nsx pe1 "$SRV6BGP" --socket "$SOCK" stats 2>/dev/null; }

# bgp_helper_get KEY.PATH: one counter, e.g. import.routes, settled
bgp_helper_get() {
	bgp_helper_stats | $PY -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[k]
print(json.dumps(v) if isinstance(v, (bool, dict, list)) else v)' "$1"
}

# bgp_helper_synced: both sides connected, gobgpd's table settled, srv6d's
# route.sync_end done
bgp_helper_synced() {
	bgp_helper_stats | $PY -c '
import json, sys
s = json.load(sys.stdin)
ok = s["srv6d_connected"] and s["gobgpd_connected"] and s["settled"] and not s["sync_pending"]
sys.exit(0 if ok else 1)'
}

bgp_wait_helper_synced() {
	wait_until bgp_helper_synced "${1:-30}" 0.2 ||
		fail "srv6-bgp not in sync after ${1:-30} s: $(bgp_helper_stats)"
}

# bgp_routes [VRF]: srv6d's BGP routes, one "prefix sid[,sid]" line each, sorted
bgp_routes() {
	rpc route.list "{\"vrf\": \"${1:-$VRF}\", \"owner\": \"bgp\"}" | $PY -c '
import json, sys
for r in json.load(sys.stdin).get("result", []):
    sids = [s for nh in r.get("nexthops", []) for s in nh.get("segments", [])]
    print(r["prefix"], ",".join(sids))' | sort
}

# bgp_route_count [VRF]: how many BGP routes srv6d has
bgp_route_count() {
	rpc route.list "{\"vrf\": \"${1:-$VRF}\", \"owner\": \"bgp\"}" |
		$PY -c 'import json, sys; print(len(json.load(sys.stdin).get("result", [])))'
}

# bgp_our_sid: the End.DT46 SID srv6d has for $VRF (allocated by the helper)
bgp_our_sid() {
	rpc sid.list | $PY -c '
import json, sys
for s in json.load(sys.stdin).get("result", []):
    if s.get("vrf") == sys.argv[1] and s.get("behavior") == sys.argv[2]:
        print(s["sid"].split("/")[0]); break' "$VRF" "${1:-End.DT46}"
}

# ---------------------------------------------------------------- FRR's view of our routes
#
# Where FRR's routes toward us can be checked depends on the kernel: zebra
# installs them as "encap seg6" routes only where the kernel has seg6
# lwtunnel (CONFIG_IPV6_SEG6_LWTUNNEL); elsewhere bgpd still learns them and
# zebra still selects them, but the kernel refuses them ("lwt encapsulation
# type not supported", zebra marks them failed). BGP_FRR_FIB picks what
# bgp_frr_has looks at:
#   kernel  PE2's kernel FIB (the encap seg6 route; needs seg6 lwtunnel)
#   rib     FRR's own RIBs: bgpd's VPN path with our SID (rebuilt from the
#           label when transposed) and zebra's selected route whose seg6
#           next hop is that SID (FRR's own rebuild), installed or not
#   auto    (default) kernel where the kernel has seg6 lwtunnel, else rib
BGP_FRR_FIB=${BGP_FRR_FIB:-auto}
# How our SIDs are transposed (srv6-bgp --transpose): the function bits of
# our locator (block 48 + node 16, function 16) ride in the top of the label
BGP_OUR_TPOS_OFFSET=64
BGP_OUR_TPOS_LEN=16

# bgp_frr_fib: "kernel" or "rib", BGP_FRR_FIB resolved
bgp_frr_fib() {
	case $BGP_FRR_FIB in
	kernel | rib) echo "$BGP_FRR_FIB" ;;
	auto) if kernel_has seg6_lwt; then echo kernel; else echo rib; fi ;;
	*) fail "BGP_FRR_FIB must be kernel, rib or auto, not '$BGP_FRR_FIB'" ;;
	esac
}

# bgp_frr_kernel_has 4|6 PREFIX SID: PE2's kernel routes PREFIX into SRv6
# toward SID (zebra installed FRR's route; needs seg6 lwtunnel)
bgp_frr_kernel_has() {
	[[ $(bgp_frr_route "$1" "$2") == *"encap seg6 mode encap segs 1 [ $3 ]"* ]]
}

# bgp_frr_bgp_path 4|6 PREFIX [RD]: FRR's BGP VPN RIB path for PREFIX under RD
# (default ours, $PE1_RD), one line "label L field F sid S nh NH rt RT", or
# nothing when bgpd has none. FRR's JSON carries the SID as received
# (remoteSid = the SID field, remoteLabel = the label) without the SID
# structure; S is rebuilt here per RFC 9252 section 4 from our transposition
# (BGP_OUR_TPOS_LEN bits at BGP_OUR_TPOS_OFFSET) unless the label is 3
# (implicit null: the field is the whole SID).
bgp_frr_bgp_path() {
	local af=ipv4
	[[ $1 == 6 ]] && af=ipv6
	bgp_frr_vtysh "show bgp $af vpn $2 json" 2>/dev/null | $PY -c '
import ipaddress, json, sys
rd, toff, tlen = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
text = sys.stdin.read().strip()
d = json.loads(text) if text else {}
for p in d.get(rd, {}).get("paths", []):
    label, field = p.get("remoteLabel"), p.get("remoteSid")
    if field is None:
        print("label %s field - sid - nh - rt -" % label)
        continue
    sid = int(ipaddress.IPv6Address(field))
    if label is not None and label != 3:
        bits = (label >> (20 - tlen)) & ((1 << tlen) - 1)
        shift = 128 - toff - tlen
        sid = (sid & ~(((1 << tlen) - 1) << shift)) | (bits << shift)
    nh = ",".join(n.get("ip", "?") for n in p.get("nexthops", [])) or "-"
    rt = p.get("extendedCommunity", {}).get("string", "-").replace(" ", ",")
    print("label %s field %s sid %s nh %s rt %s" % (label, field, ipaddress.IPv6Address(sid), nh, rt))
    break' "${3:-$PE1_RD}" "$BGP_OUR_TPOS_OFFSET" "$BGP_OUR_TPOS_LEN"
}

# bgp_frr_zebra_route 4|6 PREFIX: zebra's selected BGP route for PREFIX, one
# line "segs SID[,SID] installed|failed" (the seg6 next hops FRR built from
# the VPN path, its own SID rebuild), or nothing when zebra has none
bgp_frr_zebra_route() {
	local cmd="show ip route $2 json"
	[[ $1 == 6 ]] && cmd="show ipv6 route $2 json"
	bgp_frr_vtysh "$cmd" 2>/dev/null | $PY -c '
import json, sys
text = sys.stdin.read().strip()
d = json.loads(text) if text else {}
for r in d.get(sys.argv[1], []):
    if r.get("protocol") != "bgp" or not r.get("selected"):
        continue
    segs = [n.get("seg6", {}).get("segs", "-") for n in r.get("nexthops", [])]
    print("segs %s %s" % (",".join(segs) or "-", "failed" if r.get("failed") else "installed"))
    break' "$2"
}

# bgp_frr_rib_has 4|6 PREFIX SID: bgpd has our path for PREFIX with SID (after
# the rebuild) and zebra selected a route for it whose seg6 next hop is SID
bgp_frr_rib_has() {
	[[ $(bgp_frr_bgp_path "$1" "$2") == *" sid $3 "* ]] &&
		[[ $(bgp_frr_zebra_route "$1" "$2") == "segs $3 "* ]]
}

# bgp_frr_has 4|6 PREFIX SID: FRR routes PREFIX into SRv6 toward SID, checked
# where BGP_FRR_FIB says (above): PE2's kernel, or FRR's RIBs
bgp_frr_has() {
	if [[ $(bgp_frr_fib) == kernel ]]; then
		bgp_frr_kernel_has "$@"
	else
		bgp_frr_rib_has "$@"
	fi
}

# bgp_frr_gone 4|6 PREFIX: FRR has no route of ours for PREFIX any more: no
# path under our RD in bgpd, no BGP route in zebra, none in PE2's kernel
bgp_frr_gone() {
	[[ -z $(bgp_frr_bgp_path "$1" "$2") && -z $(bgp_frr_zebra_route "$1" "$2") &&
		-z $(bgp_frr_route "$1" "$2") ]]
}

# bgp_frr_show 4|6 PREFIX: what FRR has for PREFIX (bgpd, zebra, kernel), one line
bgp_frr_show() {
	echo "bgpd: $(bgp_frr_bgp_path "$1" "$2" || true); zebra: $(bgp_frr_zebra_route "$1" "$2" || true);" \
		"kernel: $(bgp_frr_route "$1" "$2" || true)"
}

# bgp_frr_rib_count ipv4|ipv6: VPN prefixes in FRR's BGP RIB under our RD
bgp_frr_rib_count() {
	bgp_frr_vtysh "show bgp $1 vpn json" 2>/dev/null | $PY -c '
import json, sys
d = json.load(sys.stdin)
print(len(d.get("routes", {}).get("routeDistinguishers", {}).get(sys.argv[1], {})))' "$PE1_RD" 2>/dev/null ||
		echo 0
}

# bgp_frr_network add|del 4|6 PREFIX: a "network" statement on FRR (the
# customer VRF is FRR's default VRF)
bgp_frr_network() {
	local no= af=ipv4
	[[ $1 == del ]] && no="no "
	[[ $2 == 6 ]] && af=ipv6
	bgp_frr_vtysh "configure terminal" "router bgp $BGP_AS" "address-family $af unicast" \
		"${no}network $3" "end" >/dev/null
}

# ping_flood_start NAME SHORT DST COUNT INTERVAL: a background ping whose
# summary ends up in $WORK/NAME.log
ping_flood_start() {
	bg_start "$1" "$2" ping -n -q -c "$4" -i "$5" -W 1 "$3"
}

# ping_flood_check NAME: waits for the ping to end; fails on any loss
ping_flood_check() {
	local rc=0 line
	bg_wait "$1" || rc=$?
	line=$(grep -E 'packets transmitted' "$WORK/$1.log" || true)
	log "$1: $line"
	[[ $rc == 0 && $line == *" 0% packet loss"* ]] || fail "$1 lost packets: $line (exit $rc)"
}

# ---------------------------------------------------------------- one-way data plane
#
# Without seg6 lwtunnel PE2 can decapsulate (FRR's SIDs as local addresses
# with seg6_enabled, bgp_pe2_install_sids) but not encapsulate toward us, so
# CE1 -> CE2 is checked by what arrives at CE2: echo requests in a capture
# on CE2's veth, decoded by tshark (PE2 drops the replies,
# bgp_pe2_drop_replies).

BGP_ONEWAY_N=0

# bgp_ce2_capture_start NAME: dumpcap on CE2's veth into $WORK/NAME.pcap
# (ICMP and ICMPv6 only); capture_stop NAME ends it
bgp_ce2_capture_start() { capture_start "$1" ce2 veth-ce2 "icmp or icmp6"; }

# bgp_echo_count PCAP 4|6 SRC DST: how many distinct echo requests (by
# identifier and sequence number) SRC -> DST the capture holds; returns 1
# (with the frames on stderr) when one has a bad IPv4 header or ICMP checksum
bgp_echo_count() {
	local pcap=$1 fam=$2 src=$3 dst=$4 flt fields
	if [[ $fam == 4 ]]; then
		flt="icmp.type == 8 && ip.src == $src && ip.dst == $dst"
		fields=(-e icmp.ident -e icmp.seq -e ip.checksum.status -e icmp.checksum.status)
	else
		flt="icmpv6.type == 128 && ipv6.src == $src && ipv6.dst == $dst"
		fields=(-e icmpv6.echo.identifier -e icmpv6.echo.sequence_number -e icmpv6.checksum.status)
	fi
	tshark -r "$pcap" -n -o ip.check_checksum:TRUE -Y "$flt" -T fields -E occurrence=f \
		"${fields[@]}" 2>/dev/null | $PY -c '
import sys
seen, bad = set(), []
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    if any(st != "1" for st in f[2:]):
        bad.append(line.strip())
    seen.add((f[0], f[1]))
for b in bad[:5]:
    print("bad checksum status (want 1 = good): %s" % b, file=sys.stderr)
print(len(seen))
sys.exit(1 if bad else 0)'
}

# _bgp_ce_src SHORT 4|6: the address of CE SHORT (ce1|ce2) in that family
_bgp_ce_src() {
	case $1$2 in
	ce14) echo "$CE1_V4" ;;
	ce16) echo "$CE1_V6" ;;
	ce24) echo "$CE2_V4" ;;
	ce26) echo "$CE2_V6" ;;
	*) fail "no CE address for $1 IPv$2" ;;
	esac
}

# bgp_ce2_in_echos 4|6: CE2's kernel counter of echo requests received
# (Icmp(6)InEchos; nstat -a: absolute, -s: no history file shared with others)
bgp_ce2_in_echos() {
	local c=IcmpInEchos
	[[ $1 == 6 ]] && c=Icmp6InEchos
	nsx ce2 nstat -asz "$c" 2>/dev/null | awk -v c="$c" '$1 == c { print $2; f = 1 } END { if (!f) print 0 }'
}

# bgp_oneway_warm SHORT DST [TIMEOUT]: single pings from SHORT until one echo
# request reaches CE2 (lets ARP/ND on every hop settle), like ping_warm
bgp_oneway_warm() {
	local short=$1 dst=$2 timeout=${3:-15} fam=4 n=0 c0 end
	[[ $dst == *:* ]] && fam=6
	end=$(($(date +%s) + timeout))
	c0=$(bgp_ce2_in_echos $fam)
	while :; do
		n=$((n + 1))
		nsx "$short" ping -n -q -c 1 -W 1 "$dst" >/dev/null 2>&1 || true
		if (($(bgp_ce2_in_echos $fam) > c0)); then
			log "first echo request $short -> $dst at CE2 after $n attempt(s)"
			return 0
		fi
		(($(date +%s) >= end)) && fail "no echo request $short -> $dst reached CE2 within ${timeout}s ($n attempts)"
	done
}

# bgp_ping_oneway SHORT DST COUNT [INTERVAL]: COUNT echo requests from SHORT
# to DST (on CE2) all arrive at CE2 with good checksums (capture on CE2's
# veth, tshark); the replies are dropped at PE2, so ping's own verdict is
# ignored
bgp_ping_oneway() {
	local short=$1 dst=$2 count=$3 interval=${4:-0.2} fam=4 src name got
	[[ $dst == *:* ]] && fam=6
	src=$(_bgp_ce_src "$short" $fam)
	BGP_ONEWAY_N=$((BGP_ONEWAY_N + 1))
	name=ce2-oneway-$BGP_ONEWAY_N
	bgp_ce2_capture_start "$name"
	nsx "$short" ping -n -q -c "$count" -i "$interval" -W 1 "$dst" >/dev/null 2>&1 || true
	capture_stop "$name"
	got=$(bgp_echo_count "$WORK/$name.pcap" $fam "$src" "$dst") ||
		fail "echo requests $src -> $dst at CE2 with bad checksums ($name.pcap)"
	[[ $got == "$count" ]] || fail "$got of $count echo requests $src -> $dst reached CE2 ($name.pcap)"
	log "one way: $got of $count echo requests $src -> $dst reached CE2 (tshark on CE2's veth)"
}

# ---------------------------------------------------------------- route watch
#
# With the data plane one way only, "srv6d kept forwarding during the
# restarts" is checked on srv6d's FIB instead: a watcher polls route.list
# (owner bgp, $VRF) every 50 ms and logs what it saw.

_BGP_WATCH_PY='
import json, socket, sys, time
path, vrf = sys.argv[1], sys.argv[2]
req = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "route.list",
                  "params": {"vrf": vrf, "owner": "bgp"}}).encode() + b"\n"
while True:
    t = time.time()
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(path)
        s.sendall(req)
        r = json.loads(s.makefile("rb").readline())
        s.close()
        if "error" in r:
            out = "ERR " + json.dumps(r["error"])
        else:
            out = ";".join(sorted("%s %s" % (x["prefix"], ",".join(
                sg for nh in x.get("nexthops", []) for sg in nh.get("segments", [])))
                for x in r.get("result", [])))
    except Exception as e:
        out = "ERR %s" % e
    print("%.3f %s" % (t, out), flush=True)
    time.sleep(0.05)
'

# bgp_routes_watch_start NAME: the watcher in the background, its polls in
# $WORK/NAME.log ("EPOCH prefix sid;prefix sid" a line)
bgp_routes_watch_start() {
	bg_start "$1" pe1 "$PY" -u -c "$_BGP_WATCH_PY" "$SOCK" "$VRF"
	wait_until "[[ -s $WORK/$1.log ]]" 10 0.1 || fail "route watcher $1 wrote nothing"
}

# bgp_routes_watch_check NAME WANT: stops the watcher; every poll must have
# seen exactly WANT (bgp_routes' lines); fails with the first that did not
bgp_routes_watch_check() {
	bg_stop "$1" TERM 5 || true
	local res
	res=$($PY - "$WORK/$1.log" "$2" <<'PYEOF'
import sys
want = ";".join(sorted(l.strip() for l in sys.argv[2].splitlines() if l.strip()))
polls, bad, t0, t1 = 0, [], None, None
for line in open(sys.argv[1]):
    t, _, got = line.rstrip("\n").partition(" ")
    polls += 1
    t0 = t0 or float(t)
    t1 = float(t)
    if got != want:
        bad.append(line.strip())
print("%d polls over %.1f s, %d differed%s" % (polls, (t1 or 0) - (t0 or 0), len(bad),
      (": first " + bad[0]) if bad else ""))
sys.exit(1 if bad or polls < 10 else 0)
PYEOF
	) || fail "srv6d's BGP routes changed during the restarts (want '${2//$'\n'/;}'): $res"
	log "route watch $1: $res"
}
