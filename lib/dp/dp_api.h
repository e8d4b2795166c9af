// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The datapath as the control thread sees it: start/stop, commit a model
// transaction, read counters and port status. No DPDK types cross this
// header, so lib/ctl and lib/config use it without DPDK includes.

#include <stdbool.h>
#include <stdint.h>

#include "dp_drop.h"
#include "model.h"

struct dp_init_conf {
	const char *socket_path; // for system.info only
};

// After rte_eal_init: mempools, rings, RCU, empty tables. 0 or -errno.
int dp_init(struct model *m, const struct dp_init_conf *conf);

// Probe a device ("0000:3b:00.0", "net_pcap0,rx_pcap=...") unless EAL already
// has it, and return its DPDK port id. 0 or -errno with a reason in e.
int dp_port_probe(const char *devargs, uint16_t *port_id, struct model_err *e);
// Configure queues (one RX queue per worker up to the device's maximum, one TX
// queue per worker), MTU and MAC, without starting. 0 or -errno with reason.
int dp_port_configure(const struct model_port *p, struct model_err *e);
// Idle backoff of the workers (doc/api.md "datapath"): a worker whose RX
// queues stay empty sleeps up to this many microseconds per poll round; 0
// busy-polls. Read by the workers when they start: set it before dp_start.
#define DP_IDLE_SLEEP_DEFAULT_US 200u
#define DP_IDLE_SLEEP_MAX_US 10000u
void dp_idle_sleep_set(uint32_t us); // clamped to DP_IDLE_SLEEP_MAX_US
uint32_t dp_idle_sleep_get(void);
// Start every configured port and launch the workers.
int dp_start(void);
// Ask workers to stop, wait for them, stop and close ports (flushes pcap vdevs).
void dp_stop(void);
// Wait until every running worker has been through a quiescent state (the
// end of a poll round, or an idle sleep): whatever a worker was doing at the
// call, an RX/TX callback of ethdev included, is over. Any thread but a
// worker's; returns at once when no worker runs.
void dp_quiesce(void);

// Apply the open transaction to the datapath: build next hops, update the
// standby tables, publish, wait for a grace period, replay on the old side,
// free what is unlinked. On failure nothing changed in the datapath and e says
// why (-ENOSPC: table full). The caller then aborts or ends the model txn.
int dp_commit(struct model_txn *t, struct model_err *e);

// Forwarding table limits per VRF and family (config "datapath":
// max_ipv4_routes / max_ipv6_routes, doc/api.md): a
// transaction that would take a table past its limit is refused with -ENOSPC
// and the limit named. Memory is not preallocated: tables grow with content.
#define DP_FIB_MAX_IPV4_DEFAULT (1u << 21)
#define DP_FIB_MAX_IPV6_DEFAULT (1u << 20)
#define DP_FIB_MAX_LIMIT (1u << 24)
void dp_fib_limits_set(uint32_t max_ipv4, uint32_t max_ipv6);
void dp_fib_limits_get(uint32_t *max_ipv4, uint32_t *max_ipv6);
// What one VRF's tables hold and cost, by family (0 IPv4, 1 IPv6): entries
// (routes and derived entries) and bytes of both A/B sides.
struct dp_fib_usage {
	uint32_t entries[2];
	uint64_t bytes[2];
};
int dp_fib_usage(uint16_t vrf, struct dp_fib_usage *out); // 0 or -ENOENT

// Spreading of tunnelled traffic over workers (doc/design.md, "Spreading").
// On by default with two or more workers; without them it does nothing.
// inner: tables start at home, the rebalancer moves buckets when a worker is
// busy; even: tables start spread evenly over all workers (for NICs with one
// queue), then adapt the same way; off: every packet stays where it came in.
enum dp_spread_mode { DP_SPREAD_OFF, DP_SPREAD_INNER, DP_SPREAD_EVEN, DP_SPREAD_MODES };

// The mode's name in datapath.spread and system.info; NULL past the last.
static inline const char *
dp_spread_mode_name(enum dp_spread_mode m)
{
	static const char *const names[DP_SPREAD_MODES] = {"off", "inner", "even"};

	return (unsigned int)m < DP_SPREAD_MODES ? names[m] : NULL;
}
void dp_spread_set(enum dp_spread_mode mode);
enum dp_spread_mode dp_spread_get(void);
unsigned int dp_spread_buckets(unsigned int worker);
// For system.info: the setting, whether it acts (two or more workers), and
// the controller's trials (lib/spread: kept when they raised the capacity).
struct dp_spread_info {
	enum dp_spread_mode mode;
	bool active;
	uint64_t trials, kept, undone, moves;
	uint64_t hold_ms; // before the next trial may start
};
void dp_spread_info(struct dp_spread_info *out);

// Which crypto device computes ESP (datapath.crypto; doc/api.md "IPsec"),
// read when the first SA starts it: auto (a CPU-crypto vdev, else a queued
// crypto device), cpu (CPU crypto only) or lookaside (a queued device: the
// first the EAL found with AES-GCM, hardware or --vdev, else crypto_openssl).
enum dp_crypto_mode { DP_CRYPTO_AUTO, DP_CRYPTO_CPU, DP_CRYPTO_LOOKASIDE, DP_CRYPTO_MODES };

// The mode's name in datapath.crypto; NULL past the last.
static inline const char *
dp_crypto_mode_name(enum dp_crypto_mode m)
{
	static const char *const names[DP_CRYPTO_MODES] = {"auto", "cpu", "lookaside"};

	return (unsigned int)m < DP_CRYPTO_MODES ? names[m] : NULL;
}
// 0, or -EBUSY when a crypto device of another mode already runs (the mode
// is chosen at start).
int dp_crypto_set(enum dp_crypto_mode mode);
enum dp_crypto_mode dp_crypto_get(void);
// For system.info: the setting and, once the first SA started it, the
// device, its path ("cpu-crypto" or "lookaside") and queue pairs in use.
struct dp_crypto_info {
	enum dp_crypto_mode mode;
	bool running;
	const char *path;
	char device[64];
	unsigned int queue_pairs;
};
void dp_crypto_info(struct dp_crypto_info *out);

// ESP: the counters of the SA in lib/ipsec's table slot (ipsec.sa.list).
// 0, or -ENOENT when the datapath holds no SA there.
enum dp_ipsec_sa_drop {
	DP_IPSEC_SA_REPLAY,
	DP_IPSEC_SA_AUTH,
	DP_IPSEC_SA_MALFORMED,
	DP_IPSEC_SA_LIFETIME,
	DP_IPSEC_SA_DROPS
};
struct dp_ipsec_sa_counters {
	const char *path;	 // how its ESP is computed: "cpu-crypto"
	uint64_t packets, bytes; // protected (out) or accepted (in)
	uint64_t drops[DP_IPSEC_SA_DROPS];
};
int dp_ipsec_sa_counters(uint32_t slot, struct dp_ipsec_sa_counters *out);

// Control-thread housekeeping, called every millisecond or so: punted packets
// (ARP, ND, unresolved next hops), neighbour timers, capture writers.
void dp_ctl_poll(uint64_t now_ms);

// SRv6 OAM (dp_oam.c, doc/api.md "OAM"): ping and traceroute over a
// segment list, from src (one of our port addresses) in vrf. Sessions run on
// the control thread; their results stay a minute after they end.
#define DP_OAM_MAX_PROBES 1000
struct dp_oam_req {
	bool trace;  // one probe per hop limit 1..count; else count probes
	bool o_flag; // set the SRH's O-flag (RFC 9259)
	uint8_t n_segs;
	uint8_t hop_limit; // ping
	uint16_t vrf;
	uint16_t count;
	uint16_t size; // ICMPv6 echo data bytes (16 or more: magic and stamp)
	uint32_t interval_ms, timeout_ms;
	uint8_t src[16];
	uint8_t segs[MODEL_MAX_SEGS][16];
};
struct dp_oam_probe {
	uint16_t seq;
	uint8_t hop_limit;
	bool sent, answered;
	uint8_t icmp_type, icmp_code; // 129 echo reply, 3 time exceeded, ...
	uint8_t from[16];	      // who answered
	uint64_t rtt_ns;
};
struct dp_oam_result {
	struct dp_oam_req req;
	bool done;
	uint16_t n_probes; // sent so far (a trace: up to the hop that answered)
	const struct dp_oam_probe *probes;
};
// 0 and *id; -errno with e (src not ours, no free session...).
int dp_oam_start(const struct dp_oam_req *r, uint16_t *id, struct model_err *e);
// 0, or -ENOENT for an unknown or expired id; out points into the session.
int dp_oam_get(uint16_t id, struct dp_oam_result *out);

// An l2vpn bridge's MAC table (the port's DPDK id): fn for each entry, with
// where it was learnt (0: the local port, k: peer k - 1) and the seconds
// since it was last seen. -ENOENT when the port has no bridge table.
int dp_l2_macs(uint16_t port_id,
	       void (*fn)(void *arg, const uint8_t mac[6], uint16_t where, uint32_t age),
	       void *arg);

// Port status for port.list.
struct dp_port_status {
	char driver[32];
	bool link_up;
	uint32_t speed_mbps;
	uint8_t mac[6];
	uint16_t n_rxq, n_txq;
	uint64_t imissed, ierrors, oerrors, rx_nombuf;
	bool has_host; // a host interface (port key host_if) is open
	uint64_t host_to_kernel, host_from_kernel, host_errors; // frames to/from it
};
int dp_port_status(uint16_t port_id, struct dp_port_status *out);

// Counters, summed over workers, minus the baseline taken at the last reset.
struct dp_port_counters {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, drops;
};
struct dp_lcore_counters {
	unsigned int lcore_id;
	unsigned int n_rxq;
	uint64_t rx_packets, tx_packets, drops, bursts;
	uint64_t idle_sleeps;		// idle backoff: sleeps taken
	uint64_t idle_sleep_us;		// and the time they took (measured)
	uint64_t handed_off, handed_in; // spreading: packets passed to / taken from others
	uint64_t busy_us;	     // time on rounds with packets (measured while spreading is on)
	unsigned int spread_buckets; // (receiving worker, bucket) pairs it processes
};
struct dp_counters {
	struct dp_port_counters ports[MODEL_MAX_PORTS]; // by model port index
	uint64_t drops[DP_DROP_MAX];
	unsigned int n_lcores;
	struct dp_lcore_counters lcores[SRV6_MAX_WORKERS];
	uint64_t sid_packets[SRV6_MAX_SIDS]; // by model_sid.counter_id
	uint64_t sid_bytes[SRV6_MAX_SIDS];
	uint64_t sid_oam[SRV6_MAX_SIDS]; // with the SRH O-flag
};
// Fills out (large: allocate it). 0 or -errno.
int dp_counters_read(struct dp_counters *out);
// Reset the baseline: all counters, or those of one port / SID counter / lcore
// (-1 = not selected).
void dp_counters_reset(int port_idx, int sid_counter, int lcore);
// Counter of one SID to zero when the SID is deleted and its id reused.
const char *dp_drop_name(enum dp_drop_reason r);
const char *dp_drop_descr(enum dp_drop_reason r);

// Lcores for system.info: role "control" or "worker".
struct dp_lcore_info {
	unsigned int lcore_id;
	unsigned int socket_id;
	bool worker;
};
unsigned int dp_lcores(struct dp_lcore_info *out, unsigned int max);

// Packet capture on a port (or every port: port_idx -1), direction bitmask.
#define DP_CAPTURE_RX 0x1
#define DP_CAPTURE_TX 0x2
// Copies of the packets our SIDs see with the SRH O-flag (RFC 9259 2.1.1)
// or at an End.OP SID, as received.
#define DP_CAPTURE_OAM 0x4
struct dp_capture_req {
	int port_idx; // -1 = any
	unsigned int direction;
	const char *file;
	const char *filter; // BPF, may be NULL
	uint64_t count;	    // 0 = unlimited
	uint32_t snaplen;   // 0 = 65535
};
struct dp_capture_info {
	unsigned int id;
	int port_idx;
	unsigned int direction;
	char file[256];
	char filter[256];
	uint64_t packets, dropped, limit;
	bool running;
};
// 0 and *id, or -errno with reason (bad filter: -EINVAL, file: -errno).
int dp_capture_start(const struct dp_capture_req *req, unsigned int *id, struct model_err *e);
int dp_capture_stop(unsigned int id);
unsigned int dp_capture_list(struct dp_capture_info *out, unsigned int max);
