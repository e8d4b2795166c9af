// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The control server of srv6d: the JSON-RPC method handlers bound to the
// model and the datapath. (Interface fixed by app/srv6d/main.c; the handler
// files implement it.)

#include <time.h>

#include "model.h"
#include "rpc_server.h"

struct ctl_conf {
	struct model *model;
	const char *config_path; // --config, the default file of config.save
	const char *socket_path;
	const char *socket_group; // NULL: root only
	const char *dpdk_version;
	time_t start_time;
};

// Bind every method, open the socket. NULL + errno on failure.
struct rpc_server *ctl_server_create(const struct ctl_conf *conf);
