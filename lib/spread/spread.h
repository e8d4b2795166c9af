// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Software spreading of tunnelled traffic over workers: the plan, no DPDK.
//
// NIC RSS hashes the outer header, so decapsulation traffic from one remote
// PE (one outer source/destination pair) lands on one RX queue and one
// worker. Each worker that receives a tunnelled packet hashes its inner flow
// (pkt_tunnel_hash) into one of SPREAD_BUCKETS buckets; its own bucket table
// names the worker that processes the bucket. Every table starts with all
// buckets at home (no handoff: where RSS already spreads the load, nothing
// moves). spread_rebalance, run by the control thread every period, moves
// buckets from the busiest worker to the least busy one, one bucket at a
// time and only by as much load as halves the gap, so loads converge without
// swinging back. A bucket that moves reorders at most the packets of its
// flows that are in flight at that moment.

#include <stdbool.h>
#include <stdint.h>

#define SPREAD_BUCKETS 256
#define SPREAD_MAX_WORKERS 128

// Below these, nothing moves: a gap smaller than SPREAD_GAP_MIN (busy
// fraction) is noise, and while no worker is SPREAD_BUSY_MIN busy, nobody
// loses packets to imbalance, so no flow is reordered for it.
#define SPREAD_GAP_MIN 0.10
#define SPREAD_BUSY_MIN 0.50

// What the control thread measured over one period, per worker.
struct spread_period {
	unsigned int n_workers;
	double busy[SPREAD_MAX_WORKERS];	// fraction of the period spent on packets, 0..1
	uint64_t processed[SPREAD_MAX_WORKERS]; // packets it processed (its own and handed in)
	// Tunnelled packets received by worker r in bucket b (the worker counts
	// every one while it hands any bucket off, else a sample scaled up).
	const uint64_t (*bucket_pkts)[SPREAD_BUCKETS]; // [n_workers][SPREAD_BUCKETS]
};

struct spread_move {
	uint16_t rx_worker; // whose table
	uint8_t bucket;
	uint16_t from, to; // processing worker before and after
};

// Every bucket of every table at home: reta[w][b] = w.
void spread_reta_home(uint8_t (*reta)[SPREAD_BUCKETS], unsigned int n_workers);
// Every table spread evenly over all workers: reta[w][b] = b % n_workers.
void spread_reta_even(uint8_t (*reta)[SPREAD_BUCKETS], unsigned int n_workers);

/**
 * Capacity estimate of one period: the packets processed per second by all
 * workers over the busy fraction of the busiest one, i.e. the rate the
 * workers would reach, with buckets where they are, before one of them
 * saturates. 0 when nothing ran (no judgement possible).
 */
double spread_capacity(const struct spread_period *p, double seconds);

/**
 * Plan up to max_moves bucket moves from the period's figures and apply them
 * to reta (the control thread's copy; the caller publishes each changed
 * entry). A move takes, from the busiest worker, the bucket whose estimated
 * load is largest but at most half the gap to the least busy worker; buckets
 * going back to the worker that receives them come first (their handoff cost
 * disappears with them).
 *
 * @return the number of moves written to moves[].
 */
unsigned int spread_rebalance(uint8_t (*reta)[SPREAD_BUCKETS], const struct spread_period *p,
			      struct spread_move *moves, unsigned int max_moves);

// The controller around the plan: moving buckets has a price (the receiving
// worker hashes every tunnelled packet and passes the moved ones on; the
// packets' cache lines cross cores, which on some machines costs more than
// processing them), so every batch of moves is a trial. The capacity of the
// SPREAD_JUDGE periods before it is compared with that of the SPREAD_JUDGE
// periods after SPREAD_SETTLE periods of transition; a trial that does not
// raise it by SPREAD_KEEP_GAIN is undone, and the next trial waits
// SPREAD_HOLD_FIRST periods, twice as long after each undone trial up to
// SPREAD_HOLD_MAX. A trial is the plan's moves to the estimated balance in one
// step, not a bucket at a time: the first moved bucket brings the whole
// hashing cost, so small steps would never pay.
#define SPREAD_SETTLE 2
#define SPREAD_JUDGE 3
#define SPREAD_KEEP_GAIN 1.03
#define SPREAD_HOLD_FIRST 50
#define SPREAD_HOLD_MAX 6000
#define SPREAD_TRIAL_MOVES SPREAD_BUCKETS

enum spread_phase { SPREAD_WATCH, SPREAD_TRYING };

struct spread_ctl {
	enum spread_phase phase;
	unsigned int periods; // in this phase
	double cap_sum;	      // capacities summed over the judged periods
	double cap_before;
	unsigned int hold;    // periods before the next trial may start
	unsigned int backoff; // hold after the next undone trial
	unsigned int n_trial;
	struct spread_move trial[SPREAD_TRIAL_MOVES]; // to undo
	// What happened, for counters and tests.
	uint64_t trials, kept, undone, moves;
};

void spread_ctl_init(struct spread_ctl *c);

/**
 * One period: judge the running trial or plan the next one. Changes reta and
 * writes to changed[] (up to n_workers entries, true where a table changed)
 * for the caller to publish.
 *
 * @return the number of table entries changed this period.
 */
unsigned int spread_ctl_period(struct spread_ctl *c, uint8_t (*reta)[SPREAD_BUCKETS],
			       const struct spread_period *p, double seconds, bool *changed);
