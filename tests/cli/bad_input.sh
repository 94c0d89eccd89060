#!/bin/sh
# bad_input.sh: `permitdesk check` on the bad cases of tests/data/bad/.  Each
# must fail with the exit code and the one line on standard error that
# tests/data/bad/EXPECTED gives (file:line:column: path: message), and print
# nothing on standard output.  Every *.json there must have its line.
# Environment: PERMITDESK (the binary), PD_SRC (the source root), PD_TESTS
# (the tests directory).
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"
: "${PD_TESTS:?PD_TESTS must name the tests directory}"

DIR="$PD_TESTS/data/bad"
POLICY="$PD_SRC/policy"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-bad-input.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
count=0
tab=$(printf '\t')

cd "$DIR" || exit 1
grep -v '^#' EXPECTED | cut -f1 | sort >"$TMP/listed"
ls -- *.json | sort >"$TMP/present"
if ! cmp -s "$TMP/listed" "$TMP/present"; then
	echo "FAIL: tests/data/bad/EXPECTED and the *.json files differ:"
	diff "$TMP/listed" "$TMP/present" | sed 's/^/    /'
	failures=$((failures + 1))
fi

while IFS="$tab" read -r file want_rc want_err; do
	case "$file" in
	'' | '#'*) continue ;;
	esac
	count=$((count + 1))
	"$PERMITDESK" check --policy "$POLICY" "$file" >"$TMP/stdout" 2>"$TMP/stderr"
	rc=$?
	got_err=$(cat "$TMP/stderr")
	if [ "$rc" != "$want_rc" ] || [ "$got_err" != "$want_err" ] || [ -s "$TMP/stdout" ]; then
		echo "FAIL: permitdesk check $file"
		echo "  expected exit $want_rc, stderr: $want_err"
		echo "  got      exit $rc, stderr: $got_err"
		if [ -s "$TMP/stdout" ]; then
			echo "  and stdout:"
			sed 's/^/    /' "$TMP/stdout"
		fi
		failures=$((failures + 1))
	fi
done <EXPECTED

# The same bytes on standard input are named "-".
"$PERMITDESK" check --policy "$POLICY" - <bad_date.json >/dev/null 2>"$TMP/stderr"
rc=$?
want='permitdesk: -:12:19: applicant.birth_date: expected a date YYYY-MM-DD, got "1990-13-01"'
if [ "$rc" != 65 ] || [ "$(cat "$TMP/stderr")" != "$want" ]; then
	echo "FAIL: permitdesk check - <bad_date.json"
	echo "  expected exit 65, stderr: $want"
	echo "  got      exit $rc, stderr: $(cat "$TMP/stderr")"
	failures=$((failures + 1))
fi

if [ "$count" -eq 0 ]; then
	echo "FAIL: no cases read from tests/data/bad/EXPECTED"
	failures=$((failures + 1))
fi
if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "ok: $count bad cases"
