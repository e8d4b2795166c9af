// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

int
addr_parse(const char *s, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -EINVAL;
	if (inet_pton(AF_INET, s, out->bytes) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->bytes) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

unsigned int
addr_bits(const struct ip_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

static bool
bits_equal(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int full = len / 8, rem = len % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rem == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rem));
	return (a[full] & mask) == (b[full] & mask);
}

void
prefix_mask(struct ip_prefix *p)
{
	unsigned int nbytes = addr_bits(&p->addr) / 8;

	for (unsigned int i = 0; i < nbytes; i++) {
		unsigned int lo = i * 8;
		if (p->len >= lo + 8)
			continue;
		if (p->len <= lo)
			p->addr.bytes[i] = 0;
		else
			p->addr.bytes[i] &= (uint8_t)(0xff << (8 - (p->len - lo)));
	}
}

int
prefix_parse(const char *s, bool bare_ok, struct ip_prefix *out)
{
	char buf[PREFIX_STRLEN + 8];
	const char *slash;
	char *end;
	long len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (s == NULL || strlen(s) >= sizeof(buf))
		return -EINVAL;
	slash = strchr(s, '/');
	if (slash == NULL) {
		if (!bare_ok)
			return -EINVAL;
		rc = addr_parse(s, &out->addr);
		if (rc < 0)
			return rc;
		out->len = (uint8_t)addr_bits(&out->addr);
		return 0;
	}
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	rc = addr_parse(buf, &out->addr);
	if (rc < 0)
		return rc;
	if (slash[1] == '\0')
		return -EINVAL;
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || len < 0 || len > (long)addr_bits(&out->addr))
		return -EINVAL;
	out->len = (uint8_t)len;

	struct ip_prefix masked = *out;
	prefix_mask(&masked);
	if (memcmp(masked.addr.bytes, out->addr.bytes, sizeof(out->addr.bytes)) != 0)
		return -EDOM;
	return 0;
}

char *
addr_fmt(const struct ip_addr *a, char *buf, size_t len)
{
	if (inet_ntop(a->family == AF_INET ? AF_INET : AF_INET6, a->bytes, buf, (socklen_t)len) ==
	    NULL)
		snprintf(buf, len, "?");
	return buf;
}

char *
prefix_fmt(const struct ip_prefix *p, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	snprintf(buf, len, "%s/%u", addr_fmt(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

bool
addr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, addr_bits(a) / 8) == 0;
}

bool
prefix_equal(const struct ip_prefix *a, const struct ip_prefix *b)
{
	return a->len == b->len && addr_equal(&a->addr, &b->addr);
}

bool
prefix_contains(const struct ip_prefix *p, const struct ip_addr *a)
{
	return p->addr.family == a->family && bits_equal(p->addr.bytes, a->bytes, p->len);
}

int
mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int v[6];
	char tail;

	if (s == NULL || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
				&v[5], &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

char *
mac_fmt(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}
