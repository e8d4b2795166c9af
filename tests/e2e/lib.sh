# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Shared helpers for the network-namespace end-to-end tests. Source it, then
# call e2e_init NAME. Everything this file creates is named with the PID of the
# test ($$) and removed by the EXIT trap: only the namespaces it made are
# deleted and only the processes it started are killed (by PID). The host's
# own interfaces, routes and sysctls are never touched: every ip/sysctl call
# runs inside one of our namespaces.
#
# Environment:
#   BUILD_DIR   meson build folder (default "build", relative paths resolved
#               against the current folder, then against the repository root)
#   SRV6D       daemon binary   (default $BUILD_DIR/app/srv6d/srv6d)
#   SRV6CTL     CLI binary      (default $BUILD_DIR/app/srv6ctl/srv6ctl)
#   SRV6D_EAL   EAL arguments   (default "-l 0,1 --no-pci --no-huge -m 1024 --no-shconf")
#   PE1_IMPL    srv6d (default) | linux: a Linux namespace stands in for srv6d.
#               Only for developing the harness; the registered tests use srv6d.
#   E2E_KEEP    1: keep the work folder (captures, logs, configs) even on success
#   E2E_VERBOSE 1: trace commands (set -x)

set -euo pipefail
[[ ${E2E_VERBOSE:-0} == 1 ]] && set -x

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$E2E_DIR/../.." && pwd)
PY=/usr/bin/python3

BUILD_DIR=${BUILD_DIR:-build}
if [[ $BUILD_DIR != /* ]]; then
	if [[ -d $BUILD_DIR ]]; then
		BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
	else
		BUILD_DIR=$REPO_ROOT/$BUILD_DIR
	fi
fi
SRV6D=${SRV6D:-$BUILD_DIR/app/srv6d/srv6d}
SRV6CTL=${SRV6CTL:-$BUILD_DIR/app/srv6ctl/srv6ctl}
SRV6D_EAL=${SRV6D_EAL:--l 0,1 --no-pci --no-huge -m 1024 --no-shconf}
PE1_IMPL=${PE1_IMPL:-srv6d}

E2E_NAME=
E2E_PFX=
WORK=
SOCK=
SRV6D_PID=
declare -a E2E_NSS=()          # namespaces this test created
declare -a E2E_PIDS=()         # processes this test started
declare -A E2E_BG=()           # name -> PID of background helpers
declare -A NS=()               # short name -> namespace name
E2E_FAILED=0

# ---------------------------------------------------------------- messages

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S.%3N)" "${E2E_NAME:-e2e}" "$*" >&2; }
fail() {
	E2E_FAILED=1
	printf '%s [%s] FAIL: %s\n' "$(date +%H:%M:%S.%3N)" "${E2E_NAME:-e2e}" "$*" >&2
	exit 1
}
skip() {
	printf '[%s] SKIP: %s\n' "${E2E_NAME:-e2e}" "$*" >&2
	exit 77
}
# section TITLE: a visible separator in the test log
section() { printf '\n===== %s =====\n' "$*" >&2; }

# ---------------------------------------------------------------- prerequisites

e2e_require_root() { [[ $(id -u) == 0 ]] || skip "needs root (network namespaces)"; }

e2e_require_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "missing tool: $t"
	done
}

e2e_require_srv6d() {
	[[ $PE1_IMPL == linux ]] && return 0
	[[ -x $SRV6D ]] || skip "srv6d binary not found at $SRV6D (build first, or set SRV6D)"
}

# ---------------------------------------------------------------- lifecycle

# e2e_init NAME: checks, work folder, EXIT trap. Call before anything else.
e2e_init() {
	E2E_NAME=$1
	e2e_require_root
	e2e_require_tools ip ethtool sysctl dumpcap tshark timeout
	[[ -x $PY ]] || skip "missing $PY"
	e2e_require_srv6d
	kernel_probe || fail "kernel probe: bad SRV6D_KCAPS or SRV6D_KCAPS_FORCE"
	case $PE1_IMPL in
	srv6d | linux) ;;
	*) fail "PE1_IMPL must be srv6d or linux, not '$PE1_IMPL'" ;;
	esac
	e2e_setup
}

# e2e_setup: work folder, namespace prefix, traps (e2e_init minus the checks)
e2e_setup() {
	E2E_PFX="e2e$$"
	WORK=$(mktemp -d "/tmp/srv6d-e2e-$E2E_NAME.XXXXXX")
	chmod 755 "$WORK"
	SOCK=$WORK/srv6d.sock
	trap e2e_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	log "work folder $WORK, PE1 implemented by $PE1_IMPL"
}

e2e_cleanup() {
	local rc=$? pid ns i
	set +e
	trap - EXIT
	[[ $rc != 0 && $rc != 77 ]] && E2E_FAILED=1
	if [[ $E2E_FAILED == 1 && -n $SRV6D_PID && -f $WORK/srv6d.log ]]; then
		echo "----- srv6d log (last 60 lines) -----" >&2
		tail -n 60 "$WORK/srv6d.log" >&2
	fi
	# processes we started, newest first, by PID only
	for ((i = ${#E2E_PIDS[@]} - 1; i >= 0; i--)); do
		pid=${E2E_PIDS[i]}
		kill -0 "$pid" 2>/dev/null || continue
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${E2E_PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	done
	for ns in "${E2E_NSS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [[ -n $WORK && -d $WORK ]]; then
		if [[ $E2E_FAILED == 1 || ${E2E_KEEP:-0} == 1 ]]; then
			echo "[$E2E_NAME] work folder kept: $WORK" >&2
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$rc"
}

# ---------------------------------------------------------------- polling

# wait_until 'COMMAND' TIMEOUT_S [INTERVAL_S]: evaluates COMMAND until it
# succeeds; returns 1 after TIMEOUT_S seconds.
wait_until() {
	local cmd=$1 timeout=${2:-10} step=${3:-0.1} end
	end=$(($(date +%s%N) + ${timeout%.*} * 1000000000))
	while :; do
		if eval "$cmd" >/dev/null 2>&1; then return 0; fi
		(($(date +%s%N) >= end)) && return 1
		sleep "$step"
	done
}

# ---------------------------------------------------------------- namespaces

# ns_add SHORT: creates namespace $E2E_PFX-SHORT, NS[SHORT] holds its name.
# Sysctls (inside the namespace only): no DAD, no router solicitations, lo up.
ns_add() {
	local short=$1 name="$E2E_PFX-$1"
	ip netns add "$name" || fail "ip netns add $name"
	E2E_NSS+=("$name")
	NS[$short]=$name
	ip -n "$name" link set lo up
	nsx "$short" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 >/dev/null
}

# nsx SHORT CMD...: run CMD inside namespace SHORT
nsx() {
	local short=$1
	shift
	ip netns exec "${NS[$short]}" "$@"
}

# router_sysctls SHORT: forwarding on, rp_filter off
router_sysctls() {
	nsx "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 >/dev/null
}

# veth_add NS_A IF_A NS_B IF_B: a veth pair between two of our namespaces,
# both ends up, checksum/segmentation offloads off so that what is on the wire
# carries real checksums (af_packet sees the frames as the peer sent them).
veth_add() {
	local a=$1 ifa=$2 b=$3 ifb=$4
	ip -n "${NS[$a]}" link add "$ifa" type veth peer name "$ifb" netns "${NS[$b]}" ||
		fail "veth $a/$ifa - $b/$ifb"
	nsx "$a" sysctl -qw "net.ipv4.conf.$ifa.rp_filter=0" >/dev/null
	nsx "$b" sysctl -qw "net.ipv4.conf.$ifb.rp_filter=0" >/dev/null
	nsx "$a" ethtool -K "$ifa" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
	nsx "$b" ethtool -K "$ifb" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
	ip -n "${NS[$a]}" link set "$ifa" up
	ip -n "${NS[$b]}" link set "$ifb" up
}

# kernel_quiet SHORT IF: the kernel of that namespace keeps off IF (for ports
# handed to srv6d's af_packet PMD): no IPv6 (no link-local, RS, MLD, ND
# answers), no IPv4 address. The link stays up.
kernel_quiet() {
	nsx "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" "net.ipv4.conf.$2.arp_ignore=8" >/dev/null
}

# ifaddr SHORT IF ADDR...: addresses on an interface (IPv6 without DAD)
ifaddr() {
	local short=$1 ifn=$2 a
	shift 2
	for a in "$@"; do
		if [[ $a == *:* ]]; then
			ip -n "${NS[$short]}" addr add "$a" dev "$ifn" nodad
		else
			ip -n "${NS[$short]}" addr add "$a" dev "$ifn"
		fi
	done
}

# ---------------------------------------------------------------- background processes

# bg_start NAME SHORT CMD...: run CMD in namespace SHORT in the background,
# stdout+stderr to $WORK/NAME.log; E2E_BG[NAME] is its PID (ip netns exec
# execs the command, so the PID is the command's own).
bg_start() {
	local name=$1 short=$2
	shift 2
	ip netns exec "${NS[$short]}" "$@" >"$WORK/$name.log" 2>&1 &
	local pid=$!
	E2E_PIDS+=("$pid")
	E2E_BG[$name]=$pid
}

# _forget_pid PID: a reaped PID leaves the cleanup list (it may be reused)
_forget_pid() {
	local i
	for i in "${!E2E_PIDS[@]}"; do
		[[ ${E2E_PIDS[i]} == "$1" ]] && unset "E2E_PIDS[i]"
	done
	E2E_PIDS=("${E2E_PIDS[@]}")
}

# bg_stop NAME [SIGNAL] [TIMEOUT_S]: signal, wait, return its exit status
bg_stop() {
	local name=$1 sig=${2:-TERM} timeout=${3:-10} pid rc=0
	pid=${E2E_BG[$name]:-}
	[[ -n $pid ]] || return 0
	kill "-$sig" "$pid" 2>/dev/null || true
	if ! wait_until "! kill -0 $pid" "$timeout"; then
		log "$name (pid $pid) still running $timeout s after SIG$sig, killing"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" || rc=$?
	_forget_pid "$pid"
	unset "E2E_BG[$name]"
	return $rc
}

# bg_wait NAME: wait for a background job to end on its own; its exit status
bg_wait() {
	local pid=${E2E_BG[$1]} rc=0
	wait "$pid" || rc=$?
	_forget_pid "$pid"
	unset "E2E_BG[$1]"
	return $rc
}

# ---------------------------------------------------------------- captures

# capture_start NAME SHORT IF [BPF]: dumpcap on IF inside namespace SHORT into
# $WORK/NAME.pcap (pcap format); returns once dumpcap is capturing.
capture_start() {
	local name=$1 short=$2 ifn=$3 filter=${4:-}
	local args=(dumpcap -q -P -i "$ifn" -w "$WORK/$name.pcap")
	[[ -n $filter ]] && args+=(-f "$filter")
	bg_start "cap-$name" "$short" "${args[@]}"
	wait_until "grep -q 'Capturing on' '$WORK/cap-$name.log' || [[ -s '$WORK/$name.pcap' ]]" 10 ||
		fail "dumpcap on $short/$ifn did not start: $(cat "$WORK/cap-$name.log")"
	sleep 0.3
}

# capture_stop NAME: stop dumpcap (it flushes on SIGTERM); the file stays
capture_stop() {
	sleep 0.5
	bg_stop "cap-$1" TERM 10 || true
	[[ -f $WORK/$1.pcap ]] || fail "capture $1 wrote no file"
}

# hlim_of PCAP DST: the outer hop limit of the frames sent to DST (first one)
hlim_of() {
	tshark -r "$1" -n -Y "ipv6.dst == $2" -T fields -e ipv6.hlim -E occurrence=f 2>/dev/null | head -n 1
}

# check_wire ARGS...: tests/e2e/check_wire.py (tshark -T json) on a capture
check_wire() { $PY "$E2E_DIR/check_wire.py" "$@"; }

# ---------------------------------------------------------------- srv6d

# rpc METHOD [PARAMS_JSON]: one JSON-RPC request on $SOCK; prints the response
rpc() { $PY "$E2E_DIR/rpc.py" --socket "$SOCK" "$@"; }
# rpc_ok METHOD [PARAMS_JSON]: as rpc, fails the test on an error response
rpc_ok() {
	local out
	out=$(rpc "$@") || fail "rpc $1 ${2:-} -> $out"
	printf '%s\n' "$out"
}

# ctl ARGS...: srv6ctl on our socket (for the human-readable outputs)
ctl() {
	if [[ -x $SRV6CTL ]]; then
		"$SRV6CTL" --socket "$SOCK" "$@"
	else
		echo "(srv6ctl not built: $SRV6CTL)"
	fi
}

# start_srv6d SHORT CONFIG: srv6d in namespace SHORT; returns when system.info
# answers on $SOCK, fails if the daemon exits or does not answer in 60 s.
start_srv6d() {
	_srv6d_launch srv6d "$1" "$2" "$SOCK" "$SRV6D_EAL"
	SRV6D_PID=${E2E_BG[srv6d]}
}

# _srv6d_launch BG_NAME SHORT CONFIG SOCK EAL: srv6d in namespace SHORT as
# background job BG_NAME; returns when system.info answers on SOCK, fails if
# the daemon exits first or does not answer in 60 s (every srv6d start, named
# or not, goes through here)
_srv6d_launch() {
	local bg=$1 short=$2 config=$3 sock=$4 eal=$5 pid
	[[ -x $SRV6D ]] || fail "srv6d binary not found: $SRV6D"
	# shellcheck disable=SC2086
	bg_start "$bg" "$short" "$SRV6D" $eal -- --config "$config" --socket "$sock"
	pid=${E2E_BG[$bg]}
	log "$bg started in $short, pid $pid, config $config"
	local end=$(($(date +%s) + 60))
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			local rc=0
			wait "$pid" || rc=$?
			_forget_pid "$pid"
			unset "E2E_BG[$bg]"
			fail "$bg exited with status $rc before answering on $sock: $(tail -n 5 "$WORK/$bg.log")"
		fi
		if [[ -S $sock ]] && $PY "$E2E_DIR/rpc.py" --socket "$sock" system.info >/dev/null 2>&1; then break; fi
		(($(date +%s) >= end)) && fail "$bg did not answer system.info on $sock within 60 s"
		sleep 0.2
	done
	log "$bg ready: $($PY "$E2E_DIR/rpc.py" --socket "$sock" system.info | head -c 300)"
}

# stop_srv6d: SIGTERM, expects exit status 0
stop_srv6d() {
	[[ -n ${E2E_BG[srv6d]:-} ]] || return 0
	local rc=0
	bg_stop srv6d TERM 15 || rc=$?
	[[ $rc == 0 ]] || fail "srv6d exited with status $rc after SIGTERM (expected 0)"
	log "srv6d stopped cleanly (exit 0)"
}

# Named srv6d instances, for tests that run several srv6d at once (one per
# PE). Instance NAME has its own folder $WORK/srv6d-NAME (control socket
# srv6d.sock; srv6-bgp puts its counters socket next to it), its own log
# $WORK/srv6d-NAME.log, E2E_BG[srv6d-NAME] and its own EAL --file-prefix, so
# that two EALs in one machine never share a runtime folder. The unnamed
# start_srv6d/stop_srv6d/rpc/ctl above are unchanged ($SOCK, E2E_BG[srv6d]).

# srv6d_sock NAME: the control socket of instance NAME
srv6d_sock() { printf '%s\n' "$WORK/srv6d-$1/srv6d.sock"; }

# rpc_on NAME METHOD [PARAMS_JSON]: rpc on instance NAME's socket
rpc_on() {
	local name=$1
	shift
	$PY "$E2E_DIR/rpc.py" --socket "$(srv6d_sock "$name")" "$@"
}
# rpc_ok_on NAME METHOD [PARAMS_JSON]: as rpc_on, fails the test on an error
rpc_ok_on() {
	local out
	out=$(rpc_on "$@") || fail "rpc on srv6d $1: $2 ${3:-} -> $out"
	printf '%s\n' "$out"
}

# ctl_on NAME ARGS...: srv6ctl on instance NAME's socket
ctl_on() {
	local name=$1
	shift
	if [[ -x $SRV6CTL ]]; then
		"$SRV6CTL" --socket "$(srv6d_sock "$name")" "$@"
	else
		echo "(srv6ctl not built: $SRV6CTL)"
	fi
}

# start_srv6d_named NAME SHORT CONFIG: srv6d instance NAME in namespace SHORT;
# returns when system.info answers on its socket, fails if the daemon exits
# or does not answer in 60 s (as start_srv6d)
start_srv6d_named() {
	local name=$1 sock eal=$SRV6D_EAL
	[[ -z ${E2E_BG[srv6d-$name]:-} ]] || fail "srv6d $name already running (pid ${E2E_BG[srv6d-$name]})"
	sock=$(srv6d_sock "$name")
	mkdir -p "${sock%/*}"
	[[ $eal == *--file-prefix* ]] || eal+=" --file-prefix srv6d-$E2E_PFX-$name"
	_srv6d_launch "srv6d-$name" "$2" "$3" "$sock" "$eal"
}

# stop_srv6d_named NAME: SIGTERM, expects exit status 0
stop_srv6d_named() {
	[[ -n ${E2E_BG[srv6d-$1]:-} ]] || return 0
	local rc=0
	bg_stop "srv6d-$1" TERM 15 || rc=$?
	[[ $rc == 0 ]] || fail "srv6d $1 exited with status $rc after SIGTERM (expected 0)"
	log "srv6d $1 stopped cleanly (exit 0)"
}

# srv6d_stats: the stats.get result (JSON) or "{}" when PE1 is Linux
srv6d_stats() {
	if [[ $PE1_IMPL == linux ]]; then
		echo '{}'
		return
	fi
	rpc stats.get | $PY -c 'import json,sys; print(json.dumps(json.load(sys.stdin).get("result", {})))'
}

# stats_summary JSON: one line per port/SID, non-zero drops
stats_summary() {
	$PY - "$1" <<'EOF'
import json, sys
s = json.loads(sys.argv[1])
for p in s.get("ports", []):
    print("  port %-6s rx %s tx %s drops %s" % (p.get("name"), p.get("rx_packets"), p.get("tx_packets"), p.get("drops", "-")))
for d in s.get("sids", []):
    print("  sid %s %s packets %s" % (d.get("sid"), d.get("behavior"), d.get("packets")))
drops = {k: v for k, v in (s.get("drops") or {}).items() if v}
print("  drops: %s" % (json.dumps(drops) if drops else "none"))
EOF
}

# sid_packets JSON SID: the packet counter of one SID ("0" if absent)
sid_packets() {
	$PY - "$1" "$2" <<'EOF'
import ipaddress, json, sys
s = json.loads(sys.argv[1])
want = ipaddress.ip_network(sys.argv[2] if "/" in sys.argv[2] else sys.argv[2] + "/128")
for d in s.get("sids", []):
    sid = d.get("sid", "")
    if ipaddress.ip_network(sid if "/" in sid else sid + "/128") == want:
        print(d.get("packets", 0)); break
else:
    print(0)
EOF
}

# drops_delta BEFORE_JSON AFTER_JSON [IGNORE_REGEX]: prints "reason +n" lines
# for drop counters that grew, except reasons matching IGNORE_REGEX; returns 1
# when any (not ignored) grew.
drops_delta() {
	$PY - "$1" "$2" "${3:-^$}" <<'EOF'
import json, re, sys
a = (json.loads(sys.argv[1]).get("drops") or {})
b = (json.loads(sys.argv[2]).get("drops") or {})
ign = re.compile(sys.argv[3])
bad = 0
for k, v in sorted(b.items()):
    d = v - a.get(k, 0)
    if d > 0:
        tag = " (ignored)" if ign.search(k) else ""
        print("  drop %s +%d%s" % (k, d, tag))
        if not tag:
            bad = 1
sys.exit(bad)
EOF
}

# ---------------------------------------------------------------- pings

# ping_ok SHORT DST COUNT [INTERVAL] [extra ping args]: ping from SHORT, prints
# ping's output, fails on any loss
ping_ok() {
	local short=$1 dst=$2 count=$3 interval=${4:-0.2}
	shift 4 || shift $#
	local out rc=0
	out=$(nsx "$short" ping -n -c "$count" -i "$interval" -W 2 "$@" "$dst" 2>&1) || rc=$?
	printf '%s\n' "$out" | sed 's/^/    /' >&2
	[[ $rc == 0 ]] || fail "ping $short -> $dst: exit $rc"
	printf '%s\n' "$out" | grep -q " 0% packet loss" || fail "ping $short -> $dst lost packets"
}

# ping_warm SHORT DST [TIMEOUT] [extra ping args]: one successful ping within
# TIMEOUT seconds (lets ARP/ND on every hop settle; reports how many tries)
ping_warm() {
	local short=$1 dst=$2 timeout=${3:-15} n=0 end
	shift 3 || shift $#
	end=$(($(date +%s) + timeout))
	while :; do
		n=$((n + 1))
		if nsx "$short" ping -n -c 1 -W 1 "$@" "$dst" >/dev/null 2>&1; then
			log "first reply $short -> $dst after $n attempt(s)"
			return 0
		fi
		(($(date +%s) >= end)) && fail "no reply $short -> $dst within ${timeout}s ($n attempts)"
	done
}

. "$E2E_DIR/kprobe.sh"
. "$E2E_DIR/topo.sh"
. "$E2E_DIR/topo_transit.sh"
