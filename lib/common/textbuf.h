// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// A growable byte buffer for text being built (JSON-RPC answers, batches of
// requests): append, and read p[0, len). Room for one more byte is always
// kept after len, so a caller may put a terminating NUL there.

#include <stddef.h>

struct textbuf {
	char *p;
	size_t len, cap;
};

// Append n bytes of s, growing the buffer (at least doubling). 0, or -ENOMEM
// with the buffer as it was.
int textbuf_add(struct textbuf *t, const char *s, size_t n);
// Free the memory; the buffer is empty and usable again.
void textbuf_free(struct textbuf *t);
