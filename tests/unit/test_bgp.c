// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/bgp: route distinguishers and route targets (RFC 4364 4.2, RFC 4360),
// SID rebuild / transposition (RFC 9252 4, as FRR 8.4 sends it), behaviour
// checks, VRFs from vrf.list, the import RIB and the export set. Pure logic:
// no EAL, no sockets. Every expected value below is worked out by hand from
// the RFCs (bit positions spelled out in the comments), never produced by the
// code under test.

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/Basic.h>
#include <jansson.h>

#include "bgp_export.h"
#include "bgp_import.h"
#include "bgp_vpn.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

// --- helpers ------------------------------------------------------------------------------

static void
sid_of(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1)
		abort(); // a typo in a test's literal
}

static struct ip_prefix
pfx(const char *s)
{
	struct ip_prefix p;

	if (prefix_parse(s, false, &p) != 0)
		abort(); // a typo in a test's literal
	return p;
}

static struct ip_addr
ip(const char *s)
{
	struct ip_addr a;

	if (addr_parse(s, &a) != 0)
		abort(); // a typo in a test's literal
	return a;
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

static const struct bgp_sid_structure st_frr = {40, 24, 16, 0, 16, 64};

// A path as GoBGP passes on FRR 8.4's routes: the SID field is the locator,
// the function (16 bits at offset 64) rides at the top of the 20-bit label,
// behaviour opaque, one RT 65513:<rt>. RD 65513:<rd>.
static struct bgp_vpn_path
frr_path(const char *prefix, const char *peer, uint32_t rd, const char *sid_field, uint32_t label,
	 uint32_t rt)
{
	struct bgp_vpn_path p;

	memset(&p, 0, sizeof(p));
	p.prefix = pfx(prefix);
	p.family = p.prefix.addr.family;
	p.rd = rdrt(BGP_RDRT_AS2, 65513, rd);
	p.has_label = true;
	p.label = label;
	p.nexthop = ip(peer);
	p.peer = ip(peer);
	p.n_rts = 1;
	p.rts[0] = rdrt(BGP_RDRT_AS2, 65513, rt);
	p.has_sid = true;
	sid_of(sid_field, p.sid);
	p.behavior = BGP_BEH_OPAQUE;
	p.has_structure = true;
	p.st = st_frr;
	return p;
}

// A path without transposition: the SID field is the SID, label implicit null.
static struct bgp_vpn_path
plain_path(const char *prefix, const char *peer, uint32_t rd, const char *sid, uint32_t rt)
{
	struct bgp_vpn_path p = frr_path(prefix, peer, rd, sid, BGP_LABEL_IMPLICIT_NULL, rt);

	p.has_structure = false;
	memset(&p.st, 0, sizeof(p.st));
	p.behavior = BGP_BEH_END_DT46;
	return p;
}

static struct bgp_vpn_path
withdraw_of(struct bgp_vpn_path p)
{
	p.withdraw = true;
	return p;
}

static struct bgp_vrf
vrf(const char *name, uint32_t import_rt)
{
	struct bgp_vrf v;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "%s", name);
	v.n_import = 1;
	v.import_rt[0] = rdrt(BGP_RDRT_AS2, 65513, import_rt);
	return v;
}

// Import RIB with VRF A importing 65513:101 and B importing 65513:102.
static struct bgp_import *
import_ab(void)
{
	struct bgp_import *im = bgp_import_new();
	struct bgp_vrf v[2];

	CU_ASSERT_FATAL(im != NULL);
	v[0] = vrf("A", 101);
	v[1] = vrf("B", 102);
	CU_ASSERT_FATAL(bgp_import_set_vrfs(im, v, 2) == 0);
	return im;
}

static int
apply(struct bgp_import *im, struct bgp_vpn_path p)
{
	enum bgp_reject r = BGP_REJECT_MAX;
	int rc = bgp_import_apply(im, &p, &r);

	if (rc < 0)
		return -100 - (int)r; // encodes the reason for the assertions
	return rc;
}
#define REJECTED(r) (-100 - (int)BGP_REJECT_##r)

static json_t *
drain(struct bgp_import *im, size_t max, size_t *n)
{
	json_t *out = json_array();

	*n = bgp_import_drain(im, out, max);
	CU_ASSERT(json_array_size(out) == *n);
	return out;
}

// The expected route.add, written out field by field.
static json_t *
want_add(const char *vrf_name, const char *prefix, unsigned int n, const char *const *sids)
{
	json_t *nhs = json_array();

	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(
			nhs, json_pack("{s:s,s:[s]}", "type", "srv6", "segments", sids[i]));
	return json_pack("{s:s,s:{s:s,s:s,s:o,s:s}}", "method", "route.add", "params", "vrf",
			 vrf_name, "prefix", prefix, "nexthops", nhs, "owner", "bgp");
}

static json_t *
want_del(const char *vrf_name, const char *prefix)
{
	return json_pack("{s:s,s:{s:s,s:s}}", "method", "route.del", "params", "vrf", vrf_name,
			 "prefix", prefix);
}

static int
same_json(json_t *got, json_t *want)
{
	int eq = got != NULL && want != NULL && json_equal(got, want);

	if (!eq) {
		char *g = got ? json_dumps(got, JSON_SORT_KEYS) : NULL;
		char *w = want ? json_dumps(want, JSON_SORT_KEYS) : NULL;
		fprintf(stderr, "\n  got  %s\n  want %s\n", g ? g : "(null)", w ? w : "(null)");
		free(g);
		free(w);
	}
	json_decref(want);
	return eq;
}
#define CHECK_REQ(got, want) CU_ASSERT(same_json((got), (want)))

// The request in arr for (method, vrf, prefix), or NULL.
static json_t *
find_req(json_t *arr, const char *method, const char *vrf_name, const char *prefix)
{
	size_t i;
	json_t *r;

	json_array_foreach(arr, i, r) {
		json_t *params = json_object_get(r, "params");
		if (strcmp(json_string_value(json_object_get(r, "method")), method) == 0 &&
		    strcmp(json_string_value(json_object_get(params, "vrf")), vrf_name) == 0 &&
		    strcmp(json_string_value(json_object_get(params, "prefix")), prefix) == 0)
			return r;
	}
	return NULL;
}

// --- RD / RT (RFC 4364 4.2, RFC 4360 3-4) ------------------------------------------------

static void
test_rdrt_parse_type0_as2(void)
{
	struct bgp_rdrt v;
	const char *why = NULL;

	CU_ASSERT(bgp_rdrt_parse("65513:101", &v, &why) == 0);
	CU_ASSERT(v.type == BGP_RDRT_AS2 && v.admin == 65513 && v.assigned == 101);
	// type 0: the assigned number has 4 octets
	CU_ASSERT(bgp_rdrt_parse("65535:4294967295", &v, &why) == 0);
	CU_ASSERT(v.type == BGP_RDRT_AS2 && v.admin == 65535 && v.assigned == 4294967295u);
	CU_ASSERT(bgp_rdrt_parse("0:0", &v, &why) == 0);
	CU_ASSERT(v.type == BGP_RDRT_AS2 && v.admin == 0 && v.assigned == 0);
}

static void
test_rdrt_parse_type1_ipv4(void)
{
	struct bgp_rdrt v;
	const char *why = NULL;

	CU_ASSERT(bgp_rdrt_parse("10.1.1.1:101", &v, &why) == 0);
	CU_ASSERT(v.type == BGP_RDRT_IP4 && v.admin == 0x0a010101u && v.assigned == 101);
	CU_ASSERT(bgp_rdrt_parse("255.255.255.255:65535", &v, &why) == 0);
	CU_ASSERT(v.type == BGP_RDRT_IP4 && v.admin == 0xffffffffu && v.assigned == 65535);
	CU_ASSERT(bgp_rdrt_parse("192.0.2.1:0", &v, &why) == 0);
	CU_ASSERT(v.type == BGP_RDRT_IP4 && v.admin == 0xc0000201u && v.assigned == 0);
}

static void
test_rdrt_parse_type2_as4(void)
{
	struct bgp_rdrt v;
	const char *why = NULL;

	CU_ASSERT(bgp_rdrt_parse("4200000000:7", &v, &why) == 0);
	CU_ASSERT(v.type == BGP_RDRT_AS4 && v.admin == 4200000000u && v.assigned == 7);
	// the first ASN that does not fit 2 octets
	CU_ASSERT(bgp_rdrt_parse("65536:1", &v, &why) == 0);
	CU_ASSERT(v.type == BGP_RDRT_AS4 && v.admin == 65536 && v.assigned == 1);
	CU_ASSERT(bgp_rdrt_parse("4294967295:65535", &v, &why) == 0);
	CU_ASSERT(v.type == BGP_RDRT_AS4 && v.admin == 4294967295u && v.assigned == 65535);
	// the last 2-octet ASN keeps type 0 and its 4-octet number
	CU_ASSERT(bgp_rdrt_parse("65535:70000", &v, &why) == 0);
	CU_ASSERT(v.type == BGP_RDRT_AS2 && v.admin == 65535 && v.assigned == 70000);
}

static void
test_rdrt_fmt_roundtrip(void)
{
	static const char *const good[] = {
		"65513:101",
		"0:0",
		"65535:4294967295",
		"10.1.1.1:101",
		"255.255.255.255:65535",
		"0.0.0.0:0",
		"4200000000:7",
		"4294967295:65535",
		"65536:1",
	};
	char buf[BGP_RDRT_STRLEN];

	for (size_t i = 0; i < DIM(good); i++) {
		struct bgp_rdrt v, w;
		CU_ASSERT_FATAL(bgp_rdrt_parse(good[i], &v, NULL) == 0);
		CU_ASSERT_STRING_EQUAL(bgp_rdrt_fmt(&v, buf, sizeof(buf)), good[i]);
		CU_ASSERT(bgp_rdrt_parse(buf, &w, NULL) == 0);
		CU_ASSERT(bgp_rdrt_equal(&v, &w));
	}
	// formatting built values by hand
	struct bgp_rdrt v = rdrt(BGP_RDRT_IP4, 0xc0a80001u, 7);
	CU_ASSERT_STRING_EQUAL(bgp_rdrt_fmt(&v, buf, sizeof(buf)), "192.168.0.1:7");
	v = rdrt(BGP_RDRT_AS4, 4200000000u, 65535);
	CU_ASSERT_STRING_EQUAL(bgp_rdrt_fmt(&v, buf, sizeof(buf)), "4200000000:65535");
}

static void
test_rdrt_equal(void)
{
	struct bgp_rdrt a = rdrt(BGP_RDRT_AS2, 1, 1), b = rdrt(BGP_RDRT_AS4, 1, 1);

	CU_ASSERT_FALSE(bgp_rdrt_equal(&a, &b)); // same numbers, other type
	b = rdrt(BGP_RDRT_AS2, 1, 2);
	CU_ASSERT_FALSE(bgp_rdrt_equal(&a, &b));
	b = rdrt(BGP_RDRT_AS2, 2, 1);
	CU_ASSERT_FALSE(bgp_rdrt_equal(&a, &b));
	b = rdrt(BGP_RDRT_AS2, 1, 1);
	CU_ASSERT_TRUE(bgp_rdrt_equal(&a, &b));
}

static void
test_rdrt_parse_malformed(void)
{
	static char long_admin[300], long_num[300], long_ip[4100];
	const char *bad[] = {
		"",
		":",
		"65513",
		"65513:",
		"a:1",
		"1.2.3:4",
		"10.1.1.1:70000",
		"4200000000:70000",
		"65513:4294967296",
		"-1:5",
		"65513:1x",
		" 65513:1",
		"65513: 1",
		"65513:+1",
		"0x10:1",
		"256.1.1.1:1",
		"1.2.3.4.5:1",
		"65513:101:5",
		"::1:5",
		"4294967296:1",
		"65513:99999999999",
		long_admin,
		long_num,
		long_ip,
	};

	memset(long_admin, '1', sizeof(long_admin) - 3);
	memcpy(long_admin + sizeof(long_admin) - 3, ":1", 3);
	memcpy(long_num, "1:", 2);
	memset(long_num + 2, '1', sizeof(long_num) - 3);
	for (size_t i = 0; i < sizeof(long_ip) - 3; i++)
		long_ip[i] = i % 2 ? '.' : '1'; // "1.1.1.1.1...1"
	long_ip[sizeof(long_ip) - 3] = ':';
	long_ip[sizeof(long_ip) - 2] = '5';
	long_ip[sizeof(long_ip) - 1] = '\0';

	for (size_t i = 0; i < DIM(bad); i++) {
		struct bgp_rdrt v = rdrt(9, 9, 9);
		const char *why = NULL;
		int rc = bgp_rdrt_parse(bad[i], &v, &why);
		if (rc != -EINVAL || why == NULL)
			fprintf(stderr, "\n  \"%.40s\" (%zu chars): rc %d\n", bad[i],
				strlen(bad[i]), rc);
		CU_ASSERT(rc == -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(why);
		CU_ASSERT(bgp_rdrt_parse(bad[i], &v, NULL) == -EINVAL); // why may be NULL
	}
	CU_ASSERT(bgp_rdrt_parse(NULL, &(struct bgp_rdrt){0}, NULL) == -EINVAL);
}

// --- SID rebuild (RFC 9252 4) ---------------------------------------------------------------

static int
rebuild(const struct bgp_vpn_path *p, uint8_t out[16], enum bgp_reject *r)
{
	*r = BGP_REJECT_MAX;
	memset(out, 0xee, 16);
	return bgp_sid_rebuild(p, out, r);
}

static void
test_sid_rebuild_frr_label_4096(void)
{
	// label 4096 = 0x01000: its top 16 of 20 bits are 0x0100, put at bits
	// 64..79 (bytes 8, 9) of the locator 2a0e:97c0:ae6:2001::
	struct bgp_vpn_path p = frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
					 "2a0e:97c0:ae6:2001::", 4096, 101);
	uint8_t got[16], want[16];
	enum bgp_reject r;

	sid_of("2a0e:97c0:ae6:2001:100::", want);
	CU_ASSERT(rebuild(&p, got, &r) == 0);
	CU_ASSERT(memcmp(got, want, 16) == 0);
	// the low 4 label bits are not transposed: 4096 + 15 gives the same SID
	p.label = 4096 + 15;
	CU_ASSERT(rebuild(&p, got, &r) == 0);
	CU_ASSERT(memcmp(got, want, 16) == 0);
}

static void
test_sid_rebuild_label_all_ones(void)
{
	struct bgp_vpn_path p = frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
					 "2a0e:97c0:ae6:2001::", 0xfffff, 101);
	uint8_t got[16], want[16];
	enum bgp_reject r;

	sid_of("2a0e:97c0:ae6:2001:ffff::", want);
	CU_ASSERT(rebuild(&p, got, &r) == 0);
	CU_ASSERT(memcmp(got, want, 16) == 0);
	// bits after the transposed ones are kept
	sid_of("2a0e:97c0:ae6:2001:0:1::", p.sid);
	sid_of("2a0e:97c0:ae6:2001:ffff:1::", want);
	CU_ASSERT(rebuild(&p, got, &r) == 0);
	CU_ASSERT(memcmp(got, want, 16) == 0);
}

static void
test_sid_rebuild_unaligned(void)
{
	struct bgp_vpn_path p = frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
					 "2a0e:97c0:ae6:2001::", 0xabc00, 101);
	uint8_t got[16], want[16];
	enum bgp_reject r;

	// 12 bits 0xabc at offset 68: byte 8 low nibble 0xa, byte 9 0xbc
	p.st = (struct bgp_sid_structure){40, 24, 16, 0, 12, 68};
	sid_of("2a0e:97c0:ae6:2001:abc::", want);
	CU_ASSERT(rebuild(&p, got, &r) == 0);
	CU_ASSERT(memcmp(got, want, 16) == 0);
	// all 20 label bits 0x12345 at offset 64: bytes 8..10 = 12 34 5_
	p.st = (struct bgp_sid_structure){40, 24, 20, 0, 20, 64};
	p.label = 0x12345;
	sid_of("2a0e:97c0:ae6:2001:1234:5000::", want);
	CU_ASSERT(rebuild(&p, got, &r) == 0);
	CU_ASSERT(memcmp(got, want, 16) == 0);
}

static void
test_sid_rebuild_no_transposition_unchanged(void)
{
	static const uint32_t labels[] = {0, 3, 4096, 0xfffff};
	struct bgp_vpn_path p = frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
					 "2a0e:97c0:ae6:2001:40::", 0, 101);
	uint8_t got[16], want[16];
	enum bgp_reject r;

	sid_of("2a0e:97c0:ae6:2001:40::", want);
	for (size_t i = 0; i < DIM(labels); i++) {
		p.label = labels[i];
		p.st = (struct bgp_sid_structure){40, 24, 16, 0, 0, 0}; // tpos_len 0
		CU_ASSERT(rebuild(&p, got, &r) == 0);
		CU_ASSERT(memcmp(got, want, 16) == 0);
		// no structure at all: whatever st holds is not used
		p.has_structure = false;
		p.st = st_frr;
		CU_ASSERT(rebuild(&p, got, &r) == 0);
		CU_ASSERT(memcmp(got, want, 16) == 0);
		p.has_structure = true;
		// no structure and no label
		p.has_structure = false;
		p.has_label = false;
		CU_ASSERT(rebuild(&p, got, &r) == 0);
		CU_ASSERT(memcmp(got, want, 16) == 0);
		p.has_structure = true;
		p.has_label = true;
	}
}

static void
test_sid_rebuild_malformed(void)
{
	struct bgp_vpn_path base = frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
					    "2a0e:97c0:ae6:2001::", 4096, 101),
			    p;
	uint8_t got[16];
	enum bgp_reject r;

	p = base;
	p.st.tpos_len = 21; // more than the 20-bit label
	CU_ASSERT(rebuild(&p, got, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_structure);

	p = base;
	p.st.tpos_off = 120; // 120 + 16 > 128
	CU_ASSERT(rebuild(&p, got, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_structure);

	p = base;
	p.st = (struct bgp_sid_structure){64, 32, 32, 8, 16, 64}; // 136 bits
	CU_ASSERT(rebuild(&p, got, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_structure);

	p = base;
	p.st.tpos_off = 72; // 72 + 16 = 88 beyond the 80-bit structure
	CU_ASSERT(rebuild(&p, got, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_bad_structure);

	p = base;
	p.has_sid = false;
	CU_ASSERT(rebuild(&p, got, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_no_sid);
	p.has_structure = false; // no SID wins whatever else
	CU_ASSERT(rebuild(&p, got, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_no_sid);

	p = base;
	p.has_label = false;
	CU_ASSERT(rebuild(&p, got, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_no_label);
}

static void
test_sid_structure_check(void)
{
	const char *why;

	why = NULL;
	CU_ASSERT(bgp_sid_structure_check(&st_frr, &why) == 0);
	CU_ASSERT(bgp_sid_structure_check(&(struct bgp_sid_structure){64, 32, 32, 0, 0, 0}, &why) ==
		  0); // exactly 128
	CU_ASSERT(bgp_sid_structure_check(&(struct bgp_sid_structure){0, 0, 0, 0, 20, 108}, &why) ==
		  0); // no lengths: only the 128-bit bound, 108 + 20 = 128
	why = NULL;
	CU_ASSERT(bgp_sid_structure_check(&(struct bgp_sid_structure){64, 32, 32, 1, 0, 0}, &why) ==
		  -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(why);
	why = NULL;
	CU_ASSERT(bgp_sid_structure_check(&(struct bgp_sid_structure){0, 0, 0, 0, 20, 109}, &why) ==
		  -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(why);
	why = NULL;
	CU_ASSERT(bgp_sid_structure_check(&(struct bgp_sid_structure){40, 24, 16, 0, 21, 59},
					  &why) == -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(why);
	CU_ASSERT(bgp_sid_structure_check(&(struct bgp_sid_structure){40, 24, 16, 0, 17, 64},
					  NULL) == -EINVAL); // 81 > 80
}

// --- SID transposition for export ------------------------------------------------------------

static void
test_sid_transpose_block48(void)
{
	// 2a0e:97c0:ae6:1001:1:: with block 48, node 16, function 16: the
	// function 0x0001 is bits 64..79; moved to the top 16 of the 20 label
	// bits: 0x0001 << 4 = 0x00010 = 16.
	struct bgp_sid_structure st = {48, 16, 16, 0, 16, 64};
	uint8_t sid[16], field[16], want[16];
	uint32_t label = 0;
	const char *why = NULL;

	sid_of("2a0e:97c0:ae6:1001:1::", sid);
	sid_of("2a0e:97c0:ae6:1001::", want);
	CU_ASSERT(bgp_sid_transpose(sid, &st, true, field, &label, &why) == 0);
	CU_ASSERT(memcmp(field, want, 16) == 0);
	CU_ASSERT(label == 0x00010);
	// the FRR case the other way: function 0x0100 -> label 4096
	sid_of("2a0e:97c0:ae6:2001:100::", sid);
	sid_of("2a0e:97c0:ae6:2001::", want);
	CU_ASSERT(bgp_sid_transpose(sid, &st_frr, true, field, &label, &why) == 0);
	CU_ASSERT(memcmp(field, want, 16) == 0);
	CU_ASSERT(label == 4096);
	// 12 bits at 68: 0xabc -> label 0xabc << 8
	st = (struct bgp_sid_structure){40, 24, 16, 0, 12, 68};
	sid_of("2a0e:97c0:ae6:2001:fabc::", sid);
	sid_of("2a0e:97c0:ae6:2001:f000::", want);
	CU_ASSERT(bgp_sid_transpose(sid, &st, true, field, &label, &why) == 0);
	CU_ASSERT(memcmp(field, want, 16) == 0);
	CU_ASSERT(label == 0xabc00);
}

static void
test_sid_transpose_off(void)
{
	struct bgp_sid_structure st = {48, 16, 16, 0, 16, 64};
	uint8_t sid[16], field[16];
	uint32_t label = 0;
	const char *why = NULL;

	sid_of("2a0e:97c0:ae6:1001:1::", sid);
	CU_ASSERT(bgp_sid_transpose(sid, &st, false, field, &label, &why) == 0);
	CU_ASSERT(memcmp(field, sid, 16) == 0);
	CU_ASSERT(label == 3);
	st.tpos_len = 0; // transpose asked but nothing to transpose
	label = 0;
	CU_ASSERT(bgp_sid_transpose(sid, &st, true, field, &label, &why) == 0);
	CU_ASSERT(memcmp(field, sid, 16) == 0);
	CU_ASSERT(label == 3);
	// an inconsistent structure is refused even without transposition
	st = (struct bgp_sid_structure){100, 100, 0, 0, 0, 0};
	why = NULL;
	CU_ASSERT(bgp_sid_transpose(sid, &st, false, field, &label, &why) == -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(why);
}

static void
test_sid_transpose_rebuild_roundtrip(void)
{
	static const char *const sids[] = {
		"2a0e:97c0:ae6:1001:1::",
		"2a0e:97c0:ae6:2001:100::",
		"fc00:1:2:3:abcd:ef01:2345:6789",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"2001:db8::",
	};
	static const struct bgp_sid_structure sts[] = {
		{48, 16, 16, 0, 16, 64}, {40, 24, 16, 0, 16, 64},  {32, 16, 32, 0, 20, 48},
		{40, 24, 12, 0, 12, 64}, {40, 24, 16, 16, 16, 64}, {64, 0, 16, 16, 1, 79},
		{0, 0, 0, 0, 20, 108},
	};

	for (size_t i = 0; i < DIM(sids); i++) {
		for (size_t j = 0; j < DIM(sts); j++) {
			struct bgp_vpn_path p;
			uint8_t sid[16], back[16];
			uint32_t low_mask = (1u << (BGP_LABEL_BITS - sts[j].tpos_len)) - 1;
			enum bgp_reject r;

			memset(&p, 0, sizeof(p));
			sid_of(sids[i], sid);
			CU_ASSERT_FATAL(
				bgp_sid_transpose(sid, &sts[j], true, p.sid, &p.label, NULL) == 0);
			CU_ASSERT(p.label <= 0xfffff);
			CU_ASSERT((p.label & low_mask) == 0); // only the top bits are used
			// the transposed bits are zero in the SID field
			for (unsigned int b = sts[j].tpos_off;
			     b < sts[j].tpos_off + sts[j].tpos_len; b++)
				CU_ASSERT(((p.sid[b / 8] >> (7 - b % 8)) & 1) == 0);
			p.has_sid = p.has_label = p.has_structure = true;
			p.st = sts[j];
			CU_ASSERT(rebuild(&p, back, &r) == 0);
			CU_ASSERT(memcmp(back, sid, 16) == 0);
		}
	}
}

// --- behaviours ---------------------------------------------------------------------------

static void
test_behavior_check_families(void)
{
	enum bgp_reject r;

	CU_ASSERT(bgp_behavior_check(BGP_BEH_END_DT46, AF_INET, &r) == 0);
	CU_ASSERT(bgp_behavior_check(BGP_BEH_END_DT46, AF_INET6, &r) == 0);
	CU_ASSERT(bgp_behavior_check(0xffff, AF_INET, &r) == 0);
	CU_ASSERT(bgp_behavior_check(0xffff, AF_INET6, &r) == 0);
	CU_ASSERT(bgp_behavior_check(19, AF_INET, &r) == 0);  // End.DT4
	CU_ASSERT(bgp_behavior_check(17, AF_INET, &r) == 0);  // End.DX4
	CU_ASSERT(bgp_behavior_check(18, AF_INET6, &r) == 0); // End.DT6
	CU_ASSERT(bgp_behavior_check(16, AF_INET6, &r) == 0); // End.DX6

	r = BGP_REJECT_MAX;
	CU_ASSERT(bgp_behavior_check(19, AF_INET6, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_behavior_family);
	r = BGP_REJECT_MAX;
	CU_ASSERT(bgp_behavior_check(17, AF_INET6, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_behavior_family);
	r = BGP_REJECT_MAX;
	CU_ASSERT(bgp_behavior_check(18, AF_INET, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_behavior_family);
	r = BGP_REJECT_MAX;
	CU_ASSERT(bgp_behavior_check(16, AF_INET, &r) == -1);
	CU_ASSERT(r == BGP_REJECT_behavior_family);
}

static void
test_behavior_check_unusable(void)
{
	static const uint16_t bad[] = {0, 1, 5, 15, 21, 0xfffe};

	for (size_t i = 0; i < DIM(bad); i++) {
		enum bgp_reject r = BGP_REJECT_MAX;
		CU_ASSERT(bgp_behavior_check(bad[i], AF_INET, &r) == -1);
		CU_ASSERT(r == BGP_REJECT_behavior_unusable);
		r = BGP_REJECT_MAX;
		CU_ASSERT(bgp_behavior_check(bad[i], AF_INET6, &r) == -1);
		CU_ASSERT(r == BGP_REJECT_behavior_unusable);
	}
}

static void
test_behavior_and_reject_names(void)
{
	CU_ASSERT_STRING_EQUAL(bgp_behavior_name(20), "End.DT46");
	CU_ASSERT_STRING_EQUAL(bgp_behavior_name(19), "End.DT4");
	CU_ASSERT_STRING_EQUAL(bgp_behavior_name(18), "End.DT6");
	CU_ASSERT_STRING_EQUAL(bgp_behavior_name(17), "End.DX4");
	CU_ASSERT_STRING_EQUAL(bgp_behavior_name(16), "End.DX6");
	CU_ASSERT_PTR_NULL(bgp_behavior_name(1));
	CU_ASSERT(bgp_behavior_code("End.DT46") == 20);
	CU_ASSERT(bgp_behavior_code("End.DX6") == 16);
	CU_ASSERT(bgp_behavior_code("End.X") == -1);
	CU_ASSERT_STRING_EQUAL(bgp_reject_name(BGP_REJECT_bad_nlri), "bad_nlri");
	CU_ASSERT_STRING_EQUAL(bgp_reject_name(BGP_REJECT_no_vrf), "no_vrf");
	CU_ASSERT_STRING_EQUAL(bgp_reject_name(BGP_REJECT_srv6d_refused), "srv6d_refused");
	CU_ASSERT_STRING_EQUAL(bgp_reject_name(BGP_REJECT_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(bgp_reject_text(BGP_REJECT_sid_local),
			       "the SID is one of our own locators");
	CU_ASSERT_STRING_EQUAL(bgp_reject_text(BGP_REJECT_MAX), "unknown");
}

// --- VRFs from vrf.list ------------------------------------------------------------------

static int
vrf_json(const char *text, struct bgp_vrf *v, const char **field, const char **why)
{
	json_error_t err;
	json_t *o = json_loads(text, 0, &err);
	int rc;

	CU_ASSERT_FATAL(o != NULL);
	*field = NULL;
	*why = NULL;
	rc = bgp_vrf_from_json(o, v, field, why);
	json_decref(o);
	return rc;
}

static void
test_vrf_from_json_good(void)
{
	struct bgp_vrf v;
	const char *field, *why;

	CU_ASSERT(vrf_json("{\"name\":\"blue\",\"table\":10,\"rd\":\"10.1.1.1:101\","
			   "\"import_rt\":[\"65513:101\",\"4200000000:7\"],"
			   "\"export_rt\":[\"65513:101\",\"65513:999\",\"10.1.1.1:5\"]}",
			   &v, &field, &why) == 0);
	CU_ASSERT_STRING_EQUAL(v.name, "blue");
	CU_ASSERT(v.has_rd);
	CU_ASSERT(v.rd.type == BGP_RDRT_IP4 && v.rd.admin == 0x0a010101u && v.rd.assigned == 101);
	CU_ASSERT(v.n_import == 2);
	CU_ASSERT(v.import_rt[0].type == BGP_RDRT_AS2 && v.import_rt[0].admin == 65513 &&
		  v.import_rt[0].assigned == 101);
	CU_ASSERT(v.import_rt[1].type == BGP_RDRT_AS4 && v.import_rt[1].admin == 4200000000u &&
		  v.import_rt[1].assigned == 7);
	CU_ASSERT(v.n_export == 3);
	CU_ASSERT(v.export_rt[1].type == BGP_RDRT_AS2 && v.export_rt[1].assigned == 999);
	CU_ASSERT(v.export_rt[2].type == BGP_RDRT_IP4 && v.export_rt[2].admin == 0x0a010101u &&
		  v.export_rt[2].assigned == 5);

	// a VRF without BGP: no rd (absent, null or ""), no RT lists
	CU_ASSERT(vrf_json("{\"name\":\"red\"}", &v, &field, &why) == 0);
	CU_ASSERT(!v.has_rd && v.n_import == 0 && v.n_export == 0);
	CU_ASSERT(vrf_json("{\"name\":\"red\",\"rd\":null,\"import_rt\":[]}", &v, &field, &why) ==
		  0);
	CU_ASSERT(!v.has_rd && v.n_import == 0);
	CU_ASSERT(vrf_json("{\"name\":\"red\",\"rd\":\"\"}", &v, &field, &why) == 0);
	CU_ASSERT(!v.has_rd);
	// 31 characters is the longest name
	CU_ASSERT(vrf_json("{\"name\":\"abcdefghijklmnopqrstuvwxyz01234\"}", &v, &field, &why) ==
		  0);
	CU_ASSERT(strlen(v.name) == 31);
	// 16 route targets is the most
	CU_ASSERT(vrf_json("{\"name\":\"x\",\"import_rt\":[\"1:1\",\"1:2\",\"1:3\",\"1:4\",\"1:5\","
			   "\"1:6\",\"1:7\",\"1:8\",\"1:9\",\"1:10\",\"1:11\",\"1:12\",\"1:13\","
			   "\"1:14\",\"1:15\",\"1:16\"]}",
			   &v, &field, &why) == 0);
	CU_ASSERT(v.n_import == 16 && v.import_rt[15].assigned == 16);
}

static void
test_vrf_from_json_bad(void)
{
	static const struct {
		const char *json, *field;
	} cases[] = {
		{"{\"name\":\"x\",\"rd\":5}", "rd"},
		{"{\"name\":\"x\",\"rd\":\"65513\"}", "rd"},
		{"{\"name\":\"x\",\"import_rt\":\"x\"}", "import_rt"},
		{"{\"name\":\"x\",\"import_rt\":[\"bad\"]}", "import_rt"},
		{"{\"name\":\"x\",\"import_rt\":[5]}", "import_rt"},
		{"{\"name\":\"x\",\"import_rt\":{}}", "import_rt"},
		{"{\"name\":\"x\",\"import_rt\":[\"1:1\",\"1:2\",\"1:3\",\"1:4\",\"1:5\",\"1:6\","
		 "\"1:7\",\"1:8\",\"1:9\",\"1:10\",\"1:11\",\"1:12\",\"1:13\",\"1:14\",\"1:15\","
		 "\"1:16\",\"1:17\"]}",
		 "import_rt"},
		{"{\"name\":\"x\",\"export_rt\":[\"65513:1\",\"1.2.3:4\"]}", "export_rt"},
		{"{\"name\":\"x\",\"export_rt\":7}", "export_rt"},
		{"{\"rd\":\"65513:1\"}", "name"},
		{"{\"name\":5}", "name"},
		{"{\"name\":\"\"}", "name"},
		{"{\"name\":\"abcdefghijklmnopqrstuvwxyz012345\"}", "name"}, // 32 characters
	};

	for (size_t i = 0; i < DIM(cases); i++) {
		struct bgp_vrf v;
		const char *field, *why;
		int rc = vrf_json(cases[i].json, &v, &field, &why);
		CU_ASSERT(rc == -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(why);
		CU_ASSERT(field != NULL && strcmp(field, cases[i].field) == 0);
		if (rc != -EINVAL || field == NULL || strcmp(field, cases[i].field) != 0)
			fprintf(stderr, "\n  %s: rc %d field %s\n", cases[i].json, rc,
				field ? field : "(null)");
	}
}

static void
test_vrf_match_import(void)
{
	struct bgp_vrf v[3] = {vrf("A", 101), vrf("B", 102), vrf("C", 101)};
	struct bgp_vpn_path p =
		plain_path("172.16.10.0/24", "2001:db8:0:ff::2", 1, "2a0e:97c0:ae6:1001:40::", 103);
	unsigned int out[4] = {9, 9, 9, 9};

	v[2].import_rt[v[2].n_import++] = rdrt(BGP_RDRT_AS2, 65513, 103);
	p.rts[p.n_rts++] = rdrt(BGP_RDRT_AS2, 65513, 101);
	CU_ASSERT(bgp_vrf_match_import(v, 3, &p, out, 4) == 2);
	CU_ASSERT(out[0] == 0 && out[1] == 2);
	CU_ASSERT(bgp_vrf_match_import(v, 3, &p, out, 1) == 1);
	CU_ASSERT(out[0] == 0);
	// same numbers, other type: no match
	p.n_rts = 1;
	p.rts[0] = rdrt(BGP_RDRT_AS4, 65513, 102);
	CU_ASSERT(bgp_vrf_match_import(v, 3, &p, out, 4) == 0);
}

// --- import -------------------------------------------------------------------------------

#define SID_P1 "2a0e:97c0:ae6:2001:100::" // frr_path(..., "2a0e:97c0:ae6:2001::", 4096)
#define SID_P2 "2a0e:97c0:ae6:1001:40::"

static void
test_import_single_path(void)
{
	struct bgp_import *im = import_ab();
	static const char *const s1[] = {SID_P1};
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
				     "2a0e:97c0:ae6:2001::", 4096, 101)) == 0);
	CU_ASSERT(bgp_import_pending(im));
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_add("A", "172.16.10.0/24", 1, s1));
	json_decref(out);
	CU_ASSERT_FALSE(bgp_import_pending(im));
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	bgp_import_free(im);
}

static void
test_import_ecmp_add_withdraw(void)
{
	struct bgp_import *im = import_ab();
	static const char *const both[] = {SID_P2, SID_P1}, *const only2[] = {SID_P2};
	struct bgp_vpn_path p1 = frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
					  "2a0e:97c0:ae6:2001::", 4096, 101);
	struct bgp_vpn_path p2 = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 2, SID_P2, 101);
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, p1) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	json_decref(out);
	// a second PE for the site: ECMP, next hops sorted by SID (1001 < 2001)
	CU_ASSERT(apply(im, p2) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_add("A", "172.16.10.0/24", 2, both));
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->paths == 2 && bgp_import_stats(im)->routes == 1);

	CU_ASSERT(apply(im, withdraw_of(p1)) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_add("A", "172.16.10.0/24", 1, only2));
	json_decref(out);

	CU_ASSERT(apply(im, withdraw_of(p2)) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_del("A", "172.16.10.0/24"));
	json_decref(out);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->paths == 0 && bgp_import_stats(im)->routes == 0);
	bgp_import_free(im);
}

static void
test_import_ecmp_same_sid_once(void)
{
	struct bgp_import *im = import_ab();
	static const char *const s[] = {SID_P2};
	json_t *out;
	size_t n;

	// one PE, two RDs for the same prefix and SID: one next hop
	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101)) == 0);
	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 2, SID_P2, 101)) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_add("A", "172.16.10.0/24", 1, s));
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->paths == 2);
	bgp_import_free(im);
}

static void
test_import_ecmp_capped(void)
{
	struct bgp_import *im = import_ab();
	json_t *out;
	size_t n;

	for (unsigned int i = 0; i < BGP_MAX_ECMP + 1; i++) {
		char peer[64], sid[64];
		snprintf(peer, sizeof(peer), "2001:db8:0:ff::%x", i + 10);
		snprintf(sid, sizeof(sid), "2a0e:97c0:ae6:%x::40", i + 0x3000);
		CU_ASSERT(apply(im, plain_path("172.16.10.0/24", peer, i, sid, 101)) == 0);
	}
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CU_ASSERT(json_array_size(json_object_get(json_object_get(json_array_get(out, 0), "params"),
						  "nexthops")) == BGP_MAX_ECMP);
	json_decref(out);
	bgp_import_free(im);
}

static void
test_import_two_vrfs(void)
{
	struct bgp_import *im = import_ab();
	static const char *const s[] = {SID_P2};
	struct bgp_vpn_path p = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101);
	json_t *out;
	size_t n;

	p.rts[p.n_rts++] = rdrt(BGP_RDRT_AS2, 65513, 102);
	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 2);
	CHECK_REQ(find_req(out, "route.add", "A", "172.16.10.0/24"),
		  want_add("A", "172.16.10.0/24", 1, s));
	CHECK_REQ(find_req(out, "route.add", "B", "172.16.10.0/24"),
		  want_add("B", "172.16.10.0/24", 1, s));
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->paths == 1 && bgp_import_stats(im)->routes == 2);
	// its withdraw removes both
	CU_ASSERT(apply(im, withdraw_of(p)) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 2);
	CHECK_REQ(find_req(out, "route.del", "A", "172.16.10.0/24"),
		  want_del("A", "172.16.10.0/24"));
	CHECK_REQ(find_req(out, "route.del", "B", "172.16.10.0/24"),
		  want_del("B", "172.16.10.0/24"));
	json_decref(out);
	bgp_import_free(im);
}

static void
test_import_no_vrf(void)
{
	struct bgp_import *im = import_ab();
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 103)) ==
		  REJECTED(no_vrf));
	CU_ASSERT_FALSE(bgp_import_pending(im));
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->rejected[BGP_REJECT_no_vrf] == 1);
	// kept unattached: a VRF importing 65513:103 added later gets it
	CU_ASSERT(bgp_import_stats(im)->paths == 1 && bgp_import_stats(im)->routes == 0);
	struct bgp_vrf v[3] = {vrf("A", 101), vrf("B", 102), vrf("C", 103)};
	CU_ASSERT(bgp_import_set_vrfs(im, v, 3) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CU_ASSERT(find_req(out, "route.add", "C", "172.16.10.0/24") != NULL);
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->paths == 1 && bgp_import_stats(im)->routes == 1);
	bgp_import_free(im);
}

static void
test_import_reannounce_new_sid(void)
{
	struct bgp_import *im = import_ab();
	static const char *const s_new[] = {"2a0e:97c0:ae6:2001:200::"};
	struct bgp_vpn_path p = frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
					 "2a0e:97c0:ae6:2001::", 4096, 101);
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	json_decref(out);
	p.label = 8192; // 0x02000: function 0x0200
	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_add("A", "172.16.10.0/24", 1, s_new));
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->paths == 1 && bgp_import_stats(im)->updates == 2);
	// the very same announcement again changes nothing
	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	bgp_import_free(im);
}

static void
test_import_rejected_reannounce_removes(void)
{
	struct bgp_import *im = import_ab();
	struct bgp_vpn_path p = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101);
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	json_decref(out);
	p.has_sid = false; // the speaker replaced it with an unusable version
	CU_ASSERT(apply(im, p) == REJECTED(no_sid));
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_del("A", "172.16.10.0/24"));
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->paths == 0);
	bgp_import_free(im);
}

static void
test_import_path_rejects(void)
{
	struct bgp_import *im = import_ab();
	struct bgp_vpn_path base = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101),
			    p;
	json_t *out;
	size_t n;

	p = base;
	p.prefix = pfx("2001:db8:10::/48"); // VPNv4 path with an IPv6 prefix
	CU_ASSERT(apply(im, p) == REJECTED(bad_nlri));
	p = base;
	p.behavior = 1; // End
	CU_ASSERT(apply(im, p) == REJECTED(behavior_unusable));
	p.behavior = 5; // End.X
	CU_ASSERT(apply(im, p) == REJECTED(behavior_unusable));
	p.behavior = BGP_BEH_END_DT6; // decapsulates IPv6 only
	CU_ASSERT(apply(im, p) == REJECTED(behavior_family));
	p = base;
	p.n_rts = 0;
	CU_ASSERT(apply(im, p) == REJECTED(no_route_target));
	p = base;
	p.has_sid = false;
	CU_ASSERT(apply(im, p) == REJECTED(no_sid));
	p = frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1, "2a0e:97c0:ae6:2001::", 4096, 101);
	p.has_label = false;
	CU_ASSERT(apply(im, p) == REJECTED(no_label));
	p.has_label = true;
	p.st.tpos_len = 21;
	CU_ASSERT(apply(im, p) == REJECTED(bad_structure));

	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	const struct bgp_import_stats *st = bgp_import_stats(im);
	CU_ASSERT(st->rejected[BGP_REJECT_bad_nlri] == 1);
	CU_ASSERT(st->rejected[BGP_REJECT_behavior_unusable] == 2);
	CU_ASSERT(st->rejected[BGP_REJECT_behavior_family] == 1);
	CU_ASSERT(st->rejected[BGP_REJECT_no_route_target] == 1);
	CU_ASSERT(st->rejected[BGP_REJECT_no_sid] == 1);
	CU_ASSERT(st->rejected[BGP_REJECT_no_label] == 1);
	CU_ASSERT(st->rejected[BGP_REJECT_bad_structure] == 1);
	CU_ASSERT(st->updates == 8 && st->paths == 0 && st->routes == 0);
	bgp_import_free(im);
}

static void
test_import_vpnv6(void)
{
	struct bgp_import *im = import_ab();
	static const char *const s[] = {"2a0e:97c0:ae6:2001:300::"};
	struct bgp_vpn_path p = frr_path("2001:db8:10::/48", "2001:db8:0:ff::2", 1,
					 "2a0e:97c0:ae6:2001::", 0x03000, 102);
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_add("B", "2001:db8:10::/48", 1, s));
	json_decref(out);
	p.behavior = BGP_BEH_END_DT4;
	CU_ASSERT(apply(im, p) == REJECTED(behavior_family));
	p.prefix = pfx("172.16.10.0/24"); // VPNv6 path with an IPv4 prefix
	p.behavior = BGP_BEH_END_DT46;
	CU_ASSERT(apply(im, p) == REJECTED(bad_nlri));
	bgp_import_free(im);
}

// RFC 9256 8.5 automated steering: a path with a Color extended community
// is steered into SR policy (color, its BGP next hop); the same SID from an
// uncolored path stays a plain next hop; a new color is a change srv6d gets.
static void
test_import_color_steering(void)
{
	struct bgp_import *im = import_ab();
	struct bgp_vpn_path p = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 2, SID_P2, 101);
	json_t *out, *nh, *want;
	size_t n;

	p.has_color = true;
	p.color = 10;
	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT_FATAL(n == 1);
	nh = json_array_get(
		json_object_get(json_object_get(json_array_get(out, 0), "params"), "nexthops"), 0);
	want = json_pack("{s:s,s:[s],s:{s:i,s:s}}", "type", "srv6", "segments", SID_P2, "policy",
			 "color", 10, "endpoint", "2001:db8:0:ff::3");
	CU_ASSERT(json_equal(nh, want));
	json_decref(want);
	json_decref(out);
	// the same path again: nothing to send
	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	// another color: a new route.add
	p.color = 20;
	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT_FATAL(n == 1);
	nh = json_array_get(
		json_object_get(json_object_get(json_array_get(out, 0), "params"), "nexthops"), 0);
	CU_ASSERT(json_integer_value(json_object_get(json_object_get(nh, "policy"), "color")) ==
		  20);
	json_decref(out);
	// color gone: the plain next hop again
	p.has_color = false;
	p.color = 0;
	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT_FATAL(n == 1);
	nh = json_array_get(
		json_object_get(json_object_get(json_array_get(out, 0), "params"), "nexthops"), 0);
	CU_ASSERT_PTR_NULL(json_object_get(nh, "policy"));
	json_decref(out);
	bgp_import_free(im);
}

static void
test_import_stale_sweep(void)
{
	struct bgp_import *im = import_ab();
	static const char *const s2[] = {SID_P2};
	struct bgp_vpn_path p1 = frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
					  "2a0e:97c0:ae6:2001::", 4096, 101);
	struct bgp_vpn_path p2 = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 2, SID_P2, 101);
	struct bgp_vpn_path p3 = plain_path("172.16.20.0/24", "2001:db8:0:ff::3", 2, SID_P2, 101);
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, p1) == 0 && apply(im, p2) == 0 && apply(im, p3) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 2);
	json_decref(out);
	CU_ASSERT(bgp_import_n_stale(im) == 0);
	bgp_import_mark_stale(im);
	CU_ASSERT(bgp_import_n_stale(im) == 3);
	// the speaker is back and has only p2 now
	CU_ASSERT(apply(im, p2) == 0);
	CU_ASSERT(bgp_import_n_stale(im) == 2);
	out = drain(im, 100, &n); // re-applying an unchanged path sends nothing
	CU_ASSERT(n == 0);
	json_decref(out);
	CU_ASSERT(bgp_import_sweep_stale(im) == 2);
	CU_ASSERT(bgp_import_n_stale(im) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 2);
	CHECK_REQ(find_req(out, "route.add", "A", "172.16.10.0/24"),
		  want_add("A", "172.16.10.0/24", 1, s2));
	CHECK_REQ(find_req(out, "route.del", "A", "172.16.20.0/24"),
		  want_del("A", "172.16.20.0/24"));
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->paths == 1 && bgp_import_stats(im)->routes == 1);
	CU_ASSERT(bgp_import_sweep_stale(im) == 0); // nothing stale left
	bgp_import_free(im);
}

static void
test_import_stale_two_paths_one_back(void)
{
	struct bgp_import *im = import_ab();
	struct bgp_vpn_path p1 = plain_path("172.16.10.0/24", "2001:db8:0:ff::2", 1, SID_P2, 101);
	struct bgp_vpn_path p3 = plain_path("172.16.20.0/24", "2001:db8:0:ff::2", 1, SID_P2, 101);
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, p1) == 0 && apply(im, p3) == 0);
	out = drain(im, 100, &n);
	json_decref(out);
	bgp_import_mark_stale(im);
	CU_ASSERT(apply(im, p1) == 0);
	// a withdraw of a stale path during the resync counts it down too
	CU_ASSERT(apply(im, withdraw_of(p3)) == 0);
	CU_ASSERT(bgp_import_n_stale(im) == 0);
	CU_ASSERT(bgp_import_sweep_stale(im) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_del("A", "172.16.20.0/24"));
	json_decref(out);
	bgp_import_free(im);
}

struct reach_ctx {
	uint8_t bad[16];
	bool bad_set;
	unsigned int calls;
};

static bool
reach_cb(void *ctx, const uint8_t sid[16])
{
	struct reach_ctx *c = ctx;

	c->calls++;
	return !(c->bad_set && memcmp(c->bad, sid, 16) == 0);
}

static void
test_import_unreachable_held(void)
{
	struct bgp_import *im = import_ab();
	static const char *const s1[] = {SID_P1};
	struct reach_ctx c = {.bad_set = true};
	json_t *out;
	size_t n;

	sid_of(SID_P1, c.bad);
	bgp_import_set_reach(im, reach_cb, &c);
	CU_ASSERT(apply(im, frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
				     "2a0e:97c0:ae6:2001::", 4096, 101)) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->routes_held == 1);
	CU_ASSERT(bgp_import_stats(im)->routes == 1);
	CU_ASSERT(c.calls == 1);
	// the underlay learns a route to it
	c.bad_set = false;
	bgp_import_recheck(im);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_add("A", "172.16.10.0/24", 1, s1));
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->routes_held == 0);
	CU_ASSERT(c.calls == 2);
	// and loses it again: the route goes
	c.bad_set = true;
	bgp_import_recheck(im);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_del("A", "172.16.10.0/24"));
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->routes_held == 1);
	bgp_import_free(im);
}

static void
test_import_unreachable_one_of_two(void)
{
	struct bgp_import *im = import_ab();
	static const char *const s2[] = {SID_P2};
	struct reach_ctx c = {.bad_set = true};
	json_t *out;
	size_t n;

	sid_of(SID_P1, c.bad);
	bgp_import_set_reach(im, reach_cb, &c);
	CU_ASSERT(apply(im, frr_path("172.16.10.0/24", "2001:db8:0:ff::2", 1,
				     "2a0e:97c0:ae6:2001::", 4096, 101)) == 0);
	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 2, SID_P2, 101)) == 0);
	// a second prefix on the same unreachable SID: asked once per SID
	CU_ASSERT(apply(im, frr_path("172.16.20.0/24", "2001:db8:0:ff::2", 1,
				     "2a0e:97c0:ae6:2001::", 4096, 101)) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_add("A", "172.16.10.0/24", 1, s2));
	json_decref(out);
	CU_ASSERT(c.calls == 2);
	CU_ASSERT(bgp_import_stats(im)->routes_held == 1);
	bgp_import_free(im);
}

static void
test_import_local_sid_refused(void)
{
	struct bgp_import *im = import_ab();
	struct ip_prefix loc = pfx("2a0e:97c0:ae6:1001::/64");
	json_t *out;
	size_t n;

	bgp_import_set_local(im, &loc, 1);
	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1,
				       "2a0e:97c0:ae6:1001:40::", 101)) == REJECTED(sid_local));
	// just outside the locator
	CU_ASSERT(apply(im, plain_path("172.16.20.0/24", "2001:db8:0:ff::3", 1,
				       "2a0e:97c0:ae6:1002:40::", 101)) == 0);
	// a transposed SID is checked once rebuilt: field 2a0e:97c0:ae6:1001::
	// is inside either way, the rebuilt 2a0e:97c0:ae6:1001:100:: too
	CU_ASSERT(apply(im, frr_path("172.16.30.0/24", "2001:db8:0:ff::3", 1,
				     "2a0e:97c0:ae6:1001::", 4096, 101)) == REJECTED(sid_local));
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CU_ASSERT(find_req(out, "route.add", "A", "172.16.20.0/24") != NULL);
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->rejected[BGP_REJECT_sid_local] == 2);
	bgp_import_set_local(im, NULL, 0); // forgotten: accepted again
	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1,
				       "2a0e:97c0:ae6:1001:40::", 101)) == 0);
	bgp_import_free(im);
}

static void
test_import_set_vrfs_moves_routes(void)
{
	struct bgp_import *im = import_ab();
	static const char *const s[] = {SID_P2};
	struct bgp_vrf v[2];
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101)) == 0);
	out = drain(im, 100, &n);
	json_decref(out);
	// same VRFs again: nothing to do
	v[0] = vrf("A", 101);
	v[1] = vrf("B", 102);
	CU_ASSERT(bgp_import_set_vrfs(im, v, 2) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	// B now imports 65513:101 too
	v[1].import_rt[v[1].n_import++] = rdrt(BGP_RDRT_AS2, 65513, 101);
	CU_ASSERT(bgp_import_set_vrfs(im, v, 2) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_add("B", "172.16.10.0/24", 1, s));
	json_decref(out);
	// A stops importing it
	v[0] = vrf("A", 999);
	CU_ASSERT(bgp_import_set_vrfs(im, v, 2) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_del("A", "172.16.10.0/24"));
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->paths == 1 && bgp_import_stats(im)->routes == 1);
	bgp_import_free(im);
}

static void
test_import_set_vrfs_drops_path(void)
{
	struct bgp_import *im = import_ab();
	struct bgp_vrf v[2] = {vrf("A", 999), vrf("B", 102)};
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101)) == 0);
	out = drain(im, 100, &n);
	json_decref(out);
	CU_ASSERT(bgp_import_set_vrfs(im, v, 2) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_del("A", "172.16.10.0/24"));
	json_decref(out);
	// the path stays, unattached; putting the RT back installs it again
	CU_ASSERT(bgp_import_stats(im)->paths == 1 && bgp_import_stats(im)->routes == 0);
	struct bgp_vrf back[2] = {vrf("A", 101), vrf("B", 102)};
	CU_ASSERT(bgp_import_set_vrfs(im, back, 2) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CU_ASSERT(find_req(out, "route.add", "A", "172.16.10.0/24") != NULL);
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->routes == 1);
	bgp_import_free(im);
}

static void
test_import_replay_batches(void)
{
	struct bgp_import *im = import_ab();
	struct reach_ctx c = {.bad_set = true};
	bool seen[5] = {false};
	size_t cursor = 0, total = 0, n, calls = 0;
	json_t *out;

	sid_of("2a0e:97c0:ae6:3000::", c.bad);
	bgp_import_set_reach(im, reach_cb, &c);
	for (unsigned int i = 0; i < 5; i++) {
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "172.16.%u.0/24", i);
		CU_ASSERT(apply(im, plain_path(prefix, "2001:db8:0:ff::3", 1, SID_P2, 101)) == 0);
	}
	// a held route (unreachable SID) is not installed: not replayed
	CU_ASSERT(apply(im, plain_path("172.16.99.0/24", "2001:db8:0:ff::3", 1,
				       "2a0e:97c0:ae6:3000::", 101)) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 5);
	json_decref(out);

	do {
		out = json_array();
		n = bgp_import_replay(im, out, 2, &cursor);
		CU_ASSERT(n <= 2 && json_array_size(out) == n);
		for (size_t i = 0; i < n; i++) {
			json_t *r = json_array_get(out, i);
			const char *prefix = json_string_value(
				json_object_get(json_object_get(r, "params"), "prefix"));
			unsigned int k = 99;
			static const char *const s[] = {SID_P2};
			CU_ASSERT_FATAL(prefix != NULL &&
					sscanf(prefix, "172.16.%u.0/24", &k) == 1);
			CU_ASSERT_FATAL(k < 5);
			CU_ASSERT_FALSE(seen[k]);
			seen[k] = true;
			CHECK_REQ(r, want_add("A", prefix, 1, s));
		}
		total += n;
		json_decref(out);
	} while (n > 0 && ++calls < 10);
	CU_ASSERT(total == 5);
	CU_ASSERT(calls == 3); // 2 + 2 + 1, then 0
	for (unsigned int i = 0; i < 5; i++)
		CU_ASSERT(seen[i]);
	// replay changes nothing pending
	CU_ASSERT_FALSE(bgp_import_pending(im));
	bgp_import_free(im);
}

static void
test_import_withdraw_unknown(void)
{
	struct bgp_import *im = import_ab();
	struct bgp_vpn_path p = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101);
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, withdraw_of(p)) == 0);
	// even one that would not pass the checks
	p.has_sid = false;
	p.n_rts = 0;
	CU_ASSERT(apply(im, withdraw_of(p)) == 0);
	CU_ASSERT_FALSE(bgp_import_pending(im));
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->withdraws == 2 && bgp_import_stats(im)->updates == 0);
	for (unsigned int r = 0; r < BGP_REJECT_MAX; r++)
		CU_ASSERT(bgp_import_stats(im)->rejected[r] == 0);
	// a withdraw of another RD does not remove our path
	p = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101);
	CU_ASSERT(apply(im, p) == 0);
	struct bgp_vpn_path w = withdraw_of(p);
	w.rd = rdrt(BGP_RDRT_AS2, 65513, 2);
	CU_ASSERT(apply(im, w) == 0);
	CU_ASSERT(bgp_import_stats(im)->paths == 1);
	// one best path per RD:prefix: its withdraw names whichever neighbour
	// the speaker last had, so the neighbour is not part of the key
	w = withdraw_of(p);
	w.peer = ip("2001:db8:0:ff::4");
	CU_ASSERT(apply(im, w) == 0);
	CU_ASSERT(bgp_import_stats(im)->paths == 0);
	bgp_import_free(im);
}

static void
test_import_drain_max_one(void)
{
	struct bgp_import *im = import_ab();
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101)) == 0);
	CU_ASSERT(apply(im, plain_path("172.16.20.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101)) == 0);
	out = drain(im, 1, &n);
	CU_ASSERT(n == 1);
	CU_ASSERT(bgp_import_pending(im));
	json_decref(out);
	out = drain(im, 1, &n);
	CU_ASSERT(n == 1);
	CU_ASSERT_FALSE(bgp_import_pending(im));
	json_decref(out);
	out = drain(im, 1, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	out = drain(im, 0, &n); // max 0 takes nothing
	CU_ASSERT(n == 0);
	json_decref(out);
	bgp_import_free(im);
}

static void
test_import_stats_counters(void)
{
	struct bgp_import *im = import_ab();
	struct bgp_vpn_path p1 = plain_path("172.16.10.0/24", "2001:db8:0:ff::2", 1, SID_P2, 101);
	struct bgp_vpn_path p2 = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101);
	struct bgp_vpn_path p3 = plain_path("172.16.20.0/24", "2001:db8:0:ff::3", 1, SID_P2, 102);
	const struct bgp_import_stats *st = bgp_import_stats(im);
	json_t *out;
	size_t n;

	CU_ASSERT(st->paths == 0 && st->routes == 0 && st->updates == 0 && st->withdraws == 0);
	CU_ASSERT(apply(im, p1) == 0 && apply(im, p2) == 0 && apply(im, p3) == 0);
	CU_ASSERT(apply(im, plain_path("172.16.30.0/24", "2001:db8:0:ff::3", 1, SID_P2, 555)) ==
		  REJECTED(no_vrf));
	// p2 (same RD:prefix, another neighbour) replaced p1; the no_vrf path is
	// kept unattached: 3 paths, 2 routes
	CU_ASSERT(st->updates == 4 && st->paths == 3 && st->routes == 2);
	CU_ASSERT(st->rejected[BGP_REJECT_no_vrf] == 1);
	CU_ASSERT(apply(im, withdraw_of(p2)) == 0);
	CU_ASSERT(st->withdraws == 1 && st->paths == 2 && st->routes == 1);
	CU_ASSERT(apply(im, withdraw_of(p1)) == 0); // already gone
	CU_ASSERT(st->withdraws == 2 && st->paths == 2 && st->routes == 1);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1); // 10/24 came and went before the drain: nothing sent
	CU_ASSERT(find_req(out, "route.add", "B", "172.16.20.0/24") != NULL);
	json_decref(out);
	bgp_import_flush(im);
	CU_ASSERT(st->paths == 0 && st->routes == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_del("B", "172.16.20.0/24"));
	json_decref(out);
	bgp_import_free(im);
}

static void
test_import_refused(void)
{
	struct bgp_import *im = import_ab();
	static const char *const s[] = {SID_P2};
	struct bgp_vpn_path p = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101);
	size_t cursor = 0, n;
	json_t *out;

	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	json_decref(out);
	bgp_import_refused(im, "A", "172.16.10.0/24");
	CU_ASSERT(bgp_import_stats(im)->rejected[BGP_REJECT_srv6d_refused] == 1);
	// not replayed: srv6d does not have it
	out = json_array();
	CU_ASSERT(bgp_import_replay(im, out, 10, &cursor) == 0);
	json_decref(out);
	// the same path again is resent
	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_add("A", "172.16.10.0/24", 1, s));
	json_decref(out);
	// refused again, then withdrawn: a route.del, since srv6d might hold one
	bgp_import_refused(im, "A", "172.16.10.0/24");
	CU_ASSERT(apply(im, withdraw_of(p)) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1);
	CHECK_REQ(json_array_get(out, 0), want_del("A", "172.16.10.0/24"));
	json_decref(out);
	// unknown route or unreadable prefix: only counted
	bgp_import_refused(im, "A", "not a prefix");
	bgp_import_refused(im, "Z", "172.16.10.0/24");
	CU_ASSERT(bgp_import_stats(im)->rejected[BGP_REJECT_srv6d_refused] == 4);
	CU_ASSERT_FALSE(bgp_import_pending(im));
	bgp_import_free(im);
}

static void
test_route_add_request_shape(void)
{
	struct bgp_srv6_nh nhs[2];
	struct ip_prefix p = pfx("2001:db8:10::/48");
	static const char *const s[] = {"2a0e:97c0:ae6:1001:40::", "fc00::1"};

	memset(nhs, 0, sizeof(nhs));
	sid_of(s[0], nhs[0].sid);
	sid_of(s[1], nhs[1].sid);
	json_t *r = bgp_route_add_request("blue", &p, nhs, 2, NULL, 0);
	CHECK_REQ(r, want_add("blue", "2001:db8:10::/48", 2, s));
	json_decref(r);
}

// srv6-bgp --ipsec-sa: each SID's next hop names the SA of the longest
// policy prefix covering it; a SID no prefix covers goes in clear.
static void
test_route_add_request_ipsec(void)
{
	struct bgp_srv6_nh srv6[3];
	struct ip_prefix p = pfx("10.20.0.0/16");
	struct bgp_ipsec_policy pol[3] = {
		{.sids = pfx("2a0e:97c0:ae6::/48"), .sa = "wide"},
		{.sids = pfx("2a0e:97c0:ae6:1001::/64"), .sa = "to-a1"},
		{.sids = pfx("2a0e:97c0:ae6:2001::/64"), .sa = "to-a2"},
	};

	memset(srv6, 0, sizeof(srv6));
	sid_of("2a0e:97c0:ae6:1001:40::", srv6[0].sid);
	sid_of("2a0e:97c0:ae6:3001:40::", srv6[1].sid);
	sid_of("fc00::1", srv6[2].sid);
	json_t *r = bgp_route_add_request("blue", &p, srv6, 3, pol, 3);
	json_t *nhs = json_object_get(json_object_get(r, "params"), "nexthops");
	CU_ASSERT_EQUAL_FATAL(json_array_size(nhs), 3);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(json_array_get(nhs, 0), "ipsec_sa")), "to-a1");
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(json_array_get(nhs, 1), "ipsec_sa")), "wide");
	CU_ASSERT_PTR_NULL(json_object_get(json_array_get(nhs, 2), "ipsec_sa"));
	json_decref(r);
	// The policy table's own rules.
	struct bgp_import *im = bgp_import_new();
	struct ip_prefix v4 = pfx("10.0.0.0/8");
	CU_ASSERT_EQUAL(bgp_import_ipsec_policy(im, &pol[0].sids, "x"), 0);
	CU_ASSERT_EQUAL(bgp_import_ipsec_policy(im, &v4, "x"), -EINVAL);
	CU_ASSERT_EQUAL(bgp_import_ipsec_policy(im, &pol[0].sids, ""), -EINVAL);
	for (unsigned int i = 1; i < BGP_MAX_IPSEC_POLICY; i++)
		CU_ASSERT_EQUAL(bgp_import_ipsec_policy(im, &pol[1].sids, "y"), 0);
	CU_ASSERT_EQUAL(bgp_import_ipsec_policy(im, &pol[1].sids, "y"), -ENOSPC);
	bgp_import_free(im);
}

// --- export -------------------------------------------------------------------------------

static struct bgp_vrf
export_vrf(void)
{
	struct bgp_vrf v = vrf("blue", 101);

	v.has_rd = true;
	v.rd = rdrt(BGP_RDRT_IP4, 0x0a010101u, 101);
	v.n_export = 2;
	v.export_rt[0] = rdrt(BGP_RDRT_AS2, 65513, 101);
	v.export_rt[1] = rdrt(BGP_RDRT_AS2, 65513, 999);
	return v;
}

static void
test_export_build_fields(void)
{
	struct bgp_vrf v = export_vrf();
	struct ip_prefix p = pfx("172.16.10.0/24");
	struct ip_addr nh = ip("2001:db8:0:ff::1");
	struct bgp_sid_structure st = {48, 16, 16, 0, 16, 64};
	struct bgp_vpn_path out;
	uint8_t sid[16], field[16];
	const char *why = NULL;

	sid_of("2a0e:97c0:ae6:1001:1::", sid);
	CU_ASSERT(bgp_export_build(&v, &p, sid, BGP_BEH_END_DT46, &st, false, &nh, &out, &why) ==
		  0);
	CU_ASSERT(out.family == AF_INET && !out.withdraw);
	CU_ASSERT(out.rd.type == BGP_RDRT_IP4 && out.rd.admin == 0x0a010101u &&
		  out.rd.assigned == 101);
	CU_ASSERT(prefix_equal(&out.prefix, &p));
	CU_ASSERT(out.has_label && out.label == 3);
	CU_ASSERT(addr_equal(&out.nexthop, &nh));
	CU_ASSERT(out.n_rts == 2);
	CU_ASSERT(out.rts[0].type == BGP_RDRT_AS2 && out.rts[0].admin == 65513 &&
		  out.rts[0].assigned == 101);
	CU_ASSERT(out.rts[1].type == BGP_RDRT_AS2 && out.rts[1].admin == 65513 &&
		  out.rts[1].assigned == 999);
	CU_ASSERT(out.has_sid && memcmp(out.sid, sid, 16) == 0);
	CU_ASSERT(out.behavior == 20);
	CU_ASSERT(out.has_structure);
	// not transposed: no transposition announced
	CU_ASSERT(out.st.block_len == 48 && out.st.node_len == 16 && out.st.func_len == 16 &&
		  out.st.arg_len == 0 && out.st.tpos_len == 0 && out.st.tpos_off == 0);

	// transposed: function 0x0001 -> label 16, SID field without it
	CU_ASSERT(bgp_export_build(&v, &p, sid, BGP_BEH_END_DT46, &st, true, &nh, &out, &why) == 0);
	sid_of("2a0e:97c0:ae6:1001::", field);
	CU_ASSERT(out.has_label && out.label == 16);
	CU_ASSERT(memcmp(out.sid, field, 16) == 0);
	CU_ASSERT(out.st.tpos_len == 16 && out.st.tpos_off == 64);
}

static void
test_export_build_errors(void)
{
	struct bgp_vrf v = export_vrf();
	struct ip_prefix p = pfx("172.16.10.0/24");
	struct ip_addr nh = ip("2001:db8:0:ff::1"), none;
	struct bgp_sid_structure st = {48, 16, 16, 0, 16, 64}, bad = {64, 64, 16, 0, 16, 64};
	struct bgp_vpn_path out;
	uint8_t sid[16];
	const char *why;

	sid_of("2a0e:97c0:ae6:1001:1::", sid);
	v.has_rd = false;
	why = NULL;
	CU_ASSERT(bgp_export_build(&v, &p, sid, 20, &st, false, &nh, &out, &why) == -EINVAL);
	CU_ASSERT(why != NULL && strstr(why, "rd") != NULL);
	v = export_vrf();
	v.n_export = 0;
	why = NULL;
	CU_ASSERT(bgp_export_build(&v, &p, sid, 20, &st, false, &nh, &out, &why) == -EINVAL);
	CU_ASSERT(why != NULL && strstr(why, "export_rt") != NULL);
	v = export_vrf();
	why = NULL;
	CU_ASSERT(bgp_export_build(&v, &p, sid, 20, &bad, true, &nh, &out, &why) == -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(why);
	why = NULL;
	CU_ASSERT(bgp_export_build(&v, &p, sid, 20, &bad, false, &nh, &out, &why) == -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(why);
	memset(&none, 0, sizeof(none));
	why = NULL;
	CU_ASSERT(bgp_export_build(&v, &p, sid, 20, &st, false, &none, &out, &why) == -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(why);
}

static void
test_export_same(void)
{
	struct bgp_vrf v = export_vrf();
	struct ip_prefix p = pfx("172.16.10.0/24");
	struct ip_addr nh = ip("2001:db8:0:ff::1");
	struct bgp_sid_structure st = {48, 16, 16, 0, 16, 64};
	struct bgp_vpn_path a, b;
	uint8_t sid[16];

	sid_of("2a0e:97c0:ae6:1001:1::", sid);
	CU_ASSERT_FATAL(bgp_export_build(&v, &p, sid, 20, &st, false, &nh, &a, NULL) == 0);
	b = a;
	CU_ASSERT(bgp_export_same(&a, &b));
	b.sid[15] ^= 1;
	CU_ASSERT_FALSE(bgp_export_same(&a, &b));
	b = a;
	b.behavior = 19;
	CU_ASSERT_FALSE(bgp_export_same(&a, &b));
	b = a;
	b.nexthop = ip("2001:db8:0:ff::9");
	CU_ASSERT_FALSE(bgp_export_same(&a, &b));
	b = a;
	b.n_rts = 1;
	CU_ASSERT_FALSE(bgp_export_same(&a, &b));
	b = a;
	b.rts[1].assigned = 998;
	CU_ASSERT_FALSE(bgp_export_same(&a, &b));
	b = a;
	b.label = 16;
	CU_ASSERT_FALSE(bgp_export_same(&a, &b));
	b = a;
	b.st.func_len = 8;
	CU_ASSERT_FALSE(bgp_export_same(&a, &b));
}

struct call {
	struct bgp_vpn_path p;
	bool withdraw;
};

struct recorder {
	struct call calls[32];
	unsigned int n;
	int fail; // calls left to fail (-1: every one)
};

static int
record_cb(void *ctx, const struct bgp_vpn_path *p, bool withdraw)
{
	struct recorder *r = ctx;

	if (r->n < DIM(r->calls))
		r->calls[r->n] = (struct call){*p, withdraw};
	r->n++;
	if (r->fail != 0) {
		if (r->fail > 0)
			r->fail--;
		return -EIO;
	}
	return 0;
}

static struct bgp_vpn_path
export_path(const char *prefix, const char *sid)
{
	struct bgp_vrf v = export_vrf();
	struct ip_prefix p = pfx(prefix);
	struct ip_addr nh = ip("2001:db8:0:ff::1");
	struct bgp_sid_structure st = {48, 16, 16, 0, 0, 0};
	struct bgp_vpn_path out;
	uint8_t s[16];

	sid_of(sid, s);
	CU_ASSERT_FATAL(
		bgp_export_build(&v, &p, s, BGP_BEH_END_DT46, &st, false, &nh, &out, NULL) == 0);
	return out;
}

static bool
called_for(const struct recorder *r, const struct bgp_vpn_path *p, bool withdraw)
{
	for (unsigned int i = 0; i < r->n && i < DIM(r->calls); i++)
		if (r->calls[i].withdraw == withdraw && bgp_export_same(&r->calls[i].p, p))
			return true;
	return false;
}

static void
test_export_commit_sequence(void)
{
	struct bgp_export *ex = bgp_export_new();
	struct bgp_vpn_path p[3] = {
		export_path("172.16.10.0/24", "2a0e:97c0:ae6:1001:40::"),
		export_path("172.16.20.0/24", "2a0e:97c0:ae6:1001:40::"),
		export_path("2001:db8:10::/48", "2a0e:97c0:ae6:1001:60::"),
	};
	const struct bgp_export_stats *st;
	struct recorder rec = {0};

	CU_ASSERT_FATAL(ex != NULL);
	st = bgp_export_stats(ex);
	// first commit announces all three
	bgp_export_begin(ex);
	for (int i = 0; i < 3; i++)
		CU_ASSERT(bgp_export_want(ex, &p[i]) == 0);
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 0);
	CU_ASSERT(rec.n == 3);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT(called_for(&rec, &p[i], false));
		CU_ASSERT(bgp_export_is_announced(ex, &p[i]));
	}
	CU_ASSERT(st->announced == 3 && st->adds == 3 && st->withdraws == 0 && st->failures == 0);

	// the same set again: nothing
	rec.n = 0;
	bgp_export_begin(ex);
	for (int i = 0; i < 3; i++)
		CU_ASSERT(bgp_export_want(ex, &p[i]) == 0);
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 0);
	CU_ASSERT(rec.n == 0);

	// one SID changes: one announce of the new version
	rec.n = 0;
	struct bgp_vpn_path p1b = export_path("172.16.20.0/24", "2a0e:97c0:ae6:1001:41::");
	bgp_export_begin(ex);
	CU_ASSERT(bgp_export_want(ex, &p[0]) == 0 && bgp_export_want(ex, &p1b) == 0 &&
		  bgp_export_want(ex, &p[2]) == 0);
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 0);
	CU_ASSERT(rec.n == 1);
	CU_ASSERT(called_for(&rec, &p1b, false));
	CU_ASSERT(st->announced == 3 && st->adds == 4);

	// one is dropped: one withdraw, of what was announced
	rec.n = 0;
	bgp_export_begin(ex);
	CU_ASSERT(bgp_export_want(ex, &p[0]) == 0 && bgp_export_want(ex, &p[2]) == 0);
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 0);
	CU_ASSERT(rec.n == 1);
	CU_ASSERT(called_for(&rec, &p1b, true));
	CU_ASSERT_FALSE(bgp_export_is_announced(ex, &p[1]));
	CU_ASSERT(bgp_export_is_announced(ex, &p[0]));
	CU_ASSERT(st->announced == 2 && st->withdraws == 1);

	// forget: every wanted path is announced again at the next commit
	rec.n = 0;
	bgp_export_forget(ex);
	CU_ASSERT(st->announced == 0);
	CU_ASSERT_FALSE(bgp_export_is_announced(ex, &p[0]));
	bgp_export_begin(ex);
	CU_ASSERT(bgp_export_want(ex, &p[0]) == 0 && bgp_export_want(ex, &p[2]) == 0);
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 0);
	CU_ASSERT(rec.n == 2);
	CU_ASSERT(called_for(&rec, &p[0], false) && called_for(&rec, &p[2], false));
	CU_ASSERT(st->announced == 2 && st->adds == 6);
	bgp_export_free(ex);
}

static void
test_export_commit_failure_retried(void)
{
	struct bgp_export *ex = bgp_export_new();
	struct bgp_vpn_path a = export_path("172.16.10.0/24", "2a0e:97c0:ae6:1001:40::");
	struct bgp_vpn_path b = export_path("172.16.20.0/24", "2a0e:97c0:ae6:1001:40::");
	const struct bgp_export_stats *st = bgp_export_stats(ex);
	struct recorder rec = {.fail = -1};

	bgp_export_begin(ex);
	CU_ASSERT(bgp_export_want(ex, &a) == 0 && bgp_export_want(ex, &b) == 0);
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 2);
	CU_ASSERT(rec.n == 2);
	CU_ASSERT_FALSE(bgp_export_is_announced(ex, &a));
	CU_ASSERT(st->announced == 0 && st->adds == 0 && st->failures == 2);
	// the next commit (same wanted set, not rebuilt) retries both
	rec = (struct recorder){.fail = 1};
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 1);
	CU_ASSERT(rec.n == 2);
	CU_ASSERT(st->announced == 1 && st->adds == 1 && st->failures == 3);
	rec = (struct recorder){0};
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 0);
	CU_ASSERT(rec.n == 1);
	CU_ASSERT(bgp_export_is_announced(ex, &a) && bgp_export_is_announced(ex, &b));
	CU_ASSERT(st->announced == 2 && st->adds == 2);

	// a failed withdraw keeps it announced and is retried
	rec = (struct recorder){.fail = -1};
	bgp_export_begin(ex);
	CU_ASSERT(bgp_export_want(ex, &a) == 0);
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 1);
	CU_ASSERT(rec.n == 1 && rec.calls[0].withdraw);
	CU_ASSERT(bgp_export_is_announced(ex, &b));
	rec = (struct recorder){0};
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 0);
	CU_ASSERT(rec.n == 1 && rec.calls[0].withdraw && called_for(&rec, &b, true));
	CU_ASSERT_FALSE(bgp_export_is_announced(ex, &b));
	CU_ASSERT(st->announced == 1 && st->withdraws == 1 && st->failures == 4);
	bgp_export_free(ex);
}

static void
test_export_want_replaces_same_key(void)
{
	struct bgp_export *ex = bgp_export_new();
	struct bgp_vpn_path a = export_path("172.16.10.0/24", "2a0e:97c0:ae6:1001:40::");
	struct bgp_vpn_path a2 = export_path("172.16.10.0/24", "2a0e:97c0:ae6:1001:41::");
	struct bgp_vpn_path other_rd = a;
	struct recorder rec = {0};

	other_rd.rd = rdrt(BGP_RDRT_AS2, 65513, 7);
	bgp_export_begin(ex);
	CU_ASSERT(bgp_export_want(ex, &a) == 0 && bgp_export_want(ex, &a2) == 0);
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 0);
	CU_ASSERT(rec.n == 1 && called_for(&rec, &a2, false));
	CU_ASSERT(bgp_export_is_announced(ex, &a)); // the key is (rd, prefix)
	CU_ASSERT_FALSE(bgp_export_is_announced(ex, &other_rd));
	CU_ASSERT(bgp_export_stats(ex)->announced == 1);
	// empty wanted set: withdrawn; then nothing is left
	rec.n = 0;
	bgp_export_begin(ex);
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 0);
	CU_ASSERT(rec.n == 1 && called_for(&rec, &a2, true));
	rec.n = 0;
	CU_ASSERT(bgp_export_commit(ex, record_cb, &rec) == 0);
	CU_ASSERT(rec.n == 0);
	bgp_export_free(ex);
}

// --- main ---------------------------------------------------------------------------------

// --- shadowing: another owner's route holds the key ---------------------------------------

static bool shadow_on;

static bool
shadow_a_10(void *ctx, const char *vrf_name, const struct ip_prefix *p)
{
	char buf[PREFIX_STRLEN];

	(void)ctx;
	return shadow_on && strcmp(vrf_name, "A") == 0 &&
	       strcmp(prefix_fmt(p, buf, sizeof(buf)), "172.16.10.0/24") == 0;
}

static void
test_import_shadowed_by_static(void)
{
	struct bgp_import *im = import_ab();
	json_t *out;
	size_t n;

	bgp_import_set_shadow(im, shadow_a_10, NULL);
	// installed first, then a static route replaces it in srv6d
	shadow_on = false;
	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101)) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1 && find_req(out, "route.add", "A", "172.16.10.0/24") != NULL);
	json_decref(out);
	shadow_on = true;
	bgp_import_recheck(im);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0); // no route.del: that would delete the static route
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->routes_shadowed == 1);
	// a withdraw while shadowed sends nothing either
	CU_ASSERT(apply(im, withdraw_of(plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2,
						   101))) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->routes_shadowed == 0 && bgp_import_stats(im)->routes == 0);
	// announced while shadowed: held back; the static route goes: installed
	CU_ASSERT(apply(im, plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101)) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 0);
	json_decref(out);
	shadow_on = false;
	bgp_import_recheck(im);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1 && find_req(out, "route.add", "A", "172.16.10.0/24") != NULL);
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->routes_shadowed == 0);
	bgp_import_free(im);
}

static void
test_sid_structure_checked_without_transposition(void)
{
	struct bgp_vpn_path p = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101);
	enum bgp_reject reason = BGP_REJECT_MAX;
	uint8_t sid[16];

	// 100 + 100 bits of locator cannot be a 128-bit SID, transposed or not
	p.has_structure = true;
	p.st = (struct bgp_sid_structure){100, 100, 0, 0, 0, 0};
	CU_ASSERT(bgp_sid_rebuild(&p, sid, &reason) == -1);
	CU_ASSERT(reason == BGP_REJECT_bad_structure);
	p.st = (struct bgp_sid_structure){48, 16, 16, 0, 0, 0};
	CU_ASSERT(bgp_sid_rebuild(&p, sid, &reason) == 0);
}

static void
test_import_remove_not_a_withdraw(void)
{
	struct bgp_import *im = import_ab();
	struct bgp_vpn_path p = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101);
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, p) == 0);
	out = drain(im, 100, &n);
	json_decref(out);
	CU_ASSERT(bgp_import_remove(im, &p));
	CU_ASSERT_FALSE(bgp_import_remove(im, &p));
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1 && find_req(out, "route.del", "A", "172.16.10.0/24") != NULL);
	json_decref(out);
	CU_ASSERT(bgp_import_stats(im)->withdraws == 0 && bgp_import_stats(im)->paths == 0);
	bgp_import_free(im);
}

// Withdraws wait hold_ms; a speaker going away drops them; an announce of the
// same key cancels one.
static void
test_import_withdraw_hold(void)
{
	struct bgp_import *im = import_ab();
	struct bgp_vpn_path p1 = plain_path("172.16.10.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101);
	struct bgp_vpn_path p2 = plain_path("172.16.20.0/24", "2001:db8:0:ff::3", 1, SID_P2, 101);
	json_t *out;
	size_t n;

	CU_ASSERT(apply(im, p1) == 0 && apply(im, p2) == 0);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 2);
	json_decref(out);
	// held at t=1000: nothing at 1299, applied at 1300 with a hold of 300
	struct bgp_vpn_path w1 = withdraw_of(p1), w2 = withdraw_of(p2);
	CU_ASSERT(bgp_import_hold_withdraw(im, &w1, 1000) == 0);
	CU_ASSERT(bgp_import_hold_withdraw(im, &w2, 1100) == 0);
	CU_ASSERT(bgp_import_n_held(im) == 2);
	CU_ASSERT(bgp_import_apply_held(im, 1299, 300) == 0);
	CU_ASSERT(bgp_import_stats(im)->paths == 2);
	CU_ASSERT(bgp_import_apply_held(im, 1300, 300) == 1);
	CU_ASSERT(bgp_import_stats(im)->paths == 1 && bgp_import_n_held(im) == 1);
	// p2 announced again before its withdraw is due: the withdraw is gone
	CU_ASSERT(apply(im, p2) == 0);
	CU_ASSERT(bgp_import_n_held(im) == 0);
	CU_ASSERT(bgp_import_apply_held(im, 5000, 300) == 0);
	CU_ASSERT(bgp_import_stats(im)->paths == 1);
	out = drain(im, 100, &n);
	CU_ASSERT(n == 1 && find_req(out, "route.del", "A", "172.16.10.0/24") != NULL);
	json_decref(out);
	// the speaker goes away with a withdraw pending: dropped, the path stays
	CU_ASSERT(bgp_import_hold_withdraw(im, &w2, 6000) == 0);
	CU_ASSERT(bgp_import_drop_held(im) == 1);
	CU_ASSERT(bgp_import_apply_held(im, 99999, 300) == 0);
	CU_ASSERT(bgp_import_stats(im)->paths == 1);
	bgp_import_free(im);
}

static const struct {
	const char *name;
	CU_TestFunc fn;
} tests[] = {
	{"rdrt parse type 0 (2-octet ASN)", test_rdrt_parse_type0_as2},
	{"rdrt parse type 1 (IPv4)", test_rdrt_parse_type1_ipv4},
	{"rdrt parse type 2 (4-octet ASN)", test_rdrt_parse_type2_as4},
	{"rdrt format round trip", test_rdrt_fmt_roundtrip},
	{"rdrt equal", test_rdrt_equal},
	{"rdrt parse malformed", test_rdrt_parse_malformed},
	{"sid rebuild FRR label 4096", test_sid_rebuild_frr_label_4096},
	{"sid rebuild label 0xfffff", test_sid_rebuild_label_all_ones},
	{"sid rebuild unaligned transposition", test_sid_rebuild_unaligned},
	{"sid rebuild without transposition", test_sid_rebuild_no_transposition_unchanged},
	{"sid rebuild malformed", test_sid_rebuild_malformed},
	{"sid structure check", test_sid_structure_check},
	{"sid transpose block 48", test_sid_transpose_block48},
	{"sid transpose off", test_sid_transpose_off},
	{"sid transpose/rebuild round trip", test_sid_transpose_rebuild_roundtrip},
	{"behavior families", test_behavior_check_families},
	{"behavior unusable", test_behavior_check_unusable},
	{"behavior and reject names", test_behavior_and_reject_names},
	{"vrf from json good", test_vrf_from_json_good},
	{"vrf from json bad", test_vrf_from_json_bad},
	{"vrf match import", test_vrf_match_import},
	{"import single path", test_import_single_path},
	{"import ecmp add/withdraw", test_import_ecmp_add_withdraw},
	{"import ecmp same sid once", test_import_ecmp_same_sid_once},
	{"import ecmp capped", test_import_ecmp_capped},
	{"import two vrfs", test_import_two_vrfs},
	{"import no vrf", test_import_no_vrf},
	{"import reannounce new sid", test_import_reannounce_new_sid},
	{"import rejected reannounce removes", test_import_rejected_reannounce_removes},
	{"import path rejects", test_import_path_rejects},
	{"import vpnv6", test_import_vpnv6},
	{"import stale sweep", test_import_stale_sweep},
	{"import color steering", test_import_color_steering},
	{"import stale withdraw during resync", test_import_stale_two_paths_one_back},
	{"import unreachable held", test_import_unreachable_held},
	{"import unreachable one of two", test_import_unreachable_one_of_two},
	{"import local sid refused", test_import_local_sid_refused},
	{"import set_vrfs moves routes", test_import_set_vrfs_moves_routes},
	{"import set_vrfs drops path", test_import_set_vrfs_drops_path},
	{"import replay batches", test_import_replay_batches},
	{"import withdraw unknown", test_import_withdraw_unknown},
	{"import drain max one", test_import_drain_max_one},
	{"import stats counters", test_import_stats_counters},
	{"import refused", test_import_refused},
	{"route.add request shape", test_route_add_request_shape},
	{"route.add request with --ipsec-sa", test_route_add_request_ipsec},
	{"export build fields", test_export_build_fields},
	{"export build errors", test_export_build_errors},
	{"export same", test_export_same},
	{"export commit sequence", test_export_commit_sequence},
	{"export commit failure retried", test_export_commit_failure_retried},
	{"export want replaces same key", test_export_want_replaces_same_key},
	{"import shadowed by a static route", test_import_shadowed_by_static},
	{"import remove is not a withdraw", test_import_remove_not_a_withdraw},
	{"import withdraw hold", test_import_withdraw_hold},
	{"SID structure checked without transposition",
	 test_sid_structure_checked_without_transposition},
};

int
main(void)
{
	unsigned int failures;
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("bgp", NULL, NULL);
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
