// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// ICMP errors, for every stage (cold: none of this runs for a packet that
// is forwarded). A stage that refuses a packet with an ICMP error calls
// dp_icmp_error (or dp_icmp_no_route, dp_icmp_too_big): the drop reason is
// counted, then the packet is rewritten in place into the error, from our
// address in the VRF it was being forwarded in (dp_tables.vrfs), and handed
// back as DP_NEXT: the stage puts it in its `next` vector and the next pass
// looks it up toward its source. Rate-limited per worker (1000/s, burst 200);
// a suppressed error is freed and counted as icmp_rate_limited too.
//
// Reads: dp_meta family, vrf, in_vrf, encap_len, rx_port. Writes: flags
// (DP_F_NO_TTL_DEC: the error is ours, not forwarded), encap_len, and for a
// too-big packet we encapsulated, vrf and family of the customer packet.

#include <stdbool.h>

#include <rte_cycles.h>

#include "dp_stage.h"
#include "icmp.h"
#include "srv6.h"

#define ICMP_RATE_PER_SEC 1000
#define ICMP_BURST 200

void
dp_icmp_init(struct dp_lcore *lc)
{
	lc->icmp_tokens = ICMP_BURST;
	lc->icmp_last_tsc = rte_rdtsc();
}

static __rte_noinline __rte_cold bool
icmp_token(struct dp_lcore *lc)
{
	uint64_t now = rte_rdtsc();
	uint64_t add = (now - lc->icmp_last_tsc) * ICMP_RATE_PER_SEC / dp_g.tsc_hz;

	if (add > 0) {
		lc->icmp_tokens = RTE_MIN(lc->icmp_tokens + add, (uint64_t)ICMP_BURST);
		lc->icmp_last_tsc = now;
	}
	if (lc->icmp_tokens == 0)
		return false;
	lc->icmp_tokens--;
	return true;
}

// Count the drop, then turn the packet into an ICMP error toward its source,
// looked up in the VRF the packet was being forwarded in, from our address there.
__rte_noinline __rte_cold int
dp_icmp_error(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, uint8_t type,
	      uint8_t code, uint32_t info, enum dp_drop_reason r)
{
	struct dp_meta *md = dp_meta(m);
	const struct dp_vrf_meta *vm = &t->vrfs[md->vrf];
	int rc;

	lc->stats.drops[r]++;
	lc->stats.port_drops[md->rx_port]++;
	if (md->family == 4) {
		if (!vm->has_src4 || !icmp_token(lc))
			goto suppressed;
		rc = icmp4_error_build(m, type, code, info, vm->src4);
	} else {
		if (!vm->has_src6 || !icmp_token(lc))
			goto suppressed;
		rc = icmp6_error_build(m, type, code, info, vm->src6);
	}
	if (rc < 0)
		goto suppressed;
	md->flags = DP_F_NO_TTL_DEC;
	md->encap_len = 0;
	return DP_NEXT;
suppressed:
	lc->stats.drops[DP_DROP_icmp_rate_limited]++;
	dp_free_later(lc, m);
	return DP_DONE;
}

__rte_noinline __rte_cold int
dp_icmp_no_route(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m)
{
	if (dp_meta(m)->family == 4)
		return dp_icmp_error(lc, t, m, 3, 0, 0, DP_DROP_ip4_no_route);
	return dp_icmp_error(lc, t, m, 1, 0, 0, DP_DROP_ip6_no_route);
}

// Too big for the egress MTU. A packet we encapsulated is reported to the
// customer's source with the MTU left for the customer packet (seed 002:
// PMTU discovery must see the tunnel's real overhead).
__rte_noinline __rte_cold int
dp_icmp_too_big(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, uint32_t mtu)
{
	struct dp_meta *md = dp_meta(m);
	const uint8_t *d;

	if (md->encap_len != 0 && (md->flags & DP_F_INSERTED)) {
		// H.Insert: the packet as its source sent it, without our SRH.
		srv6_insert_undo(m, md->encap_len);
		mtu = mtu > md->encap_len ? mtu - md->encap_len : 0;
		md->encap_len = 0;
		md->flags &= (uint8_t)~DP_F_INSERTED;
		md->vrf = md->in_vrf;
	} else if (md->encap_len != 0) {
		rte_pktmbuf_adj(m, md->encap_len);
		mtu = mtu > md->encap_len ? mtu - md->encap_len : 0;
		md->encap_len = 0;
		md->vrf = md->in_vrf;
		md->family = (rte_pktmbuf_mtod(m, const uint8_t *)[0] >> 4) == 4 ? 4 : 6;
	}
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	if (md->family == 4) {
		// We do not fragment: without DF the packet is dropped silently.
		if (!(d[6] & 0x40)) {
			dp_drop(lc, m, DP_DROP_mtu_exceeded);
			return DP_DONE;
		}
		// RFC 791: every IPv4 host takes 68 bytes.
		return dp_icmp_error(lc, t, m, 3, 4, RTE_MAX(mtu, 68u), DP_DROP_mtu_exceeded);
	}
	// RFC 8201 4: a host does not go below 1280 whatever we announce; a WAN
	// MTU too small for 1280 plus our headers (doc/api.md) still drops, counted.
	return dp_icmp_error(lc, t, m, 2, 0, RTE_MAX(mtu, 1280u), DP_DROP_mtu_exceeded);
}
