// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Pure, bounded packet parsers: Ethernet (one VLAN tag at most), IPv4, IPv6 with
// a bounded extension-header walk, and the software flow hash used for ECMP and
// the outer flow label. Every parser takes (buf, len), reads nothing past len
// and writes nothing but its outputs, so CUnit tests need no EAL.
// Byte helpers and checksum helpers shared by srh, srv6, icmp and neigh live here.

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ip.h>

#define PKT_ETH_HDR_LEN 14
#define PKT_VLAN_HDR_LEN 4
#define PKT_IP4_HDR_LEN 20
#define PKT_IP6_HDR_LEN 40
// RFC 8200 4.1 recommends few extension headers; we walk at most this many.
#define PKT_IP6_MAX_EXT 8

#define PKT_ETHERTYPE_IPV4 0x0800
#define PKT_ETHERTYPE_ARP 0x0806
#define PKT_ETHERTYPE_VLAN 0x8100 // IEEE 802.1Q
#define PKT_ETHERTYPE_QINQ 0x88a8 // IEEE 802.1ad
#define PKT_ETHERTYPE_IPV6 0x86dd

// IPv6 routing header type of the Segment Routing Header (RFC 8754 2).
#define PKT_ROUTING_TYPE_SRH 4

enum pkt_err {
	PKT_OK = 0,
	PKT_ERR_TRUNC,
	PKT_ERR_BAD_HEADER,
	PKT_ERR_BAD_CHECKSUM,
	PKT_ERR_EXT_BAD,
};

// Big-endian loads and stores at any alignment.
static inline uint16_t
pkt_get_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
pkt_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
pkt_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
pkt_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

// Fold a 32-bit ones' complement accumulator to 16 bits (RFC 1071).
static inline uint16_t
pkt_cksum_fold(uint32_t sum)
{
	sum = (sum >> 16) + (sum & 0xffff);
	sum = (sum >> 16) + (sum & 0xffff);
	return (uint16_t)sum;
}

// Internet checksum (RFC 1071) of len bytes whose checksum field is zero, as a
// value to store with pkt_put_be16(). Over data that carries its checksum the
// result is 0 when the checksum is valid.
static inline uint16_t
pkt_cksum(const uint8_t *buf, size_t len)
{
	return rte_be_to_cpu_16((uint16_t)~rte_raw_cksum(buf, len));
}

// IPv4 header checksum (RFC 791 3.1) over hlen bytes, conventions of pkt_cksum().
static inline uint16_t
pkt_ip4_hdr_cksum(const uint8_t *ip4, size_t hlen)
{
	// The usual 20-byte header: five 32-bit words summed with end-around
	// carries, a third of the instructions of the generic 16-bit loop (every
	// forwarded IPv4 packet is verified).
	if (likely(hlen == 20)) {
		uint32_t w[5];
		memcpy(w, ip4, sizeof(w));
		uint64_t s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
		s = (s & 0xffffffffu) + (s >> 32);
		s = (s & 0xffffffffu) + (s >> 32);
		return rte_be_to_cpu_16((uint16_t)~pkt_cksum_fold((uint32_t)s));
	}
	return pkt_cksum(ip4, hlen);
}

// Upper-layer checksum of an IPv6 packet (RFC 8200 8.1): pseudo-header (the
// addresses of ip6, l4_len, next header proto) plus l4_len bytes at l4. Same
// conventions as pkt_cksum(): store with pkt_put_be16(), or expect 0
// when computed over a message that carries its checksum.
static inline uint16_t
pkt_ip6_l4_cksum(const uint8_t *ip6, const uint8_t *l4, uint32_t l4_len, uint8_t proto)
{
	uint8_t ph[8];
	uint32_t sum;

	pkt_put_be32(ph, l4_len);
	pkt_put_be32(ph + 4, proto);
	sum = rte_raw_cksum(ip6 + 8, 32);
	sum += rte_raw_cksum(ph, sizeof(ph));
	sum += rte_raw_cksum(l4, l4_len);
	return rte_be_to_cpu_16((uint16_t)~pkt_cksum_fold(sum));
}

// Incremental checksum update when one 16-bit word changes from old to new
// (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')). Values in host order.
static inline uint16_t
pkt_cksum_adjust16(uint16_t cksum, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~cksum;

	sum += (uint16_t)~old_word;
	sum += new_word;
	return (uint16_t)~pkt_cksum_fold(sum);
}

/**
 * Parse an Ethernet header with at most one 802.1Q or 802.1ad tag.
 *
 * @return PKT_OK with *ethertype (host order) and *l2_len (14 or 18);
 *   PKT_ERR_TRUNC when the header or its tag is cut; PKT_ERR_BAD_HEADER for a
 *   second tag (stacked VLANs are not supported).
 */
static inline int
pkt_eth_parse(const uint8_t *buf, size_t len, uint16_t *ethertype, uint16_t *l2_len)
{
	uint16_t type;

	if (len < PKT_ETH_HDR_LEN)
		return PKT_ERR_TRUNC;
	type = pkt_get_be16(buf + 12);
	if (type != PKT_ETHERTYPE_VLAN && type != PKT_ETHERTYPE_QINQ) {
		*ethertype = type;
		*l2_len = PKT_ETH_HDR_LEN;
		return PKT_OK;
	}
	if (len < PKT_ETH_HDR_LEN + PKT_VLAN_HDR_LEN)
		return PKT_ERR_TRUNC;
	type = pkt_get_be16(buf + 16);
	if (type == PKT_ETHERTYPE_VLAN || type == PKT_ETHERTYPE_QINQ)
		return PKT_ERR_BAD_HEADER;
	*ethertype = type;
	*l2_len = PKT_ETH_HDR_LEN + PKT_VLAN_HDR_LEN;
	return PKT_OK;
}

/**
 * Validate an IPv4 header (RFC 791 3.1, RFC 1812 5.2.2).
 *
 * @return PKT_OK with *hdr_len = IHL * 4 and *total_len; PKT_ERR_TRUNC when
 *   fewer than 20 bytes, IHL * 4 or the total length exceed len;
 *   PKT_ERR_BAD_HEADER for version != 4, IHL < 5 or total length < IHL * 4;
 *   PKT_ERR_BAD_CHECKSUM when the header checksum does not verify.
 */
static inline int
pkt_ip4_parse(const uint8_t *buf, size_t len, uint16_t *hdr_len, uint16_t *total_len)
{
	uint16_t hlen, tlen;

	if (len < PKT_IP4_HDR_LEN)
		return PKT_ERR_TRUNC;
	if ((buf[0] >> 4) != 4)
		return PKT_ERR_BAD_HEADER;
	hlen = (uint16_t)((buf[0] & 0x0f) * 4);
	if (hlen < PKT_IP4_HDR_LEN)
		return PKT_ERR_BAD_HEADER;
	if (hlen > len)
		return PKT_ERR_TRUNC;
	tlen = pkt_get_be16(buf + 2);
	if (tlen < hlen)
		return PKT_ERR_BAD_HEADER;
	if (tlen > len)
		return PKT_ERR_TRUNC;
	if (pkt_ip4_hdr_cksum(buf, hlen) != 0)
		return PKT_ERR_BAD_CHECKSUM;
	*hdr_len = hlen;
	*total_len = tlen;
	return PKT_OK;
}

// True for an IPv4 fragment other than a whole datagram (MF set or offset != 0).
static inline bool
pkt_ip4_is_fragment(const uint8_t *ip4)
{
	return (pkt_get_be16(ip4 + 6) & 0x3fff) != 0;
}

// True for a non-first IPv4 fragment (offset != 0).
static inline bool
pkt_ip4_is_later_fragment(const uint8_t *ip4)
{
	return (pkt_get_be16(ip4 + 6) & 0x1fff) != 0;
}

struct pkt_ip6_info {
	uint16_t payload_end; // 40 + payload length (may be < len: trailing padding)
	uint16_t srh_off;     // routing header offset from the IPv6 header, 0 if none
	uint16_t srh_len;     // its length in bytes ((hdr_ext_len + 1) * 8), 0 if none
	uint16_t srh_nh_off;  // offset of the next-header byte naming it (6 after the fixed header)
	uint8_t routing_type; // type of the routing header (4 = SRH), valid when srh_off != 0
	uint8_t ul_proto;     // protocol after the extension headers walked
	uint16_t ul_off;      // its offset
};

/**
 * Parse an IPv6 header and walk Hop-by-Hop (0), Destination Options (60) and
 * Routing (43) headers, stopping at the first other header (upper layer,
 * Fragment, ESP, No Next Header ...). At most PKT_IP6_MAX_EXT headers; every
 * length is bounded by the payload end. Only the first routing header is
 * described in *out.
 *
 * @return PKT_OK; PKT_ERR_TRUNC when the fixed header or the payload length
 *   exceeds len; PKT_ERR_BAD_HEADER for version != 6 or a packet over 65535
 *   bytes; PKT_ERR_EXT_BAD for a truncated extension header, a chain that is
 *   too long, a Hop-by-Hop header not first or a second routing header.
 */
static inline int pkt_ip6_parse(const uint8_t *buf, size_t len, struct pkt_ip6_info *out);

/**
 * Walk the extension headers like pkt_ip6_parse() but bounded by end alone,
 * without checking the payload length: for quoting or classifying packets
 * whose length field may be wrong. buf holds a version-6 fixed header and at
 * least end readable bytes. out->payload_end is set to end (at most 65535).
 *
 * @return PKT_OK; PKT_ERR_TRUNC when end < 40; PKT_ERR_EXT_BAD as
 *   pkt_ip6_parse().
 */
int pkt_ip6_walk(const uint8_t *buf, size_t end, struct pkt_ip6_info *out);

static inline bool
pkt_ip6_is_ext(uint8_t nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_DSTOPTS || nh == IPPROTO_ROUTING;
}

// Inline for the shapes nearly every packet has (no extension header, or one
// routing header and then the upper layer: what an SRv6 node sees); any other
// chain takes the full walk, which gives the same answer for these shapes.
static inline int
pkt_ip6_parse(const uint8_t *buf, size_t len, struct pkt_ip6_info *out)
{
	uint32_t end;

	if (unlikely(len < PKT_IP6_HDR_LEN))
		return PKT_ERR_TRUNC;
	if (unlikely((buf[0] >> 4) != 6))
		return PKT_ERR_BAD_HEADER;
	// A zero payload length with a Jumbo Payload option (RFC 2675) is not
	// supported: such a packet then has no room for extension headers.
	end = PKT_IP6_HDR_LEN + (uint32_t)pkt_get_be16(buf + 4);
	if (unlikely(end > len))
		return PKT_ERR_TRUNC;
	if (unlikely(end > UINT16_MAX))
		return PKT_ERR_BAD_HEADER;
	if (!pkt_ip6_is_ext(buf[6])) {
		out->payload_end = (uint16_t)end;
		out->srh_off = out->srh_len = out->srh_nh_off = 0;
		out->routing_type = 0;
		out->ul_proto = buf[6];
		out->ul_off = PKT_IP6_HDR_LEN;
		return PKT_OK;
	}
	if (buf[6] == IPPROTO_ROUTING && end >= PKT_IP6_HDR_LEN + 8) {
		uint32_t hlen = (buf[PKT_IP6_HDR_LEN + 1] + 1u) * 8;
		if (PKT_IP6_HDR_LEN + hlen <= end && !pkt_ip6_is_ext(buf[PKT_IP6_HDR_LEN])) {
			out->payload_end = (uint16_t)end;
			out->srh_off = PKT_IP6_HDR_LEN;
			out->srh_len = (uint16_t)hlen;
			out->srh_nh_off = 6;
			out->routing_type = buf[PKT_IP6_HDR_LEN + 2];
			out->ul_proto = buf[PKT_IP6_HDR_LEN];
			out->ul_off = (uint16_t)(PKT_IP6_HDR_LEN + hlen);
			return PKT_OK;
		}
	}
	return pkt_ip6_walk(buf, end, out);
}

/**
 * Flow hash over addresses, protocol and, for TCP, UDP and SCTP when the packet
 * is not a fragment and the ports are present, the ports. Never fails: what
 * cannot be read is left out of the hash. Used for ECMP and the outer flow
 * label (RFC 6437, RFC 6438).
 *
 * @param l3 IPv4 (hash4) or IPv6 (hash6) header; len bytes readable.
 */
uint32_t pkt_flow_hash4(const uint8_t *l3, size_t len);
uint32_t pkt_flow_hash6(const uint8_t *l3, size_t len);

/**
 * Flow hash of a tunnelled packet: an IPv6 packet whose upper layer, after
 * any extension headers (an SRH among them), is IPv4 or IPv6 (4 or 41). With
 * a non-zero outer flow label, the outer addresses and that label (RFC 6438:
 * the encapsulating node put the inner flow there); with label 0, the inner
 * packet's pkt_flow_hash4/6. Used to spread decapsulation traffic that
 * arrives as one outer flow over workers by its inner flows.
 *
 * @param l3 IPv6 header; len bytes readable.
 * @return true with *hash set; false for any other packet (not tunnelled,
 *   or malformed: the caller leaves it where it is and the pipeline drops it
 *   with its reason).
 */
bool pkt_tunnel_hash(const uint8_t *l3, size_t len, uint32_t *hash);

/**
 * TCP MSS clamping (RFC 879, RFC 6691): in a TCP segment with SYN set, an MSS
 * option above mss is lowered to mss and the TCP checksum updated (RFC 1624).
 * Anything else (not TCP, a fragment, no SYN, no MSS option, options that
 * overrun the header) is left as it is.
 *
 * @param l3 IPv4 or IPv6 header (family 4 or 6); len bytes writable.
 * @return true when the MSS was lowered.
 */
bool pkt_tcp_mss_clamp(uint8_t *l3, size_t len, int family, uint16_t mss);
