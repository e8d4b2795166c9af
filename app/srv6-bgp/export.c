// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Export: srv6d's own routes and SIDs -> VPN paths announced through
// gobgpd, and leftover paths of earlier runs withdrawn.

#define _GNU_SOURCE
#include "helper.h"

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

static bool
own_route_find(const struct helper *h, const char *vrf, const struct ip_prefix *p)
{
	for (struct hmap_node *n = hmap_first_hash(&h->own, bgp_vrf_prefix_hash(vrf, p)); n != NULL;
	     n = hmap_next_same(n)) {
		const struct own_route *r = hmap_entry(n, struct own_route, node);
		if (strcmp(r->vrf, vrf) == 0 && prefix_equal(&r->p, p))
			return true;
	}
	return false;
}

bool
own_route_shadows(void *ctx, const char *vrf, const struct ip_prefix *p)
{
	return own_route_find(ctx, vrf, p);
}

// Reads every VRF's connected and static routes; *changed tells whether the
// set differs from the last one. 0 or -1 (srv6d did not answer).
int
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
		hmap_insert(&h->own, &items[i].node,
			    bgp_vrf_prefix_hash(items[i].vrf, &items[i].p));
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

void
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

void
run_export(struct helper *h)
{
	const struct locator *l;
	bool ok = true;

	bool own_changed = false;

	h->export_due = 0;
	if (!h->sd_up)
		return;
	if (refresh_own_routes(h, &own_changed) < 0) {
		h->export_due = rpc_now_ms() + 1000;
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
		h->export_due = rpc_now_ms() + 1000;
		return;
	}
	h->export_dirty = false;
	if (!h->gobgp_up)
		return; // announced on the next WATCH_UP
	if (bgp_export_commit(h->ex, export_path, h) > 0) {
		h->export_dirty = true;
		h->export_due = rpc_now_ms() + 1000;
		return;
	}
	h->export_done_since_up = true;
	check_leftovers(h);
}
