// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// JSON <-> model objects. See ctl_json.h for the contract of every function.
// Keys and types come from the method catalogue (lib/api/api_spec.c), so a
// key added there is accepted here without a second list; what the catalogue
// cannot say (which keys apply to which next-hop type or behaviour, names
// that must exist, families that must match) is checked below.

#include "ctl_json.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

// --- small helpers ---------------------------------------------------------------

// path + "." + key, or key alone at the top level.
static void
join(char *buf, size_t len, const char *path, const char *key)
{
	if (path == NULL || path[0] == '\0')
		snprintf(buf, len, "%s", key != NULL ? key : "");
	else if (key == NULL || key[0] == '\0')
		snprintf(buf, len, "%s", path);
	else
		snprintf(buf, len, "%s.%s", path, key);
}

static int fail(struct api_error_info *e, int code, const char *path, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

// Fill e with field path.key and message "<field>: <reason>"; returns -1.
static int
fail(struct api_error_info *e, int code, const char *path, const char *key, const char *fmt, ...)
{
	char field[sizeof(e->field)], why[sizeof(e->message)];
	va_list ap;

	join(field, sizeof(field), path, key);
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (field[0] != '\0')
		return api_error_set(e, code, field, "%s: %s", field, why);
	return api_error_set(e, code, NULL, "%s", why);
}

#define BAD(e, path, key, ...) fail(e, API_ERR_INVALID_PARAMS, path, key, __VA_ARGS__)

// Keys and types of obj against the params of a catalogue method, plus at most
// one extra optional field (the config file's additions).
static int
check_spec(const char *method, const struct api_field *extra, const json_t *obj, const char *path,
	   struct api_error_info *e)
{
	const struct api_method *am = api_method_find(method);
	struct api_field spec[48];
	size_t n;

	if (am == NULL || am->n_params + 1 > N(spec))
		return api_error_set(e, API_ERR_INTERNAL, NULL, "%s: not in the API catalogue",
				     method);
	n = am->n_params;
	if (n > 0)
		memcpy(spec, am->params, n * sizeof(spec[0]));
	if (extra != NULL)
		spec[n++] = *extra;
	return api_check_object(obj, spec, n, path, e);
}

static int
check_object(const char *name, const json_t *obj, const char *path, struct api_error_info *e)
{
	size_t n;
	const struct api_field *spec = api_object_spec(name, &n);

	if (spec == NULL)
		return api_error_set(e, API_ERR_INTERNAL, NULL, "%s: not in the API catalogue",
				     name);
	return api_check_object(obj, spec, n, path, e);
}

// The string member key of an object already checked against a spec (NULL
// when absent or not a string).
static const char *
str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

// Names (ports, VRFs, locators, owners): 1 to MODEL_NAME_LEN - 1 printable
// bytes, no blanks, so that they print and parse back on a command line.
static int
name_check(const char *s, const char *path, const char *key, struct api_error_info *e)
{
	size_t len = s != NULL ? strlen(s) : 0;

	if (len == 0 || len >= MODEL_NAME_LEN)
		return BAD(e, path, key, "must be 1 to %d characters", MODEL_NAME_LEN - 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == 0x7f)
			return BAD(e, path, key, "must not contain blanks or control characters");
	}
	return 0;
}

static int
uint_get(const json_t *obj, const char *key, long long lo, long long hi, long long *out,
	 const char *path, struct api_error_info *e)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return BAD(e, path, key, "must be an integer from %lld to %lld", lo, hi);
	*out = json_integer_value(v);
	return 0;
}

static int
vrf_lookup(const struct model *m, const char *name, uint16_t *out, const char *path,
	   const char *key, struct api_error_info *e)
{
	int idx = name != NULL ? model_vrf_find(m, name) : -ENOENT;

	if (name == NULL)
		return BAD(e, path, key, "missing");
	if (idx < 0)
		return BAD(e, path, key, "unknown VRF \"%.40s\"", name);
	*out = (uint16_t)idx;
	return 0;
}

static int
port_lookup(const struct model *m, const char *name, uint16_t *out, const char *path,
	    const char *key, struct api_error_info *e)
{
	int idx = name != NULL ? model_port_find(m, name) : -ENOENT;

	if (name == NULL)
		return BAD(e, path, key, "missing");
	if (idx < 0)
		return BAD(e, path, key, "unknown port \"%.40s\"", name);
	*out = (uint16_t)idx;
	return 0;
}

static bool
addr_is_unspecified(const struct ip_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->bytes, zero, addr_bits(a) / 8) == 0;
}

static bool
addr_is_multicast(const struct ip_addr *a)
{
	return a->family == AF_INET6 ? a->bytes[0] == 0xff : (a->bytes[0] & 0xf0) == 0xe0;
}

// An address member: family 0 (either), AF_INET or AF_INET6; unicast only.
static int
addr_get(const json_t *obj, const char *key, int family, struct ip_addr *out, const char *path,
	 struct api_error_info *e)
{
	const char *s = str(obj, key);

	if (s == NULL || addr_parse(s, out) < 0)
		return BAD(e, path, key, "not an IP address");
	if (family != 0 && out->family != family)
		return BAD(e, path, key, "must be an IPv%d address", family == AF_INET ? 4 : 6);
	if (addr_is_unspecified(out) || addr_is_multicast(out))
		return BAD(e, path, key, "must be a unicast address");
	return 0;
}

static int
mac_get(const json_t *obj, const char *key, uint8_t mac[6], const char *path,
	struct api_error_info *e)
{
	static const uint8_t zero[6];

	if (mac_parse(str(obj, key), mac) < 0)
		return BAD(e, path, key, "not a MAC address (aa:bb:cc:dd:ee:ff)");
	if ((mac[0] & 1) != 0 || memcmp(mac, zero, 6) == 0)
		return BAD(e, path, key, "must be a unicast MAC address");
	return 0;
}

// A list of SIDs: 1 to MODEL_MAX_SEGS unicast IPv6 addresses, first segment first.
static int
segments_get(const json_t *obj, const char *key, uint8_t segs[][16], uint8_t *n, const char *path,
	     struct api_error_info *e)
{
	const json_t *arr = json_object_get(obj, key);
	char p[sizeof(e->field)], k[48];
	const json_t *v;
	size_t i;

	join(p, sizeof(p), path, key);
	if (api_check_array(arr, API_T_ADDR, p, e) < 0)
		return -1;
	if (json_array_size(arr) == 0)
		return BAD(e, path, key, "needs at least one segment");
	if (json_array_size(arr) > MODEL_MAX_SEGS)
		return BAD(e, path, key, "%zu segments, at most %d", json_array_size(arr),
			   MODEL_MAX_SEGS);
	json_array_foreach(arr, i, v) {
		struct ip_addr a;
		snprintf(k, sizeof(k), "%s[%zu]", key, i);
		if (addr_parse(json_string_value(v), &a) < 0 || a.family != AF_INET6)
			return BAD(e, path, k, "must be an IPv6 address");
		if (addr_is_unspecified(&a) || addr_is_multicast(&a))
			return BAD(e, path, k, "must be a unicast IPv6 address");
		memcpy(segs[i], a.bytes, 16);
	}
	*n = (uint8_t)json_array_size(arr);
	return 0;
}

// Route targets and RDs: "ASN:N" or "IP:N", short enough for the model.
static int
rt_check(const char *s, const char *path, const char *key, struct api_error_info *e)
{
	const char *colon = s != NULL ? strrchr(s, ':') : NULL;

	if (s == NULL || colon == NULL || colon == s || colon[1] == '\0' ||
	    strlen(s) >= MODEL_NAME_LEN)
		return BAD(e, path, key, "must be \"ASN:N\" or \"IP:N\" (at most %d characters)",
			   MODEL_NAME_LEN - 1);
	return 0;
}

// --- errors ----------------------------------------------------------------------

int
ctl_error_from_model(struct api_error_info *e, int rc, const struct model_err *me, const char *path)
{
	char field[sizeof(e->field)];

	join(field, sizeof(field), path, me->field);
	if (field[0] != '\0')
		return api_error_set(e, api_errno_to_code(rc), field, "%s: %s", field,
				     me->msg[0] != '\0' ? me->msg : strerror(rc < 0 ? -rc : rc));
	return api_error_set(e, api_errno_to_code(rc), NULL, "%s",
			     me->msg[0] != '\0' ? me->msg : strerror(rc < 0 ? -rc : rc));
}

int
ctl_error_to_model(const struct api_error_info *e, struct model_err *me)
{
	const char *msg = e->message;
	size_t fl = strlen(e->field);

	snprintf(me->field, sizeof(me->field), "%.*s", (int)sizeof(me->field) - 1, e->field);
	if (fl > 0 && strncmp(msg, e->field, fl) == 0 && strncmp(msg + fl, ": ", 2) == 0)
		msg += fl + 2;
	snprintf(me->msg, sizeof(me->msg), "%.*s", (int)sizeof(me->msg) - 1, msg);
	switch (e->code) {
	case API_ERR_NOT_FOUND:
		return -ENOENT;
	case API_ERR_CONFLICT:
		return -EEXIST;
	case API_ERR_TABLE_FULL:
		return -ENOSPC;
	case API_ERR_IN_USE:
		return -EBUSY;
	case API_ERR_NOT_SUPPORTED:
		return -ENOTSUP;
	case API_ERR_INTERNAL:
		return -EIO;
	default:
		return -EINVAL;
	}
}

// --- encoders --------------------------------------------------------------------

static json_t *
addr_to_json(const struct ip_addr *a)
{
	char b[ADDR_STRLEN];

	return json_string(addr_fmt(a, b, sizeof(b)));
}

static json_t *
prefix_to_json(const struct ip_prefix *p)
{
	char b[PREFIX_STRLEN];

	return json_string(prefix_fmt(p, b, sizeof(b)));
}

json_t *
seg_to_json(const uint8_t *s)
{
	struct ip_addr a = {.family = AF_INET6};

	memcpy(a.bytes, s, 16);
	return addr_to_json(&a);
}

static json_t *
segs_to_json(const uint8_t segs[][16], unsigned int n)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < n && i < MODEL_MAX_SEGS; i++)
		json_array_append_new(arr, seg_to_json(segs[i]));
	return arr;
}

json_t *
mac_to_json(const uint8_t mac[6])
{
	char b[24];

	return json_string(mac_fmt(mac, b, sizeof(b)));
}

// Names by index, robust against an index the model does not hold.
static const char *
port_name(const struct model *m, uint16_t idx)
{
	return idx < MODEL_MAX_PORTS && m->ports[idx].used ? m->ports[idx].name : "?";
}

static const char *
vrf_name(const struct model *m, uint16_t idx)
{
	return idx < SRV6_MAX_VRFS && m->vrfs[idx].used ? m->vrfs[idx].name : "?";
}

static json_int_t
jint(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v;
}

static json_t *
l2_peers_to_json(const struct model_l2vpn *l2)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < l2->n_peers; i++) {
		const struct model_l2_peer *pe = &l2->peers[i];
		json_t *o = json_object();
		json_object_set_new(o, "address", seg_to_json(pe->addr));
		json_object_set_new(o, "segments", segs_to_json(pe->segs, pe->n_segs));
		if (pe->n_bum != 0)
			json_object_set_new(o, "bum_segments", segs_to_json(pe->bum, pe->n_bum));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *
port_to_json(const struct model *m, const struct model_port *p)
{
	json_t *o = json_object(), *addrs = json_array();

	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "device", json_string(p->device));
	json_object_set_new(o, "mtu", json_integer(p->mtu));
	json_object_set_new(o, "vrf", json_string(vrf_name(m, p->vrf)));
	for (unsigned int i = 0; i < p->n_addrs && i < MODEL_MAX_ADDRS; i++)
		json_array_append_new(addrs, prefix_to_json(&p->addrs[i]));
	json_object_set_new(o, "addresses", addrs);
	if (p->has_mac)
		json_object_set_new(o, "mac", mac_to_json(p->mac));
	if (p->host_if[0] != '\0')
		json_object_set_new(o, "host_if", json_string(p->host_if));
	if (p->tcp_mss != 0)
		json_object_set_new(o, "tcp_mss", json_integer(p->tcp_mss));
	if (p->l2vpn.on) {
		json_t *l2 = json_object();
		if (p->l2vpn.n_peers == 0)
			json_object_set_new(l2, "segments",
					    segs_to_json(p->l2vpn.segs, p->l2vpn.n_segs));
		else
			json_object_set_new(l2, "peers", l2_peers_to_json(&p->l2vpn));
		if (p->l2vpn.n_peers != 0)
			json_object_set_new(l2, "mac_age_s", json_integer(p->l2vpn.mac_age_s));
		json_object_set_new(
			l2, "encap",
			json_string(p->l2vpn.reduced ? "h.encaps.l2.red" : "h.encaps.l2"));
		if (p->l2vpn.has_src)
			json_object_set_new(l2, "src", seg_to_json(p->l2vpn.src));
		json_object_set_new(o, "l2vpn", l2);
	}
	return o;
}

json_t *
port_status_to_json(const struct model *m, const struct model_port *p,
		    const struct dp_port_status *st, const struct dp_port_counters *c)
{
	json_t *o = port_to_json(m, p);

	if (st != NULL) {
		json_object_set_new(o, "driver", json_string(st->driver));
		json_object_set_new(o, "mac", mac_to_json(st->mac));
		json_object_set_new(o, "link", json_string(st->link_up ? "up" : "down"));
		json_object_set_new(o, "speed", json_integer(st->speed_mbps));
		json_object_set_new(o, "n_rxq", json_integer(st->n_rxq));
		json_object_set_new(o, "n_txq", json_integer(st->n_txq));
	}
	if (c != NULL) {
		json_t *k = json_object();
		json_object_set_new(k, "rx_packets", json_integer(jint(c->rx_packets)));
		json_object_set_new(k, "rx_bytes", json_integer(jint(c->rx_bytes)));
		json_object_set_new(k, "tx_packets", json_integer(jint(c->tx_packets)));
		json_object_set_new(k, "tx_bytes", json_integer(jint(c->tx_bytes)));
		json_object_set_new(k, "drops", json_integer(jint(c->drops)));
		if (st != NULL) {
			// The device's own counters (rte_eth_stats), not reset by stats.reset.
			json_object_set_new(k, "rx_missed", json_integer(jint(st->imissed)));
			json_object_set_new(k, "rx_errors", json_integer(jint(st->ierrors)));
			json_object_set_new(k, "tx_errors", json_integer(jint(st->oerrors)));
			json_object_set_new(k, "rx_nombuf", json_integer(jint(st->rx_nombuf)));
			if (st->has_host) {
				// Frames to and from the kernel's host interface.
				json_object_set_new(k, "host_to_kernel",
						    json_integer(jint(st->host_to_kernel)));
				json_object_set_new(k, "host_from_kernel",
						    json_integer(jint(st->host_from_kernel)));
				json_object_set_new(k, "host_errors",
						    json_integer(jint(st->host_errors)));
			}
		}
		json_object_set_new(o, "counters", k);
	}
	return o;
}

json_t *
vrf_to_json(const struct model_vrf *v)
{
	json_t *o = json_object(), *imp = json_array(), *exp = json_array();

	json_object_set_new(o, "name", json_string(v->name));
	json_object_set_new(o, "table", json_integer(v->table));
	if (v->rd[0] != '\0')
		json_object_set_new(o, "rd", json_string(v->rd));
	for (unsigned int i = 0; i < v->n_import && i < MODEL_MAX_RTS; i++)
		json_array_append_new(imp, json_string(v->import_rt[i]));
	for (unsigned int i = 0; i < v->n_export && i < MODEL_MAX_RTS; i++)
		json_array_append_new(exp, json_string(v->export_rt[i]));
	json_object_set_new(o, "import_rt", imp);
	json_object_set_new(o, "export_rt", exp);
	return o;
}

json_t *
nexthop_to_json(const struct model *m, const struct model_nexthop *nh)
{
	json_t *o = json_object();

	switch (nh->type) {
	case MNH_SRV6:
		json_object_set_new(o, "type", json_string("srv6"));
		json_object_set_new(o, "segments", segs_to_json(nh->segs, nh->n_segs));
		json_object_set_new(o, "encap",
				    json_string(nh->insert    ? "h.insert"
						: nh->reduced ? "h.encaps.red"
							      : "h.encaps"));
		if (nh->has_src)
			json_object_set_new(o, "src", seg_to_json(nh->src));
		if (nh->has_sa) {
			const struct ipsec_sa *sa = ipsec_sa_at(m->ipsec, nh->ipsec_sa);
			json_object_set_new(o, "ipsec_sa", json_string(sa != NULL ? sa->id : "?"));
		}
		if (nh->hmac_key_id != 0)
			json_object_set_new(o, "hmac_key_id", json_integer(nh->hmac_key_id));
		if (nh->has_policy)
			json_object_set_new(o, "policy",
					    json_pack("{s:I,s:o}", "color", (json_int_t)nh->color,
						      "endpoint", addr_to_json(&nh->endpoint)));
		break;
	case MNH_IP:
		json_object_set_new(o, "type", json_string("ip"));
		if (nh->has_via)
			json_object_set_new(o, "via", addr_to_json(&nh->via));
		if (nh->port != MODEL_NO_PORT)
			json_object_set_new(o, "port", json_string(port_name(m, nh->port)));
		break;
	case MNH_BLACKHOLE:
		json_object_set_new(o, "type", json_string("blackhole"));
		break;
	case MNH_LOCAL:
		json_object_set_new(o, "type", json_string("local"));
		break;
	}
	// 0 is how a next hop built in C without a weight looks: the same as 1.
	if (nh->weight > 1)
		json_object_set_new(o, "weight", json_integer(nh->weight));
	return o;
}

json_t *
route_to_json(const struct model *m, const struct model_route *r)
{
	json_t *o = json_object(), *nhs = json_array();

	json_object_set_new(o, "vrf", json_string(vrf_name(m, r->vrf)));
	json_object_set_new(o, "prefix", prefix_to_json(&r->prefix));
	for (unsigned int i = 0; i < r->n_nh && i < MODEL_MAX_ECMP; i++)
		json_array_append_new(nhs, nexthop_to_json(m, &r->nh[i]));
	json_object_set_new(o, "nexthops", nhs);
	json_object_set_new(o, "owner", json_string(r->owner[0] != '\0' ? r->owner : "static"));
	if (r->stale)
		json_object_set_new(o, "stale", json_true());
	return o;
}

json_t *
entry_to_json(const struct model *m, uint16_t vrf, const struct ip_prefix *p,
	      const struct model_entry *en)
{
	json_t *o, *nh;

	if (en->kind == ENTRY_ROUTE && en->route != NULL) {
		// vrf, prefix, type, nexthops, owner: the route with its type in front.
		json_t *r = route_to_json(m, en->route);
		o = json_object();
		json_object_set_new(o, "vrf", json_string(vrf_name(m, vrf)));
		json_object_set_new(o, "prefix", prefix_to_json(p));
		json_object_set(o, "type", json_object_get(r, "owner"));
		json_object_update_missing(o, r);
		json_decref(r);
		return o;
	}
	o = json_object();
	json_object_set_new(o, "vrf", json_string(vrf_name(m, vrf)));
	json_object_set_new(o, "prefix", prefix_to_json(p));
	json_object_set_new(o, "type", json_string(model_entry_kind_name(en->kind)));
	switch (en->kind) {
	case ENTRY_LOCAL:
		// Our own address: delivered to the control thread (ARP, ND, ICMP echo).
		nh = json_pack("{s:s,s:s}", "type", "local", "port", port_name(m, en->port));
		json_object_set_new(o, "nexthops", json_pack("[o]", nh));
		break;
	case ENTRY_CONNECTED:
		nh = json_pack("{s:s,s:s}", "type", "ip", "port", port_name(m, en->port));
		json_object_set_new(o, "nexthops", json_pack("[o]", nh));
		break;
	case ENTRY_NEIGH:
		nh = json_pack("{s:s,s:o,s:s}", "type", "ip", "via", addr_to_json(&en->neigh->addr),
			       "port", port_name(m, en->port));
		json_object_set_new(o, "nexthops", json_pack("[o]", nh));
		if (en->neigh->has_mac)
			json_object_set_new(o, "mac", mac_to_json(en->neigh->mac));
		break;
	case ENTRY_SID:
		json_object_set_new(o, "behavior",
				    json_string(model_behavior_name(en->sid->behavior)));
		json_object_set_new(o, "sid", sid_to_json(m, en->sid));
		json_object_set_new(o, "nexthops", json_array());
		break;
	case ENTRY_ROUTE:
	case ENTRY_NONE:
		json_object_set_new(o, "nexthops", json_array());
		break;
	}
	return o;
}

json_t *
sid_key_to_json(const struct ip_prefix *sid)
{
	// The contract: a bare address means /128, so that is how a /128 reads.
	if (sid->len == addr_bits(&sid->addr))
		return addr_to_json(&sid->addr);
	return prefix_to_json(sid);
}

static bool
behavior_has_vrf(enum model_behavior b)
{
	return b == SB_END_T || b == SB_END_DT4 || b == SB_END_DT6 || b == SB_END_DT46;
}

static bool
behavior_has_nexthop(enum model_behavior b)
{
	return b == SB_END_X || b == SB_END_DX4 || b == SB_END_DX6 || model_behavior_is_proxy(b);
}

json_t *
sid_to_json(const struct model *m, const struct model_sid *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "sid", sid_key_to_json(&s->sid));
	json_object_set_new(o, "behavior", json_string(model_behavior_name(s->behavior)));
	if (behavior_has_vrf(s->behavior))
		json_object_set_new(o, "vrf", json_string(vrf_name(m, s->vrf)));
	if (s->has_nexthop) {
		json_t *nh = json_object();
		json_object_set_new(nh, "via", addr_to_json(&s->via));
		if (s->port != MODEL_NO_PORT)
			json_object_set_new(nh, "port", json_string(port_name(m, s->port)));
		json_object_set_new(o, "nexthop", nh);
	}
	if (s->n_segs > 0)
		json_object_set_new(o, "segments", segs_to_json(s->segs, s->n_segs));
	if (model_behavior_is_l2(s->behavior))
		json_object_set_new(o, "port", json_string(port_name(m, s->port)));
	if (model_behavior_is_proxy(s->behavior))
		json_object_set_new(o, "return_port", json_string(port_name(m, s->return_port)));
	if (s->hmac_required)
		json_object_set_new(o, "hmac_required", json_true());
	if (s->has_policy)
		json_object_set_new(o, "policy",
				    json_pack("{s:I,s:o}", "color", (json_int_t)s->color,
					      "endpoint", addr_to_json(&s->endpoint)));
	if (s->flavors != 0) {
		json_t *fl = json_array();
		for (uint32_t f = 1; f != 0 && f <= SID_FL_NEXT_CSID; f <<= 1)
			if ((s->flavors & f) != 0)
				json_array_append_new(fl, json_string(model_flavor_name(f)));
		json_object_set_new(o, "flavors", fl);
	}
	if (s->locator[0] != '\0')
		json_object_set_new(o, "locator", json_string(s->locator));
	return o;
}

json_t *
locator_to_json(const struct model_locator *l)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(l->name));
	json_object_set_new(o, "prefix", prefix_to_json(&l->prefix));
	json_object_set_new(o, "block_len", json_integer(l->block_len));
	json_object_set_new(o, "node_len", json_integer(l->node_len));
	json_object_set_new(o, "func_len", json_integer(l->func_len));
	json_object_set_new(o, "usid", json_boolean(l->usid));
	return o;
}

json_t *
neigh_to_json(const struct model *m, const struct model_neigh *n)
{
	json_t *o = json_object();

	json_object_set_new(o, "port", json_string(port_name(m, n->port)));
	json_object_set_new(o, "address", addr_to_json(&n->addr));
	if (n->has_mac)
		json_object_set_new(o, "mac", mac_to_json(n->mac));
	json_object_set_new(o, "state", json_string(model_neigh_state_name(n->state)));
	json_object_set_new(o, "static", json_boolean(n->is_static));
	return o;
}

json_t *
encap_to_json(const struct model_encap *enc)
{
	static const char *const fl[] = {
		[MODEL_FL_COMPUTE] = "compute",
		[MODEL_FL_INHERIT] = "inherit",
		[MODEL_FL_ZERO] = "zero",
	};
	json_t *o = json_object();

	if (enc->has_src)
		json_object_set_new(o, "source", seg_to_json(enc->src));
	json_object_set_new(o, "hop_limit",
			    enc->hop_limit < 0 ? json_string("inherit")
					       : json_integer(enc->hop_limit));
	json_object_set_new(
		o, "flowlabel",
		json_string((unsigned int)enc->flowlabel < N(fl) ? fl[enc->flowlabel] : "compute"));
	return o;
}

// --- parsers ---------------------------------------------------------------------

// "addr/len" with the host bits kept: an interface address and its subnet.
static int
port_addresses(const json_t *obj, const char *path, struct model_port *out,
	       struct api_error_info *e)
{
	const json_t *arr = json_object_get(obj, "addresses"), *v;
	char p[sizeof(e->field)], k[48];
	size_t i;

	join(p, sizeof(p), path, "addresses");
	if (api_check_array(arr, API_T_STRING, p, e) < 0)
		return -1;
	if (json_array_size(arr) > MODEL_MAX_ADDRS)
		return BAD(e, path, "addresses", "at most %d addresses", MODEL_MAX_ADDRS);
	out->n_addrs = 0;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v), *slash = strchr(s, '/');
		struct ip_prefix *a = &out->addrs[i];
		char buf[PREFIX_STRLEN + 8], *end;
		long len;

		snprintf(k, sizeof(k), "addresses[%zu]", i);
		if (slash == NULL || strlen(s) >= sizeof(buf) || slash[1] < '0' || slash[1] > '9')
			return BAD(e, path, k, "must be \"address/length\"");
		snprintf(buf, sizeof(buf), "%.*s", (int)(slash - s), s);
		len = strtol(slash + 1, &end, 10);
		if (addr_parse(buf, &a->addr) < 0 || *end != '\0')
			return BAD(e, path, k, "must be \"address/length\"");
		if (len < 1 || len > (long)addr_bits(&a->addr))
			return BAD(e, path, k, "length must be 1 to %u", addr_bits(&a->addr));
		if (addr_is_unspecified(&a->addr) || addr_is_multicast(&a->addr))
			return BAD(e, path, k, "must be a unicast address");
		a->len = (uint8_t)len;
		for (size_t j = 0; j < i; j++)
			if (addr_equal(&out->addrs[j].addr, &a->addr))
				return BAD(e, path, k, "duplicate address");
		out->n_addrs = (uint8_t)(i + 1);
	}
	return 0;
}

// A segment list of at most MODEL_L2_PEER_SEGS (an l2vpn peer's).
static int
peer_segments_get(const json_t *obj, const char *key, uint8_t segs[][16], uint8_t *n,
		  const char *path, struct api_error_info *e)
{
	uint8_t all[MODEL_MAX_SEGS][16];

	if (segments_get(obj, key, all, n, path, e) < 0)
		return -1;
	if (*n > MODEL_L2_PEER_SEGS)
		return BAD(e, path, key, "%u segments, at most %d", *n, MODEL_L2_PEER_SEGS);
	memcpy(segs, all, 16u * *n);
	return 0;
}

// "peers": [{address, segments, bum_segments?}]: the PEs of a bridge.
static int
port_l2vpn_peers(const json_t *obj, const char *path, struct model_l2vpn *out,
		 struct api_error_info *e)
{
	const json_t *arr = json_object_get(obj, "peers"), *v;
	char p[sizeof(e->field)], k[32];
	size_t i;

	join(p, sizeof(p), path, "peers");
	if (api_check_array(arr, API_T_OBJECT, p, e) < 0)
		return -1;
	if (json_array_size(arr) == 0 || json_array_size(arr) > MODEL_L2_MAX_PEERS)
		return BAD(e, path, "peers", "1 to %d peers", MODEL_L2_MAX_PEERS);
	json_array_foreach(arr, i, v) {
		struct model_l2_peer *pe = &out->peers[i];
		char pp[sizeof(e->field)];
		struct ip_addr a;
		snprintf(k, sizeof(k), "peers[%zu]", i);
		join(pp, sizeof(pp), path, k);
		if (check_object("port.l2vpn.peer", v, pp, e) < 0)
			return -1;
		if (addr_get(v, "address", AF_INET6, &a, pp, e) < 0)
			return -1;
		memcpy(pe->addr, a.bytes, 16);
		if (json_object_get(v, "segments") == NULL)
			return BAD(e, pp, "segments", "missing: the peer's End.DT2U SID last");
		if (peer_segments_get(v, "segments", pe->segs, &pe->n_segs, pp, e) < 0)
			return -1;
		if (json_object_get(v, "bum_segments") != NULL &&
		    peer_segments_get(v, "bum_segments", pe->bum, &pe->n_bum, pp, e) < 0)
			return -1;
	}
	out->n_peers = (uint8_t)json_array_size(arr);
	return 0;
}

// "l2vpn": {segments | peers, mac_age_s?, encap?, src?}: H.Encaps.L2 (RFC
// 8986 5.3) or .Red, to one PE or to a bridge's peers.
static int
port_l2vpn(const json_t *obj, const char *path, struct model_l2vpn *out, struct api_error_info *e)
{
	char p[sizeof(e->field)];
	const char *s;

	join(p, sizeof(p), path, "l2vpn");
	memset(out, 0, sizeof(*out));
	if (check_object("port.l2vpn", obj, p, e) < 0)
		return -1;
	if ((json_object_get(obj, "segments") == NULL) == (json_object_get(obj, "peers") == NULL))
		return BAD(e, p, "segments",
			   "give segments (the remote PE's End.DX2 SID last) or peers (a bridge)");
	if (json_object_get(obj, "segments") != NULL &&
	    segments_get(obj, "segments", out->segs, &out->n_segs, p, e) < 0)
		return -1;
	if (json_object_get(obj, "peers") != NULL && port_l2vpn_peers(obj, p, out, e) < 0)
		return -1;
	out->mac_age_s = MODEL_L2_MAC_AGE_DEFAULT;
	if (json_object_get(obj, "mac_age_s") != NULL) {
		long long v;
		if (uint_get(obj, "mac_age_s", 1, 86400, &v, p, e) < 0)
			return -1;
		out->mac_age_s = (uint32_t)v;
	}
	if ((s = str(obj, "encap")) != NULL) {
		if (strcmp(s, "h.encaps.l2.red") == 0)
			out->reduced = true;
		else if (strcmp(s, "h.encaps.l2") != 0)
			return BAD(e, p, "encap", "must be h.encaps.l2 or h.encaps.l2.red");
	}
	if (json_object_get(obj, "src") != NULL) {
		struct ip_addr a;
		if (addr_get(obj, "src", AF_INET6, &a, p, e) < 0)
			return -1;
		memcpy(out->src, a.bytes, 16);
		out->has_src = true;
	}
	out->on = true;
	return 0;
}

json_t *
hmac_key_to_json(const struct model_hmac_key *k, bool secrets)
{
	json_t *o =
		json_pack("{s:I,s:s}", "key_id", (json_int_t)k->key_id, "algorithm", "hmac-sha256");

	if (secrets && o != NULL) {
		char hex[2 * MODEL_HMAC_SECRET_MAX + 1];
		for (unsigned int i = 0; i < k->secret_len; i++)
			snprintf(hex + 2 * i, 3, "%02x", k->secret[i]);
		hex[2 * k->secret_len] = '\0';
		json_object_set_new(o, "secret", json_string(hex));
		explicit_bzero(hex, sizeof(hex));
	}
	return o;
}

int
hmac_key_from_json(const json_t *obj, const char *path, uint32_t *key_id,
		   uint8_t secret[MODEL_HMAC_SECRET_MAX], size_t *len, struct api_error_info *e)
{
	const char *s;
	long long id;
	size_t n;

	if (check_spec("hmac.key.add", NULL, obj, path, e) < 0)
		return -1;
	if (uint_get(obj, "key_id", 1, UINT32_MAX, &id, path, e) != 0)
		return json_object_get(obj, "key_id") == NULL ? BAD(e, path, "key_id", "missing")
							      : -1;
	*key_id = (uint32_t)id;
	if ((s = str(obj, "algorithm")) != NULL && strcmp(s, "hmac-sha256") != 0)
		return BAD(e, path, "algorithm", "must be hmac-sha256 (RFC 8754 2.1.2)");
	s = str(obj, "secret");
	n = s != NULL ? strlen(s) : 0;
	if (n < 2 || n > 2 * MODEL_HMAC_SECRET_MAX || n % 2 != 0)
		return BAD(e, path, "secret", "2 to %d hex digits, 2 per byte",
			   2 * MODEL_HMAC_SECRET_MAX);
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int b;
		if (!isxdigit((unsigned char)s[2 * i]) || !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2x", &b) != 1)
			return BAD(e, path, "secret", "not hex");
		secret[i] = (uint8_t)b;
	}
	*len = n / 2;
	return 0;
}

int
port_from_json(const struct model *m, const json_t *obj, const char *path, bool create,
	       struct model_port *out, struct api_error_info *e)
{
	long long mtu;
	const char *s;
	int rc;

	if (create)
		rc = check_object("port", obj, path, e);
	else
		rc = check_spec("port.set", NULL, obj, path, e);
	if (rc < 0)
		return -1;
	if (create) {
		s = str(obj, "name");
		if (name_check(s, path, "name", e) < 0)
			return -1;
		// "any" selects every port in capture.start.
		if (strcmp(s, "any") == 0)
			return BAD(e, path, "name", "\"any\" is reserved");
		snprintf(out->name, sizeof(out->name), "%s", s);
		s = str(obj, "device");
		if (s == NULL || s[0] == '\0' || strlen(s) >= sizeof(out->device))
			return BAD(e, path, "device", "must be 1 to %zu characters",
				   sizeof(out->device) - 1);
		snprintf(out->device, sizeof(out->device), "%s", s);
	}
	rc = uint_get(obj, "mtu", 1280, 9600, &mtu, path, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		out->mtu = (uint16_t)mtu;
	if ((s = str(obj, "vrf")) != NULL && vrf_lookup(m, s, &out->vrf, path, "vrf", e) < 0)
		return -1;
	// 0 turns clamping off; below 536 (RFC 879's default) no host needs it.
	rc = uint_get(obj, "tcp_mss", 0, 9600, &mtu, path, e);
	if (rc < 0)
		return -1;
	if (rc == 0 && mtu != 0 && mtu < 536)
		return BAD(e, path, "tcp_mss", "must be 0 (off) or 536 to 9600");
	if (rc == 0)
		out->tcp_mss = (uint16_t)mtu;
	if (json_object_get(obj, "addresses") != NULL && port_addresses(obj, path, out, e) < 0)
		return -1;
	if (json_object_get(obj, "mac") != NULL) {
		if (mac_get(obj, "mac", out->mac, path, e) < 0)
			return -1;
		out->has_mac = true;
	}
	if (create && (s = str(obj, "host_if")) != NULL) {
		size_t n = strlen(s);
		if (n == 0 || n >= sizeof(out->host_if))
			return BAD(e, path, "host_if", "must be 1 to %zu characters",
				   sizeof(out->host_if) - 1);
		for (size_t i = 0; i < n; i++)
			if (!isalnum((unsigned char)s[i]) && strchr("_.-", s[i]) == NULL)
				return BAD(
					e, path, "host_if",
					"interface names take letters, digits, '_', '.' and '-'");
		memcpy(out->host_if, s, n + 1);
	}
	if (json_object_get(obj, "l2vpn") != NULL) {
		if (!create)
			return BAD(e, path, "l2vpn", "set at start only (in the config file)");
		if (port_l2vpn(json_object_get(obj, "l2vpn"), path, &out->l2vpn, e) < 0)
			return -1;
	}
	return 0;
}

int
vrf_from_json(const struct model *m, const json_t *obj, const char *path, struct model_vrf *out,
	      struct api_error_info *e)
{
	static const char *const lists[] = {"import_rt", "export_rt"};
	long long table = 0;
	const char *s;

	(void)m;
	memset(out, 0, sizeof(*out));
	if (check_spec("vrf.add", NULL, obj, path, e) < 0)
		return -1;
	s = str(obj, "name");
	if (name_check(s, path, "name", e) < 0)
		return -1;
	snprintf(out->name, sizeof(out->name), "%s", s);
	if (uint_get(obj, "table", 0, 0xffffffffLL, &table, path, e) < 0)
		return -1;
	out->table = (uint32_t)table;
	if ((s = str(obj, "rd")) != NULL) {
		if (rt_check(s, path, "rd", e) < 0)
			return -1;
		snprintf(out->rd, sizeof(out->rd), "%s", s);
	}
	for (int l = 0; l < 2; l++) {
		const json_t *arr = json_object_get(obj, lists[l]), *v;
		char p[sizeof(e->field)], k[48];
		size_t i;

		if (arr == NULL)
			continue;
		join(p, sizeof(p), path, lists[l]);
		if (api_check_array(arr, API_T_STRING, p, e) < 0)
			return -1;
		if (json_array_size(arr) > MODEL_MAX_RTS)
			return BAD(e, path, lists[l], "at most %d route targets", MODEL_MAX_RTS);
		json_array_foreach(arr, i, v) {
			snprintf(k, sizeof(k), "%s[%zu]", lists[l], i);
			if (rt_check(json_string_value(v), path, k, e) < 0)
				return -1;
			snprintf(l == 0 ? out->import_rt[i] : out->export_rt[i], MODEL_NAME_LEN,
				 "%s", json_string_value(v));
		}
		if (l == 0)
			out->n_import = (uint8_t)json_array_size(arr);
		else
			out->n_export = (uint8_t)json_array_size(arr);
	}
	return 0;
}

// Which next-hop keys apply to which type (the catalogue holds their union).
static bool
nh_key_applies(const char *type, const char *key)
{
	static const char *const srv6[] = {"segments", "encap",	      "src",
					   "ipsec_sa", "hmac_key_id", "policy"};
	static const char *const ip[] = {"via", "port"};

	if (strcmp(key, "type") == 0 || strcmp(key, "weight") == 0)
		return true;
	if (strcmp(type, "srv6") == 0) {
		for (size_t i = 0; i < N(srv6); i++)
			if (strcmp(key, srv6[i]) == 0)
				return true;
	} else if (strcmp(type, "ip") == 0) {
		for (size_t i = 0; i < N(ip); i++)
			if (strcmp(key, ip[i]) == 0)
				return true;
	}
	return false;
}

int
nexthop_ipsec_sa(const struct model *m, const char *id, const char *path, struct model_nexthop *nh,
		 struct api_error_info *e)
{
	struct model_err me = {0};
	int rc = ipsec_sa_resolve_out(m, id, &nh->ipsec_sa, &me);

	if (rc < 0)
		return fail(e, rc == -ENOENT ? API_ERR_NOT_FOUND : API_ERR_INVALID_PARAMS, path,
			    "ipsec_sa", "%s", me.msg);
	nh->has_sa = true;
	return 0;
}

// "policy": {"color": C, "endpoint": ADDR}: steer into SR policy (C, ADDR).
static int
nexthop_policy(const json_t *obj, const char *path, struct model_nexthop *nh,
	       struct api_error_info *e)
{
	char p[sizeof(e->field)];
	long long color;

	join(p, sizeof(p), path, "policy");
	if (check_object("route.nexthop.policy", obj, p, e) < 0)
		return -1;
	if (uint_get(obj, "color", 0, UINT32_MAX, &color, p, e) != 0)
		return json_object_get(obj, "color") == NULL ? BAD(e, p, "color", "missing") : -1;
	if (json_object_get(obj, "endpoint") == NULL)
		return BAD(e, p, "endpoint", "missing");
	if (addr_get(obj, "endpoint", 0, &nh->endpoint, p, e) < 0)
		return -1;
	nh->color = (uint32_t)color;
	nh->has_policy = true;
	return 0;
}

json_t *
policy_to_json(const struct model_policy *p)
{
	json_t *o = json_object(), *lists = json_array();

	json_object_set_new(o, "color", json_integer(p->color));
	json_object_set_new(o, "endpoint", addr_to_json(&p->endpoint));
	if (p->name[0] != '\0')
		json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "encap", json_string(p->reduced ? "h.encaps.red" : "h.encaps"));
	for (unsigned int i = 0; i < p->n_lists; i++)
		json_array_append_new(lists,
				      json_pack("{s:o,s:i}", "segments",
						segs_to_json(p->lists[i].segs, p->lists[i].n_segs),
						"weight", p->lists[i].weight));
	json_object_set_new(o, "segment_lists", lists);
	return o;
}

int
policy_from_json(const json_t *obj, const char *path, struct model_policy *out,
		 struct api_error_info *e)
{
	const json_t *arr, *v;
	char p[sizeof(e->field)], k[48];
	long long n;
	const char *s;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (check_spec("policy.add", NULL, obj, path, e) < 0)
		return -1;
	if (uint_get(obj, "color", 0, UINT32_MAX, &n, path, e) != 0)
		return json_object_get(obj, "color") == NULL ? BAD(e, path, "color", "missing")
							     : -1;
	out->color = (uint32_t)n;
	if (json_object_get(obj, "endpoint") == NULL)
		return BAD(e, path, "endpoint", "missing");
	if (addr_get(obj, "endpoint", 0, &out->endpoint, path, e) < 0)
		return -1;
	if ((s = str(obj, "name")) != NULL) {
		if (name_check(s, path, "name", e) < 0)
			return -1;
		snprintf(out->name, sizeof(out->name), "%s", s);
	}
	if ((s = str(obj, "encap")) != NULL) {
		if (strcmp(s, "h.encaps.red") == 0)
			out->reduced = true;
		else if (strcmp(s, "h.encaps") != 0)
			return BAD(e, path, "encap", "must be h.encaps or h.encaps.red");
	}
	arr = json_object_get(obj, "segment_lists");
	join(p, sizeof(p), path, "segment_lists");
	if (api_check_array(arr, API_T_OBJECT, p, e) < 0)
		return -1;
	if (json_array_size(arr) == 0 || json_array_size(arr) > MODEL_MAX_SEGLISTS)
		return BAD(e, path, "segment_lists", "1 to %d segment lists", MODEL_MAX_SEGLISTS);
	json_array_foreach(arr, i, v) {
		struct model_seglist *l = &out->lists[i];
		char lp[sizeof(e->field)];
		snprintf(k, sizeof(k), "segment_lists[%zu]", i);
		join(lp, sizeof(lp), path, k);
		if (check_object("policy.segment_list", v, lp, e) < 0)
			return -1;
		if (json_object_get(v, "segments") == NULL)
			return BAD(e, lp, "segments", "missing");
		if (segments_get(v, "segments", l->segs, &l->n_segs, lp, e) < 0)
			return -1;
		n = 1;
		if (uint_get(v, "weight", 1, 65535, &n, lp, e) < 0)
			return -1;
		l->weight = (uint16_t)n;
	}
	out->n_lists = (uint8_t)json_array_size(arr);
	return 0;
}

static int
nexthop_from_json(const struct model *m, const struct ip_prefix *dst, const json_t *obj,
		  const char *path, struct model_nexthop *nh, struct api_error_info *e)
{
	const char *type, *key, *s;
	long long w = 1;
	json_t *v;

	memset(nh, 0, sizeof(*nh));
	nh->port = MODEL_NO_PORT;
	nh->weight = 1;
	if (check_object("route.nexthop", obj, path, e) < 0)
		return -1;
	type = str(obj, "type");
	if (type == NULL)
		return BAD(e, path, "type", "missing");
	if (strcmp(type, "srv6") != 0 && strcmp(type, "ip") != 0 &&
	    strcmp(type, "blackhole") != 0 && strcmp(type, "local") != 0)
		return BAD(e, path, "type", "must be srv6, ip, blackhole or local");
	json_object_foreach((json_t *)obj, key, v) {
		if (!nh_key_applies(type, key))
			return BAD(e, path, key, "not valid for a%s %s next hop",
				   strcmp(type, "ip") == 0 ? "n" : "", type);
	}
	if (uint_get(obj, "weight", 1, 65535, &w, path, e) < 0)
		return -1;
	nh->weight = (uint16_t)w;
	if (strcmp(type, "srv6") == 0) {
		nh->type = MNH_SRV6;
		if ((v = json_object_get(obj, "policy")) != NULL &&
		    nexthop_policy(v, path, nh, e) < 0)
			return -1;
		// Steered into a policy, the service segments may be none.
		if ((!nh->has_policy || json_object_get(obj, "segments") != NULL) &&
		    segments_get(obj, "segments", nh->segs, &nh->n_segs, path, e) < 0)
			return -1;
		if ((s = str(obj, "encap")) != NULL) {
			if (strcmp(s, "h.encaps.red") == 0)
				nh->reduced = true;
			else if (strcmp(s, "h.insert") == 0)
				nh->insert = true;
			else if (strcmp(s, "h.encaps") != 0)
				return BAD(e, path, "encap",
					   "must be h.encaps, h.encaps.red or h.insert");
		}
		if (json_object_get(obj, "src") != NULL) {
			struct ip_addr src;
			if (addr_get(obj, "src", AF_INET6, &src, path, e) < 0)
				return -1;
			memcpy(nh->src, src.bytes, 16);
			nh->has_src = true;
		}
		if ((s = str(obj, "ipsec_sa")) != NULL) {
			if (nexthop_ipsec_sa(m, s, path, nh, e) < 0)
				return -1;
		}
		if (uint_get(obj, "hmac_key_id", 1, UINT32_MAX, &w, path, e) < 0)
			return -1;
		if (json_object_get(obj, "hmac_key_id") != NULL)
			nh->hmac_key_id = (uint32_t)w;
	} else if (strcmp(type, "ip") == 0) {
		nh->type = MNH_IP;
		if (json_object_get(obj, "via") != NULL) {
			if (addr_get(obj, "via", 0, &nh->via, path, e) < 0)
				return -1;
			// An IPv4 route may use an IPv6 gateway (RFC 8950), not the reverse.
			if (dst->addr.family == AF_INET6 && nh->via.family != AF_INET6)
				return BAD(e, path, "via", "an IPv6 route needs an IPv6 next hop");
			nh->has_via = true;
		}
		if ((s = str(obj, "port")) != NULL &&
		    port_lookup(m, s, &nh->port, path, "port", e) < 0)
			return -1;
		if (!nh->has_via && nh->port == MODEL_NO_PORT)
			return BAD(e, path, "", "an ip next hop needs via or port");
	} else if (strcmp(type, "blackhole") == 0) {
		nh->type = MNH_BLACKHOLE;
	} else {
		nh->type = MNH_LOCAL;
	}
	return 0;
}

int
route_from_json(const struct model *m, const json_t *obj, const char *path, struct model_route *out,
		struct api_error_info *e)
{
	const json_t *arr, *v;
	char p[sizeof(e->field)];
	const char *s;
	size_t i;
	int rc;

	// Not the whole struct: room for 16 next hops is ~5 KB, and only the
	// n_nh filled in below are read (the model stores no more).
	memset(out, 0, offsetof(struct model_route, nh));
	if (check_spec("route.add", NULL, obj, path, e) < 0)
		return -1;
	s = str(obj, "vrf");
	if (vrf_lookup(m, s != NULL ? s : "default", &out->vrf, path, "vrf", e) < 0)
		return -1;
	rc = prefix_parse(str(obj, "prefix"), true, &out->prefix);
	if (rc == -EDOM)
		return BAD(e, path, "prefix", "host bits set");
	if (rc < 0)
		return BAD(e, path, "prefix", "not a prefix");
	if ((s = str(obj, "owner")) != NULL) {
		if (name_check(s, path, "owner", e) < 0)
			return -1;
		snprintf(out->owner, sizeof(out->owner), "%s", s);
	}
	arr = json_object_get(obj, "nexthops");
	join(p, sizeof(p), path, "nexthops");
	if (api_check_array(arr, API_T_OBJECT, p, e) < 0)
		return -1;
	if (json_array_size(arr) == 0 || json_array_size(arr) > MODEL_MAX_ECMP)
		return BAD(e, path, "nexthops", "1 to %d next hops", MODEL_MAX_ECMP);
	json_array_foreach(arr, i, v) {
		char k[48], np[sizeof(e->field)];
		snprintf(k, sizeof(k), "nexthops[%zu]", i);
		join(np, sizeof(np), path, k);
		if (nexthop_from_json(m, &out->prefix, v, np, &out->nh[i], e) < 0)
			return -1;
	}
	out->n_nh = (uint16_t)json_array_size(arr);
	return 0;
}

// The behaviour and its parameters, common to sid.add and sid.alloc: only the
// parameters the behaviour uses are accepted (RFC 8986 section 4).
static int
sid_params(const struct model *m, const json_t *obj, const char *path, struct model_sid *out,
	   struct api_error_info *e)
{
	const char *b = str(obj, "behavior"), *s;
	const json_t *nh, *fl, *v;
	size_t i;

	if (b == NULL)
		return BAD(e, path, "behavior", "missing");
	if (model_behavior_parse(b, &out->behavior) < 0)
		return BAD(e, path, "behavior",
			   "unknown behavior \"%.40s\" (End, End.X, End.T, End.DX4, End.DX6, "
			   "End.DT4, End.DT6, End.DT46, End.B6.Encaps, End.B6.Encaps.Red, "
			   "End.DX2, End.AS, End.AD, End.AM, End.OP, End.DT2U, End.DT2M)",
			   b);
	b = model_behavior_name(out->behavior);
	s = str(obj, "vrf");
	if (behavior_has_vrf(out->behavior)) {
		if (s == NULL)
			return BAD(e, path, "vrf", "%s needs a vrf", b);
		if (vrf_lookup(m, s, &out->vrf, path, "vrf", e) < 0)
			return -1;
	} else if (s != NULL) {
		return BAD(e, path, "vrf", "not used by %s", b);
	}
	nh = json_object_get(obj, "nexthop");
	if (behavior_has_nexthop(out->behavior)) {
		char p[sizeof(e->field)];
		int fam = out->behavior == SB_END_DX4		   ? AF_INET
			  : model_behavior_is_proxy(out->behavior) ? 0
								   : AF_INET6;

		join(p, sizeof(p), path, "nexthop");
		if (nh == NULL)
			return BAD(e, path, "nexthop", "%s needs a nexthop {via, port}", b);
		if (check_object("sid.nexthop", nh, p, e) < 0)
			return -1;
		if (json_object_get(nh, "via") == NULL)
			return BAD(e, p, "via", "%s needs the next-hop address", b);
		if (addr_get(nh, "via", fam, &out->via, p, e) < 0)
			return -1;
		out->has_nexthop = true;
		if ((s = str(nh, "port")) != NULL &&
		    port_lookup(m, s, &out->port, p, "port", e) < 0)
			return -1;
	} else if (nh != NULL) {
		return BAD(e, path, "nexthop", "not used by %s", b);
	}
	s = str(obj, "port");
	if (model_behavior_is_l2(out->behavior)) {
		if (s == NULL)
			return BAD(e, path, "port", "%s needs the port frames leave on", b);
		if (port_lookup(m, s, &out->port, path, "port", e) < 0)
			return -1;
	} else if (json_object_get(obj, "port") != NULL) {
		return BAD(e, path, "port", "not used by %s (a next hop's port is nexthop.port)",
			   b);
	}
	s = str(obj, "return_port");
	if (model_behavior_is_proxy(out->behavior)) {
		if (s == NULL)
			return BAD(e, path, "return_port",
				   "%s needs the port the service hands traffic back on", b);
		if (port_lookup(m, s, &out->return_port, path, "return_port", e) < 0)
			return -1;
	} else if (json_object_get(obj, "return_port") != NULL) {
		return BAD(e, path, "return_port", "not used by %s", b);
	}
	if (model_behavior_is_b6(out->behavior) && json_object_get(obj, "policy") != NULL) {
		// a binding SID of an SR policy (RFC 9256 6): the policy's lists
		struct model_nexthop pn;
		if (json_object_get(obj, "segments") != NULL)
			return BAD(e, path, "segments", "give segments or policy, not both");
		memset(&pn, 0, sizeof(pn));
		if (nexthop_policy(json_object_get(obj, "policy"), path, &pn, e) < 0)
			return -1;
		out->has_policy = true;
		out->color = pn.color;
		out->endpoint = pn.endpoint;
	} else if (json_object_get(obj, "policy") != NULL) {
		return BAD(e, path, "policy", "not used by %s", b);
	} else if (model_behavior_is_b6(out->behavior) || out->behavior == SB_END_AS) {
		if (json_object_get(obj, "segments") == NULL)
			return BAD(e, path, "segments", "%s needs segments (or a policy)", b);
		if (segments_get(obj, "segments", out->segs, &out->n_segs, path, e) < 0)
			return -1;
	} else if (json_object_get(obj, "segments") != NULL) {
		return BAD(e, path, "segments", "not used by %s", b);
	}
	v = json_object_get(obj, "hmac_required");
	if (v != NULL) {
		if (!json_is_boolean(v))
			return BAD(e, path, "hmac_required", "must be true or false");
		out->hmac_required = json_is_true(v);
	}
	fl = json_object_get(obj, "flavors");
	if (fl != NULL) {
		char p[sizeof(e->field)], k[48];

		join(p, sizeof(p), path, "flavors");
		if (api_check_array(fl, API_T_STRING, p, e) < 0)
			return -1;
		json_array_foreach(fl, i, v) {
			uint32_t f;
			snprintf(k, sizeof(k), "flavors[%zu]", i);
			if (model_flavor_parse(json_string_value(v), &f) < 0)
				return BAD(e, path, k, "must be psp, usp, usd or next-csid");
			out->flavors |= f;
		}
	}
	return 0;
}

int
sid_from_json(const struct model *m, const json_t *obj, const char *path, bool from_config,
	      struct model_sid *out, struct api_error_info *e)
{
	static const struct api_field locator = {"locator", API_T_STRING, false,
						 "locator the SID was allocated from"};
	const char *s;
	int rc;

	memset(out, 0, sizeof(*out));
	out->port = MODEL_NO_PORT;
	out->return_port = MODEL_NO_PORT;
	if (check_spec("sid.add", from_config ? &locator : NULL, obj, path, e) < 0)
		return -1;
	rc = prefix_parse(str(obj, "sid"), true, &out->sid);
	if (rc == -EDOM)
		return BAD(e, path, "sid", "host bits set");
	if (rc < 0 || out->sid.addr.family != AF_INET6)
		return BAD(e, path, "sid", "must be an IPv6 address or prefix");
	if (addr_is_multicast(&out->sid.addr) ||
	    (out->sid.len == 128 && addr_is_unspecified(&out->sid.addr)))
		return BAD(e, path, "sid", "must be a unicast IPv6 address or prefix");
	if (sid_params(m, obj, path, out, e) < 0)
		return -1;
	if ((s = str(obj, "locator")) != NULL) {
		int li = model_locator_find(m, s);
		if (li < 0)
			return BAD(e, path, "locator", "unknown locator \"%.40s\"", s);
		if (!prefix_contains(&m->locators[li].prefix, &out->sid.addr) ||
		    out->sid.len < m->locators[li].prefix.len)
			return BAD(e, path, "sid", "not inside locator %s", s);
		snprintf(out->locator, sizeof(out->locator), "%s", s);
	}
	return 0;
}

int
sid_alloc_from_json(const struct model *m, const json_t *obj, const char *path,
		    const char **locator, struct model_sid *tmpl, struct api_error_info *e)
{
	memset(tmpl, 0, sizeof(*tmpl));
	tmpl->port = MODEL_NO_PORT;
	tmpl->return_port = MODEL_NO_PORT;
	*locator = NULL;
	if (check_spec("sid.alloc", NULL, obj, path, e) < 0)
		return -1;
	*locator = str(obj, "locator");
	if (*locator == NULL)
		return BAD(e, path, "locator", "missing");
	if (model_locator_find(m, *locator) < 0)
		return BAD(e, path, "locator", "unknown locator \"%.40s\"", *locator);
	return sid_params(m, obj, path, tmpl, e);
}

int
locator_from_json(const json_t *obj, const char *path, struct model_locator *out,
		  struct api_error_info *e)
{
	long long v;
	const char *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (check_spec("locator.add", NULL, obj, path, e) < 0)
		return -1;
	s = str(obj, "name");
	if (name_check(s, path, "name", e) < 0)
		return -1;
	snprintf(out->name, sizeof(out->name), "%s", s);
	rc = prefix_parse(str(obj, "prefix"), false, &out->prefix);
	if (rc == -EDOM)
		return BAD(e, path, "prefix", "host bits set");
	if (rc < 0 || out->prefix.addr.family != AF_INET6)
		return BAD(e, path, "prefix", "must be an IPv6 prefix (addr/len)");
	if (out->prefix.len == 0 || out->prefix.len >= 128)
		return BAD(e, path, "prefix", "length must be 1 to 127");
	if ((rc = uint_get(obj, "block_len", 0, out->prefix.len, &v, path, e)) < 0)
		return -1;
	if (rc == 0)
		out->block_len = (uint8_t)v;
	if ((rc = uint_get(obj, "node_len", 0, out->prefix.len, &v, path, e)) < 0)
		return -1;
	if (rc == 0)
		out->node_len = (uint8_t)v;
	// RFC 8986 3.1: LOC:FUNCT:ARG fits in 128 bits.
	if ((rc = uint_get(obj, "func_len", 1, 128 - out->prefix.len, &v, path, e)) < 0)
		return -1;
	if (rc == 0)
		out->func_len = (uint8_t)v;
	if (json_object_get(obj, "usid") != NULL)
		out->usid = json_is_true(json_object_get(obj, "usid"));
	return 0;
}

int
neigh_from_json(const struct model *m, const json_t *obj, const char *path, uint16_t *port,
		struct ip_addr *addr, uint8_t mac[6], struct api_error_info *e)
{
	if (check_spec("neighbor.add", NULL, obj, path, e) < 0 ||
	    port_lookup(m, str(obj, "port"), port, path, "port", e) < 0 ||
	    addr_get(obj, "address", 0, addr, path, e) < 0 || mac_get(obj, "mac", mac, path, e) < 0)
		return -1;
	return 0;
}

int
encap_from_json(const json_t *obj, const char *path, struct model_encap *out,
		struct api_error_info *e)
{
	const json_t *hl;
	const char *s;

	if (check_spec("encap.set", NULL, obj, path, e) < 0)
		return -1;
	if (json_object_get(obj, "source") != NULL) {
		struct ip_addr src;
		if (addr_get(obj, "source", AF_INET6, &src, path, e) < 0)
			return -1;
		memcpy(out->src, src.bytes, 16);
		out->has_src = true;
	}
	hl = json_object_get(obj, "hop_limit");
	if (hl != NULL) {
		if (json_is_string(hl) && strcmp(json_string_value(hl), "inherit") == 0)
			out->hop_limit = -1;
		else if (json_is_integer(hl) && json_integer_value(hl) >= 1 &&
			 json_integer_value(hl) <= 255)
			out->hop_limit = (int)json_integer_value(hl);
		else
			return BAD(e, path, "hop_limit", "must be 1 to 255 or \"inherit\"");
	}
	if ((s = str(obj, "flowlabel")) != NULL) {
		if (strcmp(s, "compute") == 0)
			out->flowlabel = MODEL_FL_COMPUTE;
		else if (strcmp(s, "inherit") == 0)
			out->flowlabel = MODEL_FL_INHERIT;
		else if (strcmp(s, "zero") == 0)
			out->flowlabel = MODEL_FL_ZERO;
		else
			return BAD(e, path, "flowlabel", "must be compute, inherit or zero");
	}
	return 0;
}
