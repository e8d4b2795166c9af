// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// srv6-bgp's state and the functions its files share. The main loop
// (main.c) owns one struct helper; srv6d.c talks to srv6d, export.c builds
// and announces the export set, gobgpd.c handles gobgpd's watch stream and
// timers, stats.c serves the counters, log.c logs.

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "bgp_export.h"
#include "bgp_import.h"
#include "gobgp_client.h"
#include "gobgp_codec.h"
#include "hmap.h"
#include "sd_link.h"
#include "srv6_build_config.h"
#include "watch.h"

#define MAX_VRFS 256
#define MAX_LOCATORS 64
#define MAX_PEERS 64
#define RPC_TIMEOUT_MS 10000
#define GOBGP_TIMEOUT_MS 5000
#define IMPORT_COALESCE_MS 20

struct opts {
	const char *socket;
	const char *gobgp;
	const char *locator;
	bool per_af;
	const char *nexthop;
	const char *stats_socket;
	bool transpose;
	int gr_time_s;
	int settle_ms;
	int batch;
	int withdraw_hold_ms;
	int verbose;
	// --ipsec-sa PREFIX=ID: routes whose SID PREFIX covers go through SA ID.
	struct bgp_ipsec_policy ipsec[BGP_MAX_IPSEC_POLICY];
	unsigned int n_ipsec;
};

struct locator {
	char name[BGP_VRF_NAME_LEN];
	struct ip_prefix prefix;
	struct bgp_sid_structure st;
};

struct peer {
	char addr[ADDR_STRLEN];
	int state; // Apipb__PeerState__SessionState
};

struct counters {
	uint64_t srv6d_connects, gobgp_connects, gobgp_losses;
	uint64_t resyncs, sync_end_removed;
	uint64_t route_requests, route_batches, route_errors;
	uint64_t events;
	uint64_t decode_rejected[BGP_REJECT_MAX];
	uint64_t export_errors, leftovers_withdrawn, stale_swept, gr_flushes;
	uint64_t withdraws_kept; // withdraws that came as gobgpd went away
	char last_error[256];
};

struct own_route;

struct helper {
	struct opts o;
	struct sd_link rpc, ev;
	bool sd_up;
	long sd_retry_at;
	bool sync_open; // route.sync_begin sent, sync_end not yet
	struct gobgp_client *gc;
	struct watch *watch;
	bool gobgp_up, settled;
	long gobgp_up_at, gobgp_down_at, last_table_event;
	struct peer peers[MAX_PEERS];
	unsigned int n_peers;
	struct bgp_import *im;
	struct bgp_export *ex;
	struct bgp_vrf vrfs[MAX_VRFS];
	unsigned int n_vrfs;
	struct locator locs[MAX_LOCATORS];
	unsigned int n_locs;
	struct ip_addr nexthop;
	bool export_dirty, export_done_since_up;
	long export_due;
	long import_due; // first change not yet sent: send by then (coalescing)
	bool vrfs_dirty, locators_dirty, encap_dirty, underlay_dirty;
	struct bgp_vpn_path *locals; // local paths seen in gobgpd, checked after an export
	size_t n_locals, cap_locals;
	struct hmap own; // own_route by (vrf, prefix)
	struct own_route *own_items;
	size_t n_own;
	int stats_fd;
	struct counters c;
	long started;
};

// log.c
extern int log_verbose; // -v count
#define LOG_ERR 0
#define LOG_WARN 1
#define LOG_INFO 2
#define LOG_DEBUG 3
__attribute__((format(printf, 2, 3))) void lg(int level, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void set_error(struct helper *h, const char *fmt, ...);
const char *path_str(const struct bgp_vpn_path *p, char *buf, size_t len);

// srv6d.c
json_t *sd_call_result(struct helper *h, const char *method, json_t *params, long *code);
int refresh_vrfs(struct helper *h);
int refresh_locators(struct helper *h);
int refresh_encap(struct helper *h);
void flush_import(struct helper *h);
void maybe_sync_end(struct helper *h);
void sd_lost(struct helper *h, const char *why);
void sd_connect(struct helper *h);
void on_sd_event(void *ctx, json_t *msg);

// export.c
bool own_route_shadows(void *ctx, const char *vrf, const struct ip_prefix *p);
int refresh_own_routes(struct helper *h, bool *changed);
void check_leftovers(struct helper *h);
void run_export(struct helper *h);

// gobgpd.c
void on_watch(struct helper *h);
void check_timers(struct helper *h);

// stats.c
json_t *stats_json(const struct helper *h);
int stats_listen(const char *path);
void stats_serve(struct helper *h);
int stats_client(const char *path);
