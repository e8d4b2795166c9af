// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "hmap.h"

int
hmap_init(struct hmap *m, size_t hint)
{
	size_t n = 16;

	while (n < hint)
		n <<= 1;
	m->buckets = calloc(n, sizeof(*m->buckets));
	if (m->buckets == NULL)
		return -ENOMEM;
	m->n_buckets = n;
	m->count = 0;
	return 0;
}

void
hmap_free(struct hmap *m)
{
	free(m->buckets);
	m->buckets = NULL;
	m->n_buckets = 0;
	m->count = 0;
}

static void
hmap_grow(struct hmap *m)
{
	size_t n = m->n_buckets * 2;
	struct hmap_node **b = calloc(n, sizeof(*b));

	if (b == NULL)
		return; // keep the old table: longer chains, still correct
	for (size_t i = 0; i < m->n_buckets; i++) {
		struct hmap_node *node = m->buckets[i];
		while (node != NULL) {
			struct hmap_node *next = node->next;
			size_t j = node->hash & (n - 1);
			node->next = b[j];
			b[j] = node;
			node = next;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->n_buckets = n;
}

void
hmap_insert(struct hmap *m, struct hmap_node *n, uint32_t hash)
{
	size_t i;

	if (m->count + 1 > m->n_buckets)
		hmap_grow(m);
	n->hash = hash;
	i = hash & (m->n_buckets - 1);
	n->next = m->buckets[i];
	m->buckets[i] = n;
	m->count++;
}

void
hmap_remove(struct hmap *m, struct hmap_node *n)
{
	struct hmap_node **pp = &m->buckets[n->hash & (m->n_buckets - 1)];

	while (*pp != NULL) {
		if (*pp == n) {
			*pp = n->next;
			m->count--;
			return;
		}
		pp = &(*pp)->next;
	}
}

struct hmap_node *
hmap_first_hash(const struct hmap *m, uint32_t hash)
{
	struct hmap_node *n = m->buckets[hash & (m->n_buckets - 1)];

	while (n != NULL && n->hash != hash)
		n = n->next;
	return n;
}

struct hmap_node *
hmap_next_same(const struct hmap_node *n)
{
	uint32_t hash = n->hash;

	for (n = n->next; n != NULL; n = n->next)
		if (n->hash == hash)
			return (struct hmap_node *)n;
	return NULL;
}

struct hmap_node *
hmap_iter_first(const struct hmap *m, size_t *bucket)
{
	for (size_t i = 0; i < m->n_buckets; i++) {
		if (m->buckets[i] != NULL) {
			*bucket = i;
			return m->buckets[i];
		}
	}
	return NULL;
}

struct hmap_node *
hmap_iter_next(const struct hmap *m, const struct hmap_node *n, size_t *bucket)
{
	if (n->next != NULL)
		return n->next;
	for (size_t i = *bucket + 1; i < m->n_buckets; i++) {
		if (m->buckets[i] != NULL) {
			*bucket = i;
			return m->buckets[i];
		}
	}
	return NULL;
}

uint32_t
hmap_hash_bytes(const void *p, size_t len, uint32_t seed)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}
