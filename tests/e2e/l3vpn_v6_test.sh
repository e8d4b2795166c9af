#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Seed 000, IPv6: CE1 - srv6d PE1 - PE2 - CE2 over SRv6 (RFC 8986 L3VPN).
# Pings both ways and checks the encapsulation on the WAN link against RFC 8754.
#   l3vpn_v6_test.sh [base|red] [linux|seg6srh|scapy]
# PE2: linux = the kernel's seg6 lwtunnel (skips without it), seg6srh = the
# kernel's built-in SRH decapsulation + scapy_pe.py encapsulating, scapy =
# scapy_pe.py alone; default: L3_PE2_PEER, else linux where the kernel has it.
. "$(dirname "$0")/lib.sh"
variant=${1:-base}
peer=${2:-${L3_PE2_PEER:-}}
name=l3vpn_v6
[[ $variant == red ]] && name+=_red
e2e_init "$name${peer:+_$peer}"
l3vpn_case 6 "$variant" "$peer"
