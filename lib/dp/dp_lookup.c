// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Stage 2, lookup: the FIB lookup of every packet in the vector, one bulk
// call per (VRF, family) group present, on the destination address of the
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

void
dp_lookup(const struct dp_tables *t, struct rte_mbuf **pkts, uint16_t n)
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
		if (fam == 4 && t->fib4[vrf] != NULL)
			fib_lookup4_bulk(t->fib4[vrf], ip4, res, k);
		else if (fam == 6 && t->fib6[vrf] != NULL)
			fib_lookup6_bulk(t->fib6[vrf], (const uint8_t(*)[16])ip6, res, k);
		else
			memset(res, 0, sizeof(res[0]) * k);
		for (uint16_t j = 0; j < k; j++) {
			dp_meta(pkts[idx[j]])->nh = res[j];
			rte_prefetch0(&dp_g.nh[res[j]]);
		}
	}
}
