// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Worker half of packet capture: a copy (at most the capture's snaplen) goes
// onto the lcore's SP/SC ring; the control thread filters and writes it
// (lib/capture). A full ring or an empty pool loses the copy, never the packet.

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "dp_priv.h"

uint32_t dp_capture_snaplen = 65535; // ctl: rw while no capture runs

void
dp_capture_copy(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t port, unsigned int dir)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, dp_g.ctl_pool, 0, dp_capture_snaplen);
	struct dp_meta *cm;

	if (c == NULL)
		return;
	cm = dp_meta(c);
	cm->rx_port = port;
	cm->punt = (uint8_t)dir;
	cm->tsc = rte_rdtsc();
	// Original length, for the pcap record header.
	cm->nh = m->pkt_len;
	if (rte_ring_sp_enqueue(lc->capture_ring, c) != 0)
		rte_pktmbuf_free(c);
}
