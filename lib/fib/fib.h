// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Longest-prefix-match table sized by its content: one family (IPv4 or IPv6)
// of one VRF on one side of the published A/B tables (lib/dp/dp_tables.c).
//
// A multibit trie: a root array indexed by the first 8, 16 or 24 bits of the
// address (it grows with the table: 1 KiB for a small VRF, 64 MiB for a full
// Internet table), then groups of 256 entries, one per further byte. An entry
// is a leaf (next-hop id and the length of the prefix that set it) or the
// index of a child group. Prefixes are expanded into every entry they cover
// unless a longer prefix set it. Lookups read one entry per level: one for
// an IPv4 /24 in a big table, two in a small one.
//
// Paths are compressed: a group that is one child and 255 copies of one leaf
// is not kept; the entry above jumps to the group where such a chain ends,
// and a lookup checks the skipped key bytes in one masked compare. A lone
// IPv6 /128 under a /48 costs one group, not 15, and reads one group.
//
// Updates are not safe against concurrent lookups: the caller modifies only a
// table no reader can see (the standby side). Memory is taken in a separate
// step, fib_reserve(), which never changes what lookups see, so a batch of
// updates can be refused before anything is modified and the updates that
// follow cannot fail.

#include <stddef.h>
#include <stdint.h>

#define FIB_NH_MAX 0x7fffffu // largest next-hop id an entry holds

struct fib;

// Empty table for 32-bit (IPv4) or 128-bit (IPv6) keys, memory on socket
// (SOCKET_ID_ANY allowed). NULL + errno: EINVAL, ENOMEM.
struct fib *fib_create(unsigned int key_bits, int socket);
void fib_free(struct fib *f);

// Take the memory that n_add more fib_add() calls may need (and grow the root
// when the table has become big), without changing what lookups see: safe on
// a table readers use. The memory is taken into use by the next fib_add or
// fib_del, which may only happen once no reader sees the table. 0 or -ENOMEM
// (nothing reserved then). keys: the prefixes about to be added (bytes in
// network order), lens their lengths; the estimate walks the table for each.
int fib_reserve(struct fib *f, const uint8_t *const *keys, const uint8_t *lens, unsigned int n);
// Give back a reservation not taken into use (a batch refused elsewhere).
void fib_reserve_cancel(struct fib *f);

// Set every address of key/len that no longer prefix covers to nh (1 to
// FIB_NH_MAX); replaces the next hop of the same prefix. 0, -EINVAL, or
// -ENOSPC when fib_reserve was not called for it.
int fib_add(struct fib *f, const uint8_t *key, unsigned int len, uint32_t nh);

// Remove key/len: what it covered goes back to the longest shorter prefix
// that covers it (parent_nh of length parent_len; parent_nh 0: no route).
// Groups left uniform are merged back into their parent entry. 0 or -EINVAL;
// removing a prefix that is not there changes nothing.
int fib_del(struct fib *f, const uint8_t *key, unsigned int len, uint32_t parent_nh,
	    unsigned int parent_len);

// Next-hop id for an address (0: no route).
uint32_t fib_lookup(const struct fib *f, const uint8_t *key);
// Bulk lookups, every level prefetched across the vector first: IPv4
// addresses in host order; IPv6 addresses as bytes.
void fib_lookup4_bulk(const struct fib *f, const uint32_t *ip, uint32_t *nh, unsigned int n);
void fib_lookup6_bulk(const struct fib *f, const uint8_t (*ip)[16], uint32_t *nh, unsigned int n);
// Groups a lookup of key reads (jumps counted by the group they lead to):
// for tests and diagnostics.
unsigned int fib_lookup_depth(const struct fib *f, const uint8_t *key);
// Walk the whole table and check its structure (headers, compression, the
// group count): 0, or a negative number naming the first fault. Tests.
int fib_check(const struct fib *f);

struct fib_info {
	unsigned int key_bits;
	unsigned int root_bits;
	uint32_t groups_used;
	uint32_t groups_cap;
	size_t bytes; // root + groups (+ a reservation not yet taken into use)
};
void fib_info_get(const struct fib *f, struct fib_info *out);
