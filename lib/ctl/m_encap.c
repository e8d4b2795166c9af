// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// encap.set / encap.get: the headend's outer header parameters (RFC 8986
// 5.1: source address, hop limit, flow label). set changes only the fields
// it is given.

#include <jansson.h>

#include "ctl_priv.h"

CTL_HANDLER(rpc_encap_set)
{
	struct model_err me = {0};
	struct model_encap enc;
	struct model_txn *t;
	int rc;

	(void)result;
	if (ctl_params("encap.set", params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	enc = ctl_model->encap;
	if (encap_from_json(params, "", &enc, e) < 0)
		return -1;
	rc = model_encap_set(t, &enc, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_encap_get)
{
	(void)call;
	if (ctl_params("encap.get", params, e) < 0)
		return -1;
	*result = encap_to_json(&ctl_model->encap);
	return 0;
}
