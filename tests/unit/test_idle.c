// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The workers' idle backoff policy (lib/dp/dp_idle): no sleep while there is
// work or for the first spin rounds of a gap, then sleeps that double from
// DP_IDLE_FIRST_US up to the cap and stay there, back to busy polling at the
// first round with work, and never a sleep when the cap is 0 (off).

#include <stdio.h>

#include <CUnit/Basic.h>

#include "dp_idle.h"

// Empty rounds until the first sleep; the sleep it returns in *us.
static unsigned int
rounds_to_sleep(struct dp_idle *s, unsigned int limit, uint32_t *us)
{
	for (unsigned int i = 1; i <= limit; i++) {
		*us = dp_idle_empty(s);
		if (*us != 0)
			return i;
	}
	*us = 0;
	return 0;
}

static void
test_off(void)
{
	struct dp_idle s;

	dp_idle_init(&s, 0, 4);
	// Off: never a sleep, however long the gap.
	for (unsigned int i = 0; i < 100000; i++)
		CU_ASSERT_EQUAL_FATAL(dp_idle_empty(&s), 0);
	// The out-of-line part agrees when called directly.
	CU_ASSERT_EQUAL(dp_idle_backoff(&s), 0);
	dp_idle_work(&s);
	CU_ASSERT_EQUAL(dp_idle_empty(&s), 0);
}

static void
test_spin_then_sleep(void)
{
	struct dp_idle s;
	uint32_t us;

	dp_idle_init(&s, 100, 8);
	// Eight empty rounds poll on at once, the ninth sleeps the shortest time.
	CU_ASSERT_EQUAL(rounds_to_sleep(&s, 1000, &us), 9);
	CU_ASSERT_EQUAL(us, DP_IDLE_FIRST_US);
	// Spin 0: the very first empty round sleeps.
	dp_idle_init(&s, 100, 0);
	CU_ASSERT_EQUAL(rounds_to_sleep(&s, 10, &us), 1);
	CU_ASSERT_EQUAL(us, DP_IDLE_FIRST_US);
}

static void
test_growth_and_cap(void)
{
	static const uint32_t want[] = {1, 2, 4, 8, 16, 32, 64, 100, 100, 100};
	struct dp_idle s;
	uint32_t us;

	dp_idle_init(&s, 100, 3);
	CU_ASSERT_EQUAL(rounds_to_sleep(&s, 10, &us), 4);
	CU_ASSERT_EQUAL(us, want[0]);
	for (size_t i = 1; i < sizeof(want) / sizeof(want[0]); i++) {
		us = dp_idle_empty(&s);
		if (us != want[i])
			fprintf(stderr, "\nsleep %zu: want %u, got %u\n", i, want[i], us);
		CU_ASSERT_EQUAL(us, want[i]);
	}
	// A long gap stays at the cap: bounded, never beyond it.
	for (unsigned int i = 0; i < 100000; i++)
		CU_ASSERT_EQUAL_FATAL(dp_idle_empty(&s), 100);
	// A cap of 1 us and one at the configurable maximum.
	dp_idle_init(&s, 1, 0);
	for (unsigned int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(dp_idle_empty(&s), 1);
	dp_idle_init(&s, 10000, 0);
	for (unsigned int i = 0; i < 64; i++) {
		us = dp_idle_empty(&s);
		CU_ASSERT(us >= 1 && us <= 10000);
	}
	CU_ASSERT_EQUAL(us, 10000);
	// The cap at its type's limit does not overflow the doubling.
	dp_idle_init(&s, UINT32_MAX, 0);
	for (unsigned int i = 0; i < 64; i++)
		us = dp_idle_empty(&s);
	CU_ASSERT_EQUAL(us, UINT32_MAX);
}

static void
test_work_resets(void)
{
	struct dp_idle s;
	uint32_t us;

	dp_idle_init(&s, 1000, 16);
	// Deep in the backoff: at the cap.
	for (unsigned int i = 0; i < 100; i++)
		us = dp_idle_empty(&s);
	CU_ASSERT_EQUAL(us, 1000);
	// One round with work: busy polling again, with the full spin allowance,
	// and the next gap starts over at the shortest sleep.
	dp_idle_work(&s);
	CU_ASSERT_EQUAL(rounds_to_sleep(&s, 1000, &us), 17);
	CU_ASSERT_EQUAL(us, DP_IDLE_FIRST_US);
	// Gaps shorter than the spin never sleep, whatever came before them.
	dp_idle_work(&s);
	for (unsigned int g = 0; g < 1000; g++) {
		for (unsigned int i = 0; i < 16; i++)
			CU_ASSERT_EQUAL_FATAL(dp_idle_empty(&s), 0);
		dp_idle_work(&s);
	}
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("dp_idle", NULL, NULL);
	CU_add_test(s, "off never sleeps", test_off);
	CU_add_test(s, "spin rounds, then the first sleep", test_spin_then_sleep);
	CU_add_test(s, "sleeps double up to the cap", test_growth_and_cap);
	CU_add_test(s, "work resets to busy polling", test_work_resets);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}
