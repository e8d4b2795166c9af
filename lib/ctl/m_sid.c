// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Local SIDs (RFC 8986 section 4): sid.add, sid.del, sid.list, and sid.alloc,
// which picks the lowest free function of a locator for a behaviour and its
// parameters and gives the same SID back for the same request.

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <jansson.h>

#include "ctl_priv.h"

CTL_HANDLER(rpc_sid_add)
{
	struct model_err me = {0};
	struct model_txn *t;
	struct model_sid s;
	int rc;

	(void)result;
	if (ctl_params("sid.add", params, e) < 0 || (t = ctl_txn(call, e)) == NULL ||
	    sid_from_json(ctl_model, params, "", false, &s, e) < 0)
		return -1;
	rc = model_sid_add(t, &s, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_sid_del)
{
	struct model_err me = {0};
	struct model_txn *t;
	struct ip_prefix p;
	int rc;

	(void)result;
	if (ctl_params("sid.del", params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	rc = prefix_parse(json_string_value(json_object_get(params, "sid")), true, &p);
	if (rc < 0 || p.addr.family != AF_INET6)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "sid", "sid: %s",
				     rc == -EDOM ? "host bits set" : "not an IPv6 SID");
	rc = model_sid_del(t, &p, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_sid_list)
{
	const struct model_sid **v = NULL;
	json_t *arr;
	size_t n = 0;

	(void)call;
	if (ctl_params("sid.list", params, e) < 0)
		return -1;
	if (model_sids_list(ctl_model, &v, &n) < 0)
		return api_error_set(e, API_ERR_INTERNAL, NULL, "out of memory");
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, sid_to_json(ctl_model, v[i]));
	free(v);
	*result = arr;
	return 0;
}

CTL_HANDLER(rpc_sid_alloc)
{
	struct model_err me = {0};
	const char *locator;
	struct model_sid tmpl;
	struct model_txn *t;
	struct ip_prefix out;
	bool created = false;
	int rc;

	if (ctl_params("sid.alloc", params, e) < 0 || (t = ctl_txn(call, e)) == NULL ||
	    sid_alloc_from_json(ctl_model, params, "", &locator, &tmpl, e) < 0)
		return -1;
	rc = model_sid_alloc(t, locator, &tmpl, &out, &created, &me);
	if (rc < 0)
		return ctl_model_error(e, rc, &me);
	*result = json_pack("{s:o,s:b}", "sid", sid_key_to_json(&out), "created", created);
	return 0;
}
