// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Control-thread half of packet capture: drains the workers' copy rings,
// applies each capture's BPF filter (pcap_compile + pcap_offline_filter) and
// writes pcap files that tcpdump and Wireshark read. libpcap is never called
// on a worker.

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include <pcap/pcap.h>

#include "dp_priv.h"

#define CAPTURE_MAX 16

struct capture {
	bool used;
	struct dp_capture_info info;
	uint32_t snaplen;
	pcap_t *dead;
	pcap_dumper_t *dumper;
	struct bpf_program prog;
	bool has_prog;
};

extern uint32_t dp_capture_snaplen;

static struct capture caps[CAPTURE_MAX];
static unsigned int next_id = 1;
static struct timeval tv_base;
static uint64_t tsc_base;

// Recompute which ports and directions the workers copy.
static void
capture_flags_update(void)
{
	uint8_t on[RTE_MAX_ETHPORTS] = {0};
	uint32_t snap = 0;

	for (unsigned int i = 0; i < CAPTURE_MAX; i++) {
		const struct capture *c = &caps[i];
		if (!c->used || !c->info.running)
			continue;
		if (c->snaplen > snap)
			snap = c->snaplen;
		for (uint16_t i2 = 0; i2 < MODEL_MAX_PORTS; i2++) {
			const struct model_port *p = &dp_g.model->ports[i2];
			if (!p->used || (c->info.port_idx >= 0 && c->info.port_idx != i2))
				continue;
			on[p->port_id] |= (uint8_t)c->info.direction;
		}
		// Our own OAM probes (worker 0's inject ring) reach our SIDs too.
		if (c->info.port_idx < 0 && (c->info.direction & DP_CAPTURE_OAM))
			on[DP_INJECT_PORT] |= DP_CAPTURE_OAM;
	}
	if (snap != 0)
		dp_capture_snaplen = snap;
	for (unsigned int p = 0; p < RTE_MAX_ETHPORTS; p++)
		dp_g.capture_on[p] = on[p];
}

static void
capture_close(struct capture *c)
{
	if (c->dumper != NULL) {
		pcap_dump_flush(c->dumper);
		pcap_dump_close(c->dumper);
		c->dumper = NULL;
	}
	if (c->has_prog) {
		pcap_freecode(&c->prog);
		c->has_prog = false;
	}
	if (c->dead != NULL) {
		pcap_close(c->dead);
		c->dead = NULL;
	}
	c->info.running = false;
}

int
dp_capture_start(const struct dp_capture_req *req, unsigned int *id, struct model_err *e)
{
	struct capture *c = NULL;

	for (unsigned int i = 0; i < CAPTURE_MAX && c == NULL; i++)
		if (!caps[i].used)
			c = &caps[i];
	if (c == NULL)
		return model_err_set(e, -ENOSPC, "port", "too many captures (stop one first)");
	if (req->direction == 0 ||
	    (req->direction & ~(DP_CAPTURE_RX | DP_CAPTURE_TX | DP_CAPTURE_OAM)) != 0)
		return model_err_set(e, -EINVAL, "direction", "must be rx, tx, both or oam");
	memset(c, 0, sizeof(*c));
	c->snaplen = req->snaplen ? req->snaplen : 65535;
	c->dead = pcap_open_dead(DLT_EN10MB, (int)c->snaplen);
	if (c->dead == NULL)
		return model_err_set(e, -ENOMEM, "file", "pcap_open_dead failed");
	if (req->filter != NULL && req->filter[0] != '\0') {
		if (pcap_compile(c->dead, &c->prog, req->filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			model_err_set(e, -EINVAL, "filter", "bad BPF filter: %s",
				      pcap_geterr(c->dead));
			pcap_close(c->dead);
			c->dead = NULL;
			return -EINVAL;
		}
		c->has_prog = true;
	}
	c->dumper = pcap_dump_open(c->dead, req->file);
	if (c->dumper == NULL) {
		model_err_set(e, -EACCES, "file", "cannot open: %s", pcap_geterr(c->dead));
		capture_close(c);
		return -EACCES;
	}
	if (tsc_base == 0) {
		gettimeofday(&tv_base, NULL);
		tsc_base = rte_rdtsc();
	}
	c->used = true;
	c->info.id = next_id++;
	c->info.port_idx = req->port_idx;
	c->info.direction = req->direction;
	c->info.limit = req->count;
	c->info.running = true;
	snprintf(c->info.file, sizeof(c->info.file), "%s", req->file);
	snprintf(c->info.filter, sizeof(c->info.filter), "%s", req->filter ? req->filter : "");
	capture_flags_update();
	*id = c->info.id;
	return 0;
}

int
dp_capture_stop(unsigned int id)
{
	for (unsigned int i = 0; i < CAPTURE_MAX; i++) {
		struct capture *c = &caps[i];
		if (c->used && c->info.id == id) {
			dp_capture_poll(); // write what is already copied
			capture_close(c);
			c->used = false;
			capture_flags_update();
			return 0;
		}
	}
	return -ENOENT;
}

unsigned int
dp_capture_list(struct dp_capture_info *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < CAPTURE_MAX && n < max; i++)
		if (caps[i].used)
			out[n++] = caps[i].info;
	return n;
}

static void
capture_write(struct rte_mbuf *m)
{
	const struct dp_meta *md = dp_meta(m);
	int model_idx = model_port_by_id(dp_g.model, md->rx_port);
	struct pcap_pkthdr h;
	uint64_t us = (md->tsc - tsc_base) * 1000000ull / dp_g.tsc_hz;
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	bool changed = false;

	h.ts.tv_sec = tv_base.tv_sec + (time_t)((uint64_t)tv_base.tv_usec + us) / 1000000;
	h.ts.tv_usec = (suseconds_t)(((uint64_t)tv_base.tv_usec + us) % 1000000);
	h.len = md->nh;
	for (unsigned int i = 0; i < CAPTURE_MAX; i++) {
		struct capture *c = &caps[i];
		if (!c->used || !c->info.running || !(c->info.direction & md->punt))
			continue;
		if (c->info.port_idx >= 0 && c->info.port_idx != model_idx)
			continue;
		h.caplen = RTE_MIN(rte_pktmbuf_data_len(m), c->snaplen);
		if (c->has_prog && pcap_offline_filter(&c->prog, &h, data) == 0)
			continue;
		pcap_dump((u_char *)c->dumper, &h, data);
		c->info.packets++;
		if (c->info.limit != 0 && c->info.packets >= c->info.limit) {
			capture_close(c);
			changed = true;
		}
	}
	if (changed)
		capture_flags_update();
}

void
dp_capture_poll(void)
{
	struct rte_mbuf *pkts[64];
	bool any = false;

	for (unsigned int w = 0; w < dp_g.n_workers; w++) {
		unsigned int n;
		while ((n = rte_ring_sc_dequeue_burst(dp_g.lcores[w]->capture_ring, (void **)pkts,
						      RTE_DIM(pkts), NULL)) > 0) {
			for (unsigned int i = 0; i < n; i++) {
				capture_write(pkts[i]);
				rte_pktmbuf_free(pkts[i]);
			}
			any = true;
		}
	}
	if (any)
		for (unsigned int i = 0; i < CAPTURE_MAX; i++)
			if (caps[i].used && caps[i].dumper != NULL)
				pcap_dump_flush(caps[i].dumper);
}

void
dp_capture_fini(void)
{
	dp_capture_poll();
	for (unsigned int i = 0; i < CAPTURE_MAX; i++) {
		if (caps[i].used)
			capture_close(&caps[i]);
		caps[i].used = false;
	}
	capture_flags_update();
}
