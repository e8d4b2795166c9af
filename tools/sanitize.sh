#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The sanitizer run (issue 10): as root, from the clone,
#
#   ./tools/sanitize.sh [TEST...]
#
# (TEST names narrow the run to those tests, e.g. ./tools/sanitize.sh end_dt4;
# any other argument is passed to meson test as well.)
#
#   1. meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
#      (--reconfigure when build-asan/ is already set up)
#   2. ninja -C build-asan
#   3. meson test -C build-asan --suite unit --suite api --suite pcap
#      --print-errorlogs, with ASan (leak check at exit) and UBSan halting on
#      the first report
#   4. the end-to-end tests named in SANITIZE_E2E (default: bgp_frr_ctrl
#      bgp_rr pe_failover; empty: none, and with TEST names it defaults to
#      none): srv6d and srv6-bgp sanitized against FRR and gobgpd in
#      namespaces, with restarts, kills and the one-shot `srv6-bgp stats`
#      client (they skip where FRR or GoBGP are missing, as in the plain run)
#
# The api and pcap tests start the real srv6d from $BUILD_DIR, which meson
# sets to build-asan, so they exercise the sanitized daemon; DPDK runs with
# --no-huge there, as in the plain build, except in the dumpcap test, which
# needs hugepages (a sanitized srv6d puts its EAL memory at 32 TiB so that
# the unsanitized dpdk-dumpcap can map it: app/srv6d/pdump.c).
#
# Every sanitizer report is also written to build-asan/sanitizer-logs/
# (log_path), because some tests start srv6d expecting it to fail, or kill
# it, and would not notice the report's exit status. Exit status: that of
# meson test, or 1 when it passed but a report file was written anyway.
#
# Suppressions (tests/sanitize/*.supp) name only DPDK's own reports, each
# with its reason; reports in our code are fixed, not suppressed.
# Environment: SANITIZE_BUILD_DIR (default build-asan), SANITIZE_E2E (step 4),
# NINJA_JOBS (ninja -j).

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

B=${SANITIZE_BUILD_DIR:-build-asan}
t0=$SECONDS
step() { printf '\n==== sanitize.sh: %s (%ss)\n' "$*" "$((SECONDS - t0))"; }

# -fno-omit-frame-pointer: whole stacks in reports at little cost. werror
# off: the plain build is the warnings gate, and gcc 12's flow warnings see
# the sanitizers' added checks (a false "-Wformat-overflow: argument is
# null" in tests/unit/test_ctl_json.c). The e2e suite is not run here.
opts=("-Db_sanitize=address,undefined" -Db_lundef=false -Dbuildtype=debugoptimized
	-Dc_args=-fno-omit-frame-pointer -Dwerror=false -De2e_tests=auto)
if (($# > 0)); then
	e2e=${SANITIZE_E2E-}
else
	e2e=${SANITIZE_E2E-bgp_frr_ctrl bgp_rr pe_failover}
fi
if [[ -f $B/meson-private/coredata.dat ]]; then
	step "meson setup --reconfigure $B"
	meson setup --reconfigure "$B" "${opts[@]}"
else
	step "meson setup $B"
	meson setup "$B" "${opts[@]}"
fi

step "ninja -C $B"
ninja -C "$B" ${NINJA_JOBS:+-j "$NINJA_JOBS"}

logs=$REPO/$B/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
supp=$REPO/tests/sanitize
# halt_on_error: the first report ends the process with a failing status
# (UBSan recovers by default; suppressions need the recoverable build, so
# halting is asked for here rather than with -fno-sanitize-recover).
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=66:detect_stack_use_after_return=0:check_initialization_order=1:strict_init_order=1:print_summary=1:log_path=$logs/asan"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=1:exitcode=66"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:print_summary=1:suppressions=$supp/ubsan.supp:log_path=$logs/ubsan"
# The harnesses would take $SRV6D over $BUILD_DIR's daemon.
unset SRV6D
# Tests that judge latencies widen their limits by this (socket_abuse).
export SRV6_TEST_SLOWDOWN=3

step "meson test -C $B --suite unit --suite api --suite pcap"
rc=0
# --timeout-multiplier: the sanitized binaries run 2 to 3 times slower.
meson test -C "$B" --suite unit --suite api --suite pcap --print-errorlogs \
	--timeout-multiplier 3 "$@" || rc=$?
if [[ -n $e2e ]]; then
	step "meson test -C $B $e2e (end to end)"
	# shellcheck disable=SC2086 # a list of test names
	meson test -C "$B" --print-errorlogs --timeout-multiplier 2 $e2e || rc=$?
fi

step "sanitizer reports in $logs"
n=0
for f in "$logs"/*; do
	[[ -s $f ]] || continue
	n=$((n + 1))
	printf -- '---- %s\n' "$f"
	cat "$f"
done
echo "  $n report file(s)"
if [[ $rc -eq 0 && $n -gt 0 ]]; then
	rc=1
fi

printf '\n==== sanitize.sh: exit %d after %ss in all\n' "$rc" "$((SECONDS - t0))"
echo "(full log: $B/meson-logs/testlog.txt)"
exit "$rc"
