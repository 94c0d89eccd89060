#!/bin/sh
# calendar_check.sh: `permitdesk calendar check [FILE]` on the real calendar and
# on broken ones (each finding as file:line:column, exit 78), the warning from
# 1 December while the next year is missing (calendar check and policy lint,
# exit 0), and cases dated in a year the calendar does not cover (provisional
# dates, still answered).
# Environment: PERMITDESK (the binary), PD_SRC (the source root).
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"

POLICY="$PD_SRC/policy"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-calendar-check.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
unset PERMITDESK_POLICY
PERMITDESK_TODAY=2026-11-30
export PERMITDESK_TODAY

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
		sed 's/^/    out: /' "$TMP/out" | head -20
		sed 's/^/    err: /' "$TMP/err" | head -20
	fi
}

out_has() {
	grep -qF -- "$1" "$TMP/out" || {
		fail "stdout lacks '$1':"
		sed 's/^/    /' "$TMP/out" | head -20
	}
}

out_lacks() {
	if grep -qF -- "$1" "$TMP/out"; then
		fail "stdout has '$1':"
		sed 's/^/    /' "$TMP/out" | head -20
	fi
}

err_has() {
	grep -qF -- "$1" "$TMP/err" || {
		fail "stderr lacks '$1':"
		sed 's/^/    /' "$TMP/err" | head -20
	}
}

# ---- the real calendar: complete and consistent ----------------------------------------------
pd 0 calendar check --policy "$POLICY"
out_has "2024 to 2026: 3 years, 0 errors, 0 warnings"
pd 0 calendar check "$POLICY/calendar/cn.yaml"
out_has "0 errors, 0 warnings"

# ---- one year, 2026 as its notice gives it, in a file of its own -------------------------------
cat >"$TMP/good.yaml" <<'EOF'
statutory:
  - in_force_from: 2025-01-01
    source: {title: 全国年节及纪念日放假办法, published: 2024-11-12}
    holidays:
      - {en: New Year's Day, zh: 元旦, days: 1}
      - {en: Spring Festival, zh: 春节, days: 4}
      - {en: Qingming Festival, zh: 清明节, days: 1}
      - {en: Labour Day, zh: 劳动节, days: 2}
      - {en: Dragon Boat Festival, zh: 端午节, days: 1}
      - {en: Mid-Autumn Festival, zh: 中秋节, days: 1}
      - {en: National Day, zh: 国庆节, days: 3}
years:
  - year: 2026
    source: {title: 国务院办公厅关于2026年部分节假日安排的通知, published: 2025-11}
    holidays:
      - {en: New Year's Day, zh: 元旦, from: 2026-01-01, to: 2026-01-03, make_up_days: [2026-01-04]}
      - {en: Spring Festival, zh: 春节, from: 2026-02-15, to: 2026-02-23, make_up_days: [2026-02-14, 2026-02-28]}
      - {en: Qingming Festival, zh: 清明节, from: 2026-04-04, to: 2026-04-06}
      - {en: Labour Day, zh: 劳动节, from: 2026-05-01, to: 2026-05-05, make_up_days: [2026-05-09]}
      - {en: Dragon Boat Festival, zh: 端午节, from: 2026-06-19, to: 2026-06-21}
      - {en: Mid-Autumn Festival, zh: 中秋节, from: 2026-09-25, to: 2026-09-27}
      - {en: National Day, zh: 国庆节, from: 2026-10-01, to: 2026-10-07, make_up_days: [2026-09-20, 2026-10-10]}
EOF
cd "$TMP" || exit 1
pd 0 calendar check good.yaml
out_has "2026: 1 year, 0 errors, 0 warnings"

# broken SED_EXPR NAME: good.yaml edited by SED_EXPR into NAME.yaml, checked: exit 78.
broken() {
	sed "$1" good.yaml >"$2.yaml"
	pd 78 calendar check "$2.yaml"
}

broken '/zh: 春节, from/d' no-spring
out_has "no-spring.yaml:15:5: error: 2026 lacks 春节 (Spring Festival): each statutory holiday is in one holiday period"
out_has "no-spring.yaml:13:11: error: 2026: 13 weekdays off less 4 make-up working days leaves 9 days off"
out_has "2026: 1 year, 2 errors, 0 warnings"

broken 's/zh: 清明节, from/zh: 春节, from/' twice
out_has 'twice.yaml:18:37: error: 春节 (Spring Festival) is in two holiday periods of 2026 (first at line 17)'
out_has 'twice.yaml:18:14: error: "Qingming Festival" does not match "春节": expected "Spring Festival"'
out_has "twice.yaml:15:5: error: 2026 lacks 清明节 (Qingming Festival)"

broken 's/zh: 端午节, from/zh: 元宵节, from/' unknown
out_has 'unknown.yaml:20:40: error: "元宵节" is not a statutory holiday (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节;'

broken 's/\[2026-09-20, 2026-10-10\]/[2026-10-10]/' make-up-left-out
out_has "make-up-left-out.yaml:13:11: error: 2026: 19 weekdays off less 5 make-up working days leaves 14 days off, but the statutory holidays of 《全国年节及纪念日放假办法》(2024-11-12) give 13"

broken 's/to: 2026-02-23, make_up_days: \[2026-02-14, 2026-02-28\]/to: 2026-02-17/' short
out_has 'short.yaml:17:61: error: "Spring Festival" is 3 days off, fewer than its 4 statutory days'

broken 's/published: 2025-11}/published: 2026-01-05}/' late
out_has "late.yaml:14:57: error: the notice for 2026 is dated 2026-01-05: a year's notice is published before the year begins"

broken 's/in_force_from: 2025-01-01/in_force_from: 2026-06-01/' not-in-force
out_has 'not-in-force.yaml:13:11: error: no version of the statutory holidays ("statutory") is in force on 1 January 2026'

broken '1,11d' no-statutory
out_has 'no-statutory.yaml:1:1: error: no "statutory" list'

# National Day and Mid-Autumn in one period (as in 2025): one entry, both names.
sed -e '/zh: 中秋节, from/d' \
	-e 's/{en: National Day, zh: 国庆节, from: 2026-10-01, to: 2026-10-07/{en: National Day and Mid-Autumn Festival, zh: 国庆节、中秋节, from: 2026-10-01, to: 2026-10-08/' \
	good.yaml >combined.yaml
pd 0 calendar check combined.yaml
out_has "0 errors"
sed 's/en: National Day and Mid-Autumn Festival/en: Mid-Autumn Festival and National Day/' combined.yaml >combined-en.yaml
pd 78 calendar check combined-en.yaml
out_has '"Mid-Autumn Festival and National Day" does not match "国庆节、中秋节": expected "National Day and Mid-Autumn Festival"'

# the loader's refusals stay load errors (file:line:column on standard error)
sed 's/2026-05-09/2026-05-08/' good.yaml >weekday.yaml
pd 78 calendar check weekday.yaml
err_has "weekday.yaml:19:84: make-up working day 2026-05-08 is a Friday, not a Saturday or Sunday"
pd 66 calendar check no-such-file.yaml
pd 64 calendar check good.yaml --policy "$POLICY"
pd 64 calendar check good.yaml other.yaml

# ---- the next year is due from 1 December ------------------------------------------------------
PERMITDESK_TODAY=2026-11-30 pd 0 calendar check --policy "$POLICY"
out_lacks "warning:"
PERMITDESK_TODAY=2026-11-30 pd 0 policy lint "$POLICY"
out_lacks "warning: the official calendar"
PERMITDESK_TODAY=2026-12-01 pd 0 calendar check --policy "$POLICY"
out_has "$POLICY/calendar/cn.yaml: warning: the official calendar does not cover 2027: copy the State Council's notice on the 2027 holidays into $POLICY/calendar/cn.yaml"
out_has "2024 to 2026: 3 years, 0 errors, 1 warning"
PERMITDESK_TODAY=2026-12-01 pd 0 policy lint "$POLICY"
out_has "$POLICY/calendar/cn.yaml: warning: the official calendar does not cover 2027"
out_has "0 errors, 1 warnings"
# past the end: today's own year is the one missing
PERMITDESK_TODAY=2027-01-05 pd 0 policy lint "$POLICY"
out_has "warning: the official calendar does not cover 2027"
PERMITDESK_TODAY=2025-12-01 pd 0 policy lint "$POLICY"
out_lacks "warning: the official calendar"

# lint reports the check's findings as errors: a policy whose calendar lacks a holiday
mkdir -p "$TMP/policy"
cp -R "$POLICY/." "$TMP/policy/"
awk '/- year: /{y=$3} y==2024 && /en: Dragon Boat Festival/{skip=4} skip{skip--; next} {print}' \
	"$POLICY/calendar/cn.yaml" >"$TMP/policy/calendar/cn.yaml"
pd 78 policy lint "$TMP/policy"
out_has "$TMP/policy/calendar/cn.yaml:"
out_has "error: 2024 lacks 端午节 (Dragon Boat Festival)"

# ---- cases dated past the calendar: answered, their dates provisional ---------------------------
sed -e 's/"date": "2026-09-28"/"date": "2027-01-12"/' \
	-e 's/"expiry": "2026-10-20"/"expiry": "2027-02-10"/' \
	"$PD_SRC/examples/zhejiang-q2-extension.json" >jan2027.json
pd 0 check --view summary --policy "$POLICY" jan2027.json
out_has '"decision_by":"2027-01-21"'
out_has '"provisional":true'
pd 0 check --policy "$POLICY" jan2027.json
out_has '"rule":"calendar/provisional"'
out_has '(2024-2026)'
sed -e 's/"date": "2026-09-28"/"date": "2026-12-10"/' \
	-e 's/"expiry": "2026-10-20"/"expiry": "2027-01-20"/' \
	"$PD_SRC/examples/zhejiang-q2-extension.json" >dec2026.json
pd 0 check --view summary --policy "$POLICY" dec2026.json
out_has '"decision_by":"2026-12-21"'
out_lacks '"provisional"'

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "calendar_check: ok"
