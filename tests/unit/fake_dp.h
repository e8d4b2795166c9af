// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The do-nothing datapath of fake_dp.c: what a test sets or reads.

#include <stdbool.h>
#include <stdint.h>

#include "dp_api.h"

extern int fake_commit_rc;		// what dp_commit returns (0, or -errno to refuse)
extern unsigned int fake_commits;	// successful dp_commit calls
extern unsigned int fake_resets;	// dp_counters_reset calls
extern enum dp_spread_mode fake_spread; // the last dp_spread_set value
extern enum dp_crypto_mode fake_crypto; // the last dp_crypto_set value
extern uint32_t fake_idle_us;		// the last dp_idle_sleep_set value
unsigned int fake_n_captures(void);	// captures running (dp_capture_start minus stop)
