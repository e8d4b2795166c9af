// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "bgp_import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hmap.h"

#define PATH_MAX_VRFS 16

struct imp_route;

struct imp_path {
	struct hmap_node node;
	// As last announced. Key: family, RD, prefix. Not the neighbour: the
	// speaker reports one best path per RD:prefix, and a new best path from
	// another neighbour replaces the old one without a withdraw.
	struct bgp_vpn_path p;
	uint8_t sid[16]; // rebuilt
	bool stale;
	unsigned int n_routes;
	struct imp_route *routes[PATH_MAX_VRFS];
};

struct imp_route {
	struct hmap_node node;
	char vrf[BGP_VRF_NAME_LEN];
	struct ip_prefix prefix;
	struct imp_path **paths;
	unsigned int n_paths, cap;
	bool dirty;
	bool installed;	     // srv6d has (or may have) a bgp route for it
	bool held;	     // paths, but no reachable SID
	bool shadowed;	     // another owner's route holds the key in srv6d
	unsigned int n_inst; // SIDs last sent; 0 with installed = must resend
	struct bgp_srv6_nh inst[BGP_MAX_ECMP];
	struct imp_route *next_dirty;
};

struct reach_entry {
	struct hmap_node node;
	uint8_t sid[16];
	bool reachable;
};

struct held_withdraw {
	struct bgp_vpn_path p;
	uint64_t at;
};

struct bgp_import {
	struct hmap paths;
	struct held_withdraw *held; // oldest first
	size_t n_held, cap_held;
	struct hmap routes;
	struct hmap reach;
	struct imp_route *dirty_head;
	size_t n_dirty;
	struct bgp_vrf *vrfs;
	unsigned int n_vrfs;
	struct ip_prefix *locals;
	unsigned int n_locals;
	bgp_reach_fn reach_fn;
	void *reach_ctx;
	bgp_shadow_fn shadow_fn;
	void *shadow_ctx;
	size_t n_stale;
	struct bgp_import_stats st;
	struct bgp_ipsec_policy ipsec[BGP_MAX_IPSEC_POLICY];
	unsigned int n_ipsec;
};

// --- VRFs ---------------------------------------------------------------------------------

static int
rt_list_from_json(const json_t *arr, struct bgp_rdrt *out, unsigned int *n, const char **why)
{
	size_t i;
	json_t *v;

	*n = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr)) {
		*why = "must be a list of route targets";
		return -EINVAL;
	}
	json_array_foreach(arr, i, v) {
		if (*n == BGP_MAX_RTS) {
			*why = "too many route targets";
			return -EINVAL;
		}
		if (!json_is_string(v) || bgp_rdrt_parse(json_string_value(v), &out[*n], why) < 0) {
			if (!json_is_string(v))
				*why = "route target must be a string";
			return -EINVAL;
		}
		(*n)++;
	}
	return 0;
}

int
bgp_vrf_from_json(const json_t *o, struct bgp_vrf *v, const char **field, const char **why)
{
	const json_t *name = json_object_get(o, "name"), *rd = json_object_get(o, "rd");

	memset(v, 0, sizeof(*v));
	*field = "name";
	if (!json_is_string(name) || json_string_length(name) == 0 ||
	    json_string_length(name) >= sizeof(v->name)) {
		*why = "missing, not a string or too long";
		return -EINVAL;
	}
	memcpy(v->name, json_string_value(name), json_string_length(name) + 1);
	if (rd != NULL && !json_is_null(rd)) {
		*field = "rd";
		if (!json_is_string(rd)) {
			*why = "must be a string";
			return -EINVAL;
		}
		if (json_string_length(rd) > 0) {
			if (bgp_rdrt_parse(json_string_value(rd), &v->rd, why) < 0)
				return -EINVAL;
			v->has_rd = true;
		}
	}
	*field = "import_rt";
	if (rt_list_from_json(json_object_get(o, "import_rt"), v->import_rt, &v->n_import, why) < 0)
		return -EINVAL;
	*field = "export_rt";
	if (rt_list_from_json(json_object_get(o, "export_rt"), v->export_rt, &v->n_export, why) < 0)
		return -EINVAL;
	return 0;
}

unsigned int
bgp_vrf_match_import(const struct bgp_vrf *vrfs, unsigned int n_vrfs, const struct bgp_vpn_path *p,
		     unsigned int *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int v = 0; v < n_vrfs && n < max; v++) {
		bool match = false;
		for (unsigned int i = 0; i < vrfs[v].n_import && !match; i++)
			for (unsigned int j = 0; j < p->n_rts && !match; j++)
				match = bgp_rdrt_equal(&vrfs[v].import_rt[i], &p->rts[j]);
		if (match)
			out[n++] = v;
	}
	return n;
}

// --- tables -------------------------------------------------------------------------------

struct bgp_import *
bgp_import_new(void)
{
	struct bgp_import *im = calloc(1, sizeof(*im));

	if (im == NULL)
		return NULL;
	if (hmap_init(&im->paths, 1024) < 0 || hmap_init(&im->routes, 1024) < 0 ||
	    hmap_init(&im->reach, 16) < 0) {
		bgp_import_free(im);
		return NULL;
	}
	return im;
}

static uint32_t
path_hash(const struct bgp_vpn_path *p)
{
	uint32_t h = hmap_hash_bytes(&p->family, 1, p->prefix.len);

	h = hmap_hash_bytes(&p->rd.type, 1, h);
	h = hmap_hash_bytes(&p->rd.admin, sizeof(p->rd.admin), h);
	h = hmap_hash_bytes(&p->rd.assigned, sizeof(p->rd.assigned), h);
	return hmap_hash_bytes(p->prefix.addr.bytes, 16, h);
}

static bool
path_same_key(const struct bgp_vpn_path *a, const struct bgp_vpn_path *b)
{
	return a->family == b->family && bgp_rdrt_equal(&a->rd, &b->rd) &&
	       prefix_equal(&a->prefix, &b->prefix);
}

static struct imp_path *
path_find(const struct bgp_import *im, const struct bgp_vpn_path *p)
{
	for (struct hmap_node *n = hmap_first_hash(&im->paths, path_hash(p)); n != NULL;
	     n = hmap_next_same(n)) {
		struct imp_path *ip = hmap_entry(n, struct imp_path, node);
		if (path_same_key(&ip->p, p))
			return ip;
	}
	return NULL;
}

uint32_t
bgp_vrf_prefix_hash(const char *vrf, const struct ip_prefix *p)
{
	uint32_t h = hmap_hash_bytes(vrf, strlen(vrf), p->len);

	return hmap_hash_bytes(p->addr.bytes, 16, h ^ p->addr.family);
}

static struct imp_route *
route_find(const struct bgp_import *im, const char *vrf, const struct ip_prefix *p)
{
	for (struct hmap_node *n = hmap_first_hash(&im->routes, bgp_vrf_prefix_hash(vrf, p));
	     n != NULL; n = hmap_next_same(n)) {
		struct imp_route *r = hmap_entry(n, struct imp_route, node);
		if (strcmp(r->vrf, vrf) == 0 && prefix_equal(&r->prefix, p))
			return r;
	}
	return NULL;
}

static void
route_mark_dirty(struct bgp_import *im, struct imp_route *r)
{
	if (r->dirty)
		return;
	r->dirty = true;
	r->next_dirty = im->dirty_head;
	im->dirty_head = r;
	im->n_dirty++;
}

static struct imp_route *
route_get(struct bgp_import *im, const char *vrf, const struct ip_prefix *p)
{
	struct imp_route *r = route_find(im, vrf, p);

	if (r != NULL)
		return r;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	snprintf(r->vrf, sizeof(r->vrf), "%s", vrf);
	r->prefix = *p;
	hmap_insert(&im->routes, &r->node, bgp_vrf_prefix_hash(vrf, p));
	return r;
}

static void
route_free(struct bgp_import *im, struct imp_route *r)
{
	hmap_remove(&im->routes, &r->node);
	free(r->paths);
	free(r);
}

static int
route_add_path(struct bgp_import *im, struct imp_route *r, struct imp_path *ip)
{
	if (r->n_paths == r->cap) {
		unsigned int cap = r->cap ? r->cap * 2 : 2;
		struct imp_path **np = realloc(r->paths, cap * sizeof(*np));
		if (np == NULL)
			return -ENOMEM;
		r->paths = np;
		r->cap = cap;
	}
	if (r->n_paths == 0)
		im->st.routes++;
	r->paths[r->n_paths++] = ip;
	route_mark_dirty(im, r);
	return 0;
}

static void
route_del_path(struct bgp_import *im, struct imp_route *r, const struct imp_path *ip)
{
	for (unsigned int i = 0; i < r->n_paths; i++) {
		if (r->paths[i] == ip) {
			r->paths[i] = r->paths[--r->n_paths];
			break;
		}
	}
	if (r->n_paths == 0)
		im->st.routes--;
	route_mark_dirty(im, r);
}

static void
path_detach(struct bgp_import *im, struct imp_path *ip)
{
	for (unsigned int i = 0; i < ip->n_routes; i++)
		route_del_path(im, ip->routes[i], ip);
	ip->n_routes = 0;
}

static void
path_free(struct bgp_import *im, struct imp_path *ip)
{
	path_detach(im, ip);
	if (ip->stale)
		im->n_stale--;
	hmap_remove(&im->paths, &ip->node);
	im->st.paths--;
	free(ip);
}

static bool
sid_is_local(const struct bgp_import *im, const uint8_t sid[16])
{
	struct ip_addr a = {.family = AF_INET6};

	memcpy(a.bytes, sid, 16);
	for (unsigned int i = 0; i < im->n_locals; i++)
		if (prefix_contains(&im->locals[i], &a))
			return true;
	return false;
}

// Checks a path: its SID, behaviour and route targets. 0 or -1 with reason.
static int
path_check(const struct bgp_import *im, const struct bgp_vpn_path *p, uint8_t sid[16],
	   enum bgp_reject *reason)
{
	if (p->prefix.addr.family != p->family) {
		*reason = BGP_REJECT_bad_nlri;
		return -1;
	}
	if (bgp_sid_rebuild(p, sid, reason) < 0)
		return -1;
	if (bgp_behavior_check(p->behavior, p->family, reason) < 0)
		return -1;
	if (sid_is_local(im, sid)) {
		*reason = BGP_REJECT_sid_local;
		return -1;
	}
	if (p->n_rts == 0) {
		*reason = BGP_REJECT_no_route_target;
		return -1;
	}
	return 0;
}

static int
path_attach(struct bgp_import *im, struct imp_path *ip, const unsigned int *vrf_idx,
	    unsigned int n_vrfs)
{
	for (unsigned int i = 0; i < n_vrfs; i++) {
		struct imp_route *r = route_get(im, im->vrfs[vrf_idx[i]].name, &ip->p.prefix);
		if (r == NULL || route_add_path(im, r, ip) < 0) {
			if (r != NULL && r->n_paths == 0 && !r->installed && !r->dirty)
				route_free(im, r);
			return -ENOMEM;
		}
		ip->routes[ip->n_routes++] = r;
	}
	return 0;
}

static void
held_cancel(struct bgp_import *im, const struct bgp_vpn_path *p)
{
	size_t j = 0;

	for (size_t i = 0; i < im->n_held; i++)
		if (!path_same_key(&im->held[i].p, p))
			im->held[j++] = im->held[i];
	im->n_held = j;
}

int
bgp_import_hold_withdraw(struct bgp_import *im, const struct bgp_vpn_path *p, uint64_t now_ms)
{
	if (im->n_held == im->cap_held) {
		size_t cap = im->cap_held ? im->cap_held * 2 : 64;
		struct held_withdraw *n = realloc(im->held, cap * sizeof(*n));
		if (n == NULL)
			return -ENOMEM;
		im->held = n;
		im->cap_held = cap;
	}
	im->held[im->n_held++] = (struct held_withdraw){*p, now_ms};
	return 0;
}

size_t
bgp_import_apply_held(struct bgp_import *im, uint64_t now_ms, uint64_t hold_ms)
{
	enum bgp_reject reason;
	size_t i = 0;

	while (i < im->n_held && now_ms - im->held[i].at >= hold_ms)
		i++;
	// Apply after taking them out: apply() cancels held withdraws of its key.
	struct held_withdraw *due = i > 0 ? malloc(i * sizeof(*due)) : NULL;
	if (i > 0 && due == NULL)
		return 0;
	if (i > 0) {
		memcpy(due, im->held, i * sizeof(*due));
		memmove(im->held, im->held + i, (im->n_held - i) * sizeof(im->held[0]));
		im->n_held -= i;
	}
	for (size_t k = 0; k < i; k++)
		bgp_import_apply(im, &due[k].p, &reason);
	free(due);
	return i;
}

size_t
bgp_import_drop_held(struct bgp_import *im)
{
	size_t n = im->n_held;

	im->n_held = 0;
	return n;
}

size_t
bgp_import_n_held(const struct bgp_import *im)
{
	return im->n_held;
}

int
bgp_import_apply(struct bgp_import *im, const struct bgp_vpn_path *p, enum bgp_reject *reason)
{
	struct imp_path *ip = path_find(im, p);
	unsigned int vrf_idx[PATH_MAX_VRFS], n_vrfs;
	uint8_t sid[16];

	if (p->withdraw) {
		im->st.withdraws++;
		if (ip != NULL)
			path_free(im, ip);
		return 0;
	}
	im->st.updates++;
	if (im->n_held > 0)
		held_cancel(im, p);
	if (path_check(im, p, sid, reason) < 0) {
		im->st.rejected[*reason]++;
		if (ip != NULL)
			path_free(im, ip);
		return -1;
	}
	if (ip == NULL) {
		ip = calloc(1, sizeof(*ip));
		if (ip == NULL) {
			*reason = BGP_REJECT_srv6d_refused;
			im->st.rejected[*reason]++;
			return -1;
		}
		hmap_insert(&im->paths, &ip->node, path_hash(p));
		im->st.paths++;
	} else {
		path_detach(im, ip);
		if (ip->stale) {
			ip->stale = false;
			im->n_stale--;
		}
	}
	ip->p = *p;
	memcpy(ip->sid, sid, 16);
	// A path no VRF imports is kept, unattached: a VRF added or changed
	// later (bgp_import_set_vrfs) picks it up without a resend.
	n_vrfs = bgp_vrf_match_import(im->vrfs, im->n_vrfs, p, vrf_idx, PATH_MAX_VRFS);
	if (n_vrfs == 0) {
		*reason = BGP_REJECT_no_vrf;
		im->st.rejected[*reason]++;
		return -1;
	}
	if (path_attach(im, ip, vrf_idx, n_vrfs) < 0) {
		path_free(im, ip);
		*reason = BGP_REJECT_srv6d_refused;
		im->st.rejected[*reason]++;
		return -1;
	}
	return 0;
}

bool
bgp_import_remove(struct bgp_import *im, const struct bgp_vpn_path *p)
{
	struct imp_path *ip = path_find(im, p);

	if (ip == NULL)
		return false;
	path_free(im, ip);
	return true;
}

int
bgp_import_set_vrfs(struct bgp_import *im, const struct bgp_vrf *vrfs, unsigned int n)
{
	struct bgp_vrf *copy = NULL;
	struct hmap_node *node;
	size_t b;

	if (n > 0) {
		copy = calloc(n, sizeof(*copy));
		if (copy == NULL)
			return -ENOMEM;
		memcpy(copy, vrfs, n * sizeof(*copy));
	}
	free(im->vrfs);
	im->vrfs = copy;
	im->n_vrfs = n;
	// Re-match every path, the unattached ones too.
	for (node = hmap_iter_first(&im->paths, &b); node != NULL;
	     node = hmap_iter_next(&im->paths, node, &b)) {
		struct imp_path *ip = hmap_entry(node, struct imp_path, node);
		unsigned int vrf_idx[PATH_MAX_VRFS], nv;

		path_detach(im, ip);
		nv = bgp_vrf_match_import(im->vrfs, im->n_vrfs, &ip->p, vrf_idx, PATH_MAX_VRFS);
		if (nv > 0 && path_attach(im, ip, vrf_idx, nv) < 0)
			path_detach(im, ip); // out of memory: unattached until its next update
	}
	return 0;
}

void
bgp_import_set_local(struct bgp_import *im, const struct ip_prefix *locs, unsigned int n)
{
	free(im->locals);
	im->locals = NULL;
	im->n_locals = 0;
	if (n == 0 || (im->locals = calloc(n, sizeof(*locs))) == NULL)
		return;
	memcpy(im->locals, locs, n * sizeof(*locs));
	im->n_locals = n;
}

void
bgp_import_set_reach(struct bgp_import *im, bgp_reach_fn fn, void *ctx)
{
	im->reach_fn = fn;
	im->reach_ctx = ctx;
	bgp_import_recheck(im);
}

void
bgp_import_set_shadow(struct bgp_import *im, bgp_shadow_fn fn, void *ctx)
{
	im->shadow_fn = fn;
	im->shadow_ctx = ctx;
}

static bool
sid_reachable(struct bgp_import *im, const uint8_t sid[16])
{
	uint32_t h = hmap_hash_bytes(sid, 16, 0);
	struct reach_entry *e;

	if (im->reach_fn == NULL)
		return true;
	for (struct hmap_node *n = hmap_first_hash(&im->reach, h); n != NULL;
	     n = hmap_next_same(n)) {
		e = hmap_entry(n, struct reach_entry, node);
		if (memcmp(e->sid, sid, 16) == 0)
			return e->reachable;
	}
	e = calloc(1, sizeof(*e));
	bool r = im->reach_fn(im->reach_ctx, sid);
	if (e != NULL) {
		memcpy(e->sid, sid, 16);
		e->reachable = r;
		hmap_insert(&im->reach, &e->node, h);
	}
	return r;
}

static void
reach_forget(struct bgp_import *im)
{
	struct hmap_node *n;
	size_t b;

	while ((n = hmap_iter_first(&im->reach, &b)) != NULL) {
		hmap_remove(&im->reach, n);
		free(hmap_entry(n, struct reach_entry, node));
	}
}

void
bgp_import_recheck(struct bgp_import *im)
{
	struct hmap_node *n;
	size_t b;

	reach_forget(im);
	for (n = hmap_iter_first(&im->routes, &b); n != NULL;
	     n = hmap_iter_next(&im->routes, n, &b))
		route_mark_dirty(im, hmap_entry(n, struct imp_route, node));
}

void
bgp_import_mark_stale(struct bgp_import *im)
{
	struct hmap_node *n;
	size_t b;

	for (n = hmap_iter_first(&im->paths, &b); n != NULL; n = hmap_iter_next(&im->paths, n, &b))
		hmap_entry(n, struct imp_path, node)->stale = true;
	im->n_stale = im->st.paths;
}

size_t
bgp_import_n_stale(const struct bgp_import *im)
{
	return im->n_stale;
}

// Removes every path, or only the stale ones; collects first (removing while
// iterating is not allowed). Returns how many.
static size_t
paths_remove_if(struct bgp_import *im, bool stale_only)
{
	struct imp_path **victims;
	struct hmap_node *n;
	size_t cnt = 0, b;

	if (im->st.paths == 0)
		return 0;
	victims = calloc(im->st.paths, sizeof(*victims));
	if (victims == NULL)
		return 0;
	for (n = hmap_iter_first(&im->paths, &b); n != NULL && cnt < im->st.paths;
	     n = hmap_iter_next(&im->paths, n, &b)) {
		struct imp_path *ip = hmap_entry(n, struct imp_path, node);
		if (!stale_only || ip->stale)
			victims[cnt++] = ip;
	}
	for (size_t i = 0; i < cnt; i++)
		path_free(im, victims[i]);
	free(victims);
	return cnt;
}

size_t
bgp_import_sweep_stale(struct bgp_import *im)
{
	return im->n_stale > 0 ? paths_remove_if(im, true) : 0;
}

void
bgp_import_flush(struct bgp_import *im)
{
	paths_remove_if(im, false);
}

// --- drain --------------------------------------------------------------------------------

static int
nh_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct bgp_srv6_nh));
}

// The distinct SRv6 next hops of a route whose SIDs are reachable, sorted
// (stable next-hop order): the SID, and with a colored path its policy.
static unsigned int
route_nhs(struct bgp_import *im, const struct imp_route *r, struct bgp_srv6_nh *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->n_paths; i++) {
		const struct imp_path *p = r->paths[i];
		struct bgp_srv6_nh nh;
		bool dup = false;

		memset(&nh, 0, sizeof(nh));
		memcpy(nh.sid, p->sid, 16);
		if (p->p.has_color) {
			nh.has_color = true;
			nh.color = p->p.color;
			nh.endpoint = p->p.nexthop;
		}
		for (unsigned int j = 0; j < n && !dup; j++)
			dup = memcmp(&out[j], &nh, sizeof(nh)) == 0;
		if (dup || n == BGP_MAX_ECMP || !sid_reachable(im, nh.sid))
			continue;
		out[n++] = nh;
	}
	qsort(out, n, sizeof(*out), nh_cmp);
	return n;
}

int
bgp_import_ipsec_policy(struct bgp_import *im, const struct ip_prefix *sids, const char *sa)
{
	size_t len = strlen(sa);

	if (sids->addr.family != AF_INET6 || len == 0 || len >= BGP_VRF_NAME_LEN)
		return -EINVAL;
	if (im->n_ipsec == BGP_MAX_IPSEC_POLICY)
		return -ENOSPC;
	im->ipsec[im->n_ipsec].sids = *sids;
	memcpy(im->ipsec[im->n_ipsec].sa, sa, len + 1);
	im->n_ipsec++;
	return 0;
}

// The SA of the longest policy prefix covering sid, or NULL.
static const char *
ipsec_sa_for(const struct bgp_ipsec_policy *pol, unsigned int n_pol, const uint8_t *sid)
{
	const struct bgp_ipsec_policy *best = NULL;
	struct ip_addr a = {.family = AF_INET6};

	memcpy(a.bytes, sid, 16);
	for (unsigned int i = 0; i < n_pol; i++)
		if (prefix_contains(&pol[i].sids, &a) &&
		    (best == NULL || pol[i].sids.len > best->sids.len))
			best = &pol[i];
	return best != NULL ? best->sa : NULL;
}

json_t *
bgp_route_add_request(const char *vrf, const struct ip_prefix *prefix,
		      const struct bgp_srv6_nh *srv6, unsigned int n_nhs,
		      const struct bgp_ipsec_policy *pol, unsigned int n_pol)
{
	char pbuf[PREFIX_STRLEN], abuf[ADDR_STRLEN];
	json_t *nhs = json_array();

	for (unsigned int i = 0; i < n_nhs; i++) {
		struct ip_addr a = {.family = AF_INET6};
		const char *sa = ipsec_sa_for(pol, n_pol, srv6[i].sid);
		memcpy(a.bytes, srv6[i].sid, 16);
		json_t *nh = json_pack("{s:s,s:[s]}", "type", "srv6", "segments",
				       addr_fmt(&a, abuf, sizeof(abuf)));
		if (sa != NULL)
			json_object_set_new(nh, "ipsec_sa", json_string(sa));
		// RFC 9256 8.5: steered into policy (color, BGP next hop); srv6d
		// falls back to the SID alone while no such policy exists.
		if (srv6[i].has_color)
			json_object_set_new(
				nh, "policy",
				json_pack("{s:I,s:s}", "color", (json_int_t)srv6[i].color,
					  "endpoint",
					  addr_fmt(&srv6[i].endpoint, abuf, sizeof(abuf))));
		json_array_append_new(nhs, nh);
	}
	return json_pack("{s:s,s:{s:s,s:s,s:o,s:s}}", "method", "route.add", "params", "vrf", vrf,
			 "prefix", prefix_fmt(prefix, pbuf, sizeof(pbuf)), "nexthops", nhs, "owner",
			 BGP_OWNER);
}

static json_t *
route_del_request(const struct imp_route *r)
{
	char pbuf[PREFIX_STRLEN];

	return json_pack("{s:s,s:{s:s,s:s}}", "method", "route.del", "params", "vrf", r->vrf,
			 "prefix", prefix_fmt(&r->prefix, pbuf, sizeof(pbuf)));
}

size_t
bgp_import_drain(struct bgp_import *im, json_t *out, size_t max)
{
	size_t n_out = 0;

	while (im->dirty_head != NULL && n_out < max) {
		struct imp_route *r = im->dirty_head;
		struct bgp_srv6_nh nhs[BGP_MAX_ECMP];
		unsigned int n;

		im->dirty_head = r->next_dirty;
		im->n_dirty--;
		r->dirty = false;
		r->next_dirty = NULL;
		bool shadowed = r->n_paths > 0 && im->shadow_fn != NULL &&
				im->shadow_fn(im->shadow_ctx, r->vrf, &r->prefix);
		if (shadowed != r->shadowed) {
			im->st.routes_shadowed += shadowed ? 1 : (uint64_t)-1;
			r->shadowed = shadowed;
		}
		if (shadowed) {
			// srv6d holds the other owner's route under this key: nothing
			// of ours is installed any more, and nothing is to be deleted.
			r->installed = false;
			r->n_inst = 0;
			continue;
		}
		n = route_nhs(im, r, nhs);
		bool held = r->n_paths > 0 && n == 0;
		if (held != r->held) {
			im->st.routes_held += held ? 1 : (uint64_t)-1;
			r->held = held;
		}
		if (n == 0) {
			if (r->installed) {
				json_array_append_new(out, route_del_request(r));
				n_out++;
				r->installed = false;
				r->n_inst = 0;
			}
		} else if (!r->installed || r->n_inst != n ||
			   memcmp(r->inst, nhs, n * sizeof(*nhs)) != 0) {
			json_array_append_new(out, bgp_route_add_request(r->vrf, &r->prefix, nhs, n,
									 im->ipsec, im->n_ipsec));
			n_out++;
			r->installed = true;
			r->n_inst = n;
			memcpy(r->inst, nhs, n * sizeof(*nhs));
		}
		if (r->n_paths == 0 && !r->installed)
			route_free(im, r);
	}
	return n_out;
}

bool
bgp_import_pending(const struct bgp_import *im)
{
	return im->dirty_head != NULL;
}

size_t
bgp_import_n_pending(const struct bgp_import *im)
{
	return im->n_dirty;
}

void
bgp_import_refused(struct bgp_import *im, const char *vrf, const char *prefix)
{
	struct ip_prefix p;
	struct imp_route *r;

	im->st.rejected[BGP_REJECT_srv6d_refused]++;
	if (prefix_parse(prefix, true, &p) < 0 || (r = route_find(im, vrf, &p)) == NULL)
		return;
	// Unknown state in srv6d: a later change resends the route or deletes it.
	r->installed = true;
	r->n_inst = 0;
}

size_t
bgp_import_replay(struct bgp_import *im, json_t *out, size_t max, size_t *cursor)
{
	size_t seen = 0, n_out = 0;
	struct hmap_node *node;
	size_t b;

	for (node = hmap_iter_first(&im->routes, &b); node != NULL && n_out < max;
	     node = hmap_iter_next(&im->routes, node, &b)) {
		struct imp_route *r = hmap_entry(node, struct imp_route, node);
		if (seen++ < *cursor)
			continue;
		(*cursor)++;
		if (r->installed && r->n_inst > 0 &&
		    (im->shadow_fn == NULL || !im->shadow_fn(im->shadow_ctx, r->vrf, &r->prefix))) {
			json_array_append_new(out, bgp_route_add_request(r->vrf, &r->prefix,
									 r->inst, r->n_inst,
									 im->ipsec, im->n_ipsec));
			n_out++;
		}
	}
	return n_out;
}

const struct bgp_import_stats *
bgp_import_stats(const struct bgp_import *im)
{
	return &im->st;
}

void
bgp_import_free(struct bgp_import *im)
{
	if (im == NULL)
		return;
	if (im->paths.buckets != NULL)
		bgp_import_flush(im);
	if (im->routes.buckets != NULL) {
		struct hmap_node *n;
		size_t b;
		while ((n = hmap_iter_first(&im->routes, &b)) != NULL)
			route_free(im, hmap_entry(n, struct imp_route, node));
	}
	if (im->reach.buckets != NULL)
		reach_forget(im);
	hmap_free(&im->paths);
	hmap_free(&im->routes);
	hmap_free(&im->reach);
	free(im->vrfs);
	free(im->locals);
	free(im->held);
	free(im);
}
