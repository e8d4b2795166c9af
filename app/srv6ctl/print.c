// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Results as text, generically, so that new methods and fields print
// without code here: an array of objects is a table (one row per object,
// the keys as columns), an object is aligned "key  value" lines with its
// nested objects and tables as indented sections (stats.get reads as
// sections per port, lcore, SID...), a map of like objects is a table with
// a "name" column. Nested values inside a cell are compact.

#define _GNU_SOURCE // asprintf

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "srv6ctl.h"

static bool
is_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

static bool
is_scalar_array(const json_t *v)
{
	const json_t *x;
	size_t i;

	if (!json_is_array(v))
		return false;
	json_array_foreach(v, i, x) {
		if (!is_scalar(x))
			return false;
	}
	return true;
}

static bool
is_object_array(const json_t *v)
{
	const json_t *x;
	size_t i;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return false;
	json_array_foreach(v, i, x) {
		if (!json_is_object(x))
			return false;
	}
	return true;
}

// An object whose members are all scalars or lists of scalars: one row.
static bool
is_flat_object(const json_t *v)
{
	const char *k;
	json_t *x;

	if (!json_is_object(v))
		return false;
	json_object_foreach((json_t *)v, k, x) {
		if (!is_scalar(x) && !is_scalar_array(x))
			return false;
	}
	return true;
}

// {"wan0": {rx..., tx...}, "ce0": {rx..., tx...}}: at least two flat objects
// with the same keys, printed as a table.
static bool
is_table_map(const json_t *v)
{
	const json_t *first = NULL;
	const char *k;
	json_t *x;

	if (!json_is_object(v) || json_object_size(v) < 2)
		return false;
	json_object_foreach((json_t *)v, k, x) {
		const char *k2;
		json_t *y;

		if (!is_flat_object(x) || json_object_size(x) == 0)
			return false;
		if (first == NULL) {
			first = x;
			continue;
		}
		if (json_object_size(x) != json_object_size(first))
			return false;
		json_object_foreach(x, k2, y) {
			if (json_object_get(first, k2) == NULL)
				return false;
		}
	}
	return true;
}

static bool all_flat_objects(const json_t *v);
static char *flat_object_text(const json_t *v);
static char *join_flat_objects(const json_t *v);

// Text of one cell; caller frees.
static char *
cell_text(const json_t *v)
{
	char *s = NULL;

	if (v == NULL || json_is_null(v))
		return strdup("-");
	switch (json_typeof(v)) {
	case JSON_STRING:
		return strdup(json_string_value(v));
	case JSON_INTEGER:
		if (asprintf(&s, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
			return NULL;
		return s;
	case JSON_REAL:
		if (asprintf(&s, "%.6g", json_real_value(v)) < 0)
			return NULL;
		return s;
	case JSON_TRUE:
		return strdup("true");
	case JSON_FALSE:
		return strdup("false");
	case JSON_ARRAY:
		if (json_array_size(v) == 0)
			return strdup("-");
		if (is_scalar_array(v)) {
			// ["a","b"] → a,b
			size_t len = 1, i;
			const json_t *x;
			char *out;

			json_array_foreach(v, i, x) {
				char *t = cell_text(x);
				len += (t != NULL ? strlen(t) : 0) + 1;
				free(t);
			}
			out = calloc(1, len);
			json_array_foreach(v, i, x) {
				char *t = cell_text(x);
				if (i > 0)
					strcat(out, ",");
				if (t != NULL)
					strcat(out, t);
				free(t);
			}
			return out;
		}
		if (all_flat_objects(v))
			return join_flat_objects(v);
		return json_dumps(v, JSON_COMPACT);
	case JSON_OBJECT:
		if (is_flat_object(v))
			return flat_object_text(v);
		return json_dumps(v, JSON_COMPACT);
	default:
		return json_dumps(v, JSON_COMPACT);
	}
}

static bool
all_flat_objects(const json_t *v)
{
	const json_t *x;
	size_t i;

	json_array_foreach(v, i, x) {
		if (!is_flat_object(x))
			return false;
	}
	return true;
}

// {"type":"srv6","segments":["a","b"],"encap":"h.encaps"} in a cell:
// "srv6 segments=a,b encap=h.encaps" (a next hop reads like ip-route).
static char *
flat_object_text(const json_t *v)
{
	const char *type = json_string_value(json_object_get(v, "type"));
	char *out = strdup(type != NULL ? type : "");
	const char *k;
	json_t *x;

	json_object_foreach((json_t *)v, k, x) {
		char *t, *n = NULL;

		if (type != NULL && strcmp(k, "type") == 0)
			continue;
		t = cell_text(x);
		if (asprintf(&n, "%s%s%s=%s", out, out[0] != '\0' ? " " : "", k,
			     t != NULL ? t : "?") < 0)
			n = NULL;
		free(t);
		free(out);
		out = n;
		if (out == NULL)
			return NULL;
	}
	return out;
}

// Several of them (ECMP next hops): joined with "; ".
static char *
join_flat_objects(const json_t *v)
{
	char *out = strdup("");
	const json_t *x;
	size_t i;

	json_array_foreach(v, i, x) {
		char *t = flat_object_text(x), *n = NULL;

		if (asprintf(&n, "%s%s%s", out, i > 0 ? "; " : "", t != NULL ? t : "?") < 0)
			n = NULL;
		free(t);
		free(out);
		out = n;
		if (out == NULL)
			return NULL;
	}
	return out;
}

// Columns are sized by characters, not bytes: count UTF-8 lead bytes only.
static size_t
text_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	}
	return w;
}

static void
pad(FILE *f, const char *s, size_t width)
{
	size_t w = text_width(s);

	fputs(s, f);
	for (; w < width; w++)
		fputc(' ', f);
}

// rows: objects; name_col: first column header for map keys (or NULL).
static void
print_table(FILE *f, int indent, const char *const *names, const json_t *const *rows, size_t n,
	    const char *name_col)
{
	json_t *cols = json_array(); // column keys, first-seen order
	size_t ncols, r, c, *width;
	char ***cells;

	for (r = 0; r < n; r++) {
		const char *k;
		json_t *x;

		json_object_foreach((json_t *)rows[r], k, x) {
			bool seen = false;
			for (c = 0; c < json_array_size(cols) && !seen; c++)
				seen = strcmp(json_string_value(json_array_get(cols, c)), k) == 0;
			if (!seen)
				json_array_append_new(cols, json_string(k));
		}
	}
	ncols = json_array_size(cols) + (name_col != NULL ? 1 : 0);
	width = calloc(ncols, sizeof(*width));
	cells = calloc(n, sizeof(*cells));
	for (c = 0; c < ncols; c++) {
		const char *h = name_col != NULL && c == 0
					? name_col
					: json_string_value(json_array_get(
						  cols, c - (name_col != NULL ? 1 : 0)));
		width[c] = text_width(h);
	}
	for (r = 0; r < n; r++) {
		cells[r] = calloc(ncols, sizeof(char *));
		for (c = 0; c < ncols; c++) {
			if (name_col != NULL && c == 0) {
				cells[r][c] = strdup(names[r]);
			} else {
				const char *k = json_string_value(
					json_array_get(cols, c - (name_col != NULL ? 1 : 0)));
				cells[r][c] = cell_text(json_object_get(rows[r], k));
			}
			if (cells[r][c] == NULL)
				cells[r][c] = strdup("?");
			if (text_width(cells[r][c]) > width[c])
				width[c] = text_width(cells[r][c]);
		}
	}
	fprintf(f, "%*s", indent, "");
	for (c = 0; c < ncols; c++) {
		const char *h = name_col != NULL && c == 0
					? name_col
					: json_string_value(json_array_get(
						  cols, c - (name_col != NULL ? 1 : 0)));
		if (c + 1 < ncols) {
			pad(f, h, width[c]);
			fputs("  ", f);
		} else {
			fputs(h, f);
		}
	}
	fputc('\n', f);
	for (r = 0; r < n; r++) {
		fprintf(f, "%*s", indent, "");
		for (c = 0; c < ncols; c++) {
			if (c + 1 < ncols) {
				pad(f, cells[r][c], width[c]);
				fputs("  ", f);
			} else {
				fputs(cells[r][c], f);
			}
			free(cells[r][c]);
		}
		fputc('\n', f);
		free(cells[r]);
	}
	free(cells);
	free(width);
	json_decref(cols);
}

static void
print_object_array(FILE *f, int indent, const json_t *arr)
{
	size_t n = json_array_size(arr);
	const json_t **rows = calloc(n ? n : 1, sizeof(*rows));

	for (size_t i = 0; i < n; i++)
		rows[i] = json_array_get(arr, i);
	print_table(f, indent, NULL, rows, n, NULL);
	free(rows);
}

static void
print_table_map(FILE *f, int indent, const json_t *obj)
{
	size_t n = json_object_size(obj), i = 0;
	const json_t **rows = calloc(n, sizeof(*rows));
	const char **names = calloc(n, sizeof(*names));
	const char *k;
	json_t *x;

	json_object_foreach((json_t *)obj, k, x) {
		names[i] = k;
		rows[i++] = x;
	}
	print_table(f, indent, names, rows, n, "name");
	free(rows);
	free(names);
}

static void print_value(FILE *f, int indent, const json_t *v);

// Scalars first as aligned lines, then each nested object or table as a
// section under its key.
static void
print_object(FILE *f, int indent, const json_t *obj)
{
	size_t kw = 0;
	bool first_section = true, any_line = false;
	const char *k;
	json_t *x;

	json_object_foreach((json_t *)obj, k, x) {
		if ((is_scalar(x) || is_scalar_array(x)) && text_width(k) > kw)
			kw = text_width(k);
	}
	json_object_foreach((json_t *)obj, k, x) {
		char *t;

		if (!is_scalar(x) && !is_scalar_array(x))
			continue;
		t = cell_text(x);
		fprintf(f, "%*s", indent, "");
		pad(f, k, kw);
		fprintf(f, "  %s\n", t != NULL ? t : "?");
		free(t);
		any_line = true;
	}
	json_object_foreach((json_t *)obj, k, x) {
		if (is_scalar(x) || is_scalar_array(x))
			continue;
		if (any_line || !first_section)
			fputc('\n', f);
		first_section = false;
		fprintf(f, "%*s%s:\n", indent, "", k);
		print_value(f, indent + 2, x);
	}
}

static void
print_value(FILE *f, int indent, const json_t *v)
{
	if (v == NULL || json_is_null(v))
		return;
	if (is_object_array(v)) {
		print_object_array(f, indent, v);
	} else if (json_is_array(v)) {
		const json_t *x;
		size_t i;

		json_array_foreach(v, i, x) {
			char *t = cell_text(x);
			fprintf(f, "%*s%s\n", indent, "", t != NULL ? t : "?");
			free(t);
		}
	} else if (is_table_map(v)) {
		print_table_map(f, indent, v);
	} else if (json_is_object(v)) {
		print_object(f, indent, v);
	} else {
		char *t = cell_text(v);
		fprintf(f, "%*s%s\n", indent, "", t != NULL ? t : "?");
		free(t);
	}
}

// ipsec.sa.list as one table an operator reads like `ip xfrm state`: SPI in
// hex, the tunnel as src->dst, the replay window "off" at 0, drops summed
// with their reasons beside them only when some are not zero.
static json_t *
ipsec_rows(const json_t *result)
{
	json_t *rows = json_array();
	const json_t *sa;
	size_t i;

	json_array_foreach(result, i, sa) {
		const json_t *tun = json_object_get(sa, "tunnel"),
			     *drops = json_object_get(sa, "drops"), *x;
		json_int_t win = json_integer_value(json_object_get(sa, "replay_window")), sum = 0;
		json_t *row = json_object();
		char buf[128], *why = NULL;
		const char *k;

		json_object_set(row, "id", json_object_get(sa, "id"));
		json_object_set(row, "dir", json_object_get(sa, "direction"));
		snprintf(buf, sizeof(buf), "0x%08llx",
			 (unsigned long long)json_integer_value(json_object_get(sa, "spi")));
		json_object_set_new(row, "spi", json_string(buf));
		json_object_set(row, "mode", json_object_get(sa, "mode"));
		json_object_set(row, "aead", json_object_get(sa, "aead"));
		if (tun != NULL) {
			snprintf(buf, sizeof(buf), "%s->%s",
				 json_string_value(json_object_get(tun, "src")),
				 json_string_value(json_object_get(tun, "dst")));
			json_object_set_new(row, "tunnel", json_string(buf));
		} else {
			json_object_set_new(row, "tunnel", json_string("-"));
		}
		if (win == 0)
			json_object_set_new(row, "replay", json_string("off"));
		else
			json_object_set_new(row, "replay", json_integer(win));
		json_object_set(row, "esn", json_object_get(sa, "esn"));
		json_object_set(row, "packets", json_object_get(sa, "packets"));
		json_object_set(row, "bytes", json_object_get(sa, "bytes"));
		json_object_foreach((json_t *)drops, k, x) {
			char *n = NULL;
			sum += json_integer_value(x);
			if (json_integer_value(x) == 0)
				continue;
			if (asprintf(&n, "%s%s%s=%" JSON_INTEGER_FORMAT, why ? why : "",
				     why ? " " : "", k, json_integer_value(x)) < 0)
				n = NULL;
			free(why);
			why = n;
		}
		if (why != NULL) {
			snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT " (%s)", sum, why);
			json_object_set_new(row, "drops", json_string(buf));
		} else {
			json_object_set_new(row, "drops", json_integer(sum));
		}
		free(why);
		json_array_append_new(rows, row);
	}
	return rows;
}

void
ctl_print_result(FILE *f, const char *method, const json_t *result)
{
	if (method != NULL && strcmp(method, "ipsec.sa.list") == 0 && is_object_array(result)) {
		json_t *rows = ipsec_rows(result);
		print_value(f, 0, rows);
		json_decref(rows);
		return;
	}
	print_value(f, 0, result);
}

void
ctl_print_event(FILE *f, const json_t *params)
{
	const char *topic = json_string_value(json_object_get(params, "topic"));
	const char *k;
	json_t *x;

	fprintf(f, "%s", topic != NULL ? topic : "?");
	json_object_foreach((json_t *)params, k, x) {
		char *t;

		if (strcmp(k, "topic") == 0)
			continue;
		t = cell_text(x);
		fprintf(f, " %s=%s", k, t != NULL ? t : "?");
		free(t);
	}
	fputc('\n', f);
	fflush(f);
}
