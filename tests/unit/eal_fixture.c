// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "eal_fixture.h"

#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#define FIXTURE_NB_MBUFS 255

static struct rte_mempool *fixture_pool;

int
eal_fixture_init(void)
{
	// No hugepages, no devices, nothing shared, no telemetry socket: tests
	// run in parallel and need no setup. --in-memory is not here: with
	// --no-huge, 22.11 turns on legacy memory and then refuses --in-memory
	// ("Option --legacy-mem is not compatible with --in-memory");
	// --no-shconf already keeps every file out of the runtime directory.
	char *argv[] = {"unit_test", "--no-huge",   "--no-pci",	      "-m",
			"256",	     "--no-shconf", "--no-telemetry", NULL};
	int argc = (int)RTE_DIM(argv) - 1;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	fixture_pool = rte_pktmbuf_pool_create("unit_pool", FIXTURE_NB_MBUFS, 0, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (fixture_pool == NULL) {
		fprintf(stderr, "rte_pktmbuf_pool_create: %s\n", rte_strerror(rte_errno));
		rte_eal_cleanup();
		return -1;
	}
	return 0;
}

void
eal_fixture_fini(void)
{
	rte_mempool_free(fixture_pool);
	fixture_pool = NULL;
	rte_eal_cleanup();
}

struct rte_mempool *
eal_fixture_pool(void)
{
	return fixture_pool;
}

struct rte_mbuf *
eal_fixture_mbuf(const void *data, size_t len, uint16_t headroom)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(fixture_pool);

	if (m == NULL)
		return NULL;
	if ((size_t)headroom + len > m->buf_len) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	m->data_off = headroom;
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), data, len);
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	return m;
}
