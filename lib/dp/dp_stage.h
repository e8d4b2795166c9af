// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// What the datapath stages share: the vector type, the per-edge vectors of
// one lookup pass, the stage entry points, and the per-packet helpers every
// stage uses (drop, punt, TX buffer, flow hash, TTL). The helpers are
// `static inline` here, not functions in a .c file, so splitting the worker
// into files costs no call per packet (tests/bench/callgrind.sh checks it).
//
// A burst goes (doc/design.md, "Packet walk"):
//
//   dp_classify  ->  [ dp_lookup -> dp_dispatch -> dp_headend / dp_sid /
//                      dp_local / dp_resolve / dp_miss -> dp_fwd ] x DP_MAX_PASSES
//
// with dp_fwd queueing into the TX buffers (dp_tx.c). A stage returns a
// packet that needs another lookup (new VRF or destination) in `next`; the
// worker loops over passes (dp_worker.c).

#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "pkt.h"

// Per-packet outcome inside a stage.
enum dp_result {
	DP_DONE, // queued for TX, dropped or punted
	DP_NEXT, // look up again with the updated metadata (goes to `next`)
	DP_CONT, // internal to a stage: keep going
	DP_FWD,	 // dp_sid: to dp_fwd with dp_meta(m)->nh set (End.X, End.DX*)
	DP_ESP,	 // dp_sid: ESP at a decapsulating SID, to decrypt (l3_len = its offset)
};

#define IPPROTO_V4_IN_V6 4
#define IPPROTO_V6_IN_V6 41
#define IPPROTO_ICMP_V6 58

// A vector of packets, in arrival order.
struct dp_vec {
	uint16_t n;
	struct rte_mbuf *m[DP_BURST];
};

static inline void
dp_vec_push(struct dp_vec *v, struct rte_mbuf *m)
{
	v->m[v->n++] = m;
}

// dp_dispatch's output: one vector per next-hop type (enum dp_nh_type), so
// the edge of a packet is an index, not a branch. DNH_ECMP is resolved to a
// member first; what is left there (an ECMP member that is itself a group,
// which the tables never build) is treated as no route, as before.
#define DP_EDGES (DNH_SID + 1)

struct dp_edges {
	struct dp_vec v[DP_EDGES];
};

// --- stages (one file each) ---------------------------------------------------------

// dp_classify.c: RX counters and tap, Ethernet and IP checks; IP packets to `out`.
uint16_t dp_classify(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf **pkts,
		     uint16_t n, struct rte_mbuf **out);
// dp_lookup.c: dp_meta(m)->nh for every packet, bulk per (VRF, family).
void dp_lookup(const struct dp_tables *t, struct rte_mbuf **pkts, uint16_t n);
// dp_dispatch.c: resolve ECMP, sort by next-hop type into e.
void dp_dispatch(struct rte_mbuf **pkts, uint16_t n, struct dp_edges *e);
// dp_dispatch.c: FIB miss (unreachable), blackhole.
void dp_miss(struct dp_lcore *lc, const struct dp_tables *t, struct dp_edges *e,
	     struct dp_vec *next);
// dp_headend.c: H.Encaps / H.Encaps.Red.
void dp_headend(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in,
		struct dp_vec *next);
// dp_sid.c: local SID behaviours; End.X / End.DX* go on to `fwd`.
void dp_sid(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in,
	    struct dp_vec *next, struct dp_vec *fwd);
// dp_local.c: to one of our addresses (echo, ND, host interface).
void dp_local(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in,
	      struct dp_vec *next);
// dp_fwd.c: connected host without a neighbour slot yet: punt to resolve.
void dp_resolve(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in,
		struct dp_vec *next);
// dp_fwd.c: IP forward to a neighbour: TTL, MTU, Ethernet header, TX buffer.
void dp_fwd(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in,
	    struct dp_vec *next);

// dp_tx.c
void dp_tx_flush_port(struct dp_lcore *lc, uint16_t port);
void dp_tx_flush_all(struct dp_lcore *lc);
unsigned int dp_tx_drain_ctl(struct dp_lcore *lc);

// dp_icmp.c (cold): each counts the drop reason, then either turns m into
// an ICMP error toward its source (DP_NEXT: look it up) or frees it (DP_DONE).
void dp_icmp_init(struct dp_lcore *lc);
int dp_icmp_error(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m, uint8_t type,
		  uint8_t code, uint32_t info, enum dp_drop_reason r);
int dp_icmp_no_route(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m);
int dp_icmp_too_big(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m,
		    uint32_t mtu);

// --- per-packet helpers -------------------------------------------------------------

// Freed in bulk at the end of the burst (dp_free_flush).
static inline void
dp_free_later(struct dp_lcore *lc, struct rte_mbuf *m)
{
	lc->drop[lc->n_drop++] = m;
	if (unlikely(lc->n_drop == RTE_DIM(lc->drop))) {
		rte_pktmbuf_free_bulk(lc->drop, lc->n_drop);
		lc->n_drop = 0;
	}
}

static inline void
dp_free_flush(struct dp_lcore *lc)
{
	if (lc->n_drop) {
		rte_pktmbuf_free_bulk(lc->drop, lc->n_drop);
		lc->n_drop = 0;
	}
}

static inline void
dp_drop(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_drop_reason r)
{
	lc->stats.drops[r]++;
	lc->stats.port_drops[dp_meta(m)->rx_port]++;
	dp_free_later(lc, m);
}

static inline void
dp_punt(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_punt why)
{
	dp_meta(m)->punt = (uint8_t)why;
	if (unlikely(rte_ring_mp_enqueue(dp_g.punt_ring, m) != 0))
		dp_drop(lc, m, DP_DROP_ctl_ring_full);
}

static inline void
dp_tx_enqueue(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	struct dp_txbuf *b = &lc->tx[port];

	dp_capture_tap(lc, m, port, DP_CAPTURE_TX);
	b->pkts[b->n++] = m;
	lc->tx_pending |= 1ull << port;
	if (unlikely(b->n == DP_BURST))
		dp_tx_flush_port(lc, port);
}

// The RSS hash when the NIC gave one (dp_classify), else ours, once.
static inline uint32_t
dp_flow_hash(struct rte_mbuf *m)
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

// Decrement TTL / hop limit of a packet forwarded by this node, once per
// node (DP_F_NO_TTL_DEC), never for headers we built.
static inline int
dp_ttl_dec(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m)
{
	struct dp_meta *md = dp_meta(m);
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);

	if (md->flags & DP_F_NO_TTL_DEC)
		return DP_CONT;
	md->flags |= DP_F_NO_TTL_DEC;
	if (md->family == 4) {
		if (unlikely(d[8] <= 1))
			return dp_icmp_error(lc, t, m, 11, 0, 0, DP_DROP_ip4_ttl_exceeded);
		// RFC 1624 incremental update, as Linux ip_decrease_ttl().
		uint16_t ck;
		memcpy(&ck, d + 10, 2);
		uint32_t c = (uint32_t)ck + rte_cpu_to_be_16(0x0100);
		ck = (uint16_t)(c + (c >= 0xffff));
		memcpy(d + 10, &ck, 2);
		d[8]--;
	} else {
		if (unlikely(d[7] <= 1))
			return dp_icmp_error(lc, t, m, 3, 0, 0, DP_DROP_ip6_hop_limit_exceeded);
		d[7]--;
	}
	return DP_CONT;
}
