// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// l2vpn.mac.list: what an l2vpn bridge (a port with peers) has learnt, read
// from the datapath's MAC table (lib/dp/dp_l2.c) on the control thread.

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl_priv.h"
#include "dp_api.h"

struct mac_row {
	uint8_t mac[6];
	uint16_t where;
	uint32_t age;
};

struct mac_rows {
	struct mac_row *v;
	size_t n, cap;
	bool oom;
};

static void
collect(void *arg, const uint8_t mac[6], uint16_t where, uint32_t age)
{
	struct mac_rows *r = arg;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		struct mac_row *v = realloc(r->v, cap * sizeof(*v));
		if (v == NULL) {
			r->oom = true;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	memcpy(r->v[r->n].mac, mac, 6);
	r->v[r->n].where = where;
	r->v[r->n].age = age;
	r->n++;
}

static int
row_cmp(const void *a, const void *b)
{
	return memcmp(((const struct mac_row *)a)->mac, ((const struct mac_row *)b)->mac, 6);
}

CTL_HANDLER(rpc_l2vpn_mac_list)
{
	const struct model_port *p;
	struct mac_rows rows = {0};
	const char *name;
	json_t *arr;
	int idx;

	(void)call;
	if (ctl_params("l2vpn.mac.list", params, e) < 0 ||
	    (name = ctl_required_str(params, "port", e)) == NULL)
		return -1;
	if ((idx = model_port_find(ctl_model, name)) < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "port", "port: no port \"%.40s\"", name);
	p = &ctl_model->ports[idx];
	if (!p->l2vpn.on || p->l2vpn.n_peers == 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "port",
				     "port: %s is not an l2vpn port with peers (a bridge)",
				     p->name);
	// A bridge whose datapath tables are not built yet has learnt nothing.
	(void)dp_l2_macs(p->port_id, collect, &rows);
	if (rows.oom) {
		free(rows.v);
		return api_error_set(e, API_ERR_INTERNAL, NULL, "out of memory listing the table");
	}
	if (rows.n > 1) // (qsort must not get NULL, even for nothing)
		qsort(rows.v, rows.n, sizeof(rows.v[0]), row_cmp);
	arr = json_array();
	for (size_t i = 0; i < rows.n; i++) {
		const struct mac_row *r = &rows.v[i];
		json_t *o;
		if (r->where > p->l2vpn.n_peers)
			continue; // no place (a peer index beyond the bridge's peers)
		o = json_object();
		json_object_set_new(o, "mac", mac_to_json(r->mac));
		json_object_set_new(o, "age_s", json_integer((json_int_t)r->age));
		json_object_set_new(o, "where", json_string(r->where == 0 ? "local" : "peer"));
		if (r->where != 0)
			json_object_set_new(o, "peer",
					    seg_to_json(p->l2vpn.peers[r->where - 1].addr));
		json_array_append_new(arr, o);
	}
	free(rows.v);
	*result = json_pack("{s:s,s:o}", "port", p->name, "macs", arr);
	return 0;
}
