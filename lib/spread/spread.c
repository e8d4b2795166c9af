// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "spread.h"

#include <stdbool.h>
#include <string.h>

void
spread_reta_home(uint8_t (*reta)[SPREAD_BUCKETS], unsigned int n_workers)
{
	for (unsigned int w = 0; w < n_workers && w < SPREAD_MAX_WORKERS; w++)
		for (unsigned int b = 0; b < SPREAD_BUCKETS; b++)
			reta[w][b] = (uint8_t)w;
}

void
spread_reta_even(uint8_t (*reta)[SPREAD_BUCKETS], unsigned int n_workers)
{
	for (unsigned int w = 0; w < n_workers && w < SPREAD_MAX_WORKERS; w++)
		for (unsigned int b = 0; b < SPREAD_BUCKETS; b++)
			reta[w][b] = (uint8_t)(b % n_workers);
}

unsigned int
spread_rebalance(uint8_t (*reta)[SPREAD_BUCKETS], const struct spread_period *p,
		 struct spread_move *moves, unsigned int max_moves)
{
	unsigned int n = p->n_workers, n_moves = 0;
	double busy[SPREAD_MAX_WORKERS];
	double processed[SPREAD_MAX_WORKERS];

	if (n < 2 || n > SPREAD_MAX_WORKERS)
		return 0;
	for (unsigned int w = 0; w < n; w++) {
		busy[w] = p->busy[w];
		processed[w] = (double)p->processed[w];
	}
	while (n_moves < max_moves) {
		unsigned int hi = 0, lo = 0;
		for (unsigned int w = 1; w < n; w++) {
			if (busy[w] > busy[hi])
				hi = w;
			if (busy[w] < busy[lo])
				lo = w;
		}
		double gap = busy[hi] - busy[lo];
		if (gap < SPREAD_GAP_MIN || busy[hi] < SPREAD_BUSY_MIN || processed[hi] <= 0)
			break;
		// The busy worker's cost per packet, as a fraction of the period:
		// a bucket of k packets carries about k * cost of its load.
		double cost = busy[hi] / processed[hi], best_load = 0;
		unsigned int best_r = 0, best_b = 0;
		bool found = false, best_home = false;
		for (unsigned int r = 0; r < n; r++) {
			for (unsigned int b = 0; b < SPREAD_BUCKETS; b++) {
				if (reta[r][b] != hi || p->bucket_pkts[r][b] == 0)
					continue;
				double load = (double)p->bucket_pkts[r][b] * cost;
				bool home = r == lo;
				if (load > gap / 2)
					continue;
				if (found && (best_home && !home))
					continue;
				if (found && best_home == home && load <= best_load)
					continue;
				found = true;
				best_home = home;
				best_load = load;
				best_r = r;
				best_b = b;
			}
		}
		if (!found)
			break;
		reta[best_r][best_b] = (uint8_t)lo;
		moves[n_moves++] = (struct spread_move){.rx_worker = (uint16_t)best_r,
							.bucket = (uint8_t)best_b,
							.from = (uint16_t)hi,
							.to = (uint16_t)lo};
		uint64_t k = p->bucket_pkts[best_r][best_b];
		busy[hi] -= best_load;
		busy[lo] += best_load;
		processed[hi] -= (double)k;
		processed[lo] += (double)k;
	}
	return n_moves;
}

double
spread_capacity(const struct spread_period *p, double seconds)
{
	double busiest = 0, total = 0;

	for (unsigned int w = 0; w < p->n_workers && w < SPREAD_MAX_WORKERS; w++) {
		total += (double)p->processed[w];
		if (p->busy[w] > busiest)
			busiest = p->busy[w];
	}
	// Too idle to tell: a worker a few percent busy says nothing of its
	// capacity (fixed per-round costs dominate).
	if (seconds <= 0 || busiest < 0.05 || total == 0)
		return 0;
	return total / seconds / busiest;
}

void
spread_ctl_init(struct spread_ctl *c)
{
	memset(c, 0, sizeof(*c));
	c->phase = SPREAD_WATCH;
	c->backoff = SPREAD_HOLD_FIRST;
}

static void
watch(struct spread_ctl *c)
{
	c->phase = SPREAD_WATCH;
	c->periods = 0;
	c->cap_sum = 0;
}

unsigned int
spread_ctl_period(struct spread_ctl *c, uint8_t (*reta)[SPREAD_BUCKETS],
		  const struct spread_period *p, double seconds, bool *changed)
{
	double cap = spread_capacity(p, seconds);
	unsigned int n = 0;

	for (unsigned int w = 0; w < p->n_workers && w < SPREAD_MAX_WORKERS; w++)
		changed[w] = false;
	if (c->phase == SPREAD_TRYING) {
		c->periods++;
		if (c->periods <= SPREAD_SETTLE)
			return 0;
		c->cap_sum += cap;
		if (c->periods < SPREAD_SETTLE + SPREAD_JUDGE)
			return 0;
		double after = c->cap_sum / SPREAD_JUDGE;
		if (after >= c->cap_before * SPREAD_KEEP_GAIN) {
			c->kept++;
			c->backoff = SPREAD_HOLD_FIRST;
		} else {
			// Undo in reverse order: a bucket moved twice ends where it began.
			for (unsigned int i = c->n_trial; i-- > 0;) {
				const struct spread_move *m = &c->trial[i];
				reta[m->rx_worker][m->bucket] = (uint8_t)m->from;
				changed[m->rx_worker] = true;
				n++;
			}
			c->undone++;
			c->hold = c->backoff;
			c->backoff =
				c->backoff * 2 > SPREAD_HOLD_MAX ? SPREAD_HOLD_MAX : c->backoff * 2;
		}
		c->n_trial = 0;
		watch(c);
		return n;
	}
	// Watching: capacity over blocks of SPREAD_JUDGE periods; after each
	// block, a trial if the hold has passed and the plan has something to move.
	if (c->hold > 0)
		c->hold--;
	if (cap == 0) {
		watch(c);
		return 0;
	}
	c->cap_sum += cap;
	if (++c->periods < SPREAD_JUDGE)
		return 0;
	double before = c->cap_sum / c->periods;
	watch(c);
	if (c->hold > 0)
		return 0;
	n = spread_rebalance(reta, p, c->trial, SPREAD_TRIAL_MOVES);
	if (n == 0)
		return 0;
	for (unsigned int i = 0; i < n; i++)
		changed[c->trial[i].rx_worker] = true;
	c->n_trial = n;
	c->moves += n;
	c->trials++;
	c->cap_before = before;
	c->phase = SPREAD_TRYING;
	c->periods = 0;
	c->cap_sum = 0;
	return n;
}
