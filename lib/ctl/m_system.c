// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// system.info: what runs where. The DPDK version comes from the caller
// (ctl_conf.dpdk_version): lib/ctl links no DPDK library.

#include <time.h>

#include <jansson.h>

#include "ctl_priv.h"
#include "dp_api.h"
#include "srv6_build_config.h"

#define MAX_LCORES 256

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
	*result = o;
	return 0;
}
