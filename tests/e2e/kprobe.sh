# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The kernel capability probe: which of the kernel's optional SRv6, VRF,
# tunnel and IPsec pieces this machine has. One function, used by every e2e
# test (through lib.sh), by tools/demo.sh and by tools/test.sh, so that a
# missing feature turns into a fallback peer or a skip with the option's name,
# never into a failure. Source it; it needs bash, iproute2 and root for the
# probes that create things (a throwaway network namespace, removed at once).
#
#   kernel_probe            fills KCAP[feature]=1|0 and KCAP_WHY[feature]
#   kernel_probe_print      one line per feature (what runs where)
#   kernel_has FEATURE      exit 0 when the kernel has it
#   kernel_require FEATURE  skip (exit 77) with the missing option's name
#
# Features and the kernel option behind each:
#   seg6_lwt   ip route ... encap seg6 (H.Encaps, inline)   CONFIG_IPV6_SEG6_LWTUNNEL
#   seg6local  ip route ... encap seg6local (End, End.DX4)  CONFIG_IPV6_SEG6_LWTUNNEL
#   seg6_srh   built-in SRH processing (seg6_enabled)       CONFIG_IPV6 (always, 4.10+)
#   vrf        VRF devices                                  CONFIG_NET_VRF
#   ip6tnl     IPv6-in-IPv6 tunnel devices                  CONFIG_IPV6_TUNNEL
#   esp        ESP (xfrm AEAD rfc4106(gcm(aes)))            CONFIG_INET6_ESP
#
# Environment:
#   SRV6D_KCAPS        "seg6_lwt=1 seg6local=0 ..." from an earlier probe of
#                      this run (tools/test.sh exports it): used as is, so the
#                      probe runs and prints once per run
#   SRV6D_KCAPS_FORCE  "seg6_lwt=0 ..." forces features off after probing, to
#                      run the fallback peers on a kernel that has the real
#                      ones; forcing a feature on that the kernel lacks is an
#                      error (it could only fail later)

KCAP_FEATURES=(seg6_lwt seg6local seg6_srh vrf ip6tnl esp)
declare -A KCAP=()
declare -A KCAP_WHY=()
declare -A KCAP_OPTION=(
	[seg6_lwt]=CONFIG_IPV6_SEG6_LWTUNNEL
	[seg6local]=CONFIG_IPV6_SEG6_LWTUNNEL
	[seg6_srh]=CONFIG_IPV6
	[vrf]=CONFIG_NET_VRF
	[ip6tnl]=CONFIG_IPV6_TUNNEL
	[esp]=CONFIG_INET6_ESP
)
declare -A KCAP_WHAT=(
	[seg6_lwt]="seg6 lwtunnel encap (ip route ... encap seg6)"
	[seg6local]="seg6local behaviours (ip route ... encap seg6local)"
	[seg6_srh]="built-in SRH processing (net.ipv6.conf.*.seg6_enabled)"
	[vrf]="VRF devices (ip link add ... type vrf)"
	[ip6tnl]="ip6tnl devices (ip link add ... type ip6tnl)"
	[esp]="ESP (ip xfrm state ... rfc4106(gcm(aes)))"
)
KCAP_PROBED=0

# _kprobe_try FEATURE CMD...: runs CMD; KCAP[FEATURE] = 1 on success, else 0
# with the first line of its error as the reason
_kprobe_try() {
	local f=$1 out
	shift
	if out=$("$@" 2>&1); then
		KCAP[$f]=1
		KCAP_WHY[$f]="works"
	else
		KCAP[$f]=0
		out=${out%%$'\n'*}
		KCAP_WHY[$f]="${out:-failed} (${KCAP_OPTION[$f]} missing?)"
	fi
}

# _kprobe_live: probe the running kernel in a throwaway namespace
_kprobe_live() {
	local ns="kprobe$$-$RANDOM" f
	if [[ $(id -u) != 0 ]] || ! ip netns add "$ns" 2>/dev/null; then
		for f in "${KCAP_FEATURES[@]}"; do
			KCAP[$f]=0
			KCAP_WHY[$f]="not probed: needs root and ip netns"
		done
		return 0
	fi
	local x=(ip netns exec "$ns")
	"${x[@]}" ip link set lo up
	_kprobe_try seg6_lwt "${x[@]}" ip -6 route add fc00:ffff:1::/64 encap seg6 mode encap \
		segs fc00:ffff:2::1 dev lo
	_kprobe_try seg6local "${x[@]}" ip -6 route add fc00:ffff:3::1/128 encap seg6local \
		action End dev lo
	_kprobe_try seg6_srh "${x[@]}" sysctl -qw net.ipv6.conf.all.seg6_enabled=1 \
		net.ipv6.conf.lo.seg6_enabled=1
	_kprobe_try vrf "${x[@]}" ip link add kprobe-vrf type vrf table 4242
	_kprobe_try ip6tnl "${x[@]}" ip link add kprobe-6t type ip6tnl local fc00:ffff::1 \
		remote fc00:ffff::2 mode any
	_kprobe_try esp "${x[@]}" ip xfrm state add src fc00:ffff::1 dst fc00:ffff::2 proto esp \
		spi 0x4242 mode tunnel aead 'rfc4106(gcm(aes))' 0x000102030405060708090a0b0c0d0e0f10111213 128
	ip netns del "$ns" 2>/dev/null || true
}

# _kprobe_parse "f=1 g=0 ...": KCAP from a string (unknown names refused)
_kprobe_parse() {
	local kv f v
	for kv in $1; do
		f=${kv%%=*} v=${kv#*=}
		[[ -n ${KCAP_OPTION[$f]:-} && ($v == 0 || $v == 1) ]] || {
			echo "kprobe: bad entry '$kv' (want FEATURE=0|1, FEATURE one of ${KCAP_FEATURES[*]})" >&2
			return 1
		}
		KCAP[$f]=$v
	done
}

# kernel_probe: fill KCAP/KCAP_WHY once (from SRV6D_KCAPS when set), apply
# SRV6D_KCAPS_FORCE; exports SRV6D_KCAPS for child processes. Returns 1 on a
# bad SRV6D_KCAPS / SRV6D_KCAPS_FORCE.
kernel_probe() {
	((KCAP_PROBED)) && return 0
	local f
	if [[ -n ${SRV6D_KCAPS:-} ]]; then
		_kprobe_parse "$SRV6D_KCAPS" || return 1
		for f in "${KCAP_FEATURES[@]}"; do
			[[ -n ${KCAP[$f]:-} ]] || { echo "kprobe: SRV6D_KCAPS lacks $f" >&2; return 1; }
			KCAP_WHY[$f]="from this run's probe (SRV6D_KCAPS)"
		done
	else
		_kprobe_live
	fi
	if [[ -n ${SRV6D_KCAPS_FORCE:-} ]]; then
		local kv v
		for kv in $SRV6D_KCAPS_FORCE; do
			f=${kv%%=*} v=${kv#*=}
			[[ -n ${KCAP_OPTION[$f]:-} && ($v == 0 || $v == 1) ]] || {
				echo "kprobe: bad SRV6D_KCAPS_FORCE entry '$kv'" >&2
				return 1
			}
			if [[ $v == 1 && ${KCAP[$f]} != 1 ]]; then
				echo "kprobe: SRV6D_KCAPS_FORCE cannot turn on $f: ${KCAP_WHY[$f]}" >&2
				return 1
			fi
			if [[ $v == 0 && ${KCAP[$f]} == 1 ]]; then
				KCAP[$f]=0
				KCAP_WHY[$f]="forced off (SRV6D_KCAPS_FORCE)"
			fi
		done
	fi
	SRV6D_KCAPS=
	for f in "${KCAP_FEATURES[@]}"; do
		SRV6D_KCAPS+="${SRV6D_KCAPS:+ }$f=${KCAP[$f]}"
	done
	export SRV6D_KCAPS
	KCAP_PROBED=1
}

# kernel_has FEATURE: 0 when the kernel has FEATURE
kernel_has() {
	kernel_probe || return 1
	[[ ${KCAP[$1]:-0} == 1 ]]
}

# kernel_missing_reason FEATURE: "no CONFIG_X: what (why)"
kernel_missing_reason() {
	printf 'kernel without %s: no %s (%s)' "${KCAP_OPTION[$1]}" "${KCAP_WHAT[$1]}" "${KCAP_WHY[$1]}"
}

# kernel_require FEATURE...: skip (77) unless the kernel has every FEATURE
kernel_require() {
	local f
	for f in "$@"; do
		kernel_has "$f" && continue
		if declare -F skip >/dev/null; then
			skip "$(kernel_missing_reason "$f")"
		fi
		echo "SKIP: $(kernel_missing_reason "$f")" >&2
		exit 77
	done
}

# kernel_probe_print: the findings, one line per feature
kernel_probe_print() {
	kernel_probe || return 1
	local f
	echo "kernel $(uname -r): SRv6 and friends (tests/e2e/kprobe.sh)"
	for f in "${KCAP_FEATURES[@]}"; do
		printf '  %-10s %-3s %-27s %s\n' "$f" "$([[ ${KCAP[$f]} == 1 ]] && echo yes || echo no)" \
			"${KCAP_OPTION[$f]}" "${KCAP_WHY[$f]}"
	done
}
