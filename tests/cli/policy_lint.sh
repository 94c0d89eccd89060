#!/bin/sh
# policy_lint.sh: `permitdesk policy lint|list|conflicts` on the real policy and
# on a broken copy, and `permitdesk check`: exit codes (spec/interfaces.md: 0,
# 64 usage, 65 bad input, 66 file missing, 78 broken policy), --batch with a
# bad line, --jobs giving the same output as one thread, text in Chinese only.
# Environment: PERMITDESK (the binary), PD_SRC (the source root).
# Backquotes in the expected messages are literal:
# shellcheck disable=SC2016
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"

POLICY="$PD_SRC/policy"
EXAMPLE="$PD_SRC/examples/zhejiang-q2-extension.json"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-policy-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
PERMITDESK_TODAY=2026-03-02
export PERMITDESK_TODAY
unset PERMITDESK_POLICY

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# pd EXPECTED_EXIT ARGS...: runs permitdesk, stdout in $TMP/out, stderr in $TMP/err.
pd() {
	want=$1
	shift
	"$PERMITDESK" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "permitdesk $*: exit $rc, expected $want"
		sed 's/^/    err: /' "$TMP/err" | head -20
	fi
}

# out_has TEXT / err_has TEXT: the last run's stdout / stderr contains TEXT.
out_has() {
	grep -qF -- "$1" "$TMP/out" || fail "stdout lacks '$1'"
}
err_has() {
	grep -qF -- "$1" "$TMP/err" || {
		fail "stderr lacks '$1':"
		sed 's/^/    /' "$TMP/err" | head -20
	}
}

# ---- policy lint ----

pd 0 policy lint "$POLICY"
grep -qE '(^|[^0-9])0 errors' "$TMP/out" || fail "lint of the real policy: no '0 errors' in: $(cat "$TMP/out")"
grep -q 'error:' "$TMP/out" && fail "lint of the real policy prints errors"
pd 0 policy lint --policy "$POLICY"
grep -qE '(^|[^0-9])0 errors' "$TMP/out" || fail "lint --policy: no '0 errors'"

# A copy with one broken rule: exit 78, the problem at file:line:column.
cp -R "$POLICY" "$TMP/policy"
cat >"$TMP/policy/zhejiang/zz-broken.yaml" <<'EOF'
- id: broken-rule
  when: applicant.age = 18
  source: "003 1"
  en: Broken.
  zh: 坏。
EOF
pd 78 policy lint "$TMP/policy"
out_has 'policy/zhejiang/zz-broken.yaml:2:23: error: `=` is not an operator: write `==` in `applicant.age = 18`'
grep -qE '(^|[^0-9])1 errors?' "$TMP/out" || fail "broken copy: the summary does not count 1 error: $(tail -1 "$TMP/out")"

# Several problems in several files: all of them, each located.
cat >"$TMP/policy/zhejiang/zz-more.yaml" <<'EOF'
- id: more
  require: [pasport]
  colour: red
  source: "003 1"
  en: More.
  zh: 更多。
EOF
pd 78 policy lint "$TMP/policy"
out_has 'policy/zhejiang/zz-broken.yaml:2:23: error:'
out_has 'policy/zhejiang/zz-more.yaml:2:13: error: unknown material "pasport"'
out_has 'policy/zhejiang/zz-more.yaml:3:3: error: unknown key `colour` in a rule'
grep -qE '(^|[^0-9])3 errors' "$TMP/out" || fail "three problems: $(tail -1 "$TMP/out")"
rm "$TMP/policy/zhejiang/zz-more.yaml"

# ---- overlays: what each city pack does to the national rules ----

pd 0 policy lint "$POLICY"
out_has 'overlay tianjin on national: '
out_has '  replaces: tianjin/residence-processing -> national/residence-processing (policy/tianjin/service.yaml:'
out_has '  dropped: national/reunion-criminal-record'
out_has '  in force: national/residence-good-record'
out_has '  replaces: tianjin/reunion-kinship-scope -> national/reunion-kinship-scope (policy/tianjin/documents.yaml:5): the same condition and effects'
out_has 'overlay zhejiang on national: '
out_has '  replaces: zhejiang/visa-where-to-apply -> national/visa-where-to-apply'
grep -q '^overlay national' "$TMP/out" && fail "national extends nothing, yet an overlay is listed"
# every national rule is in force, replaced or dropped in each city, once
nat=$(awk '/^overlay shenzhen on national: /{print $5 + $12 + $23}' "$TMP/out")
listed=$(awk '/^overlay /{p = ($2 == "shenzhen")} p && /^  (in force|replaces|dropped): /' "$TMP/out" | wc -l)
[ -n "$nat" ] && [ "$nat" = "$listed" ] || fail "shenzhen overlay: counts say ${nat:-?}, $listed lines"

# A replacement that changes nothing (the national rule copied, reworded): a
# warning at its place, the lint still passing.
mv "$TMP/policy/zhejiang/zz-broken.yaml" "$TMP/zz-broken.yaml"
cat >"$TMP/policy/zhejiang/zz-same.yaml" <<'EOF'
- id: visa-processing
  when: application.document=="visa"
  receipt: 7
  processing: 7
  source: "003 8, Regs Art. 13, Regs Art. 36"
  en: Seven working days.
  zh: 七个工作日。
EOF
pd 0 policy lint "$TMP/policy"
out_has 'policy/zhejiang/zz-same.yaml:1:3: warning: zhejiang/visa-processing replaces national/visa-processing and changes nothing (the same condition, effects and source)'
out_has '  replaces: zhejiang/visa-processing -> national/visa-processing (policy/zhejiang/zz-same.yaml:1): the same condition and effects'
sed 's/processing: 7/processing: 6/' "$TMP/policy/zhejiang/zz-same.yaml" >"$TMP/same" && mv "$TMP/same" "$TMP/policy/zhejiang/zz-same.yaml"
pd 0 policy lint "$TMP/policy"
grep -q 'zz-same.yaml.*warning' "$TMP/out" && fail "a replacement with another processing time is warned of"
rm "$TMP/policy/zhejiang/zz-same.yaml"
mv "$TMP/zz-broken.yaml" "$TMP/policy/zhejiang/zz-broken.yaml"

# ---- policy list and conflicts ----

pd 0 policy list "$POLICY"
grep -qE '^national +national +- +2013-09-01' "$TMP/out" || fail "policy list lacks national: $(cat "$TMP/out")"
grep -qE '^zhejiang +zhejiang +national +2022-07-04' "$TMP/out" || fail "policy list lacks zhejiang"
grep -qE ' [0-9a-f]{16} ' "$TMP/out" || fail "policy list shows no version"

pd 0 policy conflicts "$POLICY"
# the four conflicts of the seeds' README, each with the pack that chose and its sources
for c in kinship-scope processing-time health-certificate foreign-documents; do
	grep -qE "^$c \[[a-z0-9_-]+\] \(sources: [0-9]{3}, " "$TMP/out" || fail "policy conflicts lacks $c"
done
n=$(grep -c '^  -> ' "$TMP/out")
[ "$n" -ge 4 ] || fail "policy conflicts: $n choices, expected at least 4"
pd 0 policy conflicts --lang zh "$POLICY"
out_has '团聚亲属范围'
out_has '来源'

pd 64 policy
pd 64 policy frobnicate "$POLICY"
pd 78 policy lint "$TMP/policy"

# ---- check: exit codes ----

pd 0 check --policy "$POLICY" "$EXAMPLE"
out_has '"verdict":"incomplete"'
out_has '"pack":"zhejiang"'
pd 0 check --policy "$POLICY" - <"$EXAMPLE"
out_has '"jurisdiction":"zhejiang"'
pd 66 check --policy "$POLICY" "$TMP/no-such-case.json"
err_has "no-such-case.json"
pd 78 check --policy "$TMP/policy" "$EXAMPLE"
err_has 'policy/zhejiang/zz-broken.yaml:2:23:'
pd 78 check --policy "$TMP/no-such-policy" "$EXAMPLE"
pd 64 check --policy "$POLICY" --bogus "$EXAMPLE"
err_has "unknown option '--bogus'"
pd 64 check --policy "$POLICY"
pd 64 check --policy "$POLICY" --format xml "$EXAMPLE"
pd 64 check --policy "$POLICY" --jobs 0 --batch "$EXAMPLE"
printf '{"jurisdiction": "zhejiang", "date": "2026-02-30"}\n' >"$TMP/bad-date.json"
pd 65 check --policy "$POLICY" "$TMP/bad-date.json"
err_has 'bad-date.json:1:38: date: expected a date YYYY-MM-DD, got "2026-02-30"'

# ---- check --batch: one line out per line in, errors in place ----

good=$(tr -d '\n' <"$EXAMPLE")
{
	echo "$good"
	echo '{"jurisdiction": "zhejiang", "date": "2026-13-01"}'
	echo "$good"
} >"$TMP/three.jsonl"
pd 65 check --batch --policy "$POLICY" "$TMP/three.jsonl"
[ "$(wc -l <"$TMP/out")" -eq 3 ] || fail "batch of 3: $(wc -l <"$TMP/out") output lines"
sed -n 1p "$TMP/out" | grep -q '^{"verdict":"incomplete"' || fail "batch line 1 is not a result"
sed -n 3p "$TMP/out" | grep -q '^{"verdict":"incomplete"' || fail "batch line 3 is not a result"
line2=$(sed -n 2p "$TMP/out")
case "$line2" in
'{"error":{'*'"code":"invalid_case"'*'"line":2,'*) ;;
*) fail "batch line 2 is not an error on line 2: $line2" ;;
esac
[ "$(sed -n 1p "$TMP/out")" = "$(sed -n 3p "$TMP/out")" ] || fail "the same case gave two results"
# the one-case result is the batch's line
"$PERMITDESK" check --policy "$POLICY" "$EXAMPLE" >"$TMP/single"
[ "$(sed -n 1p "$TMP/out")" = "$(cat "$TMP/single")" ] || fail "batch and single results differ"
# a batch without errors exits 0
grep -v 2026-13-01 "$TMP/three.jsonl" >"$TMP/two.jsonl"
pd 0 check --batch --policy "$POLICY" "$TMP/two.jsonl"

# ---- --jobs 2 gives exactly what --jobs 1 gives, on 500 cases ----

echo "$good" | awk '
{
	split("C F G J2 L M Q2 R S2 X2", types, " ")
	for (i = 1; i <= 500; i++) {
		line = $0
		t = types[i % 10 + 1]
		sub(/"visa_type": "Q2"/, "\"visa_type\": \"" t "\"", line)
		sub(/"requested_days": 90/, "\"requested_days\": " (i % 200), line)
		sub(/"date": "2026-09-28"/, sprintf("\"date\": \"2026-%02d-%02d\"", i % 12 + 1, i % 28 + 1), line)
		sub(/"birth_date": "1958-08-12"/, sprintf("\"birth_date\": \"%d-08-12\"", 1940 + i % 80), line)
		if (i % 97 == 0)
			line = "{\"jurisdiction\": \"zhejiang\", \"date\": \"2026-02-30\"}"
		if (i % 131 == 0)
			line = "{not json"
		print line
	}
}' >"$TMP/500.jsonl"
[ "$(wc -l <"$TMP/500.jsonl")" -eq 500 ] || fail "generated $(wc -l <"$TMP/500.jsonl") lines"
"$PERMITDESK" check --batch --jobs 1 --policy "$POLICY" "$TMP/500.jsonl" >"$TMP/j1" 2>"$TMP/err"
rc1=$?
"$PERMITDESK" check --batch --jobs 2 --policy "$POLICY" "$TMP/500.jsonl" >"$TMP/j2" 2>"$TMP/err"
rc2=$?
if [ "$rc1" != 65 ] || [ "$rc2" != 65 ]; then
	fail "--jobs 1 exit $rc1, --jobs 2 exit $rc2 (expected 65: bad lines)"
fi
[ "$(wc -l <"$TMP/j1")" -eq 500 ] || fail "--jobs 1: $(wc -l <"$TMP/j1") lines"
cmp -s "$TMP/j1" "$TMP/j2" || fail "--jobs 2 output differs from --jobs 1"
[ "$(grep -c '^{"error":' "$TMP/j1")" -eq 8 ] || fail "500 cases: $(grep -c '^{"error":' "$TMP/j1") errors, expected 8"
grep -q '"line":131,' "$TMP/j1" || fail "the bad JSON on line 131 is not reported there"
[ "$(grep -c '"verdict":"' "$TMP/j1")" -eq 492 ] || fail "500 cases: not 492 results"
"$PERMITDESK" check --batch --jobs 7 --policy "$POLICY" "$TMP/500.jsonl" >"$TMP/j7" 2>/dev/null
cmp -s "$TMP/j1" "$TMP/j7" || fail "--jobs 7 output differs from --jobs 1"
# from standard input errors name "-" as the file; otherwise the same
"$PERMITDESK" check --batch --jobs 3 --policy "$POLICY" - <"$TMP/500.jsonl" >"$TMP/jstdin" 2>/dev/null
sed 's|"file":"[^"]*"|"file":"-"|' "$TMP/j1" | cmp -s - "$TMP/jstdin" ||
	fail "--jobs 3 from standard input differs from --jobs 1"

# ---- text in one language ----

pd 0 check --policy "$POLICY" --format text --lang zh "$EXAMPLE"
out_has '结论：材料不全'
out_has '所需材料'
# No English left once citations ([003 6.2(7)]), the pack id and the version are set aside.
english=$(sed 's/\[[^]]*\]//g; s/zhejiang//g; s/[0-9a-f]\{16\}//g' "$TMP/out" | grep -E '[A-Za-z]{3,}')
[ -z "$english" ] || fail "--lang zh prints English: $english"
pd 0 check --policy "$POLICY" --format text --lang en "$EXAMPLE"
out_has 'Verdict: Incomplete'
cjk=$(grep -c '结论\|材料' "$TMP/out")
[ "$cjk" -eq 0 ] || fail "--lang en prints Chinese"
pd 0 check --policy "$POLICY" --format text "$EXAMPLE"
out_has 'Verdict / 结论: Incomplete / 材料不全'
pd 64 check --policy "$POLICY" --format text --lang fr "$EXAMPLE"

if [ "$failures" -ne 0 ]; then
	echo "policy_lint.sh: $failures failure(s)"
	exit 1
fi
echo "policy_lint.sh: ok"
