// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Routes: route.add (add or replace by vrf + prefix), route.del, route.list
// and route.get over every forwarding entry (API routes and the entries
// derived from ports, SIDs and neighbours), and the owner resync pair
// route.sync_begin / route.sync_end, handled entirely in the model.

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl_priv.h"

static struct model_route *scratch; // never freed: one per process

CTL_HANDLER(rpc_route_add)
{
	struct model_err me = {0};
	struct model_route *r;
	struct model_txn *t;
	int rc;

	(void)result;
	if (ctl_params("route.add", params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	// 16 next hops of 16 segments: too big for the stack. One buffer for
	// every call (one thread): a 5 KB malloc per route made glibc consolidate
	// its free lists each time.
	if (scratch == NULL && (scratch = malloc(sizeof(*scratch))) == NULL)
		return api_error_set(e, API_ERR_INTERNAL, NULL, "out of memory");
	r = scratch;
	rc = route_from_json(ctl_model, params, "", r, e);
	if (rc == 0 && (rc = model_route_add(t, r, &me)) < 0)
		ctl_model_error(e, rc, &me);
	return rc < 0 ? -1 : 0;
}

CTL_HANDLER(rpc_route_del)
{
	struct model_err me = {0};
	struct model_txn *t;
	struct ip_prefix p;
	uint16_t vrf;
	int rc;

	(void)result;
	if (ctl_params("route.del", params, e) < 0 || (t = ctl_txn(call, e)) == NULL ||
	    ctl_vrf_param(params, &vrf, e) < 0)
		return -1;
	rc = prefix_parse(json_string_value(json_object_get(params, "prefix")), true, &p);
	if (rc < 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "prefix", "prefix: %s",
				     rc == -EDOM ? "host bits set" : "not a prefix");
	rc = model_route_del(t, vrf, &p, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

// route.list filters: owner (API routes of that owner only), type (an entry
// kind, or an owner: "static", "bgp"...), then offset and limit over what
// remains, in VRF order then by family and prefix.
struct list_filter {
	const char *owner, *type;
	json_int_t offset, limit; // limit < 0: none
	json_int_t seen;
};

static bool
entry_match(const struct list_filter *f, const struct model_entry *en)
{
	const char *owner = NULL;

	if (en->kind == ENTRY_ROUTE && en->route != NULL)
		owner = en->route->owner[0] != '\0' ? en->route->owner : "static";
	if (f->owner != NULL && (owner == NULL || strcmp(owner, f->owner) != 0))
		return false;
	if (f->type != NULL) {
		const char *t = owner != NULL ? owner : model_entry_kind_name(en->kind);
		if (strcmp(t, f->type) != 0)
			return false;
	}
	return true;
}

static int
list_vrf(uint16_t vrf, struct list_filter *f, json_t *arr, struct api_error_info *e)
{
	struct model_entry_row *rows = NULL;
	size_t n = 0;

	if (model_entries_list(ctl_model, vrf, &rows, &n) < 0)
		return api_error_set(e, API_ERR_INTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (f->limit >= 0 && (json_int_t)json_array_size(arr) >= f->limit)
			break;
		if (!entry_match(f, &rows[i].entry) || f->seen++ < f->offset)
			continue;
		json_array_append_new(
			arr, entry_to_json(ctl_model, vrf, &rows[i].prefix, &rows[i].entry));
	}
	free(rows);
	return 0;
}

CTL_HANDLER(rpc_route_list)
{
	struct list_filter f = {.limit = -1};
	json_t *arr, *v;

	(void)call;
	if (ctl_params("route.list", params, e) < 0)
		return -1;
	f.owner = json_string_value(json_object_get(params, "owner"));
	f.type = json_string_value(json_object_get(params, "type"));
	if ((v = json_object_get(params, "offset")) != NULL)
		f.offset = json_integer_value(v);
	if ((v = json_object_get(params, "limit")) != NULL)
		f.limit = json_integer_value(v);
	arr = json_array();
	if (json_object_get(params, "vrf") != NULL) {
		uint16_t vrf;
		if (ctl_vrf_param(params, &vrf, e) < 0 || list_vrf(vrf, &f, arr, e) < 0) {
			json_decref(arr);
			return -1;
		}
	} else {
		// No vrf: every VRF, the default one first (the catalogue's promise).
		for (uint16_t i = 0; i < SRV6_MAX_VRFS; i++) {
			if (!ctl_model->vrfs[i].used)
				continue;
			if (list_vrf(i, &f, arr, e) < 0) {
				json_decref(arr);
				return -1;
			}
		}
	}
	*result = arr;
	return 0;
}

CTL_HANDLER(rpc_route_get)
{
	struct ip_prefix matched;
	struct model_entry en;
	struct ip_addr a;
	uint16_t vrf;

	(void)call;
	if (ctl_params("route.get", params, e) < 0 || ctl_vrf_param(params, &vrf, e) < 0)
		return -1;
	if (addr_parse(json_string_value(json_object_get(params, "address")), &a) < 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "address",
				     "address: not an IP address");
	if (model_entry_lookup(ctl_model, vrf, &a, &matched, &en) < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "address", "address: no route in VRF %s",
				     ctl_model->vrfs[vrf].name);
	*result = entry_to_json(ctl_model, vrf, &matched, &en);
	return 0;
}

static int
route_sync(struct rpc_call *call, const char *method, json_t *params, json_t **result,
	   struct api_error_info *e)
{
	bool begin = strcmp(method, "route.sync_begin") == 0;
	const char *owner;
	struct model_txn *t;
	unsigned int n = 0;
	int rc;

	if (ctl_params(method, params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	if ((owner = ctl_required_str(params, "owner", e)) == NULL)
		return -1;
	if (owner[0] == '\0' || strlen(owner) >= MODEL_NAME_LEN)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "owner",
				     "owner: must be 1 to %d characters", MODEL_NAME_LEN - 1);
	rc = begin ? model_route_sync_begin(t, owner, &n) : model_route_sync_end(t, owner, &n);
	if (rc < 0)
		return api_error_set(e, api_errno_to_code(rc), NULL, "%s: %s", method,
				     strerror(-rc));
	*result =
		json_pack("{s:s,s:I}", "owner", owner, begin ? "stale" : "deleted", (json_int_t)n);
	return 0;
}

CTL_HANDLER(rpc_route_sync_begin)
{
	return route_sync(call, "route.sync_begin", params, result, e);
}

CTL_HANDLER(rpc_route_sync_end)
{
	return route_sync(call, "route.sync_end", params, result, e);
}
