// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// JSON-RPC methods bound to the model and the datapath. Handlers parse with
// the same object parsers as the config file (lib/config), stage into the
// transaction the server opened, and never touch the datapath directly: the
// server's commit runs dp_commit() once per request or batch.

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>

#include "api.h"
#include "config.h"
#include "ctl.h"
#include "dp_api.h"
#include "model.h"
#include "rpc_server.h"
#include "srv6_build_config.h"

static struct ctl_conf conf;
static struct model *M;
static struct rpc_server *server;

// model_err (field + reason) -> JSON-RPC error with data.field.
static int
from_model(struct api_error_info *e, int rc, const struct model_err *me)
{
	e->code = api_errno_to_code(rc);
	snprintf(e->field, sizeof(e->field), "%s", me->field);
	if (me->field[0] != '\0')
		snprintf(e->message, sizeof(e->message), "%.55s: %.190s", me->field, me->msg);
	else
		snprintf(e->message, sizeof(e->message), "%s", me->msg);
	return -1;
}

static struct model_txn *
txn_of(struct rpc_call *c)
{
	return c->txn;
}

// --- encoders (one per object, shared by list/get methods) --------------------------

static json_t *
addr_json(const struct ip_addr *a)
{
	char b[ADDR_STRLEN];
	return json_string(addr_fmt(a, b, sizeof(b)));
}

static json_t *
prefix_json(const struct ip_prefix *p)
{
	char b[PREFIX_STRLEN];
	return json_string(prefix_fmt(p, b, sizeof(b)));
}

static json_t *
seg_json(const uint8_t *s)
{
	struct ip_addr a = {.family = AF_INET6};
	memcpy(a.bytes, s, 16);
	return addr_json(&a);
}

static json_t *
nexthop_json(const struct model_nexthop *nh)
{
	json_t *o = json_object();

	switch (nh->type) {
	case MNH_SRV6: {
		json_t *segs = json_array();
		json_object_set_new(o, "type", json_string("srv6"));
		for (unsigned int i = 0; i < nh->n_segs; i++)
			json_array_append_new(segs, seg_json(nh->segs[i]));
		json_object_set_new(o, "segments", segs);
		json_object_set_new(o, "encap",
				    json_string(nh->reduced ? "h.encaps.red" : "h.encaps"));
		if (nh->has_src)
			json_object_set_new(o, "src", seg_json(nh->src));
		break;
	}
	case MNH_IP:
		json_object_set_new(o, "type", json_string("ip"));
		if (nh->has_via)
			json_object_set_new(o, "via", addr_json(&nh->via));
		if (nh->port != MODEL_NO_PORT)
			json_object_set_new(o, "port", json_string(M->ports[nh->port].name));
		break;
	case MNH_BLACKHOLE:
		json_object_set_new(o, "type", json_string("blackhole"));
		break;
	case MNH_LOCAL:
		json_object_set_new(o, "type", json_string("local"));
		break;
	}
	if (nh->weight > 1)
		json_object_set_new(o, "weight", json_integer(nh->weight));
	return o;
}

static json_t *
entry_json(uint16_t vrf, const struct ip_prefix *p, const struct model_entry *en)
{
	json_t *o = json_object(), *nhs = json_array();

	json_object_set_new(o, "vrf", json_string(M->vrfs[vrf].name));
	json_object_set_new(o, "prefix", prefix_json(p));
	switch (en->kind) {
	case ENTRY_ROUTE:
		json_object_set_new(o, "type", json_string("static"));
		json_object_set_new(o, "owner", json_string(en->route->owner));
		for (unsigned int i = 0; i < en->route->n_nh; i++)
			json_array_append_new(nhs, nexthop_json(&en->route->nh[i]));
		break;
	case ENTRY_SID:
		json_object_set_new(o, "type", json_string("sid"));
		json_object_set_new(o, "behavior",
				    json_string(model_behavior_name(en->sid->behavior)));
		break;
	case ENTRY_NEIGH:
	case ENTRY_CONNECTED:
	case ENTRY_LOCAL:
		json_object_set_new(o, "type", json_string(model_entry_kind_name(en->kind)));
		json_array_append_new(nhs, json_pack("{s:s,s:s}", "type",
						     en->kind == ENTRY_LOCAL ? "local" : "ip",
						     "port", M->ports[en->port].name));
		if (en->kind == ENTRY_NEIGH)
			json_object_set_new(json_array_get(nhs, 0), "via",
					    addr_json(&en->neigh->addr));
		break;
	case ENTRY_NONE:
		break;
	}
	json_object_set_new(o, "nexthops", nhs);
	return o;
}

static json_t *
sid_json(const struct model_sid *s)
{
	json_t *o = json_object();
	char b[PREFIX_STRLEN];

	if (s->sid.len == 128)
		json_object_set_new(o, "sid", addr_json(&s->sid.addr));
	else
		json_object_set_new(o, "sid", json_string(prefix_fmt(&s->sid, b, sizeof(b))));
	json_object_set_new(o, "behavior", json_string(model_behavior_name(s->behavior)));
	if (s->behavior == SB_END_T || s->behavior == SB_END_DT4 || s->behavior == SB_END_DT6 ||
	    s->behavior == SB_END_DT46)
		json_object_set_new(o, "vrf", json_string(M->vrfs[s->vrf].name));
	if (s->has_nexthop) {
		json_t *nh = json_pack("{s:o}", "via", addr_json(&s->via));
		if (s->port != MODEL_NO_PORT)
			json_object_set_new(nh, "port", json_string(M->ports[s->port].name));
		json_object_set_new(o, "nexthop", nh);
	}
	if (s->n_segs > 0) {
		json_t *segs = json_array();
		for (unsigned int i = 0; i < s->n_segs; i++)
			json_array_append_new(segs, seg_json(s->segs[i]));
		json_object_set_new(o, "segments", segs);
	}
	if (s->flavors != 0) {
		json_t *fl = json_array();
		for (uint32_t f = 1; f <= SID_FL_NEXT_CSID; f <<= 1)
			if (s->flavors & f)
				json_array_append_new(fl, json_string(model_flavor_name(f)));
		json_object_set_new(o, "flavors", fl);
	}
	if (s->locator[0] != '\0')
		json_object_set_new(o, "locator", json_string(s->locator));
	return o;
}

static int
vrf_param(json_t *params, uint16_t *vrf, struct api_error_info *e)
{
	json_t *v = json_object_get(params, "vrf");
	int idx;

	*vrf = MODEL_DEFAULT_VRF;
	if (v == NULL)
		return 0;
	idx = model_vrf_find(M, json_string_value(v));
	if (idx < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "vrf", "vrf: no such VRF");
	*vrf = (uint16_t)idx;
	return 0;
}

// --- system, ports ----------------------------------------------------------------

static int
rpc_system_info(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct dp_lcore_info lc[128];
	unsigned int n = dp_lcores(lc, 128);
	json_t *lcores = json_array(), *ports = json_array();

	(void)c, (void)params, (void)e;
	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(lcores, json_pack("{s:i,s:i,s:s}", "lcore", lc[i].lcore_id,
							"socket", lc[i].socket_id, "role",
							lc[i].worker ? "worker" : "control"));
	for (int i = 0; i < MODEL_MAX_PORTS; i++)
		if (M->ports[i].used)
			json_array_append_new(ports, json_string(M->ports[i].name));
	*res = json_pack("{s:s,s:s,s:o,s:o,s:I,s:s}", "version", SRV6_VERSION, "dpdk_version",
			 conf.dpdk_version, "lcores", lcores, "ports", ports, "uptime_s",
			 (json_int_t)(time(NULL) - conf.start_time), "socket", conf.socket_path);
	return 0;
}

static int
rpc_port_list(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	json_t *arr = json_array();

	(void)c, (void)params, (void)e;
	for (int i = 0; i < MODEL_MAX_PORTS; i++) {
		const struct model_port *p = &M->ports[i];
		struct dp_port_status st;
		char mac[24];
		json_t *addrs = json_array();
		if (!p->used)
			continue;
		dp_port_status(p->port_id, &st);
		for (unsigned int j = 0; j < p->n_addrs; j++)
			json_array_append_new(addrs, prefix_json(&p->addrs[j]));
		json_array_append_new(
			arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:o,s:i,s:i,s:I}", "name",
				       p->name, "device", p->device, "driver", st.driver, "mac",
				       mac_fmt(st.mac, mac, sizeof(mac)), "link",
				       st.link_up ? "up" : "down", "mtu", p->mtu, "vrf",
				       M->vrfs[p->vrf].name, "addresses", addrs, "rx_queues",
				       st.n_rxq, "tx_queues", st.n_txq, "rx_missed",
				       (json_int_t)st.imissed));
	}
	*res = arr;
	return 0;
}

static int
rpc_port_set(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	int idx = model_port_find(M, json_string_value(json_object_get(params, "name")));
	struct model_err me = {0};
	struct model_port p;
	int rc;

	(void)res;
	if (idx < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "name", "name: no such port");
	p = M->ports[idx];
	if ((rc = config_parse_port(M, params, "", &p, &me)) < 0 ||
	    (rc = model_port_set(txn_of(c), (uint16_t)idx, &p, &me)) < 0)
		return from_model(e, rc, &me);
	return 0;
}

// --- VRFs -------------------------------------------------------------------------------

static int
rpc_vrf_add(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	struct model_vrf v;
	int rc;

	(void)res;
	if ((rc = config_parse_vrf(M, params, "", &v, &me)) < 0 ||
	    (rc = model_vrf_add(txn_of(c), &v, &me)) < 0)
		return from_model(e, rc, &me);
	return 0;
}

static int
rpc_vrf_del(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	int rc = model_vrf_del(txn_of(c), json_string_value(json_object_get(params, "name")), &me);

	(void)res;
	return rc < 0 ? from_model(e, rc, &me) : 0;
}

static int
rpc_vrf_list(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	json_t *arr = json_array();

	(void)c, (void)params, (void)e;
	for (int i = 0; i < SRV6_MAX_VRFS; i++) {
		const struct model_vrf *v = &M->vrfs[i];
		json_t *imp = json_array(), *exp = json_array();
		if (!v->used)
			continue;
		for (unsigned int j = 0; j < v->n_import; j++)
			json_array_append_new(imp, json_string(v->import_rt[j]));
		for (unsigned int j = 0; j < v->n_export; j++)
			json_array_append_new(exp, json_string(v->export_rt[j]));
		json_array_append_new(arr, json_pack("{s:s,s:i,s:s,s:o,s:o}", "name", v->name,
						     "table", v->table, "rd", v->rd, "import_rt",
						     imp, "export_rt", exp));
	}
	*res = arr;
	return 0;
}

// --- routes ---------------------------------------------------------------------------

static int
rpc_route_add(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	struct model_route *r = malloc(sizeof(*r));
	int rc;

	(void)res;
	if (r == NULL)
		return api_error_set(e, API_ERR_INTERNAL, "", "out of memory");
	if ((rc = config_parse_route(M, params, "", r, &me)) < 0 ||
	    (rc = model_route_add(txn_of(c), r, &me)) < 0) {
		free(r);
		return from_model(e, rc, &me);
	}
	free(r);
	return 0;
}

static int
rpc_route_del(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	struct ip_prefix p;
	uint16_t vrf;
	int rc;

	(void)res;
	if (vrf_param(params, &vrf, e) < 0)
		return -1;
	rc = prefix_parse(json_string_value(json_object_get(params, "prefix")), false, &p);
	if (rc < 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "prefix", "prefix: %s",
				     rc == -EDOM ? "host bits set" : "not a prefix");
	rc = model_route_del(txn_of(c), vrf, &p, &me);
	return rc < 0 ? from_model(e, rc, &me) : 0;
}

static int
rpc_route_list(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	const char *owner = json_string_value(json_object_get(params, "owner"));
	const char *type = json_string_value(json_object_get(params, "type"));
	json_int_t limit = json_integer_value(json_object_get(params, "limit"));
	json_int_t offset = json_integer_value(json_object_get(params, "offset"));
	struct model_entry_row *rows;
	json_t *arr = json_array();
	size_t n, skipped = 0;
	uint16_t vrf;

	(void)c;
	if (vrf_param(params, &vrf, e) < 0)
		return -1;
	if (model_entries_list(M, vrf, &rows, &n) < 0)
		return api_error_set(e, API_ERR_INTERNAL, "", "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct model_entry *en = &rows[i].entry;
		const char *t = en->kind == ENTRY_ROUTE ? "static" : model_entry_kind_name(en->kind);
		if (owner != NULL && (en->kind != ENTRY_ROUTE || strcmp(en->route->owner, owner)))
			continue;
		if (type != NULL && strcmp(type, t) != 0 &&
		    !(en->kind == ENTRY_ROUTE && strcmp(type, en->route->owner) == 0))
			continue;
		if ((json_int_t)skipped++ < offset)
			continue;
		if (limit > 0 && (json_int_t)json_array_size(arr) >= limit)
			break;
		json_array_append_new(arr, entry_json(vrf, &rows[i].prefix, en));
	}
	free(rows);
	*res = arr;
	return 0;
}

static int
rpc_route_get(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_entry en;
	struct ip_prefix matched;
	struct ip_addr a;
	uint16_t vrf;

	(void)c;
	if (vrf_param(params, &vrf, e) < 0)
		return -1;
	if (addr_parse(json_string_value(json_object_get(params, "address")), &a) < 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "address", "address: not an address");
	if (model_entry_lookup(M, vrf, &a, &matched, &en) < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "address", "address: no route");
	*res = entry_json(vrf, &matched, &en);
	return 0;
}

static int
rpc_route_sync(struct rpc_call *c, json_t *params, json_t **res, bool begin)
{
	const char *owner = json_string_value(json_object_get(params, "owner"));
	unsigned int n = 0;
	int rc = begin ? model_route_sync_begin(txn_of(c), owner, &n)
		       : model_route_sync_end(txn_of(c), owner, &n);

	if (rc < 0)
		return rc;
	*res = json_pack("{s:s,s:i}", "owner", owner, begin ? "stale" : "deleted", n);
	return 0;
}

static int
rpc_route_sync_begin(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	(void)e;
	return rpc_route_sync(c, params, res, true);
}

static int
rpc_route_sync_end(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	(void)e;
	return rpc_route_sync(c, params, res, false);
}

// --- SIDs and locators ----------------------------------------------------------------------

static int
rpc_sid_add(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	struct model_sid s;
	int rc;

	(void)res;
	if ((rc = config_parse_sid(M, params, "", &s, &me)) < 0 ||
	    (rc = model_sid_add(txn_of(c), &s, &me)) < 0)
		return from_model(e, rc, &me);
	// A new SID starts its counters at zero even when its slot was used before.
	struct model_sid *cur = model_sid_find(M, &s.sid);
	if (cur != NULL)
		dp_counters_reset(-1, cur->counter_id, -1);
	return 0;
}

static int
rpc_sid_del(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	struct ip_prefix p;
	int rc;

	(void)res;
	if (prefix_parse(json_string_value(json_object_get(params, "sid")), true, &p) < 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "sid", "sid: not a SID");
	rc = model_sid_del(txn_of(c), &p, &me);
	return rc < 0 ? from_model(e, rc, &me) : 0;
}

static int
rpc_sid_list(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	const struct model_sid **v;
	json_t *arr = json_array();
	size_t n;

	(void)c, (void)params;
	if (model_sids_list(M, &v, &n) < 0)
		return api_error_set(e, API_ERR_INTERNAL, "", "out of memory");
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, sid_json(v[i]));
	free(v);
	*res = arr;
	return 0;
}

static int
rpc_sid_alloc(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	struct model_sid tmpl;
	struct ip_prefix out;
	bool created;
	json_t *obj = json_deep_copy(params);
	int rc;

	// The template is a SID object without its address.
	json_object_del(obj, "locator");
	json_object_set_new(obj, "sid", json_string("::"));
	rc = config_parse_sid(M, obj, "", &tmpl, &me);
	json_decref(obj);
	if (rc < 0 || (rc = model_sid_alloc(txn_of(c),
					    json_string_value(json_object_get(params, "locator")),
					    &tmpl, &out, &created, &me)) < 0)
		return from_model(e, rc, &me);
	*res = json_pack("{s:o,s:b}", "sid", addr_json(&out.addr), "created", created);
	return 0;
}

static int
rpc_locator_add(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	struct model_locator l;
	int rc;

	(void)res;
	if ((rc = config_parse_locator(params, "", &l, &me)) < 0 ||
	    (rc = model_locator_add(txn_of(c), &l, &me)) < 0)
		return from_model(e, rc, &me);
	return 0;
}

static int
rpc_locator_del(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	int rc = model_locator_del(txn_of(c), json_string_value(json_object_get(params, "name")),
				   &me);

	(void)res;
	return rc < 0 ? from_model(e, rc, &me) : 0;
}

static int
rpc_locator_list(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	json_t *arr = json_array();

	(void)c, (void)params, (void)e;
	for (int i = 0; i < MODEL_MAX_LOCATORS; i++) {
		const struct model_locator *l = &M->locators[i];
		if (l->used)
			json_array_append_new(
				arr, json_pack("{s:s,s:o,s:i,s:i,s:i,s:b}", "name", l->name, "prefix",
					       prefix_json(&l->prefix), "block_len", l->block_len,
					       "node_len", l->node_len, "func_len", l->func_len,
					       "usid", l->usid));
	}
	*res = arr;
	return 0;
}

// --- neighbours, encap ----------------------------------------------------------------------

static int
rpc_neighbor_add(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	struct ip_addr a;
	uint8_t mac[6];
	uint16_t port;
	int rc;

	(void)res;
	if ((rc = config_parse_neighbor(M, params, "", &port, &a, mac, &me)) < 0 ||
	    (rc = model_neigh_add(txn_of(c), port, &a, mac, &me)) < 0)
		return from_model(e, rc, &me);
	return 0;
}

static int
rpc_neighbor_del(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	int port = model_port_find(M, json_string_value(json_object_get(params, "port")));
	struct ip_addr a;
	int rc;

	(void)res;
	if (port < 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "port", "port: no such port");
	if (addr_parse(json_string_value(json_object_get(params, "address")), &a) < 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "address", "address: not an address");
	rc = model_neigh_del(txn_of(c), (uint16_t)port, &a, &me);
	return rc < 0 ? from_model(e, rc, &me) : 0;
}

static int
rpc_neighbor_list(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	const struct model_neigh **v;
	json_t *arr = json_array();
	size_t n;

	(void)c, (void)params;
	if (model_neighs_list(M, &v, &n) < 0)
		return api_error_set(e, API_ERR_INTERNAL, "", "out of memory");
	for (size_t i = 0; i < n; i++) {
		char mac[24];
		json_t *o = json_pack("{s:s,s:o,s:s,s:b}", "port", M->ports[v[i]->port].name,
				      "address", addr_json(&v[i]->addr), "state",
				      model_neigh_state_name(v[i]->state), "static",
				      v[i]->is_static);
		if (v[i]->has_mac)
			json_object_set_new(o, "mac", json_string(mac_fmt(v[i]->mac, mac,
									   sizeof(mac))));
		json_array_append_new(arr, o);
	}
	free(v);
	*res = arr;
	return 0;
}

static int
rpc_encap_set(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct model_err me = {0};
	struct model_encap enc;
	int rc;

	(void)res;
	if ((rc = config_parse_encap(M, params, "", &enc, &me)) < 0 ||
	    (rc = model_encap_set(txn_of(c), &enc, &me)) < 0)
		return from_model(e, rc, &me);
	return 0;
}

static int
rpc_encap_get(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	static const char *const fl[] = {"compute", "inherit", "zero"};
	json_t *o = json_object();

	(void)c, (void)params, (void)e;
	if (M->encap.has_src)
		json_object_set_new(o, "source", seg_json(M->encap.src));
	json_object_set_new(o, "hop_limit", M->encap.hop_limit < 0
						    ? json_string("inherit")
						    : json_integer(M->encap.hop_limit));
	json_object_set_new(o, "flowlabel", json_string(fl[M->encap.flowlabel]));
	*res = o;
	return 0;
}

// --- stats, capture -----------------------------------------------------------------------

static int
rpc_stats_get(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	const char *port = json_string_value(json_object_get(params, "port"));
	struct dp_counters *k = calloc(1, sizeof(*k));
	json_t *ports = json_array(), *drops = json_object(), *sids = json_array(),
	       *lcores = json_array();
	const struct model_sid **v;
	size_t n;

	(void)c;
	if (k == NULL || dp_counters_read(k) < 0) {
		free(k);
		return api_error_set(e, API_ERR_INTERNAL, "", "cannot read counters");
	}
	for (int i = 0; i < MODEL_MAX_PORTS; i++) {
		const struct dp_port_counters *pc = &k->ports[i];
		if (!M->ports[i].used || (port != NULL && strcmp(port, M->ports[i].name) != 0))
			continue;
		json_array_append_new(ports, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "name",
						       M->ports[i].name, "rx_packets",
						       (json_int_t)pc->rx_packets, "rx_bytes",
						       (json_int_t)pc->rx_bytes, "tx_packets",
						       (json_int_t)pc->tx_packets, "tx_bytes",
						       (json_int_t)pc->tx_bytes, "drops",
						       (json_int_t)pc->drops));
	}
	for (int r = 0; r < DP_DROP_MAX; r++)
		json_object_set_new(drops, dp_drop_name(r), json_integer((json_int_t)k->drops[r]));
	if (model_sids_list(M, &v, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			json_t *o = sid_json(v[i]);
			json_object_set_new(o, "packets",
					    json_integer((json_int_t)k->sid_packets[v[i]->counter_id]));
			json_object_set_new(o, "bytes",
					    json_integer((json_int_t)k->sid_bytes[v[i]->counter_id]));
			json_array_append_new(sids, o);
		}
		free(v);
	}
	for (unsigned int w = 0; w < k->n_lcores; w++)
		json_array_append_new(
			lcores, json_pack("{s:i,s:I,s:I,s:I,s:I}", "lcore", k->lcores[w].lcore_id,
					  "rx_packets", (json_int_t)k->lcores[w].rx_packets,
					  "tx_packets", (json_int_t)k->lcores[w].tx_packets, "drops",
					  (json_int_t)k->lcores[w].drops, "bursts",
					  (json_int_t)k->lcores[w].bursts));
	free(k);
	*res = json_pack("{s:o,s:o,s:o,s:o}", "ports", ports, "drops", drops, "sids", sids,
			 "lcores", lcores);
	return 0;
}

static int
rpc_stats_reset(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	const char *port = json_string_value(json_object_get(params, "port"));
	const char *sid = json_string_value(json_object_get(params, "sid"));
	json_t *lc = json_object_get(params, "lcore");
	int pi = -1, si = -1;

	(void)c, (void)res;
	if (port != NULL && (pi = model_port_find(M, port)) < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "port", "port: no such port");
	if (sid != NULL) {
		struct ip_prefix p;
		struct model_sid *s;
		if (prefix_parse(sid, true, &p) < 0 || (s = model_sid_find(M, &p)) == NULL)
			return api_error_set(e, API_ERR_NOT_FOUND, "sid", "sid: no such SID");
		si = s->counter_id;
	}
	dp_counters_reset(pi, si, lc != NULL ? (int)json_integer_value(lc) : -1);
	return 0;
}

static int
rpc_capture_start(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	const char *port = json_string_value(json_object_get(params, "port"));
	const char *dir = json_string_value(json_object_get(params, "direction"));
	struct dp_capture_req req = {
		.file = json_string_value(json_object_get(params, "file")),
		.filter = json_string_value(json_object_get(params, "filter")),
		.count = (uint64_t)json_integer_value(json_object_get(params, "count")),
		.snaplen = (uint32_t)json_integer_value(json_object_get(params, "snaplen")),
		.direction = DP_CAPTURE_RX | DP_CAPTURE_TX,
		.port_idx = -1,
	};
	struct model_err me = {0};
	unsigned int id;
	int rc;

	(void)c;
	if (port != NULL && strcmp(port, "any") != 0 &&
	    (req.port_idx = model_port_find(M, port)) < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "port", "port: no such port");
	if (dir != NULL) {
		if (strcmp(dir, "rx") == 0)
			req.direction = DP_CAPTURE_RX;
		else if (strcmp(dir, "tx") == 0)
			req.direction = DP_CAPTURE_TX;
		else if (strcmp(dir, "both") != 0)
			return api_error_set(e, API_ERR_INVALID_PARAMS, "direction",
					     "direction: rx, tx or both");
	}
	if (req.file == NULL)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "file", "file: missing");
	rc = dp_capture_start(&req, &id, &me);
	if (rc < 0)
		return from_model(e, rc, &me);
	*res = json_pack("{s:i}", "id", id);
	return 0;
}

static int
rpc_capture_stop(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	(void)c, (void)res;
	if (dp_capture_stop((unsigned int)json_integer_value(json_object_get(params, "id"))) < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "id", "id: no such capture");
	return 0;
}

static int
rpc_capture_list(struct rpc_call *c, json_t *params, json_t **res, struct api_error_info *e)
{
	struct dp_capture_info info[16];
	unsigned int n = dp_capture_list(info, 16);
	json_t *arr = json_array();

	(void)c, (void)params, (void)e;
	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:i,s:s,s:s,s:s,s:I,s:b}", "id", info[i].id, "port",
				       info[i].port_idx < 0 ? "any" : M->ports[info[i].port_idx].name,
				       "file", info[i].file, "filter", info[i].filter, "packets",
				       (json_int_t)info[i].packets, "running", info[i].running));
	*res = arr;
	return 0;
}

static const struct rpc_method_binding methods[] = {
	{"system.info", rpc_system_info},
	{"port.list", rpc_port_list},
	{"port.set", rpc_port_set},
	{"vrf.add", rpc_vrf_add},
	{"vrf.del", rpc_vrf_del},
	{"vrf.list", rpc_vrf_list},
	{"route.add", rpc_route_add},
	{"route.del", rpc_route_del},
	{"route.list", rpc_route_list},
	{"route.get", rpc_route_get},
	{"route.sync_begin", rpc_route_sync_begin},
	{"route.sync_end", rpc_route_sync_end},
	{"sid.add", rpc_sid_add},
	{"sid.del", rpc_sid_del},
	{"sid.list", rpc_sid_list},
	{"sid.alloc", rpc_sid_alloc},
	{"locator.add", rpc_locator_add},
	{"locator.del", rpc_locator_del},
	{"locator.list", rpc_locator_list},
	{"neighbor.add", rpc_neighbor_add},
	{"neighbor.del", rpc_neighbor_del},
	{"neighbor.list", rpc_neighbor_list},
	{"encap.set", rpc_encap_set},
	{"encap.get", rpc_encap_get},
	{"stats.get", rpc_stats_get},
	{"stats.reset", rpc_stats_reset},
	{"capture.start", rpc_capture_start},
	{"capture.stop", rpc_capture_stop},
	{"capture.list", rpc_capture_list},
};

// --- transactions: one model txn per request or batch, one dp_commit ------------------------

static void *
txn_begin(void *ctx)
{
	(void)ctx;
	return model_txn_begin(M);
}

static int
txn_commit(void *ctx, void *txn, struct api_error_info *e)
{
	struct model_txn *t = txn;
	struct model_err me = {0};
	int rc;

	(void)ctx;
	rc = dp_commit(t, &me);
	if (rc < 0) {
		model_txn_abort(t);
		return from_model(e, rc, &me);
	}
	for (size_t i = 0; i < model_txn_n_events(t); i++) {
		const char *topic, *action, *id;
		model_txn_event(t, i, &topic, &action, &id);
		rpc_server_notify(server, topic,
				  json_pack("{s:s,s:s}", "action", action, "id", id));
	}
	model_txn_end(t);
	return 0;
}

static void
txn_abort(void *ctx, void *txn)
{
	(void)ctx;
	model_txn_abort(txn);
}

static const struct rpc_txn_ops txn_ops = {txn_begin, txn_commit, txn_abort};

struct rpc_server *
ctl_server_create(const struct ctl_conf *c)
{
	struct rpc_server_conf sc = {
		.path = c->socket_path,
		.group = c->socket_group,
		.methods = methods,
		.n_methods = sizeof(methods) / sizeof(methods[0]),
		.txn = &txn_ops,
		.ctx = NULL,
	};

	conf = *c;
	M = c->model;
	server = rpc_server_create(&sc);
	return server;
}
