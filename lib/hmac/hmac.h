// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and the SRH HMAC TLV
// (RFC 8754 2.1.2). Ours rather than OpenSSL's so the fast path stays free of
// allocation, syscalls and locks; no DPDK either, so unit tests and the
// control plane link it alone. Nothing here keeps state: thread safe.

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
// RFC 8754 2.1.2: type 5; for HMAC-SHA256 the TLV is type(1) len(1)
// D/reserved(2) key id(4) HMAC(32): 40 bytes on the wire, Length 38.
#define SRH_HMAC_TLV_TYPE 5
#define SRH_HMAC_TLV_LEN 40
#define SRH_HMAC_TLV_VLEN 38
// Linux (net/ipv6/seg6_hmac.c) still uses the draft's H flag: it looks for an
// HMAC TLV only when Flags has this bit, and only in the SRH's last 40 bytes.
// Flags are part of the HMAC text, so set it before computing the HMAC.
#define SRH_FLAG_HMAC_LINUX 0x08

// The SHA-256 states after the (K ^ ipad) and (K ^ opad) blocks: an HMAC
// then costs the message's blocks plus one, never the key's. It holds what
// the secret gives away, so keep it as secret as the secret.
struct hmac_sha256_key {
	uint32_t inner[8], outer[8];
};

// Secrets of any length (over 64 bytes they are hashed first, RFC 2104 2).
// @return 0; -EINVAL when len is 0 or a pointer is NULL.
int hmac_sha256_key_init(struct hmac_sha256_key *k, const uint8_t *secret, size_t len);

void hmac_sha256(const struct hmac_sha256_key *k, const uint8_t *msg, size_t len,
		 uint8_t out[SHA256_DIGEST_LEN]);

void sha256(const uint8_t *msg, size_t len, uint8_t out[SHA256_DIGEST_LEN]);

// RFC 8754 2.1.2.1, as Linux computes it: HMAC over source address (16) ||
// Last Entry (1) || Flags (1) || key id (4, network order) || Segment List[0]
// .. [Last Entry] (16 each, as stored). srh starts at Next Header and must hold
// its segment list (validated). The TLV itself and the D bit are not covered.
void srh_hmac_compute(const struct hmac_sha256_key *k, const uint8_t src[16], const uint8_t *srh,
		      uint32_t key_id, uint8_t out[SHA256_DIGEST_LEN]);

// Walk the TLVs after the segment list of an SRH (RFC 8754 2.1: Pad1 is one
// byte, the others type, length, value).
// @return the offset of the first HMAC TLV inside the SRH; 0 when there is
//   none; -EINVAL when a TLV runs past (Hdr Ext Len + 1) * 8 or srh_len, the
//   segment list does, or an HMAC TLV's Length is not 38.
int srh_hmac_tlv_find(const uint8_t *srh, size_t srh_len);

// Compare (in constant time) the HMAC of the TLV at tlv_off, an offset from
// srh_hmac_tlv_find(), with the one computed under the TLV's key id. The key
// must be the one that id names; the D bit's destination address check
// (RFC 8754 2.1.2.1) needs the packet's DA and is the caller's.
// @return 0 when it matches; -EBADMSG when not, or when tlv_off is no HMAC TLV.
int srh_hmac_verify(const struct hmac_sha256_key *k, const uint8_t src[16], const uint8_t *srh,
		    unsigned int tlv_off);

// Write the 40-byte HMAC TLV at dst (normally inside srh, after the segment
// list; Hdr Ext Len already counts it): type 5, Length 38, D and reserved 0,
// key_id, and the HMAC over srh as it stands (flags included).
void srh_hmac_tlv_write(uint8_t *dst, const struct hmac_sha256_key *k, const uint8_t src[16],
			const uint8_t *srh, uint32_t key_id);
