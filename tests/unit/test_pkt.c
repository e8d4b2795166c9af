// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/pkt: Ethernet, IPv4 and IPv6 parsers, the extension-header walk, the flow
// hash and the checksum helpers. Pure functions: no EAL.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "pkt.h"

// Packets below were generated once with /usr/bin/python3 and scapy 2.5
// (`from scapy.all import *; bytes(<expression>)`), the expression above each.

// IP(src='192.0.2.1', dst='198.51.100.2', ttl=64, id=1)/UDP(sport=1000, dport=2000)/b'abcd'
static const uint8_t ip4_udp[] = {
	0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x8e,
	0x95, 0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x03, 0xe8,
	0x07, 0xd0, 0x00, 0x0c, 0x43, 0x20, 0x61, 0x62, 0x63, 0x64,
};

// IP(src='192.0.2.1', dst='198.51.100.2', ttl=64, id=1, options=[IPOption_NOP()]*4)/
//   UDP(sport=1000, dport=2000)/b'abcd'
static const uint8_t ip4_opts[] = {
	0x46, 0x00, 0x00, 0x24, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x8b, 0x8f,
	0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x01, 0x01, 0x01, 0x01,
	0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0c, 0x43, 0x20, 0x61, 0x62, 0x63, 0x64,
};

// IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=64)/UDP(sport=1000, dport=2000)/b'abcd'
static const uint8_t ip6_udp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0c, 0xd3, 0xe2, 0x61, 0x62, 0x63, 0x64,
};

// IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=64)/IPv6ExtHdrHopByHop()/
//   IPv6ExtHdrSegmentRouting(addresses=['2001:db8::2', 'fc00::1'], segleft=1)/IPv6ExtHdrDestOpt()/
//   UDP(sport=1000, dport=2000)/b'abcd'
static const uint8_t ip6_chain[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x44, 0x00, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x2b, 0x00,
	0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x3c, 0x04, 0x04, 0x01, 0x01, 0x00, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0xfc, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x11, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8,
	0x07, 0xd0, 0x00, 0x0c, 0xd3, 0xe2, 0x61, 0x62, 0x63, 0x64,
};

// IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=64)/IPv6ExtHdrFragment(m=1, id=7)/
//   UDP(sport=1000, dport=2000)/b'abcd'
static const uint8_t ip6_frag[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x2c, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x11, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x07, 0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0c, 0xd3, 0xe2, 0x61, 0x62, 0x63, 0x64,
};

static void
test_eth_untagged(void)
{
	// dst, src, ethertype 0x86dd, then one byte of payload
	static const uint8_t f[] = {0x02, 0, 0, 0,    0,    0x02, 0x02, 0,
				    0,	  0, 0, 0x01, 0x86, 0xdd, 0x60};
	uint16_t type = 0, l2 = 0;

	CU_ASSERT_EQUAL(pkt_eth_parse(f, sizeof(f), &type, &l2), PKT_OK);
	CU_ASSERT_EQUAL(type, 0x86dd);
	CU_ASSERT_EQUAL(l2, 14);
	// exactly the header is enough
	CU_ASSERT_EQUAL(pkt_eth_parse(f, 14, &type, &l2), PKT_OK);
}

static void
test_eth_tagged(void)
{
	// 802.1Q tag VLAN 10 then IPv4; the same with an 802.1ad TPID
	uint8_t f[] = {0x02, 0,	   0,	 0,    0,    0x02, 0x02, 0,    0,   0,
		       0,    0x01, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00, 0x45};
	uint16_t type = 0, l2 = 0;

	CU_ASSERT_EQUAL(pkt_eth_parse(f, sizeof(f), &type, &l2), PKT_OK);
	CU_ASSERT_EQUAL(type, 0x0800);
	CU_ASSERT_EQUAL(l2, 18);
	f[12] = 0x88;
	f[13] = 0xa8;
	type = 0;
	CU_ASSERT_EQUAL(pkt_eth_parse(f, sizeof(f), &type, &l2), PKT_OK);
	CU_ASSERT_EQUAL(type, 0x0800);
	CU_ASSERT_EQUAL(l2, 18);
}

static void
test_eth_truncated(void)
{
	static const uint8_t f[] = {0x02, 0, 0,	   0,	 0,    0x02, 0x02, 0,	 0,
				    0,	  0, 0x01, 0x81, 0x00, 0x00, 0x0a, 0x86, 0xdd};
	uint16_t type, l2;

	CU_ASSERT_EQUAL(pkt_eth_parse(f, 0, &type, &l2), PKT_ERR_TRUNC);
	CU_ASSERT_EQUAL(pkt_eth_parse(f, 13, &type, &l2), PKT_ERR_TRUNC);
	// tag present, inner ethertype cut
	CU_ASSERT_EQUAL(pkt_eth_parse(f, 17, &type, &l2), PKT_ERR_TRUNC);
	CU_ASSERT_EQUAL(pkt_eth_parse(f, 18, &type, &l2), PKT_OK);
}

static void
test_eth_double_tag(void)
{
	// 802.1ad outer tag, 802.1Q inner tag: not supported
	static const uint8_t f[] = {0x02, 0,	0,    0,    0,	  0x02, 0x02, 0,
				    0,	  0,	0,    0x01, 0x88, 0xa8, 0x00, 0x64,
				    0x81, 0x00, 0x00, 0x0a, 0x08, 0x00};
	uint16_t type, l2;

	CU_ASSERT_EQUAL(pkt_eth_parse(f, sizeof(f), &type, &l2), PKT_ERR_BAD_HEADER);
}

static void
test_ip4_ok(void)
{
	uint8_t buf[64];
	uint16_t hl = 0, tl = 0;

	CU_ASSERT_EQUAL(pkt_ip4_parse(ip4_udp, sizeof(ip4_udp), &hl, &tl), PKT_OK);
	CU_ASSERT_EQUAL(hl, 20);
	CU_ASSERT_EQUAL(tl, 32);
	CU_ASSERT_EQUAL(pkt_ip4_parse(ip4_opts, sizeof(ip4_opts), &hl, &tl), PKT_OK);
	CU_ASSERT_EQUAL(hl, 24);
	CU_ASSERT_EQUAL(tl, 36);
	// Ethernet padding after the datagram is allowed
	memset(buf, 0, sizeof(buf));
	memcpy(buf, ip4_udp, sizeof(ip4_udp));
	CU_ASSERT_EQUAL(pkt_ip4_parse(buf, 46, &hl, &tl), PKT_OK);
	CU_ASSERT_EQUAL(tl, 32);
}

static void
test_ip4_truncated(void)
{
	uint8_t buf[sizeof(ip4_udp)];
	uint16_t hl, tl;

	CU_ASSERT_EQUAL(pkt_ip4_parse(ip4_udp, 0, &hl, &tl), PKT_ERR_TRUNC);
	CU_ASSERT_EQUAL(pkt_ip4_parse(ip4_udp, 19, &hl, &tl), PKT_ERR_TRUNC);
	// total length 32 beyond the 31 bytes given
	CU_ASSERT_EQUAL(pkt_ip4_parse(ip4_udp, 31, &hl, &tl), PKT_ERR_TRUNC);
	// IHL 6 (24 bytes) with 22 bytes given
	CU_ASSERT_EQUAL(pkt_ip4_parse(ip4_opts, 22, &hl, &tl), PKT_ERR_TRUNC);
	// total length 0xffff
	memcpy(buf, ip4_udp, sizeof(buf));
	buf[2] = 0xff;
	buf[3] = 0xff;
	CU_ASSERT_EQUAL(pkt_ip4_parse(buf, sizeof(buf), &hl, &tl), PKT_ERR_TRUNC);
}

static void
test_ip4_bad_header(void)
{
	uint8_t buf[sizeof(ip4_udp)];
	uint16_t hl, tl;

	memcpy(buf, ip4_udp, sizeof(buf));
	buf[0] = 0x65; // version 6
	CU_ASSERT_EQUAL(pkt_ip4_parse(buf, sizeof(buf), &hl, &tl), PKT_ERR_BAD_HEADER);
	buf[0] = 0x44; // IHL 4
	CU_ASSERT_EQUAL(pkt_ip4_parse(buf, sizeof(buf), &hl, &tl), PKT_ERR_BAD_HEADER);
	buf[0] = 0x40; // IHL 0
	CU_ASSERT_EQUAL(pkt_ip4_parse(buf, sizeof(buf), &hl, &tl), PKT_ERR_BAD_HEADER);
	// total length 16 < IHL * 4
	memcpy(buf, ip4_udp, sizeof(buf));
	buf[3] = 16;
	CU_ASSERT_EQUAL(pkt_ip4_parse(buf, sizeof(buf), &hl, &tl), PKT_ERR_BAD_HEADER);
}

static void
test_ip4_bad_checksum(void)
{
	uint8_t buf[sizeof(ip4_udp)];
	uint16_t hl, tl;

	memcpy(buf, ip4_udp, sizeof(buf));
	buf[8] = 63; // TTL changed, checksum not updated
	CU_ASSERT_EQUAL(pkt_ip4_parse(buf, sizeof(buf), &hl, &tl), PKT_ERR_BAD_CHECKSUM);
	memcpy(buf, ip4_udp, sizeof(buf));
	buf[11] ^= 0x01;
	CU_ASSERT_EQUAL(pkt_ip4_parse(buf, sizeof(buf), &hl, &tl), PKT_ERR_BAD_CHECKSUM);
	// an option byte is covered too
	{
		uint8_t o[sizeof(ip4_opts)];

		memcpy(o, ip4_opts, sizeof(o));
		o[23] = 0x00;
		CU_ASSERT_EQUAL(pkt_ip4_parse(o, sizeof(o), &hl, &tl), PKT_ERR_BAD_CHECKSUM);
	}
}

static void
test_ip4_fragment_flags(void)
{
	uint8_t buf[sizeof(ip4_udp)];

	memcpy(buf, ip4_udp, sizeof(buf));
	CU_ASSERT_FALSE(pkt_ip4_is_fragment(buf));
	buf[6] = 0x40; // DF alone: whole datagram
	CU_ASSERT_FALSE(pkt_ip4_is_fragment(buf));
	buf[6] = 0x20; // MF, offset 0: first fragment
	CU_ASSERT_TRUE(pkt_ip4_is_fragment(buf));
	CU_ASSERT_FALSE(pkt_ip4_is_later_fragment(buf));
	buf[6] = 0x00;
	buf[7] = 0x10; // offset 16 * 8
	CU_ASSERT_TRUE(pkt_ip4_is_fragment(buf));
	CU_ASSERT_TRUE(pkt_ip4_is_later_fragment(buf));
}

static void
test_ip6_plain(void)
{
	struct pkt_ip6_info info;

	memset(&info, 0xaa, sizeof(info));
	CU_ASSERT_EQUAL(pkt_ip6_parse(ip6_udp, sizeof(ip6_udp), &info), PKT_OK);
	CU_ASSERT_EQUAL(info.payload_end, 52);
	CU_ASSERT_EQUAL(info.srh_off, 0);
	CU_ASSERT_EQUAL(info.srh_len, 0);
	CU_ASSERT_EQUAL(info.ul_proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(info.ul_off, 40);
}

static void
test_ip6_chain(void)
{
	struct pkt_ip6_info info;

	// fixed (40) + Hop-by-Hop (8) + SRH with 2 segments (40) + Dest Opts (8)
	CU_ASSERT_EQUAL(pkt_ip6_parse(ip6_chain, sizeof(ip6_chain), &info), PKT_OK);
	CU_ASSERT_EQUAL(info.payload_end, sizeof(ip6_chain));
	CU_ASSERT_EQUAL(info.srh_off, 48);
	CU_ASSERT_EQUAL(info.srh_len, 40);
	CU_ASSERT_EQUAL(info.srh_nh_off, 40);
	CU_ASSERT_EQUAL(info.routing_type, 4);
	CU_ASSERT_EQUAL(info.ul_proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(info.ul_off, 96);
}

static void
test_ip6_srh_after_fixed(void)
{
	uint8_t buf[sizeof(ip6_chain)];
	struct pkt_ip6_info info;

	// drop the Hop-by-Hop header: the fixed header names the SRH
	memcpy(buf, ip6_chain, 40);
	memcpy(buf + 40, ip6_chain + 48, sizeof(ip6_chain) - 48);
	buf[5] = (uint8_t)(buf[5] - 8);
	buf[6] = IPPROTO_ROUTING;
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(ip6_chain) - 8, &info), PKT_OK);
	CU_ASSERT_EQUAL(info.srh_off, 40);
	CU_ASSERT_EQUAL(info.srh_nh_off, 6);
	CU_ASSERT_EQUAL(info.ul_off, 88);
}

static void
test_ip6_fragment_stops(void)
{
	struct pkt_ip6_info info;

	CU_ASSERT_EQUAL(pkt_ip6_parse(ip6_frag, sizeof(ip6_frag), &info), PKT_OK);
	CU_ASSERT_EQUAL(info.ul_proto, IPPROTO_FRAGMENT);
	CU_ASSERT_EQUAL(info.ul_off, 40);
	CU_ASSERT_EQUAL(info.srh_off, 0);
}

static void
test_ip6_truncated(void)
{
	struct pkt_ip6_info info;

	CU_ASSERT_EQUAL(pkt_ip6_parse(ip6_udp, 0, &info), PKT_ERR_TRUNC);
	CU_ASSERT_EQUAL(pkt_ip6_parse(ip6_udp, 39, &info), PKT_ERR_TRUNC);
	// payload length 12 but 11 bytes after the header
	CU_ASSERT_EQUAL(pkt_ip6_parse(ip6_udp, sizeof(ip6_udp) - 1, &info), PKT_ERR_TRUNC);
}

static void
test_ip6_bad_version(void)
{
	uint8_t buf[sizeof(ip6_udp)];
	struct pkt_ip6_info info;

	memcpy(buf, ip6_udp, sizeof(buf));
	buf[0] = 0x40;
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(buf), &info), PKT_ERR_BAD_HEADER);
}

static void
test_ip6_trailing_padding(void)
{
	uint8_t buf[80];
	struct pkt_ip6_info info;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, ip6_udp, sizeof(ip6_udp));
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(buf), &info), PKT_OK);
	CU_ASSERT_EQUAL(info.payload_end, sizeof(ip6_udp));
}

static void
test_ip6_ext_truncated(void)
{
	uint8_t buf[sizeof(ip6_chain)];
	struct pkt_ip6_info info;

	// payload length ends inside the SRH (the walk is bounded by it, not len)
	memcpy(buf, ip6_chain, sizeof(buf));
	buf[5] = 8 + 20;
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(buf), &info), PKT_ERR_EXT_BAD);
	// payload length leaves one byte of the Hop-by-Hop header
	buf[5] = 1;
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(buf), &info), PKT_ERR_EXT_BAD);
	// no byte at all of the announced Hop-by-Hop header
	buf[5] = 0;
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(buf), &info), PKT_ERR_EXT_BAD);
	// Destination Options length 255 (2048 bytes) overruns the payload
	memcpy(buf, ip6_chain, sizeof(buf));
	buf[88 + 1] = 255;
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(buf), &info), PKT_ERR_EXT_BAD);
}

// IPv6 header followed by n Destination Options headers of 8 bytes (PadN),
// the last naming No Next Header. Returns the packet length.
static size_t
build_dstopt_chain(uint8_t *buf, unsigned int n)
{
	unsigned int i;

	memset(buf, 0, 40 + 8 * n);
	buf[0] = 0x60;
	buf[5] = (uint8_t)(8 * n);
	buf[6] = n != 0 ? IPPROTO_DSTOPTS : IPPROTO_NONE;
	buf[7] = 64;
	for (i = 0; i < n; i++) {
		uint8_t *h = buf + 40 + 8 * i;

		h[0] = i + 1 < n ? IPPROTO_DSTOPTS : IPPROTO_NONE;
		h[1] = 0;
		h[2] = 1; // PadN
		h[3] = 4;
	}
	return 40 + 8 * n;
}

static void
test_ip6_chain_too_long(void)
{
	uint8_t buf[40 + 8 * 10];
	struct pkt_ip6_info info;
	size_t len;

	len = build_dstopt_chain(buf, PKT_IP6_MAX_EXT);
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, len, &info), PKT_OK);
	CU_ASSERT_EQUAL(info.ul_proto, IPPROTO_NONE);
	CU_ASSERT_EQUAL(info.ul_off, len);
	len = build_dstopt_chain(buf, PKT_IP6_MAX_EXT + 1);
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, len, &info), PKT_ERR_EXT_BAD);
}

static void
test_ip6_hbh_not_first(void)
{
	uint8_t buf[40 + 16];
	struct pkt_ip6_info info;

	build_dstopt_chain(buf, 2);
	buf[40] = IPPROTO_HOPOPTS; // Dest Opts -> Hop-by-Hop
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(buf), &info), PKT_ERR_EXT_BAD);
}

static void
test_ip6_two_routing_headers(void)
{
	uint8_t buf[40 + 16];
	struct pkt_ip6_info info;

	// two 8-byte routing headers (type 4, no segments is enough for the walk)
	build_dstopt_chain(buf, 2);
	buf[6] = IPPROTO_ROUTING;
	buf[40] = IPPROTO_ROUTING;
	buf[42] = 4;
	buf[50] = 4;
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(buf), &info), PKT_ERR_EXT_BAD);
	// one of them is fine
	buf[40] = IPPROTO_DSTOPTS;
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(buf), &info), PKT_OK);
	CU_ASSERT_EQUAL(info.srh_off, 40);
	CU_ASSERT_EQUAL(info.srh_len, 8);
	CU_ASSERT_EQUAL(info.srh_nh_off, 6);
}

static void
test_ip6_walk(void)
{
	uint8_t buf[sizeof(ip6_chain)];
	struct pkt_ip6_info info;

	// a payload length beyond the data: parse refuses, walk goes on
	memcpy(buf, ip6_chain, sizeof(buf));
	buf[4] = 0x10;
	CU_ASSERT_EQUAL(pkt_ip6_parse(buf, sizeof(buf), &info), PKT_ERR_TRUNC);
	CU_ASSERT_EQUAL(pkt_ip6_walk(buf, sizeof(buf), &info), PKT_OK);
	CU_ASSERT_EQUAL(info.payload_end, sizeof(buf));
	CU_ASSERT_EQUAL(info.srh_off, 48);
	CU_ASSERT_EQUAL(info.ul_off, 96);
	CU_ASSERT_EQUAL(pkt_ip6_walk(buf, 60, &info), PKT_ERR_EXT_BAD);
	CU_ASSERT_EQUAL(pkt_ip6_walk(buf, 39, &info), PKT_ERR_TRUNC);
}

static void
test_flow_hash4(void)
{
	uint8_t a[sizeof(ip4_udp)], b[sizeof(ip4_udp)];
	uint32_t h;

	h = pkt_flow_hash4(ip4_udp, sizeof(ip4_udp));
	CU_ASSERT_EQUAL(h, pkt_flow_hash4(ip4_udp, sizeof(ip4_udp)));
	// same 5-tuple behind IP options: same hash
	CU_ASSERT_EQUAL(h, pkt_flow_hash4(ip4_opts, sizeof(ip4_opts)));
	// other TTL, ID and payload: same hash
	memcpy(a, ip4_udp, sizeof(a));
	a[8] = 3;
	a[5] = 9;
	a[31] = 'z';
	CU_ASSERT_EQUAL(h, pkt_flow_hash4(a, sizeof(a)));
	// other source port, other destination address: other hashes
	memcpy(a, ip4_udp, sizeof(a));
	a[21] ^= 1;
	CU_ASSERT_NOT_EQUAL(h, pkt_flow_hash4(a, sizeof(a)));
	memcpy(a, ip4_udp, sizeof(a));
	a[19] ^= 1;
	CU_ASSERT_NOT_EQUAL(h, pkt_flow_hash4(a, sizeof(a)));
	// without the ports in the buffer the hash differs but is defined
	CU_ASSERT_NOT_EQUAL(h, pkt_flow_hash4(ip4_udp, 20));
	// fragments: ports ignored, so all fragments of a flow hash alike
	memcpy(a, ip4_udp, sizeof(a));
	a[6] = 0x20;
	memcpy(b, a, sizeof(b));
	b[21] ^= 1;
	CU_ASSERT_EQUAL(pkt_flow_hash4(a, sizeof(a)), pkt_flow_hash4(b, sizeof(b)));
	// a protocol without ports ignores those bytes
	memcpy(a, ip4_udp, sizeof(a));
	a[9] = IPPROTO_GRE;
	memcpy(b, a, sizeof(b));
	b[21] ^= 1;
	CU_ASSERT_EQUAL(pkt_flow_hash4(a, sizeof(a)), pkt_flow_hash4(b, sizeof(b)));
	// short buffers do not crash
	(void)pkt_flow_hash4(ip4_udp, 3);
}

static void
test_flow_hash6(void)
{
	uint8_t a[sizeof(ip6_frag)], b[sizeof(ip6_frag)];
	uint8_t c[sizeof(ip6_udp)];
	uint32_t h;

	h = pkt_flow_hash6(ip6_udp, sizeof(ip6_udp));
	CU_ASSERT_EQUAL(h, pkt_flow_hash6(ip6_udp, sizeof(ip6_udp)));
	// ports found behind Hop-by-Hop, SRH and Destination Options
	CU_ASSERT_EQUAL(h, pkt_flow_hash6(ip6_chain, sizeof(ip6_chain)));
	memcpy(c, ip6_udp, sizeof(c));
	c[43] ^= 1; // destination port
	CU_ASSERT_NOT_EQUAL(h, pkt_flow_hash6(c, sizeof(c)));
	memcpy(c, ip6_udp, sizeof(c));
	c[23] ^= 1; // source address
	CU_ASSERT_NOT_EQUAL(h, pkt_flow_hash6(c, sizeof(c)));
	memcpy(c, ip6_udp, sizeof(c));
	c[7] = 1; // hop limit is not part of the flow
	CU_ASSERT_EQUAL(h, pkt_flow_hash6(c, sizeof(c)));
	// a fragment hashes without ports
	memcpy(a, ip6_frag, sizeof(a));
	memcpy(b, ip6_frag, sizeof(b));
	b[49] ^= 1;
	CU_ASSERT_EQUAL(pkt_flow_hash6(a, sizeof(a)), pkt_flow_hash6(b, sizeof(b)));
	CU_ASSERT_NOT_EQUAL(h, pkt_flow_hash6(a, sizeof(a)));
	(void)pkt_flow_hash6(ip6_udp, 10);
}

// Outer IPv6 + SRH (one segment) + inner IPv4/UDP or IPv6/UDP, as a remote
// PE's H.Encaps sends it. Returns the length.
static size_t
build_tunnel(uint8_t *buf, int inner_family, uint32_t label, uint16_t sport, bool srh)
{
	size_t srh_len = srh ? 24 : 0, inner_len = inner_family == 4 ? 28 : 48;
	uint8_t *in;

	memset(buf, 0, 40 + srh_len + inner_len);
	buf[0] = (uint8_t)(0x60 | (label >> 16 & 0x0f));
	buf[1] = (uint8_t)(label >> 8);
	buf[2] = (uint8_t)label;
	pkt_put_be16(buf + 4, (uint16_t)(srh_len + inner_len));
	buf[7] = 64;
	buf[8] = 0x20; // 2001:db8::1 -> 2001:db8:2::100 (the SID)
	buf[9] = 0x01;
	buf[10] = 0x0d;
	buf[11] = 0xb8;
	buf[23] = 1;
	memcpy(buf + 24, buf + 8, 4);
	buf[29] = 2;
	buf[38] = 1;
	uint8_t ul = inner_family == 4 ? IPPROTO_IPIP : IPPROTO_IPV6;
	if (srh) {
		buf[6] = IPPROTO_ROUTING;
		buf[40] = ul;
		buf[41] = 2; // (2 + 1) * 8 = 24 bytes
		buf[42] = 4; // SRH
		memcpy(buf + 48, buf + 24, 16);
	} else {
		buf[6] = ul;
	}
	in = buf + 40 + srh_len;
	if (inner_family == 4) {
		in[0] = 0x45;
		pkt_put_be16(in + 2, 28);
		in[8] = 64;
		in[9] = IPPROTO_UDP;
		in[12] = 172, in[13] = 16, in[14] = 10, in[15] = 2;
		in[16] = 172, in[17] = 16, in[18] = 20, in[19] = 2;
		pkt_put_be16(in + 20, sport);
		pkt_put_be16(in + 22, 53);
	} else {
		in[0] = 0x60;
		pkt_put_be16(in + 4, 8);
		in[6] = IPPROTO_UDP;
		in[7] = 64;
		in[8] = 0x20, in[9] = 0x01, in[23] = 2;
		in[24] = 0x20, in[25] = 0x01, in[39] = 3;
		pkt_put_be16(in + 40, sport);
		pkt_put_be16(in + 42, 53);
	}
	return 40 + srh_len + inner_len;
}

static void
test_tunnel_hash(void)
{
	uint8_t a[200], b[200];
	size_t la, lb;
	uint32_t ha, hb;

	for (int fam = 4; fam <= 6; fam += 2) {
		// Label 0: the inner flow decides, with or without an SRH.
		la = build_tunnel(a, fam, 0, 1000, true);
		CU_ASSERT_FATAL(pkt_tunnel_hash(a, la, &ha));
		size_t off = la - (fam == 4 ? 28 : 48);
		CU_ASSERT_EQUAL(ha, fam == 4 ? pkt_flow_hash4(a + off, la - off)
					     : pkt_flow_hash6(a + off, la - off));
		lb = build_tunnel(b, fam, 0, 1000, false);
		CU_ASSERT_FATAL(pkt_tunnel_hash(b, lb, &hb));
		CU_ASSERT_EQUAL(ha, hb);
		lb = build_tunnel(b, fam, 0, 1001, true);
		CU_ASSERT_FATAL(pkt_tunnel_hash(b, lb, &hb));
		CU_ASSERT_NOT_EQUAL(ha, hb);
		// A label: the outer flow decides, the inner is not read.
		la = build_tunnel(a, fam, 0x12345, 1000, true);
		lb = build_tunnel(b, fam, 0x12345, 2000, true);
		CU_ASSERT_FATAL(pkt_tunnel_hash(a, la, &ha));
		CU_ASSERT_FATAL(pkt_tunnel_hash(b, lb, &hb));
		CU_ASSERT_EQUAL(ha, hb);
		lb = build_tunnel(b, fam, 0x12346, 1000, true);
		CU_ASSERT_FATAL(pkt_tunnel_hash(b, lb, &hb));
		CU_ASSERT_NOT_EQUAL(ha, hb);
		// Cut anywhere: no answer or an answer, never a read past len.
		la = build_tunnel(a, fam, 0, 1000, true);
		for (size_t cut = 0; cut < la; cut++) {
			uint8_t *c = malloc(cut ? cut : 1);
			memcpy(c, a, cut);
			(void)pkt_tunnel_hash(c, cut, &hb);
			free(c);
		}
		// The payload length short of the SRH: not a tunnel packet.
		pkt_put_be16(a + 4, 10);
		CU_ASSERT_FALSE(pkt_tunnel_hash(a, la, &hb));
	}
	// Not tunnelled: UDP over IPv6, SRH then UDP.
	CU_ASSERT_FALSE(pkt_tunnel_hash(ip6_udp, sizeof(ip6_udp), &ha));
	CU_ASSERT_FALSE(pkt_tunnel_hash(ip6_chain, sizeof(ip6_chain), &ha));
	// IPv4 is not an IPv6 tunnel.
	CU_ASSERT_FALSE(pkt_tunnel_hash(ip4_udp, sizeof(ip4_udp), &ha));
}

// The TCP checksum over the pseudo-header (RFC 793 / RFC 8200 8.1): 0 when
// computed over a segment that carries a right one.
static uint16_t
tcp_cksum(const uint8_t *ip, int family, const uint8_t *tcp, size_t len)
{
	if (family == 6)
		return pkt_ip6_l4_cksum(ip, tcp, (uint32_t)len, IPPROTO_TCP);
	uint8_t ph[12 + 100];
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	pkt_put_be16(ph + 10, (uint16_t)len);
	memcpy(ph + 12, tcp, len);
	return pkt_cksum(ph, 12 + len);
}

// A TCP SYN over IPv4 or IPv6 with options MSS, SACK permitted, timestamps,
// NOP, window scale; its checksum right. Returns the length.
static size_t
build_syn(uint8_t *buf, int family, uint16_t mss, uint8_t flags)
{
	static const uint8_t opts[] = {2, 4, 0, 0, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7};
	size_t l3 = family == 4 ? 20 : 40, tcp_len = 20 + sizeof(opts);
	uint8_t *t = buf + l3;

	memset(buf, 0, l3 + tcp_len);
	if (family == 4) {
		buf[0] = 0x45;
		pkt_put_be16(buf + 2, (uint16_t)(l3 + tcp_len));
		buf[8] = 64;
		buf[9] = IPPROTO_TCP;
		buf[12] = 172, buf[13] = 16, buf[14] = 10, buf[15] = 2;
		buf[16] = 172, buf[17] = 16, buf[18] = 20, buf[19] = 2;
		pkt_put_be16(buf + 10, pkt_ip4_hdr_cksum(buf, 20));
	} else {
		buf[0] = 0x60;
		pkt_put_be16(buf + 4, (uint16_t)tcp_len);
		buf[6] = IPPROTO_TCP;
		buf[7] = 64;
		buf[8] = 0x20, buf[9] = 0x01, buf[23] = 2;
		buf[24] = 0x20, buf[25] = 0x01, buf[39] = 3;
	}
	pkt_put_be16(t, 40000);
	pkt_put_be16(t + 2, 443);
	t[12] = (uint8_t)((tcp_len / 4) << 4);
	t[13] = flags;
	pkt_put_be16(t + 14, 65535);
	memcpy(t + 20, opts, sizeof(opts));
	pkt_put_be16(t + 22, mss);
	pkt_put_be16(t + 16, tcp_cksum(buf, family, t, tcp_len));
	return l3 + tcp_len;
}

static void
test_tcp_mss_clamp(void)
{
	uint8_t a[100], b[100];
	size_t n;

	for (int fam = 4; fam <= 6; fam += 2) {
		size_t l3 = fam == 4 ? 20 : 40;
		// SYN and SYN-ACK above the clamp: lowered, checksum still right.
		for (int synack = 0; synack < 2; synack++) {
			n = build_syn(a, fam, 1460, synack ? 0x12 : 0x02);
			CU_ASSERT_TRUE(pkt_tcp_mss_clamp(a, n, fam, 1360));
			CU_ASSERT_EQUAL(pkt_get_be16(a + l3 + 22), 1360);
			CU_ASSERT_EQUAL(tcp_cksum(a, fam, a + l3, n - l3), 0);
			// Applying it again changes nothing.
			memcpy(b, a, n);
			CU_ASSERT_FALSE(pkt_tcp_mss_clamp(a, n, fam, 1360));
			CU_ASSERT_EQUAL(memcmp(a, b, n), 0);
		}
		// Below the clamp, not a SYN, not TCP: untouched.
		n = build_syn(a, fam, 1200, 0x02);
		memcpy(b, a, n);
		CU_ASSERT_FALSE(pkt_tcp_mss_clamp(a, n, fam, 1360));
		n = build_syn(a, fam, 1460, 0x10);
		CU_ASSERT_FALSE(pkt_tcp_mss_clamp(a, n, fam, 1360));
		n = build_syn(a, fam, 1460, 0x02);
		a[fam == 4 ? 9 : 6] = IPPROTO_UDP;
		CU_ASSERT_FALSE(pkt_tcp_mss_clamp(a, n, fam, 1360));
		// Options that overrun the header, a zero option length: untouched.
		n = build_syn(a, fam, 1460, 0x02);
		a[l3 + 20] = 3, a[l3 + 21] = 0;
		memcpy(b, a, n);
		CU_ASSERT_FALSE(pkt_tcp_mss_clamp(a, n, fam, 1360));
		CU_ASSERT_EQUAL(memcmp(a, b, n), 0);
		n = build_syn(a, fam, 1460, 0x02);
		a[l3 + 20] = 3, a[l3 + 21] = 40;
		CU_ASSERT_FALSE(pkt_tcp_mss_clamp(a, n, fam, 1360));
		// Cut anywhere: no write past the end.
		n = build_syn(a, fam, 1460, 0x02);
		for (size_t cut = 0; cut < n; cut++) {
			uint8_t *c = malloc(cut ? cut : 1);
			memcpy(c, a, cut);
			(void)pkt_tcp_mss_clamp(c, cut, fam, 1360);
			free(c);
		}
	}
	// An IPv4 fragment carries no TCP header to trust.
	n = build_syn(a, 4, 1460, 0x02);
	a[6] = 0x20; // MF
	CU_ASSERT_FALSE(pkt_tcp_mss_clamp(a, n, 4, 1360));
}

static void
test_checksum_helpers(void)
{
	// RFC 1071 4.1 example: the sum of these words is 0xddf2
	static const uint8_t rfc1071[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint8_t buf[sizeof(ip4_udp)];
	uint16_t ck;

	CU_ASSERT_EQUAL(pkt_cksum(rfc1071, sizeof(rfc1071)), (uint16_t)~0xddf2);
	// a valid header sums to zero; recomputing gives the stored value
	CU_ASSERT_EQUAL(pkt_ip4_hdr_cksum(ip4_udp, 20), 0);
	memcpy(buf, ip4_udp, sizeof(buf));
	buf[10] = 0;
	buf[11] = 0;
	CU_ASSERT_EQUAL(pkt_ip4_hdr_cksum(buf, 20), 0x8e95);
	// RFC 1624 incremental update matches a recomputation (TTL 64 -> 63)
	ck = pkt_cksum_adjust16(0x8e95, 0x4011, 0x3f11);
	buf[8] = 63;
	CU_ASSERT_EQUAL(ck, pkt_ip4_hdr_cksum(buf, 20));
	// the UDP checksum scapy wrote verifies over the pseudo-header
	CU_ASSERT_EQUAL(pkt_ip6_l4_cksum(ip6_udp, ip6_udp + 40, 12, IPPROTO_UDP), 0);
}

static void
test_byte_helpers(void)
{
	uint8_t b[4];

	pkt_put_be32(b, 0x01020304);
	CU_ASSERT_EQUAL(b[0], 1);
	CU_ASSERT_EQUAL(b[3], 4);
	CU_ASSERT_EQUAL(pkt_get_be32(b), 0x01020304);
	pkt_put_be16(b, 0xabcd);
	CU_ASSERT_EQUAL(b[0], 0xab);
	CU_ASSERT_EQUAL(pkt_get_be16(b), 0xabcd);
}

// The 20-byte fast path of pkt_ip4_hdr_cksum against the generic checksum,
// on random headers (and every header with one 16-bit word maxed).
static void
test_ip4_cksum_fast_path(void)
{
	uint32_t x = 0x12345678;
	unsigned int bad = 0;

	for (unsigned int n = 0; n < 20000; n++) {
		uint8_t h[20];
		for (unsigned int i = 0; i < 20; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			h[i] = (uint8_t)x;
		}
		if (n < 10) {
			memset(h, n < 5 ? 0xff : 0, 20);
			h[n % 20] = (uint8_t)n;
		}
		if (pkt_ip4_hdr_cksum(h, 20) != pkt_cksum(h, 20))
			bad++;
		// A header carrying its own checksum verifies to 0.
		h[10] = h[11] = 0;
		pkt_put_be16(h + 10, pkt_ip4_hdr_cksum(h, 20));
		if (pkt_ip4_hdr_cksum(h, 20) != 0)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

// pkt_ip6_parse's inline shapes against the full walk on random chains:
// 0-3 extension headers of random kinds and lengths, payload length fields
// right, short or long, versions right or wrong.
static void
test_ip6_parse_fast_vs_walk(void)
{
	static const uint8_t kinds[] = {IPPROTO_ROUTING,
					IPPROTO_ROUTING,
					IPPROTO_HOPOPTS,
					IPPROTO_DSTOPTS,
					IPPROTO_UDP,
					4,
					41,
					IPPROTO_ICMPV6,
					44};
	uint32_t x = 0x9e3779b9;
	unsigned int bad = 0, fast_ok = 0;

	for (unsigned int n = 0; n < 50000; n++) {
		uint8_t b[400];
		size_t len, off = 40;
		struct pkt_ip6_info a, w;
		int ra, rw;
#define RND() (x ^= x << 13, x ^= x >> 17, x ^= x << 5, x)
		for (unsigned int i = 0; i < sizeof(b); i++)
			b[i] = (uint8_t)RND();
		b[0] = (uint8_t)(RND() % 16 ? 0x60 : 0x40);
		unsigned int n_ext = RND() % 4, nh_at = 6;
		for (unsigned int e = 0; e < n_ext && off + 8 * 5 < sizeof(b); e++) {
			uint8_t k = kinds[RND() % 4];
			b[nh_at] = k;
			b[off + 1] = (uint8_t)(RND() % 4);
			if (k == IPPROTO_ROUTING)
				b[off + 2] = RND() % 4 ? 4 : 0;
			nh_at = (unsigned int)off;
			off += (b[off + 1] + 1u) * 8;
		}
		b[nh_at] = kinds[RND() % RTE_DIM(kinds)];
		size_t pl = off - 40 + RND() % 64;
		if (RND() % 8 == 0)
			pl = RND() % 300;
		pkt_put_be16(b + 4, (uint16_t)pl);
		len = 40 + pl + (RND() % 4 == 0 ? RND() % 16 : 0);
		if (RND() % 16 == 0)
			len = RND() % 60;
		if (len > sizeof(b))
			len = sizeof(b);
		memset(&a, 0xa5, sizeof(a));
		memset(&w, 0xa5, sizeof(w));
		ra = pkt_ip6_parse(b, len, &a);
		// The reference: the documented checks, then the full walk.
		if (len < 40)
			rw = PKT_ERR_TRUNC;
		else if ((b[0] >> 4) != 6)
			rw = PKT_ERR_BAD_HEADER;
		else if (40u + pkt_get_be16(b + 4) > len)
			rw = PKT_ERR_TRUNC;
		else
			rw = pkt_ip6_walk(b, 40 + pkt_get_be16(b + 4), &w);
		if (ra != rw)
			bad++;
		else if (ra == PKT_OK) {
			fast_ok++;
			if (a.payload_end != w.payload_end || a.srh_off != w.srh_off ||
			    a.srh_len != w.srh_len || a.srh_nh_off != w.srh_nh_off ||
			    a.ul_proto != w.ul_proto || a.ul_off != w.ul_off ||
			    (w.srh_off != 0 && a.routing_type != w.routing_type))
				bad++;
		}
#undef RND
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(fast_ok > 10000);
}

static const struct {
	const char *name;
	CU_TestFunc fn;
} tests[] = {
	{"ip6_parse_fast_vs_walk", test_ip6_parse_fast_vs_walk},
	{"ip4_cksum_fast_path", test_ip4_cksum_fast_path},
	{"eth_untagged", test_eth_untagged},
	{"eth_tagged", test_eth_tagged},
	{"eth_truncated", test_eth_truncated},
	{"eth_double_tag", test_eth_double_tag},
	{"ip4_ok", test_ip4_ok},
	{"ip4_truncated", test_ip4_truncated},
	{"ip4_bad_header", test_ip4_bad_header},
	{"ip4_bad_checksum", test_ip4_bad_checksum},
	{"ip4_fragment_flags", test_ip4_fragment_flags},
	{"ip6_plain", test_ip6_plain},
	{"ip6_chain", test_ip6_chain},
	{"ip6_srh_after_fixed", test_ip6_srh_after_fixed},
	{"ip6_fragment_stops", test_ip6_fragment_stops},
	{"ip6_truncated", test_ip6_truncated},
	{"ip6_bad_version", test_ip6_bad_version},
	{"ip6_trailing_padding", test_ip6_trailing_padding},
	{"ip6_ext_truncated", test_ip6_ext_truncated},
	{"ip6_chain_too_long", test_ip6_chain_too_long},
	{"ip6_hbh_not_first", test_ip6_hbh_not_first},
	{"ip6_two_routing_headers", test_ip6_two_routing_headers},
	{"ip6_walk", test_ip6_walk},
	{"flow_hash4", test_flow_hash4},
	{"flow_hash6", test_flow_hash6},
	{"tunnel_hash", test_tunnel_hash},
	{"tcp_mss_clamp", test_tcp_mss_clamp},
	{"checksum_helpers", test_checksum_helpers},
	{"byte_helpers", test_byte_helpers},
};

int
main(void)
{
	unsigned int failures, i;
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("pkt", NULL, NULL);
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
