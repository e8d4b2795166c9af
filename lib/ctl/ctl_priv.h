// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Shared by the method handlers of lib/ctl (m_*.c) and rpc_methods.c only.
//
// Handler conventions:
// - Params are checked against the catalogue again by the handler (the server
//   already did; a handler called directly, or with NULL params, must not
//   crash), then parsed with ctl_json's parsers, then staged into the open
//   model txn (call->txn). Handlers never call dp_commit.
// - Errors: -32602 for malformed params and for references to names that do
//   not exist (a route's VRF, a next hop's port); 1001 when the object the
//   method addresses (or a list filter) does not exist; model errors map
//   through api_errno_to_code (1002 conflict, 1003 full, 1004 in use, 1005).
// - Mutations answer null unless the contract gives them a result.

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "api.h"
#include "ctl.h"
#include "ctl_json.h"
#include "model.h"
#include "rpc_server.h"

extern struct model *ctl_model;
extern struct ctl_conf ctl_cfg;
extern struct rpc_server *ctl_server;

// Params of method against the catalogue; 0 or -1 with e filled.
int ctl_params(const char *method, const json_t *params, struct api_error_info *e);
// The open model txn of the call, or NULL with e filled (-32603).
struct model_txn *ctl_txn(const struct rpc_call *call, struct api_error_info *e);
// A model error at the top level of params; returns -1.
int ctl_model_error(struct api_error_info *e, int rc, const struct model_err *me);
// params.key as a string the catalogue requires; NULL with e filled (-32602)
// when absent, so that no handler depends on the catalogue for its safety.
const char *ctl_required_str(const json_t *params, const char *key, struct api_error_info *e);
// The VRF named by params.vrf ("default" when absent); 1001 when unknown.
int ctl_vrf_param(const json_t *params, uint16_t *vrf, struct api_error_info *e);

// Side effects outside the model, tied to the transaction's fate:
// counter resets and capture stops run after a successful commit; a capture
// started in the txn is stopped again if the txn aborts. 0 or -1 with e
// filled (1003 when a batch holds too many of them).
int ctl_defer_counters_reset(int port_idx, int sid_counter, int lcore, struct api_error_info *e);
int ctl_defer_capture_stop(unsigned int id, struct api_error_info *e);
int ctl_note_capture_started(unsigned int id, struct api_error_info *e);
// config.reload's worker settings, set once the txn commits.
void ctl_defer_datapath_settings(uint32_t idle_sleep_us, enum dp_spread_mode spread);
// True when a capture stop for id is already pending in this txn.
bool ctl_capture_stop_pending(unsigned int id);

// Where commits spend the control thread's time (rpc_methods.c), summed since
// start, control-thread CPU nanoseconds; system.info reports it with the server's
// own phases (rpc_server_stats).
struct ctl_commit_stats {
	uint64_t commits;
	uint64_t dirty_keys;   // forwarding keys handed to dp_commit
	uint64_t dp_commit_ns; // dp_commit: next hops, FIB updates on both sides, RCU wait
	uint64_t events_ns;    // events built for subscribers
	uint64_t txn_end_ns;   // model_txn_end / abort: undo log and old objects freed
};
extern struct ctl_commit_stats ctl_commit_stats;
uint64_t ctl_now_ns(void); // the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID)

// The fast path of route.add and route.del (route_fast.c; rpc_server.h).
struct fast_scan;
struct fast_buf;
int route_add_fast_parse(struct fast_scan *s, struct fast_buf *recs, size_t *rec);
int route_add_fast_run(struct rpc_call *call, const void *rec);
int route_del_fast_parse(struct fast_scan *s, struct fast_buf *recs, size_t *rec);
int route_del_fast_run(struct rpc_call *call, const void *rec);

#define CTL_HANDLER(name)                                                                          \
	int name(struct rpc_call *call, json_t *params, json_t **result, struct api_error_info *e)

CTL_HANDLER(rpc_system_info);
CTL_HANDLER(rpc_config_get);
CTL_HANDLER(rpc_config_save);
CTL_HANDLER(rpc_config_reload);
CTL_HANDLER(rpc_port_list);
CTL_HANDLER(rpc_port_set);
CTL_HANDLER(rpc_vrf_add);
CTL_HANDLER(rpc_vrf_del);
CTL_HANDLER(rpc_vrf_list);
CTL_HANDLER(rpc_route_add);
CTL_HANDLER(rpc_route_del);
CTL_HANDLER(rpc_route_list);
CTL_HANDLER(rpc_route_get);
CTL_HANDLER(rpc_route_sync_begin);
CTL_HANDLER(rpc_route_sync_end);
CTL_HANDLER(rpc_sid_add);
CTL_HANDLER(rpc_sid_del);
CTL_HANDLER(rpc_sid_list);
CTL_HANDLER(rpc_sid_alloc);
CTL_HANDLER(rpc_locator_add);
CTL_HANDLER(rpc_locator_del);
CTL_HANDLER(rpc_locator_list);
CTL_HANDLER(rpc_neighbor_add);
CTL_HANDLER(rpc_neighbor_del);
CTL_HANDLER(rpc_neighbor_list);
CTL_HANDLER(rpc_encap_set);
CTL_HANDLER(rpc_encap_get);
CTL_HANDLER(rpc_hmac_key_add);
CTL_HANDLER(rpc_hmac_key_del);
CTL_HANDLER(rpc_hmac_key_list);
CTL_HANDLER(rpc_policy_add);
CTL_HANDLER(rpc_policy_del);
CTL_HANDLER(rpc_policy_list);
CTL_HANDLER(rpc_oam_ping);
CTL_HANDLER(rpc_oam_trace);
CTL_HANDLER(rpc_oam_get);
CTL_HANDLER(rpc_stats_get);
CTL_HANDLER(rpc_stats_reset);
CTL_HANDLER(rpc_capture_start);
CTL_HANDLER(rpc_capture_stop);
CTL_HANDLER(rpc_capture_list);
CTL_HANDLER(rpc_l2vpn_mac_list);
CTL_HANDLER(rpc_ipsec_sa_add);
CTL_HANDLER(rpc_ipsec_sa_del);
CTL_HANDLER(rpc_ipsec_sa_list);
