// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The JSON codec of the control objects (API.md "Objects" and the config file
// shape): one encoder per object, shared by the list/get methods, config.get,
// config.save and events, and one parser per object, shared by the method
// handlers and the config loader, so that the API and the config file accept
// and produce exactly the same objects.
//
// Parsers check keys and types against the method catalogue of lib/api
// (api_check_object) and then the semantics (prefix family, VRF and port
// names, segment lists, behaviours and their parameters). They never touch
// the model: they only read it to resolve names. On error they return -1
// with e->code (-32602 for bad input, 1005 for what this build does not
// support), e->field the JSON path of the offending value prefixed with path
// ("routes[2].nexthops[0].segments[1]"; path "" for API params) and
// e->message "<field>: <reason>".
//
// Encoders return a new reference (NULL only when out of memory) and never
// fail on a model object, whatever it holds.
//
// Compiled into lib/config's library (config_load and config.get need it and
// lib/ctl depends on lib/config), declared here because it is the ctl's codec.

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "api.h"
#include "dp_api.h"
#include "ipsec_sa.h"
#include "model.h"

// --- encoders ------------------------------------------------------------------

// A port as configured: name, device, mtu, vrf, addresses ["a/len"], mac when
// configured (has_mac). The config file's port object.
// A 16-byte SID or address, a 6-byte MAC, as the API writes them.
json_t *seg_to_json(const uint8_t *s);
json_t *mac_to_json(const uint8_t mac[6]);
json_t *port_to_json(const struct model *m, const struct model_port *p);
// port.list: the configured fields plus, from st (may be NULL), driver, mac
// (the one in use), link ("up"/"down"), speed (Mb/s), n_rxq, n_txq, and from
// c (may be NULL) counters {rx_packets, rx_bytes, tx_packets, tx_bytes, drops,
// rx_missed, rx_errors, tx_errors, rx_nombuf}.
json_t *port_status_to_json(const struct model *m, const struct model_port *p,
			    const struct dp_port_status *st, const struct dp_port_counters *c);
// name, table, rd (when set), import_rt, export_rt.
json_t *vrf_to_json(const struct model_vrf *v);
// One next hop in the contract's shape; weight only when != 1.
json_t *nexthop_to_json(const struct model *m, const struct model_nexthop *nh);
// vrf, prefix, nexthops, owner, stale (only when true).
json_t *route_to_json(const struct model *m, const struct model_route *r);
// A forwarding entry of route.list / route.get: vrf, prefix, type and the
// entry's next hops. type is the route's owner for API/config routes
// ("static" by default) and connected, local, sid or neighbor for the
// entries derived from ports, SIDs and neighbours.
json_t *entry_to_json(const struct model *m, uint16_t vrf, const struct ip_prefix *p,
		      const struct model_entry *en);
// sid (a bare address when /128), behavior, vrf, nexthop {via, port},
// segments, flavors, locator (when allocated) — only those that apply.
json_t *sid_to_json(const struct model *m, const struct model_sid *s);
// The SID as its prefix string, without /128 when full length.
json_t *sid_key_to_json(const struct ip_prefix *sid);
// name, prefix, block_len, node_len, func_len, usid.
json_t *locator_to_json(const struct model_locator *l);
// port, address, mac (when known), state, static.
json_t *neigh_to_json(const struct model *m, const struct model_neigh *n);
// source (when set), hop_limit (number or "inherit"), flowlabel.
json_t *encap_to_json(const struct model_encap *enc);
// An SRH HMAC key: {key_id, algorithm} and the secret (hex) only with secrets.
// SR policies (policy.add's params, a config file's policies[i]).
json_t *policy_to_json(const struct model_policy *p);
int policy_from_json(const json_t *obj, const char *path, struct model_policy *out,
		     struct api_error_info *e);
json_t *hmac_key_to_json(const struct model_hmac_key *k, bool secrets);

// An IPsec SA (ipsec_json.c): id, direction, spi, mode, aead, key only when
// secrets (config.get {"secrets": true}, config.save), tunnel (when set),
// replay_window, esn, lifetime (when set). Never the key otherwise.
json_t *ipsec_sa_to_json(const struct ipsec_sa *sa, bool secrets);

// --- parsers -------------------------------------------------------------------

// A config port (create: name and device required, mac allowed) onto *out,
// which the caller initialises (zeroed for create); or port.set params
// (create false: mtu, vrf, addresses over the current port in *out).
int port_from_json(const struct model *m, const json_t *obj, const char *path, bool create,
		   struct model_port *out, struct api_error_info *e);
int vrf_from_json(const struct model *m, const json_t *obj, const char *path, struct model_vrf *out,
		  struct api_error_info *e);
// route.add params / a config route; owner empty when not given (the model
// then uses "static").
int route_from_json(const struct model *m, const json_t *obj, const char *path,
		    struct model_route *out, struct api_error_info *e);
// sid.add params / a config SID. from_config also accepts "locator" (what
// config.get writes for allocated SIDs, so a restart keeps them allocated).
int sid_from_json(const struct model *m, const json_t *obj, const char *path, bool from_config,
		  struct model_sid *out, struct api_error_info *e);
// sid.alloc params: *locator and the template (behaviour and its parameters).
int sid_alloc_from_json(const struct model *m, const json_t *obj, const char *path,
			const char **locator, struct model_sid *tmpl, struct api_error_info *e);
int locator_from_json(const json_t *obj, const char *path, struct model_locator *out,
		      struct api_error_info *e);
// neighbor.add params / a config neighbour.
int neigh_from_json(const struct model *m, const json_t *obj, const char *path, uint16_t *port,
		    struct ip_addr *addr, uint8_t mac[6], struct api_error_info *e);
// encap.set params / the config's encap: the given fields over *out, which the
// caller initialises (normally with the model's current encap).
// hmac.key.add's params (and a config file's hmac_keys[i]): key_id, secret
// (hex, into secret[] / *len), algorithm "hmac-sha256" when given.
int hmac_key_from_json(const json_t *obj, const char *path, uint32_t *key_id,
		       uint8_t secret[MODEL_HMAC_SECRET_MAX], size_t *len,
		       struct api_error_info *e);
int encap_from_json(const json_t *obj, const char *path, struct model_encap *out,
		    struct api_error_info *e);

// A route next hop's ipsec_sa: the outbound SA called id, into nh (has_sa,
// ipsec_sa = its slot). 1001 when there is no such SA, -32602 when it is
// inbound; field path + ".ipsec_sa". (route_from_json then answers 1005 until
// the datapath protects such routes.)
int nexthop_ipsec_sa(const struct model *m, const char *id, const char *path,
		     struct model_nexthop *nh, struct api_error_info *e);

// ipsec.sa.add params / a config SA (ipsec_json.c), checked whole
// (ipsec_sa_check); uniqueness is the table's (ipsec_sa_add). No error
// message carries key material; *out's key is wiped on error.
int ipsec_sa_from_json(const json_t *obj, const char *path, struct ipsec_sa *out,
		       struct api_error_info *e);

// --- errors --------------------------------------------------------------------

// A model error (field relative to the object at path) as an API error:
// code from rc, field path + "." + me->field, message "<field>: <reason>".
// Returns -1.
int ctl_error_from_model(struct api_error_info *e, int rc, const struct model_err *me,
			 const char *path);
// The other way, for the config loader: field kept, the "<field>: " prefix of
// the message dropped. Returns the errno matching e->code (negative).
int ctl_error_to_model(const struct api_error_info *e, struct model_err *me);
