// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/fib against a linear-scan reference: fixed cases, then random add/del
// sequences whose every lookup (single and bulk) must match the reference,
// root growth, and groups coming back when prefixes go. Path compression:
// IPv6 host routes and long nested chains, covering prefixes coming and
// going (they change the miss values of the groups a jump skips), probes
// that leave a chain at every byte, fib_check() after every batch, and the
// number of groups a lookup reads.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include <CUnit/Basic.h>

#include "fib.h"

// --- reference -------------------------------------------------------------------

struct ref_route {
	uint8_t key[16];
	unsigned int len;
	uint32_t nh;
};

struct ref {
	unsigned int key_bits;
	size_t n;
	struct ref_route r[40000];
};

static bool
covers(const uint8_t *p, unsigned int len, const uint8_t *a)
{
	unsigned int full = len / 8, rest = len % 8;

	if (memcmp(p, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (p[full] & mask) == (a[full] & mask);
}

// Longest prefix covering a with length < below (129: any); nh 0 when none.
static uint32_t
ref_lpm(const struct ref *rf, const uint8_t *a, unsigned int below, unsigned int *len)
{
	uint32_t nh = 0;
	int best = -1;

	for (size_t i = 0; i < rf->n; i++)
		if (rf->r[i].len < below && (int)rf->r[i].len > best &&
		    covers(rf->r[i].key, rf->r[i].len, a)) {
			best = (int)rf->r[i].len;
			nh = rf->r[i].nh;
		}
	if (len != NULL)
		*len = best < 0 ? 0 : (unsigned int)best;
	return nh;
}

static ssize_t
ref_find(const struct ref *rf, const uint8_t *k, unsigned int len)
{
	for (size_t i = 0; i < rf->n; i++)
		if (rf->r[i].len == len && memcmp(rf->r[i].key, k, 16) == 0)
			return (ssize_t)i;
	return -1;
}

static void
mask_key(uint8_t *k, unsigned int len)
{
	for (unsigned int b = 0; b < 16; b++) {
		if (b * 8 >= len)
			k[b] = 0;
		else if (b * 8 + 8 > len)
			k[b] &= (uint8_t)(0xff << (8 - (len - b * 8)));
	}
}

// --- helpers ---------------------------------------------------------------------

static int
add1(struct fib *f, const uint8_t *k, unsigned int len, uint32_t nh)
{
	const uint8_t *keys[1] = {k};
	uint8_t lens[1] = {(uint8_t)len};

	if (fib_reserve(f, keys, lens, 1) < 0)
		return -1;
	return fib_add(f, k, len, nh);
}

static uint8_t *
v4(uint8_t *k, unsigned int a, unsigned int b, unsigned int c, unsigned int d)
{
	memset(k, 0, 16);
	k[0] = (uint8_t)a;
	k[1] = (uint8_t)b;
	k[2] = (uint8_t)c;
	k[3] = (uint8_t)d;
	return k;
}

static uint32_t
look4(const struct fib *f, unsigned int a, unsigned int b, unsigned int c, unsigned int d)
{
	uint8_t k[16];
	return fib_lookup(f, v4(k, a, b, c, d));
}

// --- fixed cases -----------------------------------------------------------------

static void
test_v4_nested(void)
{
	struct fib *f = fib_create(32, SOCKET_ID_ANY);
	uint8_t k[16];

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 3), 0);
	CU_ASSERT_EQUAL(add1(f, v4(k, 10, 0, 0, 0), 8, 1), 0);
	CU_ASSERT_EQUAL(add1(f, v4(k, 10, 1, 0, 0), 16, 2), 0);
	CU_ASSERT_EQUAL(add1(f, v4(k, 10, 1, 2, 0), 24, 3), 0);
	CU_ASSERT_EQUAL(add1(f, v4(k, 10, 1, 2, 3), 32, 4), 0);
	CU_ASSERT_EQUAL(add1(f, v4(k, 0, 0, 0, 0), 0, 5), 0);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 3), 4);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 4), 3);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 3, 4), 2);
	CU_ASSERT_EQUAL(look4(f, 10, 2, 3, 4), 1);
	CU_ASSERT_EQUAL(look4(f, 11, 2, 3, 4), 5);
	// A shorter prefix added after the longer ones keeps out of their space.
	CU_ASSERT_EQUAL(add1(f, v4(k, 10, 0, 0, 0), 12, 6), 0);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 3), 4);
	CU_ASSERT_EQUAL(look4(f, 10, 2, 0, 0), 6);
	CU_ASSERT_EQUAL(look4(f, 10, 16, 0, 0), 1);
	// Replace, then delete back to the parent.
	CU_ASSERT_EQUAL(add1(f, v4(k, 10, 1, 2, 0), 24, 7), 0);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 9), 7);
	CU_ASSERT_EQUAL(fib_del(f, v4(k, 10, 1, 2, 3), 32, 7, 24), 0);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 3), 7);
	CU_ASSERT_EQUAL(fib_del(f, v4(k, 10, 1, 2, 0), 24, 2, 16), 0);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 3), 2);
	CU_ASSERT_EQUAL(fib_del(f, v4(k, 10, 1, 0, 0), 16, 6, 12), 0);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 3), 6);
	CU_ASSERT_EQUAL(fib_del(f, v4(k, 0, 0, 0, 0), 0, 0, 0), 0);
	CU_ASSERT_EQUAL(look4(f, 11, 2, 3, 4), 0);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 3), 6);
	// Deleting what is absent changes nothing; bad arguments are refused.
	CU_ASSERT_EQUAL(fib_del(f, v4(k, 10, 9, 9, 0), 24, 0, 0), 0);
	CU_ASSERT_EQUAL(look4(f, 10, 9, 9, 1), 6);
	CU_ASSERT_EQUAL(fib_add(f, k, 33, 1), -EINVAL);
	CU_ASSERT_EQUAL(fib_add(f, k, 24, 0), -EINVAL);
	CU_ASSERT_EQUAL(fib_add(f, k, 24, FIB_NH_MAX + 1), -EINVAL);
	CU_ASSERT_EQUAL(fib_del(f, k, 24, 3, 24), -EINVAL);
	// The /12 still needs the group under 10/8; once it goes, so does the group.
	struct fib_info fi;
	fib_info_get(f, &fi);
	CU_ASSERT_EQUAL(fi.groups_used, 1);
	CU_ASSERT_EQUAL(fib_del(f, v4(k, 10, 0, 0, 0), 12, 1, 8), 0);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 3), 1);
	fib_info_get(f, &fi);
	CU_ASSERT_EQUAL(fi.groups_used, 0);
	fib_free(f);
}

static void
test_unreserved_is_refused(void)
{
	struct fib *f = fib_create(32, SOCKET_ID_ANY);
	uint8_t k[16];

	CU_ASSERT_FATAL(f != NULL);
	// No group memory was reserved: a /32 needs groups, a /8 does not.
	CU_ASSERT_EQUAL(fib_add(f, v4(k, 10, 1, 2, 3), 32, 1), -ENOSPC);
	CU_ASSERT_EQUAL(fib_add(f, v4(k, 10, 0, 0, 0), 8, 1), 0);
	CU_ASSERT_EQUAL(look4(f, 10, 1, 2, 3), 1);
	CU_ASSERT_EQUAL(fib_create(48, SOCKET_ID_ANY), NULL);
	fib_free(f);
}

static void
test_v6_basic(void)
{
	struct fib *f = fib_create(128, SOCKET_ID_ANY);
	uint8_t k[16] = {0x20, 0x01, 0x0d, 0xb8}, a[16];

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(add1(f, k, 32, 1), 0);
	k[4] = 0x12;
	k[5] = 0x34;
	CU_ASSERT_EQUAL(add1(f, k, 48, 2), 0);
	k[15] = 1;
	CU_ASSERT_EQUAL(add1(f, k, 128, 3), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, k), 3);
	memcpy(a, k, 16);
	a[15] = 2;
	CU_ASSERT_EQUAL(fib_lookup(f, a), 2);
	a[5] = 0x35;
	CU_ASSERT_EQUAL(fib_lookup(f, a), 1);
	a[3] = 0xb9;
	CU_ASSERT_EQUAL(fib_lookup(f, a), 0);
	CU_ASSERT_EQUAL(fib_del(f, k, 128, 2, 48), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, k), 2);
	k[15] = 0;
	CU_ASSERT_EQUAL(fib_del(f, k, 48, 1, 32), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, k), 1);
	k[4] = k[5] = 0;
	CU_ASSERT_EQUAL(fib_del(f, k, 32, 0, 0), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, k), 0);
	struct fib_info fi;
	fib_info_get(f, &fi);
	CU_ASSERT_EQUAL(fi.groups_used, 0);
	fib_free(f);
}

// A lone /128 under a /48 (and a /64) cost one group each and one group
// read per lookup, where the uncompressed trie read 15 (7): the jump skips
// the single-path groups. A covering /32 that comes and goes changes what
// the skipped bytes miss to, without a group of its own.
static void
test_v6_depth(void)
{
	struct fib *f = fib_create(128, SOCKET_ID_ANY);
	uint8_t p48[16] = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34}, h[16], a[16], p64[16],
		p32[16] = {0};
	struct fib_info fi;

	CU_ASSERT_FATAL(f != NULL);
	memcpy(h, p48, 16);
	h[15] = 1;
	CU_ASSERT_EQUAL(add1(f, p48, 48, 1), 0);
	CU_ASSERT_EQUAL(add1(f, h, 128, 2), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, h), 2);
	CU_ASSERT(fib_lookup_depth(f, h) <= 3);
	CU_ASSERT_EQUAL(fib_lookup_depth(f, h), 1);
	fib_info_get(f, &fi);
	CU_ASSERT_EQUAL(fi.groups_used, 1);
	memcpy(a, h, 16);
	a[15] = 2;
	CU_ASSERT_EQUAL(fib_lookup(f, a), 1);
	a[9] = 0x80; // leaves the chain inside the /48
	CU_ASSERT_EQUAL(fib_lookup(f, a), 1);
	a[4] = 0x13; // leaves it above the /48
	CU_ASSERT_EQUAL(fib_lookup(f, a), 0);
	CU_ASSERT(fib_lookup_depth(f, a) <= 1);
	// A covering /32: the bytes between it and the /48 now miss to it.
	memcpy(p32, p48, 4);
	CU_ASSERT_EQUAL(add1(f, p32, 32, 3), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, a), 3);
	CU_ASSERT_EQUAL(fib_lookup(f, h), 2);
	CU_ASSERT_EQUAL(fib_check(f), 0);
	// A /64 elsewhere under the /32: one more group, one read.
	memcpy(p64, p32, 16);
	p64[4] = 0xab;
	p64[7] = 0x42;
	CU_ASSERT_EQUAL(add1(f, p64, 64, 4), 0);
	p64[12] = 9;
	CU_ASSERT_EQUAL(fib_lookup(f, p64), 4);
	CU_ASSERT(fib_lookup_depth(f, p64) <= 2);
	p64[12] = 0;
	fib_info_get(f, &fi);
	CU_ASSERT(fi.groups_used <= 3);
	// The /48 goes: its bytes miss to the /32; the /32 goes: to nothing.
	CU_ASSERT_EQUAL(fib_del(f, p48, 48, 3, 32), 0);
	a[4] = 0x12;
	CU_ASSERT_EQUAL(fib_lookup(f, a), 3);
	CU_ASSERT_EQUAL(fib_lookup(f, h), 2);
	CU_ASSERT_EQUAL(fib_del(f, p32, 32, 0, 0), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, a), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, h), 2);
	CU_ASSERT_EQUAL(fib_lookup(f, p64), 4);
	CU_ASSERT_EQUAL(fib_check(f), 0);
	CU_ASSERT_EQUAL(fib_del(f, h, 128, 0, 0), 0);
	CU_ASSERT_EQUAL(fib_del(f, p64, 64, 0, 0), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, h), 0);
	fib_info_get(f, &fi);
	CU_ASSERT_EQUAL(fi.groups_used, 0);
	CU_ASSERT_EQUAL(fib_check(f), 0);
	fib_free(f);
}

// A /52 whose only trace is on a chain: 255 /56s with one next hop make the
// byte-6 group single-path around a /128, so the /52 ends inside the bytes a
// jump skips, in a byte whose low bits differ from the chain's. Adding and
// deleting it must reach the miss values below it.
static void
test_v6_prefix_in_skipped_byte(void)
{
	struct fib *f = fib_create(128, SOCKET_ID_ANY);
	uint8_t h[16] = {0x20, 0x01, 0x0d, 0xb8, 1, 2, 0x57, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	uint8_t p52[16] = {0x20, 0x01, 0x0d, 0xb8, 1, 2, 0x50}, k[256][16], lens[256], a[16];
	const uint8_t *kp[256];
	struct fib_info fi;
	unsigned int n = 0;

	CU_ASSERT_FATAL(f != NULL);
	for (unsigned int v = 0; v < 256; v++) {
		if (v == 0x57)
			continue;
		memcpy(k[n], h, 16);
		k[n][6] = (uint8_t)v;
		mask_key(k[n], 56);
		kp[n] = k[n];
		lens[n++] = 56;
	}
	kp[n] = h;
	lens[n++] = 128;
	CU_ASSERT_EQUAL_FATAL(fib_reserve(f, kp, lens, n), 0);
	for (unsigned int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(fib_add(f, kp[i], lens[i], lens[i] == 128 ? 2 : 7), 0);
	CU_ASSERT_EQUAL(add1(f, p52, 52, 5), 0);
	fib_info_get(f, &fi);
	CU_ASSERT_EQUAL(fi.groups_used, 1);
	CU_ASSERT_EQUAL(fib_check(f), 0);
	memcpy(a, h, 16);
	a[10] = 0xee; // on the chain through the /52, off the /128
	CU_ASSERT_EQUAL(fib_lookup(f, a), 5);
	CU_ASSERT_EQUAL(fib_lookup(f, h), 2);
	a[6] = 0x58;
	CU_ASSERT_EQUAL(fib_lookup(f, a), 7);
	a[6] = 0x57;
	CU_ASSERT_EQUAL(fib_del(f, p52, 52, 0, 0), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, a), 0);
	CU_ASSERT_EQUAL(fib_lookup(f, h), 2);
	CU_ASSERT_EQUAL(fib_check(f), 0);
	fib_free(f);
}

// --- random sequences against the reference ----------------------------------------

static uint32_t rng = 12345;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

enum gen_mode {
	GEN_CLUSTERED, // few first bytes: prefixes nest and share groups
	GEN_CHAINS,    // IPv6: prefixes of a few random host addresses, every length
	GEN_SPARSE,    // IPv6: random /48, /56, /64, /128 under one /8: long lone paths
};

// GEN_CHAINS: the host addresses the prefixes are cut from (probes too).
static uint8_t anchors[24][16];

static void
anchors_init(void)
{
	for (unsigned int a = 0; a < RTE_DIM(anchors); a++) {
		for (unsigned int b = 0; b < 16; b++)
			anchors[a][b] = (uint8_t)rnd();
		// Shared first bytes: the chains nest and fork at every depth.
		anchors[a][0] = 0x20;
		anchors[a][1] = (uint8_t)(a % 3);
		if (a % 4 != 0)
			anchors[a][6] = 0x55;
		if (a % 2 == 0)
			memcpy(anchors[a] + 8, anchors[0] + 8, 4);
	}
}

static void
rand_prefix_v6(enum gen_mode mode, uint8_t *k, unsigned int *len)
{
	if (mode == GEN_CHAINS) {
		static const unsigned int lens[] = {0,	3,   8,	  16,  24,  32,	 40,  44,
						    47, 48,  49,  52,  56,  64,	 65,  72,
						    96, 112, 120, 124, 127, 128, 128, 128};
		memcpy(k, anchors[rnd() % RTE_DIM(anchors)], 16);
		*len = lens[rnd() % RTE_DIM(lens)];
	} else {
		static const unsigned int lens[] = {16, 32, 48, 48, 48, 56, 64, 64, 128, 128};
		for (unsigned int b = 0; b < 16; b++)
			k[b] = (uint8_t)rnd();
		k[0] = 0x20;
		k[1] = (uint8_t)(rnd() % 4);
		*len = lens[rnd() % RTE_DIM(lens)];
	}
	mask_key(k, *len);
}

static void
rand_prefix(unsigned int key_bits, uint8_t *k, unsigned int *len)
{
	// Clustered: few first bytes so that prefixes nest and share groups.
	memset(k, 0, 16);
	for (unsigned int b = 0; b < key_bits / 8; b++)
		k[b] = (uint8_t)rnd();
	k[0] = (uint8_t)(rnd() % 4);
	k[1] = (uint8_t)(rnd() % 8);
	if (key_bits == 128) {
		static const unsigned int lens[] = {0,	8,  16, 20, 29,	 32,  33, 40,
						    44, 48, 56, 64, 100, 127, 128};
		*len = lens[rnd() % RTE_DIM(lens)];
	} else {
		static const unsigned int lens[] = {0,	6,  8,	13, 16, 20, 22,
						    24, 24, 24, 25, 28, 31, 32};
		*len = lens[rnd() % RTE_DIM(lens)];
	}
	mask_key(k, *len);
}

static void
check_against(const struct fib *f, const struct ref *rf, unsigned int n_probe, enum gen_mode mode)
{
	uint8_t addrs[64][16];
	uint32_t ip4[64], got[64], want[64];
	unsigned int bad = 0;

	for (unsigned int p = 0; p < n_probe; p += 64) {
		for (unsigned int i = 0; i < 64; i++) {
			// Half near a stored prefix, half anywhere in the clustered space.
			memset(addrs[i], 0, 16);
			for (unsigned int b = 0; b < 16; b++)
				addrs[i][b] = (uint8_t)rnd();
			if (mode == GEN_CHAINS && i % 4 != 0) {
				// On a chain, or leaving it at one byte, or below one.
				unsigned int j = rnd() % 16, how = rnd() % 4;
				memcpy(addrs[i], anchors[rnd() % RTE_DIM(anchors)], 16);
				if (how == 1)
					addrs[i][j] = (uint8_t)rnd();
				else if (how == 2)
					addrs[i][j] ^= (uint8_t)(1u << (rnd() % 8));
				else if (how == 3)
					for (unsigned int b = j; b < 16; b++)
						addrs[i][b] = (uint8_t)rnd();
			} else if (rf->n > 0 && (i & 1)) {
				const struct ref_route *r = &rf->r[rnd() % rf->n];
				for (unsigned int b = 0; b < 16; b++)
					if (b * 8 + 8 <= r->len)
						addrs[i][b] = r->key[b];
			} else {
				addrs[i][0] = (uint8_t)(rnd() % 4);
				addrs[i][1] = (uint8_t)(rnd() % 8);
			}
			ip4[i] = (uint32_t)addrs[i][0] << 24 | (uint32_t)addrs[i][1] << 16 |
				 (uint32_t)addrs[i][2] << 8 | addrs[i][3];
			want[i] = ref_lpm(rf, addrs[i], 129, NULL);
			if (fib_lookup(f, addrs[i]) != want[i])
				bad++;
		}
		if (rf->key_bits == 32)
			fib_lookup4_bulk(f, ip4, got, 64);
		else
			fib_lookup6_bulk(f, (const uint8_t(*)[16])addrs, got, 64);
		for (unsigned int i = 0; i < 64; i++)
			if (got[i] != want[i])
				bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(fib_check(f), 0);
}

static void
random_sequence(unsigned int key_bits, enum gen_mode mode)
{
	struct ref *rf = calloc(1, sizeof(*rf));
	struct fib *f = fib_create(key_bits, SOCKET_ID_ANY);
	unsigned int batches = 60;

	CU_ASSERT_FATAL(rf != NULL && f != NULL);
	rf->key_bits = key_bits;
	for (unsigned int b = 0; b < batches; b++) {
		// A batch: reserve for its adds, then apply adds and deletes mixed.
		uint8_t keys[200][16], lens[200];
		const uint8_t *kp[200];
		bool del[200];
		unsigned int n = 1 + rnd() % 200, n_add = 0;
		for (unsigned int i = 0; i < n; i++) {
			unsigned int len;
			// Chains: covering prefixes come and go from the start.
			del[i] = rf->n > 0 && b > (mode == GEN_CHAINS ? 3 : 30) && rnd() % 2 == 0;
			if (del[i]) {
				const struct ref_route *r = &rf->r[rnd() % rf->n];
				memcpy(keys[i], r->key, 16);
				len = r->len;
			} else {
				if (mode == GEN_CLUSTERED)
					rand_prefix(key_bits, keys[i], &len);
				else
					rand_prefix_v6(mode, keys[i], &len);
				kp[n_add] = keys[i];
			}
			lens[i] = (uint8_t)len;
			if (!del[i])
				n_add++;
		}
		uint8_t add_lens[200];
		for (unsigned int i = 0, j = 0; i < n; i++)
			if (!del[i])
				add_lens[j++] = lens[i];
		CU_ASSERT_EQUAL_FATAL(fib_reserve(f, kp, add_lens, n_add), 0);
		for (unsigned int i = 0; i < n; i++) {
			ssize_t at = ref_find(rf, keys[i], lens[i]);
			if (del[i]) {
				if (at < 0)
					continue; // deleted earlier in this batch
				rf->r[at] = rf->r[--rf->n];
				unsigned int plen;
				uint32_t pnh = ref_lpm(rf, keys[i], lens[i], &plen);
				CU_ASSERT_EQUAL(fib_del(f, keys[i], lens[i], pnh, plen), 0);
			} else {
				uint32_t nh = 1 + rnd() % 1000;
				CU_ASSERT_EQUAL(fib_add(f, keys[i], lens[i], nh), 0);
				if (at < 0) {
					at = (ssize_t)rf->n++;
					memcpy(rf->r[at].key, keys[i], 16);
					rf->r[at].len = lens[i];
				}
				rf->r[at].nh = nh;
			}
		}
		check_against(f, rf, 256, mode);
	}
	// Empty it: every group must come back.
	while (rf->n > 0) {
		struct ref_route r = rf->r[--rf->n];
		unsigned int plen;
		uint32_t pnh = ref_lpm(rf, r.key, r.len, &plen);
		CU_ASSERT_EQUAL(fib_del(f, r.key, r.len, pnh, plen), 0);
	}
	struct fib_info fi;
	fib_info_get(f, &fi);
	CU_ASSERT_EQUAL(fi.groups_used, 0);
	check_against(f, rf, 256, mode);
	fib_free(f);
	free(rf);
}

static void
test_random_v4(void)
{
	random_sequence(32, GEN_CLUSTERED);
}

static void
test_random_v6(void)
{
	random_sequence(128, GEN_CLUSTERED);
}

static void
test_random_v6_chains(void)
{
	anchors_init();
	random_sequence(128, GEN_CHAINS);
}

static void
test_random_v6_sparse(void)
{
	random_sequence(128, GEN_SPARSE);
}

// A fresh table's first batch gets exactly the groups fib_reserve counted
// (above the minimum array): no slack hides a count that is too small,
// whichever bound (distinct paths, or two per add plus a path) decides.
static void
test_reserve_exact(void)
{
	static uint8_t keys[400][16];
	uint8_t lens[400];
	const uint8_t *kp[400];

	anchors_init();
	for (unsigned int round = 0; round < 300; round++) {
		// Small batches too: there the path an add holds while it runs counts.
		unsigned int key_bits = round % 5 == 4 ? 32 : 128,
			     n = round % 3 == 0 ? 9 + rnd() % 12 : 20 + rnd() % 380;
		enum gen_mode mode = round % 5 == 4 ? GEN_CLUSTERED
				     : round % 2    ? GEN_SPARSE
						    : GEN_CHAINS;
		struct fib *f = fib_create(key_bits, SOCKET_ID_ANY);
		unsigned int fails = 0, len;
		CU_ASSERT_FATAL(f != NULL);
		for (unsigned int i = 0; i < n; i++) {
			if (mode == GEN_CLUSTERED)
				rand_prefix(key_bits, keys[i], &len);
			else
				rand_prefix_v6(mode, keys[i], &len);
			lens[i] = (uint8_t)len;
			kp[i] = keys[i];
		}
		CU_ASSERT_EQUAL_FATAL(fib_reserve(f, kp, lens, n), 0);
		for (unsigned int i = 0; i < n; i++)
			fails += fib_add(f, kp[i], lens[i], 1 + i) != 0;
		CU_ASSERT_EQUAL(fails, 0);
		CU_ASSERT_EQUAL(fib_check(f), 0);
		fib_free(f);
	}
}

// Many /24 in distinct /16s: the root grows 8 -> 16 -> 24 and every
// lookup still matches across each growth.
static void
test_root_growth(void)
{
	struct fib *f = fib_create(32, SOCKET_ID_ANY);
	static uint8_t keys[20000][4];
	const uint8_t *kp[1000];
	uint8_t lens[1000];
	struct fib_info fi;
	unsigned int seen16 = 0, seen24 = 0;

	CU_ASSERT_FATAL(f != NULL);
	// Lone /32s and a /20 outside the /24s' first bytes: jumps from the root
	// that each growth shortens or turns into plain children.
	static const uint8_t lone[][4] = {
		{220, 1, 2, 3}, {220, 1, 9, 9}, {230, 4, 5, 6}, {240, 0, 0, 1}};
	for (unsigned int i = 0; i < RTE_DIM(lone); i++)
		CU_ASSERT_EQUAL(add1(f, lone[i], 32, 30000 + i), 0);
	CU_ASSERT_EQUAL(add1(f, v4((uint8_t[16]){0}, 230, 4, 16, 0), 20, 30010), 0);
	for (unsigned int i = 0; i < 20000; i++) {
		keys[i][0] = (uint8_t)(1 + i / 256 % 200);
		keys[i][1] = (uint8_t)(i % 256);
		keys[i][2] = (uint8_t)(i * 7);
		keys[i][3] = 0;
	}
	for (unsigned int b = 0; b < 20; b++) {
		for (unsigned int i = 0; i < 1000; i++) {
			kp[i] = keys[b * 1000 + i];
			lens[i] = 24;
		}
		CU_ASSERT_EQUAL_FATAL(fib_reserve(f, kp, lens, 1000), 0);
		for (unsigned int i = 0; i < 1000; i++)
			CU_ASSERT_EQUAL(fib_add(f, kp[i], 24, b * 1000 + i + 1), 0);
		fib_info_get(f, &fi);
		seen16 |= fi.root_bits == 16;
		seen24 |= fi.root_bits == 24;
		for (unsigned int i = 0; i < (b + 1) * 1000; i += 37) {
			uint8_t a[16] = {keys[i][0], keys[i][1], keys[i][2], 99};
			CU_ASSERT_EQUAL(fib_lookup(f, a), i + 1);
		}
		for (unsigned int i = 0; i < RTE_DIM(lone); i++) {
			uint8_t a[16] = {lone[i][0], lone[i][1], lone[i][2], lone[i][3]};
			uint32_t ip = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
				      (uint32_t)a[2] << 8 | a[3],
				 got;
			CU_ASSERT_EQUAL(fib_lookup(f, a), 30000 + i);
			fib_lookup4_bulk(f, &ip, &got, 1);
			CU_ASSERT_EQUAL(got, 30000 + i);
			a[3] ^= 1;
			CU_ASSERT_EQUAL(fib_lookup(f, a), 0);
		}
		CU_ASSERT_EQUAL(look4(f, 230, 4, 17, 1), 30010);
		CU_ASSERT_EQUAL(look4(f, 230, 4, 32, 1), 0);
		CU_ASSERT_EQUAL(fib_check(f), 0);
	}
	// One more reserve after the last batch applies the pending growth.
	CU_ASSERT_EQUAL(fib_reserve(f, kp, lens, 0), 0);
	CU_ASSERT_EQUAL(fib_add(f, keys[0], 24, 1), 0);
	fib_info_get(f, &fi);
	seen24 |= fi.root_bits == 24;
	CU_ASSERT(seen16);
	CU_ASSERT(seen24);
	// At root 24 a /24 needs no group at all (the lone /32s: one each).
	CU_ASSERT_EQUAL(fi.groups_used, 4);
	CU_ASSERT_EQUAL(fib_check(f), 0);
	CU_ASSERT_EQUAL(look4(f, 220, 1, 2, 3), 30000);
	uint8_t a[16] = {keys[19999][0], keys[19999][1], keys[19999][2], 1};
	CU_ASSERT_EQUAL(fib_lookup(f, a), 20000);
	fib_free(f);
}

// IPv6 host routes spread under 2000::/8 and 2001:db8::/32 until the root
// grows to 16 bits: jumps from the root and from the first group must come
// through it, and the table empties back to no group.
static void
test_v6_root_growth(void)
{
	struct ref *rf = calloc(1, sizeof(*rf));
	struct fib *f = fib_create(128, SOCKET_ID_ANY);
	uint8_t keys[100][16], lens[100];
	const uint8_t *kp[100];
	struct fib_info fi;
	bool grew = false;

	CU_ASSERT_FATAL(rf != NULL && f != NULL);
	rf->key_bits = 128;
	for (unsigned int b = 0; b < 8; b++) {
		for (unsigned int i = 0; i < 100; i++) {
			for (unsigned int j = 0; j < 16; j++)
				keys[i][j] = (uint8_t)rnd();
			keys[i][0] = 0x20;
			if (i % 3 == 0)
				memcpy(keys[i], (uint8_t[]){0x20, 0x01, 0x0d, 0xb8}, 4);
			lens[i] = i % 10 == 0 ? 32 : i % 10 == 1 ? 48 : 128;
			mask_key(keys[i], lens[i]);
			kp[i] = keys[i];
		}
		CU_ASSERT_EQUAL_FATAL(fib_reserve(f, kp, lens, 100), 0);
		for (unsigned int i = 0; i < 100; i++) {
			if (ref_find(rf, keys[i], lens[i]) >= 0)
				continue;
			CU_ASSERT_EQUAL(fib_add(f, keys[i], lens[i], b * 100 + i + 1), 0);
			memcpy(rf->r[rf->n].key, keys[i], 16);
			rf->r[rf->n].len = lens[i];
			rf->r[rf->n++].nh = b * 100 + i + 1;
		}
		fib_info_get(f, &fi);
		grew |= fi.root_bits == 16;
		check_against(f, rf, 256, GEN_CLUSTERED);
		for (size_t i = 0; i < rf->n; i += 7) {
			uint8_t a[16];
			memcpy(a, rf->r[i].key, 16);
			if (rf->r[i].len == 128)
				CU_ASSERT_EQUAL(fib_lookup(f, a), rf->r[i].nh);
		}
	}
	CU_ASSERT(grew);
	while (rf->n > 0) {
		struct ref_route r = rf->r[--rf->n];
		unsigned int plen;
		uint32_t pnh = ref_lpm(rf, r.key, r.len, &plen);
		CU_ASSERT_EQUAL(fib_del(f, r.key, r.len, pnh, plen), 0);
	}
	fib_info_get(f, &fi);
	CU_ASSERT_EQUAL(fi.groups_used, 0);
	CU_ASSERT_EQUAL(fib_check(f), 0);
	fib_free(f);
	free(rf);
}

int
main(void)
{
	char *argv[] = {"test_fib", "--no-huge",   "--no-pci",	     "-m",
			"512",	    "--no-shconf", "--no-telemetry", "--log-level=lib.eal:error",
			NULL};

	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("fib", NULL, NULL);
	CU_add_test(s, "IPv4 nested prefixes, replace, delete to parent", test_v4_nested);
	CU_add_test(s, "adds without a reservation are refused", test_unreserved_is_refused);
	CU_add_test(s, "IPv6 basics", test_v6_basic);
	CU_add_test(s, "IPv4 random batches vs reference", test_random_v4);
	CU_add_test(s, "IPv6 random batches vs reference", test_random_v6);
	CU_add_test(s, "IPv6 chains: host routes, covering prefixes come and go",
		    test_random_v6_chains);
	CU_add_test(s, "IPv6 sparse /48 /64 /128 vs reference", test_random_v6_sparse);
	CU_add_test(s, "IPv6 lone /128 under a /48: one group, one read", test_v6_depth);
	CU_add_test(s, "IPv6 prefix ending in a skipped byte", test_v6_prefix_in_skipped_byte);
	CU_add_test(s, "a first batch fits its exact reservation", test_reserve_exact);
	CU_add_test(s, "root grows 8 -> 16 -> 24", test_root_growth);
	CU_add_test(s, "IPv6 root grows with jumps present", test_v6_root_growth);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned int failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	rte_eal_cleanup();
	return failed ? 1 : 0;
}
