// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "gobgp_codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "attribute.pb-c.h"

#define TYPE_URL_PREFIX "type.googleapis.com/"
// RFC 9252: SRv6 L3 Service TLV type 5; its SID Information Sub-TLV type 1;
// the SID Structure Sub-Sub-TLV type 1. GoBGP keys its maps by these.
#define SRV6_INFO_SUBTLV 1
#define SRV6_STRUCT_SUBSUBTLV 1
// RFC 4360: route target subtype
#define EXT_SUBTYPE_RT 2

// --- Any --------------------------------------------------------------------------------

int
gobgp_any_pack(const ProtobufCMessage *m, Google__Protobuf__Any *any)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	size_t ulen = strlen(TYPE_URL_PREFIX) + strlen(m->descriptor->name) + 1;

	google__protobuf__any__init(any);
	any->type_url = malloc(ulen);
	any->value.data = malloc(n ? n : 1);
	if (any->type_url == NULL || any->value.data == NULL) {
		gobgp_any_clear(any);
		return -ENOMEM;
	}
	snprintf(any->type_url, ulen, "%s%s", TYPE_URL_PREFIX, m->descriptor->name);
	any->value.len = protobuf_c_message_pack(m, any->value.data);
	return 0;
}

void
gobgp_any_clear(Google__Protobuf__Any *any)
{
	free(any->type_url);
	free(any->value.data);
	any->type_url = NULL;
	any->value.data = NULL;
	any->value.len = 0;
}

static bool
any_is(const Google__Protobuf__Any *any, const ProtobufCMessageDescriptor *desc)
{
	const char *slash;

	if (any == NULL || any->type_url == NULL)
		return false;
	slash = strrchr(any->type_url, '/');
	return strcmp(slash != NULL ? slash + 1 : any->type_url, desc->name) == 0;
}

ProtobufCMessage *
gobgp_any_unpack(const Google__Protobuf__Any *any, const ProtobufCMessageDescriptor *desc)
{
	if (!any_is(any, desc))
		return NULL;
	return protobuf_c_message_unpack(desc, NULL, any->value.len, any->value.data);
}

// --- decode -----------------------------------------------------------------------------

static int
decode_rd(const Google__Protobuf__Any *any, struct bgp_rdrt *rd)
{
	ProtobufCMessage *m;

	if ((m = gobgp_any_unpack(any, &apipb__route_distinguisher_two_octet_asn__descriptor))) {
		Apipb__RouteDistinguisherTwoOctetASN *r = (void *)m;
		*rd = (struct bgp_rdrt){BGP_RDRT_AS2, r->admin, r->assigned};
	} else if ((m = gobgp_any_unpack(any, &apipb__route_distinguisher_ipaddress__descriptor))) {
		Apipb__RouteDistinguisherIPAddress *r = (void *)m;
		struct in_addr a;
		if (r->admin == NULL || inet_pton(AF_INET, r->admin, &a) != 1) {
			protobuf_c_message_free_unpacked(m, NULL);
			return -1;
		}
		*rd = (struct bgp_rdrt){BGP_RDRT_IP4, ntohl(a.s_addr), r->assigned};
	} else if ((m = gobgp_any_unpack(any,
					 &apipb__route_distinguisher_four_octet_asn__descriptor))) {
		Apipb__RouteDistinguisherFourOctetASN *r = (void *)m;
		*rd = (struct bgp_rdrt){BGP_RDRT_AS4, r->admin, r->assigned};
	} else {
		return -1;
	}
	protobuf_c_message_free_unpacked(m, NULL);
	return 0;
}

static int
decode_nlri(const Google__Protobuf__Any *any, uint8_t family, struct bgp_vpn_path *out)
{
	Apipb__LabeledVPNIPAddressPrefix *n =
		(void *)gobgp_any_unpack(any, &apipb__labeled_vpnipaddress_prefix__descriptor);
	char buf[PREFIX_STRLEN + 8];
	int rc = -1;

	if (n == NULL)
		return -1;
	if (n->prefix == NULL || decode_rd(n->rd, &out->rd) < 0)
		goto out;
	if (n->prefix_len > (family == AF_INET ? 32u : 128u))
		goto out;
	snprintf(buf, sizeof(buf), "%s/%u", n->prefix, n->prefix_len);
	int prc = prefix_parse(buf, false, &out->prefix);
	if (prc == -EDOM) // host bits set: the speaker accepted it; use the prefix
		prefix_mask(&out->prefix);
	else if (prc < 0)
		goto out;
	if (out->prefix.addr.family != family)
		goto out;
	if (n->n_labels > 0) {
		out->has_label = true;
		out->label = n->labels[0] & 0xfffff;
	}
	rc = 0;
out:
	protobuf_c_message_free_unpacked(&n->base, NULL);
	return rc;
}

static int
decode_ext_communities(const Google__Protobuf__Any *any, struct bgp_vpn_path *out)
{
	Apipb__ExtendedCommunitiesAttribute *ec =
		(void *)gobgp_any_unpack(any, &apipb__extended_communities_attribute__descriptor);

	if (ec == NULL)
		return -1;
	for (size_t i = 0; i < ec->n_communities; i++) {
		const Google__Protobuf__Any *c = ec->communities[i];
		struct bgp_rdrt rt;
		ProtobufCMessage *m;
		bool is_rt = false;

		if ((m = gobgp_any_unpack(c, &apipb__two_octet_as_specific_extended__descriptor))) {
			Apipb__TwoOctetAsSpecificExtended *e = (void *)m;
			is_rt = e->sub_type == EXT_SUBTYPE_RT;
			rt = (struct bgp_rdrt){BGP_RDRT_AS2, e->asn, e->local_admin};
		} else if ((m = gobgp_any_unpack(
				    c, &apipb__ipv4_address_specific_extended__descriptor))) {
			Apipb__IPv4AddressSpecificExtended *e = (void *)m;
			struct in_addr a;
			is_rt = e->sub_type == EXT_SUBTYPE_RT && e->address != NULL &&
				inet_pton(AF_INET, e->address, &a) == 1;
			if (is_rt)
				rt = (struct bgp_rdrt){BGP_RDRT_IP4, ntohl(a.s_addr),
						       e->local_admin};
		} else if ((m = gobgp_any_unpack(c, &apipb__color_extended__descriptor))) {
			Apipb__ColorExtended *e = (void *)m;
			if (!out->has_color) {
				out->has_color = true;
				out->color = e->color;
			}
		} else if ((m = gobgp_any_unpack(
				    c, &apipb__four_octet_as_specific_extended__descriptor))) {
			Apipb__FourOctetAsSpecificExtended *e = (void *)m;
			is_rt = e->sub_type == EXT_SUBTYPE_RT;
			rt = (struct bgp_rdrt){BGP_RDRT_AS4, e->asn, e->local_admin};
		}
		if (m != NULL)
			protobuf_c_message_free_unpacked(m, NULL);
		if (!is_rt)
			continue; // other extended communities are not ours to read
		if (out->n_rts == BGP_MAX_RTS) {
			out->rts_truncated = true;
			continue;
		}
		out->rts[out->n_rts++] = rt;
	}
	protobuf_c_message_free_unpacked(&ec->base, NULL);
	return 0;
}

// The first Any of an SRv6TLV map entry with the given key, or NULL.
static const Google__Protobuf__Any *
srv6_tlv_first(Apipb__SRv6TLV *v)
{
	return v != NULL && v->n_tlv > 0 ? v->tlv[0] : NULL;
}

static int
decode_structure(Apipb__SRv6InformationSubTLV *info, struct bgp_vpn_path *out)
{
	for (size_t i = 0; i < info->n_sub_sub_tlvs; i++) {
		Apipb__SRv6InformationSubTLV__SubSubTlvsEntry *e = info->sub_sub_tlvs[i];
		Apipb__SRv6StructureSubSubTLV *s;

		if (e == NULL || e->key != SRV6_STRUCT_SUBSUBTLV)
			continue;
		s = (void *)gobgp_any_unpack(srv6_tlv_first(e->value),
					     &apipb__srv6_structure_sub_sub_tlv__descriptor);
		if (s == NULL)
			return -1;
		bool ok = s->locator_block_length <= 128 && s->locator_node_length <= 128 &&
			  s->function_length <= 128 && s->argument_length <= 128 &&
			  s->transposition_length <= 128 && s->transposition_offset <= 128;
		out->st = (struct bgp_sid_structure){
			(uint8_t)s->locator_block_length, (uint8_t)s->locator_node_length,
			(uint8_t)s->function_length,	  (uint8_t)s->argument_length,
			(uint8_t)s->transposition_length, (uint8_t)s->transposition_offset};
		protobuf_c_message_free_unpacked(&s->base, NULL);
		if (!ok)
			return -1;
		out->has_structure = true;
		return 0;
	}
	return 0;
}

// PrefixSID -> the first SRv6 SID Information Sub-TLV of its L3 Service TLV.
static int
decode_prefix_sid(const Google__Protobuf__Any *any, struct bgp_vpn_path *out,
		  enum bgp_reject *reason)
{
	Apipb__PrefixSID *ps = (void *)gobgp_any_unpack(any, &apipb__prefix_sid__descriptor);
	int rc = 0;

	if (ps == NULL) {
		*reason = BGP_REJECT_bad_attribute;
		return -1;
	}
	for (size_t t = 0; t < ps->n_tlvs && !out->has_sid && rc == 0; t++) {
		Apipb__SRv6L3ServiceTLV *l3;

		if (!any_is(ps->tlvs[t], &apipb__srv6_l3_service_tlv__descriptor))
			continue; // other Prefix-SID TLVs (label index, L2 service)
		l3 = (void *)gobgp_any_unpack(ps->tlvs[t], &apipb__srv6_l3_service_tlv__descriptor);
		if (l3 == NULL) {
			*reason = BGP_REJECT_bad_attribute;
			rc = -1;
			break;
		}
		for (size_t i = 0; i < l3->n_sub_tlvs && !out->has_sid && rc == 0; i++) {
			Apipb__SRv6L3ServiceTLV__SubTlvsEntry *e = l3->sub_tlvs[i];
			Apipb__SRv6InformationSubTLV *info;

			if (e == NULL || e->key != SRV6_INFO_SUBTLV)
				continue;
			info = (void *)gobgp_any_unpack(
				srv6_tlv_first(e->value),
				&apipb__srv6_information_sub_tlv__descriptor);
			if (info == NULL) {
				*reason = BGP_REJECT_bad_attribute;
				rc = -1;
				break;
			}
			if (info->sid.len != 16) {
				*reason = BGP_REJECT_bad_sid;
				rc = -1;
			} else if (info->endpoint_behavior > 0xffff) {
				*reason = BGP_REJECT_behavior_unusable;
				rc = -1;
			} else if (decode_structure(info, out) < 0) {
				*reason = BGP_REJECT_bad_structure;
				rc = -1;
			} else {
				memcpy(out->sid, info->sid.data, 16);
				out->behavior = (uint16_t)info->endpoint_behavior;
				out->has_sid = true;
			}
			protobuf_c_message_free_unpacked(&info->base, NULL);
		}
		protobuf_c_message_free_unpacked(&l3->base, NULL);
	}
	protobuf_c_message_free_unpacked(&ps->base, NULL);
	return rc;
}

static int
decode_nexthop(const char *s, struct ip_addr *out)
{
	return s != NULL && addr_parse(s, out) == 0 ? 0 : -1;
}

// Protobuf wire format, just enough to walk one message's fields.
static int
wire_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (unsigned int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -1;
		uint8_t b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			return 0;
	}
	return -1;
}

// The first next hop of a packed MpReachNLRIAttribute (field 2, repeated
// string), without unpacking field 3: GoBGP repeats every NLRI of the
// UPDATE there (hundreds), in every path, and the path's own NLRI is
// Path.nlri. 0 (next hop, or none), or -1 when the bytes are malformed.
static int
decode_mp_reach_nexthop(const ProtobufCBinaryData *v, struct ip_addr *out)
{
	// An empty value may have no buffer at all (data NULL): no arithmetic on it.
	const uint8_t *p = v->data, *end = v->len != 0 ? v->data + v->len : v->data;
	bool found = false;

	while (p < end) {
		uint64_t key, len, skip;
		if (wire_varint(&p, end, &key) < 0)
			return -1;
		switch (key & 7) {
		case 0:
			if (wire_varint(&p, end, &skip) < 0)
				return -1;
			break;
		case 1:
			if (end - p < 8)
				return -1;
			p += 8;
			break;
		case 5:
			if (end - p < 4)
				return -1;
			p += 4;
			break;
		case 2:
			if (wire_varint(&p, end, &len) < 0 || len > (uint64_t)(end - p))
				return -1;
			if (key >> 3 == 2 && !found) {
				char buf[ADDR_STRLEN];
				if (len == 0 || len >= sizeof(buf))
					return -1;
				memcpy(buf, p, len);
				buf[len] = '\0';
				if (decode_nexthop(buf, out) < 0)
					return -1;
				found = true;
			}
			p += len;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

int
gobgp_path_decode(const Apipb__Path *pp, struct bgp_vpn_path *out, enum bgp_reject *reason)
{
	uint8_t family;

	memset(out, 0, sizeof(*out));
	if (pp == NULL || pp->family == NULL ||
	    pp->family->safi != APIPB__FAMILY__SAFI__SAFI_MPLS_VPN)
		return 0;
	if (pp->family->afi == APIPB__FAMILY__AFI__AFI_IP)
		family = AF_INET;
	else if (pp->family->afi == APIPB__FAMILY__AFI__AFI_IP6)
		family = AF_INET6;
	else
		return 0;
	out->family = family;
	out->withdraw = pp->is_withdraw;
	if (pp->neighbor_ip == NULL || addr_parse(pp->neighbor_ip, &out->peer) < 0)
		memset(&out->peer, 0, sizeof(out->peer)); // local ("<nil>")
	if (decode_nlri(pp->nlri, family, out) < 0) {
		*reason = BGP_REJECT_bad_nlri;
		return -1;
	}
	if (out->withdraw)
		return 1; // a withdraw needs only its key
	for (size_t i = 0; i < pp->n_pattrs; i++) {
		const Google__Protobuf__Any *a = pp->pattrs[i];
		ProtobufCMessage *m;

		if (any_is(a, &apipb__mp_reach_nlriattribute__descriptor)) {
			if (decode_mp_reach_nexthop(&a->value, &out->nexthop) < 0) {
				*reason = BGP_REJECT_bad_attribute;
				return -1;
			}
		} else if (any_is(a, &apipb__next_hop_attribute__descriptor)) {
			m = gobgp_any_unpack(a, &apipb__next_hop_attribute__descriptor);
			Apipb__NextHopAttribute *nh = (void *)m;
			int bad = nh == NULL || decode_nexthop(nh->next_hop, &out->nexthop) < 0;
			if (m != NULL)
				protobuf_c_message_free_unpacked(m, NULL);
			if (bad) {
				*reason = BGP_REJECT_bad_attribute;
				return -1;
			}
		} else if (any_is(a, &apipb__extended_communities_attribute__descriptor)) {
			if (decode_ext_communities(a, out) < 0) {
				*reason = BGP_REJECT_bad_attribute;
				return -1;
			}
		} else if (any_is(a, &apipb__prefix_sid__descriptor)) {
			if (decode_prefix_sid(a, out, reason) < 0)
				return -1;
		}
	}
	return 1;
}

// --- encode -----------------------------------------------------------------------------

// Everything an encoded path points to, on the stack of the caller.
struct path_parts {
	Apipb__Family family;
	Google__Protobuf__Any nlri_any, rd_any;
	Apipb__LabeledVPNIPAddressPrefix nlri;
	Apipb__RouteDistinguisherTwoOctetASN rd2;
	Apipb__RouteDistinguisherIPAddress rdip;
	Apipb__RouteDistinguisherFourOctetASN rd4;
	uint32_t labels[1];
	char prefix[ADDR_STRLEN], rd_ip[16], nexthop[ADDR_STRLEN], rt_ip[BGP_MAX_RTS][16];
	// attributes
	Google__Protobuf__Any attr_any[4];
	Google__Protobuf__Any *attrs[4];
	Apipb__OriginAttribute origin;
	Apipb__MpReachNLRIAttribute mp;
	char *next_hops[1];
	Google__Protobuf__Any *mp_nlris[1];
	Apipb__ExtendedCommunitiesAttribute ec;
	Google__Protobuf__Any rt_any[BGP_MAX_RTS];
	Google__Protobuf__Any *rt_ptrs[BGP_MAX_RTS];
	Apipb__TwoOctetAsSpecificExtended rt2[BGP_MAX_RTS];
	Apipb__IPv4AddressSpecificExtended rtip[BGP_MAX_RTS];
	Apipb__FourOctetAsSpecificExtended rt4[BGP_MAX_RTS];
	Apipb__PrefixSID psid;
	Google__Protobuf__Any l3_any, info_any, struct_any;
	Google__Protobuf__Any *l3_ptrs[1], *info_ptrs[1], *struct_ptrs[1];
	Apipb__SRv6L3ServiceTLV l3;
	Apipb__SRv6L3ServiceTLV__SubTlvsEntry l3_entry;
	Apipb__SRv6L3ServiceTLV__SubTlvsEntry *l3_entries[1];
	Apipb__SRv6TLV l3_val, info_val;
	Apipb__SRv6InformationSubTLV info;
	Apipb__SRv6InformationSubTLV__SubSubTlvsEntry info_entry;
	Apipb__SRv6InformationSubTLV__SubSubTlvsEntry *info_entries[1];
	Apipb__SRv6StructureSubSubTLV stlv;
	uint8_t sid[16];
	Apipb__Path path;
	unsigned int n_attrs;
};

static void
ipv4_fmt(uint32_t host_order, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", host_order >> 24, (host_order >> 16) & 0xff,
		 (host_order >> 8) & 0xff, host_order & 0xff);
}

static void
parts_clear(struct path_parts *x)
{
	gobgp_any_clear(&x->rd_any);
	gobgp_any_clear(&x->nlri_any);
	for (unsigned int i = 0; i < 4; i++)
		gobgp_any_clear(&x->attr_any[i]);
	for (unsigned int i = 0; i < BGP_MAX_RTS; i++)
		gobgp_any_clear(&x->rt_any[i]);
	gobgp_any_clear(&x->l3_any);
	gobgp_any_clear(&x->info_any);
	gobgp_any_clear(&x->struct_any);
}

static int
encode_rd(struct path_parts *x, const struct bgp_rdrt *rd)
{
	switch (rd->type) {
	case BGP_RDRT_AS2:
		apipb__route_distinguisher_two_octet_asn__init(&x->rd2);
		x->rd2.admin = rd->admin;
		x->rd2.assigned = rd->assigned;
		return gobgp_any_pack(&x->rd2.base, &x->rd_any);
	case BGP_RDRT_IP4:
		apipb__route_distinguisher_ipaddress__init(&x->rdip);
		ipv4_fmt(rd->admin, x->rd_ip, sizeof(x->rd_ip));
		x->rdip.admin = x->rd_ip;
		x->rdip.assigned = rd->assigned;
		return gobgp_any_pack(&x->rdip.base, &x->rd_any);
	case BGP_RDRT_AS4:
		apipb__route_distinguisher_four_octet_asn__init(&x->rd4);
		x->rd4.admin = rd->admin;
		x->rd4.assigned = rd->assigned;
		return gobgp_any_pack(&x->rd4.base, &x->rd_any);
	}
	return -EINVAL;
}

static int
encode_rts(struct path_parts *x, const struct bgp_vpn_path *p)
{
	apipb__extended_communities_attribute__init(&x->ec);
	for (unsigned int i = 0; i < p->n_rts && i < BGP_MAX_RTS; i++) {
		const struct bgp_rdrt *rt = &p->rts[i];
		int rc;
		switch (rt->type) {
		case BGP_RDRT_AS2:
			apipb__two_octet_as_specific_extended__init(&x->rt2[i]);
			x->rt2[i] = (Apipb__TwoOctetAsSpecificExtended){
				x->rt2[i].base, true, EXT_SUBTYPE_RT, rt->admin, rt->assigned};
			rc = gobgp_any_pack(&x->rt2[i].base, &x->rt_any[i]);
			break;
		case BGP_RDRT_IP4:
			apipb__ipv4_address_specific_extended__init(&x->rtip[i]);
			ipv4_fmt(rt->admin, x->rt_ip[i], sizeof(x->rt_ip[i]));
			x->rtip[i].is_transitive = true;
			x->rtip[i].sub_type = EXT_SUBTYPE_RT;
			x->rtip[i].address = x->rt_ip[i];
			x->rtip[i].local_admin = rt->assigned;
			rc = gobgp_any_pack(&x->rtip[i].base, &x->rt_any[i]);
			break;
		case BGP_RDRT_AS4:
			apipb__four_octet_as_specific_extended__init(&x->rt4[i]);
			x->rt4[i] = (Apipb__FourOctetAsSpecificExtended){
				x->rt4[i].base, true, EXT_SUBTYPE_RT, rt->admin, rt->assigned};
			rc = gobgp_any_pack(&x->rt4[i].base, &x->rt_any[i]);
			break;
		default:
			rc = -EINVAL;
		}
		if (rc < 0)
			return rc;
		x->rt_ptrs[i] = &x->rt_any[i];
	}
	x->ec.n_communities = p->n_rts;
	x->ec.communities = x->rt_ptrs;
	return 0;
}

static int
encode_prefix_sid(struct path_parts *x, const struct bgp_vpn_path *p)
{
	int rc;

	apipb__srv6_structure_sub_sub_tlv__init(&x->stlv);
	x->stlv.locator_block_length = p->st.block_len;
	x->stlv.locator_node_length = p->st.node_len;
	x->stlv.function_length = p->st.func_len;
	x->stlv.argument_length = p->st.arg_len;
	x->stlv.transposition_length = p->st.tpos_len;
	x->stlv.transposition_offset = p->st.tpos_off;
	if ((rc = gobgp_any_pack(&x->stlv.base, &x->struct_any)) < 0)
		return rc;

	apipb__srv6_tlv__init(&x->info_val);
	x->struct_ptrs[0] = &x->struct_any;
	x->info_val.n_tlv = 1;
	x->info_val.tlv = x->struct_ptrs;
	apipb__srv6_information_sub_tlv__sub_sub_tlvs_entry__init(&x->info_entry);
	x->info_entry.key = SRV6_STRUCT_SUBSUBTLV;
	x->info_entry.value = &x->info_val;
	x->info_entries[0] = &x->info_entry;

	apipb__srv6_information_sub_tlv__init(&x->info);
	memcpy(x->sid, p->sid, 16);
	x->info.sid.data = x->sid;
	x->info.sid.len = 16;
	x->info.endpoint_behavior = p->behavior;
	x->info.n_sub_sub_tlvs = p->has_structure ? 1 : 0;
	x->info.sub_sub_tlvs = x->info_entries;
	if ((rc = gobgp_any_pack(&x->info.base, &x->info_any)) < 0)
		return rc;

	apipb__srv6_tlv__init(&x->l3_val);
	x->info_ptrs[0] = &x->info_any;
	x->l3_val.n_tlv = 1;
	x->l3_val.tlv = x->info_ptrs;
	apipb__srv6_l3_service_tlv__sub_tlvs_entry__init(&x->l3_entry);
	x->l3_entry.key = SRV6_INFO_SUBTLV;
	x->l3_entry.value = &x->l3_val;
	x->l3_entries[0] = &x->l3_entry;
	apipb__srv6_l3_service_tlv__init(&x->l3);
	x->l3.n_sub_tlvs = 1;
	x->l3.sub_tlvs = x->l3_entries;
	if ((rc = gobgp_any_pack(&x->l3.base, &x->l3_any)) < 0)
		return rc;

	apipb__prefix_sid__init(&x->psid);
	x->l3_ptrs[0] = &x->l3_any;
	x->psid.n_tlvs = 1;
	x->psid.tlvs = x->l3_ptrs;
	return 0;
}

// Fills x->path from p. withdraw: the NLRI and family are enough for
// DeletePath, but the attributes are sent too (GoBGP ignores them there).
static int
encode_path(struct path_parts *x, const struct bgp_vpn_path *p)
{
	int rc;

	memset(x, 0, sizeof(*x));
	if (p->family != AF_INET && p->family != AF_INET6)
		return -EINVAL;
	apipb__family__init(&x->family);
	x->family.afi =
		p->family == AF_INET ? APIPB__FAMILY__AFI__AFI_IP : APIPB__FAMILY__AFI__AFI_IP6;
	x->family.safi = APIPB__FAMILY__SAFI__SAFI_MPLS_VPN;

	if ((rc = encode_rd(x, &p->rd)) < 0)
		return rc;
	apipb__labeled_vpnipaddress_prefix__init(&x->nlri);
	x->labels[0] = p->has_label ? p->label : BGP_LABEL_IMPLICIT_NULL;
	x->nlri.n_labels = 1;
	x->nlri.labels = x->labels;
	x->nlri.rd = &x->rd_any;
	x->nlri.prefix_len = p->prefix.len;
	addr_fmt(&p->prefix.addr, x->prefix, sizeof(x->prefix));
	x->nlri.prefix = x->prefix;
	if ((rc = gobgp_any_pack(&x->nlri.base, &x->nlri_any)) < 0)
		return rc;

	apipb__origin_attribute__init(&x->origin); // IGP
	if ((rc = gobgp_any_pack(&x->origin.base, &x->attr_any[x->n_attrs++])) < 0)
		return rc;

	apipb__mp_reach_nlriattribute__init(&x->mp);
	x->mp.family = &x->family;
	addr_fmt(&p->nexthop, x->nexthop, sizeof(x->nexthop));
	x->next_hops[0] = x->nexthop;
	x->mp.n_next_hops = 1;
	x->mp.next_hops = x->next_hops;
	x->mp_nlris[0] = &x->nlri_any;
	x->mp.n_nlris = 1;
	x->mp.nlris = x->mp_nlris;
	if ((rc = gobgp_any_pack(&x->mp.base, &x->attr_any[x->n_attrs++])) < 0)
		return rc;

	if (p->n_rts > 0) {
		if ((rc = encode_rts(x, p)) < 0 ||
		    (rc = gobgp_any_pack(&x->ec.base, &x->attr_any[x->n_attrs++])) < 0)
			return rc;
	}
	if (p->has_sid) {
		if ((rc = encode_prefix_sid(x, p)) < 0 ||
		    (rc = gobgp_any_pack(&x->psid.base, &x->attr_any[x->n_attrs++])) < 0)
			return rc;
	}
	for (unsigned int i = 0; i < x->n_attrs; i++)
		x->attrs[i] = &x->attr_any[i];

	apipb__path__init(&x->path);
	x->path.nlri = &x->nlri_any;
	x->path.n_pattrs = x->n_attrs;
	x->path.pattrs = x->attrs;
	x->path.family = &x->family;
	return 0;
}

static int
pack_message(const ProtobufCMessage *m, uint8_t **buf, size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(m);

	*buf = malloc(n ? n : 1);
	if (*buf == NULL)
		return -ENOMEM;
	*len = protobuf_c_message_pack(m, *buf);
	return 0;
}

// AddPathRequest (announce) or DeletePathRequest (withdraw) on the global
// table for one path.
static int
encode_path_request(const struct bgp_vpn_path *p, bool withdraw, uint8_t **buf, size_t *len)
{
	struct path_parts *x = calloc(1, sizeof(*x));
	int rc;

	if (x == NULL)
		return -ENOMEM;
	if ((rc = encode_path(x, p)) == 0) {
		if (withdraw) {
			Apipb__DeletePathRequest req;
			apipb__delete_path_request__init(&req);
			req.table_type = APIPB__TABLE_TYPE__GLOBAL;
			req.family = &x->family;
			req.path = &x->path;
			rc = pack_message(&req.base, buf, len);
		} else {
			Apipb__AddPathRequest req;
			apipb__add_path_request__init(&req);
			req.table_type = APIPB__TABLE_TYPE__GLOBAL;
			req.path = &x->path;
			rc = pack_message(&req.base, buf, len);
		}
	}
	parts_clear(x);
	free(x);
	return rc;
}

int
gobgp_encode_add_path(const struct bgp_vpn_path *p, uint8_t **buf, size_t *len)
{
	return encode_path_request(p, false, buf, len);
}

int
gobgp_encode_delete_path(const struct bgp_vpn_path *p, uint8_t **buf, size_t *len)
{
	return encode_path_request(p, true, buf, len);
}

int
gobgp_encode_watch(bool peers, uint8_t **buf, size_t *len)
{
	Apipb__WatchEventRequest req;
	Apipb__WatchEventRequest__Peer peer;
	Apipb__WatchEventRequest__Table table;
	Apipb__WatchEventRequest__Table__Filter filter, *filters[1] = {&filter};

	apipb__watch_event_request__init(&req);
	apipb__watch_event_request__peer__init(&peer);
	apipb__watch_event_request__table__init(&table);
	apipb__watch_event_request__table__filter__init(&filter);
	filter.type = APIPB__WATCH_EVENT_REQUEST__TABLE__FILTER__TYPE__BEST;
	filter.init = true; // the current best paths first, then changes
	table.n_filters = 1;
	table.filters = filters;
	req.table = &table;
	if (peers)
		req.peer = &peer;
	return pack_message(&req.base, buf, len);
}

int
gobgp_encode_list_path(uint8_t family, uint8_t **buf, size_t *len)
{
	Apipb__ListPathRequest req;
	Apipb__Family fam;

	apipb__list_path_request__init(&req);
	apipb__family__init(&fam);
	fam.afi = family == AF_INET ? APIPB__FAMILY__AFI__AFI_IP : APIPB__FAMILY__AFI__AFI_IP6;
	fam.safi = APIPB__FAMILY__SAFI__SAFI_MPLS_VPN;
	req.table_type = APIPB__TABLE_TYPE__GLOBAL;
	req.family = &fam;
	return pack_message(&req.base, buf, len);
}

int
gobgp_encode_list_peer(uint8_t **buf, size_t *len)
{
	Apipb__ListPeerRequest req;

	apipb__list_peer_request__init(&req);
	return pack_message(&req.base, buf, len);
}
