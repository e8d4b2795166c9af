# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Checks of the e2e tests that count them (sourced after lib.sh): each check
# prints "ok" or "FAIL" on stderr and is counted in CHECKS / FAILS; FAILED
# holds what failed, for the summary at the end of a test. Plus the counter
# helpers those tests share (srv6d's stats.get through lib.sh's rpc_on).

CHECKS=0
FAILS=0
FAILED=()
ok() {
	CHECKS=$((CHECKS + 1))
	printf '  ok   %s\n' "$*" >&2
}
bad() {
	CHECKS=$((CHECKS + 1))
	FAILS=$((FAILS + 1))
	FAILED+=("$*")
	printf '  FAIL %s\n' "$*" >&2
}
# check WHAT CMD...: CMD's output indented in the log, ok or FAIL
check() {
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	[[ -n $out ]] && printf '%s\n' "$out" | sed 's/^/    /' >&2
	if [[ $rc == 0 ]]; then ok "$what"; else bad "$what"; fi
}

# stats NAME: stats.get of srv6d instance NAME (the result, JSON)
stats() {
	rpc_on "$1" stats.get | $PY -c 'import json,sys; print(json.dumps(json.load(sys.stdin).get("result", {})))'
}

# sid_delta BEFORE AFTER SID WANT: the SID's packet counter grew by WANT
sid_delta() {
	local a b
	a=$(sid_packets "$1" "$3") b=$(sid_packets "$2" "$3")
	echo "packets $a -> $b: +$((b - a)), want +$4"
	((b - a == $4))
}

# port_delta BEFORE AFTER PORT FIELD WANT: a port counter grew by WANT
port_delta() {
	$PY - "$@" <<'PYEOF'
import json, sys
a, b, port, field, want = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
get = lambda s: next((p.get(field, 0) for p in s.get("ports", []) if p.get("name") == port), 0)
d = get(b) - get(a)
print("port %s %s %d -> %d: +%d, want +%d" % (port, field, get(a), get(b), d, want))
sys.exit(0 if d == want else 1)
PYEOF
}

# drops_window BEFORE AFTER: no drop counter grew (lib.sh's drops_delta)
drops_window() { drops_delta "$1" "$2" && echo "no drop counter grew"; }

# drops_check JSON ALLOWED_REGEX: every drop reason with a count matches the
# regex (the log says why each allowed one happens)
drops_check() {
	$PY - "$1" "$2" <<'PYEOF'
import json, re, sys
drops = {k: v for k, v in (json.loads(sys.argv[1]).get("drops") or {}).items() if v}
allowed = re.compile(sys.argv[2])
bad = {k: v for k, v in drops.items() if not allowed.search(k)}
print("drops: %s%s" % (json.dumps(drops) if drops else "none",
                       ("; not allowed: " + json.dumps(bad)) if bad else ""))
sys.exit(1 if bad else 0)
PYEOF
}

# srv6d_logs_trap: the EXIT trap of these tests: on failure, the last lines
# of every srv6d log in $WORK, then lib.sh's cleanup
srv6d_logs_trap() {
	local rc=$? f
	set +e
	if [[ $rc != 0 && $rc != 77 && -n $WORK ]]; then
		for f in "$WORK"/srv6d-*.log; do
			[[ -f $f ]] || continue
			echo "----- ${f##*/} (last 25 lines) -----" >&2
			tail -n 25 "$f" >&2
		done
	fi
	(exit "$rc")
	e2e_cleanup
}

# ping_check SHORT DST: N pings at 0.1 s from namespace SHORT, no loss
ping_check() {
	local out
	out=$(nsx "$1" ping -n -q -c "$N" -i 0.1 -W 2 "$2" 2>&1) || { printf '%s\n' "$out"; return 1; }
	printf '%s\n' "$out" | grep 'packets transmitted'
	printf '%s\n' "$out" | grep -q ' 0% packet loss'
}

# srv6d_stop_checked NAME...: each srv6d instance (bg_start name srv6d-NAME)
# stopped with SIGTERM, a check that it exited 0
srv6d_stop_checked() {
	local n rc
	for n in "$@"; do
		rc=0
		bg_stop "srv6d-$n" TERM 15 || rc=$?
		if [[ $rc == 0 ]]; then ok "srv6d $n exits 0 on SIGTERM"; else bad "srv6d $n exited $rc on SIGTERM"; fi
	done
}

# checks_end [NOTE]: the summary (counts, NOTE, seconds since T0), each
# failed check again, then fail or PASS
checks_end() {
	log "$CHECKS checks, $FAILS failed${1:+, $1}, $((SECONDS - T0)) s"
	for c in ${FAILED[@]+"${FAILED[@]}"}; do log "failed: $c"; done
	((FAILS == 0)) || fail "$FAILS of $CHECKS checks failed"
	log "PASS"
}

# ce_host NS IF ADDR4/LEN ADDR6/LEN GW4 GW6: a customer host's addresses on
# IF and its default routes through the PE
ce_host() {
	ifaddr "$1" "$2" "$3" "$4"
	nsx "$1" ip route add default via "$5"
	nsx "$1" ip -6 route add default via "$6"
}

# mac_of SHORT IF: the interface's MAC address
mac_of() { nsx "$1" cat "/sys/class/net/$2/address"; }

# neigh_is SHORT IF ADDR MAC: the neighbour entry of ADDR on IF is a resolved
# one (not INCOMPLETE/FAILED) with link-layer address MAC
neigh_is() {
	local line
	line=$(nsx "$1" ip neigh show "$3" dev "$2")
	echo "$1 $2: ${line:-no entry for $3}"
	[[ $line == *"lladdr $4 "* ]] && [[ $line != *INCOMPLETE* && $line != *FAILED* ]]
}

# srv6d_start_json NAME...: each $WORK/NAME.json checked to be JSON, then
# srv6d instance NAME started on it
srv6d_start_json() {
	local n
	for n in "$@"; do
		$PY -m json.tool "$WORK/$n.json" >/dev/null || fail "$n.json is not JSON"
		start_srv6d_named "$n" "$n" "$WORK/$n.json"
	done
}
