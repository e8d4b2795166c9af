// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Datapath internals shared by the worker loop (dp_worker.c) and its stages
// (dp_stage.h), the table publisher (dp_tables.c), port setup (dp_port.c)
// and the control-thread side (dp_ctl.c). Ownership is written on each field: "dp: ro" means workers only
// read it, "ctl: rw" means only the control thread writes it.

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_api.h"
#include "dp_drop.h"
#include "dp_l2.h"
#include "hmac.h"
#include "model.h"
#include "spread.h"
#include "srv6.h"

#define DP_BURST 32
// Lookups per packet. The longest walk we know of takes 5: ESP of mode
// tunnel to our address (1), decrypted, its SRv6 packet to our SID (2),
// decapsulated into the VRF (3), to our own address there, whose echo reply
// or ICMP error is looked up (4), encapsulated and protected, and looked up
// toward tunnel.dst (5). One more than that before calling it a loop.
#define DP_MAX_PASSES 6
#define DP_MAX_RXQ 64
#define DP_MAX_NEIGH 8192
#define DP_ECMP_SLOTS 64
#define DP_HOLD_MAX 16 // packets queued per unresolved neighbour
#define DP_PUNT_RING 4096
#define DP_CTL_TX_RING 1024
#define DP_CAPTURE_RING 4096

enum dp_nh_type {
	DNH_NONE = 0, // id 0: FIB miss
	DNH_BLACKHOLE,
	DNH_LOCAL,   // one of our addresses in this VRF
	DNH_RESOLVE, // connected subnet, host not known yet: punt for ARP/ND
	DNH_IP,	     // to a neighbour slot on a port
	DNH_ENCAP,   // H.Encaps / H.Encaps.Red, then underlay lookup
	DNH_ECMP,    // flow-hash over members
	DNH_SID,     // local SID behaviour
};

// Next-hop objects are immutable once a table references them (ctl: rw before
// publication, dp: ro after). Tables hold their index, never a pointer.
struct dp_nh {
	uint8_t type;	      // enum dp_nh_type
	uint8_t behavior;     // DNH_SID: enum model_behavior
	uint16_t port;	      // DPDK port id: DNH_IP, DNH_RESOLVE; End.DX2's egress
	uint16_t vrf;	      // DNH_SID: End.T / DT* table; DNH_LOCAL: the VRF
	uint16_t sid_counter; // DNH_SID
	uint32_t flavors;     // DNH_SID: SID_FL_*
	uint8_t csid_block;   // DNH_SID next-csid: block bytes (RFC 9800 LBL / 8)
	uint8_t csid_bytes;   // DNH_SID next-csid: C-SID bytes (LNFL / 8)
	uint8_t hmac_req;     // DNH_SID: only SRHs with a valid HMAC TLV
	uint32_t neigh;	      // DNH_IP: neighbour slot
	uint32_t child;	      // DNH_SID: End.X/DX*/AS/AD -> DNH_IP, End.B6.Encaps -> DNH_ENCAP
	uint16_t n_slots;     // DNH_ECMP: weighted member slots
	uint16_t ipsec_sa1;   // DNH_ENCAP: outbound SA slot + 1 (lib/ipsec), 0 = none
	uint32_t slots[DP_ECMP_SLOTS]; // DNH_ECMP: member next-hop ids
	struct srv6_encap_tmpl tmpl;   // DNH_ENCAP
} __rte_cache_aligned;

// What a port's received traffic is steered into before any lookup.
enum dp_attach {
	DP_ATTACH_NONE,
	DP_ATTACH_L2,		 // l2vpn port: each frame whole into attach_nh (H.Encaps.L2)
	DP_ATTACH_PROXY_STATIC,	 // End.AS return port: IP packets into attach_nh
	DP_ATTACH_PROXY_DYNAMIC, // End.AD return port: IP packets under the SID's cached headers
	DP_ATTACH_PROXY_MASQ,	 // End.AM return port: DA back from the SRH (de-masquerade)
};

// Per-port facts a worker needs, copied into each table side (dp: ro).
struct dp_port_meta {
	bool enabled;
	uint8_t attach;	       // enum dp_attach
	uint16_t attach_cache; // DP_ATTACH_PROXY_DYNAMIC: the End.AD SID's cache slot
	uint32_t attach_nh;    // DP_ATTACH_L2 / PROXY_STATIC: the DNH_ENCAP next hop
	uint16_t vrf;
	uint16_t mtu;
	uint16_t tcp_mss; // clamp TCP SYNs through the port (0: off)
	uint16_t model_idx;
	struct rte_ether_addr mac;
	// An l2vpn bridge (DP_ATTACH_L2 with peers): per peer, the DNH_ENCAP
	// next hops toward its End.DT2U (l2_nh[2k]) and its End.DT2M
	// (l2_nh[2k + 1]), and the address its frames come from.
	uint8_t l2_peers;
	uint32_t l2_nh[2 * MODEL_L2_MAX_PEERS];
	uint8_t l2_peer_addr[MODEL_L2_MAX_PEERS][16];
};

// Per-VRF addresses used as the source of our ICMP errors (dp: ro).
struct dp_vrf_meta {
	bool has_src4, has_src6;
	uint8_t src4[4];
	uint8_t src6[16];
};

struct fib; // lib/fib

// SRH HMAC keys the SIDs verify with (RFC 8754 2.1.2), HMAC-SHA256 states.
struct dp_hmac_key {
	uint32_t key_id;
	struct hmac_sha256_key k;
};

// One side of the published A/B state: everything a worker reads per packet.
struct dp_tables {
	struct fib *fib4[SRV6_MAX_VRFS]; // lib/fib, sized by what each holds
	struct fib *fib6[SRV6_MAX_VRFS];
	struct dp_port_meta ports[RTE_MAX_ETHPORTS];
	struct dp_vrf_meta vrfs[SRV6_MAX_VRFS];
	uint16_t n_hmac;
	uint32_t hmac_gen; // new with every rebuild of the keys: seen HMACs expire
	struct dp_hmac_key hmac[MODEL_MAX_HMAC_KEYS];
};

// SRH HMACs a worker has verified lately (dp_sid.c): the traffic of one
// headend's policy carries the same source, segment list and HMAC in every
// packet, so a match skips the SHA-256 (the fields the HMAC covers and the
// HMAC itself are compared, not a hash of them).
#define DP_HMAC_SEEN 4
#define DP_HMAC_SEEN_SEGS 8
struct dp_hmac_seen {
	uint32_t gen; // dp_tables.hmac_gen when verified; 0: empty
	uint32_t key_id;
	uint8_t n_segs;
	uint8_t flags;
	uint8_t src[16];
	uint8_t segs[DP_HMAC_SEEN_SEGS * 16];
	uint8_t mac[32];
};

// Per-mbuf metadata in the mbuf private area (our pools reserve it).
struct dp_meta {
	uint16_t rx_port; // DPDK port id the packet came in on
	uint16_t in_vrf;  // that port's VRF
	uint16_t vrf;	  // table for the next lookup
	uint8_t family;	  // 4 or 6: the header at the mbuf's data offset
	uint8_t flags;	  // DP_F_*
	uint8_t passes;
	uint8_t punt;	    // DP_PUNT_* when handed to the control thread
	uint16_t encap_len; // bytes our headend prepended (undone for too-big errors)
	uint16_t tx_port;   // punt: egress port
	uint32_t flow_hash;
	uint32_t nh;	// lookup result
	uint32_t neigh; // punt: neighbour slot
	uint8_t l2_len; // the Ethernet header classify stripped (capture copies at L3)
	uint64_t tsc;	// capture copies: when the packet was seen
};

#define DP_F_NO_TTL_DEC 0x1 // TTL/hop limit already handled at this node
#define DP_F_HASHED 0x2	    // flow_hash is valid
#define DP_F_INSERTED 0x4   // encap_len bytes of SRH were inserted (H.Insert)

enum dp_punt {
	DP_PUNT_NONE,
	DP_PUNT_ARP,	 // data at the ARP header
	DP_PUNT_ND,	 // data at the IPv6 header of a neighbour discovery message
	DP_PUNT_HOLD,	 // routed packet (data at L3) waiting for neighbour slot `neigh`
	DP_PUNT_RESOLVE, // routed packet (data at L3) to an unknown host on tx_port
	DP_PUNT_HOST,	 // to one of our addresses, for the kernel (data at L3)
	DP_PUNT_OAM,	 // an answer to one of our OAM probes (data at L3, tsc stamped)
};

static inline struct dp_meta *
dp_meta(struct rte_mbuf *m)
{
	return (struct dp_meta *)rte_mbuf_to_priv(m);
}

// Counters of one worker: single writer, summed by the control thread.
struct dp_lcore_stats {
	uint64_t rx_packets[RTE_MAX_ETHPORTS];
	uint64_t rx_bytes[RTE_MAX_ETHPORTS];
	uint64_t tx_packets[RTE_MAX_ETHPORTS];
	uint64_t tx_bytes[RTE_MAX_ETHPORTS];
	uint64_t port_drops[RTE_MAX_ETHPORTS];
	uint64_t drops[DP_DROP_MAX];
	uint64_t bursts;
	uint64_t idle_sleeps; // idle backoff: sleeps taken
	uint64_t idle_tsc;    // and the TSC cycles they took
	uint64_t busy_tsc;    // TSC cycles on rounds with packets (while spreading is on)
	uint64_t handed_off;  // packets passed to another worker (dp_spread.c)
	uint64_t handed_in;   // packets taken from other workers
	uint64_t bucket_pkts[SPREAD_BUCKETS]; // tunnelled packets received per bucket
	uint64_t sid_packets[SRV6_MAX_SIDS];
	uint64_t sid_bytes[SRV6_MAX_SIDS];
	uint64_t sid_oam[SRV6_MAX_SIDS]; // packets whose SRH had the O-flag (RFC 9259)
};

struct dp_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[DP_BURST];
};

struct dp_rxq {
	uint16_t port;
	uint16_t queue;
};

struct dp_lcore {
	unsigned int lcore_id;
	unsigned int idx; // worker index = RCU thread id = TX queue id on every port
	uint16_t n_rxq;
	struct dp_rxq rxq[DP_MAX_RXQ]; // set before launch, ro after
	struct dp_txbuf tx[RTE_MAX_ETHPORTS];
	uint64_t tx_pending; // bitmask of ports with buffered packets (port id < 64)
	uint16_t n_drop;
	struct rte_mbuf *drop[DP_BURST * DP_MAX_PASSES * 2];
	uint64_t icmp_tokens;
	uint64_t icmp_last_tsc;
	uint8_t hmac_seen_next;
	struct dp_hmac_seen hmac_seen[DP_HMAC_SEEN];
	struct rte_ring *capture_ring; // SP/SC to the control thread
	// An l2vpn bridge's flooded copies (dp_classify.c), run through the
	// pipeline after the burst that made them: room for a burst of
	// broadcasts to the most peers a bridge has.
	uint16_t n_flood;
	struct rte_mbuf *flood[DP_BURST * (MODEL_L2_MAX_PEERS - 1)];
	// Spreading (dp_spread.c): this worker's bucket table (bucket -> worker
	// that processes it; ctl: rw, dp: ro, one relaxed byte each), how many of
	// its buckets are not at home (0: nothing to hand off), the rings from
	// each other worker to this one (SP/SC, set before launch) and the
	// buffers toward each other worker.
	uint16_t reta_away;
	uint32_t spread_round;
	uint8_t reta[SPREAD_BUCKETS];
	struct rte_ring *handoff_in[SRV6_MAX_WORKERS];
	struct dp_txbuf handoff_out[SRV6_MAX_WORKERS];
	struct dp_lcore_stats stats __rte_cache_aligned;
} __rte_cache_aligned;

// Neighbour slots: the MAC word is written by the control thread with one
// atomic store and read by workers with one relaxed load.
#define DP_NEIGH_VALID (1ull << 63)

struct dp_hold {
	uint16_t n;
	struct rte_mbuf *pkts[DP_HOLD_MAX];
};

// Control-side record of a slot (ctl: rw only).
struct dp_neigh_slot {
	bool used;
	uint16_t port; // DPDK port id
	uint16_t model_port;
	struct ip_addr addr;
	uint32_t refcnt; // next hops using it
	struct dp_hold hold;
};

// End.AD's cache (draft-ietf-spring-sr-service-programming 6.2): the outer
// headers of the last packet the SID sent to its service (SL already
// decremented and DA updated), re-imposed on what the service returns. One
// slot per SID (its counter id). Written by whichever worker runs the SID,
// read by whichever receives the return traffic: a sequence lock, writers
// taking it with a CAS (a writer that loses skips its update: the next
// packet brings the same headers), readers retrying while it moves.
#define DP_AD_HDR_MAX 384
struct dp_ad_cache {
	uint32_t seq;	 // odd while a writer copies
	uint16_t len;	 // bytes of hdr; 0 = nothing seen yet
	uint16_t nh_off; // the next-header byte in front of the inner packet
	uint8_t hdr[DP_AD_HDR_MAX];
} __rte_cache_aligned;

struct dp_global {
	struct model *model;
	volatile bool stop; // set by dp_stop, read by workers
	unsigned int n_workers;
	struct dp_lcore *lcores[SRV6_MAX_WORKERS];
	struct rte_rcu_qsbr *qsv;
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES];
	struct rte_mempool *ctl_pool;
	struct rte_ring *punt_ring;		   // MP/SC, workers -> control
	struct rte_ring *ctl_tx[RTE_MAX_ETHPORTS]; // SP/SC, control -> worker 0
	bool port_configured[RTE_MAX_ETHPORTS];
	bool port_started[RTE_MAX_ETHPORTS];
	uint16_t port_nrxq[RTE_MAX_ETHPORTS];

	// A/B tables: workers read side[active] through one acquire load per loop.
	struct dp_tables *side[2];
	uint32_t active;

	struct dp_nh *nh;		   // [SRV6_MAX_NEXTHOPS + 1], index 0 unused
	struct dp_ad_cache *ad_cache;	   // [SRV6_MAX_SIDS], by SID counter id
	uint64_t *neigh_mac;		   // [DP_MAX_NEIGH], index 0 unused
	struct dp_neigh_slot *neigh_slots; // [DP_MAX_NEIGH], ctl only

	volatile uint8_t capture_on[RTE_MAX_ETHPORTS]; // DP_CAPTURE_* bits, dp: ro
	volatile uint8_t host_on[RTE_MAX_ETHPORTS];    // the port has a host interface, dp: ro
	// OAM (dp_oam.c): probes from the control thread, routed by worker 0;
	// while a session is open, answers to our address are punted to it.
	struct rte_ring *inject_ring; // SP/SC, control -> worker 0
	volatile bool oam_on;	      // dp: ro

	// Drops counted on the control thread (hold queue overflow, failed resolution).
	uint64_t ctl_drops[DP_DROP_MAX];
	uint64_t tsc_hz;
	uint32_t idle_sleep_us; // worker idle backoff cap, read when a worker starts
	bool spread_on;		// tunnelled traffic spread over workers (dp_spread.c), dp: ro
	// l2vpn bridges' MAC tables by DPDK port id (allocated with the port's
	// first tables, kept: the port is set at start only) and the clock
	// they learn by, in seconds (ctl: rw, dp: ro).
	struct dp_l2_table *l2_tables[RTE_MAX_ETHPORTS];
	volatile uint32_t l2_now_s;
};

extern struct dp_global dp_g;

static inline const struct dp_tables *
dp_tables_active(void)
{
	return dp_g.side[__atomic_load_n(&dp_g.active, __ATOMIC_ACQUIRE)];
}

// dp_worker.c
int dp_worker_main(void *arg);
// Benchmarks: one burst through the worker pipeline on the calling thread,
// with the TX buffers flushed (tests/bench only; lc must not run elsewhere).
void dp_bench_burst(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n);

// dp_spread.c: worker side. dp_spread_rx keeps in pkts[] the packets this
// worker processes itself (returns how many) and buffers the others;
// dp_spread_flush sends the buffers; dp_spread_take fills pkts[] (DP_BURST)
// from the ring of worker `from`.
int dp_spread_init(void);
uint16_t dp_spread_rx(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n);
void dp_spread_flush_one(struct dp_lcore *lc, unsigned int to);
void dp_spread_flush(struct dp_lcore *lc);
uint16_t dp_spread_take(struct dp_lcore *lc, unsigned int from, struct rte_mbuf **pkts);
// Control side: the rebalancer, run from dp_ctl_poll.
void dp_spread_poll(uint64_t now_ms);

// dp_port.c
// Start the configured ports without launching workers (benchmarks).
int dp_ports_start(void);

// dp_ctl.c
void dp_ctl_send(uint16_t port_id, struct rte_mbuf *m); // frame with Ethernet, to a worker's TX
void dp_neigh_hold_flush(uint32_t slot);
void dp_neigh_hold_drop(uint32_t slot, enum dp_drop_reason r);

// dp_tables.c
int dp_tables_init(void);
void dp_tables_fini(void);
uint32_t dp_neigh_slot_find(uint16_t port_id, const struct ip_addr *a);

// dp_oam.c (control thread)
int dp_oam_init(void);
void dp_oam_input(struct rte_mbuf *m); // a DP_PUNT_OAM packet (not consumed)
void dp_oam_poll(uint64_t now_ms);
// The pseudo port an injected packet "arrived" on (no real port has it).
#define DP_INJECT_PORT (RTE_MAX_ETHPORTS - 1)
// RFC 9259 2.1: the SRH's O-flag (Flags bit 2).
#define DP_SRH_FLAG_O 0x20

// dp_host.c (control thread)
int dp_host_open(const struct model_port *p, const uint8_t mac[6], struct model_err *e);
// A copy of the packet (data at L3 or ARP, ether_type of that header) to
// the port's kernel interface; m is not consumed.
void dp_host_deliver(uint16_t port_id, const struct rte_mbuf *m, uint16_t ether_type);
void dp_host_poll(void); // kernel -> wire, and address sync
void dp_host_fini(void);
void dp_host_counters(uint16_t port_id, uint64_t *to_kernel, uint64_t *from_kernel,
		      uint64_t *errors);

// dp_ctl.c: the MAC a port uses (configured, or the device's)
void dp_port_mac(uint16_t port_id, uint8_t mac[6]);

// dp_capture.c
void dp_capture_poll(void);
void dp_capture_fini(void);

// Capture tap on a worker: copies go to the lcore's ring; never blocks.
void dp_capture_copy(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t port, unsigned int dir);
void dp_capture_copy_l3(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf *m,
			unsigned int dir);

static inline void
dp_capture_tap(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t port, unsigned int dir)
{
	if (unlikely(dp_g.capture_on[port] & dir))
		dp_capture_copy(lc, m, port, dir);
}
