// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// vrf.add / vrf.del / vrf.list. Deleting a VRF that ports, routes or SIDs
// still reference is refused by the model (1004).

#include <jansson.h>

#include "ctl_priv.h"
#include "dp_api.h"

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
	for (int i = 0; i < SRV6_MAX_VRFS; i++) {
		struct dp_fib_usage u;
		json_t *o;
		if (!ctl_model->vrfs[i].used)
			continue;
		o = vrf_to_json(&ctl_model->vrfs[i]);
		// What the VRF's forwarding tables hold and cost (our extension).
		if (dp_fib_usage((uint16_t)i, &u) == 0)
			json_object_set_new(o, "fib",
					    json_pack("{s:I, s:I, s:I}", "ipv4_entries",
						      (json_int_t)u.entries[0], "ipv6_entries",
						      (json_int_t)u.entries[1], "bytes",
						      (json_int_t)(u.bytes[0] + u.bytes[1])));
		json_array_append_new(arr, o);
	}
	*result = arr;
	return 0;
}
