// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "neigh_pkt.h"

#include <errno.h>
#include <string.h>

#include "pkt.h"

#define ND_MSG_LEN 24 // ICMPv6 header, reserved/flags and target (RFC 4861 4.3, 4.4)
#define ND_OPT_LLADDR_LEN 8
#define ARP_HTYPE_ETHER 1

static const uint8_t eth_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_zero[6];
static const uint8_t ip6_zero[16];

int
arp_parse(const uint8_t *buf, size_t len, struct arp_info *out)
{
	uint16_t op;

	if (len < ARP_LEN)
		return -EINVAL;
	// RFC 826: ar$hrd, ar$pro, ar$hln, ar$pln for Ethernet and IPv4.
	if (pkt_get_be16(buf) != ARP_HTYPE_ETHER || pkt_get_be16(buf + 2) != PKT_ETHERTYPE_IPV4 ||
	    buf[4] != 6 || buf[5] != 4)
		return -EINVAL;
	op = pkt_get_be16(buf + 6);
	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
		return -EINVAL;
	out->op = op;
	memcpy(out->sha, buf + 8, 6);
	memcpy(out->spa, buf + 14, 4);
	memcpy(out->tha, buf + 18, 6);
	memcpy(out->tpa, buf + 24, 4);
	return 0;
}

static void
eth_write(uint8_t *frame, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	pkt_put_be16(frame + 12, type);
}

int
arp_build(uint8_t *frame, size_t cap, uint16_t op, const uint8_t src_mac[6], const uint8_t spa[4],
	  const uint8_t dst_mac[6], const uint8_t tpa[4])
{
	uint8_t *a = frame + PKT_ETH_HDR_LEN;

	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
		return -EINVAL;
	if (cap < ARP_FRAME_LEN)
		return -ENOSPC;
	memset(frame, 0, ARP_FRAME_LEN);
	eth_write(frame, dst_mac != NULL ? dst_mac : eth_bcast, src_mac, PKT_ETHERTYPE_ARP);
	pkt_put_be16(a, ARP_HTYPE_ETHER);
	pkt_put_be16(a + 2, PKT_ETHERTYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	pkt_put_be16(a + 6, op);
	memcpy(a + 8, src_mac, 6);
	memcpy(a + 14, spa, 4);
	// RFC 826: the target hardware address of a request is unknown (zero).
	memcpy(a + 18, dst_mac != NULL ? dst_mac : mac_zero, 6);
	memcpy(a + 24, tpa, 4);
	return ARP_FRAME_LEN;
}

// RFC 4291 2.7.1: ff02::1:ff00:0/104 + the low 24 bits of the address.
static void
ip6_solicited_node(uint8_t out[16], const uint8_t addr[16])
{
	static const uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};

	memcpy(out, prefix, sizeof(prefix));
	memcpy(out + 13, addr + 13, 3);
}

static bool
ip6_is_solicited_node(const uint8_t addr[16])
{
	uint8_t sn[16];

	ip6_solicited_node(sn, addr);
	return memcmp(sn, addr, 16) == 0;
}

// RFC 2464 7: 33:33 followed by the low 32 bits of the IPv6 multicast address.
static void
ip6_mcast_mac(uint8_t mac[6], const uint8_t addr[16])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, addr + 12, 4);
}

int
nd_parse(const uint8_t *ip6, size_t len, struct nd_info *out)
{
	struct pkt_ip6_info pi;
	const uint8_t *icmp;
	uint32_t l4_len, off;
	bool slla = false;

	if (pkt_ip6_parse(ip6, len, &pi) != PKT_OK || pi.ul_proto != IPPROTO_ICMPV6)
		return -EINVAL;
	// RFC 4861 7.1.1/7.1.2: hop limit 255 proves the sender is on link.
	if (ip6[7] != ND_HOP_LIMIT)
		return -EINVAL;
	icmp = ip6 + pi.ul_off;
	l4_len = (uint32_t)pi.payload_end - pi.ul_off;
	if (l4_len < ND_MSG_LEN)
		return -EINVAL;
	if ((icmp[0] != ND_NS && icmp[0] != ND_NA) || icmp[1] != 0)
		return -EINVAL;
	if (pkt_ip6_l4_cksum(ip6, icmp, l4_len, IPPROTO_ICMPV6) != 0)
		return -EINVAL;
	// RFC 4861 7.1.1/7.1.2: the target is not a multicast address.
	if (icmp[8] == 0xff)
		return -EINVAL;

	memset(out, 0, sizeof(*out));
	out->type = icmp[0];
	memcpy(out->target, icmp + 8, 16);
	// RFC 4861 4.6: every option has a non-zero length in 8-octet units;
	// unknown options are skipped.
	for (off = ND_MSG_LEN; off < l4_len;) {
		uint32_t olen;

		if (off + 2 > l4_len)
			return -EINVAL;
		olen = icmp[off + 1] * 8u;
		if (olen == 0 || off + olen > l4_len)
			return -EINVAL;
		if (icmp[off] == ND_OPT_SRC_LLADDR)
			slla = true;
		// RFC 4861 4.6.1: source address in an NS, target address in an
		// NA; for Ethernet the option is 8 bytes (RFC 2464 6).
		if (olen == ND_OPT_LLADDR_LEN &&
		    icmp[off] == (out->type == ND_NS ? ND_OPT_SRC_LLADDR : ND_OPT_TGT_LLADDR)) {
			out->has_lladdr = true;
			memcpy(out->lladdr, icmp + off + 2, 6);
		}
		off += olen;
	}

	if (out->type == ND_NS) {
		// RFC 4861 7.1.1: an NS for duplicate address detection goes
		// to the solicited-node address and has no source address option.
		if (memcmp(ip6 + 8, ip6_zero, 16) == 0 &&
		    (!ip6_is_solicited_node(ip6 + 24) || slla))
			return -EINVAL;
		return 0;
	}
	out->router = (icmp[4] & ND_NA_FLAG_ROUTER) != 0;
	out->solicited = (icmp[4] & ND_NA_FLAG_SOLICITED) != 0;
	out->override = (icmp[4] & ND_NA_FLAG_OVERRIDE) != 0;
	// RFC 4861 7.1.2: a multicast advertisement is never solicited.
	if (ip6[24] == 0xff && out->solicited)
		return -EINVAL;
	return 0;
}

// Ethernet + IPv6 (hop limit 255) + an ND message with one link-layer option
// (when opt_type != 0), checksum included. Returns the frame length.
static int
nd_frame_write(uint8_t *frame, const uint8_t *dst_mac, const uint8_t *src_mac,
	       const uint8_t *src_ip, const uint8_t *dst_ip, uint8_t type, uint8_t flags,
	       const uint8_t *target, uint8_t opt_type)
{
	uint8_t *ip6 = frame + PKT_ETH_HDR_LEN;
	uint8_t *icmp = ip6 + PKT_IP6_HDR_LEN;
	uint16_t l4_len = ND_MSG_LEN + (opt_type != 0 ? ND_OPT_LLADDR_LEN : 0);

	eth_write(frame, dst_mac, src_mac, PKT_ETHERTYPE_IPV6);
	pkt_put_be32(ip6, 6u << 28);
	pkt_put_be16(ip6 + 4, l4_len);
	ip6[6] = IPPROTO_ICMPV6;
	ip6[7] = ND_HOP_LIMIT;
	memcpy(ip6 + 8, src_ip, 16);
	memcpy(ip6 + 24, dst_ip, 16);
	memset(icmp, 0, l4_len);
	icmp[0] = type;
	icmp[4] = flags;
	memcpy(icmp + 8, target, 16);
	if (opt_type != 0) {
		icmp[ND_MSG_LEN] = opt_type;
		icmp[ND_MSG_LEN + 1] = 1; // 8 bytes
		memcpy(icmp + ND_MSG_LEN + 2, src_mac, 6);
	}
	pkt_put_be16(icmp + 2, pkt_ip6_l4_cksum(ip6, icmp, l4_len, IPPROTO_ICMPV6));
	return PKT_ETH_HDR_LEN + PKT_IP6_HDR_LEN + l4_len;
}

int
nd_build_ns(uint8_t *frame, size_t cap, const uint8_t src_mac[6], const uint8_t src_ip[16],
	    const uint8_t target[16], const uint8_t *dst_ip, const uint8_t *dst_mac)
{
	// RFC 4861 4.3: no source link-layer option from the unspecified address.
	bool dad = memcmp(src_ip, ip6_zero, 16) == 0;
	size_t flen =
		PKT_ETH_HDR_LEN + PKT_IP6_HDR_LEN + ND_MSG_LEN + (dad ? 0 : ND_OPT_LLADDR_LEN);
	uint8_t sn[16], mac[6];

	if (cap < flen)
		return -ENOSPC;
	// RFC 4861 7.2.2: multicast solicitations go to the solicited-node
	// address of the target.
	if (dst_ip == NULL) {
		ip6_solicited_node(sn, target);
		dst_ip = sn;
	}
	if (dst_mac == NULL) {
		ip6_mcast_mac(mac, dst_ip);
		dst_mac = mac;
	}
	return nd_frame_write(frame, dst_mac, src_mac, src_ip, dst_ip, ND_NS, 0, target,
			      dad ? 0 : ND_OPT_SRC_LLADDR);
}

int
nd_build_na(uint8_t *frame, size_t cap, const uint8_t src_mac[6], const uint8_t src_ip[16],
	    const uint8_t dst_mac[6], const uint8_t dst_ip[16], const uint8_t target[16],
	    bool solicited, bool override)
{
	uint8_t flags = ND_NA_FLAG_ROUTER;
	uint8_t mac[6];

	if (cap < PKT_ETH_HDR_LEN + PKT_IP6_HDR_LEN + ND_MSG_LEN + ND_OPT_LLADDR_LEN)
		return -ENOSPC;
	// RFC 4861 4.4: the S flag is never set in a multicast advertisement.
	if (solicited && dst_ip[0] != 0xff)
		flags |= ND_NA_FLAG_SOLICITED;
	if (override)
		flags |= ND_NA_FLAG_OVERRIDE;
	if (dst_mac == NULL) {
		ip6_mcast_mac(mac, dst_ip);
		dst_mac = mac;
	}
	return nd_frame_write(frame, dst_mac, src_mac, src_ip, dst_ip, ND_NA, flags, target,
			      ND_OPT_TGT_LLADDR);
}
