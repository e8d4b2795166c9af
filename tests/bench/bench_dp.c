// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Datapath benchmark: cycles per packet and Mpps per core for H.Encaps,
// End.DT46 decapsulation, End transit and plain IPv4 forwarding, each measured
// side by side with a reference loop in the same run. Every loop does the same
// framing work (allocate a burst, copy a template frame into each mbuf, send
// it to a net_null port that frees it); the reference sends the burst straight
// to TX, as testpmd's io mode does, so "ours - reference" is the cost of our
// pipeline on top of the PMD's. With several workers (EAL -l 0-N) each worker
// runs its own loop on its own lcore and TX queue: the aggregate shows scaling,
// including for traffic from a single remote PE (one outer address pair).
//
// Those loops call dp_bench_burst, not the worker's poll loop. When EAL has a
// net_ring0 device (run.sh gives one), a second part runs the real loop,
// dp_worker_main on worker 0 with its idle backoff, on H.Encaps traffic that
// the main lcore feeds into net_ring0's RX ring as fast as the worker takes
// it, with the backoff off and on in alternating rounds: Mpps and TSC cycles
// of the worker's wall time per packet, so any cost of the idle checks on
// the loaded path shows as a difference between the two.
//
// Usage: bench_dp [EAL options] -- [--bursts N] [--workers N] [--loop-ms N]
//        [--loop-rounds N] [--idle-us N] [--scenario I]
// --scenario I runs only scenario I (0 reference, 1 IPv4 forward, 2 H.Encaps,
// 3 End.DT46, 4 End): tests/bench/callgrind.sh counts instructions per packet
// of one behaviour that way.

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "model.h"

#define BURST 32

enum scenario { SC_REFERENCE, SC_IPV4_FORWARD, SC_ENCAP, SC_DECAP_DT46, SC_END, SC_MAX };
static const char *const sc_names[SC_MAX] = {"reference (io forward)", "IPv4 forward",
					      "H.Encaps (IPv4 in SRv6)",
					      "End.DT46 (decap to VRF)", "End (transit)"};

struct tmpl {
	uint8_t data[256];
	uint16_t len;
	uint16_t rx_port;
};

static struct tmpl templates[SC_MAX];
static uint16_t wan_id, ce_id, ring_id;
static bool have_ring;
static unsigned int loop_ms = 1000, loop_rounds = 3;
static uint32_t loop_idle_us = DP_IDLE_SLEEP_DEFAULT_US;
static uint64_t n_bursts = 200000;
static struct model model;

struct result {
	uint64_t cycles;
	uint64_t packets;
};
static struct result results[SRV6_MAX_WORKERS][SC_MAX];
static volatile int current_sc;

static void
die(const char *what, const struct model_err *e)
{
	fprintf(stderr, "bench_dp: %s: %s %s\n", what, e ? e->field : "", e ? e->msg : "");
	exit(1);
}

static struct ip_prefix
P(const char *s)
{
	struct ip_prefix p;
	if (prefix_parse(s, true, &p) < 0)
		die(s, NULL);
	return p;
}

static struct ip_addr
A(const char *s)
{
	struct ip_addr a;
	if (addr_parse(s, &a) < 0)
		die(s, NULL);
	return a;
}

// "addr/len" with host bits kept, as port addresses are written.
static struct ip_prefix
port_addr(const char *s)
{
	char buf[64];
	struct ip_prefix p;
	char *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash == NULL)
		die(s, NULL);
	*slash = '\0';
	p.addr = A(buf);
	p.len = (uint8_t)atoi(slash + 1);
	return p;
}

static void
add_port(struct model_txn *t, const char *name, const char *dev, uint16_t vrf, const char *a1,
	 const char *a2, uint16_t *id)
{
	struct model_port p = {.vrf = vrf, .mtu = 1500};
	struct model_err e;

	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.device, sizeof(p.device), "%s", dev);
	if (dp_port_probe(dev, id, &e) < 0)
		die("probe", &e);
	p.port_id = *id;
	p.addrs[p.n_addrs++] = port_addr(a1);
	if (a2 != NULL)
		p.addrs[p.n_addrs++] = port_addr(a2);
	if (dp_port_configure(&p, &e) < 0 || model_port_create(t, &p, &e) < 0)
		die("port", &e);
}

static void
configure(void)
{
	struct model_txn *t = model_txn_begin(&model);
	struct model_err e;
	struct model_vrf v = {.table = 101};
	struct model_encap enc = {.has_src = true, .hop_limit = 64, .flowlabel = MODEL_FL_COMPUTE};
	struct ip_addr src = A("2001:db8:0:12::1");
	uint8_t mac_pe2[6] = {2, 0, 0, 0, 0, 2}, mac_ce[6] = {2, 0, 0, 0, 0, 3};

	snprintf(v.name, sizeof(v.name), "L3VPN-1");
	if (model_vrf_add(t, &v, &e) < 0)
		die("vrf", &e);
	add_port(t, "wan0", "net_null0", 0, "2001:db8:0:12::1/64", NULL, &wan_id);
	add_port(t, "ce0", "net_null1", 1, "172.16.10.1/24", "2001:db8:1::1/64", &ce_id);
	// The real loop's traffic source: a second customer port in the VRF.
	if (have_ring)
		add_port(t, "ce1", "net_ring0", 1, "172.16.11.1/24", NULL, &ring_id);
	memcpy(enc.src, src.bytes, 16);
	if (model_encap_set(t, &enc, &e) < 0)
		die("encap", &e);

	struct model_sid s = {.sid = P("2a0e:97c0:ae6:1001:1::"), .behavior = SB_END_DT46,
			      .vrf = 1, .port = MODEL_NO_PORT};
	if (model_sid_add(t, &s, &e) < 0)
		die("sid", &e);
	struct model_sid end = {.sid = P("2a0e:97c0:ae6:1001:2::"), .behavior = SB_END,
				.port = MODEL_NO_PORT};
	if (model_sid_add(t, &end, &e) < 0)
		die("sid", &e);

	struct model_route r = {.vrf = 1, .prefix = P("172.16.20.0/24"), .n_nh = 1};
	struct ip_addr seg = A("2a0e:97c0:ae6:2001:1::");
	r.nh[0].type = MNH_SRV6;
	r.nh[0].n_segs = 1;
	r.nh[0].port = MODEL_NO_PORT;
	memcpy(r.nh[0].segs[0], seg.bytes, 16);
	if (model_route_add(t, &r, &e) < 0)
		die("route", &e);
	struct model_route u = {.vrf = 0, .prefix = P("2a0e:97c0:ae6:2001::/64"), .n_nh = 1};
	u.nh[0].type = MNH_IP;
	u.nh[0].has_via = true;
	u.nh[0].via = A("2001:db8:0:12::2");
	u.nh[0].port = MODEL_NO_PORT;
	if (model_route_add(t, &u, &e) < 0)
		die("route", &e);
	struct model_route f = {.vrf = 1, .prefix = P("172.16.30.0/24"), .n_nh = 1};
	f.nh[0].type = MNH_IP;
	f.nh[0].has_via = true;
	f.nh[0].via = A("172.16.10.3");
	f.nh[0].port = MODEL_NO_PORT;
	if (model_route_add(t, &f, &e) < 0)
		die("route", &e);
	struct ip_addr pe2 = A("2001:db8:0:12::2"), ce = A("172.16.10.2"), ce3 = A("172.16.10.3");
	if (model_neigh_add(t, 0, &pe2, mac_pe2, &e) < 0 ||
	    model_neigh_add(t, 1, &ce, mac_ce, &e) < 0 ||
	    model_neigh_add(t, 1, &ce3, mac_ce, &e) < 0)
		die("neighbor", &e);
	if (dp_commit(t, &e) < 0)
		die("commit", &e);
	model_txn_end(t);
}

static uint16_t
put_eth(uint8_t *d, uint16_t port, uint16_t type)
{
	struct rte_ether_addr mac;

	rte_eth_macaddr_get(port, &mac);
	memcpy(d, mac.addr_bytes, 6);
	memset(d + 6, 0x02, 6);
	d[12] = (uint8_t)(type >> 8);
	d[13] = (uint8_t)type;
	return 14;
}

static uint16_t
put_ip4_udp(uint8_t *d, const char *src, const char *dst, uint16_t payload)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)d;
	struct ip_addr s = A(src), t = A(dst);

	memset(ip, 0, 20);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + payload));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	memcpy(&ip->src_addr, s.bytes, 4);
	memcpy(&ip->dst_addr, t.bytes, 4);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	uint8_t *udp = d + 20;
	memset(udp, 0, 8 + payload);
	udp[0] = 0x30;
	udp[1] = 0x39;
	udp[2] = 0x00;
	udp[3] = 0x35;
	udp[5] = (uint8_t)(8 + payload);
	return (uint16_t)(28 + payload);
}

static uint16_t
put_ip6_srh(uint8_t *d, const char *src, const char *dst, uint8_t sl, const char *seg0,
	    const char *seg1, uint8_t nh, uint16_t inner_len)
{
	struct ip_addr s = A(src), t = A(dst);
	unsigned int nseg = seg1 ? 2 : 1;
	uint16_t srh_len = (uint16_t)(8 + 16 * nseg);

	memset(d, 0, 40 + srh_len);
	d[0] = 0x60;
	d[4] = (uint8_t)((srh_len + inner_len) >> 8);
	d[5] = (uint8_t)(srh_len + inner_len);
	d[6] = 43;
	d[7] = 64;
	memcpy(d + 8, s.bytes, 16);
	memcpy(d + 24, t.bytes, 16);
	uint8_t *srh = d + 40;
	srh[0] = nh;
	srh[1] = (uint8_t)(2 * nseg);
	srh[2] = 4;
	srh[3] = sl;
	srh[4] = (uint8_t)(nseg - 1);
	// Segment List[0] is the last segment.
	struct ip_addr a0 = A(seg1 ? seg1 : seg0);
	memcpy(srh + 8, a0.bytes, 16);
	if (seg1) {
		struct ip_addr a1 = A(seg0);
		memcpy(srh + 24, a1.bytes, 16);
	}
	return (uint16_t)(40 + srh_len);
}

static void
build_templates(void)
{
	struct tmpl *t;
	uint16_t off;

	// Customer IPv4 toward the remote site: H.Encaps.
	t = &templates[SC_ENCAP];
	off = put_eth(t->data, ce_id, RTE_ETHER_TYPE_IPV4);
	t->len = (uint16_t)(off + put_ip4_udp(t->data + off, "172.16.10.2", "172.16.20.2", 18));
	t->rx_port = ce_id;
	// Same frame for the reference loop.
	templates[SC_REFERENCE] = *t;
	// Plain IPv4 forward inside the VRF.
	t = &templates[SC_IPV4_FORWARD];
	off = put_eth(t->data, ce_id, RTE_ETHER_TYPE_IPV4);
	t->len = (uint16_t)(off + put_ip4_udp(t->data + off, "172.16.10.2", "172.16.30.2", 18));
	t->rx_port = ce_id;
	// From the remote PE: outer IPv6 + SRH (SL 0) + IPv4, to our End.DT46 SID.
	t = &templates[SC_DECAP_DT46];
	off = put_eth(t->data, wan_id, RTE_ETHER_TYPE_IPV6);
	off = (uint16_t)(off + put_ip6_srh(t->data + off, "2001:db8:0:12::2",
					   "2a0e:97c0:ae6:1001:1::", 0, "2a0e:97c0:ae6:1001:1::",
					   NULL, 4, 46));
	t->len = (uint16_t)(off + put_ip4_udp(t->data + off, "172.16.20.2", "172.16.10.2", 18));
	t->rx_port = wan_id;
	// Transit: our End SID first, then the remote PE's SID.
	t = &templates[SC_END];
	off = put_eth(t->data, wan_id, RTE_ETHER_TYPE_IPV6);
	off = (uint16_t)(off + put_ip6_srh(t->data + off, "2001:db8:0:12::2",
					   "2a0e:97c0:ae6:1001:2::", 1, "2a0e:97c0:ae6:1001:2::",
					   "2a0e:97c0:ae6:2001:1::", 4, 46));
	t->len = (uint16_t)(off + put_ip4_udp(t->data + off, "172.16.20.2", "172.16.10.2", 18));
	t->rx_port = wan_id;
}

static int
bench_worker(void *arg)
{
	struct dp_lcore *lc = arg;
	struct rte_mempool *pool = dp_g.pools[rte_socket_id() < RTE_MAX_NUMA_NODES
						      ? rte_socket_id()
						      : 0];
	struct rte_mbuf *pkts[BURST];
	int sc = current_sc;
	const struct tmpl *t = &templates[sc];
	uint64_t cycles = 0, pkts_done = 0;

	if (pool == NULL)
		pool = dp_g.pools[0];
	for (uint64_t b = 0; b < n_bursts; b++) {
		uint64_t t0 = rte_rdtsc();
		if (rte_pktmbuf_alloc_bulk(pool, pkts, BURST) != 0)
			continue;
		for (unsigned int i = 0; i < BURST; i++) {
			struct rte_mbuf *m = pkts[i];
			uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
			rte_memcpy(d, t->data, t->len);
			// Flows differ by UDP source port: ECMP and flow labels see many.
			d[t->len - 26] = (uint8_t)(b + i);
			m->data_len = m->pkt_len = t->len;
			m->port = t->rx_port;
		}
		if (sc == SC_REFERENCE) {
			uint16_t sent = rte_eth_tx_burst(wan_id, (uint16_t)lc->idx, pkts, BURST);
			if (sent < BURST)
				rte_pktmbuf_free_bulk(pkts + sent, BURST - sent);
		} else {
			dp_bench_burst(lc, pkts, BURST);
		}
		cycles += rte_rdtsc() - t0;
		pkts_done += BURST;
	}
	results[lc->idx][sc].cycles = cycles;
	results[lc->idx][sc].packets = pkts_done;
	return 0;
}

// --- the real worker loop ----------------------------------------------------------

struct loop_result {
	double mpps, cpp;
	uint64_t sleeps;
};

// One round: worker 0 runs dp_worker_main with the given idle cap while this
// (main) lcore keeps net_ring0's RX ring full of H.Encaps frames for ms
// milliseconds; packets counted from the port counters.
static struct loop_result
loop_round(uint32_t idle_us, unsigned int ms)
{
	struct rte_ring *r = rte_ring_lookup("ETH_RXTX0_net_ring0");
	struct rte_mempool *pool = dp_g.pools[0];
	struct dp_counters *c0 = calloc(1, sizeof(*c0)), *c1 = calloc(1, sizeof(*c1));
	struct tmpl t = templates[SC_ENCAP];
	struct rte_mbuf *pkts[BURST];
	struct rte_ether_addr mac;
	uint64_t hz = rte_get_tsc_hz(), start, t0 = 0, t1 = 0, drops = 0;
	struct loop_result res = {0};
	bool measuring = false;
	unsigned int n = 0;

	if (r == NULL || pool == NULL || c0 == NULL || c1 == NULL)
		die("real loop: no net_ring0 ring or no memory", NULL);
	rte_eth_macaddr_get(ring_id, &mac);
	memcpy(t.data, mac.addr_bytes, 6);
	dp_g.idle_sleep_us = idle_us;
	__atomic_store_n(&dp_g.stop, false, __ATOMIC_RELEASE);
	rte_eal_remote_launch(dp_worker_main, dp_g.lcores[0], dp_g.lcores[0]->lcore_id);
	start = rte_rdtsc();
	for (uint64_t b = 0;; b++) {
		uint64_t now = rte_rdtsc();
		// 100 ms of warm-up, then the measured window.
		if (!measuring && now - start > hz / 10) {
			dp_counters_read(c0);
			now = t0 = rte_rdtsc();
			measuring = true;
		}
		if (measuring && now - t0 > hz * ms / 1000)
			break;
		if (n == 0) {
			if (rte_pktmbuf_alloc_bulk(pool, pkts, BURST) != 0)
				continue;
			for (unsigned int i = 0; i < BURST; i++) {
				struct rte_mbuf *m = pkts[i];
				uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
				rte_memcpy(d, t.data, t.len);
				d[t.len - 26] = (uint8_t)(b + i);
				m->data_len = m->pkt_len = t.len;
				m->port = ring_id;
			}
			n = BURST;
		}
		n -= rte_ring_sp_enqueue_burst(r, (void **)pkts + (BURST - n), n, NULL);
	}
	dp_counters_read(c1);
	t1 = rte_rdtsc();
	if (n != 0)
		rte_pktmbuf_free_bulk(pkts + (BURST - n), n);
	// Let the worker drain the ring before it stops.
	while (rte_ring_count(r) != 0)
		rte_pause();
	__atomic_store_n(&dp_g.stop, true, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(dp_g.lcores[0]->lcore_id);
	uint64_t pkts_done = c1->ports[0].tx_packets - c0->ports[0].tx_packets;
	for (int i = 0; i < DP_DROP_MAX; i++)
		drops += c1->drops[i] - c0->drops[i];
	if (drops != 0 || pkts_done == 0) {
		fprintf(stderr, "bench_dp: real loop: %" PRIu64 " sent, %" PRIu64 " dropped\n",
			pkts_done, drops);
		exit(1);
	}
	res.mpps = (double)pkts_done / ((double)(t1 - t0) / (double)hz) / 1e6;
	res.cpp = (double)(t1 - t0) / (double)pkts_done;
	res.sleeps = c1->lcores[0].idle_sleeps - c0->lcores[0].idle_sleeps;
	free(c0);
	free(c1);
	return res;
}

static void
loop_bench(void)
{
	const uint32_t caps[2] = {0, loop_idle_us};
	double sum_mpps[2] = {0}, sum_cpp[2] = {0};

	printf("\nreal worker loop (dp_worker_main), H.Encaps from net_ring0, %u ms rounds:\n",
	       loop_ms);
	printf("%-8s %-14s %12s %12s %12s\n", "round", "idle_sleep_us", "Mpps", "cycles/pkt",
	       "idle_sleeps");
	for (unsigned int round = 0; round < loop_rounds; round++) {
		for (int k = 0; k < 2; k++) {
			// Alternate which setting goes first, so drift hits both alike.
			int i = (int)(round & 1) ^ k;
			struct loop_result r = loop_round(caps[i], loop_ms);
			sum_mpps[i] += r.mpps;
			sum_cpp[i] += r.cpp;
			printf("%-8u %-14u %12.2f %12.1f %12" PRIu64 "\n", round, caps[i], r.mpps,
			       r.cpp, r.sleeps);
		}
	}
	for (int i = 0; i < 2; i++)
		printf("%-8s %-14u %12.2f %12.1f\n", "mean", caps[i], sum_mpps[i] / loop_rounds,
		       sum_cpp[i] / loop_rounds);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {{"bursts", required_argument, NULL, 'b'},
					     {"workers", required_argument, NULL, 'w'},
					     {"loop-ms", required_argument, NULL, 'm'},
					     {"loop-rounds", required_argument, NULL, 'r'},
					     {"idle-us", required_argument, NULL, 'i'},
					     {"scenario", required_argument, NULL, 's'},
					     {NULL, 0, NULL, 0}};
	int only = -1;
	unsigned int max_workers = SRV6_MAX_WORKERS;
	int rc = rte_eal_init(argc, argv), opt;

	if (rc < 0) {
		fprintf(stderr, "bench_dp: EAL init failed\n");
		return 1;
	}
	argc -= rc;
	argv += rc;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'b')
			n_bursts = strtoull(optarg, NULL, 10);
		else if (opt == 'w')
			max_workers = (unsigned int)atoi(optarg);
		else if (opt == 'm')
			loop_ms = (unsigned int)atoi(optarg);
		else if (opt == 'r')
			loop_rounds = (unsigned int)atoi(optarg);
		else if (opt == 'i')
			loop_idle_us = (uint32_t)atoi(optarg);
		else if (opt == 's')
			only = atoi(optarg);
	}
	{
		uint16_t pid;
		have_ring = rte_eth_dev_get_port_by_name("net_ring0", &pid) == 0;
	}
	if (model_init(&model) < 0 || dp_init(&model, &(struct dp_init_conf){0}) < 0) {
		fprintf(stderr, "bench_dp: datapath init failed\n");
		return 1;
	}
	configure();
	if (dp_ports_start() < 0) {
		fprintf(stderr, "bench_dp: ports failed to start\n");
		return 1;
	}
	build_templates();
	unsigned int nw = RTE_MIN(dp_g.n_workers, max_workers);
	double hz = (double)rte_get_tsc_hz();

	printf("srv6d datapath benchmark: %u worker(s), %" PRIu64 " bursts of %d per worker, "
	       "TSC %.0f MHz\n",
	       nw, n_bursts, BURST, hz / 1e6);
	printf("%-26s %12s %12s %14s %14s\n", "scenario", "cycles/pkt", "Mpps/core",
	       "Mpps total", "over ref c/p");
	double ref_cpp = 0;
	for (int sc = 0; sc < SC_MAX; sc++) {
		if (only >= 0 && sc != only)
			continue;
		struct dp_counters *before = calloc(1, sizeof(*before));
		struct dp_counters *after = calloc(1, sizeof(*after));
		current_sc = sc;
		dp_counters_read(before);
		for (unsigned int w = 0; w < nw; w++)
			rte_eal_remote_launch(bench_worker, dp_g.lcores[w], dp_g.lcores[w]->lcore_id);
		rte_eal_mp_wait_lcore();
		dp_counters_read(after);
		uint64_t cycles = 0, pkts = 0, drops = 0;
		for (unsigned int w = 0; w < nw; w++) {
			cycles += results[w][sc].cycles;
			pkts += results[w][sc].packets;
		}
		for (int r = 0; r < DP_DROP_MAX; r++)
			drops += after->drops[r] - before->drops[r];
		double cpp = (double)cycles / (double)pkts;
		double per_core = hz / cpp / 1e6;
		if (sc == SC_REFERENCE)
			ref_cpp = cpp;
		printf("%-26s %12.1f %12.2f %14.2f %14.1f\n", sc_names[sc], cpp, per_core,
		       per_core * nw, sc == SC_REFERENCE ? 0.0 : cpp - ref_cpp);
		if (drops != 0) {
			fprintf(stderr, "bench_dp: %s: %" PRIu64 " packets dropped:", sc_names[sc],
				drops);
			for (int r = 0; r < DP_DROP_MAX; r++)
				if (after->drops[r] != before->drops[r])
					fprintf(stderr, " %s=%" PRIu64, dp_drop_name(r),
						after->drops[r] - before->drops[r]);
			fprintf(stderr, "\n");
			return 1;
		}
		free(before);
		free(after);
	}
	if (have_ring && loop_rounds > 0)
		loop_bench();
	return 0;
}
