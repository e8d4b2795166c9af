// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "pkt.h"

#include <rte_hash_crc.h>

// Any fixed value; it only keeps an all-zero tuple from hashing to zero.
#define PKT_HASH_SEED 0x9e3779b9u

// Walk the extension headers of an IPv6 packet whose first end bytes are
// readable and belong to it. RFC 8200 4: Hop-by-Hop, Destination Options and
// Routing are processed in order; anything else ends the walk.
static int
ip6_walk(const uint8_t *buf, uint32_t end, struct pkt_ip6_info *out)
{
	uint32_t off = PKT_IP6_HDR_LEN;
	uint32_t nh_off = 6;
	uint8_t nh = buf[6];
	unsigned int n;

	out->srh_off = 0;
	out->srh_len = 0;
	out->srh_nh_off = 0;
	out->routing_type = 0;
	for (n = 0;; n++) {
		uint32_t hlen;

		if (!pkt_ip6_is_ext(nh))
			break;
		if (n == PKT_IP6_MAX_EXT)
			return PKT_ERR_EXT_BAD;
		// RFC 8200 4.1: Hop-by-Hop Options only right after the IPv6 header.
		if (nh == IPPROTO_HOPOPTS && off != PKT_IP6_HDR_LEN)
			return PKT_ERR_EXT_BAD;
		if (off + 2 > end)
			return PKT_ERR_EXT_BAD;
		// RFC 8200 4.3-4.6: Hdr Ext Len counts 8-octet units beyond the first.
		hlen = (buf[off + 1] + 1u) * 8;
		if (off + hlen > end)
			return PKT_ERR_EXT_BAD;
		if (nh == IPPROTO_ROUTING) {
			// RFC 8200 4.1: each extension header occurs at most once
			// (Destination Options excepted).
			if (out->srh_off != 0)
				return PKT_ERR_EXT_BAD;
			out->srh_off = (uint16_t)off;
			out->srh_len = (uint16_t)hlen;
			out->srh_nh_off = (uint16_t)nh_off;
			out->routing_type = buf[off + 2];
		}
		nh_off = off;
		nh = buf[off];
		off += hlen;
	}
	out->ul_proto = nh;
	out->ul_off = (uint16_t)off;
	return PKT_OK;
}

int
pkt_ip6_walk(const uint8_t *buf, size_t end, struct pkt_ip6_info *out)
{
	if (end < PKT_IP6_HDR_LEN)
		return PKT_ERR_TRUNC;
	if (end > UINT16_MAX)
		end = UINT16_MAX;
	out->payload_end = (uint16_t)end;
	return ip6_walk(buf, (uint32_t)end, out);
}

static inline bool
proto_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP;
}

// murmur3's finaliser: CRC32 is linear, this spreads every input bit over the
// low 20 bits that become the flow label and the low bits ECMP reduces.
static inline uint32_t
hash_finish(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

uint32_t
pkt_flow_hash4(const uint8_t *l3, size_t len)
{
	uint32_t h = PKT_HASH_SEED;
	uint32_t ports = 0;
	uint64_t addrs;
	uint32_t hlen;
	uint8_t proto;

	if (len < PKT_IP4_HDR_LEN)
		return hash_finish(h);
	hlen = (l3[0] & 0x0fu) * 4;
	proto = l3[9];
	// Copies: the header may sit at any alignment, the CRC loads are wide.
	memcpy(&addrs, l3 + 12, 8);
	h = rte_hash_crc_8byte(addrs, h);
	// Later fragments carry no ports and the first one must hash alike.
	if (proto_has_ports(proto) && !pkt_ip4_is_fragment(l3) && hlen >= PKT_IP4_HDR_LEN &&
	    hlen + 4 <= len)
		memcpy(&ports, l3 + hlen, 4);
	h = rte_hash_crc_4byte(ports, h);
	h = rte_hash_crc_4byte(proto, h);
	return hash_finish(h);
}

uint32_t
pkt_flow_hash6(const uint8_t *l3, size_t len)
{
	struct pkt_ip6_info info;
	uint32_t h = PKT_HASH_SEED;
	uint32_t ports = 0;
	uint64_t addrs[4];
	unsigned int i;
	uint32_t end;
	uint8_t proto;

	if (len < PKT_IP6_HDR_LEN)
		return hash_finish(h);
	memcpy(addrs, l3 + 8, 32);
	for (i = 0; i < RTE_DIM(addrs); i++)
		h = rte_hash_crc_8byte(addrs[i], h);
	end = PKT_IP6_HDR_LEN + (uint32_t)pkt_get_be16(l3 + 4);
	if (end > len)
		end = (uint32_t)RTE_MIN(len, (size_t)UINT16_MAX);
	if (end > UINT16_MAX)
		end = UINT16_MAX;
	proto = l3[6];
	// A Fragment header (44) ends the walk, so fragments hash without ports.
	if (ip6_walk(l3, end, &info) == PKT_OK) {
		proto = info.ul_proto;
		if (proto_has_ports(proto) && info.ul_off + 4u <= end)
			memcpy(&ports, l3 + info.ul_off, 4);
	}
	h = rte_hash_crc_4byte(ports, h);
	h = rte_hash_crc_4byte(proto, h);
	return hash_finish(h);
}

bool
pkt_tunnel_hash(const uint8_t *l3, size_t len, uint32_t *hash)
{
	struct pkt_ip6_info info;
	uint32_t label, h = PKT_HASH_SEED;
	uint64_t addrs[4];

	if (pkt_ip6_parse(l3, len, &info) != PKT_OK ||
	    (info.ul_proto != IPPROTO_IPIP && info.ul_proto != IPPROTO_IPV6))
		return false;
	label = pkt_get_be32(l3) & 0xfffffu;
	if (label != 0) {
		memcpy(addrs, l3 + 8, 32);
		for (unsigned int i = 0; i < RTE_DIM(addrs); i++)
			h = rte_hash_crc_8byte(addrs[i], h);
		*hash = hash_finish(rte_hash_crc_4byte(label, h));
		return true;
	}
	if (info.ul_proto == IPPROTO_IPIP)
		*hash = pkt_flow_hash4(l3 + info.ul_off, info.payload_end - info.ul_off);
	else
		*hash = pkt_flow_hash6(l3 + info.ul_off, info.payload_end - info.ul_off);
	return true;
}

bool
pkt_tcp_mss_clamp(uint8_t *l3, size_t len, int family, uint16_t mss)
{
	uint32_t off, end, hl;
	uint8_t *tcp;

	if (family == 4) {
		if (len < PKT_IP4_HDR_LEN || l3[9] != IPPROTO_TCP || pkt_ip4_is_fragment(l3))
			return false;
		off = (l3[0] & 0x0fu) * 4u;
		end = pkt_get_be16(l3 + 2);
	} else {
		struct pkt_ip6_info info;
		if (pkt_ip6_parse(l3, len, &info) != PKT_OK || info.ul_proto != IPPROTO_TCP)
			return false;
		off = info.ul_off;
		end = info.payload_end;
	}
	if (end > len || off + 20u > end)
		return false;
	tcp = l3 + off;
	hl = (tcp[12] >> 4) * 4u;
	if (!(tcp[13] & 0x02) || hl < 20 || off + hl > end)
		return false;
	// Options: kind 0 ends them, kind 1 is one byte, the others carry a length.
	for (uint32_t i = 20; i < hl;) {
		uint8_t kind = tcp[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hl || tcp[i + 1] < 2 || i + tcp[i + 1] > hl)
			return false;
		if (kind == 2 && tcp[i + 1] == 4) {
			uint16_t cur = pkt_get_be16(tcp + i + 2);
			if (cur <= mss)
				return false;
			pkt_put_be16(tcp + i + 2, mss);
			pkt_put_be16(tcp + 16,
				     pkt_cksum_adjust16(pkt_get_be16(tcp + 16), cur, mss));
			return true;
		}
		i += tcp[i + 1];
	}
	return false;
}
