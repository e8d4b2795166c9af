// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// ICMPv4 and ICMPv6 messages the router sends: errors about a packet it could
// not forward or process (time exceeded, unreachable, parameter problem, packet
// too big / fragmentation needed) and echo replies. Each function turns the
// offending packet's mbuf, which starts at its IP header, into the complete IP
// packet to send back; the caller adds Ethernet and routes it. Rate limiting
// (RFC 1812 4.3.2.8, RFC 4443 2.4(f)) is the caller's job.

#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>

// ICMPv4 types and codes (RFC 792, RFC 1191).
#define ICMP4_ECHO_REPLY 0
#define ICMP4_DEST_UNREACH 3
#define ICMP4_CODE_NET_UNREACH 0
#define ICMP4_CODE_HOST_UNREACH 1
#define ICMP4_CODE_PROTO_UNREACH 2
#define ICMP4_CODE_PORT_UNREACH 3
#define ICMP4_CODE_FRAG_NEEDED 4
#define ICMP4_ECHO_REQUEST 8
#define ICMP4_TIME_EXCEEDED 11
#define ICMP4_PARAM_PROBLEM 12

// ICMPv6 types and codes (RFC 4443).
#define ICMP6_DEST_UNREACH 1
#define ICMP6_CODE_NO_ROUTE 0
#define ICMP6_CODE_ADDR_UNREACH 3
#define ICMP6_CODE_PORT_UNREACH 4
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_PARAM_PROBLEM 4
#define ICMP6_CODE_ERRONEOUS_HEADER 0
#define ICMP6_CODE_UNRECOGNIZED_NH 1
#define ICMP6_CODE_UNRECOGNIZED_OPTION 2
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129

// RFC 1812 4.3.2.3: an ICMPv4 error is at most 576 bytes.
#define ICMP4_ERROR_MAX_LEN 576
// RFC 4443 2.4(c): an ICMPv6 error does not exceed the minimum IPv6 MTU.
#define ICMP6_ERROR_MAX_LEN 1280

/**
 * Turn the IPv4 packet in m into an ICMPv4 error about it (RFC 792, RFC 1812
 * 4.3.2): IP header from src to the original source, TTL 64, precedence 6
 * (RFC 1812 4.3.2.5), DF set, then type, code and the second word: for type 3
 * code 4 the next-hop MTU (info, low 16 bits, RFC 1191 4), for type 12 the
 * pointer (info, high byte), otherwise info as is. The payload quotes the
 * original header and as much data as fits in 576 bytes.
 *
 * @return 0; -EPERM when RFC 1812 4.3.2.7 forbids the error (original is an
 *   ICMP error, destined to broadcast or multicast, from an invalid source, a
 *   non-first fragment); -EINVAL when m holds no IPv4 header; -ENOSPC when
 *   the mbuf has no room for the headers; -ENOTSUP for a chained mbuf.
 */
__rte_cold int icmp4_error_build(struct rte_mbuf *m, uint8_t type, uint8_t code, uint32_t info,
				 const uint8_t src[4]);

/**
 * Turn the IPv6 packet in m into an ICMPv6 error about it (RFC 4443): IPv6
 * header from src to the original source, hop limit 64, then type, code and
 * the second word (info: the MTU for type 2, the pointer for type 4, else
 * info as is), quoting as much of the original as fits in 1280 bytes, with the
 * checksum over the pseudo-header (RFC 4443 2.3).
 *
 * @return 0; -EPERM when RFC 4443 2.4(e) forbids the error (original is an
 *   ICMPv6 error or a redirect, has a multicast destination and the error is
 *   neither Packet Too Big nor Parameter Problem code 2, has an unspecified or
 *   multicast source); -EINVAL when m holds no IPv6 header; -ENOSPC; -ENOTSUP.
 */
__rte_cold int icmp6_error_build(struct rte_mbuf *m, uint8_t type, uint8_t code, uint32_t info,
				 const uint8_t src[16]);

/**
 * Turn an ICMPv4 echo request into its reply in place (RFC 792, RFC 1122
 * 3.2.2.6): addresses swapped (the reply comes from the address the request
 * was sent to), IP options dropped, TTL 64, type 0, checksums updated, bytes
 * past the IP total length trimmed.
 *
 * @return 0; -EINVAL when m is not a whole, valid echo request (bad ICMP
 *   checksum, fragment, truncated) or was sent to a broadcast or multicast
 *   address; -ENOTSUP for a chained mbuf.
 */
int icmp4_echo_reply(struct rte_mbuf *m);

/**
 * Turn an ICMPv6 echo request into its reply in place (RFC 4443 4.2):
 * addresses swapped, extension headers dropped, hop limit 64, type 129,
 * checksum updated, bytes past the payload trimmed. A request with segments
 * left (an SRH of type 4, at an End.OP SID) has its checksum verified over
 * Segment List[0], the final destination (RFC 8200 8.1), and the reply's
 * computed anew.
 *
 * @return 0; -EINVAL when m is not a valid echo request (bad checksum,
 *   truncated) or was sent to a multicast address; -ENOTSUP for a chained mbuf.
 */
int icmp6_echo_reply(struct rte_mbuf *m);
