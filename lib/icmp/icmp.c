// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "icmp.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "pkt.h"

#define ICMP_HDR_LEN 8
#define ICMP4_TTL 64
#define ICMP6_HOP_LIMIT 64
#define ICMP6_REDIRECT 137

// Give m at least need bytes of headroom, moving the data towards the end of
// the buffer when the tailroom allows.
static int
ensure_headroom(struct rte_mbuf *m, uint16_t need)
{
	uint16_t head = rte_pktmbuf_headroom(m);
	uint16_t shift;
	uint8_t *data;

	if (head >= need)
		return 0;
	shift = (uint16_t)(need - head);
	if (rte_pktmbuf_tailroom(m) < shift)
		return -ENOSPC;
	data = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(data + shift, data, rte_pktmbuf_data_len(m));
	m->data_off = (uint16_t)(m->data_off + shift);
	return 0;
}

// Keep the first len bytes of the data.
static void
trim_to(struct rte_mbuf *m, uint32_t len)
{
	if (rte_pktmbuf_data_len(m) > len)
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - len));
}

// 224.0.0.0/4 multicast, 240.0.0.0/4 reserved, 255.255.255.255 broadcast.
static inline bool
ip4_is_mcast_or_bcast(const uint8_t *a)
{
	return a[0] >= 224;
}

// RFC 1812 5.3.7: sources in 0/8 (this network), 127/8 (loopback), multicast,
// class E and the limited broadcast identify no single remote host.
static inline bool
ip4_src_invalid(const uint8_t *a)
{
	return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

// ICMPv4 messages that are not errors (RFC 792, RFC 1256, RFC 950, RFC 8335).
// Anything else, unknown types included, counts as an error so that we never
// answer an error with an error.
static inline bool
icmp4_type_is_query(uint8_t type)
{
	switch (type) {
	case 0:	 // echo reply
	case 8:	 // echo request
	case 9:	 // router advertisement
	case 10: // router solicitation
	case 13: // timestamp
	case 14: // timestamp reply
	case 15: // information request
	case 16: // information reply
	case 17: // address mask request
	case 18: // address mask reply
	case 42: // extended echo request
	case 43: // extended echo reply
		return true;
	default:
		return false;
	}
}

static inline bool
ip6_is_unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static inline bool
ip6_is_mcast(const uint8_t *a)
{
	return a[0] == 0xff;
}

__rte_cold int
icmp4_error_build(struct rte_mbuf *m, uint8_t type, uint8_t code, uint32_t info,
		  const uint8_t src[4])
{
	uint32_t dlen, hlen, olen, qlen, word;
	uint8_t *ip, *h;
	int rc;

	if (m->nb_segs != 1)
		return -ENOTSUP;
	dlen = rte_pktmbuf_data_len(m);
	ip = rte_pktmbuf_mtod(m, uint8_t *);
	if (dlen < PKT_IP4_HDR_LEN || (ip[0] >> 4) != 4)
		return -EINVAL;
	hlen = (ip[0] & 0x0fu) * 4;
	if (hlen < PKT_IP4_HDR_LEN || hlen > dlen)
		return -EINVAL;

	// RFC 1812 4.3.2.7: no error about a non-first fragment, a packet to a
	// broadcast or multicast address, from an invalid source, or about an
	// ICMP error (an ICMP message whose type cannot be read counts as one).
	if (pkt_ip4_is_later_fragment(ip))
		return -EPERM;
	if (ip4_is_mcast_or_bcast(ip + 16) || ip4_src_invalid(ip + 12))
		return -EPERM;
	if (ip[9] == IPPROTO_ICMP && (hlen >= dlen || !icmp4_type_is_query(ip[hlen])))
		return -EPERM;

	// RFC 1812 4.3.2.3: quote the header and as much data as keeps the
	// error within 576 bytes; the total length field bounds the original
	// unless it is itself the problem.
	olen = pkt_get_be16(ip + 2);
	olen = RTE_MAX(hlen, RTE_MIN(olen, dlen));
	qlen = RTE_MIN(olen, (uint32_t)ICMP4_ERROR_MAX_LEN - PKT_IP4_HDR_LEN - ICMP_HDR_LEN);
	trim_to(m, qlen);
	rc = ensure_headroom(m, PKT_IP4_HDR_LEN + ICMP_HDR_LEN);
	if (rc < 0)
		return rc;
	h = (uint8_t *)rte_pktmbuf_prepend(m, PKT_IP4_HDR_LEN + ICMP_HDR_LEN);
	ip = h + PKT_IP4_HDR_LEN + ICMP_HDR_LEN; // the original, now quoted

	h[0] = 0x45;
	// RFC 1812 4.3.2.5: errors other than source quench use precedence 6.
	h[1] = 0xc0;
	pkt_put_be16(h + 2, (uint16_t)(PKT_IP4_HDR_LEN + ICMP_HDR_LEN + qlen));
	// DF set: the datagram is atomic, so a zero ID is fine (RFC 6864 4.1).
	pkt_put_be16(h + 4, 0);
	pkt_put_be16(h + 6, 0x4000);
	h[8] = ICMP4_TTL;
	h[9] = IPPROTO_ICMP;
	pkt_put_be16(h + 10, 0);
	memcpy(h + 12, src, 4);
	memcpy(h + 16, ip + 12, 4);
	pkt_put_be16(h + 10, pkt_ip4_hdr_cksum(h, PKT_IP4_HDR_LEN));

	if (type == ICMP4_DEST_UNREACH && code == ICMP4_CODE_FRAG_NEEDED)
		word = info & 0xffffu; // RFC 1191 4: Next-Hop MTU in the low 16 bits
	else if (type == ICMP4_PARAM_PROBLEM)
		word = (info & 0xffu) << 24; // RFC 792: pointer in the first byte
	else
		word = info;
	h += PKT_IP4_HDR_LEN;
	h[0] = type;
	h[1] = code;
	pkt_put_be16(h + 2, 0);
	pkt_put_be32(h + 4, word);
	pkt_put_be16(h + 2, pkt_cksum(h, ICMP_HDR_LEN + qlen));
	return 0;
}

__rte_cold int
icmp6_error_build(struct rte_mbuf *m, uint8_t type, uint8_t code, uint32_t info,
		  const uint8_t src[16])
{
	struct pkt_ip6_info pi;
	uint32_t dlen, olen, qlen;
	uint8_t *ip, *h;
	int rc;

	if (m->nb_segs != 1)
		return -ENOTSUP;
	dlen = rte_pktmbuf_data_len(m);
	ip = rte_pktmbuf_mtod(m, uint8_t *);
	if (dlen < PKT_IP6_HDR_LEN || (ip[0] >> 4) != 6)
		return -EINVAL;
	olen = RTE_MIN(PKT_IP6_HDR_LEN + (uint32_t)pkt_get_be16(ip + 4), dlen);

	// RFC 4443 2.4(e.6): the source must identify a single node.
	if (ip6_is_unspecified(ip + 8) || ip6_is_mcast(ip + 8))
		return -EPERM;
	// RFC 4443 2.4(e.3): no error about a packet to a multicast address but
	// Packet Too Big and Parameter Problem code 2.
	if (ip6_is_mcast(ip + 24) && type != ICMP6_PACKET_TOO_BIG &&
	    !(type == ICMP6_PARAM_PROBLEM && code == ICMP6_CODE_UNRECOGNIZED_OPTION))
		return -EPERM;
	// RFC 4443 2.4(e.1, e.2): no error about an ICMPv6 error or a redirect.
	// The walk ignores the payload length, which may be what is wrong.
	if (pkt_ip6_walk(ip, olen, &pi) == PKT_OK && pi.ul_proto == IPPROTO_ICMPV6) {
		if (pi.ul_off >= olen || ip[pi.ul_off] < 128 || ip[pi.ul_off] == ICMP6_REDIRECT)
			return -EPERM;
	}

	// RFC 4443 2.4(c): quote as much as fits in the minimum MTU.
	qlen = RTE_MIN(olen, (uint32_t)ICMP6_ERROR_MAX_LEN - PKT_IP6_HDR_LEN - ICMP_HDR_LEN);
	trim_to(m, qlen);
	rc = ensure_headroom(m, PKT_IP6_HDR_LEN + ICMP_HDR_LEN);
	if (rc < 0)
		return rc;
	h = (uint8_t *)rte_pktmbuf_prepend(m, PKT_IP6_HDR_LEN + ICMP_HDR_LEN);
	ip = h + PKT_IP6_HDR_LEN + ICMP_HDR_LEN;

	pkt_put_be32(h, 6u << 28);
	pkt_put_be16(h + 4, (uint16_t)(ICMP_HDR_LEN + qlen));
	h[6] = IPPROTO_ICMPV6;
	h[7] = ICMP6_HOP_LIMIT;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, ip + 8, 16);
	// RFC 4443 3.2 and 3.4: MTU or pointer in the second word.
	h[40] = type;
	h[41] = code;
	pkt_put_be16(h + 42, 0);
	pkt_put_be32(h + 44, info);
	// RFC 4443 2.3: checksum over the pseudo-header and the message.
	pkt_put_be16(h + 42,
		     pkt_ip6_l4_cksum(h, h + PKT_IP6_HDR_LEN, ICMP_HDR_LEN + qlen, IPPROTO_ICMPV6));
	return 0;
}

int
icmp4_echo_reply(struct rte_mbuf *m)
{
	uint32_t dlen, hlen, tlen;
	uint8_t *ip, *icmp;
	uint8_t addr[4];
	uint16_t ck;

	if (m->nb_segs != 1)
		return -ENOTSUP;
	dlen = rte_pktmbuf_data_len(m);
	ip = rte_pktmbuf_mtod(m, uint8_t *);
	if (dlen < PKT_IP4_HDR_LEN || (ip[0] >> 4) != 4)
		return -EINVAL;
	hlen = (ip[0] & 0x0fu) * 4;
	tlen = pkt_get_be16(ip + 2);
	if (hlen < PKT_IP4_HDR_LEN || tlen < hlen + ICMP_HDR_LEN || tlen > dlen)
		return -EINVAL;
	if (ip[9] != IPPROTO_ICMP || pkt_ip4_is_fragment(ip))
		return -EINVAL;
	icmp = ip + hlen;
	if (icmp[0] != ICMP4_ECHO_REQUEST)
		return -EINVAL;
	// RFC 1122 3.2.2.6: a request to a broadcast or multicast address may be
	// dropped; we have no unicast source to answer it from here.
	if (ip4_is_mcast_or_bcast(ip + 16))
		return -EINVAL;
	// RFC 1122 3.2.2: a message with a bad checksum is dropped.
	if (pkt_cksum(icmp, tlen - hlen) != 0)
		return -EINVAL;

	trim_to(m, tlen);
	// RFC 1122 3.2.2.6: options of the request would need reversing or
	// updating; the reply carries none instead.
	if (hlen > PKT_IP4_HDR_LEN) {
		memmove(ip + hlen - PKT_IP4_HDR_LEN, ip, PKT_IP4_HDR_LEN);
		rte_pktmbuf_adj(m, (uint16_t)(hlen - PKT_IP4_HDR_LEN));
		ip = rte_pktmbuf_mtod(m, uint8_t *);
		ip[0] = 0x45;
		tlen -= hlen - PKT_IP4_HDR_LEN;
		pkt_put_be16(ip + 2, (uint16_t)tlen);
	}
	// RFC 792: the reply swaps source and destination, type 8 becomes 0.
	memcpy(addr, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, addr, 4);
	ip[8] = ICMP4_TTL;
	pkt_put_be16(ip + 10, 0);
	pkt_put_be16(ip + 10, pkt_ip4_hdr_cksum(ip, PKT_IP4_HDR_LEN));
	ck = pkt_cksum_adjust16(pkt_get_be16(icmp + 2), pkt_get_be16(icmp),
				(uint16_t)(ICMP4_ECHO_REPLY << 8 | icmp[1]));
	icmp[0] = ICMP4_ECHO_REPLY;
	pkt_put_be16(icmp + 2, ck);
	return 0;
}

int
icmp6_echo_reply(struct rte_mbuf *m)
{
	struct pkt_ip6_info pi;
	uint8_t *ip, *icmp;
	uint8_t addr[16], pseudo[40];
	uint32_t l4_len;
	bool en_route;
	uint16_t ck;

	if (m->nb_segs != 1)
		return -ENOTSUP;
	ip = rte_pktmbuf_mtod(m, uint8_t *);
	if (pkt_ip6_parse(ip, rte_pktmbuf_data_len(m), &pi) != PKT_OK)
		return -EINVAL;
	if (pi.ul_proto != IPPROTO_ICMPV6 || pi.ul_off + ICMP_HDR_LEN > pi.payload_end)
		return -EINVAL;
	icmp = ip + pi.ul_off;
	if (icmp[0] != ICMP6_ECHO_REQUEST)
		return -EINVAL;
	// RFC 4443 4.2: a reply to a multicast request comes from a unicast
	// address of the interface, which only the caller knows.
	if (ip6_is_mcast(ip + 24))
		return -EINVAL;
	l4_len = pi.payload_end - pi.ul_off;
	// RFC 8200 8.1: with segments left, the sender summed over the final
	// destination, Segment List[0] (an End.OP SID answers en route).
	memcpy(pseudo + 8, ip + 8, 32);
	en_route = pi.srh_off != 0 && pi.routing_type == 4 && ip[pi.srh_off + 3] != 0 &&
		   ip[pi.srh_off + 1] >= 2;
	if (en_route)
		memcpy(pseudo + 24, ip + pi.srh_off + 8, 16);
	// RFC 4443 2.4(d): messages with a bad checksum are dropped.
	if (pkt_ip6_l4_cksum(pseudo, icmp, l4_len, IPPROTO_ICMPV6) != 0)
		return -EINVAL;

	trim_to(m, pi.payload_end);
	// The request's extension headers (an SRH, options) are not the reply's.
	if (pi.ul_off > PKT_IP6_HDR_LEN) {
		memmove(ip + pi.ul_off - PKT_IP6_HDR_LEN, ip, PKT_IP6_HDR_LEN);
		rte_pktmbuf_adj(m, (uint16_t)(pi.ul_off - PKT_IP6_HDR_LEN));
		ip = rte_pktmbuf_mtod(m, uint8_t *);
		ip[6] = IPPROTO_ICMPV6;
		pkt_put_be16(ip + 4, (uint16_t)l4_len);
	}
	// RFC 4443 4.2: the reply goes back to the request's source. Swapping
	// the addresses and dropping headers leave the pseudo-header sum as is.
	memcpy(addr, ip + 8, 16);
	memcpy(ip + 8, ip + 24, 16);
	memcpy(ip + 24, addr, 16);
	ip[7] = ICMP6_HOP_LIMIT;
	if (en_route) {
		// The reply's pseudo-header is not the request's: summed anew.
		icmp[0] = ICMP6_ECHO_REPLY;
		pkt_put_be16(icmp + 2, 0);
		pkt_put_be16(icmp + 2, pkt_ip6_l4_cksum(ip, icmp, l4_len, IPPROTO_ICMPV6));
		return 0;
	}
	ck = pkt_cksum_adjust16(pkt_get_be16(icmp + 2), pkt_get_be16(icmp),
				(uint16_t)(ICMP6_ECHO_REPLY << 8 | icmp[1]));
	icmp[0] = ICMP6_ECHO_REPLY;
	pkt_put_be16(icmp + 2, ck);
	return 0;
}
