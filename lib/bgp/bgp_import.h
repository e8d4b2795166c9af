// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Import: VPN paths learnt from BGP -> srv6d routes (owner "bgp").
//
// Each path (keyed by family, RD, prefix and the neighbour it came from) is
// checked once (SID rebuilt per RFC 9252 4, behaviour, route targets) and
// attached to the (VRF, prefix) routes of every VRF whose import_rt matches
// one of its RTs. A route's next hops are the distinct reachable SIDs of its
// paths: two PEs serving one site give an ECMP route. Changes are kept as
// dirty routes and drained as route.add / route.del requests, so that a
// burst of BGP updates becomes a few srv6d batches.

#include <jansson.h>

#include "bgp_vpn.h"

#define BGP_VRF_NAME_LEN 32
#define BGP_MAX_ECMP 16
#define BGP_OWNER "bgp"

// What the helper knows of one srv6d VRF (from vrf.list).
struct bgp_vrf {
	char name[BGP_VRF_NAME_LEN];
	bool has_rd;
	struct bgp_rdrt rd;
	unsigned int n_import;
	struct bgp_rdrt import_rt[BGP_MAX_RTS];
	unsigned int n_export;
	struct bgp_rdrt export_rt[BGP_MAX_RTS];
};

// A vrf.list entry -> bgp_vrf. 0, or -EINVAL with the field and why.
int bgp_vrf_from_json(const json_t *o, struct bgp_vrf *v, const char **field, const char **why);

// Indices (into vrfs) of the VRFs importing any of the path's RTs; returns
// how many (at most max).
unsigned int bgp_vrf_match_import(const struct bgp_vrf *vrfs, unsigned int n_vrfs,
				  const struct bgp_vpn_path *p, unsigned int *out,
				  unsigned int max);

// Underlay reachability of a SID (route.get in the default VRF), asked once
// per SID until bgp_import_recheck() forgets the answers.
typedef bool (*bgp_reach_fn)(void *ctx, const uint8_t sid[16]);

// Whether srv6d holds a route of another owner (static, connected) for
// (vrf, prefix): BGP must then neither replace it (route.add replaces
// whatever route has the key) nor delete it on withdraw. Asked at drain.
typedef bool (*bgp_shadow_fn)(void *ctx, const char *vrf, const struct ip_prefix *p);

struct bgp_import_stats {
	uint64_t updates;   // paths applied (announce or replace)
	uint64_t withdraws; // withdraws applied
	uint64_t rejected[BGP_REJECT_MAX];
	uint64_t paths;		  // paths held now
	uint64_t routes;	  // (VRF, prefix) routes wanted now
	uint64_t routes_held;	  // routes with paths but no reachable SID
	uint64_t routes_shadowed; // routes left out: another owner's route has the key
};

struct bgp_import;

struct bgp_import *bgp_import_new(void);
void bgp_import_free(struct bgp_import *im);

// The VRFs to import into; every held path, unattached ones included, is
// matched again (routes may move, appear or go).
int bgp_import_set_vrfs(struct bgp_import *im, const struct bgp_vrf *vrfs, unsigned int n);
// Our own locators: a path whose SID lies in one is refused (sid_local), so
// that our own routes reflected back are never installed.
void bgp_import_set_local(struct bgp_import *im, const struct ip_prefix *locs, unsigned int n);
void bgp_import_set_reach(struct bgp_import *im, bgp_reach_fn fn, void *ctx);
void bgp_import_set_shadow(struct bgp_import *im, bgp_shadow_fn fn, void *ctx);

// Applies one path (key: family, RD, prefix): an announce adds or replaces
// it, a withdraw removes it. An announce that cannot be used (bad SID,
// behaviour, no RT...) removes the previous version of the same path (the
// speaker replaced it) and returns -1 with *reason. One that no VRF imports
// returns -1 with BGP_REJECT_no_vrf but is kept unattached, so that a VRF
// added later gets it. A withdraw of an unknown path is not an error.
int bgp_import_apply(struct bgp_import *im, const struct bgp_vpn_path *p, enum bgp_reject *reason);

// Withdraws that wait before they are applied (srv6-bgp --withdraw-hold):
// a speaker that shuts down withdraws everything just before it goes, and
// those withdraws must not empty the VRFs. An announce of the same key
// cancels a waiting withdraw.
int bgp_import_hold_withdraw(struct bgp_import *im, const struct bgp_vpn_path *p, uint64_t now_ms);
// Applies the waiting withdraws that came hold_ms or more before now_ms
// (all of them with hold_ms 0); returns how many.
size_t bgp_import_apply_held(struct bgp_import *im, uint64_t now_ms, uint64_t hold_ms);
// Drops the waiting withdraws (the speaker went away: its paths stay);
// returns how many.
size_t bgp_import_drop_held(struct bgp_import *im);
size_t bgp_import_n_held(const struct bgp_import *im);

// Removes the path with p's key, if held, without counting a withdraw (the
// speaker sent a version of it that could not even be decoded). Returns
// whether one was removed.
bool bgp_import_remove(struct bgp_import *im, const struct bgp_vpn_path *p);

// Resync with the speaker: mark every path stale, re-apply the current ones
// (which clears their mark), then sweep the rest. Returns paths removed.
void bgp_import_mark_stale(struct bgp_import *im);
size_t bgp_import_sweep_stale(struct bgp_import *im);
size_t bgp_import_n_stale(const struct bgp_import *im);
// Removes every path (the speaker is gone for good).
void bgp_import_flush(struct bgp_import *im);

// The underlay changed: forget cached reachability, re-evaluate every route.
void bgp_import_recheck(struct bgp_import *im);

// Appends up to max JSON-RPC request objects (no id: the caller numbers
// them) for the routes changed since the last drain: route.add with every
// reachable SID as an ECMP next hop, or route.del. Returns how many.
size_t bgp_import_drain(struct bgp_import *im, json_t *out, size_t max);
bool bgp_import_pending(const struct bgp_import *im);
// How many routes changed since the last drain (an upper bound on requests).
size_t bgp_import_n_pending(const struct bgp_import *im);
// srv6d refused the request drained for (vrf, prefix): count it, and treat
// the route as not installed until its paths change.
void bgp_import_refused(struct bgp_import *im, const char *vrf, const char *prefix);

// Full replay for route.sync_begin/sync_end: appends route.add requests for
// every installed route that no other owner's route shadows, starting at
// *cursor (0 first); returns how many, 0 at the end.
size_t bgp_import_replay(struct bgp_import *im, json_t *out, size_t max, size_t *cursor);

const struct bgp_import_stats *bgp_import_stats(const struct bgp_import *im);

// The hash of a (VRF name, prefix) key, for tables keyed like srv6d routes.
uint32_t bgp_vrf_prefix_hash(const char *vrf, const struct ip_prefix *p);

// Which outbound IPsec SA protects traffic toward a SID (srv6-bgp
// --ipsec-sa): the SID's longest matching prefix names the SA, typically the
// remote PE's locator; a SID no prefix matches goes in clear.
#define BGP_MAX_IPSEC_POLICY 64
struct bgp_ipsec_policy {
	struct ip_prefix sids;
	char sa[BGP_VRF_NAME_LEN]; // the SA's id in srv6d
};
// 0, -ENOSPC (BGP_MAX_IPSEC_POLICY reached) or -EINVAL (not an IPv6 prefix,
// SA name empty or too long).
int bgp_import_ipsec_policy(struct bgp_import *im, const struct ip_prefix *sids, const char *sa);

// One route.add request (method + params) for a VRF, prefix and SRv6 next
// hops, as the drain writes it; each next hop names the SA of pol (n_pol
// entries) that covers its SID, and its SR policy {color, endpoint} when it
// has a color.
json_t *bgp_route_add_request(const char *vrf, const struct ip_prefix *prefix,
			      const struct bgp_srv6_nh *nhs, unsigned int n_nhs,
			      const struct bgp_ipsec_policy *pol, unsigned int n_pol);
