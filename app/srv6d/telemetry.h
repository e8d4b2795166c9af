// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// DPDK telemetry commands (dpdk-telemetry.py, telemetry exporters) that show
// what the JSON-RPC read methods show, without a socket client:
//   /srv6d/info               system.info
//   /srv6d/stats              stats.get: totals and per-lcore counters
//   /srv6d/drops              stats.get: drops by reason
//   /srv6d/ports, /srv6d/port,NAME     port names; one port and its counters
//   /srv6d/sids, /srv6d/sid,SID        local SIDs; one SID and its counters
//   /srv6d/vrfs, /srv6d/vrf,NAME       VRF names; one VRF
//   /srv6d/sas, /srv6d/sa,ID           IPsec SA ids; one SA and its counters
// DPDK's telemetry thread calls the commands; the model and the datapath's
// tables belong to the control thread, so each request is handed to it (an
// eventfd the control socket's epoll watches) and answered from there.

struct rpc_server;

// Register the commands; requests are served by srv's poll loop. 0 or -errno.
int srv6d_telemetry_init(struct rpc_server *srv);
// Before srv goes: later requests are refused (telemetry has no unregister).
void srv6d_telemetry_stop(void);
