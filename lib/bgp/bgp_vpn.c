// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "bgp_vpn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const struct {
	uint16_t code;
	const char *name;
} behaviors[] = {
	{BGP_BEH_END_DX6, "End.DX6"}, {BGP_BEH_END_DX4, "End.DX4"},   {BGP_BEH_END_DT6, "End.DT6"},
	{BGP_BEH_END_DT4, "End.DT4"}, {BGP_BEH_END_DT46, "End.DT46"},
};

const char *
bgp_behavior_name(uint16_t code)
{
	for (size_t i = 0; i < sizeof(behaviors) / sizeof(behaviors[0]); i++)
		if (behaviors[i].code == code)
			return behaviors[i].name;
	return NULL;
}

int
bgp_behavior_code(const char *name)
{
	for (size_t i = 0; i < sizeof(behaviors) / sizeof(behaviors[0]); i++)
		if (strcmp(behaviors[i].name, name) == 0)
			return behaviors[i].code;
	return -1;
}

static const char *const reject_names[] = {
#define BGP_REJECT_NAME(name, text) #name,
	BGP_REJECT_REASONS(BGP_REJECT_NAME)
#undef BGP_REJECT_NAME
};

static const char *const reject_texts[] = {
#define BGP_REJECT_TEXT(name, text) text,
	BGP_REJECT_REASONS(BGP_REJECT_TEXT)
#undef BGP_REJECT_TEXT
};

const char *
bgp_reject_name(enum bgp_reject r)
{
	return r < BGP_REJECT_MAX ? reject_names[r] : "unknown";
}

const char *
bgp_reject_text(enum bgp_reject r)
{
	return r < BGP_REJECT_MAX ? reject_texts[r] : "unknown";
}

// --- route distinguishers and route targets ------------------------------------------

// Decimal digits only, no sign, no overflow of 32 bits.
static int
parse_u32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
bgp_rdrt_parse(const char *s, struct bgp_rdrt *out, const char **why)
{
	const char *colon;
	char admin[16];
	size_t alen;
	uint32_t num;
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	if (s == NULL || (colon = strrchr(s, ':')) == NULL) {
		*why = "must be ADMIN:NUMBER";
		return -EINVAL;
	}
	alen = (size_t)(colon - s);
	if (alen == 0 || alen >= sizeof(admin)) {
		*why = "administrator part missing or too long";
		return -EINVAL;
	}
	memcpy(admin, s, alen);
	admin[alen] = '\0';
	if (parse_u32(colon + 1, strlen(colon + 1), &num) < 0) {
		*why = "number after ':' must be a decimal 32-bit number";
		return -EINVAL;
	}
	if (strchr(admin, '.') != NULL) {
		struct in_addr a;
		if (inet_pton(AF_INET, admin, &a) != 1) {
			*why = "administrator is not an IPv4 address";
			return -EINVAL;
		}
		if (num > UINT16_MAX) {
			*why = "number after an IPv4 address must fit 16 bits";
			return -EINVAL;
		}
		out->type = BGP_RDRT_IP4;
		out->admin = ntohl(a.s_addr);
	} else {
		uint32_t asn;
		if (parse_u32(admin, alen, &asn) < 0) {
			*why = "administrator must be an ASN or an IPv4 address";
			return -EINVAL;
		}
		if (asn > UINT16_MAX) {
			if (num > UINT16_MAX) {
				*why = "number after a 4-octet ASN must fit 16 bits";
				return -EINVAL;
			}
			out->type = BGP_RDRT_AS4;
		} else {
			out->type = BGP_RDRT_AS2;
		}
		out->admin = asn;
	}
	out->assigned = num;
	return 0;
}

char *
bgp_rdrt_fmt(const struct bgp_rdrt *v, char *buf, size_t len)
{
	if (v->type == BGP_RDRT_IP4)
		snprintf(buf, len, "%u.%u.%u.%u:%" PRIu32, v->admin >> 24, (v->admin >> 16) & 0xff,
			 (v->admin >> 8) & 0xff, v->admin & 0xff, v->assigned);
	else
		snprintf(buf, len, "%" PRIu32 ":%" PRIu32, v->admin, v->assigned);
	return buf;
}

bool
bgp_rdrt_equal(const struct bgp_rdrt *a, const struct bgp_rdrt *b)
{
	return a->type == b->type && a->admin == b->admin && a->assigned == b->assigned;
}

// --- SIDs -------------------------------------------------------------------------------

static unsigned int
bit_get(const uint8_t *b, unsigned int i)
{
	return (b[i / 8] >> (7 - i % 8)) & 1;
}

static void
bit_set(uint8_t *b, unsigned int i, unsigned int v)
{
	uint8_t m = (uint8_t)(1u << (7 - i % 8));

	b[i / 8] = v ? (uint8_t)(b[i / 8] | m) : (uint8_t)(b[i / 8] & ~m);
}

int
bgp_sid_structure_check(const struct bgp_sid_structure *st, const char **why)
{
	unsigned int total = st->block_len + st->node_len + st->func_len + st->arg_len;
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	if (total > 128) {
		*why = "block + node + function + argument lengths exceed 128 bits";
		return -EINVAL;
	}
	if (st->tpos_len == 0)
		return 0;
	if (st->tpos_len > BGP_LABEL_BITS) {
		*why = "transposition longer than the 20-bit label";
		return -EINVAL;
	}
	if ((unsigned int)st->tpos_off + st->tpos_len > 128) {
		*why = "transposed bits lie beyond the 128-bit SID";
		return -EINVAL;
	}
	if (total > 0 && (unsigned int)st->tpos_off + st->tpos_len > total) {
		*why = "transposed bits lie beyond the SID structure";
		return -EINVAL;
	}
	return 0;
}

int
bgp_sid_rebuild(const struct bgp_vpn_path *p, uint8_t sid_out[16], enum bgp_reject *reason)
{
	const struct bgp_sid_structure *st = &p->st;

	if (!p->has_sid) {
		*reason = BGP_REJECT_no_sid;
		return -1;
	}
	memcpy(sid_out, p->sid, 16);
	if (!p->has_structure)
		return 0;
	if (bgp_sid_structure_check(st, NULL) < 0) {
		*reason = BGP_REJECT_bad_structure;
		return -1;
	}
	if (st->tpos_len == 0)
		return 0;
	if (!p->has_label) {
		*reason = BGP_REJECT_no_label;
		return -1;
	}
	// The transposed bits are the high-order tpos_len bits of the label.
	for (unsigned int i = 0; i < st->tpos_len; i++) {
		unsigned int v = (p->label >> (BGP_LABEL_BITS - 1 - i)) & 1;
		bit_set(sid_out, st->tpos_off + i, v);
	}
	return 0;
}

int
bgp_sid_transpose(const uint8_t sid[16], const struct bgp_sid_structure *st, bool transpose,
		  uint8_t sid_field_out[16], uint32_t *label_out, const char **why)
{
	uint32_t label = 0;

	if (bgp_sid_structure_check(st, why) < 0)
		return -EINVAL;
	memcpy(sid_field_out, sid, 16);
	if (!transpose || st->tpos_len == 0) {
		*label_out = BGP_LABEL_IMPLICIT_NULL;
		return 0;
	}
	for (unsigned int i = 0; i < st->tpos_len; i++) {
		label = label << 1 | bit_get(sid, st->tpos_off + i);
		bit_set(sid_field_out, st->tpos_off + i, 0);
	}
	*label_out = label << (BGP_LABEL_BITS - st->tpos_len);
	return 0;
}

int
bgp_behavior_check(uint16_t behavior, uint8_t family, enum bgp_reject *reason)
{
	switch (behavior) {
	case BGP_BEH_END_DT46:
	case BGP_BEH_OPAQUE:
		return 0;
	case BGP_BEH_END_DX4:
	case BGP_BEH_END_DT4:
		if (family == AF_INET)
			return 0;
		break;
	case BGP_BEH_END_DX6:
	case BGP_BEH_END_DT6:
		if (family == AF_INET6)
			return 0;
		break;
	default:
		*reason = BGP_REJECT_behavior_unusable;
		return -1;
	}
	*reason = BGP_REJECT_behavior_family;
	return -1;
}
