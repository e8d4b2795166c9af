// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// ESP for SRv6 traffic (dp_ipsec.c): the commit steps the table publisher
// calls, and the worker-side entry points the stages call.

#include <stdint.h>

#include <rte_mbuf.h>

#include "ipsec_path.h"
#include "model.h"

struct dp_lcore;
struct rte_security_capability;
struct dp_tables;
struct dp_vec;

// dp_commit: build the librte_ipsec SAs of every changed SA of m before
// anything is published (0, or -errno with e: nothing changed); publish them
// with the table side; free what they replaced after the grace period. On
// a later failure of the commit, unstage.
int dp_ipsec_stage(const struct model *m, struct model_err *e);
void dp_ipsec_unstage(void);
void dp_ipsec_publish(void);
void dp_ipsec_reclaim(void);
// At dp_stop, workers stopped: SAs wiped and freed, the crypto device closed.
void dp_ipsec_fini(void);

// Worker side. dp_ipsec_out: m[i] just encapsulated (dp_meta encap_len = the
// outer IPv6 header and SRH), protected with the SA in slot[i]; what went
// through is pushed to next. dp_ipsec_in_srv6: m[] at their outer IPv6
// header, ESP at each one's l3_len (after the SRH), met at a decapsulating
// SID: decrypted in place, in runs per SA, and pushed to opened (dp_sid
// then applies the SID's behaviour), or dropped with their reason.
// A packet that would exceed the path MTU once protected gets its too-big
// error instead (quoting it in clear; dp_icmp.c), in next too.
void dp_ipsec_out(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf **m,
		  const uint16_t *slot, uint16_t n, struct dp_vec *next);
void dp_ipsec_in_srv6(struct dp_lcore *lc, struct rte_mbuf **m, uint16_t n, struct dp_vec *opened);
// Mode tunnel, in: m to one of our addresses (dp_meta family 4 or 6), ESP at
// esp_off. Decrypted, the inner packet is to be looked up in the receiving
// port's VRF (DP_NEXT), or dropped with its reason (DP_DONE).
int dp_ipsec_in_tunnel(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t esp_off);

// Fill out's inline_protocol / inline_crypto from a port's rte_security
// capability list (ended by action NONE), ESP with AES-GCM only
// (dp_ipsec_caps.c). out is not cleared first: ports' caps are added up.
void dp_ipsec_caps_from_security(const struct rte_security_capability *cap, struct ipsec_caps *out);
