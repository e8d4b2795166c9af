// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// srv6-bgp's link to srv6d: the JSON-RPC socket of the API contract, one
// JSON text per line. One connection carries requests and their answers;
// a second one is subscribed to events and only read.

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct sd_link {
	int fd;
	char *buf;
	size_t len, cap;
	long next_id;
};

void sd_link_init(struct sd_link *l);
// 0, or -errno (the socket is absent, refused...).
int sd_link_open(struct sd_link *l, const char *path);
void sd_link_close(struct sd_link *l);
bool sd_link_is_open(const struct sd_link *l);

// One request; returns the whole response object (result or error), or
// NULL when the link failed (then closed) or timed out.
json_t *sd_call(struct sd_link *l, const char *method, json_t *params, int timeout_ms);
// A batch of {"method", "params"} objects (ids added here); returns the
// array of responses in request order, or NULL when the link failed.
json_t *sd_batch(struct sd_link *l, json_t *requests, int timeout_ms);
// Sends one line (a request already built) without waiting. 0 or -errno.
int sd_send(struct sd_link *l, json_t *msg);

// Reads what is there without blocking; calls fn for each complete line
// parsed as JSON. Returns 0, or -errno when the peer closed or failed.
int sd_read_ready(struct sd_link *l, void (*fn)(void *ctx, json_t *msg), void *ctx);

// The result of a response, or NULL when it is an error (then *code and
// *message are set when not NULL).
json_t *sd_result(json_t *resp, long *code, const char **message);
