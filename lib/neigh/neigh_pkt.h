// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Neighbour resolution packets: ARP (RFC 826) and IPv6 Neighbor Discovery
// solicitations and advertisements (RFC 4861). Parsers take the buffer at the
// L3 header (after Ethernet); builders write whole Ethernet frames. All are
// pure functions over byte buffers.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_LEN 28	 // RFC 826 for Ethernet and IPv4
#define ARP_FRAME_LEN 60 // minimum Ethernet frame without FCS

struct arp_info {
	uint16_t op;
	uint8_t sha[6];
	uint8_t spa[4];
	uint8_t tha[6];
	uint8_t tpa[4];
};

/**
 * Parse an ARP packet (RFC 826) for Ethernet and IPv4.
 *
 * @return 0; -EINVAL when fewer than 28 bytes, hardware type != 1, protocol
 *   type != 0x0800, hardware length != 6, protocol length != 4, or an
 *   operation other than request (1) or reply (2).
 */
int arp_parse(const uint8_t *buf, size_t len, struct arp_info *out);

/**
 * Write an ARP frame: Ethernet from src_mac to dst_mac (broadcast when NULL),
 * sender src_mac/spa, target dst_mac (zero when NULL, as in a request)/tpa,
 * zero-padded to the 60-byte Ethernet minimum.
 *
 * @return 60; -ENOSPC when cap < 60; -EINVAL for an op other than 1 or 2.
 */
int arp_build(uint8_t *frame, size_t cap, uint16_t op, const uint8_t src_mac[6],
	      const uint8_t spa[4], const uint8_t dst_mac[6], const uint8_t tpa[4]);

enum nd_type {
	ND_NS = 135,
	ND_NA = 136,
};

// RFC 4861 4.6.1 option types.
#define ND_OPT_SRC_LLADDR 1
#define ND_OPT_TGT_LLADDR 2
// RFC 4861 4.4 NA flags (first byte after the checksum).
#define ND_NA_FLAG_ROUTER 0x80
#define ND_NA_FLAG_SOLICITED 0x40
#define ND_NA_FLAG_OVERRIDE 0x20
#define ND_HOP_LIMIT 255

struct nd_info {
	uint8_t type; // enum nd_type
	uint8_t target[16];
	bool has_lladdr; // source (NS) or target (NA) link-layer address option
	uint8_t lladdr[6];
	bool solicited, override, router; // NA flags, false for NS
};

/**
 * Parse and validate a Neighbor Solicitation or Advertisement (RFC 4861 7.1.1,
 * 7.1.2): hop limit 255, ICMPv6 code 0, ICMP length >= 24, valid checksum,
 * every option with a non-zero length inside the message, target not
 * multicast; an NS from the unspecified address goes to a solicited-node
 * address and has no source link-layer option; a multicast NA is not solicited.
 *
 * @param ip6 the IPv6 header; len bytes readable.
 * @return 0; -EINVAL for anything else, other ICMPv6 types included.
 */
int nd_parse(const uint8_t *ip6, size_t len, struct nd_info *out);

/**
 * Write a Neighbor Solicitation frame (RFC 4861 4.3, 7.2.2) for target: to its
 * solicited-node multicast address (or dst_ip when not NULL), Ethernet
 * destination dst_mac or the multicast mapping of the IPv6 destination
 * (RFC 2464 7, 33:33:ff:xx:xx:xx for solicited-node), hop limit 255, source
 * link-layer option src_mac unless src_ip is unspecified (duplicate address
 * detection).
 *
 * @return the frame length (86, or 78 without the option); -ENOSPC.
 */
int nd_build_ns(uint8_t *frame, size_t cap, const uint8_t src_mac[6], const uint8_t src_ip[16],
		const uint8_t target[16], const uint8_t *dst_ip, const uint8_t *dst_mac);

/**
 * Write a Neighbor Advertisement frame (RFC 4861 4.4, 7.2.4) for target with the
 * target link-layer option src_mac, hop limit 255, the Solicited and Override
 * flags as given (Solicited is cleared for a multicast destination, RFC 4861
 * 4.4) and the Router flag set: srv6d is a router (RFC 4861 7.2.4). dst_mac
 * may be NULL for a multicast dst_ip (RFC 2464 7 mapping).
 *
 * @return the frame length (86); -ENOSPC.
 */
int nd_build_na(uint8_t *frame, size_t cap, const uint8_t src_mac[6], const uint8_t src_ip[16],
		const uint8_t dst_mac[6], const uint8_t dst_ip[16], const uint8_t target[16],
		bool solicited, bool override);
