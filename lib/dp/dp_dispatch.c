// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Stage 3, dispatch: sorts the looked-up vector by what its next hop does,
// the edges of the graph. An ECMP group is resolved first to one member by
// the flow hash (so a flow keeps its path); then each packet is appended to
// the vector of its next hop's type (struct dp_edges, indexed by enum
// dp_nh_type: an array index, no branch per type). Order is kept within each
// vector, so a flow's packets stay in order.
//
// The two edges that end here are in this file too (dp_miss): no route
// (ICMP unreachable toward the source, dp_icmp.c) and blackhole (dropped).
//
// Reads: dp_meta nh, and flow_hash/flags for ECMP (dp_flow_hash computes and
// caches the hash when the NIC gave none). Writes: dp_meta nh, replaced by
// the ECMP member's id, so later stages read their next hop from it.
//
// Next (dp_worker.c runs them in this order): dp_headend (DNH_ENCAP),
// dp_sid (DNH_SID), dp_local (DNH_LOCAL), dp_resolve (DNH_RESOLVE), dp_miss
// (DNH_NONE, DNH_BLACKHOLE), then dp_fwd (DNH_IP, and what dp_sid adds).

#include "dp_stage.h"

void
dp_dispatch(struct rte_mbuf **pkts, uint16_t n, struct dp_edges *e)
{
	const struct dp_nh *nhs = dp_g.nh;
	struct dp_vec *edge[DP_EDGES]; // a load per packet, not an index multiply

	for (unsigned int k = 0; k < DP_EDGES; k++) {
		e->v[k].n = 0;
		edge[k] = &e->v[k];
	}
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct dp_meta *md = dp_meta(m);
		const struct dp_nh *nh = &nhs[md->nh];
		unsigned int type = nh->type;

		if (unlikely(type == DNH_ECMP)) {
			uint32_t h = dp_flow_hash(m);
			md->nh = nh->slots[((uint64_t)h * nh->n_slots) >> 32];
			type = nhs[md->nh].type;
		}
		// type < DP_EDGES: nh_fill (dp_tables.c) writes only enum dp_nh_type
		// values, so the index needs no check per packet.
		dp_vec_push(edge[type], m);
	}
}

static void
no_route(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in,
	 struct dp_vec *next)
{
	for (uint16_t i = 0; i < in->n; i++)
		if (dp_icmp_no_route(lc, t, in->m[i]) == DP_NEXT)
			dp_vec_push(next, in->m[i]);
}

void
dp_miss(struct dp_lcore *lc, const struct dp_tables *t, struct dp_edges *e, struct dp_vec *next)
{
	const struct dp_vec *bh = &e->v[DNH_BLACKHOLE];

	no_route(lc, t, &e->v[DNH_NONE], next);
	// A member that is itself a group: the tables never build one, and the
	// worker before the split answered it as no route.
	no_route(lc, t, &e->v[DNH_ECMP], next);
	for (uint16_t i = 0; i < bh->n; i++)
		dp_drop(lc, bh->m[i], DP_DROP_blackhole);
}
