// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// IPsec SAs on the control side; see ipsec_sa.h. The table joins the model's
// transactions through model_ext: its first change in a txn copies the whole
// table aside, an abort copies it back, an end wipes and frees the copy.

#include "ipsec_sa.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

// --- names ----------------------------------------------------------------------

static const char *const dir_names[] = {[IPSEC_DIR_OUT] = "out", [IPSEC_DIR_IN] = "in"};
static const char *const mode_names[] = {
	[IPSEC_MODE_TUNNEL] = "tunnel", [IPSEC_MODE_SRV6] = "srv6"};
static const char *const aead_names[] = {
	[IPSEC_AEAD_AES_GCM_128] = "aes-gcm-128", [IPSEC_AEAD_AES_GCM_256] = "aes-gcm-256"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
name_parse(const char *const *names, size_t n, const char *s, int *out)
{
	for (size_t i = 0; s != NULL && i < n; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
ipsec_dir_name(enum ipsec_dir d)
{
	return (unsigned int)d < N(dir_names) ? dir_names[d] : "?";
}

const char *
ipsec_mode_name(enum ipsec_mode m)
{
	return (unsigned int)m < N(mode_names) ? mode_names[m] : "?";
}

const char *
ipsec_aead_name(enum ipsec_aead a)
{
	return (unsigned int)a < N(aead_names) ? aead_names[a] : "?";
}

int
ipsec_dir_parse(const char *s, enum ipsec_dir *out)
{
	int v, rc = name_parse(dir_names, N(dir_names), s, &v);

	if (rc == 0)
		*out = (enum ipsec_dir)v;
	return rc;
}

int
ipsec_mode_parse(const char *s, enum ipsec_mode *out)
{
	int v, rc = name_parse(mode_names, N(mode_names), s, &v);

	if (rc == 0)
		*out = (enum ipsec_mode)v;
	return rc;
}

int
ipsec_aead_parse(const char *s, enum ipsec_aead *out)
{
	int v, rc = name_parse(aead_names, N(aead_names), s, &v);

	if (rc == 0)
		*out = (enum ipsec_aead)v;
	return rc;
}

size_t
ipsec_aead_key_len(enum ipsec_aead a)
{
	return (a == IPSEC_AEAD_AES_GCM_256 ? 32 : 16) + IPSEC_SALT_LEN;
}

// --- keys -----------------------------------------------------------------------

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ipsec_key_parse(const char *hex, enum ipsec_aead aead, uint8_t key[IPSEC_KEY_MAX], uint8_t *len,
		struct model_err *e)
{
	size_t want = ipsec_aead_key_len(aead), n;

	if (hex == NULL)
		return model_err_set(e, -EINVAL, "key", "missing");
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	n = strlen(hex);
	// Say what is wrong, never which digits: the message must carry no key material.
	for (size_t i = 0; i < n; i++)
		if (hex_digit(hex[i]) < 0)
			return model_err_set(e, -EINVAL, "key",
					     "not hexadecimal (character %zu is not 0-9, a-f)",
					     i + 1);
	if (n != 2 * want)
		return model_err_set(e, -EINVAL, "key",
				     "%zu hex digits given; %s needs %zu hex digits (%zu-byte key "
				     "+ 4-byte salt)",
				     n, ipsec_aead_name(aead), 2 * want, want - IPSEC_SALT_LEN);
	for (size_t i = 0; i < want; i++)
		key[i] = (uint8_t)(hex_digit(hex[2 * i]) << 4 | hex_digit(hex[2 * i + 1]));
	*len = (uint8_t)want;
	return 0;
}

char *
ipsec_key_fmt(const struct ipsec_sa *sa, char *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (len == 0)
		return buf;
	for (i = 0; i < sa->key_len && 2 * i + 2 < len; i++) {
		buf[2 * i] = digits[sa->key[i] >> 4];
		buf[2 * i + 1] = digits[sa->key[i] & 0xf];
	}
	buf[2 * i] = '\0';
	return buf;
}

void
ipsec_sa_wipe(struct ipsec_sa *sa)
{
	// explicit_bzero: a plain memset before free may be optimised away.
	explicit_bzero(sa->key, sizeof(sa->key));
	sa->key_len = 0;
}

// --- one SA ---------------------------------------------------------------------

// A tunnel end: a unicast address (not unspecified, not multicast, not
// broadcast): the outer header's source or destination.
static bool
addr_unicast(const struct ip_addr *a)
{
	static const uint8_t zero[16];

	if (a->family == AF_INET)
		return memcmp(a->bytes, zero, 4) != 0 && a->bytes[0] < 224;
	return a->family == AF_INET6 && memcmp(a->bytes, zero, 16) != 0 && a->bytes[0] != 0xff;
}

int
ipsec_sa_check(const struct ipsec_sa *sa, struct model_err *e)
{
	size_t idlen = strnlen(sa->id, sizeof(sa->id));

	if (idlen == 0 || idlen >= sizeof(sa->id))
		return model_err_set(e, -EINVAL, "id", "must be 1 to %d characters",
				     MODEL_NAME_LEN - 1);
	for (size_t i = 0; i < idlen; i++)
		if ((unsigned char)sa->id[i] <= ' ' || sa->id[i] == 0x7f)
			return model_err_set(e, -EINVAL, "id",
					     "must not contain blanks or control characters");
	if ((unsigned int)sa->dir >= N(dir_names))
		return model_err_set(e, -EINVAL, "direction", "must be out or in");
	if ((unsigned int)sa->mode >= N(mode_names))
		return model_err_set(e, -EINVAL, "mode", "must be tunnel or srv6");
	if ((unsigned int)sa->aead >= N(aead_names))
		return model_err_set(e, -EINVAL, "aead", "must be aes-gcm-128 or aes-gcm-256");
	if (sa->spi < IPSEC_SPI_MIN)
		return model_err_set(e, -EINVAL, "spi",
				     "must be from 256 to 4294967295 (RFC 4303: 1-255 are "
				     "reserved, 0 is never sent)");
	if (sa->key_len != ipsec_aead_key_len(sa->aead))
		return model_err_set(e, -EINVAL, "key",
				     "%s needs %zu hex digits (%zu-byte key + "
				     "4-byte salt)",
				     ipsec_aead_name(sa->aead), 2 * ipsec_aead_key_len(sa->aead),
				     ipsec_aead_key_len(sa->aead) - IPSEC_SALT_LEN);
	if (sa->mode == IPSEC_MODE_TUNNEL) {
		if (!sa->has_tunnel)
			return model_err_set(e, -EINVAL, "tunnel",
					     "mode tunnel needs tunnel {src, dst}: the outer "
					     "header's addresses");
		if (!addr_unicast(&sa->tunnel_src))
			return model_err_set(e, -EINVAL, "tunnel.src", "must be a unicast address");
		if (!addr_unicast(&sa->tunnel_dst))
			return model_err_set(e, -EINVAL, "tunnel.dst", "must be a unicast address");
		if (sa->tunnel_src.family != sa->tunnel_dst.family)
			return model_err_set(e, -EINVAL, "tunnel.dst",
					     "must be of the same family as tunnel.src");
		if (addr_equal(&sa->tunnel_src, &sa->tunnel_dst))
			return model_err_set(e, -EINVAL, "tunnel.dst",
					     "must differ from tunnel.src");
	} else if (sa->has_tunnel) {
		// Refused rather than ignored: an operator who gives addresses
		// expects them to be used, and mode srv6 has no outer header of its own.
		return model_err_set(e, -EINVAL, "tunnel",
				     "only for mode tunnel: mode srv6 puts ESP after the SRH of "
				     "the route's own SRv6 encapsulation");
	}
	if (sa->replay_window > IPSEC_REPLAY_WINDOW_MAX)
		return model_err_set(e, -EINVAL, "replay_window",
				     "%u is too large: 0 (off) to %u packets", sa->replay_window,
				     IPSEC_REPLAY_WINDOW_MAX);
	// RFC 4303 2.2.1 and A2: the receiver infers the high 32 bits of an
	// extended sequence number from its replay window.
	if (sa->esn && sa->replay_window == 0)
		return model_err_set(e, -EINVAL, "esn",
				     "extended sequence numbers need a replay window (RFC 4303 "
				     "A2): give replay_window > 0");
	return 0;
}

// --- the table and the model's transactions -----------------------------------------

static void
table_wipe_snap(struct ipsec_sa_table *tbl)
{
	if (tbl->snap == NULL)
		return;
	for (unsigned int i = 0; i < IPSEC_MAX_SAS; i++)
		ipsec_sa_wipe(&tbl->snap[i]);
	free(tbl->snap);
	tbl->snap = NULL;
	tbl->snap_n = 0;
}

static void
table_txn_done(void *arg, bool committed)
{
	struct ipsec_sa_table *tbl = arg;

	if (tbl->snap == NULL)
		return;
	if (!committed) {
		for (unsigned int i = 0; i < IPSEC_MAX_SAS; i++)
			ipsec_sa_wipe(&tbl->sa[i]);
		memcpy(tbl->sa, tbl->snap, sizeof(tbl->sa));
		tbl->n = tbl->snap_n;
	}
	table_wipe_snap(tbl);
}

static void
table_fini(void *arg)
{
	struct ipsec_sa_table *tbl = arg;

	table_wipe_snap(tbl);
	for (unsigned int i = 0; i < IPSEC_MAX_SAS; i++)
		ipsec_sa_wipe(&tbl->sa[i]);
	free(tbl);
}

struct ipsec_sa_table *
ipsec_sa_table_get(struct model *m)
{
	struct ipsec_sa_table *tbl;

	if (m->ipsec != NULL)
		return m->ipsec;
	if (m->ext.txn_done != NULL || m->ext.fini != NULL) {
		errno = EBUSY; // the model's one extension slot holds something else
		return NULL;
	}
	tbl = calloc(1, sizeof(*tbl));
	if (tbl == NULL)
		return NULL;
	m->ipsec = tbl;
	m->ext = (struct model_ext){.arg = tbl, .txn_done = table_txn_done, .fini = table_fini};
	return tbl;
}

const struct ipsec_sa_table *
ipsec_sa_table_find(const struct model *m)
{
	return m->ipsec;
}

// Before the txn's first change: keep the table as it was.
static int
table_snap(struct ipsec_sa_table *tbl)
{
	if (tbl->snap != NULL)
		return 0;
	tbl->snap = malloc(sizeof(tbl->sa));
	if (tbl->snap == NULL)
		return -ENOMEM;
	memcpy(tbl->snap, tbl->sa, sizeof(tbl->sa));
	tbl->snap_n = tbl->n;
	return 0;
}

int
ipsec_sa_find(const struct ipsec_sa_table *tbl, const char *id)
{
	for (unsigned int i = 0; tbl != NULL && id != NULL && i < IPSEC_MAX_SAS; i++)
		if (tbl->sa[i].used && strcmp(tbl->sa[i].id, id) == 0)
			return (int)i;
	return -ENOENT;
}

const struct ipsec_sa *
ipsec_sa_at(const struct ipsec_sa_table *tbl, uint32_t slot)
{
	if (tbl == NULL || slot >= IPSEC_MAX_SAS || !tbl->sa[slot].used)
		return NULL;
	return &tbl->sa[slot];
}

bool
ipsec_sa_user(const struct model *m, uint32_t slot, char *buf, size_t len)
{
	size_t b;

	for (struct hmap_node *n = hmap_iter_first(&m->routes, &b); n != NULL;
	     n = hmap_iter_next(&m->routes, n, &b)) {
		const struct model_route *r = hmap_entry(n, struct model_route, node);
		for (unsigned int i = 0; i < r->n_nh; i++) {
			const struct model_nexthop *nh = &r->nh[i];
			if (nh->type == MNH_SRV6 && nh->has_sa && nh->ipsec_sa == slot) {
				char p[PREFIX_STRLEN];
				const char *vrf =
					r->vrf < SRV6_MAX_VRFS ? m->vrfs[r->vrf].name : "?";
				snprintf(buf, len, "vrf %s prefix %s", vrf,
					 prefix_fmt(&r->prefix, p, sizeof(p)));
				return true;
			}
		}
	}
	return false;
}

int
ipsec_sa_add(struct model_txn *t, const struct ipsec_sa *sa, uint32_t *slot, struct model_err *e)
{
	struct model *m = t != NULL ? model_txn_model(t) : NULL;
	struct ipsec_sa_table *tbl;
	int rc, idx, free_slot = -1;
	char user[PREFIX_STRLEN + MODEL_NAME_LEN + 16];

	if (m == NULL || m->txn != t)
		return model_err_set(e, -EINVAL, "", "no open transaction");
	if ((rc = ipsec_sa_check(sa, e)) < 0)
		return rc;
	tbl = ipsec_sa_table_get(m);
	if (tbl == NULL)
		return model_err_set(e, -ENOMEM, "", "out of memory");
	idx = ipsec_sa_find(tbl, sa->id);
	for (unsigned int i = 0; i < IPSEC_MAX_SAS; i++) {
		const struct ipsec_sa *o = &tbl->sa[i];
		if (!o->used) {
			if (free_slot < 0)
				free_slot = (int)i;
			continue;
		}
		// RFC 4301 4.4.2.1: an inbound SA is found by its SPI alone here (we
		// look up neither destination nor protocol), so SPIs of inbound SAs
		// are unique.
		if ((int)i != idx && sa->dir == IPSEC_DIR_IN && o->dir == IPSEC_DIR_IN &&
		    o->spi == sa->spi)
			return model_err_set(e, -EEXIST, "spi",
					     "inbound SA \"%s\" already has SPI %u", o->id,
					     sa->spi);
	}
	if (idx >= 0 && sa->dir == IPSEC_DIR_IN && tbl->sa[idx].dir == IPSEC_DIR_OUT &&
	    ipsec_sa_user(m, (uint32_t)idx, user, sizeof(user)))
		return model_err_set(e, -EBUSY, "direction",
				     "SA \"%s\" protects the route %s: an inbound SA cannot",
				     sa->id, user);
	if (idx < 0 && free_slot < 0)
		return model_err_set(e, -ENOSPC, "", "the SA table is full (%d SAs)",
				     IPSEC_MAX_SAS);
	if ((rc = table_snap(tbl)) < 0)
		return model_err_set(e, rc, "", "out of memory");
	if (idx < 0) {
		idx = free_slot;
		tbl->n++;
	}
	ipsec_sa_wipe(&tbl->sa[idx]);
	tbl->sa[idx] = *sa;
	tbl->sa[idx].used = true;
	if (slot != NULL)
		*slot = (uint32_t)idx;
	model_txn_event_add(t, "ipsec", "add", sa->id);
	return 0;
}

int
ipsec_sa_del(struct model_txn *t, const char *id, struct model_err *e)
{
	struct model *m = t != NULL ? model_txn_model(t) : NULL;
	struct ipsec_sa_table *tbl;
	char user[PREFIX_STRLEN + MODEL_NAME_LEN + 16];
	int idx, rc;

	if (m == NULL || m->txn != t)
		return model_err_set(e, -EINVAL, "", "no open transaction");
	tbl = m->ipsec;
	idx = ipsec_sa_find(tbl, id);
	if (idx < 0)
		return model_err_set(e, -ENOENT, "id", "no SA \"%.40s\"", id != NULL ? id : "");
	if (ipsec_sa_user(m, (uint32_t)idx, user, sizeof(user)))
		return model_err_set(e, -EBUSY, "id", "SA \"%s\" is used by the route %s", id,
				     user);
	if ((rc = table_snap(tbl)) < 0)
		return model_err_set(e, rc, "", "out of memory");
	ipsec_sa_wipe(&tbl->sa[idx]);
	memset(&tbl->sa[idx], 0, sizeof(tbl->sa[idx]));
	tbl->n--;
	model_txn_event_add(t, "ipsec", "del", id);
	return 0;
}

int
ipsec_sa_resolve_out(const struct model *m, const char *id, uint32_t *slot, struct model_err *e)
{
	int idx = ipsec_sa_find(m->ipsec, id);

	if (idx < 0)
		return model_err_set(e, -ENOENT, "", "no SA \"%.40s\"", id != NULL ? id : "");
	if (m->ipsec->sa[idx].dir != IPSEC_DIR_OUT)
		return model_err_set(e, -EINVAL, "",
				     "SA \"%s\" is inbound: a route needs an outbound SA", id);
	*slot = (uint32_t)idx;
	return 0;
}

static const struct ipsec_sa_table *sort_tbl;

static int
slot_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return strcmp(sort_tbl->sa[x].id, sort_tbl->sa[y].id);
}

unsigned int
ipsec_sa_list(const struct ipsec_sa_table *tbl, uint32_t *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; tbl != NULL && i < IPSEC_MAX_SAS; i++)
		if (tbl->sa[i].used)
			out[n++] = i;
	// The control thread is the only caller: a file-scope table for qsort is safe.
	sort_tbl = tbl;
	qsort(out, n, sizeof(*out), slot_cmp);
	sort_tbl = NULL;
	return n;
}
