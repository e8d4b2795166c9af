// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The control objects' JSON codec (lib/ctl/ctl_json), the config loader and
// the method handlers, on the real model and a fake datapath (no EAL):
// - every object round-trips parse -> model -> encoder, and a whole config
//   file round-trips config_load -> config_to_json, and config.save ->
//   config_load into a fresh model;
// - every malformed class answers -32602 (or 1005) naming the exact field;
// - a bad config file applies nothing;
// - every handler survives NULL params and wrong types at any depth, and a
//   failed or aborted request leaves the model as it was.

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <jansson.h>

#include "config.h"
#include "ctl.h"
#include "ctl_json.h"
#include "ctl_priv.h"
#include "dp_api.h"
#include "fake_dp.h"
#include "model.h"
#include "rpc_server.h"

// --- fake datapath and server -------------------------------------------------------

static json_t *notified; // [[topic, params], ...] from rpc_server_notify

struct rpc_server *
rpc_server_create(const struct rpc_server_conf *conf)
{
	(void)conf;
	errno = ENOTSUP;
	return NULL;
}

void
rpc_server_notify(struct rpc_server *srv, const char *topic, json_t *params)
{
	(void)srv;
	if (notified != NULL)
		json_array_append_new(notified, json_pack("[s,o]", topic, params));
	else
		json_decref(params);
}

// Every topic has a listener here, so every event is built and recorded.
bool
rpc_server_has_subscriber(const struct rpc_server *srv, const char *topic)
{
	(void)topic;
	return srv != NULL;
}

const struct rpc_server_stats *
rpc_server_stats(const struct rpc_server *srv)
{
	static const struct rpc_server_stats zero;

	(void)srv;
	return &zero;
}

// --- fixture --------------------------------------------------------------------------

static struct model M;
static int fake_server_handle;

// IPsec keys of the base config: AES key then 4-byte salt.
#define KEY128 "f00dfeed0123456789abcdeff00dfeedc0ffee01"
#define KEY256 "a5a5a5a5b6b6b6b6c7c7c7c7d8d8d8d8e9e9e9e9fafafafa0b0b0b0b1c1c1c1c2d2d2d2d"

// The canonical form of a configuration: what config_to_json writes (with
// secrets), so it compares equal after a load. Arrays are in the model's
// listing order.
static const char base_config[] =
	"{"
	"\"ports\": ["
	" {\"name\": \"wan0\", \"device\": \"net_null0\", \"mtu\": 1500, \"vrf\": \"default\","
	"  \"addresses\": [\"2001:db8:0:1::1/64\"], \"host_if\": \"wan0\"},"
	" {\"name\": \"ce0\", \"device\": \"net_null1\", \"mtu\": 9000, \"vrf\": \"L3VPN-1\","
	"  \"addresses\": [\"172.16.10.1/24\", \"2001:db8:1::1/64\"], \"mac\": "
	"\"02:00:00:00:0c:01\", \"tcp_mss\": 1360}"
	"],"
	"\"encap\": {\"source\": \"2001:db8:0:1::1\", \"hop_limit\": 64, \"flowlabel\": "
	"\"compute\"},"
	"\"locators\": [{\"name\": \"VPN\", \"prefix\": \"2001:db8:aa::/48\", \"block_len\": 32,"
	"  \"node_len\": 16, \"func_len\": 16, \"usid\": false}],"
	"\"vrfs\": [{\"name\": \"L3VPN-1\", \"table\": 101, \"rd\": \"10.1.1.1:101\","
	"  \"import_rt\": [\"65513:101\"], \"export_rt\": [\"65513:101\", \"65513:1\"]}],"
	"\"sids\": ["
	" {\"sid\": \"2001:db8:aa:1::\", \"behavior\": \"End.DT46\", \"vrf\": \"L3VPN-1\","
	"  \"locator\": \"VPN\"},"
	" {\"sid\": \"2001:db8:bb::1\", \"behavior\": \"End\", \"flavors\": [\"psp\", \"usd\"]},"
	" {\"sid\": \"2001:db8:bb::2\", \"behavior\": \"End.X\","
	"  \"nexthop\": {\"via\": \"2001:db8:0:1::2\", \"port\": \"wan0\"}},"
	" {\"sid\": \"2001:db8:bb::3\", \"behavior\": \"End.DX4\","
	"  \"nexthop\": {\"via\": \"172.16.10.2\"}},"
	" {\"sid\": \"2001:db8:bb::4\", \"behavior\": \"End.B6.Encaps\","
	"  \"segments\": [\"2001:db8:cc::1\", \"2001:db8:cc::2\"]},"
	" {\"sid\": \"2001:db8:bb:1::/64\", \"behavior\": \"End.T\", \"vrf\": \"L3VPN-1\"}"
	"],"
	"\"routes\": ["
	" {\"vrf\": \"default\", \"prefix\": \"10.99.0.0/16\", \"nexthops\": [{\"type\": "
	"\"blackhole\"}]},"
	" {\"vrf\": \"default\", \"prefix\": \"::/0\","
	"  \"nexthops\": [{\"type\": \"ip\", \"via\": \"2001:db8:0:1::2\", \"port\": \"wan0\"}]},"
	" {\"vrf\": \"L3VPN-1\", \"prefix\": \"10.0.0.0/8\","
	"  \"nexthops\": [{\"type\": \"ip\", \"via\": \"172.16.10.254\"}]},"
	" {\"vrf\": \"L3VPN-1\", \"prefix\": \"172.16.20.0/24\", \"owner\": \"bgp\","
	"  \"nexthops\": [{\"type\": \"srv6\", \"segments\": [\"2001:db8:cc:1::\"],"
	"   \"encap\": \"h.encaps\"}]},"
	" {\"vrf\": \"L3VPN-1\", \"prefix\": \"172.16.30.0/24\", \"nexthops\": ["
	"  {\"type\": \"srv6\", \"segments\": [\"2001:db8:cc:1::\"], \"encap\": \"h.encaps.red\","
	"   \"src\": \"2001:db8:0:1::1\", \"weight\": 2},"
	"  {\"type\": \"srv6\", \"segments\": [\"2001:db8:cc:2::\", \"2001:db8:cc:3::\"],"
	"   \"encap\": \"h.encaps\"}]},"
	" {\"vrf\": \"L3VPN-1\", \"prefix\": \"172.16.40.1/32\", \"nexthops\": [{\"type\": "
	"\"local\"}]},"
	" {\"vrf\": \"L3VPN-1\", \"prefix\": \"172.16.50.0/24\", \"nexthops\": [{\"type\": "
	"\"srv6\", \"segments\": [\"2001:db8:cc:1::\"], \"encap\": \"h.encaps\", \"policy\": "
	"{\"color\": 10, \"endpoint\": \"2001:db8:cc::9\"}}]},"
	" {\"vrf\": \"L3VPN-1\", \"prefix\": \"2001:db8:2::/64\","
	"  \"nexthops\": [{\"type\": \"ip\", \"port\": \"ce0\"}]}"
	"],"
	"\"policies\": ["
	" {\"color\": 10, \"endpoint\": \"2001:db8:cc::9\", \"name\": \"low-delay\", \"encap\": "
	"\"h.encaps.red\", \"segment_lists\": [{\"segments\": [\"2001:db8:c1::1\", "
	"\"2001:db8:c2::1\"], \"weight\": 3}, {\"segments\": [\"2001:db8:c3::1\"], \"weight\": "
	"1}]}"
	"],"
	"\"neighbors\": ["
	" {\"port\": \"wan0\", \"address\": \"2001:db8:0:1::2\", \"mac\": \"02:00:00:00:0a:01\"},"
	" {\"port\": \"ce0\", \"address\": \"172.16.10.2\", \"mac\": \"02:00:00:00:0c:02\"}"
	"],"
	"\"ipsec\": {\"sas\": ["
	" {\"id\": \"from-b\", \"direction\": \"in\", \"spi\": 8192, \"mode\": \"srv6\","
	"  \"aead\": \"aes-gcm-256\", \"key\": \"" KEY256 "\", \"replay_window\": 1024,"
	"  \"esn\": true, \"lifetime\": {\"bytes\": 1000000000000, \"packets\": 1000000}},"
	" {\"id\": \"to-b\", \"direction\": \"out\", \"spi\": 4096, \"mode\": \"tunnel\","
	"  \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
	"  \"tunnel\": {\"src\": \"2001:db8:0:1::1\", \"dst\": \"2001:db8:0:2::1\"},"
	"  \"replay_window\": 64, \"esn\": false}"
	"]},"
	"\"datapath\": {\"idle_sleep_us\": 50, \"spread\": \"off\", \"crypto\": \"cpu\"}"
	"}";

// Distinctive keys (16 + 4 and 32 + 4 bytes): no 6-character run of them may
// appear in any error message, list output or config.get without secrets.
static const char *const secret_keys[] = {KEY128, KEY256};

static bool
leaks_key(const char *text)
{
	for (size_t k = 0; k < sizeof(secret_keys) / sizeof(secret_keys[0]); k++) {
		const char *key = secret_keys[k];
		for (size_t i = 0; i + 6 <= strlen(key); i++) {
			char run[7];
			memcpy(run, key + i, 6);
			run[6] = '\0';
			if (text != NULL && strstr(text, run) != NULL) {
				fprintf(stderr, "\nkey material (%s) in: %s\n", run, text);
				return true;
			}
		}
	}
	return false;
}

static bool
json_leaks_key(const json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT);
	bool leak = leaks_key(text);

	free(text);
	return leak;
}

static char tmpdir[64];

static json_t *
J(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &err);

	if (v == NULL)
		fprintf(stderr, "bad test JSON: %s: %s\n", err.text, text);
	CU_ASSERT_FATAL(v != NULL);
	return v;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

static void
path_in_tmp(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static int
load_text(struct model *m, const char *text, struct model_err *e)
{
	char p[128];

	path_in_tmp(p, sizeof(p), "load.json");
	write_file(p, text);
	return config_load(m, p, e);
}

static int
suite_init(void)
{
	struct ctl_conf conf = {.model = &M, .dpdk_version = "DPDK 22.11.0"};
	char p[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_ctl_json.XXXXXX");
	if (mkdtemp(tmpdir) == NULL || model_init(&M) < 0)
		return -1;
	path_in_tmp(p, sizeof(p), "running.json");
	conf.config_path = strdup(p);
	return ctl_init(&conf);
}

static void
test_load_base(void)
{
	struct model_err e = {0};

	if (load_text(&M, base_config, &e) < 0)
		fprintf(stderr, "base config: %s: %s\n", e.field, e.msg);
	CU_ASSERT_FATAL(model_port_find(&M, "ce0") == 1);
	CU_ASSERT(M.txn == NULL);
	CU_ASSERT(fake_commits == 1);
	CU_ASSERT(fake_idle_us == 50);
	CU_ASSERT(fake_spread == DP_SPREAD_OFF);
}

static int
suite_fini(void)
{
	char cmd[128];

	model_fini(&M);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct rpc_method_binding *
binding(const char *method)
{
	for (size_t i = 0; i < ctl_n_methods; i++)
		if (strcmp(ctl_methods[i].name, method) == 0)
			return &ctl_methods[i];
	return NULL;
}

// One request as the server runs it: begin, handler, commit or abort.
static int
rpc(const char *method, json_t *params, json_t **res, struct api_error_info *e)
{
	const struct rpc_method_binding *b = binding(method);
	struct rpc_call c = {.method = method};
	int rc;

	memset(e, 0, sizeof(*e));
	*res = NULL;
	CU_ASSERT_FATAL(b != NULL);
	c.txn = ctl_txn_ops.begin(NULL);
	CU_ASSERT_FATAL(c.txn != NULL);
	rc = b->fn(&c, params, res, e);
	if (rc == 0) {
		rc = ctl_txn_ops.commit(NULL, c.txn, e);
		if (rc != 0) {
			json_decref(*res);
			*res = NULL;
		}
	} else {
		ctl_txn_ops.abort(NULL, c.txn);
	}
	return rc;
}

// rpc() with params as text; the result is returned (NULL on error).
static json_t *
rpc_ok(const char *method, const char *params)
{
	struct api_error_info e;
	json_t *p = params != NULL ? J(params) : NULL, *res;
	int rc = rpc(method, p, &res, &e);

	if (rc != 0)
		fprintf(stderr, "%s %s: %d %s\n", method, params ? params : "", e.code, e.message);
	CU_ASSERT(rc == 0);
	json_decref(p);
	return res;
}

static void
rpc_err(const char *method, const char *params, int code, const char *field)
{
	struct api_error_info e;
	json_t *p = params != NULL ? J(params) : NULL, *res;
	int rc = rpc(method, p, &res, &e);

	CU_ASSERT(rc != 0);
	CU_ASSERT(res == NULL);
	if (e.code != code || strcmp(e.field, field) != 0)
		fprintf(stderr, "\n%s %s: want %d %s, got %d %s (%s)\n", method, params, code,
			field, e.code, e.field, e.message);
	CU_ASSERT(e.code == code);
	CU_ASSERT_STRING_EQUAL(e.field, field);
	// The message names the field first when there is one.
	if (field[0] != '\0')
		CU_ASSERT(strncmp(e.message, field, strlen(field)) == 0);
	json_decref(res);
	json_decref(p);
}

static bool
same_json(const json_t *a, const json_t *b)
{
	if (json_equal(a, b))
		return true;
	char *x = json_dumps(a, JSON_SORT_KEYS), *y = json_dumps(b, JSON_SORT_KEYS);
	fprintf(stderr, "\n  got:  %s\n  want: %s\n", x, y);
	free(x);
	free(y);
	return false;
}

// --- round trips -------------------------------------------------------------------

// The base config without the SAs' keys: what config.get shows by default.
static json_t *
without_keys(json_t *cfg)
{
	json_t *sa;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(cfg, "ipsec"), "sas"), i, sa)
		json_object_del(sa, "key");
	return cfg;
}

static void
test_config_roundtrip(void)
{
	json_t *want = J(base_config), *got = config_to_json(&M, true), *res;

	CU_ASSERT(same_json(got, want));
	res = rpc_ok("config.get", "{\"secrets\": true}");
	CU_ASSERT(same_json(res, want));
	json_decref(res);
	// Without {"secrets": true}: everything but the keys.
	without_keys(want);
	res = rpc_ok("config.get", NULL);
	CU_ASSERT(same_json(res, want));
	CU_ASSERT(!json_leaks_key(res));
	json_decref(res);
	res = rpc_ok("config.get", "{\"secrets\": false}");
	CU_ASSERT(same_json(res, want));
	json_decref(res);
	json_decref(got);
	got = config_to_json(&M, false);
	CU_ASSERT(same_json(got, want));
	json_decref(got);
	json_decref(want);
}

// An l2vpn bridge (port with peers) and its End.DT2U / End.DT2M SIDs: the
// configuration read back is the file's (peers, bum_segments only where
// given, mac_age_s), and loads again into a fresh model the same.
static void
test_config_l2vpn_bridge(void)
{
	static const char text[] =
		"{\"ports\": [{\"name\": \"wan0\", \"device\": \"d0\", \"vrf\": \"default\","
		" \"addresses\": [\"2001:db8:0:1::1/64\"]},"
		" {\"name\": \"lan0\", \"device\": \"d1\", \"vrf\": \"default\", \"addresses\": [],"
		"  \"l2vpn\": {\"peers\": [{\"address\": \"2001:db8:0:2::1\", \"segments\": "
		"[\"2001:db8:2:d4::\"], \"bum_segments\": [\"2001:db8:2:d5::\"]},"
		"   {\"address\": \"2001:db8:0:3::1\", \"segments\": [\"2001:db8:9::\", "
		"\"2001:db8:3:d4::\"]}], \"mac_age_s\": 60, \"encap\": \"h.encaps.l2\"}}],"
		" \"encap\": {\"source\": \"2001:db8:0:1::1\"},"
		" \"sids\": [{\"sid\": \"2001:db8:1:d4::\", \"behavior\": \"End.DT2U\", \"port\": "
		"\"lan0\"}, {\"sid\": \"2001:db8:1:d5::\", \"behavior\": \"End.DT2M\", \"port\": "
		"\"lan0\"}]}";
	struct model *m2 = calloc(1, sizeof(*m2)), *m3 = calloc(1, sizeof(*m3));
	struct model_err e = {0};
	json_t *a, *b, *l2, *peers;
	char *dump;

	CU_ASSERT_FATAL(m2 != NULL && m3 != NULL && model_init(m2) == 0 && model_init(m3) == 0);
	if (load_text(m2, text, &e) != 0)
		fprintf(stderr, "\nbridge config: %s: %s\n", e.field, e.msg);
	a = config_to_json(m2, false);
	l2 = json_object_get(json_array_get(json_object_get(a, "ports"), 1), "l2vpn");
	peers = json_object_get(l2, "peers");
	CU_ASSERT(json_array_size(peers) == 2);
	CU_ASSERT(json_object_get(l2, "segments") == NULL);
	CU_ASSERT(json_integer_value(json_object_get(l2, "mac_age_s")) == 60);
	CU_ASSERT(json_object_get(json_array_get(peers, 1), "bum_segments") == NULL);
	CU_ASSERT(json_array_size(json_object_get(json_array_get(peers, 1), "segments")) == 2);
	CU_ASSERT(json_array_size(json_object_get(json_array_get(peers, 0), "bum_segments")) == 1);
	dump = json_dumps(a, 0);
	CU_ASSERT_FATAL(dump != NULL);
	CU_ASSERT(load_text(m3, dump, &e) == 0);
	b = config_to_json(m3, false);
	CU_ASSERT(same_json(a, b));
	free(dump);
	json_decref(a);
	json_decref(b);
	model_fini(m2);
	model_fini(m3);
	free(m2);
	free(m3);
}

// config.save -> config_load into a fresh model -> the same configuration.
static void
test_config_save_reload(void)
{
	struct model_err e = {0};
	struct model *m2 = calloc(1, sizeof(*m2));
	char p[128];
	json_t *a, *b, *res;

	CU_ASSERT_FATAL(m2 != NULL && model_init(m2) == 0);
	path_in_tmp(p, sizeof(p), "saved.json");
	res = rpc_ok("config.save", NULL); // the --config path
	CU_ASSERT(json_is_string(json_object_get(res, "file")));
	// The file holds the keys: mode 0600, whatever the umask.
	{
		struct stat st;
		CU_ASSERT(stat(json_string_value(json_object_get(res, "file")), &st) == 0);
		CU_ASSERT((st.st_mode & 07777) == 0600);
	}
	json_decref(res);
	// Over an existing file with a wider mode: 0600 too.
	write_file(p, "stale");
	CU_ASSERT(chmod(p, 0644) == 0);
	{
		char params[200];
		struct stat st;
		snprintf(params, sizeof(params), "{\"file\": \"%s\"}", p);
		json_decref(rpc_ok("config.save", params));
		CU_ASSERT(stat(p, &st) == 0);
		CU_ASSERT((st.st_mode & 07777) == 0600);
	}
	CU_ASSERT(access(p, R_OK) == 0);
	// With the secrets: a restart gets the SAs back, keys included.
	a = config_to_json(&M, true);
	// The setting comes back from the file, not from what is running.
	fake_idle_us = 7;
	fake_spread = DP_SPREAD_EVEN;
	if (config_load(m2, p, &e) != 0)
		fprintf(stderr, "\nreload: %s: %s\n", e.field, e.msg);
	CU_ASSERT(fake_idle_us == 50);
	CU_ASSERT(fake_spread == DP_SPREAD_OFF);
	b = config_to_json(m2, true);
	CU_ASSERT(same_json(b, a));
	CU_ASSERT(json_array_size(json_object_get(json_object_get(b, "ipsec"), "sas")) == 2);
	json_decref(a);
	json_decref(b);
	model_fini(m2);
	free(m2);
	// No file left behind but the target.
	rpc_err("config.save", "{\"file\": \"/nonexistent-dir/x.json\"}", API_ERR_INTERNAL, "file");
}

static void
roundtrip_route(const char *text, const char *expect)
{
	struct api_error_info e = {0};
	struct model_route r;
	json_t *in = J(text), *want = J(expect ? expect : text), *out;

	CU_ASSERT_FATAL(route_from_json(&M, in, "", &r, &e) == 0);
	out = route_to_json(&M, &r);
	CU_ASSERT(same_json(out, want));
	json_decref(out);
	json_decref(in);
	json_decref(want);
}

static void
test_object_roundtrips(void)
{
	struct api_error_info e = {0};
	json_t *in, *out;

	roundtrip_route(
		"{\"vrf\": \"L3VPN-1\", \"prefix\": \"172.16.50.0/24\", \"owner\": \"static\","
		" \"nexthops\": [{\"type\": \"srv6\", \"segments\": [\"2001:db8:cc::1\"],"
		" \"encap\": \"h.encaps.red\"}]}",
		NULL);
	// Defaults made explicit: vrf default, owner static, encap h.encaps, weight 1 omitted.
	roundtrip_route(
		"{\"prefix\": \"2001:db8:9::/48\", \"nexthops\": [{\"type\": \"srv6\","
		" \"segments\": [\"2001:db8:cc::1\"], \"weight\": 1}]}",
		"{\"vrf\": \"default\", \"prefix\": \"2001:db8:9::/48\", \"owner\": \"static\","
		" \"nexthops\": [{\"type\": \"srv6\", \"segments\": [\"2001:db8:cc::1\"],"
		" \"encap\": \"h.encaps\"}]}");
	roundtrip_route(
		"{\"vrf\": \"default\", \"prefix\": \"2001:db8:9::1/128\", \"owner\": \"x\","
		" \"nexthops\": [{\"type\": \"ip\", \"via\": \"2001:db8:0:1::9\", \"weight\": 3},"
		" {\"type\": \"ip\", \"via\": \"fe80::1\", \"port\": \"wan0\"}]}",
		NULL);
	// A bare address is a host prefix.
	roundtrip_route("{\"prefix\": \"10.1.2.3\", \"nexthops\": [{\"type\": \"blackhole\"}]}",
			"{\"vrf\": \"default\", \"prefix\": \"10.1.2.3/32\", \"owner\": \"static\","
			" \"nexthops\": [{\"type\": \"blackhole\"}]}");

	// Every SID behaviour of the base config, through sid.add's parser.
	const char *sids[] = {
		"{\"sid\": \"2001:db8:bb::1\", \"behavior\": \"End\", \"flavors\": [\"psp\", "
		"\"usd\"]}",
		"{\"sid\": \"2001:db8:bb::2\", \"behavior\": \"End.X\","
		" \"nexthop\": {\"via\": \"2001:db8:0:1::2\", \"port\": \"wan0\"}}",
		"{\"sid\": \"2001:db8:bb::5\", \"behavior\": \"End.DX6\","
		" \"nexthop\": {\"via\": \"2001:db8:1::2\"}}",
		"{\"sid\": \"2001:db8:bb::6\", \"behavior\": \"End.DT4\", \"vrf\": \"L3VPN-1\"}",
		"{\"sid\": \"2001:db8:bb::7\", \"behavior\": \"End.DT6\", \"vrf\": \"default\"}",
		"{\"sid\": \"2001:db8:bb::4\", \"behavior\": \"End.B6.Encaps\","
		" \"segments\": [\"2001:db8:cc::1\", \"2001:db8:cc::2\"]}",
		"{\"sid\": \"2001:db8:bb::8\", \"behavior\": \"End.B6.Encaps.Red\","
		" \"segments\": [\"2001:db8:cc::1\"]}",
		"{\"sid\": \"2001:db8:bb:1::/64\", \"behavior\": \"End.T\", \"vrf\": \"L3VPN-1\"}",
		"{\"sid\": \"2001:db8:bb::d2\", \"behavior\": \"End.DX2\", \"port\": \"ce0\"}",
		"{\"sid\": \"2001:db8:bb::a5\", \"behavior\": \"End.AS\","
		" \"nexthop\": {\"via\": \"172.16.10.2\", \"port\": \"ce0\"}, \"return_port\": "
		"\"wan0\","
		" \"segments\": [\"2001:db8:cc::1\", \"2001:db8:cc::2\"]}",
		"{\"sid\": \"2001:db8:bb::ad\", \"behavior\": \"End.AD\","
		" \"nexthop\": {\"via\": \"2001:db8:1::2\"}, \"return_port\": \"wan0\"}",
	};
	for (size_t i = 0; i < sizeof(sids) / sizeof(sids[0]); i++) {
		struct model_sid s;
		in = J(sids[i]);
		CU_ASSERT(sid_from_json(&M, in, "", false, &s, &e) == 0);
		out = sid_to_json(&M, &s);
		CU_ASSERT(same_json(out, in));
		json_decref(out);
		json_decref(in);
	}
	// "/128" is the same SID as the bare address, and reads back bare.
	{
		struct model_sid s;
		in = J("{\"sid\": \"2001:db8:bb::9/128\", \"behavior\": \"End\"}");
		CU_ASSERT(sid_from_json(&M, in, "", false, &s, &e) == 0);
		out = sid_to_json(&M, &s);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(out, "sid")),
				       "2001:db8:bb::9");
		json_decref(out);
		json_decref(in);
	}
	{
		struct model_vrf v;
		in = J("{\"name\": \"V2\", \"table\": 7, \"import_rt\": [], \"export_rt\": "
		       "[\"1:2\"]}");
		CU_ASSERT(vrf_from_json(&M, in, "", &v, &e) == 0);
		out = vrf_to_json(&v);
		CU_ASSERT(same_json(out, in));
		json_decref(out);
		json_decref(in);
	}
	{
		struct model_locator l;
		in = J("{\"name\": \"L2\", \"prefix\": \"2001:db8:dd::/48\", \"block_len\": 40,"
		       " \"node_len\": 8, \"func_len\": 32, \"usid\": true}");
		CU_ASSERT(locator_from_json(in, "", &l, &e) == 0);
		out = locator_to_json(&l);
		CU_ASSERT(same_json(out, in));
		json_decref(out);
		json_decref(in);
	}
	{
		struct model_encap enc = {.hop_limit = 64};
		in = J("{\"source\": \"2001:db8::5\", \"hop_limit\": \"inherit\", \"flowlabel\": "
		       "\"zero\"}");
		CU_ASSERT(encap_from_json(in, "", &enc, &e) == 0);
		out = encap_to_json(&enc);
		CU_ASSERT(same_json(out, in));
		json_decref(out);
		json_decref(in);
	}
	{
		struct model_neigh n = {
			.is_static = true, .has_mac = true, .state = NEIGH_PERMANENT};
		in = J("{\"port\": \"ce0\", \"address\": \"2001:db8:1::7\", \"mac\": "
		       "\"02:00:00:00:00:07\"}");
		CU_ASSERT(neigh_from_json(&M, in, "", &n.port, &n.addr, n.mac, &e) == 0);
		out = neigh_to_json(&M, &n);
		json_object_set_new(in, "state", json_string("permanent"));
		json_object_set_new(in, "static", json_true());
		CU_ASSERT(same_json(out, in));
		json_decref(out);
		json_decref(in);
	}
	{
		struct model_port p = {.mtu = 1500};
		in = J("{\"name\": \"x0\", \"device\": \"net_null9\", \"mtu\": 1500, \"vrf\": "
		       "\"L3VPN-1\", \"addresses\": [\"10.9.9.9/24\"], \"mac\": "
		       "\"02:00:00:00:00:09\"}");
		CU_ASSERT(port_from_json(&M, in, "", true, &p, &e) == 0);
		out = port_to_json(&M, &p);
		CU_ASSERT(same_json(out, in));
		json_decref(out);
		json_decref(in);
	}
}

// --- malformed input ------------------------------------------------------------------

struct bad_case {
	const char *method;
	const char *params;
	int code;
	const char *field;
};

#define IP API_ERR_INVALID_PARAMS

static const struct bad_case bad_cases[] = {
	// route.add: keys and types
	{"route.add", "{\"nexthops\": [{\"type\": \"blackhole\"}]}", IP, "prefix"},
	{"route.add", "{\"prefix\": 10, \"nexthops\": [{\"type\": \"blackhole\"}]}", IP, "prefix"},
	{"route.add", "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [], \"foo\": 1}", IP, "foo"},
	{"route.add", "{\"prefix\": \"10.0.0.0/33\", \"nexthops\": [{\"type\": \"blackhole\"}]}",
	 IP, "prefix"},
	{"route.add", "{\"prefix\": \"10.0.0.1/8\", \"nexthops\": [{\"type\": \"blackhole\"}]}", IP,
	 "prefix"},
	{"route.add", "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": {}}", IP, "nexthops"},
	{"route.add", "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": []}", IP, "nexthops"},
	{"route.add", "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [7]}", IP, "nexthops[0]"},
	{"route.add", "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{}]}", IP, "nexthops[0].type"},
	{"route.add", "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"mpls\"}]}", IP,
	 "nexthops[0].type"},
	{"route.add", "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\"}]}", IP,
	 "nexthops[0].segments"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\", \"segments\": \"x\"}]}",
	 IP, "nexthops[0].segments"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\", \"segments\": [[1]]}]}",
	 IP, "nexthops[0].segments[0]"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\","
	 " \"segments\": [\"2001:db8::1\", \"10.0.0.1\"]}]}",
	 IP, "nexthops[0].segments[1]"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\","
	 " \"segments\": [\"2001:db8::1\", \"ff02::1\"]}]}",
	 IP, "nexthops[0].segments[1]"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\", \"segments\": ["
	 "\"::1:1\", \"::1:2\", \"::1:3\", \"::1:4\", \"::1:5\", \"::1:6\", \"::1:7\", \"::1:8\","
	 "\"::1:9\", \"::1:a\", \"::1:b\", \"::1:c\", \"::1:d\", \"::1:e\", \"::1:f\", \"::1:10\","
	 "\"::1:11\"]}]}",
	 IP, "nexthops[0].segments"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\","
	 " \"segments\": [\"2001:db8::1\"], \"encap\": \"h.insert\"}]}",
	 IP, "nexthops[0].encap"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\","
	 " \"segments\": [\"2001:db8::1\"], \"src\": \"10.0.0.1\"}]}",
	 IP, "nexthops[0].src"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\","
	 " \"segments\": [\"2001:db8::1\"], \"via\": \"2001:db8::2\"}]}",
	 IP, "nexthops[0].via"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"blackhole\", \"weight\": 0}]}",
	 IP, "nexthops[0].weight"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"blackhole\", \"port\": "
	 "\"wan0\"}]}",
	 IP, "nexthops[0].port"},
	{"route.add", "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"ip\"}]}", IP,
	 "nexthops[0]"},
	{"route.add",
	 "{\"prefix\": \"2001:db8:5::/48\", \"nexthops\": [{\"type\": \"ip\", \"via\": "
	 "\"10.0.0.1\"}]}",
	 IP, "nexthops[0].via"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"ip\", \"via\": "
	 "\"2001:db8:0:1::2\","
	 " \"port\": \"nope0\"}]}",
	 IP, "nexthops[0].port"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"ip\", \"via\": {\"a\": 1}}]}",
	 IP, "nexthops[0].via"},
	{"route.add",
	 "{\"vrf\": \"NOPE\", \"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": "
	 "\"blackhole\"}]}",
	 IP, "vrf"},
	{"route.add",
	 "{\"vrf\": 5, \"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": "
	 "\"blackhole\"}]}",
	 IP, "vrf"},
	{"route.add",
	 "{\"owner\": \"\", \"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": "
	 "\"blackhole\"}]}",
	 IP, "owner"},
	// The model's own checks keep their field: via on no connected subnet.
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"192.0.2.1\"}]}",
	 IP, "nexthops[0].via"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"blackhole\"}, {\"type\": "
	 "\"local\"}]}",
	 IP, "nexthops[0].type"},
	{"route.del", "{\"prefix\": \"10.123.0.0/16\"}", API_ERR_NOT_FOUND, "prefix"},
	{"route.del", "{\"vrf\": \"NOPE\", \"prefix\": \"10.123.0.0/16\"}", API_ERR_NOT_FOUND,
	 "vrf"},
	{"route.get", "{\"vrf\": \"L3VPN-1\", \"address\": \"2001:db8:99::1\"}", API_ERR_NOT_FOUND,
	 "address"},
	{"route.get", "{\"address\": \"x\"}", IP, "address"},
	// sid.add
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.Y\"}", IP, "behavior"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\"}", IP, "behavior"},
	{"sid.add", "{\"sid\": \"10.0.0.1\", \"behavior\": \"End\"}", IP, "sid"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::/32\", \"behavior\": \"End\"}", IP, "sid"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.DT46\"}", IP, "vrf"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.DT4\", \"vrf\": \"NOPE\"}",
	 IP, "vrf"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End\", \"vrf\": \"L3VPN-1\"}",
	 IP, "vrf"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.X\"}", IP, "nexthop"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.X\", \"nexthop\": []}", IP,
	 "nexthop"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.X\", \"nexthop\": {}}", IP,
	 "nexthop.via"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.X\", \"nexthop\": {\"via\": "
	 "\"2001:db8:0:1::2\", \"mac\": 1}}",
	 IP, "nexthop.mac"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.X\", \"nexthop\": {\"via\": "
	 "\"10.0.0.1\"}}",
	 IP, "nexthop.via"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.DX4\", \"nexthop\": {\"via\": "
	 "\"2001:db8:0:1::2\"}}",
	 IP, "nexthop.via"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.X\", \"nexthop\": {\"via\": "
	 "\"2001:db8:0:1::2\", \"port\": \"nope0\"}}",
	 IP, "nexthop.port"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.B6.Encaps\"}", IP,
	 "segments"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.B6.Encaps.Red\"}", IP,
	 "segments"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.B6.Encaps.Red\", \"vrf\": "
	 "\"L3VPN-1\", \"segments\": [\"2001:db8::1\"]}",
	 IP, "vrf"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End\", \"segments\": [\"2001:db8::1\"]}",
	 IP, "segments"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End\", \"flavors\": [\"xsp\"]}",
	 IP, "flavors[0]"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End\", \"flavors\": \"psp\"}",
	 IP, "flavors"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End\", \"locator\": \"VPN\"}",
	 IP, "locator"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.DT4\", \"vrf\": \"L3VPN-1\", "
	 "\"flavors\": "
	 "[\"psp\"]}",
	 IP, "flavors"},
	// next-csid: in the block of no usid locator; a behaviour without it
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End\", \"flavors\": [\"next-csid\"]}", IP,
	 "flavors"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.DT4\", \"vrf\": \"L3VPN-1\", "
	 "\"flavors\": [\"next-csid\"]}",
	 IP, "flavors"},
	// End.DX2's port; the proxies' return_port and segments
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.DX2\"}", IP, "port"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.DX2\", \"port\": \"nope0\"}", IP,
	 "port"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End\", \"port\": \"ce0\"}", IP,
	 "port"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.AS\", \"nexthop\": {\"via\": "
	 "\"172.16.10.2\"}, \"segments\": [\"2001:db8::1\"]}",
	 IP, "return_port"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.AS\", \"nexthop\": {\"via\": "
	 "\"172.16.10.2\"}, \"return_port\": \"wan0\"}",
	 IP, "segments"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.AS\", \"nexthop\": {\"via\": "
	 "\"172.16.10.2\"}, \"return_port\": \"nope0\", \"segments\": [\"2001:db8::1\"]}",
	 IP, "return_port"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.AD\", \"return_port\": \"wan0\"}", IP,
	 "nexthop"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.AD\", \"nexthop\": {\"via\": "
	 "\"172.16.10.2\"}, \"return_port\": \"wan0\", \"segments\": [\"2001:db8::1\"]}",
	 IP, "segments"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.DT4\", \"vrf\": \"L3VPN-1\", "
	 "\"return_port\": \"wan0\"}",
	 IP, "return_port"},
	// a return port serves one proxy: the base config's... none yet, so
	// a proxy whose service is not on a connected subnet is the refusal here
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.AD\", \"nexthop\": {\"via\": "
	 "\"10.200.0.1\"}, \"return_port\": \"wan0\"}",
	 IP, "nexthop.via"},
	{"port.set", "{\"name\": \"ce0\", \"l2vpn\": {\"segments\": [\"2001:db8::1\"]}}", IP,
	 "l2vpn"},
	// SR policies, their steering, HMAC keys
	{"policy.add", "{\"color\": 1, \"endpoint\": \"2001:db8::1\"}", IP, "segment_lists"},
	{"policy.add",
	 "{\"color\": 1, \"endpoint\": \"2001:db8::1\", \"segment_lists\": [{\"weight\": 2}]}", IP,
	 "segment_lists[0].segments"},
	{"policy.add",
	 "{\"color\": 1, \"endpoint\": \"2001:db8::1\", \"segment_lists\": [{\"segments\": "
	 "[\"2001:db8::2\"], \"weight\": 0}]}",
	 IP, "segment_lists[0].weight"},
	{"policy.add",
	 "{\"color\": -1, \"endpoint\": \"2001:db8::1\", \"segment_lists\": [{\"segments\": "
	 "[\"2001:db8::2\"]}]}",
	 IP, "color"},
	{"policy.add",
	 "{\"color\": 1, \"endpoint\": \"2001:db8::1\", \"segment_lists\": [{\"segments\": "
	 "[\"2001:db8::2\"]}], \"encap\": \"h.insert\"}",
	 IP, "encap"},
	{"policy.del", "{\"color\": 77, \"endpoint\": \"2001:db8::1\"}", API_ERR_NOT_FOUND,
	 "color"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End.AM\", \"nexthop\": {\"via\": "
	 "\"2001:db8:1::2\"}, \"return_port\": \"wan0\", \"segments\": [\"2001:db8::1\"]}",
	 IP, "segments"},
	// End.OP takes no parameters: whatever else is given is refused
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::40\", \"behavior\": \"End.OP\", \"segments\": "
	 "[\"2001:db8::1\"]}",
	 IP, "segments"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::40\", \"behavior\": \"End.OP\", \"flavors\": [\"psp\"]}", IP,
	 "flavors"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::40\", \"behavior\": \"End.OP\", \"nexthop\": {\"via\": "
	 "\"2001:db8:1::2\"}}",
	 IP, "nexthop"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::40\", \"behavior\": \"End.OP\", \"vrf\": \"L3VPN-1\"}", IP,
	 "vrf"},
	// a binding SID of a policy: the policy must exist, no segments beside
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::30\", \"behavior\": \"End.B6.Encaps\", \"policy\": "
	 "{\"color\": 99, \"endpoint\": \"2001:db8:cc::9\"}}",
	 IP, "policy"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::30\", \"behavior\": \"End.B6.Encaps\", \"segments\": "
	 "[\"2001:db8::1\"], \"policy\": {\"color\": 10, \"endpoint\": \"2001:db8:cc::9\"}}",
	 IP, "segments"},
	{"sid.add",
	 "{\"sid\": \"2001:db8:bb::30\", \"behavior\": \"End\", \"policy\": {\"color\": 10, "
	 "\"endpoint\": \"2001:db8:cc::9\"}}",
	 IP, "policy"},
	{"route.add",
	 "{\"vrf\": \"L3VPN-1\", \"prefix\": \"10.77.0.0/16\", \"nexthops\": [{\"type\": "
	 "\"srv6\", \"policy\": {\"color\": 1}}]}",
	 IP, "nexthops[0].policy.endpoint"},
	{"route.add",
	 "{\"vrf\": \"L3VPN-1\", \"prefix\": \"10.77.0.0/16\", \"nexthops\": [{\"type\": "
	 "\"ip\", \"via\": \"172.16.10.2\", \"policy\": {\"color\": 1, \"endpoint\": "
	 "\"2001:db8::1\"}}]}",
	 IP, "nexthops[0].policy"},
	{"route.add",
	 "{\"vrf\": \"L3VPN-1\", \"prefix\": \"10.77.0.0/16\", \"nexthops\": [{\"type\": "
	 "\"srv6\", \"segments\": [\"2001:db8::1\"], \"hmac_key_id\": 5}]}",
	 IP, "nexthops[0].hmac_key_id"},
	// H.Insert keeps the packet's IPv6 header: IPv6 routes only, one slot
	// of the segment list for the packet's own destination
	{"route.add",
	 "{\"vrf\": \"L3VPN-1\", \"prefix\": \"10.77.0.0/16\", \"nexthops\": [{\"type\": "
	 "\"srv6\", \"segments\": [\"2001:db8::1\"], \"encap\": \"h.insert\"}]}",
	 IP, "nexthops[0].encap"},
	{"route.add",
	 "{\"vrf\": \"L3VPN-1\", \"prefix\": \"2001:db8:77::/48\", \"nexthops\": [{\"type\": "
	 "\"srv6\", \"segments\": [\"2001:db8::1\", \"2001:db8::2\", \"2001:db8::3\", "
	 "\"2001:db8::4\", \"2001:db8::5\", \"2001:db8::6\", \"2001:db8::7\", \"2001:db8::8\", "
	 "\"2001:db8::9\", \"2001:db8::a\", \"2001:db8::b\", \"2001:db8::c\", \"2001:db8::d\", "
	 "\"2001:db8::e\", \"2001:db8::f\", \"2001:db8::10\"], \"encap\": \"h.insert\"}]}",
	 IP, "nexthops[0].encap"},
	{"route.add",
	 "{\"vrf\": \"L3VPN-1\", \"prefix\": \"2001:db8:77::/48\", \"nexthops\": [{\"type\": "
	 "\"srv6\", \"segments\": [\"2001:db8::1\"], \"encap\": \"h.inserted\"}]}",
	 IP, "nexthops[0].encap"},
	{"hmac.key.add", "{\"key_id\": 5, \"secret\": \"xyz\"}", IP, "secret"},
	{"hmac.key.add", "{\"key_id\": 0, \"secret\": \"abcd\"}", IP, "key_id"},
	{"hmac.key.add", "{\"key_id\": 5, \"secret\": \"abcd\", \"algorithm\": \"md5\"}", IP,
	 "algorithm"},
	{"hmac.key.del", "{\"key_id\": 5}", API_ERR_NOT_FOUND, "key_id"},
	{"sid.add", "{\"sid\": \"2001:db8:bb::20\", \"behavior\": \"End\", \"hmac_required\": 1}",
	 IP, "hmac_required"},
	{"sid.del", "{\"sid\": \"2001:db8:bb::99\"}", API_ERR_NOT_FOUND, "sid"},
	{"sid.alloc", "{\"locator\": \"NOPE\", \"behavior\": \"End.DT46\", \"vrf\": \"L3VPN-1\"}",
	 IP, "locator"},
	{"sid.alloc", "{\"locator\": \"VPN\", \"behavior\": \"End.DT46\"}", IP, "vrf"},
	// vrf.add / vrf.del
	{"vrf.add", "{\"table\": 5}", IP, "name"},
	{"vrf.add", "{\"name\": \"V9\"}", IP, "table"},
	{"vrf.add", "{\"name\": \"V9\", \"table\": -1}", IP, "table"},
	{"vrf.add", "{\"name\": \"V9\", \"table\": 4294967296}", IP, "table"},
	{"vrf.add", "{\"name\": \"V 9\", \"table\": 9}", IP, "name"},
	{"vrf.add", "{\"name\": \"V9\", \"table\": 9, \"import_rt\": [\"65513\"]}", IP,
	 "import_rt[0]"},
	{"vrf.add", "{\"name\": \"V9\", \"table\": 9, \"export_rt\": [\"1:1\", 5]}", IP,
	 "export_rt[1]"},
	{"vrf.add", "{\"name\": \"L3VPN-1\", \"table\": 9}", API_ERR_CONFLICT, "name"},
	{"vrf.add", "{\"name\": \"V9\", \"table\": 101}", API_ERR_CONFLICT, "table"},
	{"vrf.del", "{\"name\": \"NOPE\"}", API_ERR_NOT_FOUND, "name"},
	{"vrf.del", "{\"name\": \"L3VPN-1\"}", API_ERR_IN_USE, "name"},
	// locator.add
	{"locator.add", "{\"name\": \"L9\", \"prefix\": \"10.0.0.0/8\"}", IP, "prefix"},
	{"locator.add", "{\"name\": \"L9\", \"prefix\": \"2001:db8:ee::/48\", \"func_len\": 81}",
	 IP, "func_len"},
	{"locator.add", "{\"name\": \"L9\", \"prefix\": \"2001:db8:ee::/48\", \"usid\": 1}", IP,
	 "usid"},
	{"locator.add", "{\"name\": \"L9\", \"prefix\": \"2001:db8:aa:5::/64\"}", API_ERR_CONFLICT,
	 "prefix"},
	{"locator.del", "{\"name\": \"VPN\"}", API_ERR_IN_USE, "name"},
	// neighbor.add / del
	{"neighbor.add",
	 "{\"port\": \"nope0\", \"address\": \"10.0.0.1\", \"mac\": "
	 "\"02:00:00:00:00:01\"}",
	 IP, "port"},
	{"neighbor.add",
	 "{\"port\": \"ce0\", \"address\": \"10.0.0.1\", \"mac\": \"02:00:00:00:00\"}", IP, "mac"},
	{"neighbor.add",
	 "{\"port\": \"ce0\", \"address\": \"10.0.0.1\", \"mac\": \"01:00:5e:00:00:01\"}", IP,
	 "mac"},
	{"neighbor.add",
	 "{\"port\": \"ce0\", \"address\": \"224.0.0.1\", \"mac\": \"02:00:00:00:00:01\"}", IP,
	 "address"},
	{"neighbor.add", "{\"port\": \"ce0\", \"mac\": \"02:00:00:00:00:01\"}", IP, "address"},
	{"neighbor.del", "{\"port\": \"ce0\", \"address\": \"10.0.0.99\"}", API_ERR_NOT_FOUND,
	 "address"},
	// encap.set
	{"encap.set", "{\"hop_limit\": 0}", IP, "hop_limit"},
	{"encap.set", "{\"hop_limit\": 256}", IP, "hop_limit"},
	{"encap.set", "{\"hop_limit\": \"copy\"}", IP, "hop_limit"},
	{"encap.set", "{\"hop_limit\": true}", IP, "hop_limit"},
	{"encap.set", "{\"flowlabel\": \"random\"}", IP, "flowlabel"},
	{"encap.set", "{\"source\": \"10.0.0.1\"}", IP, "source"},
	{"encap.set", "{\"src\": \"2001:db8::1\"}", IP, "src"},
	// port.set
	{"port.set", "{\"name\": \"nope0\", \"mtu\": 1500}", API_ERR_NOT_FOUND, "name"},
	{"port.set", "{\"name\": \"ce0\", \"mtu\": 100}", IP, "mtu"},
	{"port.set", "{\"name\": \"ce0\", \"tcp_mss\": 100}", IP, "tcp_mss"},
	{"port.set", "{\"name\": \"ce0\", \"vrf\": \"NOPE\"}", IP, "vrf"},
	{"port.set", "{\"name\": \"ce0\", \"addresses\": [\"10.1.1.1/24\", \"10.1.1.2\"]}", IP,
	 "addresses[1]"},
	{"port.set", "{\"name\": \"ce0\", \"addresses\": [\"10.1.1.1/33\"]}", IP, "addresses[0]"},
	{"port.set",
	 "{\"name\": \"ce0\", \"addresses\": [\"2001:db8:0:1::1/64\"], \"vrf\": "
	 "\"default\"}",
	 API_ERR_CONFLICT, "addresses"},
	{"port.set", "{\"name\": \"ce0\", \"mac\": \"02:00:00:00:00:01\"}", IP, "mac"},
	// lists with a filter that names nothing
	{"port.list", "{\"name\": \"nope0\"}", API_ERR_NOT_FOUND, "name"},
	{"neighbor.list", "{\"port\": \"nope0\"}", API_ERR_NOT_FOUND, "port"},
	{"route.list", "{\"vrf\": \"NOPE\"}", API_ERR_NOT_FOUND, "vrf"},
	{"route.list", "{\"limit\": -1}", IP, "limit"},
	{"stats.get", "{\"port\": \"nope0\"}", API_ERR_NOT_FOUND, "port"},
	{"stats.get", "{\"sid\": \"2001:db8:bb::99\"}", API_ERR_NOT_FOUND, "sid"},
	{"stats.get", "{\"lcore\": 99}", API_ERR_NOT_FOUND, "lcore"},
	{"stats.reset", "{\"lcore\": 0}", API_ERR_NOT_FOUND, "lcore"},
	// capture
	{"capture.start", "{\"port\": \"nope0\", \"file\": \"/tmp/x.pcap\"}", IP, "port"},
	{"capture.start", "{\"port\": \"any\", \"file\": \"/tmp/x.pcap\", \"direction\": \"up\"}",
	 IP, "direction"},
	{"capture.start", "{\"port\": \"any\"}", IP, "file"},
	{"capture.stop", "{\"id\": 12345}", API_ERR_NOT_FOUND, "id"},
	// no params where some are required, params of the wrong JSON type
	{"route.add", NULL, IP, "prefix"},
	{"route.add", "[]", IP, "params"},
	{"vrf.list", "{\"x\": 1}", IP, "x"},
	{"config.get", "{\"file\": \"x\"}", IP, "file"},
	{"config.get", "{\"secrets\": \"yes\"}", IP, "secrets"},
	{"config.get", "{\"secrets\": 1}", IP, "secrets"},
	{"ipsec.sa.list", "{\"id\": \"to-b\"}", IP, "id"},
	{"ipsec.sa.del", NULL, IP, "id"},
	{"ipsec.sa.del", "{\"id\": 1}", IP, "id"},
	{"ipsec.sa.del", "{\"id\": \"nope\"}", API_ERR_NOT_FOUND, "id"},
	{"ipsec.sa.del", "{\"id\": \"to-b\", \"spi\": 4096}", IP, "spi"},
	// route next hops naming SAs: types, existence, direction; a good one is
	// refused until the datapath protects it (it would forward in clear)
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\","
	 " \"segments\": [\"2001:db8::1\"], \"ipsec_sa\": 1}]}",
	 IP, "nexthops[0].ipsec_sa"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\","
	 " \"segments\": [\"2001:db8::1\"], \"ipsec_sa\": \"nope\"}]}",
	 API_ERR_NOT_FOUND, "nexthops[0].ipsec_sa"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"blackhole\"},"
	 " {\"type\": \"srv6\", \"segments\": [\"2001:db8::1\"], \"ipsec_sa\": \"from-b\"}]}",
	 IP, "nexthops[1].ipsec_sa"},
	{"route.add",
	 "{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"ip\", \"via\": "
	 "\"172.16.10.254\", \"ipsec_sa\": \"to-b\"}]}",
	 IP, "nexthops[0].ipsec_sa"},
};

// ipsec.sa.add, every malformed input: a valid SA with one field broken.
// Each message must name the field first and carry no key material.
#define SA_OK_FIELDS                                                                               \
	"\"direction\": \"out\", \"mode\": \"tunnel\", \"aead\": \"aes-gcm-128\","                 \
	" \"key\": \"" KEY128                                                                      \
	"\", \"tunnel\": {\"src\": \"2001:db8::1\", \"dst\": \"2001:db8::2\"}"
static const struct bad_case bad_sas[] = {
	// id
	{"ipsec.sa.add", "{\"spi\": 4097, " SA_OK_FIELDS "}", IP, "id"},
	{"ipsec.sa.add", "{\"id\": 1, \"spi\": 4097, " SA_OK_FIELDS "}", IP, "id"},
	{"ipsec.sa.add", "{\"id\": \"\", \"spi\": 4097, " SA_OK_FIELDS "}", IP, "id"},
	{"ipsec.sa.add", "{\"id\": \"a b\", \"spi\": 4097, " SA_OK_FIELDS "}", IP, "id"},
	{"ipsec.sa.add",
	 "{\"id\": \"0123456789012345678901234567890123\", \"spi\": 4097, " SA_OK_FIELDS "}", IP,
	 "id"},
	{"ipsec.sa.add", "{\"id\": null, \"spi\": 4097, " SA_OK_FIELDS "}", IP, "id"},
	// spi: 0, 255 (reserved), 2^32, negative, strings, fractions
	{"ipsec.sa.add", "{\"id\": \"x\", " SA_OK_FIELDS "}", IP, "spi"},
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": 0, " SA_OK_FIELDS "}", IP, "spi"},
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": 1, " SA_OK_FIELDS "}", IP, "spi"},
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": 255, " SA_OK_FIELDS "}", IP, "spi"},
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": 4294967296, " SA_OK_FIELDS "}", IP, "spi"},
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": -4096, " SA_OK_FIELDS "}", IP, "spi"},
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": \"0x1000\", " SA_OK_FIELDS "}", IP, "spi"},
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": 4096.5, " SA_OK_FIELDS "}", IP, "spi"},
	// direction, mode, aead: unknown names, wrong types, missing
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"mode\": \"tunnel\", \"aead\": \"aes-gcm-128\","
	 " \"key\": \"" KEY128
	 "\", \"tunnel\": {\"src\": \"2001:db8::1\", \"dst\": \"2001:db8::2\"}}",
	 IP, "direction"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"outbound\", \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
	 " \"tunnel\": {\"src\": \"2001:db8::1\", \"dst\": \"2001:db8::2\"}}",
	 IP, "direction"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": true, \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
	 " \"tunnel\": {\"src\": \"2001:db8::1\", \"dst\": \"2001:db8::2\"}}",
	 IP, "direction"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"transport\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"}",
	 IP, "mode"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"aead\": \"aes-gcm-128\","
	 " \"key\": \"" KEY128 "\"}",
	 IP, "mode"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-128-gcm\", \"key\": \"" KEY128 "\"}",
	 IP, "aead"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"chacha20-poly1305\", \"key\": \"" KEY128 "\"}",
	 IP, "aead"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"key\": \"" KEY128 "\"}",
	 IP, "aead"},
	// key: missing, not a string, bad hex, odd length, wrong length for the AEAD
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\"}",
	 IP, "key"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\", \"key\": 1234567890}",
	 IP, "key"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\", \"key\": [\"" KEY128 "\"]}",
	 IP, "key"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"f00dfeed0123456789abcdeff00dfeedc0ffeezz\"}",
	 IP, "key"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"f00dfeed0123456789abcdeff00dfeedc0ffee0\"}",
	 IP, "key"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"f00dfeed0123456789abcdeff00dfeed\"}",
	 IP, "key"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY256 "\"}",
	 IP, "key"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-256\", \"key\": \"" KEY128 "\"}",
	 IP, "key"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"\"}",
	 IP, "key"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"0x " KEY128 "\"}",
	 IP, "key"},
	// tunnel: missing for mode tunnel, given for srv6, families mixed, parts
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"}",
	 IP, "tunnel"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
	 " \"tunnel\": {\"src\": \"2001:db8::1\", \"dst\": \"2001:db8::2\"}}",
	 IP, "tunnel"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
	 " \"tunnel\": {\"src\": \"2001:db8::1\", \"dst\": \"192.0.2.2\"}}",
	 IP, "tunnel.dst"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
	 " \"tunnel\": {\"src\": \"192.0.2.1\", \"dst\": \"2001:db8::2\"}}",
	 IP, "tunnel.dst"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128
	 "\", \"tunnel\": {\"src\": \"2001:db8::1\"}}",
	 IP, "tunnel.dst"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
	 " \"tunnel\": {\"src\": \"nope\", \"dst\": \"2001:db8::2\"}}",
	 IP, "tunnel.src"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
	 " \"tunnel\": {\"src\": \"::\", \"dst\": \"2001:db8::2\"}}",
	 IP, "tunnel.src"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
	 " \"tunnel\": {\"src\": \"2001:db8::1\", \"dst\": \"ff02::2\"}}",
	 IP, "tunnel.dst"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
	 " \"tunnel\": {\"src\": \"2001:db8::1\", \"dst\": \"2001:db8::2\", \"ttl\": 3}}",
	 IP, "tunnel.ttl"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"tunnel\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\", \"tunnel\": [\"2001:db8::1\"]}",
	 IP, "tunnel"},
	// replay window, ESN, lifetime
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"replay_window\": 4097, " SA_OK_FIELDS "}", IP,
	 "replay_window"},
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": 4097, \"replay_window\": -1, " SA_OK_FIELDS "}",
	 IP, "replay_window"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"replay_window\": \"64\", " SA_OK_FIELDS "}", IP,
	 "replay_window"},
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": 4097, \"esn\": \"yes\", " SA_OK_FIELDS "}", IP,
	 "esn"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"esn\": true, \"replay_window\": 0, " SA_OK_FIELDS "}",
	 IP, "esn"},
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": 4097, \"lifetime\": 5, " SA_OK_FIELDS "}", IP,
	 "lifetime"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"lifetime\": {\"bytes\": 0}, " SA_OK_FIELDS "}", IP,
	 "lifetime.bytes"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"lifetime\": {\"packets\": -5}, " SA_OK_FIELDS "}", IP,
	 "lifetime.packets"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"lifetime\": {\"seconds\": 60}, " SA_OK_FIELDS "}", IP,
	 "lifetime.seconds"},
	// unknown keys, the provisional API's names included
	{"ipsec.sa.add", "{\"id\": \"x\", \"spi\": 4097, \"cipher\": \"aes\", " SA_OK_FIELDS "}",
	 IP, "cipher"},
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 4097, \"src\": \"2001:db8::1\", " SA_OK_FIELDS "}", IP, "src"},
	// uniqueness: an inbound SPI taken by from-b
	{"ipsec.sa.add",
	 "{\"id\": \"x\", \"spi\": 8192, \"direction\": \"in\", \"mode\": \"srv6\","
	 " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"}",
	 API_ERR_CONFLICT, "spi"},
	// params of the wrong JSON type
	{"ipsec.sa.add", NULL, IP, "id"},
	{"ipsec.sa.add", "[]", IP, "params"},
};

static void
test_malformed(void)
{
	json_t *before = config_to_json(&M, true), *after;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		rpc_err(bad_cases[i].method, bad_cases[i].params, bad_cases[i].code,
			bad_cases[i].field);
	for (size_t i = 0; i < sizeof(bad_sas) / sizeof(bad_sas[0]); i++) {
		struct api_error_info e;
		json_t *p, *res;

		rpc_err(bad_sas[i].method, bad_sas[i].params, bad_sas[i].code, bad_sas[i].field);
		// Again for the message: no key material in it.
		p = bad_sas[i].params != NULL ? J(bad_sas[i].params) : NULL;
		CU_ASSERT(rpc(bad_sas[i].method, p, &res, &e) != 0);
		CU_ASSERT(!leaks_key(e.message));
		CU_ASSERT(!leaks_key(e.field));
		json_decref(p);
	}
	after = config_to_json(&M, true);
	CU_ASSERT(same_json(after, before));
	json_decref(before);
	json_decref(after);
}

// Parser paths are prefixed with the caller's path (the config loader's).
static void
test_paths(void)
{
	// jansson's syntax errors lose the token they quote (the socket's -32700
	// and config_load both use this).
	{
		char buf[160];
		json_error_t jerr;
		json_t *v = json_loads("{\"key\": \"f00dfeed0123\\q\"}", 0, &jerr);
		CU_ASSERT(v == NULL);
		CU_ASSERT(strstr(jerr.text, "f00dfeed") != NULL); // what jansson says
		CU_ASSERT_STRING_EQUAL(api_json_error_text(jerr.text, buf, sizeof(buf)),
				       "invalid escape");
		CU_ASSERT_STRING_EQUAL(
			api_json_error_text("end of file expected", buf, sizeof(buf)),
			"end of file expected");
	}

	struct api_error_info e = {0};
	struct model_route r;
	json_t *in = J("{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\","
		       " \"segments\": [\"2001:db8::1\", \"nope\"]}]}");

	CU_ASSERT(route_from_json(&M, in, "routes[2]", &r, &e) < 0);
	CU_ASSERT_STRING_EQUAL(e.field, "routes[2].nexthops[0].segments[1]");
	CU_ASSERT(e.code == API_ERR_INVALID_PARAMS);
	CU_ASSERT(strncmp(e.message, "routes[2].nexthops[0].segments[1]: ", 35) == 0);
	json_decref(in);
	in = J("5");
	CU_ASSERT(route_from_json(&M, in, "routes[0]", &r, &e) < 0);
	CU_ASSERT_STRING_EQUAL(e.field, "routes[0]");
	json_decref(in);
}

// --- config files ---------------------------------------------------------------------

struct bad_file {
	const char *text;
	const char *field;
};

static const struct bad_file bad_files[] = {
	{"{\"ports\": [", ""},
	{"[1]", ""},
	{"{\"ports\": [], \"foo\": 1}", "foo"},
	{"{\"routes\": []}", "ports"},
	{"{\"ports\": []}", "ports"},
	{"{\"ports\": [{\"name\": \"p0\"}]}", "ports[0].device"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"vrf\": \"V\"}]}", "ports[0].vrf"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}, {\"name\": \"p0\", \"device\": "
	 "\"d1\"}]}",
	 "ports[1]"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"broken0\"}]}", "ports[0].device"},
	// datapath: an object of known keys; idle_sleep_us 0..DP_IDLE_SLEEP_MAX_US
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"datapath\": 5}", "datapath"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"datapath\": {\"idle\": 5}}",
	 "datapath.idle"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"idle_sleep_us\": \"100\"}}",
	 "datapath.idle_sleep_us"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"idle_sleep_us\": 1.5}}",
	 "datapath.idle_sleep_us"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"idle_sleep_us\": null}}",
	 "datapath.idle_sleep_us"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"idle_sleep_us\": -1}}",
	 "datapath.idle_sleep_us"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"idle_sleep_us\": 10001}}",
	 "datapath.idle_sleep_us"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"idle_sleep_us\": 99999999999999}}",
	 "datapath.idle_sleep_us"},
	// spread: "inner" or "off"
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"spread\": \"rss\"}}",
	 "datapath.spread"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"spread\": true}}",
	 "datapath.spread"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"spread\": \"\"}}",
	 "datapath.spread"},
	// crypto: "auto", "cpu" or "lookaside"
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"crypto\": \"qat\"}}",
	 "datapath.crypto"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"datapath\": {\"crypto\": 1}}",
	 "datapath.crypto"},
	// A valid setting in a file refused later is not applied either.
	{"{\"datapath\": {\"idle_sleep_us\": 0},"
	 " \"ports\": [{\"name\": \"p0\", \"device\": \"broken0\"}]}",
	 "ports[0].device"},
	// tcp_mss: 0 (off) or 536 to 9600
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"tcp_mss\": 535}]}",
	 "ports[0].tcp_mss"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"tcp_mss\": 9601}]}",
	 "ports[0].tcp_mss"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"tcp_mss\": \"1360\"}]}",
	 "ports[0].tcp_mss"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"tcp_mss\": -1}]}",
	 "ports[0].tcp_mss"},
	// host interfaces: a kernel interface name, unique
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"host_if\": \"\"}]}",
	 "ports[0].host_if"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"host_if\": \"0123456789abcdef\"}]}",
	 "ports[0].host_if"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"host_if\": \"wan 0\"}]}",
	 "ports[0].host_if"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"host_if\": \"a/b\"}]}",
	 "ports[0].host_if"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"host_if\": 7}]}",
	 "ports[0].host_if"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"host_if\": \"h0\"}, "
	 "{\"name\": \"p1\", \"device\": \"d1\", \"host_if\": \"h0\"}]}",
	 "ports[1].host_if"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"addresses\": "
	 "[\"2001:db8::1/64\"]}],"
	 " \"routes\": [{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"blackhole\"}]},"
	 "  {\"prefix\": \"10.1.0.0/16\", \"nexthops\": [{\"type\": \"blackhole\"}]},"
	 "  {\"prefix\": \"10.2.0.0/16\", \"nexthops\": [{\"type\": \"srv6\","
	 "   \"segments\": [\"1.2.3.4\"]}]}]}",
	 "routes[2].nexthops[0].segments[0]"},
	// SRv6 routes need an encapsulation source: the model says so, the path says where.
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"routes\": [{\"prefix\": \"10.2.0.0/16\", \"nexthops\": [{\"type\": \"srv6\","
	 "   \"segments\": [\"2001:db8::1\"]}]}]}",
	 "routes[0].nexthops[0].src"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"encap\": {\"hop_limit\": 300}}",
	 "encap.hop_limit"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"sids\": [{\"sid\": "
	 "\"2001:db8::1\","
	 " \"behavior\": \"End\", \"locator\": \"L\"}]}",
	 "sids[0].locator"},
	// IPsec SAs: checked like ipsec.sa.add, with the file's path; all or nothing
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"ipsec\": {\"sas\": [{}]}}",
	 "ipsec.sas[0].id"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"ipsec\": {\"sas\": [5]}}",
	 "ipsec.sas[0]"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"ipsec\": {\"sas\": {}}}",
	 "ipsec.sas"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"ipsec\": []}", "ipsec"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"ipsec\": {\"sas\": ["
	 " {\"id\": \"a\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 "  \"aead\": \"aes-gcm-128\", \"key\": \"" KEY256 "\"}]}}",
	 "ipsec.sas[0].key"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"ipsec\": {\"sas\": ["
	 " {\"id\": \"a\", \"spi\": 4097, \"direction\": \"out\", \"mode\": \"srv6\","
	 "  \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"},"
	 " {\"id\": \"a\", \"spi\": 4098, \"direction\": \"out\", \"mode\": \"srv6\","
	 "  \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"}]}}",
	 "ipsec.sas[1]"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"ipsec\": {\"sas\": ["
	 " {\"id\": \"a\", \"spi\": 4097, \"direction\": \"in\", \"mode\": \"srv6\","
	 "  \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"},"
	 " {\"id\": \"b\", \"spi\": 4097, \"direction\": \"in\", \"mode\": \"srv6\","
	 "  \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"}]}}",
	 "ipsec.sas[1].spi"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"encap\": {\"source\": \"2001:db8::1\"},"
	 " \"routes\": [{\"prefix\": \"10.2.0.0/16\", \"nexthops\": [{\"type\": \"srv6\","
	 "   \"segments\": [\"2001:db8::2\"], \"ipsec_sa\": \"a\"}]}]}",
	 "routes[0].nexthops[0].ipsec_sa"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
	 " \"ipsec\": {\"sas\": [{\"id\": \"a\", \"spi\": 4097, \"direction\": \"out\","
	 "  \"mode\": \"srv6\", \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"}]},"
	 " \"vrfs\": [{\"name\": \"A\", \"table\": 1}, {\"name\": \"A\", \"table\": 2}]}",
	 "vrfs[1].name"},
	// A JSON syntax error next to a key: the message must not quote it.
	// (jansson would say "invalid escape near '"f00dfeed0123\q'".)
	{"{\"ports\": [], \"ipsec\": {\"sas\": [{\"key\": \"f00dfeed0123\\q\"}]}}", ""},
	{"{\"ports\": [], \"ipsec\": {\"sas\": [{\"key\" \"f00dfeed0123\"}]}}", ""},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"ipsec\": {\"keys\": []}}",
	 "ipsec.keys"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"vrfs\": [{\"name\": \"A\","
	 " \"table\": 1}, {\"name\": \"A\", \"table\": 2}]}",
	 "vrfs[1].name"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"neighbors\": [{\"port\": \"p1\","
	 " \"address\": \"10.0.0.1\", \"mac\": \"02:00:00:00:00:01\"}]}",
	 "neighbors[0].port"}, // l2vpn bridges: segments or peers; 1 to 8 peers of 1 to 4 segments, one
	// address each; End.DT2U / End.DT2M only on a bridge's port
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"addresses\": [], \"l2vpn\": "
	 "{\"segments\": [\"2001:db8::1\"], \"peers\": [{\"address\": "
	 "\"2001:db8::2\", \"segments\": [\"2001:db8::3\"]}]}}]}",
	 "ports[0].l2vpn.segments"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"addresses\": [], \"l2vpn\": "
	 "{\"peers\": []}}]}",
	 "ports[0].l2vpn.peers"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"addresses\": [], \"l2vpn\": "
	 "{\"peers\": [{\"address\": \"2001:db8::2\"}]}}]}",
	 "ports[0].l2vpn.peers[0].segments"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"addresses\": [], \"l2vpn\": "
	 "{\"peers\": [{\"address\": \"10.0.0.2\", \"segments\": "
	 "[\"2001:db8::3\"]}]}}]}",
	 "ports[0].l2vpn.peers[0].address"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"addresses\": [], \"l2vpn\": "
	 "{\"peers\": [{\"address\": \"2001:db8::2\", \"segments\": "
	 "[\"2001:db8::3\", \"2001:db8::4\", \"2001:db8::5\", \"2001:db8::6\", "
	 "\"2001:db8::7\"]}]}}]}",
	 "ports[0].l2vpn.peers[0].segments"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"addresses\": [], \"l2vpn\": "
	 "{\"peers\": [{\"address\": \"2001:db8::2\", \"segments\": "
	 "[\"2001:db8::3\"], \"color\": 1}]}}]}",
	 "ports[0].l2vpn.peers[0].color"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"addresses\": [], \"l2vpn\": "
	 "{\"peers\": [{\"address\": \"2001:db8::2\", \"segments\": "
	 "[\"2001:db8::3\"]}, {\"address\": \"2001:db8::2\", \"segments\": [\"2001:db8::4\"]}]}}]}",
	 "ports[0].l2vpn.peers"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\", \"addresses\": [], \"l2vpn\": "
	 "{\"peers\": [{\"address\": \"2001:db8::2\", \"segments\": "
	 "[\"2001:db8::3\"]}], \"mac_age_s\": 0}}]}",
	 "ports[0].l2vpn.mac_age_s"},
	{"{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}], \"encap\": {\"source\": "
	 "\"2001:db8::1\"}, \"sids\": [{\"sid\": \"2001:db8:9::\", \"behavior\": \"End.DT2U\", "
	 "\"port\": \"p0\"}]}",
	 "sids[0].port"},
};

static void
test_config_errors(void)
{
	struct model *m2 = calloc(1, sizeof(*m2));
	json_t *empty;

	CU_ASSERT_FATAL(m2 != NULL && model_init(m2) == 0);
	empty = config_to_json(m2, false);
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct model_err e = {0};
		json_t *now;
		int rc = load_text(m2, bad_files[i].text, &e);

		CU_ASSERT(rc < 0);
		if (strcmp(e.field, bad_files[i].field) != 0)
			fprintf(stderr, "\nfile %zu: want %s, got %s (%s)\n", i, bad_files[i].field,
				e.field, e.msg);
		CU_ASSERT_STRING_EQUAL(e.field, bad_files[i].field);
		CU_ASSERT(e.msg[0] != '\0');
		// The reason, without the field repeated in front of it.
		if (e.field[0] != '\0')
			CU_ASSERT(strncmp(e.msg, e.field, strlen(e.field)) != 0);
		CU_ASSERT(!leaks_key(e.msg));
		// Nothing half-applied.
		now = config_to_json(m2, false);
		CU_ASSERT(same_json(now, empty));
		CU_ASSERT(m2->txn == NULL);
		json_decref(now);
	}
	{
		struct model_err e = {0};
		CU_ASSERT(load_text(m2, "{\"ports\": [\n  1,]}", &e) < 0);
		CU_ASSERT(strncmp(e.msg, "line 2 column", 13) == 0);
	}
	// A commit refused by the datapath applies nothing either.
	{
		struct model_err e = {0};
		uint32_t before = fake_idle_us;
		enum dp_spread_mode spread_before = fake_spread;
		fake_commit_rc = -ENOSPC;
		CU_ASSERT(load_text(m2,
				    "{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
				    " \"datapath\": {\"idle_sleep_us\": 3, \"spread\": \"inner\"}}",
				    &e) == -ENOSPC);
		fake_commit_rc = 0;
		CU_ASSERT(model_port_find(m2, "p0") < 0);
		CU_ASSERT(fake_idle_us == before);
		CU_ASSERT(fake_spread == spread_before);
	}
	// The message of a too long sleep says the limit.
	{
		struct model_err e = {0};
		CU_ASSERT(load_text(m2,
				    "{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}],"
				    " \"datapath\": {\"idle_sleep_us\": 10001}}",
				    &e) < 0);
		CU_ASSERT(strstr(e.msg, "10000") != NULL);
	}
	json_decref(empty);
	model_fini(m2);
	free(m2);
}

// --- handlers -----------------------------------------------------------------------

// "datapath": absent means the default, 0 (busy polling) and the maximum are
// accepted, and config.get reports what was loaded.
static void
test_config_datapath(void)
{
	static const struct {
		const char *datapath; // NULL: no "datapath" key
		uint32_t want;
		enum dp_spread_mode want_spread;
		enum dp_crypto_mode want_crypto;
	} cases[] = {
		{NULL, DP_IDLE_SLEEP_DEFAULT_US, DP_SPREAD_INNER, DP_CRYPTO_AUTO},
		{"{}", DP_IDLE_SLEEP_DEFAULT_US, DP_SPREAD_INNER, DP_CRYPTO_AUTO},
		{"{\"idle_sleep_us\": 0}", 0, DP_SPREAD_INNER, DP_CRYPTO_AUTO},
		{"{\"idle_sleep_us\": 1}", 1, DP_SPREAD_INNER, DP_CRYPTO_AUTO},
		{"{\"idle_sleep_us\": 10000}", DP_IDLE_SLEEP_MAX_US, DP_SPREAD_INNER,
		 DP_CRYPTO_AUTO},
		{"{\"spread\": \"off\"}", DP_IDLE_SLEEP_DEFAULT_US, DP_SPREAD_OFF, DP_CRYPTO_AUTO},
		{"{\"spread\": \"inner\"}", DP_IDLE_SLEEP_DEFAULT_US, DP_SPREAD_INNER,
		 DP_CRYPTO_AUTO},
		{"{\"spread\": \"even\"}", DP_IDLE_SLEEP_DEFAULT_US, DP_SPREAD_EVEN,
		 DP_CRYPTO_AUTO},
		{"{\"crypto\": \"cpu\"}", DP_IDLE_SLEEP_DEFAULT_US, DP_SPREAD_INNER, DP_CRYPTO_CPU},
		{"{\"crypto\": \"lookaside\"}", DP_IDLE_SLEEP_DEFAULT_US, DP_SPREAD_INNER,
		 DP_CRYPTO_LOOKASIDE},
		{"{\"crypto\": \"auto\"}", DP_IDLE_SLEEP_DEFAULT_US, DP_SPREAD_INNER,
		 DP_CRYPTO_AUTO},
	};
	uint32_t saved = fake_idle_us;
	enum dp_spread_mode saved_spread = fake_spread;
	enum dp_crypto_mode saved_crypto = fake_crypto;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct model *m2 = calloc(1, sizeof(*m2));
		struct model_err e = {0};
		char text[256];
		json_t *got;

		CU_ASSERT_FATAL(m2 != NULL && model_init(m2) == 0);
		snprintf(text, sizeof(text),
			 "{\"ports\": [{\"name\": \"p0\", \"device\": \"d0\"}]%s%s}",
			 cases[i].datapath ? ", \"datapath\": " : "",
			 cases[i].datapath ? cases[i].datapath : "");
		fake_idle_us = 12345;
		fake_spread =
			cases[i].want_spread == DP_SPREAD_OFF ? DP_SPREAD_EVEN : DP_SPREAD_OFF;
		fake_crypto =
			cases[i].want_crypto == DP_CRYPTO_CPU ? DP_CRYPTO_LOOKASIDE : DP_CRYPTO_CPU;
		if (load_text(m2, text, &e) != 0)
			fprintf(stderr, "\n%s: %s: %s\n", text, e.field, e.msg);
		CU_ASSERT(fake_idle_us == cases[i].want);
		CU_ASSERT(fake_spread == cases[i].want_spread);
		CU_ASSERT(fake_crypto == cases[i].want_crypto);
		got = config_to_json(m2, false);
		CU_ASSERT(json_integer_value(json_object_get(json_object_get(got, "datapath"),
							     "idle_sleep_us")) ==
			  (json_int_t)cases[i].want);
		static const char *const mode_names[] = {"off", "inner", "even"};
		const json_t *dpo = json_object_get(got, "datapath");
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(dpo, "spread")),
				       mode_names[cases[i].want_spread]);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(dpo, "crypto")),
				       dp_crypto_mode_name(cases[i].want_crypto));
		json_decref(got);
		model_fini(m2);
		free(m2);
	}
	fake_idle_us = saved;
	fake_spread = saved_spread;
	fake_crypto = saved_crypto;
}

static void
test_handlers(void)
{
	json_t *res, *v;
	struct api_error_info e;

	// A binding SID bound to the base config's policy 10: policy.del is
	// refused while it is (1003 naming the SID), allowed once it is gone.
	json_decref(rpc_ok("sid.add", "{\"sid\": \"2001:db8:bb::31\", \"behavior\": "
				      "\"End.B6.Encaps.Red\", \"policy\": {\"color\": 10, "
				      "\"endpoint\": \"2001:db8:cc::9\"}}"));
	rpc_err("policy.del", "{\"color\": 10, \"endpoint\": \"2001:db8:cc::9\"}", API_ERR_IN_USE,
		"color");
	json_decref(rpc_ok("sid.del", "{\"sid\": \"2001:db8:bb::31\"}"));

	// route.add replaces, route.list finds it with its owner as type, route.get
	// resolves an address to it, route.del removes it.
	json_decref(rpc_ok("route.add", "{\"vrf\": \"L3VPN-1\", \"prefix\": \"172.16.60.0/24\","
					" \"owner\": \"bgp\", \"nexthops\": [{\"type\": \"srv6\","
					" \"segments\": [\"2001:db8:cc::9\"]}]}"));
	res = rpc_ok("route.list", "{\"vrf\": \"L3VPN-1\", \"type\": \"bgp\"}");
	CU_ASSERT(json_array_size(res) == 2);
	v = json_array_get(res, 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(v, "prefix")), "172.16.60.0/24");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(v, "type")), "bgp");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(v, "owner")), "bgp");
	json_decref(res);
	res = rpc_ok("route.list", "{\"vrf\": \"L3VPN-1\", \"owner\": \"bgp\", \"offset\": 1}");
	CU_ASSERT(json_array_size(res) == 1);
	json_decref(res);
	res = rpc_ok("route.list", "{\"limit\": 2}");
	CU_ASSERT(json_array_size(res) == 2);
	json_decref(res);
	res = rpc_ok("route.list", "{\"vrf\": \"L3VPN-1\", \"type\": \"connected\"}");
	CU_ASSERT(json_array_size(res) == 2);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(
			json_array_get(json_object_get(json_array_get(res, 0), "nexthops"), 0),
			"port")),
		"ce0");
	json_decref(res);
	res = rpc_ok("route.get", "{\"vrf\": \"L3VPN-1\", \"address\": \"172.16.60.7\"}");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "prefix")), "172.16.60.0/24");
	json_decref(res);
	res = rpc_ok("route.get", "{\"address\": \"2001:db8:bb::1\"}");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "type")), "sid");
	json_decref(res);
	json_decref(rpc_ok("route.del", "{\"vrf\": \"L3VPN-1\", \"prefix\": \"172.16.60.0/24\"}"));

	// Owner resync: mark stale, nothing re-added, delete the stale ones.
	res = rpc_ok("route.sync_begin", "{\"owner\": \"bgp\"}");
	CU_ASSERT(json_integer_value(json_object_get(res, "stale")) == 1);
	json_decref(res);
	res = rpc_ok("route.sync_end", "{\"owner\": \"bgp\"}");
	CU_ASSERT(json_integer_value(json_object_get(res, "deleted")) == 1);
	json_decref(res);
	json_decref(rpc_ok("route.add", "{\"vrf\": \"L3VPN-1\", \"prefix\": \"172.16.20.0/24\","
					" \"owner\": \"bgp\", \"nexthops\": [{\"type\": \"srv6\","
					" \"segments\": [\"2001:db8:cc:1::\"]}]}"));

	// sid.alloc: the same request gives the same SID.
	res = rpc_ok("sid.alloc", "{\"locator\": \"VPN\", \"behavior\": \"End.DT4\", \"vrf\": "
				  "\"L3VPN-1\"}");
	CU_ASSERT(json_is_true(json_object_get(res, "created")));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "sid")), "2001:db8:aa:2::");
	json_decref(res);
	res = rpc_ok("sid.alloc", "{\"locator\": \"VPN\", \"behavior\": \"End.DT4\", \"vrf\": "
				  "\"L3VPN-1\"}");
	CU_ASSERT(json_is_false(json_object_get(res, "created")));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "sid")), "2001:db8:aa:2::");
	json_decref(res);
	res = rpc_ok("sid.list", NULL);
	CU_ASSERT(json_array_size(res) == 7);
	json_decref(res);
	json_decref(rpc_ok("sid.del", "{\"sid\": \"2001:db8:aa:2::/128\"}"));

	// encap.set changes only what it is given.
	json_decref(rpc_ok("encap.set", "{\"hop_limit\": \"inherit\"}"));
	res = rpc_ok("encap.get", NULL);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "hop_limit")), "inherit");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "source")),
			       "2001:db8:0:1::1");
	json_decref(res);
	json_decref(rpc_ok("encap.set", "{\"hop_limit\": 64}"));

	// port.list: configuration plus runtime fields.
	res = rpc_ok("port.list", "{\"name\": \"ce0\"}");
	CU_ASSERT(json_array_size(res) == 1);
	v = json_array_get(res, 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(v, "vrf")), "L3VPN-1");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(v, "link")), "up");
	CU_ASSERT(json_integer_value(json_object_get(v, "mtu")) == 9000);
	CU_ASSERT(json_is_object(json_object_get(v, "counters")));
	json_decref(res);
	json_decref(rpc_ok("port.set", "{\"name\": \"ce0\", \"mtu\": 1500}"));
	CU_ASSERT(M.ports[1].mtu == 1500);
	json_decref(rpc_ok("port.set", "{\"name\": \"ce0\", \"mtu\": 9000}"));

	// stats.get: every drop reason by name, filters select sections.
	res = rpc_ok("stats.get", NULL);
	CU_ASSERT(json_object_size(json_object_get(res, "drops")) == DP_DROP_MAX);
	CU_ASSERT(json_integer_value(json_object_get(json_object_get(res, "drops"), "blackhole")) ==
		  3);
	CU_ASSERT(json_array_size(json_object_get(res, "sids")) == 6);
	CU_ASSERT(json_array_size(json_object_get(res, "lcores")) == 1);
	v = json_array_get(json_object_get(res, "lcores"), 0);
	CU_ASSERT(json_integer_value(json_object_get(v, "idle_sleeps")) == 11);
	CU_ASSERT(json_integer_value(json_object_get(v, "idle_sleep_us")) == 2200);
	json_decref(res);
	res = rpc_ok("stats.get", "{\"port\": \"wan0\"}");
	CU_ASSERT(json_array_size(json_object_get(res, "ports")) == 1);
	CU_ASSERT(json_object_get(res, "drops") == NULL);
	json_decref(res);
	fake_resets = 0;
	json_decref(rpc_ok("stats.reset", "{\"port\": \"wan0\"}"));
	CU_ASSERT(fake_resets == 1);

	// system.info
	res = rpc_ok("system.info", NULL);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "dpdk_version")),
			       "DPDK 22.11.0");
	CU_ASSERT(json_array_size(json_object_get(res, "lcores")) == 2);
	CU_ASSERT(json_array_size(json_object_get(res, "ports")) == 2);
	json_decref(res);

	// capture: start gives an id, stop takes effect at commit.
	res = rpc_ok("capture.start", "{\"port\": \"wan0\", \"file\": \"/tmp/x.pcap\"}");
	CU_ASSERT(json_integer_value(json_object_get(res, "id")) > 0);
	{
		char p[64];
		snprintf(p, sizeof(p), "{\"id\": %" JSON_INTEGER_FORMAT "}",
			 json_integer_value(json_object_get(res, "id")));
		json_decref(rpc_ok("capture.stop", p));
	}
	json_decref(res);
	CU_ASSERT(fake_n_captures() == 0);

	// A failing commit (table full) gives its error and undoes the model.
	fake_commit_rc = -ENOSPC;
	CU_ASSERT(rpc("route.add",
		      v = J("{\"prefix\": \"10.77.0.0/16\", \"nexthops\": "
			    "[{\"type\": \"blackhole\"}]}"),
		      &res, &e) != 0);
	fake_commit_rc = 0;
	json_decref(v);
	CU_ASSERT(e.code == API_ERR_TABLE_FULL);
	rpc_err("route.get", "{\"address\": \"10.77.0.1\"}", API_ERR_NOT_FOUND, "address");

	test_config_roundtrip();
}

// ipsec.sa.*: list without keys and with counters; add replaces; a batch or a
// commit that fails leaves no SA behind; an SA a route uses cannot go.
static void
test_ipsec_handlers(void)
{
	struct api_error_info e = {0};
	json_t *res, *v, *p, *before = config_to_json(&M, true);
	struct rpc_call c = {.method = "batch"};
	const json_t *sa;
	size_t i;

	res = rpc_ok("ipsec.sa.list", NULL);
	CU_ASSERT_FATAL(json_array_size(res) == 2);
	CU_ASSERT(!json_leaks_key(res));
	json_array_foreach(res, i, sa) {
		CU_ASSERT(json_object_get(sa, "key") == NULL);
		CU_ASSERT(json_is_integer(json_object_get(sa, "packets")));
		CU_ASSERT(json_is_integer(json_object_get(sa, "bytes")));
		v = json_object_get(sa, "drops");
		CU_ASSERT(json_is_integer(json_object_get(v, "replay")));
		CU_ASSERT(json_is_integer(json_object_get(v, "auth_failed")));
		CU_ASSERT(json_is_integer(json_object_get(v, "malformed")));
		CU_ASSERT(json_is_integer(json_object_get(v, "lifetime_expired")));
	}
	// Sorted by id; the SA object as given, defaults explicit.
	sa = json_array_get(res, 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(sa, "id")), "to-b");
	CU_ASSERT(json_integer_value(json_object_get(sa, "spi")) == 4096);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(json_object_get(sa, "tunnel"), "dst")),
		"2001:db8:0:2::1");
	json_decref(res);

	// add with an existing id replaces (a rekey); the list stays at 2.
	json_decref(rpc_ok("ipsec.sa.add",
			   "{\"id\": \"to-b\", \"direction\": \"out\", \"spi\": 4100,"
			   " \"mode\": \"tunnel\", \"aead\": \"aes-gcm-256\", \"key\": \"" KEY256
			   "\","
			   " \"tunnel\": {\"src\": \"192.0.2.1\", \"dst\": \"198.51.100.1\"},"
			   " \"replay_window\": 0}"));
	res = rpc_ok("ipsec.sa.list", NULL);
	CU_ASSERT(json_array_size(res) == 2);
	sa = json_array_get(res, 1);
	CU_ASSERT(json_integer_value(json_object_get(sa, "spi")) == 4100);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(sa, "aead")), "aes-gcm-256");
	CU_ASSERT(!json_leaks_key(res));
	json_decref(res);
	// An SA of its own, then gone again.
	json_decref(rpc_ok("ipsec.sa.add",
			   "{\"id\": \"to-c\", \"direction\": \"out\", \"spi\": 4096,"
			   " \"mode\": \"srv6\", \"aead\": \"aes-gcm-128\", \"key\": \"0x" KEY128
			   "\"}"));
	res = rpc_ok("ipsec.sa.list", NULL);
	CU_ASSERT(json_array_size(res) == 3);
	json_decref(res);
	json_decref(rpc_ok("ipsec.sa.del", "{\"id\": \"to-c\"}"));
	rpc_err("ipsec.sa.del", "{\"id\": \"to-c\"}", API_ERR_NOT_FOUND, "id");

	// A batch: SA added, then a bad route; the abort takes the SA back, and
	// the replaced SA's old version returns.
	c.txn = ctl_txn_ops.begin(NULL);
	CU_ASSERT_FATAL(c.txn != NULL);
	p = J("{\"id\": \"to-d\", \"direction\": \"out\", \"spi\": 5000, \"mode\": \"srv6\","
	      " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"}");
	res = NULL;
	CU_ASSERT(binding("ipsec.sa.add")->fn(&c, p, &res, &e) == 0);
	json_decref(p);
	p = J("{\"id\": \"from-b\"}");
	CU_ASSERT(binding("ipsec.sa.del")->fn(&c, p, &res, &e) == 0);
	json_decref(p);
	// config.save after SA changes in the same batch is refused.
	CU_ASSERT(binding("config.save")->fn(&c, NULL, &res, &e) != 0);
	CU_ASSERT(e.code == API_ERR_CONFLICT);
	p = J("{\"prefix\": \"10.0.0.0/33\", \"nexthops\": [{\"type\": \"blackhole\"}]}");
	CU_ASSERT(binding("route.add")->fn(&c, p, &res, &e) != 0);
	json_decref(p);
	ctl_txn_ops.abort(NULL, c.txn);
	res = rpc_ok("ipsec.sa.list", NULL);
	CU_ASSERT(json_array_size(res) == 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(res, 0), "id")),
			       "from-b");
	json_decref(res);

	// A commit the datapath refuses: the SA is not there either.
	fake_commit_rc = -ENOSPC;
	p = J("{\"id\": \"to-e\", \"direction\": \"out\", \"spi\": 5001, \"mode\": \"srv6\","
	      " \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"}");
	CU_ASSERT(rpc("ipsec.sa.add", p, &res, &e) != 0);
	fake_commit_rc = 0;
	json_decref(p);
	CU_ASSERT(e.code == API_ERR_TABLE_FULL);
	rpc_err("ipsec.sa.del", "{\"id\": \"to-e\"}", API_ERR_NOT_FOUND, "id");

	// An SA a route uses, bound the way the parser binds it (nexthop_ipsec_sa),
	// whatever its mode.
	{
		struct model_route r;
		struct model_err me = {0};
		struct model_txn *t;
		json_t *in =
			J("{\"vrf\": \"L3VPN-1\", \"prefix\": \"172.16.99.0/24\", \"nexthops\":"
			  " [{\"type\": \"srv6\", \"segments\": [\"2001:db8:cc::9\"]}]}");
		CU_ASSERT_FATAL(route_from_json(&M, in, "", &r, &e) == 0);
		json_decref(in);
		CU_ASSERT(nexthop_ipsec_sa(&M, "from-b", "nexthops[0]", &r.nh[0], &e) < 0);
		CU_ASSERT(e.code == API_ERR_INVALID_PARAMS);
		CU_ASSERT_STRING_EQUAL(e.field, "nexthops[0].ipsec_sa");
		CU_ASSERT(nexthop_ipsec_sa(&M, "nope", "nexthops[0]", &r.nh[0], &e) < 0);
		CU_ASSERT(e.code == API_ERR_NOT_FOUND);
		CU_ASSERT(nexthop_ipsec_sa(&M, "to-b", "nexthops[0]", &r.nh[0], &e) == 0);
		CU_ASSERT(r.nh[0].has_sa);
		t = ctl_txn_ops.begin(NULL);
		CU_ASSERT(model_route_add(t, &r, &me) == 0);
		CU_ASSERT(ctl_txn_ops.commit(NULL, t, &e) == 0);
		// The next hop names its SA.
		res = rpc_ok("route.list", "{\"vrf\": \"L3VPN-1\", \"owner\": \"static\"}");
		v = NULL;
		json_array_foreach(res, i, sa) {
			if (strcmp(json_string_value(json_object_get(sa, "prefix")),
				   "172.16.99.0/24") == 0)
				v = json_array_get(json_object_get(sa, "nexthops"), 0);
		}
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(v, "ipsec_sa")), "to-b");
		json_decref(res);
		rpc_err("ipsec.sa.del", "{\"id\": \"to-b\"}", API_ERR_IN_USE, "id");
		CU_ASSERT(rpc("ipsec.sa.del", p = J("{\"id\": \"to-b\"}"), &res, &e) != 0);
		json_decref(p);
		CU_ASSERT(strstr(e.message, "vrf L3VPN-1 prefix 172.16.99.0/24") != NULL);
		// Nor can a replacement turn it inbound.
		rpc_err("ipsec.sa.add",
			"{\"id\": \"to-b\", \"direction\": \"in\", \"spi\": 4100, \"mode\": "
			"\"srv6\","
			" \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\"}",
			API_ERR_IN_USE, "direction");
		json_decref(rpc_ok("route.del",
				   "{\"vrf\": \"L3VPN-1\", \"prefix\": \"172.16.99.0/24\"}"));
	}

	// Events: the SA without its key.
	ctl_server = (struct rpc_server *)&fake_server_handle;
	notified = json_array();
	json_decref(rpc_ok(
		"ipsec.sa.add",
		"{\"id\": \"to-b\", \"direction\": \"out\", \"spi\": 4096,"
		" \"mode\": \"tunnel\", \"aead\": \"aes-gcm-128\", \"key\": \"" KEY128 "\","
		" \"tunnel\": {\"src\": \"2001:db8:0:1::1\", \"dst\": \"2001:db8:0:2::1\"}}"));
	CU_ASSERT(json_array_size(notified) == 1);
	v = json_array_get(notified, 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(v, 0)), "ipsec");
	v = json_array_get(v, 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(v, "id")), "to-b");
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(json_object_get(v, "sa"), "direction")), "out");
	CU_ASSERT(!json_leaks_key(notified));
	json_decref(notified);
	notified = NULL;
	ctl_server = NULL;

	// Back to the base config, keys included.
	res = config_to_json(&M, true);
	CU_ASSERT(same_json(res, before));
	json_decref(res);
	json_decref(before);
}

// A batch: everything or nothing, side effects included.
static void
test_batch_abort(void)
{
	struct rpc_call c = {.method = "batch"};
	struct api_error_info e = {0};
	json_t *before = config_to_json(&M, false), *after, *res = NULL, *p;
	unsigned int caps = fake_n_captures();

	c.txn = ctl_txn_ops.begin(NULL);
	CU_ASSERT_FATAL(c.txn != NULL);
	p = J("{\"prefix\": \"10.55.0.0/16\", \"nexthops\": [{\"type\": \"blackhole\"}]}");
	CU_ASSERT(binding("route.add")->fn(&c, p, &res, &e) == 0);
	json_decref(p);
	p = J("{\"port\": \"any\", \"file\": \"/tmp/y.pcap\"}");
	CU_ASSERT(binding("capture.start")->fn(&c, p, &res, &e) == 0);
	json_decref(res);
	json_decref(p);
	CU_ASSERT(fake_n_captures() == caps + 1);
	// config.save after uncommitted changes in the same batch is refused.
	CU_ASSERT(binding("config.save")->fn(&c, NULL, &res, &e) != 0);
	CU_ASSERT(e.code == API_ERR_CONFLICT);
	ctl_txn_ops.abort(NULL, c.txn);
	CU_ASSERT(fake_n_captures() == caps);
	after = config_to_json(&M, false);
	CU_ASSERT(same_json(after, before));
	json_decref(after);
	json_decref(before);
}

static void
test_events(void)
{
	json_t *ev;

	ctl_server = (struct rpc_server *)&fake_server_handle;
	notified = json_array();
	json_decref(rpc_ok("route.add", "{\"vrf\": \"L3VPN-1\", \"prefix\": \"10.0.0.0/8\","
					" \"nexthops\": [{\"type\": \"blackhole\"}]}"));
	CU_ASSERT(json_array_size(notified) == 1);
	ev = json_array_get(notified, 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(ev, 0)), "route");
	ev = json_array_get(ev, 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "action")), "set");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "vrf")), "L3VPN-1");
	CU_ASSERT(json_is_object(json_object_get(ev, "route")));
	json_array_clear(notified);
	// Put it back as the base config has it.
	json_decref(rpc_ok("route.add", "{\"vrf\": \"L3VPN-1\", \"prefix\": \"10.0.0.0/8\","
					" \"nexthops\": [{\"type\": \"ip\", \"via\": "
					"\"172.16.10.254\"}]}"));
	json_array_clear(notified);
	// A failed request publishes nothing.
	rpc_err("vrf.add", "{\"name\": \"V9\", \"table\": 101}", API_ERR_CONFLICT, "table");
	CU_ASSERT(json_array_size(notified) == 0);
	json_decref(rpc_ok("vrf.add", "{\"name\": \"V9\", \"table\": 9}"));
	CU_ASSERT(json_array_size(notified) == 1);
	ev = json_array_get(json_array_get(notified, 0), 1);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(json_object_get(ev, "vrf"), "name")), "V9");
	json_decref(rpc_ok("vrf.del", "{\"name\": \"V9\"}"));
	json_decref(notified);
	notified = NULL;
	ctl_server = NULL;
}

// --- robustness -----------------------------------------------------------------------

// Values of every JSON type, and nested shapes that are wrong one level down.
static const char *const junk_values[] = {
	"null",
	"true",
	"-1",
	"4294967296",
	"1.5",
	"\"/nonexistent-dir/zz\"",
	"\"\"",
	"[]",
	"{}",
	"[null]",
	"[{}]",
	"[[]]",
	"[\"2001:db8::1\", 5]",
	"{\"via\": []}",
	"{\"via\": \"10.0.0.1\"}",
	"[{\"type\": \"srv6\", \"segments\": [[]]}]",
	"[{\"type\": \"srv6\", \"segments\": {}}]",
	"[{\"type\": \"ip\", \"via\": [], \"port\": {}}]",
	"[{\"type\": null}]",
	"[{\"type\": \"srv6\", \"segments\": [\"2001:db8::1\"], \"src\": 5}]",
	"[{\"type\": \"blackhole\", \"weight\": -3}]",
};

static void
fuzz_one(const struct rpc_method_binding *b, json_t *params)
{
	struct rpc_call c = {.method = b->name};
	struct api_error_info e = {0};
	json_t *res = NULL;
	int rc;

	c.txn = ctl_txn_ops.begin(NULL);
	CU_ASSERT_FATAL(c.txn != NULL);
	rc = b->fn(&c, params, &res, &e);
	CU_ASSERT(rc == 0 || rc == -1);
	if (rc != 0)
		CU_ASSERT(e.code != 0 && e.message[0] != '\0');
	json_decref(res);
	ctl_txn_ops.abort(NULL, c.txn);
}

static void
test_robustness(void)
{
	json_t *before = config_to_json(&M, false), *after;
	unsigned int caps = fake_n_captures();

	for (size_t i = 0; i < ctl_n_methods; i++) {
		const struct rpc_method_binding *b = &ctl_methods[i];
		const struct api_method *am = api_method_find(b->name);
		json_t *p;

		fuzz_one(b, NULL);
		for (size_t j = 0; j < sizeof(junk_values) / sizeof(junk_values[0]); j++) {
			p = J(junk_values[j]);
			fuzz_one(b, p);
			json_decref(p);
		}
		// Each known key with each junk value, the others absent; then with the
		// required keys filled by plausible values and one key junk.
		for (size_t k = 0; am != NULL && k < am->n_params; k++) {
			for (size_t j = 0; j < sizeof(junk_values) / sizeof(junk_values[0]); j++) {
				p = json_object();
				json_object_set_new(p, am->params[k].name, J(junk_values[j]));
				fuzz_one(b, p);
				json_decref(p);
			}
		}
		// Without the txn the server would give, mutations fail cleanly.
		{
			struct rpc_call c = {.method = b->name};
			struct api_error_info e = {0};
			json_t *res = NULL;
			int rc = b->fn(&c, NULL, &res, &e);
			CU_ASSERT(rc == 0 || rc == -1);
			json_decref(res);
		}
	}
	// Deep junk in otherwise good route and SID requests.
	for (size_t j = 0; j < sizeof(junk_values) / sizeof(junk_values[0]); j++) {
		json_t *p = J("{\"prefix\": \"10.0.0.0/8\", \"nexthops\": [{\"type\": \"srv6\","
			      " \"segments\": [\"2001:db8::1\"]}]}");
		json_t *nh = json_array_get(json_object_get(p, "nexthops"), 0);
		const char *keys[] = {"segments", "encap", "src", "via", "port", "weight", "type"};
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			json_t *copy = json_deep_copy(p);
			json_object_set_new(json_array_get(json_object_get(copy, "nexthops"), 0),
					    keys[k], J(junk_values[j]));
			fuzz_one(binding("route.add"), copy);
			json_decref(copy);
		}
		(void)nh;
		json_decref(p);
		p = J("{\"sid\": \"2001:db8:bb::30\", \"behavior\": \"End.X\","
		      " \"nexthop\": {\"via\": \"2001:db8:0:1::2\"}}");
		json_object_set_new(json_object_get(p, "nexthop"), "port", J(junk_values[j]));
		fuzz_one(binding("sid.add"), p);
		json_object_set_new(json_object_get(p, "nexthop"), "via", J(junk_values[j]));
		fuzz_one(binding("sid.add"), p);
		json_decref(p);
	}
	after = config_to_json(&M, false);
	CU_ASSERT(same_json(after, before));
	CU_ASSERT(fake_n_captures() == caps);
	CU_ASSERT(M.txn == NULL);
	json_decref(after);
	json_decref(before);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ctl_json", suite_init, suite_fini);
	CU_add_test(s, "load the base config", test_load_base);
	CU_add_test(s, "config round trip", test_config_roundtrip);
	CU_add_test(s, "object round trips", test_object_roundtrips);
	CU_add_test(s, "malformed params name their field", test_malformed);
	CU_add_test(s, "error paths are prefixed", test_paths);
	CU_add_test(s, "bad config files apply nothing", test_config_errors);
	CU_add_test(s, "datapath settings", test_config_datapath);
	CU_add_test(s, "handlers", test_handlers);
	CU_add_test(s, "ipsec.sa handlers, batches, in use, no keys", test_ipsec_handlers);
	CU_add_test(s, "batch abort undoes side effects", test_batch_abort);
	CU_add_test(s, "events after commit", test_events);
	CU_add_test(s, "config.save then reload", test_config_save_reload);
	CU_add_test(s, "no crash on junk, nothing half-applied", test_robustness);
	// last: config_load applies process-wide settings (datapath, crypto)
	CU_add_test(s, "an l2vpn bridge's configuration round trip", test_config_l2vpn_bridge);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}
