// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The srv6d side: its state (VRFs, locators, encap source, SID
// reachability), route batches, resync, connection and events.

#define _GNU_SOURCE
#include "helper.h"

// --- srv6d: state we read --------------------------------------------------------------------

json_t *
sd_call_result(struct helper *h, const char *method, json_t *params, long *code)
{
	const char *msg;
	json_t *resp = sd_call(&h->rpc, method, params, RPC_TIMEOUT_MS);
	json_t *res;

	if (resp == NULL) {
		sd_lost(h, method);
		return NULL;
	}
	res = sd_result(resp, code, &msg);
	if (res == NULL) {
		if (code == NULL)
			set_error(h, "srv6d %s: %s", method, msg);
		json_decref(resp);
		return NULL;
	}
	json_incref(res);
	json_decref(resp);
	return res;
}

int
refresh_vrfs(struct helper *h)
{
	json_t *res = sd_call_result(h, "vrf.list", NULL, NULL), *v;
	unsigned int n = 0;
	size_t i;

	if (res == NULL)
		return -1;
	json_array_foreach(res, i, v) {
		const char *field, *why;
		if (n == MAX_VRFS)
			break;
		if (bgp_vrf_from_json(v, &h->vrfs[n], &field, &why) < 0) {
			set_error(h, "vrf.list entry %zu: %s: %s (VRF ignored)", i, field, why);
			continue;
		}
		n++;
	}
	json_decref(res);
	h->n_vrfs = n;
	bgp_import_set_vrfs(h->im, h->vrfs, n);
	lg(LOG_DEBUG, "%u VRFs", n);
	return 0;
}

int
refresh_locators(struct helper *h)
{
	json_t *res = sd_call_result(h, "locator.list", NULL, NULL), *v;
	struct ip_prefix prefixes[MAX_LOCATORS];
	unsigned int n = 0;
	size_t i;

	if (res == NULL)
		return -1;
	json_array_foreach(res, i, v) {
		struct locator *l = &h->locs[n];
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *pfx = json_string_value(json_object_get(v, "prefix"));
		if (n == MAX_LOCATORS || name == NULL || pfx == NULL ||
		    prefix_parse(pfx, false, &l->prefix) < 0 || l->prefix.addr.family != AF_INET6)
			continue;
		snprintf(l->name, sizeof(l->name), "%s", name);
		l->st.block_len = (uint8_t)json_integer_value(json_object_get(v, "block_len"));
		l->st.node_len = (uint8_t)json_integer_value(json_object_get(v, "node_len"));
		l->st.func_len = (uint8_t)json_integer_value(json_object_get(v, "func_len"));
		if (l->st.block_len + l->st.node_len == 0)
			l->st.block_len = l->prefix.len; // structure not given: all locator
		if (l->st.block_len + l->st.node_len + l->st.func_len > 128)
			l->st.func_len = 0;
		if (h->o.transpose && l->st.func_len <= BGP_LABEL_BITS) {
			l->st.tpos_off = (uint8_t)(l->st.block_len + l->st.node_len);
			l->st.tpos_len = l->st.func_len;
		}
		prefixes[n] = l->prefix;
		n++;
	}
	json_decref(res);
	h->n_locs = n;
	bgp_import_set_local(h->im, prefixes, n);
	return 0;
}

int
refresh_encap(struct helper *h)
{
	json_t *res;
	const char *src;

	if (h->o.nexthop != NULL)
		return addr_parse(h->o.nexthop, &h->nexthop) == 0 ? 0 : -1;
	res = sd_call_result(h, "encap.get", NULL, NULL);
	if (res == NULL)
		return -1;
	src = json_string_value(json_object_get(res, "source"));
	if (src == NULL || addr_parse(src, &h->nexthop) < 0) {
		memset(&h->nexthop, 0, sizeof(h->nexthop));
		set_error(h, "srv6d has no encap source: nothing is exported until encap.set "
			     "gives one (or --nexthop)");
	}
	json_decref(res);
	return 0;
}

// Underlay reachability: route.get in the default VRF.
static bool
sid_reachable(void *ctx, const uint8_t sid[16])
{
	struct helper *h = ctx;
	struct ip_addr a = {.family = AF_INET6};
	char buf[ADDR_STRLEN];
	long code = 0;
	json_t *res, *nhs, *nh;
	bool ok = true;
	size_t i;

	if (!h->sd_up)
		return false;
	memcpy(a.bytes, sid, 16);
	addr_fmt(&a, buf, sizeof(buf));
	res = sd_call_result(h, "route.get",
			     json_pack("{s:s,s:s}", "vrf", "default", "address", buf), &code);
	if (res == NULL) {
		lg(LOG_INFO, "SID %s not reachable in the underlay (route.get: %ld)", buf, code);
		return false;
	}
	nhs = json_object_get(res, "nexthops");
	json_array_foreach(nhs, i, nh) {
		const char *t = json_string_value(json_object_get(nh, "type"));
		if (t != NULL && strcmp(t, "blackhole") == 0)
			ok = false;
	}
	json_decref(res);
	if (!ok)
		lg(LOG_INFO, "SID %s reaches a blackhole in the underlay", buf);
	return ok;
}

// --- srv6d: routes we write ------------------------------------------------------------------

static const char *
req_str(json_t *req, const char *key)
{
	const char *s = json_string_value(json_object_get(json_object_get(req, "params"), key));

	return s != NULL ? s : "?";
}

// Sends one drained batch; a rolled-back batch is retried request by request,
// so that one refused route does not hold up the others.
static int
send_route_batch(struct helper *h, json_t *reqs)
{
	size_t n = json_array_size(reqs), i;
	json_t *resp, *r;

	h->c.route_batches++;
	h->c.route_requests += n;
	resp = sd_batch(&h->rpc, reqs, RPC_TIMEOUT_MS);
	if (resp == NULL) {
		sd_lost(h, "route batch");
		return -1;
	}
	bool retry = false;
	json_array_foreach(resp, i, r) {
		long code = 0;
		const char *msg = NULL;
		if (sd_result(r, &code, &msg) != NULL || json_object_get(r, "error") == NULL)
			continue;
		if (code == 1006) {
			retry = true;
			continue;
		}
		json_t *req = json_array_get(reqs, i);
		const char *method = json_string_value(json_object_get(req, "method"));
		if (method != NULL && strcmp(method, "route.del") == 0 && code == 1001)
			continue; // already gone
		h->c.route_errors++;
		bgp_import_refused(h->im, req_str(req, "vrf"), req_str(req, "prefix"));
		set_error(h, "srv6d refused %s %s %s: %ld %s", method ? method : "?",
			  req_str(req, "vrf"), req_str(req, "prefix"), code, msg ? msg : "");
	}
	if (retry) {
		json_array_foreach(resp, i, r) {
			long code = 0;
			sd_result(r, &code, NULL);
			if (code != 1006)
				continue;
			json_t *req = json_array_get(reqs, i);
			json_t *one = json_array();
			json_object_del(req, "id");
			json_array_append(one, req);
			json_t *again = sd_batch(&h->rpc, one, RPC_TIMEOUT_MS);
			json_decref(one);
			if (again == NULL) {
				json_decref(resp);
				sd_lost(h, "route retry");
				return -1;
			}
			json_t *a0 = json_array_get(again, 0);
			const char *msg = NULL;
			if (sd_result(a0, &code, &msg) == NULL && json_object_get(a0, "error")) {
				h->c.route_errors++;
				bgp_import_refused(h->im, req_str(req, "vrf"),
						   req_str(req, "prefix"));
				set_error(h, "srv6d refused %s %s: %ld %s", req_str(req, "vrf"),
					  req_str(req, "prefix"), code, msg ? msg : "");
			}
			json_decref(again);
		}
	}
	json_decref(resp);
	return 0;
}

void
flush_import(struct helper *h)
{
	while (h->sd_up && bgp_import_pending(h->im)) {
		json_t *reqs = json_array();
		size_t n = bgp_import_drain(h->im, reqs, (size_t)h->o.batch);
		if (n > 0 && send_route_batch(h, reqs) < 0) {
			json_decref(reqs);
			return;
		}
		json_decref(reqs);
	}
}

static int
sync_call(struct helper *h, const char *method)
{
	json_t *res = sd_call_result(h, method, json_pack("{s:s}", "owner", BGP_OWNER), NULL);

	if (res == NULL)
		return -1;
	if (strcmp(method, "route.sync_end") == 0) {
		json_t *d = json_object_get(res, "deleted");
		if (json_is_integer(d))
			h->c.sync_end_removed += (uint64_t)json_integer_value(d);
	}
	char *text = json_dumps(res, JSON_COMPACT | JSON_ENCODE_ANY);
	lg(LOG_INFO, "%s owner %s: %s", method, BGP_OWNER, text != NULL ? text : "");
	free(text);
	json_decref(res);
	return 0;
}

// route.sync_begin, then every route the RIB holds installed; sync_end comes
// once gobgpd's table has settled (maybe_sync_end).
static int
resync_srv6d(struct helper *h)
{
	size_t cursor = 0, n;

	if (sync_call(h, "route.sync_begin") < 0)
		return -1;
	h->sync_open = true;
	h->c.resyncs++;
	do {
		json_t *reqs = json_array();
		n = bgp_import_replay(h->im, reqs, (size_t)h->o.batch, &cursor);
		if (n > 0 && send_route_batch(h, reqs) < 0) {
			json_decref(reqs);
			return -1;
		}
		json_decref(reqs);
	} while (n > 0);
	return 0;
}

void
maybe_sync_end(struct helper *h)
{
	if (h->sd_up && h->sync_open && h->settled && !bgp_import_pending(h->im)) {
		if (sync_call(h, "route.sync_end") == 0)
			h->sync_open = false;
	}
}

// --- srv6d: connection -----------------------------------------------------------------------

void
sd_lost(struct helper *h, const char *why)
{
	if (!h->sd_up && !sd_link_is_open(&h->rpc))
		return;
	set_error(h, "lost srv6d (%s): reconnecting", why);
	sd_link_close(&h->rpc);
	sd_link_close(&h->ev);
	h->sd_up = false;
	h->sync_open = false;
	h->sd_retry_at = rpc_now_ms() + 1000;
}

void
sd_connect(struct helper *h)
{
	json_t *resp;
	int rc;

	if ((rc = sd_link_open(&h->rpc, h->o.socket)) < 0 ||
	    (rc = sd_link_open(&h->ev, h->o.socket)) < 0) {
		if (h->c.srv6d_connects == 0 && rpc_now_ms() - h->started < 2000)
			lg(LOG_INFO, "waiting for srv6d on %s: %s", h->o.socket, strerror(-rc));
		sd_link_close(&h->rpc);
		h->sd_retry_at = rpc_now_ms() + 1000;
		return;
	}
	resp = sd_call(&h->ev, "events.subscribe", json_pack("{s:[s]}", "topics", "*"),
		       RPC_TIMEOUT_MS);
	if (sd_result(resp, NULL, NULL) == NULL) {
		json_decref(resp);
		sd_link_close(&h->rpc);
		sd_link_close(&h->ev);
		h->sd_retry_at = rpc_now_ms() + 1000;
		return;
	}
	json_decref(resp);
	h->sd_up = true;
	if (refresh_locators(h) < 0 || refresh_vrfs(h) < 0 || refresh_encap(h) < 0) {
		sd_lost(h, "reading its state");
		return;
	}
	// Before the replay: a route of another owner may now hold a key that
	// a BGP route had (srv6d restarted with another configuration).
	bool own_changed = false;
	if (refresh_own_routes(h, &own_changed) < 0) {
		sd_lost(h, "reading its routes");
		return;
	}
	bgp_import_set_reach(h->im, sid_reachable, h);
	h->c.srv6d_connects++;
	lg(LOG_INFO, "connected to srv6d on %s: %u VRFs, %u locators", h->o.socket, h->n_vrfs,
	   h->n_locs);
	if (resync_srv6d(h) < 0)
		return;
	h->export_dirty = true;
	h->export_due = rpc_now_ms();
}

void
on_sd_event(void *ctx, json_t *msg)
{
	struct helper *h = ctx;
	json_t *p = json_object_get(msg, "params");
	const char *topic = json_string_value(json_object_get(p, "topic"));
	const char *vrf = json_string_value(json_object_get(p, "vrf"));
	json_t *route = json_object_get(p, "route");
	const char *owner = json_string_value(json_object_get(route, "owner"));

	if (topic == NULL)
		return;
	h->c.events++;
	if (strcmp(topic, "route") == 0) {
		if (vrf != NULL && strcmp(vrf, "default") == 0) {
			h->underlay_dirty = true; // SIDs may have become (un)reachable
		} else if (owner != NULL && strcmp(owner, BGP_OWNER) == 0) {
			return; // our own import: nothing to export
		}
		h->export_dirty = true;
	} else if (strcmp(topic, "vrf") == 0) {
		h->vrfs_dirty = true;
		h->export_dirty = true;
	} else if (strcmp(topic, "locator") == 0) {
		h->locators_dirty = true;
		h->export_dirty = true;
	} else if (strcmp(topic, "encap") == 0) {
		h->encap_dirty = true;
		h->export_dirty = true;
	} else if (strcmp(topic, "port") == 0 || strcmp(topic, "sid") == 0) {
		h->export_dirty = true; // connected prefixes, or our SID deleted
	}
	if (h->export_dirty && h->export_due == 0)
		h->export_due = rpc_now_ms() + 100; // coalesce a burst of events
}
