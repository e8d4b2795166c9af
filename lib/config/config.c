// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>

#include "config.h"
#include "dp_api.h"

static int
fail(struct model_err *e, int rc, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
fail(struct model_err *e, int rc, const char *path, const char *key, const char *fmt, ...)
{
	va_list ap;

	snprintf(e->field, sizeof(e->field), "%s%s%s", path, path[0] && key[0] ? "." : "", key);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return rc;
}

// Prefix a field reported by the model with the JSON path of the object.
static int
prefixed(struct model_err *e, int rc, const char *path)
{
	char f[2 * sizeof(e->field) + 2];

	if (path[0] == '\0')
		return rc;
	snprintf(f, sizeof(f), "%.63s%s%.63s", path, e->field[0] ? "." : "", e->field);
	snprintf(e->field, sizeof(e->field), "%.63s", f);
	return rc;
}

// Reject keys not in the allowed list (typos must not pass silently).
static int
check_keys(const json_t *obj, const char *const *allowed, const char *path, struct model_err *e)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return fail(e, -EINVAL, path, "", "must be an object");
	json_object_foreach ((json_t *)obj, key, v) {
		bool ok = false;
		for (size_t i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok)
			return fail(e, -EINVAL, path, key, "unknown key");
	}
	return 0;
}

static int
get_str(const json_t *obj, const char *key, bool required, const char **out, const char *path,
	struct model_err *e)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL)
		return required ? fail(e, -EINVAL, path, key, "missing") : 0;
	if (!json_is_string(v))
		return fail(e, -EINVAL, path, key, "must be a string");
	*out = json_string_value(v);
	return 0;
}

static int
get_uint(const json_t *obj, const char *key, bool required, long long max, long long *out,
	 const char *path, struct model_err *e)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return required ? fail(e, -EINVAL, path, key, "missing") : 1;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return fail(e, -EINVAL, path, key, "must be an integer from 0 to %lld", max);
	*out = json_integer_value(v);
	return 0;
}

static int
name_copy(char *dst, size_t len, const char *s, const char *path, const char *key,
	  struct model_err *e)
{
	if (s == NULL || s[0] == '\0' || strlen(s) >= len)
		return fail(e, -EINVAL, path, key, "must be 1 to %zu characters", len - 1);
	snprintf(dst, len, "%s", s);
	return 0;
}

static int
vrf_ref(const struct model *m, const json_t *obj, const char *key, bool required, uint16_t *out,
	const char *path, struct model_err *e)
{
	const char *s;
	int rc = get_str(obj, key, required, &s, path, e), idx;

	if (rc < 0)
		return rc;
	if (s == NULL) {
		*out = MODEL_DEFAULT_VRF;
		return 0;
	}
	idx = model_vrf_find(m, s);
	if (idx < 0)
		return fail(e, -EINVAL, path, key, "unknown VRF \"%s\"", s);
	*out = (uint16_t)idx;
	return 0;
}

static int
port_ref(const struct model *m, const json_t *obj, const char *key, uint16_t *out,
	 const char *path, struct model_err *e)
{
	const char *s;
	int rc = get_str(obj, key, false, &s, path, e), idx;

	*out = MODEL_NO_PORT;
	if (rc < 0 || s == NULL)
		return rc;
	idx = model_port_find(m, s);
	if (idx < 0)
		return fail(e, -EINVAL, path, key, "unknown port \"%s\"", s);
	*out = (uint16_t)idx;
	return 0;
}

static int
parse_addr(const json_t *obj, const char *key, bool required, int family, struct ip_addr *out,
	   bool *present, const char *path, struct model_err *e)
{
	const char *s;
	int rc = get_str(obj, key, required, &s, path, e);

	if (present)
		*present = false;
	if (rc < 0 || s == NULL)
		return rc;
	if (addr_parse(s, out) < 0 || (family != 0 && out->family != family))
		return fail(e, -EINVAL, path, key, "not an IPv%s address",
			    family == AF_INET ? "4" : family == AF_INET6 ? "6" : "4 or IPv6");
	if (present)
		*present = true;
	return 0;
}

static int
parse_prefix(const json_t *obj, const char *key, bool bare_ok, struct ip_prefix *out,
	     const char *path, struct model_err *e)
{
	const char *s;
	int rc = get_str(obj, key, true, &s, path, e);

	if (rc < 0)
		return rc;
	rc = prefix_parse(s, bare_ok, out);
	if (rc == -EDOM)
		return fail(e, -EINVAL, path, key, "host bits set");
	if (rc < 0)
		return fail(e, -EINVAL, path, key, "not a prefix");
	return 0;
}

static int
parse_segments(const json_t *arr, uint8_t segs[][16], uint8_t *n, const char *path,
	       const char *key, struct model_err *e)
{
	char p[96];
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > MODEL_MAX_SEGS)
		return fail(e, -EINVAL, path, key, "must be a list of 1 to %d IPv6 addresses",
			    MODEL_MAX_SEGS);
	json_array_foreach ((json_t *)arr, i, v) {
		struct ip_addr a;
		if (!json_is_string(v) || addr_parse(json_string_value(v), &a) < 0 ||
		    a.family != AF_INET6) {
			snprintf(p, sizeof(p), "%s[%zu]", key, i);
			return fail(e, -EINVAL, path, p, "not an IPv6 address");
		}
		memcpy(segs[i], a.bytes, 16);
	}
	*n = (uint8_t)json_array_size(arr);
	return 0;
}

int
config_parse_vrf(const struct model *m, const json_t *obj, const char *path, struct model_vrf *out,
		 struct model_err *e)
{
	static const char *const keys[] = {"name", "table", "rd", "import_rt", "export_rt", NULL};
	const char *s;
	long long table = 0;
	int rc;

	(void)m;
	memset(out, 0, sizeof(*out));
	if ((rc = check_keys(obj, keys, path, e)) < 0 ||
	    (rc = get_str(obj, "name", true, &s, path, e)) < 0 ||
	    (rc = name_copy(out->name, sizeof(out->name), s, path, "name", e)) < 0)
		return rc;
	if ((rc = get_uint(obj, "table", false, 0xffffffffLL, &table, path, e)) < 0)
		return rc;
	out->table = (uint32_t)table;
	if ((rc = get_str(obj, "rd", false, &s, path, e)) < 0)
		return rc;
	if (s != NULL && (rc = name_copy(out->rd, sizeof(out->rd), s, path, "rd", e)) < 0)
		return rc;
	const char *lists[] = {"import_rt", "export_rt"};
	for (int l = 0; l < 2; l++) {
		json_t *arr = json_object_get(obj, lists[l]), *v;
		size_t i;
		if (arr == NULL)
			continue;
		if (!json_is_array(arr) || json_array_size(arr) > MODEL_MAX_RTS)
			return fail(e, -EINVAL, path, lists[l], "must be a list of at most %d",
				    MODEL_MAX_RTS);
		json_array_foreach (arr, i, v) {
			char *dst = l == 0 ? out->import_rt[i] : out->export_rt[i];
			if (!json_is_string(v) || strchr(json_string_value(v), ':') == NULL)
				return fail(e, -EINVAL, path, lists[l],
					    "route targets are \"ASN:N\" or \"IP:N\" strings");
			if ((rc = name_copy(dst, MODEL_NAME_LEN, json_string_value(v), path,
					    lists[l], e)) < 0)
				return rc;
		}
		if (l == 0)
			out->n_import = (uint8_t)json_array_size(arr);
		else
			out->n_export = (uint8_t)json_array_size(arr);
	}
	return 0;
}

static int
parse_nexthop(const struct model *m, uint16_t vrf, const json_t *obj, const char *path,
	      struct model_nexthop *nh, struct model_err *e)
{
	static const char *const keys[] = {"type", "segments", "encap", "src", "ipsec_sa",
					   "via", "port", "weight", NULL};
	const char *type, *enc;
	long long w = 1;
	int rc;

	memset(nh, 0, sizeof(*nh));
	nh->port = MODEL_NO_PORT;
	if ((rc = check_keys(obj, keys, path, e)) < 0 ||
	    (rc = get_str(obj, "type", true, &type, path, e)) < 0)
		return rc;
	if ((rc = get_uint(obj, "weight", false, 65535, &w, path, e)) < 0)
		return rc;
	if (w == 0)
		return fail(e, -EINVAL, path, "weight", "must be at least 1");
	nh->weight = (uint16_t)w;
	(void)vrf;
	if (strcmp(type, "srv6") == 0) {
		nh->type = MNH_SRV6;
		if ((rc = parse_segments(json_object_get(obj, "segments"), nh->segs, &nh->n_segs,
					 path, "segments", e)) < 0)
			return rc;
		if ((rc = get_str(obj, "encap", false, &enc, path, e)) < 0)
			return rc;
		if (enc != NULL && strcmp(enc, "h.encaps.red") == 0)
			nh->reduced = true;
		else if (enc != NULL && strcmp(enc, "h.encaps") != 0)
			return fail(e, -EINVAL, path, "encap", "must be h.encaps or h.encaps.red");
		struct ip_addr src;
		if ((rc = parse_addr(obj, "src", false, AF_INET6, &src, &nh->has_src, path, e)) < 0)
			return rc;
		if (nh->has_src)
			memcpy(nh->src, src.bytes, 16);
		if (json_object_get(obj, "ipsec_sa") != NULL)
			return fail(e, -ENOTSUP, path, "ipsec_sa", "IPsec is not in this version");
	} else if (strcmp(type, "ip") == 0) {
		nh->type = MNH_IP;
		if ((rc = parse_addr(obj, "via", false, 0, &nh->via, &nh->has_via, path, e)) < 0 ||
		    (rc = port_ref(m, obj, "port", &nh->port, path, e)) < 0)
			return rc;
		if (!nh->has_via && nh->port == MODEL_NO_PORT)
			return fail(e, -EINVAL, path, "via", "an ip next hop needs via or port");
	} else if (strcmp(type, "blackhole") == 0) {
		nh->type = MNH_BLACKHOLE;
	} else if (strcmp(type, "local") == 0) {
		nh->type = MNH_LOCAL;
	} else {
		return fail(e, -EINVAL, path, "type", "must be srv6, ip, blackhole or local");
	}
	return 0;
}

int
config_parse_route(const struct model *m, const json_t *obj, const char *path,
		   struct model_route *out, struct model_err *e)
{
	static const char *const keys[] = {"vrf", "prefix", "nexthops", "owner", NULL};
	const char *owner;
	json_t *arr, *v;
	char p[96];
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = check_keys(obj, keys, path, e)) < 0 ||
	    (rc = vrf_ref(m, obj, "vrf", false, &out->vrf, path, e)) < 0 ||
	    (rc = parse_prefix(obj, "prefix", false, &out->prefix, path, e)) < 0 ||
	    (rc = get_str(obj, "owner", false, &owner, path, e)) < 0)
		return rc;
	if (owner != NULL &&
	    (rc = name_copy(out->owner, sizeof(out->owner), owner, path, "owner", e)) < 0)
		return rc;
	arr = json_object_get(obj, "nexthops");
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > MODEL_MAX_ECMP)
		return fail(e, -EINVAL, path, "nexthops", "must be a list of 1 to %d next hops",
			    MODEL_MAX_ECMP);
	json_array_foreach (arr, i, v) {
		snprintf(p, sizeof(p), "%s%snexthops[%zu]", path, path[0] ? "." : "", i);
		if ((rc = parse_nexthop(m, out->vrf, v, p, &out->nh[i], e)) < 0)
			return rc;
		if (out->nh[i].type == MNH_SRV6 && out->prefix.addr.family == AF_INET &&
		    false)
			return rc;
	}
	out->n_nh = (uint16_t)json_array_size(arr);
	return 0;
}

int
config_parse_sid(const struct model *m, const json_t *obj, const char *path, struct model_sid *out,
		 struct model_err *e)
{
	static const char *const keys[] = {"sid",      "behavior", "vrf",     "nexthop",
					   "segments", "flavors",  "locator", NULL};
	const char *b;
	json_t *nh, *fl, *v;
	char p[96];
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	out->port = MODEL_NO_PORT;
	if ((rc = check_keys(obj, keys, path, e)) < 0 ||
	    (rc = parse_prefix(obj, "sid", true, &out->sid, path, e)) < 0 ||
	    (rc = get_str(obj, "behavior", true, &b, path, e)) < 0)
		return rc;
	if (model_behavior_parse(b, &out->behavior) < 0)
		return fail(e, -EINVAL, path, "behavior", "unknown behavior \"%s\"", b);
	if (json_object_get(obj, "vrf") != NULL &&
	    (rc = vrf_ref(m, obj, "vrf", true, &out->vrf, path, e)) < 0)
		return rc;
	nh = json_object_get(obj, "nexthop");
	if (nh != NULL) {
		static const char *const nkeys[] = {"via", "port", NULL};
		snprintf(p, sizeof(p), "%s%snexthop", path, path[0] ? "." : "");
		if ((rc = check_keys(nh, nkeys, p, e)) < 0 ||
		    (rc = parse_addr(nh, "via", true, 0, &out->via, &out->has_nexthop, p, e)) < 0 ||
		    (rc = port_ref(m, nh, "port", &out->port, p, e)) < 0)
			return rc;
	}
	if (json_object_get(obj, "segments") != NULL &&
	    (rc = parse_segments(json_object_get(obj, "segments"), out->segs, &out->n_segs, path,
				 "segments", e)) < 0)
		return rc;
	fl = json_object_get(obj, "flavors");
	if (fl != NULL) {
		if (!json_is_array(fl))
			return fail(e, -EINVAL, path, "flavors", "must be a list");
		json_array_foreach (fl, i, v) {
			uint32_t f;
			if (!json_is_string(v) || model_flavor_parse(json_string_value(v), &f) < 0) {
				snprintf(p, sizeof(p), "flavors[%zu]", i);
				return fail(e, -EINVAL, path, p, "psp, usp, usd or next-csid");
			}
			out->flavors |= f;
		}
	}
	return 0;
}

int
config_parse_locator(const json_t *obj, const char *path, struct model_locator *out,
		     struct model_err *e)
{
	static const char *const keys[] = {"name",     "prefix", "block_len", "node_len",
					   "func_len", "usid",   NULL};
	const char *s;
	long long v = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = check_keys(obj, keys, path, e)) < 0 ||
	    (rc = get_str(obj, "name", true, &s, path, e)) < 0 ||
	    (rc = name_copy(out->name, sizeof(out->name), s, path, "name", e)) < 0 ||
	    (rc = parse_prefix(obj, "prefix", false, &out->prefix, path, e)) < 0)
		return rc;
	if ((rc = get_uint(obj, "block_len", false, 128, &v, path, e)) < 0)
		return rc;
	out->block_len = rc == 0 ? (uint8_t)v : 0;
	if ((rc = get_uint(obj, "node_len", false, 128, &v, path, e)) < 0)
		return rc;
	out->node_len = rc == 0 ? (uint8_t)v : 0;
	if ((rc = get_uint(obj, "func_len", false, 32, &v, path, e)) < 0)
		return rc;
	out->func_len = rc == 0 ? (uint8_t)v : 16;
	json_t *u = json_object_get(obj, "usid");
	if (u != NULL && !json_is_boolean(u))
		return fail(e, -EINVAL, path, "usid", "must be true or false");
	out->usid = u != NULL && json_is_true(u);
	return 0;
}

int
config_parse_encap(const struct model *m, const json_t *obj, const char *path,
		   struct model_encap *out, struct model_err *e)
{
	static const char *const keys[] = {"source", "hop_limit", "flowlabel", NULL};
	struct ip_addr src;
	json_t *hl;
	const char *fl;
	int rc;

	*out = m->encap;
	if ((rc = check_keys(obj, keys, path, e)) < 0 ||
	    (rc = parse_addr(obj, "source", false, AF_INET6, &src, NULL, path, e)) < 0)
		return rc;
	if (json_object_get(obj, "source") != NULL) {
		out->has_src = true;
		memcpy(out->src, src.bytes, 16);
	}
	hl = json_object_get(obj, "hop_limit");
	if (hl != NULL) {
		if (json_is_string(hl) && strcmp(json_string_value(hl), "inherit") == 0)
			out->hop_limit = -1;
		else if (json_is_integer(hl) && json_integer_value(hl) >= 1 &&
			 json_integer_value(hl) <= 255)
			out->hop_limit = (int)json_integer_value(hl);
		else
			return fail(e, -EINVAL, path, "hop_limit", "1 to 255 or \"inherit\"");
	}
	if ((rc = get_str(obj, "flowlabel", false, &fl, path, e)) < 0)
		return rc;
	if (fl != NULL) {
		if (strcmp(fl, "compute") == 0)
			out->flowlabel = MODEL_FL_COMPUTE;
		else if (strcmp(fl, "inherit") == 0)
			out->flowlabel = MODEL_FL_INHERIT;
		else if (strcmp(fl, "zero") == 0)
			out->flowlabel = MODEL_FL_ZERO;
		else
			return fail(e, -EINVAL, path, "flowlabel", "compute, inherit or zero");
	}
	return 0;
}

int
config_parse_port(const struct model *m, const json_t *obj, const char *path, struct model_port *p,
		  struct model_err *e)
{
	long long mtu;
	json_t *addrs, *v;
	const char *mac;
	size_t i;
	int rc;

	if ((rc = get_uint(obj, "mtu", false, 9600, &mtu, path, e)) < 0)
		return rc;
	if (rc == 0)
		p->mtu = (uint16_t)mtu;
	if (json_object_get(obj, "vrf") != NULL &&
	    (rc = vrf_ref(m, obj, "vrf", true, &p->vrf, path, e)) < 0)
		return rc;
	addrs = json_object_get(obj, "addresses");
	if (addrs != NULL) {
		if (!json_is_array(addrs) || json_array_size(addrs) > MODEL_MAX_ADDRS)
			return fail(e, -EINVAL, path, "addresses", "must be a list of at most %d",
				    MODEL_MAX_ADDRS);
		p->n_addrs = 0;
		json_array_foreach (addrs, i, v) {
			char buf[PREFIX_STRLEN + 8], key[32];
			const char *s = json_is_string(v) ? json_string_value(v) : NULL;
			const char *slash = s ? strchr(s, '/') : NULL;
			snprintf(key, sizeof(key), "addresses[%zu]", i);
			if (s == NULL || slash == NULL || strlen(s) >= sizeof(buf))
				return fail(e, -EINVAL, path, key, "must be \"address/length\"");
			// Port addresses keep their host bits: "2001:db8::1/64".
			snprintf(buf, sizeof(buf), "%.*s", (int)(slash - s), s);
			struct ip_prefix *a = &p->addrs[p->n_addrs];
			char *end;
			long len = strtol(slash + 1, &end, 10);
			if (addr_parse(buf, &a->addr) < 0 || *end != '\0' || len < 1 ||
			    len > (long)addr_bits(&a->addr))
				return fail(e, -EINVAL, path, key, "must be \"address/length\"");
			a->len = (uint8_t)len;
			p->n_addrs++;
		}
	}
	if ((rc = get_str(obj, "mac", false, &mac, path, e)) < 0)
		return rc;
	if (mac != NULL) {
		if (mac_parse(mac, p->mac) < 0 || (p->mac[0] & 1))
			return fail(e, -EINVAL, path, "mac", "must be a unicast MAC address");
		p->has_mac = true;
	}
	return 0;
}

int
config_parse_neighbor(const struct model *m, const json_t *obj, const char *path, uint16_t *port,
		      struct ip_addr *addr, uint8_t mac[6], struct model_err *e)
{
	static const char *const keys[] = {"port", "address", "mac", NULL};
	const char *s;
	int rc;

	if ((rc = check_keys(obj, keys, path, e)) < 0 ||
	    (rc = get_str(obj, "port", true, &s, path, e)) < 0 ||
	    (rc = port_ref(m, obj, "port", port, path, e)) < 0 ||
	    (rc = parse_addr(obj, "address", true, 0, addr, NULL, path, e)) < 0 ||
	    (rc = get_str(obj, "mac", true, &s, path, e)) < 0)
		return rc;
	if (mac_parse(s, mac) < 0)
		return fail(e, -EINVAL, path, "mac", "not a MAC address");
	return 0;
}

// --- load -------------------------------------------------------------------------

static int
load_ports(struct model_txn *t, struct model *m, const json_t *ports, struct model_err *e)
{
	static const char *const keys[] = {"name", "device", "mtu", "vrf", "addresses", "mac",
					   NULL};
	json_t *v;
	size_t i;
	char p[32];
	int rc;

	if (!json_is_array(ports) || json_array_size(ports) == 0)
		return fail(e, -EINVAL, "", "ports", "must be a non-empty list");
	json_array_foreach (ports, i, v) {
		struct model_port port = {.mtu = 1500};
		const char *s;
		snprintf(p, sizeof(p), "ports[%zu]", i);
		if ((rc = check_keys(v, keys, p, e)) < 0 ||
		    (rc = get_str(v, "name", true, &s, p, e)) < 0 ||
		    (rc = name_copy(port.name, sizeof(port.name), s, p, "name", e)) < 0 ||
		    (rc = get_str(v, "device", true, &s, p, e)) < 0 ||
		    (rc = name_copy(port.device, sizeof(port.device), s, p, "device", e)) < 0 ||
		    (rc = config_parse_port(m, v, p, &port, e)) < 0)
			return rc;
		if (model_port_find(m, port.name) >= 0)
			return fail(e, -EEXIST, p, "name", "port %s already defined", port.name);
		if ((rc = dp_port_probe(port.device, &port.port_id, e)) < 0 ||
		    (rc = dp_port_configure(&port, e)) < 0 ||
		    (rc = model_port_create(t, &port, e)) < 0)
			return prefixed(e, rc, p);
	}
	return 0;
}

#define EACH(key, body)                                                                            \
	do {                                                                                       \
		json_t *arr_ = json_object_get(root, key), *item;                                     \
		size_t i;                                                                          \
		if (arr_ == NULL)                                                                  \
			break;                                                                     \
		if (!json_is_array(arr_)) {                                                        \
			rc = fail(e, -EINVAL, "", key, "must be a list");                          \
			goto out;                                                                  \
		}                                                                                  \
		json_array_foreach (arr_, i, item) {                                               \
			snprintf(p, sizeof(p), "%s[%zu]", key, i);                                 \
			body;                                                                      \
			if (rc < 0)                                                                \
				goto out;                                                          \
		}                                                                                  \
	} while (0)

int
config_load(struct model *m, const char *path, struct model_err *e)
{
	static const char *const keys[] = {"ports", "encap",     "locators", "vrfs", "sids",
					   "routes", "neighbors", "ipsec",    NULL};
	json_error_t jerr;
	struct model_txn *t;
	json_t *root, *v;
	char p[64];
	int rc;

	memset(e, 0, sizeof(*e));
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(e->msg, sizeof(e->msg), "line %d column %d: %s", jerr.line, jerr.column,
			 jerr.text);
		return -EINVAL;
	}
	if ((rc = check_keys(root, keys, "", e)) < 0) {
		json_decref(root);
		return rc;
	}
	t = model_txn_begin(m);
	if (t == NULL) {
		json_decref(root);
		return fail(e, -EBUSY, "", "", "a transaction is open");
	}
	// VRFs first: ports, SIDs and routes name them.
	EACH("vrfs", {
		struct model_vrf vrf;
		rc = config_parse_vrf(m, item, p, &vrf, e);
		if (rc == 0 && (rc = model_vrf_add(t, &vrf, e)) < 0)
			prefixed(e, rc, p);
	});
	if ((rc = load_ports(t, m, json_object_get(root, "ports"), e)) < 0)
		goto out;
	v = json_object_get(root, "encap");
	if (v != NULL) {
		struct model_encap enc;
		if ((rc = config_parse_encap(m, v, "encap", &enc, e)) < 0 ||
		    (rc = model_encap_set(t, &enc, e)) < 0) {
			prefixed(e, rc, "encap");
			goto out;
		}
	}
	EACH("locators", {
		struct model_locator l;
		rc = config_parse_locator(item, p, &l, e);
		if (rc == 0 && (rc = model_locator_add(t, &l, e)) < 0)
			prefixed(e, rc, p);
	});
	EACH("sids", {
		struct model_sid s;
		rc = config_parse_sid(m, item, p, &s, e);
		if (rc == 0 && (rc = model_sid_add(t, &s, e)) < 0)
			prefixed(e, rc, p);
	});
	EACH("neighbors", {
		uint16_t port;
		struct ip_addr a;
		uint8_t mac[6];
		rc = config_parse_neighbor(m, item, p, &port, &a, mac, e);
		if (rc == 0 && (rc = model_neigh_add(t, port, &a, mac, e)) < 0)
			prefixed(e, rc, p);
	});
	EACH("routes", {
		struct model_route r;
		rc = config_parse_route(m, item, p, &r, e);
		if (rc == 0 && (rc = model_route_add(t, &r, e)) < 0)
			prefixed(e, rc, p);
	});
	v = json_object_get(root, "ipsec");
	if (v != NULL) {
		json_t *sas = json_object_get(v, "sas");
		if (!json_is_object(v) || (sas != NULL && !json_is_array(sas))) {
			rc = fail(e, -EINVAL, "", "ipsec", "must be {\"sas\": [...]}");
			goto out;
		}
		if (sas != NULL && json_array_size(sas) > 0) {
			rc = fail(e, -ENOTSUP, "ipsec", "sas", "IPsec is not in this version");
			goto out;
		}
	}
	rc = dp_commit(t, e);
out:
	if (rc < 0)
		model_txn_abort(t);
	else
		model_txn_end(t);
	json_decref(root);
	return rc;
}
