// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The control thread's half of the datapath: packets punted by workers (ARP,
// neighbour discovery, packets waiting for a next hop's MAC), the neighbour
// state machine (RFC 4861 7.3 states, simplified: INCOMPLETE -> REACHABLE ->
// PROBE -> FAILED, three probes a second apart) and frames we originate.
// Nothing here runs on a worker; frames go out through the per-port control
// ring that worker 0 drains onto its own TX queue.

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "dp_priv.h"
#include "neigh_pkt.h"

RTE_LOG_REGISTER_SUFFIX(dp_logtype_neigh, neigh, NOTICE);
#define LOG(level, ...) rte_log(RTE_LOG_##level, dp_logtype_neigh, "neigh: " __VA_ARGS__)

#define NEIGH_PROBE_MS 1000
#define NEIGH_PROBES 3
#define NEIGH_REACHABLE_MS 30000
#define NEIGH_FAILED_KEEP_MS 10000
#define NEIGH_SCAN_MS 100

static uint64_t last_scan_ms;
static uint64_t now_ms_cached;

void
dp_ctl_send(uint16_t port_id, struct rte_mbuf *m)
{
	if (port_id >= RTE_MAX_ETHPORTS || dp_g.ctl_tx[port_id] == NULL ||
	    rte_ring_sp_enqueue(dp_g.ctl_tx[port_id], m) != 0) {
		dp_g.ctl_drops[DP_DROP_ctl_ring_full]++;
		rte_pktmbuf_free(m);
	}
}

static void
send_frame(uint16_t port_id, const uint8_t *frame, int len)
{
	struct rte_mbuf *m;
	char *p;

	if (len <= 0)
		return;
	m = rte_pktmbuf_alloc(dp_g.ctl_pool);
	if (m == NULL)
		return;
	p = rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(p, frame, (size_t)len);
	dp_ctl_send(port_id, m);
}

void
dp_port_mac(uint16_t port_id, uint8_t mac[6])
{
	struct rte_ether_addr a;
	int idx = model_port_by_id(dp_g.model, port_id);

	if (idx >= 0 && dp_g.model->ports[idx].has_mac) {
		memcpy(mac, dp_g.model->ports[idx].mac, 6);
		return;
	}
	rte_eth_macaddr_get(port_id, &a);
	memcpy(mac, a.addr_bytes, 6);
}

// Our link-local address (EUI-64 from the MAC, RFC 4291 2.5.1), answered for ND.
static void
link_local(const uint8_t mac[6], uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = mac[0] ^ 0x02;
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

static bool
port_owns(const struct model_port *p, int family, const uint8_t *addr)
{
	for (unsigned int i = 0; i < p->n_addrs; i++)
		if (p->addrs[i].addr.family == family &&
		    memcmp(p->addrs[i].addr.bytes, addr, family == AF_INET ? 4 : 16) == 0)
			return true;
	if (family == AF_INET6) {
		uint8_t mac[6], ll[16];
		dp_port_mac(p->port_id, mac);
		link_local(mac, ll);
		return memcmp(ll, addr, 16) == 0;
	}
	return false;
}

// Source address for a probe: the port's address on the target's subnet, else
// its first address of that family.
static const uint8_t *
probe_source(const struct model_port *p, const struct ip_addr *target)
{
	const uint8_t *first = NULL;

	for (unsigned int i = 0; i < p->n_addrs; i++) {
		const struct ip_prefix *a = &p->addrs[i];
		if (a->addr.family != target->family)
			continue;
		struct ip_prefix sn = *a;
		prefix_mask(&sn);
		if (prefix_contains(&sn, target))
			return a->addr.bytes;
		if (first == NULL)
			first = a->addr.bytes;
	}
	return first;
}

static void
probe(const struct model_neigh *n, bool unicast)
{
	const struct model_port *p = &dp_g.model->ports[n->port];
	const uint8_t *src = probe_source(p, &n->addr);
	uint8_t frame[128], mac[6], ll[16];
	int len;

	dp_port_mac(p->port_id, mac);
	if (n->addr.family == AF_INET) {
		if (src == NULL)
			return;
		len = arp_build(frame, sizeof(frame), 1, mac, src,
				unicast && n->has_mac ? n->mac : NULL, n->addr.bytes);
	} else {
		if (src == NULL) {
			link_local(mac, ll);
			src = ll;
		}
		len = nd_build_ns(frame, sizeof(frame), mac, src, n->addr.bytes,
				  unicast && n->has_mac ? n->addr.bytes : NULL,
				  unicast && n->has_mac ? n->mac : NULL);
	}
	send_frame(p->port_id, frame, len);
}

// --- hold queues -----------------------------------------------------------------

void
dp_neigh_hold_flush(uint32_t slot)
{
	struct dp_neigh_slot *s = &dp_g.neigh_slots[slot];
	uint64_t w = __atomic_load_n(&dp_g.neigh_mac[slot], __ATOMIC_RELAXED);
	struct rte_ether_addr src;

	if (!(w & DP_NEIGH_VALID))
		return;
	dp_port_mac(s->port, src.addr_bytes);
	for (uint16_t i = 0; i < s->hold.n; i++) {
		struct rte_mbuf *m = s->hold.pkts[i];
		struct rte_ether_hdr *eh =
			(struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));
		if (eh == NULL) {
			dp_g.ctl_drops[DP_DROP_no_headroom]++;
			rte_pktmbuf_free(m);
			continue;
		}
		memcpy(&eh->dst_addr, &w, RTE_ETHER_ADDR_LEN);
		rte_ether_addr_copy(&src, &eh->src_addr);
		eh->ether_type = rte_cpu_to_be_16(dp_meta(m)->family == 4 ? RTE_ETHER_TYPE_IPV4
									  : RTE_ETHER_TYPE_IPV6);
		dp_ctl_send(s->port, m);
	}
	s->hold.n = 0;
}

void
dp_neigh_hold_drop(uint32_t slot, enum dp_drop_reason r)
{
	struct dp_neigh_slot *s = &dp_g.neigh_slots[slot];

	for (uint16_t i = 0; i < s->hold.n; i++) {
		dp_g.ctl_drops[r]++;
		rte_pktmbuf_free(s->hold.pkts[i]);
	}
	s->hold.n = 0;
}

static void
hold(uint32_t slot, struct rte_mbuf *m)
{
	struct dp_neigh_slot *s = &dp_g.neigh_slots[slot];

	if (slot == 0 || !s->used || s->hold.n >= DP_HOLD_MAX) {
		dp_g.ctl_drops[DP_DROP_neigh_hold_full]++;
		rte_pktmbuf_free(m);
		return;
	}
	s->hold.pkts[s->hold.n++] = m;
}

// --- learning ----------------------------------------------------------------------

// Record what the wire told us in a one-change transaction; the commit
// writes the slot's MAC and flushes its held packets.
static struct model_neigh *
learn(uint16_t model_port, const struct ip_addr *a, const uint8_t *mac, enum model_neigh_state st)
{
	struct model *m = dp_g.model;
	struct model_neigh *n = model_neigh_find(m, model_port, a);
	struct model_txn *t;
	struct model_err e;

	if (n != NULL &&
	    (n->is_static || (mac != NULL && n->has_mac && memcmp(n->mac, mac, 6) == 0 &&
			      n->state != NEIGH_INCOMPLETE && n->state != NEIGH_FAILED))) {
		// Nothing the datapath sees changes: refresh in place.
		if (!n->is_static) {
			n->state = st;
			n->updated_ms = now_ms_cached;
			n->probes = 0;
		}
		return n;
	}
	if (n != NULL && mac == NULL)
		return n;
	t = model_txn_begin(m);
	if (t == NULL)
		return NULL;
	if (model_neigh_learn(t, model_port, a, mac, st, now_ms_cached, &n) < 0 ||
	    dp_commit(t, &e) < 0) {
		model_txn_abort(t);
		return NULL;
	}
	model_txn_end(t);
	return model_neigh_find(m, model_port, a);
}

static void
forget(struct model_neigh *n)
{
	struct model_txn *t = model_txn_begin(dp_g.model);
	struct model_err e;

	if (t == NULL)
		return;
	if (model_neigh_forget(t, n) < 0 || dp_commit(t, &e) < 0) {
		model_txn_abort(t);
		return;
	}
	model_txn_end(t);
}

static void
set_state(struct model_neigh *n, enum model_neigh_state st)
{
	if (st == NEIGH_FAILED) {
		// The MAC must stop being used: that is a datapath change.
		struct model_txn *t = model_txn_begin(dp_g.model);
		struct model_err e;
		if (t == NULL)
			return;
		struct ip_addr a = n->addr;
		uint16_t port = n->port;
		if (model_neigh_learn(t, port, &a, NULL, NEIGH_FAILED, now_ms_cached, NULL) < 0 ||
		    dp_commit(t, &e) < 0) {
			model_txn_abort(t);
			return;
		}
		model_txn_end(t);
		return;
	}
	n->state = st;
	n->updated_ms = now_ms_cached;
	n->probes = 0;
}

// --- punted packets ---------------------------------------------------------------

static void
handle_arp(struct rte_mbuf *m)
{
	struct model *mo = dp_g.model;
	struct dp_meta *md = dp_meta(m);
	int idx = model_port_by_id(mo, md->rx_port);
	struct arp_info a;
	uint8_t frame[64], mac[6];

	if (idx < 0 || arp_parse(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, &a) < 0)
		goto out;
	const struct model_port *p = &mo->ports[idx];
	bool ours = port_owns(p, AF_INET, a.tpa);
	struct ip_addr sender = {.family = AF_INET};
	memcpy(sender.bytes, a.spa, 4);
	bool known = model_neigh_find(mo, (uint16_t)idx, &sender) != NULL;

	// RFC 826: merge the sender when we know it or the packet is for us.
	if ((ours || known) && sender.bytes[0] != 0 && !(a.sha[0] & 1))
		learn((uint16_t)idx, &sender, a.sha, NEIGH_REACHABLE);
	if (ours && a.op == 1) {
		dp_port_mac(p->port_id, mac);
		send_frame(p->port_id, frame,
			   arp_build(frame, sizeof(frame), 2, mac, a.tpa, a.sha, a.spa));
	}
out:
	rte_pktmbuf_free(m);
}

static void
handle_nd(struct rte_mbuf *m)
{
	struct model *mo = dp_g.model;
	struct dp_meta *md = dp_meta(m);
	int idx = model_port_by_id(mo, md->rx_port);
	const uint8_t *ip6 = rte_pktmbuf_mtod(m, const uint8_t *);
	struct nd_info nd;
	uint8_t frame[128], mac[6];

	if (idx < 0 || nd_parse(ip6, m->data_len, &nd) < 0)
		goto out;
	const struct model_port *p = &mo->ports[idx];
	struct ip_addr src = {.family = AF_INET6};
	memcpy(src.bytes, ip6 + 8, 16);
	bool src_unspec = memcmp(src.bytes, (uint8_t[16]){0}, 16) == 0;

	if (nd.type == ND_NS) {
		if (!port_owns(p, AF_INET6, nd.target))
			goto out;
		// RFC 4861 7.2.3: an NS with a source link-layer option creates or
		// updates the sender's entry.
		if (!src_unspec && nd.has_lladdr)
			learn((uint16_t)idx, &src, nd.lladdr, NEIGH_STALE);
		dp_port_mac(p->port_id, mac);
		if (src_unspec) {
			// DAD probe: answer to all-nodes, not solicited (RFC 4861 7.2.4).
			static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};
			static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
			send_frame(p->port_id, frame,
				   nd_build_na(frame, sizeof(frame), mac, nd.target, all_nodes_mac,
					       all_nodes, nd.target, false, true));
		} else {
			const uint8_t *dst_mac = nd.has_lladdr ? nd.lladdr : NULL;
			uint8_t eth_src[6];
			if (dst_mac == NULL) {
				// No option: answer the frame's source MAC (still in headroom).
				memcpy(eth_src, ip6 - RTE_ETHER_HDR_LEN + RTE_ETHER_ADDR_LEN, 6);
				dst_mac = eth_src;
			}
			send_frame(p->port_id, frame,
				   nd_build_na(frame, sizeof(frame), mac, nd.target, dst_mac,
					       src.bytes, nd.target, true, true));
		}
	} else if (nd.type == ND_NA) {
		struct ip_addr target = {.family = AF_INET6};
		memcpy(target.bytes, nd.target, 16);
		struct model_neigh *n = model_neigh_find(mo, (uint16_t)idx, &target);
		const uint8_t *lladdr = nd.has_lladdr ? nd.lladdr : NULL;
		if (n == NULL)
			goto out; // unsolicited for an unknown host: RFC 4861 7.2.5 ignores it
		if (lladdr == NULL && n->has_mac)
			lladdr = n->mac;
		if (lladdr != NULL)
			learn((uint16_t)idx, &target, lladdr,
			      nd.solicited ? NEIGH_REACHABLE : NEIGH_STALE);
	}
out:
	rte_pktmbuf_free(m);
}

static void
handle_hold(struct rte_mbuf *m)
{
	struct dp_meta *md = dp_meta(m);
	uint32_t slot = md->neigh;
	struct dp_neigh_slot *s = &dp_g.neigh_slots[slot];
	struct model_neigh *n;

	if (slot == 0 || slot >= DP_MAX_NEIGH || !s->used) {
		dp_g.ctl_drops[DP_DROP_neigh_hold_full]++;
		rte_pktmbuf_free(m);
		return;
	}
	hold(slot, m);
	n = model_neigh_find(dp_g.model, s->model_port, &s->addr);
	if (n == NULL) {
		n = learn(s->model_port, &s->addr, NULL, NEIGH_INCOMPLETE);
		if (n != NULL) {
			n->probes = 1;
			probe(n, false);
		}
	} else if (n->state == NEIGH_FAILED) {
		// A new packet after a failure restarts resolution.
		n->state = NEIGH_INCOMPLETE;
		n->updated_ms = now_ms_cached;
		n->probes = 1;
		probe(n, false);
	}
	// The MAC may have been published after the worker looked.
	dp_neigh_hold_flush(slot);
}

static void
handle_resolve(struct rte_mbuf *m)
{
	struct model *mo = dp_g.model;
	struct dp_meta *md = dp_meta(m);
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	int idx = model_port_by_id(mo, md->tx_port);
	struct ip_addr dst = {.family = md->family == 4 ? AF_INET : AF_INET6};
	struct model_neigh *n;
	uint32_t slot;

	if (idx < 0) {
		dp_g.ctl_drops[DP_DROP_port_down]++;
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(dst.bytes, md->family == 4 ? d + 16 : d + 24, md->family == 4 ? 4 : 16);
	n = model_neigh_find(mo, (uint16_t)idx, &dst);
	if (n == NULL) {
		// The commit installs a host route whose slot holds the MAC later.
		n = learn((uint16_t)idx, &dst, NULL, NEIGH_INCOMPLETE);
		if (n == NULL) {
			dp_g.ctl_drops[DP_DROP_neigh_hold_full]++;
			rte_pktmbuf_free(m);
			return;
		}
		n->probes = 1;
		probe(n, false);
	}
	slot = dp_neigh_slot_find(md->tx_port, &dst);
	if (slot == 0) {
		dp_g.ctl_drops[DP_DROP_neigh_hold_full]++;
		rte_pktmbuf_free(m);
		return;
	}
	hold(slot, m);
	dp_neigh_hold_flush(slot);
}

// --- timers --------------------------------------------------------------------------

static void
neigh_timers(void)
{
	const struct model_neigh **v;
	struct {
		uint16_t port;
		struct ip_addr addr;
	} * keys;
	size_t n;

	if (model_neighs_list(dp_g.model, &v, &n) < 0)
		return;
	// learn()/forget() replace model objects: walk copied keys, not pointers.
	keys = malloc(sizeof(*keys) * (n ? n : 1));
	if (keys == NULL) {
		free(v);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		keys[i].port = v[i]->port;
		keys[i].addr = v[i]->addr;
	}
	free(v);
	for (size_t i = 0; i < n; i++) {
		struct model_neigh *ne = model_neigh_find(dp_g.model, keys[i].port, &keys[i].addr);
		if (ne == NULL || ne->is_static)
			continue;
		uint64_t age = now_ms_cached - ne->updated_ms;
		switch (ne->state) {
		case NEIGH_INCOMPLETE:
		case NEIGH_PROBE:
			if (age < (uint64_t)NEIGH_PROBE_MS * (ne->probes ? ne->probes : 1))
				break;
			if (ne->probes >= NEIGH_PROBES) {
				set_state(ne, NEIGH_FAILED);
				break;
			}
			ne->probes++;
			probe(ne, ne->state == NEIGH_PROBE);
			break;
		case NEIGH_REACHABLE:
		case NEIGH_STALE:
			if (age >= NEIGH_REACHABLE_MS) {
				set_state(ne, NEIGH_PROBE);
				ne->probes = 1;
				probe(ne, true);
			}
			break;
		case NEIGH_FAILED:
			if (age >= NEIGH_FAILED_KEEP_MS)
				forget(ne);
			break;
		case NEIGH_PERMANENT:
			break;
		}
	}
	free(keys);
}

int
dp_l2_macs(uint16_t port_id,
	   void (*fn)(void *arg, const uint8_t mac[6], uint16_t where, uint32_t age), void *arg)
{
	if (port_id >= RTE_MAX_ETHPORTS || dp_g.l2_tables[port_id] == NULL)
		return -ENOENT;
	dp_l2_walk(dp_g.l2_tables[port_id], dp_g.l2_now_s, fn, arg);
	return 0;
}

// l2vpn bridges: learnt MACs not seen for the port's mac_age_s go.
static void
l2_age(void)
{
	const struct model *m = dp_g.model;

	for (int i = 0; i < MODEL_MAX_PORTS; i++) {
		const struct model_port *p = &m->ports[i];
		if (!p->used || !p->l2vpn.on || p->l2vpn.n_peers == 0 ||
		    p->port_id >= RTE_MAX_ETHPORTS || dp_g.l2_tables[p->port_id] == NULL)
			continue;
		dp_l2_age(dp_g.l2_tables[p->port_id], dp_g.l2_now_s, p->l2vpn.mac_age_s);
	}
}

void
dp_ctl_poll(uint64_t now_ms)
{
	static uint64_t last_l2_age_ms;
	struct rte_mbuf *pkts[64];
	unsigned int n;

	now_ms_cached = now_ms;
	while ((n = rte_ring_sc_dequeue_burst(dp_g.punt_ring, (void **)pkts, RTE_DIM(pkts), NULL)) >
	       0) {
		for (unsigned int i = 0; i < n; i++) {
			struct dp_meta *md = dp_meta(pkts[i]);
			switch (md->punt) {
			case DP_PUNT_ARP:
				// The kernel resolves its own neighbours: a copy for it.
				if (dp_g.host_on[md->rx_port])
					dp_host_deliver(md->rx_port, pkts[i], RTE_ETHER_TYPE_ARP);
				handle_arp(pkts[i]);
				break;
			case DP_PUNT_ND:
				if (dp_g.host_on[md->rx_port])
					dp_host_deliver(md->rx_port, pkts[i], RTE_ETHER_TYPE_IPV6);
				handle_nd(pkts[i]);
				break;
			case DP_PUNT_HOST:
				dp_host_deliver(md->rx_port, pkts[i],
						md->family == 4 ? RTE_ETHER_TYPE_IPV4
								: RTE_ETHER_TYPE_IPV6);
				rte_pktmbuf_free(pkts[i]);
				break;
			case DP_PUNT_OAM:
				dp_oam_input(pkts[i]);
				rte_pktmbuf_free(pkts[i]);
				break;
			case DP_PUNT_HOLD:
				handle_hold(pkts[i]);
				break;
			case DP_PUNT_RESOLVE:
				handle_resolve(pkts[i]);
				break;
			default:
				rte_pktmbuf_free(pkts[i]);
				break;
			}
		}
	}
	if (now_ms - last_scan_ms >= NEIGH_SCAN_MS) {
		last_scan_ms = now_ms;
		neigh_timers();
	}
	dp_g.l2_now_s = (uint32_t)(now_ms / 1000);
	if (now_ms - last_l2_age_ms >= 1000) {
		last_l2_age_ms = now_ms;
		l2_age();
	}
	dp_oam_poll(now_ms);
	dp_host_poll();
	dp_capture_poll();
	dp_spread_poll(now_ms);
}
