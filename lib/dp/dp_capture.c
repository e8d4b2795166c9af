// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Worker half of packet capture: a copy (at most the capture's snaplen) goes
// onto the lcore's SP/SC ring; the control thread filters and writes it
// (lib/capture). A full ring or an empty pool loses the copy, never the packet.

#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp_priv.h"

uint32_t dp_capture_snaplen = 65535; // ctl: rw while no capture runs

// Copy m, with `eth` (when not NULL) put in front of the copy, to the ring.
static void
capture_copy(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t port, unsigned int dir,
	     const uint8_t *eth)
{
	uint32_t snap = dp_capture_snaplen;
	struct rte_mbuf *c;
	struct dp_meta *cm;
	char *h;

	if (eth != NULL && snap > RTE_ETHER_HDR_LEN)
		snap -= RTE_ETHER_HDR_LEN;
	c = rte_pktmbuf_copy(m, dp_g.ctl_pool, 0, snap);
	if (c == NULL)
		return;
	if (eth != NULL) {
		if ((h = rte_pktmbuf_prepend(c, RTE_ETHER_HDR_LEN)) == NULL) {
			rte_pktmbuf_free(c);
			return;
		}
		memcpy(h, eth, RTE_ETHER_HDR_LEN);
	}
	cm = dp_meta(c);
	cm->rx_port = port;
	cm->punt = (uint8_t)dir;
	cm->tsc = rte_rdtsc();
	// Original length, for the pcap record header.
	cm->nh = m->pkt_len + (eth != NULL ? RTE_ETHER_HDR_LEN : 0);
	if (rte_ring_sp_enqueue(lc->capture_ring, c) != 0)
		rte_pktmbuf_free(c);
}

void
dp_capture_copy(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t port, unsigned int dir)
{
	capture_copy(lc, m, port, dir, NULL);
}

// A copy of a packet a stage holds at its IPv6 header (O-flag and End.OP
// packets at our SIDs, dp_sid.c), for a capture of the port it came in on.
// The pcap file holds Ethernet frames: the received header when it is still
// in front of the data (the headroom is what classify left: nothing was
// decapsulated or prepended since), else one made up with the port's MAC as
// destination and a zero source.
void
dp_capture_copy_l3(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m,
		   unsigned int dir)
{
	const struct dp_meta *md = dp_meta(m);
	uint16_t port = md->rx_port, l2 = md->l2_len;
	uint8_t eth[RTE_ETHER_HDR_LEN] = {0};

	if (l2 != 0 && rte_pktmbuf_headroom(m) == RTE_PKTMBUF_HEADROOM + l2) {
		rte_pktmbuf_prepend(m, l2);
		capture_copy(lc, m, port, dir, NULL);
		rte_pktmbuf_adj(m, l2);
		return;
	}
	memcpy(eth, &t->ports[port].mac, RTE_ETHER_ADDR_LEN);
	eth[12] = RTE_ETHER_TYPE_IPV6 >> 8;
	eth[13] = RTE_ETHER_TYPE_IPV6 & 0xff;
	capture_copy(lc, m, port, dir, eth);
}
