#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The kernel capability probe (kprobe.sh) judged against independent evidence:
#   1. each live answer agrees with the kernel's own build configuration
#      (/proc/config.gz, or /boot/config-VERSION) and with a direct use of
#      the feature in a fresh namespace of this test: a seg6 route really
#      encapsulates (a captured packet carries the SRH), a built-in decap
#      really happens (an SRH packet to a local address comes out inner);
#   2. a forced answer (SRV6D_KCAPS_FORCE) turns a present feature off, so
#      the fallback peers can run on a kernel that has the real ones, and a
#      test that needs it skips (77) with the option's name; forcing on a
#      missing feature is refused;
#   3. an answer passed down from tools/test.sh (SRV6D_KCAPS) is used as is
#      and a malformed one is refused.
. "$(dirname "$0")/lib.sh"
e2e_init kprobe
rc=0
bad() {
	log "MISMATCH: $*"
	rc=1
}

# a fresh probe, whatever tools/test.sh passed down
probe_live() {
	env -u SRV6D_KCAPS -u SRV6D_KCAPS_FORCE bash -c ". '$E2E_DIR/kprobe.sh'; kernel_probe; echo \$SRV6D_KCAPS"
}

section "live probe"
live=$(probe_live)
log "live: $live"
declare -A got=()
for kv in $live; do got[${kv%%=*}]=${kv#*=}; done
for f in seg6_lwt seg6local seg6_srh vrf ip6tnl esp; do
	[[ -n ${got[$f]:-} ]] || bad "no answer for $f"
done
[[ ${got[seg6_lwt]} == "${got[seg6local]}" ]] || bad "seg6 encap and seg6local disagree (one kernel option)"

section "against the kernel's build configuration"
# /proc/config.gz where the kernel exposes it, else the distribution's copy
# (read once: grep -q at the end of a pipe would fail the pipe on SIGPIPE)
KCONFIG=
if [[ -r /proc/config.gz ]]; then
	KCONFIG=$(zcat /proc/config.gz)
elif [[ -r /boot/config-$(uname -r) ]]; then
	KCONFIG=$(cat "/boot/config-$(uname -r)")
fi
kconfig() { printf '%s\n' "$KCONFIG"; }
if [[ -n $KCONFIG ]]; then
	# config_has OPTION: built in (y) or a module (m) that the probe could load
	config_has() { grep -Eq "^$1=(y|m)$" <<<"$KCONFIG"; }
	for pair in seg6_lwt:CONFIG_IPV6_SEG6_LWTUNNEL vrf:CONFIG_NET_VRF ip6tnl:CONFIG_IPV6_TUNNEL \
		esp:CONFIG_INET6_ESP; do
		f=${pair%%:*} opt=${pair#*:}
		want=0
		config_has "$opt" && want=1
		if [[ ${got[$f]} == "$want" ]]; then
			log "$f=${got[$f]} agrees with $opt ($(kconfig | grep -E "^(# )?$opt[= ]" | head -n 1))"
		elif [[ $want == 1 ]] && ! grep -Eq "^$opt=y$" <<<"$KCONFIG"; then
			log "$f=${got[$f]}: $opt is a module that is not loaded here (no modprobe in tests)"
		else
			bad "$f=${got[$f]} but $opt says $want"
		fi
	done
else
	log "neither /proc/config.gz nor /boot/config-$(uname -r): configuration cross-check not possible here"
fi

section "against a direct use of each SRv6 feature"
ns_add h1
ns_add h2
veth_add h1 v1 h2 v2
ifaddr h1 v1 fd00:12::1/64
ifaddr h2 v2 fd00:12::2/64
ifaddr h2 lo fc00:2::d/128
nsx h1 ip -6 route add fc00:2::/64 via fd00:12::2
# built-in SRH processing: an SRH packet with SL 0 to a local address of h2,
# carrying an inner IPv6 echo request to h1; h2 must decapsulate it and
# route the inner packet, so h1 sees a plain echo request on its link
nsx h2 sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.seg6_enabled=1 \
	net.ipv6.conf.v2.seg6_enabled=1 >/dev/null 2>&1 || true
capture_start srh h1 v1 "icmp6"
nsx h1 "$PY" - 2>&1 <<'EOF' | grep -v "^WARNING: No route found" >&2 || true
from scapy.all import Ether, IPv6, IPv6ExtHdrSegmentRouting, ICMPv6EchoRequest, sendp, conf
conf.verb = 0
inner = IPv6(src="fd00:12::1", dst="fd00:12::1") / ICMPv6EchoRequest(id=0x4b50, seq=1)
srh = IPv6ExtHdrSegmentRouting(addresses=["fc00:2::d"], segleft=0, lastentry=0, nh=41)
sendp(Ether() / IPv6(src="fd00:12::1", dst="fc00:2::d", nh=43) / srh / inner, iface="v1", count=3)
EOF
sleep 1
capture_stop srh
seen=$(tshark -r "$WORK/srh.pcap" -n -Y 'icmpv6.type == 128 && icmpv6.echo.identifier == 0x4b50 && ipv6.hlim == 63 && !ipv6.routing' 2>/dev/null | wc -l)
if [[ ${got[seg6_srh]} == 1 ]]; then
	((seen >= 1)) || bad "seg6_srh=1 but h2 did not decapsulate (no inner echo came back on the link)"
	log "built-in decap seen: $seen inner echo request(s) routed back to h1"
else
	((seen == 0)) || bad "seg6_srh=0 but h2 decapsulated $seen packet(s)"
fi
if [[ ${got[seg6_lwt]} == 1 ]]; then
	capture_start lwt h2 v2 "ip6"
	nsx h1 ip -6 route add fd00:99::/64 encap seg6 mode encap segs fc00:2::d dev v1 ||
		bad "seg6_lwt=1 but the route was refused"
	nsx h1 ping -c 1 -W 1 fd00:99::1 >/dev/null 2>&1 || true
	capture_stop lwt
	n=$(tshark -r "$WORK/lwt.pcap" -n -Y 'ipv6.routing.type == 4 && ipv6.dst == fc00:2::d' 2>/dev/null | wc -l)
	((n >= 1)) || bad "seg6_lwt=1 but no SRH packet left h1"
	log "seg6 encap seen on the wire ($n packet(s))"
else
	out=$(nsx h1 ip -6 route add fd00:99::/64 encap seg6 mode encap segs fc00:2::d dev v1 2>&1) &&
		bad "seg6_lwt=0 but the kernel took a seg6 route"
	log "seg6_lwt=0 confirmed: $out"
fi

section "forced answers"
out=$(env -u SRV6D_KCAPS SRV6D_KCAPS_FORCE="seg6_srh=0" bash -c \
	". '$E2E_DIR/kprobe.sh'; kernel_probe && echo \$SRV6D_KCAPS")
[[ $out == *"seg6_srh=0"* ]] || bad "forcing seg6_srh off: '$out'"
out=$(env -u SRV6D_KCAPS SRV6D_KCAPS_FORCE="seg6_srh=0" bash -c \
	". '$E2E_DIR/kprobe.sh'; kernel_require seg6_srh; echo not-skipped" 2>&1) && st=0 || st=$?
[[ $st == 77 && $out == *"CONFIG_IPV6"* && $out != *not-skipped* ]] ||
	bad "kernel_require on a forced-off feature: exit $st, '$out'"
log "forced off: kernel_require skips with: $out"
for f in seg6_lwt vrf ip6tnl esp; do
	[[ ${got[$f]} == 0 ]] || continue
	out=$(env -u SRV6D_KCAPS SRV6D_KCAPS_FORCE="$f=1" bash -c \
		". '$E2E_DIR/kprobe.sh'; kernel_probe && echo accepted" 2>&1) &&
		bad "forcing on the missing $f was accepted: $out"
done
out=$(env -u SRV6D_KCAPS SRV6D_KCAPS_FORCE="nosuch=1" bash -c \
	". '$E2E_DIR/kprobe.sh'; kernel_probe && echo accepted" 2>&1) && bad "unknown feature accepted: $out"

section "an answer passed down"
out=$(SRV6D_KCAPS="seg6_lwt=1 seg6local=1 seg6_srh=1 vrf=1 ip6tnl=1 esp=1" bash -c \
	". '$E2E_DIR/kprobe.sh'; kernel_has esp && echo esp-yes")
[[ $out == esp-yes ]] || bad "SRV6D_KCAPS not used as is: '$out'"
out=$(SRV6D_KCAPS="seg6_lwt=maybe" bash -c ". '$E2E_DIR/kprobe.sh'; kernel_probe && echo accepted" 2>&1) &&
	bad "malformed SRV6D_KCAPS accepted: $out"
out=$(SRV6D_KCAPS="seg6_lwt=1" bash -c ". '$E2E_DIR/kprobe.sh'; kernel_probe && echo accepted" 2>&1) &&
	bad "incomplete SRV6D_KCAPS accepted: $out"

[[ $rc == 0 ]] || fail "the probe disagrees with the evidence (see above)"
log PASS
