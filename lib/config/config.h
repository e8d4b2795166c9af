// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The startup configuration: one JSON object (API.md), applied as a single
// model transaction, so a bad file leaves nothing half-applied. The objects
// are parsed and encoded by lib/ctl/ctl_json (built into this module's
// library), the same code the socket handlers use: config and API accept
// exactly the same objects, and config.get / config.save write what
// config_load reads.

#include <stdbool.h>

#include <jansson.h>

#include "dp_api.h"
#include "model.h"

// Load, validate and apply path in one txn, then dp_commit. The ports' devices
// are probed (dp_port_probe) and configured (dp_port_configure) on the way.
// 0, or -errno with nothing applied (the txn aborted): e->field the JSON path
// of the offending value ("routes[2].nexthops[0].segments[0]", "" for a file
// that is not JSON) and e->msg why ("line 3 column 5: ..." for JSON syntax).
int config_load(struct model *m, const char *path, struct model_err *e);

// What config_reload did, and the file's "datapath" settings the caller
// applies once the txn commits (idle_sleep_us, spread).
struct config_reload_stats {
	unsigned int added, changed, removed, unchanged;
	uint32_t idle_sleep_us;
	enum dp_spread_mode spread;
};

// Make the running configuration the file's, staged into the open txn t (the
// caller commits): objects the file adds, changes or no longer has are
// added, replaced or removed; identical ones are not touched. Routes of
// owners other than "static" and SIDs allocated from a locator belong to
// their live owner (srv6-bgp) and are neither removed nor taken from the
// file. Ports, the FIB limits and the crypto mode change only with a
// restart: a file that changes them is refused. 0, or -errno with e as for
// config_load; on error the txn holds part of the changes: abort it.
int config_reload(struct model_txn *t, const char *path, struct config_reload_stats *st,
		  struct model_err *e);

// The running configuration in the file's shape: ports, encap, locators,
// vrfs (without "default"), sids, routes (API/config routes; owner only when
// not "static"), neighbors (static ones), ipsec {"sas": [...]} (sorted by
// id; the keys only when secrets), datapath {"idle_sleep_us": N, ...}.
// NULL when out of memory.
json_t *config_to_json(const struct model *m, bool secrets);

// config_to_json (with secrets) written to path atomically: a temporary file
// in the same directory, fsync, rename over path, fsync of the directory.
// The file has mode 0600, also when it existed with another mode: it holds
// the IPsec keys. 0, or -errno with e->field "file" and e->msg why.
int config_save(const struct model *m, const char *path, struct model_err *e);
