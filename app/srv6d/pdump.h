// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// Packet capture by dpdk-dumpcap (and dpdk-pdump) on srv6d's ports: DPDK's
// rte_pdump server side. A capture is a DPDK secondary process started with
// srv6d's --file-prefix; it attaches to srv6d's hugepage memory and asks over
// the EAL's IPC channel for RX/TX callbacks on a port that copy every packet
// into its ring and mbuf pool. That needs srv6d on hugepages with the shared
// configuration: not --no-huge, --no-shconf or --in-memory.

#include <stdbool.h>

// The EAL arguments to start with: ARGV itself, or in a build with
// AddressSanitizer a copy with --base-virtaddr added (unless given), so that
// dpdk-dumpcap can map srv6d's memory (pdump.c). *argc is updated.
char **srv6d_eal_argv(int *argc, char **argv);

// After dp_start (captures attach to running ports): rte_pdump_init and one
// line on stdout saying whether dpdk-dumpcap can attach, and with which
// --file-prefix, or why not. Returns whether srv6d_pdump_fini is due.
bool srv6d_pdump_init(void);
// After dp_stop: rte_pdump_uninit.
void srv6d_pdump_fini(void);
