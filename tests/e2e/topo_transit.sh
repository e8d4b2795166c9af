# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Transit topology for the e2e tests (sourced by lib.sh), seed 004:
#
#   A ---- srv6d (End) ---- B

# ---- Transit addressing (A - srv6d End - B)
TA_NET=2001:db8:a::/64
TA_A=2001:db8:a::2
TA_R=2001:db8:a::1
TB_NET=2001:db8:b::/64
TB_B=2001:db8:b::2
TB_R=2001:db8:b::1
R_LOC=2a0e:97c0:ae6:1001::/64
R_SID_END=2a0e:97c0:ae6:1001:e::
A_LOC=2a0e:97c0:ae6:3001::/64
A_SID_DT6=2a0e:97c0:ae6:3001:d6::
A_SID_DX4=2a0e:97c0:ae6:3001:a4::
B_LOC=2a0e:97c0:ae6:2001::/64
B_SID_DT6=2a0e:97c0:ae6:2001:d6::
B_SID_DX4=2a0e:97c0:ae6:2001:a4::
A_HOST6=fd00:a::1           # A's service addresses, on lo
A_HOST4=10.0.1.1
B_HOST6=fd00:b::1
B_HOST4=10.0.2.1
HOST_TABLE=100              # End.DT6 target: holds the host's own address

# transit_srv6d_config FILE: srv6d with two default-VRF ports and one End SID
transit_srv6d_config() {
	cat >"$1" <<EOF
{
  "ports": [
    {"name": "pa", "device": "net_af_packet0,iface=veth-r-a", "vrf": "default",
     "addresses": ["$TA_R/64"]},
    {"name": "pb", "device": "net_af_packet1,iface=veth-r-b", "vrf": "default",
     "addresses": ["$TB_R/64"]}
  ],
  "encap": {"source": "$TA_R"},
  "locators": [{"name": "TRANSIT", "prefix": "$R_LOC",
                "block_len": 48, "node_len": 16, "func_len": 16, "usid": false}],
  "sids": [{"sid": "$R_SID_END/128", "behavior": "End"}],
  "routes": [
    {"vrf": "default", "prefix": "$A_LOC", "nexthops": [{"type": "ip", "via": "$TA_A", "port": "pa"}]},
    {"vrf": "default", "prefix": "fd00:a::/64", "nexthops": [{"type": "ip", "via": "$TA_A", "port": "pa"}]},
    {"vrf": "default", "prefix": "$B_LOC", "nexthops": [{"type": "ip", "via": "$TB_B", "port": "pb"}]},
    {"vrf": "default", "prefix": "fd00:b::/64", "nexthops": [{"type": "ip", "via": "$TB_B", "port": "pb"}]}
  ]
}
EOF
}

# transit_host SHORT IF ADDR GW HOST6 HOST4 SID_DT6 SID_DX4: an SRv6 end host
# whose service addresses sit on lo; SID_DT6 decapsulates into table 100
# (holding only the host's own address), SID_DX4 hands IPv4 to the host itself.
transit_host() {
	local s=$1 ifn=$2 addr=$3 gw=$4 h6=$5 h4=$6 dt6=$7 dx4=$8
	nsx "$s" sysctl -qw net.ipv6.conf.all.seg6_enabled=1 "net.ipv6.conf.$ifn.seg6_enabled=1" \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.lo.rp_filter=0 >/dev/null
	ifaddr "$s" "$ifn" "$addr/64"
	ifaddr "$s" lo "$h6/128" "$h4/32"
	nsx "$s" ip -6 route add 2a0e:97c0:ae6::/48 via "$gw" dev "$ifn"
	nsx "$s" ip -6 route add local "$h6/128" dev lo table $HOST_TABLE
	nsx "$s" ip -6 route add "$dt6/128" encap seg6local action End.DT6 table $HOST_TABLE dev "$ifn"
	nsx "$s" ip -6 route add "$dx4/128" encap seg6local action End.DX4 nh4 "$h4" dev "$ifn"
}

# transit_socket_host SHORT IF ADDR GW HOST6 HOST4 SID6 SID4: an SRv6 end host
# with only what every IPv6 kernel has (no lwtunnel): SRHs are inserted by
# srh_host.py's sockets and taken apart by the kernel's built-in SRH code
# (seg6_enabled on all and on IF: the receiving interface's setting counts).
# SID6/SID4 are plain local addresses on lo: a packet to one of them with SL 0
# and an inner IPv6/IPv4 packet is decapsulated by the kernel and the inner
# packet delivered to the service addresses on lo. The only route off the
# link is srv6d's locator, so nothing reaches the other host without an SRH
# through the End SID.
transit_socket_host() {
	local s=$1 ifn=$2 addr=$3 gw=$4 h6=$5 h4=$6 sid6=$7 sid4=$8
	nsx "$s" sysctl -qw net.ipv6.conf.all.seg6_enabled=1 "net.ipv6.conf.$ifn.seg6_enabled=1" \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.lo.rp_filter=0 >/dev/null
	ifaddr "$s" "$ifn" "$addr/64"
	ifaddr "$s" lo "$h6/128" "$h4/32" "$sid6/128" "$sid4/128"
	nsx "$s" ip -6 route add "$R_LOC" via "$gw" dev "$ifn"
}

# transit_up [HOSTS]: A - R - B; R is srv6d (or Linux with seg6local End).
# HOSTS: linux (default: seg6 lwtunnel and seg6local SIDs on A and B) or
# socket (transit_socket_host: the SIDs are local addresses).
transit_up() {
	local hosts=${1:-linux}
	ns_add a
	ns_add r
	ns_add b
	veth_add a veth-a r veth-r-a
	veth_add r veth-r-b b veth-b
	case $hosts in
	linux)
		transit_host a veth-a "$TA_A" "$TA_R" "$A_HOST6" "$A_HOST4" "$A_SID_DT6" "$A_SID_DX4"
		transit_host b veth-b "$TB_B" "$TB_R" "$B_HOST6" "$B_HOST4" "$B_SID_DT6" "$B_SID_DX4"
		;;
	socket)
		transit_socket_host a veth-a "$TA_A" "$TA_R" "$A_HOST6" "$A_HOST4" "$A_SID_DT6" "$A_SID_DX4"
		transit_socket_host b veth-b "$TB_B" "$TB_R" "$B_HOST6" "$B_HOST4" "$B_SID_DT6" "$B_SID_DX4"
		;;
	*) fail "transit_up: hosts must be linux or socket, not '$hosts'" ;;
	esac
	if [[ $PE1_IMPL == linux ]]; then
		router_sysctls r
		ifaddr r veth-r-a "$TA_R/64"
		ifaddr r veth-r-b "$TB_R/64"
		nsx r ip -6 route add "$A_LOC" via "$TA_A" dev veth-r-a
		nsx r ip -6 route add fd00:a::/64 via "$TA_A" dev veth-r-a
		nsx r ip -6 route add "$B_LOC" via "$TB_B" dev veth-r-b
		nsx r ip -6 route add fd00:b::/64 via "$TB_B" dev veth-r-b
		nsx r ip -6 route add "$R_SID_END/128" encap seg6local action End dev veth-r-a
	else
		kernel_quiet r veth-r-a
		kernel_quiet r veth-r-b
		transit_srv6d_config "$WORK/r.json"
		start_srv6d r "$WORK/r.json"
	fi
}

# ---- socket-API hosts (srh_host.py)
SRH_PORT=7007               # the UDP echo service on A's and B's service addresses

# srh_server_start SHORT ARGS...: srh_host.py server in SHORT (background job
# srh-SHORT); returns once it listens
srh_server_start() {
	local s=$1
	shift
	bg_start "srh-$s" "$s" "$PY" "$E2E_DIR/srh_host.py" server --port "$SRH_PORT" "$@"
	wait_until "grep -q '^listening' '$WORK/srh-$s.log'" 20 ||
		fail "srh_host.py server in $s did not start: $(cat "$WORK/srh-$s.log")"
}

# srh_server_stop SHORT: stop it, show its summary; fails the test when it
# refused a datagram (wrong SRH) or could not answer
srh_server_stop() {
	local rc=0
	bg_stop "srh-$1" TERM 10 || rc=$?
	sed 's/^/    /' "$WORK/srh-$1.log" >&2
	[[ $rc == 0 ]] || fail "srh_host.py server in $1 exited with status $rc"
}

# srh_client SHORT ARGS...: srh_host.py client in SHORT; prints its summary,
# fails the test on any lost or wrong answer
srh_client() {
	local s=$1 out rc=0
	shift
	out=$(nsx "$s" "$PY" "$E2E_DIR/srh_host.py" client --port "$SRH_PORT" "$@" 2>&1) || rc=$?
	printf '%s\n' "$out" | sed 's/^/    /' >&2
	[[ $rc == 0 ]] || fail "srh_host.py client in $s: exit $rc"
}

# drop_count JSON REASON: one drop counter of a stats.get result ("0" if absent)
drop_count() {
	$PY -c 'import json,sys; print((json.loads(sys.argv[1]).get("drops") or {}).get(sys.argv[2], 0))' "$1" "$2"
}
