// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The worker: run-to-completion over bursts. Each burst is classified, then
// goes through at most DP_MAX_PASSES rounds of "bulk FIB lookup, execute the
// next hop". Executing may finish a packet (TX, drop, punt) or send it round
// again with a new (VRF, destination): after encapsulation (underlay lookup),
// decapsulation (VRF lookup), End (next segment) or when we turn it into an
// ICMP error or echo reply (lookup toward its source).
//
// Workers touch only their struct dp_lcore, the published table side and the
// immutable next-hop objects; they never lock, allocate or log, and make no
// syscall but the idle sleep (dp_idle.h), which only a worker that found
// nothing to do for a while takes.

#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_prefetch.h>

#include "dp_idle.h"
#include "dp_priv.h"
#include "fib.h"
#include "icmp.h"
#include "pkt.h"
#include "srh.h"
#include "srv6.h"

enum exec_result {
	R_DONE, // queued for TX, dropped or punted
	R_NEXT, // look up again with the updated metadata
	R_CONT, // internal: keep going
};

#define ICMP_RATE_PER_SEC 1000
#define ICMP_BURST 200

#define IPPROTO_V4_IN_V6 4
#define IPPROTO_V6_IN_V6 41
#define IPPROTO_ICMP_V6 58

// Freed in bulk at the end of the burst.
static inline void
free_later(struct dp_lcore *lc, struct rte_mbuf *m)
{
	lc->drop[lc->n_drop++] = m;
	if (unlikely(lc->n_drop == RTE_DIM(lc->drop))) {
		rte_pktmbuf_free_bulk(lc->drop, lc->n_drop);
		lc->n_drop = 0;
	}
}

static inline void
drop(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_drop_reason r)
{
	lc->stats.drops[r]++;
	lc->stats.port_drops[dp_meta(m)->rx_port]++;
	free_later(lc, m);
}

static inline void
punt(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_punt why)
{
	dp_meta(m)->punt = (uint8_t)why;
	if (unlikely(rte_ring_mp_enqueue(dp_g.punt_ring, m) != 0))
		drop(lc, m, DP_DROP_ctl_ring_full);
}

static void
tx_flush_port(struct dp_lcore *lc, uint16_t port)
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

static inline void
tx_enqueue(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	struct dp_txbuf *b = &lc->tx[port];

	dp_capture_tap(lc, m, port, DP_CAPTURE_TX);
	b->pkts[b->n++] = m;
	lc->tx_pending |= 1ull << port;
	if (unlikely(b->n == DP_BURST))
		tx_flush_port(lc, port);
}

static void
tx_flush_all(struct dp_lcore *lc)
{
	uint64_t pending = lc->tx_pending;

	RTE_BUILD_BUG_ON(RTE_MAX_ETHPORTS > 64); // one pending bit per port
	while (pending != 0) {
		uint16_t port = (uint16_t)__builtin_ctzll(pending);
		pending &= pending - 1;
		if (lc->tx[port].n != 0)
			tx_flush_port(lc, port);
	}
	lc->tx_pending = 0;
}

static inline uint32_t
flow_hash(struct rte_mbuf *m)
{
	struct dp_meta *md = dp_meta(m);

	if (!(md->flags & DP_F_HASHED)) {
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		md->flow_hash = md->family == 4 ? pkt_flow_hash4(d, m->data_len)
						: pkt_flow_hash6(d, m->data_len);
		md->flags |= DP_F_HASHED;
	}
	return md->flow_hash;
}

// --- ICMP (cold) ---------------------------------------------------------------------

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
static __rte_noinline __rte_cold int
icmp_error(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, uint8_t type,
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
	return R_NEXT;
suppressed:
	lc->stats.drops[DP_DROP_icmp_rate_limited]++;
	free_later(lc, m);
	return R_DONE;
}

static __rte_noinline __rte_cold int
no_route(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m)
{
	if (dp_meta(m)->family == 4)
		return icmp_error(lc, t, m, 3, 0, 0, DP_DROP_ip4_no_route);
	return icmp_error(lc, t, m, 1, 0, 0, DP_DROP_ip6_no_route);
}

// Too big for the egress MTU. A packet we encapsulated is reported to the
// customer's source with the MTU left for the customer packet (seed 002:
// PMTU discovery must see the tunnel's real overhead).
static __rte_noinline __rte_cold int
too_big(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, uint32_t mtu)
{
	struct dp_meta *md = dp_meta(m);
	const uint8_t *d;

	if (md->encap_len != 0) {
		rte_pktmbuf_adj(m, md->encap_len);
		mtu -= md->encap_len;
		md->encap_len = 0;
		md->vrf = md->in_vrf;
		md->family = (rte_pktmbuf_mtod(m, const uint8_t *)[0] >> 4) == 4 ? 4 : 6;
	}
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	if (md->family == 4) {
		// We do not fragment: without DF the packet is dropped silently.
		if (!(d[6] & 0x40)) {
			drop(lc, m, DP_DROP_mtu_exceeded);
			return R_DONE;
		}
		return icmp_error(lc, t, m, 3, 4, mtu, DP_DROP_mtu_exceeded);
	}
	return icmp_error(lc, t, m, 2, 0, mtu, DP_DROP_mtu_exceeded);
}

// --- forwarding ---------------------------------------------------------------------

// Long segment lists can use up the headroom: shift the packet into the
// tailroom so the Ethernet header still fits.
static __rte_noinline __rte_cold struct rte_ether_hdr *
prepend_slow(struct rte_mbuf *m, uint16_t len)
{
	uint16_t dlen = rte_pktmbuf_data_len(m);
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);

	if (m->nb_segs != 1 || rte_pktmbuf_tailroom(m) < len)
		return NULL;
	memmove(d + len, d, dlen);
	m->data_off = (uint16_t)(m->data_off + len);
	return (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, len);
}

// Decrement TTL / hop limit of a packet forwarded by this node.
static inline int
ttl_dec(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m)
{
	struct dp_meta *md = dp_meta(m);
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);

	if (md->flags & DP_F_NO_TTL_DEC)
		return R_CONT;
	md->flags |= DP_F_NO_TTL_DEC;
	if (md->family == 4) {
		if (unlikely(d[8] <= 1))
			return icmp_error(lc, t, m, 11, 0, 0, DP_DROP_ip4_ttl_exceeded);
		// RFC 1624 incremental update, as Linux ip_decrease_ttl().
		uint16_t ck;
		memcpy(&ck, d + 10, 2);
		uint32_t c = (uint32_t)ck + rte_cpu_to_be_16(0x0100);
		ck = (uint16_t)(c + (c >= 0xffff));
		memcpy(d + 10, &ck, 2);
		d[8]--;
	} else {
		if (unlikely(d[7] <= 1))
			return icmp_error(lc, t, m, 3, 0, 0, DP_DROP_ip6_hop_limit_exceeded);
		d[7]--;
	}
	return R_CONT;
}

static inline int
forward(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, const struct dp_nh *nh)
{
	struct dp_meta *md = dp_meta(m);
	const struct dp_port_meta *pm = &t->ports[nh->port];
	struct rte_ether_hdr *eh;
	uint64_t w;
	int r = ttl_dec(lc, t, m);

	if (unlikely(r != R_CONT))
		return r;
	if (unlikely(!pm->enabled)) {
		drop(lc, m, DP_DROP_port_down);
		return R_DONE;
	}
	if (unlikely(m->pkt_len > pm->mtu))
		return too_big(lc, t, m, pm->mtu);
	w = __atomic_load_n(&dp_g.neigh_mac[nh->neigh], __ATOMIC_ACQUIRE);
	if (unlikely(!(w & DP_NEIGH_VALID))) {
		md->neigh = nh->neigh;
		md->tx_port = nh->port;
		punt(lc, m, DP_PUNT_HOLD);
		return R_DONE;
	}
	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));
	if (unlikely(eh == NULL)) {
		eh = prepend_slow(m, sizeof(*eh));
		if (eh == NULL) {
			drop(lc, m, DP_DROP_no_headroom);
			return R_DONE;
		}
	}
	memcpy(&eh->dst_addr, &w, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&pm->mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(md->family == 4 ? RTE_ETHER_TYPE_IPV4
							  : RTE_ETHER_TYPE_IPV6);
	tx_enqueue(lc, nh->port, m);
	return R_DONE;
}

static int
resolve(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, const struct dp_nh *nh)
{
	int r = ttl_dec(lc, t, m);

	if (unlikely(r != R_CONT))
		return r;
	if (unlikely(m->pkt_len > t->ports[nh->port].mtu))
		return too_big(lc, t, m, t->ports[nh->port].mtu);
	dp_meta(m)->tx_port = nh->port;
	punt(lc, m, DP_PUNT_RESOLVE);
	return R_DONE;
}

// Addressed to one of our own addresses: echo replies here, ND to control.
static int
local(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m)
{
	struct dp_meta *md = dp_meta(m);
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len;

	if (md->family == 4) {
		uint32_t ihl = (d[0] & 0xfu) * 4u;
		if (d[9] == IPPROTO_ICMP && len >= ihl + 8 && d[ihl] == 8 &&
		    icmp4_echo_reply(m) == 0) {
			md->flags |= DP_F_NO_TTL_DEC;
			return R_NEXT;
		}
	} else {
		struct pkt_ip6_info info;
		if (pkt_ip6_parse(d, len, &info) != PKT_OK) {
			drop(lc, m, DP_DROP_ip6_ext_bad);
			return R_DONE;
		}
		// RFC 8200 4.4: an unrecognised routing type with segments left.
		if (info.srh_off != 0 && info.routing_type != 4 && d[info.srh_off + 3] != 0)
			return icmp_error(lc, t, m, 4, 0, info.srh_off + 2u,
					  DP_DROP_routing_type_unknown);
		if (info.ul_proto == IPPROTO_ICMP_V6 && info.ul_off < len) {
			uint8_t type = d[info.ul_off];
			if (type == 128 && icmp6_echo_reply(m) == 0) {
				md->flags |= DP_F_NO_TTL_DEC;
				return R_NEXT;
			}
			if (type >= 133 && type <= 137) {
				punt(lc, m, DP_PUNT_ND);
				return R_DONE;
			}
		}
	}
	// Not ours to serve: the kernel's, when the port has a host interface.
	if (dp_g.host_on[md->rx_port]) {
		punt(lc, m, DP_PUNT_HOST);
		return R_DONE;
	}
	drop(lc, m, DP_DROP_local_unhandled);
	return R_DONE;
}

// H.Encaps / H.Encaps.Red (RFC 8986 5.1, 5.2): the customer packet is
// forwarded (TTL decremented) and wrapped; the underlay lookup follows.
static inline int
headend(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, const struct dp_nh *nh)
{
	struct dp_meta *md = dp_meta(m);
	uint32_t h;
	int r = ttl_dec(lc, t, m);

	if (unlikely(r != R_CONT))
		return r;
	h = flow_hash(m);
	if (unlikely(srv6_encap_push(m, &nh->tmpl,
				     md->family == 4 ? IPPROTO_V4_IN_V6 : IPPROTO_V6_IN_V6,
				     h) < 0)) {
		drop(lc, m, DP_DROP_no_headroom);
		return R_DONE;
	}
	md->encap_len = nh->tmpl.len;
	md->family = 6;
	md->vrf = MODEL_DEFAULT_VRF;
	return R_NEXT;
}

// --- local SIDs (RFC 8986 4) --------------------------------------------------------------

static __rte_cold int
param_problem(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, uint8_t code,
	      uint32_t pointer, enum dp_drop_reason r)
{
	return icmp_error(lc, t, m, 4, code, pointer, r);
}

// RFC 8986 4.1.1: upper-layer header at a SID. ICMPv6 echo is allowed and
// answered; anything else gets Parameter Problem code 4 at the header.
static int
sid_upper_layer(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m,
		const struct pkt_ip6_info *info)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	if (info->ul_proto == IPPROTO_ICMP_V6 && info->ul_off < m->data_len &&
	    d[info->ul_off] == 128 && icmp6_echo_reply(m) == 0) {
		dp_meta(m)->flags |= DP_F_NO_TTL_DEC;
		return R_NEXT;
	}
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
		drop(lc, m, DP_DROP_decap_truncated);
		return R_DONE;
	}
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	if (family == 4) {
		uint16_t hl, tot;
		if (pkt_ip4_parse(d, m->data_len, &hl, &tot) != PKT_OK) {
			drop(lc, m, DP_DROP_decap_truncated);
			return R_DONE;
		}
	}
	md->family = (uint8_t)family;
	md->flags &= (uint8_t)~(DP_F_NO_TTL_DEC | DP_F_HASHED);
	md->encap_len = 0;
	return R_CONT;
}

static int
sid_exec(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, const struct dp_nh *nh)
{
	struct dp_meta *md = dp_meta(m);
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct pkt_ip6_info info;
	uint8_t sl = 0;
	int r, fam;

	lc->stats.sid_packets[nh->sid_counter]++;
	lc->stats.sid_bytes[nh->sid_counter] += m->pkt_len;

	if (unlikely(pkt_ip6_parse(d, m->data_len, &info) != PKT_OK)) {
		// An SRH right after the fixed header that overruns the packet.
		drop(lc, m, d[6] == IPPROTO_ROUTING ? DP_DROP_srh_truncated : DP_DROP_ip6_ext_bad);
		return R_DONE;
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
				drop(lc, m, DP_DROP_srh_truncated);
				return R_DONE;
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
		}
	}

	switch (nh->behavior) {
	case SB_END:
	case SB_END_X:
	case SB_END_T:
	case SB_END_B6_ENCAPS:
		if (sl == 0) {
			if (nh->behavior == SB_END_B6_ENCAPS)
				return param_problem(lc, t, m, 0, info.srh_off + 3u,
						     DP_DROP_sid_sl_zero);
			// RFC 8986 4.16.3 USD: decapsulate at the last segment.
			if ((nh->flavors & SID_FL_USD) &&
			    (info.ul_proto == IPPROTO_V4_IN_V6 ||
			     info.ul_proto == IPPROTO_V6_IN_V6)) {
				fam = info.ul_proto == IPPROTO_V4_IN_V6 ? 4 : 6;
				r = decap(lc, m, &info, fam);
				if (r != R_CONT)
					return r;
				goto after_end;
			}
			// RFC 8986 4.16.2 USP: pop the SRH, then the upper layer.
			if ((nh->flavors & SID_FL_USP) && info.srh_off != 0) {
				if (srv6_srh_remove(m, &info) < 0 ||
				    pkt_ip6_parse(rte_pktmbuf_mtod(m, const uint8_t *),
						  m->data_len, &info) != PKT_OK) {
					drop(lc, m, DP_DROP_srh_truncated);
					return R_DONE;
				}
			}
			return sid_upper_layer(lc, t, m, &info);
		}
		// RFC 8986 4.1 S01-S15: hop limit, SL--, DA = SRH[SL].
		if (unlikely(d[7] <= 1))
			return icmp_error(lc, t, m, 3, 0, 0, DP_DROP_ip6_hop_limit_exceeded);
		d[7]--;
		md->flags |= DP_F_NO_TTL_DEC;
		// RFC 8986 4.16.1 PSP: the penultimate SID removes the SRH.
		if (srv6_end_advance(m, &info, (nh->flavors & SID_FL_PSP) && sl == 1) < 0) {
			drop(lc, m, DP_DROP_srh_truncated);
			return R_DONE;
		}
		if (nh->behavior == SB_END_B6_ENCAPS) {
			// RFC 8986 4.13: the updated packet goes into a new SR policy.
			const struct dp_nh *enc = &dp_g.nh[nh->child];
			if (srv6_encap_push(m, &enc->tmpl, IPPROTO_V6_IN_V6, flow_hash(m)) < 0) {
				drop(lc, m, DP_DROP_no_headroom);
				return R_DONE;
			}
			md->vrf = MODEL_DEFAULT_VRF;
			return R_NEXT;
		}
after_end:
		if (nh->behavior == SB_END_X)
			return forward(lc, t, m, &dp_g.nh[nh->child]);
		md->vrf = nh->behavior == SB_END_T ? nh->vrf : MODEL_DEFAULT_VRF;
		return R_NEXT;

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
		else
			return param_problem(lc, t, m, 4, info.ul_off, DP_DROP_decap_bad_inner);
		r = decap(lc, m, &info, fam);
		if (r != R_CONT)
			return r;
		if (nh->behavior == SB_END_DX4 || nh->behavior == SB_END_DX6)
			return forward(lc, t, m, &dp_g.nh[nh->child]);
		md->vrf = nh->vrf;
		return R_NEXT;
	}
	drop(lc, m, DP_DROP_local_unhandled);
	return R_DONE;
}

static inline int
exec(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m)
{
	const struct dp_nh *nh = &dp_g.nh[dp_meta(m)->nh];

	if (nh->type == DNH_ECMP) {
		uint32_t h = flow_hash(m);
		nh = &dp_g.nh[nh->slots[((uint64_t)h * nh->n_slots) >> 32]];
	}
	switch (nh->type) {
	case DNH_IP:
		return forward(lc, t, m, nh);
	case DNH_ENCAP:
		return headend(lc, t, m, nh);
	case DNH_SID:
		return sid_exec(lc, t, m, nh);
	case DNH_LOCAL:
		return local(lc, t, m);
	case DNH_RESOLVE:
		return resolve(lc, t, m, nh);
	case DNH_BLACKHOLE:
		drop(lc, m, DP_DROP_blackhole);
		return R_DONE;
	default:
		return no_route(lc, t, m);
	}
}

// --- lookup -------------------------------------------------------------------------

// Bulk lookups, one call per (VRF, family) group present in the vector.
static void
lookup(const struct dp_tables *t, struct rte_mbuf **pkts, uint16_t n)
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

// --- classify -----------------------------------------------------------------------

static inline bool
classify(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m)
{
	struct dp_meta *md = dp_meta(m);
	uint16_t port = m->port;
	const struct dp_port_meta *pm = &t->ports[port];
	const struct rte_ether_hdr *eh;
	uint16_t et, l2, hl, tot;
	const uint8_t *d;
	uint32_t len;

	lc->stats.rx_packets[port]++;
	lc->stats.rx_bytes[port] += m->pkt_len;
	dp_capture_tap(lc, m, port, DP_CAPTURE_RX);
	md->rx_port = port;
	md->in_vrf = md->vrf = pm->vrf;
	md->flags = 0;
	md->passes = 0;
	md->encap_len = 0;
	md->punt = DP_PUNT_NONE;
	if (unlikely(m->nb_segs > 1) && rte_pktmbuf_linearize(m) < 0) {
		drop(lc, m, DP_DROP_eth_truncated);
		return false;
	}
	if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH) {
		md->flow_hash = m->hash.rss;
		md->flags |= DP_F_HASHED;
	}
	if (unlikely(!pm->enabled)) {
		drop(lc, m, DP_DROP_port_down);
		return false;
	}
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	if (unlikely(pkt_eth_parse(d, m->data_len, &et, &l2) != PKT_OK)) {
		drop(lc, m, DP_DROP_eth_truncated);
		return false;
	}
	eh = (const struct rte_ether_hdr *)d;
	if (unlikely(!rte_is_multicast_ether_addr(&eh->dst_addr) &&
		     !rte_is_same_ether_addr(&eh->dst_addr, &pm->mac))) {
		drop(lc, m, DP_DROP_eth_other_host);
		return false;
	}
	rte_pktmbuf_adj(m, l2);
	d += l2;
	len = m->data_len;

	switch (et) {
	case RTE_ETHER_TYPE_IPV6:
		if (unlikely(len < 40)) {
			drop(lc, m, DP_DROP_ip6_truncated);
			return false;
		}
		if (unlikely((d[0] >> 4) != 6)) {
			drop(lc, m, DP_DROP_ip6_bad_header);
			return false;
		}
		tot = (uint16_t)(40u + ((uint32_t)d[4] << 8 | d[5]));
		if (unlikely(tot > len)) {
			drop(lc, m, DP_DROP_ip6_truncated);
			return false;
		}
		if (tot < len)
			rte_pktmbuf_trim(m, (uint16_t)(len - tot));
		md->family = 6;
		// Multicast and link-local destinations: only ND concerns us.
		if (unlikely(d[24] == 0xff || (d[24] == 0xfe && (d[25] & 0xc0) == 0x80))) {
			if (d[6] == IPPROTO_ICMP_V6)
				punt(lc, m, DP_PUNT_ND);
			else
				drop(lc, m, DP_DROP_local_unhandled);
			return false;
		}
		return true;
	case RTE_ETHER_TYPE_IPV4:
		switch (pkt_ip4_parse(d, len, &hl, &tot)) {
		case PKT_OK:
			break;
		case PKT_ERR_TRUNC:
			drop(lc, m, DP_DROP_ip4_truncated);
			return false;
		case PKT_ERR_BAD_CHECKSUM:
			drop(lc, m, DP_DROP_ip4_bad_checksum);
			return false;
		default:
			drop(lc, m, DP_DROP_ip4_bad_header);
			return false;
		}
		if (tot < len)
			rte_pktmbuf_trim(m, (uint16_t)(len - tot));
		md->family = 4;
		if (unlikely(d[16] >= 224)) { // multicast, broadcast, class E
			drop(lc, m, DP_DROP_local_unhandled);
			return false;
		}
		return true;
	case RTE_ETHER_TYPE_ARP:
		punt(lc, m, DP_PUNT_ARP);
		return false;
	default:
		drop(lc, m, DP_DROP_eth_unsupported);
		return false;
	}
}

static void
process_burst(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *vec[2][DP_BURST];
	uint16_t nv = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (i + 3 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 3], void *));
		if (classify(lc, t, pkts[i]))
			vec[0][nv++] = pkts[i];
	}
	unsigned int cur = 0;
	for (unsigned int pass = 0; pass < DP_MAX_PASSES && nv > 0; pass++) {
		uint16_t nn = 0;
		lookup(t, vec[cur], nv);
		for (uint16_t i = 0; i < nv; i++)
			if (exec(lc, t, vec[cur][i]) == R_NEXT)
				vec[cur ^ 1][nn++] = vec[cur][i];
		cur ^= 1;
		nv = nn;
	}
	for (uint16_t i = 0; i < nv; i++)
		drop(lc, vec[cur][i], DP_DROP_loop_detected);
}

// Frames built by the control thread (ARP, ND, released held packets).
// Returns how many were taken.
static unsigned int
drain_ctl_tx(struct dp_lcore *lc)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int total = 0;

	for (uint16_t port = 0; port < RTE_MAX_ETHPORTS; port++) {
		if (dp_g.ctl_tx[port] == NULL)
			continue;
		unsigned int n = rte_ring_sc_dequeue_burst(dp_g.ctl_tx[port], (void **)pkts,
							   DP_BURST, NULL);
		for (unsigned int i = 0; i < n; i++)
			tx_enqueue(lc, port, pkts[i]);
		total += n;
	}
	return total;
}

// The idle path: nothing arrived for a while. The worker goes offline for
// QSBR first, so a control-thread grace period (dp_commit ->
// rte_rcu_qsbr_synchronize) does not wait for the sleep; online again before
// the next round reads the tables.
static __rte_noinline __rte_cold void
idle_sleep(struct dp_lcore *lc, uint32_t us)
{
	struct timespec ts = {.tv_sec = us / 1000000u, .tv_nsec = (long)(us % 1000000u) * 1000};
	uint64_t t0;

	rte_rcu_qsbr_thread_offline(dp_g.qsv, lc->idx);
	t0 = rte_rdtsc();
	nanosleep(&ts, NULL); // EINTR only shortens the sleep
	lc->stats.idle_sleeps++;
	lc->stats.idle_tsc += rte_rdtsc() - t0;
	rte_rcu_qsbr_thread_online(dp_g.qsv, lc->idx);
}

void
dp_bench_burst(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_tables *t = dp_tables_active();

	lc->stats.bursts++;
	process_burst(lc, t, pkts, n);
	if (lc->tx_pending)
		tx_flush_all(lc);
	if (lc->n_drop) {
		rte_pktmbuf_free_bulk(lc->drop, lc->n_drop);
		lc->n_drop = 0;
	}
}

int
dp_worker_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct rte_mbuf *pkts[DP_BURST];
	struct dp_idle idle;

	lc->icmp_tokens = ICMP_BURST;
	lc->icmp_last_tsc = rte_rdtsc();
	dp_idle_init(&idle, dp_g.idle_sleep_us, DP_IDLE_SPIN_ROUNDS);
	// Sleeps of a few microseconds need the timer to fire on time: the
	// default slack (50 us) would stretch every short sleep to it.
	if (idle.cap_us != 0)
		prctl(PR_SET_TIMERSLACK, 1000ul, 0ul, 0ul, 0ul);
	rte_rcu_qsbr_thread_register(dp_g.qsv, lc->idx);
	rte_rcu_qsbr_thread_online(dp_g.qsv, lc->idx);

	while (!__atomic_load_n(&dp_g.stop, __ATOMIC_RELAXED)) {
		// One acquire load per iteration; t is dead after the quiescent call.
		const struct dp_tables *t = dp_tables_active();
		unsigned int work = 0;
		uint32_t us;

		for (uint16_t q = 0; q < lc->n_rxq; q++) {
			uint16_t n = rte_eth_rx_burst(lc->rxq[q].port, lc->rxq[q].queue, pkts,
						      DP_BURST);
			if (n == 0)
				continue;
			work += n;
			lc->stats.bursts++;
			process_burst(lc, t, pkts, n);
		}
		if (lc->idx == 0)
			work += drain_ctl_tx(lc);
		if (lc->tx_pending)
			tx_flush_all(lc);
		if (lc->n_drop) {
			rte_pktmbuf_free_bulk(lc->drop, lc->n_drop);
			lc->n_drop = 0;
		}
		rte_rcu_qsbr_quiescent(dp_g.qsv, lc->idx);
		if (likely(work != 0))
			dp_idle_work(&idle);
		else if (unlikely((us = dp_idle_empty(&idle)) != 0))
			idle_sleep(lc, us);
	}
	if (lc->idx == 0)
		drain_ctl_tx(lc);
	tx_flush_all(lc);
	rte_rcu_qsbr_thread_offline(dp_g.qsv, lc->idx);
	rte_rcu_qsbr_thread_unregister(dp_g.qsv, lc->idx);
	return 0;
}
