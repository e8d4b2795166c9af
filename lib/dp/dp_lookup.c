// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Stage 2, lookup: the FIB lookup of every packet in the vector, one bulk
// call per (VRF, family) group present (usually one), on the destination address of the
// header at the data offset. A SID is a route in the default VRF whose next
// hop is a DNH_SID object, so the same lookup serves transit and local SIDs.
// A VRF without a table for the family gives next hop 0 (no route). The
// next-hop objects found are prefetched for dp_dispatch.
//
// Reads: dp_meta vrf, family; the IPv4 (offset 16) or IPv6 (offset 24)
// destination. Writes: dp_meta nh (an index into dp_g.nh).
//
// Next: dp_dispatch, on the same vector.

#include <string.h>

#include <rte_byteorder.h>
#include <rte_prefetch.h>

#include "dp_stage.h"
#include "fib.h"

// One bulk lookup of k addresses in the (vrf, family) table; no table, no route.
static inline void
lookup_bulk(const struct dp_tables *t, uint16_t vrf, uint8_t fam, const uint32_t *ip4,
	    const uint8_t (*ip6)[16], uint32_t *res, uint16_t k)
{
	if (fam == 4 && t->fib4[vrf] != NULL)
		fib_lookup4_bulk(t->fib4[vrf], ip4, res, k);
	else if (fam == 6 && t->fib6[vrf] != NULL)
		fib_lookup6_bulk(t->fib6[vrf], ip6, res, k);
	else
		memset(res, 0, sizeof(res[0]) * k);
}

// The general case: one bulk call per (VRF, family) group, in the order
// the groups first appear.
static __rte_noinline void
lookup_groups(const struct dp_tables *t, struct rte_mbuf **pkts, uint16_t n)
{
	uint8_t done[DP_BURST] = {0};
	uint16_t left = n;

	while (left > 0) {
		uint32_t ip4[DP_BURST];
		uint8_t ip6[DP_BURST][16];
		uint32_t res[DP_BURST];
		uint16_t idx[DP_BURST], k = 0, vrf = 0;
		uint8_t fam = 0;

		for (uint16_t i = 0; i < n; i++) {
			if (done[i])
				continue;
			struct dp_meta *md = dp_meta(pkts[i]);
			const uint8_t *d = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
			if (k == 0) {
				vrf = md->vrf;
				fam = md->family;
			} else if (md->vrf != vrf || md->family != fam) {
				continue;
			}
			if (fam == 4) {
				uint32_t a;
				memcpy(&a, d + 16, 4);
				ip4[k] = rte_be_to_cpu_32(a);
			} else {
				memcpy(ip6[k], d + 24, 16);
			}
			idx[k++] = i;
			done[i] = 1;
		}
		left -= k;
		lookup_bulk(t, vrf, fam, ip4, (const uint8_t(*)[16])ip6, res, k);
		for (uint16_t j = 0; j < k; j++) {
			dp_meta(pkts[idx[j]])->nh = res[j];
			rte_prefetch0(&dp_g.nh[res[j]]);
		}
	}
}

static inline void
set_results(struct rte_mbuf **pkts, const uint32_t *res, uint16_t n)
{
	const struct dp_nh *nhs = dp_g.nh;

	for (uint16_t i = 0; i < n; i++) {
		dp_meta(pkts[i])->nh = res[i];
		rte_prefetch0(&nhs[res[i]]);
	}
}

// Most vectors are one group (a port's traffic, or all of it after an
// encapsulation): then the addresses are gathered in one pass without the
// grouping bookkeeping. Mixed vectors take lookup_groups.
void
dp_lookup(const struct dp_tables *t, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_meta *m0 = dp_meta(pkts[0]);
	const uint16_t vrf = m0->vrf;
	uint32_t res[DP_BURST];
	uint16_t i;

	if (m0->family == 4) {
		uint32_t ip4[DP_BURST];

		for (i = 0; i < n; i++) {
			const struct dp_meta *md = dp_meta(pkts[i]);
			uint32_t a;
			if (unlikely(md->vrf != vrf || md->family != 4))
				break;
			memcpy(&a, rte_pktmbuf_mtod_offset(pkts[i], const uint8_t *, 16), 4);
			ip4[i] = rte_be_to_cpu_32(a);
		}
		if (likely(i == n)) {
			lookup_bulk(t, vrf, 4, ip4, NULL, res, n);
			set_results(pkts, res, n);
			return;
		}
	} else {
		uint8_t ip6[DP_BURST][16];

		for (i = 0; i < n; i++) {
			const struct dp_meta *md = dp_meta(pkts[i]);
			if (unlikely(md->vrf != vrf || md->family != 6))
				break;
			memcpy(ip6[i], rte_pktmbuf_mtod_offset(pkts[i], const uint8_t *, 24), 16);
		}
		if (likely(i == n)) {
			lookup_bulk(t, vrf, 6, NULL, (const uint8_t(*)[16])ip6, res, n);
			set_results(pkts, res, n);
			return;
		}
	}
	lookup_groups(t, pkts, n);
}
