#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# H.Insert (route next hop "encap": "h.insert", doc/api.md) between unmodified
# Linux hosts, through a transit srv6d doing End:
#
#   CE1 ---- PE1 (srv6d) ---- T (srv6d, End T_END) ---- CE2
#
#   CE1 veth-ce1 2001:db8:1::2/64, default via PE1 ce0 2001:db8:1::1
#   PE1 ce0 (VRF default) 2001:db8:1::1/64, t0 2001:db8:0:11::1/64
#   T   pe1 2001:db8:0:11::2/64, ce2 2001:db8:2::1/64 (CE2's net, connected)
#   CE2 veth-ce2 2001:db8:2::2/64, default via T 2001:db8:2::1, seg6_enabled
#
#   PE1: CE2's net -> h.insert [T_END]; T's locator via T.
#   T:   End T_END; CE1's net via PE1 (plain IPv6, the replies).
#
# CE1's echo requests keep their own IPv6 header: PE1 inserts an SRH
# [CE2, T_END] (wire order, Segment List[0] = CE2) SL 1 and sends them to
# T_END; T's End sets SL 0, DA CE2; CE2's kernel (seg6_enabled) takes the
# packet at SL 0 as its own and answers with plain IPv6.
#
# 1. Pings CE1 -> CE2, no loss.
# 2. tshark/pcap on the PE1-T link: every request has source CE1 (not PE1),
#    DA T_END, hop limit 63, an SRH type 4 SL 1 LE 1 [CE2, T_END], next
#    header 58, an ICMPv6 checksum that verifies over (CE1, CE2) (recomputed
#    here); on the T-CE2 link: DA CE2, SL 0, hop limit 62, checksum good;
#    the replies plain IPv6 without SRH.
# 3. Counters: T_END counts the N requests; no drop in the window.
# 4. Too big: CE1 pings with PMTU discovery (-M do) a 1500-byte packet:
#    PE1 answers Packet Too Big MTU 1500 - 40 = 1460 (tshark on CE1's link,
#    the quoted packet CE1's own, to CE2, without SRH); CE1's route to CE2
#    then has mtu 1460 and a 1460-byte ping passes.
# 5. Drops: PE1 only local_unhandled and exactly one mtu_exceeded, T only
#    local_unhandled; clean exits.
#
# Needs root, iproute2, ethtool, tshark/dumpcap, /usr/bin/python3, srv6d and
# the kernel's built-in SRH processing (seg6_enabled) on CE2 (skips, 77).
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/checks.sh"
export LC_ALL=C
e2e_init h_insert
kernel_require seg6_srh
N=${H_INSERT_PINGS:-10}
T0=$SECONDS

# ---------------------------------------------------------------- addressing

# CE1_V6, CE2_V6, PE1_CE_V6, CE1_NET6, CE2_NET6: topo.sh
P1_T=2001:db8:0:11::1
T_P1=2001:db8:0:11::2
T_CE2=2001:db8:2::1
T_LOC=2a0e:97c0:ae6:3001::/64
T_END=2a0e:97c0:ae6:3001:e::
PTB_MTU=1460 # 1500 - (8 + 2 * 16)

trap srv6d_logs_trap EXIT

# drop_of JSON REASON: one drop counter
drop_of() { $PY -c 'import json,sys; print((json.loads(sys.argv[1]).get("drops") or {}).get(sys.argv[2], 0))' "$1" "$2"; }
drop_is() {
	local v
	v=$(drop_of "$1" "$2")
	echo "$2 = $v, want $3"
	((v == $3))
}

# inserted PCAP DST SL HLIM MIN [MIN_REPLIES]: every ICMPv6 echo request
# CE1 -> DST in PCAP carries an SRH (type 4) with SL, LE 1, [CE2, T_END],
# next header 58, hop limit HLIM and an ICMPv6 checksum good over (CE1, CE2);
# at least MIN; no request CE1 -> CE2 without it; every echo reply CE2 -> CE1
# without SRH, at least MIN_REPLIES (default 0: a capture at the receiving
# end of a link does not see what srv6d sends out of it)
inserted() {
	$PY - "$1" "$2" "$3" "$4" "$5" "${6:-0}" "$CE1_V6" "$CE2_V6" "$T_END" <<'EOF'
import ipaddress as ia, struct, sys
pcap, dst, sl, hlim, want, wrep, ce1, ce2, tend = sys.argv[1:10]
sl, hlim, want, wrep = int(sl), int(hlim), int(want), int(wrep)
P = lambda a: ia.ip_address(a).packed
dst, ce1, ce2, tend = P(dst), P(ce1), P(ce2), P(tend)
data = open(pcap, "rb").read()
e = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s
off, num, n, replies, errs = 24, 0, 0, 0, []
while off + 16 <= len(data):
    incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
    fr = data[off + 16:off + 16 + incl]
    off += 16 + incl
    num += 1
    if len(fr) < 54 or fr[12:14] != b"\x86\xdd":
        continue
    ip6 = fr[14:]
    src, da, nh, hl = ip6[8:24], ip6[24:40], ip6[6], ip6[7]
    plen = struct.unpack("!H", ip6[4:6])[0]
    if src == ce2 and da == ce1 and nh == 58 and ip6[40] == 129:
        replies += 1
        continue
    if src == ce2 and da == ce1 and nh == 43:
        errs.append("frame %d: echo reply with a routing header" % num)
        continue
    if src != ce1 or da not in (dst, ce2):
        continue
    if nh != 43:
        if nh == 58 and ip6[40] == 128:
            errs.append("frame %d: echo request to %s without SRH" % (num, ia.ip_address(da)))
        continue
    srh = ip6[40:]
    size = 8 * (srh[1] + 1)
    icmp = ip6[40 + size:40 + plen]
    if srh[0] != 58 or not icmp or icmp[0] != 128:
        errs.append("frame %d: SRH next header %d, not an echo request after it" % (num, srh[0]))
        continue
    n += 1
    er = []
    segs = [srh[8 + 16 * i:24 + 16 * i] for i in range(srh[4] + 1)]
    if da != dst:
        er.append("DA %s" % ia.ip_address(da))
    if (srh[2], srh[3], srh[4], size) != (4, sl, 1, 40) or segs != [ce2, tend]:
        er.append("SRH type %d SL %d LE %d size %d %s" % (srh[2], srh[3], srh[4], size,
                                                          [str(ia.ip_address(s)) for s in segs]))
    if hl != hlim:
        er.append("hop limit %d, want %d" % (hl, hlim))
    ph = ce1 + ce2 + struct.pack("!IxxxB", len(icmp), 58)
    if csum(ph + icmp) != 0xffff:
        er.append("ICMPv6 checksum 0x%04x does not verify over (CE1, CE2)" % struct.unpack("!H", icmp[2:4])[0])
    if er:
        errs.append("frame %d: %s" % (num, "; ".join(er)))
print("%s: %d echo request(s) CE1 -> %s with SRH type 4 SL %d LE 1 [%s, %s], nh 58, hop limit %d, "
      "ICMPv6 checksum good over (CE1, CE2); %d plain echo reply(ies)" % (
          pcap.rsplit("/", 1)[-1], n, ia.ip_address(dst), sl, sys.argv[8], sys.argv[9], hlim, replies))
for x in errs[:5]:
    print("  " + x)
if n < want or replies < wrep:
    print("  want at least %d request(s), %d reply(ies)" % (want, wrep))
sys.exit(1 if errs or n < want or replies < wrep else 0)
EOF
}

# tshark_srh PCAP DST SL MIN: tshark's own reading: at least MIN echo
# requests from CE1 to DST with a type 4 routing header at SL, none other
tshark_srh() {
	local good all
	good=$(tshark -r "$1" -n -Y "ipv6.src == $CE1_V6 && ipv6.dst == $2 && icmpv6.type == 128 && ipv6.routing.type == 4 && ipv6.routing.segleft == $3 && ipv6.routing.srh.addr == $CE2_V6 && ipv6.routing.srh.addr == $T_END" 2>/dev/null | wc -l)
	all=$(tshark -r "$1" -n -Y "ipv6.src == $CE1_V6 && icmpv6.type == 128" 2>/dev/null | wc -l)
	echo "tshark: $good of $all echo request(s) from CE1 to $2 with SRH type 4 SL $3 [$CE2_V6, $T_END], want >= $4, all"
	((good >= $4 && good == all))
}

# ptb_seen PCAP: tshark: a Packet Too Big from PE1's ce0 to CE1 with MTU
# PTB_MTU quoting CE1's packet as sent (CE1 -> CE2, next header ICMPv6, no
# SRH); tshark lists the outer then the quoted addresses
ptb_seen() {
	local out
	out=$(tshark -r "$1" -n -Y "icmpv6.type == 2 && ipv6.dst == $CE1_V6" -T fields \
		-e ipv6.src -e icmpv6.mtu -e ipv6.dst -e ipv6.nxt 2>/dev/null)
	echo "Packet Too Big on CE1's link (src, mtu, dsts, next headers): ${out:-none}"
	[[ -n $out ]] && [[ $(head -n 1 <<<"$out") == "$PE1_CE_V6,$CE1_V6	$PTB_MTU	$CE1_V6,$CE2_V6	58,58" ]]
}

# pmtu_route: CE1's route to CE2 learnt mtu PTB_MTU
pmtu_route() {
	local out
	out=$(nsx ce1 ip -6 route get "$CE2_V6")
	echo "$out"
	[[ $out == *" mtu $PTB_MTU "* || $out == *" mtu $PTB_MTU" ]]
}

# ping_too_big: a 1500-byte ping with -M do: Packet Too Big (mtu PTB_MTU)
ping_too_big() {
	local out
	out=$(nsx ce1 ping -n -c 1 -W 2 -M do -s $((1500 - 48)) "$CE2_V6" 2>&1) || true
	printf '%s\n' "$out" | grep -iv '^$'
	[[ ${out,,} == *"packet too big"*"mtu=$PTB_MTU"* ]]
}

# ping_pmtu: a PTB_MTU-byte ping (-M do) passes, no loss
ping_pmtu() {
	local out
	out=$(nsx ce1 ping -n -q -c 3 -i 0.1 -W 2 -M do -s $((PTB_MTU - 48)) "$CE2_V6" 2>&1) || { printf '%s\n' "$out"; return 1; }
	printf '%s\n' "$out" | grep 'packets transmitted'
	printf '%s\n' "$out" | grep -q ' 0% packet loss'
}

# ---------------------------------------------------------------- topology

section "topology: CE1 - PE1 (srv6d, h.insert) - T (srv6d, End) - CE2"
for n in ce1 pe1 t ce2; do ns_add "$n"; done
veth_add ce1 veth-ce1 pe1 veth-pe1-ce
veth_add pe1 veth-pe1-t t veth-t-pe1
veth_add t veth-t-ce2 ce2 veth-ce2
for p in pe1:veth-pe1-ce pe1:veth-pe1-t t:veth-t-pe1 t:veth-t-ce2; do
	kernel_quiet "${p%%:*}" "${p#*:}"
done
ifaddr ce1 veth-ce1 "$CE1_V6/64"
nsx ce1 ip -6 route add default via "$PE1_CE_V6"
ifaddr ce2 veth-ce2 "$CE2_V6/64"
nsx ce2 ip -6 route add default via "$T_CE2"
nsx ce2 sysctl -qw net.ipv6.conf.all.seg6_enabled=1 net.ipv6.conf.veth-ce2.seg6_enabled=1

via() { printf '[{"type": "ip", "via": "%s", "port": "%s"}]' "$1" "$2"; }
cat >"$WORK/pe1.json" <<EOF
{
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-pe1-ce", "vrf": "default",
     "addresses": ["$PE1_CE_V6/64"]},
    {"name": "t0", "device": "net_af_packet1,iface=veth-pe1-t", "vrf": "default",
     "addresses": ["$P1_T/64"]}
  ],
  "encap": {"source": "$P1_T", "hop_limit": 64},
  "routes": [
    {"vrf": "default", "prefix": "$T_LOC", "nexthops": $(via "$T_P1" t0)},
    {"vrf": "default", "prefix": "$CE2_NET6",
     "nexthops": [{"type": "srv6", "segments": ["$T_END"], "encap": "h.insert"}]}
  ]
}
EOF
cat >"$WORK/t.json" <<EOF
{
  "ports": [
    {"name": "pe1", "device": "net_af_packet0,iface=veth-t-pe1", "vrf": "default",
     "addresses": ["$T_P1/64"]},
    {"name": "ce2", "device": "net_af_packet1,iface=veth-t-ce2", "vrf": "default",
     "addresses": ["$T_CE2/64"]}
  ],
  "encap": {"source": "$T_P1", "hop_limit": 64},
  "sids": [
    {"sid": "$T_END/128", "behavior": "End"}
  ],
  "routes": [
    {"vrf": "default", "prefix": "$CE1_NET6", "nexthops": $(via "$P1_T" pe1)}
  ]
}
EOF
srv6d_start_json pe1 t
ctl_on pe1 route list >&2 || true

section "warm-up"
ping_warm ce1 "$CE2_V6" 20
capture_start pt t veth-t-pe1 # PE1 -> T, captured at T's end
capture_start tc ce2 veth-ce2 # T -> CE2
sleep 0.3
declare -A S0 S1 S2

section "1. pings CE1 -> CE2 through H.Insert ($N)"
for n in pe1 t; do S0[$n]=$(stats "$n"); done
check "ping CE1 -> CE2 IPv6 ($CE1_V6 -> $CE2_V6)" ping_check ce1 "$CE2_V6"
for n in pe1 t; do S1[$n]=$(stats "$n"); done
capture_stop pt
capture_stop tc

section "2. wire"
check "PE1 -> T: source CE1, DA $T_END, SRH [$CE2_V6, $T_END] SL 1, hop limit 63, checksum good" \
	inserted "$WORK/pt.pcap" "$T_END" 1 63 "$N"
check "PE1 -> T: tshark agrees (type 4, SL 1, both addresses)" tshark_srh "$WORK/pt.pcap" "$T_END" 1 "$N"
check "T -> CE2: DA $CE2_V6, SRH SL 0, hop limit 62, checksum good; replies plain" \
	inserted "$WORK/tc.pcap" "$CE2_V6" 0 62 "$N" "$N"
check "T -> CE2: tshark agrees (type 4, SL 0)" tshark_srh "$WORK/tc.pcap" "$CE2_V6" 0 "$N"

section "3. counters"
check "T End $T_END counts the $N requests" sid_delta "${S0[t]}" "${S1[t]}" "$T_END" "$N"
for n in pe1 t; do
	check "$n: no drop during the pings" drops_window "${S0[$n]}" "${S1[$n]}"
done

section "4. too big: PMTU discovery through the inserted SRH"
capture_start c1 ce1 veth-ce1 icmp6
check "CE1's 1500-byte ping (-M do) gets Packet Too Big mtu=$PTB_MTU" ping_too_big
capture_stop c1
check "tshark on CE1's link: PTB from $PE1_CE_V6, MTU $PTB_MTU, quoting CE1 -> CE2 without SRH" \
	ptb_seen "$WORK/c1.pcap"
check "CE1's route to CE2 has mtu $PTB_MTU" pmtu_route
check "a $PTB_MTU-byte ping (-M do) passes" ping_pmtu
for n in pe1 t; do S2[$n]=$(stats "$n"); done

section "5. drops"
for n in pe1 t; do stats_summary "${S2[$n]}" >&2; done
check "pe1: since the start, no drop but local_unhandled, mtu_exceeded" \
	drops_check "${S2[pe1]}" '^(local_unhandled|mtu_exceeded)$'
check "pe1: exactly one mtu_exceeded" drop_is "${S2[pe1]}" mtu_exceeded 1
check "t: since the start, no drop but local_unhandled" drops_check "${S2[t]}" '^local_unhandled$'

section "clean exits"
srv6d_stop_checked t pe1

checks_end
