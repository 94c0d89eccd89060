#!/bin/sh
# The material list of each sponsor category and purpose, item by item, as the
# seeds list them (typed from the source texts, not generated from the packs).
set -u
: "${PERMITDESK:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0

# check NAME JSON EXPECTED: EXPECTED is the list of material ids, in any order.
check() {
	printf '%s\n' "$2" > "$tmp/case.json"
	got=$("$PERMITDESK" check "$tmp/case.json" | grep -o '"id":"[a-z_0-9]*","status"' |
		cut -d'"' -f4 | sort | tr '\n' ' ' | sed 's/ $//')
	# shellcheck disable=SC2086
	want=$(printf '%s\n' $3 | sort | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL $1"
		echo "  want: $want"
		echo "  got:  $got"
		fail=$((fail + 1))
	fi
}

# ---- Tianjin (001), first reunion permit of an adult ----
tianjin() { # category
	cat <<EOF
{"jurisdiction":"tianjin","date":"2026-05-11",
 "application":{"document":"residence_permit","action":"issuance","purpose":"family_reunion","requested_days":300},
 "applicant":{"birth_date":"1990-01-01","nationality":"NLD","passport":{"number":"NX1","expiry":"2033-03-01"},
  "status":{"document":"visa","type":"Q1","expiry":"2026-05-30","entry_date":"2026-04-30"},"first_entry":true,"good_record":true},
 "sponsor":{"category":"$1","relationship":"spouse","local_residence_months":8},"documents":[],"agent":null}
EOF
}
# 001 I.1 passport, I.2 form, I.3 photo, I.4 health certificate, I.5 letter, I.6 kinship proof
general="passport application_form photo health_certificate invitation_letter kinship_proof"
check "tianjin citizen_local (001 I.7(1))" "$(tianjin citizen_local)" \
	"$general sponsor_id_card sponsor_household_register"
check "tianjin citizen_nonlocal (001 I.7(1))" "$(tianjin citizen_nonlocal)" \
	"$general sponsor_id_card sponsor_residence_certificate"
check "tianjin overseas_chinese (001 I.7(2))" "$(tianjin overseas_chinese)" \
	"$general sponsor_chinese_passport sponsor_settlement_proof sponsor_residence_certificate"
check "tianjin hk_macao_resident (001 I.7(3))" "$(tianjin hk_macao_resident)" \
	"$general sponsor_hk_macao_permit sponsor_residence_certificate"
check "tianjin taiwan_resident (001 I.7(4))" "$(tianjin taiwan_resident)" \
	"$general sponsor_taiwan_permit sponsor_residence_certificate"
check "tianjin permanent_resident (001 I.7(5))" "$(tianjin permanent_resident)" \
	"$general sponsor_permanent_residence_card"
# 001 I.8: fostering of a minor whose parents hold foreign nationality (no health
# certificate under 18, I.4); I.8(1)-(6).
check "tianjin fostering (001 I.8)" '{"jurisdiction":"tianjin","date":"2026-05-11",
 "application":{"document":"residence_permit","action":"issuance","purpose":"fostering","requested_days":300},
 "applicant":{"birth_date":"2016-01-01","nationality":"USA","passport":{"number":"NX1","expiry":"2033-03-01"},
  "status":{"document":"visa","type":"Q1","expiry":"2026-05-30","entry_date":"2026-04-30"},"first_entry":true,
  "good_record":true,"parent_chinese_citizen":false},
 "sponsor":{"category":"citizen_local","relationship":"grandchild"},"documents":[],"agent":null}' \
	"passport application_form photo birth_certificate foster_entrustment parents_passports parents_chinese_descent_proof parents_travel_history foster_guarantee foster_trustee_identity"

echo "material lists: $pass passed, $fail failed"
[ $fail -eq 0 ]
