#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Installs the Debian 12 packages needed to build srv6d and to run every test
# layer (unit, api, pcap, e2e). Run as root. Safe to run again: when every
# package is already installed it returns at once without touching apt
# (DEPS_FORCE=1 runs apt-get update and install anyway).
#
# Every package below is in Debian 12's main component. libdpdk-dev pulls in
# the DPDK 22.11 poll-mode drivers the tests use (net_pcap, net_af_packet,
# net_null, net_ring, net_tap) and those for real NICs (mlx5, ice, i40e,
# virtio); `dpdk` adds dpdk-devbind.py and dpdk-hugepages.py.

set -euo pipefail

PACKAGES=(
	# build
	build-essential pkg-config meson ninja-build
	libdpdk-dev dpdk libnuma-dev libpcap-dev libjansson-dev libcunit1-dev
	# tools/bench.sh: dpdk-testpmd, the io-forwarding reference it runs beside
	# srv6d over the same virtual ports
	dpdk-dev
	# pcap tests: scapy builds inputs and checks outputs, tshark decodes them;
	# scapy's ESP (the IPsec tests' judge) needs python3-cryptography, only a
	# Recommends of python3-scapy
	python3 python3-scapy tshark python3-cryptography
	# e2e tests and the demo: namespaces, veths, pings, offload switches,
	# sysctl, modprobe, unshare/mountpoint
	iproute2 iputils-ping ethtool procps kmod util-linux
	# proxy test: the SR-unaware service is a Linux firewall (nftables)
	nftables
	# srv6-bgp: gRPC C core, protobuf-c, GoBGP's .proto files (the message
	# code is generated at build time) and protobuf's well-known types
	libgrpc-dev libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev
	golang-github-osrg-gobgp-dev
	# BGP end-to-end tests and the demo: GoBGP on our side, FRR as the remote PE
	gobgpd frr
	# bgp_paths test: gobgp_inject.py drives a second gobgpd over gRPC with
	# Python message code protoc generates from GoBGP's .proto files
	python3-grpcio python3-protobuf protobuf-compiler
	# fuzzing (tools/fuzz.sh): clang, libFuzzer and the sanitizer runtimes
	# (libclang-rt-14-dev is only a Recommends of clang)
	clang libclang-rt-14-dev
	# man pages (doc/man): scdoc builds them, man-db and groff render them in
	# the man_pages test (installs here skip Recommends: groff-base named)
	scdoc man-db groff-base
	# the package test (tests/package): Debian's packaging tools, and systemd
	# to boot as PID 1 of the test's namespaces (capsh reads capability sets)
	debhelper lintian systemd libcap2-bin
)

log() { printf 'deps.sh: %s\n' "$*"; }

if [[ $(id -u) -ne 0 ]]; then
	log "must run as root (apt-get)." \
		"With the packages installed already, SKIP_DEPS=1 tools/test.sh skips it." >&2
	exit 1
fi

if [[ -r /etc/os-release ]]; then
	# shellcheck disable=SC1091
	. /etc/os-release
	if [[ ${ID:-} != debian || ${VERSION_ID:-} != 12 ]]; then
		log "warning: written for Debian 12, this is ${PRETTY_NAME:-unknown};" \
			"trying anyway" >&2
	fi
fi

export DEBIAN_FRONTEND=noninteractive

# tshark's wireshark-common asks whether non-root users may capture; answer
# "no" up front so the install never stops at a prompt.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $status == ii* ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 && ${DEPS_FORCE:-0} != 1 ]]; then
	log "all ${#PACKAGES[@]} packages already installed"
	exit 0
fi
if [[ ${#missing[@]} -gt 0 ]]; then
	log "installing (missing: ${missing[*]})"
fi

apt-get -o Acquire::Retries=3 update
apt-get -o Acquire::Retries=3 install -y --no-install-recommends "${PACKAGES[@]}"
log "done"
