// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// How an SA's ESP is computed on a port (lib/ipsec/ipsec_path.c), and how a
// port's rte_security capability list becomes what that choice reads
// (lib/dp/dp_ipsec_caps.c), against lists shaped like the ones DPDK 22.11's
// drivers publish: ixgbe (inline crypto, AES-GCM-128, tunnel and
// transport), cnxk (inline protocol, AES-GCM-128/192/256, ESN, a replay
// window), mlx5 and virtual ports (none). No NIC with inline IPsec was at
// hand: these are the checks the choice gets.

#include <stdio.h>
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_security.h>

#include <CUnit/Basic.h>

#include "dp_ipsec.h"
#include "ipsec_path.h"

static const struct rte_cryptodev_capabilities gcm128_only[] = {
	{.op = RTE_CRYPTO_OP_TYPE_SYMMETRIC,
	 .sym = {.xform_type = RTE_CRYPTO_SYM_XFORM_AEAD,
		 .aead = {.algo = RTE_CRYPTO_AEAD_AES_GCM,
			  .key_size = {.min = 16, .max = 16, .increment = 0}}}},
	{.op = RTE_CRYPTO_OP_TYPE_UNDEFINED},
};

static const struct rte_cryptodev_capabilities gcm_all[] = {
	{.op = RTE_CRYPTO_OP_TYPE_SYMMETRIC,
	 .sym = {.xform_type = RTE_CRYPTO_SYM_XFORM_AEAD,
		 .aead = {.algo = RTE_CRYPTO_AEAD_AES_GCM,
			  .key_size = {.min = 16, .max = 32, .increment = 8}}}},
	{.op = RTE_CRYPTO_OP_TYPE_UNDEFINED},
};

#define ESP_CAP(act, m, dir, caps, esn_, win)                                                      \
	{                                                                                          \
		.action = (act), .protocol = RTE_SECURITY_PROTOCOL_IPSEC,                          \
		.ipsec = {.proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP,                                \
			  .mode = (m),                                                             \
			  .direction = (dir),                                                      \
			  .options = {.esn = (esn_)},                                              \
			  .replay_win_sz_max = (win)},                                             \
		.crypto_capabilities = (caps)                                                      \
	}

#define T RTE_SECURITY_IPSEC_SA_MODE_TUNNEL
#define TR RTE_SECURITY_IPSEC_SA_MODE_TRANSPORT
#define EG RTE_SECURITY_IPSEC_SA_DIR_EGRESS
#define IG RTE_SECURITY_IPSEC_SA_DIR_INGRESS
#define IC RTE_SECURITY_ACTION_TYPE_INLINE_CRYPTO
#define IP RTE_SECURITY_ACTION_TYPE_INLINE_PROTOCOL

static const struct rte_security_capability ixgbe_like[] = {
	ESP_CAP(IC, T, EG, gcm128_only, 0, 0),	   ESP_CAP(IC, T, IG, gcm128_only, 0, 0),
	ESP_CAP(IC, TR, EG, gcm128_only, 0, 0),	   ESP_CAP(IC, TR, IG, gcm128_only, 0, 0),
	{.action = RTE_SECURITY_ACTION_TYPE_NONE},
};

static const struct rte_security_capability cnxk_like[] = {
	ESP_CAP(IP, T, EG, gcm_all, 1, 1024),	   ESP_CAP(IP, T, IG, gcm_all, 1, 1024),
	ESP_CAP(IP, TR, EG, gcm_all, 1, 1024),	   ESP_CAP(IP, TR, IG, gcm_all, 1, 1024),
	{.action = RTE_SECURITY_ACTION_TYPE_NONE},
};

static struct ipsec_sa
sa(enum ipsec_dir d, enum ipsec_mode m, enum ipsec_aead a, bool esn, uint32_t win)
{
	struct ipsec_sa s = {.used = true, .dir = d, .mode = m, .aead = a, .esn = esn};

	snprintf(s.id, sizeof(s.id), "t");
	s.replay_window = win;
	return s;
}

static void
test_caps_read(void)
{
	struct ipsec_caps c = {0};

	dp_ipsec_caps_from_security(ixgbe_like, &c);
	CU_ASSERT(c.inline_crypto.present && !c.inline_protocol.present);
	CU_ASSERT(c.inline_crypto.gcm128 && !c.inline_crypto.gcm256);
	CU_ASSERT(c.inline_crypto.egress && c.inline_crypto.ingress);
	CU_ASSERT(c.inline_crypto.tunnel && c.inline_crypto.transport);
	CU_ASSERT(!c.inline_crypto.esn && !c.inline_crypto.ext_headers);
	memset(&c, 0, sizeof(c));
	dp_ipsec_caps_from_security(cnxk_like, &c);
	CU_ASSERT(c.inline_protocol.present && !c.inline_crypto.present);
	CU_ASSERT(c.inline_protocol.gcm128 && c.inline_protocol.gcm256);
	CU_ASSERT(c.inline_protocol.esn);
	CU_ASSERT_EQUAL(c.inline_protocol.replay_win_max, 1024);
	// No list (mlx5, virtual ports): nothing.
	memset(&c, 0, sizeof(c));
	dp_ipsec_caps_from_security(NULL, &c);
	CU_ASSERT(!c.inline_protocol.present && !c.inline_crypto.present);
}

static void
test_choose(void)
{
	struct ipsec_caps ixgbe = {.cpu_crypto = true}, cnxk = {.cpu_crypto = true};
	struct ipsec_caps none = {.cpu_crypto = true}, bare = {0}, look = {.lookaside = true};
	char why[200];
	struct ipsec_sa s;

	dp_ipsec_caps_from_security(ixgbe_like, &ixgbe);
	dp_ipsec_caps_from_security(cnxk_like, &cnxk);

	// ixgbe: tunnel AES-GCM-128 goes inline crypto; 256 or ESN fall back to CPU.
	s = sa(IPSEC_DIR_OUT, IPSEC_MODE_TUNNEL, IPSEC_AEAD_AES_GCM_128, false, 64);
	CU_ASSERT_EQUAL(ipsec_path_choose(&ixgbe, &s, why, sizeof(why)), IPSEC_PATH_INLINE_CRYPTO);
	CU_ASSERT(strstr(why, "inline protocol: absent") != NULL);
	s.aead = IPSEC_AEAD_AES_GCM_256;
	CU_ASSERT_EQUAL(ipsec_path_choose(&ixgbe, &s, why, sizeof(why)), IPSEC_PATH_CPU_CRYPTO);
	CU_ASSERT(strstr(why, "inline crypto: no aes-gcm-256") != NULL);
	s = sa(IPSEC_DIR_IN, IPSEC_MODE_TUNNEL, IPSEC_AEAD_AES_GCM_128, true, 64);
	CU_ASSERT_EQUAL(ipsec_path_choose(&ixgbe, &s, why, sizeof(why)), IPSEC_PATH_CPU_CRYPTO);
	CU_ASSERT(strstr(why, "no ESN") != NULL);
	// Mode srv6 (ESP behind the SRH) never goes inline.
	s = sa(IPSEC_DIR_OUT, IPSEC_MODE_SRV6, IPSEC_AEAD_AES_GCM_128, false, 64);
	CU_ASSERT_EQUAL(ipsec_path_choose(&ixgbe, &s, why, sizeof(why)), IPSEC_PATH_CPU_CRYPTO);
	CU_ASSERT(strstr(why, "SRH") != NULL);
	CU_ASSERT_EQUAL(ipsec_path_choose(&cnxk, &s, why, sizeof(why)), IPSEC_PATH_CPU_CRYPTO);

	// cnxk: inline protocol for tunnel mode, unless the window is too large.
	s = sa(IPSEC_DIR_IN, IPSEC_MODE_TUNNEL, IPSEC_AEAD_AES_GCM_256, true, 1024);
	CU_ASSERT_EQUAL(ipsec_path_choose(&cnxk, &s, why, sizeof(why)), IPSEC_PATH_INLINE_PROTOCOL);
	CU_ASSERT_STRING_EQUAL(why, "");
	s.replay_window = 4096;
	CU_ASSERT_EQUAL(ipsec_path_choose(&cnxk, &s, why, sizeof(why)), IPSEC_PATH_CPU_CRYPTO);
	CU_ASSERT(strstr(why, "replay window too large") != NULL);
	// Outbound has no window to keep: still inline.
	s.dir = IPSEC_DIR_OUT;
	CU_ASSERT_EQUAL(ipsec_path_choose(&cnxk, &s, why, sizeof(why)), IPSEC_PATH_INLINE_PROTOCOL);

	// No inline: CPU crypto; no CPU crypto: lookaside; nothing: none, with
	// every reason.
	CU_ASSERT_EQUAL(ipsec_path_choose(&none, &s, NULL, 0), IPSEC_PATH_CPU_CRYPTO);
	CU_ASSERT_EQUAL(ipsec_path_choose(&look, &s, why, sizeof(why)), IPSEC_PATH_LOOKASIDE);
	CU_ASSERT_EQUAL(ipsec_path_choose(&bare, &s, why, sizeof(why)), IPSEC_PATH_NONE);
	CU_ASSERT(strstr(why, "inline protocol: absent; inline crypto: absent; cpu crypto") == why);
	CU_ASSERT(strstr(why, "lookaside") != NULL);
	// A short buffer is cut, not overrun.
	char tiny[8];
	memset(tiny, 'x', sizeof(tiny));
	CU_ASSERT_EQUAL(ipsec_path_choose(&bare, &s, tiny, sizeof(tiny)), IPSEC_PATH_NONE);
	CU_ASSERT_EQUAL(tiny[sizeof(tiny) - 1], '\0');
	CU_ASSERT_STRING_EQUAL(ipsec_path_name(IPSEC_PATH_CPU_CRYPTO), "cpu-crypto");
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ipsec_path", NULL, NULL);
	CU_add_test(s, "rte_security lists read", test_caps_read);
	CU_add_test(s, "the path for an SA", test_choose);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}
