// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// ESP for SRv6 traffic through librte_ipsec (the SAs come from lib/ipsec's
// table; the contract's modes in doc/api.md, "IPsec").
//
// Control side: dp_commit stages one librte_ipsec SA and crypto session per
// SA whose settings changed, before anything is published (a failure refuses
// the transaction), publishes them with the table side, and frees what they
// replaced after the grace period. The crypto device starts with the first
// SA, as datapath.crypto says (dp_api.h):
//   cpu-crypto  a CPU-crypto vdev (crypto_aesni_gcm, else crypto_aesni_mb):
//               the session runs synchronously on the worker
//               (RTE_SECURITY_ACTION_TYPE_CPU_CRYPTO), no queue to poll;
//   lookaside   a queued crypto device (one the EAL found: a hardware one, or
//               a --vdev; else crypto_openssl, created here): one queue pair
//               per worker (shared under a lock when the device has fewer),
//               its crypto ops allocated once per worker, each run of packets
//               enqueued and dequeued whole before librte_ipsec finishes it.
//               The worker waits for its run: the device's latency is not
//               hidden behind other packets (doc/design.md, "IPsec").
//
// Worker side:
//   mode srv6, out    after H.Encaps (dp_headend): ESP in transport mode over
//                     the outer IPv6 header and SRH, so the segment list stays
//                     readable: IPv6 / SRH (NH 50) / ESP (NH 4 or 41) / packet.
//   mode srv6, in     at a decapsulating SID with SL 0 whose upper layer is
//                     ESP (dp_sid): decrypted per burst, in runs of one SA; the
//                     SRH's next header is 4 or 41 again and dp_sid applies
//                     the SID's behaviour in the same pass.
//   mode tunnel, out  after H.Encaps: the SRv6 packet inside ESP behind the
//                     SA's outer header, then looked up toward tunnel.dst.
//   mode tunnel, in   ESP to our address (dp_local), its endpoints checked:
//                     the SRv6 packet inside looked up in the port's VRF.
// Before encrypting, the path MTU toward the destination is checked, so a
// too-big error can still quote the packet in clear. Drops by reason:
// esp_unknown_spi, esp_auth_failed, esp_replay, esp_malformed,
// esp_lifetime_expired, esp_no_sa; per SA, relaxed atomic counters (one add
// per run of packets).
//
// librte_ipsec wants one rte_ipsec_pkt_process() at a time per inbound SA
// (its replay window): with several workers an inbound SA is processed under
// its own spinlock, held for one run of packets.

#include "dp_ipsec.h"

#include <string.h>

#include <rte_cryptodev.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_ipsec.h>
#include <rte_malloc.h>
#include <rte_security.h>
#include <rte_spinlock.h>

#include "dp_stage.h"
#include "fib.h"
#include "ipsec_sa.h"

RTE_LOG_REGISTER_SUFFIX(dp_logtype_ipsec, ipsec, NOTICE);
#define LOG(level, ...) rte_log(RTE_LOG_##level, dp_logtype_ipsec, "ipsec: " __VA_ARGS__)

#define IV_OFFSET (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define GCM_IV_LEN 12
#define GCM_ICV_LEN 16
#define SPI_MAP_SIZE (2 * IPSEC_MAX_SAS) // power of two, half full at most
#define LOOKASIDE_QP_DEPTH 256		 // descriptors per queue pair (> DP_BURST)

struct dp_sa {
	struct rte_ipsec_session ss;
	struct rte_ipsec_sa *sa;
	void *crypto;	     // rte_cryptodev_sym_session
	struct ipsec_sa cfg; // what it was built from (its key wiped on free)
	uint8_t tun_hdr[40]; // mode tunnel, out: the outer header librte_ipsec prepends
	uint8_t tun_family;  // mode tunnel: 4 or 6
	uint8_t path;	     // enum ipsec_path in use
	rte_spinlock_t in_lock;
	// Counters (relaxed atomics: one add per run of packets).
	uint64_t packets, bytes;
	uint64_t drops[DP_IPSEC_SA_DROPS];
} __rte_cache_aligned;

// Inbound SAs by SPI: open addressing, rebuilt whole at each commit that
// changes SAs and published by pointer.
struct spi_map {
	struct {
		uint32_t spi;
		uint16_t slot1; // slot + 1, 0 = empty
	} e[SPI_MAP_SIZE];
};

// dp: ro (acquire loads); ctl: rw.
static struct dp_sa *sas[IPSEC_MAX_SAS];
static const struct spi_map *spi_map;

// Control side: the crypto device and what a commit staged.
static struct {
	enum dp_crypto_mode mode; // datapath.crypto
	bool ready;
	enum ipsec_path kind; // of the running device: cpu-crypto or lookaside
	uint8_t dev_id;
	char dev_name[RTE_CRYPTODEV_NAME_MAX_LEN];
	bool dev_ours; // created here (a vdev), removed at fini
	struct rte_mempool *sess_pool;
	struct dp_sa *staged[IPSEC_MAX_SAS]; // new object per changed slot
	bool changed[IPSEC_MAX_SAS];	     // slot changes (to staged, or to nothing)
	struct spi_map *staged_map;
	struct dp_sa *old[IPSEC_MAX_SAS]; // replaced, freed after the grace period
	const struct spi_map *old_map;
	bool any;
} ctl;

// Lookaside: worker w uses queue pair w % n_qp (under qp_lock when shared)
// and its own crypto ops, ops[w] (set before the first SA, then the worker's).
static struct {
	uint16_t n_qp;
	bool shared;
	struct rte_mempool *op_pool;
	rte_spinlock_t qp_lock[SRV6_MAX_WORKERS];
	struct rte_crypto_op *ops[SRV6_MAX_WORKERS][DP_BURST];
} lk;

// --- crypto device -------------------------------------------------------------------

int
dp_crypto_set(enum dp_crypto_mode mode)
{
	if ((unsigned int)mode >= DP_CRYPTO_MODES)
		return -EINVAL;
	if (ctl.ready && mode != ctl.mode)
		return -EBUSY;
	ctl.mode = mode;
	return 0;
}

enum dp_crypto_mode
dp_crypto_get(void)
{
	return ctl.mode;
}

void
dp_crypto_info(struct dp_crypto_info *out)
{
	*out = (struct dp_crypto_info){.mode = ctl.mode, .running = ctl.ready};
	if (!ctl.ready)
		return;
	out->path = ipsec_path_name(ctl.kind);
	snprintf(out->device, sizeof(out->device), "%s", ctl.dev_name);
	out->queue_pairs = ctl.kind == IPSEC_PATH_LOOKASIDE ? lk.n_qp : 0;
}

// A CPU-crypto vdev of ours: its id, or -1.
static int
cpu_device(char *name, size_t len)
{
	static const char *const vdevs[] = {"crypto_aesni_gcm", "crypto_aesni_mb"};
	struct rte_cryptodev_info info;

	for (unsigned int i = 0; i < RTE_DIM(vdevs); i++) {
		snprintf(name, len, "%s_srv6d", vdevs[i]);
		int id = rte_cryptodev_get_dev_id(name);
		if (id < 0 && rte_eal_hotplug_add("vdev", name, "") == 0)
			id = rte_cryptodev_get_dev_id(name);
		if (id < 0)
			continue;
		rte_cryptodev_info_get((uint8_t)id, &info);
		if (info.feature_flags & RTE_CRYPTODEV_FF_SYM_CPU_CRYPTO)
			return id;
		LOG(NOTICE, "%s has no CPU crypto: not used\n", name);
		rte_eal_hotplug_remove("vdev", name);
	}
	return -1;
}

static bool
has_aes_gcm(uint8_t id)
{
	struct rte_cryptodev_sym_capability_idx idx = {
		.type = RTE_CRYPTO_SYM_XFORM_AEAD,
		.algo.aead = RTE_CRYPTO_AEAD_AES_GCM,
	};
	const struct rte_cryptodev_symmetric_capability *c =
		rte_cryptodev_sym_capability_get(id, &idx);

	return c != NULL &&
	       rte_cryptodev_sym_capability_check_aead(c, 16, GCM_ICV_LEN, 8, GCM_IV_LEN) == 0;
}

// A queued crypto device with AES-GCM: the first the EAL found (hardware, or
// an operator's --vdev), else a crypto_openssl vdev of ours; its id, or -1.
static int
queued_device(char *name, size_t len, bool *ours)
{
	char args[48];
	int id;

	*ours = false;
	for (id = 0; id < RTE_CRYPTO_MAX_DEVS; id++) {
		if (!rte_cryptodev_is_valid_dev((uint8_t)id) || !has_aes_gcm((uint8_t)id))
			continue;
		snprintf(name, len, "%s", rte_cryptodev_name_get((uint8_t)id));
		return id;
	}
	snprintf(name, len, "crypto_openssl_srv6d");
	snprintf(args, sizeof(args), "max_nb_queue_pairs=%u", dp_g.n_workers);
	if (rte_eal_hotplug_add("vdev", name, args) != 0 ||
	    (id = rte_cryptodev_get_dev_id(name)) < 0)
		return -1;
	*ours = true;
	if (!has_aes_gcm((uint8_t)id)) {
		rte_eal_hotplug_remove("vdev", name);
		*ours = false;
		return -1;
	}
	return id;
}

// Lookaside: the workers' crypto ops (the IV lives after each op's symmetric
// part: IV_OFFSET) and queue pairs.
static int
lookaside_setup(uint8_t id, struct rte_cryptodev_qp_conf *qc, struct model_err *e)
{
	struct rte_cryptodev_info info;
	unsigned int n = dp_g.n_workers;

	rte_cryptodev_info_get(id, &info);
	lk.n_qp = (uint16_t)RTE_MIN(n, RTE_MAX(info.max_nb_queue_pairs, 1u));
	lk.shared = lk.n_qp < n;
	for (unsigned int i = 0; i < RTE_DIM(lk.qp_lock); i++)
		rte_spinlock_init(&lk.qp_lock[i]);
	lk.op_pool = rte_crypto_op_pool_create("dp_esp_ops", RTE_CRYPTO_OP_TYPE_SYMMETRIC,
					       n * DP_BURST + 64, 0, 16, (int)rte_socket_id());
	if (lk.op_pool == NULL)
		return model_err_set(e, -ENOMEM, "", "no memory for crypto operations");
	for (unsigned int w = 0; w < n; w++)
		if (rte_crypto_op_bulk_alloc(lk.op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC, lk.ops[w],
					     DP_BURST) != DP_BURST)
			return model_err_set(e, -ENOMEM, "", "no memory for crypto operations");
	qc->nb_descriptors = LOOKASIDE_QP_DEPTH;
	if (lk.shared)
		LOG(NOTICE, "%s has %u queue pairs for %u workers: shared under a lock\n",
		    ctl.dev_name, lk.n_qp, n);
	return 0;
}

static void
lookaside_fini(void)
{
	for (unsigned int w = 0; w < SRV6_MAX_WORKERS; w++)
		for (unsigned int i = 0; i < DP_BURST; i++) {
			rte_crypto_op_free(lk.ops[w][i]);
			lk.ops[w][i] = NULL;
		}
	rte_mempool_free(lk.op_pool);
	lk.op_pool = NULL;
}

static int
crypto_init(struct model_err *e)
{
	struct rte_cryptodev_qp_conf qc = {.nb_descriptors = 128};
	struct rte_cryptodev_config cc = {.socket_id = (int)rte_socket_id(), .nb_queue_pairs = 1};
	int id = -1, rc;

	if (ctl.ready)
		return 0;
	ctl.dev_ours = true;
	if (ctl.mode != DP_CRYPTO_LOOKASIDE)
		id = cpu_device(ctl.dev_name, sizeof(ctl.dev_name));
	ctl.kind = IPSEC_PATH_CPU_CRYPTO;
	if (id < 0 && ctl.mode != DP_CRYPTO_CPU) {
		id = queued_device(ctl.dev_name, sizeof(ctl.dev_name), &ctl.dev_ours);
		ctl.kind = IPSEC_PATH_LOOKASIDE;
	}
	if (id < 0)
		return model_err_set(
			e, -ENOTSUP, "",
			ctl.mode == DP_CRYPTO_CPU
				? "no CPU crypto device: datapath.crypto \"cpu\" needs DPDK's "
				  "crypto_ipsec_mb PMD (crypto_aesni_gcm or crypto_aesni_mb)"
				: "no crypto device with AES-GCM: IPsec needs DPDK's "
				  "crypto_ipsec_mb "
				  "PMD, a crypto device, or crypto_openssl");
	ctl.dev_id = (uint8_t)id;
	unsigned int sess_size = rte_cryptodev_sym_get_private_session_size((uint8_t)id);
	ctl.sess_pool = rte_cryptodev_sym_session_pool_create(
		"dp_esp_sess", 2 * IPSEC_MAX_SAS + 64, sess_size, 0, 0, (int)rte_socket_id());
	if (ctl.sess_pool == NULL) {
		rc = model_err_set(e, -ENOMEM, "", "no memory for crypto sessions");
		goto fail;
	}
	if (ctl.kind == IPSEC_PATH_LOOKASIDE) {
		if ((rc = lookaside_setup((uint8_t)id, &qc, e)) < 0)
			goto fail;
		cc.nb_queue_pairs = lk.n_qp;
	}
	qc.mp_session = ctl.sess_pool;
	rc = rte_cryptodev_configure((uint8_t)id, &cc);
	for (uint16_t q = 0; rc == 0 && q < cc.nb_queue_pairs; q++)
		rc = rte_cryptodev_queue_pair_setup((uint8_t)id, q, &qc, (int)rte_socket_id());
	if (rc == 0)
		rc = rte_cryptodev_start((uint8_t)id);
	if (rc < 0) {
		rc = model_err_set(e, -EIO, "", "cannot start the crypto device %s", ctl.dev_name);
		goto fail;
	}
	ctl.ready = true;
	LOG(INFO, "ESP on %s (%s)\n", ctl.dev_name, ipsec_path_name(ctl.kind));
	return 0;
fail:
	lookaside_fini();
	rte_mempool_free(ctl.sess_pool);
	ctl.sess_pool = NULL;
	if (ctl.dev_ours)
		rte_eal_hotplug_remove("vdev", ctl.dev_name);
	return rc;
}

// --- SA objects ----------------------------------------------------------------------

static void
sa_free(struct dp_sa *s)
{
	if (s == NULL)
		return;
	if (s->crypto != NULL)
		rte_cryptodev_sym_session_free(ctl.dev_id, s->crypto);
	rte_free(s->sa);
	ipsec_sa_wipe(&s->cfg);
	rte_free(s);
}

// Settings that need a new librte_ipsec SA when they change (all of them:
// an SA is replaced whole, its sequence numbers start again).
static bool
same_cfg(const struct ipsec_sa *a, const struct ipsec_sa *b)
{
	return a->dir == b->dir && a->spi == b->spi && a->mode == b->mode && a->aead == b->aead &&
	       a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0 &&
	       a->replay_window == b->replay_window && a->esn == b->esn &&
	       a->lifetime_bytes == b->lifetime_bytes &&
	       a->lifetime_packets == b->lifetime_packets && a->has_tunnel == b->has_tunnel &&
	       (!a->has_tunnel ||
		(memcmp(&a->tunnel_src, &b->tunnel_src, sizeof(a->tunnel_src)) == 0 &&
		 memcmp(&a->tunnel_dst, &b->tunnel_dst, sizeof(a->tunnel_dst)) == 0));
}

// Mode tunnel: the whole SRv6 packet (an IPv6 packet) inside ESP behind a new
// outer header from tunnel.src to tunnel.dst; outbound, that header is the
// template librte_ipsec copies in front of each packet (it fills in the
// lengths; an IPv4 header's checksum is ours, after).
static void
tunnel_prm(const struct ipsec_sa *cfg, struct dp_sa *s, struct rte_ipsec_sa_prm *prm)
{
	bool v4 = cfg->tunnel_src.family == AF_INET;
	uint8_t *h = s->tun_hdr;

	s->tun_family = v4 ? 4 : 6;
	prm->ipsec_xform.mode = RTE_SECURITY_IPSEC_SA_MODE_TUNNEL;
	prm->ipsec_xform.tunnel.type =
		v4 ? RTE_SECURITY_IPSEC_TUNNEL_IPV4 : RTE_SECURITY_IPSEC_TUNNEL_IPV6;
	if (v4) {
		h[0] = 0x45;
		h[6] = 0x40; // DF: ESP packets are not fragmented by us
		h[8] = 64;
		h[9] = IPPROTO_ESP;
		memcpy(h + 12, cfg->tunnel_src.bytes, 4);
		memcpy(h + 16, cfg->tunnel_dst.bytes, 4);
	} else {
		h[0] = 0x60;
		h[6] = IPPROTO_ESP;
		h[7] = 64;
		memcpy(h + 8, cfg->tunnel_src.bytes, 16);
		memcpy(h + 24, cfg->tunnel_dst.bytes, 16);
	}
	prm->tun.hdr = h;
	prm->tun.hdr_len = v4 ? 20 : 40;
	prm->tun.hdr_l3_off = 0;
	prm->tun.next_proto = IPPROTO_IPV6; // what travels inside: the SRv6 packet
}

// The path for cfg (lib/ipsec/ipsec_path.c) from what the ports and the
// running crypto device offer. Inline paths have no datapath here: one a
// port offers is logged and the device's path used instead (no NIC with
// inline IPsec was at hand to build and test it against).
static enum ipsec_path
choose_path(const struct ipsec_sa *cfg)
{
	struct ipsec_caps caps = {.cpu_crypto = ctl.kind == IPSEC_PATH_CPU_CRYPTO,
				  .lookaside = ctl.kind == IPSEC_PATH_LOOKASIDE};
	enum ipsec_path p;
	char why[200];
	uint16_t pid;

	RTE_ETH_FOREACH_DEV(pid) {
		void *sec = rte_eth_dev_get_sec_ctx(pid);
		if (sec != NULL)
			dp_ipsec_caps_from_security(rte_security_capabilities_get(sec), &caps);
	}
	p = ipsec_path_choose(&caps, cfg, why, sizeof(why));
	if (p == IPSEC_PATH_INLINE_PROTOCOL || p == IPSEC_PATH_INLINE_CRYPTO) {
		LOG(NOTICE, "SA %s: a port offers %s; %s is used (no inline datapath)\n", cfg->id,
		    ipsec_path_name(p), ipsec_path_name(ctl.kind));
		p = ctl.kind;
	} else {
		LOG(INFO, "SA %s: %s on %s (%s)\n", cfg->id, ipsec_path_name(p), ctl.dev_name, why);
	}
	return p;
}

static int
sa_build(const struct ipsec_sa *cfg, struct dp_sa **built, struct model_err *e)
{
	bool out = cfg->dir == IPSEC_DIR_OUT;
	unsigned int aes_len = cfg->key_len - IPSEC_SALT_LEN;
	struct rte_crypto_sym_xform x = {
		.type = RTE_CRYPTO_SYM_XFORM_AEAD,
		.aead = {.op = out ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT,
			 .algo = RTE_CRYPTO_AEAD_AES_GCM,
			 .key = {.data = cfg->key, .length = (uint16_t)aes_len},
			 .iv = {.offset = IV_OFFSET, .length = GCM_IV_LEN},
			 .digest_length = GCM_ICV_LEN,
			 .aad_length = cfg->esn ? 12 : 8},
	};
	struct rte_ipsec_sa_prm prm = {
		// Workers share an outbound SA's sequence numbers: atomic. An
		// inbound SA is processed under in_lock anyway, and librte_ipsec
		// keeps no replay state for one without a window, which
		// SQN_ATOM's prepare() would still lock (a NULL dereference).
		.flags = out ? RTE_IPSEC_SAFLAG_SQN_ATOM : 0,
		.ipsec_xform =
			{
				.spi = cfg->spi,
				.options.esn = cfg->esn,
				.direction = out ? RTE_SECURITY_IPSEC_SA_DIR_EGRESS
						 : RTE_SECURITY_IPSEC_SA_DIR_INGRESS,
				.proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP,
				.mode = RTE_SECURITY_IPSEC_SA_MODE_TRANSPORT,
				.replay_win_sz = cfg->replay_window,
			},
		.crypto_xform = &x,
		.trs = {.proto = IPPROTO_IPV6}, // the protected header: SRv6's outer IPv6
	};
	struct dp_sa *s;
	int size, rc;

	*built = NULL;
	enum ipsec_path path = choose_path(cfg);
	if (path != IPSEC_PATH_CPU_CRYPTO && path != IPSEC_PATH_LOOKASIDE)
		return model_err_set(e, -ENOTSUP, "", "no crypto path for SA \"%s\"", cfg->id);
	// RFC 4106 4: the salt travels with the key, in wire order.
	memcpy(&prm.ipsec_xform.salt, cfg->key + aes_len, IPSEC_SALT_LEN);
	s = rte_zmalloc("dp_sa", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s != NULL && cfg->mode == IPSEC_MODE_TUNNEL)
		tunnel_prm(cfg, s, &prm);
	size = rte_ipsec_sa_size(&prm);
	if (s == NULL || size < 0 ||
	    (s->sa = rte_zmalloc("dp_rte_sa", (size_t)size, RTE_CACHE_LINE_SIZE)) == NULL) {
		rte_free(s);
		return model_err_set(e, size < 0 ? size : -ENOMEM, "",
				     size < 0 ? "librte_ipsec refused the SA"
					      : "no memory for the SA");
	}
	s->cfg = *cfg;
	rte_spinlock_init(&s->in_lock);
	rc = rte_ipsec_sa_init(s->sa, &prm, (uint32_t)size);
	if (rc < 0) {
		sa_free(s);
		return model_err_set(e, rc, "", "librte_ipsec refused the SA (%d)", rc);
	}
	s->crypto = rte_cryptodev_sym_session_create(ctl.dev_id, &x, ctl.sess_pool);
	if (s->crypto == NULL) {
		sa_free(s);
		return model_err_set(e, -ENOMEM, "", "cannot create the crypto session");
	}
	s->ss = (struct rte_ipsec_session){
		.sa = s->sa,
		.type = path == IPSEC_PATH_CPU_CRYPTO ? RTE_SECURITY_ACTION_TYPE_CPU_CRYPTO
						      : RTE_SECURITY_ACTION_TYPE_NONE,
		.crypto = {.ses = s->crypto, .dev_id = ctl.dev_id},
	};
	rc = rte_ipsec_session_prepare(&s->ss);
	if (rc < 0) {
		sa_free(s);
		return model_err_set(e, rc, "", "librte_ipsec refused the session (%d)", rc);
	}
	s->path = (uint8_t)path;
	*built = s;
	return 0;
}

static uint32_t
spi_hash(uint32_t spi)
{
	return (spi * 2654435761u) & (SPI_MAP_SIZE - 1);
}

// --- commit ---------------------------------------------------------------------------

int
dp_ipsec_stage(const struct model *m, struct model_err *e)
{
	const struct ipsec_sa_table *tbl = ipsec_sa_table_find(m);
	int rc = 0;

	memset(ctl.changed, 0, sizeof(ctl.changed));
	memset(ctl.staged, 0, sizeof(ctl.staged));
	ctl.staged_map = NULL;
	ctl.any = false;
	for (uint32_t slot = 0; slot < IPSEC_MAX_SAS; slot++) {
		const struct ipsec_sa *cfg = tbl != NULL ? ipsec_sa_at(tbl, slot) : NULL;
		const struct dp_sa *cur = sas[slot];
		if (cfg == NULL && cur == NULL)
			continue;
		if (cfg != NULL && cur != NULL && same_cfg(cfg, &cur->cfg))
			continue;
		ctl.changed[slot] = true;
		ctl.any = true;
		if (cfg == NULL)
			continue;
		if ((rc = crypto_init(e)) < 0)
			goto undo;
		if ((rc = sa_build(cfg, &ctl.staged[slot], e)) < 0)
			goto undo;
	}
	if (!ctl.any)
		return 0;
	ctl.staged_map = rte_zmalloc("dp_spi_map", sizeof(*ctl.staged_map), RTE_CACHE_LINE_SIZE);
	if (ctl.staged_map == NULL) {
		rc = model_err_set(e, -ENOMEM, "", "no memory for the SPI table");
		goto undo;
	}
	for (uint32_t slot = 0; slot < IPSEC_MAX_SAS; slot++) {
		const struct ipsec_sa *cfg = tbl != NULL ? ipsec_sa_at(tbl, slot) : NULL;
		if (cfg == NULL || cfg->dir != IPSEC_DIR_IN)
			continue;
		uint32_t i = spi_hash(cfg->spi);
		while (ctl.staged_map->e[i].slot1 != 0)
			i = (i + 1) & (SPI_MAP_SIZE - 1);
		ctl.staged_map->e[i].spi = cfg->spi;
		ctl.staged_map->e[i].slot1 = (uint16_t)(slot + 1);
	}
	return 0;
undo:
	dp_ipsec_unstage();
	return rc;
}

void
dp_ipsec_unstage(void)
{
	for (uint32_t slot = 0; slot < IPSEC_MAX_SAS; slot++) {
		sa_free(ctl.staged[slot]);
		ctl.staged[slot] = NULL;
	}
	rte_free(ctl.staged_map);
	ctl.staged_map = NULL;
	ctl.any = false;
}

void
dp_ipsec_publish(void)
{
	if (!ctl.any)
		return;
	for (uint32_t slot = 0; slot < IPSEC_MAX_SAS; slot++) {
		if (!ctl.changed[slot])
			continue;
		ctl.old[slot] = sas[slot];
		__atomic_store_n(&sas[slot], ctl.staged[slot], __ATOMIC_RELEASE);
		ctl.staged[slot] = NULL;
	}
	ctl.old_map = spi_map;
	__atomic_store_n(&spi_map, ctl.staged_map, __ATOMIC_RELEASE);
	ctl.staged_map = NULL;
}

void
dp_ipsec_reclaim(void)
{
	if (!ctl.any)
		return;
	for (uint32_t slot = 0; slot < IPSEC_MAX_SAS; slot++) {
		sa_free(ctl.old[slot]);
		ctl.old[slot] = NULL;
	}
	rte_free((void *)(uintptr_t)ctl.old_map);
	ctl.old_map = NULL;
	ctl.any = false;
}

void
dp_ipsec_fini(void)
{
	for (uint32_t slot = 0; slot < IPSEC_MAX_SAS; slot++) {
		sa_free(sas[slot]);
		sas[slot] = NULL;
	}
	rte_free((void *)(uintptr_t)spi_map);
	spi_map = NULL;
	if (!ctl.ready)
		return;
	rte_cryptodev_stop(ctl.dev_id);
	rte_cryptodev_close(ctl.dev_id);
	if (ctl.dev_ours)
		rte_eal_hotplug_remove("vdev", ctl.dev_name);
	lookaside_fini();
	rte_mempool_free(ctl.sess_pool);
	ctl.sess_pool = NULL;
	ctl.ready = false;
}

int
dp_ipsec_sa_counters(uint32_t slot, struct dp_ipsec_sa_counters *out)
{
	const struct dp_sa *s = slot < IPSEC_MAX_SAS ? sas[slot] : NULL;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -ENOENT;
	out->path = ipsec_path_name((enum ipsec_path)s->path);
	out->packets = __atomic_load_n(&s->packets, __ATOMIC_RELAXED);
	out->bytes = __atomic_load_n(&s->bytes, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < DP_IPSEC_SA_DROPS; i++)
		out->drops[i] = __atomic_load_n(&s->drops[i], __ATOMIC_RELAXED);
	return 0;
}

// --- worker side ----------------------------------------------------------------------

static inline void
sa_drop(struct dp_lcore *lc, struct dp_sa *s, struct rte_mbuf *m, enum dp_drop_reason r,
	enum dp_ipsec_sa_drop sd)
{
	if (s != NULL)
		__atomic_fetch_add(&s->drops[sd], 1, __ATOMIC_RELAXED);
	dp_drop(lc, m, r);
}

// How many of the run's first packets the SA's lifetime still allows (RFC
// 4301 4.4.2.1: a hard limit). Workers sharing an SA may overshoot it by what
// they process at the same moment: the counters are read, not reserved.
static inline uint16_t
lifetime_allows(const struct dp_sa *s, struct rte_mbuf *const *m, uint16_t n)
{
	uint64_t p = __atomic_load_n(&s->packets, __ATOMIC_RELAXED);
	uint64_t b = __atomic_load_n(&s->bytes, __ATOMIC_RELAXED);
	uint16_t k = 0;

	if (likely(s->cfg.lifetime_packets == 0 && s->cfg.lifetime_bytes == 0))
		return n;
	while (k < n) {
		p++;
		b += m[k]->pkt_len;
		if ((s->cfg.lifetime_packets != 0 && p > s->cfg.lifetime_packets) ||
		    (s->cfg.lifetime_bytes != 0 && b > s->cfg.lifetime_bytes))
			break;
		k++;
	}
	return k;
}

// Lookaside: the run's crypto through the worker's queue pair, whole: m[]
// prepared (what prepare() refuses moves to the end), enqueued, and waited
// for. A failed ICV is flagged as CPU crypto flags it, for process(); an
// operation the device refused or failed otherwise is dropped here
// (esp_crypto_failed) and the rest of m[] closes up, *n with it. Returns how
// many of the first packets are prepared.
static uint16_t
lookaside_crypt(struct dp_lcore *lc, struct dp_sa *s, struct rte_mbuf **m, uint16_t *n)
{
	struct rte_crypto_op **ops = lk.ops[lc->idx], *done[DP_BURST];
	uint16_t qp = (uint16_t)(lc->idx % lk.n_qp), k, sent = 0, back = 0, kept = 0;

	k = rte_ipsec_pkt_crypto_prepare(&s->ss, m, ops, *n);
	if (lk.shared)
		rte_spinlock_lock(&lk.qp_lock[qp]);
	while (sent < k) {
		uint16_t x = rte_cryptodev_enqueue_burst(ctl.dev_id, qp, ops + sent, k - sent);
		if (x == 0)
			break; // refused: the rest are dropped below
		sent += x;
	}
	// The device owns the ops and their packets until it hands them back.
	while (back < sent)
		back += rte_cryptodev_dequeue_burst(ctl.dev_id, qp, done, sent - back);
	if (lk.shared)
		rte_spinlock_unlock(&lk.qp_lock[qp]);
	// ops[i] still belongs to m[i], whatever order they came back in.
	for (uint16_t i = 0; i < k; i++) {
		uint8_t st = i < sent ? ops[i]->status : RTE_CRYPTO_OP_STATUS_ERROR;
		if (st == RTE_CRYPTO_OP_STATUS_AUTH_FAILED)
			m[i]->ol_flags |= RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
		else if (st != RTE_CRYPTO_OP_STATUS_SUCCESS) {
			dp_drop(lc, m[i], DP_DROP_esp_crypto_failed);
			continue;
		}
		m[kept++] = m[i];
	}
	if (kept < k) {
		memmove(m + kept, m + k, (size_t)(*n - k) * sizeof(*m));
		*n = (uint16_t)(*n - (k - kept));
	}
	return kept;
}

// One run of packets for SA s: m[] at the outer IPv6 header, l3_len set.
// Returns how many came through (moved to the front of m[]); the others
// are dropped with their reason.
static uint16_t
run_sa(struct dp_lcore *lc, struct dp_sa *s, struct rte_mbuf **m, uint16_t n, bool in)
{
	uint64_t bytes = 0;
	uint16_t k, ok, live = lifetime_allows(s, m, n);

	for (uint16_t i = live; i < n; i++)
		sa_drop(lc, s, m[i], DP_DROP_esp_lifetime_expired, DP_IPSEC_SA_LIFETIME);
	n = live;
	if (in && dp_g.n_workers > 1)
		rte_spinlock_lock(&s->in_lock);
	if (likely(s->path == IPSEC_PATH_CPU_CRYPTO))
		k = rte_ipsec_pkt_cpu_prepare(&s->ss, m, n);
	else
		k = lookaside_crypt(lc, s, m, &n);
	ok = rte_ipsec_pkt_process(&s->ss, m, k);
	if (in && dp_g.n_workers > 1)
		rte_spinlock_unlock(&s->in_lock);
	// prepare() refuses what fails the replay check (or is too short to be
	// ESP: checked by the caller first); process() what fails the ICV
	// (flagged by the crypto), the padding or, within the run, the window.
	for (uint16_t i = ok; i < k; i++) {
		if (m[i]->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED)
			sa_drop(lc, s, m[i], DP_DROP_esp_auth_failed, DP_IPSEC_SA_AUTH);
		else if (in)
			sa_drop(lc, s, m[i], DP_DROP_esp_malformed, DP_IPSEC_SA_MALFORMED);
		else
			sa_drop(lc, s, m[i], DP_DROP_no_headroom, DP_IPSEC_SA_MALFORMED);
	}
	for (uint16_t i = k; i < n; i++) {
		if (m[i]->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED)
			sa_drop(lc, s, m[i], DP_DROP_esp_auth_failed, DP_IPSEC_SA_AUTH);
		else if (in)
			sa_drop(lc, s, m[i], DP_DROP_esp_replay, DP_IPSEC_SA_REPLAY);
		else
			sa_drop(lc, s, m[i], DP_DROP_no_headroom, DP_IPSEC_SA_MALFORMED);
	}
	bytes = 0;
	for (uint16_t i = 0; i < ok; i++)
		bytes += m[i]->pkt_len;
	__atomic_fetch_add(&s->packets, ok, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->bytes, bytes, __ATOMIC_RELAXED);
	return ok;
}

// Mode tunnel prepends the outer header and ESP's (40 + 16 bytes at most),
// and dp_fwd an Ethernet header, in front of our own IPv6 header and SRH:
// more than the 128 bytes of headroom a received mbuf has with an SRH. The
// packet moves toward the tail then (one copy, mode tunnel only).
#define TUNNEL_HEADROOM (40 + 16 + RTE_ETHER_HDR_LEN + 4)

// Bytes ESP adds to any packet protected by s but its padding (RFC 4303 2:
// SPI and sequence number, IV, pad length and next header, ICV; mode tunnel:
// the outer header too).
static inline uint32_t
esp_fixed(const struct dp_sa *s)
{
	return 8 + 8 + 2 + GCM_ICV_LEN +
	       (s->cfg.mode == IPSEC_MODE_TUNNEL ? (s->tun_family == 4 ? 20u : 40u) : 0u);
}

// With the padding to a 4-byte boundary, for a packet of len bytes. Mode
// srv6 protects what follows our headers (encap_len bytes).
static inline uint32_t
esp_overhead(const struct dp_sa *s, uint32_t len, uint32_t encap_len)
{
	uint32_t payload = s->cfg.mode == IPSEC_MODE_SRV6 ? len - encap_len : len;

	return esp_fixed(s) + (4 - (payload + 2) % 4) % 4;
}

// The MTU toward where s's packets go (mode srv6: the first segment, the DA
// already in the packet; tunnel: tunnel.dst), from one lookup in the default
// VRF per run of packets: the smallest port MTU of the next hop (of its
// members, for ECMP). 0 when it is not a port (no route, local...): the
// packet goes on and meets what it would have met in clear.
static uint32_t
path_mtu(const struct dp_tables *t, const struct dp_sa *s, const struct rte_mbuf *m)
{
	bool v4 = s->cfg.mode == IPSEC_MODE_TUNNEL && s->tun_family == 4;
	const struct fib *f = v4 ? t->fib4[MODEL_DEFAULT_VRF] : t->fib6[MODEL_DEFAULT_VRF];
	const uint8_t *dst = s->cfg.mode == IPSEC_MODE_TUNNEL
				     ? s->cfg.tunnel_dst.bytes
				     : rte_pktmbuf_mtod(m, const uint8_t *) + 24;
	const struct dp_nh *nh;
	uint32_t id, mtu = 0;

	if (f == NULL || (id = fib_lookup(f, dst)) == 0)
		return 0;
	nh = &dp_g.nh[id];
	if (nh->type == DNH_ECMP) {
		for (uint16_t i = 0; i < nh->n_slots; i++) {
			const struct dp_nh *mb = &dp_g.nh[nh->slots[i]];
			if ((mb->type == DNH_IP || mb->type == DNH_RESOLVE) &&
			    (mtu == 0 || t->ports[mb->port].mtu < mtu))
				mtu = t->ports[mb->port].mtu;
		}
		return mtu;
	}
	return nh->type == DNH_IP || nh->type == DNH_RESOLVE ? t->ports[nh->port].mtu : 0;
}

void
dp_ipsec_out(struct dp_lcore *lc, const struct dp_tables *t, struct rte_mbuf **m,
	     const uint16_t *slot, uint16_t n, struct dp_vec *next)
{
	uint16_t i = 0;

	while (i < n) {
		uint16_t j = i + 1;
		while (j < n && slot[j] == slot[i])
			j++;
		struct dp_sa *s = __atomic_load_n(&sas[slot[i]], __ATOMIC_ACQUIRE);
		uint16_t run = j - i, ok = 0;
		if (unlikely(s == NULL)) {
			// Never in clear: an SA the datapath holds no state for.
			for (uint16_t x = i; x < j; x++)
				dp_drop(lc, m[x], DP_DROP_esp_no_sa);
		} else {
			uint16_t keep = 0;
			uint32_t mtu = path_mtu(t, s, m[i]);
			for (uint16_t x = 0; x < run; x++) {
				struct rte_mbuf *p = m[i + x];
				uint16_t encap = dp_meta(p)->encap_len;
				// Too big once protected: the error quotes the customer
				// packet in clear, and the MTU it announces leaves room for
				// ESP's worst case (3 bytes of padding).
				if (mtu != 0 &&
				    p->pkt_len + esp_overhead(s, p->pkt_len, encap) > mtu) {
					uint32_t room = esp_fixed(s) + 3;
					if (dp_icmp_too_big(lc, t, p,
							    mtu > room ? mtu - room : 0) == DP_NEXT)
						dp_vec_push(next, p);
					continue;
				}
				p->l2_len = 0;
				p->ol_flags &= ~RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
				// srv6: ESP after the SRH; tunnel: the whole packet inside.
				p->l3_len =
					s->cfg.mode == IPSEC_MODE_SRV6 ? dp_meta(p)->encap_len : 0;
				if (s->cfg.mode == IPSEC_MODE_TUNNEL &&
				    unlikely(srv6_make_headroom(p, TUNNEL_HEADROOM) < 0)) {
					dp_drop(lc, p, DP_DROP_no_headroom);
					continue;
				}
				// encap_len grows by what ESP adds (the packets that
				// come through may be fewer and reordered): minus the
				// length now, plus the length after, modulo 2^16.
				dp_meta(p)->encap_len = (uint16_t)(encap - p->pkt_len);
				m[i + keep++] = p;
			}
			ok = run_sa(lc, s, m + i, keep, false);
			for (uint16_t x = 0; x < ok; x++) {
				struct rte_mbuf *p = m[i + x];
				struct dp_meta *md = dp_meta(p);
				// The ESP overhead counts as ours: a too-big error
				// quotes the customer packet, not our headers.
				md->encap_len = (uint16_t)(md->encap_len + p->pkt_len);
				if (s->cfg.mode == IPSEC_MODE_TUNNEL) {
					// Routed in the default VRF toward tunnel.dst.
					uint8_t *h = rte_pktmbuf_mtod(p, uint8_t *);
					md->family = s->tun_family;
					md->vrf = MODEL_DEFAULT_VRF;
					md->flags &= (uint8_t)~DP_F_HASHED;
					if (s->tun_family == 4) {
						pkt_put_be16(h + 10, 0);
						pkt_put_be16(h + 10, pkt_ip4_hdr_cksum(h, 20));
					}
				}
				dp_vec_push(next, p);
			}
		}
		i = j;
	}
}

static inline struct dp_sa *
sa_by_spi(uint32_t spi)
{
	const struct spi_map *map = __atomic_load_n(&spi_map, __ATOMIC_ACQUIRE);

	if (map == NULL)
		return NULL;
	for (uint32_t i = spi_hash(spi); map->e[i].slot1 != 0; i = (i + 1) & (SPI_MAP_SIZE - 1))
		if (map->e[i].spi == spi)
			return __atomic_load_n(&sas[map->e[i].slot1 - 1], __ATOMIC_ACQUIRE);
	return NULL;
}

// The inbound SA of mode `mode` for the ESP at esp_off, after the checks
// that need no crypto: an SPI to read (esp_malformed), an SA with it
// (esp_unknown_spi), then, counted on the SA too (malformed): SPI, sequence
// number, IV, pad length and next header and ICV present, and a ciphertext
// of whole 4-byte words (RFC 4303 2.4). NULL when m was dropped.
static struct dp_sa *
inbound_sa(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t esp_off, enum ipsec_mode mode)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	struct dp_sa *s;
	uint32_t body;

	if (unlikely(m->nb_segs != 1 || m->data_len < esp_off + 4u)) {
		dp_drop(lc, m, DP_DROP_esp_malformed);
		return NULL;
	}
	s = sa_by_spi(pkt_get_be32(d + esp_off));
	if (s == NULL || s->cfg.mode != mode) {
		dp_drop(lc, m, DP_DROP_esp_unknown_spi);
		return NULL;
	}
	body = m->data_len - esp_off;
	if (unlikely(body < 8u + 8u + 4u + GCM_ICV_LEN ||
		     (body - 8u - 8u - GCM_ICV_LEN) % 4 != 0)) {
		sa_drop(lc, s, m, DP_DROP_esp_malformed, DP_IPSEC_SA_MALFORMED);
		return NULL;
	}
	return s;
}

// The low 32 bits of an ESP packet's sequence number (RFC 4303 2.2).
static inline uint32_t
esp_seq(const struct rte_mbuf *m)
{
	return pkt_get_be32(rte_pktmbuf_mtod(m, const uint8_t *) + m->l3_len + 4);
}

void
dp_ipsec_in_srv6(struct dp_lcore *lc, struct rte_mbuf **m, uint16_t n, struct dp_vec *opened)
{
	struct dp_sa *sa_of[DP_BURST];
	struct rte_mbuf *ok[DP_BURST];
	uint16_t k = 0;

	// Checks without crypto first; what passes keeps its order.
	for (uint16_t i = 0; i < n; i++) {
		struct dp_sa *s = inbound_sa(lc, m[i], m[i]->l3_len, IPSEC_MODE_SRV6);
		if (s == NULL)
			continue;
		m[i]->l2_len = 0;
		m[i]->ol_flags &= ~RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
		sa_of[k] = s;
		ok[k++] = m[i];
	}
	// Runs of one SA through librte_ipsec together; each decrypted packet
	// goes to `opened`, where dp_sid runs its SID again on it (counted once,
	// its behaviour applied to what was inside).
	// A run also ends where the sequence number does not rise: prepare()
	// checks the window as it was before the run, so a replay inside one
	// would only fail in process(), unnamed.
	for (uint16_t i = 0; i < k;) {
		uint16_t j = i + 1, done;
		while (j < k && sa_of[j] == sa_of[i] && esp_seq(ok[j]) > esp_seq(ok[j - 1]))
			j++;
		done = run_sa(lc, sa_of[i], ok + i, (uint16_t)(j - i), true);
		for (uint16_t x = 0; x < done; x++) {
			dp_vec_push(opened, ok[i + x]);
		}
		i = j;
	}
}

int
dp_ipsec_in_tunnel(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t esp_off)
{
	struct dp_meta *md = dp_meta(m);
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	bool v4 = md->family == 4;
	struct dp_sa *s;

	s = inbound_sa(lc, m, esp_off, IPSEC_MODE_TUNNEL);
	if (s == NULL)
		return DP_DONE;
	// RFC 4301 5.2: the SA's own tunnel endpoints, or not this SA.
	if ((s->tun_family == 4) != v4 ||
	    memcmp(d + (v4 ? 12 : 8), s->cfg.tunnel_src.bytes, v4 ? 4 : 16) != 0 ||
	    memcmp(d + (v4 ? 16 : 24), s->cfg.tunnel_dst.bytes, v4 ? 4 : 16) != 0) {
		dp_drop(lc, m, DP_DROP_esp_unknown_spi);
		return DP_DONE;
	}
	m->l2_len = 0;
	m->l3_len = esp_off;
	m->ol_flags &= ~RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;
	if (run_sa(lc, s, &m, 1, true) != 1)
		return DP_DONE;
	// What was inside is looked up as if it had come in on the same port.
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	md->family = (d[0] >> 4) == 4 ? 4 : 6;
	md->vrf = md->in_vrf;
	md->flags &= (uint8_t) ~(DP_F_NO_TTL_DEC | DP_F_HASHED);
	md->encap_len = 0;
	return DP_NEXT;
}
