// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The startup configuration: file -> one model txn -> dp_commit, and the
// running model -> the same JSON shape for config.get and config.save. Every
// object goes through lib/ctl/ctl_json's parsers and encoders, which the
// socket handlers use too.

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl_json.h"
#include "dp_api.h"

// --- errors ------------------------------------------------------------------------

static int fail(struct model_err *e, int rc, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
fail(struct model_err *e, int rc, const char *field, const char *fmt, ...)
{
	va_list ap;

	snprintf(e->field, sizeof(e->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return rc;
}

// A model or datapath error about the object at path: its field is relative.
static int
prefixed(struct model_err *e, int rc, const char *path)
{
	char f[sizeof(e->field) * 2 + 2];

	if (e->field[0] != '\0')
		snprintf(f, sizeof(f), "%s.%s", path, e->field);
	else
		snprintf(f, sizeof(f), "%s", path);
	snprintf(e->field, sizeof(e->field), "%.*s", (int)sizeof(e->field) - 1, f);
	if (e->msg[0] == '\0')
		snprintf(e->msg, sizeof(e->msg), "%s", strerror(rc < 0 ? -rc : rc));
	return rc;
}

static int
from_api(const struct api_error_info *ae, struct model_err *e)
{
	return ctl_error_to_model(ae, e);
}

// --- load --------------------------------------------------------------------------

struct loader {
	struct model *m;
	struct model_txn *t;
	struct model_err *e;
	uint32_t idle_sleep_us; // "datapath", applied once the rest committed
	enum dp_spread_mode spread;
	enum dp_crypto_mode crypto;
	uint32_t fib_max[2]; // "datapath" FIB limits, in force for the commit itself
};

typedef int (*item_fn)(struct loader *l, const json_t *item, const char *path);

// Each element of root[key] (an array, checked by the top-level spec).
static int
each(struct loader *l, const json_t *root, const char *key, item_fn fn)
{
	const json_t *arr = json_object_get(root, key), *item;
	char path[48];
	size_t i;
	int rc;

	json_array_foreach(arr, i, item) {
		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		rc = fn(l, item, path);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
load_vrf(struct loader *l, const json_t *item, const char *path)
{
	struct api_error_info ae = {0};
	struct model_vrf v;
	int rc;

	if (vrf_from_json(l->m, item, path, &v, &ae) < 0)
		return from_api(&ae, l->e);
	rc = model_vrf_add(l->t, &v, l->e);
	return rc < 0 ? prefixed(l->e, rc, path) : 0;
}

static int
load_port(struct loader *l, const json_t *item, const char *path)
{
	struct api_error_info ae = {0};
	struct model_port p;
	int rc, idx;

	memset(&p, 0, sizeof(p));
	p.mtu = 1500;
	if (port_from_json(l->m, item, path, true, &p, &ae) < 0)
		return from_api(&ae, l->e);
	if (model_port_find(l->m, p.name) >= 0)
		return fail(l->e, -EEXIST, path, "port %s is defined twice", p.name);
	// Probe (unless EAL already has the device), record, then configure the
	// queues, MTU and MAC from the recorded port.
	if ((rc = dp_port_probe(p.device, &p.port_id, l->e)) < 0 ||
	    (rc = model_port_create(l->t, &p, l->e)) < 0)
		return prefixed(l->e, rc, path);
	idx = model_port_find(l->m, p.name);
	if (idx < 0)
		return fail(l->e, -EIO, path, "port %s vanished from the model", p.name);
	rc = dp_port_configure(&l->m->ports[idx], l->e);
	return rc < 0 ? prefixed(l->e, rc, path) : 0;
}

static int
load_locator(struct loader *l, const json_t *item, const char *path)
{
	struct api_error_info ae = {0};
	struct model_locator loc;
	int rc;

	if (locator_from_json(item, path, &loc, &ae) < 0)
		return from_api(&ae, l->e);
	rc = model_locator_add(l->t, &loc, l->e);
	return rc < 0 ? prefixed(l->e, rc, path) : 0;
}

static int
load_sid(struct loader *l, const json_t *item, const char *path)
{
	struct api_error_info ae = {0};
	struct model_sid s;
	int rc;

	if (sid_from_json(l->m, item, path, true, &s, &ae) < 0)
		return from_api(&ae, l->e);
	if (model_sid_find(l->m, &s.sid) != NULL)
		return fail(l->e, -EEXIST, path, "SID defined twice");
	rc = model_sid_add(l->t, &s, l->e);
	return rc < 0 ? prefixed(l->e, rc, path) : 0;
}

static int
load_policy(struct loader *l, const json_t *item, const char *path)
{
	struct api_error_info ae = {0};
	struct model_policy p;
	int rc;

	if (policy_from_json(item, path, &p, &ae) < 0)
		return from_api(&ae, l->e);
	if (model_policy_find(l->m, p.color, &p.endpoint) != NULL)
		return fail(l->e, -EEXIST, path, "SR policy (color, endpoint) defined twice");
	rc = model_policy_add(l->t, &p, l->e);
	return rc < 0 ? prefixed(l->e, rc, path) : 0;
}

static int
load_route(struct loader *l, const json_t *item, const char *path)
{
	struct api_error_info ae = {0};
	struct model_route *r = malloc(sizeof(*r));
	int rc;

	if (r == NULL)
		return fail(l->e, -ENOMEM, path, "out of memory");
	if (route_from_json(l->m, item, path, r, &ae) < 0) {
		rc = from_api(&ae, l->e);
	} else if (model_route_find(l->m, r->vrf, &r->prefix) != NULL) {
		// route.add would replace it; in a file it is a mistake.
		rc = fail(l->e, -EEXIST, path, "route defined twice (same vrf and prefix)");
	} else {
		rc = model_route_add(l->t, r, l->e);
		if (rc < 0)
			prefixed(l->e, rc, path);
	}
	free(r);
	return rc;
}

static int
load_neighbor(struct loader *l, const json_t *item, const char *path)
{
	struct api_error_info ae = {0};
	struct ip_addr a;
	uint8_t mac[6];
	uint16_t port;
	int rc;

	if (neigh_from_json(l->m, item, path, &port, &a, mac, &ae) < 0)
		return from_api(&ae, l->e);
	rc = model_neigh_add(l->t, port, &a, mac, l->e);
	return rc < 0 ? prefixed(l->e, rc, path) : 0;
}

// An IPsec SA of ipsec.sas; a second SA with the same id is a mistake in a
// file (ipsec.sa.add would replace it).
static int
load_sa(struct loader *l, const json_t *item, const char *path)
{
	struct api_error_info ae = {0};
	struct ipsec_sa sa;
	int rc;

	if (ipsec_sa_from_json(item, path, &sa, &ae) < 0)
		return from_api(&ae, l->e);
	if (ipsec_sa_find(ipsec_sa_table_find(l->m), sa.id) >= 0) {
		ipsec_sa_wipe(&sa);
		return fail(l->e, -EEXIST, path, "SA \"%s\" defined twice", sa.id);
	}
	rc = ipsec_sa_add(l->t, &sa, NULL, l->e);
	ipsec_sa_wipe(&sa);
	return rc < 0 ? prefixed(l->e, rc, path) : 0;
}

// "datapath": {"idle_sleep_us": N, "max_ipv4_routes": N, "max_ipv6_routes": N,
// "spread": "inner" | "even" | "off", "crypto": "auto" | "cpu" | "lookaside"}.
// Checked here, applied by config_load: the sleep after the commit, so a file
// refused later leaves the workers as they were; the FIB limits before it (the
// file's own routes are held to them) and put back if the file is refused.
static int
load_datapath(struct loader *l, const json_t *root)
{
	static const char *const lim_keys[2] = {"max_ipv4_routes", "max_ipv6_routes"};
	static const uint32_t lim_def[2] = {DP_FIB_MAX_IPV4_DEFAULT, DP_FIB_MAX_IPV6_DEFAULT};
	struct api_error_info ae = {0};
	const struct api_field *spec;
	const json_t *v = json_object_get(root, "datapath"), *us, *spread, *crypto;
	size_t n;

	l->idle_sleep_us = DP_IDLE_SLEEP_DEFAULT_US;
	l->spread = DP_SPREAD_INNER;
	l->crypto = DP_CRYPTO_AUTO;
	l->fib_max[0] = lim_def[0];
	l->fib_max[1] = lim_def[1];
	if (v == NULL)
		return 0;
	spec = api_object_spec("config.datapath", &n);
	if (spec == NULL)
		return fail(l->e, -EINVAL, "datapath", "not supported");
	if (api_check_object(v, spec, n, "datapath", &ae) < 0)
		return from_api(&ae, l->e);
	if ((us = json_object_get(v, "idle_sleep_us")) != NULL) {
		json_int_t x = json_integer_value(us);
		if (x > (json_int_t)DP_IDLE_SLEEP_MAX_US)
			return fail(l->e, -EINVAL, "datapath.idle_sleep_us",
				    "%" JSON_INTEGER_FORMAT
				    " is too long: at most %u microseconds (0 turns sleeping off)",
				    x, DP_IDLE_SLEEP_MAX_US);
		l->idle_sleep_us = (uint32_t)x;
	}
	if ((spread = json_object_get(v, "spread")) != NULL) {
		const char *mode = json_string_value(spread);
		unsigned int i = 0;
		while (i < DP_SPREAD_MODES && strcmp(mode, dp_spread_mode_name(i)) != 0)
			i++;
		if (i == DP_SPREAD_MODES)
			return fail(l->e, -EINVAL, "datapath.spread",
				    "\"%s\" is not a mode: \"inner\" (spread tunnelled traffic "
				    "over workers by its inner flow when one is busy), \"even\" "
				    "(from the start) or \"off\"",
				    mode);
		l->spread = (enum dp_spread_mode)i;
	}
	if ((crypto = json_object_get(v, "crypto")) != NULL) {
		const char *mode = json_string_value(crypto);
		unsigned int i = 0;
		while (i < DP_CRYPTO_MODES && strcmp(mode, dp_crypto_mode_name(i)) != 0)
			i++;
		if (i == DP_CRYPTO_MODES)
			return fail(l->e, -EINVAL, "datapath.crypto",
				    "\"%s\" is not a mode: \"auto\" (CPU crypto, else a queued "
				    "crypto device), \"cpu\" or \"lookaside\"",
				    mode);
		l->crypto = (enum dp_crypto_mode)i;
	}
	for (unsigned int f = 0; f < 2; f++) {
		const json_t *lim = json_object_get(v, lim_keys[f]);
		if (lim == NULL)
			continue;
		json_int_t x = json_integer_value(lim);
		if (x < 1 || x > (json_int_t)DP_FIB_MAX_LIMIT)
			return fail(l->e, -EINVAL,
				    f ? "datapath.max_ipv6_routes" : "datapath.max_ipv4_routes",
				    "%" JSON_INTEGER_FORMAT
				    " is out of range: 1 to %u entries per VRF",
				    x, DP_FIB_MAX_LIMIT);
		l->fib_max[f] = (uint32_t)x;
	}
	return 0;
}

static int
load_all(struct loader *l, const json_t *root)
{
	struct api_error_info ae = {0};
	const json_t *v;
	size_t n;
	int rc;

	if (json_array_size(json_object_get(root, "ports")) == 0)
		return fail(l->e, -EINVAL, "ports", "at least one port is needed");
	if ((rc = load_datapath(l, root)) < 0)
		return rc;
	// VRFs first: a port, SID or route may name a VRF defined later in the file.
	if ((rc = each(l, root, "vrfs", load_vrf)) < 0 ||
	    (rc = each(l, root, "ports", load_port)) < 0 ||
	    (rc = each(l, root, "locators", load_locator)) < 0)
		return rc;
	// Encapsulation before SIDs and routes: SRv6 next hops need its source.
	if ((v = json_object_get(root, "encap")) != NULL) {
		struct model_encap enc = l->m->encap;
		if (encap_from_json(v, "encap", &enc, &ae) < 0)
			return from_api(&ae, l->e);
		if ((rc = model_encap_set(l->t, &enc, l->e)) < 0)
			return prefixed(l->e, rc, "encap");
	}
	// An l2vpn port's H.Encaps.L2 takes its own src or the encapsulation's.
	for (size_t i = 0; i < json_array_size(json_object_get(root, "ports")); i++) {
		const char *name = json_string_value(
			json_object_get(json_array_get(json_object_get(root, "ports"), i), "name"));
		int idx = name != NULL ? model_port_find(l->m, name) : -1;
		if (idx >= 0 && l->m->ports[idx].l2vpn.on && !l->m->ports[idx].l2vpn.has_src &&
		    !l->m->encap.has_src) {
			char f[48];
			snprintf(f, sizeof(f), "ports[%zu].l2vpn.src", i);
			return fail(l->e, -EINVAL, f, "give it, or encap.source");
		}
	}
	// HMAC keys before SIDs and routes: a next hop may sign with one.
	if ((v = json_object_get(root, "hmac_keys")) != NULL) {
		const json_t *item;
		size_t i;
		if (api_check_array(v, API_T_OBJECT, "hmac_keys", &ae) < 0)
			return from_api(&ae, l->e);
		json_array_foreach(v, i, item) {
			uint8_t secret[MODEL_HMAC_SECRET_MAX];
			char path[32];
			uint32_t id;
			size_t len;
			snprintf(path, sizeof(path), "hmac_keys[%zu]", i);
			if (hmac_key_from_json(item, path, &id, secret, &len, &ae) < 0)
				return from_api(&ae, l->e);
			rc = model_hmac_key_set(l->t, id, secret, len, l->e);
			explicit_bzero(secret, sizeof(secret));
			if (rc < 0)
				return prefixed(l->e, rc, path);
		}
	}
	// SR policies before routes: a route's next hop may be steered into one.
	if ((rc = each(l, root, "policies", load_policy)) < 0)
		return rc;
	// SAs before routes: a route's next hop may name one.
	if ((v = json_object_get(root, "ipsec")) != NULL) {
		const struct api_field *spec = api_object_spec("config.ipsec", &n);
		const json_t *arr;
		if (spec == NULL || api_check_object(v, spec, n, "ipsec", &ae) < 0)
			return spec == NULL ? fail(l->e, -EINVAL, "ipsec", "not supported")
					    : from_api(&ae, l->e);
		arr = json_object_get(v, "sas");
		if (arr != NULL && api_check_array(arr, API_T_OBJECT, "ipsec.sas", &ae) < 0)
			return from_api(&ae, l->e);
		const json_t *item;
		size_t i;
		json_array_foreach(arr, i, item) {
			char path[48];
			snprintf(path, sizeof(path), "ipsec.sas[%zu]", i);
			if ((rc = load_sa(l, item, path)) < 0)
				return rc;
		}
	}
	if ((rc = each(l, root, "sids", load_sid)) < 0 ||
	    (rc = each(l, root, "routes", load_route)) < 0 ||
	    (rc = each(l, root, "neighbors", load_neighbor)) < 0)
		return rc;
	return 0;
}

// The file as one JSON object checked against the catalogue's "config"
// spec; NULL with e filled.
static json_t *
config_read(const char *path, struct model_err *e)
{
	struct api_error_info ae = {0};
	const struct api_field *spec;
	json_error_t jerr;
	json_t *root;
	size_t n;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		// Without jansson's " near '<token>'": the token may be a key.
		char why[sizeof(jerr.text)];
		api_json_error_text(jerr.text, why, sizeof(why));
		if (jerr.line > 0)
			fail(e, -EINVAL, "", "line %d column %d: %s", jerr.line, jerr.column, why);
		else
			fail(e, -EINVAL, "", "%s", why);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		fail(e, -EINVAL, "", "the configuration must be one JSON object");
		return NULL;
	}
	spec = api_object_spec("config", &n);
	if (spec == NULL || api_check_object(root, spec, n, NULL, &ae) < 0) {
		if (spec == NULL)
			fail(e, -EINVAL, "", "no config spec in the API catalogue");
		else
			from_api(&ae, e);
		json_decref(root);
		return NULL;
	}
	return root;
}

int
config_load(struct model *m, const char *path, struct model_err *e)
{
	struct loader l = {.m = m, .e = e};
	json_t *root;
	int rc;

	memset(e, 0, sizeof(*e));
	if (m == NULL || path == NULL)
		return fail(e, -EINVAL, "", "no model or no file");
	root = config_read(path, e);
	if (root == NULL)
		return -EINVAL;
	l.t = model_txn_begin(m);
	if (l.t == NULL) {
		json_decref(root);
		return fail(e, -EBUSY, "", "a transaction is already open");
	}
	uint32_t old_max4, old_max6;
	enum dp_crypto_mode old_crypto = dp_crypto_get();
	dp_fib_limits_get(&old_max4, &old_max6);
	rc = load_all(&l, root);
	// The crypto device starts with the file's first SA, in the commit.
	if (rc == 0 && dp_crypto_set(l.crypto) < 0)
		rc = fail(e, -EBUSY, "datapath.crypto",
			  "the crypto device already runs as \"%s\": restart to change it",
			  dp_crypto_mode_name(old_crypto));
	if (rc == 0) {
		dp_fib_limits_set(l.fib_max[0], l.fib_max[1]);
		rc = dp_commit(l.t, e);
		if (rc < 0 && e->msg[0] == '\0')
			snprintf(e->msg, sizeof(e->msg),
				 "the datapath refused the configuration: %s", strerror(-rc));
	}
	if (rc < 0) {
		model_txn_abort(l.t);
		dp_fib_limits_set(old_max4, old_max6);
		dp_crypto_set(old_crypto);
	} else {
		model_txn_end(l.t);
		dp_idle_sleep_set(l.idle_sleep_us);
		dp_spread_set(l.spread);
	}
	json_decref(root);
	return rc;
}

// --- reload ------------------------------------------------------------------------

// config_reload compares the file with config_to_json's picture of the running
// model, section by section, object by object, and stages only the
// differences: removals first, the dependants first (routes before the SAs,
// SIDs and VRFs they name), then additions in the loader's order. Each object
// of the file is put in config.get's form first (parsed against the running
// model and encoded again), so spelling does not count as a change; one that
// does not parse yet (it names a VRF the file adds) is compared as written.

struct reload_section {
	const char *name;      // key in the file (SAs: "ipsec", its "sas")
	const char *fields[2]; // key fields of an object in config.get's form
	item_fn add;	       // stage the file's object (new or changed)
	item_fn del;	       // remove a running object; NULL: never removed (ports)
	// item in config.get's form (a new reference), or NULL.
	json_t *(*canon)(const struct model *m, const json_t *item);
	// Left to its live owner at run time (NULL: nothing is).
	bool (*owned_elsewhere)(const json_t *item);
};

static json_t *
canon_vrf(const struct model *m, const json_t *item)
{
	struct api_error_info ae = {0};
	struct model_vrf v;

	return vrf_from_json(m, item, "", &v, &ae) < 0 ? NULL : vrf_to_json(&v);
}

static json_t *
canon_port(const struct model *m, const json_t *item)
{
	struct api_error_info ae = {0};
	struct model_port p;

	memset(&p, 0, sizeof(p));
	p.mtu = 1500;
	return port_from_json(m, item, "", true, &p, &ae) < 0 ? NULL : port_to_json(m, &p);
}

static json_t *
canon_locator(const struct model *m, const json_t *item)
{
	struct api_error_info ae = {0};
	struct model_locator l;

	(void)m;
	return locator_from_json(item, "", &l, &ae) < 0 ? NULL : locator_to_json(&l);
}

static json_t *
canon_sa(const struct model *m, const json_t *item)
{
	struct api_error_info ae = {0};
	struct ipsec_sa sa;
	json_t *o;

	(void)m;
	if (ipsec_sa_from_json(item, "", &sa, &ae) < 0)
		return NULL;
	o = ipsec_sa_to_json(&sa, true);
	ipsec_sa_wipe(&sa);
	return o;
}

static json_t *
canon_sid(const struct model *m, const json_t *item)
{
	struct api_error_info ae = {0};
	struct model_sid sid;

	return sid_from_json(m, item, "", true, &sid, &ae) < 0 ? NULL : sid_to_json(m, &sid);
}

static json_t *
canon_policy(const struct model *m, const json_t *item)
{
	struct api_error_info ae = {0};
	struct model_policy p;

	(void)m;
	return policy_from_json(item, "", &p, &ae) < 0 ? NULL : policy_to_json(&p);
}

static json_t *
canon_route(const struct model *m, const json_t *item)
{
	struct api_error_info ae = {0};
	struct model_route *r = malloc(sizeof(*r));
	json_t *o = NULL;

	if (r != NULL && route_from_json(m, item, "", r, &ae) == 0) {
		prefix_mask(&r->prefix);
		o = route_to_json(m, r);
		// As routes_to_json writes them.
		if (r->owner[0] == '\0' || strcmp(r->owner, "static") == 0)
			json_object_del(o, "owner");
	}
	free(r);
	return o;
}

static json_t *
canon_neighbor(const struct model *m, const json_t *item)
{
	struct api_error_info ae = {0};
	char abuf[64], mbuf[24];
	struct ip_addr a;
	uint8_t mac[6];
	uint16_t port;

	if (neigh_from_json(m, item, "", &port, &a, mac, &ae) < 0)
		return NULL;
	return json_pack("{s:s,s:s,s:s}", "port", m->ports[port].name, "address",
			 addr_fmt(&a, abuf, sizeof(abuf)), "mac", mac_fmt(mac, mbuf, sizeof(mbuf)));
}

#define RELOAD_KEY_LEN 160

// The section's array ("ipsec": its "sas").
static const json_t *
section_array(const json_t *root, const char *name)
{
	if (strcmp(name, "ipsec") == 0)
		return json_object_get(json_object_get(root, "ipsec"), "sas");
	return json_object_get(root, name);
}

static void
section_key(const struct reload_section *sec, const json_t *item, char key[RELOAD_KEY_LEN])
{
	const char *a = json_string_value(json_object_get(item, sec->fields[0]));
	const char *b = sec->fields[1] != NULL
				? json_string_value(json_object_get(item, sec->fields[1]))
				: NULL;
	char num[24];

	// A number (a policy's color) keys as its decimal digits.
	if (a == NULL && json_is_integer(json_object_get(item, sec->fields[0]))) {
		snprintf(num, sizeof(num), "%lld",
			 (long long)json_integer_value(json_object_get(item, sec->fields[0])));
		a = num;
	}

	// A route without "vrf" is in the default VRF.
	if (a == NULL && strcmp(sec->fields[0], "vrf") == 0)
		a = "default";
	// "RED", "BLUE 10.2.0.0/24": error paths show it.
	snprintf(key, RELOAD_KEY_LEN, "%s%s%s", a != NULL ? a : "", b != NULL ? " " : "",
		 b != NULL ? b : "");
}

// Left to their live owner at run time: routes of owners other than
// "static" (srv6-bgp's) and SIDs allocated from a locator (sid.alloc). A
// file's copies of them only seed a start.
static bool
route_owned_elsewhere(const json_t *item)
{
	const char *owner = json_string_value(json_object_get(item, "owner"));

	return owner != NULL && strcmp(owner, "static") != 0;
}

static bool
sid_owned_elsewhere(const json_t *item)
{
	return json_object_get(item, "locator") != NULL;
}

static bool
reload_owned_elsewhere(const struct reload_section *sec, const json_t *item)
{
	return sec->owned_elsewhere != NULL && sec->owned_elsewhere(item);
}

// Removing one running object (config.get's form) from the model.

static int
del_vrf(struct loader *l, const json_t *item, const char *path)
{
	(void)path;
	return model_vrf_del(l->t, json_string_value(json_object_get(item, "name")), l->e);
}

static int
del_locator(struct loader *l, const json_t *item, const char *path)
{
	(void)path;
	return model_locator_del(l->t, json_string_value(json_object_get(item, "name")), l->e);
}

static int
del_sa(struct loader *l, const json_t *item, const char *path)
{
	(void)path;
	return ipsec_sa_del(l->t, json_string_value(json_object_get(item, "id")), l->e);
}

static int
del_policy(struct loader *l, const json_t *item, const char *path)
{
	struct ip_addr ep;

	(void)path;
	if (addr_parse(json_string_value(json_object_get(item, "endpoint")), &ep) < 0)
		return -EINVAL;
	return model_policy_del(l->t, (uint32_t)json_integer_value(json_object_get(item, "color")),
				&ep, l->e);
}

static int
del_sid(struct loader *l, const json_t *item, const char *path)
{
	struct ip_prefix p;
	int rc = prefix_parse(json_string_value(json_object_get(item, "sid")), true, &p);

	(void)path;
	return rc < 0 ? rc : model_sid_del(l->t, &p, l->e);
}

static int
del_route(struct loader *l, const json_t *item, const char *path)
{
	int v = model_vrf_find(l->m, json_string_value(json_object_get(item, "vrf")));
	struct ip_prefix p;
	int rc;

	(void)path;
	if (v < 0)
		return -ENOENT;
	rc = prefix_parse(json_string_value(json_object_get(item, "prefix")), false, &p);
	return rc < 0 ? rc : model_route_del(l->t, (uint16_t)v, &p, l->e);
}

static int
del_neighbor(struct loader *l, const json_t *item, const char *path)
{
	struct api_error_info ae = {0};
	struct ip_addr a;
	uint8_t mac[6];
	uint16_t port;

	if (neigh_from_json(l->m, item, path, &port, &a, mac, &ae) < 0)
		return from_api(&ae, l->e);
	return model_neigh_del(l->t, port, &a, l->e);
}

// A port of the file against the running one of that name: ports are probed
// at start, so only what port.set changes (mtu, vrf, addresses) may differ.
static int
reload_port(struct loader *l, const json_t *item, const char *path)
{
	struct api_error_info ae = {0};
	const struct model_port *cur;
	struct model_port p;
	int idx, rc;

	memset(&p, 0, sizeof(p));
	p.mtu = 1500;
	if (port_from_json(l->m, item, path, true, &p, &ae) < 0)
		return from_api(&ae, l->e);
	idx = model_port_find(l->m, p.name);
	if (idx < 0)
		return fail(l->e, -EINVAL, path,
			    "port %s is not running: ports are added by a restart", p.name);
	cur = &l->m->ports[idx];
	if (strcmp(cur->device, p.device) != 0 || strcmp(cur->host_if, p.host_if) != 0 ||
	    cur->tcp_mss != p.tcp_mss || cur->has_mac != p.has_mac ||
	    (p.has_mac && memcmp(cur->mac, p.mac, 6) != 0))
		return fail(l->e, -EINVAL, path,
			    "device, host_if, tcp_mss and mac of port %s change only with a "
			    "restart (mtu, vrf and addresses reload)",
			    p.name);
	rc = model_port_set(l->t, (uint16_t)idx, &p, l->e);
	return rc < 0 ? prefixed(l->e, rc, path) : 0;
}

static const struct reload_section reload_sections[] = {
	{"vrfs", {"name"}, load_vrf, del_vrf, canon_vrf, NULL},
	{"ports", {"name"}, reload_port, NULL, canon_port, NULL},
	{"locators", {"name"}, load_locator, del_locator, canon_locator, NULL},
	{"ipsec", {"id"}, load_sa, del_sa, canon_sa, NULL},
	{"policies", {"color", "endpoint"}, load_policy, del_policy, canon_policy, NULL},
	{"sids", {"sid"}, load_sid, del_sid, canon_sid, sid_owned_elsewhere},
	{"routes", {"vrf", "prefix"}, load_route, del_route, canon_route, route_owned_elsewhere},
	{"neighbors", {"port", "address"}, load_neighbor, del_neighbor, canon_neighbor, NULL},
};
#define N_RELOAD_SECTIONS (sizeof(reload_sections) / sizeof(reload_sections[0]))
#define RELOAD_PORTS 1 // reload_sections[1]

// Per section: the running objects by key, the file's (config.get's form
// where it parses) by key, and the key of each file object in file order
// (null where the reload skips it).
struct reload_diff {
	json_t *running[N_RELOAD_SECTIONS];
	json_t *file[N_RELOAD_SECTIONS];
	json_t *file_keys[N_RELOAD_SECTIONS];
};

static int
reload_diff_build(struct loader *l, const json_t *root, const json_t *run, struct reload_diff *d)
{
	char key[RELOAD_KEY_LEN];

	for (size_t s = 0; s < N_RELOAD_SECTIONS; s++) {
		const struct reload_section *sec = &reload_sections[s];
		const json_t *item;
		size_t i;

		d->running[s] = json_object();
		d->file[s] = json_object();
		d->file_keys[s] = json_array();
		if (d->running[s] == NULL || d->file[s] == NULL || d->file_keys[s] == NULL)
			return fail(l->e, -ENOMEM, "", "out of memory");
		json_array_foreach(section_array(run, sec->name), i, item) {
			section_key(sec, item, key);
			json_object_set(d->running[s], key, (json_t *)item);
		}
		json_array_foreach(section_array(root, sec->name), i, item) {
			json_t *c;
			if (!json_is_object(item) || reload_owned_elsewhere(sec, item)) {
				json_array_append_new(d->file_keys[s], json_null());
				continue;
			}
			c = sec->canon(l->m, item);
			if (c == NULL)
				c = json_incref((json_t *)item);
			section_key(sec, c, key);
			json_array_append_new(d->file_keys[s], json_string_nocheck(key));
			// A second object with the key is the loader's to report.
			if (json_object_get(d->file[s], key) == NULL)
				json_object_set(d->file[s], key, c);
			json_decref(c);
		}
	}
	return 0;
}

static int
reload_apply(struct loader *l, const json_t *root, const json_t *run, struct reload_diff *d,
	     struct config_reload_stats *st)
{
	char path[RELOAD_KEY_LEN + 32];
	struct api_error_info ae = {0};
	const char *k;
	json_t *cur, *want;
	size_t i;
	int rc;

	// Ports cannot come or go without a restart.
	json_object_foreach(d->running[RELOAD_PORTS], k, cur)
		if (json_object_get(d->file[RELOAD_PORTS], k) == NULL)
			return fail(l->e, -EINVAL, "ports",
				    "port %s is missing: ports are removed by a restart",
				    json_string_value(json_object_get(cur, "name")));
	// Removals, the dependants first: objects the file lacks or changes.
	for (size_t s = N_RELOAD_SECTIONS; s-- > 0;) {
		const struct reload_section *sec = &reload_sections[s];
		if (sec->del == NULL)
			continue;
		json_object_foreach(d->running[s], k, cur) {
			want = json_object_get(d->file[s], k);
			if (want != NULL && json_equal(want, cur))
				continue;
			if (want == NULL && reload_owned_elsewhere(sec, cur))
				continue;
			snprintf(path, sizeof(path), "%s: %s", sec->name, k);
			if ((rc = sec->del(l, cur, path)) < 0) {
				char why[sizeof(l->e->msg)];
				snprintf(why, sizeof(why), "%s",
					 l->e->msg[0] != '\0' ? l->e->msg : strerror(-rc));
				return fail(l->e, rc, path,
					    "cannot remove it (the file no longer has it): %s",
					    why);
			}
			if (want == NULL)
				st->removed++;
		}
	}
	// Additions and the changed objects' new form, in the loader's order,
	// with the encapsulation after the locators (SRv6 next hops need it).
	for (size_t s = 0; s < N_RELOAD_SECTIONS; s++) {
		const struct reload_section *sec = &reload_sections[s];
		const json_t *item;
		json_array_foreach(section_array(root, sec->name), i, item) {
			const char *key = json_string_value(json_array_get(d->file_keys[s], i));
			if (key == NULL) // not an object, or owned elsewhere
				continue;
			cur = json_object_get(d->running[s], key);
			want = json_object_get(d->file[s], key);
			if (cur != NULL && want != NULL && json_equal(want, cur)) {
				st->unchanged++;
				continue;
			}
			if (strcmp(sec->name, "ipsec") == 0)
				snprintf(path, sizeof(path), "ipsec.sas[%zu]", i);
			else
				snprintf(path, sizeof(path), "%s[%zu]", sec->name, i);
			if ((rc = sec->add(l, item, path)) < 0)
				return rc;
			if (cur != NULL)
				st->changed++;
			else
				st->added++;
		}
		if (strcmp(sec->name, "locators") == 0 &&
		    !json_equal(json_object_get(root, "encap"), json_object_get(run, "encap"))) {
			// Fields the file leaves out keep their running values, as
			// at start they keep the defaults.
			struct model_encap enc = l->m->encap;
			const json_t *v = json_object_get(root, "encap");
			if (v != NULL && encap_from_json(v, "encap", &enc, &ae) < 0)
				return from_api(&ae, l->e);
			if (memcmp(&enc, &l->m->encap, sizeof(enc)) != 0) {
				if ((rc = model_encap_set(l->t, &enc, l->e)) < 0)
					return prefixed(l->e, rc, "encap");
				st->changed++;
			}
		}
	}
	return 0;
}

// The file's hmac_keys against the running keys (id and secret, whatever the
// spelling); a key that does not parse counts as a difference.
static bool
hmac_keys_differ(const struct model *m, const json_t *root)
{
	const json_t *arr = json_object_get(root, "hmac_keys"), *item;
	struct api_error_info ae;
	unsigned int running = 0;
	size_t i;

	for (int k = 0; k < MODEL_MAX_HMAC_KEYS; k++)
		running += m->hmac_keys[k].used;
	if (json_array_size(arr) != running)
		return true;
	json_array_foreach(arr, i, item) {
		uint8_t secret[MODEL_HMAC_SECRET_MAX];
		const struct model_hmac_key *k;
		uint32_t id;
		size_t len;
		bool same;
		if (hmac_key_from_json(item, "hmac_keys", &id, secret, &len, &ae) < 0)
			return true;
		k = model_hmac_key_find(m, id);
		same = k != NULL && k->secret_len == len && memcmp(k->secret, secret, len) == 0;
		explicit_bzero(secret, sizeof(secret));
		if (!same)
			return true;
	}
	return false;
}

int
config_reload(struct model_txn *t, const char *path, struct config_reload_stats *st,
	      struct model_err *e)
{
	struct loader l = {.m = model_txn_model(t), .t = t, .e = e};
	struct reload_diff d = {0};
	json_t *root, *run = NULL;
	uint32_t max4, max6;
	int rc;

	memset(e, 0, sizeof(*e));
	memset(st, 0, sizeof(*st));
	root = config_read(path, e);
	if (root == NULL)
		return -EINVAL;
	if (json_array_size(json_object_get(root, "ports")) == 0) {
		rc = fail(e, -EINVAL, "ports", "at least one port is needed");
		goto out;
	}
	if ((rc = load_datapath(&l, root)) < 0)
		goto out;
	// What sizes or starts datapath resources waits for a restart; the
	// rest of "datapath" the caller applies after the commit.
	dp_fib_limits_get(&max4, &max6);
	if (l.fib_max[0] != max4 || l.fib_max[1] != max6) {
		rc = fail(e, -EINVAL, "datapath",
			  "max_ipv4_routes and max_ipv6_routes change only with a restart "
			  "(running: %u and %u)",
			  max4, max6);
		goto out;
	}
	if (l.crypto != dp_crypto_get()) {
		rc = fail(e, -EINVAL, "datapath.crypto", "running as \"%s\": restart to change it",
			  dp_crypto_mode_name(dp_crypto_get()));
		goto out;
	}
	st->idle_sleep_us = l.idle_sleep_us;
	st->spread = l.spread;
	run = config_to_json(l.m, true);
	if (run == NULL) {
		rc = fail(e, -ENOMEM, "", "out of memory");
		goto out;
	}
	if (hmac_keys_differ(l.m, root)) {
		rc = fail(e, -EINVAL, "hmac_keys",
			  "HMAC keys change with hmac.key.add and hmac.key.del, not config.reload");
		goto out;
	}
	if ((rc = reload_diff_build(&l, root, run, &d)) == 0)
		rc = reload_apply(&l, root, run, &d, st);
out:
	for (size_t s = 0; s < N_RELOAD_SECTIONS; s++) {
		json_decref(d.running[s]);
		json_decref(d.file[s]);
		json_decref(d.file_keys[s]);
	}
	json_decref(run);
	json_decref(root);
	return rc;
}

// --- running config --------------------------------------------------------------------

static int
route_cmp(const void *a, const void *b)
{
	const struct model_route *x = *(const struct model_route *const *)a;
	const struct model_route *y = *(const struct model_route *const *)b;
	int c;

	if (x->vrf != y->vrf)
		return (int)x->vrf - (int)y->vrf;
	if (x->prefix.addr.family != y->prefix.addr.family)
		return (int)x->prefix.addr.family - (int)y->prefix.addr.family;
	c = memcmp(x->prefix.addr.bytes, y->prefix.addr.bytes, sizeof(x->prefix.addr.bytes));
	return c != 0 ? c : (int)x->prefix.len - (int)y->prefix.len;
}

// Every API/config route, also those a derived entry (connected, local, SID)
// shadows in the datapath: they are configuration all the same.
static json_t *
routes_to_json(const struct model *m)
{
	const struct model_route **v;
	json_t *arr = json_array();
	size_t b, n = 0;

	v = calloc(m->routes.count ? m->routes.count : 1, sizeof(*v));
	if (v == NULL || arr == NULL) {
		free(v);
		json_decref(arr);
		return NULL;
	}
	for (struct hmap_node *nd = hmap_iter_first(&m->routes, &b);
	     nd != NULL && n < m->routes.count; nd = hmap_iter_next(&m->routes, nd, &b))
		v[n++] = hmap_entry(nd, struct model_route, node);
	qsort(v, n, sizeof(*v), route_cmp);
	for (size_t i = 0; i < n; i++) {
		json_t *r = route_to_json(m, v[i]);
		const char *owner = json_string_value(json_object_get(r, "owner"));
		// A file has no stale routes; "static" is the default owner.
		json_object_del(r, "stale");
		if (owner != NULL && strcmp(owner, "static") == 0)
			json_object_del(r, "owner");
		json_array_append_new(arr, r);
	}
	free(v);
	return arr;
}

// ipsec {"sas": [...]}, sorted by id; keys only when secrets.
static json_t *
ipsec_to_json(const struct model *m, bool secrets)
{
	const struct ipsec_sa_table *tbl = ipsec_sa_table_find(m);
	json_t *sas = json_array();
	uint32_t *slots = calloc(IPSEC_MAX_SAS, sizeof(*slots));
	unsigned int n;

	if (sas == NULL || slots == NULL) {
		json_decref(sas);
		free(slots);
		return NULL;
	}
	n = ipsec_sa_list(tbl, slots);
	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(sas, ipsec_sa_to_json(ipsec_sa_at(tbl, slots[i]), secrets));
	free(slots);
	return json_pack("{s:o}", "sas", sas);
}

json_t *
config_to_json(const struct model *m, bool secrets)
{
	json_t *o = json_object(), *ports = json_array(), *locators = json_array(),
	       *vrfs = json_array(), *sids = json_array(), *neighs = json_array(), *routes;
	const struct model_neigh **nv = NULL;
	const struct model_sid **sv = NULL;
	size_t n = 0;

	if (o == NULL || ports == NULL || locators == NULL || vrfs == NULL || sids == NULL ||
	    neighs == NULL)
		goto oom;
	for (int i = 0; i < MODEL_MAX_PORTS; i++)
		if (m->ports[i].used)
			json_array_append_new(ports, port_to_json(m, &m->ports[i]));
	for (int i = 0; i < MODEL_MAX_LOCATORS; i++)
		if (m->locators[i].used)
			json_array_append_new(locators, locator_to_json(&m->locators[i]));
	for (int i = 0; i < SRV6_MAX_VRFS; i++)
		if (i != MODEL_DEFAULT_VRF && m->vrfs[i].used)
			json_array_append_new(vrfs, vrf_to_json(&m->vrfs[i]));
	if (model_sids_list(m, &sv, &n) < 0)
		goto oom;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(sids, sid_to_json(m, sv[i]));
	free(sv);
	if (model_neighs_list(m, &nv, &n) < 0)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		char mac[24];
		// Only what the configuration said: learned entries come from the wire.
		if (!nv[i]->is_static || !nv[i]->has_mac)
			continue;
		json_t *ne = neigh_to_json(m, nv[i]);
		json_object_del(ne, "state");
		json_object_del(ne, "static");
		json_object_set_new(ne, "mac", json_string(mac_fmt(nv[i]->mac, mac, sizeof(mac))));
		json_array_append_new(neighs, ne);
	}
	free(nv);
	routes = routes_to_json(m);
	if (routes == NULL)
		goto oom;
	json_object_set_new(o, "ports", ports);
	json_object_set_new(o, "encap", encap_to_json(&m->encap));
	json_object_set_new(o, "locators", locators);
	json_object_set_new(o, "vrfs", vrfs);
	json_object_set_new(o, "sids", sids);
	json_object_set_new(o, "routes", routes);
	json_object_set_new(o, "neighbors", neighs);
	json_object_set_new(o, "ipsec", ipsec_to_json(m, secrets));
	{
		const struct model_policy **pv = NULL;
		json_t *pols = json_array();
		if (model_policies_list(m, &pv, &n) == 0)
			for (size_t i = 0; i < n; i++)
				json_array_append_new(pols, policy_to_json(pv[i]));
		free(pv);
		json_object_set_new(o, "policies", pols);
	}
	// HMAC keys: the secrets only when asked (a key id alone cannot be loaded).
	if (secrets) {
		json_t *keys = json_array();
		for (int i = 0; i < MODEL_MAX_HMAC_KEYS; i++)
			if (m->hmac_keys[i].used)
				json_array_append_new(keys,
						      hmac_key_to_json(&m->hmac_keys[i], true));
		if (json_array_size(keys) > 0)
			json_object_set_new(o, "hmac_keys", keys);
		else
			json_decref(keys);
	}
	// FIB limits only where the operator changed them: the defaults follow the
	// build, a saved file should too.
	uint32_t max4, max6;
	json_t *dpo = json_pack("{s:I,s:s,s:s}", "idle_sleep_us", (json_int_t)dp_idle_sleep_get(),
				"spread", dp_spread_mode_name(dp_spread_get()), "crypto",
				dp_crypto_mode_name(dp_crypto_get()));
	dp_fib_limits_get(&max4, &max6);
	if (dpo != NULL && max4 != DP_FIB_MAX_IPV4_DEFAULT)
		json_object_set_new(dpo, "max_ipv4_routes", json_integer(max4));
	if (dpo != NULL && max6 != DP_FIB_MAX_IPV6_DEFAULT)
		json_object_set_new(dpo, "max_ipv6_routes", json_integer(max6));
	json_object_set_new(o, "datapath", dpo);
	return o;
oom:
	json_decref(o);
	json_decref(ports);
	json_decref(locators);
	json_decref(vrfs);
	json_decref(sids);
	json_decref(neighs);
	return NULL;
}

// --- save --------------------------------------------------------------------------

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int
config_save(const struct model *m, const char *path, struct model_err *e)
{
	char *dup = NULL, *text = NULL, tmp[4096];
	const char *dir;
	struct stat st;
	// 0600 always, also over a file that had a wider mode: the file holds
	// the IPsec keys (API.md).
	const mode_t mode = 0600;
	bool created = false;
	json_t *cfg;
	int fd = -1, rc;

	memset(e, 0, sizeof(*e));
	if (path == NULL || path[0] == '\0')
		return fail(e, -EINVAL, "file", "no file name");
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return fail(e, -EINVAL, "file", "%s is not a regular file", path);
	}
	// The temporary file lives next to the target: rename() is atomic only
	// within one file system.
	dup = strdup(path);
	if (dup == NULL)
		return fail(e, -ENOMEM, "file", "out of memory");
	dir = dirname(dup);
	// One fixed name: a save cut short (kill -9, power cut) leaves at most
	// this one file, removed by the next save; saves never overlap (the
	// control thread is the only caller).
	rc = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (rc < 0 || (size_t)rc >= sizeof(tmp)) {
		free(dup);
		return fail(e, -ENAMETOOLONG, "file", "file name too long");
	}
	if (unlink(tmp) < 0 && errno != ENOENT) {
		rc = -errno;
		free(dup);
		return fail(e, rc, "file", "cannot remove %s: %s", tmp, strerror(-rc));
	}
	cfg = config_to_json(m, true); // a saved file must restart the SAs too
	text = cfg != NULL ? json_dumps(cfg, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(cfg);
	if (text == NULL) {
		free(dup);
		return fail(e, -ENOMEM, "file", "out of memory");
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		rc = -errno;
		fail(e, rc, "file", "cannot create %s: %s", tmp, strerror(-rc));
		goto out;
	}
	created = true;
	rc = write_all(fd, text, strlen(text));
	if (rc == 0)
		rc = write_all(fd, "\n", 1);
	// open() applied the umask; the mode is exactly 0600 whatever it is.
	if (rc == 0 && fchmod(fd, mode) < 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	fd = -1;
	if (rc < 0) {
		fail(e, rc, "file", "cannot write %s: %s", tmp, strerror(-rc));
		goto out;
	}
	if (rename(tmp, path) < 0) {
		rc = -errno;
		fail(e, rc, "file", "cannot rename %s to %s: %s", tmp, path, strerror(-rc));
		goto out;
	}
	created = false;
	// The rename itself is durable once the directory is on disk.
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (created)
		unlink(tmp);
	if (text != NULL)
		explicit_bzero(text, strlen(text)); // it held the IPsec keys
	free(text);
	free(dup);
	return rc;
}
