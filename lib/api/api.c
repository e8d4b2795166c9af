// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "api.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "addr.h"

int
api_errno_to_code(int neg_errno)
{
	int err = neg_errno < 0 ? -neg_errno : neg_errno;

	switch (err) {
	case ENOENT:
		return API_ERR_NOT_FOUND;
	case EEXIST:
		return API_ERR_CONFLICT;
	case ENOSPC:
		return API_ERR_TABLE_FULL;
	case EBUSY:
		return API_ERR_IN_USE;
	case ENOTSUP:
#if EOPNOTSUPP != ENOTSUP
	case EOPNOTSUPP:
#endif
		return API_ERR_NOT_SUPPORTED;
	case EINVAL:
		return API_ERR_INVALID_PARAMS;
	default:
		return API_ERR_INTERNAL;
	}
}

const char *
api_error_name(int code)
{
	switch (code) {
	case API_ERR_PARSE:
		return "parse error";
	case API_ERR_INVALID_REQUEST:
		return "invalid request";
	case API_ERR_METHOD_NOT_FOUND:
		return "method not found";
	case API_ERR_INVALID_PARAMS:
		return "invalid params";
	case API_ERR_INTERNAL:
		return "internal error";
	case API_ERR_NOT_FOUND:
		return "not found";
	case API_ERR_CONFLICT:
		return "conflict";
	case API_ERR_TABLE_FULL:
		return "table full";
	case API_ERR_IN_USE:
		return "in use";
	case API_ERR_NOT_SUPPORTED:
		return "not supported";
	case API_ERR_ROLLED_BACK:
		return "rolled back";
	default:
		return "error";
	}
}

char *
api_json_error_text(const char *text, char *buf, size_t len)
{
	const char *near = text != NULL ? strstr(text, " near '") : NULL;
	int n = near != NULL ? (int)(near - text) : -1;

	if (len == 0)
		return buf;
	if (text == NULL)
		snprintf(buf, len, "invalid JSON");
	else if (n >= 0)
		snprintf(buf, len, "%.*s", n, text);
	else
		snprintf(buf, len, "%s", text);
	return buf;
}

int
api_error_set(struct api_error_info *e, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	snprintf(e->field, sizeof(e->field), "%s", field != NULL ? field : "");
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
api_type_name(enum api_type t)
{
	switch (t) {
	case API_T_STRING:
		return "string";
	case API_T_INT:
		return "integer";
	case API_T_UINT:
		return "unsigned";
	case API_T_BOOL:
		return "boolean";
	case API_T_ARRAY:
		return "array";
	case API_T_OBJECT:
		return "object";
	case API_T_ADDR:
		return "address";
	case API_T_PREFIX:
		return "prefix";
	case API_T_MAC:
		return "mac";
	case API_T_INT_OR_STRING:
		return "int|string";
	case API_T_ANY:
		return "any";
	}
	return "?";
}

// Messages quote the offending value, shortened so that a long one cannot
// push the reason out of the 256-byte message.
#define QUOTE_MAX 64

static const char *
quoted(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s);

	if (n < QUOTE_MAX)
		snprintf(buf, len, "'%s'", s);
	else
		snprintf(buf, len, "'%.*s...'", QUOTE_MAX - 4, s);
	return buf;
}

static const char *
json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

static int
type_error(const json_t *v, const char *want, const char *path, struct api_error_info *e)
{
	return api_error_set(e, API_ERR_INVALID_PARAMS, path, "%s: expected %s, got %s", path, want,
			     json_kind(v));
}

int
api_check_value(const json_t *v, enum api_type t, const char *path, struct api_error_info *e)
{
	struct ip_prefix pfx;
	struct ip_addr addr;
	char q[QUOTE_MAX + 8];
	uint8_t mac[6];
	const char *s;
	int rc;

	if (path == NULL)
		path = "";
	if (v == NULL)
		return api_error_set(e, API_ERR_INVALID_PARAMS, path, "%s: missing", path);

	switch (t) {
	case API_T_ANY:
		return 0;
	case API_T_STRING:
		return json_is_string(v) ? 0 : type_error(v, "a string", path, e);
	case API_T_INT:
		return json_is_integer(v) ? 0 : type_error(v, "an integer", path, e);
	case API_T_UINT:
		if (!json_is_integer(v))
			return type_error(v, "a non-negative integer", path, e);
		if (json_integer_value(v) < 0)
			return api_error_set(e, API_ERR_INVALID_PARAMS, path,
					     "%s: must not be negative", path);
		return 0;
	case API_T_BOOL:
		return json_is_boolean(v) ? 0 : type_error(v, "a boolean", path, e);
	case API_T_ARRAY:
		return json_is_array(v) ? 0 : type_error(v, "an array", path, e);
	case API_T_OBJECT:
		return json_is_object(v) ? 0 : type_error(v, "an object", path, e);
	case API_T_INT_OR_STRING:
		return json_is_integer(v) || json_is_string(v)
			       ? 0
			       : type_error(v, "an integer or a string", path, e);
	case API_T_ADDR:
		if (!json_is_string(v))
			return type_error(v, "an address string", path, e);
		s = json_string_value(v);
		if (addr_parse(s, &addr) < 0)
			return api_error_set(e, API_ERR_INVALID_PARAMS, path,
					     "%s: invalid address %s", path,
					     quoted(s, q, sizeof(q)));
		return 0;
	case API_T_PREFIX:
		if (!json_is_string(v))
			return type_error(v, "a prefix string", path, e);
		s = json_string_value(v);
		// A bare address is a host prefix: the contract says so for SIDs,
		// and "10.0.0.1" for "10.0.0.1/32" is unambiguous elsewhere too.
		rc = prefix_parse(s, true, &pfx);
		if (rc == -EDOM)
			return api_error_set(e, API_ERR_INVALID_PARAMS, path, "%s: host bits set",
					     path);
		if (rc < 0)
			return api_error_set(e, API_ERR_INVALID_PARAMS, path,
					     "%s: invalid prefix %s", path,
					     quoted(s, q, sizeof(q)));
		return 0;
	case API_T_MAC:
		if (!json_is_string(v))
			return type_error(v, "a MAC address string", path, e);
		s = json_string_value(v);
		if (mac_parse(s, mac) < 0)
			return api_error_set(e, API_ERR_INVALID_PARAMS, path,
					     "%s: invalid MAC address %s", path,
					     quoted(s, q, sizeof(q)));
		return 0;
	}
	return api_error_set(e, API_ERR_INTERNAL, path, "%s: unknown type %d in spec", path,
			     (int)t);
}

int
api_check_array(const json_t *arr, enum api_type elem, const char *path, struct api_error_info *e)
{
	char sub[sizeof(e->field)];
	const json_t *v;
	size_t i;

	if (path == NULL)
		path = "";
	if (api_check_value(arr, API_T_ARRAY, path, e) < 0)
		return -1;
	json_array_foreach(arr, i, v) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (api_check_value(v, elem, sub, e) < 0)
			return -1;
	}
	return 0;
}

static void
join_path(char *buf, size_t len, const char *prefix, const char *key)
{
	if (prefix == NULL || prefix[0] == '\0')
		snprintf(buf, len, "%s", key);
	else
		snprintf(buf, len, "%s.%s", prefix, key);
}

int
api_check_object(const json_t *obj, const struct api_field *spec, size_t n, const char *path_prefix,
		 struct api_error_info *e)
{
	char path[sizeof(e->field)];
	const char *key;
	const json_t *v;
	size_t i;

	if (obj == NULL) {
		for (i = 0; i < n; i++) {
			if (!spec[i].required)
				continue;
			join_path(path, sizeof(path), path_prefix, spec[i].name);
			return api_error_set(e, API_ERR_INVALID_PARAMS, path,
					     "%s: missing required field", path);
		}
		return 0;
	}
	if (!json_is_object(obj)) {
		const char *what =
			path_prefix != NULL && path_prefix[0] != '\0' ? path_prefix : "params";
		return api_error_set(e, API_ERR_INVALID_PARAMS, what,
				     "%s: expected an object, got %s", what, json_kind(obj));
	}

	json_object_foreach((json_t *)obj, key, v) {
		const struct api_field *f = NULL;

		for (i = 0; i < n; i++) {
			if (strcmp(spec[i].name, key) == 0) {
				f = &spec[i];
				break;
			}
		}
		join_path(path, sizeof(path), path_prefix, key);
		if (f == NULL)
			return api_error_set(e, API_ERR_INVALID_PARAMS, path, "%s: unknown field",
					     path);
		if (api_check_value(v, f->type, path, e) < 0)
			return -1;
	}
	for (i = 0; i < n; i++) {
		if (!spec[i].required || json_object_get(obj, spec[i].name) != NULL)
			continue;
		join_path(path, sizeof(path), path_prefix, spec[i].name);
		return api_error_set(e, API_ERR_INVALID_PARAMS, path, "%s: missing required field",
				     path);
	}
	return 0;
}
