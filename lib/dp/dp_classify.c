// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Stage 1, classify: the first thing a received burst meets. Per packet:
// RX counters and the RX capture tap, the port's state and MAC, the Ethernet
// header (untagged or priority-tagged: no port serves a VLAN), then the IP header: IPv4
// header and checksum, IPv6 fixed header and payload length; on a port with
// tcp_mss, the MSS of TCP SYNs clamped (pkt_tcp_mss_clamp). Trailing
// padding is trimmed and the Ethernet header stripped, so every later stage
// sees the packet at its L3 header. ARP, and ND to multicast or link-local
// addresses, are punted to the control thread; anything malformed is dropped
// with its reason.
//
// Reads: the mbuf (port, nb_segs, ol_flags, hash.rss, data), the table's
// port meta (enabled, VRF, MAC). Writes every dp_meta field the pipeline
// reads: rx_port, in_vrf = vrf (the port's VRF), family, flags (DP_F_HASHED
// with flow_hash when the NIC gave an RSS hash), passes, encap_len, punt.
//
// Attached ports (dp_port_meta.attach) steer what they receive before any
// lookup: an l2vpn port's frames go whole into H.Encaps.L2 (RFC 8986 5.3,
// no MAC filter: the port is promiscuous); what an End.AS / End.AD return
// port receives is IP from the service, put back under the proxy's
// segments or cached headers. Both leave as SRv6 packets for the lookup of
// their destination in the default VRF, their hop limit set by us.
//
// Next: the IP packets, in order, go to dp_lookup (dp_worker.c runs it).

#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_prefetch.h>

#include "dp_stage.h"
#include "srh.h"
#include "srv6.h"

// Our outer header is on: the packet is looked up in the default VRF and
// not aged again at this node.
static inline bool
attached_out(struct rte_mbuf *m, uint16_t encap_len)
{
	struct dp_meta *md = dp_meta(m);

	md->family = 6;
	md->vrf = MODEL_DEFAULT_VRF;
	md->flags |= DP_F_NO_TTL_DEC;
	md->encap_len = encap_len;
	return true;
}

// H.Encaps.L2 of m toward next hop nh. No ICMP error can reach a frame's
// sender: encap_len stays 0.
static inline bool
l2_push(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t nh, uint32_t h)
{
	if (unlikely(srv6_encap_push(m, &dp_g.nh[nh].tmpl, IPPROTO_ETHERNET, h) < 0)) {
		dp_drop(lc, m, DP_DROP_no_headroom);
		return false;
	}
	dp_meta(m)->flow_hash = h;
	dp_meta(m)->flags |= DP_F_HASHED;
	return attached_out(m, 0);
}

// An l2vpn bridge (RFC 8986 4.10, 4.11 at the peers): the source MAC is
// learnt on the local side; a unicast destination learnt behind a peer goes
// to that peer's End.DT2U, one learnt here is filtered, and anything else
// (broadcast, multicast, unknown) is flooded to every peer's End.DT2M: the
// copies run through the pipeline after this burst (lc->flood).
static __rte_noinline bool
l2_bridge(struct dp_lcore *lc, struct rte_mbuf *m, const struct dp_port_meta *pm, uint16_t port,
	  uint32_t h)
{
	struct dp_l2_table *tab = dp_g.l2_tables[port];
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t now = dp_g.l2_now_s;
	int where;

	if (!(d[6] & 1))
		dp_l2_learn(tab, d + 6, DP_L2_LOCAL, now);
	// (A peer index beyond the bridge's peers is no place: flooded.)
	if (!(d[0] & 1) && (where = dp_l2_lookup(tab, d)) >= 0 && where <= pm->l2_peers) {
		if (where == DP_L2_LOCAL) {
			dp_drop(lc, m, DP_DROP_l2vpn_filtered);
			return false;
		}
		return l2_push(lc, m, pm->l2_nh[2 * (where - 1)], h);
	}
	for (unsigned int k = 0; k + 1u < pm->l2_peers; k++) {
		struct rte_mbuf *c = NULL;
		if (lc->n_flood < RTE_DIM(lc->flood))
			c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
		if (c == NULL) {
			lc->stats.drops[DP_DROP_l2vpn_flood_failed]++;
			lc->stats.port_drops[port]++;
			continue;
		}
		*dp_meta(c) = *dp_meta(m);
		if (l2_push(lc, c, pm->l2_nh[2 * k + 1], h))
			lc->flood[lc->n_flood++] = c;
	}
	return l2_push(lc, m, pm->l2_nh[2 * (pm->l2_peers - 1u) + 1], h);
}

// H.Encaps.L2: the flow label hashes the customer's IP flow when the frame
// carries one, else its MAC addresses.
static __rte_noinline bool
l2_encap(struct dp_lcore *lc, struct rte_mbuf *m, const struct dp_port_meta *pm, uint16_t port)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t h;

	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN)) {
		dp_drop(lc, m, DP_DROP_eth_truncated);
		return false;
	}
	if (dp_meta(m)->flags & DP_F_HASHED)
		h = dp_meta(m)->flow_hash;
	else if (pkt_get_be16(d + 12) == RTE_ETHER_TYPE_IPV4)
		h = pkt_flow_hash4(d + RTE_ETHER_HDR_LEN, m->data_len - RTE_ETHER_HDR_LEN);
	else if (pkt_get_be16(d + 12) == RTE_ETHER_TYPE_IPV6)
		h = pkt_flow_hash6(d + RTE_ETHER_HDR_LEN, m->data_len - RTE_ETHER_HDR_LEN);
	else
		h = rte_hash_crc(d, 12, 0);
	if (pm->l2_peers != 0)
		return l2_bridge(lc, m, pm, port, h);
	return l2_push(lc, m, pm->attach_nh, h);
}

// End.AD's way back: the cached headers over the packet, read under the
// cache's sequence lock (retried while a writer moves it).
static bool
proxy_dynamic_return(struct dp_lcore *lc, struct rte_mbuf *m, const struct dp_port_meta *pm)
{
	struct dp_ad_cache *c = &dp_g.ad_cache[pm->attach_cache];
	uint16_t inner = m->data_len, len = 0, nh_off = 0;
	uint8_t proto = dp_meta(m)->family == 4 ? IPPROTO_IPIP : IPPROTO_IPV6;
	uint8_t *h = NULL;

	for (unsigned int tries = 0; tries < 8; tries++) {
		uint32_t s1 = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
		if ((s1 & 1) != 0)
			continue;
		len = __atomic_load_n(&c->len, __ATOMIC_RELAXED);
		if (len == 0) {
			dp_drop(lc, m, DP_DROP_proxy_no_cache);
			return false;
		}
		if ((uint32_t)len + inner - PKT_IP6_HDR_LEN > UINT16_MAX ||
		    srv6_make_headroom(m, len) < 0) {
			dp_drop(lc, m, DP_DROP_no_headroom);
			return false;
		}
		h = (uint8_t *)rte_pktmbuf_prepend(m, len);
		memcpy(h, c->hdr, len);
		nh_off = c->nh_off;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&c->seq, __ATOMIC_RELAXED) == s1)
			break;
		rte_pktmbuf_adj(m, len);
		h = NULL;
	}
	if (unlikely(h == NULL || nh_off >= len)) {
		dp_drop(lc, m, DP_DROP_proxy_no_cache);
		return false;
	}
	pkt_put_be16(h + 4, (uint16_t)(len - PKT_IP6_HDR_LEN + inner));
	h[nh_off] = proto;
	return attached_out(m, len);
}

// End.AM's way back (6.4.2): the service kept the SRH; the DA comes back
// from it (Segment List[SL]), then the lookup as for any packet. Anything
// without an SRH is the service's own traffic, routed as it is.
static bool
proxy_demasquerade(struct rte_mbuf *m)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct pkt_ip6_info info;

	if (dp_meta(m)->family == 6 && pkt_ip6_parse(d, m->data_len, &info) == PKT_OK &&
	    info.srh_off != 0 && info.routing_type == 4 &&
	    srh_validate(d + info.srh_off, info.payload_end - info.srh_off) == SRH_OK &&
	    d[info.srh_off + 3] <= d[info.srh_off + 4]) {
		memcpy(d + 24, d + info.srh_off + 8 + 16u * d[info.srh_off + 3], 16);
		dp_meta(m)->vrf = MODEL_DEFAULT_VRF; // an SRv6 packet: the underlay's
	}
	return true;
}

// IP from the service on a proxy's return port (not ARP, ND, nor a
// link-local source: those are the link's).
static __rte_noinline bool
proxy_return(struct dp_lcore *lc, struct rte_mbuf *m, const struct dp_port_meta *pm)
{
	const struct srv6_encap_tmpl *tmpl;

	if (pm->attach == DP_ATTACH_PROXY_MASQ)
		return proxy_demasquerade(m);
	if (pm->attach == DP_ATTACH_PROXY_DYNAMIC)
		return proxy_dynamic_return(lc, m, pm);
	tmpl = &dp_g.nh[pm->attach_nh].tmpl;
	if (unlikely(srv6_encap_push(m, tmpl, dp_meta(m)->family == 4 ? IPPROTO_IPIP : IPPROTO_IPV6,
				     dp_flow_hash(m)) < 0)) {
		dp_drop(lc, m, DP_DROP_no_headroom);
		return false;
	}
	return attached_out(m, tmpl->len);
}

static inline bool
classify(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m)
{
	struct dp_meta *md = dp_meta(m);
	uint16_t port = m->port;
	const struct dp_port_meta *pm = &t->ports[port];
	const struct rte_ether_hdr *eh;
	uint16_t et, l2, hl, tot;
	const uint8_t *d;
	uint32_t len, tot6;

	lc->stats.rx_packets[port]++;
	lc->stats.rx_bytes[port] += m->pkt_len;
	dp_capture_tap(lc, m, port, DP_CAPTURE_RX);
	md->rx_port = port;
	md->in_vrf = md->vrf = pm->vrf;
	md->flags = 0;
	md->passes = 0;
	md->encap_len = 0;
	md->punt = DP_PUNT_NONE;
	md->l2_len = 0;
	// Every stage reads headers in the first segment: a chained frame is
	// made one, which fails only when it is longer than one mbuf holds.
	if (unlikely(m->nb_segs > 1) && rte_pktmbuf_linearize(m) < 0) {
		dp_drop(lc, m, DP_DROP_rx_oversize);
		return false;
	}
	if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH) {
		md->flow_hash = m->hash.rss;
		md->flags |= DP_F_HASHED;
	}
	if (unlikely(!pm->enabled)) {
		dp_drop(lc, m, DP_DROP_port_down);
		return false;
	}
	if (unlikely(pm->attach == DP_ATTACH_L2))
		return l2_encap(lc, m, pm, port);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	switch (pkt_eth_parse(d, m->data_len, &et, &l2)) {
	case PKT_OK:
		// IEEE 802.1Q: VLAN ID 0 tags a priority only, the frame is the
		// port's own; any other tag is a VLAN no port serves.
		if (likely(l2 == RTE_ETHER_HDR_LEN) ||
		    (pkt_get_be16(d + 12) == RTE_ETHER_TYPE_VLAN &&
		     (pkt_get_be16(d + 14) & 0xfff) == 0))
			break;
		dp_drop(lc, m, DP_DROP_eth_vlan);
		return false;
	case PKT_ERR_BAD_HEADER: // stacked tags
		dp_drop(lc, m, DP_DROP_eth_vlan);
		return false;
	default:
		dp_drop(lc, m, DP_DROP_eth_truncated);
		return false;
	}
	eh = (const struct rte_ether_hdr *)d;
	if (unlikely(!rte_is_multicast_ether_addr(&eh->dst_addr) &&
		     !rte_is_same_ether_addr(&eh->dst_addr, &pm->mac))) {
		dp_drop(lc, m, DP_DROP_eth_other_host);
		return false;
	}
	rte_pktmbuf_adj(m, l2);
	md->l2_len = (uint8_t)l2;
	d += l2;
	len = m->data_len;

	switch (et) {
	case RTE_ETHER_TYPE_IPV6:
		if (unlikely(len < 40)) {
			dp_drop(lc, m, DP_DROP_ip6_truncated);
			return false;
		}
		if (unlikely((d[0] >> 4) != 6)) {
			dp_drop(lc, m, DP_DROP_ip6_bad_header);
			return false;
		}
		// In 32 bits: a payload length over 65495 must not wrap below len.
		tot6 = 40u + ((uint32_t)d[4] << 8 | d[5]);
		if (unlikely(tot6 > len)) {
			dp_drop(lc, m, DP_DROP_ip6_truncated);
			return false;
		}
		if (tot6 < len)
			rte_pktmbuf_trim(m, (uint16_t)(len - tot6));
		md->family = 6;
		// Multicast and link-local destinations: only ND concerns us.
		if (unlikely(d[24] == 0xff || (d[24] == 0xfe && (d[25] & 0xc0) == 0x80))) {
			if (d[6] == IPPROTO_ICMP_V6)
				dp_punt(lc, m, DP_PUNT_ND);
			else
				dp_drop(lc, m, DP_DROP_local_unhandled);
			return false;
		}
		if (unlikely(pm->tcp_mss != 0))
			pkt_tcp_mss_clamp(rte_pktmbuf_mtod(m, uint8_t *), m->data_len, 6,
					  pm->tcp_mss);
		if (unlikely(pm->attach != DP_ATTACH_NONE)) {
			// The service's own neighbour discovery (unicast probes of our
			// address included) and link-local traffic stay on the link.
			if (d[6] == IPPROTO_ICMP_V6 && len > 40 && d[40] >= 133 && d[40] <= 137) {
				dp_punt(lc, m, DP_PUNT_ND);
				return false;
			}
			if (!(d[8] == 0xfe && (d[9] & 0xc0) == 0x80))
				return proxy_return(lc, m, pm);
		}
		return true;
	case RTE_ETHER_TYPE_IPV4:
		switch (pkt_ip4_parse(d, len, &hl, &tot)) {
		case PKT_OK:
			break;
		case PKT_ERR_TRUNC:
			dp_drop(lc, m, DP_DROP_ip4_truncated);
			return false;
		case PKT_ERR_BAD_CHECKSUM:
			dp_drop(lc, m, DP_DROP_ip4_bad_checksum);
			return false;
		default:
			dp_drop(lc, m, DP_DROP_ip4_bad_header);
			return false;
		}
		if (tot < len)
			rte_pktmbuf_trim(m, (uint16_t)(len - tot));
		md->family = 4;
		if (unlikely(d[16] >= 224)) { // multicast, broadcast, class E
			dp_drop(lc, m, DP_DROP_local_unhandled);
			return false;
		}
		if (unlikely(pm->tcp_mss != 0))
			pkt_tcp_mss_clamp(rte_pktmbuf_mtod(m, uint8_t *), m->data_len, 4,
					  pm->tcp_mss);
		if (unlikely(pm->attach != DP_ATTACH_NONE))
			return proxy_return(lc, m, pm);
		return true;
	case RTE_ETHER_TYPE_ARP:
		dp_punt(lc, m, DP_PUNT_ARP);
		return false;
	default:
		dp_drop(lc, m, DP_DROP_eth_unsupported);
		return false;
	}
}

// Returns how many packets went to `out` (at most n).
uint16_t
dp_classify(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf **pkts, uint16_t n,
	    struct rte_mbuf **out)
{
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (i + 3 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 3], void *));
		if (classify(lc, t, pkts[i]))
			out[k++] = pkts[i];
	}
	return k;
}
