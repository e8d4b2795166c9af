// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/icmp: ICMPv4/ICMPv6 error builders and echo replies on real mbufs (EAL
// without hugepages).

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include <CUnit/Basic.h>

#include "eal_fixture.h"
#include "icmp.h"

// Expected packets: generated once with /usr/bin/python3 and scapy 2.5
// (`from scapy.all import *; bytes(<expression>)`), the expression above each.

// Common definitions of the expressions below:
//   R4 = '203.0.113.1'; R6 = '2001:db8:ffff::1'; H4 = '192.0.2.10'; H6 = '2001:db8:1::10'
//   orig4 = IP(src=H4, dst='198.51.100.20', ttl=1, id=0x1234)/UDP(sport=5000, dport=53)/
//     (b'x' * 20)
//   orig6 = IPv6(src=H6, dst='2001:db8:2::20', hlim=1)/UDP(sport=5000, dport=53)/(b'y' * 20)
//   err4 = IP(src=R4, dst=H4, ttl=64, tos=0xc0, id=0, flags='DF')
//   err6 = IPv6(src=R6, dst=H6, hlim=64)

// orig4
static const uint8_t orig4_pkt[] = {
	0x45, 0x00, 0x00, 0x30, 0x12, 0x34, 0x00, 0x00, 0x01, 0x11, 0xbb, 0x37,
	0xc0, 0x00, 0x02, 0x0a, 0xc6, 0x33, 0x64, 0x14, 0x13, 0x88, 0x00, 0x35,
	0x00, 0x1c, 0x4a, 0xf2, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
	0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
};

// err4/ICMP(type=11, code=0)/raw(orig4)
static const uint8_t te4[] = {
	0x45, 0xc0, 0x00, 0x4c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01, 0x3b, 0xe5, 0xcb,
	0x00, 0x71, 0x01, 0xc0, 0x00, 0x02, 0x0a, 0x0b, 0x00, 0xe1, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x45, 0x00, 0x00, 0x30, 0x12, 0x34, 0x00, 0x00, 0x01, 0x11, 0xbb,
	0x37, 0xc0, 0x00, 0x02, 0x0a, 0xc6, 0x33, 0x64, 0x14, 0x13, 0x88, 0x00, 0x35,
	0x00, 0x1c, 0x4a, 0xf2, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
	0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
};

// err4/ICMP(type=3, code=4, nexthopmtu=1400)/raw(orig4)
static const uint8_t fn4[] = {
	0x45, 0xc0, 0x00, 0x4c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01, 0x3b, 0xe5, 0xcb,
	0x00, 0x71, 0x01, 0xc0, 0x00, 0x02, 0x0a, 0x03, 0x04, 0xe4, 0x03, 0x00, 0x00,
	0x05, 0x78, 0x45, 0x00, 0x00, 0x30, 0x12, 0x34, 0x00, 0x00, 0x01, 0x11, 0xbb,
	0x37, 0xc0, 0x00, 0x02, 0x0a, 0xc6, 0x33, 0x64, 0x14, 0x13, 0x88, 0x00, 0x35,
	0x00, 0x1c, 0x4a, 0xf2, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
	0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
};

// err4/ICMP(type=12, code=0, ptr=9)/raw(orig4)
static const uint8_t pp4[] = {
	0x45, 0xc0, 0x00, 0x4c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01, 0x3b, 0xe5, 0xcb,
	0x00, 0x71, 0x01, 0xc0, 0x00, 0x02, 0x0a, 0x0c, 0x00, 0xd7, 0x7f, 0x09, 0x00,
	0x00, 0x00, 0x45, 0x00, 0x00, 0x30, 0x12, 0x34, 0x00, 0x00, 0x01, 0x11, 0xbb,
	0x37, 0xc0, 0x00, 0x02, 0x0a, 0xc6, 0x33, 0x64, 0x14, 0x13, 0x88, 0x00, 0x35,
	0x00, 0x1c, 0x4a, 0xf2, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
	0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
};

// orig6
static const uint8_t orig6_pkt[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x11, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x13, 0x88,
	0x00, 0x35, 0x00, 0x1c, 0xd1, 0x95, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79,
	0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79,
};

// err6/ICMPv6TimeExceeded(code=0)/raw(orig6)
static const uint8_t te6[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x4c, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x03, 0x00, 0x30, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x11, 0x01, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x20, 0x01, 0x0d,
	0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x13, 0x88,
	0x00, 0x35, 0x00, 0x1c, 0xd1, 0x95, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79,
	0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79,
};

// err6/ICMPv6PacketTooBig(mtu=1400)/raw(orig6)
static const uint8_t ptb6[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x4c, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x02, 0x00, 0x2b, 0x8d, 0x00,
	0x00, 0x05, 0x78, 0x60, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x11, 0x01, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x20, 0x01, 0x0d,
	0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x13, 0x88,
	0x00, 0x35, 0x00, 0x1c, 0xd1, 0x95, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79,
	0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79,
};

// err6/ICMPv6ParamProblem(code=0, ptr=40)/raw(orig6)
static const uint8_t pp6[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x4c, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x04, 0x00, 0x2e, 0xdd, 0x00,
	0x00, 0x00, 0x28, 0x60, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x11, 0x01, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x20, 0x01, 0x0d,
	0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x13, 0x88,
	0x00, 0x35, 0x00, 0x1c, 0xd1, 0x95, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79,
	0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79, 0x79,
};

// IP(src=H4, dst=R4, ttl=60, id=7)/ICMP(type=8, id=0x42, seq=1)/b'ping-data'
static const uint8_t echo4_req[] = {
	0x45, 0x00, 0x00, 0x25, 0x00, 0x07, 0x00, 0x00, 0x3c, 0x01, 0x80, 0xc5, 0xc0,
	0x00, 0x02, 0x0a, 0xcb, 0x00, 0x71, 0x01, 0x08, 0x00, 0x29, 0x13, 0x00, 0x42,
	0x00, 0x01, 0x70, 0x69, 0x6e, 0x67, 0x2d, 0x64, 0x61, 0x74, 0x61,
};

// IP(src=H4, dst=R4, ttl=60, id=7, options=[IPOption_NOP()] * 4)/ICMP(type=8, id=0x42, seq=1)/
//   b'ping-data'
static const uint8_t echo4_req_opts[] = {
	0x46, 0x00, 0x00, 0x29, 0x00, 0x07, 0x00, 0x00, 0x3c, 0x01, 0x7d, 0xbf, 0xc0, 0x00,
	0x02, 0x0a, 0xcb, 0x00, 0x71, 0x01, 0x01, 0x01, 0x01, 0x01, 0x08, 0x00, 0x29, 0x13,
	0x00, 0x42, 0x00, 0x01, 0x70, 0x69, 0x6e, 0x67, 0x2d, 0x64, 0x61, 0x74, 0x61,
};

// IP(src=R4, dst=H4, ttl=64, id=7)/ICMP(type=0, id=0x42, seq=1)/b'ping-data'
static const uint8_t echo4_rep[] = {
	0x45, 0x00, 0x00, 0x25, 0x00, 0x07, 0x00, 0x00, 0x40, 0x01, 0x7c, 0xc5, 0xcb,
	0x00, 0x71, 0x01, 0xc0, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x31, 0x13, 0x00, 0x42,
	0x00, 0x01, 0x70, 0x69, 0x6e, 0x67, 0x2d, 0x64, 0x61, 0x74, 0x61,
};

// IPv6(src=H6, dst=R6, hlim=60)/ICMPv6EchoRequest(id=0x42, seq=1, data=b'ping-data')
static const uint8_t echo6_req[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x11, 0x3a, 0x3c, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x55, 0x43, 0x00,
	0x42, 0x00, 0x01, 0x70, 0x69, 0x6e, 0x67, 0x2d, 0x64, 0x61, 0x74, 0x61,
};

// IPv6(src=H6, dst=R6, hlim=60)/IPv6ExtHdrSegmentRouting(addresses=[R6, 'fc00::1'], segleft=0)/
//   ICMPv6EchoRequest(id=0x42, seq=1, data=b'ping-data')
static const uint8_t echo6_req_srh[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x39, 0x2b, 0x3c, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8,
	0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x3a, 0x04,
	0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xfc, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x55, 0x43,
	0x00, 0x42, 0x00, 0x01, 0x70, 0x69, 0x6e, 0x67, 0x2d, 0x64, 0x61, 0x74, 0x61,
};

// IPv6(src=R6, dst=H6, hlim=64)/ICMPv6EchoReply(id=0x42, seq=1, data=b'ping-data')
static const uint8_t echo6_rep[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x11, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x81, 0x00, 0x54, 0x43, 0x00,
	0x42, 0x00, 0x01, 0x70, 0x69, 0x6e, 0x67, 0x2d, 0x64, 0x61, 0x74, 0x61,
};

static const uint8_t r4[4] = {203, 0, 113, 1};
static const uint8_t r6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

static struct rte_mempool *tiny_pool; // 64-byte data rooms, for -ENOSPC

// RFC 1071 checksum written out here, independent of lib/pkt: the ones'
// complement sum of big-endian 16-bit words, plus an initial value.
static uint16_t
ref_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

// 0xffff when the data (checksum included) verifies.
static uint16_t
ref_ip6_sum(const uint8_t *ip6, const uint8_t *l4, uint32_t l4_len)
{
	uint32_t sum = ref_sum(ip6 + 8, 32, 0);

	sum += l4_len >> 16;
	sum += l4_len & 0xffff;
	sum += 58;
	return ref_sum(l4, l4_len, sum);
}

static bool
mbuf_equals(const struct rte_mbuf *m, const uint8_t *want, size_t len)
{
	if (rte_pktmbuf_data_len(m) != len || rte_pktmbuf_pkt_len(m) != len) {
		fprintf(stderr, "length %u, want %zu\n", rte_pktmbuf_data_len(m), len);
		return false;
	}
	if (memcmp(rte_pktmbuf_mtod(m, const uint8_t *), want, len) != 0) {
		fprintf(stderr, "bytes differ\n");
		return false;
	}
	return true;
}

static struct rte_mbuf *
mbuf_of(const uint8_t *data, size_t len)
{
	return eal_fixture_mbuf(data, len, RTE_PKTMBUF_HEADROOM);
}

static void
check_err4(uint8_t type, uint8_t code, uint32_t info, const uint8_t *want, size_t want_len)
{
	struct rte_mbuf *m = mbuf_of(orig4_pkt, sizeof(orig4_pkt));

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(icmp4_error_build(m, type, code, info, r4), 0);
	CU_ASSERT_TRUE(mbuf_equals(m, want, want_len));
	rte_pktmbuf_free(m);
}

static void
check_err6(uint8_t type, uint8_t code, uint32_t info, const uint8_t *want, size_t want_len)
{
	struct rte_mbuf *m = mbuf_of(orig6_pkt, sizeof(orig6_pkt));

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(icmp6_error_build(m, type, code, info, r6), 0);
	CU_ASSERT_TRUE(mbuf_equals(m, want, want_len));
	rte_pktmbuf_free(m);
}

// Expect -EPERM (or rc) and the packet untouched.
static void
check_err4_rc(const uint8_t *pkt, size_t len, uint8_t type, uint8_t code, int rc)
{
	struct rte_mbuf *m = mbuf_of(pkt, len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(icmp4_error_build(m, type, code, 0, r4), rc);
	if (rc != 0)
		CU_ASSERT_TRUE(mbuf_equals(m, pkt, len));
	rte_pktmbuf_free(m);
}

static void
check_err6_rc(const uint8_t *pkt, size_t len, uint8_t type, uint8_t code, int rc)
{
	struct rte_mbuf *m = mbuf_of(pkt, len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(icmp6_error_build(m, type, code, 0, r6), rc);
	if (rc != 0)
		CU_ASSERT_TRUE(mbuf_equals(m, pkt, len));
	rte_pktmbuf_free(m);
}

static void
test_icmp4_errors(void)
{
	check_err4(ICMP4_TIME_EXCEEDED, 0, 0, te4, sizeof(te4));
	// only the low 16 bits carry the MTU (RFC 1191 4)
	check_err4(ICMP4_DEST_UNREACH, ICMP4_CODE_FRAG_NEEDED, 0xabcd0000u | 1400, fn4,
		   sizeof(fn4));
	check_err4(ICMP4_PARAM_PROBLEM, 0, 9, pp4, sizeof(pp4));
}

static void
test_icmp4_quote_limit(void)
{
	static uint8_t big[1028];
	struct rte_mbuf *m;
	const uint8_t *d;

	// the same datagram with 1000 bytes of payload
	memset(big, 'x', sizeof(big));
	memcpy(big, orig4_pkt, 28);
	big[2] = sizeof(big) >> 8;
	big[3] = sizeof(big) & 0xff;
	m = mbuf_of(big, sizeof(big));
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(icmp4_error_build(m, ICMP4_TIME_EXCEEDED, 0, 0, r4), 0);
	// RFC 1812 4.3.2.3: 576 bytes in all, 548 of them quoted
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_data_len(m), 576);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 576);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	CU_ASSERT_EQUAL(d[2], 576 >> 8);
	CU_ASSERT_EQUAL(d[3], 576 & 0xff);
	// header as in te4 but length and checksum
	CU_ASSERT_EQUAL(memcmp(d, te4, 2), 0);
	CU_ASSERT_EQUAL(memcmp(d + 4, te4 + 4, 6), 0);
	CU_ASSERT_EQUAL(memcmp(d + 12, te4 + 12, 8), 0);
	CU_ASSERT_EQUAL(ref_sum(d, 20, 0), 0xffff);
	CU_ASSERT_EQUAL(ref_sum(d + 20, 556, 0), 0xffff);
	CU_ASSERT_EQUAL(memcmp(d + 28, big, 548), 0);
	rte_pktmbuf_free(m);
}

static void
test_icmp4_forbidden(void)
{
	uint8_t p[sizeof(orig4_pkt)];

	// RFC 1812 4.3.2.7: about an ICMP error (destination unreachable)
	memcpy(p, orig4_pkt, sizeof(p));
	p[9] = IPPROTO_ICMP;
	p[20] = 3;
	check_err4_rc(p, sizeof(p), ICMP4_TIME_EXCEEDED, 0, -EPERM);
	p[20] = 11;
	check_err4_rc(p, sizeof(p), ICMP4_TIME_EXCEEDED, 0, -EPERM);
	p[20] = 99; // unknown types count as errors
	check_err4_rc(p, sizeof(p), ICMP4_TIME_EXCEEDED, 0, -EPERM);
	// an ICMP message without its type byte
	check_err4_rc(p, 20, ICMP4_TIME_EXCEEDED, 0, -EPERM);
	// ... but an echo request gets its error
	p[20] = 8;
	check_err4_rc(p, sizeof(p), ICMP4_TIME_EXCEEDED, 0, 0);
	// destination broadcast or multicast
	memcpy(p, orig4_pkt, sizeof(p));
	memset(p + 16, 255, 4);
	check_err4_rc(p, sizeof(p), ICMP4_DEST_UNREACH, 0, -EPERM);
	p[16] = 224;
	p[19] = 5;
	check_err4_rc(p, sizeof(p), ICMP4_DEST_UNREACH, 0, -EPERM);
	// source 0.0.0.0, multicast, loopback
	memcpy(p, orig4_pkt, sizeof(p));
	memset(p + 12, 0, 4);
	check_err4_rc(p, sizeof(p), ICMP4_TIME_EXCEEDED, 0, -EPERM);
	p[12] = 239;
	check_err4_rc(p, sizeof(p), ICMP4_TIME_EXCEEDED, 0, -EPERM);
	p[12] = 127;
	check_err4_rc(p, sizeof(p), ICMP4_TIME_EXCEEDED, 0, -EPERM);
	// non-first fragment (offset 100 * 8); the first fragment is fine
	memcpy(p, orig4_pkt, sizeof(p));
	p[7] = 100;
	check_err4_rc(p, sizeof(p), ICMP4_TIME_EXCEEDED, 0, -EPERM);
	p[6] = 0x20;
	p[7] = 0;
	check_err4_rc(p, sizeof(p), ICMP4_TIME_EXCEEDED, 0, 0);
}

static void
test_icmp4_invalid(void)
{
	uint8_t p[sizeof(orig4_pkt)];

	check_err4_rc(orig4_pkt, 19, ICMP4_TIME_EXCEEDED, 0, -EINVAL);
	check_err4_rc(orig6_pkt, sizeof(orig6_pkt), ICMP4_TIME_EXCEEDED, 0, -EINVAL);
	memcpy(p, orig4_pkt, sizeof(p));
	p[0] = 0x4f; // IHL 15: 60 bytes, more than the packet
	check_err4_rc(p, sizeof(p), ICMP4_TIME_EXCEEDED, 0, -EINVAL);
}

static void
test_icmp6_errors(void)
{
	check_err6(ICMP6_TIME_EXCEEDED, 0, 0, te6, sizeof(te6));
	check_err6(ICMP6_PACKET_TOO_BIG, 0, 1400, ptb6, sizeof(ptb6));
	check_err6(ICMP6_PARAM_PROBLEM, 0, 40, pp6, sizeof(pp6));
}

static void
test_icmp6_quote_limit(void)
{
	static uint8_t big[1500];
	struct rte_mbuf *m;
	const uint8_t *d;

	memset(big, 'y', sizeof(big));
	memcpy(big, orig6_pkt, 48);
	big[4] = (sizeof(big) - 40) >> 8;
	big[5] = (sizeof(big) - 40) & 0xff;
	m = mbuf_of(big, sizeof(big));
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(icmp6_error_build(m, ICMP6_TIME_EXCEEDED, 0, 0, r6), 0);
	// RFC 4443 2.4(c): 1280 bytes in all, 1232 of them quoted
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_data_len(m), 1280);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	CU_ASSERT_EQUAL(d[4], 1240 >> 8);
	CU_ASSERT_EQUAL(d[5], 1240 & 0xff);
	CU_ASSERT_EQUAL(memcmp(d, te6, 4), 0);
	CU_ASSERT_EQUAL(memcmp(d + 6, te6 + 6, 36), 0);
	CU_ASSERT_EQUAL(ref_ip6_sum(d, d + 40, 1240), 0xffff);
	CU_ASSERT_EQUAL(memcmp(d + 48, big, 1232), 0);
	rte_pktmbuf_free(m);
}

static void
test_icmp6_forbidden(void)
{
	uint8_t p[sizeof(orig6_pkt)];
	uint8_t h[sizeof(orig6_pkt) + 8];

	// RFC 4443 2.4(e.1): about an ICMPv6 error
	memcpy(p, orig6_pkt, sizeof(p));
	p[6] = IPPROTO_ICMPV6;
	p[40] = ICMP6_DEST_UNREACH;
	check_err6_rc(p, sizeof(p), ICMP6_TIME_EXCEEDED, 0, -EPERM);
	p[40] = ICMP6_PACKET_TOO_BIG;
	check_err6_rc(p, sizeof(p), ICMP6_PARAM_PROBLEM, 0, -EPERM);
	// (e.2): about a redirect
	p[40] = 137;
	check_err6_rc(p, sizeof(p), ICMP6_TIME_EXCEEDED, 0, -EPERM);
	// an informational message (echo request) gets its error
	p[40] = ICMP6_ECHO_REQUEST;
	check_err6_rc(p, sizeof(p), ICMP6_TIME_EXCEEDED, 0, 0);
	// the ICMPv6 error found behind a Hop-by-Hop header
	memcpy(h, orig6_pkt, 40);
	h[5] = (uint8_t)(h[5] + 8);
	h[6] = IPPROTO_HOPOPTS;
	memset(h + 40, 0, 8);
	h[40] = IPPROTO_ICMPV6;
	h[42] = 1; // PadN, 4 bytes
	h[43] = 4;
	memcpy(h + 48, orig6_pkt + 40, sizeof(orig6_pkt) - 40);
	h[48] = ICMP6_TIME_EXCEEDED;
	check_err6_rc(h, sizeof(h), ICMP6_PARAM_PROBLEM, 0, -EPERM);

	// (e.3): multicast destination, except Packet Too Big and Parameter
	// Problem code 2
	memcpy(p, orig6_pkt, sizeof(p));
	p[24] = 0xff;
	p[25] = 0x0e;
	check_err6_rc(p, sizeof(p), ICMP6_TIME_EXCEEDED, 0, -EPERM);
	check_err6_rc(p, sizeof(p), ICMP6_DEST_UNREACH, ICMP6_CODE_PORT_UNREACH, -EPERM);
	check_err6_rc(p, sizeof(p), ICMP6_PARAM_PROBLEM, ICMP6_CODE_ERRONEOUS_HEADER, -EPERM);
	check_err6_rc(p, sizeof(p), ICMP6_PACKET_TOO_BIG, 0, 0);
	check_err6_rc(p, sizeof(p), ICMP6_PARAM_PROBLEM, ICMP6_CODE_UNRECOGNIZED_OPTION, 0);

	// (e.6): unspecified or multicast source
	memcpy(p, orig6_pkt, sizeof(p));
	memset(p + 8, 0, 16);
	check_err6_rc(p, sizeof(p), ICMP6_TIME_EXCEEDED, 0, -EPERM);
	p[8] = 0xff;
	p[9] = 0x02;
	p[23] = 1;
	check_err6_rc(p, sizeof(p), ICMP6_PACKET_TOO_BIG, 0, -EPERM);
}

static void
test_icmp6_invalid(void)
{
	check_err6_rc(orig6_pkt, 39, ICMP6_TIME_EXCEEDED, 0, -EINVAL);
	check_err6_rc(orig4_pkt, sizeof(orig4_pkt), ICMP6_TIME_EXCEEDED, 0, -EINVAL);
}

static void
test_icmp_nospc(void)
{
	uint8_t p[64];
	struct rte_mbuf *m;

	// a full 64-byte buffer: no room for the 28 or 48 bytes of headers
	memset(p, 'x', sizeof(p));
	memcpy(p, orig4_pkt, 28);
	m = rte_pktmbuf_alloc(tiny_pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->data_off = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(rte_pktmbuf_append(m, sizeof(p)));
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), p, sizeof(p));
	CU_ASSERT_EQUAL(rte_pktmbuf_tailroom(m), 0);
	CU_ASSERT_EQUAL(icmp4_error_build(m, ICMP4_TIME_EXCEEDED, 0, 0, r4), -ENOSPC);
	rte_pktmbuf_free(m);

	memcpy(p, orig6_pkt, 48);
	p[5] = sizeof(p) - 40;
	m = rte_pktmbuf_alloc(tiny_pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->data_off = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(rte_pktmbuf_append(m, sizeof(p)));
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), p, sizeof(p));
	CU_ASSERT_EQUAL(icmp6_error_build(m, ICMP6_TIME_EXCEEDED, 0, 0, r6), -ENOSPC);
	rte_pktmbuf_free(m);

	// 20 bytes of headroom and a short original: the data moves
	m = rte_pktmbuf_alloc(tiny_pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->data_off = 20;
	CU_ASSERT_PTR_NOT_NULL_FATAL(rte_pktmbuf_append(m, 28));
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), orig4_pkt, 28);
	CU_ASSERT_EQUAL(icmp4_error_build(m, ICMP4_TIME_EXCEEDED, 0, 0, r4), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_data_len(m), 56);
	rte_pktmbuf_free(m);
}

static void
check_echo4(const uint8_t *req, size_t len, int rc, const uint8_t *want, size_t want_len)
{
	struct rte_mbuf *m = mbuf_of(req, len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(icmp4_echo_reply(m), rc);
	if (rc == 0)
		CU_ASSERT_TRUE(mbuf_equals(m, want, want_len));
	rte_pktmbuf_free(m);
}

static void
check_echo6(const uint8_t *req, size_t len, int rc, const uint8_t *want, size_t want_len)
{
	struct rte_mbuf *m = mbuf_of(req, len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(icmp6_echo_reply(m), rc);
	if (rc == 0)
		CU_ASSERT_TRUE(mbuf_equals(m, want, want_len));
	rte_pktmbuf_free(m);
}

static void
test_echo4(void)
{
	uint8_t p[sizeof(echo4_req) + 9];

	check_echo4(echo4_req, sizeof(echo4_req), 0, echo4_rep, sizeof(echo4_rep));
	// options are not echoed
	check_echo4(echo4_req_opts, sizeof(echo4_req_opts), 0, echo4_rep, sizeof(echo4_rep));
	// Ethernet padding after the datagram is trimmed
	memset(p, 0, sizeof(p));
	memcpy(p, echo4_req, sizeof(echo4_req));
	check_echo4(p, sizeof(p), 0, echo4_rep, sizeof(echo4_rep));
}

static void
test_echo4_invalid(void)
{
	uint8_t p[sizeof(echo4_req)];

	// an echo reply is not a request
	check_echo4(echo4_rep, sizeof(echo4_rep), -EINVAL, NULL, 0);
	// truncated: total length beyond the data, or no ICMP header
	check_echo4(echo4_req, sizeof(echo4_req) - 1, -EINVAL, NULL, 0);
	check_echo4(echo4_req, 27, -EINVAL, NULL, 0);
	check_echo4(echo4_req, 10, -EINVAL, NULL, 0);
	// bad ICMP checksum
	memcpy(p, echo4_req, sizeof(p));
	p[sizeof(p) - 1] ^= 0x20;
	check_echo4(p, sizeof(p), -EINVAL, NULL, 0);
	// not ICMP
	memcpy(p, echo4_req, sizeof(p));
	p[9] = IPPROTO_UDP;
	check_echo4(p, sizeof(p), -EINVAL, NULL, 0);
	// to a broadcast address
	memcpy(p, echo4_req, sizeof(p));
	memset(p + 16, 0xff, 4);
	check_echo4(p, sizeof(p), -EINVAL, NULL, 0);
	// a fragment
	memcpy(p, echo4_req, sizeof(p));
	p[6] = 0x20;
	check_echo4(p, sizeof(p), -EINVAL, NULL, 0);
	// IPv6
	check_echo4(echo6_req, sizeof(echo6_req), -EINVAL, NULL, 0);
}

static void
test_echo6(void)
{
	uint8_t p[sizeof(echo6_req) + 7];

	check_echo6(echo6_req, sizeof(echo6_req), 0, echo6_rep, sizeof(echo6_rep));
	// the SRH of the request is not carried back
	check_echo6(echo6_req_srh, sizeof(echo6_req_srh), 0, echo6_rep, sizeof(echo6_rep));
	memset(p, 0, sizeof(p));
	memcpy(p, echo6_req, sizeof(echo6_req));
	check_echo6(p, sizeof(p), 0, echo6_rep, sizeof(echo6_rep));
}

static void
test_echo6_invalid(void)
{
	uint8_t p[sizeof(echo6_req)];

	check_echo6(echo6_rep, sizeof(echo6_rep), -EINVAL, NULL, 0);
	check_echo6(echo6_req, sizeof(echo6_req) - 1, -EINVAL, NULL, 0);
	check_echo6(echo6_req, 39, -EINVAL, NULL, 0);
	memcpy(p, echo6_req, sizeof(p));
	p[44] ^= 0x01; // identifier changed, checksum not
	check_echo6(p, sizeof(p), -EINVAL, NULL, 0);
	// to a multicast group
	memcpy(p, echo6_req, sizeof(p));
	p[24] = 0xff;
	check_echo6(p, sizeof(p), -EINVAL, NULL, 0);
	// payload too short for an ICMPv6 header
	memcpy(p, echo6_req, sizeof(p));
	p[5] = 4;
	check_echo6(p, sizeof(p), -EINVAL, NULL, 0);
	check_echo6(echo4_req, sizeof(echo4_req), -EINVAL, NULL, 0);
}

static void
test_chained_mbufs(void)
{
	struct rte_mbuf *m = mbuf_of(echo6_req, sizeof(echo6_req));
	struct rte_mbuf *tail = mbuf_of(echo6_req, 8);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tail);
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(m, tail), 0);
	CU_ASSERT_EQUAL(icmp4_error_build(m, ICMP4_TIME_EXCEEDED, 0, 0, r4), -ENOTSUP);
	CU_ASSERT_EQUAL(icmp6_error_build(m, ICMP6_TIME_EXCEEDED, 0, 0, r6), -ENOTSUP);
	CU_ASSERT_EQUAL(icmp4_echo_reply(m), -ENOTSUP);
	CU_ASSERT_EQUAL(icmp6_echo_reply(m), -ENOTSUP);
	rte_pktmbuf_free(m);
}

static void
test_no_mbuf_leak(void)
{
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(eal_fixture_pool()), 0);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(tiny_pool), 0);
}

static const struct {
	const char *name;
	CU_TestFunc fn;
} tests[] = {
	{"icmp4_errors", test_icmp4_errors},	   {"icmp4_quote_limit", test_icmp4_quote_limit},
	{"icmp4_forbidden", test_icmp4_forbidden}, {"icmp4_invalid", test_icmp4_invalid},
	{"icmp6_errors", test_icmp6_errors},	   {"icmp6_quote_limit", test_icmp6_quote_limit},
	{"icmp6_forbidden", test_icmp6_forbidden}, {"icmp6_invalid", test_icmp6_invalid},
	{"icmp_nospc", test_icmp_nospc},	   {"echo4", test_echo4},
	{"echo4_invalid", test_echo4_invalid},	   {"echo6", test_echo6},
	{"echo6_invalid", test_echo6_invalid},	   {"chained_mbufs", test_chained_mbufs},
	{"no_mbuf_leak", test_no_mbuf_leak},
};

int
main(void)
{
	unsigned int failures, i;
	CU_pSuite suite;

	if (eal_fixture_init() != 0)
		return 1;
	tiny_pool = rte_pktmbuf_pool_create("tiny_pool", 15, 0, 0, 64, SOCKET_ID_ANY);
	if (tiny_pool == NULL)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("icmp", NULL, NULL);
	if (suite == NULL)
		return 1;
	for (i = 0; i < RTE_DIM(tests); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	rte_mempool_free(tiny_pool);
	eal_fixture_fini();
	return failures != 0 ? 1 : 0;
}
