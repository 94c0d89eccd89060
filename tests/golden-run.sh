#!/bin/sh
# Golden cases: every tests/cases/**/NAME.json is a case, exactly as users send
# it; NAME.expected.json is what `permitdesk check --pretty --view trace` must
# print for it: the verdict, every finding by rule and outcome, the materials
# by id and status, the questions, limits, fee, deposit, dates, representation,
# and the notices and offices by id, without the pack's prose, so that
# rewording a rule's text changes the pack and no expectation.  For a case that
# must be refused, NAME.expected.err holds the exit code on its first line and
# the exact message on the second.  A case may also have NAME.VIEW.expected
# files, each what `permitdesk check --pretty` prints with the options that
# VIEW names: full (--view full: every text, both languages), summary (--view
# summary), en, zh (--lang en, zh: the full view in one language), summary-en,
# summary-zh.  A few cases keep those to show the texts; to add one, create it
# empty and run --update.
#
#   golden-run.sh            compare; print a diff for each difference; exit 1 on any
#   golden-run.sh --update   rewrite the expectations, then show `git diff` of them
#                            so that every change is reviewed before it is committed
#   golden-run.sh [--update] FOLDER...   only the cases under these folders of tests/cases
#
# Environment: PERMITDESK (the binary), PD_TESTS (the tests folder).
set -u
: "${PERMITDESK:?set PERMITDESK to the permitdesk binary}"
: "${PD_TESTS:=$(cd "$(dirname "$0")" && pwd)}"
PERMITDESK_TODAY=2026-11-22
export PERMITDESK_TODAY
update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi
folders=${*:-.}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
cd "$PD_TESTS/cases" || exit 1
# compare NAME WANT: $tmp/got against WANT (or, with --update, into it).
compare() {
	if [ $update -eq 1 ]; then
		cp "$tmp/got" "$2"
		return
	fi
	if [ ! -f "$2" ]; then
		echo "FAIL $1: no $2 (run tests/golden-run.sh --update and review)"
		fail=$((fail + 1))
	elif cmp -s "$tmp/got" "$2"; then
		pass=$((pass + 1))
	else
		echo "FAIL $1"
		diff -u "$2" "$tmp/got" | head -40
		fail=$((fail + 1))
	fi
}

# shellcheck disable=SC2086
for case in $(find $folders -name '*.json' ! -name '*.expected.json' | sort); do
	case=${case#./}
	base=${case%.json}
	"$PERMITDESK" check --pretty --view trace "$case" >"$tmp/raw" 2>"$tmp/err"
	code=$?
	# The pack version is a hash of the policy files: any edit changes it, so
	# expectations record it as "…" (tests of the version itself live elsewhere).
	sed 's/^\(    "version": \)"[0-9a-f]*"/\1"…"/' "$tmp/raw" >"$tmp/out"
	if [ -f "$base.expected.err" ] || [ $code -ne 0 ]; then
		{ echo "exit $code"; cat "$tmp/err"; } >"$tmp/got"
		want="$base.expected.err"
	else
		cp "$tmp/out" "$tmp/got"
		want="$base.expected.json"
	fi
	compare "$case" "$want"
	for want in "$base".*.expected; do
		[ -f "$want" ] || continue
		view=${want#"$base".}
		view=${view%.expected}
		case $view in
		full) opts="--view full" ;;
		summary) opts="--view summary" ;;
		en | zh) opts="--lang $view" ;;
		summary-en | summary-zh) opts="--view summary --lang ${view#summary-}" ;;
		*)
			echo "FAIL $want: unknown view '$view' (full, summary, en, zh, summary-en, summary-zh)"
			fail=$((fail + 1))
			continue
			;;
		esac
		# shellcheck disable=SC2086
		"$PERMITDESK" check --pretty $opts "$case" >"$tmp/raw" 2>&1
		echo "exit $?" >>"$tmp/raw"
		sed 's/^\(    "version": \)"[0-9a-f]*"/\1"…"/' "$tmp/raw" >"$tmp/got"
		compare "$case $opts" "$want"
	done
done
if [ $update -eq 1 ]; then
	git -C "$PD_TESTS/cases" diff --stat -- . 2>/dev/null
	git -C "$PD_TESTS/cases" diff -- . 2>/dev/null | head -400
	echo "expectations rewritten: review the diff above before committing"
	exit 0
fi
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
