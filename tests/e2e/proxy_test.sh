#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# An SR-unaware service (a firewall) in an SRv6 L3VPN, behind srv6d's
# proxies (draft-ietf-spring-sr-service-programming 6.1 End.AS, static,
# 6.2 End.AD, dynamic, and 6.4 End.AM, masquerading), with unmodified Linux
# hosts as CEs and as the service:
#
#   CE1 ---- PE1 (srv6d) ---- PE2 (srv6d) ---- CE2
#                              svc0 |  ^ svc1 (the proxy's return_port)
#                                   v  |
#                              eth0 SVC eth1   (Linux router + nftables)
#
#   CE1 172.16.10.2 / 2001:db8:1::2, PE1 ce0 172.16.10.1 / 2001:db8:1::1
#   CE2 172.16.20.2 / 2001:db8:2::2, PE2 ce0 172.16.20.1 / 2001:db8:2::1
#   PE1 wan0 2001:db8:0:12::1 -- PE2 wan0 2001:db8:0:12::2
#   PE2 svc0 172.16.51.1 / 2001:db8:51::1 -- SVC eth0 172.16.51.2 / 2001:db8:51::2
#   PE2 svc1 172.16.52.1 / 2001:db8:52::1 -- SVC eth1 172.16.52.2 / 2001:db8:52::2
#   SVC: ip_forward on, default routes via PE2's svc1 addresses (in phase
#   AM the IPv6 one carries the masqueraded packets, DA PE2's End.DT46, back:
#   no other route needed); nftables (iptables where nft is missing) counts
#   the echo requests and replies it forwards and the UDP to port 9998, and
#   drops UDP to port 9999: for plain IP (phases AS, AD) by the usual
#   matches; for the masquerade (phase AM: IPv6 to PE2's End.DT46 with an
#   SRH, SL 0, the customer's packet behind it, which the protocol and port
#   matches do not see) by raw matches on that inner packet, into the same
#   counters (nft: a chain of its own, @th being the header past the SRH;
#   iptables: u32 at fixed offsets, an SRH of two segments).
#
# CE1 -> CE2: PE1's VRF routes to CE2's nets are H.Encaps [PROXY, PE2's
# End.DT46]. PE2's proxy SID does End (SL 0, DA the DT46 SID), then
#   phases AS, AD: sends the inner packet alone, TTL untouched, to SVC on
#     svc0; SVC routes it (TTL - 1) back to PE2 on svc1, where
#     phase AS: End.AS re-imposes its segments [PE2's End.DT46],
#     phase AD: End.AD puts back the headers it cached (DA = the DT46 SID,
#               SL 0): no segments configured;
#   phase AM: End.AM sets the DA to the last segment (Segment List[0], the
#     DT46 SID itself here) and sends the whole packet, outer IPv6 and SRH
#     (SL 0) included, to SVC on svc0; SVC routes it on its DA (outer hop
#     limit - 1, the inner TTL untouched; Linux leaves a routing header of a
#     packet not for it alone) by its default route back to PE2 on svc1,
#     where End.AM's return port sets the DA back to Segment List[SL] (the
#     DT46 SID) and routes it in the default VRF; no segments configured;
# then the packet reaches PE2's own End.DT46, is decapsulated into the VRF
# and goes to CE2. CE2 -> CE1 is a plain L3VPN to PE1's End.DT46.
#
# Per phase (PE2 restarted with the next proxy; PE1's routes moved to its
# SID by route.add):
#  - pings both ways, IPv4 and IPv6. CE1 -> CE2 requests and CE1's replies
#    to CE2 cross SVC: its counters grow by exactly the pings, and the TTL /
#    hop limit CE2 sees on CE1's replies is one less than the one CE1 sees on
#    CE2's replies (the service is a router hop, srv6d's proxy is not); in
#    phase AM equal to it (SVC decrements the outer hop limit, not the
#    customer's TTL);
#  - UDP from CE1 to CE2 ports 9998 and 9999 (v4 and v6): 9998 arrives,
#    9999 is dropped by SVC's firewall and never reaches CE2;
#  - tshark: on PE1 -> PE2 the SRH [DT46, PROXY] SL 1 with the proxy SID as
#    DA; phases AS, AD: on both SVC links plain IP (no IPv6 outer header, no
#    SRH, no SID), CE1's own packets, TTL at SVC's input equal to the inner
#    TTL on the WAN link (the proxy left it), one less at SVC's output;
#    phase AM: on both SVC links only the masquerade, PE1's packet with DA
#    the DT46 SID and the SRH [DT46, AM] SL 0, CE1's packet inside with the
#    inner TTL of the WAN link on both links, the outer hop limit 63 (End's
#    step) toward SVC and 62 back;
#  - counters: the proxy SID counts every CE1 -> CE2 packet, PE2's DT46 those
#    SVC handed back, PE1's DT46 CE2's; svc0 sent / svc1 received as many;
#    no drop during the measured traffic, since the start only the
#    background reasons named in ALLOWED_DROPS; clean exits.
#
# SVC resolves PE2's svc1 addresses by ARP and multicast NS, which srv6d
# answers; and the unicast NS of a NUD probe (sent when an entry in use goes
# stale, 15 to 45 s after it was confirmed) is answered too: a return port
# keeps the service's neighbour discovery on the link instead of steering
# it into the proxy (checked by forcing a probe).
#
# Every check prints "ok" or "FAIL"; the test exits 1 if any failed.
# Needs root, iproute2, ethtool, tshark/dumpcap, /usr/bin/python3, nft or
# iptables/ip6tables, and srv6d (skips, 77, without them); no kernel SRv6.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/checks.sh"
export LC_ALL=C
e2e_init proxy
N=${PROXY_PINGS:-5}   # pings per family and direction
K=${PROXY_UDP:-5}     # UDP datagrams per family and port
T0=$SECONDS

# The kernel decides as much as the tools: each firewall is tried in a
# throwaway network namespace first (a kernel without nf_tables or the
# xtables modules skips the test, never fails it).
fw_works() {
	case $1 in
	nft) command -v nft >/dev/null 2>&1 && unshare --net nft add table inet srv6d_probe 2>/dev/null ;;
	iptables) command -v iptables >/dev/null 2>&1 && command -v ip6tables >/dev/null 2>&1 &&
		unshare --net sh -c 'iptables -L -n && ip6tables -L -n' >/dev/null 2>&1 ;;
	esac
}
FW=${PROXY_FW:-}
if [[ -z $FW ]]; then
	if fw_works nft; then
		FW=nft
	elif fw_works iptables; then
		FW=iptables
	else
		skip "the service's firewall needs nft, or iptables and ip6tables, that this kernel runs"
	fi
fi

# ---------------------------------------------------------------- addressing

# CE1_*, CE2_*, PE1_CE_*, PE2_CE_*, PE1_WAN, PE2_WAN, *_NET*, VRF, VRF_TABLE,
# PE1_LOC, PE2_LOC, PE1_SID_DT46: topo.sh
PE2_DT46=2a0e:97c0:ae6:2001:46::
PE2_AS=2a0e:97c0:ae6:2001:a5::
PE2_AD=2a0e:97c0:ae6:2001:ad::
PE2_AM=2a0e:97c0:ae6:2001:a3::
PE2_SVC0_V4=172.16.51.1
PE2_SVC0_V6=2001:db8:51::1
SVC_IN_V4=172.16.51.2
SVC_IN_V6=2001:db8:51::2
PE2_SVC1_V4=172.16.52.1
PE2_SVC1_V6=2001:db8:52::1
SVC_OUT_V4=172.16.52.2
SVC_OUT_V6=2001:db8:52::2
UDP_PASS=9998
UDP_DROP=9999
# Background drops allowed since the start (not during the measured
# traffic): local_unhandled, the MLD reports of the CEs' and SVC's kernels
# (ICMPv6 behind a Hop-by-Hop header to ff02::16, which srv6d does not serve).
ALLOWED_DROPS='^local_unhandled$'

# ---------------------------------------------------------------- checks

trap srv6d_logs_trap EXIT

# ping_check SHORT DST KEY: N pings at 0.1 s, no loss; the replies' TTL or
# hop limit (one value) goes to $WORK/ttl-KEY (check runs this in a subshell)
ping_check() {
	local out t
	out=$(nsx "$1" ping -n -c "$N" -i 0.1 -W 2 "$2" 2>&1) || { printf '%s\n' "$out"; return 1; }
	printf '%s\n' "$out" | grep 'packets transmitted'
	printf '%s\n' "$out" | grep -q ' 0% packet loss' || return 1
	t=$(printf '%s\n' "$out" | grep -o 'ttl=[0-9]*' | sort -u | sed 's/ttl=//')
	echo "replies' TTL: ${t//$'\n'/, }"
	[[ $t =~ ^[0-9]+$ ]] || return 1
	echo "$t" >"$WORK/ttl-$3"
}
# ttl_of KEY: what ping_check KEY found ("" when it failed)
ttl_of() { cat "$WORK/ttl-$1" 2>/dev/null || true; }

# ---------------------------------------------------------------- the service's firewall

# fw_setup: SVC's forward chain counts each kind of traffic, drops UDP_DROP:
# plain IP (phases AS, AD) by protocol and port; End.AM's masquerade (phase
# AM: IPv6 to PE2's End.DT46 with an SRH, SL 0, whose upper layer is the
# customer's IPv4 (4) or IPv6 (41) packet) by raw matches on that packet,
# into the same counters. Neither set matches the other's traffic.
fw_setup() {
	if [[ $FW == nft ]]; then
		# chain masq: @th is the header past the IPv6 extension headers,
		# here the customer's packet. IPv4 (20 bytes): protocol @th,72,8,
		# ICMP type @th,160,8, UDP dport @th,176,16; IPv6: next header
		# @th,48,8, ICMPv6 type @th,320,8, UDP dport @th,336,16.
		nsx svc nft -f - <<EOF
table inet svc {
	counter echo4 { }
	counter echo6 { }
	counter reply4 { }
	counter reply6 { }
	counter udp_pass { }
	counter udp_drop { }
	chain forward {
		type filter hook forward priority 0; policy accept;
		icmp type echo-request counter name echo4
		icmpv6 type echo-request counter name echo6
		icmp type echo-reply counter name reply4
		icmpv6 type echo-reply counter name reply6
		udp dport $UDP_PASS counter name udp_pass
		udp dport $UDP_DROP counter name udp_drop drop
		ip6 daddr $PE2_DT46 rt type 4 rt seg-left 0 jump masq
	}
	chain masq {
		meta l4proto 4 @th,72,8 1 @th,160,8 8 counter name echo4
		meta l4proto 41 @th,48,8 58 @th,320,8 128 counter name echo6
		meta l4proto 4 @th,72,8 1 @th,160,8 0 counter name reply4
		meta l4proto 41 @th,48,8 58 @th,320,8 129 counter name reply6
		meta l4proto 4 @th,72,8 17 @th,176,16 $UDP_PASS counter name udp_pass
		meta l4proto 41 @th,48,8 17 @th,336,16 $UDP_PASS counter name udp_pass
		meta l4proto 4 @th,72,8 17 @th,176,16 $UDP_DROP counter name udp_drop drop
		meta l4proto 41 @th,48,8 17 @th,336,16 $UDP_DROP counter name udp_drop drop
	}
}
EOF
	else
		local t
		for t in iptables ip6tables; do
			local icmp=icmp v=4
			[[ $t == ip6tables ]] && icmp=icmpv6 v=6
			nsx svc "$t" -w -A FORWARD -p "$icmp" --"${icmp}-type" echo-request \
				-m comment --comment "echo$v" -j ACCEPT
			nsx svc "$t" -w -A FORWARD -p "$icmp" --"${icmp}-type" echo-reply \
				-m comment --comment "reply$v" -j ACCEPT
			nsx svc "$t" -w -A FORWARD -p udp --dport "$UDP_PASS" -m comment --comment udp_pass -j ACCEPT
			nsx svc "$t" -w -A FORWARD -p udp --dport "$UDP_DROP" -m comment --comment udp_drop -j DROP
		done
		# The masquerade, by u32 on offsets from the outer IPv6 header: the
		# SRH at 40 (next header: byte 40; length 4, two segments: byte 41),
		# the customer's packet at 80. IPv4: protocol byte 89, ICMP type
		# 100, UDP dport 102-103; IPv6: next header 86, ICMPv6 type 120,
		# UDP dport 122-123.
		local m=(-d "$PE2_DT46" -m rt --rt-type 4 --rt-segsleft 0 -m u32 --u32)
		local r4='40>>24=4 && 40>>16&0xFF=4 && 86&0xFF=' r6='40>>24=41 && 40>>16&0xFF=4 && 83&0xFF='
		nsx svc ip6tables -w -A FORWARD "${m[@]}" "${r4}1 && 100>>24=8" -m comment --comment echo4 -j ACCEPT
		nsx svc ip6tables -w -A FORWARD "${m[@]}" "${r6}58 && 120>>24=128" -m comment --comment echo6 -j ACCEPT
		nsx svc ip6tables -w -A FORWARD "${m[@]}" "${r4}1 && 100>>24=0" -m comment --comment reply4 -j ACCEPT
		nsx svc ip6tables -w -A FORWARD "${m[@]}" "${r6}58 && 120>>24=129" -m comment --comment reply6 -j ACCEPT
		nsx svc ip6tables -w -A FORWARD "${m[@]}" "${r4}17 && 100&0xFFFF=$UDP_PASS" -m comment --comment udp_pass -j ACCEPT
		nsx svc ip6tables -w -A FORWARD "${m[@]}" "${r6}17 && 120&0xFFFF=$UDP_PASS" -m comment --comment udp_pass -j ACCEPT
		nsx svc ip6tables -w -A FORWARD "${m[@]}" "${r4}17 && 100&0xFFFF=$UDP_DROP" -m comment --comment udp_drop -j DROP
		nsx svc ip6tables -w -A FORWARD "${m[@]}" "${r6}17 && 120&0xFFFF=$UDP_DROP" -m comment --comment udp_drop -j DROP
	fi
}

# fw_counters: "name packets" per counter (nft: the named counters; iptables:
# the rules' packet counts, IPv4 and IPv6 added up)
fw_counters() {
	if [[ $FW == nft ]]; then
		nsx svc nft -j list counters table inet svc | $PY -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    c = o.get("counter")
    if c:
        print(c["name"], c["packets"])'
	else
		{
			nsx svc iptables -w -L FORWARD -v -x -n
			nsx svc ip6tables -w -L FORWARD -v -x -n
		} | $PY -c '
import re, sys
n = {}
for l in sys.stdin:
    m = re.search(r"/\* (\S+) \*/", l)
    if m and l.split()[0].isdigit():
        n[m.group(1)] = n.get(m.group(1), 0) + int(l.split()[0])
for k, v in n.items():
    print(k, v)'
	fi
}

# fw_delta BEFORE AFTER NAME WANT: SVC's counter NAME grew by WANT
fw_delta() {
	local a b
	a=$(awk -v n="$3" '$1 == n {print $2}' <<<"$1")
	b=$(awk -v n="$3" '$1 == n {print $2}' <<<"$2")
	echo "SVC $FW counter $3: ${a:-?} -> ${b:-?}: +$((${b:-0} - ${a:-0})), want +$4"
	[[ -n $a && -n $b ]] && ((b - a == $4))
}

# ---------------------------------------------------------------- UDP

udp_py() {
	cat >"$WORK/udp_rx.py" <<'EOF'
import select, signal, socket, sys
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
socks = []
for port in map(int, sys.argv[1:]):
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((addr, port))
        socks.append((s, port, 4 if fam == socket.AF_INET else 6))
print("listening", flush=True)
while True:
    r, _, _ = select.select([s for s, _, _ in socks], [], [])
    for s, port, fam in socks:
        if s in r:
            data, src = s.recvfrom(2048)
            print("rx port %d IPv%d from %s: %s" % (port, fam, src[0], data.decode(errors="replace")), flush=True)
EOF
	cat >"$WORK/udp_tx.py" <<'EOF'
import socket, sys, time
tag, k, v4, v6 = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
for fam, dst, v in ((socket.AF_INET, v4, 4), (socket.AF_INET6, v6, 6)):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    for port in map(int, sys.argv[5:]):
        for i in range(k):
            s.sendto(("%s %d %d" % (tag, port, i)).encode(), (dst, port))
            time.sleep(0.01)
print("sent", flush=True)
EOF
}

# udp_got TAG PORT FAMILY: datagrams of phase TAG received on PORT
udp_got() { grep -c "^rx port $2 IPv$3 .*: $1 $2 " "$WORK/udp-rx.log" || true; }

# udp_check TAG: K datagrams per family to UDP_PASS, none to UDP_DROP
udp_check() {
	local f p n rc=0
	for f in 4 6; do
		for p in "$UDP_PASS" "$UDP_DROP"; do
			n=$(udp_got "$1" "$p" "$f")
			echo "IPv$f UDP to port $p: $n of $K received at CE2"
			if [[ $p == "$UDP_PASS" ]]; then ((n == K)) || rc=1; else ((n == 0)) || rc=1; fi
		done
	done
	return $rc
}

# ---------------------------------------------------------------- wire checks

# svc_wire PCAP LABEL MIN4 MIN6 NO_UDP_DROP [AM]: every IP packet on a link
# to or from SVC (ND/MLD/ARP aside) is CE1's to CE2: plain (IPv4, or IPv6
# with no routing header and no IP inside), or with AM End.AM's masquerade
# (PE1's IPv6 header, DA PE2's DT46, the SRH [DT46, AM] SL 0, CE1's packet
# inside); at least MIN4 IPv4 and MIN6 IPv6 ones (by the customer's family);
# NO_UDP_DROP 1: none to UDP_DROP. Prints "ttl4 T" and "hlim6 H" for the
# echo requests (the customer's header, one value each), with AM "ohlim O",
# the outer hop limit (one value)
svc_wire() {
	$PY - "$1" "$2" "$3" "$4" "$5" "${6:-plain}" "$CE1_V4" "$CE2_V4" "$CE1_V6" "$CE2_V6" \
		"$PE1_WAN" "$PE2_DT46" "$PE2_AM" "$PE2_AS" "$PE2_AD" <<'EOF'
import ipaddress as ia, json, subprocess, sys
pcap, label, min4, min6, no_drop, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
c1v4, c2v4, c1v6, c2v6, pe1, dt46, am = [ia.ip_address(a) for a in sys.argv[7:14]]
sids = {dt46, am} | {ia.ip_address(a) for a in sys.argv[14:16]}
out = subprocess.run(["tshark", "-r", pcap, "-T", "json", "--no-duplicate-keys", "-o", "ip.check_checksum:TRUE"],
                     capture_output=True, text=True, check=True).stdout
L = lambda v: v if isinstance(v, list) else ([] if v is None else [v])
n4 = n6 = 0
ttl4, hlim6, ohlim, errs = set(), set(), set(), []
for fr in json.loads(out or "[]"):
    ly = fr["_source"]["layers"]
    num = ly["frame"]["frame.number"]
    v4, v6 = L(ly.get("ip")), L(ly.get("ipv6"))
    if not v4 and not v6:
        continue  # ARP
    if v6 and (ia.ip_address(v6[0]["ipv6.src"]).is_link_local or
               ia.ip_address(v6[0]["ipv6.dst"]).is_multicast or
               any(133 <= int(x["icmpv6.type"]) <= 137 for x in L(ly.get("icmpv6")))):
        continue  # ND (the service answers srv6d's solicitations on eth0), MLD
    e = []
    if mode == "AM":
        # the masquerade: the outer header, then the customer's one
        if not v6:
            e.append("no outer IPv6 header (the masquerade)")
        else:
            o = v6.pop(0)
            s, d = ia.ip_address(o["ipv6.src"]), ia.ip_address(o["ipv6.dst"])
            if (s, d) != (pe1, dt46):
                e.append("outer IPv6 %s -> %s, want %s -> %s" % (s, d, pe1, dt46))
            rt = o.get("ipv6.routing")
            if int(o["ipv6.nxt"]) != 43 or not isinstance(rt, dict):
                e.append("outer next header %s, want one SRH (43)" % o["ipv6.nxt"])
            else:
                segs = [ia.ip_address(x) for x in L(rt.get("ipv6.routing.srh.addr"))]
                got = (rt.get("ipv6.routing.type"), rt.get("ipv6.routing.segleft"),
                       rt.get("ipv6.routing.srh.last_entry"), segs)
                if got != ("4", "0", "1", [dt46, am]):
                    e.append("SRH type %s SL %s LE %s %s, want type 4 SL 0 LE 1 [%s, %s]"
                             % (got[:3] + ([str(x) for x in segs], dt46, am)))
                if int(rt["ipv6.routing.nxt"]) != (4 if v4 else 41):
                    e.append("SRH next header %s, want %d" % (rt["ipv6.routing.nxt"], 4 if v4 else 41))
            ohlim.add(int(o["ipv6.hlim"]))
    if len(v4) + len(v6) != 1:
        e.append("%d customer IP headers (IPv4 %d, IPv6 %d), want one" % (len(v4) + len(v6), len(v4), len(v6)))
    if v4:
        ip = v4[0]
        s, d = ia.ip_address(ip["ip.src"]), ia.ip_address(ip["ip.dst"])
        if (s, d) != (c1v4, c2v4):
            e.append("IPv4 %s -> %s, want %s -> %s" % (s, d, c1v4, c2v4))
        if ip.get("ip.checksum.status") != "1":
            e.append("IPv4 checksum status %s" % ip.get("ip.checksum.status"))
        icmp = L(ly.get("icmp"))
        if icmp and int(icmp[0]["icmp.type"]) == 8:
            ttl4.add(int(ip["ip.ttl"]))
        n4 += 1
    elif v6:
        ip = v6[0]
        s, d = ia.ip_address(ip["ipv6.src"]), ia.ip_address(ip["ipv6.dst"])
        if (s, d) != (c1v6, c2v6):
            e.append("IPv6 %s -> %s, want %s -> %s" % (s, d, c1v6, c2v6))
        if d in sids or "ipv6.routing" in ip or int(ip["ipv6.nxt"]) in (4, 41, 43):
            e.append("SRv6 in the customer's IPv6: DA %s, next header %s" % (d, ip["ipv6.nxt"]))
        icmp = L(ly.get("icmpv6"))
        if icmp and int(icmp[0]["icmpv6.type"]) == 128:
            hlim6.add(int(ip["ipv6.hlim"]))
        n6 += 1
    udp = L(ly.get("udp"))
    if no_drop == "1" and udp and int(udp[0]["udp.dstport"]) == 9999:
        e.append("UDP to 9999 past the firewall")
    if e:
        errs.append("frame %s: %s" % (num, "; ".join(e)))
if mode == "AM":
    what = "the masquerade (%s -> %s, SRH [%s, %s] SL 0) around CE1 -> CE2; outer hop limit %s" % (
        pe1, dt46, dt46, am, sorted(ohlim))
else:
    what = "plain IP (no outer IPv6, no SRH, no SID), CE1 -> CE2"
print("%s: %d IPv4, %d IPv6 packets, %s; echo request TTL %s, hop limit %s" % (
    label, n4, n6, what, sorted(ttl4), sorted(hlim6)))
for x in errs[:5]:
    print("  " + x)
if n4 < min4 or n6 < min6:
    print("  want at least %d IPv4 and %d IPv6" % (min4, min6))
one = len(ttl4) == 1 and len(hlim6) == 1 and (mode != "AM" or len(ohlim) == 1)
if one:
    print("ttl4 %d" % min(ttl4))
    print("hlim6 %d" % min(hlim6))
    if mode == "AM":
        print("ohlim %d" % min(ohlim))
else:
    print("  want one TTL and one hop limit on the echo requests%s" % (", one outer hop limit" if mode == "AM" else ""))
sys.exit(1 if errs or n4 < min4 or n6 < min6 or not one else 0)
EOF
}

# wan_inner_ttl PCAP: "ttl4 T" / "hlim6 H" of CE1's echo requests inside the
# PE1 -> PE2 packets (the inner header: the last occurrence)
wan_inner_ttl() {
	local t4 h6
	t4=$(tshark -r "$1" -n -Y "icmp.type == 8 && ip.src == $CE1_V4" -T fields -e ip.ttl -E occurrence=l 2>/dev/null | sort -u)
	h6=$(tshark -r "$1" -n -Y "icmpv6.type == 128 && ipv6.src == $CE1_V6" -T fields -e ipv6.hlim -E occurrence=l 2>/dev/null | sort -u)
	echo "CE1's echo requests inside PE1 -> PE2: TTL ${t4//$'\n'/,}, hop limit ${h6//$'\n'/,}"
	[[ $t4 =~ ^[0-9]+$ && $h6 =~ ^[0-9]+$ ]] || return 1
	echo "ttl4 $t4"
	echo "hlim6 $h6"
}

# ttl_eq WHAT A B: A == B
ttl_eq() {
	echo "$1: $2, want $3"
	[[ -n $2 && $2 == "$3" ]]
}

# ---------------------------------------------------------------- SVC's neighbours

# neigh_ok ADDR: SVC's entry for ADDR on eth1 is resolved (lladdr, not
# INCOMPLETE/FAILED)
neigh_ok() {
	local line
	line=$(nsx svc ip neigh show "$1" dev eth1)
	echo "SVC eth1: ${line:-no entry for $1}"
	[[ $line == *" lladdr "* && $line != *INCOMPLETE* && $line != *FAILED* ]]
}

# nud_check: SVC's kernel probes PE2's svc1 address by
# unicast NS, as it does when an entry it uses goes stale; srv6d must answer
# (punt it as it does multicast ND) rather than steer it into the proxy,
# where it ends in the VRF as ip6_no_route and the entry goes FAILED.
nud_check() {
	local mac
	mac=$(nsx svc ip neigh show "$PE2_SVC1_V6" dev eth1 | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p')
	nsx svc ip neigh replace "$PE2_SVC1_V6" lladdr "${mac:-00:00:00:00:00:00}" dev eth1 nud probe
	if wait_until "nsx svc ip neigh show $PE2_SVC1_V6 dev eth1 | grep -q REACHABLE" 5 0.2; then
		echo "SVC eth1: $(nsx svc ip neigh show "$PE2_SVC1_V6" dev eth1)"
		return 0
	fi
	echo "SVC eth1: $(nsx svc ip neigh show "$PE2_SVC1_V6" dev eth1) (no NA for the unicast probes)"
	return 1
}

# ---------------------------------------------------------------- topology

section "topology: CE1 - PE1 (srv6d) - PE2 (srv6d, proxy) - CE2, SVC on svc0/svc1 ($FW)"
for n in ce1 pe1 pe2 ce2 svc; do ns_add "$n"; done
veth_add ce1 veth-ce1 pe1 veth-pe1-ce
veth_add pe1 veth-pe1-wan pe2 veth-pe2-wan
veth_add pe2 veth-pe2-ce ce2 veth-ce2
veth_add pe2 veth-pe2-svc0 svc eth0 # svc-in
veth_add svc eth1 pe2 veth-pe2-svc1 # svc-out
for p in pe1:veth-pe1-ce pe1:veth-pe1-wan pe2:veth-pe2-wan pe2:veth-pe2-ce pe2:veth-pe2-svc0 pe2:veth-pe2-svc1; do
	kernel_quiet "${p%%:*}" "${p#*:}"
done
ce_host ce1 veth-ce1 "$CE1_V4/24" "$CE1_V6/64" "$PE1_CE_V4" "$PE1_CE_V6"
ce_host ce2 veth-ce2 "$CE2_V4/24" "$CE2_V6/64" "$PE2_CE_V4" "$PE2_CE_V6"
router_sysctls svc
ifaddr svc eth0 "$SVC_IN_V4/24" "$SVC_IN_V6/64"
ifaddr svc eth1 "$SVC_OUT_V4/24" "$SVC_OUT_V6/64"
nsx svc ip route add default via "$PE2_SVC1_V4" dev eth1
nsx svc ip -6 route add default via "$PE2_SVC1_V6" dev eth1
fw_setup
udp_py
bg_start udp-rx ce2 "$PY" "$WORK/udp_rx.py" "$UDP_PASS" "$UDP_DROP"
wait_until "grep -q listening '$WORK/udp-rx.log'" 10 || fail "UDP receiver on CE2: $(cat "$WORK/udp-rx.log")"

via() { printf '[{"type": "ip", "via": "%s", "port": "%s"}]' "$1" "$2"; }
srv6() {
	local segs
	segs=$(printf '"%s", ' "$@")
	printf '[{"type": "srv6", "segments": [%s], "encap": "h.encaps"}]' "${segs%, }"
}
VRF_OBJ="{\"name\": \"$VRF\", \"table\": $VRF_TABLE, \"rd\": \"10.1.1.1:101\", \"import_rt\": [\"65513:101\"], \"export_rt\": [\"65513:101\"]}"

# pe1_config PROXY_SID: PE1 steers CE1 -> CE2 through PROXY_SID
pe1_config() {
	cat <<EOF
{
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-pe1-ce", "vrf": "$VRF",
     "addresses": ["$PE1_CE_V4/24", "$PE1_CE_V6/64"]},
    {"name": "wan0", "device": "net_af_packet1,iface=veth-pe1-wan", "vrf": "default",
     "addresses": ["$PE1_WAN/64"]}
  ],
  "encap": {"source": "$PE1_WAN", "hop_limit": 64},
  "vrfs": [$VRF_OBJ],
  "sids": [
    {"sid": "$PE1_SID_DT46", "behavior": "End.DT46", "vrf": "$VRF"}
  ],
  "routes": [
    {"vrf": "default", "prefix": "$PE2_LOC", "nexthops": $(via "$PE2_WAN" wan0)},
    {"vrf": "$VRF", "prefix": "$CE2_NET4", "nexthops": $(srv6 "$1" "$PE2_DT46")},
    {"vrf": "$VRF", "prefix": "$CE2_NET6", "nexthops": $(srv6 "$1" "$PE2_DT46")}
  ]
}
EOF
}

# pe2_config AS|AD|AM: PE2 with End.AS (IPv6 next hop to SVC, segments
# [DT46]), End.AD (IPv4 next hop, no segments) or End.AM (IPv6 next hop, no
# segments)
pe2_config() {
	local proxy
	case $1 in
	AS)
		proxy="{\"sid\": \"$PE2_AS\", \"behavior\": \"End.AS\", \"nexthop\": {\"via\": \"$SVC_IN_V6\", \"port\": \"svc0\"},
     \"return_port\": \"svc1\", \"segments\": [\"$PE2_DT46\"]}"
		;;
	AD)
		proxy="{\"sid\": \"$PE2_AD\", \"behavior\": \"End.AD\", \"nexthop\": {\"via\": \"$SVC_IN_V4\", \"port\": \"svc0\"},
     \"return_port\": \"svc1\"}"
		;;
	AM)
		proxy="{\"sid\": \"$PE2_AM\", \"behavior\": \"End.AM\", \"nexthop\": {\"via\": \"$SVC_IN_V6\", \"port\": \"svc0\"},
     \"return_port\": \"svc1\"}"
		;;
	esac
	cat <<EOF
{
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-pe2-ce", "vrf": "$VRF",
     "addresses": ["$PE2_CE_V4/24", "$PE2_CE_V6/64"]},
    {"name": "wan0", "device": "net_af_packet1,iface=veth-pe2-wan", "vrf": "default",
     "addresses": ["$PE2_WAN/64"]},
    {"name": "svc0", "device": "net_af_packet2,iface=veth-pe2-svc0", "vrf": "default",
     "addresses": ["$PE2_SVC0_V4/24", "$PE2_SVC0_V6/64"]},
    {"name": "svc1", "device": "net_af_packet3,iface=veth-pe2-svc1", "vrf": "default",
     "addresses": ["$PE2_SVC1_V4/24", "$PE2_SVC1_V6/64"]}
  ],
  "encap": {"source": "$PE2_WAN", "hop_limit": 64},
  "vrfs": [$VRF_OBJ],
  "sids": [
    {"sid": "$PE2_DT46", "behavior": "End.DT46", "vrf": "$VRF"},
    $proxy
  ],
  "routes": [
    {"vrf": "default", "prefix": "$PE1_LOC", "nexthops": $(via "$PE1_WAN" wan0)},
    {"vrf": "$VRF", "prefix": "$CE1_NET4", "nexthops": $(srv6 "$PE1_SID_DT46")},
    {"vrf": "$VRF", "prefix": "$CE1_NET6", "nexthops": $(srv6 "$PE1_SID_DT46")}
  ]
}
EOF
}

pe1_config "$PE2_AS" >"$WORK/pe1.json"
$PY -m json.tool "$WORK/pe1.json" >/dev/null || fail "pe1.json is not JSON"
start_srv6d_named pe1 pe1 "$WORK/pe1.json"

# ---------------------------------------------------------------- one phase

# phase AS|AD|AM
phase() {
	local mode=$1 proxy=$PE2_AS
	[[ $mode == AD ]] && proxy=$PE2_AD
	[[ $mode == AM ]] && proxy=$PE2_AM
	local cfg=$WORK/pe2-$mode.json
	pe2_config "$mode" >"$cfg"
	$PY -m json.tool "$cfg" >/dev/null || fail "${cfg##*/} is not JSON"

	section "phase $mode: End.$mode $proxy at PE2"
	start_srv6d_named pe2 pe2 "$cfg"
	ctl_on pe2 sid list >&2 || true
	if [[ $mode != AS ]]; then
		# PE1's VPN routes to the new proxy SID
		local p
		for p in "$CE2_NET4" "$CE2_NET6"; do
			rpc_ok_on pe1 route.add "{\"vrf\": \"$VRF\", \"prefix\": \"$p\", \"nexthops\": $(srv6 "$proxy" "$PE2_DT46")}" >/dev/null
		done
	fi
	# Captures on the receiving end of each link (srv6d's own transmissions
	# need not pass the kernel's taps)
	capture_start "wan-$mode" pe2 veth-pe2-wan     # PE1 -> PE2
	capture_start "svcin-$mode" svc eth0           # PE2 svc0 -> SVC
	capture_start "svcout-$mode" pe2 veth-pe2-svc1 # SVC -> PE2 svc1

	ping_warm ce1 "$CE2_V4" 20
	ping_warm ce1 "$CE2_V6" 20
	ping_warm ce2 "$CE1_V4" 20
	ping_warm ce2 "$CE1_V6" 20
	# SVC resolved PE2's svc1 addresses (ARP, multicast NS: srv6d answers),
	# and a unicast NUD probe of the IPv6 one is answered on the link.
	check "$mode: SVC resolved PE2's svc1 address $PE2_SVC1_V4" neigh_ok "$PE2_SVC1_V4"
	check "$mode: SVC resolved PE2's svc1 address $PE2_SVC1_V6" neigh_ok "$PE2_SVC1_V6"
	check "$mode: SVC's unicast NUD probe for $PE2_SVC1_V6 is answered (svc1 is a return port)" nud_check
	local s0_1 s0_2 s1_1 s1_2 f0 f1
	s0_1=$(stats pe1) s0_2=$(stats pe2) f0=$(fw_counters)

	section "phase $mode: traffic ($N pings per family and direction, $K UDP datagrams per family and port)"
	check "$mode: ping CE1 -> CE2 IPv4 through SVC" ping_check ce1 "$CE2_V4" "$mode-plain4"
	check "$mode: ping CE1 -> CE2 IPv6 through SVC" ping_check ce1 "$CE2_V6" "$mode-plain6"
	check "$mode: ping CE2 -> CE1 IPv4 (CE1's replies through SVC)" ping_check ce2 "$CE1_V4" "$mode-svc4"
	check "$mode: ping CE2 -> CE1 IPv6 (CE1's replies through SVC)" ping_check ce2 "$CE1_V6" "$mode-svc6"
	nsx ce1 "$PY" "$WORK/udp_tx.py" "$mode" "$K" "$CE2_V4" "$CE2_V6" "$UDP_PASS" "$UDP_DROP" >/dev/null ||
		bad "$mode: UDP sender on CE1 failed"
	# the last datagrams to UDP_PASS are in, or 5 s passed
	wait_until "(( \$(udp_got $mode $UDP_PASS 6) >= K ))" 5 || true
	s1_1=$(stats pe1) s1_2=$(stats pe2) f1=$(fw_counters)
	capture_stop "wan-$mode"
	capture_stop "svcin-$mode"
	capture_stop "svcout-$mode"

	section "phase $mode: the service"
	check "$mode: UDP $UDP_PASS reaches CE2, UDP $UDP_DROP (dropped by SVC's firewall) does not" udp_check "$mode"
	check "$mode: SVC forwarded CE1's $N IPv4 echo requests" fw_delta "$f0" "$f1" echo4 "$N"
	check "$mode: SVC forwarded CE1's $N IPv6 echo requests" fw_delta "$f0" "$f1" echo6 "$N"
	check "$mode: SVC forwarded CE1's $N IPv4 echo replies" fw_delta "$f0" "$f1" reply4 "$N"
	check "$mode: SVC forwarded CE1's $N IPv6 echo replies" fw_delta "$f0" "$f1" reply6 "$N"
	check "$mode: SVC passed $((2 * K)) UDP to $UDP_PASS" fw_delta "$f0" "$f1" udp_pass $((2 * K))
	check "$mode: SVC dropped $((2 * K)) UDP to $UDP_DROP" fw_delta "$f0" "$f1" udp_drop $((2 * K))
	# TTL: CE2 sees CE1's replies one hop older than CE1 sees CE2's; with
	# End.AM as old (SVC routes the outer header)
	local hop=1 less=" - 1"
	[[ $mode == AM ]] && hop=0 less=""
	check "$mode: IPv4 TTL at CE2 (via SVC) = TTL at CE1 (plain L3VPN)$less" \
		ttl_eq "TTL of CE1's replies at CE2" "$(ttl_of "$mode-svc4")" "$(($(ttl_of "$mode-plain4") - hop))"
	check "$mode: IPv6 hop limit at CE2 (via SVC) = hop limit at CE1 (plain L3VPN)$less" \
		ttl_eq "hop limit of CE1's replies at CE2" "$(ttl_of "$mode-svc6")" "$(($(ttl_of "$mode-plain6") - hop))"

	section "phase $mode: wire (tshark)"
	local M=$((2 * N + 2 * K)) # CE1 -> CE2 per family: requests, replies, UDP to both ports
	check "$mode: PE1 -> PE2 IPv4: H.Encaps, DA $proxy, SRH [$PE2_DT46, $proxy] SL 1" \
		check_wire "$WORK/wan-$mode.pcap" --label "PE1 -> PE2" --src "$PE1_WAN" --dst "$proxy" \
		--srh "$PE2_DT46,$proxy" --sl 1 --payload 4 --hlim 64 --select-inner \
		--inner-src "$CE1_V4" --inner-dst "$CE2_V4" --min "$M"
	check "$mode: PE1 -> PE2 IPv6: H.Encaps, DA $proxy, SRH [$PE2_DT46, $proxy] SL 1" \
		check_wire "$WORK/wan-$mode.pcap" --label "PE1 -> PE2" --src "$PE1_WAN" --dst "$proxy" \
		--srh "$PE2_DT46,$proxy" --sl 1 --payload 41 --hlim 64 --select-inner \
		--inner-src "$CE1_V6" --inner-dst "$CE2_V6" --min "$M"
	local w i o
	w=$(wan_inner_ttl "$WORK/wan-$mode.pcap" 2>&1) || true
	printf '%s\n' "$w" | grep -v '^ttl4\|^hlim6' | sed 's/^/    /' >&2
	check "$mode: CE1's echo requests inside PE1 -> PE2: one TTL, one hop limit" grep -q '^hlim6 ' <<<"$w"
	local what="$mode: PE2 -> SVC: plain IP, no SRv6" wmode=plain
	if [[ $mode == AM ]]; then
		what="$mode: PE2 -> SVC: the masquerade only: DA $PE2_DT46, SRH [$PE2_DT46, $proxy] SL 0, CE1's packet inside"
		wmode=AM
	fi
	if i=$(svc_wire "$WORK/svcin-$mode.pcap" "PE2 -> SVC" "$M" "$M" 0 "$wmode" 2>&1); then ok "$what"; else bad "$what"; fi
	printf '%s\n' "$i" | grep -v '^ttl4\|^hlim6\|^ohlim' | sed 's/^/    /' >&2
	what="$mode: SVC -> PE2: ${what#*: PE2 -> SVC: }, no UDP to $UDP_DROP"
	if o=$(svc_wire "$WORK/svcout-$mode.pcap" "SVC -> PE2" "$((2 * N + K))" "$((2 * N + K))" 1 "$wmode" 2>&1); then
		ok "$what"
	else
		bad "$what"
	fi
	printf '%s\n' "$o" | grep -v '^ttl4\|^hlim6\|^ohlim' | sed 's/^/    /' >&2
	local wt4 wh6 it4 ih6 ot4 oh6
	wt4=$(sed -n 's/^ttl4 //p' <<<"$w") wh6=$(sed -n 's/^hlim6 //p' <<<"$w")
	it4=$(sed -n 's/^ttl4 //p' <<<"$i") ih6=$(sed -n 's/^hlim6 //p' <<<"$i")
	ot4=$(sed -n 's/^ttl4 //p' <<<"$o") oh6=$(sed -n 's/^hlim6 //p' <<<"$o")
	check "$mode: the proxy leaves the inner TTL (WAN inner $wt4, toward SVC $it4)" ttl_eq "IPv4 TTL toward SVC" "$it4" "$wt4"
	check "$mode: the proxy leaves the inner hop limit (WAN inner $wh6, toward SVC $ih6)" ttl_eq "IPv6 hop limit toward SVC" "$ih6" "$wh6"
	if [[ $mode == AM ]]; then
		# SVC routes the outer header: 64 from PE1, End's step 63, SVC 62
		local oi oo
		oi=$(sed -n 's/^ohlim //p' <<<"$i") oo=$(sed -n 's/^ohlim //p' <<<"$o")
		check "$mode: SVC leaves the inner TTL" ttl_eq "IPv4 TTL back from SVC" "$ot4" "$it4"
		check "$mode: SVC leaves the inner hop limit" ttl_eq "IPv6 hop limit back from SVC" "$oh6" "$ih6"
		check "$mode: End.AM's End step: outer hop limit 63 toward SVC" ttl_eq "outer hop limit toward SVC" "$oi" 63
		check "$mode: SVC decrements the outer hop limit" ttl_eq "outer hop limit back from SVC" "$oo" "$((${oi:-0} - 1))"
	else
		check "$mode: SVC decrements the TTL" ttl_eq "IPv4 TTL back from SVC" "$ot4" "$((${it4:-0} - 1))"
		check "$mode: SVC decrements the hop limit" ttl_eq "IPv6 hop limit back from SVC" "$oh6" "$((${ih6:-0} - 1))"
	fi

	section "phase $mode: counters (stats.get, over the measured traffic)"
	# CE1 -> CE2 (through SVC): per family N requests + N replies + 2K UDP
	local to=$((2 * M)) back=$((2 * (2 * N + K))) plain=$((2 * 2 * N))
	check "$mode: PE2 End.$mode $proxy counts every CE1 -> CE2 packet" sid_delta "$s0_2" "$s1_2" "$proxy" "$to"
	check "$mode: PE2 svc0 sent them to SVC" port_delta "$s0_2" "$s1_2" svc0 tx_packets "$to"
	check "$mode: PE2 svc1 received what SVC let through" port_delta "$s0_2" "$s1_2" svc1 rx_packets "$back"
	check "$mode: PE2 End.DT46 $PE2_DT46 counts them (back from SVC)" sid_delta "$s0_2" "$s1_2" "$PE2_DT46" "$back"
	check "$mode: PE2 ce0 sent them to CE2" port_delta "$s0_2" "$s1_2" ce0 tx_packets "$back"
	check "$mode: PE1 End.DT46 $PE1_SID_DT46 counts CE2 -> CE1 (plain L3VPN)" sid_delta "$s0_1" "$s1_1" "$PE1_SID_DT46" "$plain"
	local n s0 s1
	for n in pe1 pe2; do
		s0=$s0_1 s1=$s1_1
		[[ $n == pe2 ]] && s0=$s0_2 s1=$s1_2
		stats_summary "$s1" >&2
		check "$mode: $n: no drop counted during the measured traffic" drops_window "$s0" "$s1"
		check "$mode: $n: since the start, no drop but $ALLOWED_DROPS" drops_check "$s1" "$ALLOWED_DROPS"
	done

	local rc=0
	bg_stop srv6d-pe2 TERM 15 || rc=$?
	if [[ $rc == 0 ]]; then ok "$mode: srv6d pe2 exits 0 on SIGTERM"; else bad "$mode: srv6d pe2 exited $rc on SIGTERM"; fi
}

phase AS
phase AD
phase AM

section "clean exits"
srv6d_stop_checked pe1

checks_end "firewall $FW"
