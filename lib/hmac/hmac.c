// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "hmac.h"

#include <errno.h>
#include <string.h>

// FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube
// roots of the first 64 primes.
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

// FIPS 180-4 5.3.3: the first 32 bits of the fractional parts of the square
// roots of the first 8 primes.
static const uint32_t H0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

// Big-endian loads and stores by shifts: no alignment or host order
// assumptions; compilers turn them into movbe or a load and a bswap. Macros
// so that they inline into sha256_blocks whatever its target attribute.
#define LOAD_BE32(p)                                                                               \
	((uint32_t)(p)[0] << 24 | (uint32_t)(p)[1] << 16 | (uint32_t)(p)[2] << 8 | (p)[3])
#define ROTR(x, n) ((x) >> (n) | (x) << (32 - (n)))

static inline void
store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

// FIPS 180-4 4.1.2.
#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

// FIPS 180-4 6.2.2 step 1, W[t] for t < 16 and, in a ring of 16, t >= 16.
#define W_LOAD(t) (w[t] = LOAD_BE32(p + 4 * (t)))
#define W_NEXT(t) (w[(t)&15] += SSIG1(w[((t)-2) & 15]) + w[((t)-7) & 15] + SSIG0(w[((t)-15) & 15]))

// One round of step 3 without moving the eight working variables: the
// caller rotates their roles instead (d + T1 is the next e, T1 + T2 the
// next a, both written in place).
#define ROUND(a, b, c, d, e, f, g, h, t, W)                                                        \
	do {                                                                                       \
		uint32_t t1_ = (h) + BSIG1(e) + CH(e, f, g) + K[t] + W(t);                         \
		(d) += t1_;                                                                        \
		(h) = t1_ + BSIG0(a) + MAJ(a, b, c);                                               \
	} while (0)
#define ROUNDS8(t, W)                                                                              \
	do {                                                                                       \
		ROUND(a, b, c, d, e, f, g, hh, (t), W);                                            \
		ROUND(hh, a, b, c, d, e, f, g, (t) + 1, W);                                        \
		ROUND(g, hh, a, b, c, d, e, f, (t) + 2, W);                                        \
		ROUND(f, g, hh, a, b, c, d, e, (t) + 3, W);                                        \
		ROUND(e, f, g, hh, a, b, c, d, (t) + 4, W);                                        \
		ROUND(d, e, f, g, hh, a, b, c, (t) + 5, W);                                        \
		ROUND(c, d, e, f, g, hh, a, b, (t) + 6, W);                                        \
		ROUND(b, c, d, e, f, g, hh, a, (t) + 7, W);                                        \
	} while (0)

// GCC on x86-64 with AVX-512 (-march=native on Zen 4 or recent Xeons) spills
// the round variables into the extra vector registers; those moves on the
// critical path made a 3-segment SRH HMAC twice as slow (850 against 470 ns).
// The compression needs general registers only. noinline: inlined into a
// caller it would lose the attribute.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SHA256_TARGET __attribute__((noinline, target("general-regs-only")))
#else
#define SHA256_TARGET
#endif

// FIPS 180-4 6.2.2: fold n 64-byte blocks into h. Rounds 0-15 take the
// message words, 16-63 the schedule, 16 rounds per iteration: i stays a
// multiple of 16, so the ring indices fold to constants.
SHA256_TARGET static void
sha256_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	uint32_t a, b, c, d, e, f, g, hh, w[16];

	for (; n > 0; n--, p += 64) {
		a = h[0];
		b = h[1];
		c = h[2];
		d = h[3];
		e = h[4];
		f = h[5];
		g = h[6];
		hh = h[7];
		ROUNDS8(0, W_LOAD);
		ROUNDS8(8, W_LOAD);
		for (unsigned int i = 16; i < 64; i += 16) {
			ROUNDS8(i, W_NEXT);
			ROUNDS8(i + 8, W_NEXT);
		}
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += hh;
	}
}

// A message being hashed: the state, the bytes short of a block, the total.
struct sha256_ctx {
	uint32_t h[8];
	uint64_t total;
	size_t n;
	uint8_t buf[64];
};

static void
ctx_update(struct sha256_ctx *c, const uint8_t *p, size_t len)
{
	size_t take;

	c->total += len;
	if (c->n > 0) {
		take = 64 - c->n < len ? 64 - c->n : len;
		memcpy(c->buf + c->n, p, take);
		c->n += take;
		p += take;
		len -= take;
		if (c->n < 64)
			return;
		sha256_blocks(c->h, c->buf, 1);
		c->n = 0;
	}
	if (len >= 64) {
		sha256_blocks(c->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	memcpy(c->buf, p, len);
	c->n = len;
}

// FIPS 180-4 5.1.1: 0x80, zeros to 56 mod 64, the length in bits (64-bit BE).
static void
ctx_final(struct sha256_ctx *c, uint8_t out[SHA256_DIGEST_LEN])
{
	uint64_t bits = c->total * 8;
	unsigned int i;

	c->buf[c->n++] = 0x80;
	if (c->n > 56) {
		memset(c->buf + c->n, 0, 64 - c->n);
		sha256_blocks(c->h, c->buf, 1);
		c->n = 0;
	}
	memset(c->buf + c->n, 0, 56 - c->n);
	store_be32(c->buf + 56, (uint32_t)(bits >> 32));
	store_be32(c->buf + 60, (uint32_t)bits);
	sha256_blocks(c->h, c->buf, 1);
	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, c->h[i]);
}

void
sha256(const uint8_t *msg, size_t len, uint8_t out[SHA256_DIGEST_LEN])
{
	struct sha256_ctx c;

	memcpy(c.h, H0, sizeof(c.h));
	c.total = 0;
	c.n = 0;
	ctx_update(&c, msg, len);
	ctx_final(&c, out);
}

int
hmac_sha256_key_init(struct hmac_sha256_key *k, const uint8_t *secret, size_t len)
{
	uint8_t kb[64], pad[64];
	unsigned int i;

	if (k == NULL || secret == NULL || len == 0)
		return -EINVAL;
	// RFC 2104 2: a key longer than the block is replaced by its hash,
	// a shorter one zero-padded to the block.
	memset(kb, 0, sizeof(kb));
	if (len > sizeof(kb))
		sha256(secret, len, kb);
	else
		memcpy(kb, secret, len);
	for (i = 0; i < 64; i++)
		pad[i] = kb[i] ^ 0x36;
	memcpy(k->inner, H0, sizeof(k->inner));
	sha256_blocks(k->inner, pad, 1);
	for (i = 0; i < 64; i++)
		pad[i] = kb[i] ^ 0x5c;
	memcpy(k->outer, H0, sizeof(k->outer));
	sha256_blocks(k->outer, pad, 1);
	// No copy of the key left on the stack (not the fast path).
	explicit_bzero(kb, sizeof(kb));
	explicit_bzero(pad, sizeof(pad));
	return 0;
}

// H((K ^ opad) || inner digest): the outer state has taken the first block,
// so one block remains: 32 digest bytes, 0x80, zeros, length 96 * 8 bits.
static void
hmac_outer(const struct hmac_sha256_key *k, const uint8_t inner[SHA256_DIGEST_LEN],
	   uint8_t out[SHA256_DIGEST_LEN])
{
	uint8_t blk[64];
	uint32_t h[8];
	unsigned int i;

	memcpy(blk, inner, SHA256_DIGEST_LEN);
	blk[32] = 0x80;
	memset(blk + 33, 0, 64 - 33 - 2);
	blk[62] = (64 + SHA256_DIGEST_LEN) * 8 >> 8;
	blk[63] = (uint8_t)((64 + SHA256_DIGEST_LEN) * 8);
	memcpy(h, k->outer, sizeof(h));
	sha256_blocks(h, blk, 1);
	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, h[i]);
}

static inline void
ctx_init_inner(struct sha256_ctx *c, const struct hmac_sha256_key *k)
{
	memcpy(c->h, k->inner, sizeof(c->h));
	c->total = 64; // the (K ^ ipad) block
	c->n = 0;
}

void
hmac_sha256(const struct hmac_sha256_key *k, const uint8_t *msg, size_t len,
	    uint8_t out[SHA256_DIGEST_LEN])
{
	uint8_t inner[SHA256_DIGEST_LEN];
	struct sha256_ctx c;

	ctx_init_inner(&c, k);
	ctx_update(&c, msg, len);
	ctx_final(&c, inner);
	hmac_outer(k, inner, out);
}

// RFC 8754 2: the SRH's fixed part and where its segment list starts.
#define SRH_OFF_HDR_EXT_LEN 1
#define SRH_OFF_LAST_ENTRY 4
#define SRH_OFF_FLAGS 5
#define SRH_OFF_SEGMENTS 8
#define SRH_TLV_TYPE_PAD1 0

void
srh_hmac_compute(const struct hmac_sha256_key *k, const uint8_t src[16], const uint8_t *srh,
		 uint32_t key_id, uint8_t out[SHA256_DIGEST_LEN])
{
	uint8_t inner[SHA256_DIGEST_LEN];
	struct sha256_ctx c;

	// The 22-byte prefix goes straight into the block buffer; the segments
	// are contiguous in the SRH and stream from there, no text is copied.
	ctx_init_inner(&c, k);
	memcpy(c.buf, src, 16);
	c.buf[16] = srh[SRH_OFF_LAST_ENTRY];
	c.buf[17] = srh[SRH_OFF_FLAGS];
	store_be32(c.buf + 18, key_id);
	c.n = 22;
	c.total += 22;
	ctx_update(&c, srh + SRH_OFF_SEGMENTS, (srh[SRH_OFF_LAST_ENTRY] + 1u) * 16);
	ctx_final(&c, inner);
	hmac_outer(k, inner, out);
}

int
srh_hmac_tlv_find(const uint8_t *srh, size_t srh_len)
{
	size_t hlen, off, end;

	if (srh_len < SRH_OFF_SEGMENTS)
		return -EINVAL;
	hlen = (srh[SRH_OFF_HDR_EXT_LEN] + 1u) * 8;
	if (hlen > srh_len)
		return -EINVAL;
	off = SRH_OFF_SEGMENTS + (srh[SRH_OFF_LAST_ENTRY] + 1u) * 16;
	if (off > hlen)
		return -EINVAL;
	while (off < hlen) {
		if (srh[off] == SRH_TLV_TYPE_PAD1) {
			off++;
			continue;
		}
		if (off + 2 > hlen)
			return -EINVAL;
		end = off + 2 + srh[off + 1];
		if (end > hlen)
			return -EINVAL;
		if (srh[off] == SRH_HMAC_TLV_TYPE)
			return srh[off + 1] == SRH_HMAC_TLV_VLEN ? (int)off : -EINVAL;
		off = end;
	}
	return 0;
}

int
srh_hmac_verify(const struct hmac_sha256_key *k, const uint8_t src[16], const uint8_t *srh,
		unsigned int tlv_off)
{
	const uint8_t *tlv = srh + tlv_off;
	uint8_t mac[SHA256_DIGEST_LEN];
	unsigned int i, diff = 0;

	if (tlv_off < SRH_OFF_SEGMENTS + (srh[SRH_OFF_LAST_ENTRY] + 1u) * 16 ||
	    tlv[0] != SRH_HMAC_TLV_TYPE || tlv[1] != SRH_HMAC_TLV_VLEN)
		return -EBADMSG;
	srh_hmac_compute(k, src, srh, LOAD_BE32(tlv + 4), mac);
	// Constant time: every byte is compared whatever the first mismatch,
	// so the timing tells an attacker nothing about a forged HMAC.
	for (i = 0; i < SHA256_DIGEST_LEN; i++)
		diff |= mac[i] ^ tlv[8 + i];
	return diff == 0 ? 0 : -EBADMSG;
}

void
srh_hmac_tlv_write(uint8_t *dst, const struct hmac_sha256_key *k, const uint8_t src[16],
		   const uint8_t *srh, uint32_t key_id)
{
	uint8_t mac[SHA256_DIGEST_LEN];

	// Computed before dst is written: dst may sit anywhere after the
	// segment list, the text never reaches it.
	srh_hmac_compute(k, src, srh, key_id, mac);
	dst[0] = SRH_HMAC_TLV_TYPE;
	dst[1] = SRH_HMAC_TLV_VLEN;
	dst[2] = 0;
	dst[3] = 0;
	store_be32(dst + 4, key_id);
	memcpy(dst + 8, mac, SHA256_DIGEST_LEN);
}
