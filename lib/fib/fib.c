// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "fib.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

// Entry: bit 31 set = child group index in bits 0-29, bit 30 set when the
// child is a jump (see below); else a leaf with the prefix length in bits
// 23-30 and the next-hop id in bits 0-22 (0 = miss). Keeping the length in
// the entry is what lets an update tell its own expansion from a longer
// prefix's without a second structure.
//
// Path compression: a group whose 256 entries are one child and 255 copies
// of one leaf ("single path") is not kept. The entry above it points
// straight at the group where such a chain ends, with the jump bit; that
// group's header holds the key bytes above it (the skipped ones among them)
// and, per skipped byte, the leaf the skipped group held everywhere but on
// the path (its miss value). A lookup compares the skipped bytes in one
// masked 8- or 16-byte compare and either goes on at the deeper group or
// returns the miss value of the first byte that differs. Updates rebuild
// the skipped groups they walk into (materialize) and compress again when
// done; expand()/unexpand() change the miss values of jumps they cross.
#define E_CHILD 0x80000000u
#define E_JUMP 0x40000000u
#define E_IDX 0x3fffffffu
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

// Per group: where it sits (key bytes [0, to) lead to it; it indexes byte
// `to`) and, when a jump points at it, the skipped bytes [from, to).
struct ghdr {
	uint64_t path[2]; // key bytes, byte i at bits 8 * (i % 8) of path[i / 8]
	uint64_t mask[2]; // bytes [0, to)
	uint8_t from;
	uint8_t to;
	uint32_t miss[16]; // by key byte; meaningful for [from, to)
};

struct fib {
	uint32_t *root;	  // 1 << root_bits entries
	uint32_t *groups; // groups_cap * GRP_SIZE entries
	struct ghdr *hdr; // groups_cap headers
	unsigned int key_bits;
	unsigned int root_bits;
	uint32_t groups_cap;
	uint32_t groups_hw; // groups [0, hw) have been handed out at least once
	uint32_t groups_used;
	uint32_t free_head; // freed groups, linked through their entry 0
	int socket;
	// Reservation, taken into use by the next update (fib_reserve).
	uint32_t *pend_groups;
	struct ghdr *pend_hdr;
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
	return &f->groups[(size_t)(e & E_IDX) << GRP_BITS];
}

static inline struct ghdr *
hdr_at(const struct fib *f, uint32_t e)
{
	return &f->hdr[e & E_IDX];
}

static inline uint32_t
root_index(unsigned int root_bits, const uint8_t *k)
{
	uint32_t v = (uint32_t)k[0] << 16 | (uint32_t)k[1] << 8 | k[2];
	return v >> (24 - root_bits);
}

static inline uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return rte_le_to_cpu_64(v);
}

static inline uint8_t
hdr_byte(const struct ghdr *h, unsigned int i)
{
	return (uint8_t)(h->path[i / 8] >> (8 * (i % 8)));
}

// Key bytes [0, to) of k as the group's path.
static void
hdr_set(struct ghdr *h, const uint8_t *k, unsigned int to)
{
	uint8_t b[16] = {0};

	memcpy(b, k, to);
	h->path[0] = load_le64(b);
	h->path[1] = load_le64(b + 8);
	h->mask[0] = to >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * to)) - 1;
	h->mask[1] = to <= 8 ? 0 : to >= 16 ? UINT64_MAX : (UINT64_C(1) << (8 * (to - 8))) - 1;
	h->from = h->to = (uint8_t)to;
}

static void
hdr_path_bytes(const struct ghdr *h, uint8_t *k)
{
	for (unsigned int i = 0; i < 16; i++)
		k[i] = hdr_byte(h, i);
}

// The first byte in [0, to) where a key (lo, hi as path[]) leaves the
// group's path; 16 when it does not.
static inline unsigned int
hdr_diff(const struct ghdr *h, uint64_t lo, uint64_t hi)
{
	uint64_t x0 = (lo ^ h->path[0]) & h->mask[0];
	uint64_t x1 = (hi ^ h->path[1]) & h->mask[1];

	if (x0 != 0)
		return (unsigned int)__builtin_ctzll(x0) / 8;
	if (x1 != 0)
		return 8 + (unsigned int)__builtin_ctzll(x1) / 8;
	return 16;
}

static inline unsigned int
key_diff(const struct ghdr *h, const uint8_t *k, unsigned int key_bytes)
{
	uint8_t b[16] = {0};

	memcpy(b, k, key_bytes);
	return hdr_diff(h, load_le64(b), load_le64(b + 8));
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
	f->root = rte_zmalloc_socket("fib", sizeof(uint32_t) << ROOT_MIN_BITS, RTE_CACHE_LINE_SIZE,
				     socket);
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
	rte_free(f->pend_hdr);
	rte_free(f->pend_root);
	f->pend_groups = NULL;
	f->pend_hdr = NULL;
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
	rte_free(f->hdr);
	rte_free(f);
}

// --- groups ----------------------------------------------------------------------

// A group filled with the entry it replaces, at key bytes [0, to) of k;
// GRP_NONE when the reservation has run out (only a missing fib_reserve
// does that).
static uint32_t
group_new(struct fib *f, uint32_t fill, const uint8_t *k, unsigned int to)
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
	hdr_set(&f->hdr[g], k, to);
	f->groups_used++;
	return g;
}

static void
group_release(struct fib *f, uint32_t e)
{
	uint32_t g = e & E_IDX;

	f->groups[(size_t)g << GRP_BITS] = f->free_head;
	f->free_head = g;
	f->groups_used--;
}

// *e points at a group: fold it away when that changes nothing a lookup
// sees. Uniform (one leaf everywhere): the entry becomes that leaf, if the
// skipped groups of a jump to it held the same leaf (else it stays, one
// group either way). Single path: the entry jumps over it to its child.
static void
settle(struct fib *f, uint32_t *e)
{
	const uint32_t *grp = group_at(f, *e);
	struct ghdr *h = hdr_at(f, *e);
	unsigned int n_child = 0, at = 0;
	uint32_t other = GRP_NONE;

	for (unsigned int i = 0; i < GRP_SIZE; i++) {
		if (grp[i] & E_CHILD) {
			if (++n_child > 1)
				return;
			at = i;
		} else if (other == GRP_NONE) {
			other = grp[i];
		} else if (grp[i] != other) {
			return;
		}
	}
	if (n_child == 0) {
		if (*e & E_JUMP)
			for (unsigned int b = h->from; b < h->to; b++)
				if (h->miss[b] != other)
					return;
		group_release(f, *e);
		*e = other;
		return;
	}
	// Single path: the child takes over this group's skipped bytes.
	uint32_t c = grp[at];
	struct ghdr *ch = hdr_at(f, c);
	unsigned int from = (*e & E_JUMP) ? h->from : h->to;

	for (unsigned int b = from; b < h->to; b++)
		ch->miss[b] = h->miss[b];
	ch->miss[h->to] = other;
	ch->from = (uint8_t)from;
	group_release(f, *e);
	*e = E_CHILD | E_JUMP | (c & E_IDX);
}

// *e jumps to a group: rebuild the first skipped group (byte `from`) in
// front of it, so the entry points at a group one byte down.
static int
materialize(struct fib *f, uint32_t *e)
{
	struct ghdr *h = hdr_at(f, *e);
	unsigned int d = h->from;
	uint8_t path[16];

	hdr_path_bytes(h, path);
	uint32_t g = group_new(f, h->miss[d], path, d);
	if (g == GRP_NONE)
		return -ENOSPC;
	h->from = (uint8_t)(d + 1);
	f->groups[((size_t)g << GRP_BITS) | path[d]] =
		E_CHILD | (h->from < h->to ? E_JUMP : 0) | (*e & E_IDX);
	*e = E_CHILD | g;
	return 0;
}

// Free the groups at bytes below `below` reachable from e.
static void
group_release_above(struct fib *f, uint32_t e, unsigned int below)
{
	if (!(e & E_CHILD) || hdr_at(f, e)->to >= below)
		return;
	const uint32_t *grp = group_at(f, e);
	for (unsigned int i = 0; i < GRP_SIZE; i++)
		group_release_above(f, grp[i], below);
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

// The groups one more prefix would create: the levels its path lacks today
// (skipped by a jump, or below where the path ends), appended to out (at
// most 15).
static unsigned int
groups_missing(const struct fib *f, const uint8_t *key, unsigned int len, struct missing_group *out)
{
	unsigned int b0 = f->root_bits / 8, levels, n = 0, d;
	bool have[16] = {false};
	uint32_t e;

	if (len <= f->root_bits)
		return 0;
	levels = (len - f->root_bits + GRP_BITS - 1) / GRP_BITS;
	e = f->root[root_index(f->root_bits, key)];
	d = b0;
	while (d < b0 + levels && (e & E_CHILD)) {
		if (e & E_JUMP) {
			const struct ghdr *h = hdr_at(f, e);
			if (key_diff(h, key, f->key_bits / 8) < h->to)
				break; // the key leaves the chain: nothing below
			d = h->to;
			if (d >= b0 + levels)
				break;
		}
		have[d - b0] = true;
		e = group_at(f, e)[key[d]];
		d++;
	}
	for (unsigned int l = 0; l < levels; l++) {
		if (have[l])
			continue;
		unsigned int bits = f->root_bits + l * GRP_BITS;
		struct missing_group *m = &out[n++];
		memset(m, 0, sizeof(*m));
		memcpy(m->path, key, bits / 8);
		m->pos = (uint8_t)bits;
	}
	return n;
}

// Groups a batch of adds may need on top of today's, the smaller of two
// bounds that hold however adds, deletes, rebuilt jumps and compression
// interleave:
// - the distinct groups their paths lack today: an update only creates
//   groups on its own key's path, so the groups alive during the batch are
//   among those alive now and those counted (prefixes of one batch share
//   most of their paths: both sides of 1,000 small VRFs must fit);
// - two per add, plus one path: once compressed, an add leaves at most the
//   group where it forks off a jump and the group its range is in (every
//   other group it built is single-path), and holds one path's worth while
//   it runs; deletes never take a group.
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
	size_t per_add = 2 * (size_t)n + (f->key_bits - f->root_bits) / GRP_BITS;
	return (int64_t)(uniq < per_add ? uniq : per_add);
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
	avail = (uint64_t)(f->groups_cap - f->groups_hw) +
		(f->groups_used < f->groups_hw ? f->groups_hw - f->groups_used : 0);
	if (need > avail) {
		uint64_t cap = (uint64_t)f->groups_cap * 2;
		if (cap < f->groups_hw + need)
			cap = f->groups_hw + need;
		if (cap < GROUPS_MIN_CAP)
			cap = GROUPS_MIN_CAP;
		if (cap > E_IDX) // group ids must fit an entry
			return -ENOMEM;
		f->pend_groups = table_alloc(cap * GRP_SIZE * sizeof(uint32_t), f->socket);
		f->pend_hdr = table_alloc(cap * sizeof(struct ghdr), f->socket);
		if (f->pend_groups == NULL || f->pend_hdr == NULL) {
			fib_reserve_cancel(f);
			return -ENOMEM;
		}
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

// A bigger root: each new entry is what the old path read after the root's
// extra bits (a jump that went deeper stays a jump, with fewer skipped
// bytes); the groups those bytes used are freed.
static void
root_grow(struct fib *f)
{
	unsigned int old_bits = f->root_bits, new_bits = f->pend_root_bits;
	unsigned int extra = new_bits - old_bits, nb = new_bits / 8;
	uint32_t *nr = f->pend_root, n = 1u << new_bits;

	for (uint32_t i = 0; i < n; i++) {
		uint8_t k[16] = {0};
		uint32_t e = f->root[i >> extra];
		unsigned int d = old_bits / 8;
		for (unsigned int j = 0; j < nb; j++)
			k[j] = (uint8_t)(i >> (new_bits - 8 * (j + 1)));
		while (d < nb && (e & E_CHILD)) {
			if (e & E_JUMP) {
				struct ghdr *h = hdr_at(f, e);
				unsigned int at = key_diff(h, k, nb);
				if (at < nb && at < h->to) {
					e = h->miss[at];
					break;
				}
				if (h->to >= nb) {
					h->from = (uint8_t)nb;
					if (h->to == nb)
						e &= ~E_JUMP;
					break;
				}
				d = h->to;
			}
			e = group_at(f, e)[k[d]];
			d++;
		}
		nr[i] = e;
	}
	for (uint32_t i = 0; i < (1u << old_bits); i++)
		group_release_above(f, f->root[i], nb);
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
		if (f->groups_hw > 0) {
			memcpy(f->pend_groups, f->groups,
			       (size_t)f->groups_hw * GRP_SIZE * sizeof(uint32_t));
			memcpy(f->pend_hdr, f->hdr, (size_t)f->groups_hw * sizeof(struct ghdr));
		}
		rte_free(f->groups);
		rte_free(f->hdr);
		f->groups = f->pend_groups;
		f->hdr = f->pend_hdr;
		f->groups_cap = f->pend_cap;
		f->pend_groups = NULL;
		f->pend_hdr = NULL;
		f->pend_cap = 0;
	}
	if (f->pend_root != NULL)
		root_grow(f);
}

// --- updates ---------------------------------------------------------------------

// Expand a prefix of length len into *e and, through children, every entry
// below it that no longer prefix set (the skipped groups of a jump too:
// their miss values).
static void
expand(struct fib *f, uint32_t *e, unsigned int len, uint32_t val)
{
	if (*e & E_CHILD) {
		uint32_t *grp = group_at(f, *e);
		if (*e & E_JUMP) {
			struct ghdr *h = hdr_at(f, *e);
			for (unsigned int b = h->from; b < h->to; b++)
				if (leaf_depth(h->miss[b]) <= len)
					h->miss[b] = val;
		}
		for (unsigned int i = 0; i < GRP_SIZE; i++)
			expand(f, &grp[i], len, val);
		settle(f, e);
	} else if (leaf_depth(*e) <= len) {
		*e = val;
	}
}

// Give back what a prefix of length len set to its parent's value, merging
// groups that become uniform and compressing those left single-path.
static void
unexpand(struct fib *f, uint32_t *e, unsigned int len, uint32_t val)
{
	if (*e & E_CHILD) {
		uint32_t *grp = group_at(f, *e);
		if (*e & E_JUMP) {
			struct ghdr *h = hdr_at(f, *e);
			for (unsigned int b = h->from; b < h->to; b++)
				if (leaf_depth(h->miss[b]) == len && (h->miss[b] & E_NH_MASK) != 0)
					h->miss[b] = val;
		}
		for (unsigned int i = 0; i < GRP_SIZE; i++)
			unexpand(f, &grp[i], len, val);
		settle(f, e);
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

// Whether key/len leaves the path of the group a jump leads to before that
// group: the first byte (from `from`) where it differs, or where the prefix
// ends inside the skipped bytes and its bits differ there; 16 when neither.
static unsigned int
jump_leave(const struct fib *f, const struct ghdr *h, const uint8_t *key, unsigned int len)
{
	unsigned int at = key_diff(h, key, f->key_bits / 8);
	unsigned int lb = (len - 1) / 8; // the byte the prefix ends in

	if (at < h->to && at < lb)
		return at;
	if (lb < h->to) {
		uint8_t m = (uint8_t)(0xff << (8 * lb + 8 - len));
		if (((key[lb] ^ hdr_byte(h, lb)) & m) != 0)
			return lb;
	}
	return 16;
}

// Compress the groups an update walked, deepest first.
static void
settle_path(struct fib *f, uint32_t **path, unsigned int n)
{
	while (n > 0) {
		uint32_t *e = path[--n];
		if (*e & E_CHILD)
			settle(f, e);
	}
}

int
fib_add(struct fib *f, const uint8_t *key, unsigned int len, uint32_t nh)
{
	uint32_t val = leaf(len, nh), *e, *path[16];
	unsigned int d, n = 0;
	int rc = 0;

	if (check_args(f, len) < 0 || nh == 0 || nh > FIB_NH_MAX)
		return -EINVAL;
	reservation_adopt(f);
	if (len <= f->root_bits) {
		range_apply(f, f->root, root_index(f->root_bits, key), f->root_bits, len, len, val,
			    expand);
		return 0;
	}
	e = &f->root[root_index(f->root_bits, key)];
	d = f->root_bits / 8; // the byte the group below e indexes
	for (;;) {
		if (!(*e & E_CHILD)) {
			uint32_t g = group_new(f, *e, key, d);
			if (g == GRP_NONE) {
				rc = -ENOSPC;
				break;
			}
			*e = E_CHILD | g;
		} else if (*e & E_JUMP) {
			const struct ghdr *h = hdr_at(f, *e);
			// Along the chain to its end: the skipped groups stay skipped.
			if (jump_leave(f, h, key, len) == 16 && (len - 1) / 8 >= h->to) {
				d = h->to;
			} else if (materialize(f, e) < 0) {
				rc = -ENOSPC;
				break;
			}
		}
		path[n++] = e;
		uint32_t *grp = group_at(f, *e);
		if (len <= 8 * d + GRP_BITS) {
			range_apply(f, grp, key[d], GRP_BITS, len - 8 * d, len, val, expand);
			break;
		}
		e = &grp[key[d]];
		d++;
	}
	settle_path(f, path, n);
	return rc;
}

int
fib_del(struct fib *f, const uint8_t *key, unsigned int len, uint32_t parent_nh,
	unsigned int parent_len)
{
	uint32_t val = leaf(parent_len, parent_nh), *e, *path[16];
	unsigned int d, n = 0;

	if (check_args(f, len) < 0 || parent_len >= (len ? len : 1) || parent_nh > FIB_NH_MAX)
		return -EINVAL;
	reservation_adopt(f);
	if (len <= f->root_bits) {
		range_apply(f, f->root, root_index(f->root_bits, key), f->root_bits, len, len, val,
			    unexpand);
		return 0;
	}
	e = &f->root[root_index(f->root_bits, key)];
	d = f->root_bits / 8;
	for (;;) {
		if (!(*e & E_CHILD))
			break; // no group on the way: nothing this long is here
		if (*e & E_JUMP) {
			struct ghdr *h = hdr_at(f, *e);
			unsigned int lb = (len - 1) / 8;
			if (jump_leave(f, h, key, len) != 16)
				break; // off the chain: only its miss values, shorter prefixes'
			if (lb < h->to) {
				// Ends in a skipped group and covers the chain: what lies
				// below it, without rebuilding anything (deletes take no
				// memory).
				for (unsigned int b = lb + 1; b < h->to; b++)
					if (leaf_depth(h->miss[b]) == len &&
					    (h->miss[b] & E_NH_MASK) != 0)
						h->miss[b] = val;
				uint32_t *grp = group_at(f, *e);
				for (unsigned int i = 0; i < GRP_SIZE; i++)
					unexpand(f, &grp[i], len, val);
				path[n++] = e;
				break;
			}
			d = h->to;
		}
		path[n++] = e;
		uint32_t *grp = group_at(f, *e);
		if (len <= 8 * d + GRP_BITS) {
			range_apply(f, grp, key[d], GRP_BITS, len - 8 * d, len, val, unexpand);
			break;
		}
		e = &grp[key[d]];
		d++;
	}
	settle_path(f, path, n);
	return 0;
}

// --- lookups ---------------------------------------------------------------------

// Follow the jump in *e: false with *e the miss value of the first skipped
// byte the key (lo, hi as ghdr.path) differs in; else true with *d the byte
// the group it leads to indexes.
static inline bool
jump(const struct ghdr *hdr, uint32_t *e, uint64_t lo, uint64_t hi, unsigned int *d)
{
	const struct ghdr *h = &hdr[*e & E_IDX];
	unsigned int at = hdr_diff(h, lo, hi);

	if (at < 16) {
		*e = h->miss[at];
		return false;
	}
	*d = h->to;
	return true;
}

uint32_t
fib_lookup(const struct fib *f, const uint8_t *key)
{
	const struct ghdr *hdr = f->hdr;
	uint32_t e = f->root[root_index(f->root_bits, key)];
	unsigned int d = f->root_bits / 8;
	uint8_t b[16] = {0};

	memcpy(b, key, f->key_bits / 8);
	while (e & E_CHILD) {
		if ((e & E_JUMP) && !jump(hdr, &e, load_le64(b), load_le64(b + 8), &d))
			break;
		e = group_at(f, e)[b[d++]];
	}
	return e & E_NH_MASK;
}

unsigned int
fib_lookup_depth(const struct fib *f, const uint8_t *key)
{
	uint32_t e = f->root[root_index(f->root_bits, key)];
	unsigned int d = f->root_bits / 8, loads = 0;
	uint8_t b[16] = {0};

	memcpy(b, key, f->key_bits / 8);
	while (e & E_CHILD) {
		if (e & E_JUMP) {
			const struct ghdr *h = hdr_at(f, e);
			if (hdr_diff(h, load_le64(b), load_le64(b + 8)) < 16)
				break;
			d = h->to;
		}
		e = group_at(f, e)[b[d++]];
		loads++;
	}
	return loads;
}

#define BULK_MAX 64

// The root level across the whole vector first, every load prefetched before
// the first is read: in a big table that is where the cache misses are (an
// IPv4 /24 ends there at root 24). Then each packet walks its remaining
// groups alone, a tight dependent loop that small, cached tables favour;
// jumps cost a header read and a compare instead of a group per byte.
void
fib_lookup4_bulk(const struct fib *f, const uint32_t *ip, uint32_t *nh, unsigned int n)
{
	const uint32_t *root = f->root, *groups = f->groups;
	const struct ghdr *hdr = f->hdr;
	unsigned int sh0 = 32 - f->root_bits;

	for (unsigned int i = 0; i < n; i++)
		rte_prefetch0(&root[ip[i] >> sh0]);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t a = ip[i], e = root[a >> sh0];
		unsigned int sh = sh0;
		while (unlikely(e & E_CHILD)) {
			if (unlikely(e & E_JUMP)) {
				const struct ghdr *h = &hdr[e & E_IDX];
				uint32_t x = (rte_bswap32(a) ^ (uint32_t)h->path[0]) &
					     (uint32_t)h->mask[0];
				if (x != 0) {
					e = h->miss[(unsigned int)__builtin_ctz(x) / 8];
					break;
				}
				sh = 32 - 8 * h->to;
			}
			sh -= GRP_BITS;
			e = groups[((size_t)(e & E_IDX) << GRP_BITS) |
				   ((a >> sh) & (GRP_SIZE - 1))];
		}
		nh[i] = e & E_NH_MASK;
	}
}

void
fib_lookup6_bulk(const struct fib *f, const uint8_t (*ip)[16], uint32_t *nh, unsigned int n)
{
	const uint32_t *root = f->root, *groups = f->groups;
	const struct ghdr *hdr = f->hdr;
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
		const uint8_t *k = ip[i];
		unsigned int d = byte0;
		while (e & E_CHILD) {
			if ((e & E_JUMP) && !jump(hdr, &e, load_le64(k), load_le64(k + 8), &d))
				break;
			e = groups[((size_t)(e & E_IDX) << GRP_BITS) | k[d++]];
		}
		nh[i] = e & E_NH_MASK;
	}
}

// One group and what hangs below it, reached with key bytes [0, known) =
// path: its header must name where it sits (a jump skipping [known, to)),
// no group below may be single-path. Counts groups.
static int
check_group(const struct fib *f, uint32_t e, const uint8_t *path, unsigned int known, uint64_t *n)
{
	const struct ghdr *h = hdr_at(f, e);
	const uint32_t *grp = group_at(f, e);
	unsigned int n_child = 0;
	uint32_t other = GRP_NONE;
	bool uniform = true;
	uint8_t k[16];

	unsigned int d = h->to;

	if ((e & E_IDX) >= f->groups_hw || h->from != known || ++*n > f->groups_used)
		return -1;
	if (((e & E_JUMP) != 0) != (h->from < h->to) || d >= f->key_bits / 8)
		return -2;
	hdr_path_bytes(h, k);
	if (memcmp(k, path, known) != 0)
		return -3;
	for (unsigned int i = 0; i < GRP_SIZE; i++) {
		if (grp[i] & E_CHILD) {
			int rc;
			n_child++;
			k[d] = (uint8_t)i;
			rc = check_group(f, grp[i], k, d + 1, n);
			if (rc < 0)
				return rc;
		} else if (other == GRP_NONE) {
			other = grp[i];
		} else if (grp[i] != other) {
			uniform = false;
		}
	}
	if (n_child == 1 && uniform)
		return -5; // single path left uncompressed
	return 0;
}

int
fib_check(const struct fib *f)
{
	unsigned int rb = f->root_bits, nb = rb / 8;
	uint64_t n = 0;

	for (uint32_t i = 0; i < (1u << rb); i++) {
		uint8_t k[16] = {0};
		int rc;
		if (!(f->root[i] & E_CHILD))
			continue;
		for (unsigned int j = 0; j < nb; j++)
			k[j] = (uint8_t)(i >> (rb - 8 * (j + 1)));
		rc = check_group(f, f->root[i], k, nb, &n);
		if (rc < 0)
			return rc;
	}
	return n == f->groups_used ? 0 : -6;
}

void
fib_info_get(const struct fib *f, struct fib_info *out)
{
	out->key_bits = f->key_bits;
	out->root_bits = f->root_bits;
	out->groups_used = f->groups_used;
	out->groups_cap = f->groups_cap;
	out->bytes = (sizeof(uint32_t) << f->root_bits) +
		     (size_t)f->groups_cap * (GRP_SIZE * sizeof(uint32_t) + sizeof(struct ghdr)) +
		     (size_t)f->pend_cap * (GRP_SIZE * sizeof(uint32_t) + sizeof(struct ghdr)) +
		     (f->pend_root ? sizeof(uint32_t) << f->pend_root_bits : 0) + sizeof(*f);
}
