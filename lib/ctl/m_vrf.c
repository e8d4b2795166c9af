// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// vrf.add / vrf.del / vrf.list. Deleting a VRF that ports, routes or SIDs
// still reference is refused by the model (1004).

#include <jansson.h>

#include "ctl_priv.h"

CTL_HANDLER(rpc_vrf_add)
{
	struct model_err me = {0};
	struct model_txn *t;
	struct model_vrf v;
	int rc;

	(void)result;
	if (ctl_params("vrf.add", params, e) < 0 || (t = ctl_txn(call, e)) == NULL ||
	    vrf_from_json(ctl_model, params, "", &v, e) < 0)
		return -1;
	rc = model_vrf_add(t, &v, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_vrf_del)
{
	struct model_err me = {0};
	struct model_txn *t;
	const char *name;
	int rc;

	(void)result;
	if (ctl_params("vrf.del", params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	if ((name = ctl_required_str(params, "name", e)) == NULL)
		return -1;
	rc = model_vrf_del(t, name, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_vrf_list)
{
	json_t *arr;

	(void)call;
	if (ctl_params("vrf.list", params, e) < 0)
		return -1;
	arr = json_array();
	for (int i = 0; i < SRV6_MAX_VRFS; i++)
		if (ctl_model->vrfs[i].used)
			json_array_append_new(arr, vrf_to_json(&ctl_model->vrfs[i]));
	*result = arr;
	return 0;
}
