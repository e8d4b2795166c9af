// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// srv6ctl ping / trace / probe: SRv6 OAM over segment lists (RFC 9259, seed
// 004). Each starts sessions in srv6d (oam.ping, oam.trace) and polls
// oam.get until they are done, printing answers as they come: ping as
// ping(8) does, trace one line per hop, probe a latency table and histogram
// per path (seed 004's probe: lists that loop back to one of our SIDs
// measure each path's delay and loss).

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rpc_client.h"
#include "srv6ctl.h"

#define OAM_MAX_PATHS 16
#define POLL_MS 50

struct oam_cli {
	struct rpc_conn c;
	const char *socket;
	long deadline;
	int next_id;
};

// One request and its answer's result (NULL with a message on stderr).
static json_t *
call(struct oam_cli *k, const char *method, json_t *params)
{
	json_t *req = json_pack("{s:s,s:i,s:s,s:O}", "jsonrpc", "2.0", "id", ++k->next_id, "method",
				method, "params", params);
	json_t *resp = NULL, *res;

	if (req == NULL || rpc_conn_send(&k->c, req, k->deadline) < 0) {
		json_decref(req);
		fprintf(stderr, "srv6ctl: cannot send to %s\n", k->socket);
		return NULL;
	}
	json_decref(req);
	for (;;) {
		int r = rpc_conn_recv(&k->c, &resp, k->deadline);
		if (r == -EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "srv6ctl: %s from %s\n",
				r == -ETIMEDOUT ? "no answer (timeout)" : "lost connection",
				k->socket);
			return NULL;
		}
		if (json_integer_value(json_object_get(resp, "id")) == k->next_id)
			break;
		json_decref(resp);
	}
	if (json_object_get(resp, "error") != NULL) {
		const json_t *err = json_object_get(resp, "error");
		const json_t *data = json_object_get(err, "data");
		const char *field = json_string_value(json_object_get(data, "field"));
		fprintf(stderr, "srv6ctl: error %lld: %s%s%s%s\n",
			(long long)json_integer_value(json_object_get(err, "code")),
			json_string_value(json_object_get(err, "message")),
			field != NULL ? " (field: " : "", field != NULL ? field : "",
			field != NULL ? ")" : "");
		json_decref(resp);
		return NULL;
	}
	res = json_incref(json_object_get(resp, "result"));
	json_decref(resp);
	return res;
}

static int
split_segments(const char *list, json_t *arr)
{
	char *dup = strdup(list), *save = NULL;

	if (dup == NULL)
		return -1;
	for (char *t = strtok_r(dup, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
		json_array_append_new(arr, json_string(t));
	free(dup);
	return json_array_size(arr) > 0 ? 0 : -1;
}

// "key value" options into params (hyphens become underscores); bare words
// are segment lists (paths[]); "o-flag" alone sets o_flag.
static int
parse(int argc, char **argv, json_t *params, const char **paths, int *n_paths)
{
	static const char *const nums[] = {"count",	"interval", "timeout", "size",
					   "hop-limit", "max-hops", NULL};
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		bool num = false;
		for (int j = 0; nums[j] != NULL; j++)
			num |= strcmp(w, nums[j]) == 0;
		if (strcmp(w, "o-flag") == 0) {
			json_object_set_new(params, "o_flag", json_true());
		} else if (num || strcmp(w, "src") == 0 || strcmp(w, "vrf") == 0) {
			char key[32], *end;
			if (i + 1 >= argc) {
				fprintf(stderr, "srv6ctl: %s: missing value\n", w);
				return -1;
			}
			snprintf(key, sizeof(key), "%s%s", w,
				 strcmp(w, "interval") == 0 || strcmp(w, "timeout") == 0 ? "_ms"
											 : "");
			for (char *p = key; *p; p++)
				if (*p == '-')
					*p = '_';
			if (num) {
				long long v = strtoll(argv[i + 1], &end, 10);
				if (*end != '\0' || end == argv[i + 1]) {
					fprintf(stderr, "srv6ctl: %s: not a number\n", w);
					return -1;
				}
				json_object_set_new(params, key, json_integer(v));
			} else {
				json_object_set_new(params, key, json_string(argv[i + 1]));
			}
			i++;
		} else if (*n_paths < OAM_MAX_PATHS) {
			paths[(*n_paths)++] = w;
		} else {
			fprintf(stderr, "srv6ctl: at most %d paths\n", OAM_MAX_PATHS);
			return -1;
		}
	}
	if (*n_paths == 0) {
		fprintf(stderr, "srv6ctl: give a segment list: SID[,SID...]\n");
		return -1;
	}
	return 0;
}

static double
rtt_ms(const json_t *probe)
{
	return json_number_value(json_object_get(probe, "rtt_us")) / 1000.0;
}

// Probes [*printed, n) that can be shown in order: answered, or the session
// is done (then they timed out).
static void
print_ping_lines(const json_t *res, size_t *printed, bool done)
{
	const json_t *probes = json_object_get(res, "probes");

	while (*printed < json_array_size(probes)) {
		const json_t *p = json_array_get(probes, *printed);
		const char *ans = json_string_value(json_object_get(p, "answer"));
		int seq = (int)json_integer_value(json_object_get(p, "seq"));
		if (ans == NULL && !done)
			break;
		if (ans == NULL || strcmp(ans, "not-sent") == 0)
			printf("seq=%d %s\n", seq, ans == NULL ? "timeout" : "not sent");
		else if (strcmp(ans, "echo-reply") == 0)
			printf("reply from %s: seq=%d time=%.3f ms\n",
			       json_string_value(json_object_get(p, "from")), seq, rtt_ms(p));
		else
			printf("%s from %s (code %lld): seq=%d time=%.3f ms\n", ans,
			       json_string_value(json_object_get(p, "from")),
			       (long long)json_integer_value(json_object_get(p, "code")), seq,
			       rtt_ms(p));
		(*printed)++;
	}
	fflush(stdout);
}

static void
print_trace_lines(const json_t *res, size_t *printed, bool done)
{
	const json_t *probes = json_object_get(res, "probes");

	while (*printed < json_array_size(probes)) {
		const json_t *p = json_array_get(probes, *printed);
		const char *ans = json_string_value(json_object_get(p, "answer"));
		int hl = (int)json_integer_value(json_object_get(p, "hop_limit"));
		if (ans == NULL && !done)
			break;
		if (ans == NULL || strcmp(ans, "not-sent") == 0)
			printf("%2d  *\n", hl);
		else
			printf("%2d  %-40s %8.3f ms  %s\n", hl,
			       json_string_value(json_object_get(p, "from")), rtt_ms(p), ans);
		(*printed)++;
	}
	fflush(stdout);
}

static void
print_summary(const json_t *res)
{
	long long sent = json_integer_value(json_object_get(res, "sent"));
	long long rcvd = json_integer_value(json_object_get(res, "received"));
	const json_t *st = json_object_get(res, "rtt_us");

	printf("--- %lld probes sent, %lld echo replies, %.1f%% loss", sent, rcvd,
	       sent > 0 ? 100.0 * (double)(sent - rcvd) / (double)sent : 0.0);
	if (st != NULL)
		printf("; rtt min/avg/max/p50/p90/p99 = %.3f/%.3f/%.3f/%.3f/%.3f/%.3f ms",
		       json_number_value(json_object_get(st, "min")) / 1e3,
		       json_number_value(json_object_get(st, "avg")) / 1e3,
		       json_number_value(json_object_get(st, "max")) / 1e3,
		       json_number_value(json_object_get(st, "p50")) / 1e3,
		       json_number_value(json_object_get(st, "p90")) / 1e3,
		       json_number_value(json_object_get(st, "p99")) / 1e3);
	printf("\n");
}

// Seed 004's probe: per path, delay percentiles, loss and a histogram of the
// echo replies' RTT in power-of-two buckets of microseconds.
static void
print_probe(json_t *const *res, const char *const *paths, int n)
{
	printf("%-4s %-6s %-6s %-6s %-9s %-9s %-9s %-9s %-9s\n", "path", "sent", "recv", "loss%",
	       "min ms", "p50 ms", "p90 ms", "p99 ms", "max ms");
	for (int i = 0; i < n; i++) {
		long long sent = json_integer_value(json_object_get(res[i], "sent"));
		long long rcvd = json_integer_value(json_object_get(res[i], "received"));
		const json_t *st = json_object_get(res[i], "rtt_us");
		printf("%-4d %-6lld %-6lld %-6.1f", i + 1, sent, rcvd,
		       sent > 0 ? 100.0 * (double)(sent - rcvd) / (double)sent : 0.0);
		if (st != NULL)
			printf(" %-9.3f %-9.3f %-9.3f %-9.3f %-9.3f",
			       json_number_value(json_object_get(st, "min")) / 1e3,
			       json_number_value(json_object_get(st, "p50")) / 1e3,
			       json_number_value(json_object_get(st, "p90")) / 1e3,
			       json_number_value(json_object_get(st, "p99")) / 1e3,
			       json_number_value(json_object_get(st, "max")) / 1e3);
		printf("  %s\n", paths[i]);
	}
	for (int i = 0; i < n; i++) {
		unsigned int hist[32] = {0};
		const json_t *probes = json_object_get(res[i], "probes"), *p;
		size_t k;
		json_array_foreach(probes, k, p) {
			const char *ans = json_string_value(json_object_get(p, "answer"));
			if (ans == NULL || strcmp(ans, "echo-reply") != 0)
				continue;
			double us = json_number_value(json_object_get(p, "rtt_us"));
			unsigned int b = us < 1 ? 0 : (unsigned int)log2(us) + 1;
			hist[b < 32 ? b : 31]++;
		}
		printf("path %d rtt histogram:", i + 1);
		for (unsigned int b = 0; b < 32; b++)
			if (hist[b] != 0)
				printf(" <%uus:%u", 1u << b, hist[b]);
		printf("\n");
	}
}

int
ctl_oam(const char *socket, double timeout, bool json, const char *verb, int argc, char **argv)
{
	struct oam_cli k = {.socket = socket};
	const char *paths[OAM_MAX_PATHS];
	json_t *params = json_object(), *res[OAM_MAX_PATHS] = {NULL};
	long long ids[OAM_MAX_PATHS];
	size_t printed = 0;
	bool trace = strcmp(verb, "trace") == 0, probe = strcmp(verb, "probe") == 0, all_done;
	int n_paths = 0, status = CTL_EXIT_ERROR;

	if (parse(argc, argv, params, paths, &n_paths) < 0) {
		json_decref(params);
		return CTL_EXIT_ERROR;
	}
	if (!probe && n_paths > 1) {
		fprintf(stderr, "srv6ctl: %s takes one segment list (probe takes several)\n", verb);
		json_decref(params);
		return CTL_EXIT_ERROR;
	}
	rpc_conn_init(&k.c);
	if (rpc_conn_open(&k.c, socket) < 0) {
		fprintf(stderr, "srv6ctl: cannot connect to %s\n", socket);
		json_decref(params);
		return CTL_EXIT_CONN;
	}
	for (int i = 0; i < n_paths; i++) {
		json_t *p = json_deep_copy(params), *segs = json_array(), *r;
		if (split_segments(paths[i], segs) < 0) {
			fprintf(stderr, "srv6ctl: %s: not a segment list\n", paths[i]);
			json_decref(segs);
			json_decref(p);
			goto out;
		}
		json_object_set_new(p, "segments", segs);
		k.deadline = timeout > 0 ? rpc_now_ms() + (long)(timeout * 1000) : RPC_FOREVER;
		r = call(&k, trace ? "oam.trace" : "oam.ping", p);
		json_decref(p);
		if (r == NULL)
			goto out;
		ids[i] = json_integer_value(json_object_get(r, "id"));
		json_decref(r);
	}
	if (!json && !probe)
		printf("%s over [%s]%s\n", trace ? "trace" : "ping", paths[0],
		       trace ? ", one probe per hop limit" : "");
	do {
		struct timespec ts = {0, POLL_MS * 1000000L};
		all_done = true;
		for (int i = 0; i < n_paths; i++) {
			json_t *p = json_pack("{s:I}", "id", ids[i]);
			k.deadline =
				timeout > 0 ? rpc_now_ms() + (long)(timeout * 1000) : RPC_FOREVER;
			json_decref(res[i]);
			res[i] = call(&k, "oam.get", p);
			json_decref(p);
			if (res[i] == NULL)
				goto out;
			all_done &= json_is_true(json_object_get(res[i], "done"));
		}
		if (!json && !probe) {
			bool done = json_is_true(json_object_get(res[0], "done"));
			if (trace)
				print_trace_lines(res[0], &printed, done);
			else
				print_ping_lines(res[0], &printed, done);
		}
		if (!all_done)
			nanosleep(&ts, NULL);
	} while (!all_done);

	status = CTL_EXIT_OK;
	for (int i = 0; i < n_paths; i++)
		if (json_integer_value(json_object_get(res[i], "received")) == 0)
			status = CTL_EXIT_ERROR;
	if (json) {
		json_t *out = probe ? json_array() : json_incref(res[0]);
		for (int i = 0; probe && i < n_paths; i++)
			json_array_append(out, res[i]);
		char *s = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);
		printf("%s\n", s != NULL ? s : "null");
		free(s);
		json_decref(out);
	} else if (probe) {
		print_probe(res, paths, n_paths);
	} else if (trace) {
		size_t n = json_array_size(json_object_get(res[0], "probes"));
		if (status == CTL_EXIT_OK)
			printf("--- the last segment answered at hop %zu\n", n);
		else
			printf("--- no echo reply within %zu hops\n", n);
	} else {
		print_summary(res[0]);
	}
out:
	for (int i = 0; i < n_paths; i++)
		json_decref(res[i]);
	json_decref(params);
	rpc_conn_close(&k.c);
	return status;
}
