// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Export: srv6d's VRF prefixes -> VPN paths announced through the speaker.
//
// The caller rebuilds the wanted set whenever srv6d says something changed
// (bgp_export_begin, bgp_export_want per prefix), then bgp_export_commit
// compares it with what is announced and calls back for each path to
// announce or to withdraw; only the paths whose callback succeeded change
// the announced set, so a failure is retried at the next commit.

#include "bgp_import.h"
#include "bgp_vpn.h"

// Builds the path for one VRF prefix: RD and export RTs from the VRF, the
// SID (with its structure; transposed into the label when transpose), the
// behaviour code, and our next hop. 0, or -EINVAL with why (no RD, no export
// RT, structure inconsistent, family of the next hop).
int bgp_export_build(const struct bgp_vrf *vrf, const struct ip_prefix *prefix,
		     const uint8_t sid[16], uint16_t behavior, const struct bgp_sid_structure *st,
		     bool transpose, const struct ip_addr *nexthop, struct bgp_vpn_path *out,
		     const char **why);

// Whether two paths would be the same announcement (every exported field).
bool bgp_export_same(const struct bgp_vpn_path *a, const struct bgp_vpn_path *b);

typedef int (*bgp_export_fn)(void *ctx, const struct bgp_vpn_path *p, bool withdraw);

struct bgp_export_stats {
	uint64_t announced; // paths announced now
	uint64_t adds;	    // announce calls that succeeded
	uint64_t withdraws; // withdraw calls that succeeded
	uint64_t failures;  // callbacks that failed (retried at the next commit)
};

struct bgp_export;

struct bgp_export *bgp_export_new(void);
void bgp_export_free(struct bgp_export *ex);

void bgp_export_begin(struct bgp_export *ex);
// Adds a path to the wanted set (a second one with the same RD and prefix
// replaces the first). 0 or -ENOMEM.
int bgp_export_want(struct bgp_export *ex, const struct bgp_vpn_path *p);
// Announces what is new or changed, withdraws what is no longer wanted.
// Returns the number of callbacks that failed.
unsigned int bgp_export_commit(struct bgp_export *ex, bgp_export_fn fn, void *ctx);
// The speaker lost its state (restart): everything counts as unannounced.
void bgp_export_forget(struct bgp_export *ex);
// Whether (rd, prefix) is announced now (a local path the speaker holds
// that is not announced is a leftover from an earlier run).
bool bgp_export_is_announced(const struct bgp_export *ex, const struct bgp_vpn_path *p);

const struct bgp_export_stats *bgp_export_stats(const struct bgp_export *ex);
