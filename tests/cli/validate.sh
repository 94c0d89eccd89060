#!/bin/sh
# validate.sh: `permitdesk validate mrz` and `permitdesk validate id`: the
# JSON verdicts (pinned exactly for the ICAO TD3 specimen and the GB 11643
# example), every way of giving a zone (arguments, one text, standard input),
# --today and PERMITDESK_TODAY, and the exit codes of docs/ids.md: 0 a
# verdict (valid or not), 65 not even the shape of a zone or a number (the
# verdict is printed all the same), 64 usage.
# Environment: PERMITDESK (the binary).
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-validate-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
PERMITDESK_TODAY=2025-06-30
export PERMITDESK_TODAY

L1='P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'
L2='L898902C36UTO7408122F1204159ZE184226B<<<<<10'

# run EXPECTED_EXIT ARGS...: runs, keeps stdout in $out, checks the exit code.
run() {
	want_rc=$1
	shift
	out=$("$PERMITDESK" "$@" 2>"$TMP/stderr")
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		echo "FAIL: permitdesk $*: exit $rc, expected $want_rc; stdout '$out'; stderr:"
		sed 's/^/    /' "$TMP/stderr"
		failures=$((failures + 1))
	fi
}

# out_is TEXT: the last run printed exactly TEXT.
out_is() {
	if [ "$out" != "$1" ]; then
		echo "FAIL: stdout differs"
		echo "  expected: $1"
		echo "  got:      $out"
		failures=$((failures + 1))
	fi
}

# out_has TEXT: the last run's standard output contains TEXT.
out_has() {
	case "$out" in
	*"$1"*) ;;
	*)
		echo "FAIL: stdout lacks '$1': $out"
		failures=$((failures + 1))
		;;
	esac
}

stderr_has() {
	if ! grep -qF -- "$1" "$TMP/stderr"; then
		echo "FAIL: stderr lacks '$1':"
		sed 's/^/    /' "$TMP/stderr"
		failures=$((failures + 1))
	fi
}

SPECIMEN='{"valid":true,"format":"TD3","fields":{"document_code":"P","issuing_state":"UTO","issuing_state_name":"Utopia (fictitious State of the Doc 9303 specimens)","primary_identifier":"ERIKSSON","secondary_identifier":"ANNA MARIA","document_number":"L898902C3","nationality":"UTO","nationality_name":"Utopia (fictitious State of the Doc 9303 specimens)","birth_date":"1974-08-12","birth_date_raw":"740812","sex":"F","expiry_date":"2012-04-15","expiry_date_raw":"120415","optional_data":"ZE184226B"},"failed":[],"notes":["expired"]}'

# The TD3 specimen of Doc 9303 Part 4, three ways.
run 0 validate mrz "$L1" "$L2"
out_is "$SPECIMEN"
run 0 validate mrz "$L1$L2"
out_is "$SPECIMEN"
out=$(printf '%s\r\n%s\r\n' "$L1" "$L2" | "$PERMITDESK" validate mrz - 2>"$TMP/stderr")
rc=$?
[ "$rc" = 0 ] || { echo "FAIL: validate mrz - exit $rc"; failures=$((failures + 1)); }
out_is "$SPECIMEN"
run 0 validate mrz "$(printf '%s\n%s' "$L1" "$L2")"
out_is "$SPECIMEN"

# Expired is a note judged against the day given, not a failure.
run 0 validate --today 2010-01-01 mrz "$L1" "$L2"
out_has '"valid":true'
out_has '"notes":[]'
PERMITDESK_TODAY=2011-05-01 run 0 validate mrz "$L1" "$L2"
out_has '"notes":[]'
run 0 validate --today=2030-01-01 mrz "$L1" "$L2"
out_has '"notes":["expired"]'

# A one-character change: valid false, exit 0, the check named.
run 0 validate mrz "$L1" 'L898902C36UTO7408122F1204159ZE184226B<<<<<11'
out_has '"valid":false'
out_has '"failed":[{"check":"composite_check","line":2,"column":44,"message":"composite check digit is 1, expected 0"}]'

# TD1, TD2 and the visas.
run 0 validate mrz 'I<UTOD231458907<<<<<<<<<<<<<<<' '7408122F1204159UTO<<<<<<<<<<<6' \
	'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'
out_has '"valid":true,"format":"TD1"'
run 0 validate mrz 'I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<' 'D231458907UTO7408122F1204159<<<<<<<6'
out_has '"valid":true,"format":"TD2"'
run 0 validate mrz 'V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' \
	'L8988901C4XXX4009078F96121096ZE184226B<<<<<<'
out_has '"valid":true,"format":"MRV-A"'
run 0 validate mrz 'V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<' 'L8988901C4XXX4009078F9612109<<<<<<<<'
out_has '"valid":true,"format":"MRV-B"'

# Not even the shape of a zone: 65, the verdict printed all the same.
run 65 validate mrz "$L1" 'L898902C36UTO7408122F1204159'
out_has '"check":"length"'
run 65 validate mrz 'P<UTOERIKSSON'
out_is '{"valid":false,"format":null,"fields":null,"failed":[{"check":"format","message":"1 line: a machine readable zone has 2 lines (TD2, TD3, MRV) or 3 (TD1)"}],"notes":[]}'
out=$(printf '' | "$PERMITDESK" validate mrz - 2>"$TMP/stderr")
rc=$?
[ "$rc" = 65 ] || { echo "FAIL: empty standard input: exit $rc"; failures=$((failures + 1)); }
out_has '"check":"format"'

# Identity numbers.
run 0 validate id 11010519491231002X
out_is '{"valid":true,"kind":"prc_resident_id","number":"11010519491231002X","fields":{"region":"110105","province":"11","province_en":"Beijing","province_zh":"北京市","birth_date":"1949-12-31","sequence":"002","sex":"F","check_character":"X"},"failed":[],"notes":[]}'
run 0 validate id 11010519491231002Y
out_has '"valid":false'
out_has '"check":"characters"'
run 0 validate id 110105194902300021
out_has '{"check":"birth_date","column":7,"message":"date of birth '"'"'19490230'"'"' is not a date"}'
run 0 validate id 830000199201300022
out_has '"kind":"taiwan_residence_permit"'
run 0 validate id H1234567801
out_has '"kind":"hk_macao_travel_permit"'
out_has '"issue_count":1'
run 0 validate id 12345678
out_has '"kind":"taiwan_travel_permit"'
run 0 --help
run 0 validate --pretty id 11010519491231002X
out_has '  "valid": true,'
run 65 validate id 1101051949123100
out_has '"check":"length"'
run 65 validate id K12345678
out_has '"check":"format"'
# A birth date after the day given.
run 0 validate --today 1949-12-30 id 11010519491231002X
out_has '"check":"birth_date"'

# Usage.
run 64 validate
stderr_has 'missing what to validate'
run 64 validate passport X
stderr_has "unknown kind 'passport'"
run 64 validate id
run 64 validate id 1 2
run 64 validate mrz A B C D
run 64 validate --today 2025-02-30 id 11010519491231002X
stderr_has 'expected a date YYYY-MM-DD'
run 64 validate --today
run 64 validate --bogus id 1
stderr_has "unknown option '--bogus'"
run 0 validate --help
out_has 'usage: permitdesk validate'
run 0 help validate
out_has 'Exit codes: 0 checked'

if [ "$failures" -ne 0 ]; then
	echo "validate.sh: $failures failure(s)"
	exit 1
fi
echo "validate.sh: all passed"
