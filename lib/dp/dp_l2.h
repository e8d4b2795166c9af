// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The MAC table of an l2vpn bridge (RFC 8986 4.10, 4.11: End.DT2U's and
// End.DT2M's "L2 table"): behind which peer PE a MAC address was learnt,
// or that it is on the local port.
//
// Workers learn and look up without locks. An entry is one 64-bit word,
// the MAC in the low 48 bits and where + 1 in the top 16 (0 = local, k =
// peer k - 1; a word is never 0 while used). A new or moved MAC is written
// with a compare-and-swap, a lookup is one atomic load per way, and the
// last-seen second of a slot is refreshed only when it changed. The control
// thread ages entries out with a compare-and-swap to 0. Two workers
// learning one new MAC at the same moment may both insert it: lookups and
// refreshes take the first of the bucket, the other ages out. Pure C: no
// DPDK call (unit-tested alone).

#include <stdbool.h>
#include <stdint.h>

#define DP_L2_BUCKETS 1024
#define DP_L2_WAYS 8 // 8192 MACs per bridge
#define DP_L2_LOCAL 0

struct dp_l2_table {
	uint64_t slot[DP_L2_BUCKETS * DP_L2_WAYS];
	uint32_t seen[DP_L2_BUCKETS * DP_L2_WAYS]; // the second it was last seen
};

// Where mac (6 bytes) was learnt: DP_L2_LOCAL, or a peer index + 1; -1 if unknown.
int dp_l2_lookup(const struct dp_l2_table *t, const uint8_t *mac);

// Learn (or refresh) mac at where, at second now. A full bucket gives up
// the slot seen longest ago.
void dp_l2_learn(struct dp_l2_table *t, const uint8_t *mac, uint16_t where, uint32_t now);

// Control thread: forget entries not seen for age seconds; returns how many.
unsigned int dp_l2_age(struct dp_l2_table *t, uint32_t now, uint32_t age);

// Control thread: call fn for each entry (mac, where, seconds since seen).
void dp_l2_walk(const struct dp_l2_table *t, uint32_t now,
		void (*fn)(void *arg, const uint8_t mac[6], uint16_t where, uint32_t age),
		void *arg);
