// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The IPsec SA object in JSON, both ways (ctl_json.h): ipsec.sa.add, the
// config file's ipsec.sas, ipsec.sa.list and config.get. Keys and types come
// from the catalogue (p_ipsec_sa_add, "ipsec.tunnel", "ipsec.lifetime"); the
// rules of the SA itself from lib/ipsec (ipsec_sa_check). No message here
// quotes the key's value.

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ctl_json.h"
#include "ipsec_sa.h"

static int fail(struct api_error_info *e, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

// -32602 with field path.key and message "<field>: <why>"; returns -1.
static int
fail(struct api_error_info *e, const char *path, const char *key, const char *fmt, ...)
{
	char field[sizeof(e->field)], why[sizeof(e->message)];
	va_list ap;

	if (path == NULL || path[0] == '\0')
		snprintf(field, sizeof(field), "%s", key);
	else
		snprintf(field, sizeof(field), "%s.%s", path, key);
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return api_error_set(e, API_ERR_INVALID_PARAMS, field, "%s: %s", field, why);
}

static int
check_part(const char *spec_name, const json_t *obj, const char *path, const char *key,
	   struct api_error_info *e)
{
	const struct api_field *spec;
	char p[sizeof(e->field)];
	size_t n;

	spec = api_object_spec(spec_name, &n);
	if (spec == NULL)
		return api_error_set(e, API_ERR_INTERNAL, NULL, "%s: not in the API catalogue",
				     spec_name);
	if (path == NULL || path[0] == '\0')
		snprintf(p, sizeof(p), "%s", key);
	else
		snprintf(p, sizeof(p), "%s.%s", path, key);
	return api_check_object(obj, spec, n, p, e);
}

// A lifetime bound: at least 1 when given (absent means no limit).
static int
lifetime_get(const json_t *lt, const char *key, uint64_t *out, const char *path,
	     struct api_error_info *e)
{
	const json_t *v = json_object_get(lt, key);
	char p[sizeof(e->field)];

	if (v == NULL)
		return 0;
	snprintf(p, sizeof(p), "%s%slifetime", path, path[0] != '\0' ? "." : "");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return fail(e, p, key, "must be at least 1 (leave it out for no limit)");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int
ipsec_sa_from_json(const json_t *obj, const char *path, struct ipsec_sa *out,
		   struct api_error_info *e)
{
	const struct api_method *am = api_method_find("ipsec.sa.add");
	struct model_err me = {0};
	const json_t *v;
	const char *s;

	if (path == NULL)
		path = "";
	memset(out, 0, sizeof(*out));
	out->replay_window = IPSEC_REPLAY_WINDOW_DEFAULT;
	if (am == NULL)
		return api_error_set(e, API_ERR_INTERNAL, NULL,
				     "ipsec.sa.add: not in the catalogue");
	if (api_check_object(obj, am->params, am->n_params, path, e) < 0)
		return -1;
	s = json_string_value(json_object_get(obj, "id"));
	if (s == NULL || strlen(s) >= sizeof(out->id))
		return fail(e, path, "id", "must be 1 to %d characters", MODEL_NAME_LEN - 1);
	snprintf(out->id, sizeof(out->id), "%s", s);
	if (ipsec_dir_parse(json_string_value(json_object_get(obj, "direction")), &out->dir) < 0)
		return fail(e, path, "direction", "must be out or in");
	v = json_object_get(obj, "spi");
	if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)IPSEC_SPI_MIN ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX)
		return fail(e, path, "spi",
			    "must be an integer from 256 to 4294967295 (RFC 4303: 1-255 are "
			    "reserved, 0 is never sent)");
	out->spi = (uint32_t)json_integer_value(v);
	if (ipsec_mode_parse(json_string_value(json_object_get(obj, "mode")), &out->mode) < 0)
		return fail(e, path, "mode",
			    "must be tunnel (a new outer header) or srv6 (ESP after the SRH)");
	if (ipsec_aead_parse(json_string_value(json_object_get(obj, "aead")), &out->aead) < 0)
		return fail(e, path, "aead", "must be aes-gcm-128 or aes-gcm-256");
	if (ipsec_key_parse(json_string_value(json_object_get(obj, "key")), out->aead, out->key,
			    &out->key_len, &me) < 0)
		return ctl_error_from_model(e, -EINVAL, &me, path);
	if ((v = json_object_get(obj, "tunnel")) != NULL) {
		if (check_part("ipsec.tunnel", v, path, "tunnel", e) < 0)
			goto bad;
		// Well-formed addresses: the catalogue checked them (API_T_ADDR).
		if (addr_parse(json_string_value(json_object_get(v, "src")), &out->tunnel_src) <
			    0 ||
		    addr_parse(json_string_value(json_object_get(v, "dst")), &out->tunnel_dst) <
			    0) {
			fail(e, path, "tunnel", "src and dst must be IP addresses");
			goto bad;
		}
		out->has_tunnel = true;
	}
	if ((v = json_object_get(obj, "replay_window")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > (json_int_t)IPSEC_REPLAY_WINDOW_MAX) {
			fail(e, path, "replay_window", "must be from 0 (off) to %u packets",
			     IPSEC_REPLAY_WINDOW_MAX);
			goto bad;
		}
		out->replay_window = (uint32_t)json_integer_value(v);
	}
	out->esn = json_is_true(json_object_get(obj, "esn"));
	if ((v = json_object_get(obj, "lifetime")) != NULL) {
		if (check_part("ipsec.lifetime", v, path, "lifetime", e) < 0 ||
		    lifetime_get(v, "bytes", &out->lifetime_bytes, path, e) < 0 ||
		    lifetime_get(v, "packets", &out->lifetime_packets, path, e) < 0)
			goto bad;
	}
	if (ipsec_sa_check(out, &me) < 0) {
		ctl_error_from_model(e, -EINVAL, &me, path);
		goto bad;
	}
	return 0;
bad:
	ipsec_sa_wipe(out);
	return -1;
}

json_t *
ipsec_sa_to_json(const struct ipsec_sa *sa, bool secrets)
{
	json_t *o = json_object();
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "id", json_string(sa->id));
	json_object_set_new(o, "direction", json_string(ipsec_dir_name(sa->dir)));
	json_object_set_new(o, "spi", json_integer(sa->spi));
	json_object_set_new(o, "mode", json_string(ipsec_mode_name(sa->mode)));
	json_object_set_new(o, "aead", json_string(ipsec_aead_name(sa->aead)));
	if (secrets) {
		char hex[2 * IPSEC_KEY_MAX + 1];
		json_object_set_new(o, "key", json_string(ipsec_key_fmt(sa, hex, sizeof(hex))));
		explicit_bzero(hex, sizeof(hex));
	}
	if (sa->has_tunnel)
		json_object_set_new(o, "tunnel",
				    json_pack("{s:s,s:s}", "src",
					      addr_fmt(&sa->tunnel_src, a, sizeof(a)), "dst",
					      addr_fmt(&sa->tunnel_dst, b, sizeof(b))));
	json_object_set_new(o, "replay_window", json_integer(sa->replay_window));
	json_object_set_new(o, "esn", json_boolean(sa->esn));
	if (sa->lifetime_bytes != 0 || sa->lifetime_packets != 0) {
		json_t *lt = json_object();
		if (sa->lifetime_bytes != 0)
			json_object_set_new(lt, "bytes",
					    json_integer((json_int_t)sa->lifetime_bytes));
		if (sa->lifetime_packets != 0)
			json_object_set_new(lt, "packets",
					    json_integer((json_int_t)sa->lifetime_packets));
		json_object_set_new(o, "lifetime", lt);
	}
	return o;
}
