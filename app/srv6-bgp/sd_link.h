// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// srv6-bgp's link to srv6d: JSON-RPC 2.0 over the control socket
// (lib/rpcclient does the framing). One connection carries requests and
// their answers; a second one is subscribed to events and only read.

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "rpc_client.h"

struct sd_link {
	struct rpc_conn conn;
	long next_id;
};

void sd_link_init(struct sd_link *l);
// 0, or -errno (the socket is absent, refused...).
int sd_link_open(struct sd_link *l, const char *path);
void sd_link_close(struct sd_link *l);
bool sd_link_is_open(const struct sd_link *l);
// The descriptor to poll for events (-1 when closed).
int sd_link_fd(const struct sd_link *l);

// One request; returns the whole response object (result or error), or
// NULL when the link failed or timed out (it is then closed: a late answer
// would be taken for the next one's).
json_t *sd_call(struct sd_link *l, const char *method, json_t *params, int timeout_ms);
// A batch of {"method", "params"} objects (ids added here); returns the
// array of responses in request order, or NULL when the link failed.
json_t *sd_batch(struct sd_link *l, json_t *requests, int timeout_ms);

// Takes what has arrived without waiting; calls fn for each message.
// Returns 0, or -errno when the peer closed or failed (the link is closed).
int sd_read_ready(struct sd_link *l, void (*fn)(void *ctx, json_t *msg), void *ctx);

// The result of a response, or NULL when it is an error (then *code and
// *message are set when not NULL).
json_t *sd_result(json_t *resp, long *code, const char **message);
