#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what the build and every test layer need on Debian 12 (idempotent).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update
apt-get install -y --no-install-recommends \
	build-essential pkg-config meson ninja-build \
	libdpdk-dev dpdk libnuma-dev libpcap-dev libjansson-dev libcunit1-dev \
	python3 python3-scapy tshark iproute2 iputils-ping ethtool procps kmod util-linux
