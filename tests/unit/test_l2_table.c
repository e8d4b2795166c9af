// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/dp's l2vpn MAC table (dp_l2.c): learning, moves, refresh, lookups of
// unknown addresses, a full bucket giving up its stalest entry, aging, the
// walk, and two threads learning the same addresses at once.

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dp_l2.h"

static struct dp_l2_table *
table_new(void)
{
	return calloc(1, sizeof(struct dp_l2_table));
}

static void
mac_of(uint32_t n, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static void
test_learn_lookup_move(void)
{
	struct dp_l2_table *t = table_new();
	uint8_t a[6], b[6];

	mac_of(1, a);
	mac_of(2, b);
	CU_ASSERT(dp_l2_lookup(t, a) == -1);
	dp_l2_learn(t, a, DP_L2_LOCAL, 100);
	dp_l2_learn(t, b, 3, 100);
	CU_ASSERT(dp_l2_lookup(t, a) == DP_L2_LOCAL);
	CU_ASSERT(dp_l2_lookup(t, b) == 3);
	// the station moved behind another peer
	dp_l2_learn(t, b, 5, 101);
	CU_ASSERT(dp_l2_lookup(t, b) == 5);
	// 00:00:00:00:00:00 is an address like another (the word is never 0)
	memset(a, 0, 6);
	CU_ASSERT(dp_l2_lookup(t, a) == -1);
	dp_l2_learn(t, a, DP_L2_LOCAL, 100);
	CU_ASSERT(dp_l2_lookup(t, a) == DP_L2_LOCAL);
	free(t);
}

struct walk_acc {
	unsigned int n;
	uint32_t max_age;
	int where_of_2;
};

static void
walk_fn(void *arg, const uint8_t mac[6], uint16_t where, uint32_t age)
{
	struct walk_acc *w = arg;
	uint8_t two[6];

	mac_of(2, two);
	w->n++;
	if (age > w->max_age)
		w->max_age = age;
	if (memcmp(mac, two, 6) == 0)
		w->where_of_2 = where;
}

static void
test_age_and_walk(void)
{
	struct dp_l2_table *t = table_new();
	struct walk_acc w = {0};
	uint8_t m[6];

	for (uint32_t i = 1; i <= 100; i++) {
		mac_of(i, m);
		dp_l2_learn(t, m, (uint16_t)(i % 4), 1000);
	}
	// 10 of them seen again later: they survive the aging
	for (uint32_t i = 1; i <= 10; i++) {
		mac_of(i, m);
		dp_l2_learn(t, m, (uint16_t)(i % 4), 1250);
	}
	dp_l2_walk(t, 1300, walk_fn, &w);
	CU_ASSERT(w.n == 100);
	CU_ASSERT(w.max_age == 300);
	CU_ASSERT(w.where_of_2 == 2);
	CU_ASSERT(dp_l2_age(t, 1299, 300) == 0); // 299 s: nothing yet
	CU_ASSERT(dp_l2_age(t, 1300, 300) == 90);
	for (uint32_t i = 1; i <= 100; i++) {
		mac_of(i, m);
		CU_ASSERT((dp_l2_lookup(t, m) >= 0) == (i <= 10));
	}
	free(t);
}

// More addresses than the table holds: every lookup answers a learnt
// place or unknown, never another address's; the latest learnt is there.
static void
test_full_buckets(void)
{
	struct dp_l2_table *t = table_new();
	unsigned int n = 3 * DP_L2_BUCKETS * DP_L2_WAYS, found = 0, wrong = 0;
	uint8_t m[6];

	for (uint32_t i = 0; i < n; i++) {
		mac_of(i, m);
		dp_l2_learn(t, m, (uint16_t)(1 + i % 7), i / 1000);
		if (dp_l2_lookup(t, m) != (int)(1 + i % 7))
			wrong++; // just learnt: must be there
	}
	CU_ASSERT(wrong == 0);
	for (uint32_t i = 0; i < n; i++) {
		int w;
		mac_of(i, m);
		w = dp_l2_lookup(t, m);
		if (w >= 0) {
			found++;
			CU_ASSERT(w == (int)(1 + i % 7));
		}
	}
	CU_ASSERT(found <= DP_L2_BUCKETS * DP_L2_WAYS);
	CU_ASSERT(found > DP_L2_BUCKETS * DP_L2_WAYS / 2);
	free(t);
}

struct racer {
	struct dp_l2_table *t;
	uint16_t where;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	uint8_t m[6];

	for (int round = 0; round < 50; round++)
		for (uint32_t i = 0; i < 2000; i++) {
			mac_of(i, m);
			dp_l2_learn(r->t, m, r->where, (uint32_t)round);
		}
	return NULL;
}

// Two workers learning the same 2000 addresses (one says local, the other
// peer 1): every address ends up known, at one of the two places.
static void
test_two_writers(void)
{
	struct dp_l2_table *t = table_new();
	struct racer r[2] = {{t, DP_L2_LOCAL}, {t, 1}};
	pthread_t th[2];
	uint8_t m[6];
	unsigned int ok = 0;

	for (int i = 0; i < 2; i++)
		CU_ASSERT_FATAL(pthread_create(&th[i], NULL, race, &r[i]) == 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (uint32_t i = 0; i < 2000; i++) {
		int w;
		mac_of(i, m);
		w = dp_l2_lookup(t, m);
		ok += w == DP_L2_LOCAL || w == 1;
	}
	CU_ASSERT(ok == 2000);
	free(t);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("dp_l2", NULL, NULL);
	CU_add_test(s, "learn, look up, move", test_learn_lookup_move);
	CU_add_test(s, "aging and the walk", test_age_and_walk);
	CU_add_test(s, "full buckets give up their stalest entry", test_full_buckets);
	CU_add_test(s, "two writers learning the same addresses", test_two_writers);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}
