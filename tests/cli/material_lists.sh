#!/bin/sh
# The material list of each sponsor category and purpose, item by item, as the
# seeds list them (typed from the source texts, not generated from the packs).
set -u
: "${PERMITDESK:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0

# check NAME JSON EXPECTED: EXPECTED is the list of material ids, in any order (an
# alternative is one item: the summary view leaves its options out).
check() {
	printf '%s\n' "$2" > "$tmp/case.json"
	got=$("$PERMITDESK" check --view summary "$tmp/case.json" | grep -o '"id":"[a-z_0-9]*","status"' |
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

# ---- Shenzhen (002), first permit of an adult (18-70: health certificate, II(VI)) ----
shenzhen() { # purpose basis sponsor-json
	cat <<EOF
{"jurisdiction":"shenzhen","date":"2026-05-11",
 "application":{"document":"residence_permit","action":"issuance","purpose":"$1",$2"requested_days":300},
 "applicant":{"birth_date":"1990-01-01","nationality":"NLD","passport":{"number":"NX1","expiry":"2033-03-01"},
  "status":{"document":"visa","type":"Q1","expiry":"2026-05-30","entry_date":"2026-04-30"},"first_entry":true,
  "good_record":true,"born_in_china":false,"parent_chinese":false},
 "sponsor":$3,"documents":[],"agent":null}
EOF
}
# II(I) form and photo, (II) photo receipt, (III) certificate letter, (IV) passport,
# (V) temporary residence registration (initial application), (VI) health certificate
sz="application_form photo photo_receipt certificate_letter passport accommodation_registration health_certificate"
union() { shenzhen family_reunion "" "{\"category\":\"$1\",\"relationship\":\"spouse\",\"local_residence_months\":8}"; }
check "shenzhen union with a Shenzhen resident (002 II(VII)1)" "$(union citizen_local)" \
	"$sz kinship_proof sponsor_id_card"
check "shenzhen union with a citizen not registered here (002 II(VII)2)" "$(union citizen_nonlocal)" \
	"$sz kinship_proof sponsor_id_card sponsor_residence_certificate"
check "shenzhen union with a Hong Kong or Macao resident (002 II(VII)3)" "$(union hk_macao_resident)" \
	"$sz kinship_proof sponsor_hk_macao_permit sponsor_property_or_lodging"
check "shenzhen union with an overseas Chinese (002 II(VII)4)" "$(union overseas_chinese)" \
	"$sz kinship_proof sponsor_chinese_passport sponsor_settlement_proof sponsor_property_or_lodging"
check "shenzhen union with a Taiwan resident (002 II(VII)5)" "$(union taiwan_resident)" \
	"$sz kinship_proof sponsor_taiwan_permit sponsor_property_or_lodging"
check "shenzhen union with a permanent resident (002 II(VII)6)" "$(union permanent_resident)" \
	"$sz kinship_proof sponsor_permanent_residence_card sponsor_property_or_lodging"
check "shenzhen relative of a foreign worker (002 II(VII)8)" \
	"$(shenzhen personal_affairs '"basis":"relative_of_foreign_resident",' '{"category":"foreign_resident","relationship":"spouse","residence_permit_kind":"work"}')" \
	"$sz kinship_proof sponsor_residence_permit"
check "shenzhen medical treatment (002 II(VII)9)" \
	"$(shenzhen personal_affairs '"basis":"medical_treatment",' '{}')" \
	"$sz hospitalization_certificate"

# II(VII)7: a minor fostered here, parents abroad, foster-person a Shenzhen resident:
# relationship, parents' passports, notarized power of attorney, notarized engagement
# letter, the foster-person's identity card (no health certificate under 18)
check "shenzhen fostering of a minor (002 II(VII)7)" '{"jurisdiction":"shenzhen","date":"2026-05-11",
 "application":{"document":"residence_permit","action":"issuance","purpose":"fostering","requested_days":300},
 "applicant":{"birth_date":"2016-01-01","nationality":"USA","passport":{"number":"NX1","expiry":"2033-03-01"},
  "status":{"document":"visa","type":"Q1","expiry":"2026-05-30","entry_date":"2026-04-30"},"first_entry":true,
  "good_record":true,"born_in_china":false,"parent_chinese":false,"parents_in_city":false,"chinese_origin":true},
 "sponsor":{"category":"citizen_local","relationship":"grandchild"},"documents":[],"agent":null}' \
	"application_form photo photo_receipt certificate_letter passport accommodation_registration kinship_proof parents_passports foster_entrustment foster_guarantee sponsor_id_card"
# II(VII)10: retirement at 60 or over (76 here: no health certificate): property certificate
# (or a nursing-home contract instead)
check "shenzhen retirement (002 II(VII)10)" '{"jurisdiction":"shenzhen","date":"2026-05-11",
 "application":{"document":"residence_permit","action":"issuance","purpose":"personal_affairs","basis":"retirement","requested_days":300},
 "applicant":{"birth_date":"1950-01-01","nationality":"USA","passport":{"number":"NX1","expiry":"2033-03-01"},
  "status":{"document":"visa","type":"S1","expiry":"2026-05-30","entry_date":"2026-04-30"},"first_entry":true,
  "good_record":true,"born_in_china":false,"parent_chinese":false,"chinese_origin":true,"property_in_spouse_name":false},
 "sponsor":{},"documents":[],"agent":null}' \
	"application_form photo photo_receipt certificate_letter passport accommodation_registration property_certificate"
# II(VII)11 with VI(XI)1(1): a minor visiting parents who hold personal-affairs permits here
check "shenzhen minor visiting parents (002 II(VII)11, VI(XI)1)" '{"jurisdiction":"shenzhen","date":"2026-05-11",
 "application":{"document":"residence_permit","action":"issuance","purpose":"personal_affairs","basis":"minor_visiting_parent","requested_days":300},
 "applicant":{"birth_date":"2014-01-01","nationality":"USA","passport":{"number":"NX1","expiry":"2033-03-01"},
  "status":{"document":"visa","type":"S1","expiry":"2026-05-30","entry_date":"2026-04-30"},"first_entry":true,
  "good_record":true,"born_in_china":false,"parent_chinese":false,"chinese_origin":true,"parents_in_city":true},
 "sponsor":{"category":"foreign_resident","relationship":"child"},"documents":[],"agent":null}' \
	"application_form photo photo_receipt certificate_letter passport accommodation_registration kinship_proof sponsor_residence_permit property_certificate parents_identity"

echo "material lists: $pass passed, $fail failed"
[ $fail -eq 0 ]
