#!/bin/sh
# case_documents.sh: `permitdesk case documents` end to end over the workflow
# test pack (tests/data/policy-workflow) and the official calendar: a case
# filed without its photo gets it at the counter and becomes eligible, the
# stored case keeps every other byte, one audit entry records the change, a
# bad body is refused with its line:column and changes nothing, the role and
# state rules hold, and the note may come inside an action's data.
# Environment: PERMITDESK (the binary), PD_SRC (the source root), PD_TESTS.
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"
: "${PD_TESTS:?PD_TESTS must name the tests directory}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-case-documents.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
export PERMITDESK_TODAY=2026-11-20

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

stderr_has() {
	grep -qF -- "$1" "$TMP/stderr" || fail "stderr lacks '$1': $(cat "$TMP/stderr")"
}

dump() {
	sqlite3 "$DB" .dump
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

# documents EXIT USER ID BODY [OPTIONS...]: the body from a file
documents() {
	want=$1
	user=$2
	id=$3
	printf '%s\n' "$4" >"$TMP/body.json"
	shift 4
	pw "$user"
	pd "$want" case documents --db "$DB" --policy "$TMP/policy" --as "$user" "$@" "$id" \
		"$TMP/body.json"
}

# refused EXIT USER ID BODY [OPTIONS...]: must fail and change nothing
refused() {
	dump >"$TMP/before.sql"
	documents "$@"
	dump >"$TMP/after.sql"
	cmp -s "$TMP/before.sql" "$TMP/after.sql" || fail "refused documents by $2 changed the database"
}

for u in ann:applicant bob:agent olga:officer rita:reviewer sam:supervisor; do
	printf 'secret-%s\n' "${u%%:*}" >"$TMP/pw"
	pd 0 user add --db "$DB" "${u%%:*}" --role "${u#*:}" <"$TMP/pw"
done

printf '%s\n' '{"jurisdiction": "tianjin",' '  "applicant": {"good_record": true}}' >"$TMP/case.json"
on 2026-09-25
pw ann
pd 0 case new --db "$DB" --policy "$TMP/policy" --as ann --at 2026-09-25 "$TMP/case.json"
ID=$(printf '%s\n' "$out" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
pw ann
pd 0 case act --db "$DB" --policy "$TMP/policy" --as ann --at 2026-09-25 "$ID" submit
on 2026-09-28
has '"verdict":"incomplete"'

# a bad body: located in the body, nothing changed
refused 65 olga "$ID" '{"documents": [
  {"type": "photo"},
  {"type": "Photo"}]}' --at 2026-09-28
stderr_has "documents[1].type: expected a material id"
stderr_has ":3:12: "
refused 65 olga "$ID" '{"documents": [{"type": "unicorn"}]}' --at 2026-09-28
stderr_has ":1:16: documents[0].type: unknown material \"unicorn\" for the tianjin policy"
refused 65 olga "$ID" '{"documents": [], "notes": "x"}' --at 2026-09-28
stderr_has "notes: unknown field; expected one of documents, note"
refused 77 rita "$ID" '{"documents": []}' --at 2026-09-28
stderr_has "a reviewer may not change the documents of a case"
refused 77 bob "$ID" '{"documents": []}' --at 2026-09-28
stderr_has "was not filed by bob"
refused 65 olga "$ID" '{"documents": []}' --at 2026-09-24 --reason "paper file"
stderr_has "before the case's last action"
pd 64 case documents --db "$DB" --as olga "$ID"
pw olga
pd 66 case documents --db "$DB" --policy "$TMP/policy" --as olga "$ID" "$TMP/missing.json"

# the photo brought at the counter
documents 0 olga "$ID" '{"documents": [{"type": "photo"}], "note": "brought at the counter"}' \
	--at 2026-09-28
has '"state":"submitted","verdict":"eligible"'
pd 0 case show --db "$DB" "$ID"
has '"facts":{"jurisdiction": "tianjin",'  # every other byte as filed, the member added
has '  "applicant": {"good_record": true},"documents":[{"type": "photo"}]},"result":'
has '"action":"documents","actor":"olga","role":"officer","at":"2026-09-28"'
has '"from":"submitted","to":"submitted","note":"brought at the counter","data":{"documents":1}'

# the note inside an action's data
pw olga
pd 0 case act --db "$DB" --policy "$TMP/policy" --as olga --at 2026-09-28 "$ID" accept
pw sam
pd 0 case act --db "$DB" --policy "$TMP/policy" --as sam --at 2026-09-28 \
	--data '{"to": "rita", "note": "urgent"}' "$ID" assign
pd 0 case show --db "$DB" "$ID"
has '"to":"in_review","note":"urgent"'
pw sam
pd 65 case act --db "$DB" --policy "$TMP/policy" --as sam --at 2026-09-28 \
	--data '{"note": 7}' "$ID" issue
stderr_has "data:1:10: data.note: expected a non-empty string, got 7"

# decided: no more changes
on 2026-09-29
pw rita
pd 0 case act --db "$DB" --policy "$TMP/policy" --as rita --at 2026-09-29 "$ID" approve
on 2026-09-30
refused 65 olga "$ID" '{"documents": []}' --at 2026-09-30
stderr_has "it is approved"
pd 0 audit verify --db "$DB"
has '"ok":true'

[ "$failures" = 0 ] || {
	echo "$failures failure(s)"
	exit 1
}
echo "case_documents: ok"
