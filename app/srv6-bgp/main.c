// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#define _GNU_SOURCE
// srv6-bgp: connects a GoBGP speaker (gobgpd, gRPC API) to srv6d (JSON-RPC
// socket of the API contract).
//
//   import  gobgpd's best VPNv4/VPNv6 paths -> route.add/route.del, owner "bgp"
//   export  srv6d's VRF prefixes + a SID from sid.alloc -> AddPath/DeletePath
//
// One main loop (poll) owns all state; a watcher thread only reads gobgpd's
// WatchEvent stream into a queue. Restarts of either side resync without a
// forwarding gap: srv6d gets route.sync_begin, every learnt route again, then
// route.sync_end once gobgpd's table has settled; a gobgpd restart marks the
// learnt paths stale and sweeps only those not learnt again.

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "bgp_export.h"
#include "bgp_import.h"
#include "clock.h"
#include "gobgp_client.h"
#include "gobgp_codec.h"
#include "hmap.h"
#include "sd_link.h"
#include "srv6_build_config.h"
#include "watch.h"

#define MAX_VRFS 256
#define MAX_LOCATORS 64
#define MAX_PEERS 64
#define RPC_TIMEOUT_MS 10000
#define GOBGP_TIMEOUT_MS 5000
#define IMPORT_COALESCE_MS 20

struct opts {
	const char *socket;
	const char *gobgp;
	const char *locator;
	bool per_af;
	const char *nexthop;
	const char *stats_socket;
	bool transpose;
	int gr_time_s;
	int settle_ms;
	int batch;
	int withdraw_hold_ms;
	int verbose;
};

struct locator {
	char name[BGP_VRF_NAME_LEN];
	struct ip_prefix prefix;
	struct bgp_sid_structure st;
};

struct peer {
	char addr[ADDR_STRLEN];
	int state; // Apipb__PeerState__SessionState
};

struct counters {
	uint64_t srv6d_connects, gobgp_connects, gobgp_losses;
	uint64_t resyncs, sync_end_removed;
	uint64_t route_requests, route_batches, route_errors;
	uint64_t events;
	uint64_t decode_rejected[BGP_REJECT_MAX];
	uint64_t export_errors, leftovers_withdrawn, stale_swept, gr_flushes;
	uint64_t withdraws_kept; // withdraws that came as gobgpd went away
	char last_error[256];
};

struct own_route;

struct helper {
	struct opts o;
	struct sd_link rpc, ev;
	bool sd_up;
	long sd_retry_at;
	bool sync_open; // route.sync_begin sent, sync_end not yet
	struct gobgp_client *gc;
	struct watch *watch;
	bool gobgp_up, settled;
	long gobgp_up_at, gobgp_down_at, last_table_event;
	struct peer peers[MAX_PEERS];
	unsigned int n_peers;
	struct bgp_import *im;
	struct bgp_export *ex;
	struct bgp_vrf vrfs[MAX_VRFS];
	unsigned int n_vrfs;
	struct locator locs[MAX_LOCATORS];
	unsigned int n_locs;
	struct ip_addr nexthop;
	bool export_dirty, export_done_since_up;
	long export_due;
	long import_due; // first change not yet sent: send by then (coalescing)
	bool vrfs_dirty, locators_dirty, encap_dirty, underlay_dirty;
	struct bgp_vpn_path *locals; // local paths seen in gobgpd, checked after an export
	size_t n_locals, cap_locals;
	struct hmap own; // own_route by (vrf, prefix)
	struct own_route *own_items;
	size_t n_own;
	int stats_fd;
	struct counters c;
	long started;
};

static volatile sig_atomic_t stop_requested, dump_requested;

// --- logging -------------------------------------------------------------------------------

static int log_verbose;

__attribute__((format(printf, 2, 3))) static void
lg(int level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > 2 + log_verbose)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld srv6-bgp %s: ", tm.tm_hour, tm.tm_min, tm.tm_sec,
		ts.tv_nsec / 1000000, names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
#define LOG_ERR 0
#define LOG_WARN 1
#define LOG_INFO 2
#define LOG_DEBUG 3

static void
set_error(struct helper *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->c.last_error, sizeof(h->c.last_error), fmt, ap);
	va_end(ap);
	lg(LOG_WARN, "%s", h->c.last_error);
}

static const char *
path_str(const struct bgp_vpn_path *p, char *buf, size_t len)
{
	char rd[BGP_RDRT_STRLEN], pfx[PREFIX_STRLEN], peer[ADDR_STRLEN] = "local";

	if (p->peer.family != 0)
		addr_fmt(&p->peer, peer, sizeof(peer));
	snprintf(buf, len, "%s:%s from %s", bgp_rdrt_fmt(&p->rd, rd, sizeof(rd)),
		 prefix_fmt(&p->prefix, pfx, sizeof(pfx)), peer);
	return buf;
}

// --- srv6d: state we read --------------------------------------------------------------------

static void sd_lost(struct helper *h, const char *why);
static int refresh_own_routes(struct helper *h, bool *changed);

static json_t *
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

static int
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

static int
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

static int
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

static void
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

static void
maybe_sync_end(struct helper *h)
{
	if (h->sd_up && h->sync_open && h->settled && !bgp_import_pending(h->im)) {
		if (sync_call(h, "route.sync_end") == 0)
			h->sync_open = false;
	}
}

// --- srv6d: connection -----------------------------------------------------------------------

static void
sd_lost(struct helper *h, const char *why)
{
	if (!h->sd_up && !sd_link_is_open(&h->rpc))
		return;
	set_error(h, "lost srv6d (%s): reconnecting", why);
	sd_link_close(&h->rpc);
	sd_link_close(&h->ev);
	h->sd_up = false;
	h->sync_open = false;
	h->sd_retry_at = now_ms() + 1000;
}

static void
sd_connect(struct helper *h)
{
	json_t *resp;
	int rc;

	if ((rc = sd_link_open(&h->rpc, h->o.socket)) < 0 ||
	    (rc = sd_link_open(&h->ev, h->o.socket)) < 0) {
		if (h->c.srv6d_connects == 0 && now_ms() - h->started < 2000)
			lg(LOG_INFO, "waiting for srv6d on %s: %s", h->o.socket, strerror(-rc));
		sd_link_close(&h->rpc);
		h->sd_retry_at = now_ms() + 1000;
		return;
	}
	resp = sd_call(&h->ev, "events.subscribe", json_pack("{s:[s]}", "topics", "*"),
		       RPC_TIMEOUT_MS);
	if (sd_result(resp, NULL, NULL) == NULL) {
		json_decref(resp);
		sd_link_close(&h->rpc);
		sd_link_close(&h->ev);
		h->sd_retry_at = now_ms() + 1000;
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
	h->export_due = now_ms();
}

static void
on_sd_event(void *ctx, json_t *msg)
{
	struct helper *h = ctx;
	json_t *p = json_object_get(msg, "params");
	const char *topic = json_string_value(json_object_get(p, "topic"));
	const char *action = json_string_value(json_object_get(p, "action"));
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
		h->export_due = now_ms() + 100; // coalesce a burst of events
	(void)action;
}

// --- export ----------------------------------------------------------------------------------

static int
gobgp_call(struct helper *h, const char *method, uint8_t *req, size_t len)
{
	uint8_t *resp = NULL;
	size_t resp_len = 0;
	char err[256];
	int rc = gobgp_unary(h->gc, method, req, len, GOBGP_TIMEOUT_MS, &resp, &resp_len, err,
			     sizeof(err));

	free(resp);
	if (rc < 0)
		set_error(h, "gobgpd %s: %s", method, err);
	return rc;
}

static int
export_path(void *ctx, const struct bgp_vpn_path *p, bool withdraw)
{
	struct helper *h = ctx;
	uint8_t *req;
	size_t len;
	char buf[128];
	int rc = withdraw ? gobgp_encode_delete_path(p, &req, &len)
			  : gobgp_encode_add_path(p, &req, &len);

	if (rc < 0)
		return rc;
	rc = gobgp_call(h, withdraw ? GOBGP_METHOD_DELETE_PATH : GOBGP_METHOD_ADD_PATH, req, len);
	free(req);
	if (rc == 0)
		lg(LOG_INFO, "%s %s", withdraw ? "withdrew" : "announced",
		   path_str(p, buf, sizeof(buf)));
	else
		h->c.export_errors++;
	return rc;
}

static const struct locator *
export_locator(const struct helper *h)
{
	for (unsigned int i = 0; i < h->n_locs; i++)
		if (h->o.locator == NULL || strcmp(h->locs[i].name, h->o.locator) == 0)
			return &h->locs[i];
	return NULL;
}

// sid.alloc for one VRF and behaviour; 0 with sid filled, or -1.
static int
vrf_sid(struct helper *h, const struct locator *l, const char *vrf, const char *behavior,
	uint8_t sid[16])
{
	json_t *res = sd_call_result(
		h, "sid.alloc",
		json_pack("{s:s,s:s,s:s}", "locator", l->name, "behavior", behavior, "vrf", vrf),
		NULL);
	struct ip_prefix p;
	const char *s;
	int rc = -1;

	if (res == NULL)
		return -1;
	s = json_string_value(json_object_get(res, "sid"));
	if (s != NULL && prefix_parse(s, true, &p) == 0 && p.addr.family == AF_INET6) {
		memcpy(sid, p.addr.bytes, 16);
		rc = 0;
		if (json_is_true(json_object_get(res, "created")))
			lg(LOG_INFO, "allocated %s %s for VRF %s", behavior, s, vrf);
	}
	json_decref(res);
	return rc;
}

// srv6d's own routes (connected and static, any owner but BGP) of every
// VRF: what is exported, and what BGP must not replace (import shadowing).
struct own_route {
	struct hmap_node node;
	char vrf[BGP_VRF_NAME_LEN];
	struct ip_prefix p;
};

static uint32_t
own_hash(const char *vrf, const struct ip_prefix *p)
{
	uint32_t hsh = hmap_hash_bytes(vrf, strlen(vrf), p->len);

	return hmap_hash_bytes(p->addr.bytes, 16, hsh ^ p->addr.family);
}

static bool
own_route_find(const struct helper *h, const char *vrf, const struct ip_prefix *p)
{
	for (struct hmap_node *n = hmap_first_hash(&h->own, own_hash(vrf, p)); n != NULL;
	     n = hmap_next_same(n)) {
		const struct own_route *r = hmap_entry(n, struct own_route, node);
		if (strcmp(r->vrf, vrf) == 0 && prefix_equal(&r->p, p))
			return true;
	}
	return false;
}

static bool
own_route_shadows(void *ctx, const char *vrf, const struct ip_prefix *p)
{
	return own_route_find(ctx, vrf, p);
}

// Reads every VRF's connected and static routes; *changed tells whether the
// set differs from the last one. 0 or -1 (srv6d did not answer).
static int
refresh_own_routes(struct helper *h, bool *changed)
{
	static const char *const types[] = {"connected", "static"};
	struct own_route *items = NULL;
	size_t n = 0, cap = 0;

	for (unsigned int v = 0; v < h->n_vrfs; v++) {
		for (unsigned int t = 0; t < 2; t++) {
			json_t *res = sd_call_result(
				h, "route.list",
				json_pack("{s:s,s:s}", "vrf", h->vrfs[v].name, "type", types[t]),
				NULL);
			json_t *r;
			size_t i;

			if (res == NULL) {
				free(items);
				return -1;
			}
			json_array_foreach(res, i, r) {
				const char *ps = json_string_value(json_object_get(r, "prefix"));
				const char *owner = json_string_value(json_object_get(r, "owner"));
				struct ip_prefix p;

				if (ps == NULL || prefix_parse(ps, true, &p) < 0 ||
				    (owner != NULL && strcmp(owner, BGP_OWNER) == 0))
					continue;
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					struct own_route *ni = realloc(items, cap * sizeof(*ni));
					if (ni == NULL) {
						json_decref(res);
						free(items);
						return -1;
					}
					items = ni;
				}
				memset(&items[n], 0, sizeof(items[n]));
				snprintf(items[n].vrf, sizeof(items[n].vrf), "%s", h->vrfs[v].name);
				items[n].p = p;
				n++;
			}
			json_decref(res);
		}
	}
	*changed = n != h->n_own;
	for (size_t i = 0; i < n && !*changed; i++)
		*changed = !own_route_find(h, items[i].vrf, &items[i].p);
	hmap_free(&h->own);
	free(h->own_items);
	h->own_items = items;
	h->n_own = n;
	hmap_init(&h->own, n);
	for (size_t i = 0; i < n; i++)
		hmap_insert(&h->own, &items[i].node, own_hash(items[i].vrf, &items[i].p));
	return 0;
}

// The VRF's own prefixes, wanted for export with the VRF's SID(s).
static int
export_vrf(struct helper *h, const struct bgp_vrf *v, const struct locator *l)
{
	uint8_t sid46[16], sid4[16], sid6[16];

	if (h->o.per_af) {
		if (vrf_sid(h, l, v->name, "End.DT4", sid4) < 0 ||
		    vrf_sid(h, l, v->name, "End.DT6", sid6) < 0)
			return -1;
	} else {
		if (vrf_sid(h, l, v->name, "End.DT46", sid46) < 0)
			return -1;
		memcpy(sid4, sid46, 16);
		memcpy(sid6, sid46, 16);
	}
	for (size_t i = 0; i < h->n_own; i++) {
		const struct own_route *o = &h->own_items[i];
		char ps[PREFIX_STRLEN];
		struct bgp_vpn_path path;
		const char *why;
		bool v4 = o->p.addr.family == AF_INET;
		uint16_t beh =
			h->o.per_af ? (v4 ? BGP_BEH_END_DT4 : BGP_BEH_END_DT6) : BGP_BEH_END_DT46;

		if (strcmp(o->vrf, v->name) != 0)
			continue;
		if (bgp_export_build(v, &o->p, v4 ? sid4 : sid6, beh, &l->st, h->o.transpose,
				     &h->nexthop, &path, &why) < 0) {
			set_error(h, "cannot export %s in VRF %s: %s",
				  prefix_fmt(&o->p, ps, sizeof(ps)), v->name, why);
			continue;
		}
		bgp_export_want(h->ex, &path);
	}
	return 0;
}

static void
check_leftovers(struct helper *h)
{
	for (size_t i = 0; i < h->n_locals; i++) {
		char buf[128];
		if (bgp_export_is_announced(h->ex, &h->locals[i]))
			continue;
		if (export_path(h, &h->locals[i], true) == 0) {
			h->c.leftovers_withdrawn++;
			lg(LOG_INFO, "withdrew a leftover local path %s",
			   path_str(&h->locals[i], buf, sizeof(buf)));
		}
	}
	h->n_locals = 0;
}

static void
run_export(struct helper *h)
{
	const struct locator *l;
	bool ok = true;

	bool own_changed = false;

	h->export_due = 0;
	if (!h->sd_up)
		return;
	if (refresh_own_routes(h, &own_changed) < 0) {
		h->export_due = now_ms() + 1000;
		return;
	}
	if (own_changed)
		bgp_import_recheck(h->im); // shadowing may have changed
	l = export_locator(h);
	bgp_export_begin(h->ex);
	if (l == NULL) {
		if (h->o.locator != NULL)
			set_error(h, "locator %s not found in srv6d: nothing exported",
				  h->o.locator);
	} else if (h->nexthop.family != 0) {
		for (unsigned int i = 0; i < h->n_vrfs; i++) {
			const struct bgp_vrf *v = &h->vrfs[i];
			if (!v->has_rd || v->n_export == 0)
				continue;
			if (export_vrf(h, v, l) < 0) {
				ok = false;
				if (!h->sd_up)
					return;
			}
		}
	}
	if (!ok) {
		// Keep what is announced (a partial set would withdraw good paths).
		h->export_due = now_ms() + 1000;
		return;
	}
	h->export_dirty = false;
	if (!h->gobgp_up)
		return; // announced on the next WATCH_UP
	if (bgp_export_commit(h->ex, export_path, h) > 0) {
		h->export_dirty = true;
		h->export_due = now_ms() + 1000;
		return;
	}
	h->export_done_since_up = true;
	check_leftovers(h);
}

// --- gobgpd ----------------------------------------------------------------------------------

static void
peers_refresh(struct helper *h)
{
	uint8_t *req, *m;
	size_t len, ml;
	char err[256];
	int ok, rc;
	struct gobgp_stream *s;

	h->n_peers = 0;
	if (gobgp_encode_list_peer(&req, &len) < 0)
		return;
	s = gobgp_stream_open(h->gc, GOBGP_METHOD_LIST_PEER, req, len, GOBGP_TIMEOUT_MS, err,
			      sizeof(err));
	free(req);
	if (s == NULL)
		return;
	while ((rc = gobgp_stream_next(s, GOBGP_TIMEOUT_MS, &m, &ml, &ok, err, sizeof(err))) == 1) {
		Apipb__ListPeerResponse *r = apipb__list_peer_response__unpack(NULL, ml, m);
		free(m);
		if (r == NULL)
			continue;
		struct ip_addr a;
		if (r->peer != NULL && r->peer->conf != NULL && h->n_peers < MAX_PEERS &&
		    r->peer->conf->neighbor_address != NULL &&
		    addr_parse(r->peer->conf->neighbor_address, &a) == 0) {
			struct peer *p = &h->peers[h->n_peers++];
			snprintf(p->addr, sizeof(p->addr), "%s", r->peer->conf->neighbor_address);
			p->state = r->peer->state != NULL ? (int)r->peer->state->session_state : 0;
		}
		apipb__list_peer_response__free_unpacked(r, NULL);
	}
	gobgp_stream_close(s);
}

static void
peer_event(struct helper *h, const Apipb__Peer *peer)
{
	const char *addr;
	int state;

	if (peer == NULL || peer->conf == NULL || peer->state == NULL)
		return;
	struct ip_addr a;

	addr = peer->conf->neighbor_address;
	state = (int)peer->state->session_state;
	if (addr == NULL || addr_parse(addr, &a) < 0)
		return;
	for (unsigned int i = 0; i < h->n_peers; i++) {
		if (strcmp(h->peers[i].addr, addr) == 0) {
			if (h->peers[i].state != state)
				lg(LOG_INFO, "peer %s: state %d -> %d", addr, h->peers[i].state,
				   state);
			h->peers[i].state = state;
			return;
		}
	}
	if (h->n_peers < MAX_PEERS) {
		snprintf(h->peers[h->n_peers].addr, ADDR_STRLEN, "%s", addr);
		h->peers[h->n_peers++].state = state;
	}
}

static bool
peers_established(const struct helper *h)
{
	// No peer configured: nothing to wait for.
	for (unsigned int i = 0; i < h->n_peers; i++)
		if (h->peers[i].state != APIPB__PEER_STATE__SESSION_STATE__ESTABLISHED)
			return false;
	return true;
}

// Whether a local path is one this helper would announce: a SID in one of
// our locators and the RD of one of our VRFs. Only such paths are withdrawn
// as leftovers; paths the operator added to gobgpd by hand are left alone.
static bool
is_our_kind(const struct helper *h, const struct bgp_vpn_path *p)
{
	struct ip_addr sid = {.family = AF_INET6};
	bool in_locator = false, our_rd = false;

	if (!p->has_sid)
		return false;
	memcpy(sid.bytes, p->sid, 16);
	for (unsigned int i = 0; i < h->n_locs && !in_locator; i++)
		in_locator = prefix_contains(&h->locs[i].prefix, &sid);
	for (unsigned int i = 0; i < h->n_vrfs && !our_rd; i++)
		our_rd = h->vrfs[i].has_rd && bgp_rdrt_equal(&h->vrfs[i].rd, &p->rd);
	return in_locator && our_rd;
}

static void
remember_local(struct helper *h, const struct bgp_vpn_path *p)
{
	if (h->n_locals == h->cap_locals) {
		size_t cap = h->cap_locals ? h->cap_locals * 2 : 16;
		struct bgp_vpn_path *n = realloc(h->locals, cap * sizeof(*n));
		if (n == NULL)
			return;
		h->locals = n;
		h->cap_locals = cap;
	}
	h->locals[h->n_locals++] = *p;
}

static void
on_path(struct helper *h, const Apipb__Path *pp)
{
	struct bgp_vpn_path p;
	enum bgp_reject reason;
	char buf[128];
	int rc = gobgp_path_decode(pp, &p, &reason);

	if (rc == 0)
		return; // not VPN
	if (rc < 0) {
		h->c.decode_rejected[reason]++;
		lg(LOG_WARN, "path %s refused: %s (%s)", path_str(&p, buf, sizeof(buf)),
		   bgp_reject_name(reason), bgp_reject_text(reason));
		if (p.prefix.addr.family != 0)
			bgp_import_remove(h->im, &p); // the speaker replaced what it had
		return;
	}
	if (p.peer.family == 0) {
		// A local path: ours, one left by an earlier run, or the operator's.
		if (!p.withdraw && is_our_kind(h, &p))
			remember_local(h, &p);
		return;
	}
	if (p.withdraw) {
		// gobgpd, when it stops, withdraws every path of its peers on the
		// watch stream just before closing it: a withdraw waits
		// withdraw_hold_ms, and is dropped if the stream goes down by then
		// (the path stays, stale, as graceful restart wants).
		if (h->o.withdraw_hold_ms == 0 ||
		    bgp_import_hold_withdraw(h->im, &p, (uint64_t)now_ms()) < 0)
			bgp_import_apply(h->im, &p, &reason);
		lg(LOG_DEBUG, "withdraw %s", path_str(&p, buf, sizeof(buf)));
		return;
	}
	if (bgp_import_apply(h->im, &p, &reason) < 0)
		lg(LOG_WARN, "path %s refused: %s (%s)", path_str(&p, buf, sizeof(buf)),
		   bgp_reject_name(reason), bgp_reject_text(reason));
	else
		lg(LOG_DEBUG, "update %s", path_str(&p, buf, sizeof(buf)));
}

static void
on_watch_message(struct helper *h, const struct watch_item *it)
{
	Apipb__WatchEventResponse *r = apipb__watch_event_response__unpack(NULL, it->len, it->data);

	if (r == NULL) {
		set_error(h, "unreadable WatchEvent message (%zu bytes)", it->len);
		return;
	}
	if (r->event_case == APIPB__WATCH_EVENT_RESPONSE__EVENT_TABLE && r->table != NULL) {
		for (size_t i = 0; i < r->table->n_paths; i++)
			on_path(h, r->table->paths[i]);
		h->last_table_event = now_ms();
	} else if (r->event_case == APIPB__WATCH_EVENT_RESPONSE__EVENT_PEER && r->peer != NULL) {
		peer_event(h, r->peer->peer);
	}
	apipb__watch_event_response__free_unpacked(r, NULL);
}

static void
on_watch(struct helper *h)
{
	struct watch_item *it = watch_take(h->watch);

	while (it != NULL) {
		struct watch_item *next = it->next;
		switch (it->kind) {
		case WATCH_UP:
			h->gobgp_up = true;
			h->settled = false;
			h->gobgp_up_at = h->last_table_event = now_ms();
			h->c.gobgp_connects++;
			h->n_locals = 0;
			bgp_import_mark_stale(h->im);
			bgp_export_forget(h->ex);
			h->export_done_since_up = false;
			h->export_dirty = true;
			h->export_due = now_ms();
			peers_refresh(h);
			lg(LOG_INFO,
			   "connected to gobgpd at %s (%u peers); %zu learnt paths "
			   "kept as stale until its table settles",
			   h->o.gobgp, h->n_peers, bgp_import_n_stale(h->im));
			break;
		case WATCH_DOWN:
			if (h->gobgp_up || h->c.gobgp_connects == 0) {
				h->c.gobgp_losses += h->gobgp_up;
				set_error(h,
					  "gobgpd at %s unreachable (%s): learnt routes kept for "
					  "%d s",
					  h->o.gobgp, it->text, h->o.gr_time_s);
			}
			if (h->gobgp_up)
				h->gobgp_down_at = now_ms();
			h->gobgp_up = false;
			size_t kept = bgp_import_drop_held(h->im);
			if (kept > 0) {
				lg(LOG_INFO, "%zu withdraws came as gobgpd went away: paths kept",
				   kept);
				h->c.withdraws_kept += kept;
			}
			break;
		case WATCH_MESSAGE:
			on_watch_message(h, it);
			break;
		}
		free(it);
		it = next;
	}
}

// After a (re)connect to gobgpd: once every peer is established and the
// table has been quiet for settle_ms, paths not learnt again are swept.
// With gobgpd gone for the graceful-restart time, everything learnt goes.
static void
check_timers(struct helper *h)
{
	long now = now_ms();

	if (h->gobgp_up && bgp_import_n_held(h->im) > 0)
		bgp_import_apply_held(h->im, (uint64_t)now, (uint64_t)h->o.withdraw_hold_ms);
	if (h->gobgp_up && !h->settled) {
		bool quiet = bgp_import_n_held(h->im) == 0 &&
			     now - h->last_table_event >= h->o.settle_ms &&
			     now - h->gobgp_up_at >= h->o.settle_ms;
		bool gr_over = now - h->gobgp_up_at >= (long)h->o.gr_time_s * 1000;
		if ((quiet && peers_established(h)) || gr_over) {
			size_t n = bgp_import_sweep_stale(h->im);
			h->c.stale_swept += n;
			h->settled = true;
			// gobgpd's dump is in: local paths of ours this run does not
			// announce are leftovers (the export ran before the dump came)
			if (h->export_done_since_up && !h->export_dirty)
				check_leftovers(h);
			lg(LOG_INFO,
			   "gobgpd table settled after %ld ms: %zu stale paths removed, "
			   "%" PRIu64 " paths, %" PRIu64 " routes",
			   now - h->gobgp_up_at, n, bgp_import_stats(h->im)->paths,
			   bgp_import_stats(h->im)->routes);
		}
	}
	if (!h->gobgp_up && now - h->gobgp_down_at >= (long)h->o.gr_time_s * 1000) {
		if (bgp_import_stats(h->im)->paths > 0) {
			h->c.gr_flushes++;
			lg(LOG_WARN, "gobgpd gone for %d s: flushing %" PRIu64 " learnt paths",
			   h->o.gr_time_s, bgp_import_stats(h->im)->paths);
			bgp_import_flush(h->im);
		}
		h->settled = true;
	}
}

// --- counters --------------------------------------------------------------------------------

static void
put(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

static json_t *
stats_json(const struct helper *h)
{
	const struct bgp_import_stats *is = bgp_import_stats(h->im);
	const struct bgp_export_stats *es = bgp_export_stats(h->ex);
	json_t *o = json_object(), *im = json_object(), *ex = json_object();
	json_t *rej = json_object(), *peers = json_array(), *ses = json_object();

	for (int r = 0; r < BGP_REJECT_MAX; r++)
		put(rej, bgp_reject_name(r), is->rejected[r] + h->c.decode_rejected[r]);
	for (unsigned int i = 0; i < h->n_peers; i++)
		json_array_append_new(
			peers, json_pack("{s:s,s:b}", "address", h->peers[i].addr, "established",
					 h->peers[i].state ==
						 APIPB__PEER_STATE__SESSION_STATE__ESTABLISHED));
	put(im, "updates", is->updates);
	put(im, "withdraws", is->withdraws);
	put(im, "paths", is->paths);
	put(im, "routes", is->routes);
	put(im, "routes_held", is->routes_held);
	put(im, "routes_shadowed", is->routes_shadowed);
	put(im, "route_requests", h->c.route_requests);
	put(im, "route_batches", h->c.route_batches);
	put(im, "route_errors", h->c.route_errors);
	put(im, "stale_swept", h->c.stale_swept);
	put(im, "gr_flushes", h->c.gr_flushes);
	put(im, "withdraws_held", bgp_import_n_held(h->im));
	put(im, "withdraws_kept", h->c.withdraws_kept);
	put(ex, "announced", es->announced);
	put(ex, "adds", es->adds);
	put(ex, "withdraws", es->withdraws);
	put(ex, "errors", h->c.export_errors);
	put(ex, "leftovers_withdrawn", h->c.leftovers_withdrawn);
	put(ses, "srv6d_connects", h->c.srv6d_connects);
	put(ses, "gobgpd_connects", h->c.gobgp_connects);
	put(ses, "gobgpd_losses", h->c.gobgp_losses);
	put(ses, "resyncs", h->c.resyncs);
	put(ses, "sync_end_removed", h->c.sync_end_removed);
	put(ses, "srv6d_events", h->c.events);
	json_object_set_new(o, "version", json_string(SRV6_VERSION));
	json_object_set_new(o, "srv6d_connected", json_boolean(h->sd_up));
	json_object_set_new(o, "gobgpd_connected", json_boolean(h->gobgp_up));
	json_object_set_new(o, "settled", json_boolean(h->settled));
	json_object_set_new(o, "sync_pending", json_boolean(h->sync_open));
	json_object_set_new(o, "peers", peers);
	json_object_set_new(o, "import", im);
	json_object_set_new(o, "export", ex);
	json_object_set_new(o, "rejected", rej);
	json_object_set_new(o, "sessions", ses);
	json_object_set_new(o, "last_error", json_string(h->c.last_error));
	return o;
}

static int
stats_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
		close(fd);
		return -1;
	}
	chmod(path, 0660);
	return fd;
}

static void
stats_serve(struct helper *h)
{
	int fd;

	while ((fd = accept4(h->stats_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		json_t *j = stats_json(h);
		char *s = json_dumps(j, JSON_COMPACT);
		if (s != NULL) {
			size_t n = strlen(s);
			if (send(fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ||
			    send(fd, "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				lg(LOG_DEBUG, "stats client went away");
			free(s);
		}
		json_decref(j);
		close(fd);
	}
}

// `srv6-bgp stats`: prints the counters of a running helper.
static int
stats_client(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char buf[65536];
	size_t len = 0;
	ssize_t r;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return 2;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "srv6-bgp: cannot reach %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	while (len < sizeof(buf) - 1 && (r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = '\0';
	json_t *j = json_loads(buf, 0, NULL);
	if (j == NULL) {
		fputs(buf, stdout);
		return 1;
	}
	char *s = json_dumps(j, JSON_INDENT(2));
	puts(s != NULL ? s : buf);
	free(s);
	json_decref(j);
	return 0;
}

// --- main --------------------------------------------------------------------------------------

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump_requested = 1;
	else
		stop_requested = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: srv6-bgp [--socket PATH] [--gobgp HOST:PORT] [--locator NAME]\n"
		"                [--vrf-sid per-vrf|per-af] [--nexthop ADDR] [--transpose]\n"
		"                [--stats-socket PATH] [--gr-time S] [--settle MS] [--batch N]\n"
		"                [--withdraw-hold MS] [-v]\n"
		"       srv6-bgp stats [--stats-socket PATH]\n"
		"\n"
		"  --socket PATH        srv6d's control socket (default %s)\n"
		"  --gobgp HOST:PORT    gobgpd's gRPC API (default 127.0.0.1:50051)\n"
		"  --locator NAME       the locator SIDs are allocated from (default: the first)\n"
		"  --vrf-sid MODE       per-vrf: one End.DT46 per VRF (default); per-af: End.DT4\n"
		"                       and End.DT6 per VRF (for peers without End.DT46)\n"
		"  --nexthop ADDR       BGP next hop announced (default: srv6d's encap source)\n"
		"  --transpose          carry the SID's function bits in the label (RFC 9252 4)\n"
		"  --stats-socket PATH  where the counters are served (default: srv6-bgp.sock\n"
		"                       next to srv6d's socket)\n"
		"  --gr-time S          keep learnt routes this long without gobgpd (default 120)\n"
		"  --settle MS          quiet time before stale paths are swept (default 2000)\n"
		"  --batch N            routes per srv6d batch (default 256)\n"
		"  --withdraw-hold MS   delay before a withdraw is applied, so that gobgpd's\n"
		"                       withdraws on its own shutdown keep the routes (300)\n",
		SRV6_DEFAULT_SOCKET);
}

static char *
default_stats_socket(const char *socket_path)
{
	const char *slash = strrchr(socket_path, '/');
	size_t dir = slash != NULL ? (size_t)(slash - socket_path + 1) : 0;
	char *s = malloc(dir + sizeof("srv6-bgp.sock"));

	if (s != NULL) {
		memcpy(s, socket_path, dir);
		memcpy(s + dir, "srv6-bgp.sock", sizeof("srv6-bgp.sock"));
	}
	return s;
}

static int
parse_args(int argc, char **argv, struct opts *o, bool *stats_mode)
{
	static const struct option longs[] = {
		{"socket", required_argument, NULL, 's'},
		{"gobgp", required_argument, NULL, 'g'},
		{"locator", required_argument, NULL, 'l'},
		{"vrf-sid", required_argument, NULL, 'm'},
		{"nexthop", required_argument, NULL, 'n'},
		{"stats-socket", required_argument, NULL, 'S'},
		{"transpose", no_argument, NULL, 't'},
		{"gr-time", required_argument, NULL, 'G'},
		{"settle", required_argument, NULL, 'T'},
		{"batch", required_argument, NULL, 'b'},
		{"withdraw-hold", required_argument, NULL, 'W'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	char *end;
	struct ip_addr a;

	*o = (struct opts){.socket = SRV6_DEFAULT_SOCKET,
			   .gobgp = "127.0.0.1:50051",
			   .gr_time_s = 120,
			   .settle_ms = 2000,
			   .batch = 256,
			   .withdraw_hold_ms = 300};
	while ((c = getopt_long(argc, argv, "vh", longs, NULL)) != -1) {
		switch (c) {
		case 's':
			o->socket = optarg;
			break;
		case 'g':
			o->gobgp = optarg;
			break;
		case 'l':
			o->locator = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "per-vrf") == 0) {
				o->per_af = false;
			} else if (strcmp(optarg, "per-af") == 0) {
				o->per_af = true;
			} else {
				fprintf(stderr,
					"srv6-bgp: --vrf-sid: per-vrf or per-af, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			if (addr_parse(optarg, &a) < 0) {
				fprintf(stderr, "srv6-bgp: --nexthop: not an address: '%s'\n",
					optarg);
				return 2;
			}
			o->nexthop = optarg;
			break;
		case 'S':
			o->stats_socket = optarg;
			break;
		case 't':
			o->transpose = true;
			break;
		case 'G':
			o->gr_time_s = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->gr_time_s < 0 || o->gr_time_s > 86400) {
				fprintf(stderr, "srv6-bgp: --gr-time: 0 to 86400 seconds\n");
				return 2;
			}
			break;
		case 'T':
			o->settle_ms = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->settle_ms < 0 || o->settle_ms > 600000) {
				fprintf(stderr, "srv6-bgp: --settle: 0 to 600000 ms\n");
				return 2;
			}
			break;
		case 'b':
			o->batch = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->batch < 1 || o->batch > 4096) {
				fprintf(stderr, "srv6-bgp: --batch: 1 to 4096\n");
				return 2;
			}
			break;
		case 'W':
			o->withdraw_hold_ms = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->withdraw_hold_ms < 0 ||
			    o->withdraw_hold_ms > 60000) {
				fprintf(stderr, "srv6-bgp: --withdraw-hold: 0 to 60000 ms\n");
				return 2;
			}
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	*stats_mode = false;
	if (optind < argc) {
		if (strcmp(argv[optind], "stats") == 0 && optind + 1 == argc) {
			*stats_mode = true;
		} else {
			fprintf(stderr, "srv6-bgp: unexpected argument '%s'\n", argv[optind]);
			usage(stderr);
			return 2;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct helper *h = calloc(1, sizeof(*h));
	char *stats_path;
	bool stats_mode;
	int rc;

	if (h == NULL)
		return 1;
	if ((rc = parse_args(argc, argv, &h->o, &stats_mode)) != 0)
		return rc;
	stats_path = h->o.stats_socket != NULL ? strdup(h->o.stats_socket)
					       : default_stats_socket(h->o.socket);
	if (stats_path == NULL)
		return 1;
	if (stats_mode)
		return stats_client(stats_path);
	log_verbose = h->o.verbose;

	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	h->started = now_ms();
	h->gobgp_down_at = h->started; // the graceful-restart clock runs until gobgpd is seen
	sd_link_init(&h->rpc);
	sd_link_init(&h->ev);
	hmap_init(&h->own, 16);
	h->im = bgp_import_new();
	h->ex = bgp_export_new();
	if (h->im == NULL || h->ex == NULL)
		return 1;
	bgp_import_set_shadow(h->im, own_route_shadows, h);
	h->stats_fd = stats_listen(stats_path);
	if (h->stats_fd < 0)
		lg(LOG_WARN, "cannot serve counters on %s: %s", stats_path, strerror(errno));
	gobgp_global_init();
	h->gc = gobgp_client_new(h->o.gobgp);
	if (h->gc == NULL) {
		lg(LOG_ERR, "cannot create a gRPC channel to %s", h->o.gobgp);
		return 1;
	}
	h->watch = watch_start(h->gc);
	if (h->watch == NULL) {
		lg(LOG_ERR, "cannot start the gobgpd watcher");
		return 1;
	}
	lg(LOG_INFO, "srv6-bgp %s: srv6d %s, gobgpd %s, locator %s, SIDs %s%s", SRV6_VERSION,
	   h->o.socket, h->o.gobgp, h->o.locator ? h->o.locator : "(first)",
	   h->o.per_af ? "per-af" : "per-vrf", h->o.transpose ? ", transposed" : "");

	while (!stop_requested) {
		struct pollfd fds[3] = {
			{.fd = watch_fd(h->watch), .events = POLLIN},
			{.fd = h->ev.fd, .events = POLLIN},
			{.fd = h->stats_fd, .events = POLLIN},
		};
		int timeout = 200;

		if (h->export_due > 0) {
			long d = h->export_due - now_ms();
			timeout = d <= 0 ? 0 : (d < timeout ? (int)d : timeout);
		}
		if (h->import_due > 0) {
			long d = h->import_due - now_ms();
			timeout = d <= 0 ? 0 : (d < timeout ? (int)d : timeout);
		}
		if (poll(fds, 3, timeout) < 0 && errno != EINTR)
			break;
		if (!h->sd_up && now_ms() >= h->sd_retry_at)
			sd_connect(h);
		if (h->sd_up && fds[1].revents) {
			if (sd_read_ready(&h->ev, on_sd_event, h) < 0)
				sd_lost(h, "event stream closed");
		}
		if (fds[0].revents)
			on_watch(h);
		if (h->sd_up && h->locators_dirty) {
			h->locators_dirty = false;
			refresh_locators(h);
		}
		if (h->sd_up && h->vrfs_dirty) {
			h->vrfs_dirty = false;
			refresh_vrfs(h);
		}
		if (h->sd_up && h->encap_dirty) {
			h->encap_dirty = false;
			refresh_encap(h);
		}
		if (h->sd_up && h->underlay_dirty) {
			h->underlay_dirty = false;
			bgp_import_recheck(h->im);
		}
		check_timers(h);
		// A burst of BGP updates arrives as many small watch messages: wait
		// up to IMPORT_COALESCE_MS for a full batch, so that srv6d commits
		// (and waits for a grace period) once per batch, not per update.
		if (bgp_import_pending(h->im)) {
			long now = now_ms();
			if (h->import_due == 0)
				h->import_due = now + IMPORT_COALESCE_MS;
			if (now >= h->import_due ||
			    bgp_import_n_pending(h->im) >= (size_t)h->o.batch) {
				flush_import(h);
				h->import_due = 0;
			}
		}
		maybe_sync_end(h);
		if (h->export_dirty && h->export_due > 0 && now_ms() >= h->export_due)
			run_export(h);
		else if (h->export_dirty && h->export_due == 0)
			h->export_due = now_ms() + 100;
		if (fds[2].revents)
			stats_serve(h);
		if (dump_requested) {
			dump_requested = 0;
			json_t *j = stats_json(h);
			char *s = json_dumps(j, JSON_COMPACT);
			lg(LOG_INFO, "counters: %s", s ? s : "?");
			free(s);
			json_decref(j);
		}
	}
	lg(LOG_INFO, "stopping: learnt routes stay in srv6d, announced paths stay in gobgpd; "
		     "the next start resyncs both");
	watch_stop(h->watch);
	gobgp_client_free(h->gc);
	gobgp_global_shutdown();
	sd_link_close(&h->rpc);
	sd_link_close(&h->ev);
	if (h->stats_fd >= 0) {
		close(h->stats_fd);
		unlink(stats_path);
	}
	bgp_import_free(h->im);
	bgp_export_free(h->ex);
	free(h->locals);
	hmap_free(&h->own);
	free(h->own_items);
	free(stats_path);
	free(h);
	return 0;
}
