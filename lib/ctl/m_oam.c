// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// oam.ping / oam.trace / oam.get: SRv6 OAM over a segment list (RFC 9259,
// seed 004). ping and trace start a session on the control thread
// (dp_oam.c) and answer its id at once; oam.get returns what the session
// has so far (srv6ctl ping, trace and probe poll it until "done").

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>

#include "ctl_priv.h"
#include "dp_api.h"

static int
get_uint(const json_t *params, const char *key, long long lo, long long hi, long long dflt,
	 long long *out, struct model_err *me)
{
	const json_t *v = json_object_get(params, key);

	*out = dflt;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return model_err_set(me, -EINVAL, key, "must be an integer from %lld to %lld", lo,
				     hi);
	*out = json_integer_value(v);
	return 0;
}

// The request of oam.ping or oam.trace from its params.
static int
oam_req(const json_t *params, bool trace, struct dp_oam_req *r, struct model_err *me)
{
	const json_t *segs = json_object_get(params, "segments"), *v;
	const char *s;
	long long n;
	size_t i;
	int vrf;

	memset(r, 0, sizeof(*r));
	r->trace = trace;
	if (json_array_size(segs) == 0 || json_array_size(segs) > MODEL_MAX_SEGS)
		return model_err_set(me, -EINVAL, "segments", "1 to %d IPv6 addresses",
				     MODEL_MAX_SEGS);
	json_array_foreach(segs, i, v) {
		struct ip_addr a;
		if (addr_parse(json_string_value(v), &a) < 0 || a.family != AF_INET6)
			return model_err_set(me, -EINVAL, "segments",
					     "segments[%zu]: not an IPv6 "
					     "address",
					     i);
		memcpy(r->segs[i], a.bytes, 16);
	}
	r->n_segs = (uint8_t)json_array_size(segs);
	if ((s = json_string_value(json_object_get(params, "src"))) != NULL) {
		struct ip_addr a;
		if (addr_parse(s, &a) < 0 || a.family != AF_INET6)
			return model_err_set(me, -EINVAL, "src", "not an IPv6 address");
		memcpy(r->src, a.bytes, 16);
	} else if (ctl_model->encap.has_src) {
		memcpy(r->src, ctl_model->encap.src, 16);
	} else {
		return model_err_set(me, -EINVAL, "src", "give src (encap.source is not set)");
	}
	vrf = MODEL_DEFAULT_VRF;
	if ((s = json_string_value(json_object_get(params, "vrf"))) != NULL &&
	    (vrf = model_vrf_find(ctl_model, s)) < 0)
		return model_err_set(me, -EINVAL, "vrf", "unknown VRF");
	r->vrf = (uint16_t)vrf;
	r->o_flag = json_is_true(json_object_get(params, "o_flag"));
	if (get_uint(params, trace ? "max_hops" : "count", 1, trace ? 64 : DP_OAM_MAX_PROBES,
		     trace ? 16 : 5, &n, me) < 0)
		return -EINVAL;
	r->count = (uint16_t)n;
	if (get_uint(params, "interval_ms", 1, 10000, trace ? 50 : 1000, &n, me) < 0)
		return -EINVAL;
	r->interval_ms = (uint32_t)n;
	if (get_uint(params, "timeout_ms", 1, 60000, 2000, &n, me) < 0)
		return -EINVAL;
	r->timeout_ms = (uint32_t)n;
	if (get_uint(params, "size", 16, 1400, 56, &n, me) < 0)
		return -EINVAL;
	r->size = (uint16_t)n;
	if (!trace) {
		if (get_uint(params, "hop_limit", 1, 255, 64, &n, me) < 0)
			return -EINVAL;
		r->hop_limit = (uint8_t)n;
	}
	return 0;
}

static int
oam_start(struct rpc_call *call, json_t *params, json_t **result, struct api_error_info *e,
	  bool trace)
{
	struct model_err me = {0};
	struct dp_oam_req r;
	uint16_t id;
	int rc;

	(void)call;
	if (ctl_params(trace ? "oam.trace" : "oam.ping", params, e) < 0)
		return -1;
	if ((rc = oam_req(params, trace, &r, &me)) < 0 || (rc = dp_oam_start(&r, &id, &me)) < 0)
		return ctl_model_error(e, rc, &me);
	*result = json_pack("{s:i}", "id", id);
	return 0;
}

CTL_HANDLER(rpc_oam_ping)
{
	return oam_start(call, params, result, e, false);
}

CTL_HANDLER(rpc_oam_trace)
{
	return oam_start(call, params, result, e, true);
}

static const char *
answer_name(uint8_t type)
{
	switch (type) {
	case 129:
		return "echo-reply";
	case 3:
		return "time-exceeded";
	case 1:
		return "unreachable";
	case 4:
		return "parameter-problem";
	}
	return "other";
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

// RTT statistics of the echo replies, microseconds (3 decimals).
static json_t *
rtt_stats(const struct dp_oam_result *res)
{
	uint64_t *v = malloc(sizeof(*v) * (res->n_probes ? res->n_probes : 1)), sum = 0;
	json_t *o = NULL;
	size_t n = 0;

	if (v == NULL)
		return NULL;
	for (uint16_t k = 0; k < res->n_probes; k++)
		if (res->probes[k].answered && res->probes[k].icmp_type == 129)
			sum += v[n++] = res->probes[k].rtt_ns;
	if (n > 0) {
		qsort(v, n, sizeof(*v), cmp_u64);
		o = json_pack("{s:f,s:f,s:f,s:f,s:f,s:f}", "min", v[0] / 1e3, "avg",
			      (double)sum / (double)n / 1e3, "max", v[n - 1] / 1e3, "p50",
			      v[(n - 1) / 2] / 1e3, "p90", v[(n - 1) * 9 / 10] / 1e3, "p99",
			      v[(n - 1) * 99 / 100] / 1e3);
	}
	free(v);
	return o;
}

CTL_HANDLER(rpc_oam_get)
{
	struct dp_oam_result res;
	struct model_err me = {0};
	unsigned int received = 0, sent = 0;
	json_t *o, *probes, *segs, *st;
	char a[ADDR_STRLEN];
	long long id;

	(void)call;
	if (ctl_params("oam.get", params, e) < 0)
		return -1;
	if (get_uint(params, "id", 0, 65535, -1, &id, &me) < 0 || id < 0)
		return ctl_model_error(e, -EINVAL,
				       me.field[0] ? &me : &(struct model_err){"id", "missing"});
	if (dp_oam_get((uint16_t)id, &res) < 0)
		return ctl_model_error(
			e, -ENOENT, &(struct model_err){"id", "no such OAM session (or expired)"});
	probes = json_array();
	for (uint16_t k = 0; k < res.n_probes; k++) {
		const struct dp_oam_probe *p = &res.probes[k];
		json_t *po = json_pack("{s:i,s:i}", "seq", p->seq, "hop_limit", p->hop_limit);
		sent += p->sent;
		if (p->answered) {
			struct ip_addr from = {.family = AF_INET6};
			memcpy(from.bytes, p->from, 16);
			received += p->icmp_type == 129;
			json_object_set_new(po, "from", json_string(addr_fmt(&from, a, sizeof(a))));
			json_object_set_new(po, "answer", json_string(answer_name(p->icmp_type)));
			json_object_set_new(po, "code", json_integer(p->icmp_code));
			json_object_set_new(po, "rtt_us", json_real(p->rtt_ns / 1e3));
		} else if (!p->sent) {
			json_object_set_new(po, "answer", json_string("not-sent"));
		}
		json_array_append_new(probes, po);
	}
	segs = json_array();
	for (unsigned int i = 0; i < res.req.n_segs; i++) {
		struct ip_addr s = {.family = AF_INET6};
		memcpy(s.bytes, res.req.segs[i], 16);
		json_array_append_new(segs, json_string(addr_fmt(&s, a, sizeof(a))));
	}
	{
		struct ip_addr s = {.family = AF_INET6};
		memcpy(s.bytes, res.req.src, 16);
		addr_fmt(&s, a, sizeof(a));
	}
	o = json_pack("{s:I,s:s,s:b,s:o,s:s,s:i,s:i,s:o}", "id", (json_int_t)id, "kind",
		      res.req.trace ? "trace" : "ping", "done", res.done, "segments", segs, "src",
		      a, "sent", sent, "received", received, "probes", probes);
	if ((st = rtt_stats(&res)) != NULL)
		json_object_set_new(o, "rtt_us", st);
	*result = o;
	return 0;
}
