// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// port.list (configuration, device status and counters) and port.set (MTU,
// VRF and addresses; ports themselves come only from the config file).

#include <stdlib.h>

#include <jansson.h>

#include "ctl_priv.h"
#include "dp_api.h"

CTL_HANDLER(rpc_port_list)
{
	const char *name;
	struct dp_counters *k;
	json_t *arr;
	int only = -1;

	(void)call;
	if (ctl_params("port.list", params, e) < 0)
		return -1;
	name = json_string_value(json_object_get(params, "name"));
	if (name != NULL && (only = model_port_find(ctl_model, name)) < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "name", "name: no port \"%.40s\"", name);
	k = calloc(1, sizeof(*k));
	if (k != NULL && dp_counters_read(k) < 0) {
		free(k);
		k = NULL;
	}
	arr = json_array();
	for (int i = 0; i < MODEL_MAX_PORTS; i++) {
		const struct model_port *p = &ctl_model->ports[i];
		struct dp_port_status st;
		if (!p->used || (only >= 0 && i != only))
			continue;
		json_array_append_new(
			arr, port_status_to_json(ctl_model, p,
						 dp_port_status(p->port_id, &st) == 0 ? &st : NULL,
						 k != NULL ? &k->ports[i] : NULL));
	}
	free(k);
	*result = arr;
	return 0;
}

CTL_HANDLER(rpc_port_set)
{
	struct model_err me = {0};
	struct model_txn *t;
	struct model_port p;
	const char *name;
	int idx, rc;

	(void)result;
	if (ctl_params("port.set", params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	if ((name = ctl_required_str(params, "name", e)) == NULL)
		return -1;
	idx = model_port_find(ctl_model, name);
	if (idx < 0)
		return api_error_set(e, API_ERR_NOT_FOUND, "name", "name: no port \"%.40s\"", name);
	// The given fields over the current ones: omitted fields stay as they are.
	p = ctl_model->ports[idx];
	if (port_from_json(ctl_model, params, "", false, &p, e) < 0)
		return -1;
	rc = model_port_set(t, (uint16_t)idx, &p, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}
