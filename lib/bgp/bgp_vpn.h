// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// SRv6 L3VPN paths as BGP carries them (RFC 4364 NLRI, RFC 4360 route
// targets, RFC 9252 SRv6 L3 Service TLV), independent of any BGP speaker's
// wire or API format: the codec of a speaker (lib/gobgp) fills these, the
// import and export logic (bgp_import.h, bgp_export.h) reads them.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

// A route distinguisher (RFC 4364 4.2) or a route-target extended community
// (RFC 4360 4, subtype 2): the same three administrator shapes.
enum bgp_rdrt_type {
	BGP_RDRT_AS2 = 0, // 2-octet ASN : 4-octet number
	BGP_RDRT_IP4 = 1, // IPv4 address : 2-octet number
	BGP_RDRT_AS4 = 2, // 4-octet ASN : 2-octet number
};

struct bgp_rdrt {
	uint8_t type;	   // enum bgp_rdrt_type
	uint32_t admin;	   // ASN, or the IPv4 address in host order
	uint32_t assigned; // the number after the colon
};

#define BGP_RDRT_STRLEN 24 // "255.255.255.255:65535", "4294967295:65535"

// "65513:101" (type 0), "10.1.1.1:101" (type 1), "4200000000:7" (type 2);
// an ASN above 65535 selects type 2. 0 or -EINVAL (why says what is wrong).
int bgp_rdrt_parse(const char *s, struct bgp_rdrt *out, const char **why);
char *bgp_rdrt_fmt(const struct bgp_rdrt *v, char *buf, size_t len);
bool bgp_rdrt_equal(const struct bgp_rdrt *a, const struct bgp_rdrt *b);

// RFC 9252 3.2.1: the SID Structure Sub-Sub-TLV.
struct bgp_sid_structure {
	uint8_t block_len;
	uint8_t node_len;
	uint8_t func_len;
	uint8_t arg_len;
	uint8_t tpos_len; // transposition length: bits carried in the label
	uint8_t tpos_off; // transposition offset: where they go in the SID
};

// Bits of the MPLS label field that can carry transposed SID bits: the
// 20-bit label value (RFC 9252 4 uses the label field; GoBGP and FRR expose
// the 20-bit value).
#define BGP_LABEL_BITS 20
#define BGP_LABEL_IMPLICIT_NULL 3

// IANA "SRv6 Endpoint Behaviors" codes used by L3 services.
enum bgp_srv6_behavior {
	BGP_BEH_END_DX6 = 16,
	BGP_BEH_END_DX4 = 17,
	BGP_BEH_END_DT6 = 18,
	BGP_BEH_END_DT4 = 19,
	BGP_BEH_END_DT46 = 20,
	BGP_BEH_OPAQUE = 0xffff, // RFC 9252: opaque, the receiver must not rely on it
};

// srv6d's behaviour name ("End.DT46") for a code, or NULL.
const char *bgp_behavior_name(uint16_t code);
// The code for srv6d's name, or -1.
int bgp_behavior_code(const char *name);

#define BGP_MAX_RTS 16

// One VPNv4/VPNv6 path, as read from the speaker.
struct bgp_vpn_path {
	uint8_t family; // AF_INET (VPNv4) or AF_INET6 (VPNv6): the customer family
	bool withdraw;
	struct bgp_rdrt rd;
	struct ip_prefix prefix;
	bool has_label;
	uint32_t label; // 20-bit value
	struct ip_addr nexthop;
	struct ip_addr peer; // the neighbour it came from (family 0: local)
	unsigned int n_rts;
	struct bgp_rdrt rts[BGP_MAX_RTS];
	bool rts_truncated; // more route targets than BGP_MAX_RTS
	// SRv6 L3 Service TLV, SRv6 SID Information Sub-TLV (the first one)
	bool has_sid;
	uint8_t sid[16];
	uint16_t behavior;
	bool has_structure;
	struct bgp_sid_structure st;
	// Color extended community (RFC 9012 4.3; RFC 9256 8.5 steers the route
	// into SR policy (color, nexthop)); the first one when several.
	bool has_color;
	uint32_t color;
};

// An SRv6 next hop of an imported route: the service SID, and the SR policy
// (color, endpoint = the path's BGP next hop) to steer it into when the path
// had a color. Zeroed before filling: compared and sorted as bytes.
struct bgp_srv6_nh {
	uint8_t sid[16];
	bool has_color;
	uint32_t color;
	struct ip_addr endpoint;
};

// Why a path could not be used. Every rejected path is counted under one.
#define BGP_REJECT_REASONS(X)                                                                      \
	X(bad_nlri, "NLRI unreadable or not a VPN prefix")                                         \
	X(bad_attribute, "path attribute unreadable")                                              \
	X(no_sid, "no SRv6 L3 Service TLV / SID Information sub-TLV")                              \
	X(bad_sid, "SID field is not 16 bytes")                                                    \
	X(bad_structure, "SID structure or transposition inconsistent")                            \
	X(no_label, "transposition announced but the NLRI has no label")                           \
	X(behavior_unusable, "endpoint behaviour is not an L3 service behaviour")                  \
	X(behavior_family, "endpoint behaviour does not decapsulate this family")                  \
	X(no_route_target, "no route target")                                                      \
	X(no_vrf, "no VRF imports any of its route targets")                                       \
	X(sid_local, "the SID is one of our own locators")                                         \
	X(sid_unreachable, "no underlay route to the SID")                                         \
	X(srv6d_refused, "srv6d refused the route")

enum bgp_reject {
#define BGP_REJECT_ENUM(name, text) BGP_REJECT_##name,
	BGP_REJECT_REASONS(BGP_REJECT_ENUM)
#undef BGP_REJECT_ENUM
		BGP_REJECT_MAX
};

const char *bgp_reject_name(enum bgp_reject r);
const char *bgp_reject_text(enum bgp_reject r);

// RFC 9252 section 4: the SID a path points to. With a transposition
// (tpos_len > 0) the SID field carries the SID with the transposed bits
// zero and those bits ride at the top of the 20-bit label; they are put back
// at tpos_off. Without a structure or transposition the SID field is the
// SID. Returns 0, or -1 with *reason (BGP_REJECT_bad_structure, no_label,
// no_sid).
int bgp_sid_rebuild(const struct bgp_vpn_path *p, uint8_t sid_out[16], enum bgp_reject *reason);

// The inverse, for export: from a full SID and its structure, the SID field
// and the label to send. With transpose false (or tpos_len 0), SID field =
// SID and label = implicit null (3). With transpose true, the function bits
// (tpos_len bits at tpos_off, at most 20) move into the label. Returns 0 or
// -EINVAL (structure inconsistent: why says how).
int bgp_sid_transpose(const uint8_t sid[16], const struct bgp_sid_structure *st, bool transpose,
		      uint8_t sid_field_out[16], uint32_t *label_out, const char **why);

// Checks a structure: lengths sum to at most 128, the transposition (when
// any) lies inside the SID and fits the label. 0 or -EINVAL with why.
int bgp_sid_structure_check(const struct bgp_sid_structure *st, const char **why);

// Whether the behaviour may carry traffic of this customer family: DX4/DT4
// for IPv4, DX6/DT6 for IPv6, DT46 and opaque for both. Other codes give
// BGP_REJECT_behavior_unusable, a wrong family behavior_family.
int bgp_behavior_check(uint16_t behavior, uint8_t family, enum bgp_reject *reason);
