// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The IPv6 Segment Routing Header (RFC 8754). DPDK 22.11 has no
// rte_ipv6_routing_ext, so the layout is ours. Validation and building are
// pure functions over byte buffers.

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_common.h>

// RFC 8754 2: the fixed part of the SRH, then Segment List[0..Last Entry]
// (Segment List[0] is the LAST segment of the path), then optional TLVs.
struct srh {
	uint8_t next_hdr;
	uint8_t hdr_ext_len; // 8-octet units, not counting the first 8 octets
	uint8_t routing_type;
	uint8_t segments_left;
	uint8_t last_entry; // index of the last element of the Segment List
	uint8_t flags;
	rte_be16_t tag;
	uint8_t segments[][16];
} __rte_packed;

#define SRV6_MAX_SEGMENTS 16
#define SRH_FIXED_LEN 8
#define SRH_ROUTING_TYPE 4
// RFC 8754 2.1.1: padding TLVs.
#define SRH_TLV_PAD1 0
#define SRH_TLV_PADN 4

enum srh_err {
	SRH_OK = 0,
	SRH_ERR_TRUNC,
	SRH_ERR_BAD_LENGTH,
	SRH_ERR_SL_EXCEEDS_LIST,
	SRH_ERR_BAD_TLV,
	SRH_ERR_TYPE,
};

// Length of the header in bytes ((Hdr Ext Len + 1) * 8).
static inline unsigned int
srh_len(const struct srh *s)
{
	return (s->hdr_ext_len + 1u) * 8;
}

// Segment List[i]; the caller has validated the SRH and i <= last_entry.
static inline const uint8_t *
srh_segment(const struct srh *s, unsigned int i)
{
	return s->segments[i];
}

// The segment the packet is headed for now: Segment List[Segments Left]
// (RFC 8754 2: equal to the IPv6 destination at a segment endpoint).
static inline const uint8_t *
srh_active_segment(const struct srh *s)
{
	return s->segments[s->segments_left];
}

/**
 * Validate a Segment Routing Header (RFC 8754 4.3.1.1 and 2.1).
 *
 * @param buf the routing header; len bytes up to the IPv6 payload end.
 * @return SRH_OK; SRH_ERR_TRUNC when fewer than 8 bytes or (Hdr Ext Len + 1) * 8
 *   exceeds len; SRH_ERR_TYPE when Routing Type != 4; SRH_ERR_BAD_LENGTH when the
 *   header cannot hold Last Entry + 1 segments; SRH_ERR_SL_EXCEEDS_LIST when
 *   Segments Left > Last Entry + 1; SRH_ERR_BAD_TLV when the TLVs after the
 *   segment list do not exactly fill the header.
 */
int srh_validate(const uint8_t *buf, size_t len);

/**
 * Write an SRH for n segments in path order (segs[0] is visited first), stored
 * reversed as RFC 8754 2 says (Segment List[0] = segs[n - 1]), Last Entry = n - 1,
 * Segments Left = sl, flags and tag zero, no TLVs.
 *
 * @return bytes written (8 + 16 n); -ENOSPC when cap is short; -EINVAL when
 *   n is 0 or over SRV6_MAX_SEGMENTS, or sl > n.
 */
int srh_build(uint8_t *buf, size_t cap, uint8_t next_hdr, const uint8_t (*segs)[16], unsigned int n,
	      uint8_t sl);
