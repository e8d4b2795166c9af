// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// libFuzzer harness: the datapath, from Ethernet to the TX queue. One EAL
// (--no-huge, --no-pci, two lcores on one CPU: dp_init wants one worker) and
// one fixed configuration (tests/fuzz/packet_config.json: the pcap tests'
// topology with the SIDs of every behaviour, VRF routes, SRv6 routes, H.Encaps
// and H.Encaps.Red, IPsec SAs) are set up once, by the real config loader on
// the real datapath; ports are net_ring vdevs, so what the worker transmits
// stays in the port's ring where this harness reads it back.
//
// Input: byte 0 chooses how the frame arrives, the rest is the frame.
//   bits 0-1  the port (model port index: wan0, ce0, wan1, ce1)
//   bit  2    tight buffer: the frame in a malloc'd external buffer of
//             exactly headroom + frame bytes, so that ASan sees a read or
//             write past its end (an mbuf of the pool has 2 KiB around it)
//   bits 3-5  copies of the frame in the burst, minus one (1..8): the
//             stages work on vectors
// Frames over one mbuf's data room arrive as a chain of segments, as a NIC
// with scatter RX gives them.
//
// The burst goes through dp_bench_burst: dp_worker.c's process_burst (every
// stage: classify, lookup, dispatch, headend, SID behaviours, local, ICMP
// errors, forward), the TX flush and the drop flush, on the calling thread
// as worker 0. What the worker punted (ARP, ND, packets waiting for a MAC)
// is taken from the punt ring: ARP and ND go through the control thread's
// parsers (lib/neigh), without the model changes dp_ctl_poll would make, so
// that every input sees the same tables.
//
// Checks per input, each an abort (a finding) when it fails:
//   - every transmitted frame: one segment, lengths consistent with its
//     buffer, our port's MAC as source, an IPv4 or IPv6 header whose length
//     matches the frame, an IPv4 header checksum that verifies, and no more
//     than the port's MTU;
//   - afterwards every mbuf is back in its pool (none leaked, none freed
//     twice), and the worker holds no packet in its TX or drop buffers.

#define _GNU_SOURCE // sched_getaffinity

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "config.h"
#include "dp_priv.h"
#include "dp_stage.h"
#include "model.h"
#include "neigh_pkt.h"

#define N_PORTS 4
#define MAX_COPIES 8
#define MAX_SEGS 4
// Headroom of a tight buffer: room for the longest encapsulation, as the
// pool mbufs' headroom + tailroom give it (srv6_make_headroom).
#define HEADROOM 512

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct model model;
static struct dp_lcore *lc;
static struct rte_mempool *pool;
static uint16_t port_id[N_PORTS];
static struct rte_ring *tx_ring[N_PORTS];
static unsigned int pool_avail, ctl_avail;

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_packet: %s\n", what);
	abort();
}

// The first CPU this process may run on: both lcores go there.
static int
first_cpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				return c;
	return 0;
}

// FUZZ_PACKET_STATS=1: at exit, what the inputs did (frames sent per port,
// drops by reason), to see that a corpus reaches the stages it should.
static void
print_stats(void)
{
	struct dp_counters *c = calloc(1, sizeof(*c));

	if (c == NULL || dp_counters_read(c) < 0)
		return;
	for (int i = 0; i < N_PORTS; i++)
		fprintf(stderr, "fuzz_packet: port %s: rx %" PRIu64 " tx %" PRIu64 "\n",
			model.ports[i].name, c->ports[i].rx_packets, c->ports[i].tx_packets);
	for (int r = 0; r < DP_DROP_MAX; r++)
		if (c->drops[r] != 0)
			fprintf(stderr, "fuzz_packet: drop %s %" PRIu64 "\n", dp_drop_name(r),
				c->drops[r]);
	free(c);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char lcores[64], prefix[64];
	const char *cfg = getenv("FUZZ_PACKET_CONFIG");
	struct model_err e = {0};
	int cpu = first_cpu();

	(void)argc;
	(void)argv;
	snprintf(lcores, sizeof(lcores), "0@%d,1@%d", cpu, cpu);
	// One prefix for all: with --no-shconf nothing is shared through it, and
	// the runtime directory EAL makes for it is one, not one per process.
	snprintf(prefix, sizeof(prefix), "fuzz_packet");
	char *eal[] = {"fuzz_packet", "--no-huge",	"--no-pci", "-m",   "256",
		       "--no-shconf", "--no-telemetry", "--lcores", lcores, "--file-prefix",
		       prefix,	      "--log-level",	"*:error",  NULL};
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		abort();
	}
	if (cfg == NULL)
		cfg = FUZZ_PACKET_CONFIG;
	if (model_init(&model) < 0 || dp_init(&model, &(struct dp_init_conf){0}) < 0)
		fail("datapath init failed");
	if (config_load(&model, cfg, &e) < 0) {
		fprintf(stderr, "fuzz_packet: %s: %s: %s\n", cfg, e.field, e.msg);
		abort();
	}
	if (dp_ports_start() < 0)
		fail("ports failed to start");
	for (int i = 0; i < N_PORTS; i++) {
		char name[RTE_RING_NAMESIZE];
		char dev[RTE_ETH_NAME_MAX_LEN];

		port_id[i] = model.ports[i].port_id;
		if (rte_eth_dev_get_name_by_port(port_id[i], dev) != 0)
			fail("port without a name");
		// net_ring's queue 0: the ring the worker's TX queue writes.
		snprintf(name, sizeof(name), "ETH_RXTX0_%s", dev);
		tx_ring[i] = rte_ring_lookup(name);
		if (tx_ring[i] == NULL)
			fail("a port is not a net_ring device");
	}
	lc = dp_g.lcores[0];
	pool = dp_g.pools[rte_socket_id() < RTE_MAX_NUMA_NODES ? rte_socket_id() : 0];
	if (pool == NULL)
		pool = dp_g.pools[0];
	pool_avail = rte_mempool_avail_count(pool);
	ctl_avail = rte_mempool_avail_count(dp_g.ctl_pool);
	if (getenv("FUZZ_PACKET_STATS") != NULL)
		atexit(print_stats);
	return 0;
}

static void
ext_free(void *addr, void *opaque)
{
	free(addr);
	free(opaque);
}

// The frame in an external buffer of exactly HEADROOM + len bytes.
static struct rte_mbuf *
tight_mbuf(const uint8_t *frame, uint16_t len)
{
	struct rte_mbuf_ext_shared_info *sh = calloc(1, sizeof(*sh));
	uint8_t *buf = malloc((size_t)HEADROOM + len);
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (sh == NULL || buf == NULL || m == NULL)
		fail("out of memory");
	sh->free_cb = ext_free;
	sh->fcb_opaque = sh;
	rte_mbuf_ext_refcnt_set(sh, 1);
	// --no-huge runs in IOVA-as-VA mode: the address is the IOVA.
	rte_pktmbuf_attach_extbuf(m, buf, (rte_iova_t)(uintptr_t)buf, (uint16_t)(HEADROOM + len),
				  sh);
	m->data_off = HEADROOM;
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame, len);
	m->data_len = len;
	m->pkt_len = len;
	return m;
}

// The frame in pool mbufs, chained when it exceeds one data room.
static struct rte_mbuf *
pool_mbuf(const uint8_t *frame, uint32_t len)
{
	struct rte_mbuf *head = NULL, *last = NULL;
	uint32_t off = 0;

	do {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint16_t n;

		if (m == NULL)
			fail("pool empty");
		n = (uint16_t)RTE_MIN(len - off, (uint32_t)rte_pktmbuf_tailroom(m));
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame + off, n);
		m->data_len = n;
		off += n;
		if (head == NULL) {
			head = m;
		} else {
			last->next = m;
			head->nb_segs++;
		}
		head->pkt_len = off;
		last = m;
	} while (off < len);
	return head;
}

static void
check_frame(int p, struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint8_t mac[6];
	uint32_t l3, ip_len;
	uint16_t et;

	if (m->nb_segs != 1 || m->next != NULL || m->pkt_len != m->data_len)
		fail("TX: a frame of several segments or inconsistent lengths");
	if ((uint32_t)m->data_off + m->data_len > m->buf_len)
		fail("TX: data past the end of its buffer");
	if (m->pkt_len < RTE_ETHER_HDR_LEN)
		fail("TX: frame shorter than an Ethernet header");
	dp_port_mac(port_id[p], mac); // the configured one, else the device's
	if (memcmp(d + 6, mac, 6) != 0)
		fail("TX: source MAC is not the port's");
	et = (uint16_t)(d[12] << 8 | d[13]);
	l3 = m->pkt_len - RTE_ETHER_HDR_LEN;
	d += RTE_ETHER_HDR_LEN;
	if (et == RTE_ETHER_TYPE_IPV6) {
		if (l3 < 40 || (d[0] >> 4) != 6)
			fail("TX: bad IPv6 header");
		ip_len = 40u + ((uint32_t)d[4] << 8 | d[5]);
	} else if (et == RTE_ETHER_TYPE_IPV4) {
		if (l3 < 20 || (d[0] >> 4) != 4 || (d[0] & 0xf) < 5 || l3 < (d[0] & 0xfu) * 4)
			fail("TX: bad IPv4 header");
		if (rte_raw_cksum(d, (d[0] & 0xfu) * 4) != 0xffff)
			fail("TX: IPv4 header checksum wrong");
		ip_len = (uint32_t)d[2] << 8 | d[3];
	} else {
		fail("TX: neither IPv4 nor IPv6");
		return;
	}
	// Padding to the Ethernet minimum is the only slack allowed.
	if (ip_len > l3 || (ip_len < l3 && m->pkt_len > 60))
		fail("TX: IP length does not match the frame");
	if (ip_len > model.ports[p].mtu && model.ports[p].mtu != 0)
		fail("TX: packet over the port's MTU");
}

// What the worker handed to the control thread: parsed as dp_ctl.c would.
static void
drain_punts(void)
{
	struct rte_mbuf *m;

	while (rte_ring_sc_dequeue(dp_g.punt_ring, (void **)&m) == 0) {
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		struct arp_info a;
		struct nd_info nd;

		if (dp_meta(m)->punt == DP_PUNT_ARP)
			(void)arp_parse(d, m->data_len, &a);
		else if (dp_meta(m)->punt == DP_PUNT_ND)
			(void)nd_parse(d, m->data_len, &nd);
		rte_pktmbuf_free(m);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *pkts[MAX_COPIES];
	uint32_t room = RTE_MBUF_DEFAULT_DATAROOM, len;
	unsigned int copies, p;
	bool tight;

	if (size < 1)
		return 0;
	p = data[0] & 3;
	tight = (data[0] & 4) != 0;
	copies = ((data[0] >> 3) & 7) + 1;
	data++;
	len = (uint32_t)RTE_MIN(size - 1, (size_t)room * MAX_SEGS);
	if (tight && len > UINT16_MAX - HEADROOM)
		tight = false;
	for (unsigned int i = 0; i < copies; i++) {
		pkts[i] = tight ? tight_mbuf(data, (uint16_t)len) : pool_mbuf(data, len);
		pkts[i]->port = port_id[p];
	}
	// The ICMP error budget full for every input: the same input, the same
	// result, whenever it runs.
	dp_icmp_init(lc);
	dp_bench_burst(lc, pkts, (uint16_t)copies);
	drain_punts();
	for (int i = 0; i < N_PORTS; i++) {
		struct rte_mbuf *out;
		while (rte_ring_sc_dequeue(tx_ring[i], (void **)&out) == 0) {
			check_frame(i, out);
			rte_pktmbuf_free(out);
		}
	}
	if (lc->n_drop != 0 || lc->tx_pending != 0)
		fail("packets left in the worker's buffers");
	if (rte_mempool_avail_count(pool) != pool_avail)
		fail("mbufs lost or freed twice (worker pool)");
	if (rte_mempool_avail_count(dp_g.ctl_pool) != ctl_avail)
		fail("mbufs lost or freed twice (control pool)");
	return 0;
}
