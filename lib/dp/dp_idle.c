// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Idle backoff policy (dp_idle.h): only the sleep length lives here, the
// per-round checks are inline in the header.

#include "dp_idle.h"

void
dp_idle_init(struct dp_idle *s, uint32_t cap_us, uint32_t spin)
{
	s->cap_us = cap_us;
	// Off: the inline spin check never lets a round through to the backoff.
	s->spin = cap_us == 0 ? UINT32_MAX : spin;
	s->empty = 0;
	s->sleep_us = 0;
}

uint32_t
dp_idle_backoff(struct dp_idle *s)
{
	if (s->cap_us == 0)
		return 0;
	if (s->sleep_us == 0)
		s->sleep_us = DP_IDLE_FIRST_US;
	else if (s->sleep_us < s->cap_us / 2)
		s->sleep_us *= 2;
	else
		s->sleep_us = s->cap_us;
	if (s->sleep_us > s->cap_us)
		s->sleep_us = s->cap_us;
	return s->sleep_us;
}
