// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Address and prefix types shared by the control side and the datapath.
// Pure C: no DPDK, no jansson, so every module and every test can use them.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_STRLEN 46 // INET6_ADDRSTRLEN
#define PREFIX_STRLEN (ADDR_STRLEN + 4)

// An IPv4 address is kept in the first 4 bytes, network order.
struct ip_addr {
	uint8_t family; // AF_INET or AF_INET6
	uint8_t bytes[16];
};

struct ip_prefix {
	struct ip_addr addr;
	uint8_t len;
};

// Parse "a.b.c.d" or an IPv6 address. Returns 0 or -EINVAL.
int addr_parse(const char *s, struct ip_addr *out);

// Parse "addr/len"; a bare address gets the full length when bare_ok, else -EINVAL.
// Host bits set beyond len give -EDOM (callers report "host bits set").
int prefix_parse(const char *s, bool bare_ok, struct ip_prefix *out);

// Format into buf (ADDR_STRLEN / PREFIX_STRLEN bytes); returns buf.
char *addr_fmt(const struct ip_addr *a, char *buf, size_t len);
char *prefix_fmt(const struct ip_prefix *p, char *buf, size_t len);

// Number of address bits for the family (32 or 128).
unsigned int addr_bits(const struct ip_addr *a);

bool addr_equal(const struct ip_addr *a, const struct ip_addr *b);
bool prefix_equal(const struct ip_prefix *a, const struct ip_prefix *b);

// True when addr is inside prefix (same family, first len bits equal).
bool prefix_contains(const struct ip_prefix *p, const struct ip_addr *a);

// Clear the bits beyond len.
void prefix_mask(struct ip_prefix *p);

// Parse "aa:bb:cc:dd:ee:ff". Returns 0 or -EINVAL.
int mac_parse(const char *s, uint8_t mac[6]);
char *mac_fmt(const uint8_t mac[6], char *buf, size_t len);
