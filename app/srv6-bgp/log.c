// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Logging: one line per event on stderr, with the time.

#define _GNU_SOURCE
#include "helper.h"

// --- logging -------------------------------------------------------------------------------

int log_verbose;

void
lg(int level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > 2 + log_verbose)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld srv6-bgp %s: ", tm.tm_hour, tm.tm_min, tm.tm_sec,
		ts.tv_nsec / 1000000, names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
set_error(struct helper *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->c.last_error, sizeof(h->c.last_error), fmt, ap);
	va_end(ap);
	lg(LOG_WARN, "%s", h->c.last_error);
}

const char *
path_str(const struct bgp_vpn_path *p, char *buf, size_t len)
{
	char rd[BGP_RDRT_STRLEN], pfx[PREFIX_STRLEN], peer[ADDR_STRLEN] = "local";

	if (p->peer.family != 0)
		addr_fmt(&p->peer, peer, sizeof(peer));
	snprintf(buf, len, "%s:%s from %s", bgp_rdrt_fmt(&p->rd, rd, sizeof(rd)),
		 prefix_fmt(&p->prefix, pfx, sizeof(pfx)), peer);
	return buf;
}
