// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
//
// dpdk-dumpcap on srv6d's ports (pdump.h), and the grace period DPDK 22.11's
// rte_pdump lacks.
//
// When a capture ends, dpdk-dumpcap asks us (rte_pdump's IPC handler, on the
// EAL's rte_mp_handle thread) to remove its callbacks, waits for the answer,
// then frees its ring and mbuf pool. rte_pdump 22.11 removes the callbacks
// from the ethdev lists and answers at once: a worker that had entered the
// callback before (or was preempted inside it) goes on copying packets into
// the freed pool. DPDK's allocator clears freed memory, so that worker reads
// the pool's ops index as 0 and calls the first mempool driver registered
// (octeontx_fpavf here): a SEGV in librte_mempool_octeontx under
// rte_pktmbuf_copy <- rte_pcapng_copy <- librte_pdump. ethdev documents the
// duty (rte_eth_remove_rx_callback: the caller must let in-flight callbacks
// finish); upstream rte_pdump does it since 25.11 ("pdump: fix races in
// callbacks"). Until then srv6d supplies its own rte_eth_remove_rx_callback
// and rte_eth_remove_tx_callback: the executable's definitions come first in
// the dynamic linker's search order, so librte_pdump calls these, which call
// librte_ethdev's and then wait for the workers' grace period (dp_quiesce)
// before rte_pdump answers. Nothing else in srv6d removes ethdev callbacks.

#define _GNU_SOURCE
#include "pdump.h"

#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_pdump.h>

#include "dp_api.h"

typedef int (*remove_cb_fn)(uint16_t port_id, uint16_t queue_id,
			    const struct rte_eth_rxtx_callback *user_cb);

static int
remove_then_quiesce(const char *name, remove_cb_fn *ethdev, uint16_t port_id, uint16_t queue_id,
		    const struct rte_eth_rxtx_callback *user_cb)
{
	remove_cb_fn fn = __atomic_load_n(ethdev, __ATOMIC_ACQUIRE);
	int rc;

	if (fn == NULL) {
		// librte_ethdev's, the next definition after ours.
		fn = (remove_cb_fn)dlsym(RTLD_NEXT, name);
		if (fn == NULL)
			return -ENOTSUP;
		__atomic_store_n(ethdev, fn, __ATOMIC_RELEASE);
	}
	rc = fn(port_id, queue_id, user_cb);
	if (rc == 0)
		dp_quiesce();
	return rc;
}

int
rte_eth_remove_rx_callback(uint16_t port_id, uint16_t queue_id,
			   const struct rte_eth_rxtx_callback *user_cb)
{
	static remove_cb_fn ethdev;

	return remove_then_quiesce("rte_eth_remove_rx_callback", &ethdev, port_id, queue_id,
				   user_cb);
}

int
rte_eth_remove_tx_callback(uint16_t port_id, uint16_t queue_id,
			   const struct rte_eth_rxtx_callback *user_cb)
{
	static remove_cb_fn ethdev;

	return remove_then_quiesce("rte_eth_remove_tx_callback", &ethdev, port_id, queue_id,
				   user_cb);
}

#if defined(__SANITIZE_ADDRESS__)
#define SRV6D_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SRV6D_ASAN 1
#endif
#endif

// A secondary process maps the primary's shared memory (EAL configuration,
// memseg lists, hugepages) at the primary's addresses. The EAL reserves them
// from 4 GiB up by default, which in an ASan process lies in the shadow's
// protected gap: srv6d's EAL then takes addresses next to its shared
// libraries (0x7f...), where dpdk-dumpcap, not sanitized, loads its own at
// random (ASLR). Its attach then fails now and then, or it crashes in it
// ("Cannot destroy local memory map", SIGSEGV), after which further
// secondaries and srv6d's exit hang. 32 TiB lies in ASan's high memory (from
// 0x10007fff8000; its allocator is at 0x600000000000) and is free in a
// process without ASan (executables at 0x55..., libraries at 0x7f...).
#define ASAN_BASE_VIRTADDR "--base-virtaddr=0x200000000000"

char **
srv6d_eal_argv(int *argc, char **argv)
{
#ifdef SRV6D_ASAN
	static char base[] = ASAN_BASE_VIRTADDR;
	static char *args[256];
	int i;

	if (*argc < 1 || *argc + 1 >= (int)RTE_DIM(args))
		return argv;
	for (i = 1; i < *argc && strcmp(argv[i], "--") != 0; i++)
		if (strncmp(argv[i], "--base-virtaddr", strlen("--base-virtaddr")) == 0)
			return argv;
	args[0] = argv[0];
	args[1] = base;
	memcpy(&args[2], &argv[1], sizeof(args[0]) * (size_t)(*argc - 1));
	(*argc)++;
	return args;
#else
	(void)argc;
	return argv;
#endif
}

static int
ipc_probe(const struct rte_mp_msg *msg, const void *peer)
{
	(void)msg;
	(void)peer;
	return 0;
}

bool
srv6d_pdump_init(void)
{
	char dir[PATH_MAX];

	// rte_pdump_init() succeeds without the shared configuration too (it
	// then serves nothing): whether a capture can attach is checked here.
	if (rte_pdump_init() < 0) {
		fprintf(stderr, "srv6d: packet capture by dpdk-dumpcap unavailable: %s\n",
			rte_strerror(rte_errno));
		return false;
	}
	if (!rte_eal_has_hugepages()) {
		printf("srv6d: packet capture by dpdk-dumpcap unavailable: no hugepages "
		       "(--no-huge)\n");
		return true;
	}
	// The EAL's IPC is off without the shared configuration.
	if (rte_mp_action_register("srv6d_ipc_probe", ipc_probe) < 0) {
		printf("srv6d: packet capture by dpdk-dumpcap unavailable: no shared "
		       "configuration (--no-shconf or --in-memory)\n");
		return true;
	}
	rte_mp_action_unregister("srv6d_ipc_probe");
	// Ours must be the definitions librte_pdump binds to (exported from the
	// executable, DPDK linked as shared libraries).
	if (dlsym(RTLD_DEFAULT, "rte_eth_remove_rx_callback") !=
		    (void *)rte_eth_remove_rx_callback ||
	    dlsym(RTLD_DEFAULT, "rte_eth_remove_tx_callback") != (void *)rte_eth_remove_tx_callback)
		fprintf(stderr, "srv6d: warning: rte_eth_remove_rx/tx_callback not overridden: "
				"a dpdk-dumpcap that ends may crash srv6d\n");
	// The runtime directory is /var/run/dpdk/PREFIX (or under $XDG_RUNTIME_DIR).
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	printf("srv6d: packet capture by dpdk-dumpcap available: dpdk-dumpcap --file-prefix %s "
	       "-i PORT (-D lists the ports)\n",
	       basename(dir));
	return true;
}

void
srv6d_pdump_fini(void)
{
	rte_pdump_uninit();
}
