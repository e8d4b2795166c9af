// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// stats.get / stats.reset. Counters are per worker, single writer, summed on
// read; a reset stores a baseline on the control side (lib/dp), taken when
// the request commits.
//
// stats.get without params: every port, every drop reason, every SID, every
// worker lcore. With port, sid or lcore: only the selected entries of those
// sections (drops are global and only come with the unfiltered form).

#include <stdlib.h>

#include <jansson.h>

#include "ctl_priv.h"
#include "dp_api.h"

struct stats_sel {
	bool any;
	int port;		     // model port index, -1: all
	const struct model_sid *sid; // NULL: all
	int lcore;		     // lcore id, -1: all
};

static int
stats_select(const char *method, const json_t *params, const struct dp_counters *k,
	     struct stats_sel *s, struct api_error_info *e)
{
	const char *port, *sid;
	const json_t *lc;

	s->any = false;
	s->port = s->lcore = -1;
	s->sid = NULL;
	if (ctl_params(method, params, e) < 0)
		return -1;
	if ((port = json_string_value(json_object_get(params, "port"))) != NULL) {
		s->port = model_port_find(ctl_model, port);
		if (s->port < 0)
			return api_error_set(e, API_ERR_NOT_FOUND, "port",
					     "port: no port \"%.40s\"", port);
		s->any = true;
	}
	if ((sid = json_string_value(json_object_get(params, "sid"))) != NULL) {
		struct ip_prefix p;
		if (prefix_parse(sid, true, &p) < 0 ||
		    (s->sid = model_sid_find(ctl_model, &p)) == NULL)
			return api_error_set(e, API_ERR_NOT_FOUND, "sid", "sid: no SID %.50s", sid);
		s->any = true;
	}
	if ((lc = json_object_get(params, "lcore")) != NULL) {
		bool found = false;
		s->lcore = (int)json_integer_value(lc);
		for (unsigned int w = 0; k != NULL && w < k->n_lcores && !found; w++)
			found = k->lcores[w].lcore_id == (unsigned int)s->lcore;
		if (!found || json_integer_value(lc) > 0xffff)
			return api_error_set(e, API_ERR_NOT_FOUND, "lcore",
					     "lcore: %" JSON_INTEGER_FORMAT
					     " is not a worker lcore",
					     json_integer_value(lc));
		s->any = true;
	}
	return 0;
}

static json_int_t
jint(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v;
}

static json_t *
sid_counters(const struct model_sid *s, const struct dp_counters *k)
{
	json_t *o = json_object();
	json_t *full = sid_to_json(ctl_model, s);

	// The SID's identity as sid.list shows it, then its counters.
	json_object_set(o, "sid", json_object_get(full, "sid"));
	json_object_set(o, "behavior", json_object_get(full, "behavior"));
	if (json_object_get(full, "vrf") != NULL)
		json_object_set(o, "vrf", json_object_get(full, "vrf"));
	json_decref(full);
	if (s->counter_id < SRV6_MAX_SIDS) {
		json_object_set_new(o, "packets",
				    json_integer(jint(k->sid_packets[s->counter_id])));
		json_object_set_new(o, "bytes", json_integer(jint(k->sid_bytes[s->counter_id])));
		json_object_set_new(o, "o_flag_packets",
				    json_integer(jint(k->sid_oam[s->counter_id])));
	}
	return o;
}

CTL_HANDLER(rpc_stats_get)
{
	struct dp_counters *k = calloc(1, sizeof(*k));
	const struct model_sid **v = NULL;
	struct stats_sel sel;
	json_t *o;
	size_t n = 0;

	(void)call;
	if (k == NULL || dp_counters_read(k) < 0) {
		free(k);
		return api_error_set(e, API_ERR_INTERNAL, NULL, "cannot read the counters");
	}
	if (stats_select("stats.get", params, k, &sel, e) < 0) {
		free(k);
		return -1;
	}
	o = json_object();
	if (!sel.any || sel.port >= 0) {
		json_t *ports = json_array();
		for (int i = 0; i < MODEL_MAX_PORTS; i++) {
			const struct dp_port_counters *pc = &k->ports[i];
			if (!ctl_model->ports[i].used || (sel.port >= 0 && i != sel.port))
				continue;
			json_array_append_new(ports, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "name",
							       ctl_model->ports[i].name,
							       "rx_packets", jint(pc->rx_packets),
							       "rx_bytes", jint(pc->rx_bytes),
							       "tx_packets", jint(pc->tx_packets),
							       "tx_bytes", jint(pc->tx_bytes),
							       "drops", jint(pc->drops)));
		}
		json_object_set_new(o, "ports", ports);
	}
	if (!sel.any) {
		json_t *drops = json_object();
		for (int r = 0; r < DP_DROP_MAX; r++)
			json_object_set_new(drops, dp_drop_name((enum dp_drop_reason)r),
					    json_integer(jint(k->drops[r])));
		json_object_set_new(o, "drops", drops);
	}
	if (!sel.any || sel.sid != NULL) {
		json_t *sids = json_array();
		if (sel.sid != NULL) {
			json_array_append_new(sids, sid_counters(sel.sid, k));
		} else if (model_sids_list(ctl_model, &v, &n) == 0) {
			for (size_t i = 0; i < n; i++)
				json_array_append_new(sids, sid_counters(v[i], k));
			free(v);
		}
		json_object_set_new(o, "sids", sids);
	}
	if (!sel.any || sel.lcore >= 0) {
		json_t *lcores = json_array();
		for (unsigned int w = 0; w < k->n_lcores && w < SRV6_MAX_WORKERS; w++) {
			const struct dp_lcore_counters *lc = &k->lcores[w];
			if (sel.lcore >= 0 && lc->lcore_id != (unsigned int)sel.lcore)
				continue;
			json_array_append_new(
				lcores,
				json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "lcore",
					  (json_int_t)lc->lcore_id, "rx_packets",
					  jint(lc->rx_packets), "tx_packets", jint(lc->tx_packets),
					  "drops", jint(lc->drops), "bursts", jint(lc->bursts),
					  "idle_sleeps", jint(lc->idle_sleeps), "idle_sleep_us",
					  jint(lc->idle_sleep_us), "handed_off",
					  jint(lc->handed_off), "handed_in", jint(lc->handed_in),
					  "busy_us", jint(lc->busy_us), "spread_buckets",
					  (json_int_t)lc->spread_buckets));
		}
		json_object_set_new(o, "lcores", lcores);
	}
	free(k);
	*result = o;
	return 0;
}

CTL_HANDLER(rpc_stats_reset)
{
	struct dp_counters *k = calloc(1, sizeof(*k));
	struct stats_sel sel;
	int rc;

	(void)result;
	if (k == NULL || dp_counters_read(k) < 0) {
		free(k);
		return api_error_set(e, API_ERR_INTERNAL, NULL, "cannot read the counters");
	}
	rc = stats_select("stats.reset", params, k, &sel, e);
	free(k);
	if (rc < 0 || ctl_txn(call, e) == NULL)
		return -1;
	// Nothing selected: everything (dp_counters_reset(-1, -1, -1)).
	return ctl_defer_counters_reset(sel.port, sel.sid != NULL ? sel.sid->counter_id : -1,
					sel.lcore, e);
}
