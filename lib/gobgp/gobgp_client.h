// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// A minimal gRPC client for GoBGP's API over the gRPC C core: unary calls
// and server-streaming calls carrying packed protobuf bytes. One channel per
// client; calls on different threads are independent (each has its own
// completion queue), so a thread may block on a stream while another makes
// unary calls.

#include <stddef.h>
#include <stdint.h>

struct gobgp_client;
struct gobgp_stream;

// Process-wide gRPC init/shutdown (grpc_init / grpc_shutdown).
void gobgp_global_init(void);
void gobgp_global_shutdown(void);

// A channel to HOST:PORT (insecure, as gobgpd serves by default). The
// connection is made lazily and re-made by gRPC after failures.
struct gobgp_client *gobgp_client_new(const char *target);
void gobgp_client_free(struct gobgp_client *c);

// One unary call. On success returns 0 and *resp (malloc'd, may be empty)
// holds the response bytes; otherwise a negative errno-like value and err
// says why (gRPC status and message).
int gobgp_unary(struct gobgp_client *c, const char *method, const uint8_t *req, size_t req_len,
		int timeout_ms, uint8_t **resp, size_t *resp_len, char *err, size_t err_len);

// Starts a server-streaming call (timeout_ms 0: no deadline).
struct gobgp_stream *gobgp_stream_open(struct gobgp_client *c, const char *method,
				       const uint8_t *req, size_t req_len, int timeout_ms,
				       char *err, size_t err_len);
// The next message: 1 with *msg (malloc'd), 0 at the end of the stream (the
// call's status is then in err; *ok tells whether it was OK), -ETIMEDOUT
// when none came within wait_ms (the stream is still usable), other
// negative values on failure.
int gobgp_stream_next(struct gobgp_stream *s, int wait_ms, uint8_t **msg, size_t *len, int *ok,
		      char *err, size_t err_len);
// Cancels a running stream (from any thread); gobgp_stream_next then ends.
void gobgp_stream_cancel(struct gobgp_stream *s);
void gobgp_stream_close(struct gobgp_stream *s);
