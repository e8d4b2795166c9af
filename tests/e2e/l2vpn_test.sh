#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# L2VPN over SRv6 between two srv6d PEs (RFC 8986: End.DX2 4.9, H.Encaps.L2
# and H.Encaps.L2.Red 5.3), with unmodified Linux hosts as CEs in ONE
# subnet, bridged across the SRv6 core:
#
#   CE1 ---- PE1 (srv6d) ---- PE2 (srv6d) ---- CE2
#
#   CE1 veth-ce1 172.16.77.1/24 2001:db8:77::1/64, VLAN 300: 172.16.78.1/24 2001:db8:78::1/64
#   CE2 veth-ce2 172.16.77.2/24 2001:db8:77::2/64, VLAN 300: 172.16.78.2/24 2001:db8:78::2/64
#   PE1 ce0: l2vpn port (no address, promiscuous), wan0 2001:db8:0:12::1
#   PE2 ce0: l2vpn port (no address, promiscuous), wan0 2001:db8:0:12::2
#
#   PE1 End.DX2 2a0e:97c0:ae6:1001:d2:: (port ce0); its ce0 carries every
#       frame to [PE2's End.DX2] with h.encaps.l2: an SRH [PE2 DX2] SL 0,
#       next header 143 (Ethernet) after the SRH.
#   PE2 End.DX2 2a0e:97c0:ae6:2001:d2:: (port ce0); its ce0 carries every
#       frame to [PE1's End.DX2] with h.encaps.l2.red: one segment, so no
#       SRH, next header 143 right after the IPv6 header.
#
# 1. ARP and ND across: each CE's neighbour entry for the other gets the
#    other's real MAC (also on the VLAN subinterfaces).
# 2. Pings both ways, IPv4 and IPv6, untagged and on VLAN 300 (the tag is
#    carried in the frame end to end). The VLAN subinterface is the kernel's
#    802.1Q one, or, on a kernel without CONFIG_VLAN_8021Q, a TAP tagged and
#    untagged by a helper (vlan_add below).
# 3. tshark on the WAN link (both directions, captured at the receiving
#    end): outer source = the sending PE's encap source, DA = the other PE's
#    End.DX2 SID, hop limit 64, next header 143 after the SRH (PE1) or the
#    IPv6 header (PE2), the inner frame's MACs the CEs' own, ARP broadcasts
#    and the VLAN tag inside.
# 4. Counters: over the measured pings (the CEs' neighbour entries pinned,
#    so that no NUD probe or ARP refresh adds a frame) each End.DX2 SID
#    counts exactly the frames the other side encapsulated, which equal the
#    frames its ce0 received and the ping count; no drop during the pings,
#    none since the start but local_unhandled; clean exits on SIGTERM.
#
# Every check prints "ok" or "FAIL"; the test exits 1 if any failed.
# Needs root, iproute2, ethtool, tshark/dumpcap, /usr/bin/python3 and srv6d
# (skips, 77, without them); no kernel SRv6.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/checks.sh"
export LC_ALL=C
e2e_init l2vpn
N=${L2VPN_PINGS:-5}
T0=$SECONDS

# ---------------------------------------------------------------- addressing

L2_CE1_V4=172.16.77.1
L2_CE2_V4=172.16.77.2
L2_CE1_V6=2001:db8:77::1
L2_CE2_V6=2001:db8:77::2
VLAN_ID=300
VL_CE1_V4=172.16.78.1
VL_CE2_V4=172.16.78.2
VL_CE1_V6=2001:db8:78::1
VL_CE2_V6=2001:db8:78::2
# PE1_WAN, PE2_WAN, PE1_LOC, PE2_LOC: topo.sh
PE1_DX2=2a0e:97c0:ae6:1001:d2::
PE2_DX2=2a0e:97c0:ae6:2001:d2::

# ---------------------------------------------------------------- checks

trap srv6d_logs_trap EXIT

# l2_wire PCAP OUTER_SRC OUTER_DST red|srh SRC_MAC DST_MAC MIN: the frames
# from OUTER_SRC to OUTER_DST carry an Ethernet frame (next header 143): with
# "srh" behind an SRH [OUTER_DST] SL 0 LE 0, with "red" right after the IPv6
# header; outer hop limit 64; every inner frame from SRC_MAC; at least MIN
# inner frames to DST_MAC, at least one ARP broadcast and at least one
# VLAN-tagged frame (VLAN_ID) with the VLAN subnet's addresses inside
l2_wire() {
	$PY - "$@" "$VLAN_ID" "$VL_CE1_V4" "$VL_CE2_V4" <<'EOF'
import ipaddress as ia, json, subprocess, sys
pcap, osrc, odst, mode, smac, dmac, want, vlan, vs, vd = sys.argv[1:11]
want, vlan = int(want), int(vlan)
osrc, odst = ia.ip_address(osrc), ia.ip_address(odst)
vnet = {ia.ip_address(vs), ia.ip_address(vd)}
out = subprocess.run(["tshark", "-r", pcap, "-T", "json", "--no-duplicate-keys"],
                     capture_output=True, text=True, check=True).stdout
L = lambda v: v if isinstance(v, list) else ([] if v is None else [v])
n = to_dst = arp_bc = tagged = 0
errs = []
for fr in json.loads(out or "[]"):
    ly = fr["_source"]["layers"]
    v6 = L(ly.get("ipv6"))
    if not v6 or ia.ip_address(v6[0]["ipv6.src"]) != osrc or ia.ip_address(v6[0]["ipv6.dst"]) != odst:
        continue
    n += 1
    num = ly["frame"]["frame.number"]
    o = v6[0]
    e = []
    rt = o.get("ipv6.routing")
    if mode == "srh":
        if int(o["ipv6.nxt"]) != 43 or rt is None:
            e.append("outer next header %s, want 43 and an SRH" % o["ipv6.nxt"])
        else:
            rt = L(rt)[0]
            segs = [ia.ip_address(a) for a in L(rt.get("ipv6.routing.srh.addr"))]
            if (int(rt["ipv6.routing.type"]), int(rt["ipv6.routing.segleft"]),
                    int(rt["ipv6.routing.srh.last_entry"]), segs) != (4, 0, 0, [odst]):
                e.append("SRH type %s SL %s LE %s %s, want type 4 SL 0 LE 0 [%s]" % (
                    rt["ipv6.routing.type"], rt["ipv6.routing.segleft"],
                    rt["ipv6.routing.srh.last_entry"], [str(s) for s in segs], odst))
            if int(rt["ipv6.routing.nxt"]) != 143:
                e.append("SRH next header %s, want 143" % rt["ipv6.routing.nxt"])
    else:
        if rt is not None or int(o["ipv6.nxt"]) != 143:
            e.append("outer next header %s%s, want 143 and no SRH" % (
                o["ipv6.nxt"], " with a routing header" if rt is not None else ""))
    if int(o["ipv6.hlim"]) != 64:
        e.append("outer hop limit %s, want 64" % o["ipv6.hlim"])
    eth = L(ly.get("eth"))
    if len(eth) < 2:
        e.append("no inner Ethernet header")
    else:
        i = eth[1]
        if i["eth.src"] != smac:
            e.append("inner source MAC %s, want %s" % (i["eth.src"], smac))
        if i["eth.dst"] == dmac:
            to_dst += 1
        elif i["eth.dst"] == "ff:ff:ff:ff:ff:ff" and "arp" in ly:
            arp_bc += 1
        elif not int(i["eth.dst"].split(":")[0], 16) & 1:
            e.append("inner destination MAC %s: neither %s nor multicast" % (i["eth.dst"], dmac))
        v = L(ly.get("vlan"))
        if v:
            ips = {ia.ip_address(x["ip.src"]) for x in L(ly.get("ip"))} | \
                  {ia.ip_address(x["ip.dst"]) for x in L(ly.get("ip"))}
            if int(v[0]["vlan.id"]) != vlan:
                e.append("VLAN %s, want %d" % (v[0]["vlan.id"], vlan))
            elif ips and not ips <= vnet:
                e.append("VLAN %d frame with addresses %s" % (vlan, sorted(map(str, ips))))
            else:
                tagged += 1
    if e:
        errs.append("frame %s: %s" % (num, "; ".join(e)))
print("%d frame(s) %s -> %s (%s, next header 143, hop limit 64): %d to %s, %d ARP broadcast(s), "
      "%d tagged VLAN %d, all from %s" % (n, osrc, odst, "SRH SL 0" if mode == "srh" else "no SRH",
                                         to_dst, dmac, arp_bc, tagged, vlan, smac))
for x in errs[:5]:
    print("  " + x)
short = []
if to_dst < want:
    short.append("want at least %d frames to %s" % (want, dmac))
if arp_bc < 1:
    short.append("want an ARP broadcast inside")
if tagged < 1:
    short.append("want a VLAN %d frame inside" % vlan)
for x in short:
    print("  " + x)
sys.exit(1 if errs or short else 0)
EOF
}

# ---------------------------------------------------------------- VLAN 300 on a CE

# A CE's VLAN subinterface: the kernel's (802.1Q, veth-CE.300) where it has
# one; a kernel without CONFIG_VLAN_8021Q gets the same from userspace: a TAP
# interface vl300 with the parent's MAC whose frames vlan_tap.py sends out of
# the parent tagged, and the parent's frames of VLAN 300 (the kernel hands
# the tag to packet sockets as auxdata) back into the TAP untagged.
declare -A VL_IF=()
VLAN_KIND=
vlan_tap_py() {
	cat >"$WORK/vlan_tap.py" <<'EOF'
import fcntl, os, select, signal, socket, struct, sys
parent, tap, vid = sys.argv[1], sys.argv[2], int(sys.argv[3])
SOL_PACKET, PACKET_AUXDATA, TP_STATUS_VLAN_VALID, PACKET_OUTGOING = 263, 8, 1 << 4, 4
TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454CA, 0x0002, 0x1000
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
t = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(t, TUNSETIFF, struct.pack("16sH", tap.encode(), IFF_TAP | IFF_NO_PI))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
s.bind((parent, 0))
print("vlan %d: %s <-> %s" % (vid, tap, parent), flush=True)
while True:
    r, _, _ = select.select([s, t], [], [])
    if t in r:  # from the TAP: tag it, out of the parent
        f = os.read(t, 65536)
        if len(f) >= 14:
            s.send(f[:12] + struct.pack("!HH", 0x8100, vid) + f[12:])
    if s in r:
        f, anc, _, addr = s.recvmsg(65536, socket.CMSG_SPACE(20))
        if addr[2] == PACKET_OUTGOING or len(f) < 14:
            continue
        tci = None
        for lvl, typ, data in anc:
            if lvl == SOL_PACKET and typ == PACKET_AUXDATA and len(data) >= 20:
                st, _, _, _, _, vtci = struct.unpack("IIIHHH", data[:18])
                if st & TP_STATUS_VLAN_VALID:
                    tci = vtci
        if tci is None and f[12:14] == b"\x81\x00":  # the tag still in the frame
            tci, f = struct.unpack("!H", f[14:16])[0], f[:12] + f[16:]
        if tci is not None and tci & 0xfff == vid:
            os.write(t, f)
EOF
}

# vlan_add SHORT ADDR...: VLAN_ID on veth-SHORT with these addresses
vlan_add() {
	local c=$1 ifn
	shift
	if [[ -z $VLAN_KIND ]]; then
		if nsx "$c" ip link add link "veth-$c" name "veth-$c.$VLAN_ID" type vlan id "$VLAN_ID" 2>/dev/null; then
			VLAN_KIND=kernel
		else
			VLAN_KIND=tap
			vlan_tap_py
			log "no 802.1Q in this kernel: the VLAN subinterfaces are TAPs tagged by vlan_tap.py"
		fi
	elif [[ $VLAN_KIND == kernel ]]; then
		nsx "$c" ip link add link "veth-$c" name "veth-$c.$VLAN_ID" type vlan id "$VLAN_ID"
	fi
	if [[ $VLAN_KIND == kernel ]]; then
		ifn=veth-$c.$VLAN_ID
	else
		ifn=vl$VLAN_ID
		bg_start "vlan-$c" "$c" "$PY" "$WORK/vlan_tap.py" "veth-$c" "$ifn" "$VLAN_ID"
		wait_until "nsx $c ip link show $ifn" 10 || fail "vlan_tap.py on $c: $(cat "$WORK/vlan-$c.log")"
		nsx "$c" ip link set "$ifn" address "$(mac_of "$c" "veth-$c")"
	fi
	nsx "$c" ip link set "$ifn" up
	ifaddr "$c" "$ifn" "$@"
	VL_IF[$c]=$ifn
}

# ---------------------------------------------------------------- topology

section "topology: CE1 - PE1 (srv6d) - PE2 (srv6d) - CE2, one subnet over SRv6"
for n in ce1 pe1 pe2 ce2; do ns_add "$n"; done
veth_add ce1 veth-ce1 pe1 veth-pe1-ce
veth_add pe1 veth-pe1-wan pe2 veth-pe2-wan
veth_add pe2 veth-pe2-ce ce2 veth-ce2
for p in pe1:veth-pe1-ce pe1:veth-pe1-wan pe2:veth-pe2-wan pe2:veth-pe2-ce; do
	kernel_quiet "${p%%:*}" "${p#*:}"
done
CE1_MAC=$(mac_of ce1 veth-ce1)
CE2_MAC=$(mac_of ce2 veth-ce2)
log "CE1 MAC $CE1_MAC, CE2 MAC $CE2_MAC"
ifaddr ce1 veth-ce1 "$L2_CE1_V4/24" "$L2_CE1_V6/64"
ifaddr ce2 veth-ce2 "$L2_CE2_V4/24" "$L2_CE2_V6/64"
vlan_add ce1 "$VL_CE1_V4/24" "$VL_CE1_V6/64"
vlan_add ce2 "$VL_CE2_V4/24" "$VL_CE2_V6/64"

# l2vpn_config WAN_ADDR OWN_DX2 REMOTE_DX2 REMOTE_LOC REMOTE_WAN ENCAP
l2vpn_config() {
	cat <<EOF
{
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-$7-ce", "vrf": "default",
     "addresses": [], "l2vpn": {"segments": ["$3"], "encap": "$6"}},
    {"name": "wan0", "device": "net_af_packet1,iface=veth-$7-wan", "vrf": "default",
     "addresses": ["$1/64"]}
  ],
  "encap": {"source": "$1", "hop_limit": 64},
  "sids": [
    {"sid": "$2", "behavior": "End.DX2", "port": "ce0"}
  ],
  "routes": [
    {"vrf": "default", "prefix": "$4", "nexthops": [{"type": "ip", "via": "$5", "port": "wan0"}]}
  ]
}
EOF
}
l2vpn_config "$PE1_WAN" "$PE1_DX2" "$PE2_DX2" "$PE2_LOC" "$PE2_WAN" h.encaps.l2 pe1 >"$WORK/pe1.json"
l2vpn_config "$PE2_WAN" "$PE2_DX2" "$PE1_DX2" "$PE1_LOC" "$PE1_WAN" h.encaps.l2.red pe2 >"$WORK/pe2.json"
srv6d_start_json pe1 pe2
ctl_on pe1 sid list >&2 || true

# Captures on the receiving end of the WAN link (srv6d's own transmissions
# need not pass the kernel's taps)
capture_start pe2w pe2 veth-pe2-wan # PE1 -> PE2
capture_start pe1w pe1 veth-pe1-wan # PE2 -> PE1

section "1. ARP and ND across the SRv6 core"
ping_warm ce1 "$L2_CE2_V4" 20
ping_warm ce1 "$L2_CE2_V6" 20
ping_warm ce1 "$VL_CE2_V4" 20
ping_warm ce1 "$VL_CE2_V6" 20
# CE2 learnt CE1 from its requests: it forgets, so that it asks in turn
nsx ce2 ip neigh flush dev veth-ce2
ping_warm ce2 "$L2_CE1_V4" 20
ping_warm ce2 "$L2_CE1_V6" 20
check "CE1's ARP entry for $L2_CE2_V4 is CE2's MAC ($CE2_MAC)" neigh_is ce1 veth-ce1 "$L2_CE2_V4" "$CE2_MAC"
check "CE2's ARP entry for $L2_CE1_V4 is CE1's MAC ($CE1_MAC)" neigh_is ce2 veth-ce2 "$L2_CE1_V4" "$CE1_MAC"
check "CE1's ND entry for $L2_CE2_V6 is CE2's MAC" neigh_is ce1 veth-ce1 "$L2_CE2_V6" "$CE2_MAC"
check "CE2's ND entry for $L2_CE1_V6 is CE1's MAC" neigh_is ce2 veth-ce2 "$L2_CE1_V6" "$CE1_MAC"
check "CE1's ARP entry for $VL_CE2_V4 on VLAN $VLAN_ID is CE2's MAC" \
	neigh_is ce1 "${VL_IF[ce1]}" "$VL_CE2_V4" "$CE2_MAC"
check "CE1's ND entry for $VL_CE2_V6 on VLAN $VLAN_ID is CE2's MAC" \
	neigh_is ce1 "${VL_IF[ce1]}" "$VL_CE2_V6" "$CE2_MAC"

# Pin the CEs' neighbour entries: no NUD probe or ARP refresh may add a
# frame to the measured window, so that the counters can be exact.
for c in ce1:ce2 ce2:ce1; do
	me=${c%%:*} peer=${c#*:}
	mac=$CE2_MAC
	[[ $peer == ce1 ]] && mac=$CE1_MAC
	for a in L2 VL; do
		ifn=veth-$me
		[[ $a == VL ]] && ifn=${VL_IF[$me]}
		for f in V4 V6; do
			v=${a}_${peer^^}_$f
			nsx "$me" ip neigh replace "${!v}" lladdr "$mac" dev "$ifn" nud permanent
		done
	done
done
# whatever a CE still had queued (MLD reports of the VLAN interface) is out
# before the window opens
sleep 0.5
declare -A S0 S1
for n in pe1 pe2; do S0[$n]=$(stats "$n"); done

section "2. pings across the L2VPN ($N each)"
check "ping CE1 -> CE2 IPv4 ($L2_CE1_V4 -> $L2_CE2_V4)" ping_check ce1 "$L2_CE2_V4"
check "ping CE1 -> CE2 IPv6 ($L2_CE1_V6 -> $L2_CE2_V6)" ping_check ce1 "$L2_CE2_V6"
check "ping CE2 -> CE1 IPv4 ($L2_CE2_V4 -> $L2_CE1_V4)" ping_check ce2 "$L2_CE1_V4"
check "ping CE2 -> CE1 IPv6 ($L2_CE2_V6 -> $L2_CE1_V6)" ping_check ce2 "$L2_CE1_V6"
check "ping CE1 -> CE2 IPv4 on VLAN $VLAN_ID ($VL_CE1_V4 -> $VL_CE2_V4)" ping_check ce1 "$VL_CE2_V4"
check "ping CE1 -> CE2 IPv6 on VLAN $VLAN_ID ($VL_CE1_V6 -> $VL_CE2_V6)" ping_check ce1 "$VL_CE2_V6"
for n in pe1 pe2; do S1[$n]=$(stats "$n"); done
capture_stop pe2w
capture_stop pe1w

section "3. wire: the frames inside IPv6 on the WAN link (tshark)"
M=$((6 * N)) # per direction: frames to the other CE over the measured pings
check "PE1 -> PE2: H.Encaps.L2 $PE1_WAN -> $PE2_DX2, SRH [$PE2_DX2] SL 0, nh 143, CE1's frames" \
	l2_wire "$WORK/pe2w.pcap" "$PE1_WAN" "$PE2_DX2" srh "$CE1_MAC" "$CE2_MAC" "$M"
check "PE2 -> PE1: H.Encaps.L2.Red $PE2_WAN -> $PE1_DX2, no SRH, nh 143, CE2's frames" \
	l2_wire "$WORK/pe1w.pcap" "$PE2_WAN" "$PE1_DX2" red "$CE2_MAC" "$CE1_MAC" "$M"

section "4. counters (stats.get, over the $((6 * N)) measured pings)"
# Frames CE1 sent in the window: N IPv4 + N IPv6 requests untagged, the same
# on the VLAN, N + N replies to CE2's pings; CE2 the same numbers.
check "PE1 ce0 received the $M frames of CE1" port_delta "${S0[pe1]}" "${S1[pe1]}" ce0 rx_packets "$M"
check "PE2 End.DX2 $PE2_DX2 counts the $M frames PE1 encapsulated" \
	sid_delta "${S0[pe2]}" "${S1[pe2]}" "$PE2_DX2" "$M"
check "PE2 ce0 sent them to CE2" port_delta "${S0[pe2]}" "${S1[pe2]}" ce0 tx_packets "$M"
check "PE2 ce0 received the $M frames of CE2" port_delta "${S0[pe2]}" "${S1[pe2]}" ce0 rx_packets "$M"
check "PE1 End.DX2 $PE1_DX2 counts the $M frames PE2 encapsulated" \
	sid_delta "${S0[pe1]}" "${S1[pe1]}" "$PE1_DX2" "$M"
check "PE1 ce0 sent them to CE1" port_delta "${S0[pe1]}" "${S1[pe1]}" ce0 tx_packets "$M"
for n in pe1 pe2; do
	stats_summary "${S1[$n]}" >&2
	check "$n: no drop counted during the measured pings" drops_window "${S0[$n]}" "${S1[$n]}"
	check "$n: since the start, no drop but local_unhandled" drops_check "${S1[$n]}" '^local_unhandled$'
done

section "clean exits"
srv6d_stop_checked pe2 pe1

checks_end
