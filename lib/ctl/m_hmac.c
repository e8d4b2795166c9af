// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// hmac.key.add / hmac.key.del / hmac.key.list: the SRH HMAC keys (RFC 8754
// 2.1.2) our headend signs with (a route next hop's hmac_key_id) and our
// SIDs with hmac_required verify with. The list never shows a secret (only
// config.get {"secrets": true} does).

#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "ctl_priv.h"

CTL_HANDLER(rpc_hmac_key_add)
{
	uint8_t secret[MODEL_HMAC_SECRET_MAX];
	struct model_err me = {0};
	struct model_txn *t;
	uint32_t key_id;
	size_t len;
	int rc;

	(void)result;
	if (ctl_params("hmac.key.add", params, e) < 0 ||
	    hmac_key_from_json(params, "", &key_id, secret, &len, e) < 0 ||
	    (t = ctl_txn(call, e)) == NULL) {
		explicit_bzero(secret, sizeof(secret));
		return -1;
	}
	rc = model_hmac_key_set(t, key_id, secret, len, &me);
	explicit_bzero(secret, sizeof(secret));
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_hmac_key_del)
{
	struct model_err me = {0};
	struct model_txn *t;
	json_t *v;
	int rc;

	(void)result;
	if (ctl_params("hmac.key.del", params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	v = json_object_get(params, "key_id");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > UINT32_MAX)
		return ctl_model_error(e,
				       model_err_set(&me, -EINVAL, "key_id",
						     "must be an integer from 1 to 4294967295"),
				       &me);
	rc = model_hmac_key_del(t, (uint32_t)json_integer_value(v), &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_hmac_key_list)
{
	json_t *arr = json_array();

	(void)call;
	if (ctl_params("hmac.key.list", params, e) < 0) {
		json_decref(arr);
		return -1;
	}
	for (int i = 0; i < MODEL_MAX_HMAC_KEYS; i++)
		if (ctl_model->hmac_keys[i].used)
			json_array_append_new(arr,
					      hmac_key_to_json(&ctl_model->hmac_keys[i], false));
	*result = arr;
	return 0;
}
