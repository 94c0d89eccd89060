#!/bin/sh
# case_tamper.sh: `permitdesk audit verify` against a trail edited behind the
# program's back with the sqlite3 shell.  Changing, deleting or inserting one
# audit row must make it exit 65 and name the first bad entry; the untouched
# trail verifies.
# Environment: PERMITDESK (the binary), PD_SRC (the source root), PD_TESTS.
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"
: "${PD_TESTS:?PD_TESTS must name the tests directory}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-tamper-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
export PERMITDESK_TODAY=2026-11-20

mkdir "$TMP/policy"
cp -R "$PD_TESTS/data/policy-workflow/tianjin" "$TMP/policy/"
ln -s "$PD_SRC/policy/calendar" "$TMP/policy/calendar"
GOOD="$TMP/good.db"
DB="$TMP/office.db"

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

pd() {
	out=$("$PERMITDESK" "$@" 2>"$TMP/stderr")
	rc=$?
}

# A short history: two users, one case through review (entries 1 to 8).
for u in olga:officer ann:applicant; do
	printf 'a-good-password\n' | "$PERMITDESK" user add --db "$GOOD" "${u%%:*}" --role "${u#*:}" \
		>/dev/null || fail "user add ${u%%:*}"
done
printf '%s\n' '{"jurisdiction":"tianjin","applicant":{"good_record":true},"documents":[{"type":"photo"}]}' \
	>"$TMP/case.json"
export PERMITDESK_TODAY=2026-09-28
printf 'a-good-password\n' >"$TMP/pw"
pd case new --db "$GOOD" --policy "$TMP/policy" --as ann --at 2026-09-28 "$TMP/case.json" <"$TMP/pw"
ID=$(printf '%s\n' "$out" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
[ -n "$ID" ] || fail "case new: $out $(cat "$TMP/stderr")"
for step in "ann submit" "olga accept" "olga request_supplement" "ann resubmit"; do
	pd case act --db "$GOOD" --policy "$TMP/policy" --as ${step% *} --at 2026-09-28 "$ID" ${step#* } \
		<"$TMP/pw"
	[ "$rc" = 0 ] || fail "$step: $(cat "$TMP/stderr")"
done
pd audit verify --db "$GOOD"
[ "$rc" = 0 ] || fail "the untouched trail does not verify: $out"
case "$out" in
*'"ok":true,"entries":7,'*) ;;
*) fail "unexpected report: $out" ;;
esac

# tampered "SQL" SEQ TEXT: after SQL, verify exits 65 and names entry SEQ, with TEXT.
tampered() {
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key"
	cp "$GOOD" "$DB"
	cp -p "$GOOD.key" "$DB.key" # the audit key, kept beside the file
	sqlite3 "$DB" "$1" || fail "sqlite3: $1"
	pd audit verify --db "$DB"
	[ "$rc" = 65 ] || fail "after '$1': exit $rc, expected 65"
	case "$out" in
	*"\"ok\":false"*"\"first_bad\":{\"seq\":$2,"*) ;;
	*) fail "after '$1': expected entry $2 named, got: $out" ;;
	esac
	grep -qF -- "audit trail broken at entry $2: $3" "$TMP/stderr" ||
		fail "after '$1': stderr: $(cat "$TMP/stderr")"
}

# change one row: its note, its actor, its date, its states
tampered "UPDATE audit SET note = 'looked fine' WHERE seq = 4" 4 "entry 4 was changed"
tampered "UPDATE audit SET actor = 'ann', role = 'applicant' WHERE seq = 5" 5 "entry 5 was changed"
tampered "UPDATE audit SET at = '2026-09-01' WHERE seq = 6" 6 "entry 6 was changed"
tampered "UPDATE audit SET to_state = 'approved' WHERE seq = 7" 7 "entry 7 was changed"
# change the hash too (recomputing it needs the chain: the next entry no longer follows)
tampered "UPDATE audit SET note = 'x', hash = 'ab' WHERE seq = 3" 3 "entry 3 was changed"
# delete one row: in the middle, the first, the last
tampered "DELETE FROM audit WHERE seq = 4" 4 "entry 4 is missing"
tampered "DELETE FROM audit WHERE seq = 1" 1 "entry 1 is missing"
tampered "DELETE FROM audit WHERE seq = 7" 7 "entry 7 is missing"
# insert one row: at the end, linked to the last entry, and in place of a deleted one
tampered "INSERT INTO audit SELECT 8, case_id, 'approve', 'olga', 'officer', at, recorded_at,
	'accepted', 'approved', NULL, NULL, hash, hash FROM audit WHERE seq = 7" 8 "entry 8 was changed"
tampered "DELETE FROM audit WHERE seq = 5; INSERT INTO audit SELECT 5, case_id, action, actor,
	role, at, recorded_at, from_state, to_state, 'inserted', data, prev_hash, hash FROM audit
	WHERE seq = 4" 5 "entry 5 does not follow entry 4"
# the case's own row edited, the trail left alone
tampered "UPDATE cases SET state = 'approved'" 7 "case tianjin-2026-000001 is 'approved' but its last audit entry (7) leaves it 'accepted'"

# the good copy still verifies
pd audit verify --db "$GOOD"
[ "$rc" = 0 ] || fail "the good copy no longer verifies: $out"

if [ "$failures" -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "case_tamper: all passed"
