#!/bin/sh
# case_workflow.sh: `permitdesk user add`, `case new|act|show|list` and
# `audit verify` end to end, over the workflow test pack
# (tests/data/policy-workflow) and the official calendar: one case from
# filing to collection, the Tianjin deadline of the issue, a supplement that
# moves it, refusals (state, role, data) that exit 65 and leave the database
# exactly as it was, and the exit codes 64 and 66.
# Environment: PERMITDESK (the binary), PD_SRC (the source root), PD_TESTS.
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"
: "${PD_TESTS:?PD_TESTS must name the tests directory}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-case-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
export PERMITDESK_TODAY=2026-11-20

# The test pack beside the official calendar.
mkdir "$TMP/policy"
cp -R "$PD_TESTS/data/policy-workflow/tianjin" "$TMP/policy/"
ln -s "$PD_SRC/policy/calendar" "$TMP/policy/calendar"
DB="$TMP/office.db"

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# pd EXPECTED_EXIT ARGS...: runs permitdesk, keeps stdout in $out.  Standard
# input is $TMP/stdin when `pw USER` filled it (once), else the script's.
pd() {
	want=$1
	shift
	if [ -s "$TMP/stdin" ]; then
		out=$("$PERMITDESK" "$@" <"$TMP/stdin" 2>"$TMP/stderr")
	else
		out=$("$PERMITDESK" "$@" 2>"$TMP/stderr")
	fi
	rc=$?
	: >"$TMP/stdin"
	if [ "$rc" != "$want" ]; then
		fail "permitdesk $* exited $rc, expected $want; stdout: $out"
		sed 's/^/    /' "$TMP/stderr"
	fi
}

has() {
	case "$out" in
	*"$1"*) ;;
	*) fail "output lacks '$1': $out" ;;
	esac
}

lacks() {
	case "$out" in
	*"$1"*) fail "output has '$1': $out" ;;
	*) ;;
	esac
}

stderr_has() {
	grep -qF -- "$1" "$TMP/stderr" || fail "stderr lacks '$1': $(cat "$TMP/stderr")"
}

# pw USER: the next pd proves --as USER with USER's password on standard input.
pw() {
	printf 'secret-%s\n' "$1" >"$TMP/stdin"
}

# on DATE: the clock of the next commands (an action dated today is not back-dated).
on() {
	PERMITDESK_TODAY=$1
	export PERMITDESK_TODAY
}

# The whole content of the database, row by row.
dump() {
	sqlite3 "$DB" .dump
}

# act USER ID ACTION [OPTIONS...]: an action that must succeed.
act() {
	user=$1
	id=$2
	action=$3
	shift 3
	pw "$user"
	pd 0 case act --db "$DB" --policy "$TMP/policy" --as "$user" "$@" "$id" "$action"
}

# refused EXIT USER ID ACTION [OPTIONS...]: an action that must fail and change nothing.
refused() {
	want=$1
	user=$2
	id=$3
	action=$4
	shift 4
	dump >"$TMP/before.sql"
	pw "$user"
	pd "$want" case act --db "$DB" --policy "$TMP/policy" --as "$user" "$@" "$id" "$action"
	dump >"$TMP/after.sql"
	cmp -s "$TMP/before.sql" "$TMP/after.sql" || fail "refused $action by $user changed the database"
}

json_field() { # json_field NAME: the string value of "NAME" in $out
	printf '%s\n' "$out" | sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"
}

# ---- no database yet ----
pd 66 case show --db "$DB" 0123
pd 66 case list --db "$DB"
pd 66 audit verify --db "$DB"
stderr_has "no such database"
pd 64 case list
pd 64 case frobnicate --db "$DB"
[ ! -e "$DB" ] || fail "a missing database was created"

# ---- users: the first one creates the database ----
for u in ann:applicant bob:agent olga:officer rita:reviewer sam:supervisor; do
	printf 'secret-%s\n' "${u%%:*}" >"$TMP/pw"
	pd 0 user add --db "$DB" "${u%%:*}" --role "${u#*:}" <"$TMP/pw"
	has "\"user\":\"${u%%:*}\""
done
printf 'password\n' >"$TMP/pw"
pd 65 user add --db "$DB" ann --role officer <"$TMP/pw"
stderr_has "user 'ann' exists"
printf 'short\n' >"$TMP/pw"
pd 65 user add --db "$DB" zed --role officer <"$TMP/pw"
pd 64 user add --db "$DB" zed --role king <"$TMP/pw"
pd 0 audit verify --db "$DB"
has '"ok":true,"entries":5'
sqlite3 "$DB" "SELECT password_hash FROM users WHERE name = 'ann'" | grep -q '^\$argon2id\$' ||
	fail "passwords are not argon2id hashes"

# ---- a case from filing to collection ----
cat >"$TMP/case.json" <<'EOF'
{"jurisdiction": "tianjin", "applicant": {"good_record": true}, "documents": []}
EOF
cat >"$TMP/supplemented.json" <<'EOF'
{"case": {"jurisdiction": "tianjin", "applicant": {"good_record": true}, "documents": [{"type": "photo"}]}}
EOF
on 2026-09-25
pw ann
pd 0 case new --db "$DB" --policy "$TMP/policy" --as ann --at 2026-09-25 "$TMP/case.json"
has '"number":"tianjin-2026-000001","state":"draft"'
ID=$(json_field id)
[ ${#ID} = 32 ] || fail "case id '$ID' is not 32 hex digits"
pw nobody
pd 77 case new --db "$DB" --policy "$TMP/policy" --as nobody "$TMP/case.json"
stderr_has "wrong user name or password"
pw ann
pd 66 case new --db "$DB" --policy "$TMP/policy" --as ann "$TMP/missing.json"

refused 65 olga "$ID" accept --at 2026-09-25 # still a draft
stderr_has "cannot accept case tianjin-2026-000001: it is draft"
refused 77 bob "$ID" submit --at 2026-09-25 # not bob's case
stderr_has "was not filed by bob"
act ann "$ID" submit --at 2026-09-25
has '"from":"draft","state":"submitted"'
# the photo is missing: no acceptance, the one-time notice instead
on 2026-09-28
refused 65 olga "$ID" accept --at 2026-09-28
stderr_has "one-time notice"
on 2026-09-25
act olga "$ID" request_supplement --at 2026-09-25 --note "bring a photo"
has '"state":"awaiting_supplement"'
has '"notice":1'
on 2026-09-28
act ann "$ID" resubmit --at 2026-09-28 --data "@$TMP/supplemented.json"
has '"state":"submitted","verdict":"eligible"'
# accepted on 2026-09-28 in Tianjin: due 2026-10-10
refused 77 ann "$ID" accept --at 2026-09-28
stderr_has "an applicant may not accept"
act olga "$ID" accept --at 2026-09-28
has '"receipt":"tianjin-2026-R000001","receipt_valid_until":"2026-10-23","decision_by":"2026-10-10"'
# a supplement asked on working day 2, answered 6 working days later: due 6 working days later
on 2026-09-30
act olga "$ID" request_supplement --at 2026-09-30
on 2026-10-14
act ann "$ID" resubmit --at 2026-10-14
has '"state":"accepted"'
has '"decision_by":"2026-10-19"'
pd 0 case list --db "$DB" --overdue --as-of 2026-10-19
has '"count":0'
pd 0 case list --db "$DB" --overdue --as-of 2026-10-20
has "\"id\":\"$ID\""
has '"overdue":true'

refused 65 rita "$ID" approve --at 2026-10-14 # not in review yet
act sam "$ID" assign --at 2026-10-14 --data '{"to":"rita"}'
has '"state":"in_review"'
refused 65 rita "$ID" add_task --at 2026-10-14 --data '{"kind":"seance"}'
stderr_has "data.kind: expected one of interview, telephone, on_site_check"
refused 65 rita "$ID" add_task --at 2026-10-13 --reason "paper file" --data '{"kind":"interview"}'
stderr_has "at: 2026-10-13 is before the case's last action (2026-10-14)"
act rita "$ID" add_task --at 2026-10-14 --data '{"kind":"telephone","due":"2026-10-15"}'
has '"task":1'
on 2026-10-15
refused 65 rita "$ID" approve --at 2026-10-15
stderr_has "task 1 (telephone) is still open"
act olga "$ID" complete_task --at 2026-10-15 --data '{"task":1,"outcome":"passed"}'
refused 65 rita "$ID" revoke --at 2026-10-15 --data '{"ground":"unreachable_telephone"}'
refused 77 olga "$ID" approve --at 2026-10-15
stderr_has "an officer may not approve"
on 2026-10-16
act rita "$ID" approve --at 2026-10-16 --note "all in order"
has '"state":"approved","verdict":"eligible"'
has '"decision":1'
on 2026-10-19
act olga "$ID" issue --at 2026-10-19
refused 65 olga "$ID" collect --at 2026-10-19 --data '{"method":"drone"}'
on 2026-10-20
act olga "$ID" collect --at 2026-10-20 --data '{"method":"in_person"}'
has '"state":"collected"'
refused 65 sam "$ID" approve --at 2026-10-20
pd 64 case act --db "$DB" --as sam "$ID" frobnicate
pw sam
pd 66 case act --db "$DB" --policy "$TMP/policy" --as sam 00000000000000000000000000000000 issue
on 2026-11-20

# ---- what the store kept ----
pd 0 case show --db "$DB" "$ID"
has '"state":"collected"'
has '"receipt":{"number":"tianjin-2026-R000001","accepted_on":"2026-09-28","valid_until":"2026-11-02"}'
has '"paused_days":6'
has '"facts":{"jurisdiction": "tianjin", "applicant": {"good_record": true}, "documents": [{"type": "photo"}]}'
has '"notices":[{"n":1,"issued_on":"2026-09-25","issued_by":"olga","note":"bring a photo","answered_on":"2026-09-28","materials":[{"id":"photo","status":"missing"'
has '"decisions":[{"n":1,"action":"approve","decided_on":"2026-10-16","decided_by":"rita","verdict":"eligible"'
has '"policy":{"pack":"tianjin","version":"'
has '"action":"create","actor":"ann","role":"applicant","at":"2026-09-25"'
has '"from":"issued","to":"collected","note":null,"data":{"method":"in_person"}'
pd 66 case show --db "$DB" 0123
pd 0 case list --db "$DB" --state collected
has '"count":1'
pd 65 case list --db "$DB" --state lost
pd 0 audit verify --db "$DB"
has '"ok":true'
lacks '"first_bad":{'

# ---- replaying the decision under a changed policy ----
pd 0 case replay --db "$DB" --policy "$TMP/policy" "$ID"
has '"then":{"verdict":"eligible","pack":"tianjin"'
has '"same_verdict":true,"same_result":true}],"changed":0'
# the office now also wants a criminal record certificate
mkdir "$TMP/policy2"
cp -R "$TMP/policy/tianjin" "$TMP/policy2/"
ln -s "$PD_SRC/policy/calendar" "$TMP/policy2/calendar"
{
	printf 'materials:\n  - id: criminal_record_certificate\n'
	printf '    en: Certificate of no criminal record\n    zh: 无犯罪记录证明\n'
	sed '/^materials:$/d' "$TMP/policy/tianjin/rules.yaml"
	printf '  - id: no-criminal-record\n    require: [criminal_record_certificate]\n'
	printf '    source: "001 Documents"\n    en: A certificate of no criminal record.\n'
	printf '    zh: 无犯罪记录证明。\n'
} >"$TMP/policy2/tianjin/rules.yaml"
pd 0 case replay --db "$DB" --policy "$TMP/policy2" "$ID"
has '"now":{"verdict":"incomplete","pack":"tianjin"'
has '"same_verdict":false,"same_result":false}],"changed":1'
pd 0 audit verify --db "$DB" # replay wrote nothing
has '"entries":18'

# ---- a database written by a newer program is refused ----
cp "$DB" "$TMP/newer.db"
sqlite3 "$TMP/newer.db" "PRAGMA user_version = 99"
pd 78 case list --db "$TMP/newer.db"
stderr_has "database schema version 99 is newer than this program supports"
printf 'not a database, just some text that is long enough for SQLite to read a header\n' \
	>"$TMP/text.db"
pd 70 case list --db "$TMP/text.db"
stderr_has "not a permitdesk database"

if [ "$failures" -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "case_workflow: all passed"
