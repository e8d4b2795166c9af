// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// An l2vpn bridge's MAC table: see dp_l2.h for the concurrency rules.

#include "dp_l2.h"

#define MAC_MASK ((1ull << 48) - 1)

static inline uint64_t
mac_bits(const uint8_t *mac)
{
	return (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 | (uint64_t)mac[2] << 24 |
	       (uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 | mac[5];
}

// Fibonacci hashing of the 48 bits: vendor OUIs share their top bytes.
static inline uint32_t
bucket_of(uint64_t mac)
{
	return (uint32_t)((mac * 0x9e3779b97f4a7c15ull) >> 40) & (DP_L2_BUCKETS - 1);
}

int
dp_l2_lookup(const struct dp_l2_table *t, const uint8_t *mac)
{
	uint64_t m = mac_bits(mac);
	const uint64_t *b = &t->slot[bucket_of(m) * DP_L2_WAYS];

	for (unsigned int i = 0; i < DP_L2_WAYS; i++) {
		uint64_t w = __atomic_load_n(&b[i], __ATOMIC_RELAXED);
		if (w != 0 && (w & MAC_MASK) == m)
			return (int)(w >> 48) - 1;
	}
	return -1;
}

void
dp_l2_learn(struct dp_l2_table *t, const uint8_t *mac, uint16_t where, uint32_t now)
{
	uint64_t m = mac_bits(mac), want = m | (uint64_t)(where + 1u) << 48;
	uint32_t base = bucket_of(m) * DP_L2_WAYS, oldest = base;
	uint64_t *b = &t->slot[base];

	for (unsigned int i = 0; i < DP_L2_WAYS; i++) {
		uint64_t w = __atomic_load_n(&b[i], __ATOMIC_RELAXED);
		if (w == 0 || (w & MAC_MASK) != m)
			continue;
		// Known: moved (a station now behind another PE), or refreshed.
		if (w != want)
			__atomic_compare_exchange_n(&b[i], &w, want, false, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED);
		if (__atomic_load_n(&t->seen[base + i], __ATOMIC_RELAXED) != now)
			__atomic_store_n(&t->seen[base + i], now, __ATOMIC_RELAXED);
		return;
	}
	for (unsigned int i = 0; i < DP_L2_WAYS; i++) {
		uint64_t w = 0;
		// The stamp first: a fresh entry is never taken for an old one.
		if (__atomic_load_n(&b[i], __ATOMIC_RELAXED) != 0)
			continue;
		__atomic_store_n(&t->seen[base + i], now, __ATOMIC_RELAXED);
		if (__atomic_compare_exchange_n(&b[i], &w, want, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return;
	}
	// Full: the entry seen longest ago gives way.
	for (unsigned int i = 1; i < DP_L2_WAYS; i++)
		if ((uint32_t)(now - t->seen[base + i]) > (uint32_t)(now - t->seen[oldest]))
			oldest = base + i;
	uint64_t w = __atomic_load_n(&t->slot[oldest], __ATOMIC_RELAXED);
	__atomic_store_n(&t->seen[oldest], now, __ATOMIC_RELAXED);
	__atomic_compare_exchange_n(&t->slot[oldest], &w, want, false, __ATOMIC_RELAXED,
				    __ATOMIC_RELAXED);
}

unsigned int
dp_l2_age(struct dp_l2_table *t, uint32_t now, uint32_t age)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < DP_L2_BUCKETS * DP_L2_WAYS; i++) {
		uint64_t w = __atomic_load_n(&t->slot[i], __ATOMIC_RELAXED);
		if (w == 0 ||
		    (uint32_t)(now - __atomic_load_n(&t->seen[i], __ATOMIC_RELAXED)) < age)
			continue;
		// A worker that refreshed it meanwhile keeps it only if it also
		// moved it; a refresh alone may be lost, and the MAC learnt again.
		if (__atomic_compare_exchange_n(&t->slot[i], &w, 0, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			n++;
	}
	return n;
}

void
dp_l2_walk(const struct dp_l2_table *t, uint32_t now,
	   void (*fn)(void *arg, const uint8_t mac[6], uint16_t where, uint32_t age), void *arg)
{
	for (unsigned int i = 0; i < DP_L2_BUCKETS * DP_L2_WAYS; i++) {
		uint64_t w = __atomic_load_n(&t->slot[i], __ATOMIC_RELAXED);
		uint8_t mac[6];
		if (w == 0)
			continue;
		for (int k = 0; k < 6; k++)
			mac[k] = (uint8_t)(w >> (40 - 8 * k));
		fn(arg, mac, (uint16_t)((w >> 48) - 1),
		   now - __atomic_load_n(&t->seen[i], __ATOMIC_RELAXED));
	}
}
