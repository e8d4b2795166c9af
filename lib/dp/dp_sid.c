// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Stage, local SIDs (RFC 8986 4): a packet whose destination is one of our
// SIDs (next hop DNH_SID, found by the same lookup as any route in the
// default VRF). Per packet: the SID's counters; the IPv6 extension headers
// walked (pkt_ip6_parse) and the SRH validated (RFC 8754 4.3.1.1: each
// failure has its drop reason or Parameter Problem pointer); then the
// behaviour:
//
//   End, End.X, End.T, End.B6.Encaps with SL > 0: hop limit, SL--, DA =
//     SRH[SL] (PSP pops the SRH at the penultimate SID); End looks up the new
//     DA in the default VRF, End.T in its table, End.X forwards to its
//     adjacency, End.B6.Encaps pushes its policy's encapsulation.
//   The same at SL = 0: USD decapsulates, USP pops the SRH; else the upper
//     layer (ICMPv6 echo is answered, anything else Parameter Problem).
//   End.DX4/DX6/DT4/DT6/DT46: must be the last segment; the outer header is
//     removed and the inner packet forwarded (DX*: to the adjacency) or looked
//     up in the SID's VRF (DT*), its own TTL decremented like any forwarded
//     packet.
//   End.DX2: the last segment; the inner Ethernet frame leaves on the SID's
//     port as it came (RFC 8986 4.9).
//   End.AS / End.AD (SR-unaware service proxies): End's step, then the
//     inner packet goes to the service unchanged (End.AD first keeps the
//     outer headers in its cache for the way back; dp_classify.c
//     re-imposes them on what the return port receives). End.AM: End's
//     step, the DA masqueraded as the last segment, the SRH kept.
//   A binding SID bound to an SR policy picks the flow's segment list.
//   hmac_required: the SRH's HMAC TLV verified first (RFC 8754 2.1.2.1).
//
// Reads: dp_meta nh (the DNH_SID next hop and its child), flags,
// flow_hash; the packet's IPv6 headers. Writes: the packet (SRH, DA, hop
// limit, or the outer header removed); dp_meta vrf, family, flags,
// encap_len, and nh = the child next hop for End.X / End.DX*.
//
// Next: End.X, End.DX4/DX6, End.AS/AD/AM to `fwd` (dp_fwd, same pass); End.DX2
// to its port's TX buffer; End, End.T,
// End.B6.Encaps, End.DT*, echo replies and ICMP errors to `next` (lookup).

#include <rte_ip.h>

#include "dp_ipsec.h"
#include "dp_stage.h"
#include "icmp.h"
#include "srh.h"
#include "srv6.h"

static __rte_cold int
param_problem(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, uint8_t code,
	      uint32_t pointer, enum dp_drop_reason r)
{
	return dp_icmp_error(lc, t, m, 4, code, pointer, r);
}

// An ICMPv6 echo request at the SID's upper layer becomes its reply in
// place (icmp6_echo_reply), ours: not aged again here.
static inline bool
sid_echo_reply(struct rte_mbuf *m, const struct pkt_ip6_info *info)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	if (info->ul_proto != IPPROTO_ICMP_V6 || info->ul_off >= m->data_len ||
	    d[info->ul_off] != 128 || icmp6_echo_reply(m) != 0)
		return false;
	dp_meta(m)->flags |= DP_F_NO_TTL_DEC;
	return true;
}

// RFC 8986 4.1.1: upper-layer header at a SID. ICMPv6 echo is allowed and
// answered; anything else gets Parameter Problem code 4 at the header.
static int
sid_upper_layer(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m,
		const struct pkt_ip6_info *info)
{
	if (sid_echo_reply(m, info))
		return DP_NEXT;
	if (info->ul_proto == IPPROTO_V4_IN_V6 || info->ul_proto == IPPROTO_V6_IN_V6)
		return param_problem(lc, t, m, 4, info->ul_off, DP_DROP_sid_sl_zero);
	return param_problem(lc, t, m, 4, info->ul_off, DP_DROP_sid_upper_layer);
}

// Remove the outer header: the inner packet is then forwarded like one that
// arrived in the target VRF, with its own TTL decremented at this node.
static int
decap(struct dp_lcore *lc, struct rte_mbuf *m, const struct pkt_ip6_info *info, int family)
{
	struct dp_meta *md = dp_meta(m);
	const uint8_t *d;

	if (srv6_decap(m, info->ul_off, family) < 0) {
		dp_drop(lc, m, DP_DROP_decap_truncated);
		return DP_DONE;
	}
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	if (family == 4) {
		uint16_t hl, tot;
		if (pkt_ip4_parse(d, m->data_len, &hl, &tot) != PKT_OK) {
			dp_drop(lc, m, DP_DROP_decap_truncated);
			return DP_DONE;
		}
	}
	md->family = (uint8_t)family;
	md->flags &= (uint8_t) ~(DP_F_NO_TTL_DEC | DP_F_HASHED);
	md->encap_len = 0;
	return DP_CONT;
}

// RFC 8754 2.1.2.1: a SID with hmac_required takes only packets whose SRH
// carries an HMAC TLV that verifies under one of our keys; anything else is
// dropped and counted (as Linux's seg6 require_hmac does). What the worker
// verified lately (lc->hmac_seen) passes without the SHA-256.
static inline bool
hmac_seen_match(const struct dp_hmac_seen *e, uint32_t gen, const uint8_t *src, const uint8_t *rh,
		const uint8_t *tlv)
{
	unsigned int n = rh[4] + 1u, diff = 0;

	if (e->gen != gen || e->n_segs != n || e->flags != rh[5] ||
	    e->key_id != pkt_get_be32(tlv + 4) || memcmp(e->src, src, 16) != 0 ||
	    memcmp(e->segs, rh + 8, 16u * n) != 0)
		return false;
	// the HMAC in constant time, as srh_hmac_verify compares it
	for (unsigned int i = 0; i < 32; i++)
		diff |= e->mac[i] ^ tlv[8 + i];
	return diff == 0;
}

static void
hmac_seen_add(struct dp_lcore *lc, uint32_t gen, const uint8_t *src, const uint8_t *rh,
	      const uint8_t *tlv)
{
	struct dp_hmac_seen *e = &lc->hmac_seen[lc->hmac_seen_next++ % DP_HMAC_SEEN];
	unsigned int n = rh[4] + 1u;

	if (n > DP_HMAC_SEEN_SEGS)
		return;
	e->gen = gen;
	e->key_id = pkt_get_be32(tlv + 4);
	e->n_segs = (uint8_t)n;
	e->flags = rh[5];
	memcpy(e->src, src, 16);
	memcpy(e->segs, rh + 8, 16u * n);
	memcpy(e->mac, tlv + 8, 32);
}

static __rte_noinline int
sid_hmac_check(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, const uint8_t *d,
	       const struct pkt_ip6_info *info)
{
	const uint8_t *rh = d + info->srh_off;
	uint32_t key_id;
	int off;

	if (info->srh_off == 0 || info->routing_type != 4 ||
	    (off = srh_hmac_tlv_find(rh, info->srh_len)) <= 0) {
		dp_drop(lc, m, DP_DROP_hmac_missing);
		return DP_DONE;
	}
	for (unsigned int i = 0; i < DP_HMAC_SEEN; i++)
		if (hmac_seen_match(&lc->hmac_seen[i], t->hmac_gen, d + 8, rh, rh + off))
			return DP_CONT;
	key_id = pkt_get_be32(rh + off + 4);
	for (uint16_t i = 0; i < t->n_hmac; i++) {
		if (t->hmac[i].key_id != key_id)
			continue;
		if (srh_hmac_verify(&t->hmac[i].k, d + 8, rh, (unsigned int)off) == 0) {
			hmac_seen_add(lc, t->hmac_gen, d + 8, rh, rh + off);
			return DP_CONT;
		}
		dp_drop(lc, m, DP_DROP_hmac_mismatch);
		return DP_DONE;
	}
	dp_drop(lc, m, DP_DROP_hmac_unknown_key);
	return DP_DONE;
}

// RFC 9800 4.1.1 / 4.2.1 / 4.3.1 (End, End.X, End.T with NEXT-C-SID): S01
// the DA's argument, the bits after this C-SID, is not zero...
static inline bool
csid_arg_nonzero(const uint8_t *ip6, const struct dp_nh *nh)
{
	const uint8_t *da = ip6 + 24;
	uint8_t any = 0;

	for (unsigned int i = nh->csid_block + nh->csid_bytes; i < 16; i++)
		any |= da[i];
	return any != 0;
}

// ...S05-S06: then the next C-SID moves up behind the block and the rest
// fills with zeros (the SRH, if any, is left alone).
static inline void
csid_shift(uint8_t *da, unsigned int block, unsigned int csid)
{
	memmove(da + block, da + block + csid, 16u - block - csid);
	memset(da + 16u - csid, 0, csid);
}

// RFC 8986 4.9 End.DX2 S03-S05: the outer headers off, the frame out of the
// SID's port as it is (no lookup, no MAC rewrite).
static int
end_dx2(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m,
	const struct pkt_ip6_info *info, const struct dp_nh *nh)
{
	const struct dp_port_meta *pm = &t->ports[nh->port];
	uint16_t frame = (uint16_t)(info->payload_end - info->ul_off);

	if (unlikely(info->payload_end < info->ul_off || frame < RTE_ETHER_HDR_LEN)) {
		dp_drop(lc, m, DP_DROP_decap_truncated);
		return DP_DONE;
	}
	if (unlikely(!pm->enabled)) {
		dp_drop(lc, m, DP_DROP_port_down);
		return DP_DONE;
	}
	// The port's MTU is its IP MTU: the frame may add Ethernet and one tag.
	if (unlikely(frame > pm->mtu + RTE_ETHER_HDR_LEN + 4u)) {
		dp_drop(lc, m, DP_DROP_mtu_exceeded);
		return DP_DONE;
	}
	rte_pktmbuf_adj(m, info->ul_off);
	if (m->data_len > frame)
		rte_pktmbuf_trim(m, (uint16_t)(m->data_len - frame));
	dp_tx_enqueue(lc, nh->port, m);
	return DP_DONE;
}

// End.DT2U / End.DT2M (RFC 8986 4.10, 4.11) into the bridge of nh->port:
// the inner source MAC is learnt behind the peer the packet came from (by
// its outer source address: a PE that is no peer of the bridge is
// refused); DT2U filters a destination learnt behind a peer (split
// horizon: never back into the core). The frame then leaves as End.DX2's.
static int
end_dt2(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m,
	const struct pkt_ip6_info *info, const struct dp_nh *nh)
{
	const struct dp_port_meta *pm = &t->ports[nh->port];
	struct dp_l2_table *tab = dp_g.l2_tables[nh->port];
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *), *in = d + info->ul_off;
	unsigned int k = 0;
	int where;

	if (unlikely(info->payload_end < info->ul_off + RTE_ETHER_HDR_LEN)) {
		dp_drop(lc, m, DP_DROP_decap_truncated);
		return DP_DONE;
	}
	while (k < pm->l2_peers && memcmp(pm->l2_peer_addr[k], d + 8, 16) != 0)
		k++;
	if (unlikely(k == pm->l2_peers || tab == NULL)) {
		dp_drop(lc, m, DP_DROP_l2vpn_unknown_peer);
		return DP_DONE;
	}
	if (!(in[6] & 1))
		dp_l2_learn(tab, in + 6, (uint16_t)(k + 1u), dp_g.l2_now_s);
	if (nh->behavior == SB_END_DT2U && !(in[0] & 1) && (where = dp_l2_lookup(tab, in)) > 0) {
		dp_drop(lc, m, DP_DROP_l2vpn_filtered);
		return DP_DONE;
	}
	return end_dx2(lc, t, m, info, nh);
}

// End.AD: keep the outer headers (d[0..ul_off), after End's step) for the
// traffic the service returns; the next-header byte in front of the inner
// packet is found by walking the (validated) extension headers.
static void
ad_cache_store(struct dp_ad_cache *c, const uint8_t *d, uint16_t ul_off)
{
	uint16_t nh_off = 6, off = PKT_IP6_HDR_LEN;
	uint32_t seq;

	while (off < ul_off) {
		nh_off = off;
		off = (uint16_t)(off + (d[off + 1] + 1u) * 8u);
	}
	// The usual case: the same headers as last time, nothing to write.
	if (c->len == ul_off && memcmp(c->hdr, d, ul_off) == 0)
		return;
	seq = __atomic_load_n(&c->seq, __ATOMIC_RELAXED);
	if ((seq & 1) != 0 || !__atomic_compare_exchange_n(&c->seq, &seq, seq + 1, false,
							   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return; // another worker is writing: the next packet updates
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(c->hdr, d, ul_off);
	c->nh_off = nh_off;
	__atomic_store_n(&c->len, ul_off, __ATOMIC_RELAXED);
	__atomic_store_n(&c->seq, seq + 2, __ATOMIC_RELEASE);
}

// End.AS / End.AD with SL > 0 (draft-ietf-spring-sr-service-programming
// 6.1.1 / 6.2.1): End's step (hop limit, SL--, DA = next segment), then the
// inner packet alone to the service, its own TTL untouched (the service is
// in the path, not a hop of ours).
static int
end_proxy(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m,
	  struct pkt_ip6_info *info, const struct dp_nh *nh)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	int fam, r;

	if (info->ul_proto == IPPROTO_V4_IN_V6)
		fam = 4;
	else if (info->ul_proto == IPPROTO_V6_IN_V6)
		fam = 6;
	else
		return param_problem(lc, t, m, 4, info->ul_off, DP_DROP_decap_bad_inner);
	if (unlikely(d[7] <= 1))
		return dp_icmp_error(lc, t, m, 3, 0, 0, DP_DROP_ip6_hop_limit_exceeded);
	d[7]--;
	if (srv6_end_advance(m, info, false) < 0) {
		dp_drop(lc, m, DP_DROP_srh_truncated);
		return DP_DONE;
	}
	if (nh->behavior == SB_END_AD) {
		if (unlikely(info->ul_off > DP_AD_HDR_MAX)) {
			dp_drop(lc, m, DP_DROP_proxy_header_too_long);
			return DP_DONE;
		}
		ad_cache_store(&dp_g.ad_cache[nh->sid_counter], d, info->ul_off);
	}
	r = decap(lc, m, info, fam);
	if (r != DP_CONT)
		return r;
	dp_meta(m)->flags |= DP_F_NO_TTL_DEC;
	dp_meta(m)->nh = nh->child;
	return DP_FWD;
}

static inline int
sid_exec(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, const struct dp_nh *nh,
	 bool opened)
{
	struct dp_meta *md = dp_meta(m);
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct pkt_ip6_info info;
	uint8_t sl = 0;
	bool o_flag = false;
	int r, fam;

	// opened: ESP this SID has just decrypted, back for its behaviour; it
	// was counted on its way in.
	if (likely(!opened)) {
		lc->stats.sid_packets[nh->sid_counter]++;
		lc->stats.sid_bytes[nh->sid_counter] += m->pkt_len;
	}

	if (unlikely(pkt_ip6_parse(d, m->data_len, &info) != PKT_OK)) {
		// An SRH right after the fixed header that overruns the packet.
		dp_drop(lc, m,
			d[6] == IPPROTO_ROUTING ? DP_DROP_srh_truncated : DP_DROP_ip6_ext_bad);
		return DP_DONE;
	}
	if (info.srh_off != 0) {
		const uint8_t *rh = d + info.srh_off;
		if (info.routing_type != 4) {
			// RFC 8200 4.4: unknown routing type with SL > 0.
			if (rh[3] != 0)
				return param_problem(lc, t, m, 0, info.srh_off + 2u,
						     DP_DROP_routing_type_unknown);
		} else {
			switch (srh_validate(rh, info.payload_end - info.srh_off)) {
			case SRH_OK:
				break;
			case SRH_ERR_TRUNC:
				dp_drop(lc, m, DP_DROP_srh_truncated);
				return DP_DONE;
			case SRH_ERR_BAD_LENGTH:
				// RFC 8986 4.1 S10-S11: Last Entry beyond what Hdr Ext Len
				// holds points at Segments Left, as SL > Last Entry + 1 does.
				return param_problem(lc, t, m, 0, info.srh_off + 3u,
						     DP_DROP_srh_bad_length);
			case SRH_ERR_SL_EXCEEDS_LIST:
				// RFC 8754 4.3.1.1: pointer at Segments Left.
				return param_problem(lc, t, m, 0, info.srh_off + 3u,
						     DP_DROP_srh_sl_exceeds_list);
			case SRH_ERR_BAD_TLV:
				return param_problem(lc, t, m, 0,
						     info.srh_off + 8u + 16u * (rh[4] + 1u),
						     DP_DROP_srh_bad_tlv);
			default:
				return param_problem(lc, t, m, 0, info.srh_off + 2u,
						     DP_DROP_routing_type_unknown);
			}
			sl = rh[3];
			// RFC 9259 2.1.1: O-flag packets are counted at each SID,
			// and copied (as received, time-stamped) to oam captures.
			if (unlikely(rh[5] & DP_SRH_FLAG_O) && !opened) {
				o_flag = true;
				lc->stats.sid_oam[nh->sid_counter]++;
				if (unlikely(dp_g.capture_on[md->rx_port] & DP_CAPTURE_OAM))
					dp_capture_copy_l3(lc, t, m, DP_CAPTURE_OAM);
			}
		}
	}
	if (unlikely(nh->hmac_req) && (r = sid_hmac_check(lc, t, m, d, &info)) != DP_CONT)
		return r;
	// RFC 8200 4.5: what follows a Fragment header is only readable once
	// reassembled (an SRH behind it included), which srv6d does not do.
	if (unlikely(info.ul_proto == IPPROTO_FRAGMENT && sl == 0)) {
		dp_drop(lc, m, DP_DROP_ip6_fragment);
		return DP_DONE;
	}

	switch (nh->behavior) {
	case SB_END:
	case SB_END_X:
	case SB_END_T:
	case SB_END_B6_ENCAPS:
	case SB_END_B6_ENCAPS_RED:
		// (sid.add allows next-csid on End, End.X and End.T only.)
		if ((nh->flavors & SID_FL_NEXT_CSID) && !model_behavior_is_b6(nh->behavior) &&
		    csid_arg_nonzero(d, nh)) {
			if (unlikely(d[7] <= 1))
				return dp_icmp_error(lc, t, m, 3, 0, 0,
						     DP_DROP_ip6_hop_limit_exceeded);
			csid_shift(d + 24, nh->csid_block, nh->csid_bytes);
			d[7]--; // S07, then S08: End's lookup, End.X's adjacency
			md->flags |= DP_F_NO_TTL_DEC;
			goto after_end;
		}
		if (sl == 0) {
			if (model_behavior_is_b6(nh->behavior))
				return param_problem(lc, t, m, 0, info.srh_off + 3u,
						     DP_DROP_sid_sl_zero);
			// RFC 8986 4.16.3 USD: decapsulate at the last segment.
			if ((nh->flavors & SID_FL_USD) && (info.ul_proto == IPPROTO_V4_IN_V6 ||
							   info.ul_proto == IPPROTO_V6_IN_V6)) {
				fam = info.ul_proto == IPPROTO_V4_IN_V6 ? 4 : 6;
				r = decap(lc, m, &info, fam);
				if (r != DP_CONT)
					return r;
				goto after_end;
			}
			// RFC 8986 4.16.2 USP: pop the SRH, then the upper layer.
			if ((nh->flavors & SID_FL_USP) && info.srh_off != 0) {
				if (srv6_srh_remove(m, &info) < 0 ||
				    pkt_ip6_parse(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len,
						  &info) != PKT_OK) {
					dp_drop(lc, m, DP_DROP_srh_truncated);
					return DP_DONE;
				}
			}
			return sid_upper_layer(lc, t, m, &info);
		}
		// RFC 8986 4.1 S01-S15: hop limit, SL--, DA = SRH[SL].
		if (unlikely(d[7] <= 1))
			return dp_icmp_error(lc, t, m, 3, 0, 0, DP_DROP_ip6_hop_limit_exceeded);
		d[7]--;
		md->flags |= DP_F_NO_TTL_DEC;
		// RFC 8986 4.16.1 PSP: the penultimate SID removes the SRH.
		if (srv6_end_advance(m, &info, (nh->flavors & SID_FL_PSP) && sl == 1) < 0) {
			dp_drop(lc, m, DP_DROP_srh_truncated);
			return DP_DONE;
		}
		if (model_behavior_is_b6(nh->behavior)) {
			// RFC 8986 4.13 / 4.14: the updated packet goes into a new SR
			// policy (the template is reduced for .Red).
			const struct dp_nh *enc = &dp_g.nh[nh->child];
			uint32_t h;
			// a policy of several lists: the list of the flow inside (its
			// label, else its addresses and ports; RFC 9256 6, RFC 6438)
			if (enc->type == DNH_ECMP) {
				if (!pkt_tunnel_hash(d, m->data_len, &h))
					h = dp_flow_hash(m);
				enc = &dp_g.nh[enc->slots[((uint64_t)h * enc->n_slots) >> 32]];
			} else {
				h = dp_flow_hash(m);
			}
			if (srv6_encap_push(m, &enc->tmpl, IPPROTO_V6_IN_V6, h) < 0) {
				dp_drop(lc, m, DP_DROP_no_headroom);
				return DP_DONE;
			}
			md->vrf = MODEL_DEFAULT_VRF;
			return DP_NEXT;
		}
	after_end:
		if (nh->behavior == SB_END_X) {
			md->nh = nh->child;
			return DP_FWD;
		}
		md->vrf = nh->behavior == SB_END_T ? nh->vrf : MODEL_DEFAULT_VRF;
		return DP_NEXT;

	case SB_END_DX4:
	case SB_END_DX6:
	case SB_END_DT4:
	case SB_END_DT6:
	case SB_END_DT46:
		// RFC 8986 4.4-4.8 S02: a decapsulating SID must be the last one.
		if (unlikely(sl != 0))
			return param_problem(lc, t, m, 0, info.srh_off + 3u,
					     DP_DROP_srh_sl_exceeds_list);
		if (info.ul_proto == IPPROTO_V4_IN_V6 &&
		    (nh->behavior == SB_END_DX4 || nh->behavior == SB_END_DT4 ||
		     nh->behavior == SB_END_DT46))
			fam = 4;
		else if (info.ul_proto == IPPROTO_V6_IN_V6 &&
			 (nh->behavior == SB_END_DX6 || nh->behavior == SB_END_DT6 ||
			  nh->behavior == SB_END_DT46))
			fam = 6;
		else if (info.ul_proto == IPPROTO_ICMP_V6)
			return sid_upper_layer(lc, t, m, &info);
		else if (info.ul_proto == IPPROTO_ESP && !opened) {
			// Mode srv6 (dp_ipsec.c): decrypted with the burst's other
			// ESP for its SA, then back here for the behaviour.
			m->l3_len = info.ul_off;
			return DP_ESP;
		} else
			return param_problem(lc, t, m, 4, info.ul_off, DP_DROP_decap_bad_inner);
		r = decap(lc, m, &info, fam);
		if (r != DP_CONT)
			return r;
		if (nh->behavior == SB_END_DX4 || nh->behavior == SB_END_DX6) {
			md->nh = nh->child;
			return DP_FWD;
		}
		md->vrf = nh->vrf;
		return DP_NEXT;

	case SB_END_DX2:
	case SB_END_DT2U:
	case SB_END_DT2M:
		// RFC 8986 4.9-4.11 S02: the last segment, with an Ethernet frame inside.
		if (unlikely(sl != 0))
			return param_problem(lc, t, m, 0, info.srh_off + 3u,
					     DP_DROP_srh_sl_exceeds_list);
		if (info.ul_proto == IPPROTO_ETHERNET)
			return nh->behavior == SB_END_DX2 ? end_dx2(lc, t, m, &info, nh)
							  : end_dt2(lc, t, m, &info, nh);
		if (info.ul_proto == IPPROTO_ICMP_V6)
			return sid_upper_layer(lc, t, m, &info);
		return param_problem(lc, t, m, 4, info.ul_off, DP_DROP_decap_bad_inner);

	case SB_END_AS:
	case SB_END_AD:
		// A proxy SID is never the last: its service hands the packet back
		// for the segments that follow.
		if (sl == 0)
			return sid_upper_layer(lc, t, m, &info);
		return end_proxy(lc, t, m, &info, nh);

	case SB_END_AM:
		// draft-ietf-spring-sr-service-programming 6.4.1: End's step, then
		// the DA masqueraded as the last segment (SRH[0]) for a service
		// that routes on it; the SRH stays for the way back.
		if (sl == 0)
			return sid_upper_layer(lc, t, m, &info);
		if (unlikely(d[7] <= 1))
			return dp_icmp_error(lc, t, m, 3, 0, 0, DP_DROP_ip6_hop_limit_exceeded);
		d[7]--;
		if (srv6_end_advance(m, &info, false) < 0) {
			dp_drop(lc, m, DP_DROP_srh_truncated);
			return DP_DONE;
		}
		memcpy(d + 24, d + info.srh_off + 8, 16);
		md->flags |= DP_F_NO_TTL_DEC;
		md->nh = nh->child;
		return DP_FWD;

	case SB_END_OP:
		// OAM Endpoint with Punt: at any Segments Left the packet is this
		// node's OAM processing's, seen by oam captures (once: the O-flag
		// copied it already). It answers an echo request from the SID, on
		// the worker: probes cost the control thread nothing.
		if (!o_flag && unlikely(dp_g.capture_on[md->rx_port] & DP_CAPTURE_OAM))
			dp_capture_copy_l3(lc, t, m, DP_CAPTURE_OAM);
		if (sid_echo_reply(m, &info))
			return DP_NEXT;
		dp_drop(lc, m, DP_DROP_oam_op_unhandled);
		return DP_DONE;
	}
	dp_drop(lc, m, DP_DROP_local_unhandled);
	return DP_DONE;
}

// sid_exec over m[], each result to its vector; ESP to decrypt into esp[]
// (never with opened). Returns how many went to esp[].
static uint16_t
run_sids(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *const *m, uint16_t n,
	 bool opened, struct dp_vec *next, struct dp_vec *fwd, struct rte_mbuf **esp)
{
	const struct dp_nh *nhs = dp_g.nh;
	uint16_t n_esp = 0;

	for (uint16_t i = 0; i < n; i++) {
		int r = sid_exec(lc, t, m[i], &nhs[dp_meta(m[i])->nh], opened);

		if (r == DP_NEXT)
			dp_vec_push(next, m[i]);
		else if (r == DP_FWD)
			dp_vec_push(fwd, m[i]);
		else if (unlikely(r == DP_ESP))
			esp[n_esp++] = m[i];
	}
	return n_esp;
}

void
dp_sid(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in, struct dp_vec *next,
       struct dp_vec *fwd)
{
	struct rte_mbuf *esp[DP_BURST];
	struct dp_vec opened = {.n = 0};
	uint16_t n_esp;

	n_esp = run_sids(lc, t, in->m, in->n, false, next, fwd, esp);
	if (likely(n_esp == 0))
		return;
	// Decrypted, the packets are still at their SID (the DA did not change):
	// its behaviour applies now, without another lookup. ESP found inside
	// again is not ours to open (a parameter problem, decap_bad_inner).
	dp_ipsec_in_srv6(lc, esp, n_esp, &opened);
	run_sids(lc, t, opened.m, opened.n, true, next, fwd, NULL);
}
