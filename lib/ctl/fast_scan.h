// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// A strict, allocation-free JSON scanner for the control socket's fast path
// (rpc_server.h, "fast path"): it reads request text in place and accepts
// only a subset of JSON whose meaning is beyond doubt, so that what it
// accepts jansson would read to the same values:
// - strings of printable ASCII (0x20-0x7e) without escapes;
// - integers -?(0|[1-9][0-9]*) of at most 18 digits (no fraction, no exponent);
// - the literal null.
// Anything else (an escape, a byte >= 0x80, a real, true/false...) is
// "not understood": the caller gives up and the line takes jansson's path.
// Whitespace is JSON's: space, tab, CR, LF.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fast_scan {
	const char *p, *end;
};

static inline void
fs_ws(struct fast_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

// The next token is c: consume it.
static inline bool
fs_char(struct fast_scan *s, char c)
{
	fs_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

// A plain string: *v, *n its bytes in the text (without the quotes).
static inline bool
fs_str(struct fast_scan *s, const char **v, size_t *n)
{
	const char *q;

	fs_ws(s);
	if (s->p >= s->end || *s->p != '"')
		return false;
	for (q = s->p + 1; q < s->end && *q != '"'; q++) {
		unsigned char c = (unsigned char)*q;
		if (c < 0x20 || c > 0x7e || c == '\\')
			return false;
	}
	if (q >= s->end)
		return false;
	*v = s->p + 1;
	*n = (size_t)(q - *v);
	s->p = q + 1;
	return true;
}

// An object key and its colon.
static inline bool
fs_key(struct fast_scan *s, const char **k, size_t *n)
{
	return fs_str(s, k, n) && fs_char(s, ':');
}

// The string (v, n) is exactly lit.
static inline bool
fs_is(const char *v, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(v, lit, n) == 0;
}

static inline bool
fs_int(struct fast_scan *s, long long *out)
{
	const char *q;
	bool neg = false;
	long long x = 0;
	int nd = 0;

	fs_ws(s);
	q = s->p;
	if (q < s->end && *q == '-') {
		neg = true;
		q++;
	}
	if (q >= s->end || *q < '0' || *q > '9')
		return false;
	if (*q == '0' && q + 1 < s->end && q[1] >= '0' && q[1] <= '9')
		return false; // a leading zero: not JSON
	for (; q < s->end && *q >= '0' && *q <= '9'; q++) {
		if (++nd > 18)
			return false;
		x = x * 10 + (*q - '0');
	}
	if (q < s->end && (*q == '.' || *q == 'e' || *q == 'E'))
		return false;
	*out = neg ? -x : x;
	s->p = q;
	return true;
}

static inline bool
fs_null(struct fast_scan *s)
{
	fs_ws(s);
	if (s->end - s->p >= 4 && memcmp(s->p, "null", 4) == 0) {
		s->p += 4;
		return true;
	}
	return false;
}

// (v, n) as a C string in buf; false when it does not fit.
static inline bool
fs_cstr(const char *v, size_t n, char *buf, size_t len)
{
	if (n >= len)
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return true;
}

// Records of one line (what a fast parser read), addressed by offset: the
// buffer moves when it grows. Reused from line to line.
struct fast_buf {
	char *p;
	size_t len, cap;
};

// n bytes at a 16-byte aligned offset (*off); NULL when out of memory.
static inline void *
fast_buf_add(struct fast_buf *b, size_t n, size_t *off)
{
	size_t at = (b->len + 15) & ~(size_t)15;

	if (at + n > b->cap) {
		size_t cap = b->cap != 0 ? b->cap : 64 * 1024;
		char *p;

		while (cap < at + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL)
			return NULL;
		b->p = p;
		b->cap = cap;
	}
	b->len = at + n;
	*off = at;
	return b->p + at;
}
