// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "bgp_export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hmap.h"

int
bgp_export_build(const struct bgp_vrf *vrf, const struct ip_prefix *prefix, const uint8_t sid[16],
		 uint16_t behavior, const struct bgp_sid_structure *st, bool transpose,
		 const struct ip_addr *nexthop, struct bgp_vpn_path *out, const char **why)
{
	uint32_t label;

	memset(out, 0, sizeof(*out));
	if (!vrf->has_rd) {
		*why = "the VRF has no rd";
		return -EINVAL;
	}
	if (vrf->n_export == 0) {
		*why = "the VRF has no export_rt";
		return -EINVAL;
	}
	if (prefix->addr.family != AF_INET && prefix->addr.family != AF_INET6) {
		*why = "prefix family";
		return -EINVAL;
	}
	if (nexthop->family != AF_INET6 && nexthop->family != AF_INET) {
		*why = "no next hop address";
		return -EINVAL;
	}
	if (bgp_sid_transpose(sid, st, transpose, out->sid, &label, why) < 0)
		return -EINVAL;
	out->family = prefix->addr.family;
	out->rd = vrf->rd;
	out->prefix = *prefix;
	out->has_label = true;
	out->label = label;
	out->nexthop = *nexthop;
	out->n_rts = vrf->n_export;
	memcpy(out->rts, vrf->export_rt, vrf->n_export * sizeof(out->rts[0]));
	out->has_sid = true;
	out->behavior = behavior;
	out->has_structure = true;
	out->st = *st;
	if (!transpose) {
		out->st.tpos_len = 0;
		out->st.tpos_off = 0;
	}
	return 0;
}

bool
bgp_export_same(const struct bgp_vpn_path *a, const struct bgp_vpn_path *b)
{
	if (a->n_rts != b->n_rts)
		return false;
	for (unsigned int i = 0; i < a->n_rts; i++)
		if (!bgp_rdrt_equal(&a->rts[i], &b->rts[i]))
			return false;
	return a->family == b->family && bgp_rdrt_equal(&a->rd, &b->rd) &&
	       prefix_equal(&a->prefix, &b->prefix) && a->label == b->label &&
	       addr_equal(&a->nexthop, &b->nexthop) && a->has_sid == b->has_sid &&
	       memcmp(a->sid, b->sid, 16) == 0 && a->behavior == b->behavior &&
	       a->has_structure == b->has_structure && memcmp(&a->st, &b->st, sizeof(a->st)) == 0;
}

struct exp_entry {
	struct hmap_node node;
	struct bgp_vpn_path p;
	bool announced;		  // the speaker has p
	bool wanted;		  // in the set being built
	struct bgp_vpn_path want; // valid when wanted
};

struct bgp_export {
	struct hmap map; // key: family, rd, prefix
	struct bgp_export_stats st;
};

static uint32_t
key_hash(const struct bgp_vpn_path *p)
{
	uint32_t h = hmap_hash_bytes(&p->rd.admin, sizeof(p->rd.admin), p->prefix.len);

	h = hmap_hash_bytes(&p->rd.assigned, sizeof(p->rd.assigned), h ^ p->rd.type);

	return hmap_hash_bytes(p->prefix.addr.bytes, 16, h ^ p->prefix.addr.family);
}

static struct exp_entry *
entry_find(const struct bgp_export *ex, const struct bgp_vpn_path *p)
{
	for (struct hmap_node *n = hmap_first_hash(&ex->map, key_hash(p)); n != NULL;
	     n = hmap_next_same(n)) {
		struct exp_entry *e = hmap_entry(n, struct exp_entry, node);
		if (bgp_rdrt_equal(&e->p.rd, &p->rd) && prefix_equal(&e->p.prefix, &p->prefix))
			return e;
	}
	return NULL;
}

struct bgp_export *
bgp_export_new(void)
{
	struct bgp_export *ex = calloc(1, sizeof(*ex));

	if (ex != NULL && hmap_init(&ex->map, 64) < 0) {
		free(ex);
		return NULL;
	}
	return ex;
}

static void
entries_free_if(struct bgp_export *ex, bool all)
{
	struct hmap_node *n;
	size_t b;
	bool again = true;

	while (again) {
		again = false;
		for (n = hmap_iter_first(&ex->map, &b); n != NULL;
		     n = hmap_iter_next(&ex->map, n, &b)) {
			struct exp_entry *e = hmap_entry(n, struct exp_entry, node);
			if (all || (!e->announced && !e->wanted)) {
				hmap_remove(&ex->map, n);
				free(e);
				again = true;
				break;
			}
		}
	}
}

void
bgp_export_free(struct bgp_export *ex)
{
	if (ex == NULL)
		return;
	entries_free_if(ex, true);
	hmap_free(&ex->map);
	free(ex);
}

void
bgp_export_begin(struct bgp_export *ex)
{
	struct hmap_node *n;
	size_t b;

	for (n = hmap_iter_first(&ex->map, &b); n != NULL; n = hmap_iter_next(&ex->map, n, &b))
		hmap_entry(n, struct exp_entry, node)->wanted = false;
}

int
bgp_export_want(struct bgp_export *ex, const struct bgp_vpn_path *p)
{
	struct exp_entry *e = entry_find(ex, p);

	if (e == NULL) {
		e = calloc(1, sizeof(*e));
		if (e == NULL)
			return -ENOMEM;
		e->p = *p;
		hmap_insert(&ex->map, &e->node, key_hash(p));
	}
	e->wanted = true;
	e->want = *p;
	return 0;
}

unsigned int
bgp_export_commit(struct bgp_export *ex, bgp_export_fn fn, void *ctx)
{
	unsigned int failed = 0;
	struct hmap_node *n;
	size_t b;

	for (n = hmap_iter_first(&ex->map, &b); n != NULL; n = hmap_iter_next(&ex->map, n, &b)) {
		struct exp_entry *e = hmap_entry(n, struct exp_entry, node);

		if (e->wanted && (!e->announced || !bgp_export_same(&e->p, &e->want))) {
			if (fn(ctx, &e->want, false) < 0) {
				failed++;
				continue;
			}
			if (!e->announced)
				ex->st.announced++;
			e->p = e->want;
			e->announced = true;
			ex->st.adds++;
		} else if (!e->wanted && e->announced) {
			if (fn(ctx, &e->p, true) < 0) {
				failed++;
				continue;
			}
			e->announced = false;
			ex->st.announced--;
			ex->st.withdraws++;
		}
	}
	ex->st.failures += failed;
	entries_free_if(ex, false);
	return failed;
}

void
bgp_export_forget(struct bgp_export *ex)
{
	struct hmap_node *n;
	size_t b;

	for (n = hmap_iter_first(&ex->map, &b); n != NULL; n = hmap_iter_next(&ex->map, n, &b))
		hmap_entry(n, struct exp_entry, node)->announced = false;
	ex->st.announced = 0;
	entries_free_if(ex, false);
}

bool
bgp_export_is_announced(const struct bgp_export *ex, const struct bgp_vpn_path *p)
{
	const struct exp_entry *e = entry_find(ex, p);

	return e != NULL && e->announced;
}

const struct bgp_export_stats *
bgp_export_stats(const struct bgp_export *ex)
{
	return &ex->st;
}
