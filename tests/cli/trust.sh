#!/bin/sh
# trust.sh: the refusals of issue "Trust" end to end, each with a message
# that names its rule and nothing written: a wrong password, a forged token,
# a back-dated change without a reason or by a role or beyond the window the
# settings allow, a date after today, the separation of duties (and a
# supervisor's override, audited), settings changed by an admin only, a
# read-only database, what an applicant may read; then every column of an
# audit row and every column of a case the trail records changed one at a
# time, a tampered or exposed audit key file, and signed checkpoints.
# Environment: PERMITDESK (the binary), PD_SRC (the source root), PD_TESTS.
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"
: "${PD_TESTS:?PD_TESTS must name the tests directory}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-trust.XXXXXX") || exit 1
trap 'chmod -R u+w "$TMP"; rm -rf "$TMP"' EXIT
failures=0
PERMITDESK_TODAY=2026-11-20
export PERMITDESK_TODAY
unset PERMITDESK_AUDIT_KEY PERMITDESK_TOKEN

mkdir "$TMP/policy" "$TMP/desk"
cp -R "$PD_TESTS/data/policy-workflow/tianjin" "$TMP/policy/"
ln -s "$PD_SRC/policy/calendar" "$TMP/policy/calendar"
DB="$TMP/desk/office.db"
: >"$TMP/stdin"

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# pd EXPECTED_EXIT ARGS...: standard input is $TMP/stdin (then emptied).
pd() {
	want=$1
	shift
	out=$("$PERMITDESK" "$@" <"$TMP/stdin" 2>"$TMP/stderr")
	rc=$?
	: >"$TMP/stdin"
	if [ "$rc" != "$want" ]; then
		fail "permitdesk $* exited $rc, expected $want; stdout: $out"
		sed 's/^/    /' "$TMP/stderr"
	fi
}
pw() { printf 'secret-%s\n' "$1" >"$TMP/stdin"; }
has() { case "$out" in *"$1"*) ;; *) fail "output lacks '$1': $out" ;; esac; }
stderr_has() { grep -qF -- "$1" "$TMP/stderr" || fail "stderr lacks '$1': $(cat "$TMP/stderr")"; }
dump() { sqlite3 "$DB" .dump; }
# unchanged COMMAND...: runs pd and checks the database is as it was
unchanged() {
	dump >"$TMP/before.sql"
	pd "$@"
	dump >"$TMP/after.sql"
	cmp -s "$TMP/before.sql" "$TMP/after.sql" || fail "permitdesk $* changed the database"
}
act() { # act EXIT USER ID ACTION [OPTIONS...]
	want=$1 user=$2 id=$3 action=$4
	shift 4
	pw "$user"
	pd "$want" case act --db "$DB" --policy "$TMP/policy" --as "$user" "$@" "$id" "$action"
}
refused() { # refused EXIT USER ID ACTION [OPTIONS...]: and nothing written
	dump >"$TMP/before.sql"
	act "$@"
	dump >"$TMP/after.sql"
	cmp -s "$TMP/before.sql" "$TMP/after.sql" || fail "refused $4 by $2 changed the database"
}

for u in ann:applicant olga:officer sam:supervisor rita:reviewer ada:admin; do
	pw "${u%%:*}"
	pd 0 user add --db "$DB" "${u%%:*}" --role "${u#*:}"
done
[ "$(stat -c %a "$DB")" = 600 ] || fail "a new database is not 0600: $(stat -c %a "$DB")"
[ "$(stat -c %a "$DB.key")" = 600 ] || fail "the audit key is not 0600"

# ---- proving who acts ----
cat >"$TMP/case.json" <<'JSON'
{"jurisdiction": "tianjin", "applicant": {"good_record": true}, "documents": [{"type": "photo"}]}
JSON
printf 'not-her-password\n' >"$TMP/stdin"
unchanged 77 case new --db "$DB" --policy "$TMP/policy" --as ann "$TMP/case.json"
stderr_has "wrong user name or password"
unchanged 77 case new --db "$DB" --policy "$TMP/policy" --as ann "$TMP/case.json"
stderr_has "--as ann needs a proof"
unchanged 77 case new --db "$DB" --policy "$TMP/policy" --as ann \
	--token AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "$TMP/case.json"
stderr_has "no such session, or it has ended"
PERMITDESK_TOKEN=forged unchanged 77 case list --db "$DB" --as ann
stderr_has "no such session, or it has ended"

# ---- dates ----
pw olga
unchanged 65 case new --db "$DB" --policy "$TMP/policy" --as olga --at 2026-11-21 "$TMP/case.json"
stderr_has "at: 2026-11-21 is in the future (today is 2026-11-20)"
pw olga
unchanged 65 case new --db "$DB" --policy "$TMP/policy" --as olga --at 2026-11-18 "$TMP/case.json"
stderr_has "at: 2026-11-18 is 2 days before today: a back-dated change needs a reason"
pw ann
unchanged 77 case new --db "$DB" --policy "$TMP/policy" --as ann --at 2026-11-18 \
	--reason "paper file" "$TMP/case.json"
stderr_has "back-dating: an applicant may not date a change before today"
pw olga
unchanged 77 case new --db "$DB" --policy "$TMP/policy" --as olga --at 2026-11-01 \
	--reason "paper file" "$TMP/case.json"
stderr_has "2026-11-01 is 19 days before today, more than the 7 allowed (setting backdate_days)"
pw olga
pd 0 case new --db "$DB" --policy "$TMP/policy" --as olga --at 2026-11-18 \
	--reason "entered after the outage" "$TMP/case.json"
ID=$(printf '%s\n' "$out" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
act 0 olga "$ID" submit --at 2026-11-18 --reason "entered after the outage"

# ---- separation of duties ----
refused 77 olga "$ID" accept
stderr_has "separation of duties: olga filed this case and may not accept it"
act 0 sam "$ID" accept --at 2026-11-19 --reason "entered after the outage"
pd 0 case show --db "$DB" "$ID"
has '"counted_from":"2026-11-19","counted_from_text":"counted from 2026-11-19 (back-dated, reason: entered after the outage)"'
has '"data":{"backdated":{"reason":"entered after the outage","days":1}'
act 0 sam "$ID" assign --data '{"to":"sam"}'
refused 77 sam "$ID" approve
stderr_has "separation of duties: sam accepted this case and may not approve it"
pw sam
pd 0 case show --db "$DB" --as sam "$ID"
# Not offered (allowed_actions is the array before "withheld_actions"), but
# shown as withheld with the rule's words.
allowed=${out#*'"allowed_actions":['}
allowed=${allowed%%]*}
case "$allowed" in *'"approve"'*) fail "approve offered to the accepter: $out" ;; esac
has '"withheld_actions":[{"action":"approve","reason":"separation of duties: sam accepted this case and may not approve it"}'

act 0 sam "$ID" approve --data '{"override": "the only supervisor on duty"}'
pd 0 case show --db "$DB" "$ID"
has '"override":{"rule":"separation of duties","which":"the accepter may not decide","reason":"the only supervisor on duty"}'

# ---- settings: an admin's, audited ----
pw sam
unchanged 77 config set --db "$DB" --as sam separation_of_duties off
stderr_has "only an admin may change settings, not supervisor 'sam'"
pw ada
unchanged 65 config set --db "$DB" --as ada separation_of_duty off
stderr_has "no setting 'separation_of_duty'; settings: separation_of_duties, backdate_roles, backdate_days"
pw ada
unchanged 65 config set --db "$DB" --as ada backdate_days 9999
stderr_has "backdate_days: expected a number from 0 to 3650"
pw ada
pd 0 config set --db "$DB" --as ada backdate_days 30
pd 0 config list --db "$DB"
has '{"setting":"backdate_days","value":"30","default":"7"'

# ---- what an applicant may read ----
pw ann
pd 66 case show --db "$DB" --as ann "$ID"
stderr_has "no case '$ID'"
pw ann
pd 0 case list --db "$DB" --as ann
has '"count":0'
pw ann
pd 66 case show --db "$DB" --as ann 0123456789abcdef0123456789abcdef
pd 0 audit verify --db "$DB"
has '"ok":true'

# ---- a read-only database ----
chmod 0444 "$DB"
chmod 0555 "$TMP/desk"
pd 0 case show --db "$DB" "$ID"
has '"state":"approved"'
pd 0 audit verify --db "$DB"
unchanged 74 case act --db "$DB" --policy "$TMP/policy" --as olga "$ID" issue
stderr_has "the database file is read-only: nothing written"
chmod 0755 "$TMP/desk"
chmod 0600 "$DB"

# ---- a checkpoint, then changes, then a rewrite it exposes ----
pd 0 audit checkpoint --db "$DB"
printf '%s\n' "$out" >"$TMP/cp.json"
act 0 olga "$ID" issue
pd 0 audit verify --db "$DB" --checkpoint "$TMP/cp.json"
has '"ok":true'
sed 's/"head_seq":\([0-9]*\)/"head_seq":1\1/' "$TMP/cp.json" >"$TMP/cp-bad.json"
pd 65 audit verify --db "$DB" --checkpoint "$TMP/cp-bad.json"
stderr_has "the checkpoint's signature does not match its contents"

# ---- every column of an audit row, every recorded column of a case ----
GOOD="$TMP/good.db"
sqlite3 "$DB" "VACUUM INTO '$GOOD'"
cp -p "$DB.key" "$GOOD.key"
N=$(sqlite3 "$GOOD" "SELECT seq FROM audit WHERE action = 'accept'")
# tamper SQL TEXT: on a copy, verify exits 65 and says TEXT
tamper() {
	rm -f "$TMP/t.db" "$TMP/t.db-wal" "$TMP/t.db-shm"
	cp "$GOOD" "$TMP/t.db"
	cp -p "$GOOD.key" "$TMP/t.db.key"
	sqlite3 "$TMP/t.db" "$1" || fail "sqlite3: $1"
	pd 65 audit verify --db "$TMP/t.db" --checkpoint "$TMP/cp.json"
	stderr_has "$2"
}
for col in case_id action actor role at recorded_at from_state to_state note data prev_hash hash; do
	case $col in
	case_id) v="NULL" ;;
	at) v="'2026-11-17'" ;;
	recorded_at) v="recorded_at + 1" ;;
	*) v="'x'" ;;
	esac
	tamper "UPDATE audit SET $col = $v WHERE seq = $N" "entry $N"
done
tamper "UPDATE audit SET seq = seq + 100 WHERE seq = $N" "entry $N is missing"
for c in "state:'rejected'" "created_by:'sam'" "created_on:'2026-11-17'" \
	"updated_on:'2026-11-17'" "accepted_on:'2026-11-18'" "receipt_number:'tianjin-2026-R999999'" \
	"decision_by:'2027-01-01'" "assignee:'rita'" "decided_on:'2026-11-17'"; do
	col=${c%%:*}
	case $col in
	state) tamper "UPDATE cases SET state = ${c#*:}" "is 'rejected' but its last audit entry" ;;
	*) tamper "UPDATE cases SET $col = ${c#*:}" "its $col column is" ;;
	esac
done

# ---- the audit key file ----
cp -p "$DB.key" "$TMP/key.good"
sed -i 's/^secret \(.\)/secret f\1/; s/^secret f\(.\)\(.*\)$/secret \2\1/' "$DB.key"
cmp -s "$DB.key" "$TMP/key.good" && fail "the key file was not changed"
pd 78 audit verify --db "$DB"
stderr_has "not an audit key file, or a damaged one"
cp -p "$TMP/key.good" "$DB.key"
chmod 0644 "$DB.key"
pd 78 audit verify --db "$DB"
stderr_has "the audit key may be read by others (mode 644)"
chmod 0600 "$DB.key"
pd 0 audit verify --db "$DB"
has '"ok":true'

if [ "$failures" -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "trust: all passed"
