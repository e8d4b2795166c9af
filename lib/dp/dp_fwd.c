// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The last stage, IP forward: a packet whose next hop is a neighbour on a
// port (DNH_IP) leaves here. Per packet: TTL / hop limit (once per node:
// customer packets at the ingress PE and after decapsulation, the outer
// header at End is done by dp_sid; never for headers we built), the port's
// state and MTU (too big: ICMP error, dp_icmp.c), the neighbour's MAC (not
// resolved yet: punted to the control thread's hold queue), then the
// Ethernet header in front and the packet into the port's TX buffer
// (dp_tx.c flushes it after the burst, or when it is full).
//
// Also here, dp_resolve: a connected host we have no neighbour slot for yet
// (DNH_RESOLVE) is checked the same way (TTL, MTU) and punted for ARP/ND.
//
// Reads: dp_meta nh (set by dp_lookup, dp_dispatch for ECMP, or dp_sid for
// End.X / End.DX*), family, flags, encap_len (for too-big); the table's
// port meta; dp_g.neigh_mac. Writes: flags (DP_F_NO_TTL_DEC); for a punt,
// neigh and tx_port.
//
// Next: the TX buffers (dp_tx.c); ICMP errors go back to `next` for a lookup.

#include <rte_ether.h>

#include "dp_stage.h"

// Long segment lists can use up the headroom: shift the packet into the
// tailroom so the Ethernet header still fits.
static __rte_noinline __rte_cold struct rte_ether_hdr *
prepend_slow(struct rte_mbuf *m, uint16_t len)
{
	if (srv6_make_headroom(m, len) < 0)
		return NULL;
	return (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, len);
}

static inline int
forward(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, const struct dp_nh *nh)
{
	struct dp_meta *md = dp_meta(m);
	const struct dp_port_meta *pm = &t->ports[nh->port];
	struct rte_ether_hdr *eh;
	uint64_t w;
	int r = dp_ttl_dec(lc, t, m);

	if (unlikely(r != DP_CONT))
		return r;
	if (unlikely(!pm->enabled)) {
		dp_drop(lc, m, DP_DROP_port_down);
		return DP_DONE;
	}
	if (unlikely(m->pkt_len > pm->mtu))
		return dp_icmp_too_big(lc, t, m, pm->mtu);
	// Before a SYN can wait for its neighbour: held packets leave as they are.
	if (unlikely(pm->tcp_mss != 0))
		pkt_tcp_mss_clamp(rte_pktmbuf_mtod(m, uint8_t *), m->data_len, md->family,
				  pm->tcp_mss);
	w = __atomic_load_n(&dp_g.neigh_mac[nh->neigh], __ATOMIC_ACQUIRE);
	if (unlikely(!(w & DP_NEIGH_VALID))) {
		md->neigh = nh->neigh;
		md->tx_port = nh->port;
		dp_punt(lc, m, DP_PUNT_HOLD);
		return DP_DONE;
	}
	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));
	if (unlikely(eh == NULL)) {
		eh = prepend_slow(m, sizeof(*eh));
		if (eh == NULL) {
			dp_drop(lc, m, DP_DROP_no_headroom);
			return DP_DONE;
		}
	}
	memcpy(&eh->dst_addr, &w, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&pm->mac, &eh->src_addr);
	eh->ether_type =
		rte_cpu_to_be_16(md->family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	dp_tx_enqueue(lc, nh->port, m);
	return DP_DONE;
}

void
dp_fwd(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in, struct dp_vec *next)
{
	const struct dp_nh *nhs = dp_g.nh;

	for (uint16_t i = 0; i < in->n; i++) {
		struct rte_mbuf *m = in->m[i];
		if (unlikely(forward(lc, t, m, &nhs[dp_meta(m)->nh]) == DP_NEXT))
			dp_vec_push(next, m);
	}
}

void
dp_resolve(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in,
	   struct dp_vec *next)
{
	for (uint16_t i = 0; i < in->n; i++) {
		struct rte_mbuf *m = in->m[i];
		const struct dp_nh *nh = &dp_g.nh[dp_meta(m)->nh];
		int r = dp_ttl_dec(lc, t, m);

		if (r == DP_CONT) {
			if (unlikely(m->pkt_len > t->ports[nh->port].mtu)) {
				r = dp_icmp_too_big(lc, t, m, t->ports[nh->port].mtu);
			} else {
				uint16_t mss = t->ports[nh->port].tcp_mss;
				if (unlikely(mss != 0))
					pkt_tcp_mss_clamp(rte_pktmbuf_mtod(m, uint8_t *),
							  m->data_len, dp_meta(m)->family, mss);
				dp_meta(m)->tx_port = nh->port;
				dp_punt(lc, m, DP_PUNT_RESOLVE);
				r = DP_DONE;
			}
		}
		if (r == DP_NEXT)
			dp_vec_push(next, m);
	}
}
