// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The binding table of the JSON-RPC methods and the transaction ops: one
// model transaction per request line (a single request or a whole batch),
// one dp_commit() for it, then the txn's events to subscribers. Handlers
// (m_*.c) only stage into the txn, so a failing batch leaves nothing behind.

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>

#include "ctl_priv.h"
#include "dp_api.h"

struct model *ctl_model;
struct ctl_conf ctl_cfg;
struct rpc_server *ctl_server;

// --- helpers shared by the handlers ------------------------------------------------

int
ctl_params(const char *method, const json_t *params, struct api_error_info *e)
{
	const struct api_method *am = api_method_find(method);

	if (ctl_model == NULL)
		return api_error_set(e, API_ERR_INTERNAL, NULL, "control not initialised");
	if (am == NULL)
		return api_error_set(e, API_ERR_INTERNAL, NULL, "%s: not in the API catalogue",
				     method);
	if (params != NULL && json_is_null(params))
		params = NULL;
	return api_check_object(params, am->params, am->n_params, NULL, e);
}

struct model_txn *
ctl_txn(const struct rpc_call *call, struct api_error_info *e)
{
	if (call == NULL || call->txn == NULL) {
		api_error_set(e, API_ERR_INTERNAL, NULL, "no open transaction");
		return NULL;
	}
	return call->txn;
}

int
ctl_model_error(struct api_error_info *e, int rc, const struct model_err *me)
{
	return ctl_error_from_model(e, rc, me, "");
}

const char *
ctl_required_str(const json_t *params, const char *key, struct api_error_info *e)
{
	const char *s = json_string_value(json_object_get(params, key));

	if (s == NULL)
		api_error_set(e, API_ERR_INVALID_PARAMS, key, "%s: missing or not a string", key);
	return s;
}

int
ctl_vrf_param(const json_t *params, uint16_t *vrf, struct api_error_info *e)
{
	const char *name = json_string_value(json_object_get(params, "vrf"));
	int idx;

	*vrf = MODEL_DEFAULT_VRF;
	if (name == NULL)
		return 0;
	idx = model_vrf_find(ctl_model, name);
	if (idx < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "vrf", "vrf: no VRF \"%.40s\"", name);
	*vrf = (uint16_t)idx;
	return 0;
}

// --- side effects tied to the txn -----------------------------------------------------

#define CTL_MAX_PENDING 64

static struct {
	struct {
		int port, sid, lcore;
	} resets[CTL_MAX_PENDING];
	unsigned int n_resets;
	unsigned int stops[CTL_MAX_PENDING];
	unsigned int n_stops;
	unsigned int started[CTL_MAX_PENDING];
	unsigned int n_started;
	bool has_datapath; // config.reload's idle sleep and spread mode
	uint32_t idle_sleep_us;
	enum dp_spread_mode spread;
} pending;

static int
pending_full(struct api_error_info *e)
{
	return api_error_set(e, API_ERR_TABLE_FULL, NULL,
			     "at most %d counter resets or captures in one batch", CTL_MAX_PENDING);
}

int
ctl_defer_counters_reset(int port_idx, int sid_counter, int lcore, struct api_error_info *e)
{
	if (pending.n_resets == CTL_MAX_PENDING)
		return pending_full(e);
	pending.resets[pending.n_resets].port = port_idx;
	pending.resets[pending.n_resets].sid = sid_counter;
	pending.resets[pending.n_resets].lcore = lcore;
	pending.n_resets++;
	return 0;
}

int
ctl_defer_capture_stop(unsigned int id, struct api_error_info *e)
{
	if (pending.n_stops == CTL_MAX_PENDING)
		return pending_full(e);
	pending.stops[pending.n_stops++] = id;
	return 0;
}

bool
ctl_capture_stop_pending(unsigned int id)
{
	for (unsigned int i = 0; i < pending.n_stops; i++)
		if (pending.stops[i] == id)
			return true;
	return false;
}

int
ctl_note_capture_started(unsigned int id, struct api_error_info *e)
{
	if (pending.n_started == CTL_MAX_PENDING) {
		dp_capture_stop(id);
		return pending_full(e);
	}
	pending.started[pending.n_started++] = id;
	return 0;
}

void
ctl_defer_datapath_settings(uint32_t idle_sleep_us, enum dp_spread_mode spread)
{
	pending.has_datapath = true;
	pending.idle_sleep_us = idle_sleep_us;
	pending.spread = spread;
}

static void
pending_clear(void)
{
	pending.n_resets = pending.n_stops = pending.n_started = 0;
	pending.has_datapath = false;
}

// The txn failed: what was started for it stops again, the rest never ran.
static void
pending_undo(void)
{
	for (unsigned int i = 0; i < pending.n_started; i++)
		dp_capture_stop(pending.started[i]);
	pending_clear();
}

static void
pending_apply(void)
{
	for (unsigned int i = 0; i < pending.n_stops; i++)
		dp_capture_stop(pending.stops[i]);
	for (unsigned int i = 0; i < pending.n_resets; i++)
		dp_counters_reset(pending.resets[i].port, pending.resets[i].sid,
				  pending.resets[i].lcore);
	if (pending.has_datapath) {
		dp_idle_sleep_set(pending.idle_sleep_us);
		dp_spread_set(pending.spread);
	}
	pending_clear();
}

// --- events --------------------------------------------------------------------------

// A route event names only its prefix: find its VRF among the txn's dirty
// keys (each (vrf, prefix) key serves one event, in VRF order), so that
// the same prefix changed in two VRFs gives two events with two VRFs.
struct ev_key {
	struct hmap_node node;
	uint16_t vrf;
	struct ip_prefix prefix;
	bool used;
};

struct ev_ctx {
	const struct model_txn *t;
	struct ev_key *keys; // NULL until the first route event
	struct hmap map;
	uint16_t vrfs[SRV6_MAX_VRFS];
	unsigned int n_vrfs;
};

static uint32_t
ev_hash(uint16_t vrf, const struct ip_prefix *p)
{
	uint32_t h = hmap_hash_bytes(&vrf, sizeof(vrf), p->len);

	return hmap_hash_bytes(p->addr.bytes, sizeof(p->addr.bytes), h ^ p->addr.family);
}

static int
ev_index(struct ev_ctx *x)
{
	size_t n = model_txn_n_dirty(x->t);

	x->keys = calloc(n ? n : 1, sizeof(*x->keys));
	if (x->keys == NULL || hmap_init(&x->map, n) < 0) {
		free(x->keys);
		x->keys = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct model_key *k = model_txn_dirty(x->t, i);
		x->keys[i].vrf = k->vrf;
		x->keys[i].prefix = k->prefix;
		hmap_insert(&x->map, &x->keys[i].node, ev_hash(k->vrf, &k->prefix));
	}
	for (uint16_t v = 0; v < SRV6_MAX_VRFS; v++)
		if (ctl_model->vrfs[v].used)
			x->vrfs[x->n_vrfs++] = v;
	return 0;
}

static struct ev_key *
ev_find(struct ev_ctx *x, uint16_t vrf, const struct ip_prefix *p)
{
	uint32_t h = ev_hash(vrf, p);

	for (struct hmap_node *n = hmap_first_hash(&x->map, h); n != NULL; n = hmap_next_same(n)) {
		struct ev_key *k = hmap_entry(n, struct ev_key, node);
		if (k->vrf == vrf && prefix_equal(&k->prefix, p))
			return k;
	}
	return NULL;
}

static void
ev_route(struct ev_ctx *x, const char *action, const char *id, json_t *params)
{
	bool gone = strcmp(action, "del") == 0;
	struct ip_prefix p;

	if (prefix_parse(id, true, &p) < 0)
		return;
	if (x->keys == NULL && ev_index(x) < 0)
		return;
	for (unsigned int i = 0; i < x->n_vrfs; i++) {
		struct ev_key *k = ev_find(x, x->vrfs[i], &p);
		const struct model_route *r;

		if (k == NULL || k->used)
			continue;
		r = model_route_find(ctl_model, x->vrfs[i], &p);
		if ((r == NULL) != gone)
			continue;
		k->used = true;
		json_object_set_new(params, "vrf", json_string(ctl_model->vrfs[x->vrfs[i]].name));
		if (r != NULL)
			json_object_set_new(params, "route", route_to_json(ctl_model, r));
		return;
	}
}

// The object an event is about, with the same encoder as the list methods,
// while it still exists (read after dp_commit, before model_txn_end).
static void
ev_object(struct ev_ctx *x, const char *topic, const char *action, const char *id, json_t *params)
{
	const struct model *m = ctl_model;
	struct ip_prefix p;
	struct ip_addr a;
	int idx;

	if (strcmp(topic, "route") == 0) {
		ev_route(x, action, id, params);
	} else if (strcmp(action, "del") == 0) {
		return;
	} else if (strcmp(topic, "port") == 0 && (idx = model_port_find(m, id)) >= 0) {
		json_object_set_new(params, "port", port_to_json(m, &m->ports[idx]));
	} else if (strcmp(topic, "vrf") == 0 && (idx = model_vrf_find(m, id)) >= 0) {
		json_object_set_new(params, "vrf", vrf_to_json(&m->vrfs[idx]));
	} else if (strcmp(topic, "locator") == 0 && (idx = model_locator_find(m, id)) >= 0) {
		json_object_set_new(params, "locator", locator_to_json(&m->locators[idx]));
	} else if (strcmp(topic, "ipsec") == 0 && (idx = ipsec_sa_find(m->ipsec, id)) >= 0) {
		// Without the key, as ipsec.sa.list shows it.
		json_object_set_new(params, "sa",
				    ipsec_sa_to_json(ipsec_sa_at(m->ipsec, (uint32_t)idx), false));
	} else if (strcmp(topic, "encap") == 0) {
		json_object_set_new(params, "encap", encap_to_json(&m->encap));
	} else if (strcmp(topic, "sid") == 0 && prefix_parse(id, true, &p) == 0) {
		const struct model_sid *s = model_sid_find(m, &p);
		if (s != NULL)
			json_object_set_new(params, "sid", sid_to_json(m, s));
	} else if (strcmp(topic, "neighbor") == 0 && addr_parse(id, &a) == 0) {
		// The id is the address: attach the entry when one port has it.
		const struct model_neigh *found = NULL;
		unsigned int n = 0;
		for (uint16_t i = 0; i < MODEL_MAX_PORTS; i++) {
			const struct model_neigh *ne;
			if (m->ports[i].used && (ne = model_neigh_find(m, i, &a)) != NULL) {
				found = ne;
				n++;
			}
		}
		if (n == 1)
			json_object_set_new(params, "neighbor", neigh_to_json(m, found));
	}
}

static void
publish_events(const struct model_txn *t)
{
	struct ev_ctx *x;
	size_t n = model_txn_n_events(t);

	if (ctl_server == NULL || n == 0)
		return;
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return;
	x->t = t;
	for (size_t i = 0; i < n; i++) {
		const char *topic = NULL, *action = NULL, *id = NULL;
		json_t *params;

		// Building an event costs more than the change itself (a route's
		// JSON): only for topics somebody listens to.
		topic = model_txn_event_topic(t, i);
		if (topic == NULL || !rpc_server_has_subscriber(ctl_server, topic))
			continue;
		model_txn_event(t, i, &topic, &action, &id);
		if (action == NULL)
			continue;
		params = json_pack("{s:s,s:s?}", "action", action, "id", id);
		if (params == NULL)
			continue;
		if (id != NULL)
			ev_object(x, topic, action, id, params);
		rpc_server_notify(ctl_server, topic, params);
	}
	if (x->keys != NULL) {
		hmap_free(&x->map);
		free(x->keys);
	}
	free(x);
}

// A SID new in this txn may reuse the counter slot of a deleted one: its
// counters start from zero. Done before the commit publishes the SID, so that
// none of its own packets is lost to the reset.
static void
reset_new_sid_counters(const struct model_txn *t)
{
	size_t n = model_txn_n_events(t);

	for (size_t i = 0; i < n; i++) {
		const char *topic = NULL, *action = NULL, *id = NULL;
		const struct model_sid *s;
		struct ip_prefix p;

		topic = model_txn_event_topic(t, i);
		if (topic == NULL || strcmp(topic, "sid") != 0)
			continue;
		model_txn_event(t, i, &topic, &action, &id);
		if (topic == NULL || action == NULL || strcmp(topic, "sid") != 0 ||
		    strcmp(action, "add") != 0 || prefix_parse(id, true, &p) < 0)
			continue;
		s = model_sid_find(ctl_model, &p);
		if (s != NULL)
			dp_counters_reset(-1, s->counter_id, -1);
	}
}

// --- transactions ----------------------------------------------------------------------

static void *
txn_begin(void *ctx)
{
	(void)ctx;
	if (ctl_model == NULL) {
		errno = EINVAL;
		return NULL;
	}
	pending_clear();
	return model_txn_begin(ctl_model);
}

static int
txn_commit(void *ctx, void *txn, struct api_error_info *e)
{
	struct model_txn *t = txn;
	struct model_err me = {0};
	int rc;

	uint64_t t0, t1;

	(void)ctx;
	reset_new_sid_counters(t);
	t0 = ctl_now_ns();
	rc = dp_commit(t, &me);
	t1 = ctl_now_ns();
	ctl_commit_stats.commits++;
	ctl_commit_stats.dirty_keys += model_txn_n_dirty(t);
	ctl_commit_stats.dp_commit_ns += t1 - t0;
	if (rc < 0) {
		// The datapath is unchanged (dp_commit's promise): undo the model too.
		model_txn_abort(t);
		pending_undo();
		ctl_commit_stats.txn_end_ns += ctl_now_ns() - t1;
		return ctl_error_from_model(e, rc, &me, "");
	}
	// Events live in the txn: read them before it ends.
	publish_events(t);
	t0 = ctl_now_ns();
	ctl_commit_stats.events_ns += t0 - t1;
	model_txn_end(t);
	pending_apply();
	ctl_commit_stats.txn_end_ns += ctl_now_ns() - t0;
	return 0;
}

static void
txn_abort(void *ctx, void *txn)
{
	uint64_t t0 = ctl_now_ns();

	(void)ctx;
	if (txn != NULL)
		model_txn_abort(txn);
	pending_undo();
	ctl_commit_stats.txn_end_ns += ctl_now_ns() - t0;
}

struct ctl_commit_stats ctl_commit_stats;

uint64_t
ctl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const struct rpc_txn_ops ctl_txn_ops = {txn_begin, txn_commit, txn_abort};

// --- bindings ------------------------------------------------------------------------------

const struct rpc_method_binding ctl_methods[] = {
	{"capture.list", rpc_capture_list},
	{"capture.start", rpc_capture_start},
	{"capture.stop", rpc_capture_stop},
	{"config.get", rpc_config_get},
	{"config.reload", rpc_config_reload},
	{"config.save", rpc_config_save},
	{"encap.get", rpc_encap_get},
	{"encap.set", rpc_encap_set},
	{"hmac.key.add", rpc_hmac_key_add},
	{"hmac.key.del", rpc_hmac_key_del},
	{"hmac.key.list", rpc_hmac_key_list},
	{"ipsec.sa.add", rpc_ipsec_sa_add},
	{"ipsec.sa.del", rpc_ipsec_sa_del},
	{"ipsec.sa.list", rpc_ipsec_sa_list},
	{"l2vpn.mac.list", rpc_l2vpn_mac_list},
	{"locator.add", rpc_locator_add},
	{"locator.del", rpc_locator_del},
	{"locator.list", rpc_locator_list},
	{"neighbor.add", rpc_neighbor_add},
	{"neighbor.del", rpc_neighbor_del},
	{"neighbor.list", rpc_neighbor_list},
	{"oam.get", rpc_oam_get},
	{"oam.ping", rpc_oam_ping},
	{"oam.trace", rpc_oam_trace},
	{"policy.add", rpc_policy_add},
	{"policy.del", rpc_policy_del},
	{"policy.list", rpc_policy_list},
	{"port.list", rpc_port_list},
	{"port.set", rpc_port_set},
	{"route.add", rpc_route_add, route_add_fast_parse, route_add_fast_run},
	{"route.del", rpc_route_del, route_del_fast_parse, route_del_fast_run},
	{"route.get", rpc_route_get},
	{"route.list", rpc_route_list},
	{"route.sync_begin", rpc_route_sync_begin},
	{"route.sync_end", rpc_route_sync_end},
	{"sid.add", rpc_sid_add},
	{"sid.alloc", rpc_sid_alloc},
	{"sid.del", rpc_sid_del},
	{"sid.list", rpc_sid_list},
	{"stats.get", rpc_stats_get},
	{"stats.reset", rpc_stats_reset},
	{"system.info", rpc_system_info},
	{"vrf.add", rpc_vrf_add},
	{"vrf.del", rpc_vrf_del},
	{"vrf.list", rpc_vrf_list},
};

const size_t ctl_n_methods = sizeof(ctl_methods) / sizeof(ctl_methods[0]);

int
ctl_init(const struct ctl_conf *conf)
{
	if (conf == NULL || conf->model == NULL)
		return -EINVAL;
	ctl_cfg = *conf;
	ctl_model = conf->model;
	pending_clear();
	return 0;
}

struct rpc_server *
ctl_server_create(const struct ctl_conf *conf)
{
	struct rpc_server_conf sc;

	if (ctl_init(conf) < 0) {
		errno = EINVAL;
		return NULL;
	}
	sc = (struct rpc_server_conf){
		.path = conf->socket_path,
		.group = conf->socket_group,
		.methods = ctl_methods,
		.n_methods = ctl_n_methods,
		.txn = &ctl_txn_ops,
		.ctx = NULL,
	};
	ctl_server = rpc_server_create(&sc);
	return ctl_server;
}
