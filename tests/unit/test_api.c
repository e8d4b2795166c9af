// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/api: the parameter validator, error helpers and the method catalogue.

#include <errno.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <jansson.h>

#include "api.h"

static json_t *
J(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &err);

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	return j;
}

static const struct api_field every_type[] = {
	{"s", API_T_STRING, false, NULL},  {"i", API_T_INT, false, NULL},
	{"u", API_T_UINT, false, NULL},	   {"b", API_T_BOOL, false, NULL},
	{"a", API_T_ARRAY, false, NULL},   {"o", API_T_OBJECT, false, NULL},
	{"addr", API_T_ADDR, false, NULL}, {"prefix", API_T_PREFIX, false, NULL},
	{"mac", API_T_MAC, false, NULL},   {"ios", API_T_INT_OR_STRING, false, NULL},
	{"any", API_T_ANY, false, NULL},   {"req", API_T_STRING, true, NULL},
};
#define N_EVERY (sizeof(every_type) / sizeof(every_type[0]))

// Check `text` against every_type; expect failure on `field` with a message
// containing `why` (or success when field is NULL).
static void
expect(const char *text, const char *field, const char *why)
{
	struct api_error_info e;
	json_t *j = J(text);
	int rc;

	memset(&e, 0, sizeof(e));
	rc = api_check_object(j, every_type, N_EVERY, NULL, &e);
	if (field == NULL) {
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0)
			fprintf(stderr, "\n  unexpected error for %s: %s\n", text, e.message);
	} else {
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_EQUAL(e.code, API_ERR_INVALID_PARAMS);
		CU_ASSERT_STRING_EQUAL(e.field, field);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.message, why));
		if (strcmp(e.field, field) != 0 || strstr(e.message, why) == NULL)
			fprintf(stderr, "\n  %s: got field '%s' message '%s'\n", text, e.field,
				e.message);
	}
	json_decref(j);
}

static void
test_errno_to_code(void)
{
	CU_ASSERT_EQUAL(api_errno_to_code(-ENOENT), 1001);
	CU_ASSERT_EQUAL(api_errno_to_code(-EEXIST), 1002);
	CU_ASSERT_EQUAL(api_errno_to_code(-ENOSPC), 1003);
	CU_ASSERT_EQUAL(api_errno_to_code(-EBUSY), 1004);
	CU_ASSERT_EQUAL(api_errno_to_code(-ENOTSUP), 1005);
	CU_ASSERT_EQUAL(api_errno_to_code(-EOPNOTSUPP), 1005);
	CU_ASSERT_EQUAL(api_errno_to_code(-EINVAL), -32602);
	CU_ASSERT_EQUAL(api_errno_to_code(-ENOMEM), -32603);
	CU_ASSERT_EQUAL(api_errno_to_code(-EIO), -32603);
	CU_ASSERT_EQUAL(api_errno_to_code(0), -32603);
	CU_ASSERT_EQUAL(api_errno_to_code(ENOENT), 1001); // sign-tolerant
}

static void
test_error_set(void)
{
	struct api_error_info e;
	char longfield[200];

	memset(&e, 0x55, sizeof(e));
	CU_ASSERT_EQUAL(api_error_set(&e, 1002, "name", "%s: %d", "name", 7), -1);
	CU_ASSERT_EQUAL(e.code, 1002);
	CU_ASSERT_STRING_EQUAL(e.field, "name");
	CU_ASSERT_STRING_EQUAL(e.message, "name: 7");
	CU_ASSERT_EQUAL(api_error_set(&e, 1001, NULL, "gone"), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "");
	memset(longfield, 'x', sizeof(longfield) - 1);
	longfield[sizeof(longfield) - 1] = '\0';
	api_error_set(&e, 1001, longfield, "%s", longfield);
	CU_ASSERT_EQUAL(strlen(e.field), sizeof(e.field) - 1);
	CU_ASSERT_EQUAL(api_error_set(NULL, 1, NULL, "x"), -1);
	CU_ASSERT_STRING_EQUAL(api_error_name(1006), "rolled back");
	CU_ASSERT_STRING_EQUAL(api_error_name(-32601), "method not found");
}

static void
test_valid_every_type(void)
{
	expect("{\"req\":\"x\"}", NULL, NULL);
	expect("{\"s\":\"a\",\"i\":-5,\"u\":0,\"b\":false,\"a\":[1,\"x\"],\"o\":{\"k\":1},"
	       "\"addr\":\"10.1.2.3\",\"prefix\":\"2001:db8::/32\",\"mac\":\"02:00:00:00:00:0a\","
	       "\"ios\":64,\"any\":null,\"req\":\"\"}",
	       NULL, NULL);
	expect("{\"addr\":\"2001:db8::1\",\"prefix\":\"10.0.0.0/8\",\"ios\":\"inherit\","
	       "\"any\":[{}],\"req\":\"y\"}",
	       NULL, NULL);
	// a bare address is a host prefix
	expect("{\"prefix\":\"2a0e:97c0:ae6:1001:1::\",\"req\":\"y\"}", NULL, NULL);
	expect("{\"prefix\":\"0.0.0.0/0\",\"req\":\"y\"}", NULL, NULL);
	expect("{\"prefix\":\"::/0\",\"req\":\"y\"}", NULL, NULL);
}

static void
test_missing_and_unknown(void)
{
	struct api_error_info e;
	json_t *j;

	expect("{}", "req", "missing required field");
	expect("{\"s\":\"x\"}", "req", "req: missing required field");
	expect("{\"req\":\"x\",\"bogus\":1}", "bogus", "bogus: unknown field");
	// unknown keys are reported before missing ones
	expect("{\"prefx\":\"10.0.0.0/8\"}", "prefx", "unknown field");

	// NULL params: fine unless something is required
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(api_check_object(NULL, every_type, N_EVERY - 1, NULL, &e), 0);
	CU_ASSERT_EQUAL(api_check_object(NULL, every_type, N_EVERY, NULL, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "req");
	CU_ASSERT_EQUAL(api_check_object(NULL, NULL, 0, NULL, &e), 0);

	// params that are not an object
	j = J("[1,2]");
	CU_ASSERT_EQUAL(api_check_object(j, every_type, N_EVERY, NULL, &e), -1);
	CU_ASSERT_EQUAL(e.code, API_ERR_INVALID_PARAMS);
	CU_ASSERT_STRING_EQUAL(e.field, "params");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "expected an object"));
	json_decref(j);
	j = J("\"x\"");
	CU_ASSERT_EQUAL(api_check_object(j, every_type, N_EVERY, "nexthops[2]", &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "nexthops[2]");
	json_decref(j);

	// an empty spec rejects any key
	j = J("{\"x\":1}");
	CU_ASSERT_EQUAL(api_check_object(j, NULL, 0, NULL, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "x");
	json_decref(j);
}

static void
test_wrong_types(void)
{
	expect("{\"req\":1}", "req", "req: expected a string, got an integer");
	expect("{\"req\":\"x\",\"s\":null}", "s", "expected a string, got null");
	expect("{\"req\":\"x\",\"i\":\"1\"}", "i", "expected an integer, got a string");
	expect("{\"req\":\"x\",\"i\":1.5}", "i", "expected an integer, got a number");
	expect("{\"req\":\"x\",\"u\":-1}", "u", "must not be negative");
	expect("{\"req\":\"x\",\"u\":true}", "u", "expected a non-negative integer");
	expect("{\"req\":\"x\",\"b\":\"true\"}", "b", "expected a boolean");
	expect("{\"req\":\"x\",\"b\":1}", "b", "expected a boolean");
	expect("{\"req\":\"x\",\"a\":{}}", "a", "expected an array, got an object");
	expect("{\"req\":\"x\",\"o\":[]}", "o", "expected an object, got an array");
	expect("{\"req\":\"x\",\"ios\":true}", "ios", "expected an integer or a string");
	expect("{\"req\":\"x\",\"ios\":1.0}", "ios", "expected an integer or a string");
	expect("{\"req\":\"x\",\"addr\":1}", "addr", "expected an address string");
	expect("{\"req\":\"x\",\"prefix\":[]}", "prefix", "expected a prefix string");
	expect("{\"req\":\"x\",\"mac\":false}", "mac", "expected a MAC address string");
}

static void
test_addr_prefix_mac(void)
{
	expect("{\"req\":\"x\",\"addr\":\"10.0.0.256\"}", "addr",
	       "addr: invalid address '10.0.0.256'");
	expect("{\"req\":\"x\",\"addr\":\"2001:db8::/64\"}", "addr", "invalid address");
	expect("{\"req\":\"x\",\"addr\":\"\"}", "addr", "invalid address");
	expect("{\"req\":\"x\",\"prefix\":\"10.0.0.1/8\"}", "prefix", "prefix: host bits set");
	expect("{\"req\":\"x\",\"prefix\":\"2001:db8::1/64\"}", "prefix", "host bits set");
	expect("{\"req\":\"x\",\"prefix\":\"10.0.0.0/33\"}", "prefix", "invalid prefix");
	expect("{\"req\":\"x\",\"prefix\":\"10.0.0.0/\"}", "prefix", "invalid prefix");
	expect("{\"req\":\"x\",\"prefix\":\"foo/8\"}", "prefix", "invalid prefix 'foo/8'");
	expect("{\"req\":\"x\",\"mac\":\"02:00:00:00:00\"}", "mac", "invalid MAC address");
	expect("{\"req\":\"x\",\"mac\":\"02:00:00:00:00:0g\"}", "mac", "invalid MAC address");
	expect("{\"req\":\"x\",\"mac\":\"02:00:00:00:00:01:\"}", "mac", "invalid MAC address");
}

static void
test_long_value_quoted(void)
{
	struct api_error_info e;
	char text[600], val[400];
	json_t *j;

	memset(val, 'z', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	snprintf(text, sizeof(text), "{\"req\":\"x\",\"addr\":\"%s\"}", val);
	j = J(text);
	CU_ASSERT_EQUAL(api_check_object(j, every_type, N_EVERY, NULL, &e), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "..."));
	CU_ASSERT(strlen(e.message) < 120);
	json_decref(j);
}

static void
test_nested_path(void)
{
	static const struct api_field outer[] = {
		{"nexthops", API_T_ARRAY, true, NULL},
	};
	struct api_error_info e;
	const struct api_field *nh;
	json_t *p, *arr, *v;
	char path[64];
	size_t n, i;
	int rc = 0;

	nh = api_object_spec("route.nexthop", &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(nh);
	p = J("{\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"fc00::1\"]},"
	      "{\"type\":\"srv6\",\"segments\":[\"fc00::2\",\"fc00::zz\"]}]}");
	CU_ASSERT_EQUAL(api_check_object(p, outer, 1, NULL, &e), 0);
	arr = json_object_get(p, "nexthops");
	json_array_foreach(arr, i, v) {
		snprintf(path, sizeof(path), "nexthops[%zu]", i);
		rc = api_check_object(v, nh, n, path, &e);
		if (rc < 0)
			break;
		snprintf(path, sizeof(path), "nexthops[%zu].segments", i);
		rc = api_check_array(json_object_get(v, "segments"), API_T_ADDR, path, &e);
		if (rc < 0)
			break;
	}
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_STRING_EQUAL(e.field, "nexthops[1].segments[1]");
	CU_ASSERT_STRING_EQUAL(e.message, "nexthops[1].segments[1]: invalid address 'fc00::zz'");
	json_decref(p);

	p = J("{\"type\":\"ip\",\"via\":\"10.0.0.1\",\"gateway\":\"x\"}");
	CU_ASSERT_EQUAL(api_check_object(p, nh, n, "nexthops[0]", &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "nexthops[0].gateway");
	CU_ASSERT_STRING_EQUAL(e.message, "nexthops[0].gateway: unknown field");
	json_decref(p);

	p = J("{\"via\":\"10.0.0.1\"}");
	CU_ASSERT_EQUAL(api_check_object(p, nh, n, "nexthops[0]", &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "nexthops[0].type");
	json_decref(p);

	// api_check_array: not an array, and elements of the wrong type
	p = J("{\"a\":[\"x\",2]}");
	CU_ASSERT_EQUAL(api_check_array(json_object_get(p, "a"), API_T_STRING, "a", &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "a[1]");
	CU_ASSERT_EQUAL(api_check_array(p, API_T_STRING, "a", &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "a");
	CU_ASSERT_EQUAL(api_check_array(NULL, API_T_STRING, "a", &e), -1);
	json_decref(p);
	CU_ASSERT_EQUAL(api_check_value(NULL, API_T_ANY, "x", &e), -1);
}

static void
test_catalogue(void)
{
	static const char *const names[] = {
		"system.info",	    "config.get",	"config.save",	  "config.reload",
		"port.list",	    "port.set",		"vrf.add",	  "vrf.del",
		"vrf.list",	    "route.add",	"route.del",	  "route.list",
		"route.get",	    "route.sync_begin", "route.sync_end", "sid.add",
		"sid.del",	    "sid.list",		"sid.alloc",	  "locator.add",
		"locator.del",	    "locator.list",	"neighbor.add",	  "neighbor.del",
		"neighbor.list",    "encap.set",	"encap.get",	  "stats.get",
		"stats.reset",	    "capture.start",	"capture.stop",	  "capture.list",
		"events.subscribe", "ipsec.sa.add",	"ipsec.sa.del",	  "ipsec.sa.list",
		"hmac.key.add",	    "hmac.key.del",	"hmac.key.list",  "policy.add",
		"policy.del",	    "policy.list",	"oam.ping",	  "oam.trace",
		"oam.get",	    "l2vpn.mac.list",
	};
	const struct api_method *all, *m;
	struct api_error_info e;
	size_t n, i, j;
	json_t *p;

	all = api_methods(&n);
	CU_ASSERT_EQUAL(n, sizeof(names) / sizeof(names[0]));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		m = api_method_find(names[i]);
		CU_ASSERT_PTR_NOT_NULL(m);
		if (m == NULL) {
			fprintf(stderr, "\n  missing method %s\n", names[i]);
			continue;
		}
		CU_ASSERT_STRING_EQUAL(m->name, names[i]);
		CU_ASSERT_PTR_NOT_NULL(m->help);
		CU_ASSERT(m->n_params == 0 || m->params != NULL);
		for (j = 0; j < m->n_params; j++)
			CU_ASSERT_PTR_NOT_NULL(m->params[j].name);
	}
	for (i = 1; i < n; i++)
		CU_ASSERT(strcmp(all[i - 1].name, all[i].name) < 0);
	CU_ASSERT_PTR_NULL(api_method_find("route.nope"));
	CU_ASSERT_PTR_NULL(api_method_find(NULL));
	CU_ASSERT_PTR_NULL(api_method_find(""));

	m = api_method_find("route.add");
	CU_ASSERT_TRUE(m->mutating);
	CU_ASSERT_FALSE(api_method_find("route.list")->mutating);
	p = J("{\"vrf\":\"L3VPN-1\",\"prefix\":\"172.16.20.0/24\","
	      "\"nexthops\":[{\"type\":\"srv6\",\"segments\":[\"2a0e:97c0:ae6:2001:1::\"]}]}");
	CU_ASSERT_EQUAL(api_check_object(p, m->params, m->n_params, NULL, &e), 0);
	json_decref(p);
	p = J("{\"prefix\":\"172.16.20.1/24\",\"nexthops\":[]}");
	CU_ASSERT_EQUAL(api_check_object(p, m->params, m->n_params, NULL, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.message, "prefix: host bits set");
	json_decref(p);

	m = api_method_find("encap.set");
	p = J("{\"source\":\"2001:db8:0:1::1\",\"hop_limit\":\"inherit\",\"flowlabel\":"
	      "\"compute\"}");
	CU_ASSERT_EQUAL(api_check_object(p, m->params, m->n_params, NULL, &e), 0);
	json_decref(p);

	m = api_method_find("system.info");
	CU_ASSERT_EQUAL(api_check_object(NULL, m->params, m->n_params, NULL, &e), 0);
	p = J("{\"verbose\":true}");
	CU_ASSERT_EQUAL(api_check_object(p, m->params, m->n_params, NULL, &e), -1);
	json_decref(p);

	CU_ASSERT_PTR_NOT_NULL(api_object_spec("sid.nexthop", &n));
	CU_ASSERT_PTR_NOT_NULL(api_object_spec("config", &n));
	CU_ASSERT_PTR_NOT_NULL(api_object_spec("port", &n));
	CU_ASSERT_PTR_NULL(api_object_spec("nope", &n));
	CU_ASSERT_EQUAL(n, 0);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("api", NULL, NULL);
	CU_add_test(s, "errno_to_code", test_errno_to_code);
	CU_add_test(s, "error_set", test_error_set);
	CU_add_test(s, "valid_every_type", test_valid_every_type);
	CU_add_test(s, "missing_and_unknown", test_missing_and_unknown);
	CU_add_test(s, "wrong_types", test_wrong_types);
	CU_add_test(s, "addr_prefix_mac", test_addr_prefix_mac);
	CU_add_test(s, "long_value_quoted", test_long_value_quoted);
	CU_add_test(s, "nested_path", test_nested_path);
	CU_add_test(s, "catalogue", test_catalogue);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
