// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// A datapath that does nothing (no EAL), for tests that run lib/ctl's
// handlers (and server) and lib/config on the real model: the dp_api.h
// functions they call, with the state tests set or check in fake_dp.h.

#include "fake_dp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dp_api.h"
#include "model.h"

int fake_commit_rc;
unsigned int fake_commits;
unsigned int fake_resets;
uint32_t fake_idle_us = DP_IDLE_SLEEP_DEFAULT_US;
static char fake_devs[MODEL_MAX_PORTS][MODEL_DEVICE_LEN];

int
dp_port_probe(const char *devargs, uint16_t *port_id, struct model_err *e)
{
	for (uint16_t i = 0; i < MODEL_MAX_PORTS; i++) {
		if (fake_devs[i][0] == '\0')
			snprintf(fake_devs[i], sizeof(fake_devs[i]), "%s", devargs);
		if (strcmp(fake_devs[i], devargs) == 0) {
			*port_id = i;
			return 0;
		}
	}
	snprintf(e->field, sizeof(e->field), "device");
	snprintf(e->msg, sizeof(e->msg), "too many devices");
	return -ENOSPC;
}

int
dp_port_configure(const struct model_port *p, struct model_err *e)
{
	if (strstr(p->device, "broken") != NULL) {
		snprintf(e->field, sizeof(e->field), "device");
		snprintf(e->msg, sizeof(e->msg), "cannot configure");
		return -ENOTSUP;
	}
	return 0;
}

int
dp_commit(struct model_txn *t, struct model_err *e)
{
	(void)t;
	if (fake_commit_rc < 0) {
		snprintf(e->msg, sizeof(e->msg), "table full");
		return fake_commit_rc;
	}
	fake_commits++;
	return 0;
}

void
dp_idle_sleep_set(uint32_t us)
{
	fake_idle_us = us;
}

uint32_t
dp_idle_sleep_get(void)
{
	return fake_idle_us;
}

enum dp_crypto_mode fake_crypto = DP_CRYPTO_AUTO;

int
dp_crypto_set(enum dp_crypto_mode mode)
{
	fake_crypto = mode;
	return 0;
}

enum dp_crypto_mode
dp_crypto_get(void)
{
	return fake_crypto;
}

void
dp_crypto_info(struct dp_crypto_info *out)
{
	*out = (struct dp_crypto_info){.mode = fake_crypto};
}

enum dp_spread_mode fake_spread = DP_SPREAD_INNER;

void
dp_spread_set(enum dp_spread_mode mode)
{
	fake_spread = mode;
}

int
dp_ipsec_sa_counters(uint32_t slot, struct dp_ipsec_sa_counters *out)
{
	(void)slot;
	memset(out, 0, sizeof(*out));
	return -ENOENT;
}

void
dp_spread_info(struct dp_spread_info *out)
{
	*out = (struct dp_spread_info){.mode = fake_spread};
}

enum dp_spread_mode
dp_spread_get(void)
{
	return fake_spread;
}

static uint32_t fake_fib_max[2] = {DP_FIB_MAX_IPV4_DEFAULT, DP_FIB_MAX_IPV6_DEFAULT};

void
dp_fib_limits_set(uint32_t max_ipv4, uint32_t max_ipv6)
{
	fake_fib_max[0] = max_ipv4;
	fake_fib_max[1] = max_ipv6;
}

void
dp_fib_limits_get(uint32_t *max_ipv4, uint32_t *max_ipv6)
{
	*max_ipv4 = fake_fib_max[0];
	*max_ipv6 = fake_fib_max[1];
}

// vrf.list's "fib" object: no datapath here, so no tables to report.
int
dp_fib_usage(uint16_t vrf, struct dp_fib_usage *out)
{
	(void)vrf;
	memset(out, 0, sizeof(*out));
	return -ENOENT;
}

int
dp_port_status(uint16_t port_id, struct dp_port_status *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->driver, sizeof(out->driver), "net_null");
	out->link_up = true;
	out->speed_mbps = 10000;
	out->mac[0] = 0x02;
	out->mac[5] = (uint8_t)port_id;
	out->n_rxq = out->n_txq = 1;
	return 0;
}

int
dp_counters_read(struct dp_counters *out)
{
	memset(out, 0, sizeof(*out));
	out->n_lcores = 1;
	out->lcores[0].lcore_id = 1;
	out->lcores[0].rx_packets = 7;
	out->lcores[0].idle_sleeps = 11;
	out->lcores[0].idle_sleep_us = 2200;
	out->ports[0].rx_packets = 5;
	out->drops[DP_DROP_blackhole] = 3;
	return 0;
}

void
dp_counters_reset(int port_idx, int sid_counter, int lcore)
{
	(void)port_idx, (void)sid_counter, (void)lcore;
	fake_resets++;
}

#define DROP_NAME(name, descr) #name,
static const char *const drop_names[] = {DP_DROP_REASONS(DROP_NAME)};

const char *
dp_drop_name(enum dp_drop_reason r)
{
	return r < DP_DROP_MAX ? drop_names[r] : "?";
}

unsigned int
dp_lcores(struct dp_lcore_info *out, unsigned int max)
{
	if (max < 2)
		return 0;
	out[0] = (struct dp_lcore_info){.lcore_id = 0, .worker = false};
	out[1] = (struct dp_lcore_info){.lcore_id = 1, .worker = true};
	return 2;
}

static struct dp_capture_info fake_caps[4];
static unsigned int fake_next_cap = 1;

int
dp_capture_start(const struct dp_capture_req *req, unsigned int *id, struct model_err *e)
{
	for (unsigned int i = 0; i < 4; i++) {
		if (fake_caps[i].id != 0)
			continue;
		fake_caps[i] = (struct dp_capture_info){.id = fake_next_cap++,
							.port_idx = req->port_idx,
							.direction = req->direction,
							.running = true};
		snprintf(fake_caps[i].file, sizeof(fake_caps[i].file), "%s", req->file);
		*id = fake_caps[i].id;
		return 0;
	}
	snprintf(e->msg, sizeof(e->msg), "too many captures");
	return -ENOSPC;
}

int
dp_capture_stop(unsigned int id)
{
	for (unsigned int i = 0; i < 4; i++) {
		if (fake_caps[i].id == id && id != 0) {
			fake_caps[i].id = 0;
			return 0;
		}
	}
	return -ENOENT;
}

unsigned int
dp_capture_list(struct dp_capture_info *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < 4 && n < max; i++)
		if (fake_caps[i].id != 0)
			out[n++] = fake_caps[i];
	return n;
}

unsigned int
fake_n_captures(void)
{
	struct dp_capture_info info[4];

	return dp_capture_list(info, 4);
}

// No datapath: no bridge has learnt anything.
int
dp_l2_macs(uint16_t port_id,
	   void (*fn)(void *arg, const uint8_t mac[6], uint16_t where, uint32_t age), void *arg)
{
	(void)port_id;
	(void)fn;
	(void)arg;
	return -ENOENT;
}

// No datapath: an OAM session cannot start, and none exists.
int
dp_oam_start(const struct dp_oam_req *r, uint16_t *id, struct model_err *e)
{
	(void)r;
	(void)id;
	return model_err_set(e, -ENOTSUP, "", "no datapath in this test");
}

int
dp_oam_get(uint16_t id, struct dp_oam_result *out)
{
	(void)id;
	(void)out;
	return -ENOENT;
}
