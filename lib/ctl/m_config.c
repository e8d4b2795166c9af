// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// config.get / config.save: the running configuration in the config file's
// shape (lib/config's config_to_json), so a saved file restarts the daemon
// into the same state. IPsec keys: config.get shows them only with
// {"secrets": true}; config.save always writes them, into a 0600 file.
// config.reload: the file (the --config file by default) made the running
// configuration in the batch's txn, as one change (`systemctl reload`).

#include <errno.h>

#include <jansson.h>

#include "config.h"
#include "ctl_priv.h"

CTL_HANDLER(rpc_config_get)
{
	(void)call;
	if (ctl_params("config.get", params, e) < 0)
		return -1;
	// Keys only when asked for: a config.get for a look must not copy them
	// into terminals and logs.
	*result = config_to_json(ctl_model,
				 json_is_true(json_object_get(params, "secrets")) ? true : false);
	if (*result == NULL)
		return api_error_set(e, API_ERR_INTERNAL, NULL, "out of memory");
	return 0;
}

// params.file, else the --config file; NULL with e filled when neither.
static const char *
config_file_param(const json_t *params, struct api_error_info *e)
{
	const char *file = json_string_value(json_object_get(params, "file"));

	if (file == NULL)
		file = ctl_cfg.config_path;
	if (file == NULL || file[0] == '\0') {
		api_error_set(e, API_ERR_INVALID_PARAMS, "file",
			      "file: no --config file to default to");
		return NULL;
	}
	return file;
}

CTL_HANDLER(rpc_config_save)
{
	const char *file;
	const struct model_txn *t;
	struct model_err me = {0};
	int rc;

	if (ctl_params("config.save", params, e) < 0)
		return -1;
	if ((file = config_file_param(params, e)) == NULL)
		return -1;
	// Changes staged earlier in the same batch are not committed yet: a file
	// holding them would outlive a failed commit. Save after they commit.
	t = call != NULL ? call->txn : NULL;
	if (t != NULL &&
	    (model_txn_n_events(t) > 0 || model_txn_n_dirty(t) > 0 || model_txn_meta_dirty(t)))
		return api_error_set(e, API_ERR_CONFLICT, NULL,
				     "config.save follows uncommitted changes in this batch; "
				     "send it on its own after they commit");
	rc = config_save(ctl_model, file, &me);
	if (rc < 0) {
		// A file system error is the daemon's (-32603), not "not found" or
		// "in use" as api_errno_to_code would read ENOENT or EBUSY.
		ctl_model_error(e, rc, &me);
		if (rc != -EINVAL)
			e->code = API_ERR_INTERNAL;
		return -1;
	}
	*result = json_pack("{s:s}", "file", file);
	return 0;
}

CTL_HANDLER(rpc_config_reload)
{
	struct config_reload_stats st;
	struct model_err me = {0};
	struct model_txn *t;
	const char *file;
	int rc;

	if (ctl_params("config.reload", params, e) < 0 || (t = ctl_txn(call, e)) == NULL)
		return -1;
	if ((file = config_file_param(params, e)) == NULL)
		return -1;
	// The reload compares the file with the committed state: changes staged
	// before it in the batch would be compared as if running.
	if (model_txn_n_events(t) > 0 || model_txn_n_dirty(t) > 0 || model_txn_meta_dirty(t))
		return api_error_set(e, API_ERR_CONFLICT, NULL,
				     "config.reload follows uncommitted changes in this batch; "
				     "send it first or on its own");
	rc = config_reload(t, file, &st, &me);
	if (rc < 0) {
		// The file's own problems: "file" unless the error names a value.
		if (me.field[0] == '\0')
			snprintf(me.field, sizeof(me.field), "file");
		return ctl_model_error(e, rc, &me);
	}
	ctl_defer_datapath_settings(st.idle_sleep_us, st.spread);
	*result = json_pack("{s:s,s:I,s:I,s:I,s:I}", "file", file, "added", (json_int_t)st.added,
			    "changed", (json_int_t)st.changed, "removed", (json_int_t)st.removed,
			    "unchanged", (json_int_t)st.unchanged);
	return 0;
}
