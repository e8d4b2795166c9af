// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The route.add / route.del fast path (lib/ctl/route_fast.c, rpc_server.c's
// fast_line) against the general path, through the real server, handlers and
// model on a fake datapath. Two models load the same config; each line runs
// once on model A with the fast path off and once on model B with it on,
// and the answers must be the same bytes, the routes the same after:
// - a corpus of valid routes (every next-hop kind, ECMP, VRFs, owners, ids
//   of every kind, batches, notifications) which must take the fast path;
// - every malformed shape (types, missing and extra keys, bad prefixes and
//   addresses, escapes, duplicate keys, huge numbers, truncated text...);
// - a commit that fails;
// - a few thousand random mutations of the valid lines.
// And the record route_add_fast_parse builds is, byte for byte, the route
// route_from_json builds from the same params.

#define _GNU_SOURCE // asprintf

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <jansson.h>

#include "config.h"
#include "ctl.h"
#include "ctl_json.h"
#include "ctl_priv.h"
#include "fake_dp.h"
#include "fast_scan.h"
#include "model.h"
#include "rpc_server.h"

static const char config_text[] =
	"{\"ports\": ["
	" {\"name\": \"p0\", \"device\": \"net_null0\", \"addresses\": [\"192.0.2.1/24\","
	"  \"2001:db8:1::1/64\"]},"
	" {\"name\": \"p1\", \"device\": \"net_null1\", \"vrf\": \"blue\", \"addresses\":"
	"  [\"198.51.100.1/24\", \"2001:db8:2::1/64\"]}],"
	" \"vrfs\": [{\"name\": \"blue\", \"table\": 10}],"
	" \"encap\": {\"source\": \"2001:db8:1::1\"}}";

static struct model A, B; // A: general path, B: fast path
static struct ctl_conf conf_a, conf_b;
static char tmpdir[64], sock_path[96];
static int cfd = -1;
static unsigned int n_lines, n_fast_expected;

// --- a client that waits for its answers ---------------------------------------------

#define SYNC "{\"jsonrpc\":\"2.0\",\"id\":\"sync\",\"method\":\"sync.none\"}"
#define SYNC_ANSWER                                                                                \
	"{\"jsonrpc\":\"2.0\",\"id\":\"sync\",\"error\":{\"code\":-32601,\"message\":\"method "    \
	"not found: sync.none\"}}\n"

struct buf {
	char *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		CU_ASSERT_FATAL(b->p != NULL);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static bool
ends_with(const struct buf *b, const char *s)
{
	size_t n = strlen(s);

	return b->len >= n && memcmp(b->p + b->len - n, s, n) == 0;
}

// Send line (len bytes, no newline) and a sync request; return (malloc'd)
// everything answered before the sync's answer.
static char *
roundtrip(const char *line, size_t len)
{
	struct buf out = {0}, in = {0};
	size_t sent = 0;
	char tmp[65536];

	buf_add(&out, line, len);
	buf_add(&out, "\n" SYNC "\n", strlen(SYNC) + 2);
	for (int spins = 0; spins < 1000000; spins++) {
		ssize_t n;

		if (sent < out.len) {
			n = send(cfd, out.p + sent, out.len - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
		}
		CU_ASSERT_FATAL(rpc_server_poll(ctl_server, 0) == 0);
		n = recv(cfd, tmp, sizeof(tmp), MSG_DONTWAIT);
		if (n > 0)
			buf_add(&in, tmp, (size_t)n);
		if (sent == out.len && ends_with(&in, SYNC_ANSWER)) {
			in.len -= strlen(SYNC_ANSWER);
			in.p[in.len] = '\0';
			free(out.p);
			return in.p != NULL ? in.p : strdup("");
		}
	}
	CU_FAIL_FATAL("no answer");
	return NULL;
}

static void
use(bool fast)
{
	CU_ASSERT_FATAL(ctl_init(fast ? &conf_b : &conf_a) == 0);
	rpc_server_set_fast(ctl_server, fast);
}

static char *
run_on(bool fast, const char *line, size_t len)
{
	use(fast);
	return roundtrip(line, len);
}

static unsigned int
fast_lines(void)
{
	return (unsigned int)rpc_server_stats(ctl_server)->fast_lines;
}

static unsigned int n_mismatch;

// The routes of both models, through route.list (general path both times).
static void
compare_routes(const char *after)
{
	static const char list[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.list\"}";
	char *a = run_on(false, list, strlen(list));
	char *b = run_on(true, list, strlen(list));

	if (strcmp(a, b) != 0 && n_mismatch++ < 5)
		fprintf(stderr, "\nroutes differ after %s\nA: %.600s\nB: %.600s\n", after, a, b);
	CU_ASSERT(strcmp(a, b) == 0);
	free(a);
	free(b);
}

// One line through both paths; the answers must be the same bytes. fast:
// 1 the fast path must take it, 0 it must not, -1 either.
static void
diff_line(const char *line, size_t len, int fast)
{
	unsigned int f0;
	char *a, *b;

	a = run_on(false, line, len);
	f0 = fast_lines();
	b = run_on(true, line, len);
	n_lines++;
	if (strcmp(a, b) != 0 && n_mismatch++ < 5)
		fprintf(stderr, "\nanswers differ for %.*s\nA: %s\nB: %s\n", (int)len, line, a, b);
	CU_ASSERT(strcmp(a, b) == 0);
	if (fast >= 0 && (fast_lines() != f0) != (fast == 1)) {
		fprintf(stderr, "\nfast path %s for %.*s\nanswer: %s\n",
			fast ? "not taken" : "taken", (int)len, line, b);
		CU_FAIL("fast path choice");
	}
	if (fast == 1)
		n_fast_expected++;
	free(a);
	free(b);
}

static void
diff_str(const char *line, int fast)
{
	diff_line(line, strlen(line), fast);
}

// --- fixture --------------------------------------------------------------------

static int
load(struct model *m, struct ctl_conf *c, const char *name)
{
	struct model_err e = {0};
	char p[160];
	FILE *f;

	snprintf(p, sizeof(p), "%s/config.json", tmpdir);
	f = fopen(p, "w");
	if (f == NULL)
		return -1;
	fputs(config_text, f);
	fclose(f);
	*c = (struct ctl_conf){.model = m, .dpdk_version = "DPDK 22.11.0"};
	snprintf(p, sizeof(p), "%s/%s.json", tmpdir, name);
	c->config_path = strdup(p);
	if (model_init(m) < 0 || ctl_init(c) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/config.json", tmpdir);
	if (config_load(m, p, &e) < 0) {
		fprintf(stderr, "config: %s: %s\n", e.field, e.msg);
		return -1;
	}
	return 0;
}

static int
suite_init(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_route_fast.XXXXXX");
	if (mkdtemp(tmpdir) == NULL || load(&A, &conf_a, "a") < 0 || load(&B, &conf_b, "b") < 0)
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/ctl.sock", tmpdir);
	conf_a.socket_path = sock_path;
	if (ctl_server_create(&conf_a) == NULL)
		return -1;
	cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return 0;
}

static int
suite_fini(void)
{
	char cmd[128];

	close(cfd);
	rpc_server_destroy(ctl_server);
	model_fini(&A);
	model_fini(&B);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

// --- the corpus ---------------------------------------------------------------

// route.add params that are valid here (every next-hop kind, ECMP, VRFs...).
static const char *const valid_add[] = {
	"{\"prefix\":\"10.0.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.0.1.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"192.0.2.2\"}]}",
	"{\"prefix\":\"10.0.2.0/24\",\"nexthops\":[{\"type\":\"ip\",\"port\":\"p0\"}]}",
	"{\"prefix\":\"10.0.3.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"192.0.2.3\","
	"\"port\":\"p0\",\"weight\":7}]}",
	"{\"prefix\":\"10.0.4.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"2001:db8:1::2\"}]}",
	"{\"prefix\":\"2001:db8:99::/"
	"48\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"2001:db8:1::9\"}]}",
	"{\"prefix\":\"10.0.5.0/"
	"24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::1\"]}]}",
	"{\"prefix\":\"10.0.6.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::1\","
	"\"fc00::2\",\"fc00::3\"],\"encap\":\"h.encaps.red\",\"src\":\"2001:db8:1::5\"}]}",
	"{\"prefix\":\"10.0.7.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::7\"],"
	"\"encap\":\"h.encaps\",\"weight\":65535}]}",
	"{\"prefix\":\"10.0.8.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::1\"]},"
	"{\"type\":\"srv6\",\"segments\":[\"fc00::2\"],\"weight\":3},{\"type\":\"ip\",\"via\":"
	"\"192.0.2.4\"}]}",
	"{\"prefix\":\"10.0.9.9\",\"nexthops\":[{\"type\":\"local\"}]}",
	"{\"prefix\":\"10.0.10.0/24\",\"owner\":\"bgp\",\"nexthops\":[{\"type\":\"blackhole\","
	"\"weight\":1}]}",
	"{\"vrf\":\"blue\",\"prefix\":\"10.0.0.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":"
	"\"198.51.100.2\"}]}",
	"{\"vrf\":\"default\",\"prefix\":\"10.0.11.0/24\",\"nexthops\":[{\"type\":\"srv6\","
	"\"segments\":[\"fc00::11\"]}]}",
	"{\"nexthops\":[{\"segments\":[\"fc00::12\"],\"type\":\"srv6\"}],\"owner\":\"o-1_x.y\","
	"\"prefix\":\"10.0.12.0/24\",\"vrf\":\"blue\"}",
	" { \"prefix\" : \"10.0.13.0/24\" ,\t\"nexthops\" : [ { \"type\" : \"ip\" , \"via\" : "
	"\"192.0.2.5\" } ] } ",
	"{\"prefix\":\"0.0.0.0/0\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"192.0.2.1\"}]}",
	"{\"prefix\":\"::/0\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"2001:db8:1::1\",\"port\":"
	"\"p0\"}]}",
	"{\"prefix\":\"2001:db8:aa::1\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":["
	"\"fc00::1\"]}]}",
	"{\"prefix\":\"10.0.14.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::1\","
	"\"fc00::2\",\"fc00::3\",\"fc00::4\",\"fc00::5\",\"fc00::6\",\"fc00::7\",\"fc00::8\","
	"\"fc00::9\",\"fc00::a\",\"fc00::b\",\"fc00::c\",\"fc00::d\",\"fc00::e\",\"fc00::f\","
	"\"fc00::10\"]}]}",
	"{\"prefix\":\"10.0.15.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"192.0.2.10\"},"
	"{\"type\":\"ip\",\"via\":\"192.0.2.11\"},{\"type\":\"ip\",\"via\":\"192.0.2.12\"},"
	"{\"type\":\"ip\",\"via\":\"192.0.2.13\"},{\"type\":\"ip\",\"via\":\"192.0.2.14\"},"
	"{\"type\":\"ip\",\"via\":\"192.0.2.15\"},{\"type\":\"ip\",\"via\":\"192.0.2.16\"},"
	"{\"type\":\"ip\",\"via\":\"192.0.2.17\"},{\"type\":\"ip\",\"via\":\"192.0.2.18\"},"
	"{\"type\":\"ip\",\"via\":\"192.0.2.19\"},{\"type\":\"ip\",\"via\":\"192.0.2.20\"},"
	"{\"type\":\"ip\",\"via\":\"192.0.2.21\"},{\"type\":\"ip\",\"via\":\"192.0.2.22\"},"
	"{\"type\":\"ip\",\"via\":\"192.0.2.23\"},{\"type\":\"ip\",\"via\":\"192.0.2.24\"},"
	"{\"type\":\"ip\",\"via\":\"192.0.2.25\"}]}",
	"{\"prefix\":\"10.0.16.0/24\",\"owner\":\"0123456789012345678901234567890\",\"nexthops\":"
	"[{\"type\":\"blackhole\"}]}",
};

static const char *const valid_del[] = {
	"{\"prefix\":\"10.0.0.0/24\"}",
	"{\"vrf\":\"blue\",\"prefix\":\"10.0.0.0/24\"}",
	"{\"prefix\":\"10.0.9.9/32\",\"vrf\":\"default\"}",
};

// route.add params the general path refuses (or that the fast path leaves to it).
static const char *const bad_add[] = {
	"{}",
	"{\"prefix\":\"10.1.0.0/24\"}",
	"{\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.1/24\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/33\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0/24\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24 \",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":17,\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":null,\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":{}}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[\"blackhole\"]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"drop\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":1}]}",
	"{\"prefix\":\"10.1.0.0/"
	"24\",\"nexthops\":[{\"type\":\"blackhole\",\"via\":\"192.0.2.2\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\"},{\"type\":"
	"\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"local\"},{\"type\":\"ip\",\"via\":"
	"\"192.0.2.2\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"ip\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"203.0.113.1\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"224.0.0.1\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"0.0.0.0\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"192.0.2.256\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"192.0.2.2\","
	"\"port\":\"p9\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"ip\",\"port\":\"p1\"}]}",
	"{\"prefix\":\"2001:db8:98::/48\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"192.0.2.2\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"ip\",\"via\":\"192.0.2.2\","
	"\"segments\":[\"fc00::1\"]}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"srv6\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[]}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":\"fc00::1\"}]}",
	"{\"prefix\":\"10.1.0.0/"
	"24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"10.0.0.1\"]}]}",
	"{\"prefix\":\"10.1.0.0/"
	"24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"ff02::1\"]}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"::\"]}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[1]}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::1\","
	"\"fc00::2\",\"fc00::3\",\"fc00::4\",\"fc00::5\",\"fc00::6\",\"fc00::7\",\"fc00::8\","
	"\"fc00::9\",\"fc00::a\",\"fc00::b\",\"fc00::c\",\"fc00::d\",\"fc00::e\",\"fc00::f\","
	"\"fc00::10\",\"fc00::11\"]}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::1\"],"
	"\"encap\":\"h.insert\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::1\"],"
	"\"src\":\"192.0.2.1\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::1\"],"
	"\"ipsec_sa\":1}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::1\"],"
	"\"port\":\"p0\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\",\"weight\":0}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\",\"weight\":65536}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\",\"weight\":-1}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\",\"weight\":1.0}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\",\"weight\":1e2}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\",\"weight\":"
	"99999999999999999999999}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\",\"weight\":\"2\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\",\"weight\":true}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\",\"weight\":01}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"vrf\":\"red\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"vrf\":\"\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"vrf\":1,\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"owner\":\"\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"owner\":\"a b\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"owner\":\"01234567890123456789012345678901\",\"nexthops\":"
	"[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"owner\":\"caf\xc3\xa9\",\"nexthops\":[{\"type\":"
	"\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/"
	"24\",\"owner\":\"a\\u0041\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"owner\":\"a\\u0000b\",\"nexthops\":[{\"type\":"
	"\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0\\/24\",\"nexthops\":[{\"type\":\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\"}],\"color\":1}",
	"{\"prefix\":\"10.1.0.0/24\",\"prefix\":\"10.1.1.0/24\",\"nexthops\":[{\"type\":"
	"\"blackhole\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\",\"type\":\"local\"}]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\"}],}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\"},]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\"}]",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackh",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[[{\"type\":\"blackhole\"}]]}",
	"{\"prefix\":\"10.1.0.0/24\",\"nexthops\":[{\"type\":\"blackhole\"}],\"owner\":{\"a\":1}}",
	"[]",
	"null",
	"\"x\"",
};

static const char *const bad_del[] = {
	"{}",
	"{\"prefix\":\"10.77.0.0/24\"}", // no such route: 1001
	"{\"prefix\":\"10.0.0.1/24\"}",
	"{\"prefix\":\"10.0.0.0/24\",\"vrf\":\"red\"}",
	"{\"prefix\":\"10.0.0.0/24\",\"nexthops\":[]}",
	"{\"prefix\":\"10.0.0.0/24\",\"prefix\":\"10.0.0.0/24\"}",
};

// A request line around params.
static char *
req(const char *method, const char *id, const char *params)
{
	char *s;
	int n;

	if (id != NULL)
		n = asprintf(&s, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"%s\",\"params\":%s}",
			     id, method, params);
	else
		n = asprintf(&s, "{\"jsonrpc\":\"2.0\",\"method\":\"%s\",\"params\":%s}", method,
			     params);
	CU_ASSERT_FATAL(n > 0);
	return s;
}

static char *
batch(char **reqs, size_t n)
{
	struct buf b = {0};

	buf_add(&b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_add(&b, ",", 1);
		buf_add(&b, reqs[i], strlen(reqs[i]));
	}
	buf_add(&b, "]", 1);
	return b.p;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

// --- tests -------------------------------------------------------------------------

// The record of the fast parser against route_from_json's route: whatever
// the fast parser takes, route_from_json takes too and builds the same bytes
// (the model may still refuse some: the general path answers those).
static bool
same_record(const char *params, bool *taken)
{
	static struct model_route r;
	struct fast_buf recs = {0};
	struct fast_scan s = {params, params + strlen(params)};
	struct api_error_info e = {0};
	json_t *p = json_loads(params, JSON_DECODE_ANY, NULL);
	size_t off = 0;
	bool ok = true;

	// The parser reads one object; text after it is the caller's to refuse.
	*taken = route_add_fast_parse(&s, &recs, &off) == 0;
	fs_ws(&s);
	*taken = *taken && s.p == s.end;
	if (*taken) {
		memset(&r, 0xa5, sizeof(r)); // what route_from_json leaves alone must not matter
		ok = p != NULL && route_from_json(ctl_model, p, "", &r, &e) == 0 &&
		     memcmp(recs.p + off, &r, model_route_size(&r)) == 0;
		if (!ok)
			fprintf(stderr, "\nrecord differs for %s: %s\n", params, e.message);
	}
	json_decref(p);
	free(recs.p);
	return ok;
}

static void
test_record_bytes(void)
{
	bool taken;

	use(true);
	for (size_t i = 0; i < N(valid_add); i++) {
		CU_ASSERT(same_record(valid_add[i], &taken));
		CU_ASSERT(taken);
	}
	for (size_t i = 0; i < N(bad_add); i++)
		CU_ASSERT(same_record(bad_add[i], &taken));
}

static void
test_corpus(void)
{
	static const char *const ids[] = {
		"1", "0", "-5", "\"a-b/c d\"", "null", "123456789012345678", NULL};
	static const char sub[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\","
				  "\"params\":{\"topics\":[\"*\"]}}";
	char *reqs[N(valid_add) + N(valid_del)], *line;
	size_t n = 0;

	// Events follow each answer: they are compared with it.
	free(roundtrip(sub, strlen(sub)));

	// Each valid request alone with each kind of id, re-added (a replace)
	// after the first time.
	for (size_t i = 0; i < N(valid_add); i++) {
		for (size_t j = 0; j < N(ids); j++) {
			line = req("route.add", ids[j], valid_add[i]);
			diff_str(line, 1);
			free(line);
		}
	}
	for (size_t i = 0; i < N(bad_add); i++) {
		line = req("route.add", "7", bad_add[i]);
		diff_str(line, -1); // some parse well and the model refuses them
		free(line);
	}
	for (size_t i = 0; i < N(bad_del); i++) {
		line = req("route.del", "8", bad_del[i]);
		diff_str(line, 0);
		free(line);
	}
	for (size_t i = 0; i < N(valid_del); i++) {
		line = req("route.del", "\"d\"", valid_del[i]);
		diff_str(line, 1);
		diff_str(line, 0); // gone now: 1001 from the general path
		free(line);
	}
	compare_routes("the single requests");

	// Batches: all valid (adds then deletes), then with one bad request at
	// the start, middle or end (rolled back whole).
	for (size_t i = 0; i < N(valid_add); i++)
		reqs[n++] = req("route.add", i % 3 == 0 ? NULL : "9", valid_add[i]);
	for (size_t i = 0; i < N(valid_del); i++)
		reqs[n++] = req("route.del", "10", valid_del[i]);
	line = batch(reqs, n);
	diff_str(line, 1);
	free(line);
	compare_routes("the valid batch");
	for (size_t k = 0; k < 3; k++) {
		size_t at = k == 0 ? 0 : k == 1 ? n / 2 : n - 1;
		char *keep = reqs[at];

		for (size_t b = 0; b < N(bad_add); b += 7) {
			reqs[at] = req("route.add", "11", bad_add[b]);
			line = batch(reqs, n);
			diff_str(line, 0);
			free(line);
			free(reqs[at]);
		}
		reqs[at] = keep;
	}
	compare_routes("the failing batches");
	// A batch of notifications only: no answer at all.
	for (size_t i = 0; i < 4; i++) {
		free(reqs[i]);
		reqs[i] = req("route.add", NULL, valid_add[i]);
	}
	line = batch(reqs, 4);
	diff_str(line, 1);
	free(line);
	for (size_t i = 0; i < n; i++)
		free(reqs[i]);

	// Envelopes.
	static const char *const env[] = {
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.add\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.add\",\"params\":null}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.add\",\"params\":[]}",
		"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"route.add\",\"params\":{}}",
		"{\"id\":1,\"method\":\"route.del\",\"params\":{\"prefix\":\"10.0.1.0/24\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"route.del\",\"params\":{\"prefix\":"
		"\"10.0.1.0/24\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"route.del\",\"params\":{\"prefix\":"
		"\"10.0.1.0/24\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"route.del\",\"params\":{\"prefix\":"
		"\"10.0.1.0/24\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"route.del\",\"params\":{\"prefix\":"
		"\"10.0.1.0/24\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"method\":\"route.del\","
		"\"params\":"
		"{\"prefix\":\"10.0.2.0/24\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":\"\\u00e9\",\"method\":\"route.del\",\"params\":"
		"{\"prefix\":\"10.0.2.0/24\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":{\"prefix\":\"10.0.3.0/24\"},\"method\":"
		"\"route.del\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.del\",\"params\":{\"prefix\":"
		"\"10.0.4.0/24\"},\"extra\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"route.del\",\"params\":"
		"{\"prefix\":\"10.0.5.0/24\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.nope\",\"params\":{}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\",\"params\":"
		"{\"topics\":[]}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route\\u002edel\",\"params\":{"
		"\"prefix\":"
		"\"10.0.6.0/24\"}}",
		"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.del\",\"params\":{\"prefix\":"
		"\"10.0.7.0/24\"}},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"vrf.list\"}]",
		"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.del\",\"params\":{\"prefix\":"
		"\"10.0.8.0/24\"}},1]",
		"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.del\",\"params\":{\"prefix\":"
		"\"10.0.10.0/24\"}}]x",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.del\",\"params\":{\"prefix\":"
		"\"10.0.11.0/24\"}} {}",
		"[",
		"]",
		"[]",
		"{",
		"x",
		"1",
	};
	for (size_t i = 0; i < N(env); i++)
		diff_str(env[i], 0);
	compare_routes("the envelopes");
}

static void
test_commit_fails(void)
{
	char *r1 = req("route.add", "1", valid_add[0]);
	char *r2 = req("route.add", "\"x\"", valid_add[1]);
	char *reqs[] = {r1, r2};
	char *line = batch(reqs, 2);

	fake_commit_rc = -ENOSPC;
	diff_str(r1, 1);
	diff_str(line, 1);
	fake_commit_rc = 0;
	compare_routes("failed commits");
	free(line);
	free(r1);
	free(r2);
}

// Random changes to valid lines: whatever they become, both paths answer
// alike.
static void
test_mutations(void)
{
	static const char pool[] = "{}[],:\"\\/ -0123456789.eE+afxnulbtp\t\xc3\xa9\x7f\x01";
	char *bases[N(valid_add) + 4];
	size_t nb = 0;
	static const char head[] =
		"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"route.add\",\"params\":";
	unsigned int fast0 = fast_lines(), n_params_taken = 0;

	srand(8);
	for (size_t i = 0; i < N(valid_add); i++)
		bases[nb++] = req("route.add", "3", valid_add[i]);
	for (size_t i = 0; i < N(valid_del); i++)
		bases[nb++] = req("route.del", "\"q\"", valid_del[i]);
	bases[nb++] = batch(bases, 4);
	for (int iter = 0; iter < 5000; iter++) {
		const char *base = bases[(size_t)rand() % nb];
		size_t len = strlen(base);
		char *s = malloc(2 * len + 64);
		int muts = 1 + rand() % 3;

		memcpy(s, base, len);
		for (int m = 0; m < muts && len > 0; m++) {
			size_t at = (size_t)rand() % len;
			char c = pool[(size_t)rand() % (sizeof(pool) - 1)];

			switch (rand() % 6) {
			case 0: // replace
				s[at] = c;
				break;
			case 1: // delete
				memmove(s + at, s + at + 1, len - at - 1);
				len--;
				break;
			case 2: // insert
				memmove(s + at + 1, s + at, len - at);
				s[at] = c;
				len++;
				break;
			case 3: // another digit, hex digit or dot: mostly still valid JSON
				if ((s[at] >= '0' && s[at] <= '9') || s[at] == '.')
					s[at] = "0123456789abcdef.:"[rand() % 18];
				else
					s[at] = "0123456789"[rand() % 10];
				break;
			case 4: { // repeat a piece (duplicate keys, longer lists)
				size_t n = 1 + (size_t)rand() % 24;
				if (at + n > len || len + n > 2 * strlen(base) + 48)
					break;
				memmove(s + at + n, s + at, len - at);
				len += n;
				break;
			}
			default: // cut
				len = at;
				break;
			}
		}
		diff_line(s, len, -1);
		// The params alone (the mutated line less its envelope) through both
		// parsers.
		if (strncmp(base, head, strlen(head)) == 0 && len > strlen(head) &&
		    strncmp(s, head, strlen(head)) == 0) {
			bool taken;
			char *p = strndup(s + strlen(head), len - strlen(head) - 1);
			CU_ASSERT(same_record(p, &taken));
			n_params_taken += taken;
			free(p);
		}
		free(s);
		if (iter % 200 == 199)
			compare_routes("mutations");
	}
	compare_routes("mutations");
	// Some of them stayed valid and took the fast path.
	CU_ASSERT(fast_lines() - fast0 > 20);
	fprintf(stderr,
		"\n  %u lines compared, %u taken by the fast path after mutation;"
		" %u mutated params parsed alike\n",
		n_lines, fast_lines() - fast0, n_params_taken);
	for (size_t i = 0; i < nb; i++)
		free(bases[i]);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("route_fast", suite_init, suite_fini);
	CU_add_test(s, "fast records are route_from_json's bytes", test_record_bytes);
	CU_add_test(s, "corpus: same answers, same routes", test_corpus);
	CU_add_test(s, "a failing commit", test_commit_fails);
	CU_add_test(s, "random mutations", test_mutations);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed != 0 ? 1 : 0;
}
