#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's test command: dependencies, hugepages, build, every test layer.
# Run as root from the clone. SKIP_DEPS=1 skips apt.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_DEPS:-0}" = 1 ] || ./tools/deps.sh
./tools/hugepages.sh
if [ -d build ]; then meson setup --reconfigure build; else meson setup build; fi
ninja -C build
meson test -C build --suite unit --suite api --suite pcap --suite e2e --print-errorlogs
