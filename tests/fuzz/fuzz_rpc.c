// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// libFuzzer harness: the control socket. The input is bytes a client writes
// on the socket (one or more request lines, or anything else); they go
// through the real server (lib/ctl/rpc_server.c: framing, envelope, batches,
// the route fast path, the catalogue's params check), the real handlers
// (lib/ctl/m_*.c, ctl_json) and the real model and config code, on the unit
// tests' fake datapath (tests/unit/fake_dp.c), over a real UNIX socket.
//
// Every input starts from the same state: a fresh model loaded from the
// configuration below, no capture running, a new connection. After the input
// the harness sends a request of an unknown method and reads until its answer
// (or until the server closes the connection, which it may do after a line
// it refuses): a server that stops answering is a finding (abort), and so is
// an answer line that is not one JSON-RPC 2.0 response or notification.
//
// config.save writes files: a "file" it is given is replaced by one in the
// harness's temporary directory, so that no input writes elsewhere.

#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "ctl.h"
#include "ctl_priv.h"
#include "dp_api.h"
#include "model.h"
#include "rpc_server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char config_text[] =
	"{\"ports\": ["
	" {\"name\": \"p0\", \"device\": \"net_null0\", \"addresses\": [\"192.0.2.1/24\","
	"  \"2001:db8:1::1/64\"], \"mac\": \"02:00:00:00:00:01\"},"
	" {\"name\": \"p1\", \"device\": \"net_null1\", \"vrf\": \"blue\", \"addresses\":"
	"  [\"198.51.100.1/24\", \"2001:db8:2::1/64\"], \"tcp_mss\": 1360}],"
	" \"vrfs\": [{\"name\": \"blue\", \"table\": 10, \"rd\": \"65000:10\","
	"  \"import_rt\": [\"65000:10\"], \"export_rt\": [\"65000:10\"]}],"
	" \"encap\": {\"source\": \"2001:db8:1::1\", \"hop_limit\": 64, \"flowlabel\": "
	"\"compute\"},"
	" \"locators\": [{\"name\": \"loc1\", \"prefix\": \"2001:db8:a::/48\"}],"
	" \"sids\": [{\"sid\": \"2001:db8:a:2::\", \"behavior\": \"End\"},"
	"  {\"sid\": \"2001:db8:a:3::\", \"behavior\": \"End.DT4\", \"vrf\": \"blue\"}],"
	" \"routes\": ["
	"  {\"prefix\": \"2001:db8:b::/48\", \"nexthops\": [{\"type\": \"ip\","
	"   \"via\": \"2001:db8:1::2\", \"port\": \"p0\"}]},"
	"  {\"vrf\": \"blue\", \"prefix\": \"10.9.0.0/16\", \"owner\": \"bgp\", \"nexthops\":"
	"   [{\"type\": \"srv6\", \"segments\": [\"2001:db8:b:1::\"]}]}],"
	" \"neighbors\": [{\"port\": \"p0\", \"address\": \"2001:db8:1::2\","
	"  \"mac\": \"02:00:00:00:00:02\"}]}";

#define SYNC "{\"jsonrpc\":\"2.0\",\"id\":\"sync\",\"method\":\"sync.none\"}\n"
#define SYNC_ANSWER                                                                                \
	"{\"jsonrpc\":\"2.0\",\"id\":\"sync\",\"error\":{\"code\":-32601,\"message\":\"method "    \
	"not found: sync.none\"}}\n"
// Server rounds without progress before the server counts as stuck.
#define MAX_SPINS 200000

static struct model model;
static struct ctl_conf conf;
static struct rpc_server *srv;
static char tmpdir[64], sock_path[96], cfg_path[96], save_path[96];
static struct rpc_method_binding methods[64];

static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_rpc: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

// config.save, with any "file" moved into the temporary directory.
static int
config_save_here(struct rpc_call *call, json_t *params, json_t **result, struct api_error_info *e)
{
	json_t *p = params;
	int rc;

	if (json_is_object(params) && json_object_get(params, "file") != NULL) {
		p = json_deep_copy(params);
		if (p == NULL)
			return -ENOMEM;
		json_object_set_new(p, "file", json_string(save_path));
	}
	rc = rpc_config_save(call, p, result, e);
	if (p != params)
		json_decref(p);
	return rc;
}

// At exit (libFuzzer exits when its runs are done): the temporary files go.
static void
cleanup(void)
{
	rpc_server_destroy(srv); // unlinks the socket
	srv = ctl_server = NULL;
	unlink(cfg_path);
	unlink(save_path);
	rmdir(tmpdir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct rpc_server_conf sc;
	FILE *f;

	(void)argc;
	(void)argv;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fuzz_rpc.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		fail("mkdtemp", strerror(errno));
	snprintf(sock_path, sizeof(sock_path), "%s/ctl.sock", tmpdir);
	snprintf(cfg_path, sizeof(cfg_path), "%s/config.json", tmpdir);
	snprintf(save_path, sizeof(save_path), "%s/saved.json", tmpdir);
	f = fopen(cfg_path, "w");
	if (f == NULL || fputs(config_text, f) < 0 || fclose(f) != 0)
		fail("cannot write", cfg_path);
	if (ctl_n_methods > sizeof(methods) / sizeof(methods[0]))
		fail("more methods than the harness has room for", NULL);
	for (size_t i = 0; i < ctl_n_methods; i++) {
		methods[i] = ctl_methods[i];
		if (strcmp(methods[i].name, "config.save") == 0)
			methods[i].fn = config_save_here;
	}
	conf = (struct ctl_conf){.model = &model,
				 .config_path = cfg_path,
				 .socket_path = sock_path,
				 .dpdk_version = "DPDK 22.11.0"};
	if (model_init(&model) < 0 || ctl_init(&conf) < 0)
		fail("model init", NULL);
	sc = (struct rpc_server_conf){.path = sock_path,
				      .methods = methods,
				      .n_methods = ctl_n_methods,
				      .txn = &ctl_txn_ops};
	srv = ctl_server = rpc_server_create(&sc);
	if (srv == NULL)
		fail("rpc_server_create", strerror(errno));
	// A crash leaves them in /tmp, with the input that caused it.
	atexit(cleanup);
	return 0;
}

static void
reset_state(void)
{
	struct dp_capture_info caps[16];
	struct model_err e = {0};
	unsigned int n = dp_capture_list(caps, 16);

	for (unsigned int i = 0; i < n; i++)
		dp_capture_stop(caps[i].id);
	model_fini(&model);
	if (model_init(&model) < 0 || ctl_init(&conf) < 0)
		fail("model init", NULL);
	if (config_load(&model, cfg_path, &e) < 0)
		fail("config", e.msg);
}

// Each answer line: one JSON-RPC 2.0 response (or a batch of them), or an
// event notification.
static void
check_line(const char *line, size_t len)
{
	json_error_t err;
	json_t *v = json_loadb(line, len, 0, &err), *a;
	size_t i;

	if (v == NULL)
		fail("an answer line that is not JSON", err.text);
	a = json_is_array(v) ? v : NULL;
	if (a != NULL && json_array_size(a) == 0)
		fail("an empty batch answer", NULL);
	for (i = 0; i < (a != NULL ? json_array_size(a) : 1); i++) {
		json_t *r = a != NULL ? json_array_get(a, i) : v;
		json_t *err_o = json_object_get(r, "error");

		if (!json_is_object(r) || !json_is_string(json_object_get(r, "jsonrpc")) ||
		    strcmp(json_string_value(json_object_get(r, "jsonrpc")), "2.0") != 0)
			fail("an answer without jsonrpc 2.0", NULL);
		if (json_object_get(r, "method") != NULL)
			continue; // a notification
		if ((json_object_get(r, "result") != NULL) == (err_o != NULL))
			fail("an answer with both or neither of result and error", NULL);
		if (err_o != NULL && (!json_is_integer(json_object_get(err_o, "code")) ||
				      !json_is_string(json_object_get(err_o, "message"))))
			fail("an error without an integer code and a message", NULL);
	}
	json_decref(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t out_len = size + strlen("\n" SYNC), sent = 0, in_len = 0, in_cap = 65536;
	char *out = malloc(out_len), *in = malloc(in_cap);
	bool closed = false, answered = false;
	int fd, spins = 0;

	if (out == NULL || in == NULL)
		fail("out of memory", NULL);
	reset_state();
	memcpy(out, data, size);
	memcpy(out + size, "\n" SYNC, strlen("\n" SYNC));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("connect", strerror(errno));
	while (!closed && !answered) {
		ssize_t n;
		bool progress = false;

		if (sent < out_len) {
			n = send(fd, out + sent, out_len - sent, MSG_NOSIGNAL);
			if (n > 0) {
				sent += (size_t)n;
				progress = true;
			} else if (n < 0 && errno != EAGAIN) {
				sent = out_len; // the server closed: read what it said
			}
		}
		if (rpc_server_poll(srv, 0) < 0)
			fail("rpc_server_poll", strerror(errno));
		for (;;) {
			if (in_len + 4096 > in_cap) {
				in_cap *= 2;
				in = realloc(in, in_cap);
				if (in == NULL)
					fail("out of memory", NULL);
			}
			n = recv(fd, in + in_len, in_cap - in_len - 1, 0);
			if (n == 0)
				closed = true;
			if (n <= 0)
				break;
			in_len += (size_t)n;
			progress = true;
		}
		answered = in_len >= strlen(SYNC_ANSWER) &&
			   memcmp(in + in_len - strlen(SYNC_ANSWER), SYNC_ANSWER,
				  strlen(SYNC_ANSWER)) == 0;
		spins = progress ? 0 : spins + 1;
		if (spins > MAX_SPINS)
			fail("the server stopped answering", NULL);
	}
	close(fd);
	// The server sees the close and frees the client.
	for (int i = 0; i < 100 && rpc_server_n_clients(srv) != 0; i++)
		rpc_server_poll(srv, 1);
	if (rpc_server_n_clients(srv) != 0)
		fail("a closed client is still held", NULL);
	for (size_t b = 0, e; b < in_len; b = e + 1) {
		char *nl = memchr(in + b, '\n', in_len - b);
		if (nl == NULL)
			fail("an answer without its newline", NULL);
		e = (size_t)(nl - in);
		check_line(in + b, e - b);
	}
	free(out);
	free(in);
	return 0;
}
