// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// libFuzzer harness: what srv6-bgp does with the bytes gobgpd sends. The
// input is a protobuf message as it arrives on the gRPC stream, chosen by
// byte 0 (bits 0-1):
//   0, 3  WatchEventResponse (app/srv6-bgp/gobgpd.c on_watch_message: the
//         table events the helper lives on)
//   1     ListPathResponse (one destination and its paths)
//   2     Path alone
// bit 2: withdraws wait (srv6-bgp --withdraw-hold) and are applied at the end.
// Each path goes through lib/gobgp's gobgp_path_decode (NLRI, RD, route
// targets, next hop, the RFC 9252 prefix SID: SRv6 L3 Service TLV,
// Information Sub-TLV, Structure Sub-Sub-TLV) and, when it decodes, into
// lib/bgp's import RIB (SID rebuilt from the transposition, behaviour and
// family, route targets against two VRFs, local locators, reachability),
// as on_path does; then a resync (mark stale, apply again, sweep), and the
// drain and replay that become srv6d requests.
//
// Checks (abort on failure): a rejection names a known reason; every
// drained or replayed request is a route.add or route.del with a VRF and a
// prefix that parse, and a route.add has 1..BGP_MAX_ECMP next hops whose
// segments are IPv6 addresses; nothing is pending after the last drain; the
// resync with the same table sweeps nothing.

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>

#include "bgp_import.h"
#include "bgp_vpn.h"
#include "gobgp.pb-c.h"
#include "gobgp_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PATHS 64

// FUZZ_BGP_VERBOSE=1: each rejection and each request drained, on stderr.
static int verbose = -1;

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_bgp: %s\n", what);
	abort();
}

// Deterministic underlay: SIDs under 2001:db8:dead::/48 have no route.
static bool
reach(void *ctx, const uint8_t sid[16])
{
	static const uint8_t dead[6] = {0x20, 0x01, 0x0d, 0xb8, 0xde, 0xad};

	(void)ctx;
	return memcmp(sid, dead, sizeof(dead)) != 0;
}

// srv6d holds a static route for 10.0.0.0/8 in every VRF.
static bool
shadow(void *ctx, const char *vrf, const struct ip_prefix *p)
{
	(void)ctx;
	(void)vrf;
	return p->addr.family == AF_INET && p->len == 8 && p->addr.bytes[0] == 10;
}

static void
vrf_of(struct bgp_vrf *v, const char *name, const char *rd, const char *const *rts)
{
	const char *why;

	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->has_rd = bgp_rdrt_parse(rd, &v->rd, &why) == 0;
	for (; *rts != NULL; rts++)
		if (bgp_rdrt_parse(*rts, &v->import_rt[v->n_import], &why) == 0)
			v->export_rt[v->n_export++] = v->import_rt[v->n_import++];
}

static struct bgp_import *
import_new(void)
{
	static const char *const red_rts[] = {"65000:1", "65000:2", NULL};
	static const char *const blue_rts[] = {"10.0.0.1:5", "4200000000:7", "65000:2", NULL};
	struct bgp_import *im = bgp_import_new();
	struct bgp_vrf vrfs[2];
	struct ip_prefix loc, pol;

	if (im == NULL)
		fail("out of memory");
	vrf_of(&vrfs[0], "red", "65000:1", red_rts);
	vrf_of(&vrfs[1], "blue", "10.0.0.1:5", blue_rts);
	if (bgp_import_set_vrfs(im, vrfs, 2) < 0)
		fail("set_vrfs");
	if (prefix_parse("2001:db8:a::/48", true, &loc) < 0 ||
	    prefix_parse("2001:db8:b::/48", true, &pol) < 0)
		fail("prefix");
	bgp_import_set_local(im, &loc, 1);
	bgp_import_set_reach(im, reach, NULL);
	bgp_import_set_shadow(im, shadow, NULL);
	if (bgp_import_ipsec_policy(im, &pol, "to-b") < 0)
		fail("ipsec policy");
	return im;
}

static void
check_request(const json_t *r)
{
	const char *method = json_string_value(json_object_get(r, "method"));
	const json_t *params = json_object_get(r, "params");
	const char *vrf = json_string_value(json_object_get(params, "vrf"));
	const char *prefix = json_string_value(json_object_get(params, "prefix"));
	const json_t *nhs = json_object_get(params, "nexthops"), *nh;
	struct ip_prefix p;
	size_t i, j;

	if (verbose) {
		char *t = json_dumps(r, JSON_COMPACT);
		fprintf(stderr, "fuzz_bgp: %s\n", t ? t : "?");
		free(t);
	}
	if (method == NULL || vrf == NULL || prefix == NULL || prefix_parse(prefix, true, &p) < 0)
		fail("a request without method, VRF or a valid prefix");
	if (strcmp(method, "route.del") == 0)
		return;
	if (strcmp(method, "route.add") != 0)
		fail("a request that is neither route.add nor route.del");
	if (!json_is_array(nhs) || json_array_size(nhs) == 0 || json_array_size(nhs) > BGP_MAX_ECMP)
		fail("route.add with no next hop or more than BGP_MAX_ECMP");
	json_array_foreach(nhs, i, nh) {
		const json_t *segs = json_object_get(nh, "segments"), *s;
		struct in6_addr a;

		if (!json_is_array(segs) || json_array_size(segs) == 0)
			fail("a next hop without segments");
		json_array_foreach(segs, j, s) {
			if (!json_is_string(s) ||
			    inet_pton(AF_INET6, json_string_value(s), &a) != 1)
				fail("a segment that is not an IPv6 address");
		}
	}
}

static void
drain_all(struct bgp_import *im)
{
	for (int round = 0; bgp_import_pending(im); round++) {
		json_t *out = json_array();
		size_t i;
		json_t *r;

		if (out == NULL || round > 1000)
			fail("the drain does not end");
		if (bgp_import_drain(im, out, 16) == 0 && bgp_import_pending(im))
			fail("pending routes but nothing drained");
		json_array_foreach(out, i, r)
			check_request(r);
		json_decref(out);
	}
	if (bgp_import_n_pending(im) != 0)
		fail("routes pending after the drain");
}

static void
replay_all(struct bgp_import *im)
{
	size_t cursor = 0, n;

	do {
		json_t *out = json_array(), *r;
		size_t i;

		if (out == NULL)
			fail("out of memory");
		n = bgp_import_replay(im, out, 16, &cursor);
		json_array_foreach(out, i, r)
			check_request(r);
		json_decref(out);
	} while (n != 0);
}

static void
apply(struct bgp_import *im, const Apipb__Path *pp, bool hold, uint64_t now)
{
	struct bgp_vpn_path p;
	enum bgp_reject reason = BGP_REJECT_MAX;
	int rc = gobgp_path_decode(pp, &p, &reason);

	if (rc == 0)
		return;
	if (rc < 0) {
		if (reason >= BGP_REJECT_MAX)
			fail("a rejected path without a reason");
		if (verbose)
			fprintf(stderr, "fuzz_bgp: decode: %s\n", bgp_reject_name(reason));
		if (p.prefix.addr.family != 0)
			bgp_import_remove(im, &p);
		return;
	}
	// A local path (no neighbour: ours, or the operator's) is not
	// imported: on_path only remembers it.
	if (p.peer.family == 0)
		return;
	if (p.withdraw && hold && bgp_import_hold_withdraw(im, &p, now) == 0)
		return;
	reason = BGP_REJECT_MAX;
	if (bgp_import_apply(im, &p, &reason) < 0) {
		if (reason >= BGP_REJECT_MAX)
			fail("a refused path without a reason");
		if (verbose)
			fprintf(stderr, "fuzz_bgp: import: %s\n", bgp_reject_name(reason));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Apipb__Path **paths = NULL, *one = NULL;
	ProtobufCMessage *msg = NULL;
	size_t n = 0;
	bool hold;
	struct bgp_import *im;

	if (verbose < 0)
		verbose = getenv("FUZZ_BGP_VERBOSE") != NULL;
	if (size < 1)
		return 0;
	hold = (data[0] & 4) != 0;
	if ((data[0] & 3) == 1) {
		Apipb__ListPathResponse *r =
			apipb__list_path_response__unpack(NULL, size - 1, data + 1);
		if (r != NULL) {
			msg = &r->base;
			if (r->destination != NULL) {
				paths = r->destination->paths;
				n = r->destination->n_paths;
			}
		}
	} else if ((data[0] & 3) == 2) {
		one = apipb__path__unpack(NULL, size - 1, data + 1);
		if (one != NULL) {
			msg = &one->base;
			paths = &one;
			n = 1;
		}
	} else {
		Apipb__WatchEventResponse *r =
			apipb__watch_event_response__unpack(NULL, size - 1, data + 1);
		if (r != NULL) {
			msg = &r->base;
			if (r->event_case == APIPB__WATCH_EVENT_RESPONSE__EVENT_TABLE &&
			    r->table != NULL) {
				paths = r->table->paths;
				n = r->table->n_paths;
			}
		}
	}
	if (msg == NULL)
		return 0;
	im = import_new();
	n = n > MAX_PATHS ? MAX_PATHS : n;
	for (size_t i = 0; i < n; i++)
		apply(im, paths[i], hold, i);
	drain_all(im);
	// gobgpd reconnected and sent the same table again: nothing goes stale.
	bgp_import_mark_stale(im);
	for (size_t i = 0; i < n; i++)
		apply(im, paths[i], hold, 1000 + i);
	if (bgp_import_sweep_stale(im) != 0)
		fail("paths swept although the same table came again");
	bgp_import_apply_held(im, 1000000, 0);
	drain_all(im);
	replay_all(im);
	bgp_import_recheck(im);
	drain_all(im);
	bgp_import_flush(im);
	drain_all(im);
	bgp_import_free(im);
	protobuf_c_message_free_unpacked(msg, NULL);
	return 0;
}
