#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Seed 000, IPv6: CE1 - srv6d PE1 - Linux PE2 - CE2 over SRv6 (RFC 8986 L3VPN).
# Pings both ways and checks the encapsulation on the WAN link against RFC 8754.
#   l3vpn_v6_test.sh [base|red]
. "$(dirname "$0")/lib.sh"
e2e_init "l3vpn_v6_${1:-base}"
l3vpn_case 6 "${1:-base}"
