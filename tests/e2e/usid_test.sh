#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Compressed SIDs (RFC 9800 NEXT-C-SID, F3216) and a binding SID
# (End.B6.Encaps.Red, RFC 8986 4.14) across three srv6d instances, with
# unmodified Linux hosts as CEs:
#
#   CE1 ---- PE1 (srv6d) ---- T (srv6d, transit) ---- PE2 (srv6d) ---- CE2
#
#   CE1 172.16.10.2 / 2001:db8:1::2         CE2 172.16.20.2 / 2001:db8:2::2,
#   PE1 ce0 172.16.10.1 / 2001:db8:1::1         and on lo 172.16.22.2 / 2001:db8:22::2
#   PE1 wan0 2001:db8:0:12::1 -- T t1 2001:db8:0:12::2
#   T t2 2001:db8:0:23::1     -- PE2 wan0 2001:db8:0:23::2
#
# uSID block 2001:db8::/32, 16-bit C-SIDs (each node a locator with usid
# true, block_len 32, node_len 16, func_len 16):
#   PE1 uN 2001:db8:e1::/48 (End, next-csid), uDT46 2001:db8:fd46::/48 (VRF)
#   T   uN 2001:db8:e3::/48 (End, next-csid)
#   PE2 uN 2001:db8:e2::/48 (End, next-csid), uDT46 2001:db8:fd46::/48 (VRF),
#       uDT6 2001:db8:fd06::/48 (End.DT6 in the default VRF: the policy's tail)
#   (uDT46 is a local C-SID: the same value on both PEs, as a LIB would have)
#   T also has a classic binding SID 2a0e:97c0:ae6:3001:b6:: (End.B6.Encaps.Red,
#   policy [2001:db8:e2::, 2001:db8:fd06::]), and a second one,
#   2a0e:97c0:ae6:3001:b7:: (End.B6.Encaps, not reduced), bound to SR policy
#   color 7 endpoint PE2 with that segment list.
#
# 1. uSID L3VPN. PE1's VPN routes to CE2's nets are ONE container segment
#    with h.encaps.red, [block | T | PE2 | uDT46] = 2001:db8:e3:e2:fd46::, so
#    no SRH; PE2's back to CE1 2001:db8:e3:e1:fd46::. T's uN shifts the
#    container (DA 2001:db8:e2:fd46::, hop limit 63), PE2's uN shifts again
#    (2001:db8:fd46::) and its uDT46 decapsulates into the VRF in the same
#    pass. Pings both ways, IPv4 and IPv6; tshark on both links of T: outer
#    source, the container as DA, no routing header, hop limit 64 before T
#    and 63 after, inner addresses and checksums; SID counters exact.
# 2. Binding SID. PE1's routes to CE2's lo addresses are H.Encaps [T's BSID,
#    2001:db8:e2:fd46::]. T does End (SL 0, DA the container), then pushes
#    its policy reduced: outer DA 2001:db8:e2:: (the first segment only in
#    the DA), SRH [2001:db8:fd06::] SL 1 LE 0, next header 41. At PE2: the uN
#    with argument 0 does End (SL 0, DA fd06), the uDT6 decapsulates into the
#    default VRF, the inner packet's DA is PE2's uN + uDT46 container: shifted
#    (the inner SRH left alone), decapsulated into the VRF, to CE2 (five
#    passes of srv6d's datapath). tshark checks the reduced SRH and the inner
#    packet (SRH SL 0, hop limit 63, the customer packet).
#    2b. The same to CE2's second lo address (172.16.23.2, 2001:db8:23::2)
#    through the policy's binding SID: outer SRH [fd06, e2] SL 1 LE 1 (the
#    first segment in the SRH too, End.B6.Encaps).
# 3. Counters: each SID's packets counted exactly once per pass; no drop on
#    any srv6d while the measured pings run, none since the start but the
#    CEs' MLD reports (local_unhandled); clean exits.
#
# Every check prints "ok" or "FAIL"; the test exits 1 if any failed.
# Needs root, iproute2, ethtool, tshark/dumpcap, /usr/bin/python3 and srv6d
# (skips, 77, without them); no kernel SRv6.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/checks.sh"
export LC_ALL=C
e2e_init usid
N=${USID_PINGS:-5}
T0=$SECONDS

# ---------------------------------------------------------------- addressing

PE1_WAN=2001:db8:0:12::1
T_WAN1=2001:db8:0:12::2
T_WAN2=2001:db8:0:23::1
PE2_WAN=2001:db8:0:23::2
T_SRC=$T_WAN2 # T's encap.source (the binding SID's outer source)
CE2B_V4=172.16.22.2
CE2B_V6=2001:db8:22::2
CE2B_NET4=172.16.22.0/24
CE2B_NET6=2001:db8:22::/64
CE2C_V4=172.16.23.2 # CE2's second lo address: via the policy's binding SID
CE2C_V6=2001:db8:23::2

PE1_UN=2001:db8:e1::
T_UN=2001:db8:e3::
PE2_UN=2001:db8:e2::
UDT46=2001:db8:fd46::   # a local C-SID on each PE
PE2_UDT6=2001:db8:fd06:: # PE2's End.DT6 into the default VRF
T_LOC=2a0e:97c0:ae6:3001::/64
T_BSID=2a0e:97c0:ae6:3001:b6::
T_BSID2=2a0e:97c0:ae6:3001:b7:: # End.B6.Encaps bound to policy (7, PE2_WAN)
# the containers
TO_CE2=2001:db8:e3:e2:fd46::   # PE1 -> T -> PE2 -> uDT46
TO_CE1=2001:db8:e3:e1:fd46::   # PE2 -> T -> PE1 -> uDT46
TO_CE2_AFTER_T=2001:db8:e2:fd46::
TO_CE1_AFTER_T=2001:db8:e1:fd46::
BSID_NEXT=2001:db8:e2:fd46::   # PE1's segment after the binding SID

# ---------------------------------------------------------------- checks

trap srv6d_logs_trap EXIT

# no_frames PCAP FILTER [PCAP FILTER...]: no frame of PCAP matches FILTER
no_frames() {
	local out n=0
	while (($# >= 2)); do
		out=$(tshark -r "$1" -n -Y "$2" 2>/dev/null | head -n 5)
		if [[ -n $out ]]; then
			printf '%s: %s\n%s\n' "${1##*/}" "$2" "$out"
			n=1
		fi
		shift 2
	done
	return $n
}

# bsid_inner_check PCAP FAMILY MIN [BSID CE2_V4 CE2_V6]: the binding SID's frames on T -> PE2
# (outer T_SRC -> PE2_UN) carry, inside the policy's outer header, the
# packet as T's End left it: IPv6 from PE1 to BSID_NEXT, hop limit 63, SRH
# [BSID_NEXT, T_BSID] with SL 0 and Last Entry 1, then the customer echo
# request of FAMILY (CE1 -> CE2's lo), checksums good (tshark -T json)
bsid_inner_check() {
	$PY - "$1" "$2" "$3" "$T_SRC" "$PE2_UN" "$PE1_WAN" "$BSID_NEXT" "${4:-$T_BSID}" \
		"$CE1_V4" "${5:-$CE2B_V4}" "$CE1_V6" "${6:-$CE2B_V6}" <<'EOF'
import ipaddress as ia, json, subprocess, sys
pcap, fam, want = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tsrc, odst, isrc, idst, bsid, c4s, c4d, c6s, c6d = [ia.ip_address(x) for x in sys.argv[4:]]
out = subprocess.run(["tshark", "-r", pcap, "-T", "json", "--no-duplicate-keys",
                      "-o", "ip.check_checksum:TRUE"], capture_output=True, text=True, check=True).stdout
L = lambda v: v if isinstance(v, list) else ([] if v is None else [v])
n, errs = 0, []
for fr in json.loads(out or "[]"):
    ly = fr["_source"]["layers"]
    v6 = L(ly.get("ipv6"))
    if len(v6) < 2 or ia.ip_address(v6[0]["ipv6.src"]) != tsrc or ia.ip_address(v6[0]["ipv6.dst"]) != odst:
        continue
    num = ly["frame"]["frame.number"]
    inner = v6[1]
    if ia.ip_address(inner["ipv6.src"]) != isrc or ia.ip_address(inner["ipv6.dst"]) != idst:
        errs.append("frame %s: inner %s -> %s" % (num, inner["ipv6.src"], inner["ipv6.dst"]))
        continue
    rt = inner.get("ipv6.routing")
    cust = (4, ly.get("ip")) if rt and int(rt["ipv6.routing.nxt"]) == 4 else (6, v6[2] if len(v6) > 2 else None)
    if cust[0] != fam:
        continue
    e = []
    if int(inner["ipv6.hlim"]) != 63:
        e.append("inner hop limit %s, want 63" % inner["ipv6.hlim"])
    if rt is None:
        e.append("inner packet without SRH")
    else:
        segs = [ia.ip_address(a) for a in L(rt.get("ipv6.routing.srh.addr"))]
        if int(rt["ipv6.routing.segleft"]) != 0 or int(rt["ipv6.routing.srh.last_entry"]) != 1 or segs != [idst, bsid]:
            e.append("inner SRH SL %s LE %s %s, want SL 0 LE 1 [%s, %s]" % (
                rt["ipv6.routing.segleft"], rt["ipv6.routing.srh.last_entry"], [str(s) for s in segs], idst, bsid))
    c = cust[1]
    if isinstance(c, list):
        c = c[0]
    if c is None:
        e.append("no customer IPv%d header" % fam)
    elif fam == 4:
        if (ia.ip_address(c["ip.src"]), ia.ip_address(c["ip.dst"])) != (c4s, c4d):
            e.append("customer %s -> %s" % (c["ip.src"], c["ip.dst"]))
        if c.get("ip.checksum.status") != "1":
            e.append("customer IPv4 checksum status %s" % c.get("ip.checksum.status"))
        icmp = ly.get("icmp")
        if not icmp or int(L(icmp)[0]["icmp.type"]) != 8:
            e.append("not an ICMP echo request")
    else:
        if (ia.ip_address(c["ipv6.src"]), ia.ip_address(c["ipv6.dst"])) != (c6s, c6d):
            e.append("customer %s -> %s" % (c["ipv6.src"], c["ipv6.dst"]))
        icmp = L(ly.get("icmpv6"))
        if not icmp or int(icmp[0]["icmpv6.type"]) != 128 or icmp[0].get("icmpv6.checksum.status") != "1":
            e.append("not an ICMPv6 echo request with a good checksum")
    n += 1
    if e:
        errs.append("frame %s: %s" % (num, "; ".join(e)))
print("%d IPv%d frame(s): inner IPv6 %s -> %s hop limit 63, SRH [%s, %s] SL 0 LE 1, customer echo request"
      % (n, fam, isrc, idst, idst, bsid))
for x in errs[:5]:
    print("  " + x)
if n < want:
    print("  want at least %d" % want)
sys.exit(1 if errs or n < want else 0)
EOF
}

# ---------------------------------------------------------------- topology

section "topology: CE1 - PE1 (srv6d) - T (srv6d) - PE2 (srv6d) - CE2"
for n in ce1 pe1 t pe2 ce2; do ns_add "$n"; done
veth_add ce1 veth-ce1 pe1 veth-pe1-ce
veth_add pe1 veth-pe1-wan t veth-t-pe1
veth_add t veth-t-pe2 pe2 veth-pe2-wan
veth_add pe2 veth-pe2-ce ce2 veth-ce2
for p in pe1:veth-pe1-ce pe1:veth-pe1-wan t:veth-t-pe1 t:veth-t-pe2 pe2:veth-pe2-wan pe2:veth-pe2-ce; do
	kernel_quiet "${p%%:*}" "${p#*:}"
done
ce_host ce1 veth-ce1 "$CE1_V4/24" "$CE1_V6/64" "$PE1_CE_V4" "$PE1_CE_V6"
ifaddr ce2 veth-ce2 "$CE2_V4/24" "$CE2_V6/64"
ifaddr ce2 lo "$CE2B_V4/32" "$CE2B_V6/128"
ce_host ce2 lo "$CE2C_V4/32" "$CE2C_V6/128" "$PE2_CE_V4" "$PE2_CE_V6"

# usid_locator NAME PREFIX: an F3216 uSID locator object
usid_locator() {
	printf '{"name": "%s", "prefix": "%s", "block_len": 32, "node_len": 16, "func_len": 16, "usid": true}' "$1" "$2"
}
# via GW PORT: an ip next hop list
via() { printf '[{"type": "ip", "via": "%s", "port": "%s"}]' "$1" "$2"; }
# srv6 ENCAP SEG...: an srv6 next hop list
srv6() {
	local enc=$1 segs
	shift
	segs=$(printf '"%s", ' "$@")
	printf '[{"type": "srv6", "segments": [%s], "encap": "%s"}]' "${segs%, }" "$enc"
}
VRF_OBJ="{\"name\": \"$VRF\", \"table\": $VRF_TABLE, \"rd\": \"10.1.1.1:101\", \"import_rt\": [\"65513:101\"], \"export_rt\": [\"65513:101\"]}"

cat >"$WORK/pe1.json" <<EOF
{
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-pe1-ce", "vrf": "$VRF",
     "addresses": ["$PE1_CE_V4/24", "$PE1_CE_V6/64"]},
    {"name": "wan0", "device": "net_af_packet1,iface=veth-pe1-wan", "vrf": "default",
     "addresses": ["$PE1_WAN/64"]}
  ],
  "encap": {"source": "$PE1_WAN", "hop_limit": 64},
  "locators": [$(usid_locator USID-PE1 "$PE1_UN/48")],
  "vrfs": [$VRF_OBJ],
  "sids": [
    {"sid": "$PE1_UN/48", "behavior": "End", "flavors": ["next-csid"]},
    {"sid": "$UDT46/48", "behavior": "End.DT46", "vrf": "$VRF"}
  ],
  "routes": [
    {"vrf": "default", "prefix": "$T_UN/48", "nexthops": $(via "$T_WAN1" wan0)},
    {"vrf": "default", "prefix": "$PE2_UN/48", "nexthops": $(via "$T_WAN1" wan0)},
    {"vrf": "default", "prefix": "$T_LOC", "nexthops": $(via "$T_WAN1" wan0)},
    {"vrf": "$VRF", "prefix": "$CE2_NET4", "nexthops": $(srv6 h.encaps.red "$TO_CE2")},
    {"vrf": "$VRF", "prefix": "$CE2_NET6", "nexthops": $(srv6 h.encaps.red "$TO_CE2")},
    {"vrf": "$VRF", "prefix": "$CE2B_NET4", "nexthops": $(srv6 h.encaps "$T_BSID" "$BSID_NEXT")},
    {"vrf": "$VRF", "prefix": "$CE2B_NET6", "nexthops": $(srv6 h.encaps "$T_BSID" "$BSID_NEXT")},
    {"vrf": "$VRF", "prefix": "$CE2C_V4/32", "nexthops": $(srv6 h.encaps "$T_BSID2" "$BSID_NEXT")},
    {"vrf": "$VRF", "prefix": "$CE2C_V6/128", "nexthops": $(srv6 h.encaps "$T_BSID2" "$BSID_NEXT")}
  ]
}
EOF
cat >"$WORK/t.json" <<EOF
{
  "ports": [
    {"name": "t1", "device": "net_af_packet0,iface=veth-t-pe1", "vrf": "default",
     "addresses": ["$T_WAN1/64"]},
    {"name": "t2", "device": "net_af_packet1,iface=veth-t-pe2", "vrf": "default",
     "addresses": ["$T_WAN2/64"]}
  ],
  "encap": {"source": "$T_SRC", "hop_limit": 64},
  "locators": [$(usid_locator USID-T "$T_UN/48"),
               {"name": "BSID", "prefix": "$T_LOC", "block_len": 48, "node_len": 16, "func_len": 16, "usid": false}],
  "sids": [
    {"sid": "$T_UN/48", "behavior": "End", "flavors": ["next-csid"]},
    {"sid": "$T_BSID/128", "behavior": "End.B6.Encaps.Red", "segments": ["$PE2_UN", "$PE2_UDT6"]},
    {"sid": "$T_BSID2/128", "behavior": "End.B6.Encaps", "policy": {"color": 7, "endpoint": "$PE2_WAN"}}
  ],
  "policies": [{"color": 7, "endpoint": "$PE2_WAN",
                "segment_lists": [{"segments": ["$PE2_UN", "$PE2_UDT6"], "weight": 1}]}],
  "routes": [
    {"vrf": "default", "prefix": "$PE1_UN/48", "nexthops": $(via "$PE1_WAN" t1)},
    {"vrf": "default", "prefix": "$PE2_UN/48", "nexthops": $(via "$PE2_WAN" t2)}
  ]
}
EOF
cat >"$WORK/pe2.json" <<EOF
{
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-pe2-ce", "vrf": "$VRF",
     "addresses": ["$PE2_CE_V4/24", "$PE2_CE_V6/64"]},
    {"name": "wan0", "device": "net_af_packet1,iface=veth-pe2-wan", "vrf": "default",
     "addresses": ["$PE2_WAN/64"]}
  ],
  "encap": {"source": "$PE2_WAN", "hop_limit": 64},
  "locators": [$(usid_locator USID-PE2 "$PE2_UN/48")],
  "vrfs": [$VRF_OBJ],
  "sids": [
    {"sid": "$PE2_UN/48", "behavior": "End", "flavors": ["next-csid"]},
    {"sid": "$UDT46/48", "behavior": "End.DT46", "vrf": "$VRF"},
    {"sid": "$PE2_UDT6/48", "behavior": "End.DT6", "vrf": "default"}
  ],
  "routes": [
    {"vrf": "default", "prefix": "$T_UN/48", "nexthops": $(via "$T_WAN2" wan0)},
    {"vrf": "default", "prefix": "$PE1_UN/48", "nexthops": $(via "$T_WAN2" wan0)},
    {"vrf": "$VRF", "prefix": "$CE1_NET4", "nexthops": $(srv6 h.encaps.red "$TO_CE1")},
    {"vrf": "$VRF", "prefix": "$CE1_NET6", "nexthops": $(srv6 h.encaps.red "$TO_CE1")},
    {"vrf": "$VRF", "prefix": "$CE2B_NET4", "nexthops": $(via "$CE2_V4" ce0)},
    {"vrf": "$VRF", "prefix": "$CE2B_NET6", "nexthops": $(via "$CE2_V6" ce0)},
    {"vrf": "$VRF", "prefix": "$CE2C_V4/32", "nexthops": $(via "$CE2_V4" ce0)},
    {"vrf": "$VRF", "prefix": "$CE2C_V6/128", "nexthops": $(via "$CE2_V6" ce0)}
  ]
}
EOF
srv6d_start_json pe1 t pe2
ctl_on pe2 sid list >&2 || true
ctl_on t sid list >&2 || true

# Captures on the receiving end of each WAN link (srv6d's own transmissions
# need not pass the kernel's taps)
capture_start t1 t veth-t-pe1     # PE1 -> T
capture_start pe2w pe2 veth-pe2-wan # T -> PE2
capture_start t2 t veth-t-pe2     # PE2 -> T
capture_start pe1w pe1 veth-pe1-wan # T -> PE1

section "warm-up: neighbours on every hop"
ping_warm ce1 "$CE2_V4" 20
ping_warm ce1 "$CE2_V6" 20
ping_warm ce2 "$CE1_V4" 20
ping_warm ce2 "$CE1_V6" 20
ping_warm ce1 "$CE2B_V4" 20
ping_warm ce1 "$CE2B_V6" 20
ping_warm ce1 "$CE2C_V4" 20
ping_warm ce1 "$CE2C_V6" 20
declare -A S0 S1
for n in pe1 t pe2; do S0[$n]=$(stats "$n"); done

section "1. uSID L3VPN: one container, H.Encaps.Red, no SRH ($N pings each)"
check "ping CE1 -> CE2 IPv4 ($CE1_V4 -> $CE2_V4)" ping_check ce1 "$CE2_V4"
check "ping CE1 -> CE2 IPv6 ($CE1_V6 -> $CE2_V6)" ping_check ce1 "$CE2_V6"
check "ping CE2 -> CE1 IPv4 ($CE2_V4 -> $CE1_V4)" ping_check ce2 "$CE1_V4"
check "ping CE2 -> CE1 IPv6 ($CE2_V6 -> $CE1_V6)" ping_check ce2 "$CE1_V6"

section "2. binding SID: H.Encaps to T's End.B6.Encaps.Red ($N pings each)"
check "ping CE1 -> CE2's lo IPv4 via the binding SID ($CE2B_V4)" ping_check ce1 "$CE2B_V4"
check "ping CE1 -> CE2's lo IPv6 via the binding SID ($CE2B_V6)" ping_check ce1 "$CE2B_V6"
check "ping CE1 -> CE2's 2nd lo IPv4 via the policy's binding SID ($CE2C_V4)" ping_check ce1 "$CE2C_V4"
check "ping CE1 -> CE2's 2nd lo IPv6 via the policy's binding SID ($CE2C_V6)" ping_check ce1 "$CE2C_V6"

for n in pe1 t pe2; do S1[$n]=$(stats "$n"); done
for c in t1 pe2w t2 pe1w; do capture_stop "$c"; done

section "wire: the containers on both links of T (tshark)"
M=$((2 * N)) # per family and direction: N requests + N replies (warm-ups on top)
# wire_red CAPTURE LABEL SRC DST HLIM FAMILY INNER_SRC INNER_DST [MIN]: no
# routing header; the frames of one customer address pair, selected by the
# inner addresses, at least MIN of them (default M)
wire_red() {
	local pl=4
	[[ $6 == 6 ]] && pl=41
	check "$2 IPv$6: DA $4, no SRH, hop limit $5" check_wire "$WORK/$1.pcap" --label "$2" --src "$3" \
		--dst "$4" --srh none --payload $pl --hlim "$5" --select-inner --inner-src "$7" --inner-dst "$8" \
		--min "${9:-$M}"
}
wire_red t1 "PE1 -> T" "$PE1_WAN" "$TO_CE2" 64 4 "$CE1_V4" "$CE2_V4"
wire_red t1 "PE1 -> T" "$PE1_WAN" "$TO_CE2" 64 6 "$CE1_V6" "$CE2_V6"
wire_red pe2w "T -> PE2 (shifted by T's uN)" "$PE1_WAN" "$TO_CE2_AFTER_T" 63 4 "$CE1_V4" "$CE2_V4"
wire_red pe2w "T -> PE2 (shifted by T's uN)" "$PE1_WAN" "$TO_CE2_AFTER_T" 63 6 "$CE1_V6" "$CE2_V6"
wire_red t2 "PE2 -> T" "$PE2_WAN" "$TO_CE1" 64 4 "$CE2_V4" "$CE1_V4"
wire_red t2 "PE2 -> T" "$PE2_WAN" "$TO_CE1" 64 6 "$CE2_V6" "$CE1_V6"
wire_red pe1w "T -> PE1 (shifted by T's uN)" "$PE2_WAN" "$TO_CE1_AFTER_T" 63 4 "$CE2_V4" "$CE1_V4"
wire_red pe1w "T -> PE1 (shifted by T's uN)" "$PE2_WAN" "$TO_CE1_AFTER_T" 63 6 "$CE2_V6" "$CE1_V6"
# the binding SID's replies come back in the container too (CE2's lo -> CE1)
wire_red t2 "PE2 -> T (replies from CE2's lo)" "$PE2_WAN" "$TO_CE1" 64 4 "$CE2B_V4" "$CE1_V4" "$N"
wire_red t2 "PE2 -> T (replies from CE2's lo)" "$PE2_WAN" "$TO_CE1" 64 6 "$CE2B_V6" "$CE1_V6" "$N"
# nowhere a routing header in the uSID traffic, and no unshifted container after T
check "no unshifted container past T ($TO_CE2 toward PE2, $TO_CE1 toward PE1)" \
	no_frames "$WORK/pe2w.pcap" "ipv6.dst == $TO_CE2" "$WORK/pe1w.pcap" "ipv6.dst == $TO_CE1"

section "wire: the binding SIDs (tshark)"
# T -> PE2 frames of the policy's binding SID (T_BSID2 in the inner SRH) apart
tshark -r "$WORK/pe2w.pcap" -Y "ipv6.routing.srh.addr == $T_BSID2" -w "$WORK/pe2w-b7.pcap" 2>/dev/null
tshark -r "$WORK/pe2w.pcap" -Y "!(ipv6.routing.srh.addr == $T_BSID2)" -w "$WORK/pe2w-b6.pcap" 2>/dev/null
for f in 4 6; do
	if [[ $f == 4 ]]; then s=$CE1_V4 d=$CE2B_V4 pl=4; else s=$CE1_V6 d=$CE2B_V6 pl=41; fi
	check "PE1 -> T IPv$f: H.Encaps to the binding SID, SRH [$BSID_NEXT, $T_BSID] SL 1" \
		check_wire "$WORK/t1.pcap" --label "PE1 -> T (binding SID)" --src "$PE1_WAN" --dst "$T_BSID" \
		--srh "$BSID_NEXT,$T_BSID" --sl 1 --payload $pl --hlim 64 --select-inner --inner-src "$s" \
		--inner-dst "$d" --min "$N"
done
check "T -> PE2: End.B6.Encaps.Red, DA $PE2_UN (first policy segment), SRH [$PE2_UDT6] SL 1 LE 0, nh 41" \
	check_wire "$WORK/pe2w-b6.pcap" --label "T -> PE2 (policy)" --src "$T_SRC" --dst "$PE2_UN" \
	--srh "$PE2_UDT6" --sl 1 --last-entry 0 --payload 41 --hlim 64 \
	--inner-src "$PE1_WAN" --inner-dst "$BSID_NEXT" --min $((2 * N))
check "T -> PE2 IPv4 inside the policy: the packet after T's End" bsid_inner_check "$WORK/pe2w-b6.pcap" 4 "$N"
check "T -> PE2 IPv6 inside the policy: the packet after T's End" bsid_inner_check "$WORK/pe2w-b6.pcap" 6 "$N"
for f in 4 6; do
	if [[ $f == 4 ]]; then s=$CE1_V4 d=$CE2C_V4 pl=4; else s=$CE1_V6 d=$CE2C_V6 pl=41; fi
	check "PE1 -> T IPv$f: H.Encaps to the policy's binding SID, SRH [$BSID_NEXT, $T_BSID2] SL 1" \
		check_wire "$WORK/t1.pcap" --label "PE1 -> T (policy's binding SID)" --src "$PE1_WAN" --dst "$T_BSID2" \
		--srh "$BSID_NEXT,$T_BSID2" --sl 1 --payload $pl --hlim 64 --select-inner --inner-src "$s" \
		--inner-dst "$d" --min "$N"
	check "T -> PE2 IPv$f inside the policy: the packet after T's End (binding SID $T_BSID2)" \
		bsid_inner_check "$WORK/pe2w-b7.pcap" $f "$N" "$T_BSID2" "$CE2C_V4" "$CE2C_V6"
done
check "T -> PE2: End.B6.Encaps (policy 7), DA $PE2_UN, SRH [$PE2_UDT6, $PE2_UN] SL 1 LE 1, nh 41" \
	check_wire "$WORK/pe2w-b7.pcap" --label "T -> PE2 (policy 7)" --src "$T_SRC" --dst "$PE2_UN" \
	--srh "$PE2_UDT6,$PE2_UN" --sl 1 --last-entry 1 --payload 41 --hlim 64 \
	--inner-src "$PE1_WAN" --inner-dst "$BSID_NEXT" --min $((2 * N))

section "SID counters (stats.get, during the $((8 * N)) measured pings)"
# Per family: CE1 -> CE2 N requests and N replies, CE2 -> CE1 the same,
# CE1 -> CE2's lo N requests through the binding SID and N replies back in
# the container, and the same through the policy's binding SID. A packet
# through a binding SID meets PE2's uN twice (End on the policy's header,
# then the shift of the inner container).
check "T   uN    $T_UN/48 (every container packet, both ways)" sid_delta "${S0[t]}" "${S1[t]}" "$T_UN/48" $((2 * 6 * N))
check "T   BSID  $T_BSID (End.B6.Encaps.Red)" sid_delta "${S0[t]}" "${S1[t]}" "$T_BSID" $((2 * N))
check "T   BSID  $T_BSID2 (End.B6.Encaps, policy 7)" sid_delta "${S0[t]}" "${S1[t]}" "$T_BSID2" $((2 * N))
check "PE2 uN    $PE2_UN/48 (container + 2 x binding SIDs)" sid_delta "${S0[pe2]}" "${S1[pe2]}" "$PE2_UN/48" $((2 * (2 * N + 2 * 2 * N)))
check "PE2 uDT46 $UDT46/48" sid_delta "${S0[pe2]}" "${S1[pe2]}" "$UDT46/48" $((2 * 4 * N))
check "PE2 uDT6  $PE2_UDT6/48 (the policy's tail, default VRF)" sid_delta "${S0[pe2]}" "${S1[pe2]}" "$PE2_UDT6/48" $((2 * 2 * N))
check "PE1 uN    $PE1_UN/48" sid_delta "${S0[pe1]}" "${S1[pe1]}" "$PE1_UN/48" $((2 * 4 * N))
check "PE1 uDT46 $UDT46/48" sid_delta "${S0[pe1]}" "${S1[pe1]}" "$UDT46/48" $((2 * 4 * N))

section "drops (stats.get)"
# While the measured pings ran: no drop of any reason. Since the start: only
# local_unhandled, the CEs' MLD reports (ICMPv6 to ff02::16 behind a
# Hop-by-Hop header, which srv6d does not serve) when a CE's kernel sends
# them after its link came up and the PE's srv6d already listens.
for n in pe1 t pe2; do
	stats_summary "${S1[$n]}" >&2
	check "$n: no drop counted during the measured pings" drops_window "${S0[$n]}" "${S1[$n]}"
	check "$n: since the start, no drop but local_unhandled (MLD reports)" drops_check "${S1[$n]}" '^local_unhandled$'
done

section "clean exits"
srv6d_stop_checked pe2 t pe1

checks_end
