// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Neighbours: static entries from the API (they replace learned ones) and a
// listing of static and learned entries with their state.

#include <stdlib.h>

#include <jansson.h>

#include "ctl_priv.h"

CTL_HANDLER(rpc_neighbor_add)
{
	struct model_err me = {0};
	struct model_txn *t;
	struct ip_addr a;
	uint8_t mac[6];
	uint16_t port;
	int rc;

	(void)result;
	if (ctl_params("neighbor.add", params, e) < 0 || (t = ctl_txn(call, e)) == NULL ||
	    neigh_from_json(ctl_model, params, "", &port, &a, mac, e) < 0)
		return -1;
	rc = model_neigh_add(t, port, &a, mac, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_neighbor_del)
{
	struct model_err me = {0};
	struct model_txn *t;
	const char *port;
	struct ip_addr a;
	int idx, rc;

	(void)result;
	if (ctl_params("neighbor.del", params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	if ((port = ctl_required_str(params, "port", e)) == NULL)
		return -1;
	idx = model_port_find(ctl_model, port);
	if (idx < 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "port",
				     "port: unknown port \"%.40s\"", port);
	if (addr_parse(json_string_value(json_object_get(params, "address")), &a) < 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "address",
				     "address: not an IP address");
	rc = model_neigh_del(t, (uint16_t)idx, &a, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_neighbor_list)
{
	const struct model_neigh **v = NULL;
	const char *port;
	json_t *arr;
	size_t n = 0;
	int only = -1;

	(void)call;
	if (ctl_params("neighbor.list", params, e) < 0)
		return -1;
	port = json_string_value(json_object_get(params, "port"));
	if (port != NULL && (only = model_port_find(ctl_model, port)) < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "port", "port: no port \"%.40s\"", port);
	if (model_neighs_list(ctl_model, &v, &n) < 0)
		return api_error_set(e, API_ERR_INTERNAL, NULL, "out of memory");
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (only < 0 || v[i]->port == only)
			json_array_append_new(arr, neigh_to_json(ctl_model, v[i]));
	free(v);
	*result = arr;
	return 0;
}
