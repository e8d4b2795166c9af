// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// lib/ipsec's control side, without JSON and without EAL:
// - the key parser: lengths per AEAD, bad digits, and no error text that
//   carries key material;
// - ipsec_sa_check: every rule names its field;
// - the table inside the model's transactions: abort undoes adds, replaces
//   and deletes; replace keeps the slot; inbound SPIs are unique; an SA a
//   route uses cannot be deleted or turned inbound; next hops resolve only
//   outbound SAs.

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/Basic.h>

#include "ipsec_sa.h"
#include "model.h"

// 16-byte key + 4-byte salt, and 32 + 4: distinctive digit runs that an error
// text would show if it quoted any part of the key.
static const char key128[] = "0123456789abcdef0123456789abcdefcafebabe";
static const char key256[] = "00112233445566778899aabbccddeeff"
			     "00112233445566778899aabbccddeeffdeadbeef";

// No four consecutive characters of the key appear in text (a message may
// name a length such as "40", never a run of the key's digits).
static bool
leaks(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i + 4 <= kl; i++) {
		char run[5];
		memcpy(run, key + i, 4);
		run[4] = '\0';
		if (strstr(text, run) != NULL)
			return true;
	}
	return false;
}

static void
sa_init(struct ipsec_sa *sa, const char *id, enum ipsec_dir dir, uint32_t spi)
{
	struct model_err e = {0};

	memset(sa, 0, sizeof(*sa));
	snprintf(sa->id, sizeof(sa->id), "%s", id);
	sa->dir = dir;
	sa->spi = spi;
	sa->mode = IPSEC_MODE_TUNNEL;
	sa->aead = IPSEC_AEAD_AES_GCM_128;
	CU_ASSERT_FATAL(ipsec_key_parse(key128, sa->aead, sa->key, &sa->key_len, &e) == 0);
	sa->has_tunnel = true;
	addr_parse("2001:db8::1", &sa->tunnel_src);
	addr_parse("2001:db8::2", &sa->tunnel_dst);
	sa->replay_window = IPSEC_REPLAY_WINDOW_DEFAULT;
}

static void
test_names(void)
{
	enum ipsec_dir d;
	enum ipsec_mode m;
	enum ipsec_aead a;

	CU_ASSERT(ipsec_dir_parse("out", &d) == 0 && d == IPSEC_DIR_OUT);
	CU_ASSERT(ipsec_dir_parse("in", &d) == 0 && d == IPSEC_DIR_IN);
	CU_ASSERT(ipsec_dir_parse("inbound", &d) == -EINVAL);
	CU_ASSERT(ipsec_dir_parse(NULL, &d) == -EINVAL);
	CU_ASSERT(ipsec_mode_parse("srv6", &m) == 0 && m == IPSEC_MODE_SRV6);
	CU_ASSERT(ipsec_mode_parse("transport", &m) == -EINVAL);
	CU_ASSERT(ipsec_aead_parse("aes-gcm-256", &a) == 0 && a == IPSEC_AEAD_AES_GCM_256);
	CU_ASSERT(ipsec_aead_parse("aes-128-gcm", &a) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(ipsec_aead_name(IPSEC_AEAD_AES_GCM_128), "aes-gcm-128");
	CU_ASSERT_STRING_EQUAL(ipsec_mode_name(IPSEC_MODE_TUNNEL), "tunnel");
	CU_ASSERT_STRING_EQUAL(ipsec_dir_name(IPSEC_DIR_IN), "in");
	CU_ASSERT(ipsec_aead_key_len(IPSEC_AEAD_AES_GCM_128) == 20);
	CU_ASSERT(ipsec_aead_key_len(IPSEC_AEAD_AES_GCM_256) == 36);
}

static void
test_key_parse(void)
{
	struct model_err e = {0};
	uint8_t key[IPSEC_KEY_MAX], len = 0;
	char hex[2 * IPSEC_KEY_MAX + 1], upper[80];
	struct ipsec_sa sa = {0};

	CU_ASSERT(ipsec_key_parse(key128, IPSEC_AEAD_AES_GCM_128, key, &len, &e) == 0);
	CU_ASSERT(len == 20 && key[0] == 0x01 && key[19] == 0xbe);
	CU_ASSERT(ipsec_key_parse(key256, IPSEC_AEAD_AES_GCM_256, key, &len, &e) == 0);
	CU_ASSERT(len == 36 && key[35] == 0xef);
	// "0x" prefix and upper case digits.
	snprintf(upper, sizeof(upper), "0X%s", key128);
	for (char *p = upper + 2; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	CU_ASSERT(ipsec_key_parse(upper, IPSEC_AEAD_AES_GCM_128, key, &len, &e) == 0);
	// Back to hex: lower case, no prefix.
	memcpy(sa.key, key, len);
	sa.key_len = len;
	CU_ASSERT_STRING_EQUAL(ipsec_key_fmt(&sa, hex, sizeof(hex)), key128);

	static const struct {
		const char *hex;
		enum ipsec_aead aead;
	} bad[] = {
		{key256, IPSEC_AEAD_AES_GCM_128},			      // 72 digits for 128
		{key128, IPSEC_AEAD_AES_GCM_256},			      // 40 digits for 256
		{"0123456789abcdef0123456789abcdef", IPSEC_AEAD_AES_GCM_128}, // no salt
		{"0123456789abcdef0123456789abcdefcafebab", IPSEC_AEAD_AES_GCM_128}, // odd
		{"0123456789abcdef0123456789abcdefcafebabez", IPSEC_AEAD_AES_GCM_128},
		{"0123456789abcdef0123456789abcdefcafebab ", IPSEC_AEAD_AES_GCM_128},
		{"0123456789abcdeg0123456789abcdefcafebabe", IPSEC_AEAD_AES_GCM_128},
		{"", IPSEC_AEAD_AES_GCM_128},
		{"0x", IPSEC_AEAD_AES_GCM_128},
		{NULL, IPSEC_AEAD_AES_GCM_128},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		CU_ASSERT(ipsec_key_parse(bad[i].hex, bad[i].aead, key, &len, &e) == -EINVAL);
		CU_ASSERT_STRING_EQUAL(e.field, "key");
		CU_ASSERT(e.msg[0] != '\0');
		if (bad[i].hex != NULL && strlen(bad[i].hex) >= 4)
			CU_ASSERT(!leaks(e.msg, bad[i].hex));
	}
	// The length message says what the AEAD needs.
	ipsec_key_parse(key256, IPSEC_AEAD_AES_GCM_128, key, &len, &e);
	CU_ASSERT(strstr(e.msg, "40 hex digits (16-byte key + 4-byte salt)") != NULL);
	ipsec_key_parse(key128, IPSEC_AEAD_AES_GCM_256, key, &len, &e);
	CU_ASSERT(strstr(e.msg, "72 hex digits (32-byte key + 4-byte salt)") != NULL);
}

// Break one rule of a valid SA; returns the field the error must name.
#define N_BREAKS 18
static const char *
break_rule(struct ipsec_sa *s, size_t i)
{
	switch (i) {
	case 0:
		s->id[0] = '\0';
		return "id";
	case 1:
		snprintf(s->id, sizeof(s->id), "a b");
		return "id";
	case 2:
		s->spi = 0;
		return "spi";
	case 3:
		s->spi = 255;
		return "spi";
	case 4:
		s->key_len = 16; // no salt
		return "key";
	case 5:
		s->aead = IPSEC_AEAD_AES_GCM_256; // a 128-bit key
		return "key";
	case 6:
		s->dir = (enum ipsec_dir)7;
		return "direction";
	case 7:
		s->mode = (enum ipsec_mode)7;
		return "mode";
	case 8:
		s->aead = (enum ipsec_aead)7;
		return "aead";
	case 9:
		s->has_tunnel = false; // mode tunnel without addresses
		return "tunnel";
	case 10:
		s->mode = IPSEC_MODE_SRV6; // with addresses
		return "tunnel";
	case 11:
		addr_parse("192.0.2.1", &s->tunnel_dst); // families mixed
		return "tunnel.dst";
	case 12:
		addr_parse("2001:db8::1", &s->tunnel_dst); // dst == src
		return "tunnel.dst";
	case 13:
		addr_parse("ff02::1", &s->tunnel_dst);
		return "tunnel.dst";
	case 14:
		addr_parse("::", &s->tunnel_src);
		return "tunnel.src";
	case 15:
		addr_parse("224.0.0.1", &s->tunnel_src);
		return "tunnel.src";
	case 16:
		s->replay_window = IPSEC_REPLAY_WINDOW_MAX + 1;
		return "replay_window";
	default:
		s->esn = true;
		s->replay_window = 0;
		return "esn";
	}
}

static void
test_check(void)
{
	struct ipsec_sa sa;
	struct model_err e;

	sa_init(&sa, "a", IPSEC_DIR_OUT, 0x1000);
	CU_ASSERT(ipsec_sa_check(&sa, &e) == 0);

	for (size_t i = 0; i < N_BREAKS; i++) {
		const char *field;
		sa_init(&sa, "a", IPSEC_DIR_OUT, 0x1000);
		field = break_rule(&sa, i);
		memset(&e, 0, sizeof(e));
		CU_ASSERT(ipsec_sa_check(&sa, &e) == -EINVAL);
		if (strcmp(e.field, field) != 0)
			fprintf(stderr, "\ncase %zu: want %s, got %s (%s)\n", i, field, e.field,
				e.msg);
		CU_ASSERT_STRING_EQUAL(e.field, field);
		CU_ASSERT(!leaks(e.msg, key128));
	}
	// Accepted edges: srv6 without tunnel, IPv4 tunnel, window 0 and max, ESN.
	sa_init(&sa, "a", IPSEC_DIR_OUT, 0xffffffffu);
	sa.mode = IPSEC_MODE_SRV6;
	sa.has_tunnel = false;
	CU_ASSERT(ipsec_sa_check(&sa, &e) == 0);
	sa_init(&sa, "a", IPSEC_DIR_IN, 256);
	addr_parse("192.0.2.1", &sa.tunnel_src);
	addr_parse("198.51.100.1", &sa.tunnel_dst);
	sa.replay_window = 0;
	CU_ASSERT(ipsec_sa_check(&sa, &e) == 0);
	sa.replay_window = IPSEC_REPLAY_WINDOW_MAX;
	sa.esn = true;
	CU_ASSERT(ipsec_sa_check(&sa, &e) == 0);
}

// --- the table in transactions --------------------------------------------------------

static struct model *
new_model(void)
{
	struct model *m = calloc(1, sizeof(*m));

	CU_ASSERT_FATAL(m != NULL && model_init(m) == 0);
	return m;
}

static void
free_model(struct model *m)
{
	model_fini(m);
	free(m);
}

static int
add(struct model *m, const struct ipsec_sa *sa, bool commit, struct model_err *e)
{
	struct model_txn *t = model_txn_begin(m);
	int rc;

	CU_ASSERT_FATAL(t != NULL);
	rc = ipsec_sa_add(t, sa, NULL, e);
	if (rc == 0 && commit)
		model_txn_end(t);
	else
		model_txn_abort(t);
	return rc;
}

static void
test_table_txn(void)
{
	struct model *m = new_model();
	struct model_err e = {0};
	struct ipsec_sa sa;
	struct model_txn *t;
	uint32_t slot, slot2;

	CU_ASSERT(ipsec_sa_table_find(m) == NULL);
	// Added then aborted: gone.
	sa_init(&sa, "a", IPSEC_DIR_OUT, 0x1000);
	CU_ASSERT(add(m, &sa, false, &e) == 0);
	CU_ASSERT(ipsec_sa_find(ipsec_sa_table_find(m), "a") == -ENOENT);
	CU_ASSERT(ipsec_sa_table_find(m)->n == 0);
	// Added and committed; an event names it.
	t = model_txn_begin(m);
	CU_ASSERT(ipsec_sa_add(t, &sa, &slot, &e) == 0);
	CU_ASSERT(model_txn_n_events(t) == 1);
	CU_ASSERT_STRING_EQUAL(model_txn_event_topic(t, 0), "ipsec");
	model_txn_end(t);
	CU_ASSERT(ipsec_sa_find(m->ipsec, "a") == (int)slot);
	CU_ASSERT(m->ipsec->snap == NULL);
	// Replace: same slot, new SPI; an aborted replace keeps the old one.
	sa.spi = 0x2000;
	t = model_txn_begin(m);
	CU_ASSERT(ipsec_sa_add(t, &sa, &slot2, &e) == 0);
	CU_ASSERT(slot2 == slot);
	CU_ASSERT(ipsec_sa_at(m->ipsec, slot)->spi == 0x2000);
	model_txn_abort(t);
	CU_ASSERT(ipsec_sa_at(m->ipsec, slot)->spi == 0x1000);
	CU_ASSERT(add(m, &sa, true, &e) == 0);
	CU_ASSERT(ipsec_sa_at(m->ipsec, slot)->spi == 0x2000);
	CU_ASSERT(m->ipsec->n == 1);
	// Delete in a txn that aborts: still there, key intact.
	t = model_txn_begin(m);
	CU_ASSERT(ipsec_sa_del(t, "a", &e) == 0);
	CU_ASSERT(ipsec_sa_find(m->ipsec, "a") == -ENOENT);
	model_txn_abort(t);
	CU_ASSERT(ipsec_sa_find(m->ipsec, "a") == (int)slot);
	CU_ASSERT(ipsec_sa_at(m->ipsec, slot)->key_len == 20);
	CU_ASSERT(memcmp(ipsec_sa_at(m->ipsec, slot)->key, sa.key, 20) == 0);
	// Unknown id.
	t = model_txn_begin(m);
	CU_ASSERT(ipsec_sa_del(t, "nope", &e) == -ENOENT);
	CU_ASSERT_STRING_EQUAL(e.field, "id");
	model_txn_abort(t);
	// Several changes in one txn, then abort: all undone.
	t = model_txn_begin(m);
	sa_init(&sa, "b", IPSEC_DIR_IN, 0x3000);
	CU_ASSERT(ipsec_sa_add(t, &sa, NULL, &e) == 0);
	CU_ASSERT(ipsec_sa_del(t, "a", &e) == 0);
	sa_init(&sa, "c", IPSEC_DIR_IN, 0x3001);
	CU_ASSERT(ipsec_sa_add(t, &sa, NULL, &e) == 0);
	CU_ASSERT(m->ipsec->n == 2);
	model_txn_abort(t);
	CU_ASSERT(m->ipsec->n == 1);
	CU_ASSERT(ipsec_sa_find(m->ipsec, "a") >= 0);
	CU_ASSERT(ipsec_sa_find(m->ipsec, "b") == -ENOENT);
	CU_ASSERT(ipsec_sa_find(m->ipsec, "c") == -ENOENT);
	// A rule broken: nothing added, field named.
	sa_init(&sa, "d", IPSEC_DIR_OUT, 1);
	CU_ASSERT(add(m, &sa, true, &e) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.field, "spi");
	// No txn: refused.
	CU_ASSERT(ipsec_sa_add(NULL, &sa, NULL, &e) == -EINVAL);
	free_model(m);
}

static void
test_table_unique(void)
{
	struct model *m = new_model();
	struct model_err e = {0};
	struct ipsec_sa sa;

	sa_init(&sa, "in1", IPSEC_DIR_IN, 0x1000);
	CU_ASSERT(add(m, &sa, true, &e) == 0);
	// Another inbound SA with the same SPI: conflict naming the SA.
	sa_init(&sa, "in2", IPSEC_DIR_IN, 0x1000);
	CU_ASSERT(add(m, &sa, true, &e) == -EEXIST);
	CU_ASSERT_STRING_EQUAL(e.field, "spi");
	CU_ASSERT(strstr(e.msg, "in1") != NULL);
	// An outbound SA may share it (the peer chose it), and so may in1 itself.
	sa_init(&sa, "out1", IPSEC_DIR_OUT, 0x1000);
	CU_ASSERT(add(m, &sa, true, &e) == 0);
	sa_init(&sa, "in1", IPSEC_DIR_IN, 0x1000);
	sa.replay_window = 128;
	CU_ASSERT(add(m, &sa, true, &e) == 0);
	// Turning out1 inbound collides with in1's SPI.
	sa_init(&sa, "out1", IPSEC_DIR_IN, 0x1000);
	CU_ASSERT(add(m, &sa, true, &e) == -EEXIST);
	CU_ASSERT(m->ipsec->n == 2);
	free_model(m);
}

static void
test_table_full(void)
{
	struct model *m = new_model();
	struct model_txn *t = model_txn_begin(m);
	struct model_err e = {0};
	struct ipsec_sa sa;

	for (unsigned int i = 0; i < IPSEC_MAX_SAS; i++) {
		char id[16];
		snprintf(id, sizeof(id), "sa%u", i);
		sa_init(&sa, id, IPSEC_DIR_IN, 0x1000 + i);
		CU_ASSERT(ipsec_sa_add(t, &sa, NULL, &e) == 0);
	}
	sa_init(&sa, "one-more", IPSEC_DIR_OUT, 0x1000);
	CU_ASSERT(ipsec_sa_add(t, &sa, NULL, &e) == -ENOSPC);
	// Replacing one still works when full.
	sa_init(&sa, "sa7", IPSEC_DIR_IN, 0x9999);
	CU_ASSERT(ipsec_sa_add(t, &sa, NULL, &e) == 0);
	model_txn_end(t);
	{
		uint32_t *slots = calloc(IPSEC_MAX_SAS, sizeof(*slots));
		CU_ASSERT(ipsec_sa_list(m->ipsec, slots) == IPSEC_MAX_SAS);
		// Sorted by id: "sa0", "sa1", "sa10", ...
		CU_ASSERT_STRING_EQUAL(m->ipsec->sa[slots[0]].id, "sa0");
		CU_ASSERT_STRING_EQUAL(m->ipsec->sa[slots[2]].id, "sa10");
		free(slots);
	}
	free_model(m);
}

// A route whose next hop uses an SA: deletion and turning it inbound are
// refused, naming the route; next hops resolve only outbound SAs.
static void
test_in_use(void)
{
	struct model *m = new_model();
	struct model_err e = {0};
	struct model_route *r = calloc(1, sizeof(*r));
	struct model_encap enc = {.has_src = true, .hop_limit = 64};
	struct ipsec_sa sa;
	struct model_txn *t;
	uint32_t slot = 99;
	char user[128];

	CU_ASSERT_FATAL(r != NULL);
	sa_init(&sa, "to-b", IPSEC_DIR_OUT, 0x1000);
	CU_ASSERT(add(m, &sa, true, &e) == 0);
	sa_init(&sa, "from-b", IPSEC_DIR_IN, 0x2000);
	CU_ASSERT(add(m, &sa, true, &e) == 0);
	CU_ASSERT(ipsec_sa_resolve_out(m, "to-b", &slot, &e) == 0);
	CU_ASSERT(slot == (uint32_t)ipsec_sa_find(m->ipsec, "to-b"));
	CU_ASSERT(ipsec_sa_resolve_out(m, "from-b", &slot, &e) == -EINVAL);
	CU_ASSERT(ipsec_sa_resolve_out(m, "nope", &slot, &e) == -ENOENT);
	CU_ASSERT(strstr(e.msg, "nope") != NULL);

	// The model does not know SAs: a route carrying a slot is stored as is
	// (the ctl parser resolves names; here the test plays that part).
	enc.src[0] = 0x20;
	enc.src[15] = 1;
	t = model_txn_begin(m);
	CU_ASSERT(model_encap_set(t, &enc, &e) == 0);
	prefix_parse("10.0.0.0/8", false, &r->prefix);
	r->n_nh = 1;
	r->nh[0].type = MNH_SRV6;
	r->nh[0].n_segs = 1;
	r->nh[0].segs[0][0] = 0x20;
	r->nh[0].segs[0][15] = 2;
	r->nh[0].weight = 1;
	r->nh[0].port = MODEL_NO_PORT;
	r->nh[0].has_sa = true;
	CU_ASSERT(ipsec_sa_resolve_out(m, "to-b", &r->nh[0].ipsec_sa, &e) == 0);
	if (model_route_add(t, r, &e) != 0)
		fprintf(stderr, "\nroute: %s: %s\n", e.field, e.msg);
	model_txn_end(t);
	CU_ASSERT(ipsec_sa_user(m, slot, user, sizeof(user)));
	CU_ASSERT_STRING_EQUAL(user, "vrf default prefix 10.0.0.0/8");
	CU_ASSERT(
		!ipsec_sa_user(m, (uint32_t)ipsec_sa_find(m->ipsec, "from-b"), user, sizeof(user)));

	t = model_txn_begin(m);
	CU_ASSERT(ipsec_sa_del(t, "to-b", &e) == -EBUSY);
	CU_ASSERT_STRING_EQUAL(e.field, "id");
	CU_ASSERT(strstr(e.msg, "10.0.0.0/8") != NULL);
	sa_init(&sa, "to-b", IPSEC_DIR_IN, 0x3000);
	CU_ASSERT(ipsec_sa_add(t, &sa, NULL, &e) == -EBUSY);
	CU_ASSERT_STRING_EQUAL(e.field, "direction");
	// Replacing it outbound (a rekey) is fine.
	sa_init(&sa, "to-b", IPSEC_DIR_OUT, 0x3000);
	CU_ASSERT(ipsec_sa_add(t, &sa, NULL, &e) == 0);
	// Without the route, it can go.
	CU_ASSERT(model_route_del(t, 0, &r->prefix, &e) == 0);
	CU_ASSERT(ipsec_sa_del(t, "to-b", &e) == 0);
	model_txn_end(t);
	CU_ASSERT(ipsec_sa_find(m->ipsec, "to-b") == -ENOENT);
	free(r);
	free_model(m);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ipsec_sa", NULL, NULL);
	CU_add_test(s, "names", test_names);
	CU_add_test(s, "key parser, no key in errors", test_key_parse);
	CU_add_test(s, "every rule names its field", test_check);
	CU_add_test(s, "table in transactions", test_table_txn);
	CU_add_test(s, "inbound SPIs unique", test_table_unique);
	CU_add_test(s, "table full", test_table_full);
	CU_add_test(s, "SA in use by a route", test_in_use);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}
