// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// The control API's shared vocabulary: JSON-RPC error codes, the generic
// parameter validator and the method catalogue. Linked into srv6d (the
// server validates every request with it) and srv6ctl (the client validates
// before sending and builds its help from it), so both give the same answer.
// No handler pointers and no sockets here: lib/ctl binds names to handlers.

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

// JSON-RPC 2.0 codes (-32xxx) and the contract's own (1001-1006).
enum api_error {
	API_ERR_PARSE = -32700,
	API_ERR_INVALID_REQUEST = -32600,
	API_ERR_METHOD_NOT_FOUND = -32601,
	API_ERR_INVALID_PARAMS = -32602,
	API_ERR_INTERNAL = -32603,
	API_ERR_NOT_FOUND = 1001,
	API_ERR_CONFLICT = 1002,
	API_ERR_TABLE_FULL = 1003,
	API_ERR_IN_USE = 1004,
	API_ERR_NOT_SUPPORTED = 1005,
	API_ERR_ROLLED_BACK = 1006
};

// One error as it goes on the wire: field is "" when the error names no
// field (then the response carries no error.data).
struct api_error_info {
	int code;
	char field[64];
	char message[256];
};

// Map a negative errno to a code: ENOENT 1001, EEXIST 1002, ENOSPC 1003,
// EBUSY 1004, ENOTSUP/EOPNOTSUPP 1005, EINVAL -32602, anything else -32603.
// Positive values are accepted too (the sign is ignored).
int api_errno_to_code(int neg_errno);

// Short default message for a code ("not found", "rolled back", ...).
const char *api_error_name(int code);

// jansson's syntax error text without the " near '<token>'" it appends: the
// token is a piece of the request, which may be an IPsec key, and keys never
// go into errors or logs. Writes into buf (len bytes) and returns it.
char *api_json_error_text(const char *text, char *buf, size_t len);

// Fill e (code, field or "" when NULL, printf-style message; both truncated
// to fit). Returns -1 so that handlers can `return api_error_set(...)`.
int api_error_set(struct api_error_info *e, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

enum api_type {
	API_T_STRING,
	API_T_INT,
	API_T_UINT, // an integer >= 0
	API_T_BOOL,
	API_T_ARRAY,  // elements are checked by the handler (api_check_array)
	API_T_OBJECT, // members are checked by the handler (api_check_object + prefix)
	API_T_ADDR,   // string: IPv4 or IPv6 address
	API_T_PREFIX, // string: "addr/len" without host bits; a bare address is a host prefix
	API_T_MAC,    // string: "aa:bb:cc:dd:ee:ff"
	API_T_INT_OR_STRING,
	API_T_ANY
};

struct api_field {
	const char *name;
	enum api_type type;
	bool required;
	const char *help;
};

// "string", "integer", "address", ... for help texts.
const char *api_type_name(enum api_type t);

// Validate obj against spec. obj must be a JSON object, or NULL when no field
// of spec is required. Rejects, with -32602 and returns -1: a missing required
// field, a value of the wrong type (JSON null included), a malformed address,
// prefix or MAC, a prefix with host bits set ("host bits set"), and any key
// not in spec. e->field is path_prefix + "." + key (just key when path_prefix
// is NULL or ""), e.g. "nexthops[0].via"; e->message is "<field>: <why>".
// Keys are checked in the object's order, then missing ones in spec order.
// Returns 0 when valid.
int api_check_object(const json_t *obj, const struct api_field *spec, size_t n,
		     const char *path_prefix, struct api_error_info *e);

// Check one value against a type; path names it in e (e.g. "segments[1]").
// Returns 0 or -1 with e filled as api_check_object does.
int api_check_value(const json_t *v, enum api_type t, const char *path, struct api_error_info *e);

// Check that arr is an array whose every element has type elem; elements are
// named "<path>[i]". Returns 0 or -1 with e filled.
int api_check_array(const json_t *arr, enum api_type elem, const char *path,
		    struct api_error_info *e);

// Method catalogue, one entry per contract method (doc/api.md): the params
// spec is the top level of "params"; nested objects (next hops, SID next hop,
// IPsec SA parts) come from api_object_spec().
struct api_method {
	const char *name;
	bool mutating;
	const char *help;
	const struct api_field *params;
	size_t n_params;
};

// NULL when name is not in the catalogue.
const struct api_method *api_method_find(const char *name);
// The whole catalogue, sorted by name; *n gets its length.
const struct api_method *api_methods(size_t *n);

// Specs of the nested objects, for handlers and the config loader:
// "route.nexthop" (a route next hop, union of every type's keys),
// "sid.nexthop" ({via, port}), "port" (a config port), "config" (the startup
// configuration's top level), "config.datapath", "config.ipsec",
// "ipsec.tunnel" and "ipsec.lifetime" (an IPsec SA's parts). NULL when unknown.
const struct api_field *api_object_spec(const char *name, size_t *n);
