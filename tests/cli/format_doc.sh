#!/bin/sh
# format_doc.sh: docs/format.md documents every fact the program knows.
# Takes the case paths from `permitdesk facts` and fails, naming each, when
# the reference lacks one as `path` in its fact table, or lacks a word of a
# fact's vocabulary; and when the worked example's result is not what
# `permitdesk check` prints for it.
# Environment: PERMITDESK (the binary), PD_SRC (the source root).
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"

doc="$PD_SRC/docs/format.md"
facts=$("$PERMITDESK" facts) || { echo "FAIL: permitdesk facts exited $?"; exit 1; }
failures=0
count=0

# One fact per line: {"path":"a.b",...}; the words follow as {"value":"w",...}.
paths=$(printf '%s\n' "$facts" | grep -o '"path":"[^"]*"' | sed 's/"path":"\(.*\)"/\1/')
for p in $paths; do
	count=$((count + 1))
	if ! grep -F -q "| \`$p\` |" "$doc"; then
		echo "FAIL: docs/format.md has no row for the fact $p"
		failures=$((failures + 1))
	fi
done
[ "$count" -gt 50 ] || { echo "FAIL: only $count facts from permitdesk facts"; failures=$((failures + 1)); }

words=$(printf '%s\n' "$facts" | grep -o '"value":"[^"]*"' | sed 's/"value":"\(.*\)"/\1/' | sort -u)
for w in $words; do
	if ! grep -F -q "| \`$w\` |" "$doc"; then
		echo "FAIL: docs/format.md has no row for the word $w"
		failures=$((failures + 1))
	fi
done

# The worked example's output is the program's (but for the policy version).
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-format-doc.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
awk '/^## 5\. /{on=1} on && /^```/{n++; next} on && n==3{print}' "$doc" |
	sed 's/"version": "[^"]*"/"version": "-"/' >"$TMP/doc.json"
PERMITDESK_TODAY=2026-11-22 "$PERMITDESK" check --pretty "$PD_SRC/examples/zhejiang-q2-extension.json" |
	sed 's/"version": "[^"]*"/"version": "-"/' >"$TMP/real.json"
if [ ! -s "$TMP/doc.json" ] || ! cmp -s "$TMP/doc.json" "$TMP/real.json"; then
	echo "FAIL: the worked example's result in docs/format.md is not what permitdesk check prints:"
	diff -u "$TMP/doc.json" "$TMP/real.json" | head -40
	failures=$((failures + 1))
fi

echo "$count facts checked against docs/format.md: $failures failures"
[ "$failures" -eq 0 ]
