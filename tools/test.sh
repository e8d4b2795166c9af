#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The README's test command. As root on a fresh Debian 12 machine, from the
# clone:   ./tools/test.sh
#
#   1. tools/deps.sh        Debian packages (skipped with SKIP_DEPS=1)
#   2. tools/hugepages.sh   hugetlbfs + 2 MiB pages (never fails; the tests
#                           fall back to --no-huge)
#   3. meson setup build    (--reconfigure when build/ is already set up)
#   4. ninja -C build
#   5. tools/fuzz.sh build && tools/fuzz.sh smoke 10   (tests/fuzz, clang)
#   6. meson test -C build --suite unit --suite api --suite pcap --suite e2e
#                          --suite package
#                          --print-errorlogs
#   7. tools/sanitize.sh    ASan+UBSan build-asan: unit, api, pcap, and the
#                           e2e tests bgp_frr_ctrl, bgp_rr, pe_failover (its
#                           own exit status counts too)
#
# Exit status: that of meson test, else the sanitizer run's, else the fuzz
# smoke's (0 when nothing failed; skipped tests, exit 77, do not count as
# failures). A failing step before them stops the script with its own
# status. Without root the e2e suite skips.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

t0=$SECONDS
step() { printf '\n==== test.sh: %s (%ss)\n' "$*" "$((SECONDS - t0))"; }

if [[ $(id -u) -ne 0 ]]; then
	echo "test.sh: not root: the e2e suite will skip; apt needs root (or SKIP_DEPS=1)" >&2
fi

if [[ ${SKIP_DEPS:-0} == 1 ]]; then
	step "dependencies: skipped (SKIP_DEPS=1)"
else
	step "dependencies (tools/deps.sh)"
	./tools/deps.sh
fi

step "hugepages (tools/hugepages.sh)"
./tools/hugepages.sh || true
if [[ -r /run/srv6d-hugepages ]]; then
	SRV6D_HUGEPAGES=$(cat /run/srv6d-hugepages)
	export SRV6D_HUGEPAGES
fi

if [[ -f build/meson-private/coredata.dat ]]; then
	step "meson setup --reconfigure build"
	meson setup --reconfigure build
else
	step "meson setup build"
	meson setup build
fi

step "ninja -C build"
ninja -C build

# The libFuzzer harnesses (tests/fuzz): built with clang into build-fuzz/,
# then a bounded smoke: every regression input, the seed corpus, 10 s each.
step "fuzz smoke (tools/fuzz.sh build && tools/fuzz.sh smoke 10)"
fuzz_rc=0
{ ./tools/fuzz.sh build && ./tools/fuzz.sh smoke 10; } || fuzz_rc=$?

step "kernel capabilities (tests/e2e/kprobe.sh): e2e tests use fallback peers for what is missing"
# shellcheck source=../tests/e2e/kprobe.sh
. tests/e2e/kprobe.sh
kernel_probe_print || exit 1
export SRV6D_KCAPS

step "meson test"
rc=0
meson test -C build --suite unit --suite api --suite pcap --suite e2e --suite package \
	--print-errorlogs || rc=$?

# The same unit, api and pcap suites on an ASan + UBSan build (build-asan),
# and three BGP end-to-end tests: a sanitizer report fails its test, and any
# report file fails the step.
step "sanitizers (tools/sanitize.sh): unit, api, pcap and BGP e2e tests under ASan+UBSan"
san_rc=0
./tools/sanitize.sh || san_rc=$?
((rc != 0)) || rc=$san_rc

# Each skipped test with the reason it gave (its "SKIP:" line): on a kernel
# without seg6 lwtunnel these are the Linux-peer variants only.
step "skipped tests and why"
/usr/bin/python3 - build/meson-logs/testlog.json <<'EOF' || true
import json, sys
skipped = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t.get("result") != "SKIP":
        continue
    skipped += 1
    out = (t.get("stdout") or "") + "\n" + (t.get("stderr") or "")
    why = [l for l in out.splitlines() if "SKIP:" in l]
    print("  %-28s %s" % (t["name"].split(" / ")[-1], why[-1].split("SKIP:", 1)[1].strip() if why else "(no reason given)"))
print("  %d skipped" % skipped)
EOF

if ((fuzz_rc != 0)); then
	echo "test.sh: the fuzz smoke failed (exit $fuzz_rc): see its output above"
	((rc != 0)) || rc=$fuzz_rc
fi
printf '\n==== test.sh: meson test exited %d after %ss in all\n' "$rc" "$((SECONDS - t0))"
echo "(full log: build/meson-logs/testlog.txt)"
exit "$rc"
