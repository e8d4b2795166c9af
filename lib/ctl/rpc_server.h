// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The control socket: a single-threaded, non-blocking, epoll-based JSON-RPC
// 2.0 server over a UNIX stream socket, one JSON text per line (NDJSON).
//
// - Peers are checked with SO_PEERCRED (and SO_PEERGROUPS): root, the
//   server's own effective uid, and processes whose effective or
//   supplementary groups hold conf->group are served; anyone else gets one
//   -32600 "permission denied" error (error.data says why) and is closed.
// - A line over RPC_LINE_MAX (1 MiB) gets -32600 and the connection is
//   closed cleanly: the answer is sent, the server shuts down its side and
//   reads and drops what the client still sends (up to RPC_DRAIN_MAX, for at
//   most RPC_LINGER_MS) so that a client still writing its request does not
//   get EPIPE before it can read why. Every close after an answer does this.
// - Nesting deeper than jansson's JSON_PARSER_MAX_DEPTH (2048) is a -32700
//   parse error naming the limit; the fast path's scanner does not recurse.
// - Connections: at most RPC_MAX_CLIENTS; a uid other than root (and the
//   server's own) holds at most RPC_MAX_PER_UID, and all of them together at
//   most RPC_MAX_CLIENTS - RPC_ROOT_RESERVE, so that one local process cannot
//   lock root (srv6-bgp, an operator's srv6ctl) out. Past a cap the new
//   connection gets one -32603 error naming the cap and is closed.
// - Timeouts (rpc_server_set_idle_timeout, default RPC_IDLE_TIMEOUT_MS): a
//   client whose queued output has not moved for that long is dropped (it
//   does not read); a client other than root with no events subscription
//   and no complete request for that long gets -32600 "idle" and is closed.
// - Fairness: one client's turn answers at most RPC_TURN_LINES lines or
//   RPC_TURN_NS of work; the rest waits (the client is not read meanwhile)
//   while the other clients get their turn.
// - Each request line is one transaction (struct rpc_txn_ops); a batch (JSON
//   array) is one transaction for all its requests: if any request fails the
//   transaction is aborted, the failing request is answered with its error
//   and every other one with 1006 "rolled back"; otherwise it is committed.
// - Params of a method that is in the api catalogue (api_method_find) are
//   validated with api_check_object before the handler runs.
// - events.subscribe is built in; rpc_server_notify() sends to subscribers.
// - A client whose unsent output exceeds RPC_OUT_MAX (16 MiB) is dropped:
//   the server never waits on a client.
// Single-threaded: call every function from the thread that polls.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "api.h"

#define RPC_LINE_MAX (1024 * 1024)
#define RPC_OUT_MAX (16 * 1024 * 1024)
#define RPC_MAX_CLIENTS 1024
#define RPC_MAX_PER_UID 64
#define RPC_ROOT_RESERVE 64
#define RPC_IDLE_TIMEOUT_MS 60000
#define RPC_LINGER_MS 2000
#define RPC_DRAIN_MAX (64 * 1024 * 1024)
#define RPC_TURN_LINES 64
#define RPC_TURN_NS 1000000

struct rpc_server;
struct rpc_client;

// What a handler gets besides its params. txn is the open transaction
// (rpc_txn_ops.begin's value; NULL when the server has no txn ops).
struct rpc_call {
	struct rpc_server *srv;
	struct rpc_client *client;
	void *txn;
	const char *method;
};

// A handler validates and stages; returns 0 and sets *result (a new
// reference, may be NULL → JSON null), or fills e (code, field, message) and
// returns -1. A negative errno with e left empty is mapped by
// api_errno_to_code(). Handlers never send on the socket themselves.
typedef int (*rpc_handler_fn)(struct rpc_call *call, json_t *params, json_t **result,
			      struct api_error_info *e);

// The fast path (optional, per method) for lines made only of requests of
// such methods, e.g. a batch of 1,000 route.add: the server reads the
// envelope from the text itself (fast_scan.h), fast_parse reads the params
// object from *sc into a record appended to recs (its offset in *rec) and
// fast_run stages a record into call->txn; the answer is then null. Either
// returns -1 for anything it does not fully understand or that would fail
// (an error to report, an unknown or repeated key, an escape...): the server
// then drops what was staged and runs the whole line the general way, which
// gives the answers (errors included) that line has always had. So a fast
// path only has to accept exactly what the handler would accept, and stage
// exactly what it would stage.
struct fast_scan;
struct fast_buf;
typedef int (*rpc_fast_parse_fn)(struct fast_scan *sc, struct fast_buf *recs, size_t *rec);
typedef int (*rpc_fast_run_fn)(struct rpc_call *call, const void *rec);

struct rpc_method_binding {
	const char *name;
	rpc_handler_fn fn;
	rpc_fast_parse_fn fast_parse; // NULL: the general path only
	rpc_fast_run_fn fast_run;
};

// Transactions. begin() returns an opaque txn, or NULL on failure (every
// request of the line then gets -32603); commit() publishes it, or fills e
// and returns -1 (every request then gets that error; commit drops the txn
// itself, abort is not called); abort() drops it.
// Requests that fail before any handler runs (parse errors, invalid
// requests, unknown methods, invalid params) never begin a txn.
struct rpc_txn_ops {
	void *(*begin)(void *ctx);
	int (*commit)(void *ctx, void *txn, struct api_error_info *e);
	void (*abort)(void *ctx, void *txn);
};

struct rpc_server_conf {
	const char *path;  // socket path; parent directory created 0755 if missing
	const char *group; // NULL: root (and the server's own uid) only
	const struct rpc_method_binding *methods;
	size_t n_methods;
	const struct rpc_txn_ops *txn; // NULL: no transactions (commit always succeeds)
	void *ctx;		       // passed to txn ops; see rpc_server_ctx()
};

// Create the socket (mode 0660, chown to group when given; a stale socket
// is unlinked first, a live one gives EADDRINUSE, a non-socket EEXIST) and
// the epoll instance. Returns NULL and sets errno on failure (ENOENT for an
// unknown group, ENAMETOOLONG for a path that does not fit).
struct rpc_server *rpc_server_create(const struct rpc_server_conf *conf);

// Run one epoll_wait(timeout_ms; -1 blocks) and handle what is ready:
// accept, read, answer, flush. Returns 0 (also on EINTR) or -errno.
int rpc_server_poll(struct rpc_server *srv, int timeout_ms);

// Send {"jsonrpc":"2.0","method":"event","params":{"topic":topic, ...params}}
// to every client subscribed to topic (or to "*"). Steals params (an object,
// or NULL). Called while a request is being handled (e.g. from commit), the
// events go out after that request's answer.
void rpc_server_notify(struct rpc_server *srv, const char *topic, json_t *params);

// Close every client, unlink the socket path, free everything. NULL is a no-op.
void rpc_server_destroy(struct rpc_server *srv);

// The idle and stall timeout in milliseconds (see above); 0 turns both off.
void rpc_server_set_idle_timeout(struct rpc_server *srv, unsigned int ms);

// conf->ctx, for handlers (call->srv).
void *rpc_server_ctx(const struct rpc_server *srv);

// Connected clients (for tests and system.info).
size_t rpc_server_n_clients(const struct rpc_server *srv);

// Where the control thread's time went, summed since the server started:
// its own CPU time (CLOCK_THREAD_CPUTIME_ID, nanoseconds), so that other
// processes on the same cores do not inflate it; for system.info and the
// route-rate bench.
struct rpc_server_stats {
	uint64_t lines;	      // request lines (a batch is one line)
	uint64_t requests;    // requests in them
	uint64_t decode_ns;   // JSON text -> jansson tree (json_loadb), and freeing it
	uint64_t prepare_ns;  // envelope and params checked against the catalogue
	uint64_t handlers_ns; // method handlers: params parsed, changes staged
	uint64_t commit_ns;   // txn commit (or abort): the datapath, events
	uint64_t respond_ns;  // answers built, encoded and queued
	uint64_t notify_ns;   // events delivered to subscribers
	uint64_t fast_lines;  // lines answered by the fast path (their scanning is decode_ns)
};
const struct rpc_server_stats *rpc_server_stats(const struct rpc_server *srv);

// The fast path on (the default) or off: off, every line takes the general
// path (tests compare the two).
void rpc_server_set_fast(struct rpc_server *srv, bool on);

// True when some client is subscribed to topic (or to "*"): lets a caller
// skip building notifications nobody reads.
bool rpc_server_has_subscriber(const struct rpc_server *srv, const char *topic);

// The epoll fd: readable when rpc_server_poll() has work, so an outer loop
// can wait on it instead.
int rpc_server_fd(const struct rpc_server *srv);

// Add another fd (eventfd, timerfd, ...) to the server's loop: cb runs from
// rpc_server_poll() with the epoll events when fd is ready (level-triggered,
// EPOLLIN). Returns 0 or -errno. Unwatch before closing fd.
typedef void (*rpc_fd_cb)(void *arg, int fd, uint32_t events);
int rpc_server_watch_fd(struct rpc_server *srv, int fd, rpc_fd_cb cb, void *arg);

// Run one method in process, as a request on the socket would (params
// checked against the catalogue, the handler inside its own transaction),
// for readers that are not socket clients (DPDK telemetry). The transaction
// is always aborted: only methods that read make sense here. Returns 0 and
// *result (a new reference), or -1 with e filled.
int rpc_server_call(struct rpc_server *srv, const char *method, json_t *params, json_t **result,
		    struct api_error_info *e);
int rpc_server_unwatch_fd(struct rpc_server *srv, int fd);
