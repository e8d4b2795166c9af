#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The man pages' test (meson test man_pages, suite unit):
#   1. every page renders with man --warnings -l and groff -man -ww with no
#      warning or error on standard error;
#   2. every option a program documents in its usage is on its page: the
#      long (--name) and short (-x) options of PROGRAM --help, the long
#      options of the usage strings of a C source (functions whose name
#      contains "usage") and the names of its getopt_long table.
# Exit 0 pass, 1 fail, 77 skipped (scdoc was not found at configure time).
#
# check_man.sh --scdoc yes|no [--page BUILT_PAGE]... [--help-of PAGE PROGRAM]...
#              [--source PAGE=C_FILE]...
# PAGE is a page's file name, e.g. srv6d.8.

set -euo pipefail

scdoc=no
declare -A page_path=()
declare -a help_of=() sources=()

while [[ $# -gt 0 ]]; do
	case $1 in
	--scdoc) scdoc=$2; shift 2 ;;
	--page) page_path[$(basename "$2")]=$2; shift 2 ;;
	--help-of) help_of+=("$2=$3"); shift 3 ;;
	--source) sources+=("$2"); shift 2 ;;
	*) echo "check_man.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

if [[ $scdoc != yes ]]; then
	echo "SKIP: scdoc was not found when the build was configured (apt-get install scdoc)"
	exit 77
fi
if [[ ${#page_path[@]} -eq 0 ]]; then
	echo "check_man.sh: no --page given" >&2
	exit 2
fi
have_man=no have_groff=no
command -v man >/dev/null && have_man=yes
command -v groff >/dev/null && have_groff=yes
if [[ $have_man == no && $have_groff == no ]]; then
	echo "SKIP: neither man nor groff is installed (apt-get install man-db groff-base)"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
	echo "FAIL: $*"
	failed=1
}

# 1. Rendering: no warning, no error.
for page in "${!page_path[@]}"; do
	path=${page_path[$page]}
	if [[ ! -s $path ]]; then
		fail "$page: $path is missing or empty"
		continue
	fi
	if [[ $have_man == yes ]]; then
		rc=0
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$path" >/dev/null 2>"$tmp/err" || rc=$?
		if [[ $rc -ne 0 || -s $tmp/err ]]; then
			fail "$page: man --warnings -l (exit $rc):"
			sed 's/^/    /' "$tmp/err"
		fi
	fi
	if [[ $have_groff == yes ]]; then
		rc=0
		LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$path" 2>"$tmp/err" || rc=$?
		if [[ $rc -ne 0 || -s $tmp/err ]]; then
			fail "$page: groff -man -Tutf8 -ww -z (exit $rc):"
			sed 's/^/    /' "$tmp/err"
		fi
	fi
done

# The options a page must name, one per line in $tmp/opts.PAGE.
add_opts() { # PAGE, options on stdin
	grep -E '^--?[A-Za-z0-9]' >>"$tmp/opts.$1" || true
}

for pair in "${help_of[@]}"; do
	page=${pair%%=*} prog=${pair#*=}
	rc=0
	"$prog" --help >"$tmp/help" 2>&1 || rc=$?
	if [[ $rc -ne 0 || ! -s $tmp/help ]]; then
		fail "$page: '$prog --help' exited $rc or printed nothing"
		continue
	fi
	# Long options anywhere; short options as a word of their own (not the
	# "-" of "key -" or the dash inside per-vrf|per-af).
	{
		grep -oE -- '--[a-z][a-z0-9-]*' "$tmp/help" || true
		grep -oE -- '(^|[][ ,|])-[A-Za-z]([][ ,|]|$)' "$tmp/help" | grep -oE -- '-[A-Za-z]' || true
	} | add_opts "$page"
done

for pair in "${sources[@]}"; do
	page=${pair%%=*} src=${pair#*=}
	if [[ ! -r $src ]]; then
		fail "$page: cannot read $src"
		continue
	fi
	# The string literals of every function whose name contains "usage"
	# (K&R layout: the name starts a line, the body ends at a "}" line).
	awk '/^[A-Za-z0-9_]*usage[A-Za-z0-9_]*\(/ { inside = 1 }
	     inside { print }
	     inside && /^}/ { inside = 0 }' "$src" >"$tmp/usage"
	if [[ ! -s $tmp/usage ]]; then
		fail "$page: no usage function found in $src"
		continue
	fi
	n_before=$(wc -l <"$tmp/opts.$page" 2>/dev/null || echo 0)
	{
		grep -oE '"([^"\\]|\\.)*"' "$tmp/usage" | grep -oE -- '--[a-z][a-z0-9-]*' || true
		# The getopt_long table: {"name", no_argument|required_argument|...
		grep -oE '\{"[a-z][a-z0-9-]*", *(no|required|optional)_argument' "$src" |
			sed -E 's/^\{"([^"]*)".*/--\1/' || true
	} | add_opts "$page"
	n_after=$(wc -l <"$tmp/opts.$page" 2>/dev/null || echo 0)
	if [[ $n_after -le $n_before ]]; then
		fail "$page: no option found in the usage of $src"
	fi
done

# 2. Every option on its page. The page's roff text with the font escapes
# removed and \- read as -; an option matches as a whole word, so --socket
# is not found inside --socket-group.
for opts in "$tmp"/opts.*; do
	[[ -e $opts ]] || continue
	page=${opts##*/opts.}
	path=${page_path[$page]:-}
	if [[ -z $path ]]; then
		fail "$page: options given but no such --page"
		continue
	fi
	sed -E 's/\\f(\[[^]]*\]|\(..|.)//g; s/\\&//g; s/\\-/-/g' "$path" >"$tmp/text"
	n=0
	while read -r opt; do
		n=$((n + 1))
		if ! grep -qE -- "(^|[^A-Za-z0-9-])${opt}([^A-Za-z0-9-]|\$)" "$tmp/text"; then
			fail "$page: option $opt is missing from the page"
		fi
	done < <(sort -u "$opts")
	echo "$page: $n options checked"
done

if [[ $failed -ne 0 ]]; then
	exit 1
fi
echo "PASS: ${#page_path[@]} pages render cleanly and name every option of their program"
