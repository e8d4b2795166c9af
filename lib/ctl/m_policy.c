// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// policy.add / policy.del / policy.list: SR policies (RFC 9256), keyed by
// color and endpoint, with weighted segment lists. Routes whose srv6 next
// hop names a policy are steered into it at the same commit.

#include <errno.h>
#include <stdlib.h>

#include <jansson.h>

#include "ctl_priv.h"

CTL_HANDLER(rpc_policy_add)
{
	struct model_err me = {0};
	struct model_policy p;
	struct model_txn *t;
	int rc;

	(void)result;
	if (ctl_params("policy.add", params, e) < 0 || policy_from_json(params, "", &p, e) < 0 ||
	    (t = ctl_txn(call, e)) == NULL)
		return -1;
	rc = model_policy_add(t, &p, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_policy_del)
{
	struct model_err me = {0};
	struct model_policy p;
	struct model_txn *t;
	json_t *v;
	int rc;

	(void)result;
	if (ctl_params("policy.del", params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	v = json_object_get(params, "color");
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX)
		return ctl_model_error(e,
				       model_err_set(&me, -EINVAL, "color",
						     "must be an integer from 0 to 4294967295"),
				       &me);
	if (addr_parse(json_string_value(json_object_get(params, "endpoint")), &p.endpoint) < 0)
		return ctl_model_error(e, model_err_set(&me, -EINVAL, "endpoint", "not an address"),
				       &me);
	rc = model_policy_del(t, (uint32_t)json_integer_value(v), &p.endpoint, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_policy_list)
{
	const struct model_policy **v = NULL;
	json_t *arr;
	size_t n = 0;

	(void)call;
	if (ctl_params("policy.list", params, e) < 0)
		return -1;
	if (model_policies_list(ctl_model, &v, &n) < 0)
		return ctl_model_error(e, -ENOMEM, &(struct model_err){"", "out of memory"});
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, policy_to_json(v[i]));
	free(v);
	*result = arr;
	return 0;
}
