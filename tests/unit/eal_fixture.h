// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// EAL and a small pktmbuf pool for unit tests that need mbufs. Pure parser
// tests do not use this and never start EAL.

#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

// Start EAL without hugepages, PCI or shared files, and create the pool.
// Returns 0 or -1 (with a message on stderr).
int eal_fixture_init(void);

// Free the pool and stop EAL.
void eal_fixture_fini(void);

// The pool made by eal_fixture_init(): 2 KiB data rooms, 128 bytes of headroom.
struct rte_mempool *eal_fixture_pool(void);

// A single-segment mbuf holding a copy of data[0..len), with its data starting
// headroom bytes into the buffer. NULL when the pool is empty or it cannot fit.
struct rte_mbuf *eal_fixture_mbuf(const void *data, size_t len, uint16_t headroom);
