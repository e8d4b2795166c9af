// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Idle backoff of a worker: after how many empty poll rounds it sleeps, and
// for how long. Pure logic (no DPDK, no clock, no syscall) so that tests/unit
// checks it as it is; the worker does the sleeping (dp_worker.c).
//
// Short gaps keep busy-poll latency: the first `spin` empty rounds in a row
// poll on at once. After that each further empty round sleeps, first
// DP_IDLE_FIRST_US, then twice as long as the previous sleep up to `cap_us`,
// so a sleep is never much longer than the time the worker has been idle so
// far. Any round with work resets to busy polling.

#include <stdbool.h>
#include <stdint.h>

#define DP_IDLE_FIRST_US 1u
// Empty rounds before the first sleep: a few hundred microseconds of polling
// at the 100-300 ns an empty round costs with two or three ports.
#define DP_IDLE_SPIN_ROUNDS 1024u

struct dp_idle {
	uint32_t cap_us;   // longest sleep; 0: never sleep (busy polling)
	uint32_t spin;	   // empty rounds polled at once before the first sleep
	uint32_t empty;	   // empty rounds in a row (stops counting at spin)
	uint32_t sleep_us; // the last sleep, 0 while busy polling
};

// cap_us 0 turns the backoff off: dp_idle_empty() then always answers 0.
void dp_idle_init(struct dp_idle *s, uint32_t cap_us, uint32_t spin);

// Microseconds to sleep after an empty round beyond the spin rounds.
uint32_t dp_idle_backoff(struct dp_idle *s);

// A round that received or sent something: back to busy polling.
static inline void
dp_idle_work(struct dp_idle *s)
{
	s->empty = 0;
	s->sleep_us = 0;
}

// A round that found nothing to do: microseconds to sleep now, 0 to poll
// again at once.
static inline uint32_t
dp_idle_empty(struct dp_idle *s)
{
	if (s->empty < s->spin) {
		s->empty++;
		return 0;
	}
	return dp_idle_backoff(s);
}
