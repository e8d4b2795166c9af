// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The startup configuration: one JSON object (API.md), applied as a single
// model transaction, so a bad file leaves nothing half-applied. The object
// parsers are shared with the socket handlers: config and API accept exactly
// the same objects.

#include <jansson.h>

#include "model.h"

// Load, validate and apply path. 0, or -errno with e->field the JSON path of
// the offending key ("routes[2].nexthops[0].segments[0]") and e->msg why.
int config_load(struct model *m, const char *path, struct model_err *e);

// Object parsers: obj -> model struct, semantic checks included. path is the
// JSON path prefix used in e->field ("" for API params).
int config_parse_vrf(const struct model *m, const json_t *obj, const char *path,
		     struct model_vrf *out, struct model_err *e);
int config_parse_route(const struct model *m, const json_t *obj, const char *path,
		       struct model_route *out, struct model_err *e);
int config_parse_sid(const struct model *m, const json_t *obj, const char *path,
		     struct model_sid *out, struct model_err *e);
int config_parse_locator(const json_t *obj, const char *path, struct model_locator *out,
			 struct model_err *e);
int config_parse_encap(const struct model *m, const json_t *obj, const char *path,
		       struct model_encap *out, struct model_err *e);
// Port fields that can change at run time (mtu, vrf, addresses, mac) onto *p.
int config_parse_port(const struct model *m, const json_t *obj, const char *path,
		      struct model_port *p, struct model_err *e);
int config_parse_neighbor(const struct model *m, const json_t *obj, const char *path,
			  uint16_t *port, struct ip_addr *addr, uint8_t mac[6],
			  struct model_err *e);
