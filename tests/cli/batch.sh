#!/bin/sh
# batch.sh: the batch contract of `permitdesk check --batch` (interfaces.md):
# exactly one output line per input line, in order, whatever the line; an
# empty or blank line, a line over the 1 MiB case limit and a case that is
# refused each give {"error":{...}} with their line number on their line; the
# good lines are evaluated all the same and print what `permitdesk check`
# prints for the same case; a CRLF line ending is a line ending; a last line
# without one is a line; a case's "extra" is echoed; the exit code is 65 when
# some line was bad; --jobs 2 gives the same bytes as one job.
# Environment: PERMITDESK (the binary), PD_SRC (the source root).
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"

POLICY="$PD_SRC/policy"
CASES="$PD_SRC/tests/cases"
PERMITDESK_TODAY=2026-11-22
export PERMITDESK_TODAY
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-batch.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# A golden case on one line (no JSON string holds a raw line break).
one_line() {
	tr -d '\n' <"$CASES/$1"
}

A=zhejiang/mrz-agrees-eligible.json
B=shenzhen/agent-work-permit-relative.json
C=national-2004/date-first-day.json
for f in $A $B $C; do
	[ -f "$CASES/$f" ] || fail "missing golden case $f"
done

# Lines: 1 A, 2 empty, 3 blank, 4 B with CRLF, 5 a 2 MiB line, 6 a case with
# "extra" written over several members with blanks, 7 not JSON, 8 C with no
# line break at the end.
{
	one_line $A
	printf '\n\n \t \n'
	one_line $B
	printf '\r\n'
	head -c 2097152 /dev/zero | tr '\0' ' '
	printf '\n{"jurisdiction": "zhejiang", "extra": { "client" : 42, "tag": "a b",  "list": [ 1, {"x" : null} ] }}\n'
	printf 'not json\n'
	one_line $C
} >"$TMP/in.jsonl"

"$PERMITDESK" check --batch --policy "$POLICY" "$TMP/in.jsonl" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 65 ] || fail "exit code $rc, want 65 (some lines are bad): $(cat "$TMP/err")"
[ -s "$TMP/err" ] && fail "standard error not empty: $(head -c 300 "$TMP/err")"
lines=$(wc -l <"$TMP/out")
[ "$lines" = 8 ] || fail "$lines output lines for 8 input lines"

line() {
	sed -n "$1p" "$TMP/out"
}
want_error() { # N CODE MESSAGE-PART
	got=$(line "$1")
	case "$got" in
	'{"error":{"code":"'"$2"'",'*"$3"*'"line":'"$1"[,}]*) ;;
	*) fail "line $1: want a $2 error with \"$3\" and line $1, got: $(echo "$got" | head -c 300)" ;;
	esac
}
want_error 2 invalid_case "empty line"
want_error 3 invalid_case "blank line"
want_error 5 too_large "line of 2097152 bytes"
want_error 7 invalid_case ""

# Good lines: what `permitdesk check` prints for the same case.
n=1
for f in $A $B $C; do
	case $n in 1) at=1 ;; 2) at=4 ;; 3) at=8 ;; esac
	"$PERMITDESK" check --policy "$POLICY" "$CASES/$f" >"$TMP/one"
	line $at >"$TMP/got"
	cmp -s "$TMP/one" "$TMP/got" || fail "line $at ($f) differs from permitdesk check $f"
	n=$((n + 1))
done

# "extra" comes back as given, without the blanks outside strings.
case "$(line 6)" in
*',"extra":{"client":42,"tag":"a b","list":[1,{"x":null}]}}') ;;
*) fail "line 6: extra not echoed: $(line 6 | tail -c 200)" ;;
esac
# ... and by a single check too, also in the summary view.
"$PERMITDESK" check --policy "$POLICY" "$CASES/$A" | grep -q '"extra":{"note":' ||
	fail "permitdesk check $A: extra not echoed"
"$PERMITDESK" check --view summary --policy "$POLICY" "$CASES/$A" | grep -q '"extra":{"note":' ||
	fail "permitdesk check --view summary $A: extra not echoed"

# Views and languages hold in a batch as in a single check.
for args in "--view summary" "--lang en" "--lang zh" "--view summary --lang zh"; do
	# shellcheck disable=SC2086
	"$PERMITDESK" check $args --policy "$POLICY" "$CASES/$A" >"$TMP/one"
	# shellcheck disable=SC2086
	one_line $A | "$PERMITDESK" check --batch $args --policy "$POLICY" - >"$TMP/got"
	cmp -s "$TMP/one" "$TMP/got" || fail "check --batch $args differs from check $args"
done
one_line $A | "$PERMITDESK" check --batch --lang en --policy "$POLICY" - | grep -q '"zh":' &&
	fail "--lang en still writes \"zh\" members"

# Order and bytes with two jobs, over many blocks: each line says its number in
# "extra", and the results must say them back in order.
i=1
while [ $i -le 700 ]; do
	case $((i % 7)) in
	0) echo ;;
	3) echo '{"jurisdiction":"x","extra":{"n":'$i'}}' ;;
	*) one_line $A | sed 's/"extra": *{[^}]*}/"extra":{"n":'$i'}/' && echo ;;
	esac
	i=$((i + 1))
done >"$TMP/many.jsonl"
"$PERMITDESK" check --batch --policy "$POLICY" "$TMP/many.jsonl" >"$TMP/one" 2>/dev/null
rc1=$?
"$PERMITDESK" check --batch --jobs 2 --policy "$POLICY" "$TMP/many.jsonl" >"$TMP/two" 2>/dev/null
rc2=$?
[ "$rc1" = 65 ] && [ "$rc2" = 65 ] || fail "700 lines with bad ones: exit codes $rc1 and $rc2, want 65"
[ "$(wc -l <"$TMP/one")" = 700 ] || fail "700 lines in, $(wc -l <"$TMP/one") out"
cmp -s "$TMP/one" "$TMP/two" || fail "--jobs 2 differs from one job"
bad=$(awk '{
	if ($0 ~ /^\{"error"/) { want = "\"line\":" NR; if (index($0, want) == 0) print NR }
	else { want = "\"extra\":{\"n\":" NR "}}"; if (substr($0, length($0) - length(want) + 1) != want) print NR }
}' "$TMP/two" | head -5)
[ -z "$bad" ] && [ "$(grep -c '^{"error"' "$TMP/two")" = 200 ] ||
	fail "--jobs 2: lines out of order or wrong (first: $bad), $(grep -c '^{"error"' "$TMP/two") error lines, want 200"

# A file that is not there: 66, nothing written.
"$PERMITDESK" check --batch --policy "$POLICY" "$TMP/absent.jsonl" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 66 ] || fail "missing file: exit code $rc, want 66"
[ -s "$TMP/out" ] && fail "missing file: something was written"

# Usage: --view is full or summary, and JSON only.
"$PERMITDESK" check --view short "$CASES/$A" >/dev/null 2>&1
[ $? = 64 ] || fail "--view short is not a usage error"
"$PERMITDESK" check --view summary --format text "$CASES/$A" >/dev/null 2>&1
[ $? = 64 ] || fail "--view summary --format text is not a usage error"

if [ $failures -ne 0 ]; then
	echo "batch: $failures failure(s)"
	exit 1
fi
echo "batch: ok"
