// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Command line → JSON-RPC params. The api catalogue decides everything it
// can (method names, field names, which values are arrays or numbers), so a
// new method or field works here without code; the table below only adds
// positional arguments and the route next-hop grammar for everyday use.

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api.h"
#include "srv6ctl.h"

#define MAX_POS 3

// Bare tokens fill these fields in order; an array field takes all the rest.
// usage: lines that get "srv6ctl " in front (notes start with a space);
// example: whole command lines as an operator types them, one or more, that
// work against a srv6d with the ports, VRFs and locator they name
// (tests/api/help_test.py runs every one); help_only: usage shown by
// "help METHOD" only, not among the common commands of "help".
struct grammar {
	const char *method;
	const char *positional[MAX_POS];
	const char *usage;
	const char *example;
	bool help_only;
};

static const struct grammar grammars[] = {
	{"route.add",
	 {"prefix"},
	 "route add [vrf V] PREFIX srv6 SID[,SID...] [encap h.encaps|h.encaps.red] [src A] "
	 "[ipsec-sa SA] [owner O]\n"
	 "route add [vrf V] PREFIX via ADDR [port P]\n"
	 "route add [vrf V] PREFIX blackhole\n"
	 " (several srv6/via clauses make ECMP; weight W after a clause)",
	 "srv6ctl route add vrf blue 10.2.0.0/24 srv6 fc00:2:0:e001::\n"
	 "srv6ctl route add vrf blue 10.3.0.0/24 srv6 fc00:2:0:e001:: ipsec-sa to-pe2\n"
	 "srv6ctl route add fc00:2::/48 via 2001:db8:0:12::2 port wan0\n"
	 "srv6ctl route add vrf blue 10.9.0.0/16 blackhole"},
	{"route.del",
	 {"prefix"},
	 "route del [vrf V] PREFIX",
	 "srv6ctl route del vrf blue 10.2.0.0/24"},
	{"route.get", {"address"}, "route get [vrf V] ADDR", "srv6ctl route get vrf blue 10.2.0.1"},
	{"route.list",
	 {NULL},
	 "route list [vrf V] [owner O] [type T] [limit N] [offset N]",
	 "srv6ctl route list vrf blue\n"
	 "srv6ctl route list owner static limit 10"},
	{"route.sync_begin",
	 {"owner"},
	 "route sync_begin OWNER\n"
	 " (then add the owner's routes again; route sync_end deletes those not added)",
	 "srv6ctl route sync_begin bgp",
	 true},
	{"route.sync_end", {"owner"}, "route sync_end OWNER", "srv6ctl route sync_end bgp", true},
	{"sid.add",
	 {"sid"},
	 "sid add SID behavior B [vrf V] [via A port P] [segments S,S] [flavors psp,usd]",
	 "srv6ctl sid add fc00:1:0:e001:: behavior End.DT46 vrf blue\n"
	 "srv6ctl sid add fc00:1:0:e100:: behavior End.X via 2001:db8:0:12::2 port wan0 "
	 "flavors psp"},
	{"sid.del", {"sid"}, "sid del SID", "srv6ctl sid del fc00:1:0:e100::"},
	{"sid.alloc",
	 {NULL},
	 "sid alloc locator L behavior B [vrf V] [via A port P]",
	 "srv6ctl sid alloc locator MAIN behavior End"},
	{"sid.list", {NULL}, "sid list", "srv6ctl sid list", true},
	{"vrf.add",
	 {"name"},
	 "vrf add NAME table N [rd RD] [import-rt X,Y] [export-rt X]",
	 "srv6ctl vrf add red table 20 rd 192.0.2.1:20 import-rt 65000:20 export-rt 65000:20"},
	{"vrf.del", {"name"}, "vrf del NAME", "srv6ctl vrf del red"},
	{"vrf.list", {NULL}, "vrf list", "srv6ctl vrf list", true},
	{"locator.add",
	 {"name", "prefix"},
	 "locator add NAME PREFIX [block-len N] [node-len N] [func-len N] [usid true]",
	 "srv6ctl locator add LOC2 fc00:101::/48 block-len 32 node-len 16 func-len 16"},
	{"locator.del", {"name"}, "locator del NAME", "srv6ctl locator del LOC2", true},
	{"locator.list", {NULL}, "locator list", "srv6ctl locator list", true},
	{"neighbor.add",
	 {"address", "mac"},
	 "neighbor add port P ADDR MAC",
	 "srv6ctl neighbor add port wan0 2001:db8:0:12::2 02:00:5e:00:53:02"},
	{"neighbor.del",
	 {"address"},
	 "neighbor del port P ADDR",
	 "srv6ctl neighbor del port wan0 2001:db8:0:12::2"},
	{"neighbor.list",
	 {NULL},
	 "neighbor list [port P]",
	 "srv6ctl neighbor list port wan0",
	 true},
	{"l2vpn.mac.list",
	 {NULL},
	 "l2vpn mac list port P",
	 "srv6ctl l2vpn mac list port ce-lan",
	 true},
	{"port.list",
	 {"name"},
	 "port list [NAME]",
	 "srv6ctl port list\nsrv6ctl port list wan0",
	 true},
	{"port.set",
	 {"name"},
	 "port set NAME [mtu N] [vrf V] [addresses A/L,A/L]",
	 "srv6ctl port set ce-blue mtu 1400 addresses 10.1.0.1/24,2001:db8:1::1/64"},
	{"encap.get", {NULL}, "encap get", "srv6ctl encap get", true},
	{"encap.set",
	 {NULL},
	 "encap set [source A] [hop-limit N|inherit] [flowlabel compute|inherit|zero]",
	 "srv6ctl encap set source 2001:db8:0:12::1 hop-limit 64 flowlabel compute",
	 true},
	{"hmac.key.add",
	 {"key_id"},
	 "hmac key add KEY_ID secret HEX [algorithm hmac-sha256]",
	 "srv6ctl hmac key add 7 secret 5bd1c3c0e0d36b9d5a8b2c4f10a8e3f7",
	 true},
	{"hmac.key.del", {"key_id"}, "hmac key del KEY_ID", "srv6ctl hmac key del 7", true},
	{"hmac.key.list", {NULL}, "hmac key list", "srv6ctl hmac key list", true},
	{"oam.ping",
	 {NULL},
	 "oam ping segments SID[,SID...] [count N] [interval-ms MS] [timeout-ms MS] [size B] "
	 "[hop-limit N] [src A] [vrf V] [o-flag true]\n"
	 "ping SID[,SID...] [count N] [interval MS] [timeout MS] [size B] [hop-limit N] [src A] "
	 "[vrf V] [o-flag]",
	 "srv6ctl oam ping segments fc00:1:0:e001:: count 2 interval-ms 100"},
	{"oam.trace",
	 {NULL},
	 "oam trace segments SID[,SID...] [max-hops N] [interval-ms MS] [timeout-ms MS] [src A] "
	 "[vrf V]\n"
	 "trace SID[,SID...] [max-hops N] [interval MS] [timeout MS] [src A] [vrf V] [o-flag]\n"
	 "probe SID[,SID...] [SID[,SID...]...] [count N] [interval MS] [timeout MS] [size B]",
	 "srv6ctl oam trace segments fc00:1:0:e001:: max-hops 4"},
	{"oam.get", {"id"}, "oam get ID", "srv6ctl oam get 21248", true},
	{"policy.add",
	 {NULL},
	 "policy add color C endpoint ADDR segment-lists JSON [encap h.encaps|h.encaps.red] "
	 "[name N]",
	 "srv6ctl policy add color 10 endpoint 2001:db8:b::1 segment-lists "
	 "'[{\"segments\": [\"2001:db8:c::1\"], \"weight\": 3}, {\"segments\": "
	 "[\"2001:db8:d::1\"], \"weight\": 1}]'",
	 true},
	{"policy.del",
	 {NULL},
	 "policy del color C endpoint ADDR",
	 "srv6ctl policy del color 10 endpoint 2001:db8:b::1",
	 true},
	{"policy.list", {NULL}, "policy list", "srv6ctl policy list", true},
	{"stats.get",
	 {NULL},
	 "stats get [port P] [sid S] [lcore N]",
	 "srv6ctl stats get\nsrv6ctl stats get port wan0"},
	{"stats.reset",
	 {NULL},
	 "stats reset [port P] [sid S] [lcore N]",
	 "srv6ctl stats reset port wan0",
	 true},
	{"capture.start",
	 {NULL},
	 "capture start port P file F [filter 'BPF'] [direction rx|tx|both|oam] [count N]",
	 "srv6ctl capture start port wan0 file /tmp/wan0.pcap filter 'ip6 proto 43' count 1000"},
	{"capture.stop", {"id"}, "capture stop ID", "srv6ctl capture stop 1"},
	{"capture.list", {NULL}, "capture list", "srv6ctl capture list", true},
	{"config.get", {NULL}, "config get [secrets true]", "srv6ctl --json config get", true},
	{"config.save",
	 {"file"},
	 "config save [FILE]",
	 "srv6ctl config save\nsrv6ctl config save /tmp/srv6d-backup.json"},
	{"config.reload",
	 {"file"},
	 "config reload [FILE]",
	 "srv6ctl config reload\nsrv6ctl config reload /tmp/srv6d-backup.json",
	 true},
	{"events.subscribe",
	 {"topics"},
	 "events subscribe TOPIC[,TOPIC...]   (then prints events)",
	 "srv6ctl events subscribe route,sid"},
	{"ipsec.sa.add",
	 {"id"},
	 "ipsec sa add ID direction out|in spi SPI mode tunnel|srv6 aead aes-gcm-128|aes-gcm-256\n"
	 "   key HEX|- [src A dst A] [replay-window N] [esn true] [lifetime-bytes N]\n"
	 "   [lifetime-packets N]\n"
	 " (key -: read the key from standard input, out of the process list and shell history;\n"
	 " src/dst: the tunnel's outer addresses, mode tunnel only; SPI decimal or 0x hex)",
	 "printf '%s\\n' \"$KEY\" | srv6ctl ipsec sa add to-pe2 direction out spi 0x1001 mode srv6 "
	 "aead aes-gcm-128 key -\n"
	 "printf '%s\\n' \"$KEY\" | srv6ctl ipsec sa add from-pe2 direction in spi 0x2001 "
	 "mode srv6 aead aes-gcm-128 key -"},
	{"ipsec.sa.del", {"id"}, "ipsec sa del ID", "srv6ctl ipsec sa del from-pe2"},
	{"ipsec.sa.list", {NULL}, "ipsec sa list", "srv6ctl ipsec sa list"},
	{"system.info", {NULL}, "system info", "srv6ctl system info", true},
};

// Usage lines get "srv6ctl " in front, except notes (starting with a space).
static void
print_usage_lines(FILE *f, const char *u)
{
	while (*u != '\0') {
		const char *nl = strchr(u, '\n');
		int len = nl != NULL ? (int)(nl - u) : (int)strlen(u);

		if (u[0] == ' ')
			fprintf(f, "   %.*s\n", len, u);
		else
			fprintf(f, "  srv6ctl %.*s\n", len, u);
		u += len + (nl != NULL ? 1 : 0);
	}
}

static const struct grammar *
grammar_find(const char *method)
{
	for (size_t i = 0; i < sizeof(grammars) / sizeof(grammars[0]); i++) {
		if (strcmp(grammars[i].method, method) == 0)
			return &grammars[i];
	}
	return NULL;
}

// Object names people type for the catalogue's ones.
static const char *
object_alias(const char *o)
{
	if (strcmp(o, "neigh") == 0 || strcmp(o, "neighbour") == 0)
		return "neighbor";
	if (strcmp(o, "event") == 0)
		return "events";
	return o;
}

// --- values ------------------------------------------------------------------

static bool
is_number(const char *s)
{
	char *end;

	if (*s == '\0')
		return false;
	errno = 0;
	strtoll(s, &end, 10);
	if (*end == '\0' && errno == 0)
		return true;
	strtod(s, &end);
	return *end == '\0' && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'));
}

// The brief's rule: JSON when it starts with [ or {, or is a number or
// true/false/null; otherwise the string itself.
static json_t *
guess_value(const char *s)
{
	if (s[0] == '[' || s[0] == '{' || is_number(s) || strcmp(s, "true") == 0 ||
	    strcmp(s, "false") == 0 || strcmp(s, "null") == 0) {
		json_t *j = json_loads(s, JSON_DECODE_ANY, NULL);
		if (j != NULL)
			return j;
	}
	return json_string(s);
}

// A value for a field of a known type: strings stay strings (a VRF may be
// called "100"), numbers and booleans are parsed, the rest is guessed.
static json_t *
typed_value(enum api_type t, const char *s)
{
	switch (t) {
	case API_T_STRING:
	case API_T_ADDR:
	case API_T_PREFIX:
	case API_T_MAC:
		return json_string(s);
	case API_T_INT_OR_STRING:
		return is_number(s) ? guess_value(s) : json_string(s);
	case API_T_UINT:
	case API_T_INT:
		// 0x hex as well (SPIs are written so): what is not a number stays a
		// string, for the server to refuse with the field's name.
		if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) && s[2] != '\0') {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(s + 2, &end, 16);
			if (*end == '\0' && errno == 0 && v <= (unsigned long long)INT64_MAX)
				return json_integer((json_int_t)v);
			return json_string(s);
		}
		return guess_value(s);
	default:
		return guess_value(s);
	}
}

// "a,b,c" → ["a","b","c"] appended to arr; "[...]" is JSON.
static int
append_list(json_t *arr, const char *s, const char *key, struct api_error_info *e)
{
	char *copy, *tok, *save = NULL;

	if (s[0] == '[') {
		json_t *j = json_loads(s, 0, NULL);
		if (!json_is_array(j)) {
			json_decref(j);
			return api_error_set(e, API_ERR_INVALID_PARAMS, key,
					     "%s: invalid JSON array", key);
		}
		json_array_extend(arr, j);
		json_decref(j);
		return 0;
	}
	copy = strdup(s);
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (*tok != '\0')
			json_array_append_new(arr, json_string(tok));
	}
	free(copy);
	return 0;
}

static const struct api_field *
field_find(const struct api_method *m, const char *key)
{
	for (size_t i = 0; m != NULL && i < m->n_params; i++) {
		if (strcmp(m->params[i].name, key) == 0)
			return &m->params[i];
	}
	return NULL;
}

// Set params[key] (key may be "a.b" for a nested object) from a string.
static int
set_param(json_t *params, const struct api_method *m, const char *key, const char *val,
	  struct api_error_info *e)
{
	const struct api_field *f;
	const char *dot = strchr(key, '.');
	json_t *cur;

	if (dot != NULL) {
		char outer[64];
		json_t *obj;

		snprintf(outer, sizeof(outer), "%.*s", (int)(dot - key), key);
		obj = json_object_get(params, outer);
		if (obj == NULL) {
			obj = json_object();
			json_object_set_new(params, outer, obj);
		}
		if (!json_is_object(obj))
			return api_error_set(e, API_ERR_INVALID_PARAMS, outer, "%s: given twice",
					     outer);
		if (json_object_get(obj, dot + 1) != NULL)
			return api_error_set(e, API_ERR_INVALID_PARAMS, key, "%s: given twice",
					     key);
		json_object_set_new(obj, dot + 1, guess_value(val));
		return 0;
	}
	f = field_find(m, key);
	cur = json_object_get(params, key);
	if (f != NULL && f->type == API_T_ARRAY && val[0] != '[') {
		// repeated keys and comma lists accumulate
		if (cur == NULL) {
			cur = json_array();
			json_object_set_new(params, key, cur);
		}
		if (!json_is_array(cur))
			return api_error_set(e, API_ERR_INVALID_PARAMS, key, "%s: given twice",
					     key);
		return append_list(cur, val, key, e);
	}
	if (cur != NULL)
		return api_error_set(e, API_ERR_INVALID_PARAMS, key, "%s: given twice", key);
	json_object_set_new(params, key, f != NULL ? typed_value(f->type, val) : guess_value(val));
	return 0;
}

// "import-rt" → "import_rt"; the sid next hop's "via"/"port" → "nexthop.*".
static void
canonical_key(const struct api_method *m, const char *tok, char *key, size_t len)
{
	size_t i;

	snprintf(key, len, "%s", tok);
	for (i = 0; key[i] != '\0'; i++) {
		if (key[i] == '-')
			key[i] = '_';
	}
	// (sid.add's own "port" is End.DX2's: parse_args moves it back there)
	if ((field_find(m, key) == NULL || strcmp(key, "port") == 0) &&
	    field_find(m, "nexthop") != NULL &&
	    (strcmp(key, "via") == 0 || strcmp(key, "port") == 0))
		snprintf(key, len, "nexthop.%s", strcmp(key, "via") == 0 ? "via" : "port");
	// An IPsec SA's tunnel ends and lifetime, without the dotted names.
	if (field_find(m, key) == NULL && field_find(m, "tunnel") != NULL &&
	    (strcmp(key, "src") == 0 || strcmp(key, "dst") == 0))
		snprintf(key, len, "tunnel.%s", strcmp(key, "src") == 0 ? "src" : "dst");
	if (field_find(m, key) == NULL && field_find(m, "lifetime") != NULL &&
	    (strcmp(key, "lifetime_bytes") == 0 || strcmp(key, "lifetime_packets") == 0))
		snprintf(key, len, "lifetime.%s",
			 strcmp(key, "lifetime_bytes") == 0 ? "bytes" : "packets");
}

// "key -": one line of standard input, so that the key never sits in argv
// (visible in ps) or the shell's history. Leading/trailing blanks dropped.
static char *
secret_from_stdin(void)
{
	char buf[256];
	size_t n;
	char *p = buf;

	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return NULL;
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' ||
			 buf[n - 1] == '\t'))
		buf[--n] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	char *out = strdup(p);
	explicit_bzero(buf, sizeof(buf));
	return out;
}

// A field of the method, or "obj.sub" where obj is one of its object fields
// (a bare "10.0.0.0/8" has dots too, and is not a key).
static bool
is_key(const struct api_method *m, const char *key)
{
	const char *dot = strchr(key, '.');
	const struct api_field *f;
	char outer[64];

	if (dot == NULL)
		return field_find(m, key) != NULL;
	snprintf(outer, sizeof(outer), "%.*s", (int)(dot - key), key);
	f = field_find(m, outer);
	return f != NULL && f->type == API_T_OBJECT && dot[1] != '\0';
}

// --- route add next hops --------------------------------------------------------

struct nh_state {
	json_t *list; // params.nexthops
	json_t *cur;  // the clause being filled, borrowed from list
};

static json_t *
nh_new(struct nh_state *st, const char *type)
{
	if (st->list == NULL)
		st->list = json_array();
	st->cur = json_pack("{s:s}", "type", type);
	json_array_append_new(st->list, st->cur);
	return st->cur;
}

static bool
nh_is(const struct nh_state *st, const char *type)
{
	const char *t = json_string_value(json_object_get(st->cur, "type"));

	return t != NULL && strcmp(t, type) == 0;
}

// One route-add keyword with its value (or NULL for blackhole/local).
// Returns 1 when tok was a next-hop keyword, 0 when not, -1 on error.
static int
route_nh_token(struct nh_state *st, const char *tok, const char *val, struct api_error_info *e)
{
	if (strcmp(tok, "blackhole") == 0 || strcmp(tok, "local") == 0) {
		nh_new(st, tok);
		return 1;
	}
	if (strcmp(tok, "srv6") != 0 && strcmp(tok, "via") != 0 && strcmp(tok, "port") != 0 &&
	    strcmp(tok, "dev") != 0 && strcmp(tok, "encap") != 0 && strcmp(tok, "src") != 0 &&
	    strcmp(tok, "weight") != 0 && strcmp(tok, "ipsec-sa") != 0 &&
	    strcmp(tok, "ipsec_sa") != 0)
		return 0;
	if (val == NULL)
		return api_error_set(e, API_ERR_INVALID_PARAMS, tok, "%s: missing value", tok);

	if (strcmp(tok, "srv6") == 0) {
		json_t *segs = json_array();
		json_object_set_new(nh_new(st, "srv6"), "segments", segs);
		return append_list(segs, val, "segments", e) < 0 ? -1 : 1;
	}
	if (strcmp(tok, "via") == 0) {
		if (!nh_is(st, "ip") || json_object_get(st->cur, "via") != NULL)
			nh_new(st, "ip");
		json_object_set_new(st->cur, "via", json_string(val));
		return 1;
	}
	if (strcmp(tok, "port") == 0 || strcmp(tok, "dev") == 0) {
		if (!nh_is(st, "ip") || json_object_get(st->cur, "port") != NULL)
			nh_new(st, "ip");
		json_object_set_new(st->cur, "port", json_string(val));
		return 1;
	}
	if (strcmp(tok, "weight") == 0) {
		if (st->cur == NULL)
			return api_error_set(e, API_ERR_INVALID_PARAMS, "weight",
					     "weight: give it after a next hop (srv6 or via)");
		json_object_set_new(st->cur, "weight", guess_value(val));
		return 1;
	}
	// encap, src, ipsec-sa: SRv6 next hops only
	if (!nh_is(st, "srv6"))
		return api_error_set(e, API_ERR_INVALID_PARAMS, tok,
				     "%s: give it after 'srv6 SID[,SID...]'", tok);
	if (strcmp(tok, "encap") == 0)
		json_object_set_new(st->cur, "encap", json_string(val));
	else if (strcmp(tok, "src") == 0)
		json_object_set_new(st->cur, "src", json_string(val));
	else
		json_object_set_new(st->cur, "ipsec_sa", json_string(val)); // a name, even "100"
	return 1;
}

// --- generic parser ---------------------------------------------------------------

static int
parse_args(const struct api_method *m, const struct grammar *g, int argc, char **argv,
	   json_t *params, struct api_error_info *e)
{
	bool route_add = strcmp(m->name, "route.add") == 0;
	struct nh_state nh = {NULL, NULL};
	int pos = 0, i, rc = 0;
	char key[128];

	for (i = 0; i < argc && rc == 0; i++) {
		const char *tok = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (route_add) {
			int r = route_nh_token(&nh, tok, val, e);
			if (r < 0) {
				rc = -1;
				break;
			}
			if (r > 0) {
				if (strcmp(tok, "blackhole") != 0 && strcmp(tok, "local") != 0)
					i++;
				continue;
			}
		}
		canonical_key(m, tok, key, sizeof(key));
		if (is_key(m, key)) {
			if (val == NULL) {
				rc = api_error_set(e, API_ERR_INVALID_PARAMS, key,
						   "%s: missing value", key);
				break;
			}
			if (strcmp(key, "key") == 0 && strcmp(val, "-") == 0 &&
			    strcmp(m->name, "ipsec.sa.add") == 0) {
				char *secret = secret_from_stdin();
				if (secret == NULL) {
					rc = api_error_set(e, API_ERR_INVALID_PARAMS, "key",
							   "key: nothing on standard input");
					break;
				}
				rc = set_param(params, m, key, secret, e);
				explicit_bzero(secret, strlen(secret));
				free(secret);
			} else {
				rc = set_param(params, m, key, val, e);
			}
			i++;
			continue;
		}
		// a bare token: the next positional field
		if (g == NULL || pos >= MAX_POS || g->positional[pos] == NULL) {
			rc = api_error_set(e, API_ERR_INVALID_PARAMS, NULL,
					   "unexpected argument '%s' (see: srv6ctl help %s)", tok,
					   m->name);
			break;
		}
		{
			const char *name = g->positional[pos];
			const struct api_field *f = field_find(m, name);

			rc = set_param(params, m, name, tok, e);
			// an array field takes every remaining bare token
			if (f == NULL || f->type != API_T_ARRAY)
				pos++;
		}
	}
	if (rc == 0 && nh.list != NULL) {
		if (json_object_get(params, "nexthops") != NULL)
			rc = api_error_set(e, API_ERR_INVALID_PARAMS, "nexthops",
					   "nexthops: given twice");
		else
			json_object_set(params, "nexthops", nh.list);
	}
	json_decref(nh.list);
	// End.DX2 has a port of its own and no next hop: "port P" is that port.
	json_t *snh = json_object_get(params, "nexthop");
	const char *beh = json_string_value(json_object_get(params, "behavior"));
	if (rc == 0 && snh != NULL && beh != NULL && strcmp(beh, "End.DX2") == 0 &&
	    json_object_size(snh) == 1 && json_object_get(snh, "port") != NULL) {
		json_object_set(params, "port", json_object_get(snh, "port"));
		json_object_del(params, "nexthop");
	}
	return rc;
}

int
ctl_parse_command(int argc, char **argv, char *method, size_t method_len, json_t **params,
		  struct api_error_info *e)
{
	const struct api_method *m = NULL;
	int used = 0;

	if (argc < 1)
		return api_error_set(e, API_ERR_INVALID_REQUEST, NULL, "no command given");

	if (strchr(argv[0], '.') != NULL) {
		// a raw method name: sent even when this srv6ctl does not know it
		snprintf(method, method_len, "%s", argv[0]);
		m = api_method_find(method);
		used = 1;
	} else {
		// "route add", "ipsec sa add": the longest catalogue name that fits
		char name[128];

		snprintf(name, sizeof(name), "%s", object_alias(argv[0]));
		for (int k = 1; k < argc && k < 4; k++) {
			size_t l = strlen(name);
			snprintf(name + l, sizeof(name) - l, ".%s", argv[k]);
			if (api_method_find(name) != NULL) {
				m = api_method_find(name);
				used = k + 1;
			}
		}
		if (m == NULL) {
			if (argc < 2)
				return api_error_set(e, API_ERR_METHOD_NOT_FOUND, NULL,
						     "unknown command '%s' (see: srv6ctl help)",
						     argv[0]);
			return api_error_set(e, API_ERR_METHOD_NOT_FOUND, NULL,
					     "unknown command '%s %s' (see: srv6ctl help)", argv[0],
					     argv[1]);
		}
		snprintf(method, method_len, "%s", m->name);
	}

	if (*params == NULL)
		*params = json_object();
	if (m == NULL) {
		// unknown to the catalogue: plain key value pairs, guessed types
		for (int i = used; i < argc; i += 2) {
			if (i + 1 >= argc)
				return api_error_set(e, API_ERR_INVALID_PARAMS, argv[i],
						     "%s: missing value", argv[i]);
			json_object_set_new(*params, argv[i], guess_value(argv[i + 1]));
		}
		return 0;
	}
	return parse_args(m, grammar_find(m->name), argc - used, argv + used, *params, e);
}

// --- help ------------------------------------------------------------------------

void
ctl_usage(FILE *f)
{
	const struct api_method *all;
	size_t n;

	fprintf(f, "usage: srv6ctl [--socket PATH] [--json] [--timeout SEC] [--params JSON]\n"
		   "               <object> <verb> [key value]...\n"
		   "       srv6ctl help [METHOD]\n\n"
		   "Arguments are key value pairs named after the method's params (dashes\n"
		   "allowed for underscores); list params take A,B,C or repeated keys; a\n"
		   "value starting with [ or { is JSON. --params passes a raw JSON object.\n"
		   "Exit status: 0 ok, 1 error from srv6d (or invalid arguments), 2 no\n"
		   "answer (socket, timeout). srv6ctl help METHOD (or <object> <verb>\n"
		   "--help) shows a method's usage, params and an example.\n\n"
		   "Common commands:\n");
	for (size_t i = 0; i < sizeof(grammars) / sizeof(grammars[0]); i++) {
		if (grammars[i].usage != NULL && !grammars[i].help_only)
			print_usage_lines(f, grammars[i].usage);
	}
	fprintf(f, "\nMethods (* required):\n");
	all = api_methods(&n);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "  %-18s %s\n", all[i].name, all[i].help);
		if (all[i].n_params == 0)
			continue;
		fprintf(f, "  %-18s", "");
		for (size_t j = 0; j < all[i].n_params; j++)
			fprintf(f, " %s%s:%s", all[i].params[j].name,
				all[i].params[j].required ? "*" : "",
				api_type_name(all[i].params[j].type));
		fprintf(f, "\n");
	}
}

int
ctl_method_help(FILE *f, const char *name)
{
	const struct api_method *m;
	const struct grammar *g;
	char buf[128];

	snprintf(buf, sizeof(buf), "%s", name);
	for (char *p = buf; *p != '\0'; p++) {
		if (*p == ' ')
			*p = '.';
	}
	m = api_method_find(buf);
	if (m == NULL)
		return -1;
	fprintf(f, "%s: %s\n", m->name, m->help);
	g = grammar_find(m->name);
	if (g != NULL && g->usage != NULL) {
		fprintf(f, "usage:\n");
		print_usage_lines(f, g->usage);
	}
	if (m->n_params == 0) {
		fprintf(f, "no params\n");
	} else {
		fprintf(f, "params:\n");
		for (size_t j = 0; j < m->n_params; j++) {
			const struct api_field *p = &m->params[j];
			fprintf(f, "  %-12s %-10s %-8s %s\n", p->name, api_type_name(p->type),
				p->required ? "required" : "", p->help != NULL ? p->help : "");
		}
	}
	// Whole command lines, as typed: last, so that tools reading usage and
	// params (the bash completion) can stop at it.
	if (g != NULL && g->example != NULL) {
		const char *x = g->example;

		fprintf(f, "example:\n");
		while (*x != '\0') {
			const char *nl = strchr(x, '\n');
			int len = nl != NULL ? (int)(nl - x) : (int)strlen(x);

			fprintf(f, "  %.*s\n", len, x);
			x += len + (nl != NULL ? 1 : 0);
		}
	}
	return 0;
}
