// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Every datapath drop has exactly one reason from this list. The X-macro
// generates the enum, the per-lcore counter array and the names that
// stats.get reports under "drops" (the first column, verbatim).
#define DP_DROP_REASONS(X)                                                                         \
	X(eth_truncated, "frame shorter than its Ethernet header")                                 \
	X(eth_unsupported, "ethertype other than IPv4, IPv6 or ARP")                               \
	X(eth_other_host, "unicast frame for another MAC address")                                 \
	X(eth_vlan, "VLAN-tagged frame (ports take untagged or priority-tagged frames only)")      \
	X(rx_oversize, "frame longer than one mbuf (2048 bytes: jumbo frames are not supported)")  \
	X(ip4_truncated, "IPv4 header or total length beyond the frame")                           \
	X(ip4_bad_header, "IPv4 version, IHL or total length invalid")                             \
	X(ip4_bad_checksum, "IPv4 header checksum wrong")                                          \
	X(ip4_fragment, "IPv4 fragment addressed to us (no reassembly; a host interface gets it)") \
	X(ip4_ttl_exceeded, "IPv4 TTL expired in transit (time exceeded sent)")                    \
	X(ip4_no_route, "no IPv4 route in the VRF (unreachable sent)")                             \
	X(ip6_truncated, "IPv6 header or payload length beyond the frame")                         \
	X(ip6_bad_header, "IPv6 version or payload length invalid")                                \
	X(ip6_ext_bad, "IPv6 extension header chain truncated or too long")                        \
	X(ip6_fragment, "IPv6 fragment addressed to us or our SID (no reassembly)")                \
	X(ip6_hop_limit_exceeded, "IPv6 hop limit expired in transit (time exceeded sent)")        \
	X(ip6_no_route, "no IPv6 route in the VRF (unreachable sent)")                             \
	X(srh_truncated, "SRH beyond the packet")                                                  \
	X(srh_bad_length, "SRH header length does not hold last entry + 1 segments")               \
	X(srh_sl_exceeds_list, "segments left greater than last entry + 1")                        \
	X(srh_bad_tlv, "SRH TLV overruns the header")                                              \
	X(routing_type_unknown, "routing header type other than 4 with segments left > 0")         \
	X(sid_sl_zero, "End-type SID reached with segments left 0 and nothing to decapsulate")     \
	X(sid_upper_layer,                                                                         \
	  "upper-layer header at a SID other than ICMPv6 echo (param problem sent)")               \
	X(decap_bad_inner, "inner packet family not accepted by the decapsulation behaviour")      \
	X(decap_truncated, "inner packet truncated after decapsulation")                           \
	X(insert_refused, "H.Insert: no room, or a Hop-by-Hop or routing header already there")    \
	X(hmac_missing, "SID requires an SRH HMAC TLV and the packet has none")                    \
	X(hmac_unknown_key, "SRH HMAC TLV under a key id we do not have")                          \
	X(hmac_mismatch, "SRH HMAC TLV does not verify (RFC 8754 2.1.2.1)")                        \
	X(proxy_no_cache, "End.AD: traffic from the service before any packet went to it")         \
	X(proxy_header_too_long, "End.AD: outer headers longer than the proxy's cache holds")      \
	X(l2vpn_unknown_peer, "End.DT2U/DT2M: from a PE that is not a peer of the bridge")         \
	X(l2vpn_filtered, "l2vpn bridge: destination on the side the frame came from")             \
	X(l2vpn_flood_failed, "l2vpn bridge: no mbuf or no room for a flooded copy")               \
	X(oam_op_unhandled, "End.OP: not an ICMPv6 echo request (OAM processing ends it)")         \
	X(blackhole, "route to a blackhole next hop")                                              \
	X(neigh_hold_full, "neighbour unresolved and its hold queue full")                         \
	X(mtu_exceeded, "packet larger than the egress MTU (too big / frag needed sent)")          \
	X(no_headroom, "no room to prepend the encapsulation")                                     \
	X(loop_detected, "too many lookup passes for one packet")                                  \
	X(local_unhandled, "addressed to us with a protocol we do not serve")                      \
	X(tx_full, "transmit queue full")                                                          \
	X(ctl_ring_full, "punt ring to the control thread full")                                   \
	X(port_down, "egress port stopped or unknown")                                             \
	X(icmp_rate_limited, "ICMP error suppressed (rate limit or not allowed by RFC)")           \
	X(handoff_full, "the worker this flow is spread to is behind (its ring is full)")          \
	X(esp_unknown_spi, "ESP with an SPI no inbound SA of its mode has")                        \
	X(esp_auth_failed, "ESP whose integrity check (ICV) failed")                               \
	X(esp_replay, "ESP sequence number replayed or left of the anti-replay window")            \
	X(esp_malformed, "ESP truncated, or its padding or pad length wrong")                      \
	X(esp_lifetime_expired, "the SA reached its lifetime (packets or bytes)")                  \
	X(esp_no_sa, "route bound to an SA the datapath holds no state for (never sent in clear)") \
	X(esp_crypto_failed, "the crypto device refused or failed the operation (lookaside)")

#define DP_DROP_ENUM(name, descr) DP_DROP_##name,
enum dp_drop_reason { DP_DROP_REASONS(DP_DROP_ENUM) DP_DROP_MAX };
#undef DP_DROP_ENUM
