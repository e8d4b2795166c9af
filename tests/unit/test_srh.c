// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/srh: RFC 8754 Segment Routing Header validation and building. Pure
// functions: no EAL.

#include <string.h>

#include <rte_common.h>

#include <CUnit/Basic.h>

#include "srh.h"

// Generated once with /usr/bin/python3 and scapy 2.5
// (`from scapy.all import *; bytes(<expression>)`), the expression above each.

// IPv6ExtHdrSegmentRouting(nh=41, addresses=['fc00:0:4::d46', 'fc00:0:3::e000',
//   'fc00:0:2::e000'], segleft=2)
static const uint8_t srh3[] = {
	0x29, 0x06, 0x04, 0x02, 0x02, 0x00, 0x00, 0x00, 0xfc, 0x00, 0x00, 0x00, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x46, 0xfc, 0x00, 0x00, 0x00,
	0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x00, 0xfc, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x00,
};

// IPv6ExtHdrSegmentRouting(nh=59, addresses=['fc00::1'], segleft=0,
//   tlv_objects=[IPv6ExtHdrSegmentRoutingTLV(type=0x80, len=6, value=b'abcdef')])
static const uint8_t srh_tlv_unknown[] = {
	0x3b, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfc, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x80, 0x06, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
};

// RFC 8754 2 by hand: next header 59, Hdr Ext Len 3 (32 bytes), type 4, SL 1,
// Last Entry 0, flags 0, tag 0, Segment List[0] = fc00::1, then a Pad1 TLV and
// a PadN TLV with 5 bytes of padding (RFC 8754 2.1.1).
static const uint8_t srh_pads[] = {
	0x3b, 0x03, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0xfc, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x04, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,
};

// Segments of srh3 in path order: the first visited is Segment List[2].
static const uint8_t path3[3][16] = {
	{0xfc, 0x00, 0x00, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0xe0, 0x00},
	{0xfc, 0x00, 0x00, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0xe0, 0x00},
	{0xfc, 0x00, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0x0d, 0x46},
};

static void
test_validate_ok(void)
{
	uint8_t buf[sizeof(srh3) + 8];

	CU_ASSERT_EQUAL(srh_validate(srh3, sizeof(srh3)), SRH_OK);
	// len reaches the payload end: bytes after the header are not ours
	memcpy(buf, srh3, sizeof(srh3));
	memset(buf + sizeof(srh3), 0x99, 8);
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_OK);
}

static void
test_validate_tlvs(void)
{
	uint8_t buf[40];

	CU_ASSERT_EQUAL(srh_validate(srh_pads, sizeof(srh_pads)), SRH_OK);
	CU_ASSERT_EQUAL(srh_validate(srh_tlv_unknown, sizeof(srh_tlv_unknown)), SRH_OK);
	// eight Pad1 bytes
	memcpy(buf, srh_pads, 24);
	memset(buf + 24, 0, 8);
	CU_ASSERT_EQUAL(srh_validate(buf, 32), SRH_OK);
}

static void
test_truncated(void)
{
	uint8_t buf[sizeof(srh3)];

	CU_ASSERT_EQUAL(srh_validate(srh3, 0), SRH_ERR_TRUNC);
	CU_ASSERT_EQUAL(srh_validate(srh3, 7), SRH_ERR_TRUNC);
	CU_ASSERT_EQUAL(srh_validate(srh3, 8), SRH_ERR_TRUNC);
	CU_ASSERT_EQUAL(srh_validate(srh3, sizeof(srh3) - 1), SRH_ERR_TRUNC);
	// truncation is reported before the type
	memcpy(buf, srh3, sizeof(buf));
	buf[2] = 0;
	CU_ASSERT_EQUAL(srh_validate(buf, 40), SRH_ERR_TRUNC);
}

static void
test_bad_type(void)
{
	uint8_t buf[sizeof(srh3)];

	memcpy(buf, srh3, sizeof(buf));
	buf[2] = 0; // RFC 5095 deprecated type 0
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_ERR_TYPE);
	buf[2] = 3; // RPL source route
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_ERR_TYPE);
}

static void
test_bad_length(void)
{
	uint8_t buf[sizeof(srh3)];

	// Hdr Ext Len 4 holds 2 segments, Last Entry 2 needs 3
	memcpy(buf, srh3, sizeof(buf));
	buf[1] = 4;
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_ERR_BAD_LENGTH);
	// Hdr Ext Len 0: no room for any segment
	buf[1] = 0;
	buf[3] = 0;
	buf[4] = 0;
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_ERR_BAD_LENGTH);
	// odd Hdr Ext Len 5 for 2 entries: room for them plus 8 bytes of TLVs,
	// which must then be valid
	memcpy(buf, srh3, sizeof(buf));
	buf[1] = 5;
	buf[3] = 1;
	buf[4] = 1;
	memset(buf + 40, 0, 8);
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_OK);
}

static void
test_sl_exceeds_list(void)
{
	uint8_t buf[sizeof(srh3)];

	memcpy(buf, srh3, sizeof(buf));
	// SL = Last Entry + 1 is legal (H.Encaps.Red, RFC 8986 5.2)
	buf[3] = 3;
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_OK);
	buf[3] = 4;
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_ERR_SL_EXCEEDS_LIST);
	buf[3] = 255;
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_ERR_SL_EXCEEDS_LIST);
}

static void
test_bad_tlv(void)
{
	uint8_t buf[sizeof(srh_pads)];

	// PadN claims 6 bytes where 5 remain
	memcpy(buf, srh_pads, sizeof(buf));
	buf[26] = 6;
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_ERR_BAD_TLV);
	// a TLV type in the last byte, its length outside the header
	memcpy(buf, srh_pads, sizeof(buf));
	memset(buf + 24, 0, 8);
	buf[31] = 4;
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_ERR_BAD_TLV);
	// the same TLV shorter than the space: the rest is not a TLV either
	memcpy(buf, srh_pads, sizeof(buf));
	buf[26] = 3;
	buf[30] = 0x80;
	buf[31] = 0x05;
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(buf)), SRH_ERR_BAD_TLV);
	// unknown TLV overrunning by one byte
	{
		uint8_t u[sizeof(srh_tlv_unknown)];

		memcpy(u, srh_tlv_unknown, sizeof(u));
		u[25] = 7;
		CU_ASSERT_EQUAL(srh_validate(u, sizeof(u)), SRH_ERR_BAD_TLV);
	}
}

static void
test_build(void)
{
	uint8_t buf[64];
	const struct srh *s = (const struct srh *)buf;

	memset(buf, 0xee, sizeof(buf));
	CU_ASSERT_EQUAL(srh_build(buf, sizeof(buf), 41, path3, 3, 2), (int)sizeof(srh3));
	CU_ASSERT_EQUAL(memcmp(buf, srh3, sizeof(srh3)), 0);
	CU_ASSERT_EQUAL(buf[sizeof(srh3)], 0xee); // nothing written past it
	CU_ASSERT_EQUAL(srh_validate(buf, sizeof(srh3)), SRH_OK);
	CU_ASSERT_EQUAL(srh_len(s), sizeof(srh3));
	CU_ASSERT_EQUAL(memcmp(srh_active_segment(s), path3[0], 16), 0);
	CU_ASSERT_EQUAL(memcmp(srh_segment(s, 0), path3[2], 16), 0);
}

static void
test_build_one(void)
{
	// RFC 8754 2 by hand: nh 4, Hdr Ext Len 2, type 4, SL 0, Last Entry 0
	static const uint8_t want[] = {0x04, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
				       0xfc, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x46};
	uint8_t buf[24];

	CU_ASSERT_EQUAL(srh_build(buf, sizeof(buf), 4, &path3[2], 1, 0), 24);
	CU_ASSERT_EQUAL(memcmp(buf, want, sizeof(want)), 0);
}

static void
test_build_errors(void)
{
	uint8_t buf[8 + 16 * 17];
	uint8_t segs[17][16];

	memset(segs, 0x11, sizeof(segs));
	CU_ASSERT_EQUAL(srh_build(buf, sizeof(srh3) - 1, 41, path3, 3, 2), -ENOSPC);
	CU_ASSERT_EQUAL(srh_build(buf, 0, 41, path3, 3, 2), -ENOSPC);
	CU_ASSERT_EQUAL(srh_build(buf, sizeof(buf), 41, path3, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(srh_build(buf, sizeof(buf), 41, (const uint8_t(*)[16])segs, 17, 0),
			-EINVAL);
	CU_ASSERT_EQUAL(srh_build(buf, sizeof(buf), 41, path3, 3, 4), -EINVAL);
	CU_ASSERT_EQUAL(srh_build(buf, sizeof(buf), 41, (const uint8_t(*)[16])segs,
				  SRV6_MAX_SEGMENTS, SRV6_MAX_SEGMENTS - 1),
			8 + 16 * SRV6_MAX_SEGMENTS);
	CU_ASSERT_EQUAL(srh_validate(buf, 8 + 16 * SRV6_MAX_SEGMENTS), SRH_OK);
}

static const struct {
	const char *name;
	CU_TestFunc fn;
} tests[] = {
	{"validate_ok", test_validate_ok}, {"validate_tlvs", test_validate_tlvs},
	{"truncated", test_truncated},	   {"bad_type", test_bad_type},
	{"bad_length", test_bad_length},   {"sl_exceeds_list", test_sl_exceeds_list},
	{"bad_tlv", test_bad_tlv},	   {"build", test_build},
	{"build_one", test_build_one},	   {"build_errors", test_build_errors},
};

int
main(void)
{
	unsigned int failures, i;
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("srh", NULL, NULL);
	if (suite == NULL)
		return 1;
	for (i = 0; i < RTE_DIM(tests); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0 ? 1 : 0;
}
