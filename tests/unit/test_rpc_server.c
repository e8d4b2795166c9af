// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/ctl/rpc_server: framing, JSON-RPC envelope, batches and transactions,
// events, limits. The server runs in its own thread (rpc_server_poll in a
// loop); the test talks to it over real sockets with blocking, time-limited
// reads. Handlers and txn hooks run in the server thread and only touch
// atomics here.

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <jansson.h>

#include "api.h"
#include "rpc_server.h"

// --- fake transactions ---------------------------------------------------------

static atomic_int n_begin, n_commit, n_abort, n_calls, fail_commit;
static atomic_uint txn_seq;

static void *
fake_begin(void *ctx)
{
	unsigned int *t = malloc(sizeof(*t));

	(void)ctx;
	*t = ++txn_seq;
	n_begin++;
	return t;
}

static int
fake_commit(void *ctx, void *txn, struct api_error_info *e)
{
	(void)ctx;
	free(txn);
	if (fail_commit) {
		fail_commit = 0;
		return api_error_set(e, API_ERR_TABLE_FULL, "routes", "routes: FIB is full");
	}
	n_commit++;
	return 0;
}

static void
fake_abort(void *ctx, void *txn)
{
	(void)ctx;
	free(txn);
	n_abort++;
}

static const struct rpc_txn_ops fake_txn = {fake_begin, fake_commit, fake_abort};

// --- test methods -------------------------------------------------------------

static int
m_echo(struct rpc_call *call, json_t *params, json_t **result, struct api_error_info *e)
{
	(void)call;
	(void)e;
	n_calls++;
	*result = params != NULL ? json_incref(params) : NULL;
	return 0;
}

static int
m_fail(struct rpc_call *call, json_t *params, json_t **result, struct api_error_info *e)
{
	(void)call;
	(void)params;
	(void)result;
	n_calls++;
	return api_error_set(e, API_ERR_CONFLICT, "name", "name: already exists");
}

static int
m_errno(struct rpc_call *call, json_t *params, json_t **result, struct api_error_info *e)
{
	(void)call;
	(void)params;
	(void)result;
	(void)e;
	n_calls++;
	return -ENOENT;
}

static int
m_txn(struct rpc_call *call, json_t *params, json_t **result, struct api_error_info *e)
{
	(void)params;
	(void)e;
	n_calls++;
	*result = json_pack("{s:I}", "txn", (json_int_t) * (unsigned int *)call->txn);
	return 0;
}

// params {topic, n, size}: n notifications with a blob of size bytes each.
static int
m_notify(struct rpc_call *call, json_t *params, json_t **result, struct api_error_info *e)
{
	const char *topic = json_string_value(json_object_get(params, "topic"));
	json_int_t n = json_integer_value(json_object_get(params, "n"));
	json_int_t size = json_integer_value(json_object_get(params, "size"));
	char *blob;

	(void)e;
	n_calls++;
	blob = malloc((size_t)size + 1);
	memset(blob, 'b', (size_t)size);
	blob[size] = '\0';
	for (json_int_t i = 0; i < n; i++)
		rpc_server_notify(call->srv, topic, json_pack("{s:I,s:s}", "seq", i, "blob", blob));
	free(blob);
	*result = json_pack("{s:I}", "sent", n);
	return 0;
}

static int
m_clients(struct rpc_call *call, json_t *params, json_t **result, struct api_error_info *e)
{
	(void)params;
	(void)e;
	*result = json_integer((json_int_t)rpc_server_n_clients(call->srv));
	return 0;
}

static const struct rpc_method_binding methods[] = {
	{"test.echo", m_echo}, {"test.fail", m_fail},	  {"test.errno", m_errno},
	{"test.txn", m_txn},   {"test.notify", m_notify}, {"test.clients", m_clients},
	{"route.del", m_echo}, // params checked against the api catalogue first
};

// --- server thread ------------------------------------------------------------

static struct rpc_server *srv;
static pthread_t srv_thread;
static atomic_int srv_stop;
static char dir[64], sock_path[128];
static int evfd = -1;

// eventfd watched by the server: each write asks for a "route" event from
// outside any request.
static void
on_eventfd(void *arg, int fd, uint32_t events)
{
	uint64_t v;

	(void)arg;
	(void)events;
	if (read(fd, &v, sizeof(v)) == sizeof(v))
		rpc_server_notify(srv, "route",
				  json_pack("{s:s,s:s}", "action", "add", "prefix", "10.0.0.0/8"));
}

static void *
srv_main(void *arg)
{
	(void)arg;
	while (!srv_stop)
		rpc_server_poll(srv, 20);
	return NULL;
}

static int
suite_init(void)
{
	struct rpc_server_conf conf = {
		.path = sock_path,
		.methods = methods,
		.n_methods = sizeof(methods) / sizeof(methods[0]),
		.txn = &fake_txn,
	};

	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/test_rpc_XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	// a parent directory that does not exist yet: the server creates it
	snprintf(sock_path, sizeof(sock_path), "%s/run/srv6d.sock", dir);
	srv = rpc_server_create(&conf);
	if (srv == NULL)
		return -1;
	evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (evfd < 0 || rpc_server_watch_fd(srv, evfd, on_eventfd, NULL) < 0)
		return -1;
	return pthread_create(&srv_thread, NULL, srv_main, NULL) == 0 ? 0 : -1;
}

static int
suite_cleanup(void)
{
	char sub[160];

	srv_stop = 1;
	pthread_join(srv_thread, NULL);
	rpc_server_unwatch_fd(srv, evfd);
	rpc_server_destroy(srv);
	close(evfd);
	if (access(sock_path, F_OK) == 0)
		return -1; // destroy must unlink the socket
	snprintf(sub, sizeof(sub), "%s/run", dir);
	rmdir(sub);
	rmdir(dir);
	return 0;
}

// --- client helpers -------------------------------------------------------------

struct tclient {
	int fd;
	char *buf;
	size_t len, cap;
};

static int
tc_connect_path(struct tclient *c, const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 5};

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static void
tc_connect(struct tclient *c)
{
	CU_ASSERT_EQUAL_FATAL(tc_connect_path(c, sock_path), 0);
}

static void
tc_close(struct tclient *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static int
tc_send_raw(struct tclient *c, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
tc_send(struct tclient *c, const char *line)
{
	CU_ASSERT_EQUAL(tc_send_raw(c, line, strlen(line)), 0);
	CU_ASSERT_EQUAL(tc_send_raw(c, "\n", 1), 0);
}

// Next line (without "\n"), malloc'd; NULL on EOF, error or timeout.
static char *
tc_line(struct tclient *c)
{
	for (;;) {
		char *nl = c->len > 0 ? memchr(c->buf, '\n', c->len) : NULL;
		ssize_t n;

		if (nl != NULL) {
			size_t l = (size_t)(nl - c->buf);
			char *line = malloc(l + 1);
			memcpy(line, c->buf, l);
			line[l] = '\0';
			memmove(c->buf, nl + 1, c->len - l - 1);
			c->len -= l + 1;
			return line;
		}
		if (c->cap - c->len < 65536) {
			c->cap = c->cap ? c->cap * 2 : 65536;
			c->buf = realloc(c->buf, c->cap);
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n <= 0)
			return NULL;
		c->len += (size_t)n;
	}
}

static json_t *
tc_recv(struct tclient *c)
{
	char *line = tc_line(c);
	json_t *j;

	if (line == NULL)
		return NULL;
	j = json_loads(line, JSON_DECODE_ANY, NULL);
	free(line);
	return j;
}

static json_t *
tc_call(struct tclient *c, const char *line)
{
	tc_send(c, line);
	return tc_recv(c);
}

// True when the server closed the connection (EOF or reset) within the timeout.
static bool
tc_closed(struct tclient *c)
{
	char buf[4096];

	c->len = 0;
	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		if (n < 0)
			return false;
	}
}

static json_int_t
err_code(const json_t *resp)
{
	return json_integer_value(json_object_get(json_object_get(resp, "error"), "code"));
}

static const char *
err_msg(const json_t *resp)
{
	return json_string_value(json_object_get(json_object_get(resp, "error"), "message"));
}

static const char *
err_field(const json_t *resp)
{
	return json_string_value(
		json_object_get(json_object_get(json_object_get(resp, "error"), "data"), "field"));
}

static void
assert_json(json_t *got, const char *want_text)
{
	json_t *want = json_loads(want_text, JSON_DECODE_ANY, NULL);
	bool eq = got != NULL && want != NULL && json_equal(got, want);

	CU_ASSERT_TRUE(eq);
	if (!eq) {
		char *s = got != NULL ? json_dumps(got, JSON_COMPACT) : NULL;
		fprintf(stderr, "\n  want %s\n  got  %s\n", want_text, s != NULL ? s : "(nothing)");
		free(s);
	}
	json_decref(want);
}

// --- tests -------------------------------------------------------------------------

// rpc_server_call (DPDK telemetry's way in): the handler runs with the
// catalogue's checks, inside a transaction that is always aborted, and the
// errors come back as they would on the socket. A second server, driven
// from this thread only (the call belongs to the polling thread).
static void
test_in_process_call(void)
{
	char path[192];
	struct rpc_server_conf conf = {
		.path = path,
		.methods = methods,
		.n_methods = sizeof(methods) / sizeof(methods[0]),
		.txn = &fake_txn,
	};
	struct api_error_info e;
	struct rpc_server *s2;
	json_t *r = NULL, *p;
	int b0, c0, a0;

	snprintf(path, sizeof(path), "%s/call.sock", dir);
	s2 = rpc_server_create(&conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
	b0 = n_begin;
	c0 = n_commit;
	a0 = n_abort;
	p = json_pack("{s:i}", "x", 7);
	CU_ASSERT_EQUAL(rpc_server_call(s2, "test.echo", p, &r, &e), 0);
	CU_ASSERT(r != NULL && json_equal(r, p));
	json_decref(r);
	CU_ASSERT_EQUAL(n_begin - b0, 1);
	CU_ASSERT_EQUAL(n_abort - a0, 1); // aborted: nothing a handler staged is published
	CU_ASSERT_EQUAL(n_commit, c0);
	CU_ASSERT_EQUAL(rpc_server_call(s2, "test.nosuch", NULL, &r, &e), -1);
	CU_ASSERT_EQUAL(e.code, API_ERR_METHOD_NOT_FOUND);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(rpc_server_call(s2, "test.fail", NULL, &r, &e), -1);
	CU_ASSERT_EQUAL(e.code, API_ERR_CONFLICT);
	CU_ASSERT_STRING_EQUAL(e.field, "name");
	CU_ASSERT_EQUAL(rpc_server_call(s2, "test.errno", NULL, &r, &e), -1);
	CU_ASSERT_EQUAL(e.code, api_errno_to_code(-ENOENT));
	// the catalogue's parameter check comes first: the handler never runs
	json_decref(p);
	p = json_object();
	CU_ASSERT_EQUAL(rpc_server_call(s2, "route.del", p, &r, &e), -1);
	CU_ASSERT_EQUAL(e.code, API_ERR_INVALID_PARAMS);
	CU_ASSERT_EQUAL(n_begin - b0, 3); // echo, fail, errno: not the unknown nor route.del
	CU_ASSERT_EQUAL(n_abort - a0, 3);
	CU_ASSERT_EQUAL(n_commit, c0);
	json_decref(p);
	rpc_server_destroy(s2);
}

static void
test_single(void)
{
	struct tclient c;
	int b = n_begin, cm = n_commit;
	json_t *r;

	tc_connect(&c);
	r = tc_call(&c,
		    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":{\"x\":1}}");
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"x\":1}}");
	json_decref(r);
	CU_ASSERT_EQUAL(n_begin, b + 1);
	CU_ASSERT_EQUAL(n_commit, cm + 1);

	// string ids come back as they were; no params → JSON null result
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"test.echo\"}");
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":null}");
	json_decref(r);

	// CRLF and blank lines are tolerated
	tc_send_raw(&c, "\n  \r\n", 5);
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"test.echo\"}\r");
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":null}");
	json_decref(r);

	// a handler's -errno without an error filled in is mapped
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.errno\"}");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_NOT_FOUND);
	json_decref(r);
	tc_close(&c);
}

static void
test_notification(void)
{
	struct tclient c;
	int calls = n_calls;
	json_t *r;

	tc_connect(&c);
	tc_send(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"test.echo\",\"params\":{\"n\":1}}");
	// even a failing notification stays silent
	tc_send(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"test.fail\"}");
	tc_send(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"test.nope\"}");
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"test.echo\"}");
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":null}");
	json_decref(r);
	CU_ASSERT_EQUAL(n_calls, calls + 3);
	tc_close(&c);
}

static void
test_parse_error(void)
{
	struct tclient c;
	json_t *r;

	tc_connect(&c);
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_PARSE);
	CU_ASSERT_TRUE(json_is_null(json_object_get(r, "id")));
	CU_ASSERT_PTR_NULL(json_object_get(r, "result"));
	json_decref(r);
	// duplicate keys are ambiguous: refused as a parse error
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"test.echo\"}");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_PARSE);
	json_decref(r);
	// invalid UTF-8
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.\xff\"}");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_PARSE);
	json_decref(r);
	// the connection survives
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.echo\"}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 3);
	json_decref(r);
	tc_close(&c);
}

static void
test_invalid_request(void)
{
	static const char *const bad[] = {
		"42",
		"\"x\"",
		"null",
		"{}",
		"{\"jsonrpc\":\"2.0\",\"id\":1}",
		"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"test.echo\"}",
		"{\"id\":1,\"method\":\"test.echo\"}",
		"{\"jsonrpc\":2.0,\"id\":1,\"method\":\"test.echo\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",
		"{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"test.echo\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":\"x\"}",
	};
	struct tclient c;
	int b = n_begin;
	json_t *r;

	tc_connect(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = tc_call(&c, bad[i]);
		CU_ASSERT_EQUAL(err_code(r), API_ERR_INVALID_REQUEST);
		if (err_code(r) != API_ERR_INVALID_REQUEST)
			fprintf(stderr, "\n  no -32600 for %s\n", bad[i]);
		json_decref(r);
	}
	// the id is echoed when it could be read
	r = tc_call(&c, "{\"jsonrpc\":\"1.0\",\"id\":9,\"method\":\"test.echo\"}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 9);
	json_decref(r);
	// by-position params are not supported: -32602 on "params"
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":[1]}");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_INVALID_PARAMS);
	CU_ASSERT_STRING_EQUAL(err_field(r), "params");
	json_decref(r);
	CU_ASSERT_EQUAL(n_begin, b); // nothing reached a transaction
	tc_close(&c);
}

static void
test_unknown_method(void)
{
	struct tclient c;
	json_t *r;

	tc_connect(&c);
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"route.nope\"}");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_METHOD_NOT_FOUND);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_msg(r), "route.nope"));
	json_decref(r);
	// in the catalogue but not bound by this server
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"vrf.list\"}");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_METHOD_NOT_FOUND);
	json_decref(r);
	tc_close(&c);
}

static void
test_catalogue_params(void)
{
	struct tclient c;
	json_t *r;

	tc_connect(&c);
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.del\","
			"\"params\":{\"prefix\":\"10.0.0.1/8\"}}");
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,"
		       "\"message\":\"prefix: host bits set\",\"data\":{\"field\":\"prefix\"}}}");
	json_decref(r);
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"route.del\",\"params\":{}}");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_INVALID_PARAMS);
	CU_ASSERT_STRING_EQUAL(err_field(r), "prefix");
	json_decref(r);
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"route.del\","
			"\"params\":{\"prefix\":\"10.0.0.0/8\",\"colour\":\"red\"}}");
	CU_ASSERT_STRING_EQUAL(err_field(r), "colour");
	json_decref(r);
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"route.del\","
			"\"params\":{\"vrf\":\"red\",\"prefix\":\"10.0.0.0/8\"}}");
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"vrf\":\"red\","
		       "\"prefix\":\"10.0.0.0/8\"}}");
	json_decref(r);
	tc_close(&c);
}

static void
test_batch_success(void)
{
	struct tclient c;
	int b = n_begin, cm = n_commit, ab = n_abort;
	json_int_t t0, t1;
	json_t *r;

	tc_connect(&c);
	r = tc_call(
		&c,
		"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.txn\"},"
		"{\"jsonrpc\":\"2.0\",\"method\":\"test.echo\"},"
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.txn\"},"
		"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.echo\",\"params\":{\"a\":[1]}}]");
	CU_ASSERT_TRUE_FATAL(json_is_array(r));
	CU_ASSERT_EQUAL(json_array_size(r), 3); // the notification gets no answer
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_array_get(r, 0), "id")), 1);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_array_get(r, 1), "id")), 2);
	t0 = json_integer_value(
		json_object_get(json_object_get(json_array_get(r, 0), "result"), "txn"));
	t1 = json_integer_value(
		json_object_get(json_object_get(json_array_get(r, 1), "result"), "txn"));
	CU_ASSERT_EQUAL(t0, t1); // one transaction for the whole batch
	CU_ASSERT_NOT_EQUAL(t0, 0);
	assert_json(json_array_get(r, 2), "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"a\":[1]}}");
	json_decref(r);
	CU_ASSERT_EQUAL(n_begin, b + 1);
	CU_ASSERT_EQUAL(n_commit, cm + 1);
	CU_ASSERT_EQUAL(n_abort, ab);

	// a batch of notifications only: applied, nothing answered
	tc_send(&c, "[{\"jsonrpc\":\"2.0\",\"method\":\"test.echo\"}]");
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"test.echo\"}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 8);
	json_decref(r);
	CU_ASSERT_EQUAL(n_commit, cm + 3);
	tc_close(&c);
}

// A batch's answer is written as text without a jansson tree per answer:
// the bytes must be what json_dumps gives for the same value (ids of every
// kind, an escaped string id, results, an error in the middle).
static void
test_batch_answer_text(void)
{
	static const char *const batches[] = {
		"[{\"jsonrpc\":\"2.0\",\"id\":-7,\"method\":\"test.echo\",\"params\":{\"x\":"
		"\"\\u00e9\\\"\"}},"
		"{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\\n\",\"method\":\"test.echo\"},"
		"{\"jsonrpc\":\"2.0\",\"method\":\"test.echo\"},"
		"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"test.echo\",\"params\":{\"n\":1.5}},"
		"{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"test.echo\"}]",
		"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\"},"
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.fail\"}]",
	};
	struct tclient c;

	tc_connect(&c);
	for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		tc_send(&c, batches[i]);
		char *line = tc_line(&c);
		CU_ASSERT_PTR_NOT_NULL_FATAL(line);
		json_t *j = json_loads(line, JSON_DECODE_ANY, NULL);
		CU_ASSERT_TRUE_FATAL(json_is_array(j));
		CU_ASSERT_EQUAL(json_array_size(j), i == 0 ? 4 : 2);
		char *again = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		CU_ASSERT_STRING_EQUAL(line, again);
		free(again);
		json_decref(j);
		free(line);
	}
	tc_close(&c);
}

static void
test_batch_failure(void)
{
	struct tclient c;
	int b = n_begin, cm = n_commit, ab = n_abort, calls = n_calls;
	json_t *r;

	tc_connect(&c);
	r = tc_call(&c, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\"},"
			"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.fail\"},"
			"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.echo\"}]");
	CU_ASSERT_TRUE_FATAL(json_is_array(r));
	CU_ASSERT_EQUAL_FATAL(json_array_size(r), 3);
	CU_ASSERT_EQUAL(err_code(json_array_get(r, 0)), API_ERR_ROLLED_BACK);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_array_get(r, 0), "id")), 1);
	assert_json(json_array_get(r, 1),
		    "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":1002,"
		    "\"message\":\"name: already exists\",\"data\":{\"field\":\"name\"}}}");
	CU_ASSERT_EQUAL(err_code(json_array_get(r, 2)), API_ERR_ROLLED_BACK);
	CU_ASSERT_PTR_NULL(json_object_get(json_object_get(json_array_get(r, 2), "error"), "data"));
	json_decref(r);
	CU_ASSERT_EQUAL(n_begin, b + 1);
	CU_ASSERT_EQUAL(n_abort, ab + 1);
	CU_ASSERT_EQUAL(n_commit, cm);
	CU_ASSERT_EQUAL(n_calls, calls + 2); // stops at the failing request

	// invalid params in a batch: refused before any txn, siblings rolled back
	r = tc_call(&c, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\"},"
			"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"route.del\",\"params\":{}},"
			"5]");
	CU_ASSERT_EQUAL(err_code(json_array_get(r, 0)), API_ERR_ROLLED_BACK);
	CU_ASSERT_EQUAL(err_code(json_array_get(r, 1)), API_ERR_INVALID_PARAMS);
	CU_ASSERT_STRING_EQUAL(err_field(json_array_get(r, 1)), "prefix");
	CU_ASSERT_EQUAL(err_code(json_array_get(r, 2)), API_ERR_ROLLED_BACK);
	CU_ASSERT_TRUE(json_is_null(json_object_get(json_array_get(r, 2), "id")));
	json_decref(r);
	CU_ASSERT_EQUAL(n_begin, b + 1);

	// a failing commit: every request gets the commit's error
	fail_commit = 1;
	r = tc_call(&c, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\"},"
			"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.echo\"}]");
	for (size_t i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(err_code(json_array_get(r, i)), API_ERR_TABLE_FULL);
		CU_ASSERT_STRING_EQUAL(err_field(json_array_get(r, i)), "routes");
	}
	json_decref(r);
	fail_commit = 1;
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"test.echo\"}");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_TABLE_FULL);
	json_decref(r);
	tc_close(&c);
}

static void
test_empty_batch(void)
{
	struct tclient c;
	json_t *r;

	tc_connect(&c);
	r = tc_call(&c, "[]");
	CU_ASSERT_TRUE(json_is_object(r));
	CU_ASSERT_EQUAL(err_code(r), API_ERR_INVALID_REQUEST);
	CU_ASSERT_TRUE(json_is_null(json_object_get(r, "id")));
	json_decref(r);
	r = tc_call(&c, " [ ] ");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_INVALID_REQUEST);
	json_decref(r);
	tc_close(&c);
}

static void
test_oversize_line(void)
{
	size_t len = RPC_LINE_MAX + 4096;
	char *big = malloc(len);
	struct tclient c;
	json_t *r;

	memset(big, ' ', len);
	memcpy(big, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":{\"x\":\"",
	       61);
	tc_connect(&c);
	// the server may close before it has read everything: EPIPE is fine
	tc_send_raw(&c, big, len);
	r = tc_recv(&c);
	CU_ASSERT_EQUAL(err_code(r), API_ERR_INVALID_REQUEST);
	CU_ASSERT_TRUE(json_is_null(json_object_get(r, "id")));
	json_decref(r);
	CU_ASSERT_TRUE(tc_closed(&c));
	tc_close(&c);

	// exactly RPC_LINE_MAX bytes is accepted (a JSON text padded with spaces)
	tc_connect(&c);
	memset(big, ' ', RPC_LINE_MAX);
	memcpy(big, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\"}", 45);
	big[RPC_LINE_MAX] = '\n';
	CU_ASSERT_EQUAL(tc_send_raw(&c, big, RPC_LINE_MAX + 1), 0);
	r = tc_recv(&c);
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}");
	json_decref(r);
	tc_close(&c);
	free(big);
}

static void
test_half_close(void)
{
	struct tclient c;
	json_t *r;

	tc_connect(&c);
	// a last request without "\n", then EOF: still answered, then closed
	tc_send_raw(&c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\"}", 45);
	shutdown(c.fd, SHUT_WR);
	r = tc_recv(&c);
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}");
	json_decref(r);
	CU_ASSERT_TRUE(tc_closed(&c));
	tc_close(&c);
}

static void
test_events(void)
{
	struct tclient a, b, n;
	uint64_t one = 1;
	json_t *r;

	tc_connect(&a);
	tc_connect(&b);
	tc_connect(&n);
	r = tc_call(&a, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\","
			"\"params\":{\"topics\":[\"route\",\"port\",\"route\"]}}");
	assert_json(r,
		    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"topics\":[\"route\",\"port\"]}}");
	json_decref(r);
	r = tc_call(&b, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\","
			"\"params\":{\"topics\":[\"sid\"]}}");
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"topics\":[\"sid\"]}}");
	json_decref(r);
	r = tc_call(&n, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\","
			"\"params\":{\"topics\":[1]}}");
	CU_ASSERT_EQUAL(err_code(r), API_ERR_INVALID_PARAMS);
	CU_ASSERT_STRING_EQUAL(err_field(r), "topics[0]");
	json_decref(r);
	r = tc_call(&n, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\"}");
	CU_ASSERT_STRING_EQUAL(err_field(r), "topics");
	json_decref(r);
	// a subscription in a failed batch does not take effect
	r = tc_call(&n, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\","
			"\"params\":{\"topics\":[\"*\"]}},"
			"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.fail\"}]");
	CU_ASSERT_EQUAL(err_code(json_array_get(r, 0)), API_ERR_ROLLED_BACK);
	json_decref(r);

	// an event from outside a request (the watched eventfd) reaches A only
	CU_ASSERT_EQUAL(write(evfd, &one, sizeof(one)), sizeof(one));
	r = tc_recv(&a);
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"method\":\"event\",\"params\":{\"topic\":\"route\","
		       "\"action\":\"add\",\"prefix\":\"10.0.0.0/8\"}}");
	json_decref(r);

	// an event raised inside B's request follows B's answer, and goes to B only
	r = tc_call(&b, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.notify\","
			"\"params\":{\"topic\":\"sid\",\"n\":1,\"size\":3}}");
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"sent\":1}}");
	json_decref(r);
	r = tc_recv(&b);
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"method\":\"event\",\"params\":{\"topic\":\"sid\","
		       "\"seq\":0,\"blob\":\"bbb\"}}");
	json_decref(r);

	// A and N got nothing: their next line is the answer to a new request
	r = tc_call(&a, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.echo\"}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 3);
	json_decref(r);
	r = tc_call(&n, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.echo\"}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 3);
	json_decref(r);

	// "*" subscribes to everything; an empty list unsubscribes
	r = tc_call(&n, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"events.subscribe\","
			"\"params\":{\"topics\":[\"*\"]}}");
	json_decref(r);
	r = tc_call(&a, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"events.subscribe\","
			"\"params\":{\"topics\":[]}}");
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"topics\":[]}}");
	json_decref(r);
	CU_ASSERT_EQUAL(write(evfd, &one, sizeof(one)), sizeof(one));
	r = tc_recv(&n);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(json_object_get(r, "params"), "topic")), "route");
	json_decref(r);
	r = tc_call(&a, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"test.echo\"}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 5);
	json_decref(r);

	tc_close(&a);
	tc_close(&b);
	tc_close(&n);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_slow_client_dropped(void)
{
	const int n = 400, size = 64 * 1024; // 25 MiB of events: over RPC_OUT_MAX
	struct tclient slow, fast;
	size_t got = 0;
	char buf[65536];
	bool eof = false;
	double t0;
	json_t *r;
	char req[256];

	tc_connect(&slow);
	tc_connect(&fast);
	r = tc_call(&slow, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\","
			   "\"params\":{\"topics\":[\"flood\"]}}");
	json_decref(r);

	// the slow client reads nothing from here on
	t0 = now_s();
	snprintf(req, sizeof(req),
		 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.notify\","
		 "\"params\":{\"topic\":\"flood\",\"n\":%d,\"size\":%d}}",
		 n, size);
	r = tc_call(&fast, req);
	assert_json(r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"sent\":400}}");
	json_decref(r);
	r = tc_call(&fast, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.clients\"}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 2);
	json_decref(r);
	CU_ASSERT(now_s() - t0 < 3.0);

	// the slow client was cut off: it reads less than was sent, then EOF
	for (;;) {
		ssize_t k = recv(slow.fd, buf, sizeof(buf), 0);
		if (k == 0 || (k < 0 && errno == ECONNRESET)) {
			eof = true;
			break;
		}
		if (k < 0)
			break;
		got += (size_t)k;
	}
	CU_ASSERT_TRUE(eof);
	CU_ASSERT(got < (size_t)n * size);
	CU_ASSERT(got > 0); // what the kernel buffered; the server-side queue was dropped

	// and the other client is still served
	r = tc_call(&fast, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.echo\"}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 3);
	json_decref(r);
	tc_close(&slow);
	tc_close(&fast);
}

static void
test_many_clients(void)
{
	enum { N = 100 };
	static struct tclient cs[N];
	char req[128];
	int ok = 0;

	for (int i = 0; i < N; i++)
		tc_connect(&cs[i]);
	for (int i = 0; i < N; i++) {
		snprintf(req, sizeof(req),
			 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"test.echo\",\"params\":{"
			 "\"i\":%d}}",
			 i, i);
		tc_send(&cs[i], req);
	}
	for (int i = N - 1; i >= 0; i--) {
		json_t *r = tc_recv(&cs[i]);
		if (json_integer_value(json_object_get(json_object_get(r, "result"), "i")) == i)
			ok++;
		json_decref(r);
	}
	CU_ASSERT_EQUAL(ok, N);
	for (int i = 0; i < N; i++)
		tc_close(&cs[i]);
}

static bool
blank_line(const char *s)
{
	return s[strspn(s, " \t\r")] == '\0';
}

static void
test_garbage(void)
{
	static const char *const lines[] = {
		"\x01\x02\x03",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":{\"a\":"
		"\"\\u0000\"}}",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
		"[1,[2],{\"jsonrpc\":\"2.0\"}]",
		"{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"test.echo\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":-1,\"method\":\"\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":null}",
		"\"\\ud800\"",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.del\",\"params\":{"
		"\"\\u00e9\\u00e9"
		"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00"
		"e9"
		"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00"
		"e9"
		"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\":1}}",
	};
	struct tclient c;
	unsigned int seed = 12345;
	char junk[512];
	json_t *r;

	tc_connect(&c);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		r = tc_call(&c, lines[i]);
		CU_ASSERT_PTR_NOT_NULL(r); // every line is answered with valid JSON
		json_decref(r);
	}
	// random bytes (no newlines inside), each line answered
	for (int i = 0; i < 200; i++) {
		size_t len = (size_t)(rand_r(&seed) % (sizeof(junk) - 1)) + 1;
		for (size_t k = 0; k < len; k++) {
			junk[k] = (char)(rand_r(&seed) % 255 + 1);
			if (junk[k] == '\n')
				junk[k] = '{';
		}
		junk[len] = '\0';
		if (blank_line(junk))
			continue;
		r = tc_call(&c, junk);
		CU_ASSERT_PTR_NOT_NULL(r);
		json_decref(r);
	}
	r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"test.echo\"}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(r, "id")), 99);
	json_decref(r);
	tc_close(&c);
}

static void
test_socket_file(void)
{
	struct rpc_server_conf conf = {.path = sock_path, .methods = methods, .n_methods = 1};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char path[100], longpath[200];
	struct rpc_server *s2;
	struct stat st;
	int fd;

	CU_ASSERT_EQUAL_FATAL(stat(sock_path, &st), 0);
	CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0660);

	// a live server's socket is not taken over
	errno = 0;
	CU_ASSERT_PTR_NULL(rpc_server_create(&conf));
	CU_ASSERT_EQUAL(errno, EADDRINUSE);

	// a stale socket (nobody listening) is replaced
	snprintf(path, sizeof(path), "%s/stale.sock", dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	CU_ASSERT_EQUAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	conf.path = path;
	s2 = rpc_server_create(&conf);
	CU_ASSERT_PTR_NOT_NULL(s2);
	rpc_server_destroy(s2);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);

	// a regular file is never removed
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	errno = 0;
	CU_ASSERT_PTR_NULL(rpc_server_create(&conf));
	CU_ASSERT_EQUAL(errno, EEXIST);
	unlink(path);

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	conf.path = longpath;
	errno = 0;
	CU_ASSERT_PTR_NULL(rpc_server_create(&conf));
	CU_ASSERT_EQUAL(errno, ENAMETOOLONG);

	conf.path = path;
	conf.group = "no-such-group-srv6d";
	errno = 0;
	CU_ASSERT_PTR_NULL(rpc_server_create(&conf));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NULL(rpc_server_create(NULL));
}

// Connect as uid/gid 65534 (nobody/nogroup) from a child process and report
// whether the server answered a request (1), refused with permission denied
// (0), or something else happened (-1).
static int
try_as_nobody(const char *path)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct tclient c;
		json_t *r;
		int rc = 3;

		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(4);
		if (tc_connect_path(&c, path) < 0)
			_exit(5);
		r = tc_call(&c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\"}");
		if (json_is_null(json_object_get(r, "result")) && json_object_get(r, "result"))
			rc = 1;
		else if (err_code(r) == API_ERR_INVALID_REQUEST && err_msg(r) != NULL &&
			 strcmp(err_msg(r), "permission denied") == 0 && tc_closed(&c))
			rc = 0;
		_exit(rc);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) <= 1 ? WEXITSTATUS(status) : -WEXITSTATUS(status);
}

static atomic_int s2_stop;

static void *
s2_main(void *arg)
{
	while (!s2_stop)
		rpc_server_poll(arg, 20);
	return NULL;
}

static void
test_peer_credentials(void)
{
	struct rpc_server_conf conf = {.methods = methods, .n_methods = 1, .txn = &fake_txn};
	char path[100];
	struct rpc_server *s2;
	struct stat st;
	pthread_t th;

	if (geteuid() != 0) {
		fprintf(stderr, "(skipped: needs root) ");
		return;
	}
	// The test dir must be reachable by uid 65534.
	chmod(dir, 0755);
	// no group: only root (and the server's uid) may talk
	CU_ASSERT_EQUAL(try_as_nobody(sock_path), -5); // mode 0660 keeps it out already
	chmod(sock_path, 0666);
	CU_ASSERT_EQUAL(try_as_nobody(sock_path), 0); // SO_PEERCRED refuses it
	chmod(sock_path, 0660);

	// with a group, its members are served
	snprintf(path, sizeof(path), "%s/grp/srv6d.sock", dir);
	conf.path = path;
	conf.group = "nogroup";
	s2 = rpc_server_create(&conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_gid, 65534);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0660);
	s2_stop = 0;
	pthread_create(&th, NULL, s2_main, s2);
	CU_ASSERT_EQUAL(try_as_nobody(path), 1);
	s2_stop = 1;
	pthread_join(th, NULL);
	rpc_server_destroy(s2);
	snprintf(path, sizeof(path), "%s/grp", dir);
	rmdir(path);
	chmod(dir, 0700);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("rpc_server", suite_init, suite_cleanup);
	CU_add_test(s, "single", test_single);
	CU_add_test(s, "notification", test_notification);
	CU_add_test(s, "parse_error", test_parse_error);
	CU_add_test(s, "invalid_request", test_invalid_request);
	CU_add_test(s, "unknown_method", test_unknown_method);
	CU_add_test(s, "catalogue_params", test_catalogue_params);
	CU_add_test(s, "batch_success", test_batch_success);
	CU_add_test(s, "batch_failure", test_batch_failure);
	CU_add_test(s, "batch_answer_text", test_batch_answer_text);
	CU_add_test(s, "empty_batch", test_empty_batch);
	CU_add_test(s, "oversize_line", test_oversize_line);
	CU_add_test(s, "half_close", test_half_close);
	CU_add_test(s, "events", test_events);
	CU_add_test(s, "slow_client_dropped", test_slow_client_dropped);
	CU_add_test(s, "many_clients", test_many_clients);
	CU_add_test(s, "garbage", test_garbage);
	CU_add_test(s, "socket_file", test_socket_file);
	CU_add_test(s, "peer_credentials", test_peer_credentials);
	CU_add_test(s, "in_process_call", test_in_process_call);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
