// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// srv6ctl: the command-line client of srv6d's control socket.
//   srv6ctl [--socket PATH] [--json] [--timeout SEC] [--params JSON] <object> <verb> [args]
// One request per run (events.subscribe then streams events). Params are
// checked against the api catalogue before anything is sent, with the same
// messages the server would give.

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "api.h"
#include "rpc_client.h"
#include "srv6_build_config.h"
#include "srv6ctl.h"

#define DEFAULT_TIMEOUT_S 30.0
#define REQUEST_ID 1

struct opts {
	const char *socket;
	bool json;
	double timeout; // seconds; 0: wait for ever
	const char *params;
};

static int
fail_conn(const char *path, const char *what, int err)
{
	if (err != 0)
		fprintf(stderr, "srv6ctl: %s %s: %s\n", what, path, strerror(err));
	else
		fprintf(stderr, "srv6ctl: %s %s\n", what, path);
	return CTL_EXIT_CONN;
}

// Set by SIGINT/SIGTERM while streaming events: stops every wait.
static volatile sig_atomic_t stop_stream;

static void
print_error(const struct api_error_info *e)
{
	if (e->field[0] != '\0')
		fprintf(stderr, "error %d: %s (field: %s)\n", e->code, e->message, e->field);
	else
		fprintf(stderr, "error %d: %s\n", e->code, e->message);
}

static void
print_error_json(const json_t *err)
{
	struct api_error_info e;
	const char *msg = json_string_value(json_object_get(err, "message"));
	const char *field =
		json_string_value(json_object_get(json_object_get(err, "data"), "field"));

	api_error_set(&e, (int)json_integer_value(json_object_get(err, "code")), field, "%s",
		      msg != NULL ? msg : "error");
	print_error(&e);
}

static void
print_json(const json_t *j, size_t flags)
{
	char *s = json_dumps(j, flags | JSON_ENCODE_ANY);

	if (s != NULL)
		printf("%s\n", s);
	free(s);
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_stream = 1;
}

// After events.subscribe: print notifications until EOF or a signal.
static int
stream_events(struct rpc_conn *c, const struct opts *o)
{
	struct sigaction sa = {.sa_handler = on_signal};

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop_stream) {
		json_t *msg = NULL;
		int rc = rpc_conn_recv(c, &msg, RPC_FOREVER);

		if (rc == -EINTR || stop_stream) {
			json_decref(msg);
			break;
		}
		if (rc == -ECONNRESET)
			return fail_conn(o->socket, "connection closed by", 0);
		if (rc < 0)
			return fail_conn(o->socket, "lost connection to", -rc);
		if (o->json)
			print_json(msg, JSON_COMPACT);
		else
			ctl_print_event(stdout, json_object_get(msg, "params"));
		fflush(stdout);
		json_decref(msg);
	}
	return CTL_EXIT_OK;
}

static int
run(const struct opts *o, const char *method, json_t *params)
{
	struct rpc_conn c;
	long deadline = o->timeout > 0 ? rpc_now_ms() + (long)(o->timeout * 1000) : RPC_FOREVER;
	json_t *req, *resp = NULL;
	int rc, status;

	rpc_conn_init(&c);
	rc = rpc_conn_open(&c, o->socket);
	if (rc < 0)
		return fail_conn(o->socket, "cannot connect to", -rc);

	req = json_object();
	json_object_set_new(req, "jsonrpc", json_string("2.0"));
	json_object_set_new(req, "id", json_integer(REQUEST_ID));
	json_object_set_new(req, "method", json_string(method));
	if (params != NULL && json_object_size(params) > 0)
		json_object_set(req, "params", params);
	rc = rpc_conn_send(&c, req, deadline);
	json_decref(req);
	if (rc == -ENOMEM) {
		fprintf(stderr, "srv6ctl: cannot encode the request\n");
		rpc_conn_close(&c);
		return CTL_EXIT_ERROR;
	}

	// Read even when the send failed: the server may have refused us with
	// an error line (permission denied, request too large) and closed.
	for (;;) {
		int r = rpc_conn_recv(&c, &resp, deadline);
		const json_t *id;

		if (r == -EINTR)
			continue;
		if (r == -ETIMEDOUT) {
			status = fail_conn(o->socket, "no answer (timeout) from", 0);
			goto out;
		}
		if (r == -ECONNRESET || (r < 0 && rc < 0)) {
			status = fail_conn(o->socket, "connection closed by", 0);
			goto out;
		}
		if (r == -EBADMSG) {
			status = fail_conn(o->socket, "invalid answer from", 0);
			goto out;
		}
		if (r < 0) {
			status = fail_conn(o->socket, "lost connection to", -r);
			goto out;
		}
		id = json_object_get(resp, "id");
		// skip notifications; take our answer, or an error about the line
		if (json_is_object(resp) && json_object_get(resp, "method") == NULL &&
		    (json_integer_value(id) == REQUEST_ID ||
		     (json_is_null(id) && json_object_get(resp, "error") != NULL)))
			break;
		json_decref(resp);
		resp = NULL;
	}

	if (json_object_get(resp, "error") != NULL) {
		print_error_json(json_object_get(resp, "error"));
		status = CTL_EXIT_ERROR;
		goto out;
	}
	if (o->json)
		print_json(json_object_get(resp, "result"), JSON_INDENT(2));
	else
		ctl_print_result(stdout, method, json_object_get(resp, "result"));
	fflush(stdout);
	status = CTL_EXIT_OK;
	if (strcmp(method, "events.subscribe") == 0)
		status = stream_events(&c, o);
out:
	json_decref(resp);
	rpc_conn_close(&c);
	return status;
}

static void
usage_short(void)
{
	fprintf(stderr, "usage: srv6ctl [--socket PATH] [--json] [--timeout SEC] [--params JSON] "
			"<object> <verb> [args]\n"
			"       srv6ctl help [METHOD]\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"socket", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"timeout", required_argument, NULL, 't'},
		{"params", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.socket = SRV6_DEFAULT_SOCKET, .timeout = DEFAULT_TIMEOUT_S};
	const struct api_method *m;
	struct api_error_info e;
	char method[128];
	json_t *params = NULL;
	int c, rc;

	if (getenv("SRV6CTL_SOCKET") != NULL && getenv("SRV6CTL_SOCKET")[0] != '\0')
		o.socket = getenv("SRV6CTL_SOCKET");
	// "+": options end at the first command word, so values such as "-1"
	// after it are arguments, not options.
	while ((c = getopt_long(argc, argv, "+s:jt:p:hV", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 's':
			o.socket = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 't':
			o.timeout = strtod(optarg, &end);
			if (*end != '\0' || end == optarg || o.timeout < 0) {
				fprintf(stderr, "srv6ctl: --timeout: invalid number '%s'\n",
					optarg);
				return CTL_EXIT_ERROR;
			}
			break;
		case 'p':
			o.params = optarg;
			break;
		case 'h':
			ctl_usage(stdout);
			return CTL_EXIT_OK;
		case 'V':
			printf("srv6ctl %s\n", SRV6_VERSION);
			return CTL_EXIT_OK;
		default:
			usage_short();
			return CTL_EXIT_ERROR;
		}
	}
	argc -= optind;
	argv += optind;
	// Global long options after the command words too ("route list --json").
	for (int i = 0; i < argc;) {
		int take = 0;

		if (strcmp(argv[i], "--json") == 0) {
			o.json = true;
			take = 1;
		} else if (i + 1 < argc && strcmp(argv[i], "--socket") == 0) {
			o.socket = argv[i + 1];
			take = 2;
		} else if (i + 1 < argc && strcmp(argv[i], "--params") == 0) {
			o.params = argv[i + 1];
			take = 2;
		} else if (i + 1 < argc && strcmp(argv[i], "--timeout") == 0) {
			char *end;
			o.timeout = strtod(argv[i + 1], &end);
			if (*end != '\0' || end == argv[i + 1] || o.timeout < 0) {
				fprintf(stderr, "srv6ctl: --timeout: invalid number '%s'\n",
					argv[i + 1]);
				return CTL_EXIT_ERROR;
			}
			take = 2;
		}
		if (take == 0) {
			i++;
			continue;
		}
		memmove(&argv[i], &argv[i + take], (size_t)(argc - i - take) * sizeof(*argv));
		argc -= take;
	}
	if (argc == 0) {
		usage_short();
		return CTL_EXIT_ERROR;
	}
	if (strcmp(argv[0], "help") == 0) {
		if (argc == 1) {
			ctl_usage(stdout);
			return CTL_EXIT_OK;
		}
		// "help route.add", "help route add"
		char name[128] = "";
		for (int i = 1; i < argc; i++) {
			size_t l = strlen(name);
			snprintf(name + l, sizeof(name) - l, "%s%s", i > 1 ? "." : "", argv[i]);
		}
		if (ctl_method_help(stdout, name) < 0) {
			fprintf(stderr, "srv6ctl: unknown method '%s'\n", name);
			return CTL_EXIT_ERROR;
		}
		return CTL_EXIT_OK;
	}
	// "route add help" / "route add --help"
	if (argc >= 2 &&
	    (strcmp(argv[argc - 1], "help") == 0 || strcmp(argv[argc - 1], "--help") == 0)) {
		char name[128] = "";
		for (int i = 0; i < argc - 1; i++) {
			size_t l = strlen(name);
			snprintf(name + l, sizeof(name) - l, "%s%s", i > 0 ? "." : "", argv[i]);
		}
		if (ctl_method_help(stdout, name) == 0)
			return CTL_EXIT_OK;
	}

	if (argc >= 1 && (strcmp(argv[0], "ping") == 0 || strcmp(argv[0], "trace") == 0 ||
			  strcmp(argv[0], "probe") == 0))
		return ctl_oam(o.socket, o.timeout, o.json, argv[0], argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[0], "route") == 0 && strcmp(argv[1], "load") == 0)
		return ctl_route_load(o.socket, o.timeout, o.json, argc - 2, argv + 2);
	if (o.params != NULL) {
		json_error_t jerr;

		params = json_loads(o.params, 0, &jerr);
		if (!json_is_object(params)) {
			fprintf(stderr, "srv6ctl: --params: %s\n",
				params == NULL ? jerr.text : "expected a JSON object");
			json_decref(params);
			return CTL_EXIT_ERROR;
		}
	}
	memset(&e, 0, sizeof(e));
	if (ctl_parse_command(argc, argv, method, sizeof(method), &params, &e) < 0) {
		print_error(&e);
		json_decref(params);
		return CTL_EXIT_ERROR;
	}
	// Same validator, same messages as srv6d: nothing malformed is sent.
	m = api_method_find(method);
	if (m != NULL && api_check_object(json_object_size(params) > 0 ? params : NULL, m->params,
					  m->n_params, NULL, &e) < 0) {
		print_error(&e);
		json_decref(params);
		return CTL_EXIT_ERROR;
	}
	rc = run(&o, method, params);
	json_decref(params);
	return rc;
}
