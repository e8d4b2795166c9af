// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The control-side model: transactions apply, abort restores exactly, owners
// resync without touching surviving routes, SID allocation is idempotent, and
// the forwarding entry of a key follows its priority rules.

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/Basic.h>

#include "model.h"

static struct model m;

static struct ip_prefix
P(const char *s) {
	struct ip_prefix p;
	CU_ASSERT_FATAL(prefix_parse(s, true, &p) == 0);
	return p;
}

static struct ip_addr
A(const char *s) {
	struct ip_addr a;
	CU_ASSERT_FATAL(addr_parse(s, &a) == 0);
	return a;
}

static int
setup(void)
{
	return model_init(&m);
}

static int
teardown(void)
{
	model_fini(&m);
	return 0;
}

static struct model_route
srv6_route(uint16_t vrf, const char *prefix, const char *sid, const char *owner)
{
	struct model_route r;
	struct ip_addr s = A(sid);

	memset(&r, 0, sizeof(r));
	r.vrf = vrf;
	r.prefix = P(prefix);
	r.n_nh = 1;
	r.nh[0].type = MNH_SRV6;
	r.nh[0].n_segs = 1;
	memcpy(r.nh[0].segs[0], s.bytes, 16);
	r.nh[0].port = MODEL_NO_PORT;
	snprintf(r.owner, sizeof(r.owner), "%s", owner);
	return r;
}

// A port and a VRF to hang things on, committed.
static void
test_base_objects(void)
{
	struct model_txn *t = model_txn_begin(&m);
	struct model_err e;
	struct model_vrf v = {.table = 101};
	struct model_port p = {.port_id = 0, .vrf = 0, .mtu = 1500, .n_addrs = 1};
	struct model_encap enc = {.has_src = true, .hop_limit = 64};

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT(model_txn_begin(&m) == NULL && errno == EBUSY);
	snprintf(v.name, sizeof(v.name), "L3VPN-1");
	CU_ASSERT(model_vrf_add(t, &v, &e) == 0);
	CU_ASSERT(model_vrf_add(t, &v, &e) == -EEXIST);
	CU_ASSERT_STRING_EQUAL(e.field, "name");
	snprintf(p.name, sizeof(p.name), "wan0");
	p.addrs[0] = (struct ip_prefix){.addr = A("2001:db8:0:12::1"), .len = 64};
	CU_ASSERT(model_port_create(t, &p, &e) == 0);
	struct ip_addr src = A("2001:db8:0:12::1");
	memcpy(enc.src, src.bytes, 16);
	CU_ASSERT(model_encap_set(t, &enc, &e) == 0);
	CU_ASSERT(model_txn_vrf_added(t, 1));
	CU_ASSERT(model_txn_meta_dirty(t));
	// The port's address and its subnet are dirty keys.
	CU_ASSERT(model_txn_n_dirty(t) >= 2);
	model_txn_end(t);
	CU_ASSERT(model_vrf_find(&m, "L3VPN-1") == 1);
	CU_ASSERT(model_port_find(&m, "wan0") == 0);
}

static void
test_abort_restores(void)
{
	struct model_txn *t = model_txn_begin(&m);
	struct model_err e;
	struct model_route r = srv6_route(1, "172.16.20.0/24", "2a0e:97c0:ae6:2001:1::", "");
	struct ip_prefix p = P("172.16.20.0/24");

	CU_ASSERT(model_route_add(t, &r, &e) == 0);
	model_txn_end(t);
	CU_ASSERT_PTR_NOT_NULL(model_route_find(&m, 1, &p));
	CU_ASSERT_STRING_EQUAL(model_route_find(&m, 1, &p)->owner, "static");

	// Replace, delete another, add a VRF: then abort.
	t = model_txn_begin(&m);
	struct model_route r2 = srv6_route(1, "172.16.20.0/24", "2a0e:97c0:ae6:2001:2::", "bgp");
	CU_ASSERT(model_route_add(t, &r2, &e) == 0);
	CU_ASSERT_STRING_EQUAL(model_route_find(&m, 1, &p)->owner, "bgp");
	CU_ASSERT(model_route_del(t, 1, &p, &e) == 0);
	CU_ASSERT_PTR_NULL(model_route_find(&m, 1, &p));
	struct model_vrf v = {.table = 102};
	snprintf(v.name, sizeof(v.name), "L3VPN-2");
	CU_ASSERT(model_vrf_add(t, &v, &e) == 0);
	model_txn_abort(t);

	const struct model_route *back = model_route_find(&m, 1, &p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	CU_ASSERT_STRING_EQUAL(back->owner, "static");
	CU_ASSERT(back->nh[0].segs[0][9] == 0x01 && back->nh[0].segs[0][8] == 0x00);
	CU_ASSERT(model_vrf_find(&m, "L3VPN-2") == -ENOENT);
	CU_ASSERT(m.routes.count == 1);
}

static void
test_route_validation(void)
{
	struct model_txn *t = model_txn_begin(&m);
	struct model_err e;
	struct model_route r = srv6_route(1, "10.0.0.0/8", "2a0e::1", "");

	r.nh[0].n_segs = 0;
	CU_ASSERT(model_route_add(t, &r, &e) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.field, "nexthops[0].segments");
	r = srv6_route(7, "10.0.0.0/8", "2a0e::1", "");
	CU_ASSERT(model_route_add(t, &r, &e) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.field, "vrf");
	// An IP next hop off every connected subnet needs a port.
	memset(&r, 0, sizeof(r));
	r.vrf = 0;
	r.prefix = P("2a0e:97c0:ae6:2001::/64");
	r.n_nh = 1;
	r.nh[0].type = MNH_IP;
	r.nh[0].has_via = true;
	r.nh[0].via = A("2001:db8:99::2");
	r.nh[0].port = MODEL_NO_PORT;
	CU_ASSERT(model_route_add(t, &r, &e) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.field, "nexthops[0].via");
	r.nh[0].via = A("2001:db8:0:12::2");
	CU_ASSERT(model_route_add(t, &r, &e) == 0);
	CU_ASSERT(model_route_del(t, 0, &r.prefix, &e) == 0);
	CU_ASSERT(model_route_del(t, 0, &r.prefix, &e) == -ENOENT);
	CU_ASSERT_STRING_EQUAL(e.field, "prefix");
	model_txn_abort(t);
}

static void
test_sync_owner(void)
{
	struct model_txn *t = model_txn_begin(&m);
	struct model_err e;
	unsigned int n = 0;

	for (int i = 0; i < 3; i++) {
		char pfx[32];
		snprintf(pfx, sizeof(pfx), "10.%d.0.0/16", i);
		struct model_route r = srv6_route(1, pfx, "2a0e:97c0:ae6:2001:1::", "bgp");
		CU_ASSERT(model_route_add(t, &r, &e) == 0);
	}
	model_txn_end(t);

	// Resync: mark stale, replay two of three, sweep.
	t = model_txn_begin(&m);
	CU_ASSERT(model_route_sync_begin(t, "bgp", &n) == 0);
	CU_ASSERT(n == 3);
	// The static route is not touched.
	struct ip_prefix sp = P("172.16.20.0/24");
	CU_ASSERT(!model_route_find(&m, 1, &sp)->stale);
	for (int i = 0; i < 2; i++) {
		char pfx[32];
		snprintf(pfx, sizeof(pfx), "10.%d.0.0/16", i);
		struct model_route r = srv6_route(1, pfx, "2a0e:97c0:ae6:2001:1::", "bgp");
		CU_ASSERT(model_route_add(t, &r, &e) == 0);
	}
	CU_ASSERT(model_route_sync_end(t, "bgp", &n) == 0);
	CU_ASSERT(n == 1);
	model_txn_end(t);
	struct ip_prefix p2 = P("10.2.0.0/16"), p1 = P("10.1.0.0/16");
	CU_ASSERT_PTR_NULL(model_route_find(&m, 1, &p2));
	CU_ASSERT_PTR_NOT_NULL(model_route_find(&m, 1, &p1));
	CU_ASSERT(!model_route_find(&m, 1, &p1)->stale);
	CU_ASSERT_PTR_NOT_NULL(model_route_find(&m, 1, &sp));
}

static void
test_sid_alloc(void)
{
	struct model_txn *t = model_txn_begin(&m);
	struct model_err e;
	struct model_locator l = {.prefix = P("2a0e:97c0:ae6:1001::/64"),
				  .block_len = 48,
				  .node_len = 16,
				  .func_len = 16};
	struct model_sid tmpl = {.behavior = SB_END_DT46, .vrf = 1, .port = MODEL_NO_PORT};
	struct ip_prefix out, out2, out3;
	bool created;
	char buf[PREFIX_STRLEN];

	snprintf(l.name, sizeof(l.name), "VPN-SERVICES");
	CU_ASSERT(model_locator_add(t, &l, &e) == 0);
	CU_ASSERT(model_sid_alloc(t, "VPN-SERVICES", &tmpl, &out, &created, &e) == 0);
	CU_ASSERT(created);
	CU_ASSERT_STRING_EQUAL(prefix_fmt(&out, buf, sizeof(buf)), "2a0e:97c0:ae6:1001:1::/128");
	// Same request, same SID.
	CU_ASSERT(model_sid_alloc(t, "VPN-SERVICES", &tmpl, &out2, &created, &e) == 0);
	CU_ASSERT(!created);
	CU_ASSERT(prefix_equal(&out, &out2));
	tmpl.behavior = SB_END_DT4;
	CU_ASSERT(model_sid_alloc(t, "VPN-SERVICES", &tmpl, &out3, &created, &e) == 0);
	CU_ASSERT_STRING_EQUAL(prefix_fmt(&out3, buf, sizeof(buf)), "2a0e:97c0:ae6:1001:2::/128");
	CU_ASSERT(model_sid_alloc(t, "NOPE", &tmpl, &out3, &created, &e) == -ENOENT);
	CU_ASSERT_STRING_EQUAL(e.field, "locator");
	// A locator with SIDs cannot go; a VRF that SIDs decapsulate into neither.
	CU_ASSERT(model_locator_del(t, "VPN-SERVICES", &e) == -EBUSY);
	CU_ASSERT(model_vrf_del(t, "L3VPN-1", &e) == -EBUSY);
	model_txn_end(t);
	CU_ASSERT(m.sids.count == 2);
	struct model_sid *s = model_sid_find(&m, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s->locator, "VPN-SERVICES");
}

static void
test_sid_validation(void)
{
	struct model_txn *t = model_txn_begin(&m);
	struct model_err e;
	struct model_sid s = {.sid = P("2a0e:97c0:ae6:1001:99::"),
			      .behavior = SB_END_DT4,
			      .vrf = 9,
			      .port = MODEL_NO_PORT};

	CU_ASSERT(model_sid_add(t, &s, &e) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.field, "vrf");
	s.behavior = SB_END_DX6;
	CU_ASSERT(model_sid_add(t, &s, &e) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.field, "nexthop");
	s.behavior = SB_END_DT6;
	s.vrf = 1;
	s.flavors = SID_FL_PSP;
	CU_ASSERT(model_sid_add(t, &s, &e) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.field, "flavors");
	s.sid = P("10.0.0.1");
	CU_ASSERT(model_sid_add(t, &s, &e) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.field, "sid");
	model_txn_abort(t);
}

static void
test_entry_priority(void)
{
	struct model_entry ent;
	struct ip_prefix host = P("2001:db8:0:12::1/128");
	struct ip_prefix subnet = P("2001:db8:0:12::/64");
	struct ip_prefix sid = P("2a0e:97c0:ae6:1001:1::/128");
	struct ip_prefix matched;
	struct ip_addr a = A("2a0e:97c0:ae6:1001:1::");

	model_entry_get(&m, 0, &host, &ent);
	CU_ASSERT(ent.kind == ENTRY_LOCAL);
	model_entry_get(&m, 0, &subnet, &ent);
	CU_ASSERT(ent.kind == ENTRY_CONNECTED);
	model_entry_get(&m, 0, &sid, &ent);
	CU_ASSERT(ent.kind == ENTRY_SID);
	CU_ASSERT(model_entry_lookup(&m, 0, &a, &matched, &ent) == 0);
	CU_ASSERT(ent.kind == ENTRY_SID && matched.len == 128);
	a = A("2001:db8:0:12::77");
	CU_ASSERT(model_entry_lookup(&m, 0, &a, &matched, &ent) == 0);
	CU_ASSERT(ent.kind == ENTRY_CONNECTED && matched.len == 64);

	// A learned neighbour on the subnet gets a host entry; forgetting removes it.
	struct model_txn *t = model_txn_begin(&m);
	struct model_neigh *n = NULL;
	uint8_t mac[6] = {2, 0, 0, 0, 0, 2};
	CU_ASSERT(model_neigh_learn(t, 0, &a, mac, NEIGH_REACHABLE, 1, &n) == 0);
	model_txn_end(t);
	struct ip_prefix nh = {.addr = a, .len = 128};
	model_entry_get(&m, 0, &nh, &ent);
	CU_ASSERT(ent.kind == ENTRY_NEIGH);
	t = model_txn_begin(&m);
	n = model_neigh_find(&m, 0, &a);
	CU_ASSERT(model_neigh_forget(t, n) == 0);
	model_txn_end(t);
	model_entry_get(&m, 0, &nh, &ent);
	CU_ASSERT(ent.kind == ENTRY_NONE);

	struct model_entry_row *rows;
	size_t nrows;
	CU_ASSERT(model_entries_list(&m, 1, &rows, &nrows) == 0);
	CU_ASSERT(nrows == 3); // 10.0/16, 10.1/16, 172.16.20/24
	CU_ASSERT(rows[0].prefix.addr.bytes[1] == 0 && rows[2].prefix.addr.bytes[0] == 172);
	free(rows);
}

static void
test_port_set_and_encap(void)
{
	struct model_txn *t = model_txn_begin(&m);
	struct model_err e;
	struct model_port p = m.ports[0];
	struct model_encap enc = {.has_src = false, .hop_limit = 64};

	// Removing the encap source while SRv6 routes need it is refused.
	CU_ASSERT(model_encap_set(t, &enc, &e) == -EBUSY);
	enc.has_src = true;
	enc.hop_limit = 0;
	CU_ASSERT(model_encap_set(t, &enc, &e) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.field, "hop_limit");
	p.mtu = 100;
	CU_ASSERT(model_port_set(t, 0, &p, &e) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.field, "mtu");
	p.mtu = 9000;
	CU_ASSERT(model_port_set(t, 0, &p, &e) == 0);
	CU_ASSERT(m.ports[0].mtu == 9000);
	model_txn_abort(t);
	CU_ASSERT(m.ports[0].mtu == 1500);
}

// Stored routes are cut to their content: a plain route costs little, and
// what is stored reads back the same (ECMP, segments of the last next hop,
// a stale copy made by sync_begin, an abort that puts the old copy back).
static void
test_route_compact(void)
{
	struct model_txn *t = model_txn_begin(&m);
	struct model_err e;
	struct model_route *r = calloc(1, sizeof(*r));
	struct ip_addr s1 = A("fc00:0:1::1"), s2 = A("fc00:0:2::1"), s3 = A("fc00:0:3::1");
	const struct model_route *got;

	CU_ASSERT_FATAL(t != NULL && r != NULL);
	// One IP next hop: no segment stored, a few hundred bytes at most.
	r->vrf = 0;
	r->prefix = P("2a0e:1::/48");
	r->n_nh = 1;
	r->nh[0].type = MNH_IP;
	r->nh[0].has_via = true;
	r->nh[0].via = A("2001:db8:0:12::2");
	r->nh[0].port = MODEL_NO_PORT;
	r->nh[0].n_segs = 5; // ignored for an IP next hop, not stored
	CU_ASSERT(model_route_size(r) < 200);
	CU_ASSERT(model_route_size(r) < sizeof(*r) / 20);
	CU_ASSERT(model_route_add(t, r, &e) == 0);
	got = model_route_find(&m, 0, &r->prefix);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT(got->nh[0].type == MNH_IP && got->nh[0].n_segs == 0);
	CU_ASSERT(addr_equal(&got->nh[0].via, &r->nh[0].via));
	CU_ASSERT_STRING_EQUAL(got->owner, "static");

	// ECMP: an SRv6 member with two segments, then one with three (last).
	memset(r, 0, sizeof(*r));
	r->vrf = 1;
	r->prefix = P("10.9.0.0/16");
	r->n_nh = 2;
	for (int i = 0; i < 2; i++) {
		r->nh[i].type = MNH_SRV6;
		r->nh[i].port = MODEL_NO_PORT;
		r->nh[i].weight = (uint16_t)(i + 1);
	}
	r->nh[0].n_segs = 2;
	memcpy(r->nh[0].segs[0], s1.bytes, 16);
	memcpy(r->nh[0].segs[1], s2.bytes, 16);
	r->nh[1].n_segs = 3;
	r->nh[1].reduced = true;
	memcpy(r->nh[1].segs[0], s3.bytes, 16);
	memcpy(r->nh[1].segs[1], s2.bytes, 16);
	memcpy(r->nh[1].segs[2], s1.bytes, 16);
	snprintf(r->owner, sizeof(r->owner), "bgp");
	size_t size = model_route_size(r);
	CU_ASSERT(size == offsetof(struct model_route, nh) + sizeof(struct model_nexthop) +
				  offsetof(struct model_nexthop, segs) + 3 * 16);
	CU_ASSERT(model_route_add(t, r, &e) == 0);
	model_txn_end(t);
	got = model_route_find(&m, 1, &r->prefix);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT(got->n_nh == 2 && got->nh[1].weight == 2 && got->nh[1].reduced);
	CU_ASSERT(memcmp(got->nh[0].segs, r->nh[0].segs, 2 * 16) == 0);
	CU_ASSERT(memcmp(got->nh[1].segs, r->nh[1].segs, 3 * 16) == 0);

	// sync_begin copies the stored route (cut size) and marks the copy.
	unsigned int n = 0;
	t = model_txn_begin(&m);
	CU_ASSERT(model_route_sync_begin(t, "bgp", &n) == 0);
	got = model_route_find(&m, 1, &r->prefix);
	CU_ASSERT(got->stale && got->n_nh == 2);
	CU_ASSERT(memcmp(got->nh[1].segs, r->nh[1].segs, 3 * 16) == 0);
	CU_ASSERT_STRING_EQUAL(got->owner, "bgp");
	model_txn_abort(t);
	got = model_route_find(&m, 1, &r->prefix);
	CU_ASSERT(!got->stale && memcmp(got->nh[1].segs, r->nh[1].segs, 3 * 16) == 0);

	// Clean up: the other tests count routes.
	t = model_txn_begin(&m);
	CU_ASSERT(model_route_del(t, 1, &r->prefix, &e) == 0);
	struct ip_prefix p6 = P("2a0e:1::/48");
	CU_ASSERT(model_route_del(t, 0, &p6, &e) == 0);
	model_txn_end(t);
	free(r);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("model", setup, teardown);
	CU_add_test(s, "base objects", test_base_objects);
	CU_add_test(s, "abort restores", test_abort_restores);
	CU_add_test(s, "route validation", test_route_validation);
	CU_add_test(s, "owner resync", test_sync_owner);
	CU_add_test(s, "route stored compact", test_route_compact);
	CU_add_test(s, "sid alloc", test_sid_alloc);
	CU_add_test(s, "sid validation", test_sid_validation);
	CU_add_test(s, "entry priority", test_entry_priority);
	CU_add_test(s, "port set and encap", test_port_set_and_encap);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
