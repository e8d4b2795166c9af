// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Spreading tunnelled traffic over workers (the plan is lib/spread).
//
// Worker side, before classify: a worker whose bucket table hands some
// buckets off hashes each tunnelled packet it receives (pkt_tunnel_hash: the
// outer flow label, else the inner flow), counts it in its bucket and, when
// the bucket belongs to another worker, buffers it for that worker's ring
// (one SP/SC ring per ordered pair of workers, so no ring is shared by two
// writers). After polling its RX queues it flushes those buffers and takes
// one burst from each ring to it, which run through the same stages as its
// own packets. A worker whose table is all at home only samples one burst in
// DP_SPREAD_SAMPLE for the bucket counters: where RSS already spreads the
// load, spreading costs a counter and a branch per burst.
//
// Control side, every DP_SPREAD_PERIOD_MS: busy time, packets and bucket
// counts per worker since the last period go to the controller of
// lib/spread (trials of bucket moves, kept only when they raise the
// capacity), and each table entry it changes is one relaxed byte store.

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "dp_stage.h"
#include "pkt.h"
#include "spread.h"

#define DP_SPREAD_SAMPLE 64 // bursts per sampled burst while nothing is handed off
#define DP_SPREAD_PERIOD_MS 100
#define DP_HANDOFF_RING 1024

RTE_LOG_REGISTER_SUFFIX(dp_logtype_spread, spread, NOTICE);
#define LOG(level, ...) rte_log(RTE_LOG_##level, dp_logtype_spread, "spread: " __VA_ARGS__)

// Control-thread state (ctl: rw only).
static struct {
	uint8_t (*reta)[SPREAD_BUCKETS]; // the plan's copy of every table
	uint64_t (*last_buckets)[SPREAD_BUCKETS];
	uint64_t last_busy[SRV6_MAX_WORKERS];
	uint64_t last_processed[SRV6_MAX_WORKERS];
	uint64_t last_tsc, last_ms;
	struct spread_ctl plan;	  // trials, judged by capacity (lib/spread)
	enum dp_spread_mode mode; // the operator's setting: datapath.spread
} ctl = {.mode = DP_SPREAD_INNER};

static void
publish(unsigned int rx_worker)
{
	struct dp_lcore *lc = dp_g.lcores[rx_worker];
	uint16_t away = 0;

	for (unsigned int b = 0; b < SPREAD_BUCKETS; b++) {
		__atomic_store_n(&lc->reta[b], ctl.reta[rx_worker][b], __ATOMIC_RELAXED);
		away += ctl.reta[rx_worker][b] != rx_worker;
	}
	__atomic_store_n(&lc->reta_away, away, __ATOMIC_RELAXED);
}

int
dp_spread_init(void)
{
	unsigned int n = dp_g.n_workers;

	if (n < 2)
		return 0;
	RTE_BUILD_BUG_ON(SRV6_MAX_WORKERS > SPREAD_MAX_WORKERS);
	spread_ctl_init(&ctl.plan);
	ctl.reta = calloc(n, sizeof(*ctl.reta));
	ctl.last_buckets = calloc(n, sizeof(*ctl.last_buckets));
	if (ctl.reta == NULL || ctl.last_buckets == NULL)
		return -ENOMEM;
	if (ctl.mode == DP_SPREAD_EVEN)
		spread_reta_even(ctl.reta, n);
	else
		spread_reta_home(ctl.reta, n);
	for (unsigned int from = 0; from < n; from++) {
		for (unsigned int to = 0; to < n; to++) {
			char name[RTE_RING_NAMESIZE];
			if (from == to)
				continue;
			snprintf(name, sizeof(name), "dp_ho%u_%u", from, to);
			dp_g.lcores[to]->handoff_in[from] = rte_ring_create(
				name, DP_HANDOFF_RING,
				(int)rte_lcore_to_socket_id(dp_g.lcores[to]->lcore_id),
				RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (dp_g.lcores[to]->handoff_in[from] == NULL)
				return -ENOMEM;
		}
	}
	for (unsigned int w = 0; w < n; w++)
		publish(w);
	dp_g.spread_on = ctl.mode != DP_SPREAD_OFF;
	return 0;
}

// --- worker side ------------------------------------------------------------------------

static inline bool
tunnel_hash(const struct rte_mbuf *m, uint32_t *hash)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t et, l2;

	if (pkt_eth_parse(d, m->data_len, &et, &l2) != PKT_OK || et != RTE_ETHER_TYPE_IPV6)
		return false;
	return pkt_tunnel_hash(d + l2, (size_t)(m->data_len - l2), hash);
}

uint16_t
dp_spread_rx(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	bool away = __atomic_load_n(&lc->reta_away, __ATOMIC_RELAXED) != 0;
	uint64_t weight = 1;
	uint16_t kept = 0;
	uint32_t h;

	if (!away) {
		if (likely(++lc->spread_round % DP_SPREAD_SAMPLE != 0))
			return n;
		weight = DP_SPREAD_SAMPLE;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		if (tunnel_hash(m, &h)) {
			uint8_t b = (uint8_t)h;
			lc->stats.bucket_pkts[b] += weight;
			uint8_t w = __atomic_load_n(&lc->reta[b], __ATOMIC_RELAXED);
			if (away && w != lc->idx) {
				struct dp_txbuf *buf = &lc->handoff_out[w];
				buf->pkts[buf->n++] = m;
				if (unlikely(buf->n == DP_BURST))
					dp_spread_flush_one(lc, w);
				continue;
			}
		}
		pkts[kept++] = m;
	}
	return kept;
}

void
dp_spread_flush_one(struct dp_lcore *lc, unsigned int to)
{
	struct dp_txbuf *buf = &lc->handoff_out[to];
	struct rte_ring *r = dp_g.lcores[to]->handoff_in[lc->idx];
	unsigned int sent = rte_ring_sp_enqueue_burst(r, (void **)buf->pkts, buf->n, NULL);

	lc->stats.handed_off += sent;
	// The other worker is behind: these packets are lost to overload, as
	// they would be at a full RX ring. Counted on the port they came in on.
	for (unsigned int i = sent; i < buf->n; i++) {
		struct rte_mbuf *m = buf->pkts[i];
		dp_meta(m)->rx_port = m->port;
		lc->stats.rx_packets[m->port]++;
		lc->stats.rx_bytes[m->port] += m->pkt_len;
		dp_drop(lc, m, DP_DROP_handoff_full);
	}
	buf->n = 0;
}

void
dp_spread_flush(struct dp_lcore *lc)
{
	for (unsigned int w = 0; w < dp_g.n_workers; w++)
		if (lc->handoff_out[w].n != 0)
			dp_spread_flush_one(lc, w);
}

uint16_t
dp_spread_take(struct dp_lcore *lc, unsigned int from, struct rte_mbuf **pkts)
{
	unsigned int n =
		rte_ring_sc_dequeue_burst(lc->handoff_in[from], (void **)pkts, DP_BURST, NULL);

	// Every line of these packets was last written on another core: ask
	// for all of them at once, so the transfers overlap instead of each
	// stalling a stage in turn. The mbufs first (the data address is in
	// them), then the metadata this worker writes and the headers.
	for (unsigned int i = 0; i < n; i++)
		rte_prefetch0_write(pkts[i]);
	for (unsigned int i = 0; i < n; i++) {
		rte_prefetch0_write(dp_meta(pkts[i]));
		rte_prefetch0_write(rte_pktmbuf_mtod(pkts[i], void *));
	}
	lc->stats.handed_in += n;
	return (uint16_t)n;
}

// --- control side -----------------------------------------------------------------------

static uint64_t
processed_of(const struct dp_lcore *lc)
{
	uint64_t n = 0;

	for (unsigned int p = 0; p < RTE_MAX_ETHPORTS; p++)
		n += __atomic_load_n(&lc->stats.rx_packets[p], __ATOMIC_RELAXED);
	return n;
}

void
dp_spread_poll(uint64_t now_ms)
{
	static uint64_t buckets_now[SPREAD_MAX_WORKERS][SPREAD_BUCKETS];
	struct spread_period p = {.n_workers = dp_g.n_workers};
	unsigned int n = dp_g.n_workers, n_changed;
	uint64_t tsc = rte_rdtsc(), elapsed;

	if (n < 2 || ctl.reta == NULL || now_ms - ctl.last_ms < DP_SPREAD_PERIOD_MS)
		return;
	elapsed = tsc - ctl.last_tsc;
	ctl.last_ms = now_ms;
	ctl.last_tsc = tsc;
	for (unsigned int w = 0; w < n; w++) {
		const struct dp_lcore *lc = dp_g.lcores[w];
		uint64_t busy = __atomic_load_n(&lc->stats.busy_tsc, __ATOMIC_RELAXED);
		uint64_t processed = processed_of(lc);
		p.busy[w] = elapsed ? (double)(busy - ctl.last_busy[w]) / (double)elapsed : 0;
		p.processed[w] = processed - ctl.last_processed[w];
		ctl.last_busy[w] = busy;
		ctl.last_processed[w] = processed;
		for (unsigned int b = 0; b < SPREAD_BUCKETS; b++) {
			uint64_t k = __atomic_load_n(&lc->stats.bucket_pkts[b], __ATOMIC_RELAXED);
			buckets_now[w][b] = k - ctl.last_buckets[w][b];
			ctl.last_buckets[w][b] = k;
		}
	}
	if (!dp_g.spread_on)
		return;
	p.bucket_pkts = (const uint64_t(*)[SPREAD_BUCKETS])buckets_now;
	uint64_t kept = ctl.plan.kept, undone = ctl.plan.undone;
	bool changed[SPREAD_MAX_WORKERS];
	n_changed = spread_ctl_period(&ctl.plan, ctl.reta, &p,
				      (double)elapsed / (double)(dp_g.tsc_hz ? dp_g.tsc_hz : 1),
				      changed);
	for (unsigned int w = 0; w < n; w++)
		if (changed[w])
			publish(w);
	if (ctl.plan.kept != kept)
		LOG(INFO, "trial kept: its bucket moves raised the capacity estimate\n");
	if (ctl.plan.undone != undone)
		LOG(INFO,
		    "trial undone (%u entries): spreading did not raise the capacity; next "
		    "trial in %u ms\n",
		    n_changed, ctl.plan.hold * DP_SPREAD_PERIOD_MS);
}

void
dp_spread_set(enum dp_spread_mode mode)
{
	unsigned int n = dp_g.n_workers;
	enum dp_spread_mode was = ctl.mode;

	ctl.mode = mode;
	if (n < 2 || ctl.reta == NULL || mode == was)
		return;
	// Everything home first; once every worker has been through a quiescent
	// state it hands nothing off, and its rings only drain. Workers stop
	// looking at their rings only when these are empty.
	spread_reta_home(ctl.reta, n);
	for (unsigned int w = 0; w < n; w++)
		publish(w);
	if (mode == DP_SPREAD_OFF) {
		rte_rcu_qsbr_synchronize(dp_g.qsv, RTE_QSBR_THRID_INVALID);
		for (unsigned int tries = 0; tries < 1000; tries++) {
			bool empty = true;
			for (unsigned int to = 0; to < n; to++)
				for (unsigned int from = 0; from < n; from++)
					if (from != to)
						empty &= rte_ring_empty(
								 dp_g.lcores[to]
									 ->handoff_in[from]) != 0;
			if (empty)
				break;
			rte_delay_us_sleep(1000);
		}
	} else if (mode == DP_SPREAD_EVEN) {
		spread_reta_even(ctl.reta, n);
		for (unsigned int w = 0; w < n; w++)
			publish(w);
	}
	__atomic_store_n(&dp_g.spread_on, mode != DP_SPREAD_OFF, __ATOMIC_RELEASE);
	LOG(INFO, "spreading of tunnelled traffic: %s\n", dp_spread_mode_name(mode));
}

enum dp_spread_mode
dp_spread_get(void)
{
	return ctl.mode;
}

unsigned int
dp_spread_buckets(unsigned int worker)
{
	unsigned int k = 0;

	if (ctl.reta == NULL)
		return worker == 0 ? SPREAD_BUCKETS : 0;
	for (unsigned int r = 0; r < dp_g.n_workers; r++)
		for (unsigned int b = 0; b < SPREAD_BUCKETS; b++)
			k += ctl.reta[r][b] == worker;
	return k;
}

void
dp_spread_info(struct dp_spread_info *out)
{
	out->mode = ctl.mode;
	out->active = dp_g.spread_on;
	out->trials = ctl.plan.trials;
	out->kept = ctl.plan.kept;
	out->undone = ctl.plan.undone;
	out->moves = ctl.plan.moves;
	out->hold_ms = (uint64_t)ctl.plan.hold * DP_SPREAD_PERIOD_MS;
}
