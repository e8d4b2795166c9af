// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "ipsec_path.h"

#include <stdio.h>
#include <string.h>

const char *
ipsec_path_name(enum ipsec_path p)
{
	switch (p) {
	case IPSEC_PATH_INLINE_PROTOCOL:
		return "inline-protocol";
	case IPSEC_PATH_INLINE_CRYPTO:
		return "inline-crypto";
	case IPSEC_PATH_CPU_CRYPTO:
		return "cpu-crypto";
	case IPSEC_PATH_LOOKASIDE:
		return "lookaside";
	case IPSEC_PATH_NONE:
		break;
	}
	return "none";
}

// Why an inline kind cannot carry sa: NULL when it can.
static const char *
inline_misses(const struct ipsec_inline_caps *c, const struct ipsec_sa *sa, bool protocol)
{
	bool out = sa->dir == IPSEC_DIR_OUT;

	if (!c->present)
		return "absent";
	if (out ? !c->egress : !c->ingress)
		return out ? "no egress" : "no ingress";
	if (sa->aead == IPSEC_AEAD_AES_GCM_128 ? !c->gcm128 : !c->gcm256)
		return sa->aead == IPSEC_AEAD_AES_GCM_128 ? "no aes-gcm-128" : "no aes-gcm-256";
	// Mode srv6: ESP after the SRH (transport over IPv6 with extension headers).
	if (sa->mode == IPSEC_MODE_SRV6 && !c->ext_headers)
		return "ESP after an SRH not parsed";
	if (sa->esn && !c->esn)
		return "no ESN";
	if (!protocol)
		return NULL;
	if (sa->mode == IPSEC_MODE_TUNNEL ? !c->tunnel : !c->transport)
		return sa->mode == IPSEC_MODE_TUNNEL ? "no tunnel mode" : "no transport mode";
	if (!out && sa->replay_window > c->replay_win_max)
		return "replay window too large";
	return NULL;
}

static void
note(char *why, size_t len, const char *what, const char *miss)
{
	size_t used;

	if (why == NULL || len == 0)
		return;
	used = strnlen(why, len);
	snprintf(why + used, len - used, "%s%s: %s", used ? "; " : "", what, miss);
}

enum ipsec_path
ipsec_path_choose(const struct ipsec_caps *caps, const struct ipsec_sa *sa, char *why,
		  size_t why_len)
{
	const char *miss;

	if (why != NULL && why_len > 0)
		why[0] = '\0';
	if ((miss = inline_misses(&caps->inline_protocol, sa, true)) == NULL)
		return IPSEC_PATH_INLINE_PROTOCOL;
	note(why, why_len, "inline protocol", miss);
	if ((miss = inline_misses(&caps->inline_crypto, sa, false)) == NULL)
		return IPSEC_PATH_INLINE_CRYPTO;
	note(why, why_len, "inline crypto", miss);
	if (caps->cpu_crypto)
		return IPSEC_PATH_CPU_CRYPTO;
	note(why, why_len, "cpu crypto", "no aesni_gcm/aesni_mb device");
	if (caps->lookaside)
		return IPSEC_PATH_LOOKASIDE;
	note(why, why_len, "lookaside", "no crypto device with AES-GCM");
	return IPSEC_PATH_NONE;
}
