// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// TX: the worker's per-port TX buffers. dp_fwd queues a finished frame with
// dp_tx_enqueue (dp_stage.h: TX capture tap, then the buffer; a full buffer
// is sent at once); the worker flushes what is pending after each loop
// iteration (dp_tx_flush_all), one rte_eth_tx_burst per port on its own TX
// queue (queue id = worker index). What the queue does not take is freed and
// counted as tx_full. Worker 0 also sends the frames the control thread
// built (ARP, ND, released held packets) through the same buffers.
//
// Reads: the mbufs' pkt_len. Writes: the TX counters; nothing in dp_meta.
//
// Next: the wire.

#include <rte_ethdev.h>

#include "dp_stage.h"

void
dp_tx_flush_port(struct dp_lcore *lc, uint16_t port)
{
	struct dp_txbuf *b = &lc->tx[port];
	uint64_t bytes = 0;
	uint16_t sent;

	for (uint16_t i = 0; i < b->n; i++)
		bytes += b->pkts[i]->pkt_len;
	sent = rte_eth_tx_burst(port, (uint16_t)lc->idx, b->pkts, b->n);
	for (uint16_t i = sent; i < b->n; i++) {
		bytes -= b->pkts[i]->pkt_len;
		lc->stats.drops[DP_DROP_tx_full]++;
		lc->stats.port_drops[port]++;
		rte_pktmbuf_free(b->pkts[i]);
	}
	lc->stats.tx_packets[port] += sent;
	lc->stats.tx_bytes[port] += bytes;
	b->n = 0;
}

void
dp_tx_flush_all(struct dp_lcore *lc)
{
	uint64_t pending = lc->tx_pending;

	RTE_BUILD_BUG_ON(RTE_MAX_ETHPORTS > 64); // one pending bit per port
	while (pending != 0) {
		uint16_t port = (uint16_t)__builtin_ctzll(pending);
		pending &= pending - 1;
		if (lc->tx[port].n != 0)
			dp_tx_flush_port(lc, port);
	}
	lc->tx_pending = 0;
}

// Frames built by the control thread (ARP, ND, released held packets).
// Returns how many were taken.
unsigned int
dp_tx_drain_ctl(struct dp_lcore *lc)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int total = 0;

	for (uint16_t port = 0; port < RTE_MAX_ETHPORTS; port++) {
		if (dp_g.ctl_tx[port] == NULL)
			continue;
		unsigned int n =
			rte_ring_sc_dequeue_burst(dp_g.ctl_tx[port], (void **)pkts, DP_BURST, NULL);
		for (unsigned int i = 0; i < n; i++)
			dp_tx_enqueue(lc, port, pkts[i]);
		total += n;
	}
	return total;
}
