// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "fib.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

// Entry: bit 31 set = child group index in bits 0-30; else a leaf with the
// prefix length in bits 23-30 and the next-hop id in bits 0-22 (0 = miss).
// Keeping the length in the entry is what lets an update tell its own
// expansion from a longer prefix's without a second structure.
#define E_CHILD 0x80000000u
#define E_DEPTH_SHIFT 23
#define E_NH_MASK FIB_NH_MAX
#define GRP_BITS 8
#define GRP_SIZE (1u << GRP_BITS)
#define GRP_NONE UINT32_MAX

// Root sizes: start at 1 KiB; grow to 256 KiB once the groups weigh as much,
// to 64 MiB once they weigh a quarter of it (IPv4: a full table's /24s then
// need no group at all; IPv6 waits longer, its prefixes mostly end below the
// third byte anyway).
#define ROOT_MIN_BITS 8
#define GROW_TO_16_GROUPS 256u
#define GROW_TO_24_GROUPS_V4 16384u
#define GROW_TO_24_GROUPS_V6 65536u
#define GROUPS_MIN_CAP 16u

struct fib {
	uint32_t *root; // 1 << root_bits entries
	uint32_t *groups; // groups_cap * GRP_SIZE entries
	unsigned int key_bits;
	unsigned int root_bits;
	uint32_t groups_cap;
	uint32_t groups_hw; // groups [0, hw) have been handed out at least once
	uint32_t groups_used;
	uint32_t free_head; // freed groups, linked through their entry 0
	int socket;
	// Reservation, taken into use by the next update (fib_reserve).
	uint32_t *pend_groups;
	uint32_t pend_cap;
	uint32_t *pend_root;
	unsigned int pend_root_bits;
};

static inline uint32_t
leaf(unsigned int len, uint32_t nh)
{
	return nh == 0 ? 0 : (uint32_t)len << E_DEPTH_SHIFT | nh;
}

static inline unsigned int
leaf_depth(uint32_t e)
{
	return e >> E_DEPTH_SHIFT;
}

static inline uint32_t *
group_at(const struct fib *f, uint32_t e)
{
	return &f->groups[(size_t)(e & ~E_CHILD) << GRP_BITS];
}

static inline uint32_t
root_index(unsigned int root_bits, const uint8_t *k)
{
	uint32_t v = (uint32_t)k[0] << 16 | (uint32_t)k[1] << 8 | k[2];
	return v >> (24 - root_bits);
}

static void *
table_alloc(size_t bytes, int socket)
{
	return rte_malloc_socket("fib", bytes, RTE_CACHE_LINE_SIZE, socket);
}

struct fib *
fib_create(unsigned int key_bits, int socket)
{
	struct fib *f;

	if (key_bits != 32 && key_bits != 128) {
		errno = EINVAL;
		return NULL;
	}
	f = rte_zmalloc_socket("fib", sizeof(*f), RTE_CACHE_LINE_SIZE, socket);
	if (f == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	f->key_bits = key_bits;
	f->root_bits = ROOT_MIN_BITS;
	f->socket = socket;
	f->free_head = GRP_NONE;
	f->root = rte_zmalloc_socket("fib", sizeof(uint32_t) << ROOT_MIN_BITS,
				     RTE_CACHE_LINE_SIZE, socket);
	if (f->root == NULL) {
		rte_free(f);
		errno = ENOMEM;
		return NULL;
	}
	return f;
}

void
fib_reserve_cancel(struct fib *f)
{
	rte_free(f->pend_groups);
	rte_free(f->pend_root);
	f->pend_groups = NULL;
	f->pend_root = NULL;
	f->pend_cap = 0;
	f->pend_root_bits = 0;
}

void
fib_free(struct fib *f)
{
	if (f == NULL)
		return;
	fib_reserve_cancel(f);
	rte_free(f->root);
	rte_free(f->groups);
	rte_free(f);
}

// --- groups ----------------------------------------------------------------------

// A group filled with the entry it replaces; GRP_NONE when the reservation
// has run out (only a missing fib_reserve does that).
static uint32_t
group_new(struct fib *f, uint32_t fill)
{
	uint32_t g;

	if (f->free_head != GRP_NONE) {
		g = f->free_head;
		f->free_head = f->groups[(size_t)g << GRP_BITS];
	} else if (f->groups_hw < f->groups_cap) {
		g = f->groups_hw++;
	} else {
		return GRP_NONE;
	}
	uint32_t *grp = &f->groups[(size_t)g << GRP_BITS];
	for (unsigned int i = 0; i < GRP_SIZE; i++)
		grp[i] = fill;
	f->groups_used++;
	return g;
}

static void
group_release(struct fib *f, uint32_t e)
{
	uint32_t g = e & ~E_CHILD;

	f->groups[(size_t)g << GRP_BITS] = f->free_head;
	f->free_head = g;
	f->groups_used--;
}

// A child group whose 256 entries are the same leaf is folded back into *e.
static bool
group_try_merge(struct fib *f, uint32_t *e)
{
	const uint32_t *grp = group_at(f, *e);
	uint32_t first = grp[0];

	if (first & E_CHILD)
		return false;
	for (unsigned int i = 1; i < GRP_SIZE; i++)
		if (grp[i] != first)
			return false;
	group_release(f, *e);
	*e = first;
	return true;
}

// Free a group and the `levels - 1` levels of groups below it.
static void
group_release_levels(struct fib *f, uint32_t e, unsigned int levels)
{
	if (levels > 1) {
		const uint32_t *grp = group_at(f, e);
		for (unsigned int i = 0; i < GRP_SIZE; i++)
			if (grp[i] & E_CHILD)
				group_release_levels(f, grp[i], levels - 1);
	}
	group_release(f, e);
}

// --- reservation -----------------------------------------------------------------

// A group that an add would create, named by the address bits above it.
struct missing_group {
	uint8_t path[16]; // key bits [0, pos), the rest zero
	uint8_t pos;
};

static int
missing_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct missing_group));
}

// The groups one more prefix would create: the levels its path lacks today,
// appended to out (at most 15).
static unsigned int
groups_missing(const struct fib *f, const uint8_t *key, unsigned int len,
	       struct missing_group *out)
{
	unsigned int levels, have = 0, pos = f->root_bits;
	uint32_t e;

	if (len <= f->root_bits)
		return 0;
	levels = (len - f->root_bits + GRP_BITS - 1) / GRP_BITS;
	e = f->root[root_index(f->root_bits, key)];
	while (have < levels && (e & E_CHILD)) {
		have++;
		if (have == levels)
			break;
		e = group_at(f, e)[key[pos / 8]];
		pos += GRP_BITS;
	}
	for (unsigned int l = have; l < levels; l++) {
		unsigned int bits = f->root_bits + l * GRP_BITS;
		struct missing_group *m = &out[l - have];
		memset(m, 0, sizeof(*m));
		memcpy(m->path, key, bits / 8);
		m->pos = (uint8_t)bits;
	}
	return levels - have;
}

// Distinct groups a batch of adds would create: prefixes of one batch share
// most of their paths, and counting each path once keeps the reservation
// close to what is used (both sides of 1,000 small VRFs must fit).
static int64_t
groups_needed(const struct fib *f, const uint8_t *const *keys, const uint8_t *lens, unsigned int n)
{
	struct missing_group *v;
	size_t k = 0, uniq = 0;

	if (n == 0)
		return 0;
	v = malloc((size_t)n * 15 * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++)
		k += groups_missing(f, keys[i], lens[i], &v[k]);
	qsort(v, k, sizeof(*v), missing_cmp);
	for (size_t i = 0; i < k; i++)
		if (i == 0 || missing_cmp(&v[i], &v[i - 1]) != 0)
			uniq++;
	free(v);
	return (int64_t)uniq;
}

static unsigned int
root_bits_wanted(const struct fib *f)
{
	unsigned int bits = f->root_bits;

	if (bits == 8 && f->groups_used >= GROW_TO_16_GROUPS)
		bits = 16;
	if (bits == 16 &&
	    f->groups_used >= (f->key_bits == 32 ? GROW_TO_24_GROUPS_V4 : GROW_TO_24_GROUPS_V6))
		bits = 24;
	return bits;
}

int
fib_reserve(struct fib *f, const uint8_t *const *keys, const uint8_t *lens, unsigned int n)
{
	uint64_t need, avail;
	int64_t counted;
	unsigned int bits;

	fib_reserve_cancel(f);
	counted = groups_needed(f, keys, lens, n);
	if (counted < 0)
		return -ENOMEM;
	need = (uint64_t)counted;
	avail = (uint64_t)(f->groups_cap - f->groups_hw) + (f->groups_used < f->groups_hw
								  ? f->groups_hw - f->groups_used
								  : 0);
	if (need > avail) {
		uint64_t cap = (uint64_t)f->groups_cap * 2;
		if (cap < f->groups_hw + need)
			cap = f->groups_hw + need;
		if (cap < GROUPS_MIN_CAP)
			cap = GROUPS_MIN_CAP;
		if (cap > (E_CHILD >> 1)) // group ids must stay below bit 31 after << 8 math
			return -ENOMEM;
		f->pend_groups = table_alloc(cap * GRP_SIZE * sizeof(uint32_t), f->socket);
		if (f->pend_groups == NULL)
			return -ENOMEM;
		f->pend_cap = (uint32_t)cap;
	}
	bits = root_bits_wanted(f);
	if (bits != f->root_bits) {
		f->pend_root = table_alloc(sizeof(uint32_t) << bits, f->socket);
		if (f->pend_root == NULL) {
			fib_reserve_cancel(f);
			return -ENOMEM;
		}
		f->pend_root_bits = bits;
	}
	return 0;
}

// A bigger root: each new entry is what the old path read after the
// root's extra bits; the groups those levels used are freed.
static void
root_grow(struct fib *f)
{
	unsigned int old_bits = f->root_bits, new_bits = f->pend_root_bits;
	unsigned int extra = new_bits - old_bits, levels = extra / GRP_BITS;
	uint32_t *nr = f->pend_root, n = 1u << new_bits;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t e = f->root[i >> extra];
		for (unsigned int l = 1; l <= levels && (e & E_CHILD); l++)
			e = group_at(f, e)[(i >> ((levels - l) * GRP_BITS)) & (GRP_SIZE - 1)];
		nr[i] = e;
	}
	for (uint32_t i = 0; i < (1u << old_bits); i++)
		if (f->root[i] & E_CHILD)
			group_release_levels(f, f->root[i], levels);
	rte_free(f->root);
	f->root = nr;
	f->root_bits = new_bits;
	f->pend_root = NULL;
	f->pend_root_bits = 0;
}

// Take a reservation into use: only on a table no reader sees.
static void
reservation_adopt(struct fib *f)
{
	if (f->pend_groups != NULL) {
		if (f->groups_hw > 0)
			memcpy(f->pend_groups, f->groups,
			       (size_t)f->groups_hw * GRP_SIZE * sizeof(uint32_t));
		rte_free(f->groups);
		f->groups = f->pend_groups;
		f->groups_cap = f->pend_cap;
		f->pend_groups = NULL;
		f->pend_cap = 0;
	}
	if (f->pend_root != NULL)
		root_grow(f);
}

// --- updates ---------------------------------------------------------------------

// Expand a prefix of length len into *e and, through children, every entry
// below it that no longer prefix set.
static void
expand(struct fib *f, uint32_t *e, unsigned int len, uint32_t val)
{
	if (*e & E_CHILD) {
		uint32_t *grp = group_at(f, *e);
		for (unsigned int i = 0; i < GRP_SIZE; i++)
			expand(f, &grp[i], len, val);
	} else if (leaf_depth(*e) <= len) {
		*e = val;
	}
}

// Give back what a prefix of length len set to its parent's value, merging
// groups that become uniform.
static void
unexpand(struct fib *f, uint32_t *e, unsigned int len, uint32_t val)
{
	if (*e & E_CHILD) {
		uint32_t *grp = group_at(f, *e);
		for (unsigned int i = 0; i < GRP_SIZE; i++)
			unexpand(f, &grp[i], len, val);
		group_try_merge(f, e);
	} else if (leaf_depth(*e) == len && (*e & E_NH_MASK) != 0) {
		*e = val;
	}
}

typedef void (*range_fn)(struct fib *f, uint32_t *e, unsigned int len, uint32_t val);

// The entries of `tbl` (indexed by `bits` bits, the prefix's first ones in
// idx) that key/len covers.
static void
range_apply(struct fib *f, uint32_t *tbl, uint32_t idx, unsigned int bits, unsigned int len_here,
	    unsigned int len, uint32_t val, range_fn fn)
{
	uint32_t span = 1u << (bits - len_here);

	idx &= ~(span - 1);
	for (uint32_t i = 0; i < span; i++)
		fn(f, &tbl[idx + i], len, val);
}

static int
check_args(const struct fib *f, unsigned int len)
{
	return len <= f->key_bits ? 0 : -EINVAL;
}

int
fib_add(struct fib *f, const uint8_t *key, unsigned int len, uint32_t nh)
{
	uint32_t val = leaf(len, nh), *e;
	unsigned int pos;

	if (check_args(f, len) < 0 || nh == 0 || nh > FIB_NH_MAX)
		return -EINVAL;
	reservation_adopt(f);
	if (len <= f->root_bits) {
		range_apply(f, f->root, root_index(f->root_bits, key), f->root_bits, len, len, val,
			    expand);
		return 0;
	}
	e = &f->root[root_index(f->root_bits, key)];
	pos = f->root_bits;
	for (;;) {
		if (!(*e & E_CHILD)) {
			uint32_t g = group_new(f, *e);
			if (g == GRP_NONE)
				return -ENOSPC;
			*e = E_CHILD | g;
		}
		uint32_t *grp = group_at(f, *e);
		if (len <= pos + GRP_BITS) {
			range_apply(f, grp, key[pos / 8], GRP_BITS, len - pos, len, val, expand);
			return 0;
		}
		e = &grp[key[pos / 8]];
		pos += GRP_BITS;
	}
}

int
fib_del(struct fib *f, const uint8_t *key, unsigned int len, uint32_t parent_nh,
	unsigned int parent_len)
{
	uint32_t val = leaf(parent_len, parent_nh), *e, *path[16];
	unsigned int pos, n = 0;

	if (check_args(f, len) < 0 || parent_len >= (len ? len : 1) || parent_nh > FIB_NH_MAX)
		return -EINVAL;
	reservation_adopt(f);
	if (len <= f->root_bits) {
		range_apply(f, f->root, root_index(f->root_bits, key), f->root_bits, len, len, val,
			    unexpand);
		return 0;
	}
	e = &f->root[root_index(f->root_bits, key)];
	pos = f->root_bits;
	for (;;) {
		if (!(*e & E_CHILD))
			return 0; // no group on the way: nothing this long is here
		path[n++] = e;
		uint32_t *grp = group_at(f, *e);
		if (len <= pos + GRP_BITS) {
			range_apply(f, grp, key[pos / 8], GRP_BITS, len - pos, len, val, unexpand);
			break;
		}
		e = &grp[key[pos / 8]];
		pos += GRP_BITS;
	}
	// Groups on the way that became uniform, deepest first.
	while (n > 0 && group_try_merge(f, path[n - 1]))
		n--;
	return 0;
}

// --- lookups ---------------------------------------------------------------------

uint32_t
fib_lookup(const struct fib *f, const uint8_t *key)
{
	uint32_t e = f->root[root_index(f->root_bits, key)];
	unsigned int pos = f->root_bits;

	while (e & E_CHILD) {
		e = group_at(f, e)[key[pos / 8]];
		pos += GRP_BITS;
	}
	return e & E_NH_MASK;
}

#define BULK_MAX 64

// The root level across the whole vector first, every load prefetched before
// the first is read: in a big table that is where the cache misses are (an
// IPv4 /24 ends there at root 24). Then each packet walks its remaining
// groups alone, a tight dependent loop that small, cached tables favour.
void
fib_lookup4_bulk(const struct fib *f, const uint32_t *ip, uint32_t *nh, unsigned int n)
{
	const uint32_t *root = f->root, *groups = f->groups;
	unsigned int sh0 = 32 - f->root_bits;

	for (unsigned int i = 0; i < n; i++)
		rte_prefetch0(&root[ip[i] >> sh0]);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t e = root[ip[i] >> sh0];
		unsigned int sh = sh0;
		while (unlikely(e & E_CHILD)) {
			sh -= GRP_BITS;
			e = groups[((size_t)(e & ~E_CHILD) << GRP_BITS) | ((ip[i] >> sh) & (GRP_SIZE - 1))];
		}
		nh[i] = e & E_NH_MASK;
	}
}

void
fib_lookup6_bulk(const struct fib *f, const uint8_t (*ip)[16], uint32_t *nh, unsigned int n)
{
	const uint32_t *root = f->root, *groups = f->groups;
	unsigned int rb = f->root_bits, byte0 = rb / 8;
	uint32_t idx[BULK_MAX];

	while (n > BULK_MAX) {
		fib_lookup6_bulk(f, ip, nh, BULK_MAX);
		ip += BULK_MAX;
		nh += BULK_MAX;
		n -= BULK_MAX;
	}
	for (unsigned int i = 0; i < n; i++) {
		idx[i] = root_index(rb, ip[i]);
		rte_prefetch0(&root[idx[i]]);
	}
	for (unsigned int i = 0; i < n; i++) {
		uint32_t e = root[idx[i]];
		const uint8_t *k = ip[i] + byte0;
		while (e & E_CHILD)
			e = groups[((size_t)(e & ~E_CHILD) << GRP_BITS) | *k++];
		nh[i] = e & E_NH_MASK;
	}
}

void
fib_info_get(const struct fib *f, struct fib_info *out)
{
	out->key_bits = f->key_bits;
	out->root_bits = f->root_bits;
	out->groups_used = f->groups_used;
	out->groups_cap = f->groups_cap;
	out->bytes = (sizeof(uint32_t) << f->root_bits) +
		     (size_t)f->groups_cap * GRP_SIZE * sizeof(uint32_t) +
		     (size_t)f->pend_cap * GRP_SIZE * sizeof(uint32_t) +
		     (f->pend_root ? sizeof(uint32_t) << f->pend_root_bits : 0) + sizeof(*f);
}
