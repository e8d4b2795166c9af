// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The worker: run-to-completion over bursts, the loop around the stages.
// Per iteration: read the published table side once (one acquire load),
// receive a burst from each RX queue and run it through the stages, flush
// the TX buffers, free the burst's drops in bulk, report a quiescent state
// (QSBR: the table side read above is dead after it), and back off when
// idle. Each stage is a file that reads alone (its first comment says what
// it reads and writes in dp_meta, and what comes next):
//
//   dp_spread.c     with several workers: tunnelled packets whose inner flow
//                   belongs to another worker go to its ring (lib/spread)
//   dp_classify.c   RX counters and tap, Ethernet, IPv4/IPv6 header checks
//   then up to DP_MAX_PASSES rounds of
//     dp_lookup.c     bulk FIB lookup per (VRF, family)
//     dp_dispatch.c   ECMP, then one vector per next-hop type; no route, blackhole
//     dp_headend.c    H.Encaps / H.Encaps.Red                 -> next round
//     dp_sid.c        End, End.X/T, End.DX*/DT*, End.B6.Encaps -> next round or dp_fwd
//     dp_local.c      to our address: echo, ND, host interface
//     dp_fwd.c        TTL, MTU, neighbour MAC, Ethernet header -> TX buffer (dp_tx.c)
//   a packet still asking for a lookup after the last round is a loop_detected drop.
// Worker 0 also routes the control thread's OAM probes (dp_oam.c) through
// the same rounds, from the first lookup on.
//
// ICMP errors (dp_icmp.c) turn a packet around toward its source: it goes
// round again like any other. Per-packet helpers shared by the stages are
// inline in dp_stage.h, so the split costs no call per packet.
//
// Workers touch only their struct dp_lcore, the published table side and the
// immutable next-hop objects; they never lock, allocate or log, and make no
// syscall but the idle sleep (dp_idle.h), which only a worker that found
// nothing to do for a while takes.

#include <sys/prctl.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "dp_idle.h"
#include "dp_stage.h"

// The lookup rounds over vec[0] (packets at L3, dp_meta set).
static void
run_passes(struct dp_lcore *lc, const struct dp_tables *t, struct dp_vec vec[2])
{
	struct dp_edges e;
	unsigned int cur = 0;

	for (unsigned int pass = 0; pass < DP_MAX_PASSES && vec[cur].n > 0; pass++) {
		struct dp_vec *next = &vec[cur ^ 1];

		next->n = 0;
		dp_lookup(t, vec[cur].m, vec[cur].n);
		dp_dispatch(vec[cur].m, vec[cur].n, &e);
		if (e.v[DNH_ENCAP].n != 0)
			dp_headend(lc, t, &e.v[DNH_ENCAP], next);
		if (e.v[DNH_SID].n != 0)
			dp_sid(lc, t, &e.v[DNH_SID], next, &e.v[DNH_IP]);
		if (unlikely(e.v[DNH_LOCAL].n != 0))
			dp_local(lc, t, &e.v[DNH_LOCAL], next);
		if (unlikely(e.v[DNH_RESOLVE].n != 0))
			dp_resolve(lc, t, &e.v[DNH_RESOLVE], next);
		if (unlikely((e.v[DNH_NONE].n | e.v[DNH_BLACKHOLE].n | e.v[DNH_ECMP].n) != 0))
			dp_miss(lc, t, &e, next);
		if (e.v[DNH_IP].n != 0)
			dp_fwd(lc, t, &e.v[DNH_IP], next);
		cur ^= 1;
	}
	for (uint16_t i = 0; i < vec[cur].n; i++)
		dp_drop(lc, vec[cur].m[i], DP_DROP_loop_detected);
}

static void
process_burst(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_vec vec[2];

	vec[0].n = dp_classify(lc, t, pkts, n, vec[0].m);
	run_passes(lc, t, vec);
	// An l2vpn bridge's flooded copies, already encapsulated, a burst at a time.
	for (uint16_t done = 0, k; unlikely(done < lc->n_flood); done += k) {
		k = (uint16_t)RTE_MIN(lc->n_flood - done, DP_BURST);
		memcpy(vec[0].m, lc->flood + done, k * sizeof(lc->flood[0]));
		vec[0].n = k;
		run_passes(lc, t, vec);
	}
	lc->n_flood = 0;
}

// Worker 0: the control thread's OAM probes (dp_oam.c), IPv6 packets built
// by us in their VRF, routed from the first lookup on like any other.
static unsigned int
inject_drain(struct dp_lcore *lc, const struct dp_tables *t)
{
	struct dp_vec vec[2];

	vec[0].n = (uint16_t)rte_ring_sc_dequeue_burst(dp_g.inject_ring, (void **)vec[0].m,
						       DP_BURST, NULL);
	for (uint16_t i = 0; i < vec[0].n; i++) {
		struct dp_meta *md = dp_meta(vec[0].m[i]);
		uint16_t vrf = md->vrf;
		memset(md, 0, sizeof(*md));
		md->rx_port = DP_INJECT_PORT;
		md->in_vrf = md->vrf = vrf;
		md->family = 6;
		md->flags = DP_F_NO_TTL_DEC; // ours: sent with its hop limit as built
	}
	if (vec[0].n != 0)
		run_passes(lc, t, vec);
	return vec[0].n;
}

// The idle path: nothing arrived for a while. The worker goes offline for
// QSBR first, so a control-thread grace period (dp_commit ->
// rte_rcu_qsbr_synchronize) does not wait for the sleep; online again before
// the next round reads the tables.
static __rte_noinline __rte_cold void
idle_sleep(struct dp_lcore *lc, uint32_t us)
{
	struct timespec ts = {.tv_sec = us / 1000000u, .tv_nsec = (long)(us % 1000000u) * 1000};
	uint64_t t0;

	rte_rcu_qsbr_thread_offline(dp_g.qsv, lc->idx);
	t0 = rte_rdtsc();
	nanosleep(&ts, NULL); // EINTR only shortens the sleep
	lc->stats.idle_sleeps++;
	lc->stats.idle_tsc += rte_rdtsc() - t0;
	rte_rcu_qsbr_thread_online(dp_g.qsv, lc->idx);
}

void
dp_bench_burst(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_tables *t = dp_tables_active();

	lc->stats.bursts++;
	process_burst(lc, t, pkts, n);
	if (lc->tx_pending)
		dp_tx_flush_all(lc);
	dp_free_flush(lc);
}

void
dp_quiesce(void)
{
	// Every RX/TX burst of a worker lies between two quiescent states; a
	// worker that is offline (idle sleep, stopped) holds nothing.
	if (dp_g.qsv != NULL)
		rte_rcu_qsbr_synchronize(dp_g.qsv, RTE_QSBR_THRID_INVALID);
}

int
dp_worker_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct rte_mbuf *pkts[DP_BURST];
	struct dp_idle idle;
	uint64_t last_tsc = 0;
	bool last_work = false;

	dp_icmp_init(lc);
	dp_idle_init(&idle, dp_g.idle_sleep_us, DP_IDLE_SPIN_ROUNDS);
	// Sleeps of a few microseconds need the timer to fire on time: the
	// default slack (50 us) would stretch every short sleep to it.
	if (idle.cap_us != 0)
		prctl(PR_SET_TIMERSLACK, 1000ul, 0ul, 0ul, 0ul);
	rte_rcu_qsbr_thread_register(dp_g.qsv, lc->idx);
	rte_rcu_qsbr_thread_online(dp_g.qsv, lc->idx);

	while (!__atomic_load_n(&dp_g.stop, __ATOMIC_RELAXED)) {
		// One acquire load per iteration; t is dead after the quiescent call.
		const struct dp_tables *t = dp_tables_active();
		// Spreading needs each worker's busy time: one clock read per round,
		// the last round counted as busy if it had packets. A worker alone,
		// or with spreading off, does not read the clock.
		const bool spread = __atomic_load_n(&dp_g.spread_on, __ATOMIC_RELAXED);
		unsigned int work = 0;
		uint32_t us;

		for (uint16_t q = 0; q < lc->n_rxq; q++) {
			uint16_t n =
				rte_eth_rx_burst(lc->rxq[q].port, lc->rxq[q].queue, pkts, DP_BURST);
			if (n == 0)
				continue;
			work += n;
			lc->stats.bursts++;
			if (spread && (n = dp_spread_rx(lc, pkts, n)) == 0)
				continue;
			process_burst(lc, t, pkts, n);
		}
		if (spread) {
			uint64_t now = rte_rdtsc();
			if (last_work)
				lc->stats.busy_tsc += now - last_tsc;
			last_tsc = now;
			dp_spread_flush(lc);
			for (unsigned int w = 0; w < dp_g.n_workers; w++) {
				uint16_t n;
				if (w == lc->idx || (n = dp_spread_take(lc, w, pkts)) == 0)
					continue;
				work += n;
				lc->stats.bursts++;
				process_burst(lc, t, pkts, n);
			}
		}
		if (lc->idx == 0) {
			work += dp_tx_drain_ctl(lc);
			if (dp_g.inject_ring != NULL)
				work += inject_drain(lc, t);
		}
		if (lc->tx_pending)
			dp_tx_flush_all(lc);
		dp_free_flush(lc);
		last_work = work != 0;
		rte_rcu_qsbr_quiescent(dp_g.qsv, lc->idx);
		if (likely(work != 0))
			dp_idle_work(&idle);
		else if (unlikely((us = dp_idle_empty(&idle)) != 0))
			idle_sleep(lc, us);
	}
	if (lc->idx == 0)
		dp_tx_drain_ctl(lc);
	dp_tx_flush_all(lc);
	rte_rcu_qsbr_thread_offline(dp_g.qsv, lc->idx);
	rte_rcu_qsbr_thread_unregister(dp_g.qsv, lc->idx);
	return 0;
}
