// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// IPsec SAs on the control side: the SA object of the contract (ESP, RFC 4303,
// with AES-GCM per RFC 4106), its validation, and the SA table, which takes
// part in the model's transactions (a batch or a config file is applied whole
// or not at all). No DPDK and no JSON here: lib/ctl translates JSON into
// struct ipsec_sa, and the datapath will derive its librte_ipsec SAs from the
// table the way lib/dp derives its FIBs from the model.
//
// Keys are secrets: no function here puts key material into an error message,
// and memory that held a key is wiped before it is freed.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "model.h"

// Room for 1,024 SAs: a full mesh of 512 peers with one SA each way, far
// beyond seed 002's sites. The table is a fixed array, snapshot whole by the
// first change of a txn (about 150 KB).
#define IPSEC_MAX_SAS 1024

// RFC 4303 2.1: SPIs 1..255 are reserved by IANA, 0 is for local use.
#define IPSEC_SPI_MIN 256u

// The anti-replay window (RFC 4303 3.4.3): 64 packets by default, 0 turns the
// check off. The bound keeps the per-SA bitmap small (librte_ipsec keeps one
// bit per packet of the window; 4,096 packets is 512 bytes per SA), is what
// Linux's xfrm accepts at most (XFRMA_REPLAY_ESN_MAX, a 4,096-bit bitmap), so
// a Linux peer's settings always fit, and still covers the reordering of a
// multi-queue sender. Inline NICs may offer less (rte_security's
// replay_win_sz_max): the datapath checks that per port.
#define IPSEC_REPLAY_WINDOW_DEFAULT 64u
#define IPSEC_REPLAY_WINDOW_MAX 4096u

// RFC 4106 4: the AES key, then a 4-byte salt.
#define IPSEC_SALT_LEN 4
#define IPSEC_KEY_MAX (32 + IPSEC_SALT_LEN)

enum ipsec_dir { IPSEC_DIR_OUT, IPSEC_DIR_IN };
enum ipsec_mode { IPSEC_MODE_TUNNEL, IPSEC_MODE_SRV6 };
enum ipsec_aead { IPSEC_AEAD_AES_GCM_128, IPSEC_AEAD_AES_GCM_256 };

struct ipsec_sa {
	bool used; // table slot in use
	char id[MODEL_NAME_LEN];
	enum ipsec_dir dir;
	uint32_t spi;
	enum ipsec_mode mode;
	enum ipsec_aead aead;
	uint8_t key_len;	    // AES key + salt bytes (20 or 36)
	uint8_t key[IPSEC_KEY_MAX]; // secret
	bool has_tunnel;	    // mode tunnel: always
	struct ip_addr tunnel_src;  // outbound: ours; inbound: the peer's
	struct ip_addr tunnel_dst;  // outbound: the peer's; inbound: ours
	uint32_t replay_window;	    // packets, 0 = off
	bool esn;		    // RFC 4303 2.2.1 extended sequence numbers
	uint64_t lifetime_bytes;    // 0 = none given
	uint64_t lifetime_packets;  // 0 = none given
};

// Names, both ways: "out"/"in", "tunnel"/"srv6", "aes-gcm-128"/"aes-gcm-256".
// Parsers return 0 or -EINVAL.
const char *ipsec_dir_name(enum ipsec_dir d);
const char *ipsec_mode_name(enum ipsec_mode m);
const char *ipsec_aead_name(enum ipsec_aead a);
int ipsec_dir_parse(const char *s, enum ipsec_dir *out);
int ipsec_mode_parse(const char *s, enum ipsec_mode *out);
int ipsec_aead_parse(const char *s, enum ipsec_aead *out);

// Bytes of key material the AEAD takes: AES key + salt (20 for aes-gcm-128,
// 36 for aes-gcm-256).
size_t ipsec_aead_key_len(enum ipsec_aead a);

// Parse the hex key (an optional "0x" prefix, then 2 digits per byte, either
// case) for aead into key[] and *len. Errors name the field "key" and say
// what is wrong (length expected and found, the position of a bad digit),
// never the digits themselves. 0 or -EINVAL.
int ipsec_key_parse(const char *hex, enum ipsec_aead aead, uint8_t key[IPSEC_KEY_MAX], uint8_t *len,
		    struct model_err *e);

// Lower-case hex of the key into buf (2 * key_len + 1 bytes); returns buf.
// Only for config.get {"secrets": true} and config.save.
char *ipsec_key_fmt(const struct ipsec_sa *sa, char *buf, size_t len);

// The rules of one SA on its own: id a name, spi >= 256, key length for the
// aead, tunnel present (both addresses of one family, unicast) for mode tunnel
// and absent for mode srv6, replay window <= IPSEC_REPLAY_WINDOW_MAX, ESN
// only with a replay window, lifetimes >= 1 when given. 0 or -EINVAL with
// e->field the offending field ("tunnel.dst", "replay_window"...).
int ipsec_sa_check(const struct ipsec_sa *sa, struct model_err *e);

// Write zeros over the SA's key (before its memory is reused or freed).
void ipsec_sa_wipe(struct ipsec_sa *sa);

// --- the table ------------------------------------------------------------------

struct ipsec_sa_table {
	struct ipsec_sa sa[IPSEC_MAX_SAS]; // slot = index, stable while the SA exists
	unsigned int n;			   // slots used
	// The table as it was before the open txn's first change (NULL when the
	// txn changed nothing): put back on abort, wiped and freed on end.
	struct ipsec_sa *snap;
	unsigned int snap_n;
};

// m's table, created and attached (m->ipsec, m->ext) on first use; NULL when
// out of memory. model_fini frees it.
struct ipsec_sa_table *ipsec_sa_table_get(struct model *m);
// m's table, or NULL when none was attached (then there is no SA).
const struct ipsec_sa_table *ipsec_sa_table_find(const struct model *m);

// Slot of the SA called id, or -ENOENT.
int ipsec_sa_find(const struct ipsec_sa_table *tbl, const char *id);
// The SA in slot, or NULL when the slot is free or out of range.
const struct ipsec_sa *ipsec_sa_at(const struct ipsec_sa_table *tbl, uint32_t slot);

// Add sa, or replace the SA with its id in place (same slot). Checks
// ipsec_sa_check, the uniqueness of (in, spi) among inbound SAs (-EEXIST,
// field "spi", naming the other SA), that a replacement does not make an SA
// some route uses inbound (-EBUSY naming the route), and room (-ENOSPC).
// Needs the open txn t; the change is undone if t aborts. *slot (may be
// NULL) gets the SA's slot. 0 or -errno with e filled.
int ipsec_sa_add(struct model_txn *t, const struct ipsec_sa *sa, uint32_t *slot,
		 struct model_err *e);
// Delete the SA called id: -ENOENT when absent (field "id"), -EBUSY when a
// route next hop uses it (the message names the route: "vrf V prefix P").
int ipsec_sa_del(struct model_txn *t, const char *id, struct model_err *e);

// The first route of m whose next hop uses slot, written into buf as
// "vrf NAME prefix P"; true when there is one.
bool ipsec_sa_user(const struct model *m, uint32_t slot, char *buf, size_t len);

// Resolve a route next hop's ipsec_sa: the slot of the outbound SA called id.
// -ENOENT when there is none (field ""), -EINVAL when it is inbound.
int ipsec_sa_resolve_out(const struct model *m, const char *id, uint32_t *slot,
			 struct model_err *e);

// Slots in use, sorted by id, into out (room for IPSEC_MAX_SAS); returns the count.
unsigned int ipsec_sa_list(const struct ipsec_sa_table *tbl, uint32_t *out);
