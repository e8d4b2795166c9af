// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "spread.h"

#include <stdbool.h>

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
