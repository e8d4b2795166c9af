// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Stage, headend: H.Encaps and H.Encaps.Red (RFC 8986 5.1, 5.2) for a
// customer packet whose route's next hop is an SR policy (DNH_ENCAP). The
// customer packet is forwarded by this node, so its TTL / hop limit is
// decremented first (ICMP time exceeded when it runs out); then the outer
// IPv6 header and SRH are prepended from the next hop's precomputed template
// (srv6_encap_push: one copy, then payload length, flow label from the flow
// hash, hop limit and next header), and the packet goes round again for the
// underlay lookup of the first segment in the default VRF.
//
// Reads: dp_meta nh (the DNH_ENCAP next hop), family, flags, flow_hash.
// Writes: flags (DP_F_NO_TTL_DEC, DP_F_HASHED), flow_hash, encap_len (so a
// too-big error can strip our header again), family = 6, vrf = default.
//
// Next: `next` (dp_lookup, then usually dp_fwd).

#include "dp_ipsec.h"
#include "dp_stage.h"
#include "srv6.h"

static inline int
headend(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, const struct dp_nh *nh)
{
	struct dp_meta *md = dp_meta(m);
	uint32_t h;
	int r = dp_ttl_dec(lc, t, m);

	if (unlikely(r != DP_CONT))
		return r;
	if (nh->tmpl.insert) {
		// H.Insert: the packet keeps its IPv6 header, our SRH goes in.
		if (unlikely(srv6_insert_push(m, &nh->tmpl) < 0)) {
			dp_drop(lc, m, DP_DROP_insert_refused);
			return DP_DONE;
		}
		md->encap_len = nh->tmpl.len;
		md->flags |= DP_F_INSERTED;
		md->vrf = MODEL_DEFAULT_VRF;
		return DP_NEXT;
	}
	h = dp_flow_hash(m);
	if (unlikely(srv6_encap_push(m, &nh->tmpl,
				     md->family == 4 ? IPPROTO_V4_IN_V6 : IPPROTO_V6_IN_V6,
				     h) < 0)) {
		dp_drop(lc, m, DP_DROP_no_headroom);
		return DP_DONE;
	}
	md->encap_len = nh->tmpl.len;
	md->family = 6;
	md->vrf = MODEL_DEFAULT_VRF;
	return DP_NEXT;
}

void
dp_headend(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in,
	   struct dp_vec *next)
{
	const struct dp_nh *nhs = dp_g.nh;
	struct rte_mbuf *esp[DP_BURST];
	uint16_t esp_sa[DP_BURST], n_esp = 0;

	for (uint16_t i = 0; i < in->n; i++) {
		struct rte_mbuf *m = in->m[i];
		const struct dp_nh *nh = &nhs[dp_meta(m)->nh];
		if (unlikely(headend(lc, t, m, nh) != DP_NEXT))
			continue;
		if (likely(nh->ipsec_sa1 == 0)) {
			dp_vec_push(next, m);
		} else {
			// Protected by an SA (doc/api.md, IPsec): ESP in one go per run
			// of packets for the same SA (dp_ipsec.c).
			esp[n_esp] = m;
			esp_sa[n_esp++] = (uint16_t)(nh->ipsec_sa1 - 1);
		}
	}
	if (unlikely(n_esp != 0))
		dp_ipsec_out(lc, t, esp, esp_sa, n_esp, next);
}
