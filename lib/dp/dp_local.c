// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Stage, local delivery: a packet to one of our own addresses (next hop
// DNH_LOCAL). srv6d itself serves only ICMP echo (answered in place:
// source and destination swapped, so it goes round again toward the
// sender), ESP of mode tunnel (dp_ipsec.c: decrypted, then looked up again)
// and neighbour discovery (punted to the control thread). IPv6
// extension headers are walked first: a routing header of an unknown type
// with segments left gets Parameter Problem (RFC 8200 4.4). Fragments
// (IPv4, or an IPv6 Fragment header) are not reassembled here. Anything else
// goes to the kernel when the port has a host interface (punted), or is
// dropped as local_unhandled.
//
// Reads: dp_meta family, rx_port; the packet's IP and ICMP headers.
// Writes: the packet (echo reply), dp_meta flags (DP_F_NO_TTL_DEC: a reply
// is ours, not forwarded), punt.
//
// Next: echo replies and ICMP errors to `next` (lookup toward the sender);
// the rest ends here.

#include <netinet/in.h>

#include <rte_cycles.h>

#include "dp_ipsec.h"
#include "dp_stage.h"
#include "icmp.h"

// Not ours to serve (a protocol we do not answer, or a fragment, which only
// the kernel reassembles): the kernel's when the port has a host interface,
// else dropped with reason r.
static int
to_host_or_drop(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_drop_reason r)
{
	if (dp_g.host_on[dp_meta(m)->rx_port])
		dp_punt(lc, m, DP_PUNT_HOST);
	else
		dp_drop(lc, m, r);
	return DP_DONE;
}

static inline int
local(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m)
{
	struct dp_meta *md = dp_meta(m);
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len;

	if (md->family == 4) {
		uint32_t ihl = (d[0] & 0xfu) * 4u;
		// Only the kernel reassembles (RFC 791): a fragment is never
		// taken for a whole echo request or ESP packet.
		if (unlikely(pkt_ip4_is_fragment(d)))
			return to_host_or_drop(lc, m, DP_DROP_ip4_fragment);
		if (d[9] == IPPROTO_ESP)
			return dp_ipsec_in_tunnel(lc, m, (uint16_t)ihl);
		if (d[9] == IPPROTO_ICMP && len >= ihl + 8 && d[ihl] == 8 &&
		    icmp4_echo_reply(m) == 0) {
			md->flags |= DP_F_NO_TTL_DEC;
			return DP_NEXT;
		}
	} else {
		struct pkt_ip6_info info;
		if (pkt_ip6_parse(d, len, &info) != PKT_OK) {
			dp_drop(lc, m, DP_DROP_ip6_ext_bad);
			return DP_DONE;
		}
		// RFC 8200 4.4: an unrecognised routing type with segments left.
		if (info.srh_off != 0 && info.routing_type != 4 && d[info.srh_off + 3] != 0)
			return dp_icmp_error(lc, t, m, 4, 0, info.srh_off + 2u,
					     DP_DROP_routing_type_unknown);
		if (unlikely(info.ul_proto == IPPROTO_FRAGMENT))
			return to_host_or_drop(lc, m, DP_DROP_ip6_fragment);
		if (info.ul_proto == IPPROTO_ESP)
			return dp_ipsec_in_tunnel(lc, m, info.ul_off);
		if (info.ul_proto == IPPROTO_ICMP_V6 && info.ul_off < len) {
			uint8_t type = d[info.ul_off];
			if (type == 128 && icmp6_echo_reply(m) == 0) {
				md->flags |= DP_F_NO_TTL_DEC;
				return DP_NEXT;
			}
			if (type >= 133 && type <= 137) {
				dp_punt(lc, m, DP_PUNT_ND);
				return DP_DONE;
			}
			// While an OAM session is open: echo replies and the errors
			// that may quote one of its probes, stamped now.
			if (unlikely(__atomic_load_n(&dp_g.oam_on, __ATOMIC_RELAXED)) &&
			    (type == 129 || type == 1 || type == 3 || type == 4)) {
				md->tsc = rte_rdtsc();
				dp_punt(lc, m, DP_PUNT_OAM);
				return DP_DONE;
			}
		}
	}
	return to_host_or_drop(lc, m, DP_DROP_local_unhandled);
}

void
dp_local(struct dp_lcore *lc, const struct dp_tables *t, const struct dp_vec *in,
	 struct dp_vec *next)
{
	for (uint16_t i = 0; i < in->n; i++)
		if (local(lc, t, in->m[i]) == DP_NEXT)
			dp_vec_push(next, in->m[i]);
}
