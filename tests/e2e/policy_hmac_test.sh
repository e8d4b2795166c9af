#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# SR policies (RFC 9256, steering by color) and the SRH HMAC TLV (RFC 8754
# 2.1.2) across four srv6d instances, with unmodified Linux hosts as CEs:
#
#                 +---- T1 (srv6d, End T1_END) ----+
#   CE1 ---- PE1 (srv6d)                          PE2 (srv6d) ---- CE2
#                 +---- T2 (srv6d, End T2_END) ----+
#
#   CE1 172.16.10.2 / 2001:db8:1::2      CE2 172.16.20.2 / 2001:db8:2::2
#   PE1 t1 2001:db8:0:11::1 -- T1 pe1 2001:db8:0:11::2
#   PE1 t2 2001:db8:0:12::1 -- T2 pe1 2001:db8:0:12::2
#   T1 pe2 2001:db8:0:21::1 -- PE2 t1 2001:db8:0:21::2
#   T2 pe2 2001:db8:0:22::1 -- PE2 t2 2001:db8:0:22::2
#
#   PE1 End.DT46 2a0e:97c0:ae6:1001:1:: (VRF), encap source 2001:db8:0:11::1
#   PE2 End.DT46 2a0e:97c0:ae6:2001:46:: (VRF), encap source 2001:db8:0:22::2,
#       loopback 2001:db8:ff::2 (the policy's endpoint: the BGP next hop its
#       VPN routes would carry)
#   T1 End 2a0e:97c0:ae6:3001:e::, T2 End 2a0e:97c0:ae6:3002:e::
#
# PE1's VPN routes to CE2's nets: {"type": "srv6", "segments": [PE2_DT46],
# "policy": {"color": 10, "endpoint": PE2_LO}}; policy (10, PE2_LO) has the
# lists [T1_END] weight 3 and [T2_END] weight 1 (startup file). PE1's
# underlay reaches PE2's locator through T1 as plain IPv6 transit (the
# best-effort path when the policy is gone). PE2 back to CE1: H.Encaps
# [PE1_DT46] through T2 as plain transit. Both PEs have HMAC key 7 in their
# startup file.
#
# 1. Pings CE1 <-> CE2, IPv4 and IPv6.
# 2. Weighted spread: 120 IPv4 and 120 IPv6 UDP flows from CE1 (one source
#    port each), every flow sent twice: T1_END's counter takes 0.6..0.9 of
#    them, T1_END + T2_END all, CE2 receives all; tshark on the PE1-T1 and
#    PE1-T2 links: no flow's port on both links (flows stick to one list).
# 3. tshark: SRH [T_END, PE2_DT46] (wire order [PE2_DT46, T_END]) SL 1
#    from PE1 on both links.
# 4. policy.del at runtime: best effort, H.Encaps [PE2_DT46] through T1 as
#    plain transit; T1_END/T2_END counters stand still, pings and flows
#    pass, nothing on the PE1-T2 link. policy.add again: the split is back.
# 5. HMAC: PE1's next hops sign with key 7 (route.add with hmac_key_id),
#    PE2's End.DT46 gets hmac_required (sid.add replaces it): pings and
#    flows pass, each captured SRH on both links carries a TLV (type 5,
#    Length 38, key id 7, H flag) whose HMAC this script recomputes with
#    Python's hmac; PE2 drops nothing. PE2's key 7 replaced by another
#    secret: pings lost, hmac_mismatch grows by the count; restored: pings
#    pass. PE2's key 7 deleted: hmac_unknown_key. PE1's IPv4 route without
#    hmac_key_id: hmac_missing. Each restored, pings pass.
# 6. Drops: none on PE1, T1, T2 but local_unhandled (the CEs' MLD reports);
#    PE2 exactly the provoked hmac_* counts besides; clean exits.
#
# Every check prints "ok" or "FAIL"; the test exits 1 if any failed.
# Needs root, iproute2, ethtool, tshark/dumpcap, /usr/bin/python3 and srv6d
# (skips, 77, without them); no kernel SRv6.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/checks.sh"
export LC_ALL=C
e2e_init policy_hmac
N=${POLICY_HMAC_PINGS:-5}
FLOWS=${POLICY_HMAC_FLOWS:-120} # per family
T0=$SECONDS

# ---------------------------------------------------------------- addressing

# CE1_*, CE2_*, PE1_CE_*, PE2_CE_*, CE1_NET*, CE2_NET*, VRF, VRF_TABLE,
# PE1_LOC, PE1_SID_DT46, PE2_LOC: topo.sh
P1_T1=2001:db8:0:11::1 # PE1's end of the PE1-T1 link (and its encap source)
T1_P1=2001:db8:0:11::2
P1_T2=2001:db8:0:12::1
T2_P1=2001:db8:0:12::2
T1_P2=2001:db8:0:21::1
P2_T1=2001:db8:0:21::2
T2_P2=2001:db8:0:22::1
P2_T2=2001:db8:0:22::2 # PE2's encap source
PE2_LO=2001:db8:ff::2
PE2_DT46=2a0e:97c0:ae6:2001:46::
T1_LOC=2a0e:97c0:ae6:3001::/64
T1_END=2a0e:97c0:ae6:3001:e::
T2_LOC=2a0e:97c0:ae6:3002::/64
T2_END=2a0e:97c0:ae6:3002:e::
COLOR=10
KEY_ID=7
SECRET=8f1c2a7d5b9e40f3a6c1d2e3f4051627384950a1b2c3d4e5f60718293a4b5c6d
SECRET_OTHER=0badc0ffee0ddf00d00123456789abcdef0123456789abcdef0123456789abcd
UDP_PORT=9000
# UDP source port ranges of the flows (IPv4 2xxxx, IPv6 3xxxx)
WARM4=19000 WARM6=29000   # warm-up
SPLIT4=20000 SPLIT6=30000 # the weighted split (sections 2 and 4)
BE4=21000 BE6=31000       # best effort (section 4)
HM4=22000 HM6=32000       # signed (section 5)

# ---------------------------------------------------------------- checks

trap srv6d_logs_trap EXIT

# ping_lost SHORT DST COUNT: COUNT pings, every one lost
ping_lost() {
	local out
	out=$(nsx "$1" ping -n -q -c "$3" -i 0.1 -W 1 "$2" 2>&1) || true
	printf '%s\n' "$out" | grep 'packets transmitted'
	printf '%s\n' "$out" | grep -q "$3 packets transmitted, 0 received"
}

# drop_of JSON REASON: one drop counter
drop_of() { $PY -c 'import json,sys; print((json.loads(sys.argv[1]).get("drops") or {}).get(sys.argv[2], 0))' "$1" "$2"; }

# drop_delta BEFORE AFTER REASON WANT: that drop counter grew by WANT, no other did
drop_delta() {
	local a b out rc=0
	a=$(drop_of "$1" "$3") b=$(drop_of "$2" "$3")
	echo "$3 $a -> $b: +$((b - a)), want +$4"
	out=$(drops_delta "$1" "$2" "^$3\$") || rc=$?
	printf '%s\n' "$out"
	((b - a == $4 && rc == 0))
}

# drops_check JSON ALLOWED_REGEX [REASON=COUNT...]: every drop reason with a
# count matches the regex; the named ones have exactly that count
drops_check() {
	$PY - "$@" <<'EOF'
import json, re, sys
drops = {k: v for k, v in (json.loads(sys.argv[1]).get("drops") or {}).items() if v}
allowed = re.compile(sys.argv[2])
bad = {k: v for k, v in drops.items() if not allowed.search(k)}
exact = dict((kv.split("=")[0], int(kv.split("=")[1])) for kv in sys.argv[3:])
wrong = {k: "%d, want %d" % (drops.get(k, 0), v) for k, v in exact.items() if drops.get(k, 0) != v}
print("drops: %s%s%s" % (json.dumps(drops) if drops else "none",
                         ("; not allowed: " + json.dumps(bad)) if bad else "",
                         ("; wrong counts: " + json.dumps(wrong)) if wrong else ""))
sys.exit(1 if bad or wrong else 0)
EOF
}

# result_is NAME METHOD PARAMS EXPR: the RPC's result r satisfies the Python
# expression EXPR (ip() parses an address; json is there); prints r
result_is() {
	local out
	out=$(rpc_on "$1" "$2" ${3:+"$3"}) || { echo "$2: $out"; return 1; }
	$PY - "$out" "$4" <<'EOF'
import ipaddress, json, sys
r = json.loads(sys.argv[1]).get("result")
ip = ipaddress.ip_address
print("result: %s" % json.dumps(r)[:600])
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}

# no_frames PCAP FILTER: no frame of PCAP matches the tshark FILTER
no_frames() {
	local out
	out=$(tshark -r "$1" -n -Y "$2" 2>/dev/null | head -n 5)
	echo "${1##*/}: $(tshark -r "$1" -n 2>/dev/null | wc -l) frame(s), none matching $2"
	[[ -z $out ]] || { printf 'but:\n%s\n' "$out"; return 1; }
}

# ---------------------------------------------------------------- UDP flows

# udp_flows.py recv PORT: prints "FAMILY SPORT" per datagram received (both
# families); udp_flows.py send DST PORT SPORT0 N ROUNDS GAP_S: N flows from
# source ports SPORT0.., ROUNDS times each (all flows, then all again), one
# datagram per flow and round, GAP_S between datagrams
cat >"$WORK/udp_flows.py" <<'EOF'
import select, signal, socket, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
if sys.argv[1] == "recv":
    port = int(sys.argv[2])
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.bind(("0.0.0.0", port))
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s6.bind(("::", port))
    print("listening on %d" % port, flush=True)
    while True:
        for s in select.select([s4, s6], [], [])[0]:
            _, a = s.recvfrom(2048)
            print("%d %d" % (4 if s is s4 else 6, a[1]), flush=True)
else:
    dst, port, sport0, n, rounds, gap = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
        int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    socks = []
    for i in range(n):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport0 + i))
        socks.append(s)
    for r in range(rounds):
        for i, s in enumerate(socks):
            s.sendto(b"flow %d round %d" % (sport0 + i, r), (dst, port))
            time.sleep(gap)
    print("sent %d flows x %d to %s" % (n, rounds, dst))
EOF

# flows_send SPORT0 N ROUNDS DST: CE1 sends N flows ROUNDS times to DST
flows_send() { nsx ce1 "$PY" "$WORK/udp_flows.py" send "$4" "$UDP_PORT" "$1" "$2" "$3" 0.002 >/dev/null; }
# recv_count SPORT0 N: datagrams CE2 received from source ports SPORT0..+N-1
recv_count() { awk -v a="$1" -v b="$(($1 + $2))" '$2 >= a && $2 < b' "$WORK/recv.log" | wc -l; }
# flows_arrived SPORT0 N WANT: CE2 received WANT datagrams of those flows
flows_arrived() {
	local got
	wait_until "(( \$(recv_count $1 $2) >= $3 ))" 10 || true
	sleep 0.2 # and no more than that
	got=$(recv_count "$1" "$2")
	echo "CE2 received $got datagram(s) from source ports $1..$(($1 + $2 - 1)), want $3"
	((got == $3))
}
# flows_all SPORT4 SPORT6 N ROUNDS: both families' flows from CE1 to CE2
flows_all() {
	flows_send "$1" "$3" "$4" "$CE2_V4"
	flows_send "$2" "$3" "$4" "$CE2_V6"
}

# share WHAT A B LO HI: A / (A + B) within [LO, HI]
share() {
	$PY - "$@" <<'EOF'
import sys
what, a, b, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
s = a / (a + b) if a + b else 0.0
print("%s: %d of %d = %.3f, want %.2f..%.2f" % (what, a, a + b, s, lo, hi))
sys.exit(0 if lo <= s <= hi else 1)
EOF
}

# sticky PCAP_T1 PCAP_T2 ROUNDS SPORT0:N...: the flows' UDP source ports in
# the frames from PE1 to T1_END (PCAP_T1) and T2_END (PCAP_T2): no port on
# both links, each port ROUNDS times on its link, every port seen
sticky() {
	local p1=$1 p2=$2 rounds=$3
	shift 3
	$PY - "$p1" "$p2" "$rounds" "$T1_END" "$T2_END" "$UDP_PORT" "$@" <<'EOF'
import collections, subprocess, sys
p1, p2, rounds, e1, e2, dport = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
want = set()
for r in sys.argv[7:]:
    a, n = map(int, r.split(":"))
    want |= set(range(a, a + n))
def ports(pcap, end):
    out = subprocess.run(["tshark", "-r", pcap, "-n", "-Y", "ipv6.dst == %s && udp.dstport == %s" % (end, dport),
                          "-T", "fields", "-e", "udp.srcport"], capture_output=True, text=True, check=True).stdout
    return collections.Counter(int(x) for x in out.split() if int(x) in want)
c1, c2 = ports(p1, e1), ports(p2, e2)
both = sorted(set(c1) & set(c2))
missing = sorted(want - set(c1) - set(c2))
odd = sorted(p for c in (c1, c2) for p, k in c.items() if k != rounds)
print("%d flow(s) on the PE1-T1 link (%d frames), %d on the PE1-T2 link (%d frames), %d on both, %d not seen, "
      "%d not seen %d times on their link" % (len(c1), sum(c1.values()), len(c2), sum(c2.values()), len(both),
                                               len(missing), len(odd), rounds))
for what, l in (("on both links", both), ("not seen", missing), ("count != %d" % rounds, odd)):
    if l:
        print("  %s: %s" % (what, l[:20]))
sys.exit(1 if both or missing or odd else 0)
EOF
}

# hmac_tlv PCAP T_END MIN: every frame from PE1 (P1_T1) to T_END carries an
# SRH [PE2_DT46, T_END] SL 1 LE 1 with the H flag and an HMAC TLV (type 5,
# Length 38, key id KEY_ID) right after the segments, whose HMAC-SHA256 over
# source, Last Entry, Flags, key id and segment list (RFC 8754 2.1.2.1)
# verifies with SECRET (recomputed here from the captured bytes); at least
# MIN such frames
hmac_tlv() {
	$PY - "$1" "$2" "$3" "$P1_T1" "$PE2_DT46" "$KEY_ID" "$SECRET" <<'EOF'
import hashlib, hmac, ipaddress as ia, struct, sys
pcap, end, want, src, dt46, kid, secret = sys.argv[1], ia.ip_address(sys.argv[2]).packed, int(sys.argv[3]), \
    ia.ip_address(sys.argv[4]).packed, ia.ip_address(sys.argv[5]).packed, int(sys.argv[6]), bytes.fromhex(sys.argv[7])
data = open(pcap, "rb").read()
magic = data[:4]
if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
    e = "<"
elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
    e = ">"
else:
    sys.exit("%s: not a pcap file" % pcap)
off, num, n, errs = 24, 0, 0, []
while off + 16 <= len(data):
    incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
    fr = data[off + 16:off + 16 + incl]
    off += 16 + incl
    num += 1
    if len(fr) < 54 or fr[12:14] != b"\x86\xdd":
        continue
    ip6 = fr[14:]
    if ip6[8:24] != src or ip6[24:40] != end:
        continue
    n += 1
    er = []
    srh = ip6[40:]
    if ip6[6] != 43 or len(srh) < 8 or srh[2] != 4:
        errs.append("frame %d: no SRH" % num)
        continue
    size = 8 * (srh[1] + 1)
    le, sl, flags = srh[4], srh[3], srh[5]
    segs = srh[8:8 + 16 * (le + 1)]
    if (le, sl) != (1, 1) or segs != dt46 + end:
        er.append("SRH LE %d SL %d, not [PE2_DT46, T_END] SL 1" % (le, sl))
    if not flags & 0x08:
        er.append("flags 0x%02x without the H bit" % flags)
    tlv = srh[8 + 16 * (le + 1):size]
    if len(tlv) != 40 or tlv[0] != 5 or tlv[1] != 38:
        er.append("after the segments %d byte(s) of TLV %s, want HMAC type 5 Length 38" % (
            len(tlv), tlv[:2].hex()))
    else:
        k = struct.unpack("!I", tlv[4:8])[0]
        text = src + bytes([le, flags]) + tlv[4:8] + segs
        mac = hmac.new(secret, text, hashlib.sha256).digest()
        if k != kid:
            er.append("key id %d, want %d" % (k, kid))
        if not hmac.compare_digest(mac, tlv[8:40]):
            er.append("HMAC %s does not verify (want %s)" % (tlv[8:16].hex(), mac[:8].hex()))
    if er:
        errs.append("frame %d: %s" % (num, "; ".join(er)))
print("%d frame(s) %s -> %s: SRH [%s, %s] SL 1, H flag, HMAC TLV type 5 len 38 key id %d, HMAC-SHA256 recomputed"
      % (n, sys.argv[4], sys.argv[2], sys.argv[5], sys.argv[2], kid))
for x in errs[:5]:
    print("  " + x)
if n < want:
    print("  want at least %d" % want)
sys.exit(1 if errs or n < want else 0)
EOF
}

# srh_len_flags PCAP DST LEN FLAGS: tshark finds every SRH of the frames to
# DST with Hdr Ext Len LEN and flags FLAGS
srh_len_flags() {
	local out
	out=$(tshark -r "$1" -n -Y "ipv6.dst == $2 && ipv6.routing" -T fields -e ipv6.routing.len \
		-e ipv6.routing.srh.flags 2>/dev/null | sort | uniq -c)
	echo "frames to $2 by (SRH Length, flags): ${out:-none}"
	[[ -n $out && $(wc -l <<<"$out") == 1 && $out =~ [0-9]+\ $3[[:space:]]+$4$ ]]
}

# ---------------------------------------------------------------- topology

section "topology: CE1 - PE1 (srv6d) - {T1, T2} (srv6d) - PE2 (srv6d) - CE2"
for n in ce1 pe1 t1 t2 pe2 ce2; do ns_add "$n"; done
veth_add ce1 veth-ce1 pe1 veth-pe1-ce
veth_add pe1 veth-pe1-t1 t1 veth-t1-pe1
veth_add pe1 veth-pe1-t2 t2 veth-t2-pe1
veth_add t1 veth-t1-pe2 pe2 veth-pe2-t1
veth_add t2 veth-t2-pe2 pe2 veth-pe2-t2
veth_add pe2 veth-pe2-ce ce2 veth-ce2
for p in pe1:veth-pe1-ce pe1:veth-pe1-t1 pe1:veth-pe1-t2 t1:veth-t1-pe1 t1:veth-t1-pe2 \
	t2:veth-t2-pe1 t2:veth-t2-pe2 pe2:veth-pe2-t1 pe2:veth-pe2-t2 pe2:veth-pe2-ce; do
	kernel_quiet "${p%%:*}" "${p#*:}"
done
ce_host ce1 veth-ce1 "$CE1_V4/24" "$CE1_V6/64" "$PE1_CE_V4" "$PE1_CE_V6"
ce_host ce2 veth-ce2 "$CE2_V4/24" "$CE2_V6/64" "$PE2_CE_V4" "$PE2_CE_V6"

# via GW PORT: an ip next hop list
via() { printf '[{"type": "ip", "via": "%s", "port": "%s"}]' "$1" "$2"; }
# steered [HMAC_KEY_ID]: PE1's next hop list to CE2: PE2's End.DT46 steered
# into policy (COLOR, PE2_LO), signed with that key if given
steered() {
	printf '[{"type": "srv6", "segments": ["%s"], "policy": {"color": %d, "endpoint": "%s"}%s}]' \
		"$PE2_DT46" "$COLOR" "$PE2_LO" "${1:+, \"hmac_key_id\": $1}"
}
# policy_obj: the policy, two lists weighted 3:1
policy_obj() {
	printf '{"color": %d, "endpoint": "%s", "name": "via-t1-t2", "segment_lists": [%s, %s]}' \
		"$COLOR" "$PE2_LO" "{\"segments\": [\"$T1_END\"], \"weight\": 3}" "{\"segments\": [\"$T2_END\"], \"weight\": 1}"
}
# dt46 [REQUIRED]: PE2's End.DT46 SID object
dt46() {
	printf '{"sid": "%s/128", "behavior": "End.DT46", "vrf": "%s"%s}' "$PE2_DT46" "$VRF" \
		"${1:+, \"hmac_required\": true}"
}
HMAC_KEYS="[{\"key_id\": $KEY_ID, \"secret\": \"$SECRET\", \"algorithm\": \"hmac-sha256\"}]"
VRF_OBJ="{\"name\": \"$VRF\", \"table\": $VRF_TABLE, \"rd\": \"10.1.1.1:101\", \"import_rt\": [\"65513:101\"], \"export_rt\": [\"65513:101\"]}"

cat >"$WORK/pe1.json" <<EOF
{
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-pe1-ce", "vrf": "$VRF",
     "addresses": ["$PE1_CE_V4/24", "$PE1_CE_V6/64"]},
    {"name": "t1", "device": "net_af_packet1,iface=veth-pe1-t1", "vrf": "default",
     "addresses": ["$P1_T1/64"]},
    {"name": "t2", "device": "net_af_packet2,iface=veth-pe1-t2", "vrf": "default",
     "addresses": ["$P1_T2/64"]}
  ],
  "encap": {"source": "$P1_T1", "hop_limit": 64},
  "vrfs": [$VRF_OBJ],
  "hmac_keys": $HMAC_KEYS,
  "policies": [$(policy_obj)],
  "sids": [
    {"sid": "$PE1_SID_DT46/128", "behavior": "End.DT46", "vrf": "$VRF"}
  ],
  "routes": [
    {"vrf": "default", "prefix": "$T1_LOC", "nexthops": $(via "$T1_P1" t1)},
    {"vrf": "default", "prefix": "$T2_LOC", "nexthops": $(via "$T2_P1" t2)},
    {"vrf": "default", "prefix": "$PE2_LOC", "nexthops": $(via "$T1_P1" t1)},
    {"vrf": "$VRF", "prefix": "$CE2_NET4", "nexthops": $(steered)},
    {"vrf": "$VRF", "prefix": "$CE2_NET6", "nexthops": $(steered)}
  ]
}
EOF
# transit_config NAME END LOC_A_VIA LOC_B_VIA OWN_P1 OWN_P2
transit_config() {
	cat <<EOF
{
  "ports": [
    {"name": "pe1", "device": "net_af_packet0,iface=veth-$1-pe1", "vrf": "default",
     "addresses": ["$5/64"]},
    {"name": "pe2", "device": "net_af_packet1,iface=veth-$1-pe2", "vrf": "default",
     "addresses": ["$6/64"]}
  ],
  "encap": {"source": "$6", "hop_limit": 64},
  "sids": [
    {"sid": "$2/128", "behavior": "End"}
  ],
  "routes": [
    {"vrf": "default", "prefix": "$PE1_LOC", "nexthops": $(via "$3" pe1)},
    {"vrf": "default", "prefix": "$PE2_LOC", "nexthops": $(via "$4" pe2)}
  ]
}
EOF
}
transit_config t1 "$T1_END" "$P1_T1" "$P2_T1" "$T1_P1" "$T1_P2" >"$WORK/t1.json"
transit_config t2 "$T2_END" "$P1_T2" "$P2_T2" "$T2_P1" "$T2_P2" >"$WORK/t2.json"
cat >"$WORK/pe2.json" <<EOF
{
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-pe2-ce", "vrf": "$VRF",
     "addresses": ["$PE2_CE_V4/24", "$PE2_CE_V6/64"]},
    {"name": "t1", "device": "net_af_packet1,iface=veth-pe2-t1", "vrf": "default",
     "addresses": ["$P2_T1/64"]},
    {"name": "t2", "device": "net_af_packet2,iface=veth-pe2-t2", "vrf": "default",
     "addresses": ["$P2_T2/64"]}
  ],
  "encap": {"source": "$P2_T2", "hop_limit": 64},
  "vrfs": [$VRF_OBJ],
  "hmac_keys": $HMAC_KEYS,
  "sids": [$(dt46)],
  "routes": [
    {"vrf": "default", "prefix": "$PE1_LOC", "nexthops": $(via "$T2_P2" t2)},
    {"vrf": "$VRF", "prefix": "$CE1_NET4", "nexthops": [{"type": "srv6", "segments": ["$PE1_SID_DT46"]}]},
    {"vrf": "$VRF", "prefix": "$CE1_NET6", "nexthops": [{"type": "srv6", "segments": ["$PE1_SID_DT46"]}]}
  ]
}
EOF
srv6d_start_json pe1 t1 t2 pe2
ctl_on pe1 route list >&2 || true
bg_start recv ce2 "$PY" "$WORK/udp_flows.py" recv "$UDP_PORT"
wait_until "grep -q listening '$WORK/recv.log'" 10 || fail "UDP receiver on CE2: $(cat "$WORK/recv.log")"

section "warm-up: neighbours on every hop, both lists"
ping_warm ce1 "$CE2_V4" 20
ping_warm ce1 "$CE2_V6" 20
ping_warm ce2 "$CE1_V4" 20
ping_warm ce2 "$CE1_V6" 20
# a few paced flows take both lists, so that PE1 and T2 resolve their
# neighbours before anything is measured (at most 16 packets wait for one)
flows_all "$WARM4" "$WARM6" 16 1
wait_until "(( \$(recv_count $WARM4 16) == 16 && \$(recv_count $WARM6 16) == 16 ))" 10 ||
	log "warm-up flows: $(recv_count "$WARM4" 16) + $(recv_count "$WARM6" 16) of 32 arrived"
declare -A S1 S2 S3 S4 S5 S6

section "1. pings across the policy ($N each)"
check "ping CE1 -> CE2 IPv4 ($CE1_V4 -> $CE2_V4)" ping_check ce1 "$CE2_V4"
check "ping CE1 -> CE2 IPv6 ($CE1_V6 -> $CE2_V6)" ping_check ce1 "$CE2_V6"
check "ping CE2 -> CE1 IPv4 ($CE2_V4 -> $CE1_V4)" ping_check ce2 "$CE1_V4"
check "ping CE2 -> CE1 IPv6 ($CE2_V6 -> $CE1_V6)" ping_check ce2 "$CE1_V6"
check "policy.list on PE1: ($COLOR, $PE2_LO) with [$T1_END] weight 3, [$T2_END] weight 1" \
	result_is pe1 policy.list '' \
	"[(p['color'], ip(p['endpoint']), [([ip(s) for s in l['segments']], l.get('weight', 1)) for l in p['segment_lists']]) for p in r] == [($COLOR, ip('$PE2_LO'), [([ip('$T1_END')], 3), ([ip('$T2_END')], 1)])]"

section "2. weighted spread: $FLOWS IPv4 + $FLOWS IPv6 flows, each twice"
capture_start t1a t1 veth-t1-pe1 # PE1 -> T1
capture_start t2a t2 veth-t2-pe1 # PE1 -> T2
for n in pe1 t1 t2 pe2; do S1[$n]=$(stats "$n"); done
flows_all "$SPLIT4" "$SPLIT6" "$FLOWS" 2
check "CE2 received all IPv4 flows twice" flows_arrived "$SPLIT4" "$FLOWS" $((2 * FLOWS))
check "CE2 received all IPv6 flows twice" flows_arrived "$SPLIT6" "$FLOWS" $((2 * FLOWS))
for n in pe1 t1 t2 pe2; do S2[$n]=$(stats "$n"); done
capture_stop t1a
capture_stop t2a
D1=$(($(sid_packets "${S2[t1]}" "$T1_END") - $(sid_packets "${S1[t1]}" "$T1_END")))
D2=$(($(sid_packets "${S2[t2]}" "$T2_END") - $(sid_packets "${S1[t2]}" "$T2_END")))
check "T1_END + T2_END counted every datagram ($D1 + $D2, want $((4 * FLOWS)))" \
	test $((D1 + D2)) -eq $((4 * FLOWS))
check "T1_END (weight 3 of 4) carries 0.6..0.9 of the datagrams" share "T1_END" "$D1" "$D2" 0.6 0.9
check "PE2 End.DT46 decapsulated every datagram" sid_delta "${S1[pe2]}" "${S2[pe2]}" "$PE2_DT46" $((4 * FLOWS))
check "flows stick to one list (tshark on PE1-T1 and PE1-T2 links)" \
	sticky "$WORK/t1a.pcap" "$WORK/t2a.pcap" 2 "$SPLIT4:$FLOWS" "$SPLIT6:$FLOWS"

section "3. wire: the policy's SRH on both links (tshark)"
for l in 1 2; do
	e=T${l}_END
	check "PE1 -> T$l IPv4: H.Encaps [${!e}, $PE2_DT46], SRH [$PE2_DT46, ${!e}] SL 1" \
		check_wire "$WORK/t${l}a.pcap" --label "PE1 -> T$l" --src "$P1_T1" --dst "${!e}" \
		--srh "$PE2_DT46,${!e}" --sl 1 --payload 4 --hlim 64 --select-inner \
		--inner-src "$CE1_V4" --inner-dst "$CE2_V4" --udp-checksum --min 10
	check "PE1 -> T$l IPv6: H.Encaps [${!e}, $PE2_DT46], SRH [$PE2_DT46, ${!e}] SL 1" \
		check_wire "$WORK/t${l}a.pcap" --label "PE1 -> T$l" --src "$P1_T1" --dst "${!e}" \
		--srh "$PE2_DT46,${!e}" --sl 1 --payload 41 --hlim 64 --select-inner \
		--inner-src "$CE1_V6" --inner-dst "$CE2_V6" --udp-checksum --min 10
done

section "4. policy.del at runtime: best effort [$PE2_DT46] through T1 as plain transit"
rpc_ok_on pe1 policy.del "{\"color\": $COLOR, \"endpoint\": \"$PE2_LO\"}" >/dev/null
check "policy.list on PE1 is empty" result_is pe1 policy.list '' "r == []"
capture_start t1b t1 veth-t1-pe1
capture_start t2b t2 veth-t2-pe1
for n in pe1 t1 t2 pe2; do S3[$n]=$(stats "$n"); done
check "ping CE1 -> CE2 IPv4 (best effort)" ping_check ce1 "$CE2_V4"
check "ping CE1 -> CE2 IPv6 (best effort)" ping_check ce1 "$CE2_V6"
check "ping CE2 -> CE1 IPv4 (best effort)" ping_check ce2 "$CE1_V4"
flows_all "$BE4" "$BE6" 40 1
check "CE2 received the 40 best-effort IPv4 flows" flows_arrived "$BE4" 40 40
check "CE2 received the 40 best-effort IPv6 flows" flows_arrived "$BE6" 40 40
for n in pe1 t1 t2 pe2; do S4[$n]=$(stats "$n"); done
capture_stop t1b
capture_stop t2b
check "T1_END counter stands still" sid_delta "${S3[t1]}" "${S4[t1]}" "$T1_END" 0
check "T2_END counter stands still" sid_delta "${S3[t2]}" "${S4[t2]}" "$T2_END" 0
check "PE2 End.DT46 counted the best-effort traffic (80 flows + $((3 * N)) requests/replies)" \
	sid_delta "${S3[pe2]}" "${S4[pe2]}" "$PE2_DT46" $((80 + 3 * N))
check "PE1 -> T1 IPv4: H.Encaps [$PE2_DT46], SRH [$PE2_DT46] SL 0" \
	check_wire "$WORK/t1b.pcap" --label "PE1 -> T1 (best effort)" --src "$P1_T1" --dst "$PE2_DT46" \
	--srh "$PE2_DT46" --sl 0 --payload 4 --hlim 64 --select-inner --inner-src "$CE1_V4" \
	--inner-dst "$CE2_V4" --min 40
check "PE1 -> T1 IPv6: H.Encaps [$PE2_DT46], SRH [$PE2_DT46] SL 0" \
	check_wire "$WORK/t1b.pcap" --label "PE1 -> T1 (best effort)" --src "$P1_T1" --dst "$PE2_DT46" \
	--srh "$PE2_DT46" --sl 0 --payload 41 --hlim 64 --select-inner --inner-src "$CE1_V6" \
	--inner-dst "$CE2_V6" --min 40
check "no frame to T1_END or T2_END while the policy is gone" \
	no_frames "$WORK/t1b.pcap" "ipv6.dst == $T1_END || ipv6.dst == $T2_END"
check "nothing of CE1's from PE1 on the PE1-T2 link" \
	no_frames "$WORK/t2b.pcap" "ipv6.src == $P1_T1 && !icmpv6.type in {133,134,135,136,143}"
for n in pe1 t1 t2 pe2; do
	check "$n: no drop counted in best effort" drops_window "${S3[$n]}" "${S4[$n]}"
done

section "4b. policy.add again: the split is back"
rpc_ok_on pe1 policy.add "$(policy_obj)" >/dev/null
flows_all "$SPLIT4" "$SPLIT6" "$FLOWS" 1
check "CE2 received the $FLOWS IPv4 flows a third time" flows_arrived "$SPLIT4" "$FLOWS" $((3 * FLOWS))
check "CE2 received the $FLOWS IPv6 flows a third time" flows_arrived "$SPLIT6" "$FLOWS" $((3 * FLOWS))
for n in pe1 t1 t2 pe2; do S5[$n]=$(stats "$n"); done
E1=$(($(sid_packets "${S5[t1]}" "$T1_END") - $(sid_packets "${S4[t1]}" "$T1_END")))
E2=$(($(sid_packets "${S5[t2]}" "$T2_END") - $(sid_packets "${S4[t2]}" "$T2_END")))
check "T1_END + T2_END counted every datagram again ($E1 + $E2, want $((2 * FLOWS)))" \
	test $((E1 + E2)) -eq $((2 * FLOWS))
check "T1_END carries 0.6..0.9 again" share "T1_END" "$E1" "$E2" 0.6 0.9
log "the same flows: T1_END $D1/2 = $((D1 / 2)) before, $E1 now"

section "5. SRH HMAC: PE1 signs with key $KEY_ID, PE2's End.DT46 requires it"
for n in pe1 pe2; do
	check "hmac.key.list on $n: key $KEY_ID, hmac-sha256, no secret" result_is "$n" hmac.key.list '' \
		"[(k['key_id'], k.get('algorithm')) for k in r] == [($KEY_ID, 'hmac-sha256')] and '$SECRET' not in json.dumps(r)"
done
for f in "$CE2_NET4" "$CE2_NET6"; do
	rpc_ok_on pe1 route.add "{\"vrf\": \"$VRF\", \"prefix\": \"$f\", \"nexthops\": $(steered "$KEY_ID")}" >/dev/null
done
rpc_ok_on pe2 sid.add "$(dt46 required)" >/dev/null
check "PE2's End.DT46 has hmac_required (sid.list)" result_is pe2 sid.list '' \
	"[s.get('hmac_required') for s in r if ip(s['sid'].split('/')[0]) == ip('$PE2_DT46')] == [True]"
capture_start t1h t1 veth-t1-pe1
capture_start t2h t2 veth-t2-pe1
for n in pe1 t1 t2 pe2; do S5[$n]=$(stats "$n"); done
check "ping CE1 -> CE2 IPv4, signed" ping_check ce1 "$CE2_V4"
check "ping CE1 -> CE2 IPv6, signed" ping_check ce1 "$CE2_V6"
check "ping CE2 -> CE1 IPv4 (replies signed)" ping_check ce2 "$CE1_V4"
check "ping CE2 -> CE1 IPv6 (replies signed)" ping_check ce2 "$CE1_V6"
flows_all "$HM4" "$HM6" 40 1
check "CE2 received the 40 signed IPv4 flows" flows_arrived "$HM4" 40 40
check "CE2 received the 40 signed IPv6 flows" flows_arrived "$HM6" 40 40
for n in pe1 t1 t2 pe2; do S6[$n]=$(stats "$n"); done
capture_stop t1h
capture_stop t2h
check "PE1 -> T1: every SRH carries an HMAC TLV that verifies (key $KEY_ID)" hmac_tlv "$WORK/t1h.pcap" "$T1_END" 10
check "PE1 -> T2: every SRH carries an HMAC TLV that verifies (key $KEY_ID)" hmac_tlv "$WORK/t2h.pcap" "$T2_END" 5
# tshark 4.0 does not dissect SRH TLVs: it shows their room (hmac_tlv
# above reads the bytes)
for l in 1 2; do
	e=T${l}_END
	check "tshark PE1 -> T$l: every SRH 80 bytes (Length 9: 2 segments + the 40-byte TLV), flags 0x08" \
		srh_len_flags "$WORK/t${l}h.pcap" "${!e}" 9 0x08
done
check "PE2 End.DT46 counted the signed traffic (80 flows + $((4 * N)) requests/replies)" \
	sid_delta "${S5[pe2]}" "${S6[pe2]}" "$PE2_DT46" $((80 + 4 * N))
for n in pe1 t1 t2 pe2; do
	check "$n: no drop counted with HMAC on" drops_window "${S5[$n]}" "${S6[$n]}"
done

section "5b. PE2's key $KEY_ID gets another secret: hmac_mismatch"
rpc_ok_on pe2 hmac.key.add "{\"key_id\": $KEY_ID, \"secret\": \"$SECRET_OTHER\"}" >/dev/null
check "ping CE1 -> CE2 IPv4: all $N lost" ping_lost ce1 "$CE2_V4" "$N"
check "ping CE1 -> CE2 IPv6: all $N lost" ping_lost ce1 "$CE2_V6" "$N"
S7=$(stats pe2)
check "PE2 hmac_mismatch +$((2 * N)), no other drop" drop_delta "${S6[pe2]}" "$S7" hmac_mismatch $((2 * N))
rpc_ok_on pe2 hmac.key.add "{\"key_id\": $KEY_ID, \"secret\": \"$SECRET\", \"algorithm\": \"hmac-sha256\"}" >/dev/null
check "ping CE1 -> CE2 IPv4 with the secret restored" ping_check ce1 "$CE2_V4"
check "ping CE1 -> CE2 IPv6 with the secret restored" ping_check ce1 "$CE2_V6"

section "5c. PE2's key $KEY_ID deleted: hmac_unknown_key"
S7=$(stats pe2)
check "hmac.key.del $KEY_ID on PE2" rpc_on pe2 hmac.key.del "{\"key_id\": $KEY_ID}"
check "ping CE1 -> CE2 IPv4: all $N lost" ping_lost ce1 "$CE2_V4" "$N"
S8=$(stats pe2)
check "PE2 hmac_unknown_key +$N, no other drop" drop_delta "$S7" "$S8" hmac_unknown_key "$N"
rpc_ok_on pe2 hmac.key.add "{\"key_id\": $KEY_ID, \"secret\": \"$SECRET\"}" >/dev/null
check "ping CE1 -> CE2 IPv4 with the key back" ping_check ce1 "$CE2_V4"

section "5d. PE1's IPv4 route without hmac_key_id: hmac_missing"
rpc_ok_on pe1 route.add "{\"vrf\": \"$VRF\", \"prefix\": \"$CE2_NET4\", \"nexthops\": $(steered)}" >/dev/null
S7=$(stats pe2)
check "ping CE1 -> CE2 IPv4: all $N lost" ping_lost ce1 "$CE2_V4" "$N"
check "ping CE1 -> CE2 IPv6 (still signed)" ping_check ce1 "$CE2_V6"
S8=$(stats pe2)
check "PE2 hmac_missing +$N, no other drop" drop_delta "$S7" "$S8" hmac_missing "$N"
rpc_ok_on pe1 route.add "{\"vrf\": \"$VRF\", \"prefix\": \"$CE2_NET4\", \"nexthops\": $(steered "$KEY_ID")}" >/dev/null
check "ping CE1 -> CE2 IPv4 signed again" ping_check ce1 "$CE2_V4"

section "6. drops (stats.get, since the start)"
# Since the start: local_unhandled, the CEs' MLD reports (ICMPv6 to ff02::16
# behind a Hop-by-Hop header, which srv6d does not serve) when a CE's kernel
# sends them after its link came up and the PE's srv6d already listens; on
# PE2 the hmac_* drops provoked above, exactly.
for n in pe1 t1 t2 pe2; do
	S9=$(stats "$n")
	stats_summary "$S9" >&2
	if [[ $n == pe2 ]]; then
		check "$n: no drop but local_unhandled and the provoked hmac_* ones" drops_check "$S9" \
			'^(local_unhandled|hmac_mismatch|hmac_unknown_key|hmac_missing)$' \
			hmac_mismatch=$((2 * N)) hmac_unknown_key="$N" hmac_missing="$N"
	else
		check "$n: since the start, no drop but local_unhandled (MLD reports)" drops_check "$S9" '^local_unhandled$'
	fi
done

section "clean exits"
bg_stop recv TERM 5 || true
srv6d_stop_checked pe2 t2 t1 pe1

checks_end
