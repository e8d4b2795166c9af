// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The control side's source of truth: ports, VRFs, routes, SIDs, locators,
// neighbours and encapsulation parameters, as the API and the config file
// describe them. No DPDK and no JSON here: the ctl handlers translate JSON
// into these structs, and lib/dp derives the datapath tables from them.
//
// Every change happens inside a transaction. Mutators apply immediately (so a
// later request in a batch sees an earlier one) and record an undo entry plus
// the set of (vrf, prefix) keys whose forwarding entry may have changed.
// model_txn_abort() restores the previous state exactly; the datapath commit
// (dp_commit) walks the dirty keys and then calls model_txn_end().

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "hmap.h"
#include "srv6_build_config.h"

#define MODEL_NAME_LEN 32
#define MODEL_DEVICE_LEN 256
#define MODEL_IFNAME_LEN 16 // IFNAMSIZ
#define MODEL_MAX_PORTS 32
#define MODEL_MAX_ADDRS 8
#define MODEL_MAX_RTS 8
#define MODEL_MAX_LOCATORS 64
#define MODEL_MAX_SEGS 16
#define MODEL_L2_MAX_PEERS 8 // an l2vpn bridge's peer PEs
#define MODEL_L2_PEER_SEGS 4 // segments toward one peer (unicast or flooding)
#define MODEL_L2_MAC_AGE_DEFAULT 300
#define MODEL_MAX_ECMP 16
#define MODEL_DEFAULT_VRF 0
#define MODEL_NO_PORT 0xffff
#define MODEL_MAX_SEGLISTS 8 // candidate segment lists of one SR policy
#define MODEL_MAX_HMAC_KEYS 16
#define MODEL_HMAC_SECRET_MAX 64

// Errors: mutators return 0 or -errno and fill this with the offending field
// (a dotted path where known) and a reason an operator can act on.
struct model_err {
	char field[64];
	char msg[200];
};
// Fill e (when not NULL) with field and a printf-style reason; returns rc, so
// that `return model_err_set(e, -EINVAL, "prefix", "...")` reads as one step.
int model_err_set(struct model_err *e, int rc, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

enum model_behavior {
	SB_END,
	SB_END_X,
	SB_END_T,
	SB_END_DX4,
	SB_END_DX6,
	SB_END_DT4,
	SB_END_DT6,
	SB_END_DT46,
	SB_END_B6_ENCAPS,
	SB_END_B6_ENCAPS_RED,
	SB_END_DX2, // RFC 8986 4.9: the inner Ethernet frame out of `port`
	// SR-unaware service proxies (draft-ietf-spring-sr-service-programming
	// 6.1 static, 6.2 dynamic): the inner packet to the service at `nexthop`,
	// what comes back on `return_port` re-encapsulated with `segments`
	// (static) or with the headers last seen (dynamic).
	SB_END_AS,
	SB_END_AD,
	// masquerading proxy (6.4): the SRH travels through the service, the DA
	// its last segment; return_port restores the DA from the SRH
	SB_END_AM,
	// OAM Endpoint with Punt (draft-ietf-6man-spring-srv6-oam, dropped
	// from RFC 9259): whatever Segments Left, the packet goes to this node's
	// OAM processing, never on; an echo request is answered from the SID.
	SB_END_OP,
	// RFC 8986 4.10, 4.11: the inner frame into the bridge of `port` (an
	// l2vpn port with peers), its source MAC learnt against the peer PE it
	// came from; DT2U drops a frame whose destination is learnt behind a
	// peer (split horizon), DT2M is for the peers' flooded frames.
	SB_END_DT2U,
	SB_END_DT2M,
	SB_MAX
};

// The behaviours whose inner frame leaves on the SID's `port`.
static inline bool
model_behavior_is_l2(enum model_behavior b)
{
	return b == SB_END_DX2 || b == SB_END_DT2U || b == SB_END_DT2M;
}

static inline bool
model_behavior_is_proxy(enum model_behavior b)
{
	return b == SB_END_AS || b == SB_END_AD || b == SB_END_AM;
}

// End.B6.Encaps and End.B6.Encaps.Red (RFC 8986 4.13, 4.14): End, then the
// SID's own segment list pushed in a new outer header (without its first
// segment in the SRH for .Red).
static inline bool
model_behavior_is_b6(enum model_behavior b)
{
	return b == SB_END_B6_ENCAPS || b == SB_END_B6_ENCAPS_RED;
}

// SID flavours, RFC 8986 4.16 and RFC 9800.
#define SID_FL_PSP 0x1
#define SID_FL_USP 0x2
#define SID_FL_USD 0x4
#define SID_FL_NEXT_CSID 0x8

// "End.DT46" <-> SB_END_DT46; parse returns -EINVAL for unknown names.
const char *model_behavior_name(enum model_behavior b);
int model_behavior_parse(const char *s, enum model_behavior *out);
// "psp" -> SID_FL_PSP...; 0 or -EINVAL.
int model_flavor_parse(const char *s, uint32_t *flag);
const char *model_flavor_name(uint32_t flag);

enum model_nh_type { MNH_SRV6, MNH_IP, MNH_BLACKHOLE, MNH_LOCAL };

// A route as callers build it has room for MODEL_MAX_ECMP next hops of
// MODEL_MAX_SEGS segments (about 5 KB). The copy the model stores is cut to
// its content (model_route_size): nh[] holds n_nh entries and the last one's
// segs[] holds n_segs (none unless MNH_SRV6), so an IPv4 route costs about
// 130 bytes. Hence the order of the fields (segs last, nh last), and the rule
// for code that gets a route from the model: read the fields, never copy the
// struct whole (*r, or a struct model_nexthop by value); model_route_size()
// says how many bytes a memcpy may take.
struct model_nexthop {
	enum model_nh_type type;
	uint16_t port;	      // ip: MODEL_NO_PORT when not given
	uint16_t weight;      // 1 when not given
	uint8_t n_segs;	      // srv6 (0 for other types once stored)
	bool reduced;	      // srv6: "encap": "h.encaps.red"
	bool insert;	      // srv6: "encap": "h.insert" (IPv6 routes: an SRH in the packet)
	bool has_src;	      // srv6
	bool has_sa;	      // srv6: protected by the outbound IPsec SA ipsec_sa
	bool has_via;	      // ip
	uint32_t ipsec_sa;    // srv6, has_sa: slot of the SA in lib/ipsec's table (kept on replace)
	uint32_t hmac_key_id; // srv6: the SRH carries an HMAC TLV under this key (0: none)
	// srv6 "policy": {color, endpoint} (RFC 9256 8.5 automated steering):
	// the SR policy's segment lists come first, segs (the service SID) last;
	// without such a policy, segs alone (best effort, RFC 9256 8.8).
	bool has_policy;
	uint32_t color;
	struct ip_addr endpoint;
	struct ip_addr via;		  // ip
	uint8_t src[16];		  // srv6
	uint8_t segs[MODEL_MAX_SEGS][16]; // srv6; last (see above)
};

struct model_route {
	struct hmap_node node; // model-internal
	uint16_t vrf;
	uint16_t n_nh;
	bool stale; // marked by route.sync_begin
	struct ip_prefix prefix;
	char owner[MODEL_NAME_LEN];
	struct model_nexthop nh[MODEL_MAX_ECMP]; // last (see above)
};

// Bytes of r that hold its content: the stored size of a copy of r.
size_t model_route_size(const struct model_route *r);

struct model_port {
	bool used;
	char name[MODEL_NAME_LEN];
	char device[MODEL_DEVICE_LEN];
	uint16_t port_id; // DPDK port id, set when the port was probed
	uint16_t mtu;
	uint16_t vrf;
	uint8_t n_addrs;
	struct ip_prefix addrs[MODEL_MAX_ADDRS]; // address + subnet length, host bits kept
	bool has_mac;				 // "mac" given in the config (our extension)
	uint8_t mac[6];				 // the port's MAC (from the device when not given)
	// "host_if" (our extension): name of the kernel TAP interface that gets
	// the port's addresses and the traffic to them srv6d does not serve
	// (BGP, SSH...); empty for none. Set at start only.
	char host_if[MODEL_IFNAME_LEN];
	// "tcp_mss" (our extension): TCP SYNs received on the port and sent out
	// of it carry an MSS of at most this (RFC 6691); 0 = off.
	uint16_t tcp_mss;
	// "l2vpn" (our extension): an Ethernet attachment circuit. Every frame
	// received is carried whole to the segment list (H.Encaps.L2, RFC 8986
	// 5.3; .Red with reduced); the port has no addresses and is
	// promiscuous. With peers instead of segments the port is a bridge
	// (E-LAN): frames go to the peer their destination MAC was learnt
	// behind (its End.DT2U), flooded to every peer (End.DT2M) when it is
	// not known or not unicast. Set at start only.
	struct model_l2vpn {
		bool on;
		bool reduced;
		bool has_src;
		uint8_t n_segs;
		uint8_t src[16];
		uint8_t segs[MODEL_MAX_SEGS][16];
		uint8_t n_peers;
		uint32_t mac_age_s; // learnt MACs unseen this long are forgotten
		struct model_l2_peer {
			uint8_t addr[16]; // the peer PE's H.Encaps.L2 source address
			uint8_t n_segs, n_bum;
			uint8_t segs[MODEL_L2_PEER_SEGS][16]; // ..., its End.DT2U SID
			uint8_t bum[MODEL_L2_PEER_SEGS][16];  // ..., its End.DT2M SID
		} peers[MODEL_L2_MAX_PEERS];
	} l2vpn;
};

struct model_vrf {
	bool used;
	char name[MODEL_NAME_LEN];
	uint32_t table;
	char rd[MODEL_NAME_LEN];
	uint8_t n_import, n_export;
	char import_rt[MODEL_MAX_RTS][MODEL_NAME_LEN];
	char export_rt[MODEL_MAX_RTS][MODEL_NAME_LEN];
};

struct model_locator {
	bool used;
	char name[MODEL_NAME_LEN];
	struct ip_prefix prefix;
	uint8_t block_len, node_len, func_len;
	bool usid;
};

struct model_sid {
	struct hmap_node node; // model-internal
	struct ip_prefix sid;
	enum model_behavior behavior;
	uint16_t vrf;	  // End.T, End.DT4/DT6/DT46
	bool has_nexthop; // End.X, End.DX4, End.DX6
	struct ip_addr via;
	uint16_t port;	      // nexthop's port, End.DX2's egress port; MODEL_NO_PORT when none
	uint16_t return_port; // End.AS / End.AD: where the service hands traffic back
	uint8_t n_segs;	      // End.B6.Encaps(.Red), End.AS
	uint8_t segs[MODEL_MAX_SEGS][16];
	uint32_t flavors;
	// "hmac": "require" (RFC 8754 2.1.2.1): only packets whose SRH carries an
	// HMAC TLV that verifies under one of our keys get the behaviour.
	bool hmac_required;
	// End.B6.Encaps(.Red) bound to SR policy (color, endpoint) instead of
	// its own segments (RFC 9256 6: the policy's binding SID).
	bool has_policy;
	uint32_t color;
	struct ip_addr endpoint;
	// next-csid (RFC 9800): bits of the locator block and of the C-SID
	// (the SID's length past the block), from the uSID locator whose block
	// holds the SID; set by model_sid_add.
	uint8_t csid_block_len, csid_len;
	char locator[MODEL_NAME_LEN]; // set by sid.alloc, else empty
	uint16_t counter_id;	      // model-assigned, index of the SID's datapath counters
};

enum model_neigh_state {
	NEIGH_INCOMPLETE,
	NEIGH_REACHABLE,
	NEIGH_STALE,
	NEIGH_PROBE,
	NEIGH_FAILED,
	NEIGH_PERMANENT
};
const char *model_neigh_state_name(enum model_neigh_state s);

struct model_neigh {
	struct hmap_node node; // model-internal
	uint16_t port;	       // index into model ports
	struct ip_addr addr;
	bool has_mac;
	uint8_t mac[6];
	bool is_static;
	enum model_neigh_state state;
	uint64_t updated_ms; // last state change
	uint8_t probes;	     // unanswered probes in INCOMPLETE/PROBE
	uint32_t dp_id;	     // datapath neighbour slot, owned by lib/dp (0 = none)
	void *priv;	     // owned by lib/dp (hold queue)
};

enum model_flowlabel { MODEL_FL_COMPUTE, MODEL_FL_INHERIT, MODEL_FL_ZERO };

struct model_encap {
	bool has_src;
	uint8_t src[16];
	int hop_limit; // -1 = inherit
	enum model_flowlabel flowlabel;
};

// What the datapath should hold for one (vrf, prefix), by priority:
// our own address > SID > learned/static neighbour host route > connected
// subnet > route from the API or config.
enum model_entry_kind {
	ENTRY_NONE,
	ENTRY_LOCAL,
	ENTRY_SID,
	ENTRY_NEIGH,
	ENTRY_CONNECTED,
	ENTRY_ROUTE
};
const char *model_entry_kind_name(
	enum model_entry_kind k); // "local", "sid", "neighbor", "connected", "static"/owner

struct model_entry {
	enum model_entry_kind kind;
	uint16_t port; // LOCAL, CONNECTED
	const struct model_sid *sid;
	const struct model_neigh *neigh;
	const struct model_route *route;
};

// An SR policy (RFC 9256): (color, endpoint) with weighted segment lists
// (each 1 to MODEL_MAX_SEGS SIDs, weight 1 to 65535), traffic spread over
// them by flow hash in proportion to their weights.
struct model_seglist {
	uint16_t weight;
	uint8_t n_segs;
	uint8_t segs[MODEL_MAX_SEGS][16];
};

struct model_policy {
	struct hmap_node node; // model-internal
	uint32_t color;
	struct ip_addr endpoint;
	char name[MODEL_NAME_LEN]; // optional label
	bool reduced;		   // h.encaps.red
	uint8_t n_lists;
	struct model_seglist lists[MODEL_MAX_SEGLISTS];
};

// An SRH HMAC key (RFC 8754 2.1.2): HMAC-SHA256 under key_id (1..2^32-1).
struct model_hmac_key {
	bool used;
	uint32_t key_id;
	uint8_t secret_len;
	uint8_t secret[MODEL_HMAC_SECRET_MAX];
};

struct ipsec_sa_table; // lib/ipsec/ipsec_sa.h

// A table kept in its own module (lib/ipsec's SAs) that takes part in the
// model's transactions: it stages its own changes and undo copy, and is told
// here how each txn ends, after the model's own abort or end work.
struct model_ext {
	void *arg;
	void (*txn_done)(void *arg, bool committed);
	void (*fini)(void *arg); // from model_fini
};

struct model {
	struct model_port ports[MODEL_MAX_PORTS];
	struct model_vrf vrfs[SRV6_MAX_VRFS]; // [0] is "default", always used
	struct model_locator locators[MODEL_MAX_LOCATORS];
	struct model_encap encap;
	struct model_hmac_key hmac_keys[MODEL_MAX_HMAC_KEYS];
	struct hmap routes;   // struct model_route by (vrf, prefix)
	struct hmap sids;     // struct model_sid by prefix
	struct hmap neighs;   // struct model_neigh by (port, addr)
	struct hmap policies; // struct model_policy by (color, endpoint)
	uint8_t sid_counter_used[SRV6_MAX_SIDS];
	struct model_txn *txn; // the open transaction, at most one
	// IPsec SAs (lib/ipsec), NULL until that module attaches its table; it
	// sets ext too. The model never looks inside.
	struct ipsec_sa_table *ipsec;
	struct model_ext ext;
};

// Key of a forwarding entry whose desired state may have changed.
struct model_key {
	struct hmap_node node;
	uint16_t vrf;
	struct ip_prefix prefix;
};

int model_init(struct model *m);
void model_fini(struct model *m);

// --- transactions ---------------------------------------------------------
struct model_txn;
// NULL + errno (EBUSY when one is open).
struct model_txn *model_txn_begin(struct model *m);
// Undo every change since begin and close the txn.
void model_txn_abort(struct model_txn *t);
// Close the txn keeping its changes (after the datapath accepted them).
void model_txn_end(struct model_txn *t);
// Dirty keys, in the order first touched. Iterate while the txn is open.
size_t model_txn_n_dirty(const struct model_txn *t);
const struct model_key *model_txn_dirty(const struct model_txn *t, size_t i);
// VRFs created or deleted in this txn (the datapath creates/frees their tables).
bool model_txn_vrf_added(const struct model_txn *t, uint16_t vrf);
bool model_txn_vrf_deleted(const struct model_txn *t, uint16_t vrf);
// True when ports, VRF attachments, port addresses or MTUs changed.
bool model_txn_meta_dirty(const struct model_txn *t);
// Events to publish after a successful commit: topic ("route", "sid", "port",
// "vrf", "neighbor", "locator", "encap") and a short action ("add", "del", "set").
size_t model_txn_n_events(const struct model_txn *t);
void model_txn_event(const struct model_txn *t, size_t i, const char **topic, const char **action,
		     const char **id);
// The topic of event i alone (cheaper: a route's id is formatted on demand).
const char *model_txn_event_topic(const struct model_txn *t, size_t i);
// The model a txn changes, and an event from a module outside model.c (topic
// and action must be string literals; id is copied). Events are best effort.
struct model *model_txn_model(const struct model_txn *t);
void model_txn_event_add(struct model_txn *t, const char *topic, const char *action,
			 const char *id);

// --- mutators (need the open txn) ------------------------------------------
// Ports exist from the config; a port is created once at startup (device probed
// by the caller, port_id set) and later changed with model_port_set.
int model_port_create(struct model_txn *t, const struct model_port *p, struct model_err *e);
// Replace mtu, vrf, addresses (and mac) of port index idx.
int model_port_set(struct model_txn *t, uint16_t idx, const struct model_port *p,
		   struct model_err *e);

int model_vrf_add(struct model_txn *t, const struct model_vrf *v, struct model_err *e);
int model_vrf_del(struct model_txn *t, const char *name, struct model_err *e);

// Add or replace (same vrf and prefix). Validates next hops: SRv6 segments
// present and the encap source available, IP next hops resolvable to a port.
int model_route_add(struct model_txn *t, const struct model_route *r, struct model_err *e);
int model_route_del(struct model_txn *t, uint16_t vrf, const struct ip_prefix *p,
		    struct model_err *e);
// Mark every route of owner stale / delete those still stale (count in *n).
int model_route_sync_begin(struct model_txn *t, const char *owner, unsigned int *n);
int model_route_sync_end(struct model_txn *t, const char *owner, unsigned int *n);

int model_sid_add(struct model_txn *t, const struct model_sid *s, struct model_err *e);
int model_sid_del(struct model_txn *t, const struct ip_prefix *sid, struct model_err *e);
// Allocate the lowest free function in the locator for this behaviour and
// parameters (template: behavior, vrf, nexthop, flavors); an existing SID of the
// locator with the same behaviour and parameters is returned instead (*created = false).
int model_sid_alloc(struct model_txn *t, const char *locator, const struct model_sid *tmpl,
		    struct ip_prefix *out, bool *created, struct model_err *e);

int model_locator_add(struct model_txn *t, const struct model_locator *l, struct model_err *e);
int model_locator_del(struct model_txn *t, const char *name, struct model_err *e);

// Static neighbour (API/config); replaces a learned one.
int model_neigh_add(struct model_txn *t, uint16_t port, const struct ip_addr *a,
		    const uint8_t mac[6], struct model_err *e);
int model_neigh_del(struct model_txn *t, uint16_t port, const struct ip_addr *a,
		    struct model_err *e);
// Learned entries, used by the neighbour machinery of lib/dp (never static).
// Creates the entry when absent; updates the MAC and state.
int model_neigh_learn(struct model_txn *t, uint16_t port, const struct ip_addr *a,
		      const uint8_t *mac /* NULL: incomplete */, enum model_neigh_state st,
		      uint64_t now_ms, struct model_neigh **out);
// Remove a learned entry (ageing). Static entries are not removed.
int model_neigh_forget(struct model_txn *t, struct model_neigh *n);

int model_encap_set(struct model_txn *t, const struct model_encap *enc, struct model_err *e);

// SR policies: add or replace (same color and endpoint); delete. Routes
// steered by (color, endpoint) follow at the same commit.
int model_policy_add(struct model_txn *t, const struct model_policy *p, struct model_err *e);
int model_policy_del(struct model_txn *t, uint32_t color, const struct ip_addr *endpoint,
		     struct model_err *e);
const struct model_policy *model_policy_find(const struct model *m, uint32_t color,
					     const struct ip_addr *endpoint);
// Sorted by color then endpoint; caller frees *out.
int model_policies_list(const struct model *m, const struct model_policy ***out, size_t *n);

// SRH HMAC keys: add or replace (1 to MODEL_HMAC_SECRET_MAX secret bytes);
// delete refuses a key a route still signs with.
int model_hmac_key_set(struct model_txn *t, uint32_t key_id, const uint8_t *secret, size_t len,
		       struct model_err *e);
int model_hmac_key_del(struct model_txn *t, uint32_t key_id, struct model_err *e);
const struct model_hmac_key *model_hmac_key_find(const struct model *m, uint32_t key_id);

// --- queries ---------------------------------------------------------------
// Index of a port / VRF / locator by name, or -ENOENT.
int model_port_find(const struct model *m, const char *name);
int model_vrf_find(const struct model *m, const char *name);
int model_locator_find(const struct model *m, const char *name);
// Port index by DPDK port id, or -ENOENT.
int model_port_by_id(const struct model *m, uint16_t port_id);

struct model_route *model_route_find(const struct model *m, uint16_t vrf,
				     const struct ip_prefix *p);
struct model_sid *model_sid_find(const struct model *m, const struct ip_prefix *p);
struct model_neigh *model_neigh_find(const struct model *m, uint16_t port, const struct ip_addr *a);

// What the datapath should hold for (vrf, prefix).
void model_entry_get(const struct model *m, uint16_t vrf, const struct ip_prefix *p,
		     struct model_entry *out);
// Longest-prefix match over every entry kind, as the datapath would see it;
// fills the matched prefix. Returns 0 or -ENOENT.
int model_entry_lookup(const struct model *m, uint16_t vrf, const struct ip_addr *a,
		       struct ip_prefix *matched, struct model_entry *out);

// The port an IP next hop leaves through: the given port, else the port whose
// connected subnet (in vrf) holds via. -ENOENT when none.
int model_nexthop_port(const struct model *m, uint16_t vrf, const struct ip_addr *via,
		       uint16_t port_hint);

// Every forwarding entry of a VRF (routes, connected, local, SIDs, neighbour
// host routes), sorted by family then prefix; caller frees *out.
struct model_entry_row {
	struct ip_prefix prefix;
	struct model_entry entry;
};
int model_entries_list(const struct model *m, uint16_t vrf, struct model_entry_row **out,
		       size_t *n);
// Sorted snapshots for listing: caller frees the arrays (pointers into the model,
// valid until the next mutation).
int model_sids_list(const struct model *m, const struct model_sid ***out, size_t *n);
int model_neighs_list(const struct model *m, const struct model_neigh ***out, size_t *n);
