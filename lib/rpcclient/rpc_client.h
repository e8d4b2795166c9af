// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// A client connection to srv6d's control socket: newline-delimited JSON
// texts over a UNIX stream socket (the API contract's framing). Shared by
// srv6ctl and srv6-bgp; it knows framing only, not JSON-RPC ids or methods.

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct rpc_conn {
	int fd; // -1: closed
	char *buf;
	size_t len, cap;
};

// Deadlines are absolute times of rpc_now_ms(); RPC_FOREVER waits without
// one, RPC_NOWAIT only takes what has already arrived.
#define RPC_FOREVER 0L
#define RPC_NOWAIT (-1L)

long rpc_now_ms(void); // CLOCK_MONOTONIC, milliseconds

void rpc_conn_init(struct rpc_conn *c);
// Connects (the socket is then non-blocking). 0 or -errno.
int rpc_conn_open(struct rpc_conn *c, const char *path);
void rpc_conn_close(struct rpc_conn *c); // also frees the buffer
bool rpc_conn_is_open(const struct rpc_conn *c);

// Sends msg as one line. 0, -ETIMEDOUT, or -errno.
int rpc_conn_send(struct rpc_conn *c, const json_t *msg, long deadline);
// The next line, parsed: 0 with *out, -ETIMEDOUT (nothing by the deadline,
// or nothing yet with RPC_NOWAIT), -ECONNRESET (the server closed),
// -EBADMSG (a line that is not JSON; it is consumed), -EINTR (a signal
// interrupted the wait), or -errno.
int rpc_conn_recv(struct rpc_conn *c, json_t **out, long deadline);
