// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "srh.h"

#include <errno.h>
#include <string.h>

int
srh_validate(const uint8_t *buf, size_t len)
{
	const struct srh *s = (const struct srh *)buf;
	unsigned int hlen, off;

	if (len < SRH_FIXED_LEN)
		return SRH_ERR_TRUNC;
	hlen = srh_len(s);
	if (hlen > len)
		return SRH_ERR_TRUNC;
	if (s->routing_type != SRH_ROUTING_TYPE)
		return SRH_ERR_TYPE;
	// RFC 8754 2: the segment list is Last Entry + 1 entries of 16 bytes
	// inside the Hdr Ext Len * 8 bytes that follow the fixed part.
	if (s->hdr_ext_len * 8u < (s->last_entry + 1u) * 16)
		return SRH_ERR_BAD_LENGTH;
	// RFC 8754 4.3.1.1: Segments Left beyond Last Entry + 1 is an error
	// (Parameter Problem, Code 0, pointing at Segments Left).
	if (s->segments_left > s->last_entry + 1u)
		return SRH_ERR_SL_EXCEEDS_LIST;
	// RFC 8754 2.1: TLVs follow the segment list; Pad1 is a single byte,
	// every other TLV is type, length and value. They must end exactly at
	// the end of the header.
	off = SRH_FIXED_LEN + (s->last_entry + 1u) * 16;
	while (off < hlen) {
		if (buf[off] == SRH_TLV_PAD1) {
			off++;
			continue;
		}
		if (off + 2 > hlen)
			return SRH_ERR_BAD_TLV;
		off += 2u + buf[off + 1];
		if (off > hlen)
			return SRH_ERR_BAD_TLV;
	}
	return SRH_OK;
}

int
srh_build(uint8_t *buf, size_t cap, uint8_t next_hdr, const uint8_t (*segs)[16], unsigned int n,
	  uint8_t sl)
{
	struct srh *s = (struct srh *)buf;
	unsigned int i, len;

	if (n == 0 || n > SRV6_MAX_SEGMENTS || sl > n)
		return -EINVAL;
	len = SRH_FIXED_LEN + 16 * n;
	if (cap < len)
		return -ENOSPC;
	s->next_hdr = next_hdr;
	s->hdr_ext_len = (uint8_t)(2 * n);
	s->routing_type = SRH_ROUTING_TYPE;
	s->segments_left = sl;
	s->last_entry = (uint8_t)(n - 1);
	s->flags = 0;
	s->tag = 0;
	// RFC 8754 2: Segment List[0] is the last segment of the path.
	for (i = 0; i < n; i++)
		memcpy(s->segments[i], segs[n - 1 - i], 16);
	return (int)len;
}
