// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/gobgp codec: struct bgp_vpn_path <-> GoBGP 3.x apipb messages.
//
// Encoding is checked by unpacking the bytes with protobuf-c and walking the
// messages here, opening every google.protobuf.Any by its type URL with the
// generated descriptors (never with the codec's own helpers). Decoding is fed
// Apipb__Path messages built here the way GoBGP passes on FRR 8.4's SRv6
// L3VPN routes, and malformed variants of them: each must give -1 with its
// reason, never a crash (run once under valgrind for leaks).

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/Basic.h>

#include "attribute.pb-c.h"
#include "bgp_export.h"
#include "gobgp.pb-c.h"
#include "gobgp_codec.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))
#define URL(m) "type.googleapis.com/apipb." m

// --- allocations of the hand-built messages, freed after each test ------------------------

static void *arena[4096];
static size_t n_arena;

static void *
keep(void *p)
{
	if (p == NULL || n_arena == DIM(arena))
		abort();
	arena[n_arena++] = p;
	return p;
}

static void
arena_free(void)
{
	while (n_arena > 0)
		free(arena[--n_arena]);
}

// An Any holding m under type_url, packed here (not with gobgp_any_pack).
static Google__Protobuf__Any *
any_of(const char *type_url, const ProtobufCMessage *m)
{
	Google__Protobuf__Any *a = keep(calloc(1, sizeof(*a)));
	size_t n = protobuf_c_message_get_packed_size(m);

	google__protobuf__any__init(a);
	a->type_url = (char *)type_url;
	a->value.data = keep(malloc(n ? n : 1));
	a->value.len = protobuf_c_message_pack(m, a->value.data);
	if (a->value.len != n)
		abort();
	return a;
}

static Google__Protobuf__Any *
any_raw(const char *type_url, const void *bytes, size_t n)
{
	Google__Protobuf__Any *a = keep(calloc(1, sizeof(*a)));

	google__protobuf__any__init(a);
	a->type_url = (char *)type_url;
	a->value.data = keep(malloc(n ? n : 1));
	memcpy(a->value.data, bytes, n);
	a->value.len = n;
	return a;
}

// Bytes that are no protobuf message: a tag whose varint never ends.
static const uint8_t garbage[] = {0xff, 0xff, 0xff};
// A length-delimited field 1 announcing 16 bytes, holding 1.
static const uint8_t truncated[] = {0x0a, 0x10, 0x01};

static void
sid_of(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1)
		abort(); // a typo in a test's literal
}

static struct bgp_rdrt
rdrt(uint8_t type, uint32_t admin, uint32_t assigned)
{
	struct bgp_rdrt v;

	memset(&v, 0, sizeof(v));
	v.type = type;
	v.admin = admin;
	v.assigned = assigned;
	return v;
}

// --- GoBGP paths as FRR 8.4's routes reach us ------------------------------------------------

struct frr_opts {
	uint32_t afi; // 1 VPNv4, 2 VPNv6
	uint32_t safi;
	const char *prefix;
	uint32_t prefix_len;
	const char *neighbor;
	bool has_label;
	uint32_t label;
	uint8_t sid[16];
	size_t sid_len;
	uint32_t behavior;
	bool has_structure;
	uint32_t st[6];
	unsigned int n_rts;
	const char *nexthop;
	bool withdraw;
	bool no_nexthop_attr;
	// replacements for the malformed cases (NULL: the normal one)
	Google__Protobuf__Any *nlri, *rd, *psid, *l3, *ec, *extra_attr;
};

static struct frr_opts
frr_v4(void)
{
	struct frr_opts o;

	memset(&o, 0, sizeof(o));
	o.afi = 1;
	o.safi = 128;
	o.prefix = "172.16.10.0";
	o.prefix_len = 24;
	o.neighbor = "2001:db8:0:ff::2";
	o.has_label = true;
	o.label = 4096;
	sid_of("2a0e:97c0:ae6:2001::", o.sid); // locator only: function in the label
	o.sid_len = 16;
	o.behavior = 0xffff;
	o.has_structure = true;
	o.st[0] = 40, o.st[1] = 24, o.st[2] = 16, o.st[3] = 0, o.st[4] = 16, o.st[5] = 64;
	o.n_rts = 1;
	o.nexthop = "2001:db8:0:ff::2";
	return o;
}

static struct frr_opts
frr_v6(void)
{
	struct frr_opts o = frr_v4();

	o.afi = 2;
	o.prefix = "2001:db8:10::";
	o.prefix_len = 48;
	return o;
}

static Google__Protobuf__Any *
frr_nlri(const struct frr_opts *o)
{
	Apipb__RouteDistinguisherTwoOctetASN rd = APIPB__ROUTE_DISTINGUISHER_TWO_OCTET_ASN__INIT;
	Apipb__LabeledVPNIPAddressPrefix n = APIPB__LABELED_VPNIPADDRESS_PREFIX__INIT;
	uint32_t labels[1] = {o->label};

	if (o->nlri != NULL)
		return o->nlri;
	rd.admin = 65513;
	rd.assigned = 1;
	n.rd = o->rd != NULL ? o->rd : any_of(URL("RouteDistinguisherTwoOctetASN"), &rd.base);
	if (o->has_label) {
		n.n_labels = 1;
		n.labels = labels;
	}
	n.prefix = (char *)o->prefix;
	n.prefix_len = o->prefix_len;
	return any_of(URL("LabeledVPNIPAddressPrefix"), &n.base);
}

static Google__Protobuf__Any *
frr_prefix_sid(const struct frr_opts *o)
{
	Apipb__SRv6StructureSubSubTLV s = APIPB__SRV6_STRUCTURE_SUB_SUB_TLV__INIT;
	Apipb__SRv6TLV st_val = APIPB__SRV6_TLV__INIT, info_val = APIPB__SRV6_TLV__INIT;
	Apipb__SRv6InformationSubTLV__SubSubTlvsEntry
		se = APIPB__SRV6_INFORMATION_SUB_TLV__SUB_SUB_TLVS_ENTRY__INIT,
		*sep[1] = {&se};
	Apipb__SRv6InformationSubTLV info = APIPB__SRV6_INFORMATION_SUB_TLV__INIT;
	Apipb__SRv6L3ServiceTLV__SubTlvsEntry le = APIPB__SRV6_L3_SERVICE_TLV__SUB_TLVS_ENTRY__INIT,
					      *lep[1] = {&le};
	Apipb__SRv6L3ServiceTLV l3 = APIPB__SRV6_L3_SERVICE_TLV__INIT;
	Apipb__PrefixSID ps = APIPB__PREFIX_SID__INIT;
	Google__Protobuf__Any *a_st, *a_info, *a_l3;
	uint8_t sid[16];

	if (o->psid != NULL)
		return o->psid;
	s.locator_block_length = o->st[0];
	s.locator_node_length = o->st[1];
	s.function_length = o->st[2];
	s.argument_length = o->st[3];
	s.transposition_length = o->st[4];
	s.transposition_offset = o->st[5];
	a_st = any_of(URL("SRv6StructureSubSubTLV"), &s.base);
	st_val.n_tlv = 1;
	st_val.tlv = &a_st;
	se.key = 1;
	se.value = &st_val;

	memcpy(sid, o->sid, 16);
	info.sid.data = sid;
	info.sid.len = o->sid_len;
	info.endpoint_behavior = o->behavior;
	if (o->has_structure) {
		info.n_sub_sub_tlvs = 1;
		info.sub_sub_tlvs = sep;
	}
	a_info = any_of(URL("SRv6InformationSubTLV"), &info.base);
	info_val.n_tlv = 1;
	info_val.tlv = &a_info;
	le.key = 1;
	le.value = &info_val;
	l3.n_sub_tlvs = 1;
	l3.sub_tlvs = lep;
	a_l3 = o->l3 != NULL ? o->l3 : any_of(URL("SRv6L3ServiceTLV"), &l3.base);
	ps.n_tlvs = 1;
	ps.tlvs = &a_l3;
	return any_of(URL("PrefixSID"), &ps.base);
}

static Google__Protobuf__Any *
frr_ext_communities(const struct frr_opts *o)
{
	Apipb__TwoOctetAsSpecificExtended rt[4];
	Google__Protobuf__Any *c[4];
	Apipb__ExtendedCommunitiesAttribute ec = APIPB__EXTENDED_COMMUNITIES_ATTRIBUTE__INIT;

	if (o->ec != NULL)
		return o->ec;
	for (unsigned int i = 0; i < o->n_rts && i < 4; i++) {
		apipb__two_octet_as_specific_extended__init(&rt[i]);
		rt[i].is_transitive = true;
		rt[i].sub_type = 2;
		rt[i].asn = 65513;
		rt[i].local_admin = 101 + i;
		c[i] = any_of(URL("TwoOctetAsSpecificExtended"), &rt[i].base);
	}
	ec.n_communities = o->n_rts;
	ec.communities = c;
	return any_of(URL("ExtendedCommunitiesAttribute"), &ec.base);
}

static Apipb__Path *
frr_path(const struct frr_opts *o)
{
	Apipb__Path *p = keep(calloc(1, sizeof(*p)));
	Apipb__Family *fam = keep(calloc(1, sizeof(*fam)));
	Google__Protobuf__Any **attrs = keep(calloc(6, sizeof(*attrs)));
	Apipb__OriginAttribute origin = APIPB__ORIGIN_ATTRIBUTE__INIT;
	Apipb__MpReachNLRIAttribute mp = APIPB__MP_REACH_NLRIATTRIBUTE__INIT;
	char *nh[1] = {(char *)o->nexthop};
	Google__Protobuf__Any *nlri;

	apipb__path__init(p);
	apipb__family__init(fam);
	fam->afi = o->afi;
	fam->safi = o->safi;
	nlri = frr_nlri(o);
	p->family = fam;
	p->nlri = nlri;
	p->neighbor_ip = (char *)o->neighbor;
	p->is_withdraw = o->withdraw;
	p->best = true;
	attrs[p->n_pattrs++] = any_of(URL("OriginAttribute"), &origin.base);
	if (!o->no_nexthop_attr) {
		mp.family = fam;
		mp.n_next_hops = 1;
		mp.next_hops = nh;
		mp.n_nlris = 1;
		mp.nlris = &nlri;
		attrs[p->n_pattrs++] = any_of(URL("MpReachNLRIAttribute"), &mp.base);
	}
	attrs[p->n_pattrs++] = frr_ext_communities(o);
	attrs[p->n_pattrs++] = frr_prefix_sid(o);
	if (o->extra_attr != NULL)
		attrs[p->n_pattrs++] = o->extra_attr;
	p->pattrs = attrs;
	return p;
}

static int
decode(const struct frr_opts *o, struct bgp_vpn_path *out, enum bgp_reject *r)
{
	*r = BGP_REJECT_MAX;
	return gobgp_path_decode(frr_path(o), out, r);
}

// --- decode -----------------------------------------------------------------------------

static void
test_decode_frr_vpnv4(void)
{
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	struct ip_prefix want_prefix;
	struct ip_addr want_nh;
	uint8_t field[16], sid[16], want_sid[16];
	enum bgp_reject r;

	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.family == AF_INET);
	CU_ASSERT_FALSE(p.withdraw);
	CU_ASSERT(p.rd.type == BGP_RDRT_AS2 && p.rd.admin == 65513 && p.rd.assigned == 1);
	CU_ASSERT_FATAL(prefix_parse("172.16.10.0/24", false, &want_prefix) == 0);
	CU_ASSERT(prefix_equal(&p.prefix, &want_prefix));
	CU_ASSERT(p.has_label && p.label == 4096);
	CU_ASSERT_FATAL(addr_parse("2001:db8:0:ff::2", &want_nh) == 0);
	CU_ASSERT(addr_equal(&p.nexthop, &want_nh));
	CU_ASSERT(addr_equal(&p.peer, &want_nh));
	CU_ASSERT(p.n_rts == 1 && !p.rts_truncated);
	CU_ASSERT(p.rts[0].type == BGP_RDRT_AS2 && p.rts[0].admin == 65513 &&
		  p.rts[0].assigned == 101);
	CU_ASSERT(p.has_sid);
	sid_of("2a0e:97c0:ae6:2001::", field);
	CU_ASSERT(memcmp(p.sid, field, 16) == 0);
	CU_ASSERT(p.behavior == 0xffff);
	CU_ASSERT(p.has_structure);
	CU_ASSERT(p.st.block_len == 40 && p.st.node_len == 24 && p.st.func_len == 16 &&
		  p.st.arg_len == 0 && p.st.tpos_len == 16 && p.st.tpos_off == 64);
	// and the SID it points to: function 0x0100 back at bits 64..79
	sid_of("2a0e:97c0:ae6:2001:100::", want_sid);
	CU_ASSERT(bgp_sid_rebuild(&p, sid, &r) == 0);
	CU_ASSERT(memcmp(sid, want_sid, 16) == 0);
}

static void
test_decode_frr_vpnv6(void)
{
	struct frr_opts o = frr_v6();
	struct bgp_vpn_path p;
	struct ip_prefix want_prefix;
	uint8_t sid[16], want_sid[16];
	enum bgp_reject r;

	o.label = 0x02000; // function 0x0200
	o.behavior = 18;   // End.DT6
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.family == AF_INET6);
	CU_ASSERT_FATAL(prefix_parse("2001:db8:10::/48", false, &want_prefix) == 0);
	CU_ASSERT(prefix_equal(&p.prefix, &want_prefix));
	CU_ASSERT(p.has_label && p.label == 0x02000);
	CU_ASSERT(p.behavior == 18);
	sid_of("2a0e:97c0:ae6:2001:200::", want_sid);
	CU_ASSERT(bgp_sid_rebuild(&p, sid, &r) == 0);
	CU_ASSERT(memcmp(sid, want_sid, 16) == 0);
}

static void
test_decode_local_neighbor(void)
{
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	o.neighbor = "<nil>";
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.peer.family == 0);
	o.neighbor = NULL;
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.peer.family == 0);
	o.neighbor = "10.0.0.2"; // an IPv4 neighbour is kept
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.peer.family == AF_INET && p.peer.bytes[0] == 10 && p.peer.bytes[3] == 2);
}

static void
test_decode_other_families_ignored(void)
{
	Apipb__IPAddressPrefix ipp = APIPB__IPADDRESS_PREFIX__INIT;
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	ipp.prefix = "172.16.10.0";
	ipp.prefix_len = 24;
	o.safi = 1; // IPv4 unicast
	o.nlri = any_of(URL("IPAddressPrefix"), &ipp.base);
	CU_ASSERT(decode(&o, &p, &r) == 0);
	o = frr_v4();
	o.afi = 25; // l2vpn evpn
	o.safi = 70;
	CU_ASSERT(decode(&o, &p, &r) == 0);
	o = frr_v4();
	o.afi = 16388; // ls, with the VPN SAFI
	CU_ASSERT(decode(&o, &p, &r) == 0);
	o = frr_v4();
	Apipb__Path *pp = frr_path(&o);
	pp->family = NULL;
	CU_ASSERT(gobgp_path_decode(pp, &p, &r) == 0);
	CU_ASSERT(gobgp_path_decode(NULL, &p, &r) == 0);
}

static void
test_decode_withdraw(void)
{
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	o.withdraw = true;
	Apipb__Path *pp = frr_path(&o);
	pp->n_pattrs = 0; // a withdraw carries its NLRI only
	CU_ASSERT(gobgp_path_decode(pp, &p, &r) == 1);
	CU_ASSERT(p.withdraw && p.family == AF_INET);
	CU_ASSERT(p.rd.type == BGP_RDRT_AS2 && p.rd.admin == 65513 && p.rd.assigned == 1);
	CU_ASSERT(p.prefix.len == 24 && p.prefix.addr.bytes[0] == 172 &&
		  p.prefix.addr.bytes[2] == 10);
	CU_ASSERT(p.peer.family == AF_INET6);
	CU_ASSERT_FALSE(p.has_sid);
}

static void
test_decode_rd_types(void)
{
	Apipb__RouteDistinguisherIPAddress ip = APIPB__ROUTE_DISTINGUISHER_IPADDRESS__INIT;
	Apipb__RouteDistinguisherFourOctetASN as4 = APIPB__ROUTE_DISTINGUISHER_FOUR_OCTET_ASN__INIT;
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	ip.admin = "10.1.1.1";
	ip.assigned = 101;
	o.rd = any_of(URL("RouteDistinguisherIPAddress"), &ip.base);
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.rd.type == BGP_RDRT_IP4 && p.rd.admin == 0x0a010101u && p.rd.assigned == 101);
	as4.admin = 4200000000u;
	as4.assigned = 7;
	o.rd = any_of(URL("RouteDistinguisherFourOctetASN"), &as4.base);
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.rd.type == BGP_RDRT_AS4 && p.rd.admin == 4200000000u && p.rd.assigned == 7);
}

static void
test_decode_route_targets(void)
{
	Apipb__IPv4AddressSpecificExtended v4 = APIPB__IPV4_ADDRESS_SPECIFIC_EXTENDED__INIT;
	Apipb__FourOctetAsSpecificExtended as4 = APIPB__FOUR_OCTET_AS_SPECIFIC_EXTENDED__INIT;
	Apipb__TwoOctetAsSpecificExtended soo = APIPB__TWO_OCTET_AS_SPECIFIC_EXTENDED__INIT;
	Apipb__OpaqueExtended opq = APIPB__OPAQUE_EXTENDED__INIT;
	Apipb__ExtendedCommunitiesAttribute ec = APIPB__EXTENDED_COMMUNITIES_ATTRIBUTE__INIT;
	Google__Protobuf__Any *c[4];
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;
	uint8_t opq_val[7] = {0x0c, 0, 0, 0, 0, 0, 0};

	v4.is_transitive = true;
	v4.sub_type = 2;
	v4.address = "10.1.1.1";
	v4.local_admin = 5;
	as4.is_transitive = true;
	as4.sub_type = 2;
	as4.asn = 4200000000u;
	as4.local_admin = 7;
	soo.is_transitive = true;
	soo.sub_type = 3; // route origin, not a target
	soo.asn = 65513;
	soo.local_admin = 9;
	opq.is_transitive = true;
	opq.value.data = opq_val;
	opq.value.len = sizeof(opq_val);
	c[0] = any_of(URL("TwoOctetAsSpecificExtended"), &soo.base);
	c[1] = any_of(URL("IPv4AddressSpecificExtended"), &v4.base);
	c[2] = any_of(URL("OpaqueExtended"), &opq.base);
	c[3] = any_of(URL("FourOctetAsSpecificExtended"), &as4.base);
	ec.n_communities = 4;
	ec.communities = c;
	o.ec = any_of(URL("ExtendedCommunitiesAttribute"), &ec.base);
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.n_rts == 2);
	CU_ASSERT(p.rts[0].type == BGP_RDRT_IP4 && p.rts[0].admin == 0x0a010101u &&
		  p.rts[0].assigned == 5);
	CU_ASSERT(p.rts[1].type == BGP_RDRT_AS4 && p.rts[1].admin == 4200000000u &&
		  p.rts[1].assigned == 7);
}

// RFC 9012 4.3 Color extended community: read (the first one), beside the
// route targets; a path without one has no color.
static void
test_decode_color(void)
{
	Apipb__TwoOctetAsSpecificExtended rt = APIPB__TWO_OCTET_AS_SPECIFIC_EXTENDED__INIT;
	Apipb__ColorExtended col = APIPB__COLOR_EXTENDED__INIT, col2 = APIPB__COLOR_EXTENDED__INIT;
	Apipb__ExtendedCommunitiesAttribute ec = APIPB__EXTENDED_COMMUNITIES_ATTRIBUTE__INIT;
	Google__Protobuf__Any *c[3];
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(!p.has_color);
	rt.is_transitive = true;
	rt.sub_type = 2;
	rt.asn = 65513;
	rt.local_admin = 101;
	col.color = 4000000001u;
	col2.color = 7;
	c[0] = any_of(URL("ColorExtended"), &col.base);
	c[1] = any_of(URL("TwoOctetAsSpecificExtended"), &rt.base);
	c[2] = any_of(URL("ColorExtended"), &col2.base);
	ec.n_communities = 3;
	ec.communities = c;
	o.ec = any_of(URL("ExtendedCommunitiesAttribute"), &ec.base);
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.has_color && p.color == 4000000001u);
	CU_ASSERT(p.n_rts == 1 && p.rts[0].assigned == 101);
}

static void
test_decode_route_targets_truncated(void)
{
	Apipb__TwoOctetAsSpecificExtended rt[BGP_MAX_RTS + 1];
	Google__Protobuf__Any *c[BGP_MAX_RTS + 1];
	Apipb__ExtendedCommunitiesAttribute ec = APIPB__EXTENDED_COMMUNITIES_ATTRIBUTE__INIT;
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	for (unsigned int i = 0; i < BGP_MAX_RTS + 1; i++) {
		apipb__two_octet_as_specific_extended__init(&rt[i]);
		rt[i].is_transitive = true;
		rt[i].sub_type = 2;
		rt[i].asn = 65513;
		rt[i].local_admin = 1000 + i;
		c[i] = any_of(URL("TwoOctetAsSpecificExtended"), &rt[i].base);
	}
	ec.n_communities = BGP_MAX_RTS + 1;
	ec.communities = c;
	o.ec = any_of(URL("ExtendedCommunitiesAttribute"), &ec.base);
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.n_rts == BGP_MAX_RTS && p.rts_truncated);
	CU_ASSERT(p.rts[BGP_MAX_RTS - 1].assigned == 1000 + BGP_MAX_RTS - 1);
}

static void
test_decode_optional_parts(void)
{
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	o.has_label = false; // no labels in the NLRI
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT_FALSE(p.has_label);
	o = frr_v4();
	o.has_structure = false;
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.has_sid && !p.has_structure);
	o = frr_v4();
	o.prefix = "172.16.10.1"; // host bits set: the prefix is used
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.prefix.len == 24 && p.prefix.addr.bytes[3] == 0);
	// a next hop in a NextHopAttribute instead of MpReach
	Apipb__NextHopAttribute nh = APIPB__NEXT_HOP_ATTRIBUTE__INIT;
	nh.next_hop = "192.0.2.7";
	o = frr_v4();
	o.no_nexthop_attr = true;
	o.extra_attr = any_of(URL("NextHopAttribute"), &nh.base);
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.nexthop.family == AF_INET && p.nexthop.bytes[0] == 192 &&
		  p.nexthop.bytes[3] == 7);
	// an unknown attribute is skipped
	Apipb__OriginAttribute org = APIPB__ORIGIN_ATTRIBUTE__INIT;
	o = frr_v4();
	o.extra_attr = any_of(URL("LocalPrefAttribute"), &org.base);
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.has_sid);
}

static void
test_decode_bad_nlri(void)
{
	Apipb__IPAddressPrefix ipp = APIPB__IPADDRESS_PREFIX__INIT;
	Apipb__LabeledVPNIPAddressPrefix n = APIPB__LABELED_VPNIPADDRESS_PREFIX__INIT;
	struct frr_opts o;
	struct bgp_vpn_path p;
	enum bgp_reject r;

	o = frr_v4();
	o.nlri = any_raw(URL("LabeledVPNIPAddressPrefix"), garbage, sizeof(garbage));
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	o.nlri = any_raw(URL("LabeledVPNIPAddressPrefix"), truncated, sizeof(truncated));
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	// the right contents under another type
	ipp.prefix = "172.16.10.0";
	ipp.prefix_len = 24;
	o.nlri = any_of(URL("IPAddressPrefix"), &ipp.base);
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	o.nlri = NULL;
	o.nlri = frr_nlri(&o);
	o.nlri->type_url = URL("LabeledIPAddressPrefix");
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	o.nlri->type_url = NULL;
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	// no NLRI at all
	o = frr_v4();
	Apipb__Path *pp = frr_path(&o);
	pp->nlri = NULL;
	r = BGP_REJECT_MAX;
	CU_ASSERT(gobgp_path_decode(pp, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	// no prefix, an empty one, an IPv6 one in VPNv4
	n.prefix_len = 24;
	o = frr_v4();
	o.nlri = any_of(URL("LabeledVPNIPAddressPrefix"), &n.base); // no rd, no prefix
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	o = frr_v4();
	o.prefix = "";
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	o = frr_v4();
	o.prefix = "2001:db8:10::";
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	o = frr_v6();
	o.prefix = "172.16.10.0";
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
}

static void
test_decode_prefix_len_too_long(void)
{
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	o.prefix_len = 33;
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	o.prefix_len = 32;
	o.prefix = "172.16.10.1";
	CU_ASSERT(decode(&o, &p, &r) == 1);
	o = frr_v6();
	o.prefix_len = 129;
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	o.prefix_len = 0xffffffffu; // would be 255 in a uint8_t
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	o.prefix_len = 256 + 48; // would be 48 in a uint8_t
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
}

static void
test_decode_bad_rd(void)
{
	Apipb__OriginAttribute org = APIPB__ORIGIN_ATTRIBUTE__INIT;
	Apipb__RouteDistinguisherIPAddress ip = APIPB__ROUTE_DISTINGUISHER_IPADDRESS__INIT;
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	o.rd = any_of(URL("OriginAttribute"), &org.base); // not an RD type
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	o.rd = any_raw(URL("RouteDistinguisherTwoOctetASN"), garbage, sizeof(garbage));
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	ip.admin = "300.1.1.1";
	ip.assigned = 1;
	o.rd = any_of(URL("RouteDistinguisherIPAddress"), &ip.base);
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
	ip.admin = NULL;
	o.rd = any_of(URL("RouteDistinguisherIPAddress"), &ip.base);
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_nlri);
}

static void
test_decode_bad_prefix_sid(void)
{
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	o.psid = any_raw(URL("PrefixSID"), garbage, sizeof(garbage));
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_attribute);
	// what could be read before is kept: family, prefix, RD
	CU_ASSERT(p.family == AF_INET && p.prefix.len == 24 && p.rd.assigned == 1);
	o = frr_v4();
	o.l3 = any_raw(URL("SRv6L3ServiceTLV"), truncated, sizeof(truncated));
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_attribute);
	o = frr_v4();
	o.ec = any_raw(URL("ExtendedCommunitiesAttribute"), garbage, sizeof(garbage));
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_attribute);
}

static void
test_decode_prefix_sid_without_l3_service(void)
{
	Apipb__PrefixSID ps = APIPB__PREFIX_SID__INIT;
	Apipb__SRv6L3ServiceTLV l3 = APIPB__SRV6_L3_SERVICE_TLV__INIT;
	Google__Protobuf__Any *t[1];
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	// an SRv6 L2 service TLV only: no SID for us, not an error here
	t[0] = any_of(URL("SRv6L2ServiceTLV"), &l3.base);
	ps.n_tlvs = 1;
	ps.tlvs = t;
	o.psid = any_of(URL("PrefixSID"), &ps.base);
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT_FALSE(p.has_sid);
	// an L3 service TLV without its SID information sub-TLV
	t[0] = any_of(URL("SRv6L3ServiceTLV"), &l3.base);
	o.psid = any_of(URL("PrefixSID"), &ps.base);
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT_FALSE(p.has_sid);
}

static void
test_decode_bad_sid_length(void)
{
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	o.sid_len = 15;
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_sid);
	CU_ASSERT(p.family == AF_INET && p.prefix.len == 24 && p.rd.admin == 65513);
	o.sid_len = 0;
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_sid);
}

static void
test_decode_bad_behavior(void)
{
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	o.behavior = 0x10000;
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_behavior_unusable);
	o.behavior = 0xffff;
	CU_ASSERT(decode(&o, &p, &r) == 1);
	CU_ASSERT(p.behavior == 0xffff);
}

static void
test_decode_bad_structure(void)
{
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	for (unsigned int i = 0; i < 6; i++) {
		o = frr_v4();
		o.st[i] = 129;
		CU_ASSERT(decode(&o, &p, &r) == -1);
		CU_ASSERT(r == BGP_REJECT_bad_structure);
		o.st[i] = 256 + 16; // would wrap to 16 in a uint8_t
		CU_ASSERT(decode(&o, &p, &r) == -1);
		CU_ASSERT(r == BGP_REJECT_bad_structure);
	}
	// a structure sub-sub-TLV that does not parse
	Apipb__SRv6InformationSubTLV__SubSubTlvsEntry
		se = APIPB__SRV6_INFORMATION_SUB_TLV__SUB_SUB_TLVS_ENTRY__INIT,
		*sep[1] = {&se};
	Apipb__SRv6TLV sv = APIPB__SRV6_TLV__INIT, iv = APIPB__SRV6_TLV__INIT;
	Apipb__SRv6InformationSubTLV info = APIPB__SRV6_INFORMATION_SUB_TLV__INIT;
	Apipb__SRv6L3ServiceTLV__SubTlvsEntry le = APIPB__SRV6_L3_SERVICE_TLV__SUB_TLVS_ENTRY__INIT,
					      *lep[1] = {&le};
	Apipb__SRv6L3ServiceTLV l3 = APIPB__SRV6_L3_SERVICE_TLV__INIT;
	Google__Protobuf__Any *bad_st = any_raw(URL("SRv6StructureSubSubTLV"), garbage,
						sizeof(garbage)),
			      *a_info;
	uint8_t sid[16];

	sid_of("2a0e:97c0:ae6:2001::", sid);
	sv.n_tlv = 1;
	sv.tlv = &bad_st;
	se.key = 1;
	se.value = &sv;
	info.sid.data = sid;
	info.sid.len = 16;
	info.endpoint_behavior = 0xffff;
	info.n_sub_sub_tlvs = 1;
	info.sub_sub_tlvs = sep;
	a_info = any_of(URL("SRv6InformationSubTLV"), &info.base);
	iv.n_tlv = 1;
	iv.tlv = &a_info;
	le.key = 1;
	le.value = &iv;
	l3.n_sub_tlvs = 1;
	l3.sub_tlvs = lep;
	o = frr_v4();
	o.l3 = any_of(URL("SRv6L3ServiceTLV"), &l3.base);
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_structure);
}

static void
test_decode_bad_nexthop(void)
{
	Apipb__NextHopAttribute nh = APIPB__NEXT_HOP_ATTRIBUTE__INIT;
	struct frr_opts o = frr_v4();
	struct bgp_vpn_path p;
	enum bgp_reject r;

	o.nexthop = "not-an-ip";
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_attribute);
	o = frr_v4();
	o.no_nexthop_attr = true;
	o.extra_attr = any_raw(URL("MpReachNLRIAttribute"), garbage, sizeof(garbage));
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_attribute);
	nh.next_hop = "bogus";
	o.extra_attr = any_of(URL("NextHopAttribute"), &nh.base);
	CU_ASSERT(decode(&o, &p, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_attribute);
}

// --- encode -----------------------------------------------------------------------------

// The structure of our locator in most tests: block 48, node 16, function 16.
static const struct bgp_sid_structure st_loc48 = {48, 16, 16, 0, 16, 64};

// An export of 172.16.10.0/24 with SID `sid` from a locator of structure st.
static struct bgp_vpn_path
export_path_sid(bool transpose, const struct bgp_sid_structure *st, const char *sid_text)
{
	struct bgp_vrf v;
	struct ip_prefix pfx;
	struct ip_addr nh;
	struct bgp_vpn_path out;
	uint8_t sid[16];

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "blue");
	v.has_rd = true;
	v.rd = rdrt(BGP_RDRT_IP4, 0x0a010101u, 101);
	v.n_export = 2;
	v.export_rt[0] = rdrt(BGP_RDRT_AS2, 65513, 101);
	v.export_rt[1] = rdrt(BGP_RDRT_AS2, 65513, 999);
	CU_ASSERT_FATAL(prefix_parse("172.16.10.0/24", false, &pfx) == 0);
	CU_ASSERT_FATAL(addr_parse("2001:db8:0:ff::1", &nh) == 0);
	sid_of(sid_text, sid);
	CU_ASSERT_FATAL(bgp_export_build(&v, &pfx, sid, BGP_BEH_END_DT46, st, transpose, &nh, &out,
					 NULL) == 0);
	return out;
}

static struct bgp_vpn_path
export_path(bool transpose)
{
	return export_path_sid(transpose, &st_loc48, "2a0e:97c0:ae6:1001:1::");
}

// The Any's message when its type URL is exactly URL(name), else NULL.
static ProtobufCMessage *
open_any(const Google__Protobuf__Any *a, const char *url, const ProtobufCMessageDescriptor *d)
{
	if (a == NULL || a->type_url == NULL || strcmp(a->type_url, url) != 0)
		return NULL;
	return protobuf_c_message_unpack(d, NULL, a->value.len, a->value.data);
}

static const Google__Protobuf__Any *
find_attr(const Apipb__Path *p, const char *url)
{
	for (size_t i = 0; i < p->n_pattrs; i++)
		if (p->pattrs[i]->type_url != NULL && strcmp(p->pattrs[i]->type_url, url) == 0)
			return p->pattrs[i];
	return NULL;
}

// Checks the NLRI Any of an encoded export path: labels [label], RD
// 10.1.1.1:101, 172.16.10.0/24.
static void
check_nlri(const Google__Protobuf__Any *a, uint32_t label)
{
	Apipb__LabeledVPNIPAddressPrefix *n =
		(void *)open_any(a, URL("LabeledVPNIPAddressPrefix"),
				 &apipb__labeled_vpnipaddress_prefix__descriptor);
	Apipb__RouteDistinguisherIPAddress *rd;

	CU_ASSERT_FATAL(n != NULL);
	CU_ASSERT(n->n_labels == 1 && n->labels[0] == label);
	CU_ASSERT(n->prefix != NULL && strcmp(n->prefix, "172.16.10.0") == 0);
	CU_ASSERT(n->prefix_len == 24);
	rd = (void *)open_any(n->rd, URL("RouteDistinguisherIPAddress"),
			      &apipb__route_distinguisher_ipaddress__descriptor);
	CU_ASSERT(rd != NULL);
	if (rd != NULL) {
		CU_ASSERT(rd->admin != NULL && strcmp(rd->admin, "10.1.1.1") == 0);
		CU_ASSERT(rd->assigned == 101);
		protobuf_c_message_free_unpacked(&rd->base, NULL);
	}
	protobuf_c_message_free_unpacked(&n->base, NULL);
}

static void
check_prefix_sid(const Google__Protobuf__Any *a, const char *sid_field,
		 const struct bgp_sid_structure *st, uint32_t tpos_len, uint32_t tpos_off)
{
	Apipb__PrefixSID *ps =
		(void *)open_any(a, URL("PrefixSID"), &apipb__prefix_sid__descriptor);
	Apipb__SRv6L3ServiceTLV *l3;
	Apipb__SRv6InformationSubTLV *info;
	Apipb__SRv6StructureSubSubTLV *s;
	uint8_t want[16];

	CU_ASSERT_FATAL(ps != NULL);
	CU_ASSERT_FATAL(ps->n_tlvs == 1);
	l3 = (void *)open_any(ps->tlvs[0], URL("SRv6L3ServiceTLV"),
			      &apipb__srv6_l3_service_tlv__descriptor);
	CU_ASSERT_FATAL(l3 != NULL);
	CU_ASSERT_FATAL(l3->n_sub_tlvs == 1);
	CU_ASSERT(l3->sub_tlvs[0]->key == 1);
	CU_ASSERT_FATAL(l3->sub_tlvs[0]->value != NULL && l3->sub_tlvs[0]->value->n_tlv == 1);
	info = (void *)open_any(l3->sub_tlvs[0]->value->tlv[0], URL("SRv6InformationSubTLV"),
				&apipb__srv6_information_sub_tlv__descriptor);
	CU_ASSERT_FATAL(info != NULL);
	sid_of(sid_field, want);
	CU_ASSERT(info->sid.len == 16 && memcmp(info->sid.data, want, 16) == 0);
	CU_ASSERT(info->endpoint_behavior == 20);
	CU_ASSERT_FATAL(info->n_sub_sub_tlvs == 1);
	CU_ASSERT(info->sub_sub_tlvs[0]->key == 1);
	CU_ASSERT_FATAL(info->sub_sub_tlvs[0]->value != NULL &&
			info->sub_sub_tlvs[0]->value->n_tlv == 1);
	s = (void *)open_any(info->sub_sub_tlvs[0]->value->tlv[0], URL("SRv6StructureSubSubTLV"),
			     &apipb__srv6_structure_sub_sub_tlv__descriptor);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(s->locator_block_length == st->block_len &&
		  s->locator_node_length == st->node_len && s->function_length == st->func_len &&
		  s->argument_length == st->arg_len);
	CU_ASSERT(s->transposition_length == tpos_len && s->transposition_offset == tpos_off);
	protobuf_c_message_free_unpacked(&s->base, NULL);
	protobuf_c_message_free_unpacked(&info->base, NULL);
	protobuf_c_message_free_unpacked(&l3->base, NULL);
	protobuf_c_message_free_unpacked(&ps->base, NULL);
}

static void
check_encoded_path_st(const Apipb__Path *p, uint32_t label, const char *sid_field,
		      const struct bgp_sid_structure *st, uint32_t tpos_len, uint32_t tpos_off)
{
	const Google__Protobuf__Any *a;

	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_FATAL(p->family != NULL);
	CU_ASSERT(p->family->afi == 1 && p->family->safi == 128);
	check_nlri(p->nlri, label);
	CU_ASSERT(p->n_pattrs == 4);

	a = find_attr(p, URL("OriginAttribute"));
	Apipb__OriginAttribute *org =
		(void *)open_any(a, URL("OriginAttribute"), &apipb__origin_attribute__descriptor);
	CU_ASSERT(org != NULL && org->origin == 0); // IGP
	if (org != NULL)
		protobuf_c_message_free_unpacked(&org->base, NULL);

	a = find_attr(p, URL("MpReachNLRIAttribute"));
	Apipb__MpReachNLRIAttribute *mp = (void *)open_any(
		a, URL("MpReachNLRIAttribute"), &apipb__mp_reach_nlriattribute__descriptor);
	CU_ASSERT_FATAL(mp != NULL);
	CU_ASSERT(mp->family != NULL && mp->family->afi == 1 && mp->family->safi == 128);
	CU_ASSERT(mp->n_next_hops == 1 && strcmp(mp->next_hops[0], "2001:db8:0:ff::1") == 0);
	CU_ASSERT_FATAL(mp->n_nlris == 1);
	check_nlri(mp->nlris[0], label);
	protobuf_c_message_free_unpacked(&mp->base, NULL);

	a = find_attr(p, URL("ExtendedCommunitiesAttribute"));
	Apipb__ExtendedCommunitiesAttribute *ec =
		(void *)open_any(a, URL("ExtendedCommunitiesAttribute"),
				 &apipb__extended_communities_attribute__descriptor);
	CU_ASSERT_FATAL(ec != NULL);
	CU_ASSERT_FATAL(ec->n_communities == 2);
	static const uint32_t admins[2] = {101, 999};
	for (size_t i = 0; i < 2; i++) {
		Apipb__TwoOctetAsSpecificExtended *rt =
			(void *)open_any(ec->communities[i], URL("TwoOctetAsSpecificExtended"),
					 &apipb__two_octet_as_specific_extended__descriptor);
		CU_ASSERT_FATAL(rt != NULL);
		CU_ASSERT(rt->is_transitive && rt->sub_type == 2 && rt->asn == 65513 &&
			  rt->local_admin == admins[i]);
		protobuf_c_message_free_unpacked(&rt->base, NULL);
	}
	protobuf_c_message_free_unpacked(&ec->base, NULL);

	check_prefix_sid(find_attr(p, URL("PrefixSID")), sid_field, st, tpos_len, tpos_off);
}

static void
check_encoded_path(const Apipb__Path *p, uint32_t label, const char *sid_field, uint32_t tpos_len,
		   uint32_t tpos_off)
{
	check_encoded_path_st(p, label, sid_field, &st_loc48, tpos_len, tpos_off);
}

static void
test_encode_add_path(void)
{
	struct bgp_vpn_path p = export_path(false);
	Apipb__AddPathRequest *req;
	uint8_t *buf = NULL;
	size_t len = 0;

	CU_ASSERT_FATAL(gobgp_encode_add_path(&p, &buf, &len) == 0);
	req = apipb__add_path_request__unpack(NULL, len, buf);
	CU_ASSERT_FATAL(req != NULL);
	CU_ASSERT(req->table_type == APIPB__TABLE_TYPE__GLOBAL);
	CU_ASSERT(req->vrf_id == NULL || req->vrf_id[0] == '\0');
	check_encoded_path(req->path, 3, "2a0e:97c0:ae6:1001:1::", 0, 0);
	apipb__add_path_request__free_unpacked(req, NULL);
	free(buf);
}

static void
test_encode_add_path_transposed(void)
{
	struct bgp_vpn_path p = export_path(true);
	Apipb__AddPathRequest *req;
	uint8_t *buf = NULL;
	size_t len = 0;

	CU_ASSERT_FATAL(gobgp_encode_add_path(&p, &buf, &len) == 0);
	req = apipb__add_path_request__unpack(NULL, len, buf);
	CU_ASSERT_FATAL(req != NULL);
	// function 0x0001 at bits 64..79 -> label 0x00010, SID field without it
	check_encoded_path(req->path, 16, "2a0e:97c0:ae6:1001::", 16, 64);
	apipb__add_path_request__free_unpacked(req, NULL);
	free(buf);
}

// A uDT46 SID of a uSID locator (RFC 9800 F3216: block 32, node 16, function
// 16; fc00:0:1::/48, function 0xe001): the RFC 9252 SID Structure carries
// those lengths; transposed, the function rides in the label at offset 48.
static void
test_encode_add_path_usid(void)
{
	static const struct bgp_sid_structure f3216 = {32, 16, 16, 0, 16, 48};
	for (int transpose = 0; transpose <= 1; transpose++) {
		struct bgp_vpn_path p = export_path_sid(transpose, &f3216, "fc00:0:1:e001::");
		Apipb__AddPathRequest *req;
		uint8_t *buf = NULL;
		size_t len = 0;

		CU_ASSERT_FATAL(gobgp_encode_add_path(&p, &buf, &len) == 0);
		req = apipb__add_path_request__unpack(NULL, len, buf);
		CU_ASSERT_FATAL(req != NULL);
		if (transpose)
			check_encoded_path_st(req->path, 0xe001u << 4, "fc00:0:1::", &f3216, 16,
					      48);
		else
			check_encoded_path_st(req->path, 3, "fc00:0:1:e001::", &f3216, 0, 0);
		apipb__add_path_request__free_unpacked(req, NULL);
		free(buf);
	}
}

static void
test_encode_delete_path(void)
{
	struct bgp_vpn_path p = export_path(false);
	Apipb__DeletePathRequest *req;
	uint8_t *buf = NULL;
	size_t len = 0;

	CU_ASSERT_FATAL(gobgp_encode_delete_path(&p, &buf, &len) == 0);
	req = apipb__delete_path_request__unpack(NULL, len, buf);
	CU_ASSERT_FATAL(req != NULL);
	CU_ASSERT(req->table_type == APIPB__TABLE_TYPE__GLOBAL);
	CU_ASSERT(req->family != NULL && req->family->afi == 1 && req->family->safi == 128);
	CU_ASSERT_FATAL(req->path != NULL);
	check_nlri(req->path->nlri, 3);
	apipb__delete_path_request__free_unpacked(req, NULL);
	free(buf);
}

static void
test_encode_rd_and_rt_types(void)
{
	struct bgp_vpn_path p = export_path(false);
	Apipb__AddPathRequest *req;
	uint8_t *buf = NULL;
	size_t len = 0;

	p.rd = rdrt(BGP_RDRT_AS4, 4200000000u, 7);
	p.n_rts = 2;
	p.rts[0] = rdrt(BGP_RDRT_IP4, 0xc0000201u, 5);
	p.rts[1] = rdrt(BGP_RDRT_AS4, 4200000000u, 8);
	CU_ASSERT_FATAL(gobgp_encode_add_path(&p, &buf, &len) == 0);
	req = apipb__add_path_request__unpack(NULL, len, buf);
	CU_ASSERT_FATAL(req != NULL && req->path != NULL);

	Apipb__LabeledVPNIPAddressPrefix *n =
		(void *)open_any(req->path->nlri, URL("LabeledVPNIPAddressPrefix"),
				 &apipb__labeled_vpnipaddress_prefix__descriptor);
	CU_ASSERT_FATAL(n != NULL);
	Apipb__RouteDistinguisherFourOctetASN *rd =
		(void *)open_any(n->rd, URL("RouteDistinguisherFourOctetASN"),
				 &apipb__route_distinguisher_four_octet_asn__descriptor);
	CU_ASSERT(rd != NULL && rd->admin == 4200000000u && rd->assigned == 7);
	if (rd != NULL)
		protobuf_c_message_free_unpacked(&rd->base, NULL);
	protobuf_c_message_free_unpacked(&n->base, NULL);

	Apipb__ExtendedCommunitiesAttribute *ec =
		(void *)open_any(find_attr(req->path, URL("ExtendedCommunitiesAttribute")),
				 URL("ExtendedCommunitiesAttribute"),
				 &apipb__extended_communities_attribute__descriptor);
	CU_ASSERT_FATAL(ec != NULL && ec->n_communities == 2);
	Apipb__IPv4AddressSpecificExtended *v4 =
		(void *)open_any(ec->communities[0], URL("IPv4AddressSpecificExtended"),
				 &apipb__ipv4_address_specific_extended__descriptor);
	CU_ASSERT(v4 != NULL && v4->is_transitive && v4->sub_type == 2 && v4->address != NULL &&
		  strcmp(v4->address, "192.0.2.1") == 0 && v4->local_admin == 5);
	if (v4 != NULL)
		protobuf_c_message_free_unpacked(&v4->base, NULL);
	Apipb__FourOctetAsSpecificExtended *as4 =
		(void *)open_any(ec->communities[1], URL("FourOctetAsSpecificExtended"),
				 &apipb__four_octet_as_specific_extended__descriptor);
	CU_ASSERT(as4 != NULL && as4->is_transitive && as4->sub_type == 2 &&
		  as4->asn == 4200000000u && as4->local_admin == 8);
	if (as4 != NULL)
		protobuf_c_message_free_unpacked(&as4->base, NULL);
	protobuf_c_message_free_unpacked(&ec->base, NULL);
	apipb__add_path_request__free_unpacked(req, NULL);
	free(buf);
}

static void
test_encode_errors(void)
{
	struct bgp_vpn_path p = export_path(false);
	uint8_t *buf = NULL;
	size_t len = 0;

	p.family = 0;
	CU_ASSERT(gobgp_encode_add_path(&p, &buf, &len) == -EINVAL);
	CU_ASSERT(gobgp_encode_delete_path(&p, &buf, &len) == -EINVAL);
	p = export_path(false);
	p.rd.type = 7;
	CU_ASSERT(gobgp_encode_add_path(&p, &buf, &len) == -EINVAL);
	p = export_path(false);
	p.rts[1].type = 7;
	CU_ASSERT(gobgp_encode_add_path(&p, &buf, &len) == -EINVAL);
	CU_ASSERT_PTR_NULL(buf);
}

// decode(encode(p)) gives p back, field by field.
static void
roundtrip(const struct bgp_vpn_path *p)
{
	Apipb__AddPathRequest *req;
	struct bgp_vpn_path q;
	enum bgp_reject r = BGP_REJECT_MAX;
	uint8_t *buf = NULL;
	size_t len = 0;

	CU_ASSERT_FATAL(gobgp_encode_add_path(p, &buf, &len) == 0);
	req = apipb__add_path_request__unpack(NULL, len, buf);
	CU_ASSERT_FATAL(req != NULL);
	CU_ASSERT(gobgp_path_decode(req->path, &q, &r) == 1);
	CU_ASSERT(q.family == p->family && !q.withdraw);
	CU_ASSERT(bgp_rdrt_equal(&q.rd, &p->rd));
	CU_ASSERT(prefix_equal(&q.prefix, &p->prefix));
	CU_ASSERT(q.has_label && q.label == p->label);
	CU_ASSERT(addr_equal(&q.nexthop, &p->nexthop));
	CU_ASSERT(q.peer.family == 0); // no neighbor_ip: ours
	CU_ASSERT(q.n_rts == p->n_rts && !q.rts_truncated);
	for (unsigned int i = 0; i < p->n_rts && i < q.n_rts; i++)
		CU_ASSERT(bgp_rdrt_equal(&q.rts[i], &p->rts[i]));
	CU_ASSERT(q.has_sid && memcmp(q.sid, p->sid, 16) == 0);
	CU_ASSERT(q.behavior == p->behavior);
	CU_ASSERT(q.has_structure == p->has_structure);
	CU_ASSERT(memcmp(&q.st, &p->st, sizeof(q.st)) == 0);
	CU_ASSERT(bgp_export_same(&q, p));
	apipb__add_path_request__free_unpacked(req, NULL);
	free(buf);
}

static void
test_roundtrip_vpnv4(void)
{
	struct bgp_vpn_path p = export_path(false);

	roundtrip(&p);
	p = export_path(true);
	roundtrip(&p);
}

static void
test_roundtrip_vpnv6(void)
{
	struct bgp_vpn_path p = export_path(true);

	CU_ASSERT_FATAL(prefix_parse("2001:db8:10::/48", false, &p.prefix) == 0);
	p.family = AF_INET6;
	p.behavior = BGP_BEH_END_DT6;
	p.rd = rdrt(BGP_RDRT_AS4, 4200000000u, 7);
	p.n_rts = 3;
	p.rts[0] = rdrt(BGP_RDRT_AS2, 65513, 4294967295u);
	p.rts[1] = rdrt(BGP_RDRT_IP4, 0x0a010101u, 65535);
	p.rts[2] = rdrt(BGP_RDRT_AS4, 65536, 1);
	roundtrip(&p);
	p.rd = rdrt(BGP_RDRT_AS2, 65513, 102);
	CU_ASSERT_FATAL(addr_parse("10.0.0.1", &p.nexthop) == 0); // an IPv4 next hop
	roundtrip(&p);
}

// --- requests ---------------------------------------------------------------------------

static void
test_encode_watch(void)
{
	Apipb__WatchEventRequest *req;
	uint8_t *buf = NULL;
	size_t len = 0;

	CU_ASSERT_FATAL(gobgp_encode_watch(true, &buf, &len) == 0);
	req = apipb__watch_event_request__unpack(NULL, len, buf);
	CU_ASSERT_FATAL(req != NULL);
	CU_ASSERT(req->peer != NULL);
	CU_ASSERT_FATAL(req->table != NULL && req->table->n_filters == 1);
	CU_ASSERT(req->table->filters[0]->type ==
		  APIPB__WATCH_EVENT_REQUEST__TABLE__FILTER__TYPE__BEST);
	CU_ASSERT(req->table->filters[0]->init);
	apipb__watch_event_request__free_unpacked(req, NULL);
	free(buf);

	CU_ASSERT_FATAL(gobgp_encode_watch(false, &buf, &len) == 0);
	req = apipb__watch_event_request__unpack(NULL, len, buf);
	CU_ASSERT_FATAL(req != NULL);
	CU_ASSERT(req->peer == NULL);
	CU_ASSERT_FATAL(req->table != NULL && req->table->n_filters == 1);
	CU_ASSERT(req->table->filters[0]->init);
	apipb__watch_event_request__free_unpacked(req, NULL);
	free(buf);
}

static void
test_encode_list_path(void)
{
	static const struct {
		uint8_t family;
		uint32_t afi;
	} cases[] = {{AF_INET, 1}, {AF_INET6, 2}};

	for (size_t i = 0; i < DIM(cases); i++) {
		Apipb__ListPathRequest *req;
		uint8_t *buf = NULL;
		size_t len = 0;

		CU_ASSERT_FATAL(gobgp_encode_list_path(cases[i].family, &buf, &len) == 0);
		req = apipb__list_path_request__unpack(NULL, len, buf);
		CU_ASSERT_FATAL(req != NULL);
		CU_ASSERT(req->table_type == APIPB__TABLE_TYPE__GLOBAL);
		CU_ASSERT(req->family != NULL && req->family->afi == cases[i].afi &&
			  req->family->safi == 128);
		CU_ASSERT(req->n_prefixes == 0 && !req->enable_only_binary);
		apipb__list_path_request__free_unpacked(req, NULL);
		free(buf);
	}
}

static void
test_encode_list_peer(void)
{
	Apipb__ListPeerRequest *req;
	uint8_t *buf = NULL;
	size_t len = 99;

	CU_ASSERT_FATAL(gobgp_encode_list_peer(&buf, &len) == 0);
	CU_ASSERT(len == 0); // every field at its default
	req = apipb__list_peer_request__unpack(NULL, len, buf);
	CU_ASSERT_FATAL(req != NULL);
	CU_ASSERT(req->address == NULL || req->address[0] == '\0');
	CU_ASSERT_FALSE(req->enableadvertised);
	apipb__list_peer_request__free_unpacked(req, NULL);
	free(buf);
}

static void
test_any_pack_unpack(void)
{
	Apipb__OriginAttribute org = APIPB__ORIGIN_ATTRIBUTE__INIT, *back;
	Google__Protobuf__Any any;

	org.origin = 2; // INCOMPLETE
	CU_ASSERT_FATAL(gobgp_any_pack(&org.base, &any) == 0);
	CU_ASSERT_STRING_EQUAL(any.type_url, "type.googleapis.com/apipb.OriginAttribute");
	CU_ASSERT(any.value.len == 2 && any.value.data[0] == 0x08 && any.value.data[1] == 0x02);
	back = (void *)gobgp_any_unpack(&any, &apipb__origin_attribute__descriptor);
	CU_ASSERT(back != NULL && back->origin == 2);
	if (back != NULL)
		protobuf_c_message_free_unpacked(&back->base, NULL);
	CU_ASSERT_PTR_NULL(gobgp_any_unpack(&any, &apipb__next_hop_attribute__descriptor));
	CU_ASSERT_PTR_NULL(gobgp_any_unpack(NULL, &apipb__origin_attribute__descriptor));
	gobgp_any_clear(&any);
	CU_ASSERT(any.type_url == NULL && any.value.data == NULL && any.value.len == 0);
	Google__Protobuf__Any *bad = any_raw(URL("OriginAttribute"), garbage, sizeof(garbage));
	CU_ASSERT_PTR_NULL(gobgp_any_unpack(bad, &apipb__origin_attribute__descriptor));
}

// --- main ---------------------------------------------------------------------------------

static const struct {
	const char *name;
	CU_TestFunc fn;
} tests[] = {
	{"decode FRR VPNv4", test_decode_frr_vpnv4},
	{"decode FRR VPNv6", test_decode_frr_vpnv6},
	{"decode local neighbor", test_decode_local_neighbor},
	{"decode other families ignored", test_decode_other_families_ignored},
	{"decode withdraw", test_decode_withdraw},
	{"decode RD types", test_decode_rd_types},
	{"decode route targets", test_decode_route_targets},
	{"decode color", test_decode_color},
	{"decode route targets truncated", test_decode_route_targets_truncated},
	{"decode optional parts", test_decode_optional_parts},
	{"decode bad NLRI", test_decode_bad_nlri},
	{"decode prefix_len too long", test_decode_prefix_len_too_long},
	{"decode bad RD", test_decode_bad_rd},
	{"decode bad PrefixSID", test_decode_bad_prefix_sid},
	{"decode PrefixSID without L3 service", test_decode_prefix_sid_without_l3_service},
	{"decode bad SID length", test_decode_bad_sid_length},
	{"decode bad behavior", test_decode_bad_behavior},
	{"decode bad structure", test_decode_bad_structure},
	{"decode bad next hop", test_decode_bad_nexthop},
	{"encode AddPath", test_encode_add_path},
	{"encode AddPath transposed", test_encode_add_path_transposed},
	{"encode AddPath uSID F3216 structure", test_encode_add_path_usid},
	{"encode DeletePath", test_encode_delete_path},
	{"encode RD and RT types", test_encode_rd_and_rt_types},
	{"encode errors", test_encode_errors},
	{"round trip VPNv4", test_roundtrip_vpnv4},
	{"round trip VPNv6", test_roundtrip_vpnv6},
	{"encode WatchEvent", test_encode_watch},
	{"encode ListPath", test_encode_list_path},
	{"encode ListPeer", test_encode_list_peer},
	{"Any pack/unpack", test_any_pack_unpack},
};

int
main(void)
{
	unsigned int failures;
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	// the arena is emptied after every test, so that valgrind sees no leak
	suite = CU_add_suite_with_setup_and_teardown("gobgp_codec", NULL, NULL, NULL, arena_free);
	if (suite == NULL)
		return 1;
	for (size_t i = 0; i < DIM(tests); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures > 255 ? 255 : (int)failures;
}
