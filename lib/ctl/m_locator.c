// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Locators (RFC 8986 section 3.1): locator.add / locator.del / locator.list.
// A locator that sid.alloc allocated from is in use (1004) until its SIDs go.

#include <jansson.h>

#include "ctl_priv.h"

CTL_HANDLER(rpc_locator_add)
{
	struct model_err me = {0};
	struct model_locator l;
	struct model_txn *t;
	int rc;

	(void)result;
	if (ctl_params("locator.add", params, e) < 0 || (t = ctl_txn(call, e)) == NULL ||
	    locator_from_json(params, "", &l, e) < 0)
		return -1;
	rc = model_locator_add(t, &l, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_locator_del)
{
	struct model_err me = {0};
	struct model_txn *t;
	const char *name;
	int rc;

	(void)result;
	if (ctl_params("locator.del", params, e) < 0 || (t = ctl_txn(call, e)) == NULL ||
	    (name = ctl_required_str(params, "name", e)) == NULL)
		return -1;
	rc = model_locator_del(t, name, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_locator_list)
{
	json_t *arr;

	(void)call;
	if (ctl_params("locator.list", params, e) < 0)
		return -1;
	arr = json_array();
	for (int i = 0; i < MODEL_MAX_LOCATORS; i++)
		if (ctl_model->locators[i].used)
			json_array_append_new(arr, locator_to_json(&ctl_model->locators[i]));
	*result = arr;
	return 0;
}
