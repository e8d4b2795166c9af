// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "textbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
textbuf_add(struct textbuf *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (p == NULL)
			return -ENOMEM;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	return 0;
}

void
textbuf_free(struct textbuf *t)
{
	free(t->p);
	t->p = NULL;
	t->len = t->cap = 0;
}
