// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// ipsec.sa.add / ipsec.sa.del / ipsec.sa.list. The SA table (lib/ipsec) takes
// part in the model's txn, so an SA added in a failed batch is gone again.
// list never shows keys (only config.get {"secrets": true} does).

#include <stdlib.h>

#include <jansson.h>

#include "ctl_priv.h"
#include "ipsec_sa.h"

CTL_HANDLER(rpc_ipsec_sa_add)
{
	struct model_err me = {0};
	struct ipsec_sa sa;
	struct model_txn *t;
	int rc;

	(void)result;
	if (ctl_params("ipsec.sa.add", params, e) < 0 || (t = ctl_txn(call, e)) == NULL ||
	    ipsec_sa_from_json(params, "", &sa, e) < 0)
		return -1;
	rc = ipsec_sa_add(t, &sa, NULL, &me);
	ipsec_sa_wipe(&sa);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

CTL_HANDLER(rpc_ipsec_sa_del)
{
	struct model_err me = {0};
	struct model_txn *t;
	const char *id;
	int rc;

	(void)result;
	if (ctl_params("ipsec.sa.del", params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	if ((id = ctl_required_str(params, "id", e)) == NULL)
		return -1;
	rc = ipsec_sa_del(t, id, &me);
	return rc < 0 ? ctl_model_error(e, rc, &me) : 0;
}

// Per-SA counters from the datapath (zero for an SA it holds no state for:
// mode tunnel, not in the datapath yet). An unknown SPI matches no SA: it is
// a drop reason of stats.get.
static void
counters_to_json(json_t *o, uint32_t slot)
{
	struct dp_ipsec_sa_counters c;

	if (dp_ipsec_sa_counters(slot, &c) == 0 && c.path != NULL)
		json_object_set_new(o, "path", json_string(c.path));
	json_object_set_new(o, "packets", json_integer((json_int_t)c.packets));
	json_object_set_new(o, "bytes", json_integer((json_int_t)c.bytes));
	json_object_set_new(
		o, "drops",
		json_pack("{s:I,s:I,s:I,s:I}", "replay", (json_int_t)c.drops[DP_IPSEC_SA_REPLAY],
			  "auth_failed", (json_int_t)c.drops[DP_IPSEC_SA_AUTH], "malformed",
			  (json_int_t)c.drops[DP_IPSEC_SA_MALFORMED], "lifetime_expired",
			  (json_int_t)c.drops[DP_IPSEC_SA_LIFETIME]));
}

CTL_HANDLER(rpc_ipsec_sa_list)
{
	const struct ipsec_sa_table *tbl;
	uint32_t *slots;
	unsigned int n;
	json_t *arr;

	(void)call;
	if (ctl_params("ipsec.sa.list", params, e) < 0)
		return -1;
	tbl = ipsec_sa_table_find(ctl_model);
	slots = calloc(IPSEC_MAX_SAS, sizeof(*slots));
	arr = json_array();
	if (slots == NULL || arr == NULL) {
		free(slots);
		json_decref(arr);
		return api_error_set(e, API_ERR_INTERNAL, NULL, "out of memory");
	}
	n = ipsec_sa_list(tbl, slots);
	for (unsigned int i = 0; i < n; i++) {
		json_t *o = ipsec_sa_to_json(ipsec_sa_at(tbl, slots[i]), false);
		if (o == NULL)
			continue;
		counters_to_json(o, slots[i]);
		json_array_append_new(arr, o);
	}
	free(slots);
	*result = arr;
	return 0;
}
