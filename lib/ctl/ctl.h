// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The control server of srv6d: the JSON-RPC method handlers bound to the
// model and the datapath (lib/ctl/m_*.c, bound in rpc_methods.c), and the
// transaction ops that turn one request or batch into one model transaction
// and one dp_commit().

#include <stddef.h>
#include <time.h>

#include "model.h"
#include "rpc_server.h"

struct ctl_conf {
	struct model *model;
	const char *config_path; // --config, the default file of config.save
	const char *socket_path;
	const char *socket_group; // NULL: root only
	const char *dpdk_version; // for system.info (the caller has rte_version())
	time_t start_time;
};

// Set the model and the settings the handlers use (strings are borrowed: they
// must outlive the server). Needed before any handler runs; ctl_server_create
// calls it. Returns 0, or -EINVAL when conf or conf->model is NULL.
int ctl_init(const struct ctl_conf *conf);

// ctl_init, bind every method, open the socket. NULL + errno on failure.
struct rpc_server *ctl_server_create(const struct ctl_conf *conf);

// The binding table (every method of the contract except events.subscribe,
// which the server has built in) and the transaction ops: begin opens a model
// txn; commit runs dp_commit, publishes the txn's events to subscribers and
// ends the txn (on failure it aborts it); abort aborts it. Side effects that
// are not model state (counter resets, capture stops) wait for the commit,
// and captures started by a failed request or batch are stopped on abort.
extern const struct rpc_method_binding ctl_methods[];
extern const size_t ctl_n_methods;
extern const struct rpc_txn_ops ctl_txn_ops;
