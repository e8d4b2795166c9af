// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// gRPC C core, used directly: each call gets its own completion queue of the
// "next" kind; batches are tagged with the address of a small enum so that
// one loop can tell which one completed.

#include "gobgp_client.h"

#include <errno.h>
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gobgp_client {
	grpc_channel *channel;
};

void
gobgp_global_init(void)
{
	grpc_init();
}

void
gobgp_global_shutdown(void)
{
	grpc_shutdown();
}

struct gobgp_client *
gobgp_client_new(const char *target)
{
	struct gobgp_client *c = calloc(1, sizeof(*c));
	grpc_channel_credentials *creds;
	// Reconnect fast: gobgpd restarts are part of normal operation, and the
	// default backoff (up to 120 s) would stretch a restart into minutes.
	grpc_arg args[] = {
		{.type = GRPC_ARG_INTEGER,
		 .key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH,
		 .value.integer = -1},
		{.type = GRPC_ARG_INTEGER,
		 .key = GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
		 .value.integer = 200},
		{.type = GRPC_ARG_INTEGER,
		 .key = GRPC_ARG_MIN_RECONNECT_BACKOFF_MS,
		 .value.integer = 200},
		{.type = GRPC_ARG_INTEGER,
		 .key = GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
		 .value.integer = 1000},
		{.type = GRPC_ARG_INTEGER,
		 .key = GRPC_ARG_KEEPALIVE_TIME_MS,
		 .value.integer = 10000},
		{.type = GRPC_ARG_INTEGER,
		 .key = GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
		 .value.integer = 5000},
		{.type = GRPC_ARG_INTEGER,
		 .key = GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
		 .value.integer = 0},
	};
	grpc_channel_args cargs = {.num_args = sizeof(args) / sizeof(args[0]), .args = args};

	if (c == NULL)
		return NULL;
	creds = grpc_insecure_credentials_create();
	c->channel = grpc_channel_create(target, creds, &cargs);
	grpc_channel_credentials_release(creds);
	if (c->channel == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
gobgp_client_free(struct gobgp_client *c)
{
	if (c == NULL)
		return;
	grpc_channel_destroy(c->channel);
	free(c);
}

static gpr_timespec
deadline_ms(int ms)
{
	if (ms <= 0)
		return gpr_inf_future(GPR_CLOCK_MONOTONIC);
	return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(ms, GPR_TIMESPAN));
}

static grpc_byte_buffer *
buffer_from(const uint8_t *p, size_t n)
{
	grpc_slice s = grpc_slice_from_copied_buffer((const char *)p, n);
	grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&s, 1);

	grpc_slice_unref(s);
	return bb;
}

static int
buffer_take(grpc_byte_buffer *bb, uint8_t **out, size_t *len)
{
	grpc_byte_buffer_reader r;
	grpc_slice s;
	int rc = 0;

	if (!grpc_byte_buffer_reader_init(&r, bb)) {
		grpc_byte_buffer_destroy(bb);
		return -EIO;
	}
	s = grpc_byte_buffer_reader_readall(&r);
	*len = GRPC_SLICE_LENGTH(s);
	*out = malloc(*len ? *len : 1);
	if (*out == NULL)
		rc = -ENOMEM;
	else
		memcpy(*out, GRPC_SLICE_START_PTR(s), *len);
	grpc_slice_unref(s);
	grpc_byte_buffer_reader_destroy(&r);
	grpc_byte_buffer_destroy(bb);
	return rc;
}

static void
status_text(grpc_status_code code, grpc_slice details, char *err, size_t err_len)
{
	char *d = grpc_slice_to_c_string(details);

	if (err != NULL && err_len > 0)
		snprintf(err, err_len, "gRPC status %d: %s", (int)code, d != NULL ? d : "");
	gpr_free(d);
}

static void
cq_destroy(grpc_completion_queue *cq)
{
	grpc_completion_queue_shutdown(cq);
	while (grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL).type !=
	       GRPC_QUEUE_SHUTDOWN)
		;
	grpc_completion_queue_destroy(cq);
}

static grpc_call *
call_new(struct gobgp_client *c, grpc_completion_queue *cq, const char *method, int timeout_ms)
{
	grpc_slice m = grpc_slice_from_copied_string(method);
	grpc_call *call = grpc_channel_create_call(c->channel, NULL, GRPC_PROPAGATE_DEFAULTS, cq, m,
						   NULL, deadline_ms(timeout_ms), NULL);

	grpc_slice_unref(m);
	return call;
}

int
gobgp_unary(struct gobgp_client *c, const char *method, const uint8_t *req, size_t req_len,
	    int timeout_ms, uint8_t **resp, size_t *resp_len, char *err, size_t err_len)
{
	grpc_completion_queue *cq = grpc_completion_queue_create_for_next(NULL);
	grpc_metadata_array initial, trailing;
	grpc_byte_buffer *send, *recv = NULL;
	grpc_status_code status = GRPC_STATUS_UNKNOWN;
	grpc_slice details = grpc_empty_slice();
	grpc_op ops[6];
	grpc_call *call;
	grpc_event ev;
	int rc = 0;
	static int tag;

	*resp = NULL;
	*resp_len = 0;
	call = call_new(c, cq, method, timeout_ms);
	if (call == NULL) {
		snprintf(err, err_len, "cannot create a call for %s", method);
		cq_destroy(cq);
		return -ENOMEM;
	}
	grpc_metadata_array_init(&initial);
	grpc_metadata_array_init(&trailing);
	send = buffer_from(req, req_len);
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = send;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &initial;
	ops[4].op = GRPC_OP_RECV_MESSAGE;
	ops[4].data.recv_message.recv_message = &recv;
	ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[5].data.recv_status_on_client.trailing_metadata = &trailing;
	ops[5].data.recv_status_on_client.status = &status;
	ops[5].data.recv_status_on_client.status_details = &details;
	if (grpc_call_start_batch(call, ops, 6, &tag, NULL) != GRPC_CALL_OK) {
		snprintf(err, err_len, "cannot start the call %s", method);
		rc = -EIO;
	} else {
		// The call's own deadline ends it; wait for that.
		ev = grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
		if (ev.type != GRPC_OP_COMPLETE || !ev.success) {
			snprintf(err, err_len, "%s: the call did not complete", method);
			rc = -EIO;
		} else if (status != GRPC_STATUS_OK) {
			status_text(status, details, err, err_len);
			rc = status == GRPC_STATUS_UNAVAILABLE	       ? -ECONNREFUSED
			     : status == GRPC_STATUS_DEADLINE_EXCEEDED ? -ETIMEDOUT
								       : -EPROTO;
		} else if (recv != NULL) {
			rc = buffer_take(recv, resp, resp_len);
			recv = NULL;
		}
	}
	if (recv != NULL)
		grpc_byte_buffer_destroy(recv);
	grpc_byte_buffer_destroy(send);
	grpc_slice_unref(details);
	grpc_metadata_array_destroy(&initial);
	grpc_metadata_array_destroy(&trailing);
	grpc_call_unref(call);
	cq_destroy(cq);
	return rc;
}

// --- streams --------------------------------------------------------------------------

enum stream_tag { TAG_START, TAG_STATUS, TAG_RECV };

struct gobgp_stream {
	grpc_completion_queue *cq;
	grpc_call *call;
	grpc_byte_buffer *send, *recv;
	grpc_metadata_array initial, trailing;
	grpc_status_code status;
	grpc_slice details;
	bool start_pending, status_pending, recv_pending;
	bool ended;
	enum stream_tag tags[3];
};

static void
stream_event(struct gobgp_stream *s, const grpc_event *ev)
{
	const enum stream_tag *t = ev->tag;

	switch (*t) {
	case TAG_START:
		s->start_pending = false;
		break;
	case TAG_STATUS:
		s->status_pending = false;
		break;
	case TAG_RECV:
		s->recv_pending = false;
		break;
	}
}

struct gobgp_stream *
gobgp_stream_open(struct gobgp_client *c, const char *method, const uint8_t *req, size_t req_len,
		  int timeout_ms, char *err, size_t err_len)
{
	struct gobgp_stream *s = calloc(1, sizeof(*s));
	grpc_op ops[4];

	if (s == NULL)
		return NULL;
	for (int i = 0; i < 3; i++)
		s->tags[i] = (enum stream_tag)i;
	s->cq = grpc_completion_queue_create_for_next(NULL);
	s->call = call_new(c, s->cq, method, timeout_ms);
	s->details = grpc_empty_slice();
	grpc_metadata_array_init(&s->initial);
	grpc_metadata_array_init(&s->trailing);
	if (s->call == NULL) {
		snprintf(err, err_len, "cannot create a call for %s", method);
		gobgp_stream_close(s);
		return NULL;
	}
	s->send = buffer_from(req, req_len);
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = s->send;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &s->initial;
	if (grpc_call_start_batch(s->call, ops, 4, &s->tags[TAG_START], NULL) != GRPC_CALL_OK) {
		snprintf(err, err_len, "cannot start the call %s", method);
		gobgp_stream_close(s);
		return NULL;
	}
	s->start_pending = true;
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[0].data.recv_status_on_client.trailing_metadata = &s->trailing;
	ops[0].data.recv_status_on_client.status = &s->status;
	ops[0].data.recv_status_on_client.status_details = &s->details;
	if (grpc_call_start_batch(s->call, ops, 1, &s->tags[TAG_STATUS], NULL) != GRPC_CALL_OK) {
		snprintf(err, err_len, "cannot start the call %s", method);
		gobgp_stream_close(s);
		return NULL;
	}
	s->status_pending = true;
	return s;
}

int
gobgp_stream_next(struct gobgp_stream *s, int wait_ms, uint8_t **msg, size_t *len, int *ok,
		  char *err, size_t err_len)
{
	gpr_timespec until = deadline_ms(wait_ms);

	*msg = NULL;
	*len = 0;
	*ok = 0;
	if (s->ended)
		return 0;
	if (!s->recv_pending) {
		grpc_op op;
		memset(&op, 0, sizeof(op));
		op.op = GRPC_OP_RECV_MESSAGE;
		op.data.recv_message.recv_message = &s->recv;
		s->recv = NULL;
		if (grpc_call_start_batch(s->call, &op, 1, &s->tags[TAG_RECV], NULL) !=
		    GRPC_CALL_OK) {
			snprintf(err, err_len, "cannot read the stream");
			return -EIO;
		}
		s->recv_pending = true;
	}
	while (s->recv_pending) {
		grpc_event ev = grpc_completion_queue_next(s->cq, until, NULL);
		if (ev.type == GRPC_QUEUE_TIMEOUT)
			return -ETIMEDOUT;
		if (ev.type != GRPC_OP_COMPLETE)
			return -EIO;
		stream_event(s, &ev);
	}
	if (s->recv != NULL) {
		grpc_byte_buffer *bb = s->recv;
		s->recv = NULL;
		return buffer_take(bb, msg, len) == 0 ? 1 : -ENOMEM;
	}
	// End of stream: the status follows (or came first).
	while (s->status_pending || s->start_pending) {
		grpc_event ev = grpc_completion_queue_next(s->cq, deadline_ms(5000), NULL);
		if (ev.type != GRPC_OP_COMPLETE)
			break;
		stream_event(s, &ev);
	}
	s->ended = true;
	*ok = !s->status_pending && s->status == GRPC_STATUS_OK;
	if (s->status_pending)
		snprintf(err, err_len, "stream ended without a status");
	else
		status_text(s->status, s->details, err, err_len);
	return 0;
}

void
gobgp_stream_cancel(struct gobgp_stream *s)
{
	if (s != NULL && s->call != NULL)
		grpc_call_cancel(s->call, NULL);
}

void
gobgp_stream_close(struct gobgp_stream *s)
{
	if (s == NULL)
		return;
	if (s->call != NULL) {
		if (s->start_pending || s->status_pending || s->recv_pending)
			grpc_call_cancel(s->call, NULL);
		while (s->start_pending || s->status_pending || s->recv_pending) {
			grpc_event ev = grpc_completion_queue_next(
				s->cq, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
			if (ev.type != GRPC_OP_COMPLETE)
				break;
			stream_event(s, &ev);
		}
		grpc_call_unref(s->call);
	}
	if (s->recv != NULL)
		grpc_byte_buffer_destroy(s->recv);
	if (s->send != NULL)
		grpc_byte_buffer_destroy(s->send);
	grpc_slice_unref(s->details);
	grpc_metadata_array_destroy(&s->initial);
	grpc_metadata_array_destroy(&s->trailing);
	cq_destroy(s->cq);
	free(s);
}
