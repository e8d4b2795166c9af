// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// How long one cache line takes to go from one CPU to another: two threads
// pinned to CPUs A and B hand a counter back and forth through one line.
// Half a round trip is the cost every line of a handed-off packet pays
// (doc/performance.md, "Scaling"). Usage: cacheline_rtt [CPU_A CPU_B [ROUNDS]]

#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

static volatile uint64_t line[8] __attribute__((aligned(64)));
static unsigned long rounds = 1000000;

static int
pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

static void *
echo(void *arg)
{
	if (pin(*(int *)arg) != 0)
		return (void *)1;
	for (uint64_t i = 1; i <= rounds; i++) {
		while (line[0] != 2 * i - 1)
			_mm_pause();
		line[0] = 2 * i;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	int a = argc > 2 ? atoi(argv[1]) : 0, b = argc > 2 ? atoi(argv[2]) : 1;
	pthread_t t;
	void *rc;

	if (argc > 3)
		rounds = strtoul(argv[3], NULL, 10);
	if (pin(a) != 0 || pthread_create(&t, NULL, echo, &b) != 0) {
		fprintf(stderr, "cannot pin to CPUs %d and %d\n", a, b);
		return 1;
	}
	uint64_t t0 = __rdtsc();
	for (uint64_t i = 1; i <= rounds; i++) {
		line[0] = 2 * i - 1;
		while (line[0] != 2 * i)
			_mm_pause();
	}
	uint64_t t1 = __rdtsc();
	pthread_join(t, &rc);
	if (rc != NULL) {
		fprintf(stderr, "cannot pin to CPU %d\n", b);
		return 1;
	}
	printf("CPU %d <-> %d: %.0f TSC cycles per round trip, ~%.0f per line transfer\n", a, b,
	       (double)(t1 - t0) / (double)rounds, (double)(t1 - t0) / (double)rounds / 2);
	return 0;
}
