#!/bin/sh
# calendar.sh: `permitdesk calendar add` and `permitdesk calendar is-workday`:
# answers, the provisional warning, --policy and PERMITDESK_POLICY, and the
# exit codes of spec/interfaces.md (0, 64 usage, 65 bad DATE or N, 66 file
# missing, 78 broken calendar file); and an apply-by date on a rest day moved
# as its rule says, with the reason in its finding.
# Environment: PERMITDESK (the binary), PD_SRC (the source root).
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"

POLICY="$PD_SRC/policy"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-calendar-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0

# run EXPECTED_EXIT EXPECTED_STDOUT ARGS...: stdout must be exactly EXPECTED_STDOUT.
run() {
	want_rc=$1
	want_out=$2
	shift 2
	out=$("$PERMITDESK" "$@" 2>"$TMP/stderr")
	rc=$?
	if [ "$rc" != "$want_rc" ] || [ "$out" != "$want_out" ]; then
		echo "FAIL: permitdesk $*"
		echo "  expected exit $want_rc, stdout '$want_out'"
		echo "  got      exit $rc, stdout '$out', stderr:"
		sed 's/^/    /' "$TMP/stderr"
		failures=$((failures + 1))
	fi
}

# stderr_has TEXT: the last run's standard error contains TEXT.
stderr_has() {
	if ! grep -qF -- "$1" "$TMP/stderr"; then
		echo "FAIL: stderr lacks '$1':"
		sed 's/^/    /' "$TMP/stderr"
		failures=$((failures + 1))
	fi
}

# stderr_empty: the last run wrote nothing on standard error.
stderr_empty() {
	if [ -s "$TMP/stderr" ]; then
		echo "FAIL: unexpected stderr:"
		sed 's/^/    /' "$TMP/stderr"
		failures=$((failures + 1))
	fi
}

# add: across holidays and make-up days
run 0 2026-10-10 calendar add 2026-09-28 5 --policy "$POLICY"
stderr_empty
run 0 2026-10-13 calendar add 2026-09-28 7 --policy "$POLICY"
run 0 2024-02-18 calendar add 2024-02-08 2 --policy "$POLICY"
run 0 2026-01-04 calendar add 2025-12-31 1 --policy="$POLICY"
run 0 2026-03-09 calendar add 2026-03-06 1 --policy "$POLICY"
run 0 2026-10-01 calendar add 2026-10-01 0 --policy "$POLICY"
run 0 2026-10-10 calendar --policy "$POLICY" add 2026-09-28 5

# is-workday: yes and no both exit 0
run 0 yes calendar is-workday 2026-10-10 --policy "$POLICY"
stderr_empty
run 0 no calendar is-workday 2026-10-01 --policy "$POLICY"
run 0 no calendar is-workday 2026-03-07 --policy "$POLICY"
run 0 yes calendar is-workday 2026-03-09 --policy "$POLICY"

# years the file does not cover: weekends only, and a warning
run 0 2027-01-01 calendar add 2026-12-31 1 --policy "$POLICY"
stderr_has "warning: provisional"
stderr_has "covers 2024 to 2026"
run 0 yes calendar is-workday 2027-10-01 --policy "$POLICY"
stderr_has "warning: provisional"
run 0 no calendar is-workday 2023-12-30 --policy "$POLICY"
stderr_has "warning: provisional"

# the default directory: $PERMITDESK_POLICY, here a calendar of 2026 with one made-up holiday
mkdir -p "$TMP/alt/calendar"
cat >"$TMP/alt/calendar/cn.yaml" <<'EOF'
years:
  - year: 2026
    source: {title: Test notice, published: 2025-11}
    holidays:
      - {en: Test Day, zh: 测试日, from: 2026-03-09, to: 2026-03-09}
EOF
out=$(PERMITDESK_POLICY="$TMP/alt" "$PERMITDESK" calendar is-workday 2026-03-09 2>"$TMP/stderr")
if [ "$out" != no ]; then
	echo "FAIL: PERMITDESK_POLICY not honoured: got '$out'"
	failures=$((failures + 1))
fi
out=$(PERMITDESK_POLICY="$TMP/alt" "$PERMITDESK" calendar is-workday 2026-03-09 \
	--policy "$POLICY" 2>"$TMP/stderr")
if [ "$out" != yes ]; then
	echo "FAIL: --policy does not override PERMITDESK_POLICY: got '$out'"
	failures=$((failures + 1))
fi

# 65: bad DATE or N, naming the argument
run 65 "" calendar add 2026-02-30 5 --policy "$POLICY"
stderr_has 'DATE: expected a date YYYY-MM-DD, got "2026-02-30"'
run 65 "" calendar add 2026/09/28 5 --policy "$POLICY"
stderr_has "DATE:"
run 65 "" calendar add 2026-09-28 five --policy "$POLICY"
stderr_has 'N: expected a number of working days from 0 to 100000, got "five"'
run 65 "" calendar add 2026-09-28 -1 --policy "$POLICY"
stderr_has "N:"
run 65 "" calendar add 2026-09-28 100001 --policy "$POLICY"
stderr_has "N:"
run 65 "" calendar add 9999-12-01 100 --policy "$POLICY"
stderr_has "after 9999-12-31"
run 65 "" calendar is-workday yesterday --policy "$POLICY"
stderr_has "DATE:"

# 64: usage
run 64 "" calendar
stderr_has "usage: permitdesk calendar"
run 64 "" calendar add 2026-09-28 --policy "$POLICY"
stderr_has "missing N"
run 64 "" calendar add --policy "$POLICY"
stderr_has "missing DATE"
run 64 "" calendar is-workday --policy "$POLICY"
run 64 "" calendar add 2026-09-28 5 6 --policy "$POLICY"
run 64 "" calendar is-workday 2026-09-28 2026-09-29 --policy "$POLICY"
run 64 "" calendar subtract 2026-09-28 5 --policy "$POLICY"
stderr_has "unknown action 'subtract'"
run 64 "" calendar add 2026-09-28 5 --bogus
stderr_has "unknown option '--bogus'"
run 64 "" calendar add 2026-09-28 5 --policy

# 66: no calendar file
run 66 "" calendar add 2026-09-28 5 --policy "$TMP/nowhere"
stderr_has "$TMP/nowhere/calendar/cn.yaml"

# 78: a calendar file that does not load, with file:line:column (columns count characters)
mkdir -p "$TMP/bad/calendar"
cat >"$TMP/bad/calendar/cn.yaml" <<'EOF'
years:
  - year: 2026
    source: {title: Test notice, published: 2025-11}
    holidays:
      - {en: Test Day, zh: 测试日, from: 2026-03-09, to: 2026-03-09, make_up_days: [2026-03-10]}
EOF
run 78 "" calendar add 2026-09-28 5 --policy "$TMP/bad"
stderr_has "$TMP/bad/calendar/cn.yaml:5:82: make-up working day 2026-03-10 is a Tuesday"

# An apply-by date on a rest day moves as its rule says, and the rule's
# finding says why, in both languages (the golden cases hold the dates).
out=$(PERMITDESK_TODAY=2026-11-22 "$PERMITDESK" check --policy "$POLICY" "$PD_SRC/tests/cases/zhejiang/date-apply-by-saturday.json" 2>"$TMP/stderr")
for want in '"apply_by":"2026-11-13"' \
	'"rule":"national/visa-extension-apply-by","outcome":"info"' \
	'"detail":{"en":"2026-11-14 is not a working day (the offices are closed): apply by 2026-11-13, the last working day before it.","zh":"2026-11-14不是工作日（出入境管理机构不办公）：应在其前最后一个工作日提出申请，即2026-11-13。"}'; do
	case $out in
	*"$want"*) ;;
	*) echo "FAIL: the Saturday apply-by result lacks $want" && failures=$((failures + 1)) ;;
	esac
done
out=$(PERMITDESK_TODAY=2026-11-22 "$PERMITDESK" check --policy "$POLICY" "$PD_SRC/tests/cases/national/reunion-issuance-q1-parent-by-agent.json" 2>"$TMP/stderr")
case $out in
*'"en":"2026-05-01 is not a working day (the offices are closed): apply by 2026-04-30, the last working day before it."'*) ;;
*) echo "FAIL: the May Day apply-by is not moved to 2026-04-30 with its reason" && failures=$((failures + 1)) ;;
esac

# help
run 0 "$("$PERMITDESK" help calendar)" calendar --help

if [ "$failures" -ne 0 ]; then
	echo "calendar.sh: $failures failure(s)"
	exit 1
fi
echo "calendar.sh: ok"
