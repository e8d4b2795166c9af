#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Reserve 2 MiB hugepages for srv6d: the same script the tests use.
#   drivers-config/hugepages.sh [N]     N pages of 2 MiB (default 1024)
# For 1 GiB pages, use the kernel command line (see README.md here).
exec "$(dirname "${BASH_SOURCE[0]}")/../tools/hugepages.sh" "$@"
