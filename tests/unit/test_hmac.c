// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/hmac: SHA-256 (FIPS 180-2 / 180-4 vectors), HMAC-SHA256 (RFC 4231) and
// the SRH HMAC TLV (RFC 8754 2.1.2), against values from Python's hashlib and
// hmac modules (/usr/bin/python3, Debian 12).

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "hmac.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static void
unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int b;
		sscanf(s + 2 * i, "%2x", &b);
		out[i] = (uint8_t)b;
	}
}

// Compare n bytes of a digest with a hex string.
static int
digest_eq(const uint8_t *d, const char *want, size_t n)
{
	uint8_t w[SHA256_DIGEST_LEN];

	unhex(want, w, n);
	return memcmp(d, w, n) == 0;
}

static void
test_sha256_fips(void)
{
	static const struct {
		const char *msg;
		const char *want;
	} v[] = {
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		 "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	};
	static uint8_t million[1000000];
	uint8_t d[SHA256_DIGEST_LEN];

	for (size_t i = 0; i < DIM(v); i++) {
		sha256((const uint8_t *)v[i].msg, strlen(v[i].msg), d);
		CU_ASSERT(digest_eq(d, v[i].want, sizeof(d)));
	}
	memset(million, 'a', sizeof(million));
	sha256(million, sizeof(million), d);
	CU_ASSERT(digest_eq(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
			    sizeof(d)));
}

// Every padding case (lengths 0 to 130 cross 55/56/63/64 and two blocks),
// checked at once: the SHA-256 of all the digests, concatenated. msg[i] =
// 7 i + 1 (mod 256). Python: m = bytes((i*7+1) & 0xff for i in range(200));
//   sha256(b''.join(sha256(m[:n]).digest() for n in range(131)))
//   sha256(b''.join(hmac.new(b'key', m[:n], sha256).digest() for n in range(131)))
//   sha256(b''.join(hmac.new(m[:n], b'message', sha256).digest() for n in range(1, 131)))
static uint8_t sweep_msg[200];
static uint8_t sweep_out[131][SHA256_DIGEST_LEN];

static void
sweep_init(void)
{
	for (size_t i = 0; i < sizeof(sweep_msg); i++)
		sweep_msg[i] = (uint8_t)(i * 7 + 1);
}

static void
test_sha256_lengths(void)
{
	uint8_t d[SHA256_DIGEST_LEN];

	sweep_init();
	for (size_t n = 0; n < 131; n++)
		sha256(sweep_msg, n, sweep_out[n]);
	sha256(sweep_out[0], sizeof(sweep_out), d);
	CU_ASSERT(digest_eq(d, "d959a41ac0a5596363055ecd1c08d54eb4347fbd25233db0007bae1a28756d03",
			    sizeof(d)));
}

static void
test_hmac_lengths(void)
{
	struct hmac_sha256_key k;
	uint8_t d[SHA256_DIGEST_LEN];

	sweep_init();
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, (const uint8_t *)"key", 3), 0);
	for (size_t n = 0; n < 131; n++)
		hmac_sha256(&k, sweep_msg, n, sweep_out[n]);
	sha256(sweep_out[0], sizeof(sweep_out), d);
	CU_ASSERT(digest_eq(d, "dcbf00a7df1331835f59a7f9617062a04d9a28d1b8f0b93ae226a4a483434dea",
			    sizeof(d)));
	// keys of 1 to 130 bytes: 64 is used as is, 65 and over hashed first
	for (size_t n = 1; n < 131; n++) {
		CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, sweep_msg, n), 0);
		hmac_sha256(&k, (const uint8_t *)"message", 7, sweep_out[n - 1]);
	}
	sha256(sweep_out[0], 130 * SHA256_DIGEST_LEN, d);
	CU_ASSERT(digest_eq(d, "bb1a80edc8000a6083c4e2a0ab897c77b5f4389739643c892142cbfb376fe93f",
			    sizeof(d)));
}

static void
test_hmac_rfc4231(void)
{
	static const char tc7[] = "This is a test using a larger than block-size key and a larger "
				  "than block-size data. The key needs to be hashed before being "
				  "used by the HMAC algorithm.";
	uint8_t key[131], data[50], d[SHA256_DIGEST_LEN];
	struct hmac_sha256_key k;

	// 4.2 Test Case 1
	memset(key, 0x0b, 20);
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, key, 20), 0);
	hmac_sha256(&k, (const uint8_t *)"Hi There", 8, d);
	CU_ASSERT(digest_eq(d, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
			    sizeof(d)));
	// 4.3 Test Case 2: a key shorter than the digest
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, (const uint8_t *)"Jefe", 4), 0);
	hmac_sha256(&k, (const uint8_t *)"what do ya want for nothing?", 28, d);
	CU_ASSERT(digest_eq(d, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
			    sizeof(d)));
	// 4.4 Test Case 3
	memset(key, 0xaa, 20);
	memset(data, 0xdd, 50);
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, key, 20), 0);
	hmac_sha256(&k, data, 50, d);
	CU_ASSERT(digest_eq(d, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
			    sizeof(d)));
	// 4.5 Test Case 4
	for (unsigned int i = 0; i < 25; i++)
		key[i] = (uint8_t)(i + 1);
	memset(data, 0xcd, 50);
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, key, 25), 0);
	hmac_sha256(&k, data, 50, d);
	CU_ASSERT(digest_eq(d, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
			    sizeof(d)));
	// 4.6 Test Case 5: the RFC gives the first 128 bits only
	memset(key, 0x0c, 20);
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, key, 20), 0);
	hmac_sha256(&k, (const uint8_t *)"Test With Truncation", 20, d);
	CU_ASSERT(digest_eq(d, "a3b6167473100ee06e0c796c2955552b", 16));
	// 4.7 Test Case 6: a 131-byte key, hashed first
	memset(key, 0xaa, 131);
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, key, 131), 0);
	hmac_sha256(&k, (const uint8_t *)"Test Using Larger Than Block-Size Key - Hash Key First",
		    54, d);
	CU_ASSERT(digest_eq(d, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
			    sizeof(d)));
	// 4.8 Test Case 7: that key and 152 bytes of data
	hmac_sha256(&k, (const uint8_t *)tc7, strlen(tc7), d);
	CU_ASSERT_EQUAL(strlen(tc7), 152);
	CU_ASSERT(digest_eq(d, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
			    sizeof(d)));
}

static void
test_key_init_errors(void)
{
	struct hmac_sha256_key k;
	uint8_t s = 1;

	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, &s, 0), -EINVAL);
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(hmac_sha256_key_init(NULL, &s, 1), -EINVAL);
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, &s, 1), 0);
}

// ---- SRH ---------------------------------------------------------------------

static const uint8_t src1[16] = {0xfc, 0x00, 0x00, 0x00, 0x00, 0x01, [15] = 1};
static const char key1[] = "srv6d-hmac-test-key";
#define KEY_ID1 0x01020304u

// Next header 41, Hdr Ext Len 11 (96 bytes), type 4, SL 2, Last Entry 2,
// flags 0, tag 0, Segment List = fc00:0:4::d46, fc00:0:3::e000,
// fc00:0:2::e000 (srh3 of test_srh.c), then the HMAC TLV: type 5, length 38,
// D 0, key id 0x01020304 and the HMAC, with source fc00:0:1::1 and key
// "srv6d-hmac-test-key". Python:
//   a = lambda s: ipaddress.IPv6Address(s).packed
//   segs = a('fc00:0:4::d46') + a('fc00:0:3::e000') + a('fc00:0:2::e000')
//   text = a('fc00:0:1::1') + bytes([2, 0]) + struct.pack('!I', 0x01020304) + segs
//   hmac.new(b'srv6d-hmac-test-key', text, hashlib.sha256).digest()
// The TLV is at 56, its HMAC at 64.
static const uint8_t srh_hmac3[96] = {
	0x29, 0x0b, 0x04, 0x02, 0x02, 0x00, 0x00, 0x00, 0xfc, 0x00, 0x00, 0x00, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x46, 0xfc, 0x00, 0x00, 0x00,
	0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x00, 0xfc, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x00,
	0x05, 0x26, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0xdf, 0x73, 0xed, 0x77, 0xa8, 0x59,
	0xe8, 0xfb, 0x11, 0xdb, 0xac, 0x8e, 0x0d, 0x60, 0x02, 0xd7, 0xbf, 0xe7, 0xd5, 0x80,
	0x2b, 0x10, 0xd8, 0x8c, 0xf3, 0xcb, 0xeb, 0xb2, 0x9a, 0xcf, 0x94, 0xef,
};
#define HMAC3_OFF 56

static void
key1_init(struct hmac_sha256_key *k)
{
	CU_ASSERT_EQUAL(hmac_sha256_key_init(k, (const uint8_t *)key1, strlen(key1)), 0);
}

static void
test_srh_compute(void)
{
	// One segment fc00::1, Last Entry 0, flags 0x08 (Linux's H flag), source
	// 2001:db8::1, key id 0xdeadbeef, key bytes 1..32. Python:
	//   text = a('2001:db8::1') + bytes([0, 8]) + struct.pack('!I', 0xdeadbeef) + a('fc00::1')
	//   hmac.new(bytes(range(1, 33)), text, hashlib.sha256).digest()
	static const uint8_t srh1[24] = {59, 2, 4, 0, 0, 0x08, 0, 0, 0xfc, 0x00, [23] = 1};
	static const uint8_t src2[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	uint8_t secret[32], d[SHA256_DIGEST_LEN];
	struct hmac_sha256_key k;

	key1_init(&k);
	srh_hmac_compute(&k, src1, srh_hmac3, KEY_ID1, d);
	CU_ASSERT_EQUAL(memcmp(d, srh_hmac3 + HMAC3_OFF + 8, sizeof(d)), 0);

	for (unsigned int i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)(i + 1);
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&k, secret, sizeof(secret)), 0);
	srh_hmac_compute(&k, src2, srh1, 0xdeadbeef, d);
	CU_ASSERT(digest_eq(d, "391bb905765d4feb77c6b902eccbaa91c1128bc91d36c6df47c00f9ca292d5e3",
			    sizeof(d)));
}

// srh_hmac_compute streams the text from the SRH: the same as hmac_sha256
// over the text laid out by hand, for 1 to 20 segments (texts of 38 to 342
// bytes, the prefix and the segments crossing block boundaries everywhere).
static void
test_srh_compute_text(void)
{
	static uint8_t srh[8 + 20 * 16], text[22 + 20 * 16];
	uint8_t a[SHA256_DIGEST_LEN], b[SHA256_DIGEST_LEN];
	struct hmac_sha256_key k;

	key1_init(&k);
	for (size_t i = 0; i < sizeof(srh); i++)
		srh[i] = (uint8_t)(i * 13 + 5);
	for (unsigned int n = 1; n <= 20; n++) {
		srh[4] = (uint8_t)(n - 1);
		memcpy(text, src1, 16);
		text[16] = srh[4];
		text[17] = srh[5];
		text[18] = 0xa1;
		text[19] = 0xb2;
		text[20] = 0xc3;
		text[21] = 0xd4;
		memcpy(text + 22, srh + 8, 16 * n);
		hmac_sha256(&k, text, 22 + 16 * n, a);
		srh_hmac_compute(&k, src1, srh, 0xa1b2c3d4, b);
		CU_ASSERT_EQUAL(memcmp(a, b, sizeof(a)), 0);
	}
}

static void
test_tlv_find(void)
{
	uint8_t buf[112];

	// no TLVs: the segment list fills the header
	memcpy(buf, srh_hmac3, 56);
	buf[1] = 6;
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, 56), 0);
	// the HMAC TLV right after the segments, ending the header
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(srh_hmac3, sizeof(srh_hmac3)), HMAC3_OFF);
	// Pad1, PadN (5 bytes of padding), then the HMAC TLV at 64
	memcpy(buf, srh_hmac3, 56);
	buf[1] = 12;
	memcpy(buf + 56, (const uint8_t[]){0x00, 0x04, 0x05, 0, 0, 0, 0, 0}, 8);
	memcpy(buf + 64, srh_hmac3 + HMAC3_OFF, SRH_HMAC_TLV_LEN);
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, 104), 64);
	// bytes after the header are not looked at
	memset(buf + 104, 0xff, 8);
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, sizeof(buf)), 64);
	// PadN only: no HMAC
	buf[1] = 7;
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, 64), 0);
	// an unknown TLV first (type 0x80, 6 bytes), then the HMAC TLV
	buf[1] = 12;
	memcpy(buf + 56, (const uint8_t[]){0x80, 0x06, 1, 2, 3, 4, 5, 6}, 8);
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, 104), 64);
}

static void
test_tlv_find_errors(void)
{
	uint8_t buf[104];

	// HMAC TLV with Length 30 (a 24-byte HMAC): not SHA-256's
	memcpy(buf, srh_hmac3, sizeof(srh_hmac3));
	buf[1] = 10;
	buf[HMAC3_OFF + 1] = 30;
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, 88), -EINVAL);
	// Length 46 would run past the header
	memcpy(buf, srh_hmac3, sizeof(srh_hmac3));
	buf[HMAC3_OFF + 1] = 46;
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, sizeof(srh_hmac3)), -EINVAL);
	// a PadN running past the header
	memcpy(buf, srh_hmac3, 64);
	buf[1] = 7;
	memcpy(buf + 56, (const uint8_t[]){0x04, 0x07, 0, 0, 0, 0, 0, 0}, 8);
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, 64), -EINVAL);
	// a type byte with no room for its length
	memcpy(buf + 56, (const uint8_t[]){0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80}, 8);
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, 64), -EINVAL);
	// the header longer than the buffer, the segments longer than the header
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(srh_hmac3, sizeof(srh_hmac3) - 8), -EINVAL);
	memcpy(buf, srh_hmac3, 56);
	buf[1] = 4;
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, 40), -EINVAL);
	CU_ASSERT_EQUAL(srh_hmac_tlv_find(buf, 7), -EINVAL);
}

static void
test_verify(void)
{
	uint8_t buf[sizeof(srh_hmac3)], src[16];
	struct hmac_sha256_key k, other;

	key1_init(&k);
	CU_ASSERT_EQUAL(srh_hmac_verify(&k, src1, srh_hmac3, HMAC3_OFF), 0);
	// one bit flipped in: a segment, the source, the key id, the HMAC,
	// the flags, Last Entry (a shorter list)
	static const unsigned int flips[] = {
		8 + 16 + 15, HMAC3_OFF + 7, HMAC3_OFF + 8, HMAC3_OFF + 39, 5, 4};
	for (unsigned int i = 0; i < DIM(flips); i++) {
		memcpy(buf, srh_hmac3, sizeof(buf));
		buf[flips[i]] ^= 0x01;
		CU_ASSERT_EQUAL(srh_hmac_verify(&k, src1, buf, HMAC3_OFF), -EBADMSG);
	}
	memcpy(src, src1, 16);
	src[15] ^= 0x80;
	CU_ASSERT_EQUAL(srh_hmac_verify(&k, src, srh_hmac3, HMAC3_OFF), -EBADMSG);
	// another key
	CU_ASSERT_EQUAL(hmac_sha256_key_init(&other, (const uint8_t *)"srv6d-hmac-test-kez", 19),
			0);
	CU_ASSERT_EQUAL(srh_hmac_verify(&other, src1, srh_hmac3, HMAC3_OFF), -EBADMSG);
	// RFC 8754 2.1.2.1: the D bit and reserved bits are not in the text
	memcpy(buf, srh_hmac3, sizeof(buf));
	buf[HMAC3_OFF + 2] = 0x80;
	CU_ASSERT_EQUAL(srh_hmac_verify(&k, src1, buf, HMAC3_OFF), 0);
	// an offset that is no HMAC TLV
	CU_ASSERT_EQUAL(srh_hmac_verify(&k, src1, srh_hmac3, HMAC3_OFF + 8), -EBADMSG);
	CU_ASSERT_EQUAL(srh_hmac_verify(&k, src1, srh_hmac3, 8), -EBADMSG);
	memcpy(buf, srh_hmac3, sizeof(buf));
	buf[HMAC3_OFF + 1] = 30;
	CU_ASSERT_EQUAL(srh_hmac_verify(&k, src1, buf, HMAC3_OFF), -EBADMSG);
}

static void
test_tlv_write(void)
{
	uint8_t buf[sizeof(srh_hmac3)];
	struct hmac_sha256_key k;
	int off;

	// The SRH as a head end builds it: header and segments, Hdr Ext Len
	// counting the TLV, the TLV area garbage until written.
	key1_init(&k);
	memset(buf, 0xee, sizeof(buf));
	memcpy(buf, srh_hmac3, HMAC3_OFF);
	srh_hmac_tlv_write(buf + HMAC3_OFF, &k, src1, buf, KEY_ID1);
	CU_ASSERT_EQUAL(memcmp(buf, srh_hmac3, sizeof(buf)), 0);
	off = srh_hmac_tlv_find(buf, sizeof(buf));
	CU_ASSERT_EQUAL(off, HMAC3_OFF);
	CU_ASSERT_EQUAL(srh_hmac_verify(&k, src1, buf, (unsigned int)off), 0);

	// With Linux's H flag set first and another key id: still round trips,
	// and the flag changed the HMAC.
	memset(buf + HMAC3_OFF, 0xee, SRH_HMAC_TLV_LEN);
	buf[5] = SRH_FLAG_HMAC_LINUX;
	srh_hmac_tlv_write(buf + HMAC3_OFF, &k, src1, buf, 7);
	CU_ASSERT_EQUAL(memcmp(buf + HMAC3_OFF, (const uint8_t[]){5, 38, 0, 0, 0, 0, 0, 7}, 8), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(buf + HMAC3_OFF + 8, srh_hmac3 + HMAC3_OFF + 8, 32), 0);
	CU_ASSERT_EQUAL(srh_hmac_verify(&k, src1, buf, HMAC3_OFF), 0);
}

static const struct {
	const char *name;
	CU_TestFunc fn;
} tests[] = {
	{"sha256_fips", test_sha256_fips},
	{"sha256_lengths", test_sha256_lengths},
	{"hmac_rfc4231", test_hmac_rfc4231},
	{"hmac_lengths", test_hmac_lengths},
	{"key_init_errors", test_key_init_errors},
	{"srh_compute", test_srh_compute},
	{"srh_compute_text", test_srh_compute_text},
	{"tlv_find", test_tlv_find},
	{"tlv_find_errors", test_tlv_find_errors},
	{"verify", test_verify},
	{"tlv_write", test_tlv_write},
};

int
main(void)
{
	unsigned int failures, i;
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("hmac", NULL, NULL);
	if (suite == NULL)
		return 1;
	for (i = 0; i < DIM(tests); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0 ? 1 : 0;
}
