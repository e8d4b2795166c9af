// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// system.info: what runs where. The DPDK version comes from the caller
// (ctl_conf.dpdk_version): lib/ctl links no DPDK library.

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl_priv.h"
#include "dp_api.h"
#include "srv6_build_config.h"

#define MAX_LCORES 256

static double
ns_s(uint64_t ns)
{
	return (double)ns / 1e9;
}

static double
tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

// Resident set size from /proc/self/statm (pages); 0 when unreadable.
static json_int_t
rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, rss = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return (json_int_t)rss * (json_int_t)sysconf(_SC_PAGESIZE);
}

// Our extension: the process and the control thread's own costs, so a
// client can tell its time from srv6d's (srv6ctl route load). Workers
// busy-poll, so only the control thread's CPU time says what requests cost.
static json_t *
process_json(void)
{
	const struct rpc_server_stats *ss = ctl_server ? rpc_server_stats(ctl_server) : NULL;
	struct timespec ts = {0};
	struct rusage ru = {0};
	json_t *o = json_object();

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	getrusage(RUSAGE_SELF, &ru);
	json_object_set_new(o, "pid", json_integer((json_int_t)getpid()));
	json_object_set_new(o, "rss_bytes", json_integer(rss_bytes()));
	json_object_set_new(o, "cpu_user_s", json_real(tv_s(ru.ru_utime)));
	json_object_set_new(o, "cpu_system_s", json_real(tv_s(ru.ru_stime)));
	json_object_set_new(o, "control_cpu_s",
			    json_real((double)ts.tv_sec + (double)ts.tv_nsec / 1e9));
	json_object_set_new(o, "routes", json_integer((json_int_t)ctl_model->routes.count));
	if (ss != NULL) {
		json_t *c = json_object();
		json_object_set_new(c, "lines", json_integer((json_int_t)ss->lines));
		json_object_set_new(c, "requests", json_integer((json_int_t)ss->requests));
		json_object_set_new(c, "fast_lines", json_integer((json_int_t)ss->fast_lines));
		json_object_set_new(c, "decode_s", json_real(ns_s(ss->decode_ns)));
		json_object_set_new(c, "prepare_s", json_real(ns_s(ss->prepare_ns)));
		json_object_set_new(c, "handlers_s", json_real(ns_s(ss->handlers_ns)));
		json_object_set_new(c, "commit_s", json_real(ns_s(ss->commit_ns)));
		json_object_set_new(c, "dp_commit_s",
				    json_real(ns_s(ctl_commit_stats.dp_commit_ns)));
		json_object_set_new(c, "events_s", json_real(ns_s(ctl_commit_stats.events_ns)));
		json_object_set_new(c, "txn_end_s", json_real(ns_s(ctl_commit_stats.txn_end_ns)));
		json_object_set_new(c, "respond_s", json_real(ns_s(ss->respond_ns)));
		json_object_set_new(c, "notify_s", json_real(ns_s(ss->notify_ns)));
		json_object_set_new(c, "commits",
				    json_integer((json_int_t)ctl_commit_stats.commits));
		json_object_set_new(c, "dirty_keys",
				    json_integer((json_int_t)ctl_commit_stats.dirty_keys));
		json_object_set_new(o, "control", c);
	}
	return o;
}

CTL_HANDLER(rpc_system_info)
{
	static struct dp_lcore_info lc[MAX_LCORES];
	json_t *lcores, *ports, *o;
	unsigned int n;
	time_t now = time(NULL);

	(void)call;
	if (ctl_params("system.info", params, e) < 0)
		return -1;
	n = dp_lcores(lc, MAX_LCORES);
	lcores = json_array();
	for (unsigned int i = 0; i < n && i < MAX_LCORES; i++)
		json_array_append_new(lcores, json_pack("{s:I,s:I,s:s}", "lcore",
							(json_int_t)lc[i].lcore_id, "socket",
							(json_int_t)lc[i].socket_id, "role",
							lc[i].worker ? "worker" : "control"));
	ports = json_array();
	for (int i = 0; i < MODEL_MAX_PORTS; i++)
		if (ctl_model->ports[i].used)
			json_array_append_new(ports, json_string(ctl_model->ports[i].name));
	o = json_object();
	json_object_set_new(o, "version", json_string(SRV6_VERSION));
	json_object_set_new(o, "dpdk_version",
			    ctl_cfg.dpdk_version != NULL ? json_string(ctl_cfg.dpdk_version)
							 : json_null());
	json_object_set_new(o, "lcores", lcores);
	json_object_set_new(o, "ports", ports);
	json_object_set_new(o, "uptime_s",
			    json_integer(ctl_cfg.start_time != 0 && now >= ctl_cfg.start_time
						 ? (json_int_t)(now - ctl_cfg.start_time)
						 : 0));
	if (ctl_cfg.socket_path != NULL)
		json_object_set_new(o, "socket", json_string(ctl_cfg.socket_path));
	if (ctl_cfg.config_path != NULL)
		json_object_set_new(o, "config", json_string(ctl_cfg.config_path));
	json_object_set_new(o, "process", process_json());
	{
		struct dp_spread_info si;
		dp_spread_info(&si);
		json_object_set_new(o, "spread",
				    json_pack("{s:s,s:b,s:I,s:I,s:I,s:I,s:I}", "mode",
					      dp_spread_mode_name(si.mode), "active", si.active,
					      "trials", (json_int_t)si.trials, "kept",
					      (json_int_t)si.kept, "undone", (json_int_t)si.undone,
					      "moves", (json_int_t)si.moves, "hold_ms",
					      (json_int_t)si.hold_ms));
	}
	{
		struct dp_crypto_info ci;
		dp_crypto_info(&ci);
		json_object_set_new(
			o, "crypto",
			json_pack("{s:s,s:o,s:o,s:I}", "mode", dp_crypto_mode_name(ci.mode),
				  "device", ci.running ? json_string(ci.device) : json_null(),
				  "path", ci.running ? json_string(ci.path) : json_null(),
				  "queue_pairs", (json_int_t)ci.queue_pairs));
	}
	*result = o;
	return 0;
}
