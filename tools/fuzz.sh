#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The libFuzzer harnesses of tests/fuzz (tests/fuzz/README.md).
#
#   tools/fuzz.sh build              set up build-fuzz (clang, ASan + UBSan,
#                                    libFuzzer) once and build the harnesses
#   tools/fuzz.sh smoke [SECONDS]    every harness over its committed corpus
#                                    and its regression inputs, then SECONDS
#                                    (default 20) of fuzzing each with -seed=1;
#                                    exit status 1 when any of them fails
#   tools/fuzz.sh run NAME SECONDS   the long run of one harness (fork mode: it
#                                    goes on after a finding); prints
#                                    executions, exec/s, coverage and findings;
#                                    new inputs and findings in tests/fuzz/out/NAME
#   tools/fuzz.sh repro NAME FILE... run inputs (a finding) once, with the stack
#   tools/fuzz.sh corpus             the seeds again (gen_corpus.py, fuzz_bgp_seeds)
#                                    merged into the corpora (-merge=1); to add a
#                                    long run's inputs: NAME -merge=1 NEW OLD out/NAME/corpus
#
# NAME is fuzz_packet, fuzz_rpc, fuzz_config or fuzz_bgp. Environment:
# FUZZ_BUILD (build folder, default build-fuzz), FUZZ_JOBS (ninja -j, default
# the CPU count).

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

BUILD=${FUZZ_BUILD:-build-fuzz}
JOBS=${FUZZ_JOBS:-$(nproc)}
FUZZ_DIR=tests/fuzz
ALL=(fuzz_packet fuzz_rpc fuzz_config fuzz_bgp)
# A finding is a crash: UBSan stops at the first report, ASan at the first
# error; DPDK's own memory is not malloc's, so leak checks stay ASan's.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

log() { printf 'fuzz.sh: %s\n' "$*"; }
die() {
	log "$*" >&2
	exit 2
}

# The harnesses this build has (fuzz_bgp needs the BGP helper's dependencies).
built() {
	local n
	for n in "${ALL[@]}"; do
		[[ -x $BUILD/$FUZZ_DIR/$n ]] && echo "$n"
	done
	return 0
}

# Per-harness libFuzzer options: dictionaries, input sizes.
opts() {
	case $1 in
	fuzz_packet) echo "-max_len=4096" ;;
	fuzz_rpc) echo "-max_len=8192 -dict=$FUZZ_DIR/rpc.dict" ;;
	fuzz_config) echo "-max_len=16384 -dict=$FUZZ_DIR/config.dict" ;;
	fuzz_bgp) echo "-max_len=4096" ;;
	esac
}

cmd_build() {
	command -v clang >/dev/null || die "clang not found (apt-get install clang libclang-rt-14-dev)"
	if [[ ! -f $BUILD/meson-private/coredata.dat ]]; then
		# Every library instrumented for coverage (fuzzer-no-link); only the
		# harnesses link libFuzzer. UBSan does not recover: a report is a crash.
		# 64 VRFs, not 4096: each model transaction copies the VRF table,
		# which under ASan made that copy most of an input's time (the
		# limits' own code paths are the same, and easier to reach).
		CC=clang meson setup "$BUILD" -Dfuzz=enabled -Dmax_vrfs=64 \
			-Db_sanitize=address,undefined -Db_lundef=false \
			"-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined" \
			-Dtests=disabled -Dpcap_tests=disabled -De2e_tests=disabled
	fi
	local targets=("$FUZZ_DIR/fuzz_packet" "$FUZZ_DIR/fuzz_rpc" "$FUZZ_DIR/fuzz_config")
	if grep -q "fuzz_bgp" "$BUILD/build.ninja"; then
		targets+=("$FUZZ_DIR/fuzz_bgp" "$FUZZ_DIR/fuzz_bgp_seeds")
	fi
	ninja -C "$BUILD" -j "$JOBS" "${targets[@]}"
}

# One harness: its corpus and regression inputs, then secs of fuzzing.
smoke_one() {
	local n=$1 secs=$2 bin=$BUILD/$FUZZ_DIR/$1 work rc=0 regs=()
	work=$(mktemp -d "/tmp/fuzz-smoke-$n.XXXXXX")
	if [[ -d $FUZZ_DIR/regressions/$n ]]; then
		mapfile -t regs < <(find "$FUZZ_DIR/regressions/$n" -type f | sort)
	fi
	if ((${#regs[@]} > 0)); then
		log "$n: ${#regs[@]} regression inputs"
		"$bin" "${regs[@]}" >"$work/regressions.log" 2>&1 || {
			tail -n 40 "$work/regressions.log"
			rc=1
		}
	fi
	if ((rc == 0)); then
		# New inputs go to $work (the first folder), never into the committed corpus.
		# shellcheck disable=SC2046
		"$bin" $(opts "$n") -seed=1 -max_total_time="$secs" -timeout=10 \
			-print_final_stats=1 -artifact_prefix="$work/" \
			"$work" "$FUZZ_DIR/corpus/$n" >"$work/fuzz.log" 2>&1 || rc=$?
		if ((rc != 0)); then
			tail -n 60 "$work/fuzz.log"
		fi
	fi
	local line execs
	line=$(grep -E '^#[0-9]+' "$work/fuzz.log" 2>/dev/null | tail -n 1 || true)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" 2>/dev/null || true)
	if ((rc == 0)); then
		log "$n: ok, ${execs:-?} executions in ${secs}s; ${line:-}"
		rm -rf "$work"
	else
		log "$n: FAILED (exit $rc); log and inputs kept in $work"
	fi
	return "$rc"
}

cmd_smoke() {
	local secs=${1:-20} n failed=()
	local names
	mapfile -t names < <(built)
	((${#names[@]} > 0)) || die "no harness built: tools/fuzz.sh build"
	for n in "${names[@]}"; do
		smoke_one "$n" "$secs" || failed+=("$n")
	done
	if ((${#failed[@]} > 0)); then
		log "smoke failed: ${failed[*]}"
		return 1
	fi
	log "smoke passed: ${names[*]}"
}

cmd_run() {
	local n=${1:?NAME} secs=${2:?SECONDS} bin out t0 rc=0
	bin=$BUILD/$FUZZ_DIR/$n
	[[ -x $bin ]] || die "$bin not built: tools/fuzz.sh build"
	out=$FUZZ_DIR/out/$n
	mkdir -p "$out/corpus" "$out/findings"
	t0=$(date +%s)
	# Fork mode, one job: a finding is saved and the run goes on.
	# shellcheck disable=SC2046
	"$bin" $(opts "$n") -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time="$secs" -timeout=10 -artifact_prefix="$out/findings/" \
		"$out/corpus" "$FUZZ_DIR/corpus/$n" 2>&1 | tee "$out/run.log" |
		grep --line-buffered -E '^#[0-9]+.*(pulse|NEW|DONE|REDUCE)?' | awk 'NR % 20 == 1' || rc=$?
	local took line execs cov ft corp findings
	took=$(($(date +%s) - t0))
	line=$(grep -E '^#[0-9]+' "$out/run.log" | tail -n 1 || true)
	execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$line")
	cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$line")
	ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$line")
	corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$line")
	findings=$(find "$out/findings" -type f | wc -l)
	echo
	echo "harness:     $n"
	echo "time:        ${took} s"
	echo "executions:  ${execs:-?} ($((${execs:-0} / (took > 0 ? took : 1))) exec/s)"
	echo "coverage:    cov ${cov:-?} (edges), ft ${ft:-?} (features), corpus ${corp:-?} inputs"
	echo "findings:    $findings (in $out/findings)"
	find "$out/findings" -type f -printf '             %f\n'
	echo "log:         $out/run.log"
	return 0
}

cmd_repro() {
	local n=${1:?NAME}
	shift
	"$BUILD/$FUZZ_DIR/$n" "$@"
}

cmd_corpus() {
	local tmp n
	tmp=$(mktemp -d /tmp/fuzz-seeds.XXXXXX)
	/usr/bin/python3 "$FUZZ_DIR/gen_corpus.py" "$tmp"
	if [[ -x $BUILD/$FUZZ_DIR/fuzz_bgp_seeds ]]; then
		mkdir -p "$tmp/fuzz_bgp"
		"$BUILD/$FUZZ_DIR/fuzz_bgp_seeds" "$tmp/fuzz_bgp"
	fi
	# Only the inputs that add coverage are kept (libFuzzer's merge), from
	# the committed corpus (which holds long runs' inputs too) and the seeds.
	for n in $(built); do
		[[ -d $tmp/$n ]] || continue
		mkdir -p "$FUZZ_DIR/corpus/$n"
		mv "$FUZZ_DIR/corpus/$n" "$tmp/old-$n"
		mkdir -p "$FUZZ_DIR/corpus/$n"
		# shellcheck disable=SC2046
		"$BUILD/$FUZZ_DIR/$n" $(opts "$n") -merge=1 "$FUZZ_DIR/corpus/$n" "$tmp/old-$n" "$tmp/$n" \
			>"$tmp/merge-$n.log" 2>&1 || {
			tail -n 30 "$tmp/merge-$n.log"
			die "merge of $n failed (log in $tmp)"
		}
		log "$n: $(find "$tmp/$n" "$tmp/old-$n" -type f | wc -l) inputs, $(find "$FUZZ_DIR/corpus/$n" -type f | wc -l) kept"
	done
	rm -rf "$tmp"
	du -sh --apparent-size "$FUZZ_DIR/corpus"
}

case ${1:-} in
build) cmd_build ;;
smoke) cmd_smoke "${2:-}" ;;
run) cmd_run "${2:-}" "${3:-}" ;;
repro) shift && cmd_repro "$@" ;;
corpus) cmd_corpus ;;
*)
	awk 'NR >= 5 && /^#/ { print; next } NR >= 5 { exit }' "$0"
	exit 2
	;;
esac
