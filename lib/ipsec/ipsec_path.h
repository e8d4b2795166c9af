// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Which way an SA's ESP is computed on a port: the choice, from capabilities
// the datapath reads (rte_security on the port, the crypto devices present),
// kept apart from DPDK so that it can be tested against any NIC.
//
// Order of preference: inline protocol (the NIC builds and checks ESP), inline
// crypto (software builds ESP, the NIC encrypts on the way out and decrypts on
// the way in), CPU crypto (librte_ipsec with a synchronous crypto PMD on the
// worker), lookaside (a queued crypto device: hardware, or crypto_openssl).
// Each inline kind must cover everything the SA needs; mode srv6 puts ESP
// after the SRH, which a NIC takes only if it says it parses extension
// headers before ESP.

#include <stdbool.h>
#include <stdint.h>

#include "ipsec_sa.h"

enum ipsec_path {
	IPSEC_PATH_NONE,
	IPSEC_PATH_INLINE_PROTOCOL,
	IPSEC_PATH_INLINE_CRYPTO,
	IPSEC_PATH_CPU_CRYPTO,
	IPSEC_PATH_LOOKASIDE,
};

// What one inline kind of a port offers for ESP with AES-GCM.
struct ipsec_inline_caps {
	bool present;
	bool gcm128, gcm256;	// AES-GCM key sizes
	bool tunnel, transport; // ESP modes (inline protocol)
	bool esn;
	uint32_t replay_win_max; // inline protocol: 0 = no anti-replay offload
	bool ext_headers;	 // ESP after IPv6 extension headers (an SRH)
	bool egress, ingress;
};

struct ipsec_caps {
	struct ipsec_inline_caps inline_protocol, inline_crypto; // the port's
	bool cpu_crypto; // a synchronous CPU-crypto device (aesni_gcm/_mb)
	bool lookaside;	 // a queued crypto device with AES-GCM
};

/**
 * The path for sa on a port with caps, and in *why (when not NULL) a short
 * reason each better path was passed over ("inline protocol: no aes-gcm-256;
 * inline crypto: absent"), for logs and the API.
 */
enum ipsec_path ipsec_path_choose(const struct ipsec_caps *caps, const struct ipsec_sa *sa,
				  char *why, size_t why_len);

const char *ipsec_path_name(enum ipsec_path p);
