// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Control -> datapath publication (HOUSE-STYLE 4): the model's dirty keys are
// turned into FIB operations on the standby side, the sides are swapped with
// one release store, a QSBR grace period passes, the same operations are
// replayed on the old side, and only then are unlinked next hops freed. A
// worker sees the whole transaction or none of it, and nothing it may still
// read is ever modified or freed.

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ethdev.h>
#include <rte_hash_crc.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "dp_ipsec.h"
#include "dp_priv.h"
#include "fib.h"
#include "hmap.h"

RTE_LOG_REGISTER_SUFFIX(dp_logtype_tables, tables, NOTICE);
#define LOG(level, ...) rte_log(RTE_LOG_##level, dp_logtype_tables, "tables: " __VA_ARGS__)

// Next-hop descriptor: everything that makes two next hops identical, zeroed
// fully before filling so it can be hashed and compared as bytes.
struct nh_desc {
	uint8_t type;
	uint8_t behavior;
	uint16_t port;
	uint16_t vrf;
	uint16_t sid_counter;
	uint32_t flavors;
	uint8_t csid_block, csid_bytes;
	uint8_t hmac_req;
	uint32_t neigh;
	uint32_t child;
	uint16_t n_members;
	// ECMP members: a route's next hops, an SR policy's segment lists each
	uint32_t members[DP_ECMP_SLOTS];
	uint32_t weights[DP_ECMP_SLOTS];
	// DNH_ENCAP
	uint8_t n_segs;
	bool reduced;
	bool insert; // H.Insert: the template is the SRH alone
	int16_t hop_limit;
	uint8_t flowlabel;
	uint16_t ipsec_sa1;   // outbound SA slot + 1, 0 = none
	uint32_t hmac_key_id; // the SRH carries an HMAC TLV under this key (0: none)
	uint8_t hmac_secret_len;
	uint8_t hmac_secret[MODEL_HMAC_SECRET_MAX];
	uint8_t src[16];
	uint8_t segs[MODEL_MAX_SEGS][16];
};

struct nh_rec {
	struct hmap_node node;
	struct nh_desc desc;
	uint32_t id;
	uint32_t refcnt;
};

// What a table side holds for one key (ctl: rw), to compute replacements.
struct installed {
	struct hmap_node node;
	uint16_t vrf;
	struct ip_prefix prefix;
	uint32_t nh;
};

struct fib_op {
	uint16_t vrf;
	struct ip_prefix prefix;
	uint32_t new_nh; // 0 = delete
	uint32_t old_nh; // 0 = absent before
};

// Per-VRF bookkeeping of what both sides hold, by family (0 IPv4, 1 IPv6):
// how many entries of each prefix length exist, so that finding a deleted
// prefix's parent probes only the lengths in use; their sum is what the
// operator's limit counts.
struct vrf_fib_ctl {
	uint32_t len_count[2][129];
};

static uint32_t
vrf_entries(const struct vrf_fib_ctl *vc, unsigned int fam)
{
	uint32_t n = 0;

	for (unsigned int l = 0; l <= 128; l++)
		n += vc->len_count[fam][l];
	return n;
}

// Next hops a port's attachment holds: its own, and two per bridge peer.
#define ATTACH_NHS (1 + 2 * MODEL_L2_MAX_PEERS)

static struct {
	struct hmap nh_map;   // nh_desc -> nh_rec
	struct nh_rec **recs; // by id
	uint32_t *free_ids;
	uint32_t n_free;
	struct hmap installed; // (vrf, prefix) -> installed nh
	struct vrf_fib_ctl *vrf[SRV6_MAX_VRFS];
	uint32_t max_entries[2]; // per VRF and family (dp_fib_limits_set)
	// The next hop each port's attachment holds a reference to (published
	// in dp_port_meta.attach_nh, and a bridge's in l2_nh[]), by DPDK port
	// id: [0] attach_nh, [1 + i] l2_nh[i].
	uint32_t attach_nh[RTE_MAX_ETHPORTS][ATTACH_NHS];
} tb = {.max_entries = {DP_FIB_MAX_IPV4_DEFAULT, DP_FIB_MAX_IPV6_DEFAULT}};

static inline unsigned int
fam_idx(uint8_t family)
{
	return family == AF_INET ? 0 : 1;
}

// A new VRF's tables cost a few KiB: they grow with what they hold (lib/fib).
static int
vrf_tables_create(uint16_t vrf)
{
	int socket = (int)rte_socket_id();

	tb.vrf[vrf] = calloc(1, sizeof(*tb.vrf[vrf]));
	for (unsigned int s = 0; s < 2; s++) {
		struct dp_tables *t = dp_g.side[s];
		t->fib4[vrf] = fib_create(32, socket);
		t->fib6[vrf] = fib_create(128, socket);
	}
	for (unsigned int s = 0; s < 2; s++) {
		struct dp_tables *t = dp_g.side[s];
		if (t->fib4[vrf] != NULL && t->fib6[vrf] != NULL && tb.vrf[vrf] != NULL)
			continue;
		LOG(ERR, "cannot create the tables of VRF %u: out of memory\n", vrf);
		for (unsigned int k = 0; k < 2; k++) {
			fib_free(dp_g.side[k]->fib4[vrf]);
			fib_free(dp_g.side[k]->fib6[vrf]);
			dp_g.side[k]->fib4[vrf] = NULL;
			dp_g.side[k]->fib6[vrf] = NULL;
		}
		free(tb.vrf[vrf]);
		tb.vrf[vrf] = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void
vrf_tables_free(uint16_t vrf)
{
	for (unsigned int s = 0; s < 2; s++) {
		fib_free(dp_g.side[s]->fib4[vrf]);
		fib_free(dp_g.side[s]->fib6[vrf]);
		dp_g.side[s]->fib4[vrf] = NULL;
		dp_g.side[s]->fib6[vrf] = NULL;
	}
	free(tb.vrf[vrf]);
	tb.vrf[vrf] = NULL;
}

void
dp_fib_limits_set(uint32_t max_ipv4, uint32_t max_ipv6)
{
	tb.max_entries[0] = max_ipv4;
	tb.max_entries[1] = max_ipv6;
}

void
dp_fib_limits_get(uint32_t *max_ipv4, uint32_t *max_ipv6)
{
	*max_ipv4 = tb.max_entries[0];
	*max_ipv6 = tb.max_entries[1];
}

int
dp_fib_usage(uint16_t vrf, struct dp_fib_usage *out)
{
	memset(out, 0, sizeof(*out));
	if (vrf >= SRV6_MAX_VRFS || tb.vrf[vrf] == NULL)
		return -ENOENT;
	out->entries[0] = vrf_entries(tb.vrf[vrf], 0);
	out->entries[1] = vrf_entries(tb.vrf[vrf], 1);
	for (unsigned int s = 0; s < 2; s++) {
		struct fib_info fi;
		fib_info_get(dp_g.side[s]->fib4[vrf], &fi);
		out->bytes[0] += fi.bytes;
		fib_info_get(dp_g.side[s]->fib6[vrf], &fi);
		out->bytes[1] += fi.bytes;
	}
	return 0;
}

int
dp_tables_init(void)
{
	for (unsigned int s = 0; s < 2; s++) {
		dp_g.side[s] =
			rte_zmalloc("dp_tables", sizeof(struct dp_tables), RTE_CACHE_LINE_SIZE);
		if (dp_g.side[s] == NULL)
			return -ENOMEM;
	}
	dp_g.nh = rte_zmalloc("dp_nh", sizeof(struct dp_nh) * (SRV6_MAX_NEXTHOPS + 1),
			      RTE_CACHE_LINE_SIZE);
	dp_g.neigh_mac =
		rte_zmalloc("dp_neigh", sizeof(uint64_t) * DP_MAX_NEIGH, RTE_CACHE_LINE_SIZE);
	dp_g.neigh_slots = calloc(DP_MAX_NEIGH, sizeof(*dp_g.neigh_slots));
	dp_g.ad_cache = rte_zmalloc("dp_ad_cache", sizeof(struct dp_ad_cache) * SRV6_MAX_SIDS,
				    RTE_CACHE_LINE_SIZE);
	tb.recs = calloc(SRV6_MAX_NEXTHOPS + 1, sizeof(*tb.recs));
	tb.free_ids = calloc(SRV6_MAX_NEXTHOPS, sizeof(*tb.free_ids));
	if (dp_g.nh == NULL || dp_g.neigh_mac == NULL || dp_g.neigh_slots == NULL ||
	    dp_g.ad_cache == NULL || tb.recs == NULL || tb.free_ids == NULL)
		return -ENOMEM;
	// Hand out low ids first: they share cache lines with hot next hops.
	for (uint32_t id = SRV6_MAX_NEXTHOPS; id >= 1; id--)
		tb.free_ids[tb.n_free++] = id;
	if (hmap_init(&tb.nh_map, 1024) < 0 || hmap_init(&tb.installed, 4096) < 0)
		return -ENOMEM;
	return vrf_tables_create(MODEL_DEFAULT_VRF);
}

void
dp_tables_fini(void)
{
	for (uint16_t v = 0; v < SRV6_MAX_VRFS; v++)
		if (dp_g.side[0] != NULL && dp_g.side[0]->fib4[v] != NULL)
			vrf_tables_free(v);
}

// --- neighbour slots ------------------------------------------------------------

// Slots [1, neigh_hw) have been used at least once: the scans stop there
// instead of walking all DP_MAX_NEIGH records (~1 MiB) on every commit.
static uint32_t neigh_hw = 1;

uint32_t
dp_neigh_slot_find(uint16_t port_id, const struct ip_addr *a)
{
	for (uint32_t i = 1; i < neigh_hw; i++) {
		const struct dp_neigh_slot *s = &dp_g.neigh_slots[i];
		if (s->used && s->port == port_id && addr_equal(&s->addr, a))
			return i;
	}
	return 0;
}

static uint32_t
neigh_slot_get(uint16_t model_port, const struct ip_addr *a)
{
	uint16_t port_id = dp_g.model->ports[model_port].port_id;
	uint32_t id = dp_neigh_slot_find(port_id, a);

	if (id == 0) {
		for (uint32_t i = 1; i < DP_MAX_NEIGH && id == 0; i++)
			if (!dp_g.neigh_slots[i].used)
				id = i;
		if (id == 0)
			return 0;
		if (id >= neigh_hw)
			neigh_hw = id + 1;
		struct dp_neigh_slot *s = &dp_g.neigh_slots[id];
		memset(s, 0, sizeof(*s));
		s->used = true;
		s->port = port_id;
		s->model_port = model_port;
		s->addr = *a;
		__atomic_store_n(&dp_g.neigh_mac[id], 0, __ATOMIC_RELAXED);
	}
	dp_g.neigh_slots[id].refcnt++;
	return id;
}

static void
neigh_slot_put(uint32_t id)
{
	struct dp_neigh_slot *s = &dp_g.neigh_slots[id];

	if (id == 0 || !s->used || s->refcnt == 0)
		return;
	s->refcnt--;
	// Freed by neigh_slots_sync after the grace period, when no model
	// neighbour keeps it either.
}

static uint64_t
mac_word(const uint8_t mac[6])
{
	uint64_t w = 0;

	memcpy(&w, mac, 6);
	return w | DP_NEIGH_VALID;
}

// Bring every slot's MAC in line with the model; returns slots that became
// valid so their held packets can go once the tables are published.
static void
neigh_slots_sync(bool after_grace)
{
	struct model *m = dp_g.model;

	for (uint32_t i = 1; i < neigh_hw; i++) {
		struct dp_neigh_slot *s = &dp_g.neigh_slots[i];
		if (!s->used)
			continue;
		const struct model_neigh *n = model_neigh_find(m, s->model_port, &s->addr);
		bool usable = n != NULL && n->has_mac && n->state != NEIGH_FAILED &&
			      n->state != NEIGH_INCOMPLETE;
		uint64_t want = usable ? mac_word(n->mac) : 0;
		uint64_t cur = __atomic_load_n(&dp_g.neigh_mac[i], __ATOMIC_RELAXED);
		if (want != cur)
			__atomic_store_n(&dp_g.neigh_mac[i], want, __ATOMIC_RELEASE);
		if (after_grace) {
			if (usable && s->hold.n > 0)
				dp_neigh_hold_flush(i);
			else if (n != NULL && n->state == NEIGH_FAILED && s->hold.n > 0)
				dp_neigh_hold_drop(i, DP_DROP_neigh_hold_full);
			if (s->refcnt == 0 && n == NULL) {
				dp_neigh_hold_drop(i, DP_DROP_neigh_hold_full);
				s->used = false;
			}
		}
	}
}

// --- next hops --------------------------------------------------------------------

static void nh_put(uint32_t id);

// CRC32 eight bytes at a time: the descriptor is ~400 bytes (a full segment
// list), hashed for every route added; byte-wise FNV took ~1 us of it.
static uint32_t
nh_hash(const struct nh_desc *d)
{
	return rte_hash_crc(d, sizeof(*d), 0x5eed);
}

// RFC 8754 2.1.2: the HMAC covers the source, Last Entry, Flags, the key id
// and the segment list, all fixed in the template: computed once here, the
// headend only copies it. The model guarantees an SRH (no one-segment .Red).
// Linux looks for the TLV only with its (draft) H flag, which the HMAC covers.
static void
tmpl_add_hmac(struct srv6_encap_tmpl *t, const struct nh_desc *d)
{
	uint8_t *srh = t->data + PKT_IP6_HDR_LEN;
	unsigned int srh_len = (srh[1] + 1u) * 8u;
	struct hmac_sha256_key k;

	if (t->nh_off != PKT_IP6_HDR_LEN ||
	    hmac_sha256_key_init(&k, d->hmac_secret, d->hmac_secret_len) < 0)
		return;
	srh[1] = (uint8_t)(srh[1] + SRH_HMAC_TLV_LEN / 8);
	srh[5] |= SRH_FLAG_HMAC_LINUX;
	srh_hmac_tlv_write(srh + srh_len, &k, t->data + 8, srh, d->hmac_key_id);
	t->len = (uint16_t)(t->len + SRH_HMAC_TLV_LEN);
	explicit_bzero(&k, sizeof(k));
}

static void
nh_fill(struct dp_nh *o, const struct nh_desc *d)
{
	memset(o, 0, sizeof(*o));
	o->type = d->type;
	o->behavior = d->behavior;
	o->port = d->port;
	o->vrf = d->vrf;
	o->sid_counter = d->sid_counter;
	o->flavors = d->flavors;
	o->csid_block = d->csid_block;
	o->csid_bytes = d->csid_bytes;
	o->hmac_req = d->hmac_req;
	o->neigh = d->neigh;
	o->child = d->child;
	if (d->type == DNH_ECMP) {
		// Weighted slots: each member gets a share proportional to its weight.
		uint64_t total = 0;
		unsigned int n = 0;
		for (unsigned int i = 0; i < d->n_members; i++)
			total += d->weights[i];
		for (unsigned int i = 0; i < d->n_members && n < DP_ECMP_SLOTS; i++) {
			unsigned int share =
				(unsigned int)((uint64_t)d->weights[i] * DP_ECMP_SLOTS / total);
			if (share == 0)
				share = 1;
			for (unsigned int k = 0; k < share && n < DP_ECMP_SLOTS; k++)
				o->slots[n++] = d->members[i];
		}
		o->n_slots = (uint16_t)n;
	}
	o->ipsec_sa1 = d->ipsec_sa1;
	if (d->type == DNH_ENCAP && d->insert) {
		srv6_insert_tmpl_build(&o->tmpl, (const uint8_t(*)[16])d->segs, d->n_segs);
	} else if (d->type == DNH_ENCAP) {
		srv6_encap_tmpl_build(&o->tmpl, d->src, (const uint8_t(*)[16])d->segs, d->n_segs,
				      d->reduced, d->hop_limit, (enum srv6_flowlabel)d->flowlabel);
		if (d->hmac_key_id != 0)
			tmpl_add_hmac(&o->tmpl, d);
	}
}

// Returns an id holding one reference, or 0 (-ENOSPC: table full). Takes over
// the references the descriptor holds (neighbour slot, children) when it creates
// the object, and drops them when an identical object already exists.
static uint32_t
nh_get(const struct nh_desc *d)
{
	uint32_t h = nh_hash(d);
	struct nh_rec *r;

	for (struct hmap_node *n = hmap_first_hash(&tb.nh_map, h); n; n = hmap_next_same(n)) {
		r = hmap_entry(n, struct nh_rec, node);
		if (memcmp(&r->desc, d, sizeof(*d)) == 0) {
			r->refcnt++;
			// The existing object already holds its own references.
			if (d->type == DNH_IP)
				neigh_slot_put(d->neigh);
			if (d->child)
				nh_put(d->child);
			for (unsigned int i = 0; i < d->n_members; i++)
				nh_put(d->members[i]);
			return r->id;
		}
	}
	if (tb.n_free == 0)
		return 0;
	r = malloc(sizeof(*r));
	if (r == NULL)
		return 0;
	r->desc = *d;
	r->refcnt = 1;
	r->id = tb.free_ids[--tb.n_free];
	nh_fill(&dp_g.nh[r->id], d);
	tb.recs[r->id] = r;
	hmap_insert(&tb.nh_map, &r->node, h);
	return r->id;
}

static void
nh_put(uint32_t id)
{
	struct nh_rec *r;

	if (id == 0 || (r = tb.recs[id]) == NULL)
		return;
	if (--r->refcnt > 0)
		return;
	hmap_remove(&tb.nh_map, &r->node);
	tb.recs[id] = NULL;
	if (r->desc.type == DNH_IP)
		neigh_slot_put(r->desc.neigh);
	// No worker holds an End.AD that is freed (its old table side is past
	// the grace period): a SID that takes its slot later starts empty.
	if (r->desc.type == DNH_SID && r->desc.behavior == SB_END_AD)
		__atomic_store_n(&dp_g.ad_cache[r->desc.sid_counter].len, 0, __ATOMIC_RELEASE);
	if (r->desc.child)
		nh_put(r->desc.child);
	for (unsigned int i = 0; i < r->desc.n_members; i++)
		nh_put(r->desc.members[i]);
	tb.free_ids[tb.n_free++] = id;
	free(r);
}

static void
desc_init(struct nh_desc *d, enum dp_nh_type type)
{
	memset(d, 0, sizeof(*d));
	d->type = (uint8_t)type;
}

// An IP next hop (via on a port, or a directly connected destination).
static uint32_t
nh_get_ip(uint16_t vrf, const struct ip_addr *via, uint16_t port_hint)
{
	struct model *m = dp_g.model;
	struct nh_desc d;
	int port;

	if (via == NULL) {
		if (port_hint == MODEL_NO_PORT)
			return 0;
		desc_init(&d, DNH_RESOLVE);
		d.port = m->ports[port_hint].port_id;
		return nh_get(&d);
	}
	port = model_nexthop_port(m, vrf, via, port_hint);
	if (port < 0)
		return 0;
	desc_init(&d, DNH_IP);
	d.port = m->ports[port].port_id;
	d.neigh = neigh_slot_get((uint16_t)port, via);
	if (d.neigh == 0)
		return 0;
	return nh_get(&d);
}

static uint32_t nh_get_encap_signed(const uint8_t (*segs)[16], unsigned int n, bool reduced,
				    const uint8_t *src, uint16_t ipsec_sa1, uint32_t hmac_key_id);

static uint32_t
nh_get_encap(const uint8_t (*segs)[16], unsigned int n, bool reduced, const uint8_t *src,
	     uint16_t ipsec_sa1)
{
	return nh_get_encap_signed(segs, n, reduced, src, ipsec_sa1, 0);
}

// The same, the SRH signed with HMAC key hmac_key_id (0: none); the secret
// is part of the descriptor, so a changed key makes a new next hop.
static uint32_t
nh_get_encap_signed(const uint8_t (*segs)[16], unsigned int n, bool reduced, const uint8_t *src,
		    uint16_t ipsec_sa1, uint32_t hmac_key_id)
{
	const struct model_encap *enc = &dp_g.model->encap;
	struct nh_desc d;

	desc_init(&d, DNH_ENCAP);
	d.n_segs = (uint8_t)n;
	memcpy(d.segs, segs, 16u * n);
	d.reduced = reduced;
	d.hop_limit = (int16_t)enc->hop_limit;
	d.flowlabel = (uint8_t)(enc->flowlabel == MODEL_FL_ZERO	     ? SRV6_FL_ZERO
				: enc->flowlabel == MODEL_FL_INHERIT ? SRV6_FL_INHERIT
								     : SRV6_FL_COMPUTE);
	memcpy(d.src, src != NULL ? src : enc->src, 16);
	d.ipsec_sa1 = ipsec_sa1;
	if (hmac_key_id != 0) {
		const struct model_hmac_key *k = model_hmac_key_find(dp_g.model, hmac_key_id);
		if (k == NULL)
			return 0;
		d.hmac_key_id = hmac_key_id;
		d.hmac_secret_len = k->secret_len;
		memcpy(d.hmac_secret, k->secret, k->secret_len);
	}
	return nh_get(&d);
}

// H.Encaps.L2 (RFC 8986 5.3): an Ethernet frame has no hop limit to
// inherit, so "inherit" means 64 here.
static uint32_t
nh_get_encap_l2(const struct model_l2vpn *l2, const uint8_t (*segs)[16], uint8_t n_segs)
{
	const struct model_encap *enc = &dp_g.model->encap;
	struct nh_desc d;

	desc_init(&d, DNH_ENCAP);
	d.n_segs = n_segs;
	memcpy(d.segs, segs, 16u * n_segs);
	d.reduced = l2->reduced;
	d.hop_limit = (int16_t)(enc->hop_limit < 0 ? 64 : enc->hop_limit);
	d.flowlabel = enc->flowlabel == MODEL_FL_ZERO ? SRV6_FL_ZERO : SRV6_FL_COMPUTE;
	memcpy(d.src, l2->has_src ? l2->src : enc->src, 16);
	return nh_get(&d);
}

static uint32_t
nh_get_member(uint16_t vrf, const struct model_nexthop *nh)
{
	struct nh_desc d;

	switch (nh->type) {
	case MNH_SRV6:
		if (nh->insert) {
			desc_init(&d, DNH_ENCAP);
			d.insert = true;
			d.n_segs = nh->n_segs;
			memcpy(d.segs, nh->segs, 16u * nh->n_segs);
			return nh_get(&d);
		}
		return nh_get_encap_signed((const uint8_t(*)[16])nh->segs, nh->n_segs, nh->reduced,
					   nh->has_src ? nh->src : NULL,
					   nh->has_sa ? (uint16_t)(nh->ipsec_sa + 1) : 0,
					   nh->hmac_key_id);
	case MNH_IP:
		return nh_get_ip(vrf, nh->has_via ? &nh->via : NULL, nh->port);
	case MNH_BLACKHOLE:
		desc_init(&d, DNH_BLACKHOLE);
		return nh_get(&d);
	case MNH_LOCAL:
		desc_init(&d, DNH_LOCAL);
		d.vrf = vrf;
		return nh_get(&d);
	}
	return 0;
}

// A member with its weight into d (false when d is full: the rest is left out).
static bool
ecmp_add(struct nh_desc *d, uint32_t id, uint32_t weight)
{
	if (d->n_members == DP_ECMP_SLOTS) {
		nh_put(id);
		return false;
	}
	d->members[d->n_members] = id;
	d->weights[d->n_members] = weight ? weight : 1;
	d->n_members++;
	return true;
}

// An srv6 next hop steered into an SR policy (RFC 9256 8.5): one member per
// segment list, the list then the next hop's own segments (the service SID
// last), weight = the next hop's times the list's. Lists too long with the
// service SIDs are left out; no policy, or nothing left: the next hop's own
// segments alone (best effort, RFC 9256 8.8).
static void
policy_members(struct nh_desc *d, const struct model_nexthop *nh)
{
	const struct model_policy *p = model_policy_find(dp_g.model, nh->color, &nh->endpoint);
	uint8_t segs[MODEL_MAX_SEGS][16];
	uint16_t before = d->n_members;

	for (unsigned int i = 0; p != NULL && i < p->n_lists; i++) {
		const struct model_seglist *l = &p->lists[i];
		uint32_t id;
		if (l->n_segs + nh->n_segs > MODEL_MAX_SEGS)
			continue;
		memcpy(segs, l->segs, 16u * l->n_segs);
		memcpy(segs[l->n_segs], nh->segs, 16u * nh->n_segs);
		id = nh_get_encap_signed((const uint8_t(*)[16])segs, l->n_segs + nh->n_segs,
					 p->reduced, nh->has_src ? nh->src : NULL,
					 nh->has_sa ? (uint16_t)(nh->ipsec_sa + 1) : 0,
					 nh->hmac_key_id);
		if (id != 0 && !ecmp_add(d, id, (uint32_t)nh->weight * l->weight))
			return;
	}
	if (d->n_members == before && nh->n_segs > 0) {
		uint32_t id = nh_get_member(0, nh);
		if (id != 0)
			ecmp_add(d, id, nh->weight);
	}
}

static uint32_t
nh_get_route(const struct model_route *r)
{
	struct nh_desc d;
	bool steered = false;

	for (unsigned int i = 0; i < r->n_nh; i++)
		steered |= r->nh[i].type == MNH_SRV6 && r->nh[i].has_policy;
	if (r->n_nh == 1 && !steered)
		return nh_get_member(r->vrf, &r->nh[0]);
	desc_init(&d, DNH_ECMP);
	for (unsigned int i = 0; i < r->n_nh; i++) {
		if (r->nh[i].type == MNH_SRV6 && r->nh[i].has_policy) {
			policy_members(&d, &r->nh[i]);
			continue;
		}
		uint32_t id = nh_get_member(r->vrf, &r->nh[i]);
		if (id == 0)
			continue; // an unusable member is left out, the others carry on
		if (!ecmp_add(&d, id, r->nh[i].weight))
			break;
	}
	if (d.n_members == 0)
		return 0;
	if (d.n_members == 1)
		return d.members[0];
	return nh_get(&d);
}

// A binding SID's SR policy (RFC 9256 6): one encapsulation per segment
// list, weighted (End.B6.Encaps.Red reduces them all); a single list is
// that encapsulation itself.
static uint32_t
nh_get_binding(const struct model_sid *s)
{
	const struct model_policy *p = model_policy_find(dp_g.model, s->color, &s->endpoint);
	struct nh_desc d;

	if (p == NULL)
		return 0;
	desc_init(&d, DNH_ECMP);
	for (unsigned int i = 0; i < p->n_lists; i++) {
		uint32_t id =
			nh_get_encap((const uint8_t(*)[16])p->lists[i].segs, p->lists[i].n_segs,
				     s->behavior == SB_END_B6_ENCAPS_RED, NULL, 0);
		if (id != 0 && !ecmp_add(&d, id, p->lists[i].weight))
			break;
	}
	if (d.n_members <= 1)
		return d.n_members == 1 ? d.members[0] : 0;
	return nh_get(&d);
}

static uint32_t
nh_get_sid(const struct model_sid *s)
{
	struct model *m = dp_g.model;
	struct nh_desc d;

	desc_init(&d, DNH_SID);
	d.behavior = (uint8_t)s->behavior;
	d.flavors = s->flavors;
	d.csid_block = s->csid_block_len / 8;
	d.csid_bytes = s->csid_len / 8;
	d.hmac_req = s->hmac_required;
	d.sid_counter = s->counter_id;
	switch (s->behavior) {
	case SB_END_T:
	case SB_END_DT4:
	case SB_END_DT6:
	case SB_END_DT46:
		d.vrf = s->vrf;
		break;
	case SB_END_DX2:
	case SB_END_DT2U:
	case SB_END_DT2M:
		d.port = m->ports[s->port].port_id;
		break;
	case SB_END_X:
	case SB_END_DX4:
	case SB_END_DX6:
	case SB_END_AS:
	case SB_END_AD:
	case SB_END_AM:
		// The cross-connect next hop lives in whichever VRF holds its subnet.
		for (uint16_t v = 0; v < SRV6_MAX_VRFS && d.child == 0; v++)
			if (m->vrfs[v].used && model_nexthop_port(m, v, &s->via, s->port) >= 0)
				d.child = nh_get_ip(v, &s->via, s->port);
		if (d.child == 0)
			return 0;
		break;
	case SB_END_B6_ENCAPS:
	case SB_END_B6_ENCAPS_RED:
		d.child = s->has_policy
				  ? nh_get_binding(s)
				  : nh_get_encap((const uint8_t(*)[16])s->segs, s->n_segs,
						 s->behavior == SB_END_B6_ENCAPS_RED, NULL, 0);
		if (d.child == 0)
			return 0;
		break;
	default:
		break;
	}
	return nh_get(&d);
}

// The next hop for a key's derived entry, with one reference; 0 = no entry.
static uint32_t
nh_for_entry(uint16_t vrf, const struct model_entry *ent)
{
	struct model_entry e = *ent;
	struct nh_desc d;

	switch (e.kind) {
	case ENTRY_NONE:
		return 0;
	case ENTRY_LOCAL:
		desc_init(&d, DNH_LOCAL);
		d.vrf = vrf;
		return nh_get(&d);
	case ENTRY_SID:
		return nh_get_sid(e.sid);
	case ENTRY_NEIGH:
		return nh_get_ip(vrf, &e.neigh->addr, e.port);
	case ENTRY_CONNECTED:
		return nh_get_ip(vrf, NULL, e.port);
	case ENTRY_ROUTE:
		return nh_get_route(e.route);
	}
	return 0;
}

// --- FIB operations -----------------------------------------------------------------

static uint32_t
installed_hash(uint16_t vrf, const struct ip_prefix *p)
{
	uint8_t buf[20];

	memcpy(buf, &vrf, 2);
	buf[2] = p->addr.family;
	buf[3] = p->len;
	memcpy(buf + 4, p->addr.bytes, 16);
	return hmap_hash_bytes(buf, sizeof(buf), 7);
}

static struct installed *
installed_find(uint16_t vrf, const struct ip_prefix *p)
{
	uint32_t h = installed_hash(vrf, p);

	for (struct hmap_node *n = hmap_first_hash(&tb.installed, h); n; n = hmap_next_same(n)) {
		struct installed *in = hmap_entry(n, struct installed, node);
		if (in->vrf == vrf && prefix_equal(&in->prefix, p))
			return in;
	}
	return NULL;
}

static struct fib *
table_of(const struct dp_tables *t, uint16_t vrf, uint8_t family)
{
	return family == AF_INET ? t->fib4[vrf] : t->fib6[vrf];
}

// The longest installed prefix shorter than p that covers it (the final state
// of the transaction: the installed map is updated before the sides are).
static uint32_t
parent_of(uint16_t vrf, const struct ip_prefix *p, unsigned int *plen)
{
	const struct vrf_fib_ctl *vc = tb.vrf[vrf];
	unsigned int f = fam_idx(p->addr.family);

	for (unsigned int l = p->len; l-- > 0;) {
		if (vc->len_count[f][l] == 0)
			continue;
		struct ip_prefix q = *p;
		q.len = (uint8_t)l;
		prefix_mask(&q);
		const struct installed *in = installed_find(vrf, &q);
		if (in != NULL) {
			*plen = l;
			return in->nh;
		}
	}
	*plen = 0;
	return 0;
}

// Apply ops to a side that no worker reads. The memory was reserved, so an
// error here is a bug in the reservation: logged, and the sides may differ.
static void
ops_apply_side(unsigned int side, const struct fib_op *ops, size_t n)
{
	struct dp_tables *t = dp_g.side[side];

	for (size_t i = 0; i < n; i++) {
		const struct fib_op *o = &ops[i];
		struct fib *f = table_of(t, o->vrf, o->prefix.addr.family);
		unsigned int plen;
		int rc;

		if (o->new_nh != 0) {
			rc = fib_add(f, o->prefix.addr.bytes, o->prefix.len, o->new_nh);
		} else {
			uint32_t pnh = parent_of(o->vrf, &o->prefix, &plen);
			rc = fib_del(f, o->prefix.addr.bytes, o->prefix.len, pnh, plen);
		}
		if (rc < 0)
			LOG(ERR, "side %u: VRF %u op %zu failed (%s): the sides differ\n", side,
			    o->vrf, i, strerror(-rc));
	}
}

static int
op_cmp_table(const void *a, const void *b)
{
	const struct fib_op *x = *(const struct fib_op *const *)a;
	const struct fib_op *y = *(const struct fib_op *const *)b;

	if (x->vrf != y->vrf)
		return x->vrf < y->vrf ? -1 : 1;
	return (int)x->prefix.addr.family - (int)y->prefix.addr.family;
}

static void
reservations_cancel(struct fib_op **by_table, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (unsigned int s = 0; s < 2; s++)
			fib_reserve_cancel(table_of(dp_g.side[s], by_table[i]->vrf,
						    by_table[i]->prefix.addr.family));
}

// Before anything changes: every table stays within the operator's limit,
// and the memory every add may need is reserved on both sides (the active
// side's reservation is taken into use only after the grace period). -ENOSPC
// with the table and limit named in e; nothing reserved then.
static int
ops_admit(struct fib_op *ops, size_t n, struct model_err *e)
{
	struct fib_op **by_table = malloc((n ? n : 1) * sizeof(*by_table));
	const uint8_t **keys = malloc((n ? n : 1) * sizeof(*keys));
	uint8_t *lens = malloc(n ? n : 1);
	size_t j;
	int rc = 0;

	if (by_table == NULL || keys == NULL || lens == NULL) {
		rc = model_err_set(e, -ENOMEM, "", "out of memory");
		goto out;
	}
	for (size_t k = 0; k < n; k++)
		by_table[k] = &ops[k];
	qsort(by_table, n, sizeof(*by_table), op_cmp_table);
	for (size_t i = 0; i < n; i = j) {
		uint16_t vrf = by_table[i]->vrf;
		uint8_t family = by_table[i]->prefix.addr.family;
		unsigned int f = fam_idx(family), n_keys = 0;
		int64_t count = vrf_entries(tb.vrf[vrf], f);

		for (j = i;
		     j < n && by_table[j]->vrf == vrf && by_table[j]->prefix.addr.family == family;
		     j++) {
			count += (by_table[j]->new_nh != 0) - (by_table[j]->old_nh != 0);
			if (by_table[j]->new_nh != 0 && by_table[j]->old_nh == 0) {
				keys[n_keys] = by_table[j]->prefix.addr.bytes;
				lens[n_keys++] = by_table[j]->prefix.len;
			}
		}
		if (count > tb.max_entries[f]) {
			rc = model_err_set(e, -ENOSPC, "prefix",
					   "forwarding table full: the IPv%c table of VRF \"%s\" "
					   "holds at most %u entries (datapath.max_ipv%c_routes)",
					   f ? '6' : '4', dp_g.model->vrfs[vrf].name,
					   tb.max_entries[f], f ? '6' : '4');
			goto out;
		}
		for (unsigned int s = 0; s < 2 && n_keys > 0; s++)
			if (fib_reserve(table_of(dp_g.side[s], vrf, family), keys, lens, n_keys) <
			    0) {
				rc = model_err_set(
					e, -ENOSPC, "prefix",
					"forwarding table full: no memory for the IPv%c "
					"table of VRF \"%s\" (%u entries; more hugepages, "
					"or -m)",
					f ? '6' : '4', dp_g.model->vrfs[vrf].name,
					vrf_entries(tb.vrf[vrf], f));
				goto out;
			}
	}
out:
	if (rc < 0 && by_table != NULL)
		reservations_cancel(by_table, n);
	free(by_table);
	free(keys);
	free(lens);
	return rc;
}

// The installed map (and the per-VRF counts) move to the transaction's final
// state; both sides are then brought to it.
static void
installed_update(const struct fib_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct installed *in = installed_find(ops[i].vrf, &ops[i].prefix);
		struct vrf_fib_ctl *vc = tb.vrf[ops[i].vrf];
		unsigned int f = fam_idx(ops[i].prefix.addr.family);

		if (ops[i].new_nh != 0) {
			if (in == NULL) {
				in = malloc(sizeof(*in));
				if (in == NULL) {
					LOG(ERR, "out of memory recording an installed entry\n");
					continue;
				}
				in->vrf = ops[i].vrf;
				in->prefix = ops[i].prefix;
				hmap_insert(&tb.installed, &in->node,
					    installed_hash(in->vrf, &in->prefix));
				vc->len_count[f][in->prefix.len]++;
			}
			in->nh = ops[i].new_nh;
		} else if (in != NULL) {
			vc->len_count[f][in->prefix.len]--;
			hmap_remove(&tb.installed, &in->node);
			free(in);
		}
	}
}

// An l2vpn bridge: per peer, the next hops toward its End.DT2U and its
// End.DT2M (its unicast segments when it has no bum_segments); the MAC
// table on first use.
static int
attach_bridge(const struct model_l2vpn *l2, uint16_t pid, uint32_t *nh)
{
	for (unsigned int k = 0; k < l2->n_peers; k++) {
		const struct model_l2_peer *pe = &l2->peers[k];
		const uint8_t(*bum)[16] = pe->n_bum != 0 ? pe->bum : pe->segs;
		nh[1 + 2 * k] = nh_get_encap_l2(l2, (const uint8_t(*)[16])pe->segs, pe->n_segs);
		nh[2 + 2 * k] = nh_get_encap_l2(l2, bum, pe->n_bum != 0 ? pe->n_bum : pe->n_segs);
		if (nh[1 + 2 * k] == 0 || nh[2 + 2 * k] == 0)
			return -ENOSPC;
	}
	if (dp_g.l2_tables[pid] == NULL) {
		dp_g.l2_tables[pid] =
			rte_zmalloc("l2_macs", sizeof(struct dp_l2_table), RTE_CACHE_LINE_SIZE);
		if (dp_g.l2_tables[pid] == NULL)
			return -ENOMEM;
	}
	return 0;
}

// What each port's received traffic is steered into: an l2vpn port's
// H.Encaps.L2 (to one PE, or a bridge's peers), or the End.AS / End.AD SID
// whose return port it is. Fills kind[], nh[][] (one reference each,
// DNH_ENCAP) and cache[] by DPDK port id.
static int
attach_build(uint8_t *kind, uint32_t (*nh)[ATTACH_NHS], uint16_t *cache)
{
	struct model *m = dp_g.model;
	size_t b;

	for (uint16_t i = 0; i < MODEL_MAX_PORTS; i++) {
		const struct model_port *p = &m->ports[i];
		if (!p->used || p->port_id >= RTE_MAX_ETHPORTS || !p->l2vpn.on)
			continue;
		kind[p->port_id] = DP_ATTACH_L2;
		if (p->l2vpn.n_peers != 0) {
			int rc = attach_bridge(&p->l2vpn, p->port_id, nh[p->port_id]);
			if (rc < 0)
				return rc;
			continue;
		}
		nh[p->port_id][0] = nh_get_encap_l2(&p->l2vpn, (const uint8_t(*)[16])p->l2vpn.segs,
						    p->l2vpn.n_segs);
		if (nh[p->port_id][0] == 0)
			return -ENOSPC;
	}
	for (struct hmap_node *nd = hmap_iter_first(&m->sids, &b); nd;
	     nd = hmap_iter_next(&m->sids, nd, &b)) {
		const struct model_sid *s = hmap_entry(nd, struct model_sid, node);
		uint16_t pid;
		if (!model_behavior_is_proxy(s->behavior) || s->return_port >= MODEL_MAX_PORTS)
			continue;
		pid = m->ports[s->return_port].port_id;
		if (pid >= RTE_MAX_ETHPORTS)
			continue;
		if (s->behavior == SB_END_AD) {
			kind[pid] = DP_ATTACH_PROXY_DYNAMIC;
			cache[pid] = s->counter_id;
			continue;
		}
		if (s->behavior == SB_END_AM) {
			kind[pid] = DP_ATTACH_PROXY_MASQ;
			continue;
		}
		kind[pid] = DP_ATTACH_PROXY_STATIC;
		nh[pid][0] = nh_get_encap((const uint8_t(*)[16])s->segs, s->n_segs, false, NULL, 0);
		if (nh[pid][0] == 0)
			return -ENOSPC;
	}
	return 0;
}

// Per-port and per-VRF facts for the workers, derived from the model.
static void
meta_build(struct dp_tables *t, const uint8_t *attach, const uint32_t (*attach_nh)[ATTACH_NHS],
	   const uint16_t *attach_cache)
{
	struct model *m = dp_g.model;

	memset(t->ports, 0, sizeof(t->ports));
	memset(t->vrfs, 0, sizeof(t->vrfs));
	static uint32_t hmac_gen;

	t->n_hmac = 0;
	t->hmac_gen = ++hmac_gen ? hmac_gen : ++hmac_gen; // never 0 (empty)
	for (int i = 0; i < MODEL_MAX_HMAC_KEYS; i++) {
		const struct model_hmac_key *k = &m->hmac_keys[i];
		if (!k->used)
			continue;
		t->hmac[t->n_hmac].key_id = k->key_id;
		hmac_sha256_key_init(&t->hmac[t->n_hmac].k, k->secret, k->secret_len);
		t->n_hmac++;
	}
	for (uint16_t i = 0; i < MODEL_MAX_PORTS; i++) {
		const struct model_port *p = &m->ports[i];
		if (!p->used || p->port_id >= RTE_MAX_ETHPORTS)
			continue;
		struct dp_port_meta *pm = &t->ports[p->port_id];
		pm->enabled = dp_g.port_configured[p->port_id];
		pm->vrf = p->vrf;
		pm->mtu = p->mtu;
		pm->tcp_mss = p->tcp_mss;
		pm->model_idx = i;
		pm->attach = attach[p->port_id];
		pm->attach_nh = attach_nh[p->port_id][0];
		pm->l2_peers = p->l2vpn.on ? p->l2vpn.n_peers : 0;
		for (unsigned int k = 0; k < pm->l2_peers; k++) {
			pm->l2_nh[2 * k] = attach_nh[p->port_id][1 + 2 * k];
			pm->l2_nh[2 * k + 1] = attach_nh[p->port_id][2 + 2 * k];
			memcpy(pm->l2_peer_addr[k], p->l2vpn.peers[k].addr, 16);
		}
		pm->attach_cache = attach_cache[p->port_id];
		if (p->has_mac)
			memcpy(pm->mac.addr_bytes, p->mac, 6);
		else
			rte_eth_macaddr_get(p->port_id, &pm->mac);
		struct dp_vrf_meta *vm = &t->vrfs[p->vrf];
		for (unsigned int j = 0; j < p->n_addrs; j++) {
			const struct ip_addr *a = &p->addrs[j].addr;
			if (a->family == AF_INET && !vm->has_src4) {
				memcpy(vm->src4, a->bytes, 4);
				vm->has_src4 = true;
			} else if (a->family == AF_INET6 && !vm->has_src6) {
				memcpy(vm->src6, a->bytes, 16);
				vm->has_src6 = true;
			}
		}
	}
}

int
dp_commit(struct model_txn *txn, struct model_err *e)
{
	size_t n_dirty = model_txn_n_dirty(txn), n_ops = 0;
	struct fib_op *ops = NULL;
	uint16_t added[SRV6_MAX_VRFS];
	unsigned int n_added = 0;
	uint32_t standby;
	bool meta = model_txn_meta_dirty(txn);
	static uint8_t attach[RTE_MAX_ETHPORTS];
	static uint32_t attach_nh[RTE_MAX_ETHPORTS][ATTACH_NHS];
	static uint16_t attach_cache[RTE_MAX_ETHPORTS];
	int rc = 0;

	// 0. ESP SAs whose settings changed: built before anything else, so a
	// refusal (no crypto device, librte_ipsec) leaves everything as it was.
	rc = dp_ipsec_stage(dp_g.model, e);
	if (rc < 0)
		return rc;

	// 1. Tables of new VRFs, on both sides: no worker looks at them until a
	// port, SID or next hop refers to the VRF in a published side.
	for (uint16_t v = 1; v < SRV6_MAX_VRFS; v++) {
		if (!model_txn_vrf_added(txn, v) || tb.vrf[v] != NULL)
			continue;
		rc = vrf_tables_create(v);
		if (rc < 0) {
			model_err_set(e, rc, "vrf", "cannot allocate the VRF's tables (memory)");
			goto undo_vrfs;
		}
		added[n_added++] = v;
	}

	// 2. Next hops for every dirty key.
	ops = calloc(n_dirty ? n_dirty : 1, sizeof(*ops));
	if (ops == NULL) {
		rc = model_err_set(e, -ENOMEM, "", "out of memory");
		goto undo_vrfs;
	}
	for (size_t i = 0; i < n_dirty; i++) {
		const struct model_key *k = model_txn_dirty(txn, i);
		struct installed *in = installed_find(k->vrf, &k->prefix);
		uint32_t old = in ? in->nh : 0;
		struct model_entry ent;

		model_entry_get(dp_g.model, k->vrf, &k->prefix, &ent);
		uint32_t nh = nh_for_entry(k->vrf, &ent);
		if (nh == 0 && ent.kind != ENTRY_NONE && ent.kind != ENTRY_ROUTE) {
			rc = model_err_set(e, -ENOSPC, "", "next-hop or neighbour table full");
			goto undo_nh;
		}
		if (nh == 0 && ent.kind == ENTRY_ROUTE && tb.n_free == 0) {
			rc = model_err_set(e, -ENOSPC, "nexthops", "next-hop table full");
			goto undo_nh;
		}
		if (nh == old) {
			nh_put(nh); // unchanged: drop the extra reference
			continue;
		}
		ops[n_ops++] = (struct fib_op){k->vrf, k->prefix, nh, old};
	}

	// Port attachments (held by the port meta, rebuilt with it).
	if (meta || n_added > 0) {
		memset(attach, 0, sizeof(attach));
		memset(attach_nh, 0, sizeof(attach_nh));
		memset(attach_cache, 0, sizeof(attach_cache));
		if (attach_build(attach, attach_nh, attach_cache) < 0) {
			rc = model_err_set(
				e, -ENOSPC, "",
				"next-hop table full (or no memory for a bridge's MAC table)");
			goto undo_attach;
		}
	}

	// 3. Limits and memory, before anything changes.
	rc = ops_admit(ops, n_ops, e);
	if (rc < 0)
		goto undo_attach;

	// Neighbour MACs first: new next hops may point at fresh slots.
	neigh_slots_sync(false);
	installed_update(ops, n_ops);

	// 4. Standby side, publish, wait until no worker can hold the old side,
	// replay on it.
	standby = dp_g.active ^ 1;
	if (meta || n_added > 0)
		meta_build(dp_g.side[standby], attach, attach_nh, attach_cache);
	ops_apply_side(standby, ops, n_ops);
	dp_ipsec_publish();
	__atomic_store_n(&dp_g.active, standby, __ATOMIC_RELEASE);
	if (dp_g.qsv != NULL)
		rte_rcu_qsbr_synchronize(dp_g.qsv, RTE_QSBR_THRID_INVALID);
	dp_ipsec_reclaim();
	if (meta || n_added > 0) {
		meta_build(dp_g.side[standby ^ 1], attach, attach_nh, attach_cache);
		for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++) {
			for (unsigned int j = 0; j < ATTACH_NHS; j++) {
				nh_put(tb.attach_nh[p][j]);
				tb.attach_nh[p][j] = attach_nh[p][j];
			}
		}
	}
	ops_apply_side(standby ^ 1, ops, n_ops);

	// 5. Free what no side references any more.
	for (size_t i = 0; i < n_ops; i++)
		nh_put(ops[i].old_nh);
	for (uint16_t v = 1; v < SRV6_MAX_VRFS; v++)
		if (model_txn_vrf_deleted(txn, v) && tb.vrf[v] != NULL)
			vrf_tables_free(v);
	neigh_slots_sync(true);
	free(ops);
	return 0;

undo_attach:
	if (meta || n_added > 0)
		for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++)
			for (unsigned int j = 0; j < ATTACH_NHS; j++)
				nh_put(attach_nh[p][j]);
undo_nh:
	for (size_t i = 0; i < n_ops; i++)
		nh_put(ops[i].new_nh);
	free(ops);
undo_vrfs:
	for (unsigned int i = 0; i < n_added; i++)
		vrf_tables_free(added[i]);
	dp_ipsec_unstage();
	return rc;
}
