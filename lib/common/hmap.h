// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// An intrusive chained hash map for the control side (routes, SIDs, next-hop
// interning). The caller embeds struct hmap_node in its objects, computes the
// hash and compares keys itself; the map never allocates per element.

#include <stddef.h>
#include <stdint.h>

struct hmap_node {
	struct hmap_node *next;
	uint32_t hash;
};

struct hmap {
	struct hmap_node **buckets;
	size_t n_buckets; // power of two
	size_t count;
};

#define hmap_entry(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

// 0 or -ENOMEM.
int hmap_init(struct hmap *m, size_t hint);
void hmap_free(struct hmap *m);
// Insert a node whose hash is set by the caller; grows the table (may fail silently: chains get longer).
void hmap_insert(struct hmap *m, struct hmap_node *n, uint32_t hash);
void hmap_remove(struct hmap *m, struct hmap_node *n);
// First node of the bucket chain for hash; walk with hmap_next_same() and compare keys.
struct hmap_node *hmap_first_hash(const struct hmap *m, uint32_t hash);
struct hmap_node *hmap_next_same(const struct hmap_node *n);

// Iteration over every node: for (n = hmap_iter_first(m, &b); n; n = hmap_iter_next(m, n, &b)).
// Removing the current node while iterating is not allowed; collect first.
struct hmap_node *hmap_iter_first(const struct hmap *m, size_t *bucket);
struct hmap_node *hmap_iter_next(const struct hmap *m, const struct hmap_node *n, size_t *bucket);

// FNV-1a over bytes, seeded; good enough for control-side keys.
uint32_t hmap_hash_bytes(const void *p, size_t len, uint32_t seed);
