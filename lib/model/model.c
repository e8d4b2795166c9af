// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "model.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

// --- undo log ---------------------------------------------------------------
// Small fixed-size state (ports, VRFs, locators, encap) is snapshotted whole on
// first touch; map objects (routes, SIDs, neighbours) record the previous copy.

enum undo_kind { UNDO_ROUTE, UNDO_SID, UNDO_NEIGH, UNDO_POLICY };

struct undo {
	enum undo_kind kind;
	void *old; // copy of the previous object, NULL when it did not exist
	void *cur; // the object now in the map, NULL when deleted
};

struct txn_event {
	const char *topic;
	const char *action;
	// A route's id is its prefix, formatted when read: most commits have
	// nobody listening, and formatting cost more than the change itself.
	bool id_is_prefix;
	struct ip_prefix prefix;
	char id[PREFIX_STRLEN + MODEL_NAME_LEN];
};

struct model_txn {
	struct model *m;
	struct undo *undo;
	size_t n_undo, cap_undo;
	struct hmap dirty_set;
	struct model_key **dirty;
	size_t n_dirty, cap_dirty;
	bool meta_dirty;
	struct model_port *ports_snap;
	struct model_vrf *vrfs_snap;
	struct model_locator *locators_snap;
	struct model_encap *encap_snap;
	struct model_hmac_key *hmac_snap; // [MODEL_MAX_HMAC_KEYS]
	uint8_t *sid_counters_snap;
	uint8_t vrf_added[(SRV6_MAX_VRFS + 7) / 8];
	uint8_t vrf_deleted[(SRV6_MAX_VRFS + 7) / 8];
	struct txn_event *events;
	size_t n_events, cap_events;
};

static const char *const behavior_names[SB_MAX] = {
	[SB_END] = "End",
	[SB_END_X] = "End.X",
	[SB_END_T] = "End.T",
	[SB_END_DX4] = "End.DX4",
	[SB_END_DX6] = "End.DX6",
	[SB_END_DT4] = "End.DT4",
	[SB_END_DT6] = "End.DT6",
	[SB_END_DT46] = "End.DT46",
	[SB_END_B6_ENCAPS] = "End.B6.Encaps",
	[SB_END_B6_ENCAPS_RED] = "End.B6.Encaps.Red",
	[SB_END_DX2] = "End.DX2",
	[SB_END_AS] = "End.AS",
	[SB_END_AD] = "End.AD",
	[SB_END_AM] = "End.AM",
	[SB_END_OP] = "End.OP",
	[SB_END_DT2U] = "End.DT2U",
	[SB_END_DT2M] = "End.DT2M",
};

const char *
model_behavior_name(enum model_behavior b)
{
	return b < SB_MAX ? behavior_names[b] : "?";
}

int
model_behavior_parse(const char *s, enum model_behavior *out)
{
	for (int i = 0; i < SB_MAX; i++) {
		if (s != NULL && strcmp(s, behavior_names[i]) == 0) {
			*out = (enum model_behavior)i;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct {
	const char *name;
	uint32_t flag;
} flavor_names[] = {
	{"psp", SID_FL_PSP},
	{"usp", SID_FL_USP},
	{"usd", SID_FL_USD},
	{"next-csid", SID_FL_NEXT_CSID},
};

int
model_flavor_parse(const char *s, uint32_t *flag)
{
	for (size_t i = 0; i < sizeof(flavor_names) / sizeof(flavor_names[0]); i++) {
		if (s != NULL && strcmp(s, flavor_names[i].name) == 0) {
			*flag = flavor_names[i].flag;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
model_flavor_name(uint32_t flag)
{
	for (size_t i = 0; i < sizeof(flavor_names) / sizeof(flavor_names[0]); i++)
		if (flavor_names[i].flag == flag)
			return flavor_names[i].name;
	return "?";
}

const char *
model_neigh_state_name(enum model_neigh_state s)
{
	static const char *const names[] = {"incomplete", "reachable", "stale",
					    "probe",	  "failed",    "permanent"};
	return (unsigned int)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *
model_entry_kind_name(enum model_entry_kind k)
{
	switch (k) {
	case ENTRY_LOCAL:
		return "local";
	case ENTRY_SID:
		return "sid";
	case ENTRY_NEIGH:
		return "neighbor";
	case ENTRY_CONNECTED:
		return "connected";
	case ENTRY_ROUTE:
		return "static";
	case ENTRY_NONE:
		break;
	}
	return "none";
}

int
model_err_set(struct model_err *e, int rc, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (e != NULL) {
		snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

// --- hashing ----------------------------------------------------------------

static uint32_t
key_hash(uint16_t vrf, const struct ip_prefix *p)
{
	uint8_t buf[20];

	memcpy(buf, &vrf, 2);
	buf[2] = p->addr.family;
	buf[3] = p->len;
	memcpy(buf + 4, p->addr.bytes, 16);
	return hmap_hash_bytes(buf, sizeof(buf), 0);
}

static uint32_t
neigh_hash(uint16_t port, const struct ip_addr *a)
{
	struct ip_prefix p = {.addr = *a, .len = 0};

	return key_hash(port, &p);
}

int
model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->vrfs[0].used = true;
	snprintf(m->vrfs[0].name, sizeof(m->vrfs[0].name), "default");
	m->encap.hop_limit = 64;
	m->encap.flowlabel = MODEL_FL_COMPUTE;
	if (hmap_init(&m->routes, 1024) < 0 || hmap_init(&m->sids, 64) < 0 ||
	    hmap_init(&m->neighs, 64) < 0 || hmap_init(&m->policies, 16) < 0)
		return -ENOMEM;
	return 0;
}

void
model_fini(struct model *m)
{
	struct hmap *maps[] = {&m->routes, &m->sids, &m->neighs, &m->policies};

	if (m->ext.fini != NULL)
		m->ext.fini(m->ext.arg);
	m->ext = (struct model_ext){0};
	m->ipsec = NULL;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		size_t b;
		struct hmap_node *n = hmap_iter_first(maps[i], &b);
		while (n != NULL) {
			struct hmap_node *next = hmap_iter_next(maps[i], n, &b);
			// every map object embeds its node first
			free(n);
			n = next;
		}
		hmap_free(maps[i]);
	}
}

// --- transactions -----------------------------------------------------------

struct model_txn *
model_txn_begin(struct model *m)
{
	struct model_txn *t;

	if (m->txn != NULL) {
		errno = EBUSY;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL || hmap_init(&t->dirty_set, 16) < 0) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	t->m = m;
	m->txn = t;
	return t;
}

static int
undo_push(struct model_txn *t, enum undo_kind kind, void *old, void *cur)
{
	if (t->n_undo == t->cap_undo) {
		size_t cap = t->cap_undo ? t->cap_undo * 2 : 16;
		struct undo *u = realloc(t->undo, cap * sizeof(*u));
		if (u == NULL)
			return -ENOMEM;
		t->undo = u;
		t->cap_undo = cap;
	}
	t->undo[t->n_undo++] = (struct undo){kind, old, cur};
	return 0;
}

static bool
event_push(struct model_txn *t, const char *topic, const char *action, const char *id)
{
	if (t->n_events == t->cap_events) {
		size_t cap = t->cap_events ? t->cap_events * 2 : 16;
		struct txn_event *ev = realloc(t->events, cap * sizeof(*ev));
		if (ev == NULL)
			return false; // events are best effort; state is not
		t->events = ev;
		t->cap_events = cap;
	}
	struct txn_event *ev = &t->events[t->n_events++];
	ev->topic = topic;
	ev->action = action;
	ev->id_is_prefix = false;
	snprintf(ev->id, sizeof(ev->id), "%s", id);
	return true;
}

static void
event_push_prefix(struct model_txn *t, const char *topic, const char *action,
		  const struct ip_prefix *p)
{
	if (event_push(t, topic, action, "")) {
		t->events[t->n_events - 1].id_is_prefix = true;
		t->events[t->n_events - 1].prefix = *p;
	}
}

static int
mark_dirty(struct model_txn *t, uint16_t vrf, const struct ip_prefix *p)
{
	uint32_t h = key_hash(vrf, p);
	struct model_key *k;

	for (struct hmap_node *n = hmap_first_hash(&t->dirty_set, h); n; n = hmap_next_same(n)) {
		k = hmap_entry(n, struct model_key, node);
		if (k->vrf == vrf && prefix_equal(&k->prefix, p))
			return 0;
	}
	if (t->n_dirty == t->cap_dirty) {
		size_t cap = t->cap_dirty ? t->cap_dirty * 2 : 64;
		struct model_key **d = realloc(t->dirty, cap * sizeof(*d));
		if (d == NULL)
			return -ENOMEM;
		t->dirty = d;
		t->cap_dirty = cap;
	}
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return -ENOMEM;
	k->vrf = vrf;
	k->prefix = *p;
	hmap_insert(&t->dirty_set, &k->node, h);
	t->dirty[t->n_dirty++] = k;
	return 0;
}

static int
snap_ports(struct model_txn *t)
{
	if (t->ports_snap == NULL) {
		t->ports_snap = malloc(sizeof(t->m->ports));
		if (t->ports_snap == NULL)
			return -ENOMEM;
		memcpy(t->ports_snap, t->m->ports, sizeof(t->m->ports));
	}
	t->meta_dirty = true;
	return 0;
}

static int
snap_vrfs(struct model_txn *t)
{
	if (t->vrfs_snap == NULL) {
		t->vrfs_snap = malloc(sizeof(t->m->vrfs));
		if (t->vrfs_snap == NULL)
			return -ENOMEM;
		memcpy(t->vrfs_snap, t->m->vrfs, sizeof(t->m->vrfs));
	}
	t->meta_dirty = true;
	return 0;
}

static int
snap_locators(struct model_txn *t)
{
	if (t->locators_snap == NULL) {
		t->locators_snap = malloc(sizeof(t->m->locators));
		if (t->locators_snap == NULL)
			return -ENOMEM;
		memcpy(t->locators_snap, t->m->locators, sizeof(t->m->locators));
	}
	return 0;
}

static int
snap_sid_counters(struct model_txn *t)
{
	if (t->sid_counters_snap == NULL) {
		t->sid_counters_snap = malloc(sizeof(t->m->sid_counter_used));
		if (t->sid_counters_snap == NULL)
			return -ENOMEM;
		memcpy(t->sid_counters_snap, t->m->sid_counter_used,
		       sizeof(t->m->sid_counter_used));
	}
	return 0;
}

static void
txn_free(struct model_txn *t)
{
	for (size_t i = 0; i < t->n_dirty; i++)
		free(t->dirty[i]);
	free(t->dirty);
	hmap_free(&t->dirty_set);
	free(t->undo);
	free(t->ports_snap);
	free(t->vrfs_snap);
	free(t->locators_snap);
	free(t->encap_snap);
	free(t->hmac_snap);
	free(t->sid_counters_snap);
	free(t->events);
	t->m->txn = NULL;
	free(t);
}

static struct hmap *
undo_map(struct model *m, enum undo_kind k)
{
	return k == UNDO_ROUTE	 ? &m->routes
	       : k == UNDO_SID	 ? &m->sids
	       : k == UNDO_NEIGH ? &m->neighs
				 : &m->policies;
}

void
model_txn_abort(struct model_txn *t)
{
	struct model *m = t->m;

	for (size_t i = t->n_undo; i-- > 0;) {
		struct undo *u = &t->undo[i];
		struct hmap *map = undo_map(m, u->kind);
		if (u->cur != NULL) {
			hmap_remove(map, (struct hmap_node *)u->cur);
			free(u->cur);
		}
		if (u->old != NULL) {
			struct hmap_node *n = u->old;
			hmap_insert(map, n, n->hash);
		}
	}
	if (t->ports_snap)
		memcpy(m->ports, t->ports_snap, sizeof(m->ports));
	if (t->vrfs_snap)
		memcpy(m->vrfs, t->vrfs_snap, sizeof(m->vrfs));
	if (t->locators_snap)
		memcpy(m->locators, t->locators_snap, sizeof(m->locators));
	if (t->encap_snap)
		m->encap = *t->encap_snap;
	if (t->hmac_snap)
		memcpy(m->hmac_keys, t->hmac_snap, sizeof(m->hmac_keys));
	if (t->sid_counters_snap)
		memcpy(m->sid_counter_used, t->sid_counters_snap, sizeof(m->sid_counter_used));
	txn_free(t);
	if (m->ext.txn_done != NULL)
		m->ext.txn_done(m->ext.arg, false);
}

void
model_txn_end(struct model_txn *t)
{
	struct model *m = t->m;

	for (size_t i = 0; i < t->n_undo; i++)
		free(t->undo[i].old);
	txn_free(t);
	if (m->ext.txn_done != NULL)
		m->ext.txn_done(m->ext.arg, true);
}

struct model *
model_txn_model(const struct model_txn *t)
{
	return t->m;
}

void
model_txn_event_add(struct model_txn *t, const char *topic, const char *action, const char *id)
{
	event_push(t, topic, action, id != NULL ? id : "");
}

size_t
model_txn_n_dirty(const struct model_txn *t)
{
	return t->n_dirty;
}

const struct model_key *
model_txn_dirty(const struct model_txn *t, size_t i)
{
	return i < t->n_dirty ? t->dirty[i] : NULL;
}

static bool
bit_get(const uint8_t *bits, uint16_t i)
{
	return (bits[i / 8] >> (i % 8)) & 1;
}

static void
bit_put(uint8_t *bits, uint16_t i, bool v)
{
	if (v)
		bits[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		bits[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

bool
model_txn_vrf_added(const struct model_txn *t, uint16_t vrf)
{
	return vrf < SRV6_MAX_VRFS && bit_get(t->vrf_added, vrf);
}

bool
model_txn_vrf_deleted(const struct model_txn *t, uint16_t vrf)
{
	return vrf < SRV6_MAX_VRFS && bit_get(t->vrf_deleted, vrf);
}

bool
model_txn_meta_dirty(const struct model_txn *t)
{
	return t->meta_dirty;
}

size_t
model_txn_n_events(const struct model_txn *t)
{
	return t->n_events;
}

void
model_txn_event(const struct model_txn *t, size_t i, const char **topic, const char **action,
		const char **id)
{
	struct txn_event *ev = &t->events[i];

	if (ev->id_is_prefix && ev->id[0] == '\0')
		prefix_fmt(&ev->prefix, ev->id, sizeof(ev->id));
	*topic = ev->topic;
	*action = ev->action;
	*id = ev->id;
}

const char *
model_txn_event_topic(const struct model_txn *t, size_t i)
{
	return i < t->n_events ? t->events[i].topic : NULL;
}

// --- queries ----------------------------------------------------------------

int
model_port_find(const struct model *m, const char *name)
{
	for (int i = 0; i < MODEL_MAX_PORTS; i++)
		if (m->ports[i].used && strcmp(m->ports[i].name, name) == 0)
			return i;
	return -ENOENT;
}

int
model_port_by_id(const struct model *m, uint16_t port_id)
{
	for (int i = 0; i < MODEL_MAX_PORTS; i++)
		if (m->ports[i].used && m->ports[i].port_id == port_id)
			return i;
	return -ENOENT;
}

int
model_vrf_find(const struct model *m, const char *name)
{
	for (int i = 0; i < SRV6_MAX_VRFS; i++)
		if (m->vrfs[i].used && strcmp(m->vrfs[i].name, name) == 0)
			return i;
	return -ENOENT;
}

int
model_locator_find(const struct model *m, const char *name)
{
	for (int i = 0; i < MODEL_MAX_LOCATORS; i++)
		if (m->locators[i].used && strcmp(m->locators[i].name, name) == 0)
			return i;
	return -ENOENT;
}

struct model_route *
model_route_find(const struct model *m, uint16_t vrf, const struct ip_prefix *p)
{
	uint32_t h = key_hash(vrf, p);

	for (struct hmap_node *n = hmap_first_hash(&m->routes, h); n; n = hmap_next_same(n)) {
		struct model_route *r = hmap_entry(n, struct model_route, node);
		if (r->vrf == vrf && prefix_equal(&r->prefix, p))
			return r;
	}
	return NULL;
}

struct model_sid *
model_sid_find(const struct model *m, const struct ip_prefix *p)
{
	uint32_t h = key_hash(MODEL_DEFAULT_VRF, p);

	for (struct hmap_node *n = hmap_first_hash(&m->sids, h); n; n = hmap_next_same(n)) {
		struct model_sid *s = hmap_entry(n, struct model_sid, node);
		if (prefix_equal(&s->sid, p))
			return s;
	}
	return NULL;
}

struct model_neigh *
model_neigh_find(const struct model *m, uint16_t port, const struct ip_addr *a)
{
	uint32_t h = neigh_hash(port, a);

	for (struct hmap_node *n = hmap_first_hash(&m->neighs, h); n; n = hmap_next_same(n)) {
		struct model_neigh *ne = hmap_entry(n, struct model_neigh, node);
		if (ne->port == port && addr_equal(&ne->addr, a))
			return ne;
	}
	return NULL;
}

static bool
host_prefix(const struct ip_prefix *p)
{
	return p->len == addr_bits(&p->addr);
}

static struct ip_prefix
subnet_of(const struct ip_prefix *addr)
{
	struct ip_prefix s = *addr;

	prefix_mask(&s);
	return s;
}

void
model_entry_get(const struct model *m, uint16_t vrf, const struct ip_prefix *p,
		struct model_entry *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = ENTRY_NONE;
	out->port = MODEL_NO_PORT;

	if (host_prefix(p)) {
		for (uint16_t i = 0; i < MODEL_MAX_PORTS; i++) {
			const struct model_port *pt = &m->ports[i];
			if (!pt->used || pt->vrf != vrf)
				continue;
			for (unsigned int j = 0; j < pt->n_addrs; j++) {
				if (addr_equal(&pt->addrs[j].addr, &p->addr)) {
					out->kind = ENTRY_LOCAL;
					out->port = i;
					return;
				}
			}
		}
	}
	if (vrf == MODEL_DEFAULT_VRF && p->addr.family == AF_INET6) {
		const struct model_sid *s = model_sid_find(m, p);
		if (s != NULL) {
			out->kind = ENTRY_SID;
			out->sid = s;
			return;
		}
	}
	if (host_prefix(p)) {
		// A neighbour on a connected subnet of a port in this VRF gets a host
		// route, so the datapath finds its MAC with the one FIB lookup.
		for (uint16_t i = 0; i < MODEL_MAX_PORTS; i++) {
			const struct model_port *pt = &m->ports[i];
			if (!pt->used || pt->vrf != vrf)
				continue;
			const struct model_neigh *ne = model_neigh_find(m, i, &p->addr);
			if (ne == NULL)
				continue;
			for (unsigned int j = 0; j < pt->n_addrs; j++) {
				struct ip_prefix sn = subnet_of(&pt->addrs[j]);
				if (prefix_contains(&sn, &p->addr)) {
					out->kind = ENTRY_NEIGH;
					out->neigh = ne;
					out->port = i;
					return;
				}
			}
		}
	}
	for (uint16_t i = 0; i < MODEL_MAX_PORTS; i++) {
		const struct model_port *pt = &m->ports[i];
		if (!pt->used || pt->vrf != vrf)
			continue;
		for (unsigned int j = 0; j < pt->n_addrs; j++) {
			struct ip_prefix sn = subnet_of(&pt->addrs[j]);
			if (!host_prefix(&sn) && prefix_equal(&sn, p)) {
				out->kind = ENTRY_CONNECTED;
				out->port = i;
				return;
			}
		}
	}
	const struct model_route *r = model_route_find(m, vrf, p);
	if (r != NULL) {
		out->kind = ENTRY_ROUTE;
		out->route = r;
	}
}

int
model_entry_lookup(const struct model *m, uint16_t vrf, const struct ip_addr *a,
		   struct ip_prefix *matched, struct model_entry *out)
{
	for (int len = (int)addr_bits(a); len >= 0; len--) {
		struct ip_prefix p = {.addr = *a, .len = (uint8_t)len};
		prefix_mask(&p);
		model_entry_get(m, vrf, &p, out);
		if (out->kind != ENTRY_NONE) {
			if (matched)
				*matched = p;
			return 0;
		}
	}
	return -ENOENT;
}

int
model_nexthop_port(const struct model *m, uint16_t vrf, const struct ip_addr *via,
		   uint16_t port_hint)
{
	if (port_hint != MODEL_NO_PORT)
		return port_hint < MODEL_MAX_PORTS && m->ports[port_hint].used ? port_hint
									       : -ENOENT;
	for (uint16_t i = 0; i < MODEL_MAX_PORTS; i++) {
		const struct model_port *pt = &m->ports[i];
		if (!pt->used || pt->vrf != vrf)
			continue;
		for (unsigned int j = 0; j < pt->n_addrs; j++) {
			struct ip_prefix sn = subnet_of(&pt->addrs[j]);
			if (prefix_contains(&sn, via))
				return i;
		}
	}
	return -ENOENT;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct model_entry_row *x = a, *y = b;
	int c;

	if (x->prefix.addr.family != y->prefix.addr.family)
		return x->prefix.addr.family == AF_INET ? -1 : 1;
	c = memcmp(x->prefix.addr.bytes, y->prefix.addr.bytes, 16);
	if (c != 0)
		return c;
	return (int)x->prefix.len - (int)y->prefix.len;
}

struct row_vec {
	struct model_entry_row *rows;
	size_t n, cap;
};

static int
rows_add(struct row_vec *v, const struct model *m, uint16_t vrf, const struct ip_prefix *p)
{
	// Each key once: derived kinds may coincide with a route of the same prefix.
	for (size_t i = 0; i < v->n; i++)
		if (prefix_equal(&v->rows[i].prefix, p))
			return 0;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct model_entry_row *r = realloc(v->rows, cap * sizeof(*r));
		if (r == NULL)
			return -ENOMEM;
		v->rows = r;
		v->cap = cap;
	}
	v->rows[v->n].prefix = *p;
	model_entry_get(m, vrf, p, &v->rows[v->n].entry);
	if (v->rows[v->n].entry.kind != ENTRY_NONE)
		v->n++;
	return 0;
}

int
model_entries_list(const struct model *m, uint16_t vrf, struct model_entry_row **out, size_t *n)
{
	struct row_vec v = {0};
	size_t b;
	int rc = 0;

	// Derived entries first (few), then routes; the dedup scan above is linear
	// only over derived keys because routes are appended without it below.
	for (uint16_t i = 0; i < MODEL_MAX_PORTS && rc == 0; i++) {
		const struct model_port *pt = &m->ports[i];
		if (!pt->used || pt->vrf != vrf)
			continue;
		for (unsigned int j = 0; j < pt->n_addrs && rc == 0; j++) {
			struct ip_prefix host = {.addr = pt->addrs[j].addr,
						 .len = (uint8_t)addr_bits(&pt->addrs[j].addr)};
			struct ip_prefix sn = subnet_of(&pt->addrs[j]);
			rc = rows_add(&v, m, vrf, &host);
			if (rc == 0 && !host_prefix(&sn))
				rc = rows_add(&v, m, vrf, &sn);
		}
	}
	for (struct hmap_node *nd = hmap_iter_first(&m->neighs, &b); nd && rc == 0;
	     nd = hmap_iter_next(&m->neighs, nd, &b)) {
		const struct model_neigh *ne = hmap_entry(nd, struct model_neigh, node);
		if (m->ports[ne->port].vrf != vrf)
			continue;
		struct ip_prefix host = {.addr = ne->addr, .len = (uint8_t)addr_bits(&ne->addr)};
		rc = rows_add(&v, m, vrf, &host);
	}
	if (vrf == MODEL_DEFAULT_VRF) {
		for (struct hmap_node *nd = hmap_iter_first(&m->sids, &b); nd && rc == 0;
		     nd = hmap_iter_next(&m->sids, nd, &b))
			rc = rows_add(&v, m, vrf, &hmap_entry(nd, struct model_sid, node)->sid);
	}
	size_t n_derived = v.n;
	for (struct hmap_node *nd = hmap_iter_first(&m->routes, &b); nd && rc == 0;
	     nd = hmap_iter_next(&m->routes, nd, &b)) {
		const struct model_route *r = hmap_entry(nd, struct model_route, node);
		bool dup = false;
		if (r->vrf != vrf)
			continue;
		for (size_t i = 0; i < n_derived && !dup; i++)
			dup = prefix_equal(&v.rows[i].prefix, &r->prefix);
		if (dup)
			continue;
		if (v.n == v.cap) {
			size_t cap = v.cap ? v.cap * 2 : 64;
			struct model_entry_row *rows = realloc(v.rows, cap * sizeof(*rows));
			if (rows == NULL) {
				rc = -ENOMEM;
				break;
			}
			v.rows = rows;
			v.cap = cap;
		}
		v.rows[v.n].prefix = r->prefix;
		v.rows[v.n].entry = (struct model_entry){
			.kind = ENTRY_ROUTE, .route = r, .port = MODEL_NO_PORT};
		v.n++;
	}
	if (rc < 0) {
		free(v.rows);
		return rc;
	}
	if (v.n > 1)
		qsort(v.rows, v.n, sizeof(*v.rows), row_cmp);
	*out = v.rows;
	*n = v.n;
	return 0;
}

static int
ptr_sid_cmp(const void *a, const void *b)
{
	const struct model_sid *x = *(const struct model_sid *const *)a;
	const struct model_sid *y = *(const struct model_sid *const *)b;
	int c = memcmp(x->sid.addr.bytes, y->sid.addr.bytes, 16);
	return c != 0 ? c : (int)x->sid.len - (int)y->sid.len;
}

static int
ptr_neigh_cmp(const void *a, const void *b)
{
	const struct model_neigh *x = *(const struct model_neigh *const *)a;
	const struct model_neigh *y = *(const struct model_neigh *const *)b;
	if (x->port != y->port)
		return (int)x->port - (int)y->port;
	if (x->addr.family != y->addr.family)
		return x->addr.family == AF_INET ? -1 : 1;
	return memcmp(x->addr.bytes, y->addr.bytes, 16);
}

static int
map_list(const struct hmap *map, size_t node_off, const void ***out, size_t *n,
	 int (*cmp)(const void *, const void *))
{
	const void **v = calloc(map->count ? map->count : 1, sizeof(*v));
	size_t b, i = 0;

	if (v == NULL)
		return -ENOMEM;
	for (struct hmap_node *nd = hmap_iter_first(map, &b); nd; nd = hmap_iter_next(map, nd, &b))
		v[i++] = (const char *)nd - node_off;
	qsort(v, i, sizeof(*v), cmp);
	*out = v;
	*n = i;
	return 0;
}

int
model_sids_list(const struct model *m, const struct model_sid ***out, size_t *n)
{
	return map_list(&m->sids, offsetof(struct model_sid, node), (const void ***)out, n,
			ptr_sid_cmp);
}

int
model_neighs_list(const struct model *m, const struct model_neigh ***out, size_t *n)
{
	return map_list(&m->neighs, offsetof(struct model_neigh, node), (const void ***)out, n,
			ptr_neigh_cmp);
}

// --- dirty-key helpers --------------------------------------------------------

// Keys derived from a port's addresses: the host entry and the connected subnet.
static int
mark_port_keys(struct model_txn *t, const struct model_port *p)
{
	int rc = 0;

	for (unsigned int j = 0; j < p->n_addrs && rc == 0; j++) {
		struct ip_prefix host = {.addr = p->addrs[j].addr,
					 .len = (uint8_t)addr_bits(&p->addrs[j].addr)};
		struct ip_prefix sn = subnet_of(&p->addrs[j]);
		rc = mark_dirty(t, p->vrf, &host);
		if (rc == 0)
			rc = mark_dirty(t, p->vrf, &sn);
	}
	return rc;
}

// Host routes of the neighbours of a port (their eligibility depends on the
// port's VRF and subnets).
static int
mark_port_neigh_keys(struct model_txn *t, uint16_t idx, uint16_t vrf)
{
	size_t b;
	int rc = 0;

	for (struct hmap_node *nd = hmap_iter_first(&t->m->neighs, &b); nd && rc == 0;
	     nd = hmap_iter_next(&t->m->neighs, nd, &b)) {
		const struct model_neigh *ne = hmap_entry(nd, struct model_neigh, node);
		if (ne->port != idx)
			continue;
		struct ip_prefix host = {.addr = ne->addr, .len = (uint8_t)addr_bits(&ne->addr)};
		rc = mark_dirty(t, vrf, &host);
	}
	return rc;
}

// Routes whose IP next hops resolve through a port, or whose SRv6 next hops
// depend on the encapsulation source: re-derive them after such a change.
static int
mark_routes_where(struct model_txn *t, bool (*pred)(const struct model_route *, const void *),
		  const void *arg)
{
	size_t b;
	int rc = 0;

	for (struct hmap_node *nd = hmap_iter_first(&t->m->routes, &b); nd && rc == 0;
	     nd = hmap_iter_next(&t->m->routes, nd, &b)) {
		const struct model_route *r = hmap_entry(nd, struct model_route, node);
		if (pred(r, arg))
			rc = mark_dirty(t, r->vrf, &r->prefix);
	}
	return rc;
}

static bool
route_has_type(const struct model_route *r, const void *arg)
{
	enum model_nh_type type = *(const enum model_nh_type *)arg;

	for (unsigned int i = 0; i < r->n_nh; i++)
		if (r->nh[i].type == type)
			return true;
	return false;
}

static int
mark_sids_all(struct model_txn *t)
{
	size_t b;
	int rc = 0;

	for (struct hmap_node *nd = hmap_iter_first(&t->m->sids, &b); nd && rc == 0;
	     nd = hmap_iter_next(&t->m->sids, nd, &b))
		rc = mark_dirty(t, MODEL_DEFAULT_VRF, &hmap_entry(nd, struct model_sid, node)->sid);
	return rc;
}

// --- ports ------------------------------------------------------------------

static int
port_check(const struct model *m, const struct model_port *p, struct model_err *e)
{
	if (p->vrf >= SRV6_MAX_VRFS || !m->vrfs[p->vrf].used)
		return model_err_set(e, -EINVAL, "vrf", "unknown VRF");
	if (p->mtu != 0 && (p->mtu < 1280 || p->mtu > 9600))
		return model_err_set(e, -EINVAL, "mtu", "must be between 1280 and 9600");
	if (p->n_addrs > MODEL_MAX_ADDRS)
		return model_err_set(e, -EINVAL, "addresses", "at most %d addresses",
				     MODEL_MAX_ADDRS);
	if (p->l2vpn.on) {
		if (p->n_addrs != 0)
			return model_err_set(e, -EINVAL, "addresses",
					     "an l2vpn port bridges frames and has no addresses");
		if (p->host_if[0] != '\0')
			return model_err_set(e, -EINVAL, "host_if",
					     "an l2vpn port has no host interface");
		if (p->l2vpn.n_peers > MODEL_L2_MAX_PEERS)
			return model_err_set(e, -EINVAL, "l2vpn.peers", "1 to %d peers",
					     MODEL_L2_MAX_PEERS);
		if (p->l2vpn.n_peers != 0 && p->l2vpn.n_segs != 0)
			return model_err_set(
				e, -EINVAL, "l2vpn.peers",
				"segments (one remote PE) or peers (a bridge), not both");
		if (p->l2vpn.n_peers == 0 &&
		    (p->l2vpn.n_segs == 0 || p->l2vpn.n_segs > MODEL_MAX_SEGS))
			return model_err_set(e, -EINVAL, "l2vpn.segments", "1 to %d segments",
					     MODEL_MAX_SEGS);
		for (unsigned int i = 0; i < p->l2vpn.n_peers; i++) {
			const struct model_l2_peer *pe = &p->l2vpn.peers[i];
			if (pe->n_segs == 0 || pe->n_segs > MODEL_L2_PEER_SEGS ||
			    pe->n_bum > MODEL_L2_PEER_SEGS)
				return model_err_set(
					e, -EINVAL, "l2vpn.peers",
					"peer %u: 1 to %d segments, 0 to %d bum_segments", i,
					MODEL_L2_PEER_SEGS, MODEL_L2_PEER_SEGS);
			for (unsigned int j = 0; j < i; j++)
				if (memcmp(p->l2vpn.peers[j].addr, pe->addr, 16) == 0)
					return model_err_set(e, -EINVAL, "l2vpn.peers",
							     "peers %u and %u have one address", j,
							     i);
		}
	}
	for (unsigned int i = 0; i < p->n_addrs; i++) {
		// An address must not be another port's address in the same VRF.
		for (int j = 0; j < MODEL_MAX_PORTS; j++) {
			const struct model_port *o = &m->ports[j];
			if (!o->used || o->vrf != p->vrf || strcmp(o->name, p->name) == 0)
				continue;
			for (unsigned int k = 0; k < o->n_addrs; k++) {
				if (addr_equal(&o->addrs[k].addr, &p->addrs[i].addr))
					return model_err_set(e, -EEXIST, "addresses",
							     "address already on port %s", o->name);
			}
		}
	}
	return 0;
}

int
model_port_create(struct model_txn *t, const struct model_port *p, struct model_err *e)
{
	struct model *m = t->m;
	int free_idx = -1, rc;

	if (p->name[0] == '\0')
		return model_err_set(e, -EINVAL, "name", "must not be empty");
	if (model_port_find(m, p->name) >= 0)
		return model_err_set(e, -EEXIST, "name", "port %s already exists", p->name);
	for (int i = 0; i < MODEL_MAX_PORTS; i++) {
		if (m->ports[i].used && m->ports[i].port_id == p->port_id)
			return model_err_set(e, -EEXIST, "device", "device already used by port %s",
					     m->ports[i].name);
		if (m->ports[i].used && p->host_if[0] != '\0' &&
		    strcmp(m->ports[i].host_if, p->host_if) == 0)
			return model_err_set(e, -EEXIST, "host_if",
					     "host_if already used by port %s", m->ports[i].name);
		if (!m->ports[i].used && free_idx < 0)
			free_idx = i;
	}
	if (free_idx < 0)
		return model_err_set(e, -ENOSPC, "name", "at most %d ports", MODEL_MAX_PORTS);
	rc = port_check(m, p, e);
	if (rc < 0)
		return rc;
	rc = snap_ports(t);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	m->ports[free_idx] = *p;
	m->ports[free_idx].used = true;
	if (m->ports[free_idx].mtu == 0)
		m->ports[free_idx].mtu = 1500;
	event_push(t, "port", "add", p->name);
	return mark_port_keys(t, &m->ports[free_idx]);
}

int
model_port_set(struct model_txn *t, uint16_t idx, const struct model_port *p, struct model_err *e)
{
	struct model *m = t->m;
	struct model_port *cur;
	enum model_nh_type ip = MNH_IP;
	int rc;

	if (idx >= MODEL_MAX_PORTS || !m->ports[idx].used)
		return model_err_set(e, -ENOENT, "name", "no such port");
	cur = &m->ports[idx];
	rc = port_check(m, p, e);
	if (rc < 0)
		return rc;
	rc = snap_ports(t);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	// Keys of the old and the new addressing both change.
	rc = mark_port_keys(t, cur);
	if (rc == 0)
		rc = mark_port_neigh_keys(t, idx, cur->vrf);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	cur->mtu = p->mtu ? p->mtu : cur->mtu;
	cur->vrf = p->vrf;
	cur->n_addrs = p->n_addrs;
	memcpy(cur->addrs, p->addrs, sizeof(cur->addrs));
	if (p->has_mac) {
		cur->has_mac = true;
		memcpy(cur->mac, p->mac, 6);
	}
	rc = mark_port_keys(t, cur);
	if (rc == 0)
		rc = mark_port_neigh_keys(t, idx, cur->vrf);
	// IP next hops may now resolve through another port; SIDs with next hops too.
	if (rc == 0)
		rc = mark_routes_where(t, route_has_type, &ip);
	if (rc == 0)
		rc = mark_sids_all(t);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	event_push(t, "port", "set", cur->name);
	return 0;
}

// --- VRFs ---------------------------------------------------------------------

int
model_vrf_add(struct model_txn *t, const struct model_vrf *v, struct model_err *e)
{
	struct model *m = t->m;
	int free_idx = -1, rc;

	if (v->name[0] == '\0')
		return model_err_set(e, -EINVAL, "name", "must not be empty");
	if (model_vrf_find(m, v->name) >= 0)
		return model_err_set(e, -EEXIST, "name", "VRF %s already exists", v->name);
	for (int i = 1; i < SRV6_MAX_VRFS; i++) {
		if (m->vrfs[i].used && v->table != 0 && m->vrfs[i].table == v->table)
			return model_err_set(e, -EEXIST, "table", "table %u already used by VRF %s",
					     v->table, m->vrfs[i].name);
		if (!m->vrfs[i].used && free_idx < 0)
			free_idx = i;
	}
	if (free_idx < 0)
		return model_err_set(e, -ENOSPC, "name", "at most %d VRFs", SRV6_MAX_VRFS - 1);
	rc = snap_vrfs(t);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	m->vrfs[free_idx] = *v;
	m->vrfs[free_idx].used = true;
	bit_put(t->vrf_added, (uint16_t)free_idx, true);
	bit_put(t->vrf_deleted, (uint16_t)free_idx, false);
	event_push(t, "vrf", "add", v->name);
	return 0;
}

int
model_vrf_del(struct model_txn *t, const char *name, struct model_err *e)
{
	struct model *m = t->m;
	int idx = model_vrf_find(m, name), rc;
	size_t b;

	if (idx < 0)
		return model_err_set(e, -ENOENT, "name", "no such VRF");
	if (idx == MODEL_DEFAULT_VRF)
		return model_err_set(e, -EBUSY, "name", "the default VRF cannot be deleted");
	for (int i = 0; i < MODEL_MAX_PORTS; i++)
		if (m->ports[i].used && m->ports[i].vrf == idx)
			return model_err_set(e, -EBUSY, "name", "port %s is in this VRF",
					     m->ports[i].name);
	for (struct hmap_node *nd = hmap_iter_first(&m->routes, &b); nd;
	     nd = hmap_iter_next(&m->routes, nd, &b))
		if (hmap_entry(nd, struct model_route, node)->vrf == idx)
			return model_err_set(e, -EBUSY, "name", "routes are in this VRF");
	for (struct hmap_node *nd = hmap_iter_first(&m->sids, &b); nd;
	     nd = hmap_iter_next(&m->sids, nd, &b)) {
		const struct model_sid *s = hmap_entry(nd, struct model_sid, node);
		if ((s->behavior == SB_END_T || s->behavior == SB_END_DT4 ||
		     s->behavior == SB_END_DT6 || s->behavior == SB_END_DT46) &&
		    s->vrf == idx)
			return model_err_set(e, -EBUSY, "name", "SIDs decapsulate into this VRF");
	}
	rc = snap_vrfs(t);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	memset(&m->vrfs[idx], 0, sizeof(m->vrfs[idx]));
	if (bit_get(t->vrf_added, (uint16_t)idx))
		bit_put(t->vrf_added, (uint16_t)idx, false);
	else
		bit_put(t->vrf_deleted, (uint16_t)idx, true);
	event_push(t, "vrf", "del", name);
	return 0;
}

// --- routes -------------------------------------------------------------------

static int
route_check(const struct model *m, const struct model_route *r, struct model_err *e)
{
	char field[64];

	if (r->vrf >= SRV6_MAX_VRFS || !m->vrfs[r->vrf].used)
		return model_err_set(e, -EINVAL, "vrf", "unknown VRF");
	if (r->n_nh == 0 || r->n_nh > MODEL_MAX_ECMP)
		return model_err_set(e, -EINVAL, "nexthops", "1 to %d next hops", MODEL_MAX_ECMP);
	for (unsigned int i = 0; i < r->n_nh; i++) {
		const struct model_nexthop *nh = &r->nh[i];
		switch (nh->type) {
		case MNH_SRV6:
			if ((nh->n_segs == 0 && !nh->has_policy) || nh->n_segs > MODEL_MAX_SEGS) {
				snprintf(field, sizeof(field), "nexthops[%u].segments", i);
				return model_err_set(e, -EINVAL, field, "1 to %d segments",
						     MODEL_MAX_SEGS);
			}
			if (!nh->has_src && !m->encap.has_src) {
				snprintf(field, sizeof(field), "nexthops[%u].src", i);
				return model_err_set(
					e, -EINVAL, field,
					"no encapsulation source: set encap.source or src");
			}
			if (nh->insert) {
				snprintf(field, sizeof(field), "nexthops[%u].encap", i);
				if (r->prefix.addr.family != AF_INET6)
					return model_err_set(e, -EINVAL, field,
							     "h.insert needs an IPv6 prefix (the "
							     "packet keeps its own IPv6 header)");
				if (nh->n_segs + 1 > MODEL_MAX_SEGS || nh->has_policy ||
				    nh->hmac_key_id != 0 || nh->has_sa)
					return model_err_set(
						e, -EINVAL, field,
						"h.insert takes 1 to %d segments, and no policy, "
						"hmac_key_id or ipsec_sa",
						MODEL_MAX_SEGS - 1);
			}
			if (nh->hmac_key_id != 0) {
				snprintf(field, sizeof(field), "nexthops[%u].hmac_key_id", i);
				if (model_hmac_key_find(m, nh->hmac_key_id) == NULL)
					return model_err_set(e, -EINVAL, field,
							     "no HMAC key %u (hmac.key.add)",
							     nh->hmac_key_id);
				if (nh->reduced && nh->n_segs == 1)
					return model_err_set(
						e, -EINVAL, field,
						"h.encaps.red of one segment has no SRH to "
						"carry the HMAC TLV: use h.encaps");
			}
			break;
		case MNH_IP: {
			if (nh->has_via && nh->via.family != r->prefix.addr.family &&
			    r->prefix.addr.family == AF_INET6) {
				snprintf(field, sizeof(field), "nexthops[%u].via", i);
				return model_err_set(e, -EINVAL, field,
						     "an IPv6 route needs an IPv6 next hop");
			}
			if (!nh->has_via && nh->port == MODEL_NO_PORT) {
				snprintf(field, sizeof(field), "nexthops[%u]", i);
				return model_err_set(e, -EINVAL, field, "needs via or port");
			}
			if (nh->port != MODEL_NO_PORT &&
			    (nh->port >= MODEL_MAX_PORTS || !m->ports[nh->port].used)) {
				snprintf(field, sizeof(field), "nexthops[%u].port", i);
				return model_err_set(e, -EINVAL, field, "unknown port");
			}
			if (nh->has_via && model_nexthop_port(m, r->vrf, &nh->via, nh->port) < 0) {
				snprintf(field, sizeof(field), "nexthops[%u].via", i);
				return model_err_set(
					e, -EINVAL, field,
					"not on a connected subnet of the VRF: give port");
			}
			break;
		}
		case MNH_BLACKHOLE:
		case MNH_LOCAL:
			if (r->n_nh != 1) {
				snprintf(field, sizeof(field), "nexthops[%u].type", i);
				return model_err_set(e, -EINVAL, field, "cannot be part of ECMP");
			}
			break;
		}
	}
	return 0;
}

size_t
model_route_size(const struct model_route *r)
{
	unsigned int n = r->n_nh >= 1 && r->n_nh <= MODEL_MAX_ECMP ? r->n_nh : 1;
	const struct model_nexthop *last = &r->nh[n - 1];
	unsigned int segs =
		last->type == MNH_SRV6 && last->n_segs <= MODEL_MAX_SEGS ? last->n_segs : 0;

	return offsetof(struct model_route, nh) + (n - 1) * sizeof(struct model_nexthop) +
	       offsetof(struct model_nexthop, segs) + segs * sizeof(last->segs[0]);
}

// A stored copy of r, cut to its content (see model.h). Segment counts of
// non-SRv6 next hops are cleared: their segs are not stored.
static struct model_route *
route_dup(const struct model_route *r)
{
	size_t size = model_route_size(r);
	struct model_route *cur = malloc(size);

	if (cur == NULL)
		return NULL;
	memcpy(cur, r, size);
	for (unsigned int i = 0; i < cur->n_nh && i < MODEL_MAX_ECMP; i++)
		if (cur->nh[i].type != MNH_SRV6)
			cur->nh[i].n_segs = 0;
	return cur;
}

static int
route_replace(struct model_txn *t, struct model_route *old, struct model_route *cur)
{
	struct model *m = t->m;
	int rc = undo_push(t, UNDO_ROUTE, old, cur);

	if (rc < 0)
		return rc;
	if (old != NULL)
		hmap_remove(&m->routes, &old->node);
	if (cur != NULL)
		hmap_insert(&m->routes, &cur->node, key_hash(cur->vrf, &cur->prefix));
	const struct model_route *r = cur ? cur : old;
	event_push_prefix(t, "route", cur ? (old ? "set" : "add") : "del", &r->prefix);
	return mark_dirty(t, r->vrf, &r->prefix);
}

int
model_route_add(struct model_txn *t, const struct model_route *r, struct model_err *e)
{
	struct model_route *old, *cur;
	int rc = route_check(t->m, r, e);

	if (rc < 0)
		return rc;
	cur = route_dup(r);
	if (cur == NULL)
		return model_err_set(e, -ENOMEM, "", "out of memory");
	prefix_mask(&cur->prefix);
	cur->stale = false;
	if (cur->owner[0] == '\0')
		snprintf(cur->owner, sizeof(cur->owner), "static");
	old = model_route_find(t->m, cur->vrf, &cur->prefix);
	rc = route_replace(t, old, cur);
	if (rc < 0) {
		// Once the undo log holds cur, abort frees it; before that, we do.
		if (t->n_undo == 0 || t->undo[t->n_undo - 1].cur != cur)
			free(cur);
		return model_err_set(e, rc, "", "out of memory");
	}
	return 0;
}

int
model_route_del(struct model_txn *t, uint16_t vrf, const struct ip_prefix *p, struct model_err *e)
{
	struct model_route *old = model_route_find(t->m, vrf, p);
	int rc;

	if (old == NULL)
		return model_err_set(e, -ENOENT, "prefix", "no such route");
	rc = route_replace(t, old, NULL);
	return rc < 0 ? model_err_set(e, rc, "", "out of memory") : 0;
}

int
model_route_sync_begin(struct model_txn *t, const char *owner, unsigned int *n)
{
	size_t b;
	unsigned int count = 0;
	int rc;

	// Marking is itself undoable: replace each route by a stale copy.
	struct model_route **v = NULL;
	size_t nv = 0, cap = 0;
	for (struct hmap_node *nd = hmap_iter_first(&t->m->routes, &b); nd;
	     nd = hmap_iter_next(&t->m->routes, nd, &b)) {
		struct model_route *r = hmap_entry(nd, struct model_route, node);
		if (strcmp(r->owner, owner) != 0 || r->stale)
			continue;
		if (nv == cap) {
			cap = cap ? cap * 2 : 64;
			struct model_route **nvp = realloc(v, cap * sizeof(*nvp));
			if (nvp == NULL) {
				free(v);
				return -ENOMEM;
			}
			v = nvp;
		}
		v[nv++] = r;
	}
	for (size_t i = 0; i < nv; i++) {
		struct model_route *cur = route_dup(v[i]);
		if (cur == NULL) {
			free(v);
			return -ENOMEM;
		}
		cur->stale = true;
		rc = undo_push(t, UNDO_ROUTE, v[i], cur);
		if (rc < 0) {
			free(cur);
			free(v);
			return rc;
		}
		hmap_remove(&t->m->routes, &v[i]->node);
		hmap_insert(&t->m->routes, &cur->node, key_hash(cur->vrf, &cur->prefix));
		count++;
	}
	free(v);
	if (n)
		*n = count;
	return 0;
}

int
model_route_sync_end(struct model_txn *t, const char *owner, unsigned int *n)
{
	size_t b;
	unsigned int count = 0;
	struct model_route **v = NULL;
	size_t nv = 0, cap = 0;
	int rc = 0;

	for (struct hmap_node *nd = hmap_iter_first(&t->m->routes, &b); nd;
	     nd = hmap_iter_next(&t->m->routes, nd, &b)) {
		struct model_route *r = hmap_entry(nd, struct model_route, node);
		if (strcmp(r->owner, owner) != 0 || !r->stale)
			continue;
		if (nv == cap) {
			cap = cap ? cap * 2 : 64;
			struct model_route **nvp = realloc(v, cap * sizeof(*nvp));
			if (nvp == NULL) {
				free(v);
				return -ENOMEM;
			}
			v = nvp;
		}
		v[nv++] = r;
	}
	for (size_t i = 0; i < nv && rc == 0; i++) {
		rc = route_replace(t, v[i], NULL);
		if (rc == 0)
			count++;
	}
	free(v);
	if (n)
		*n = count;
	return rc;
}

// --- SIDs ---------------------------------------------------------------------

static bool
behavior_needs_vrf(enum model_behavior b)
{
	return b == SB_END_T || b == SB_END_DT4 || b == SB_END_DT6 || b == SB_END_DT46;
}

static bool
behavior_needs_nexthop(enum model_behavior b)
{
	return b == SB_END_X || b == SB_END_DX4 || b == SB_END_DX6 || model_behavior_is_proxy(b);
}

// The proxies (End.AS, End.AD, End.AM): the return port carries only the
// service's traffic back, so it belongs to one proxy and is no attachment
// circuit.
static int
sid_proxy_check(const struct model *m, const struct model_sid *s, struct model_err *e)
{
	const struct model_port *rp;
	size_t b;

	if (s->return_port >= MODEL_MAX_PORTS || !m->ports[s->return_port].used)
		return model_err_set(e, -EINVAL, "return_port", "%s needs a return_port",
				     model_behavior_name(s->behavior));
	rp = &m->ports[s->return_port];
	if (rp->l2vpn.on)
		return model_err_set(e, -EINVAL, "return_port", "port %s is an l2vpn port",
				     rp->name);
	for (struct hmap_node *nd = hmap_iter_first(&m->sids, &b); nd;
	     nd = hmap_iter_next(&m->sids, nd, &b)) {
		const struct model_sid *o = hmap_entry(nd, struct model_sid, node);
		if (model_behavior_is_proxy(o->behavior) && o->return_port == s->return_port &&
		    !prefix_equal(&o->sid, &s->sid))
			return model_err_set(e, -EBUSY, "return_port",
					     "port %s already returns traffic to another proxy SID",
					     rp->name);
	}
	if (s->behavior == SB_END_AS && (s->n_segs == 0 || s->n_segs > MODEL_MAX_SEGS))
		return model_err_set(e, -EINVAL, "segments",
				     "End.AS needs the 1 to %d segments it re-imposes",
				     MODEL_MAX_SEGS);
	if (s->behavior == SB_END_AS && !m->encap.has_src)
		return model_err_set(e, -EINVAL, "segments", "End.AS needs encap.source");
	return 0;
}

// NEXT-C-SID (RFC 9800) for End, End.X, End.T (uN, uA, uT): the SID must
// lie in the block of a locator with usid true, and its length past the
// block is the C-SID length, 16 or 32 bits. 0 with *block_len, *csid_len.
static int
sid_csid_lengths(const struct model *m, const struct model_sid *s, uint8_t *block_len,
		 uint8_t *csid_len, struct model_err *e)
{
	if (s->behavior != SB_END && s->behavior != SB_END_X && s->behavior != SB_END_T)
		return model_err_set(
			e, -EINVAL, "flavors",
			"next-csid applies to End, End.X and End.T (uN, uA, uT); an "
			"End.DT4/DT6/DT46 SID of block + C-SID length is a uDT as it is");
	for (int i = 0; i < MODEL_MAX_LOCATORS; i++) {
		const struct model_locator *l = &m->locators[i];
		struct ip_prefix block;
		if (!l->used || !l->usid || l->prefix.addr.family != AF_INET6)
			continue;
		block = l->prefix;
		block.len = l->block_len;
		prefix_mask(&block);
		if (!prefix_contains(&block, &s->sid.addr) || s->sid.len <= l->block_len)
			continue;
		if (l->block_len % 8 != 0 ||
		    (s->sid.len - l->block_len != 16 && s->sid.len - l->block_len != 32))
			return model_err_set(e, -EINVAL, "sid",
					     "next-csid: locator %s's block is %u bits, so this "
					     "/%u SID has a %u-bit C-SID: 16 or 32 bits after a "
					     "whole-byte block",
					     l->name, l->block_len, s->sid.len,
					     s->sid.len - l->block_len);
		*block_len = l->block_len;
		*csid_len = (uint8_t)(s->sid.len - l->block_len);
		return 0;
	}
	return model_err_set(e, -EINVAL, "flavors",
			     "next-csid: the SID is in the block of no locator with usid true");
}

static int
sid_check(const struct model *m, const struct model_sid *s, struct model_err *e)
{
	if (s->sid.addr.family != AF_INET6)
		return model_err_set(e, -EINVAL, "sid", "must be an IPv6 address or prefix");
	if (s->behavior >= SB_MAX)
		return model_err_set(e, -EINVAL, "behavior", "unknown behavior");
	if (behavior_needs_vrf(s->behavior) && (s->vrf >= SRV6_MAX_VRFS || !m->vrfs[s->vrf].used))
		return model_err_set(e, -EINVAL, "vrf", "%s needs an existing VRF",
				     model_behavior_name(s->behavior));
	if (behavior_needs_nexthop(s->behavior)) {
		if (!s->has_nexthop)
			return model_err_set(e, -EINVAL, "nexthop", "%s needs a nexthop",
					     model_behavior_name(s->behavior));
		int fam = s->behavior == SB_END_DX4 ? AF_INET : AF_INET6;
		// A proxy's service may be reached over IPv4 or IPv6.
		if (s->via.family != fam && !model_behavior_is_proxy(s->behavior))
			return model_err_set(
				e, -EINVAL, "nexthop.via", "%s needs an IPv%d next hop",
				model_behavior_name(s->behavior), fam == AF_INET ? 4 : 6);
		// End.DX* next hops are customer-side: any VRF's connected subnet.
		bool found = false;
		for (uint16_t v = 0; v < SRV6_MAX_VRFS && !found; v++)
			if (m->vrfs[v].used && model_nexthop_port(m, v, &s->via, s->port) >= 0)
				found = true;
		if (!found)
			return model_err_set(e, -EINVAL, "nexthop.via",
					     "not on a connected subnet: give nexthop.port");
	}
	if (model_behavior_is_proxy(s->behavior)) {
		int rc = sid_proxy_check(m, s, e);
		if (rc < 0)
			return rc;
	}
	if (model_behavior_is_l2(s->behavior) &&
	    (s->port >= MODEL_MAX_PORTS || !m->ports[s->port].used))
		return model_err_set(e, -EINVAL, "port", "%s needs the port frames leave on",
				     model_behavior_name(s->behavior));
	if ((s->behavior == SB_END_DT2U || s->behavior == SB_END_DT2M) &&
	    (!m->ports[s->port].l2vpn.on || m->ports[s->port].l2vpn.n_peers == 0))
		return model_err_set(e, -EINVAL, "port",
				     "%s needs an l2vpn port with peers (a bridge)",
				     model_behavior_name(s->behavior));
	if (model_behavior_is_b6(s->behavior) && s->has_policy) {
		// The policy must exist: the SID has no segments of its own.
		if (model_policy_find(m, s->color, &s->endpoint) == NULL)
			return model_err_set(
				e, -EINVAL, "policy",
				"no SR policy of color %u and this endpoint (policy.add)",
				s->color);
	} else if (model_behavior_is_b6(s->behavior)) {
		if (s->n_segs == 0 || s->n_segs > MODEL_MAX_SEGS)
			return model_err_set(e, -EINVAL, "segments", "1 to %d segments",
					     MODEL_MAX_SEGS);
		if (!m->encap.has_src)
			return model_err_set(e, -EINVAL, "segments", "%s needs encap.source",
					     model_behavior_name(s->behavior));
	}
	if ((s->flavors & (SID_FL_PSP | SID_FL_USP | SID_FL_USD)) != 0 && s->behavior != SB_END &&
	    s->behavior != SB_END_X && s->behavior != SB_END_T)
		return model_err_set(e, -EINVAL, "flavors",
				     "PSP/USP/USD apply to End, End.X, End.T");
	if ((s->flavors & SID_FL_NEXT_CSID) != 0) {
		uint8_t bl, cl;
		return sid_csid_lengths(m, s, &bl, &cl, e);
	}
	return 0;
}

static int
sid_counter_alloc(struct model_txn *t, uint16_t *id)
{
	int rc = snap_sid_counters(t);

	if (rc < 0)
		return rc;
	for (uint16_t i = 0; i < SRV6_MAX_SIDS; i++) {
		if (!t->m->sid_counter_used[i]) {
			t->m->sid_counter_used[i] = 1;
			*id = i;
			return 0;
		}
	}
	return -ENOSPC;
}

static int
sid_replace(struct model_txn *t, struct model_sid *old, struct model_sid *cur)
{
	struct model *m = t->m;
	int rc = undo_push(t, UNDO_SID, old, cur);
	char id[PREFIX_STRLEN];

	if (rc < 0)
		return rc;
	if (old != NULL)
		hmap_remove(&m->sids, &old->node);
	if (cur != NULL)
		hmap_insert(&m->sids, &cur->node, key_hash(MODEL_DEFAULT_VRF, &cur->sid));
	// A proxy's return port steers what it receives (dp port meta).
	if ((old != NULL && model_behavior_is_proxy(old->behavior)) ||
	    (cur != NULL && model_behavior_is_proxy(cur->behavior)))
		t->meta_dirty = true;
	const struct model_sid *s = cur ? cur : old;
	event_push(t, "sid", cur ? (old ? "set" : "add") : "del",
		   prefix_fmt(&s->sid, id, sizeof(id)));
	return mark_dirty(t, MODEL_DEFAULT_VRF, &s->sid);
}

int
model_sid_add(struct model_txn *t, const struct model_sid *s, struct model_err *e)
{
	struct model_sid *old, *cur;
	int rc = sid_check(t->m, s, e);

	if (rc < 0)
		return rc;
	cur = malloc(sizeof(*cur));
	if (cur == NULL)
		return model_err_set(e, -ENOMEM, "", "out of memory");
	*cur = *s;
	prefix_mask(&cur->sid);
	cur->csid_block_len = cur->csid_len = 0;
	if ((cur->flavors & SID_FL_NEXT_CSID) != 0)
		sid_csid_lengths(t->m, cur, &cur->csid_block_len, &cur->csid_len, e);
	old = model_sid_find(t->m, &cur->sid);
	if (old != NULL) {
		cur->counter_id = old->counter_id; // a replaced SID keeps its counters
	} else {
		rc = sid_counter_alloc(t, &cur->counter_id);
		if (rc < 0) {
			free(cur);
			return model_err_set(e, rc, "sid", "SID table full (%d)", SRV6_MAX_SIDS);
		}
	}
	rc = sid_replace(t, old, cur);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	return 0;
}

int
model_sid_del(struct model_txn *t, const struct ip_prefix *sid, struct model_err *e)
{
	struct model_sid *old = model_sid_find(t->m, sid);
	int rc;

	if (old == NULL)
		return model_err_set(e, -ENOENT, "sid", "no such SID");
	rc = snap_sid_counters(t);
	if (rc == 0)
		rc = sid_replace(t, old, NULL);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	t->m->sid_counter_used[old->counter_id] = 0;
	return 0;
}

static bool
sid_same_service(const struct model_sid *a, const struct model_sid *b)
{
	if (a->behavior != b->behavior || a->flavors != b->flavors)
		return false;
	if (behavior_needs_vrf(a->behavior) && a->vrf != b->vrf)
		return false;
	if (behavior_needs_nexthop(a->behavior) &&
	    (!addr_equal(&a->via, &b->via) || a->port != b->port))
		return false;
	if (model_behavior_is_proxy(a->behavior) && a->return_port != b->return_port)
		return false;
	if (model_behavior_is_l2(a->behavior) && a->port != b->port)
		return false;
	if (model_behavior_is_b6(a->behavior) &&
	    (a->has_policy != b->has_policy || a->color != b->color ||
	     !addr_equal(&a->endpoint, &b->endpoint)))
		return false;
	if ((model_behavior_is_b6(a->behavior) || a->behavior == SB_END_AS) &&
	    (a->n_segs != b->n_segs || memcmp(a->segs, b->segs, 16u * a->n_segs) != 0))
		return false;
	return true;
}

int
model_sid_alloc(struct model_txn *t, const char *locator, const struct model_sid *tmpl,
		struct ip_prefix *out, bool *created, struct model_err *e)
{
	struct model *m = t->m;
	int li = model_locator_find(m, locator);
	const struct model_locator *l;
	size_t b;

	if (li < 0)
		return model_err_set(e, -ENOENT, "locator", "no such locator");
	l = &m->locators[li];
	for (struct hmap_node *nd = hmap_iter_first(&m->sids, &b); nd;
	     nd = hmap_iter_next(&m->sids, nd, &b)) {
		const struct model_sid *s = hmap_entry(nd, struct model_sid, node);
		if (strcmp(s->locator, l->name) == 0 && sid_same_service(s, tmpl)) {
			*out = s->sid;
			*created = false;
			return 0;
		}
	}
	// Function bits sit right after the locator prefix (RFC 8986 3.1).
	unsigned int flen = l->func_len ? l->func_len : 16;
	unsigned int start = l->prefix.len;
	if (start + flen > 128)
		return model_err_set(e, -EINVAL, "locator",
				     "locator leaves no room for the function");
	uint64_t max = flen >= 32 ? 0xffffffffu : ((1ull << flen) - 1);
	for (uint64_t f = 1; f <= max; f++) {
		struct model_sid s = *tmpl;
		s.sid.addr = l->prefix.addr;
		s.sid.len = 128;
		for (unsigned int bit = 0; bit < flen; bit++) {
			if ((f >> (flen - 1 - bit)) & 1) {
				unsigned int pos = start + bit;
				s.sid.addr.bytes[pos / 8] |= (uint8_t)(0x80 >> (pos % 8));
			}
		}
		if (model_sid_find(m, &s.sid) != NULL)
			continue;
		snprintf(s.locator, sizeof(s.locator), "%s", l->name);
		int rc = model_sid_add(t, &s, e);
		if (rc < 0)
			return rc;
		*out = s.sid;
		*created = true;
		return 0;
	}
	return model_err_set(e, -ENOSPC, "locator", "no free function in locator %s", l->name);
}

// --- locators -------------------------------------------------------------------

int
model_locator_add(struct model_txn *t, const struct model_locator *l, struct model_err *e)
{
	struct model *m = t->m;
	int free_idx = -1, rc;

	if (l->name[0] == '\0')
		return model_err_set(e, -EINVAL, "name", "must not be empty");
	if (l->prefix.addr.family != AF_INET6)
		return model_err_set(e, -EINVAL, "prefix", "must be an IPv6 prefix");
	if (l->block_len + l->node_len != 0 && l->block_len + l->node_len != l->prefix.len)
		return model_err_set(e, -EINVAL, "block_len",
				     "block_len + node_len must equal the prefix length");
	if (l->prefix.len + l->func_len > 128)
		return model_err_set(e, -EINVAL, "func_len",
				     "prefix + function longer than 128 bits");
	for (int i = 0; i < MODEL_MAX_LOCATORS; i++) {
		const struct model_locator *o = &m->locators[i];
		if (o->used && strcmp(o->name, l->name) == 0)
			return model_err_set(e, -EEXIST, "name", "locator %s already exists",
					     l->name);
		if (o->used && (prefix_contains(&o->prefix, &l->prefix.addr) ||
				prefix_contains(&l->prefix, &o->prefix.addr)))
			return model_err_set(e, -EEXIST, "prefix", "overlaps locator %s", o->name);
		if (!o->used && free_idx < 0)
			free_idx = i;
	}
	if (free_idx < 0)
		return model_err_set(e, -ENOSPC, "name", "at most %d locators", MODEL_MAX_LOCATORS);
	rc = snap_locators(t);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	m->locators[free_idx] = *l;
	m->locators[free_idx].used = true;
	if (m->locators[free_idx].func_len == 0)
		m->locators[free_idx].func_len = 16;
	event_push(t, "locator", "add", l->name);
	return 0;
}

int
model_locator_del(struct model_txn *t, const char *name, struct model_err *e)
{
	struct model *m = t->m;
	int idx = model_locator_find(m, name), rc;
	size_t b;

	if (idx < 0)
		return model_err_set(e, -ENOENT, "name", "no such locator");
	for (struct hmap_node *nd = hmap_iter_first(&m->sids, &b); nd;
	     nd = hmap_iter_next(&m->sids, nd, &b))
		if (strcmp(hmap_entry(nd, struct model_sid, node)->locator, name) == 0)
			return model_err_set(e, -EBUSY, "name", "SIDs are allocated from it");
	rc = snap_locators(t);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	memset(&m->locators[idx], 0, sizeof(m->locators[idx]));
	event_push(t, "locator", "del", name);
	return 0;
}

// --- neighbours -------------------------------------------------------------------

static int
neigh_replace(struct model_txn *t, struct model_neigh *old, struct model_neigh *cur)
{
	struct model *m = t->m;
	int rc = undo_push(t, UNDO_NEIGH, old, cur);
	const struct model_neigh *n = cur ? cur : old;
	char id[ADDR_STRLEN];

	if (rc < 0)
		return rc;
	if (old != NULL)
		hmap_remove(&m->neighs, &old->node);
	if (cur != NULL)
		hmap_insert(&m->neighs, &cur->node, neigh_hash(cur->port, &cur->addr));
	event_push(t, "neighbor", cur ? (old ? "set" : "add") : "del",
		   addr_fmt(&n->addr, id, sizeof(id)));
	struct ip_prefix host = {.addr = n->addr, .len = (uint8_t)addr_bits(&n->addr)};
	return mark_dirty(t, m->ports[n->port].vrf, &host);
}

int
model_neigh_add(struct model_txn *t, uint16_t port, const struct ip_addr *a, const uint8_t mac[6],
		struct model_err *e)
{
	struct model_neigh *old, *cur;
	int rc;

	if (port >= MODEL_MAX_PORTS || !t->m->ports[port].used)
		return model_err_set(e, -EINVAL, "port", "unknown port");
	if ((mac[0] & 1) != 0)
		return model_err_set(e, -EINVAL, "mac", "must be a unicast MAC");
	old = model_neigh_find(t->m, port, a);
	cur = calloc(1, sizeof(*cur));
	if (cur == NULL)
		return model_err_set(e, -ENOMEM, "", "out of memory");
	if (old != NULL)
		*cur = *old; // keeps dp_id and the hold queue owner
	cur->port = port;
	cur->addr = *a;
	cur->has_mac = true;
	memcpy(cur->mac, mac, 6);
	cur->is_static = true;
	cur->state = NEIGH_PERMANENT;
	cur->probes = 0;
	rc = neigh_replace(t, old, cur);
	return rc < 0 ? model_err_set(e, rc, "", "out of memory") : 0;
}

int
model_neigh_del(struct model_txn *t, uint16_t port, const struct ip_addr *a, struct model_err *e)
{
	struct model_neigh *old = model_neigh_find(t->m, port, a);
	int rc;

	if (old == NULL)
		return model_err_set(e, -ENOENT, "address", "no such neighbor");
	rc = neigh_replace(t, old, NULL);
	return rc < 0 ? model_err_set(e, rc, "", "out of memory") : 0;
}

int
model_neigh_learn(struct model_txn *t, uint16_t port, const struct ip_addr *a, const uint8_t *mac,
		  enum model_neigh_state st, uint64_t now_ms, struct model_neigh **out)
{
	struct model_neigh *old = model_neigh_find(t->m, port, a), *cur;
	int rc;

	if (old != NULL && old->is_static) {
		if (out)
			*out = old;
		return 0; // configuration wins over what the wire says
	}
	cur = calloc(1, sizeof(*cur));
	if (cur == NULL)
		return -ENOMEM;
	if (old != NULL)
		*cur = *old;
	cur->port = port;
	cur->addr = *a;
	if (mac != NULL) {
		cur->has_mac = true;
		memcpy(cur->mac, mac, 6);
		cur->probes = 0;
	}
	cur->state = st;
	cur->updated_ms = now_ms;
	rc = neigh_replace(t, old, cur);
	if (rc < 0)
		return rc;
	if (out)
		*out = cur;
	return 0;
}

int
model_neigh_forget(struct model_txn *t, struct model_neigh *n)
{
	if (n->is_static)
		return -EPERM;
	return neigh_replace(t, n, NULL);
}

// --- encapsulation ------------------------------------------------------------------

// --- SR policies -------------------------------------------------------------------

static uint32_t
policy_hash(uint32_t color, const struct ip_addr *ep)
{
	uint8_t buf[21];

	memcpy(buf, &color, 4);
	buf[4] = ep->family;
	memcpy(buf + 5, ep->bytes, 16);
	return hmap_hash_bytes(buf, sizeof(buf), 3);
}

const struct model_policy *
model_policy_find(const struct model *m, uint32_t color, const struct ip_addr *endpoint)
{
	uint32_t h = policy_hash(color, endpoint);

	for (struct hmap_node *n = hmap_first_hash(&m->policies, h); n; n = hmap_next_same(n)) {
		const struct model_policy *p = hmap_entry(n, struct model_policy, node);
		if (p->color == color && addr_equal(&p->endpoint, endpoint))
			return p;
	}
	return NULL;
}

struct policy_key {
	uint32_t color;
	const struct ip_addr *endpoint;
};

static bool
route_steered_by(const struct model_route *r, const void *arg)
{
	const struct policy_key *k = arg;

	for (unsigned int i = 0; i < r->n_nh; i++)
		if (r->nh[i].type == MNH_SRV6 && r->nh[i].has_policy &&
		    r->nh[i].color == k->color && addr_equal(&r->nh[i].endpoint, k->endpoint))
			return true;
	return false;
}

static int
policy_replace(struct model_txn *t, struct model_policy *old, struct model_policy *cur)
{
	struct model *m = t->m;
	const struct model_policy *p = cur ? cur : old;
	struct policy_key k = {p->color, &p->endpoint};
	char id[ADDR_STRLEN + 16], a[ADDR_STRLEN];
	int rc = undo_push(t, UNDO_POLICY, old, cur);

	if (rc < 0)
		return rc;
	if (old != NULL)
		hmap_remove(&m->policies, &old->node);
	if (cur != NULL)
		hmap_insert(&m->policies, &cur->node, policy_hash(cur->color, &cur->endpoint));
	snprintf(id, sizeof(id), "%u/%s", p->color, addr_fmt(&p->endpoint, a, sizeof(a)));
	event_push(t, "policy", cur ? (old ? "set" : "add") : "del", id);
	rc = mark_routes_where(t, route_steered_by, &k);
	// and its binding SIDs
	size_t b;
	for (struct hmap_node *nd = hmap_iter_first(&m->sids, &b); nd && rc == 0;
	     nd = hmap_iter_next(&m->sids, nd, &b)) {
		const struct model_sid *s = hmap_entry(nd, struct model_sid, node);
		if (s->has_policy && s->color == p->color && addr_equal(&s->endpoint, &p->endpoint))
			rc = mark_dirty(t, MODEL_DEFAULT_VRF, &s->sid);
	}
	return rc;
}

int
model_policy_add(struct model_txn *t, const struct model_policy *p, struct model_err *e)
{
	struct model_policy *cur, *old;
	char f[48];
	int rc;

	if (p->endpoint.family != AF_INET6 && p->endpoint.family != AF_INET)
		return model_err_set(e, -EINVAL, "endpoint", "an IPv4 or IPv6 address");
	if (p->n_lists == 0 || p->n_lists > MODEL_MAX_SEGLISTS)
		return model_err_set(e, -EINVAL, "segment_lists", "1 to %d segment lists",
				     MODEL_MAX_SEGLISTS);
	for (unsigned int i = 0; i < p->n_lists; i++) {
		const struct model_seglist *l = &p->lists[i];
		if (l->n_segs == 0 || l->n_segs > MODEL_MAX_SEGS) {
			snprintf(f, sizeof(f), "segment_lists[%u].segments", i);
			return model_err_set(e, -EINVAL, f, "1 to %d segments", MODEL_MAX_SEGS);
		}
		if (l->weight == 0) {
			snprintf(f, sizeof(f), "segment_lists[%u].weight", i);
			return model_err_set(e, -EINVAL, f, "1 to 65535");
		}
	}
	if (!t->m->encap.has_src)
		return model_err_set(e, -EINVAL, "segment_lists", "SR policies need encap.source");
	cur = malloc(sizeof(*cur));
	if (cur == NULL)
		return model_err_set(e, -ENOMEM, "", "out of memory");
	*cur = *p;
	old = (struct model_policy *)model_policy_find(t->m, p->color, &p->endpoint);
	rc = policy_replace(t, old, cur);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	return 0;
}

int
model_policy_del(struct model_txn *t, uint32_t color, const struct ip_addr *endpoint,
		 struct model_err *e)
{
	struct model_policy *old = (struct model_policy *)model_policy_find(t->m, color, endpoint);
	int rc;

	if (old == NULL)
		return model_err_set(e, -ENOENT, "color",
				     "no SR policy of this color and endpoint");
	size_t b;
	for (struct hmap_node *nd = hmap_iter_first(&t->m->sids, &b); nd;
	     nd = hmap_iter_next(&t->m->sids, nd, &b)) {
		const struct model_sid *s = hmap_entry(nd, struct model_sid, node);
		char sb[PREFIX_STRLEN];
		if (s->has_policy && s->color == color && addr_equal(&s->endpoint, endpoint))
			return model_err_set(e, -EBUSY, "color",
					     "binding SID %s is bound to this policy",
					     prefix_fmt(&s->sid, sb, sizeof(sb)));
	}
	// Steered routes fall back to their own segments (RFC 9256 8.8).
	rc = policy_replace(t, old, NULL);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	return 0;
}

static int
ptr_policy_cmp(const void *a, const void *b)
{
	const struct model_policy *x = *(const struct model_policy *const *)a;
	const struct model_policy *y = *(const struct model_policy *const *)b;

	if (x->color != y->color)
		return x->color < y->color ? -1 : 1;
	if (x->endpoint.family != y->endpoint.family)
		return x->endpoint.family < y->endpoint.family ? -1 : 1;
	return memcmp(x->endpoint.bytes, y->endpoint.bytes, 16);
}

int
model_policies_list(const struct model *m, const struct model_policy ***out, size_t *n)
{
	return map_list(&m->policies, offsetof(struct model_policy, node), (const void ***)out, n,
			ptr_policy_cmp);
}

// --- SRH HMAC keys ---------------------------------------------------------------

const struct model_hmac_key *
model_hmac_key_find(const struct model *m, uint32_t key_id)
{
	for (int i = 0; i < MODEL_MAX_HMAC_KEYS; i++)
		if (m->hmac_keys[i].used && m->hmac_keys[i].key_id == key_id)
			return &m->hmac_keys[i];
	return NULL;
}

static int
hmac_snap(struct model_txn *t)
{
	if (t->hmac_snap != NULL)
		return 0;
	t->hmac_snap = malloc(sizeof(t->m->hmac_keys));
	if (t->hmac_snap == NULL)
		return -ENOMEM;
	memcpy(t->hmac_snap, t->m->hmac_keys, sizeof(t->m->hmac_keys));
	return 0;
}

static bool
route_signs_with(const struct model_route *r, const void *arg)
{
	for (unsigned int i = 0; i < r->n_nh; i++)
		if (r->nh[i].type == MNH_SRV6 && r->nh[i].hmac_key_id == *(const uint32_t *)arg)
			return true;
	return false;
}

int
model_hmac_key_set(struct model_txn *t, uint32_t key_id, const uint8_t *secret, size_t len,
		   struct model_err *e)
{
	struct model *m = t->m;
	struct model_hmac_key *k = (struct model_hmac_key *)model_hmac_key_find(m, key_id);
	int rc;

	if (key_id == 0)
		return model_err_set(e, -EINVAL, "key_id", "1 to 4294967295");
	if (len == 0 || len > MODEL_HMAC_SECRET_MAX)
		return model_err_set(e, -EINVAL, "secret", "1 to %d bytes", MODEL_HMAC_SECRET_MAX);
	for (int i = 0; k == NULL && i < MODEL_MAX_HMAC_KEYS; i++)
		if (!m->hmac_keys[i].used)
			k = &m->hmac_keys[i];
	if (k == NULL)
		return model_err_set(e, -ENOSPC, "key_id", "at most %d HMAC keys",
				     MODEL_MAX_HMAC_KEYS);
	if (hmac_snap(t) < 0)
		return model_err_set(e, -ENOMEM, "", "out of memory");
	memset(k, 0, sizeof(*k));
	k->used = true;
	k->key_id = key_id;
	k->secret_len = (uint8_t)len;
	memcpy(k->secret, secret, len);
	// The SIDs verify with the published keys; routes carry HMACs computed
	// once per next hop.
	t->meta_dirty = true;
	rc = mark_routes_where(t, route_signs_with, &key_id);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	event_push(t, "hmac", "set", "key");
	return 0;
}

int
model_hmac_key_del(struct model_txn *t, uint32_t key_id, struct model_err *e)
{
	struct model *m = t->m;
	struct model_hmac_key *k = (struct model_hmac_key *)model_hmac_key_find(m, key_id);
	size_t b;

	if (k == NULL)
		return model_err_set(e, -ENOENT, "key_id", "no such HMAC key");
	for (struct hmap_node *nd = hmap_iter_first(&m->routes, &b); nd;
	     nd = hmap_iter_next(&m->routes, nd, &b))
		if (route_signs_with(hmap_entry(nd, struct model_route, node), &key_id))
			return model_err_set(e, -EBUSY, "key_id", "routes sign with this key");
	if (hmac_snap(t) < 0)
		return model_err_set(e, -ENOMEM, "", "out of memory");
	memset(k, 0, sizeof(*k));
	t->meta_dirty = true;
	event_push(t, "hmac", "del", "key");
	return 0;
}

int
model_encap_set(struct model_txn *t, const struct model_encap *enc, struct model_err *e)
{
	struct model *m = t->m;
	enum model_nh_type srv6 = MNH_SRV6;
	int rc;

	if (enc->hop_limit < -1 || enc->hop_limit > 255 || enc->hop_limit == 0)
		return model_err_set(e, -EINVAL, "hop_limit", "1 to 255 or \"inherit\"");
	if (!enc->has_src) {
		// Routes and attachment circuits that encapsulate need a source.
		size_t b;
		for (int i = 0; i < MODEL_MAX_PORTS; i++)
			if (m->ports[i].used && m->ports[i].l2vpn.on && !m->ports[i].l2vpn.has_src)
				return model_err_set(e, -EBUSY, "source",
						     "l2vpn port %s needs an encap source",
						     m->ports[i].name);
		for (struct hmap_node *nd = hmap_iter_first(&m->routes, &b); nd;
		     nd = hmap_iter_next(&m->routes, nd, &b)) {
			const struct model_route *r = hmap_entry(nd, struct model_route, node);
			for (unsigned int i = 0; i < r->n_nh; i++)
				if (r->nh[i].type == MNH_SRV6 && !r->nh[i].has_src)
					return model_err_set(e, -EBUSY, "source",
							     "SRv6 routes need an encap source");
		}
	}
	if (t->encap_snap == NULL) {
		t->encap_snap = malloc(sizeof(*t->encap_snap));
		if (t->encap_snap == NULL)
			return model_err_set(e, -ENOMEM, "", "out of memory");
		*t->encap_snap = m->encap;
	}
	m->encap = *enc;
	// Every encapsulating next hop carries the parameters in its template,
	// the ports' (l2vpn, End.AS return) too.
	t->meta_dirty = true;
	rc = mark_routes_where(t, route_has_type, &srv6);
	if (rc == 0)
		rc = mark_sids_all(t);
	if (rc < 0)
		return model_err_set(e, rc, "", "out of memory");
	event_push(t, "encap", "set", "encap");
	return 0;
}
