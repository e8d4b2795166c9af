// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// A port's inline IPsec as lib/ipsec's path choice sees it, read from the
// rte_security capability list its driver publishes (ixgbe, txgbe and iavf:
// inline crypto; cnxk: inline protocol; mlx5 and virtual ports: none).
// Pure: no EAL, so the unit test feeds it the lists those drivers publish.

#include <rte_cryptodev.h>
#include <rte_security.h>

#include "dp_ipsec.h"

static bool
key_size_ok(const struct rte_crypto_param_range *r, uint16_t size)
{
	if (size < r->min || size > r->max)
		return false;
	return r->increment == 0 ? size == r->min || size == r->max
				 : (size - r->min) % r->increment == 0;
}

static void
gcm_sizes(const struct rte_cryptodev_capabilities *c, struct ipsec_inline_caps *out)
{
	for (; c != NULL && c->op != RTE_CRYPTO_OP_TYPE_UNDEFINED; c++) {
		if (c->op != RTE_CRYPTO_OP_TYPE_SYMMETRIC ||
		    c->sym.xform_type != RTE_CRYPTO_SYM_XFORM_AEAD ||
		    c->sym.aead.algo != RTE_CRYPTO_AEAD_AES_GCM)
			continue;
		out->gcm128 |= key_size_ok(&c->sym.aead.key_size, 16);
		out->gcm256 |= key_size_ok(&c->sym.aead.key_size, 32);
	}
}

void
dp_ipsec_caps_from_security(const struct rte_security_capability *cap, struct ipsec_caps *out)
{
	for (; cap != NULL && cap->action != RTE_SECURITY_ACTION_TYPE_NONE; cap++) {
		struct ipsec_inline_caps *k;
		if (cap->protocol != RTE_SECURITY_PROTOCOL_IPSEC ||
		    cap->ipsec.proto != RTE_SECURITY_IPSEC_SA_PROTO_ESP)
			continue;
		if (cap->action == RTE_SECURITY_ACTION_TYPE_INLINE_PROTOCOL)
			k = &out->inline_protocol;
		else if (cap->action == RTE_SECURITY_ACTION_TYPE_INLINE_CRYPTO)
			k = &out->inline_crypto;
		else
			continue;
		k->present = true;
		if (cap->ipsec.direction == RTE_SECURITY_IPSEC_SA_DIR_EGRESS)
			k->egress = true;
		else
			k->ingress = true;
		if (cap->ipsec.mode == RTE_SECURITY_IPSEC_SA_MODE_TUNNEL)
			k->tunnel = true;
		else
			k->transport = true;
		k->esn |= cap->ipsec.options.esn != 0;
		if (cap->ipsec.replay_win_sz_max > k->replay_win_max)
			k->replay_win_max = cap->ipsec.replay_win_sz_max;
		gcm_sizes(cap->crypto_capabilities, k);
		// No rte_security flag says a NIC finds ESP behind an SRH: mode
		// srv6 never goes inline (ext_headers stays false).
	}
}
