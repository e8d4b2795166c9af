// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The fast path of route.add and route.del (rpc_server.h, "fast path"): the
// params object read from the request text straight into the model's route,
// with every check the catalogue (api_spec.c) and route_from_json make. It
// accepts only what those would accept and stages what the handlers
// (m_route.c) would stage, byte for byte; for anything else (whatever would
// be an error, an unknown or repeated key, ipsec_sa, a value it does not
// read) it returns -1 and the line takes the general path, which answers it
// as before. test_route_fast.c holds the two paths side by side.

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "ctl_priv.h"
#include "fast_scan.h"

// Addresses and prefixes are shorter; a longer string goes the general way.
#define PLAIN_MAX 64

// As ctl_json.c's addr_is_unspecified / addr_is_multicast.
static bool
unicast(const struct ip_addr *a)
{
	static const uint8_t zero[16];

	if (memcmp(a->bytes, zero, addr_bits(a) / 8) == 0)
		return false;
	return a->family == AF_INET6 ? a->bytes[0] != 0xff : (a->bytes[0] & 0xf0) != 0xe0;
}

// An address string that the catalogue (API_T_ADDR) and addr_get take.
static bool
addr_read(struct fast_scan *s, struct ip_addr *a)
{
	char buf[PLAIN_MAX];
	const char *v;
	size_t n;

	return fs_str(s, &v, &n) && fs_cstr(v, n, buf, sizeof(buf)) && addr_parse(buf, a) == 0 &&
	       unicast(a);
}

static bool
prefix_read(struct fast_scan *s, struct ip_prefix *p)
{
	char buf[PLAIN_MAX];
	const char *v;
	size_t n;

	return fs_str(s, &v, &n) && fs_cstr(v, n, buf, sizeof(buf)) &&
	       prefix_parse(buf, true, p) == 0;
}

// A VRF name that exists; absent (v NULL): as each handler defaults.
static bool
vrf_read(const char *v, size_t n, uint16_t *vrf)
{
	char buf[MODEL_NAME_LEN];
	int idx;

	if (!fs_cstr(v, n, buf, sizeof(buf)) || (idx = model_vrf_find(ctl_model, buf)) < 0)
		return false;
	*vrf = (uint16_t)idx;
	return true;
}

// Next-hop keys, as bits; which apply to which type is nh_key_applies's rule.
enum {
	NK_TYPE = 1,
	NK_SEGS = 2,
	NK_ENCAP = 4,
	NK_SRC = 8,
	NK_VIA = 16,
	NK_PORT = 32,
	NK_WEIGHT = 64,
};

static unsigned int
nh_key(const char *k, size_t n)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} keys[] = {
		{"type", NK_TYPE}, {"segments", NK_SEGS}, {"encap", NK_ENCAP},	 {"src", NK_SRC},
		{"via", NK_VIA},   {"port", NK_PORT},	  {"weight", NK_WEIGHT},
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (fs_is(k, n, keys[i].name))
			return keys[i].bit;
	return 0; // ipsec_sa too: 1005, the general path says so
}

static int
segments_read(struct fast_scan *s, struct model_nexthop *nh)
{
	struct ip_addr a;

	if (!fs_char(s, '[') || fs_char(s, ']'))
		return -1;
	do {
		if (nh->n_segs == MODEL_MAX_SEGS || !addr_read(s, &a) || a.family != AF_INET6)
			return -1;
		memcpy(nh->segs[nh->n_segs++], a.bytes, 16);
	} while (fs_char(s, ','));
	return fs_char(s, ']') ? 0 : -1;
}

// One next hop, as nexthop_from_json fills it; the via family against the
// route's is checked by the caller (the prefix may come later).
static int
nexthop_read(struct fast_scan *s, struct model_nexthop *nh)
{
	unsigned int seen = 0, bit, allowed;
	struct ip_addr src;
	const char *k, *v;
	size_t kn, vn;
	long long w;
	char name[MODEL_NAME_LEN];
	int idx;

	memset(nh, 0, sizeof(*nh));
	nh->port = MODEL_NO_PORT;
	nh->weight = 1;
	if (!fs_char(s, '{') || fs_char(s, '}'))
		return -1;
	do {
		if (!fs_key(s, &k, &kn) || (bit = nh_key(k, kn)) == 0 || (seen & bit) != 0)
			return -1;
		seen |= bit;
		switch (bit) {
		case NK_TYPE:
			if (!fs_str(s, &v, &vn))
				return -1;
			if (fs_is(v, vn, "srv6"))
				nh->type = MNH_SRV6;
			else if (fs_is(v, vn, "ip"))
				nh->type = MNH_IP;
			else if (fs_is(v, vn, "blackhole"))
				nh->type = MNH_BLACKHOLE;
			else if (fs_is(v, vn, "local"))
				nh->type = MNH_LOCAL;
			else
				return -1;
			break;
		case NK_SEGS:
			if (segments_read(s, nh) < 0)
				return -1;
			break;
		case NK_ENCAP:
			if (!fs_str(s, &v, &vn))
				return -1;
			if (fs_is(v, vn, "h.encaps.red"))
				nh->reduced = true;
			else if (!fs_is(v, vn, "h.encaps"))
				return -1;
			break;
		case NK_SRC:
			if (!addr_read(s, &src) || src.family != AF_INET6)
				return -1;
			memcpy(nh->src, src.bytes, 16);
			nh->has_src = true;
			break;
		case NK_VIA:
			if (!addr_read(s, &nh->via))
				return -1;
			nh->has_via = true;
			break;
		case NK_PORT:
			if (!fs_str(s, &v, &vn) || !fs_cstr(v, vn, name, sizeof(name)) ||
			    (idx = model_port_find(ctl_model, name)) < 0)
				return -1;
			nh->port = (uint16_t)idx;
			break;
		default: // NK_WEIGHT
			if (!fs_int(s, &w) || w < 1 || w > 65535)
				return -1;
			nh->weight = (uint16_t)w;
			break;
		}
	} while (fs_char(s, ','));
	if (!fs_char(s, '}') || (seen & NK_TYPE) == 0)
		return -1;
	switch (nh->type) {
	case MNH_SRV6:
		allowed = NK_TYPE | NK_WEIGHT | NK_SEGS | NK_ENCAP | NK_SRC;
		if ((seen & NK_SEGS) == 0)
			return -1;
		break;
	case MNH_IP:
		allowed = NK_TYPE | NK_WEIGHT | NK_VIA | NK_PORT;
		if ((seen & (NK_VIA | NK_PORT)) == 0)
			return -1;
		break;
	default:
		allowed = NK_TYPE | NK_WEIGHT;
		break;
	}
	return (seen & ~allowed) == 0 ? 0 : -1;
}

enum { RK_VRF = 1, RK_PREFIX = 2, RK_NEXTHOPS = 4, RK_OWNER = 8 };

static unsigned int
route_key(const char *k, size_t n)
{
	if (fs_is(k, n, "vrf"))
		return RK_VRF;
	if (fs_is(k, n, "prefix"))
		return RK_PREFIX;
	if (fs_is(k, n, "nexthops"))
		return RK_NEXTHOPS;
	if (fs_is(k, n, "owner"))
		return RK_OWNER;
	return 0;
}

int
route_add_fast_parse(struct fast_scan *s, struct fast_buf *recs, size_t *rec)
{
	// One thread; 16 next hops of 16 segments do not belong on the stack.
	static struct model_route r;
	const char *k, *v, *vrf = "default";
	size_t kn, vn, vrf_len = strlen("default");
	unsigned int seen = 0, bit, n = 0;
	void *out;

	if (ctl_model == NULL)
		return -1;
	memset(&r, 0, offsetof(struct model_route, nh)); // as route_from_json
	if (!fs_char(s, '{') || fs_char(s, '}'))
		return -1;
	do {
		if (!fs_key(s, &k, &kn) || (bit = route_key(k, kn)) == 0 || (seen & bit) != 0)
			return -1;
		seen |= bit;
		switch (bit) {
		case RK_VRF:
			if (!fs_str(s, &vrf, &vrf_len))
				return -1;
			break;
		case RK_PREFIX:
			if (!prefix_read(s, &r.prefix))
				return -1;
			break;
		case RK_OWNER:
			// name_check: 1 to MODEL_NAME_LEN - 1 bytes, none blank (the
			// scanner already refused control bytes and DEL).
			if (!fs_str(s, &v, &vn) || vn == 0 || vn >= MODEL_NAME_LEN ||
			    memchr(v, ' ', vn) != NULL)
				return -1;
			memcpy(r.owner, v, vn);
			break;
		default: // RK_NEXTHOPS
			if (!fs_char(s, '[') || fs_char(s, ']'))
				return -1;
			do {
				if (n == MODEL_MAX_ECMP || nexthop_read(s, &r.nh[n]) < 0)
					return -1;
				n++;
			} while (fs_char(s, ','));
			if (!fs_char(s, ']'))
				return -1;
			break;
		}
	} while (fs_char(s, ','));
	if (!fs_char(s, '}') || (seen & (RK_PREFIX | RK_NEXTHOPS)) != (RK_PREFIX | RK_NEXTHOPS) ||
	    !vrf_read(vrf, vrf_len, &r.vrf))
		return -1;
	// An IPv4 route may use an IPv6 gateway (RFC 8950), not the reverse.
	for (unsigned int i = 0; i < n; i++)
		if (r.nh[i].type == MNH_IP && r.nh[i].has_via && r.prefix.addr.family == AF_INET6 &&
		    r.nh[i].via.family != AF_INET6)
			return -1;
	r.n_nh = (uint16_t)n;
	// The record is the route cut to its content, as the model stores it.
	out = fast_buf_add(recs, model_route_size(&r), rec);
	if (out == NULL)
		return -1;
	memcpy(out, &r, model_route_size(&r));
	return 0;
}

int
route_add_fast_run(struct rpc_call *call, const void *rec)
{
	struct model_err me = {0};

	if (call == NULL || call->txn == NULL || ctl_model == NULL)
		return -1;
	return model_route_add(call->txn, rec, &me) < 0 ? -1 : 0;
}

struct route_del_rec {
	uint16_t vrf;
	struct ip_prefix prefix;
};

int
route_del_fast_parse(struct fast_scan *s, struct fast_buf *recs, size_t *rec)
{
	struct route_del_rec d;
	struct route_del_rec *out;
	const char *k, *vrf = NULL;
	size_t kn, vrf_len = 0;
	unsigned int seen = 0, bit;

	if (ctl_model == NULL)
		return -1;
	memset(&d, 0, sizeof(d));
	d.vrf = MODEL_DEFAULT_VRF; // ctl_vrf_param's default
	if (!fs_char(s, '{') || fs_char(s, '}'))
		return -1;
	do {
		if (!fs_key(s, &k, &kn) || (bit = route_key(k, kn)) == 0 ||
		    (bit != RK_VRF && bit != RK_PREFIX) || (seen & bit) != 0)
			return -1;
		seen |= bit;
		if (bit == RK_VRF ? !fs_str(s, &vrf, &vrf_len) : !prefix_read(s, &d.prefix))
			return -1;
	} while (fs_char(s, ','));
	if (!fs_char(s, '}') || (seen & RK_PREFIX) == 0 ||
	    (vrf != NULL && !vrf_read(vrf, vrf_len, &d.vrf)))
		return -1;
	out = fast_buf_add(recs, sizeof(*out), rec);
	if (out == NULL)
		return -1;
	*out = d;
	return 0;
}

int
route_del_fast_run(struct rpc_call *call, const void *rec)
{
	const struct route_del_rec *d = rec;
	struct model_err me = {0};

	if (call == NULL || call->txn == NULL || ctl_model == NULL)
		return -1;
	return model_route_del(call->txn, d->vrf, &d->prefix, &me) < 0 ? -1 : 0;
}
