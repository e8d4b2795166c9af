// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "srv6.h"

int
srv6_encap_tmpl_build(struct srv6_encap_tmpl *t, const uint8_t src[16], const uint8_t (*segs)[16],
		      unsigned int n, bool reduced, int hop_limit, enum srv6_flowlabel fl)
{
	const size_t srh_cap = sizeof(t->data) - PKT_IP6_HDR_LEN;
	uint8_t *h = t->data;
	int rc;

	if (n == 0 || n > SRV6_MAX_SEGMENTS)
		return -EINVAL;
	if (hop_limit < -1 || hop_limit > UINT8_MAX)
		return -EINVAL;
	if (fl != SRV6_FL_COMPUTE && fl != SRV6_FL_INHERIT && fl != SRV6_FL_ZERO)
		return -EINVAL;
	memset(t, 0, sizeof(*t));

	// RFC 8986 5.1 S05-S07: outer IPv6 header, SA = src, DA = first SID.
	pkt_put_be32(h, 6u << 28);
	h[7] = hop_limit >= 0 ? (uint8_t)hop_limit : 0;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, segs[0], 16);
	if (reduced && n == 1) {
		// RFC 8986 5.2: with a single SID, H.Encaps.Red adds no SRH.
		t->len = PKT_IP6_HDR_LEN;
		t->nh_off = 6;
	} else {
		if (reduced) {
			// RFC 8986 5.2: the first SID is only in the DA; the SRH
			// lists the rest (Last Entry = n - 2) with SL = n - 1.
			rc = srh_build(h + PKT_IP6_HDR_LEN, srh_cap, 0, segs + 1, n - 1,
				       (uint8_t)(n - 1));
		} else {
			rc = srh_build(h + PKT_IP6_HDR_LEN, srh_cap, 0, segs, n, (uint8_t)(n - 1));
		}
		if (rc < 0)
			return rc;
		h[6] = IPPROTO_ROUTING;
		t->len = (uint16_t)(PKT_IP6_HDR_LEN + rc);
		t->nh_off = PKT_IP6_HDR_LEN;
	}
	t->hop_limit = (int16_t)hop_limit;
	t->flowlabel = (uint8_t)fl;
	return 0;
}

int
srv6_insert_tmpl_build(struct srv6_encap_tmpl *t, const uint8_t (*segs)[16], unsigned int n)
{
	uint8_t path[SRV6_MAX_SEGMENTS][16];
	int rc;

	if (n == 0 || n + 1 > SRV6_MAX_SEGMENTS)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	memcpy(path, segs, 16u * n);
	memset(path[n], 0, 16); // the packet's own destination, per packet
	rc = srh_build(t->data, sizeof(t->data), 0, (const uint8_t(*)[16])path, n + 1, (uint8_t)n);
	if (rc < 0)
		return rc;
	t->len = (uint16_t)rc;
	t->insert = 1;
	t->hop_limit = -1;
	return 0;
}

// The SRH that info names must lie inside the data, after the fixed header,
// and its naming next-header byte before it.
static inline bool
srh_info_ok(const struct rte_mbuf *m, const struct pkt_ip6_info *info)
{
	return info->srh_off >= PKT_IP6_HDR_LEN && info->srh_len >= SRH_FIXED_LEN &&
	       info->srh_nh_off < info->srh_off &&
	       (uint32_t)info->srh_off + info->srh_len <= rte_pktmbuf_data_len(m);
}

static int
srh_remove(struct rte_mbuf *m, const struct pkt_ip6_info *info)
{
	uint8_t *ip6 = rte_pktmbuf_mtod(m, uint8_t *);
	const struct srh *s = (const struct srh *)(ip6 + info->srh_off);
	uint16_t plen = pkt_get_be16(ip6 + 4);

	if (plen < info->srh_len)
		return -EINVAL;
	// RFC 8986 4.16.1 S14.2-S14.4: the preceding header takes the SRH's next
	// header, the payload length drops by the SRH, the SRH goes.
	ip6[info->srh_nh_off] = s->next_hdr;
	pkt_put_be16(ip6 + 4, (uint16_t)(plen - info->srh_len));
	memmove(ip6 + info->srh_len, ip6, info->srh_off);
	rte_pktmbuf_adj(m, info->srh_len);
	return 0;
}

int
srv6_end_advance(struct rte_mbuf *m, const struct pkt_ip6_info *info, bool psp)
{
	uint8_t *ip6;
	struct srh *s;
	uint8_t sl;

	if (unlikely(m->nb_segs != 1))
		return -ENOTSUP;
	if (unlikely(!srh_info_ok(m, info)))
		return -EINVAL;
	ip6 = rte_pktmbuf_mtod(m, uint8_t *);
	s = (struct srh *)(ip6 + info->srh_off);
	sl = s->segments_left;
	// RFC 8986 4.1: SL == 0 is the caller's upper-layer case; SL beyond the
	// list would read outside it (the caller validated, this is cheap).
	if (unlikely(sl == 0 || sl > s->last_entry + 1u ||
		     SRH_FIXED_LEN + (s->last_entry + 1u) * 16 > info->srh_len))
		return -EINVAL;
	// RFC 8986 4.1 S14-S15: decrement SL, DA = Segment List[SL].
	sl--;
	s->segments_left = sl;
	memcpy(ip6 + 24, s->segments[sl], 16);
	// RFC 8986 4.16.1: PSP removes the SRH at the penultimate SID.
	if (psp && sl == 0)
		return srh_remove(m, info);
	return 0;
}

int
srv6_srh_remove(struct rte_mbuf *m, const struct pkt_ip6_info *info)
{
	if (unlikely(m->nb_segs != 1))
		return -ENOTSUP;
	if (unlikely(!srh_info_ok(m, info)))
		return -EINVAL;
	// RFC 8986 4.16.2: USP removes the SRH the same way PSP does.
	return srh_remove(m, info);
}

int
srv6_decap(struct rte_mbuf *m, uint16_t inner_off, int inner_family)
{
	uint32_t avail, inner_len;
	const uint8_t *in;

	if (unlikely(m->nb_segs != 1))
		return -ENOTSUP;
	if (inner_off > rte_pktmbuf_data_len(m))
		return -EINVAL;
	avail = rte_pktmbuf_data_len(m) - inner_off;
	in = rte_pktmbuf_mtod_offset(m, const uint8_t *, inner_off);
	if (inner_family == 4) {
		uint32_t ihl;

		if (avail < PKT_IP4_HDR_LEN || (in[0] >> 4) != 4)
			return -EINVAL;
		ihl = (in[0] & 0x0fu) * 4;
		inner_len = pkt_get_be16(in + 2);
		if (ihl < PKT_IP4_HDR_LEN || inner_len < ihl)
			return -EINVAL;
	} else if (inner_family == 6) {
		if (avail < PKT_IP6_HDR_LEN || (in[0] >> 4) != 6)
			return -EINVAL;
		inner_len = PKT_IP6_HDR_LEN + (uint32_t)pkt_get_be16(in + 4);
	} else {
		return -EINVAL;
	}
	if (inner_len > avail)
		return -EINVAL;
	// RFC 8986 4.4-4.8: remove the outer IPv6 header with all its extension
	// headers; bytes past the inner packet (padding) go too.
	rte_pktmbuf_adj(m, inner_off);
	if (avail > inner_len)
		rte_pktmbuf_trim(m, (uint16_t)(avail - inner_len));
	return 0;
}
