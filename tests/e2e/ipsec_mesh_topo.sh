# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Seed 002's route-based IPsec VPN mesh with srv6d PEs: three sites, four
# PEs (two at site A), SRv6 inside ESP (mode srv6) between every pair of PEs,
# routes learnt over BGP through FRR 8.4's route reflector on a plain Linux P
# router ("the Internet"). Source it after lib.sh, bgp_topo.sh, bgp_lib.sh and
# bgp_rr_topo.sh: it reuses their AS, password, VRF, RT, locator name and the
# per-PE functions of bgp_rr_topo.sh (gobgpd, srv6-bgp, srv6d start, RR state),
# which are keyed by PE name: the RR_* tables below replace theirs with the
# four PEs a1, a2, b, c (each also the name of its namespace).
#
#                         CE-A (lo 172.16.1.1, 2001:db8:a1::1)
#                        /    \        multipath default via A1 and A2
#                  A1 srv6d   A2 srv6d
#                        \    /
#   CE-B --- B srv6d ---- P (Linux router, FRR bgpd = RR) ---- C srv6d --- CE-C
#
#   site  PE  WAN (to P)            locator                    customer side
#   A     a1  2001:db8:1:1::1/64    2a0e:97c0:ae6:1101::/64    ce0 172.16.11.1, 2001:db8:a1:11::1
#   A     a2  2001:db8:1:2::1/64    2a0e:97c0:ae6:1102::/64    ce0 172.16.12.1, 2001:db8:a1:12::1
#   B     b   2001:db8:2:1::1/64    2a0e:97c0:ae6:2001::/64    ce0 172.16.2.1,  2001:db8:a2::1
#   C     c   2001:db8:3:1::1/64    2a0e:97c0:ae6:3001::/64    ce0 172.16.3.1,  2001:db8:a3::1
#   P: ::ff on each WAN link, the RR 2001:db8:0:ee::1 on lo, a route to each locator.
#
# Site A's LAN (172.16.1.0/24, 2001:db8:a1::/64) is CE-A's (its host address
# on lo);
# A1 and A2 each have a static VRF route to it via CE-A on their own link and
# both export it (srv6-bgp exports connected and static VRF routes), so B and
# C install it as ECMP over A1's and A2's SIDs, each next hop bound to the SA
# toward that PE. CE-A reaches the mesh over a multipath default route with
# ignore_routes_with_linkdown, so a dead link drops out of it at once; its
# link addresses route by source (ip rule) through their own PE, so a test can
# pick the PE, and so every SA of the mesh carries traffic.
#
# SAs: for each ordered pair (x, y) of PEs one SA, mode srv6, AES-GCM-128,
# ESN on, window 64, SPI 0x1000 + 16*index(x) + index(y), a key from Python's
# secrets module (mesh_keys, file $WORK/keys.tsv, mode 0600): in x's srv6d
# as outbound "to-y", in y's as inbound "from-x". x's srv6-bgp gets one
# --ipsec-sa <y's locator>=to-y per remote PE.
#
# BGP: the RR config is conf/frr/rr-bgpd.conf with four clients instead of
# two and timers 1/3 s; each gobgpd's is conf/gobgp/rr-client-redundant.toml:
# TCP-MD5, VPNv4/v6, keepalive 1 s, hold 3 s, no graceful restart. A dead PE
# must lose its paths: graceful restart would keep them (the RR retains a
# restarting peer's paths as stale for the restart time), and the default
# 90 s hold time would keep them that long where nothing else notices.
#
# pe_failover_test.sh reuses the topology without IPsec: it sets MESH_PES to
# a subset (a1 a2 b: no site C) and MESH_IPSEC=0 (no SA in srv6d, no
# --ipsec-sa, no scapy ESP needed) after sourcing this file.

MESH_PES=(a1 a2 b c)
MESH_IPSEC=1
declare -A MESH_IDX=([a1]=1 [a2]=2 [b]=3 [c]=4)
declare -A MESH_SITE=([a1]=a [a2]=a [b]=b [c]=c)
declare -A MESH_P=([a1]=2001:db8:1:1::ff [a2]=2001:db8:1:2::ff [b]=2001:db8:2:1::ff [c]=2001:db8:3:1::ff)
MESH_HOLD_S=3                   # BGP hold time (keepalive 1 s), RR and gobgpd

# bgp_rr_topo.sh's per-PE tables, for the mesh's four PEs
RR_WAN=([a1]=2001:db8:1:1::1 [a2]=2001:db8:1:2::1 [b]=2001:db8:2:1::1 [c]=2001:db8:3:1::1)
RR_GW=([a1]=${MESH_P[a1]} [a2]=${MESH_P[a2]} [b]=${MESH_P[b]} [c]=${MESH_P[c]})
RR_LOC=([a1]=2a0e:97c0:ae6:1101::/64 [a2]=2a0e:97c0:ae6:1102::/64
	[b]=2a0e:97c0:ae6:2001::/64 [c]=2a0e:97c0:ae6:3001::/64)
RR_RIDS=([a1]=10.1.1.1 [a2]=10.1.1.2 [b]=10.2.2.1 [c]=10.3.3.1)
RR_RDS=([a1]=10.1.1.1:101 [a2]=10.1.1.2:101 [b]=10.2.2.1:101 [c]=10.3.3.1:101)
RR_CE_V4=([a1]=172.16.11.1 [a2]=172.16.12.1 [b]=172.16.2.1 [c]=172.16.3.1)
RR_CE_V6=([a1]=2001:db8:a1:11::1 [a2]=2001:db8:a1:12::1 [b]=2001:db8:a2::1 [c]=2001:db8:a3::1)
RR_NET4=([a1]=172.16.11.0/24 [a2]=172.16.12.0/24 [b]=172.16.2.0/24 [c]=172.16.3.0/24)
RR_NET6=([a1]=2001:db8:a1:11::/64 [a2]=2001:db8:a1:12::/64 [b]=2001:db8:a2::/64 [c]=2001:db8:a3::/64)
RR_API_PORT=([a1]=50051 [a2]=50052 [b]=50053 [c]=50054)
RR_OTHER=()

# the CE of each PE's link (CE-A twice) and the sites' LANs
declare -A MESH_CE=([a1]=cea [a2]=cea [b]=ceb [c]=cec)
declare -A MESH_CE_IF=([a1]=veth-cea-a1 [a2]=veth-cea-a2 [b]=veth-ceb [c]=veth-cec)
declare -A MESH_CE_V4=([a1]=172.16.11.2 [a2]=172.16.12.2 [b]=172.16.2.2 [c]=172.16.3.2)
declare -A MESH_CE_V6=([a1]=2001:db8:a1:11::2 [a2]=2001:db8:a1:12::2 [b]=2001:db8:a2::2 [c]=2001:db8:a3::2)
MESH_LAN_A4=172.16.1.0/24       # site A's LAN behind CE-A, exported by A1 and A2
MESH_LAN_A6=2001:db8:a1::/64
MESH_HOST_A4=172.16.1.1
MESH_HOST_A6=2001:db8:a1::1
# a site's host: CE-A's LAN address, CE-B's and CE-C's link address
declare -A MESH_HOST4=([a]=$MESH_HOST_A4 [b]=${MESH_CE_V4[b]} [c]=${MESH_CE_V4[c]})
declare -A MESH_HOST6=([a]=$MESH_HOST_A6 [b]=${MESH_CE_V6[b]} [c]=${MESH_CE_V6[c]})
declare -A MESH_SITE_CE=([a]=cea [b]=ceb [c]=cec)

MESH_KEYS=                      # $WORK/keys.tsv: from to spi key (hex, key || salt)

# mesh_spi FROM TO [GEN]: the SPI of the SA FROM -> TO, GEN-th rekey (0: the first SA)
mesh_spi() { echo $((0x1000 * (${3:-0} + 1) + 16 * MESH_IDX[$1] + MESH_IDX[$2])); }

# mesh_exports PE: the VRF prefixes PE exports (its link, site A's LAN for A1/A2)
mesh_exports() {
	echo "${RR_NET4[$1]}" "${RR_NET6[$1]}"
	[[ ${MESH_SITE[$1]} != a ]] || echo "$MESH_LAN_A4" "$MESH_LAN_A6"
}

# mesh_require_tools: skip (77) without FRR, GoBGP, srv6-bgp or scapy's ESP
mesh_require_tools() {
	rr_require_tools
	[[ $MESH_IPSEC == 1 ]] || return 0
	$PY -c 'import scapy.layers.ipsec, cryptography' 2>/dev/null ||
		skip "scapy's ESP (python3-scapy, python3-cryptography) is missing"
}

# mesh_trap: on failure, the last lines of every PE's logs, then lib.sh's cleanup
mesh_trap() {
	local rc=$? f
	set +e
	if [[ $rc != 0 && $rc != 77 && -n $WORK ]]; then
		mesh_diag
		for f in "$WORK"/srv6d-??.log "$WORK"/srv6d-?.log "$WORK"/srv6-bgp-*.log \
			"$WORK"/*-gobgpd.log "$WORK"/rr-bgpd.log; do
			[[ -f $f ]] || continue
			echo "----- ${f##*/} (last 25 lines) -----" >&2
			tail -n 25 "$f" >&2
		done
	fi
	# the EAL runtime folders of our srv6d (our own --file-prefix each;
	# they stay after a clean exit too, and the killed one's always)
	if [[ -n $E2E_PFX ]]; then
		for f in "${MESH_PES[@]}"; do rm -rf "/var/run/dpdk/srv6d-$E2E_PFX-$f"; done
	fi
	(exit "$rc")
	e2e_cleanup
}

# mesh_diag: each running srv6d's drops (non-zero reasons) and SA counters
mesh_diag() {
	local pe
	for pe in "${MESH_PES[@]}"; do
		[[ -n ${E2E_BG[srv6d-$pe]:-} ]] || continue
		echo "----- srv6d $pe: drops and SAs -----" >&2
		for m in stats.get route.list sid.list neighbor.list; do rpc_on "$pe" "$m" >"$WORK/diag-$pe-$m.json" 2>&1 || true; done
		{ rpc_on "$pe" stats.get; rpc_on "$pe" ipsec.sa.list; } 2>&1 | $PY -c '
import json, sys
for line in sys.stdin:
    try:
        r = json.loads(line).get("result")
    except ValueError:
        print(line.rstrip()); continue
    if isinstance(r, dict):
        print("drops", {k: v for k, v in (r.get("drops") or {}).items() if v})
    elif isinstance(r, list):
        for sa in r:
            print(sa.get("id"), "packets", sa.get("packets"), "drops",
                  {k: v for k, v in (sa.get("drops") or {}).items() if v})' >&2 || true
	done
}

# ---------------------------------------------------------------- keys

# mesh_keys: one SA per ordered pair of PEs, keys from Python's secrets
mesh_keys() {
	local x y
	MESH_KEYS=$WORK/keys.tsv
	(
		umask 077
		for x in "${MESH_PES[@]}"; do
			for y in "${MESH_PES[@]}"; do
				[[ $x != "$y" ]] || continue
				printf '%s %s %s %s\n' "$x" "$y" "$(mesh_spi "$x" "$y")" \
					"$($PY -c 'import secrets; print(secrets.token_hex(20))')"
			done
		done >"$MESH_KEYS"
	)
}

# mesh_new_key: a fresh AES-GCM-128 key and salt, 40 hex digits
mesh_new_key() { $PY -c 'import secrets; print(secrets.token_hex(20))'; }

# mesh_sa_add PE ID DIR SPI KEY: ipsec.sa.add (a replacement if ID exists) on
# PE's srv6d as an operator would, with srv6ctl, the key on standard input (out
# of the process list); the mesh's SA settings: mode srv6, ESN, window 64
mesh_sa_add() {
	local out
	out=$(printf '%s\n' "$5" | ctl_on "$1" ipsec sa add "$2" direction "$3" spi "$4" mode srv6 \
		aead aes-gcm-128 key - replay-window 64 esn true 2>&1) ||
		fail "$1: srv6ctl ipsec sa add $2 direction $3 spi $4: $out"
}

# mesh_sa_json PE: the "ipsec" member of PE's srv6d configuration
mesh_sa_json() {
	local pe=$1 x y spi key sep=""
	printf '"ipsec": {"sas": ['
	while read -r x y spi key; do
		if [[ $x == "$pe" ]]; then
			printf '%s\n    {"id": "to-%s", "direction": "out", "spi": %s, "mode": "srv6", "aead": "aes-gcm-128", "key": "%s", "replay_window": 64, "esn": true}' \
				"$sep" "$y" "$spi" "$key"
			sep=,
		elif [[ $y == "$pe" ]]; then
			printf '%s\n    {"id": "from-%s", "direction": "in", "spi": %s, "mode": "srv6", "aead": "aes-gcm-128", "key": "%s", "replay_window": 64, "esn": true}' \
				"$sep" "$x" "$spi" "$key"
			sep=,
		fi
	done <"$MESH_KEYS"
	printf '\n  ]}\n'
}

# ---------------------------------------------------------------- namespaces

# mesh_hosts_up: the namespaces (MESH_PES, their CEs, P), their links, CE-A's
# LAN, multipath and source routes, P's routes
mesh_hosts_up() {
	local n pe
	declare -A ces=()
	for pe in "${MESH_PES[@]}"; do ces[${MESH_CE[$pe]}]=1; done
	for n in "${!ces[@]}" "${MESH_PES[@]}" p; do ns_add "$n"; done
	# before the links exist: a CE-A route over a link without carrier is skipped
	nsx cea sysctl -qw net.ipv4.conf.all.ignore_routes_with_linkdown=1 \
		net.ipv6.conf.all.ignore_routes_with_linkdown=1 \
		net.ipv6.conf.default.ignore_routes_with_linkdown=1 >/dev/null
	for pe in "${MESH_PES[@]}"; do
		veth_add "${MESH_CE[$pe]}" "${MESH_CE_IF[$pe]}" "$pe" "veth-$pe-ce"
		veth_add "$pe" "veth-$pe-wan" p "veth-p-$pe"
		kernel_quiet "$pe" "veth-$pe-ce"
		kernel_quiet "$pe" "veth-$pe-wan"
		ifaddr "${MESH_CE[$pe]}" "${MESH_CE_IF[$pe]}" "${MESH_CE_V4[$pe]}/24" "${MESH_CE_V6[$pe]}/64"
		ifaddr p "veth-p-$pe" "${MESH_P[$pe]}/64"
	done
	for n in b c; do
		[[ -n ${ces[ce$n]:-} ]] || continue
		nsx "ce$n" ip route add default via "${RR_CE_V4[$n]}"
		nsx "ce$n" ip -6 route add default via "${RR_CE_V6[$n]}"
	done
	# CE-A: the site's LAN host on lo (no dummy module on every kernel), ECMP
	# over both PEs, link sources pinned
	ifaddr cea lo "$MESH_HOST_A4/32" "$MESH_HOST_A6/128"
	nsx cea ip route add default nexthop via "${RR_CE_V4[a1]}" dev veth-cea-a1 \
		nexthop via "${RR_CE_V4[a2]}" dev veth-cea-a2
	nsx cea ip -6 route add default nexthop via "${RR_CE_V6[a1]}" dev veth-cea-a1 \
		nexthop via "${RR_CE_V6[a2]}" dev veth-cea-a2
	for pe in a1 a2; do
		local t=$((10 + MESH_IDX[$pe]))
		nsx cea ip rule add from "${MESH_CE_V4[$pe]}" table $t priority 100
		nsx cea ip route add default via "${RR_CE_V4[$pe]}" dev "veth-cea-$pe" table $t
		nsx cea ip -6 rule add from "${MESH_CE_V6[$pe]}" table $t priority 100
		nsx cea ip -6 route add default via "${RR_CE_V6[$pe]}" dev "veth-cea-$pe" table $t
	done
	# P: the Internet, the RR's address, a route to each PE's locator
	router_sysctls p
	ifaddr p lo "$RR_ADDR/128"
	for pe in "${MESH_PES[@]}"; do
		nsx p ip -6 route add "${RR_LOC[$pe]}" via "${RR_WAN[$pe]}" dev "veth-p-$pe"
	done
}

# ---------------------------------------------------------------- srv6d

# mesh_srv6d_config PE FILE: ports ce0 (VRF) and wan0 (host interface for
# gobgpd), the underlay toward every other locator and the RR, site A's LAN
# (A1, A2), the PE's SAs (MESH_IPSEC=1); no VPN route or SID (srv6-bgp's)
mesh_srv6d_config() {
	local pe=$1 f=$2 o routes="" lan=""
	for o in "${MESH_PES[@]}"; do
		[[ $o != "$pe" ]] || continue
		routes+="    {\"vrf\": \"default\", \"prefix\": \"${RR_LOC[$o]}\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"${RR_GW[$pe]}\", \"port\": \"wan0\"}]},
"
	done
	if [[ ${MESH_SITE[$pe]} == a ]]; then
		lan="    {\"vrf\": \"$VRF\", \"prefix\": \"$MESH_LAN_A4\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"${MESH_CE_V4[$pe]}\", \"port\": \"ce0\"}]},
    {\"vrf\": \"$VRF\", \"prefix\": \"$MESH_LAN_A6\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"${MESH_CE_V6[$pe]}\", \"port\": \"ce0\"}]},
"
	fi
	local sas=""
	[[ $MESH_IPSEC != 1 ]] || sas=$(mesh_sa_json "$pe")
	rr_srv6d_config "$pe" "$f" "$routes$lan" "$sas"
	chmod 600 "$f"
	$PY -m json.tool "$f" >/dev/null || fail "srv6d configuration $f is not JSON"
}

# ---------------------------------------------------------------- BGP

# mesh_gobgp_config PE FILE: gobgpd toward the RR from
# conf/gobgp/rr-client-redundant.toml (TCP-MD5, VPNv4/v6, hold 3 s, no
# graceful restart: see the header)
mesh_gobgp_config() {
	rr_gobgp_render "$1" "$2" rr-client-redundant.toml
	grep -q "hold-time = $MESH_HOLD_S\$" "$2" || fail "$2: the hold time is not the RR's $MESH_HOLD_S s"
}

# mesh_start_frr: zebra and bgpd on P, conf/frr/rr-bgpd.conf with every mesh
# PE as a client and short timers
mesh_start_frr() {
	local pe nb=""
	RR_FRR_DIR=$WORK/frr-rr
	mkdir -p "$RR_FRR_DIR"
	chown "$FRR_USER:$FRR_GROUP" "$RR_FRR_DIR"
	for pe in "${MESH_PES[@]}"; do
		nb+=" neighbor ${RR_WAN[$pe]} peer-group INTERNAL\\n neighbor ${RR_WAN[$pe]} description mesh PE $pe\\n"
	done
	sed -e "s|@HOSTNAME@|rr|g" -e "s|@AS@|$BGP_AS|g" -e "s|@ROUTER_ID@|$RR_RID|g" \
		-e "s|@LOCAL@|$RR_ADDR|g" -e "s|@PASSWORD@|$BGP_PASSWORD|g" \
		-e '/neighbor @PE[12]@ /d' \
		-e "s|^ neighbor INTERNAL passive\$|&\\n neighbor INTERNAL timers 1 $MESH_HOLD_S\\n$nb|" \
		"$REPO_ROOT/conf/frr/rr-bgpd.conf" >"$RR_FRR_DIR/bgpd.conf"
	! grep -v '^!' "$RR_FRR_DIR/bgpd.conf" | grep -n '@[A-Z0-9_]*@' || fail "unfilled placeholder in bgpd.conf"
	[[ $(grep -c 'peer-group INTERNAL$' "$RR_FRR_DIR/bgpd.conf") == "${#MESH_PES[@]}" ]] ||
		fail "the RR's bgpd.conf does not list the ${#MESH_PES[@]} PEs: $(cat "$RR_FRR_DIR/bgpd.conf")"
	sed -e "s|@HOSTNAME@|rr|g" "$REPO_ROOT/conf/frr/rr-zebra.conf" >"$RR_FRR_DIR/zebra.conf"
	_rr_frr_daemon zebra
	_rr_frr_daemon bgpd
}

# mesh_established PE...: each PE's gobgpd and the RR say Established
mesh_established() {
	local pe
	for pe in "$@"; do
		[[ $(rr_gobgp_state "$pe") == established && $(rr_frr_state "$pe") == Established ]] || return 1
	done
}

# mesh_helper_args PE: --ipsec-sa for every remote PE's locator (MESH_IPSEC=1)
mesh_helper_args() {
	local o a="--settle 1000"
	[[ $MESH_IPSEC == 1 ]] || { echo "$a" && return 0; }
	for o in "${MESH_PES[@]}"; do
		[[ $o == "$1" ]] || a+=" --ipsec-sa ${RR_LOC[$o]}=to-$o"
	done
	echo "$a"
}

# mesh_up: namespaces, keys, FRR, every PE's srv6d and gobgpd, then srv6-bgp;
# returns when every session is Established
mesh_up() {
	local pe t0
	mesh_hosts_up
	[[ $MESH_IPSEC != 1 ]] || mesh_keys
	mesh_start_frr
	for pe in "${MESH_PES[@]}"; do
		mesh_srv6d_config "$pe" "$WORK/$pe.json"
		mesh_gobgp_config "$pe" "$WORK/gobgpd-$pe.toml"
		rr_start_srv6d "$pe" "$WORK/$pe.json"
	done
	t0=$(date +%s%N)
	for pe in "${MESH_PES[@]}"; do rr_start_gobgpd "$pe"; done
	wait_until "mesh_established ${MESH_PES[*]}" 90 0.3 ||
		fail "BGP not Established in 90 s: $(for pe in "${MESH_PES[@]}"; do
			echo -n "$pe $(rr_gobgp_state "$pe")/RR $(rr_frr_state "$pe"); "
		done)"
	log "BGP: the ${#MESH_PES[@]} PEs and the RR Established $((($(date +%s%N) - t0) / 1000000)) ms after gobgpd started"
	for pe in "${MESH_PES[@]}"; do
		SRV6BGP_ARGS=$(mesh_helper_args "$pe") rr_start_helper "$pe"
	done
}

# ---------------------------------------------------------------- routes

# mesh_read_sids: SID[PE] = the End.DT46 that PE's srv6-bgp allocated, for
# every PE, each checked inside its locator
declare -A SID=()
_mesh_all_sids() {
	local pe
	for pe in "${MESH_PES[@]}"; do [[ -n $(rr_our_sid "$pe") ]] || return 1; done
}
mesh_read_sids() {
	local pe
	wait_until _mesh_all_sids 30 0.2 ||
		fail "End.DT46 not allocated on every PE"
	for pe in "${MESH_PES[@]}"; do
		SID[$pe]=$(rr_our_sid "$pe")
		$PY -c 'import ipaddress,sys; sys.exit(ipaddress.ip_address(sys.argv[1]) not in ipaddress.ip_network(sys.argv[2]))' \
			"${SID[$pe]}" "${RR_LOC[$pe]}" || fail "$pe's SID ${SID[$pe]} is not in ${RR_LOC[$pe]}"
	done
	log "SIDs: $(for pe in "${MESH_PES[@]}"; do echo -n "$pe ${SID[$pe]}  "; done)"
}

# mesh_routes PE: PE's BGP routes as srv6ctl --json lists them, one
# "prefix sid=sa[,sid=sa]" line each (next hops sorted), sorted
mesh_routes() {
	ctl_on "$1" --json route list vrf "$VRF" owner bgp | $PY -c '
import json, sys
r = json.load(sys.stdin)
for x in (r.get("result", r) if isinstance(r, dict) else r):
    nhs = sorted("%s=%s" % (",".join(nh.get("segments", [])), nh.get("ipsec_sa", "-"))
                 for nh in x.get("nexthops", []))
    print(x["prefix"], ",".join(nhs))' | sort
}
# mesh_want_routes PE: every other PE's exports not PE's own, toward that
# PE's SID (SID[PE], the test's) through the SA to it ("-" without IPsec)
mesh_want_routes() {
	local pe=$1 o p sa
	declare -A wm=()
	for o in "${MESH_PES[@]}"; do
		[[ $o != "$pe" ]] || continue
		for p in $(mesh_exports "$o"); do
			[[ " $(mesh_exports "$pe" | tr '\n' ' ') " != *" $p "* ]] || continue
			if [[ $MESH_IPSEC == 1 ]]; then sa=to-$o; else sa=-; fi
			wm[$p]+="${wm[$p]:+ }${SID[$o]}=$sa"
		done
	done
	for p in "${!wm[@]}"; do
		echo "$p $(tr ' ' '\n' <<<"${wm[$p]}" | sort | paste -sd,)"
	done | sort
}
# mesh_has_routes PE: PE's BGP routes are mesh_want_routes PE
mesh_has_routes() { [[ "$(mesh_routes "$1")" == "$(mesh_want_routes "$1")" ]]; }

# _mesh_all_routes: every PE has mesh_want_routes
_mesh_all_routes() {
	local pe
	for pe in "${MESH_PES[@]}"; do mesh_has_routes "$pe" || return 1; done
}

# mesh_wait_routes: every PE installs what the others export (60 s), every
# srv6-bgp in sync, none refused a path
mesh_wait_routes() {
	local pe rej
	wait_until _mesh_all_routes 60 0.3 ||
		fail "learnt routes: $(for pe in "${MESH_PES[@]}"; do
			printf '\n%s has:\n%s\nwants:\n%s' "$pe" "$(mesh_routes "$pe")" "$(mesh_want_routes "$pe")"
		done)"
	for pe in "${MESH_PES[@]}"; do
		rr_wait_helper_synced "$pe" 45
		rej=$(rr_helper_rejected "$pe")
		[[ $rej == 0 ]] || fail "$pe: srv6-bgp rejected $rej paths: $(rr_helper_get "$pe" rejected)"
	done
}

# mesh_kill PE: PE dies as a box would: its links go down first (nothing
# leaves it any more, no FIN nor NOTIFICATION), then srv6-bgp, gobgpd and
# srv6d are killed (SIGKILL)
mesh_kill() {
	local pe=$1
	MESH_VICTIM=$pe
	nsx "$pe" ip link set "veth-$pe-wan" down
	nsx "$pe" ip link set "veth-$pe-ce" down
	bg_stop "srv6-bgp-$pe" KILL 5 || true
	bg_stop "$pe-gobgpd" KILL 5 || true
	bg_stop "srv6d-$pe" KILL 10 || true
}
