// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Ports, mempools, lcore roles and counters. One RX queue per worker per port
// (up to the device's maximum; RSS spreads flows across them) and one TX queue
// per worker on every port, so no two threads ever share a queue.

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dp_ipsec.h"
#include "dp_priv.h"

RTE_LOG_REGISTER_SUFFIX(dp_logtype_port, port, NOTICE);
#define LOG(level, ...) rte_log(RTE_LOG_##level, dp_logtype_port, "port: " __VA_ARGS__)

#define NB_RXD 1024
#define NB_TXD 1024
#define MBUF_CACHE 256

struct dp_global dp_g;

static struct dp_counters *baseline;

static const char *const drop_names[] = {
#define X(name, descr) #name,
	DP_DROP_REASONS(X)
#undef X
};
static const char *const drop_descrs[] = {
#define X(name, descr) descr,
	DP_DROP_REASONS(X)
#undef X
};

const char *
dp_drop_name(enum dp_drop_reason r)
{
	return r < DP_DROP_MAX ? drop_names[r] : "?";
}

const char *
dp_drop_descr(enum dp_drop_reason r)
{
	return r < DP_DROP_MAX ? drop_descrs[r] : "?";
}

static struct rte_mempool *
pool_for_socket(int socket)
{
	unsigned int s = socket < 0 ? 0 : (unsigned int)socket;
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int n;

	if (s >= RTE_MAX_NUMA_NODES)
		s = 0;
	if (dp_g.pools[s] != NULL)
		return dp_g.pools[s];
	// Enough for every queue of up to 8 ports, the caches, the hold queues
	// and the rings, with headroom for bursts in flight.
	n = 8 * (NB_RXD + NB_TXD) * (dp_g.n_workers ? dp_g.n_workers : 1) +
	    (dp_g.n_workers + 1) * MBUF_CACHE + DP_PUNT_RING + 4096;
	snprintf(name, sizeof(name), "mbuf_s%u", s);
	dp_g.pools[s] = rte_pktmbuf_pool_create(
		name, n, MBUF_CACHE, RTE_ALIGN(sizeof(struct dp_meta), RTE_MBUF_PRIV_ALIGN),
		RTE_MBUF_DEFAULT_BUF_SIZE, (int)s);
	if (dp_g.pools[s] == NULL)
		dp_g.pools[s] = rte_pktmbuf_pool_create(
			name, n, MBUF_CACHE, RTE_ALIGN(sizeof(struct dp_meta), RTE_MBUF_PRIV_ALIGN),
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	return dp_g.pools[s];
}

int
dp_init(struct model *m, const struct dp_init_conf *conf)
{
	unsigned int lcore_id, idx = 0;
	size_t sz;

	(void)conf;
	dp_g.model = m;
	dp_g.tsc_hz = rte_get_tsc_hz();
	dp_g.idle_sleep_us = DP_IDLE_SLEEP_DEFAULT_US;
	RTE_LCORE_FOREACH_WORKER(lcore_id) {
		if (idx >= SRV6_MAX_WORKERS)
			break;
		struct dp_lcore *lc =
			rte_zmalloc_socket("dp_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE,
					   (int)rte_lcore_to_socket_id(lcore_id));
		if (lc == NULL)
			return -ENOMEM;
		lc->lcore_id = lcore_id;
		lc->idx = idx;
		dp_g.lcores[idx++] = lc;
	}
	dp_g.n_workers = idx;
	if (dp_g.n_workers == 0) {
		LOG(ERR, "no worker lcore: give EAL at least two lcores (-l 0,1)\n");
		return -EINVAL;
	}
	sz = rte_rcu_qsbr_get_memsize(dp_g.n_workers);
	dp_g.qsv = rte_zmalloc("dp_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (dp_g.qsv == NULL || rte_rcu_qsbr_init(dp_g.qsv, dp_g.n_workers) < 0)
		return -ENOMEM;
	dp_g.punt_ring =
		rte_ring_create("dp_punt", DP_PUNT_RING, (int)rte_socket_id(), RING_F_SC_DEQ);
	dp_g.ctl_pool = rte_pktmbuf_pool_create(
		"mbuf_ctl", 4096, 64, RTE_ALIGN(sizeof(struct dp_meta), RTE_MBUF_PRIV_ALIGN),
		RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	baseline = calloc(1, sizeof(*baseline));
	if (dp_g.punt_ring == NULL || dp_g.ctl_pool == NULL || baseline == NULL ||
	    pool_for_socket((int)rte_socket_id()) == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < dp_g.n_workers; i++) {
		char name[RTE_RING_NAMESIZE];
		snprintf(name, sizeof(name), "dp_cap%u", i);
		dp_g.lcores[i]->capture_ring = rte_ring_create(
			name, DP_CAPTURE_RING, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (dp_g.lcores[i]->capture_ring == NULL)
			return -ENOMEM;
	}
	if (dp_spread_init() < 0 || dp_oam_init() < 0)
		return -ENOMEM;
	return dp_tables_init();
}

int
dp_port_probe(const char *devargs, uint16_t *port_id, struct model_err *e)
{
	struct rte_dev_iterator it;
	uint16_t pid;
	int rc;

	// Already probed (PCI scan, or --vdev on the EAL command line)?
	RTE_ETH_FOREACH_MATCHING_DEV(pid, devargs, &it)
	{
		*port_id = pid;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	rc = rte_dev_probe(devargs);
	if (rc < 0)
		return model_err_set(e, rc, "device", "cannot probe \"%s\": %s", devargs,
				     rte_strerror(-rc));
	RTE_ETH_FOREACH_MATCHING_DEV(pid, devargs, &it)
	{
		*port_id = pid;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	// A virtual device probed by name: match the part before the first comma.
	char name[RTE_DEV_NAME_MAX_LEN];
	snprintf(name, sizeof(name), "%s", devargs);
	char *comma = strchr(name, ',');
	if (comma != NULL)
		*comma = '\0';
	if (rte_eth_dev_get_port_by_name(name, &pid) == 0) {
		*port_id = pid;
		return 0;
	}
	return model_err_set(e, -ENODEV, "device", "\"%s\" probed but is not an ethernet device",
			     devargs);
}

int
dp_port_configure(const struct model_port *p, struct model_err *e)
{
	uint16_t pid = p->port_id, nrxq, ntxq, nb_rxd = NB_RXD, nb_txd = NB_TXD;
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	struct rte_mempool *pool;
	int rc, socket;

	if (pid >= RTE_MAX_ETHPORTS || !rte_eth_dev_is_valid_port(pid))
		return model_err_set(e, -ENODEV, "device", "no such port");
	rc = rte_eth_dev_info_get(pid, &info);
	if (rc < 0)
		return model_err_set(e, rc, "device", "cannot read device info: %s",
				     rte_strerror(-rc));
	ntxq = (uint16_t)dp_g.n_workers;
	if (info.max_tx_queues < ntxq)
		return model_err_set(
			e, -ENOTSUP, "device",
			"device has %u TX queues, %u workers need one each (e.g. qpairs=%u "
			"for net_af_packet, or fewer lcores)",
			info.max_tx_queues, ntxq, ntxq);
	nrxq = (uint16_t)RTE_MIN(dp_g.n_workers, info.max_rx_queues);
	if (nrxq == 0)
		return model_err_set(e, -ENOTSUP, "device", "device has no RX queue");
	if (nrxq > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
		// Hash tunnelled packets by their inner header where the device
		// can; elsewhere dp_spread.c does it in software.
		if ((info.flow_type_rss_offloads & RTE_ETH_RSS_LEVEL_MASK) &
		    RTE_ETH_RSS_LEVEL_INNERMOST)
			conf.rx_adv_conf.rss_conf.rss_hf |= RTE_ETH_RSS_LEVEL_INNERMOST;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	rc = rte_eth_dev_configure(pid, nrxq, ntxq, &conf);
	if (rc < 0)
		return model_err_set(e, rc, "device", "configure failed: %s", rte_strerror(-rc));
	rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nb_rxd, &nb_txd);
	socket = rte_eth_dev_socket_id(pid);
	pool = pool_for_socket(socket);
	if (pool == NULL)
		return model_err_set(e, -ENOMEM, "device", "no mbuf pool: not enough memory");
	for (uint16_t q = 0; q < nrxq; q++) {
		rc = rte_eth_rx_queue_setup(pid, q, nb_rxd, (unsigned int)socket, NULL, pool);
		if (rc < 0)
			return model_err_set(e, rc, "device", "RX queue %u: %s", q,
					     rte_strerror(-rc));
	}
	for (uint16_t q = 0; q < ntxq; q++) {
		rc = rte_eth_tx_queue_setup(pid, q, nb_txd, (unsigned int)socket, NULL);
		if (rc < 0)
			return model_err_set(e, rc, "device", "TX queue %u: %s", q,
					     rte_strerror(-rc));
	}
	if (p->has_mac) {
		struct rte_ether_addr mac;
		memcpy(mac.addr_bytes, p->mac, 6);
		// Devices that cannot take a MAC (net_pcap) still get it: we build every
		// Ethernet header and filter on it in software.
		rc = rte_eth_dev_default_mac_addr_set(pid, &mac);
		if (rc < 0 && rc != -ENOTSUP)
			return model_err_set(e, rc, "mac", "cannot set the MAC: %s",
					     rte_strerror(-rc));
		if (rc < 0)
			rte_eth_promiscuous_enable(pid);
	}
	// An attachment circuit carries frames for every MAC behind it.
	if (p->l2vpn.on) {
		rc = rte_eth_promiscuous_enable(pid);
		if (rc < 0 && rc != -ENOTSUP)
			return model_err_set(e, rc, "l2vpn", "cannot make the port promiscuous: %s",
					     rte_strerror(-rc));
	}
	// Virtual devices may not take an MTU; ours is enforced in software anyway.
	rc = rte_eth_dev_set_mtu(pid, p->mtu ? p->mtu : 1500);
	if (rc < 0)
		LOG(NOTICE, "%s: device keeps its MTU (%s); %u enforced in software\n", p->name,
		    rte_strerror(-rc), p->mtu);
	if (dp_g.ctl_tx[pid] == NULL) {
		char name[RTE_RING_NAMESIZE];
		snprintf(name, sizeof(name), "dp_ctltx%u", pid);
		dp_g.ctl_tx[pid] = rte_ring_create(name, DP_CTL_TX_RING, socket,
						   RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (dp_g.ctl_tx[pid] == NULL)
			return model_err_set(e, -ENOMEM, "device",
					     "no memory for the control ring");
	}
	// Queue q of this port is polled by worker q.
	for (uint16_t q = 0; q < nrxq; q++) {
		struct dp_lcore *lc = dp_g.lcores[q];
		bool have = false;
		for (uint16_t i = 0; i < lc->n_rxq; i++)
			have |= lc->rxq[i].port == pid && lc->rxq[i].queue == q;
		if (!have && lc->n_rxq < DP_MAX_RXQ)
			lc->rxq[lc->n_rxq++] = (struct dp_rxq){pid, q};
	}
	dp_g.port_nrxq[pid] = nrxq;
	dp_g.port_configured[pid] = true;
	if (p->host_if[0] != '\0') {
		uint8_t mac[6];
		dp_port_mac(pid, mac);
		rc = dp_host_open(p, mac, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
dp_ports_start(void)
{
	uint16_t pid;
	int rc;

	RTE_ETH_FOREACH_DEV(pid) {
		if (!dp_g.port_configured[pid] || dp_g.port_started[pid])
			continue;
		rc = rte_eth_dev_start(pid);
		if (rc < 0) {
			LOG(ERR, "port %u: start failed: %s\n", pid, rte_strerror(-rc));
			return rc;
		}
		dp_g.port_started[pid] = true;
	}
	return 0;
}

void
dp_idle_sleep_set(uint32_t us)
{
	dp_g.idle_sleep_us = RTE_MIN(us, DP_IDLE_SLEEP_MAX_US);
}

uint32_t
dp_idle_sleep_get(void)
{
	return dp_g.idle_sleep_us;
}

int
dp_start(void)
{
	int rc = dp_ports_start();

	if (rc < 0)
		return rc;
	for (unsigned int i = 0; i < dp_g.n_workers; i++) {
		rc = rte_eal_remote_launch(dp_worker_main, dp_g.lcores[i],
					   dp_g.lcores[i]->lcore_id);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void
dp_stop(void)
{
	uint16_t pid;

	__atomic_store_n(&dp_g.stop, true, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
	dp_capture_fini();
	dp_host_fini();
	dp_ipsec_fini();
	RTE_ETH_FOREACH_DEV(pid) {
		if (dp_g.port_started[pid])
			rte_eth_dev_stop(pid);
		dp_g.port_started[pid] = false;
		rte_eth_dev_close(pid);
	}
}

int
dp_port_status(uint16_t port_id, struct dp_port_status *out)
{
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct rte_eth_stats st;
	struct rte_ether_addr mac;

	memset(out, 0, sizeof(*out));
	if (!rte_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	if (rte_eth_dev_info_get(port_id, &info) == 0)
		snprintf(out->driver, sizeof(out->driver), "%s", info.driver_name);
	if (rte_eth_link_get_nowait(port_id, &link) == 0) {
		out->link_up = link.link_status == RTE_ETH_LINK_UP;
		out->speed_mbps = link.link_speed;
	}
	if (rte_eth_macaddr_get(port_id, &mac) == 0)
		memcpy(out->mac, mac.addr_bytes, 6);
	int idx = model_port_by_id(dp_g.model, port_id);
	if (idx >= 0 && dp_g.model->ports[idx].has_mac)
		memcpy(out->mac, dp_g.model->ports[idx].mac, 6);
	out->n_rxq = dp_g.port_nrxq[port_id];
	out->n_txq = (uint16_t)dp_g.n_workers;
	if (rte_eth_stats_get(port_id, &st) == 0) {
		out->imissed = st.imissed;
		out->ierrors = st.ierrors;
		out->oerrors = st.oerrors;
		out->rx_nombuf = st.rx_nombuf;
	}
	out->has_host = dp_g.host_on[port_id] != 0;
	dp_host_counters(port_id, &out->host_to_kernel, &out->host_from_kernel, &out->host_errors);
	return 0;
}

unsigned int
dp_lcores(struct dp_lcore_info *out, unsigned int max)
{
	unsigned int n = 0, lcore_id;

	RTE_LCORE_FOREACH(lcore_id) {
		if (n >= max)
			break;
		out[n].lcore_id = lcore_id;
		out[n].socket_id = rte_lcore_to_socket_id(lcore_id);
		out[n].worker = lcore_id != rte_get_main_lcore();
		n++;
	}
	return n;
}

// Relaxed reads of counters written by a single worker each.
#define RD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static uint64_t
tsc_to_us(uint64_t tsc)
{
	uint64_t hz = dp_g.tsc_hz ? dp_g.tsc_hz : 1;

	// Split so that tsc * 1e6 cannot overflow.
	return tsc / hz * 1000000u + tsc % hz * 1000000u / hz;
}

static void
counters_raw(struct dp_counters *c)
{
	const struct model *m = dp_g.model;

	memset(c, 0, sizeof(*c));
	c->n_lcores = dp_g.n_workers;
	for (unsigned int w = 0; w < dp_g.n_workers; w++) {
		const struct dp_lcore *lc = dp_g.lcores[w];
		const struct dp_lcore_stats *s = &lc->stats;
		struct dp_lcore_counters *lcc = &c->lcores[w];
		lcc->lcore_id = lc->lcore_id;
		lcc->n_rxq = lc->n_rxq;
		lcc->bursts = RD(s->bursts);
		lcc->idle_sleeps = RD(s->idle_sleeps);
		lcc->idle_sleep_us = tsc_to_us(RD(s->idle_tsc));
		lcc->handed_off = RD(s->handed_off);
		lcc->handed_in = RD(s->handed_in);
		lcc->busy_us = tsc_to_us(RD(s->busy_tsc));
		lcc->spread_buckets = dp_spread_buckets(w);
		for (uint16_t i = 0; i < MODEL_MAX_PORTS; i++) {
			if (!m->ports[i].used)
				continue;
			uint16_t pid = m->ports[i].port_id;
			c->ports[i].rx_packets += RD(s->rx_packets[pid]);
			c->ports[i].rx_bytes += RD(s->rx_bytes[pid]);
			c->ports[i].tx_packets += RD(s->tx_packets[pid]);
			c->ports[i].tx_bytes += RD(s->tx_bytes[pid]);
			c->ports[i].drops += RD(s->port_drops[pid]);
			lcc->rx_packets += RD(s->rx_packets[pid]);
			lcc->tx_packets += RD(s->tx_packets[pid]);
			lcc->drops += RD(s->port_drops[pid]);
		}
		for (unsigned int r = 0; r < DP_DROP_MAX; r++)
			c->drops[r] += RD(s->drops[r]);
		for (unsigned int i = 0; i < SRV6_MAX_SIDS; i++) {
			c->sid_packets[i] += RD(s->sid_packets[i]);
			c->sid_bytes[i] += RD(s->sid_bytes[i]);
			c->sid_oam[i] += RD(s->sid_oam[i]);
		}
	}
	for (unsigned int r = 0; r < DP_DROP_MAX; r++)
		c->drops[r] += dp_g.ctl_drops[r];
}

#define SUB(field) out->field = out->field >= baseline->field ? out->field - baseline->field : 0

int
dp_counters_read(struct dp_counters *out)
{
	counters_raw(out);
	for (unsigned int i = 0; i < MODEL_MAX_PORTS; i++) {
		SUB(ports[i].rx_packets);
		SUB(ports[i].rx_bytes);
		SUB(ports[i].tx_packets);
		SUB(ports[i].tx_bytes);
		SUB(ports[i].drops);
	}
	for (unsigned int r = 0; r < DP_DROP_MAX; r++)
		SUB(drops[r]);
	for (unsigned int w = 0; w < out->n_lcores; w++) {
		SUB(lcores[w].rx_packets);
		SUB(lcores[w].tx_packets);
		SUB(lcores[w].drops);
		SUB(lcores[w].bursts);
		SUB(lcores[w].idle_sleeps);
		SUB(lcores[w].idle_sleep_us);
		SUB(lcores[w].handed_off);
		SUB(lcores[w].handed_in);
		SUB(lcores[w].busy_us);
	}
	for (unsigned int i = 0; i < SRV6_MAX_SIDS; i++) {
		SUB(sid_packets[i]);
		SUB(sid_bytes[i]);
		SUB(sid_oam[i]);
	}
	return 0;
}

void
dp_counters_reset(int port_idx, int sid_counter, int lcore)
{
	struct dp_counters *now = malloc(sizeof(*now));

	if (now == NULL)
		return;
	counters_raw(now);
	if (port_idx < 0 && sid_counter < 0 && lcore < 0) {
		*baseline = *now;
	} else {
		if (port_idx >= 0 && port_idx < MODEL_MAX_PORTS)
			baseline->ports[port_idx] = now->ports[port_idx];
		if (sid_counter >= 0 && sid_counter < SRV6_MAX_SIDS) {
			baseline->sid_packets[sid_counter] = now->sid_packets[sid_counter];
			baseline->sid_bytes[sid_counter] = now->sid_bytes[sid_counter];
			baseline->sid_oam[sid_counter] = now->sid_oam[sid_counter];
		}
		for (unsigned int w = 0; w < now->n_lcores; w++)
			if (lcore >= 0 && now->lcores[w].lcore_id == (unsigned int)lcore)
				baseline->lcores[w] = now->lcores[w];
	}
	free(now);
}
