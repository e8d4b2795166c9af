// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "sd_link.h"

#include <errno.h>
#include <string.h>

void
sd_link_init(struct sd_link *l)
{
	rpc_conn_init(&l->conn);
	l->next_id = 1;
}

bool
sd_link_is_open(const struct sd_link *l)
{
	return rpc_conn_is_open(&l->conn);
}

int
sd_link_fd(const struct sd_link *l)
{
	return l->conn.fd;
}

int
sd_link_open(struct sd_link *l, const char *path)
{
	return rpc_conn_open(&l->conn, path);
}

void
sd_link_close(struct sd_link *l)
{
	rpc_conn_close(&l->conn);
}

static int
send_msg(struct sd_link *l, const json_t *msg)
{
	int rc = rpc_conn_send(&l->conn, msg, rpc_now_ms() + 5000);

	if (rc < 0)
		sd_link_close(l);
	return rc;
}

// The next answer (notifications are skipped: this link is not subscribed,
// but a server may still send them), or NULL with the link closed.
static json_t *
read_response(struct sd_link *l, long deadline)
{
	for (;;) {
		json_t *j;
		int rc = rpc_conn_recv(&l->conn, &j, deadline);

		if (rc == -EBADMSG || rc == -EINTR)
			continue;
		if (rc < 0) {
			sd_link_close(l);
			return NULL;
		}
		if (json_is_object(j) && json_object_get(j, "method") != NULL) {
			json_decref(j);
			continue;
		}
		return j;
	}
}

json_t *
sd_call(struct sd_link *l, const char *method, json_t *params, int timeout_ms)
{
	json_t *req;

	if (!sd_link_is_open(l)) {
		json_decref(params);
		return NULL;
	}
	req = json_pack("{s:s,s:I,s:s}", "jsonrpc", "2.0", "id", (json_int_t)l->next_id++, "method",
			method);
	if (params != NULL)
		json_object_set_new(req, "params", params);
	int rc = send_msg(l, req);
	json_decref(req);
	if (rc < 0)
		return NULL;
	return read_response(l, rpc_now_ms() + timeout_ms);
}

json_t *
sd_batch(struct sd_link *l, json_t *requests, int timeout_ms)
{
	size_t i;
	json_t *r;

	if (!sd_link_is_open(l))
		return NULL;
	json_array_foreach(requests, i, r) {
		json_object_set_new(r, "jsonrpc", json_string("2.0"));
		json_object_set_new(r, "id", json_integer((json_int_t)l->next_id++));
	}
	if (send_msg(l, requests) < 0)
		return NULL;
	json_t *resp = read_response(l, rpc_now_ms() + timeout_ms);
	if (resp != NULL && !json_is_array(resp)) {
		// A batch-level error (e.g. -32600): one answer for every request.
		json_t *arr = json_array();
		for (i = 0; i < json_array_size(requests); i++)
			json_array_append(arr, resp);
		json_decref(resp);
		resp = arr;
	}
	return resp;
}

int
sd_read_ready(struct sd_link *l, void (*fn)(void *ctx, json_t *msg), void *ctx)
{
	for (;;) {
		json_t *j;
		int rc = rpc_conn_recv(&l->conn, &j, RPC_NOWAIT);

		if (rc == -ETIMEDOUT)
			return 0; // nothing more for now
		if (rc == -EBADMSG || rc == -EINTR)
			continue;
		if (rc < 0) {
			sd_link_close(l);
			return rc;
		}
		fn(ctx, j);
		json_decref(j);
	}
}

json_t *
sd_result(json_t *resp, long *code, const char **message)
{
	json_t *err;

	if (resp == NULL) {
		if (code != NULL)
			*code = 0;
		if (message != NULL)
			*message = "no answer from srv6d";
		return NULL;
	}
	err = json_object_get(resp, "error");
	if (err != NULL) {
		if (code != NULL)
			*code = (long)json_integer_value(json_object_get(err, "code"));
		if (message != NULL) {
			*message = json_string_value(json_object_get(err, "message"));
			if (*message == NULL)
				*message = "error";
		}
		return NULL;
	}
	return json_object_get(resp, "result");
}
