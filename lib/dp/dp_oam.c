// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// SRv6 OAM on the control thread (RFC 9259; seed 004's probe): ping and
// traceroute over a segment list. A session builds ICMPv6 echo requests
// behind an SRH of the operator's segments (the O-flag on request), stamps
// each with the TSC and hands it to worker 0 (inject ring), which routes it
// like any packet it received: FIB, neighbours, our own SIDs included, so a
// list that loops back to one of our SIDs measures the loop (seed 004).
// Workers punt what comes back to our address while a session is open:
// echo replies, and the ICMPv6 errors (Time Exceeded from each hop of a
// trace, Unreachable, Parameter Problem) that quote one of our probes;
// each stamped with the TSC when the worker saw it. The RTT is the
// difference of the two stamps (one invariant TSC on every core).
//
// Ping: count probes, interval apart, hop limit as given; done when each is
// answered or timed out. Trace: one probe per hop limit 1, 2, ... up to
// max_hops; the hop whose probe gets the echo reply is the last.

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "pkt.h"

#define OAM_MAX_SESSIONS 16
// A finished session's results stay a minute, or until a new session
// needs its slot.
#define OAM_KEEP_MS 60000
#define OAM_INJECT_RING 1024
static const uint8_t oam_magic[8] = {'s', 'r', 'v', '6', 'd', 'O', 'A', 'M'};

struct oam_session {
	bool used, done;
	uint16_t id; // the probes' ICMPv6 identifier
	struct dp_oam_req req;
	uint16_t n_probes; // planned (count, or max_hops); a trace may end sooner
	uint16_t n_sent;
	uint64_t next_ms, last_sent_ms, done_ms;
	uint64_t tx_tsc[DP_OAM_MAX_PROBES];
	struct dp_oam_probe probes[DP_OAM_MAX_PROBES];
};

static struct oam_session sessions[OAM_MAX_SESSIONS];
static uint16_t next_id = 0x5300; // "S": easy to tell in a capture

int
dp_oam_init(void)
{
	dp_g.inject_ring = rte_ring_create("dp_inject", OAM_INJECT_RING, (int)rte_socket_id(),
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
	return dp_g.inject_ring == NULL ? -ENOMEM : 0;
}

static bool
addr_is_ours(const struct model *m, const uint8_t a[16])
{
	for (int i = 0; i < MODEL_MAX_PORTS; i++) {
		const struct model_port *p = &m->ports[i];
		for (unsigned int j = 0; p->used && j < p->n_addrs; j++)
			if (p->addrs[j].addr.family == AF_INET6 &&
			    memcmp(p->addrs[j].addr.bytes, a, 16) == 0)
				return true;
	}
	return false;
}

int
dp_oam_start(const struct dp_oam_req *r, uint16_t *id, struct model_err *e)
{
	const struct model *m = dp_g.model;
	struct oam_session *s = NULL;

	if (dp_g.inject_ring == NULL)
		return model_err_set(e, -ENOTSUP, "", "the datapath is not running");
	if (r->n_segs == 0 || r->n_segs > MODEL_MAX_SEGS)
		return model_err_set(e, -EINVAL, "segments", "1 to %d segments", MODEL_MAX_SEGS);
	if (r->count == 0 || r->count > DP_OAM_MAX_PROBES)
		return model_err_set(e, -EINVAL, r->trace ? "max_hops" : "count", "1 to %d",
				     DP_OAM_MAX_PROBES);
	// The answers come back to src: it must be an address the datapath
	// delivers to us.
	if (!addr_is_ours(m, r->src))
		return model_err_set(e, -EINVAL, "src",
				     "not an IPv6 address of a port: the answers would not reach "
				     "us");
	if (r->vrf >= SRV6_MAX_VRFS || !m->vrfs[r->vrf].used)
		return model_err_set(e, -EINVAL, "vrf", "unknown VRF");
	// A free slot, else the one that finished first (its results go early).
	for (int i = 0; i < OAM_MAX_SESSIONS && s == NULL; i++)
		if (!sessions[i].used)
			s = &sessions[i];
	for (int i = 0; i < OAM_MAX_SESSIONS && s == NULL; i++)
		if (sessions[i].done)
			s = &sessions[i];
	for (int i = 0; s != NULL && s->used && i < OAM_MAX_SESSIONS; i++)
		if (sessions[i].done && sessions[i].done_ms < s->done_ms)
			s = &sessions[i];
	if (s == NULL)
		return model_err_set(e, -EBUSY, "", "%d OAM sessions still running; wait for one",
				     OAM_MAX_SESSIONS);
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->req = *r;
	s->id = next_id++;
	s->n_probes = r->count;
	*id = s->id;
	__atomic_store_n(&dp_g.oam_on, true, __ATOMIC_RELEASE);
	return 0;
}

// IPv6 / SRH (the segments, next header 58, O-flag on request) / ICMPv6
// echo request (identifier, sequence, magic, TX stamp, pattern), its
// checksum over the final destination (RFC 8200 8.1).
static struct rte_mbuf *
oam_packet(const struct oam_session *s, uint16_t seq, uint8_t hop_limit, uint64_t tsc)
{
	const struct dp_oam_req *r = &s->req;
	uint16_t srh_len = (uint16_t)(8u + 16u * r->n_segs), icmp_len = (uint16_t)(8u + r->size);
	uint8_t pseudo[40];
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp_g.ctl_pool);
	uint8_t *p, *srh, *icmp;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(40u + srh_len + icmp_len));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, 40u + srh_len + icmp_len);
	pkt_put_be32(p, 6u << 28);
	pkt_put_be16(p + 4, (uint16_t)(srh_len + icmp_len));
	p[6] = IPPROTO_ROUTING;
	p[7] = hop_limit;
	memcpy(p + 8, r->src, 16);
	memcpy(p + 24, r->segs[0], 16);
	srh = p + 40;
	srh[0] = IPPROTO_ICMPV6;
	srh[1] = (uint8_t)(2u * r->n_segs);
	srh[2] = 4;
	srh[3] = (uint8_t)(r->n_segs - 1u);
	srh[4] = (uint8_t)(r->n_segs - 1u);
	srh[5] = r->o_flag ? DP_SRH_FLAG_O : 0;
	for (unsigned int i = 0; i < r->n_segs; i++) // Segment List[0] is the last
		memcpy(srh + 8 + 16u * i, r->segs[r->n_segs - 1u - i], 16);
	icmp = srh + srh_len;
	icmp[0] = 128;
	pkt_put_be16(icmp + 4, s->id);
	pkt_put_be16(icmp + 6, seq);
	memcpy(icmp + 8, oam_magic, 8);
	memcpy(icmp + 16, &tsc, 8);
	for (unsigned int i = 24; i < icmp_len; i++)
		icmp[i] = (uint8_t)i;
	// RFC 8200 8.1: the pseudo-header's destination is the final one, not
	// the first segment in the header: a header copy with it.
	memcpy(pseudo, p, 8);
	memcpy(pseudo + 8, r->src, 16);
	memcpy(pseudo + 24, r->segs[r->n_segs - 1], 16);
	pkt_put_be16(icmp + 2, pkt_ip6_l4_cksum(pseudo, icmp, icmp_len, IPPROTO_ICMPV6));
	dp_meta(m)->vrf = r->vrf;
	return m;
}

static void
oam_send(struct oam_session *s, uint64_t now_ms)
{
	uint16_t seq = s->n_sent;
	uint8_t hl = s->req.trace ? (uint8_t)(seq + 1u) : s->req.hop_limit;
	uint64_t tsc = rte_rdtsc();
	struct rte_mbuf *m = oam_packet(s, seq, hl, tsc);

	s->probes[seq].seq = seq;
	s->probes[seq].hop_limit = hl;
	s->probes[seq].sent = m != NULL;
	s->tx_tsc[seq] = tsc;
	if (m != NULL && rte_ring_sp_enqueue(dp_g.inject_ring, m) != 0) {
		rte_pktmbuf_free(m);
		s->probes[seq].sent = false;
	}
	s->n_sent++;
	s->last_sent_ms = now_ms;
}

static struct oam_session *
session_by_id(uint16_t id)
{
	for (int i = 0; i < OAM_MAX_SESSIONS; i++)
		if (sessions[i].used && sessions[i].id == id)
			return &sessions[i];
	return NULL;
}

// The identifier and sequence of our echo request quoted in an ICMPv6
// error: its IPv6 header, extension headers (an SRH), then ICMPv6 type 128.
// The quote may be cut short: only what it holds is read.
static bool
quoted_probe(const uint8_t *q, size_t qlen, uint16_t *id, uint16_t *seq)
{
	size_t off = 40;
	uint8_t nh;

	if (qlen < 40 || (q[0] >> 4) != 6)
		return false;
	nh = q[6];
	while ((nh == 0 || nh == IPPROTO_ROUTING || nh == 60) && off + 2 <= qlen) {
		nh = q[off];
		off += (q[off + 1] + 1u) * 8u;
	}
	if (nh != IPPROTO_ICMPV6 || off + 8 > qlen || q[off] != 128)
		return false;
	*id = pkt_get_be16(q + off + 4);
	*seq = pkt_get_be16(q + off + 6);
	return true;
}

void
dp_oam_input(struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint64_t rx_tsc = dp_meta(m)->tsc;
	struct pkt_ip6_info info;
	struct oam_session *s;
	uint16_t id, seq;
	const uint8_t *icmp;

	if (pkt_ip6_parse(d, m->data_len, &info) != PKT_OK || info.ul_proto != IPPROTO_ICMPV6 ||
	    info.ul_off + 8u > info.payload_end)
		return;
	icmp = d + info.ul_off;
	if (icmp[0] == 129) {
		id = pkt_get_be16(icmp + 4);
		seq = pkt_get_be16(icmp + 6);
	} else if (icmp[0] == 1 || icmp[0] == 3 || icmp[0] == 4) {
		if (!quoted_probe(icmp + 8, info.payload_end - info.ul_off - 8u, &id, &seq))
			return;
	} else {
		return;
	}
	s = session_by_id(id);
	if (s == NULL || s->done || seq >= s->n_sent || s->probes[seq].answered)
		return;
	s->probes[seq].answered = true;
	s->probes[seq].icmp_type = icmp[0];
	s->probes[seq].icmp_code = icmp[1];
	memcpy(s->probes[seq].from, d + 8, 16);
	s->probes[seq].rtt_ns = (rx_tsc - s->tx_tsc[seq]) * 1000000000ull / dp_g.tsc_hz;
	// A trace ends at the hop whose probe the destination answered.
	if (s->req.trace && icmp[0] == 129 && seq + 1u < s->n_probes)
		s->n_probes = (uint16_t)(seq + 1u);
}

void
dp_oam_poll(uint64_t now_ms)
{
	bool open = false;

	for (int i = 0; i < OAM_MAX_SESSIONS; i++) {
		struct oam_session *s = &sessions[i];
		bool all = true;
		if (!s->used)
			continue;
		if (s->done) {
			if (now_ms - s->done_ms >= OAM_KEEP_MS)
				s->used = false;
			continue;
		}
		if (s->n_sent == 0)
			s->next_ms = now_ms;
		while (s->n_sent < s->n_probes && now_ms >= s->next_ms) {
			oam_send(s, now_ms);
			s->next_ms += s->req.interval_ms;
		}
		for (uint16_t k = 0; k < s->n_probes && all; k++)
			all = k < s->n_sent && (s->probes[k].answered || !s->probes[k].sent);
		if (all ||
		    (s->n_sent >= s->n_probes && now_ms - s->last_sent_ms >= s->req.timeout_ms)) {
			s->done = true;
			s->done_ms = now_ms;
			continue;
		}
		open = true;
	}
	if (!open && __atomic_load_n(&dp_g.oam_on, __ATOMIC_RELAXED))
		__atomic_store_n(&dp_g.oam_on, false, __ATOMIC_RELEASE);
}

int
dp_oam_get(uint16_t id, struct dp_oam_result *out)
{
	const struct oam_session *s = session_by_id(id);

	if (s == NULL)
		return -ENOENT;
	out->req = s->req;
	out->done = s->done;
	out->n_probes = s->n_sent < s->n_probes ? s->n_sent : s->n_probes;
	out->probes = s->probes;
	return 0;
}
