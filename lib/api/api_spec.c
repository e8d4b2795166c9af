// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The method catalogue: one declared schema for every method of the contract
// (/work/shared/spec/API.md, doc/api.md). The server validates each request's
// params against it before calling a handler, and srv6ctl uses the same table
// for client-side validation, argument typing and help. Nested objects (next
// hops, a SID's next hop) are checked by the handlers with api_object_spec()
// and a path prefix, so errors name e.g. "nexthops[0].segments[1]".

#include <string.h>

#include "api.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REQ true
#define OPT false

// --- nested objects ---------------------------------------------------------

// A route next hop; which keys apply depends on "type" (checked by the handler):
// srv6: segments, encap, src, ipsec_sa; ip: via, port; all: weight.
static const struct api_field f_route_nexthop[] = {
	{"type", API_T_STRING, REQ, "srv6, ip, blackhole or local"},
	{"segments", API_T_ARRAY, OPT, "srv6: SID list, first segment first"},
	{"encap", API_T_STRING, OPT, "srv6: h.encaps (default), h.encaps.red or h.insert"},
	{"src", API_T_ADDR, OPT, "srv6: outer source address (default: encap source)"},
	{"ipsec_sa", API_T_STRING, OPT, "srv6: id of the outbound IPsec SA protecting it"},
	{"hmac_key_id", API_T_UINT, OPT, "srv6: sign the SRH with this HMAC key (RFC 8754 2.1.2)"},
	{"policy", API_T_OBJECT, OPT,
	 "srv6: steer into the SR policy {color, endpoint}; its segments then come first"},
	{"via", API_T_ADDR, OPT, "ip: gateway address"},
	{"port", API_T_STRING, OPT, "ip: egress port name"},
	{"weight", API_T_UINT, OPT, "ECMP weight (default 1)"},
};

// A route next hop's SR policy (RFC 9256 automated steering).
static const struct api_field f_nexthop_policy[] = {
	{"color", API_T_UINT, REQ, "the policy's color"},
	{"endpoint", API_T_ADDR, REQ, "the policy's endpoint (the remote PE)"},
};

// One candidate segment list of an SR policy.
static const struct api_field f_policy_seglist[] = {
	{"segments", API_T_ARRAY, REQ, "SID list, first segment first"},
	{"weight", API_T_UINT, OPT, "share of the flows (default 1)"},
};

// The next hop of End.X, End.DX4 and End.DX6.
static const struct api_field f_sid_nexthop[] = {
	{"via", API_T_ADDR, OPT, "next-hop address"},
	{"port", API_T_STRING, OPT, "egress port name"},
};

static const struct api_field f_config_port[] = {
	{"name", API_T_STRING, REQ, "port name"},
	{"device", API_T_STRING, REQ, "DPDK device name or devargs"},
	{"mtu", API_T_UINT, OPT, "IP MTU"},
	{"vrf", API_T_STRING, OPT, "VRF of received traffic (default: default)"},
	{"addresses", API_T_ARRAY, OPT, "interface addresses addr/len"},
	{"mac", API_T_MAC, OPT, "MAC address to use instead of the device's"},
	{"host_if", API_T_STRING, OPT, "kernel TAP interface for control traffic to the port"},
	{"tcp_mss", API_T_UINT, OPT, "clamp the MSS of TCP SYNs through the port (0: off)"},
	{"l2vpn", API_T_OBJECT, OPT,
	 "Ethernet attachment circuit: {segments, encap, src} (H.Encaps.L2)"},
};

// A port's L2VPN attachment: every frame received goes whole to the segments.
static const struct api_field f_port_l2vpn[] = {
	{"segments", API_T_ARRAY, OPT, "the remote PE's End.DX2 SID last, first segment first"},
	{"peers", API_T_ARRAY, OPT,
	 "instead of segments, a bridge: [{address, segments, bum_segments?}], 1 to 8"},
	{"mac_age_s", API_T_UINT, OPT, "a bridge's learnt MACs unseen this long go (300)"},
	{"encap", API_T_STRING, OPT, "h.encaps.l2 (default) or h.encaps.l2.red"},
	{"src", API_T_ADDR, OPT, "outer source (default: encap.source)"},
};

// A bridge's peer PE (port.l2vpn.peers[]).
static const struct api_field f_port_l2vpn_peer[] = {
	{"address", API_T_ADDR, REQ, "the peer's outer source address (what it encapsulates from)"},
	{"segments", API_T_ARRAY, REQ, "toward the peer, its End.DT2U SID last (1 to 4)"},
	{"bum_segments", API_T_ARRAY, OPT,
	 "for flooded frames, its End.DT2M SID last (default: segments)"},
};

// An IPsec SA's tunnel: the outer header's addresses (mode tunnel).
static const struct api_field f_ipsec_tunnel[] = {
	{"src", API_T_ADDR, REQ, "outer source (outbound: ours; inbound: the peer's)"},
	{"dst", API_T_ADDR, REQ, "outer destination (outbound: the peer's; inbound: ours)"},
};

// An IPsec SA's lifetime: the SA expires after this much traffic.
static const struct api_field f_ipsec_lifetime[] = {
	{"bytes", API_T_UINT, OPT, "bytes protected before the SA expires"},
	{"packets", API_T_UINT, OPT, "packets protected before the SA expires"},
};

static const struct api_field f_config_ipsec[] = {
	{"sas", API_T_ARRAY, OPT, "IPsec SA objects"},
};

static const struct api_field f_config_datapath[] = {
	{"idle_sleep_us", API_T_UINT, OPT,
	 "longest sleep of an idle worker in microseconds (0: busy polling)"},
	{"max_ipv4_routes", API_T_UINT, OPT,
	 "IPv4 forwarding entries per VRF (routes and derived entries)"},
	{"max_ipv6_routes", API_T_UINT, OPT,
	 "IPv6 forwarding entries per VRF (routes, SIDs and derived entries)"},
	{"spread", API_T_STRING, OPT,
	 "inner (default), even or off: spreading tunnelled traffic over workers by its inner "
	 "flow"},
	{"crypto", API_T_STRING, OPT,
	 "auto (default), cpu or lookaside: the crypto device that computes ESP"},
};

static const struct api_field f_config[] = {
	{"ports", API_T_ARRAY, REQ, "ports"},
	{"encap", API_T_OBJECT, OPT, "encapsulation parameters (as encap.set)"},
	{"locators", API_T_ARRAY, OPT, "locators (as locator.add)"},
	{"vrfs", API_T_ARRAY, OPT, "VRFs (as vrf.add)"},
	{"sids", API_T_ARRAY, OPT, "SIDs (as sid.add)"},
	{"routes", API_T_ARRAY, OPT, "routes (as route.add)"},
	{"neighbors", API_T_ARRAY, OPT, "static neighbours (as neighbor.add)"},
	{"ipsec", API_T_OBJECT, OPT, "{sas: [SA, ...]}"},
	{"hmac_keys", API_T_ARRAY, OPT, "SRH HMAC keys (as hmac.key.add)"},
	{"policies", API_T_ARRAY, OPT, "SR policies (as policy.add)"},
	{"datapath", API_T_OBJECT, OPT,
	 "worker settings: {idle_sleep_us, max_ipv4_routes, max_ipv6_routes, spread, crypto}"},
};

// --- method params ------------------------------------------------------------

static const struct api_field p_config_get[] = {
	{"secrets", API_T_BOOL, OPT, "include the IPsec SAs' keys (default false)"},
};

static const struct api_field p_config_save[] = {
	{"file", API_T_STRING, OPT, "path to write (default: the --config file)"},
};

static const struct api_field p_config_reload[] = {
	{"file", API_T_STRING, OPT,
	 "configuration to make the running one (default: the --config file)"},
};

static const struct api_field p_port_list[] = {
	{"name", API_T_STRING, OPT, "only this port"},
};

static const struct api_field p_port_set[] = {
	{"name", API_T_STRING, REQ, "port name"},
	{"mtu", API_T_UINT, OPT, "IP MTU"},
	{"vrf", API_T_STRING, OPT, "VRF of received traffic"},
	{"addresses", API_T_ARRAY, OPT, "interface addresses addr/len (replaces the list)"},
	{"tcp_mss", API_T_UINT, OPT, "clamp the MSS of TCP SYNs through the port (0: off)"},
};

static const struct api_field p_vrf_add[] = {
	{"name", API_T_STRING, REQ, "VRF name"},
	{"table", API_T_UINT, REQ, "table id"},
	{"rd", API_T_STRING, OPT, "route distinguisher, e.g. 10.1.1.1:101"},
	{"import_rt", API_T_ARRAY, OPT, "import route targets"},
	{"export_rt", API_T_ARRAY, OPT, "export route targets"},
};

static const struct api_field p_name[] = {
	{"name", API_T_STRING, REQ, "name"},
};

static const struct api_field p_route_add[] = {
	{"vrf", API_T_STRING, OPT, "VRF name (default: default)"},
	{"prefix", API_T_PREFIX, REQ, "destination prefix"},
	{"nexthops", API_T_ARRAY, REQ, "next hops (more than one: ECMP)"},
	{"owner", API_T_STRING, OPT, "owner tag (default: static)"},
};

static const struct api_field p_route_del[] = {
	{"vrf", API_T_STRING, OPT, "VRF name (default: default)"},
	{"prefix", API_T_PREFIX, REQ, "destination prefix"},
};

static const struct api_field p_route_list[] = {
	{"vrf", API_T_STRING, OPT, "VRF name (default: every VRF)"},
	{"owner", API_T_STRING, OPT, "only routes of this owner"},
	{"type", API_T_STRING, OPT, "only this type: connected, static, ..."},
	{"limit", API_T_UINT, OPT, "at most this many routes"},
	{"offset", API_T_UINT, OPT, "skip this many routes first"},
};

static const struct api_field p_route_get[] = {
	{"vrf", API_T_STRING, OPT, "VRF name (default: default)"},
	{"address", API_T_ADDR, REQ, "destination address"},
};

static const struct api_field p_owner[] = {
	{"owner", API_T_STRING, REQ, "owner tag"},
};

static const struct api_field p_sid_add[] = {
	{"sid", API_T_PREFIX, REQ, "SID (a bare address means /128)"},
	{"behavior", API_T_STRING, REQ,
	 "End, End.X, End.T, End.DX4, End.DX6, End.DT4, End.DT6, "
	 "End.DT46, End.B6.Encaps, End.B6.Encaps.Red, End.DX2, End.AS, End.AD, End.AM, "
	 "End.OP, End.DT2U, End.DT2M"},
	{"vrf", API_T_STRING, OPT, "End.T, End.DT4/6/46: VRF"},
	{"nexthop", API_T_OBJECT, OPT,
	 "End.X, End.DX4/6: {via, port}; End.AS/AD: the service, {via, port}"},
	{"segments", API_T_ARRAY, OPT,
	 "End.B6.Encaps(.Red): the policy's SID list; End.AS: the segments re-imposed"},
	{"port", API_T_STRING, OPT,
	 "End.DX2, End.DT2U, End.DT2M: the Ethernet (l2vpn) port the inner frame leaves on"},
	{"return_port", API_T_STRING, OPT,
	 "End.AS/AD/AM: the port the service hands traffic back on"},
	{"flavors", API_T_ARRAY, OPT, "psp, usp, usd, next-csid"},
	{"hmac_required", API_T_BOOL, OPT, "only SRHs with a valid HMAC TLV (RFC 8754 2.1.2.1)"},
	{"policy", API_T_OBJECT, OPT,
	 "End.B6.Encaps(.Red): the SR policy {color, endpoint} it binds, instead of segments"},
};

static const struct api_field p_oam_ping[] = {
	{"segments", API_T_ARRAY, REQ, "the segment list, first segment first; the last answers"},
	{"src", API_T_ADDR, OPT, "source, one of our port addresses (default: encap.source)"},
	{"vrf", API_T_STRING, OPT, "VRF to route the probes in (default: default)"},
	{"count", API_T_UINT, OPT, "probes, 1 to 1000 (default 5)"},
	{"interval_ms", API_T_UINT, OPT, "between probes (default 1000)"},
	{"timeout_ms", API_T_UINT, OPT, "wait for answers after the last probe (default 2000)"},
	{"size", API_T_UINT, OPT, "ICMPv6 echo data bytes, 16 to 1400 (default 56)"},
	{"hop_limit", API_T_UINT, OPT, "the probes' hop limit (default 64)"},
	{"o_flag", API_T_BOOL, OPT, "set the SRH O-flag (RFC 9259)"},
};

static const struct api_field p_oam_trace[] = {
	{"segments", API_T_ARRAY, REQ, "the segment list, first segment first"},
	{"src", API_T_ADDR, OPT, "source, one of our port addresses (default: encap.source)"},
	{"vrf", API_T_STRING, OPT, "VRF to route the probes in (default: default)"},
	{"max_hops", API_T_UINT, OPT, "hop limits 1 to this, at most 64 (default 16)"},
	{"interval_ms", API_T_UINT, OPT, "between probes (default 50)"},
	{"timeout_ms", API_T_UINT, OPT, "wait for answers after the last probe (default 2000)"},
	{"size", API_T_UINT, OPT, "ICMPv6 echo data bytes (default 56)"},
	{"o_flag", API_T_BOOL, OPT, "set the SRH O-flag (RFC 9259)"},
};

static const struct api_field p_oam_get[] = {
	{"id", API_T_UINT, REQ, "the session id oam.ping or oam.trace answered"},
};

static const struct api_field p_policy_add[] = {
	{"color", API_T_UINT, REQ, "color, 0 to 4294967295"},
	{"endpoint", API_T_ADDR, REQ, "endpoint (the remote PE's address)"},
	{"segment_lists", API_T_ARRAY, REQ, "[{segments, weight}], 1 to 8"},
	{"encap", API_T_STRING, OPT, "h.encaps (default) or h.encaps.red"},
	{"name", API_T_STRING, OPT, "a label"},
};

static const struct api_field p_policy_del[] = {
	{"color", API_T_UINT, REQ, "color"},
	{"endpoint", API_T_ADDR, REQ, "endpoint"},
};

static const struct api_field p_hmac_key_add[] = {
	{"key_id", API_T_UINT, REQ, "HMAC key id, 1 to 4294967295"},
	{"secret", API_T_STRING, REQ, "the key: 2 to 128 hex digits"},
	{"algorithm", API_T_STRING, OPT, "hmac-sha256 (the only one)"},
};

static const struct api_field p_hmac_key_del[] = {
	{"key_id", API_T_UINT, REQ, "HMAC key id"},
};

static const struct api_field p_sid_del[] = {
	{"sid", API_T_PREFIX, REQ, "SID"},
};

static const struct api_field p_sid_alloc[] = {
	{"locator", API_T_STRING, REQ, "locator name"},
	{"behavior", API_T_STRING, REQ, "SID behaviour"},
	{"vrf", API_T_STRING, OPT, "End.T, End.DT4/6/46: VRF"},
	{"nexthop", API_T_OBJECT, OPT, "End.X, End.DX4/6, End.AD: {via, port}"},
	{"port", API_T_STRING, OPT, "End.DX2: the Ethernet port the inner frame leaves on"},
	{"return_port", API_T_STRING, OPT, "End.AD: the port the service hands traffic back on"},
};

static const struct api_field p_locator_add[] = {
	{"name", API_T_STRING, REQ, "locator name"},
	{"prefix", API_T_PREFIX, REQ, "locator prefix"},
	{"block_len", API_T_UINT, OPT, "locator block length (bits)"},
	{"node_len", API_T_UINT, OPT, "locator node length (bits)"},
	{"func_len", API_T_UINT, OPT, "function length (bits)"},
	{"usid", API_T_BOOL, OPT, "micro-SID (RFC 9800) locator"},
};

static const struct api_field p_neighbor_add[] = {
	{"port", API_T_STRING, REQ, "port name"},
	{"address", API_T_ADDR, REQ, "neighbour address"},
	{"mac", API_T_MAC, REQ, "neighbour MAC address"},
};

static const struct api_field p_neighbor_del[] = {
	{"port", API_T_STRING, REQ, "port name"},
	{"address", API_T_ADDR, REQ, "neighbour address"},
};

static const struct api_field p_neighbor_list[] = {
	{"port", API_T_STRING, OPT, "only this port"},
};

static const struct api_field p_encap_set[] = {
	{"source", API_T_ADDR, OPT, "outer IPv6 source address"},
	{"hop_limit", API_T_INT_OR_STRING, OPT, "outer hop limit, or \"inherit\""},
	{"flowlabel", API_T_STRING, OPT, "compute, inherit or zero"},
};

static const struct api_field p_stats[] = {
	{"port", API_T_STRING, OPT, "only this port"},
	{"sid", API_T_PREFIX, OPT, "only this SID"},
	{"lcore", API_T_UINT, OPT, "only this lcore"},
};

static const struct api_field p_capture_start[] = {
	{"port", API_T_STRING, REQ, "port name, or any"},
	{"direction", API_T_STRING, OPT,
	 "rx, tx or both (default both); oam: the O-flag and End.OP packets at our SIDs"},
	{"file", API_T_STRING, REQ, "pcap file to write"},
	{"filter", API_T_STRING, OPT, "BPF filter expression"},
	{"count", API_T_UINT, OPT, "stop after this many packets"},
	{"snaplen", API_T_UINT, OPT, "bytes kept per packet"},
};

static const struct api_field p_capture_stop[] = {
	{"id", API_T_UINT, REQ, "capture id"},
};

static const struct api_field p_events_subscribe[] = {
	{"topics", API_T_ARRAY, REQ, "topics, e.g. [\"route\", \"sid\", \"port\"]; \"*\" for all"},
};

// An IPsec SA (ESP, RFC 4303; AES-GCM, RFC 4106): the contract's SA object.
static const struct api_field p_ipsec_sa_add[] = {
	{"id", API_T_STRING, REQ, "SA name (a route next hop's ipsec_sa names it)"},
	{"direction", API_T_STRING, REQ, "out or in"},
	{"spi", API_T_UINT, REQ, "security parameter index, 256 to 4294967295"},
	{"mode", API_T_STRING, REQ, "tunnel (new outer header) or srv6 (ESP after the SRH)"},
	{"aead", API_T_STRING, REQ, "aes-gcm-128 or aes-gcm-256"},
	{"key", API_T_STRING, REQ, "hex: AES key then 4-byte salt (40 or 72 digits)"},
	{"tunnel", API_T_OBJECT, OPT, "mode tunnel: {src, dst}"},
	{"replay_window", API_T_UINT, OPT, "anti-replay window in packets (default 64, 0: off)"},
	{"esn", API_T_BOOL, OPT, "extended sequence numbers (default false)"},
	{"lifetime", API_T_OBJECT, OPT, "{bytes, packets}: expire after this much traffic"},
};

static const struct api_field p_l2vpn_mac_list[] = {
	{"port", API_T_STRING, REQ, "an l2vpn port with peers (a bridge)"},
};

static const struct api_field p_ipsec_sa_del[] = {
	{"id", API_T_STRING, REQ, "SA name"},
};

#define M(name, mut, help, params)                                                                 \
	{                                                                                          \
		name, mut, help, params, N(params)                                                 \
	}
#define M0(name, mut, help)                                                                        \
	{                                                                                          \
		name, mut, help, NULL, 0                                                           \
	}

// Sorted by name (api_methods() promises it; help lists it in this order).
static const struct api_method methods[] = {
	M0("capture.list", false, "list running captures"),
	M("capture.start", true, "start a packet capture into a pcap file", p_capture_start),
	M("capture.stop", true, "stop a capture", p_capture_stop),
	M("config.get", false, "the running configuration", p_config_get),
	M("config.reload", true,
	  "make the running configuration the file's: only the differences change",
	  p_config_reload),
	M("config.save", false, "write the running configuration to a file", p_config_save),
	M0("encap.get", false, "encapsulation parameters"),
	M("encap.set", true, "set encapsulation parameters", p_encap_set),
	M("events.subscribe", false, "receive event notifications on this connection",
	  p_events_subscribe),
	M("hmac.key.add", true, "add or replace an SRH HMAC key", p_hmac_key_add),
	M("hmac.key.del", true, "delete an SRH HMAC key", p_hmac_key_del),
	M0("hmac.key.list", false, "list SRH HMAC key ids (never the secrets)"),
	M("ipsec.sa.add", true, "add or replace an IPsec SA", p_ipsec_sa_add),
	M("ipsec.sa.del", true, "delete an IPsec SA", p_ipsec_sa_del),
	M0("ipsec.sa.list", false, "list IPsec SAs (without keys) and their counters"),
	M("l2vpn.mac.list", false, "the MAC addresses an l2vpn bridge has learnt",
	  p_l2vpn_mac_list),
	M("locator.add", true, "add a locator", p_locator_add),
	M("locator.del", true, "delete a locator", p_name),
	M0("locator.list", false, "list locators"),
	M("neighbor.add", true, "add a static neighbour", p_neighbor_add),
	M("neighbor.del", true, "delete a neighbour", p_neighbor_del),
	M("neighbor.list", false, "list static and learned neighbours", p_neighbor_list),
	M("oam.get", false, "an OAM session's results so far", p_oam_get),
	M("oam.ping", false, "start an SRv6 ping over a segment list", p_oam_ping),
	M("oam.trace", false, "start an SRv6 traceroute over a segment list", p_oam_trace),
	M("policy.add", true, "add or replace an SR policy (color, endpoint)", p_policy_add),
	M("policy.del", true, "delete an SR policy", p_policy_del),
	M0("policy.list", false, "list SR policies"),
	M("port.list", false, "list ports", p_port_list),
	M("port.set", true, "change a port's MTU, VRF, addresses or TCP MSS clamp", p_port_set),
	M("route.add", true, "add or replace a route", p_route_add),
	M("route.del", true, "delete a route", p_route_del),
	M("route.get", false, "the route the datapath uses for an address", p_route_get),
	M("route.list", false, "list routes", p_route_list),
	M("route.sync_begin", true, "mark every route of an owner stale", p_owner),
	M("route.sync_end", true, "delete the routes of an owner still stale", p_owner),
	M("sid.add", true, "add a local SID", p_sid_add),
	M("sid.alloc", true, "allocate and install a SID from a locator", p_sid_alloc),
	M("sid.del", true, "delete a local SID", p_sid_del),
	M0("sid.list", false, "list local SIDs"),
	M("stats.get", false, "packet and drop counters", p_stats),
	M("stats.reset", true, "reset counters", p_stats),
	M0("system.info", false, "version, lcores, ports, uptime"),
	M("vrf.add", true, "add a VRF", p_vrf_add),
	M("vrf.del", true, "delete a VRF", p_name),
	M0("vrf.list", false, "list VRFs"),
};

const struct api_method *
api_methods(size_t *n)
{
	if (n != NULL)
		*n = N(methods);
	return methods;
}

const struct api_method *
api_method_find(const char *name)
{
	size_t lo = 0, hi = N(methods);

	if (name == NULL)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, methods[mid].name);

		if (c == 0)
			return &methods[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const struct {
	const char *name;
	const struct api_field *spec;
	size_t n;
} objects[] = {
	{"config", f_config, N(f_config)},
	{"config.datapath", f_config_datapath, N(f_config_datapath)},
	{"config.ipsec", f_config_ipsec, N(f_config_ipsec)},
	{"ipsec.lifetime", f_ipsec_lifetime, N(f_ipsec_lifetime)},
	{"ipsec.tunnel", f_ipsec_tunnel, N(f_ipsec_tunnel)},
	{"port", f_config_port, N(f_config_port)},
	{"port.l2vpn", f_port_l2vpn, N(f_port_l2vpn)},
	{"port.l2vpn.peer", f_port_l2vpn_peer, N(f_port_l2vpn_peer)},
	{"policy.segment_list", f_policy_seglist, N(f_policy_seglist)},
	{"route.nexthop", f_route_nexthop, N(f_route_nexthop)},
	{"route.nexthop.policy", f_nexthop_policy, N(f_nexthop_policy)},
	{"sid.nexthop", f_sid_nexthop, N(f_sid_nexthop)},
};

const struct api_field *
api_object_spec(const char *name, size_t *n)
{
	for (size_t i = 0; name != NULL && i < N(objects); i++) {
		if (strcmp(objects[i].name, name) == 0) {
			if (n != NULL)
				*n = objects[i].n;
			return objects[i].spec;
		}
	}
	if (n != NULL)
		*n = 0;
	return NULL;
}
