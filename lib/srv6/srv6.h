// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// SRv6 network programming (RFC 8986) on mbufs: the H.Encaps / H.Encaps.Red
// headend, the End forwarding step with PSP, USP SRH removal and decapsulation.
// Mbufs start at the L3 header and are single-segment; chained mbufs get
// -ENOTSUP. No function here logs, allocates or touches the hop limit unless
// said so.

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "pkt.h"
#include "srh.h"

enum srv6_flowlabel {
	SRV6_FL_COMPUTE, // flow_hash & 0xFFFFF (RFC 6437 3, RFC 8986 5.1 S08)
	SRV6_FL_INHERIT, // the inner IPv6 flow label; computed for IPv4 inner
	SRV6_FL_ZERO,
};

// Outer headers of one encapsulation, built once on the control side and
// immutable once published (dp: ro, ctl: rw before publication).
struct srv6_encap_tmpl {
	uint16_t len;	   // bytes: 40 + SRH length (40 alone when reduced and one segment)
	uint16_t nh_off;   // byte patched with the inner protocol: 6 without SRH, else 40
	int16_t hop_limit; // -1 = inherit from the inner TTL / hop limit, else the value
	uint8_t flowlabel; // enum srv6_flowlabel
	uint8_t insert;	   // H.Insert: data holds the SRH alone (srv6_insert_push)
	// (+ 40: room for an SRH HMAC TLV, RFC 8754 2.1.2, added by lib/dp)
	uint8_t data[PKT_IP6_HDR_LEN + SRH_FIXED_LEN + 16 * SRV6_MAX_SEGMENTS + 40] __rte_aligned(
		16);
};

/**
 * Build the outer IPv6 header and SRH for a segment list segs[0..n-1] in path
 * order. H.Encaps (RFC 8986 5.1): DA = segs[0], SRH with all n segments, SL =
 * n - 1, always an SRH even for one segment (as Linux and FRR do).
 * H.Encaps.Red (RFC 8986 5.2): the SRH leaves segs[0] out (Last Entry = n - 2,
 * SL = n - 1) and is left out entirely when n == 1. Version 6, traffic class 0.
 *
 * @param hop_limit -1 to inherit from the inner packet, else 0..255.
 * @return 0; -EINVAL for n == 0 or over SRV6_MAX_SEGMENTS, a hop limit out of
 *   range or an unknown flow-label mode.
 */
int srv6_encap_tmpl_build(struct srv6_encap_tmpl *t, const uint8_t src[16],
			  const uint8_t (*segs)[16], unsigned int n, bool reduced, int hop_limit,
			  enum srv6_flowlabel fl);

/**
 * At least need bytes of headroom in the single-segment mbuf m: when it has
 * less (a received mbuf has 128; our headers, ESP's and Ethernet's can take
 * more), its data moves toward the tail once.
 *
 * @return 0; -ENOSPC when the tailroom cannot take the move or m is chained.
 */
static inline int
srv6_make_headroom(struct rte_mbuf *m, uint16_t need)
{
	uint16_t head = rte_pktmbuf_headroom(m), shift;
	uint8_t *d;

	if (likely(head >= need))
		return 0;
	shift = (uint16_t)(need - head);
	if (m->nb_segs != 1 || rte_pktmbuf_tailroom(m) < shift)
		return -ENOSPC;
	d = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(d + shift, d, m->data_len);
	m->data_off = (uint16_t)(m->data_off + shift);
	return 0;
}

/**
 * Encapsulate the packet in m (RFC 8986 5.1 / 5.2): prepend t->len bytes, copy
 * the template and set the payload length, the next header at t->nh_off
 * (inner_proto: 4 for IPv4, 41 for IPv6), the hop limit (inherited from the
 * inner TTL / hop limit as the caller left it) and the flow label.
 * When the headroom is short the data is moved within the mbuf if the tailroom
 * allows.
 *
 * @return 0; -ENOSPC when the mbuf has no room; -ENOTSUP for a chained mbuf;
 *   -EINVAL when the inner header is shorter than its fixed header, or the
 *   protocol is neither 4 nor 41 and something must be inherited from it;
 *   -EMSGSIZE when the payload length would exceed 65535.
 */
static inline int
srv6_encap_push(struct rte_mbuf *m, const struct srv6_encap_tmpl *t, uint8_t inner_proto,
		uint32_t flow_hash)
{
	uint16_t inner_len;
	uint32_t fl, plen;
	uint8_t *inner, *h;
	uint8_t hlim;

	if (unlikely(m->nb_segs != 1))
		return -ENOTSUP;
	inner_len = rte_pktmbuf_data_len(m);
	inner = rte_pktmbuf_mtod(m, uint8_t *);
	fl = flow_hash;
	switch (inner_proto) {
	case IPPROTO_IPIP:
		if (unlikely(inner_len < PKT_IP4_HDR_LEN))
			return -EINVAL;
		hlim = inner[8];
		break;
	case IPPROTO_IPV6:
		if (unlikely(inner_len < PKT_IP6_HDR_LEN))
			return -EINVAL;
		hlim = inner[7];
		if (t->flowlabel == SRV6_FL_INHERIT)
			fl = pkt_get_be32(inner);
		break;
	default:
		if (t->hop_limit < 0)
			return -EINVAL;
		hlim = 0;
		break;
	}
	if (t->hop_limit >= 0)
		hlim = (uint8_t)t->hop_limit;
	if (t->flowlabel == SRV6_FL_ZERO)
		fl = 0;
	plen = (uint32_t)t->len - PKT_IP6_HDR_LEN + inner_len;
	if (unlikely(plen > UINT16_MAX))
		return -EMSGSIZE;

	if (unlikely(srv6_make_headroom(m, t->len) < 0))
		return -ENOSPC;
	h = (uint8_t *)rte_pktmbuf_prepend(m, t->len);
	rte_memcpy(h, t->data, t->len);
	// RFC 8986 5.1 S08: set payload length, traffic class (0 in the
	// template), flow label, hop limit and next header.
	pkt_put_be32(h, 6u << 28 | (fl & 0xfffffu));
	pkt_put_be16(h + 4, (uint16_t)plen);
	h[7] = hlim;
	h[t->nh_off] = inner_proto;
	return 0;
}

/**
 * The SRH of an H.Insert for segs[0..n-1] (n <= SRV6_MAX_SEGMENTS - 1): the
 * packet's own destination becomes the last segment (Segment List[0], filled
 * per packet), SL = n, and the DA the first segment. t->data holds the SRH
 * alone, t->len its length, t->insert 1.
 *
 * @return 0; -EINVAL for n == 0 or too many segments.
 */
int srv6_insert_tmpl_build(struct srv6_encap_tmpl *t, const uint8_t (*segs)[16], unsigned int n);

/**
 * H.Insert (draft-filsfils-spring-srv6-net-pgm-insertion; seed 003's
 * "keep its own IPv6 header"): the SRH of template t goes right after the
 * IPv6 header of the packet in m, which keeps its source and payload; its
 * destination moves into Segment List[0] and the DA becomes the first
 * segment. Upper-layer checksums stay valid (RFC 8200 8.1: over the final
 * destination). A packet with a Hop-by-Hop or routing header is refused.
 *
 * @return 0; -EINVAL when m holds no whole IPv6 header or already has a
 *   Hop-by-Hop or routing header; -EMSGSIZE over 65535 bytes of payload;
 *   -ENOSPC without room; -ENOTSUP for a chained mbuf.
 */
static inline int
srv6_insert_push(struct rte_mbuf *m, const struct srv6_encap_tmpl *t)
{
	uint8_t *old, *h, *srh;
	uint32_t plen;

	if (unlikely(m->nb_segs != 1))
		return -ENOTSUP;
	old = rte_pktmbuf_mtod(m, uint8_t *);
	if (unlikely(m->data_len < PKT_IP6_HDR_LEN || (old[0] >> 4) != 6 || old[6] == 0 ||
		     old[6] == IPPROTO_ROUTING))
		return -EINVAL;
	plen = (uint32_t)pkt_get_be16(old + 4) + t->len;
	if (unlikely(plen > UINT16_MAX))
		return -EMSGSIZE;
	if (unlikely(srv6_make_headroom(m, t->len) < 0))
		return -ENOSPC;
	old = rte_pktmbuf_mtod(m, uint8_t *);
	h = (uint8_t *)rte_pktmbuf_prepend(m, t->len);
	memmove(h, old, PKT_IP6_HDR_LEN);
	srh = h + PKT_IP6_HDR_LEN;
	rte_memcpy(srh, t->data, t->len);
	srh[0] = h[6];
	memcpy(srh + SRH_FIXED_LEN, h + 24, 16);
	memcpy(h + 24, srh + SRH_FIXED_LEN + 16u * srh[3], 16);
	h[6] = IPPROTO_ROUTING;
	pkt_put_be16(h + 4, (uint16_t)plen);
	return 0;
}

/**
 * Undo srv6_insert_push (a too-big error quotes the packet as its source
 * sent it): the SRH of len bytes after the IPv6 header goes, the DA comes
 * back from Segment List[0]. The hop limit is left as it is.
 */
static inline void
srv6_insert_undo(struct rte_mbuf *m, uint16_t len)
{
	uint8_t *h = rte_pktmbuf_mtod(m, uint8_t *), *srh = h + PKT_IP6_HDR_LEN;

	h[6] = srh[0];
	memcpy(h + 24, srh + SRH_FIXED_LEN, 16);
	pkt_put_be16(h + 4, (uint16_t)(pkt_get_be16(h + 4) - len));
	memmove(h + len, h, PKT_IP6_HDR_LEN);
	rte_pktmbuf_adj(m, len);
}

/**
 * End / End.X / End.T forwarding step (RFC 8986 4.1 S14-S16): decrement Segments
 * Left and copy Segment List[SL] into the destination. With psp, when the new
 * SL is 0, remove the SRH (RFC 8986 4.16.1). The hop limit is left to the
 * caller. info describes the packet before the call and is stale after a PSP.
 *
 * @return 0; -EINVAL when info names no SRH inside the data, SL is 0 or beyond
 *   Last Entry + 1; -ENOTSUP for a chained mbuf.
 */
int srv6_end_advance(struct rte_mbuf *m, const struct pkt_ip6_info *info, bool psp);

/**
 * Remove the SRH in place (USP, RFC 8986 4.16.2; also PSP): the next-header byte
 * at info->srh_nh_off takes the SRH's next header, the payload length shrinks by
 * the SRH length and the headers before the SRH move up to close the gap.
 *
 * @return 0; -EINVAL when info is inconsistent with the packet; -ENOTSUP for a
 *   chained mbuf.
 */
int srv6_srh_remove(struct rte_mbuf *m, const struct pkt_ip6_info *info);

/**
 * Decapsulate (RFC 8986 4.4-4.8, End.DX4/DX6/DT4/DT6/DT46): drop the first
 * inner_off bytes (outer IPv6 and its extension headers); the mbuf then starts
 * at the inner packet, trimmed to the inner packet's own length.
 *
 * @param inner_family 4 or 6.
 * @return 0; -EINVAL when the inner header is truncated, inconsistent or not of
 *   inner_family; -ENOTSUP for a chained mbuf.
 */
int srv6_decap(struct rte_mbuf *m, uint16_t inner_off, int inner_family);
