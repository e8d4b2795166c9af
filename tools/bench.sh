#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The forwarding benchmark, without NICs: srv6d started as users start it
# (EAL arguments and a JSON configuration), fed by a net_pcap infinite_rx
# generator and sending to net_null, side by side with dpdk-testpmd io
# forwarding over the same vdevs in the same run; per behaviour and table
# size it prints Mpps per worker, cycles/pkt from the TSC, SRv6 work per
# packet (srv6d minus testpmd) and the ratio, and writes JSON. With
# tests/bench/linux_fwd.sh present it also measures the Linux kernel.
#
#   tools/bench.sh [--quick] [--cases LIST] [--routes N] [--big-routes N]
#                  [--workers N] [--repeat R] [--json FILE] [--help]
#
# Run as root after tools/deps.sh and a build (BUILD_DIR, default build).
# Not a test: nothing in meson test or tools/test.sh runs it.
set -euo pipefail

cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then
	echo "bench.sh: run as root (DPDK needs it for hugepages and vdevs)" >&2
	exit 1
fi
for tool in dpdk-testpmd /usr/bin/python3; do
	command -v "$tool" >/dev/null || {
		echo "bench.sh: $tool missing: run tools/deps.sh" >&2
		exit 1
	}
done
/usr/bin/python3 -c 'import scapy' 2>/dev/null || {
	echo "bench.sh: python3-scapy missing: run tools/deps.sh" >&2
	exit 1
}
exec /usr/bin/python3 tests/bench/srv6d_bench.py "$@"
