#!/bin/sh
# appointments.sh: `permitdesk appointments OFFICE DATE`, the officer's day
# view on the command line.  Appointments are booked through a real
# `permitdesk serve` (one with the pre-check's answers attached, one without,
# one cancelled); then the text view in both languages and in each, the JSON
# equal byte for byte to GET /api/v1/offices/{id}/appointments?date=, --as
# proven (an officer may, an applicant and a wrong password may not), a day
# without appointments, and the exit codes 64, 65 and 66; the command in
# help, the man page and the bash completion.
# Environment: PERMITDESK (the binary), PD_SRC (the source root).
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-appointments-cli.XXXXXX") || exit 1
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"' EXIT
failures=0
export PERMITDESK_POLICY="$PD_SRC/policy"
export PERMITDESK_TODAY=2026-11-20
unset PERMITDESK_DB PERMITDESK_TOKEN
DB="$TMP/desk.db"
OFFICE=tianjin-exit-entry-service-center
DAY=2026-11-23

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# pd EXPECTED_EXIT ARGS...: runs permitdesk (standard input from $input, if
# set), keeps stdout in $out.
pd() {
	want=$1
	shift
	out=$(printf '%s' "${input:-}" | "$PERMITDESK" "$@" 2>"$TMP/stderr")
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "permitdesk $* exited $rc, expected $want; stderr: $(cat "$TMP/stderr")"
	fi
}

has() {
	case "$out" in
	*"$1"*) ;;
	*) fail "output lacks '$1': $(printf '%s' "$out" | head -c 600)" ;;
	esac
}

lacks() {
	case "$out" in
	*"$1"*) fail "output has '$1': $(printf '%s' "$out" | head -c 600)" ;;
	esac
}

# req METHOD PATH [BODY]: the server's answer body (node's fetch; the tests
# need node anyway), "HTTP n" on stderr when it is not 2xx.
req() {
	node -e '
		const [m, u, b] = process.argv.slice(1);
		fetch(u, { method: m, headers: b ? { "content-type": "application/json" } : {}, body: b || undefined })
			.then(async (r) => { process.stdout.write(await r.text()); if (!r.ok) { console.error(`HTTP ${r.status}`); process.exit(1); } })
			.catch((e) => { console.error(e.message); process.exit(1); });
	' "$1" "$URL$2" "${3:-}"
}

input='correct horse battery'
pd 0 user add --db "$DB" olga --role officer
input='applicant pw 1'
pd 0 user add --db "$DB" ann --role applicant
input=

# ---- bookings through the API ----
"$PERMITDESK" serve --listen 127.0.0.1:0 --db "$DB" >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVER=$!
i=0
while ! grep -q '^listening on ' "$TMP/serve.out" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		fail "serve did not start: $(cat "$TMP/serve.err")"
		exit 1
	fi
	sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$TMP/serve.out")

ANSWERS=$(cat "$PD_SRC/examples/zhejiang-q2-extension.json")
req POST /api/v1/appointments "{\"office\":\"$OFFICE\",\"date\":\"$DAY\",\"time\":\"10:00\",\"passport\":\"L898902C3\",\"name\":\"Anna Maria Eriksson\",\"answers\":$ANSWERS}" >"$TMP/a1" || fail "booking with answers"
req POST /api/v1/appointments "{\"office\":\"$OFFICE\",\"date\":\"$DAY\",\"time\":\"09:00\",\"passport\":\"E1234567\"}" >"$TMP/a2" || fail "booking without answers"
req POST /api/v1/appointments "{\"office\":\"$OFFICE\",\"date\":\"$DAY\",\"time\":\"11:00\",\"passport\":\"C7654321\"}" >"$TMP/a3" || fail "a third booking"
ref() { sed -n 's/^{"reference":"\([A-Z0-9-]*\)".*/\1/p' "$1"; }
R1=$(ref "$TMP/a1")
R2=$(ref "$TMP/a2")
R3=$(ref "$TMP/a3")
[ -n "$R1" ] && [ -n "$R2" ] && [ -n "$R3" ] || fail "no references: $(cat "$TMP/a1")"
req DELETE "/api/v1/appointments/$R3?passport=C7654321" >/dev/null || fail "cancelling"
TOKEN=$(req POST /api/v1/sessions '{"user":"olga","password":"correct horse battery"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || fail "no session token"
API=$(node -e '
	fetch(process.argv[1], { headers: { authorization: `Bearer ${process.argv[2]}` } })
		.then(async (r) => { process.stdout.write(await r.text()); process.exit(r.ok ? 0 : 1); });
' "$URL/api/v1/offices/$OFFICE/appointments?date=$DAY" "$TOKEN") || fail "the API's day view: $API"
kill "$SERVER"
wait "$SERVER" 2>/dev/null
SERVER=

# ---- the day view ----
pd 0 appointments --db "$DB" "$OFFICE" "$DAY"
has "The Entry and Exit Administration Service Center of the Tianjin Municipal Public Security Bureau"
has "天津市公安局出入境管理服务中心"
has "$DAY"
has "09:00-09:30  $R2  E1234567"
has "10:00-10:30  $R1  L898902C3  Anna Maria Eriksson"
lacks "$R3"
has "Attached / 附件: pre-check answers"
has "Attached / 附件: nothing"
has "Verdict / 结论: incomplete"
has "What to bring / 需要携带的材料:"
has "[provided] Valid passport"
has "Appointments / 预约: 2"
first=$(printf '%s\n' "$out" | grep -n "$R2" | cut -d: -f1)
second=$(printf '%s\n' "$out" | grep -n "$R1" | cut -d: -f1)
[ "${first:-0}" -lt "${second:-0}" ] || fail "09:00 is listed before 10:00"
# every material the API lists for the appointment with answers, in both languages
node -e '
	const day = JSON.parse(process.argv[1]);
	const a = day.appointments.find((x) => x.answers);
	for (const m of a.bring) console.log(`[${m.status}] ${m.text.en}\t${m.text.zh}`);
' "$API" >"$TMP/bring" || fail "reading the API's day view"
[ -s "$TMP/bring" ] || fail "the API lists nothing to bring"
while IFS="$(printf '\t')" read -r en zh; do
	has "$en"
	has "$zh"
done <"$TMP/bring"

pd 0 appointments --db "$DB" --lang zh "$OFFICE" "$DAY"
has "附件：预检答案"
has "预约：2"
lacks "Attached"
lacks "Valid passport"
pd 0 appointments --db "$DB" --lang en "$OFFICE" "$DAY"
has "Appointments: 2"
lacks "附件"

# the JSON is the API's, byte for byte
pd 0 appointments --db "$DB" --format json "$OFFICE" "$DAY"
[ "$out" = "$API" ] || fail "the JSON differs from the API's: $(printf '%s' "$out" | head -c 300) / $(printf '%s' "$API" | head -c 300)"

# a day without appointments; PERMITDESK_DB
PERMITDESK_DB="$DB" pd 0 appointments "$OFFICE" 2026-11-24
has "Appointments / 预约: 0"

# --as: an officer may; an applicant, a wrong password and a token without --as may not
input='correct horse battery'
pd 0 appointments --db "$DB" --as olga "$OFFICE" "$DAY"
has "$R1"
input='applicant pw 1'
pd 77 appointments --db "$DB" --as ann "$OFFICE" "$DAY"
grep -q "may not see the appointments" "$TMP/stderr" || fail "the refusal says why: $(cat "$TMP/stderr")"
input='wrong password'
pd 77 appointments --db "$DB" --as olga "$OFFICE" "$DAY"
input=

# bad input
pd 64 appointments --db "$DB" "$OFFICE"
pd 64 appointments "$OFFICE" "$DAY"
pd 64 appointments --db "$DB" --format xml "$OFFICE" "$DAY"
pd 64 appointments --db "$DB" --format json --lang zh "$OFFICE" "$DAY"
pd 64 appointments --db "$DB" --lang fr "$OFFICE" "$DAY"
pd 64 appointments --db "$DB" --token T "$OFFICE" "$DAY"
pd 64 appointments --db "$DB" --nonsense "$OFFICE" "$DAY"
pd 64 appointments --db "$DB" "$OFFICE" "$DAY" extra
pd 65 appointments --db "$DB" "$OFFICE" 2026-13-01
grep -q "date" "$TMP/stderr" || fail "a bad date names the date: $(cat "$TMP/stderr")"
pd 66 appointments --db "$DB" nowhere "$DAY"
grep -q "no office 'nowhere'" "$TMP/stderr" || fail "an unknown office is named: $(cat "$TMP/stderr")"
pd 66 appointments --db "$TMP/missing.db" "$OFFICE" "$DAY"

# help, the man page and the completion come from the command table
pd 0 help appointments
has "appointments --db FILE"
pd 0 help --man
has "appointments"
pd 0 help --completion bash
has "appointments"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "appointments: all passed"
