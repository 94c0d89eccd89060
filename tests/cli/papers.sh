#!/bin/sh
# papers.sh: `permitdesk print receipt|notice|decision` and `permitdesk check
# --format pdf` end to end, over the real packs and the official calendar.
# Cases are filed, submitted and accepted through the command line; each
# paper is then checked with pdftotext (every field, in English and in
# Chinese), pdffonts (every font embedded), zbarimg (the receipt's QR code
# is the progress URL of that receipt) and rendered to PNG with pdftoppm
# under the build directory (papers/, or $PD_PAPERS_DIR) for people to look
# at.  The applicants have a name of 200 letters without a space and a name
# all in Chinese; one gives no passport number.  Refusals: a receipt before
# acceptance and a decision notice before a decision (65), an unknown case
# (66), no base URL and no such paper (64).
# Environment: PERMITDESK (the binary), PD_SRC (the source root), PD_TESTS.
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"
: "${PD_TESTS:?PD_TESTS must name the tests directory}"

for tool in pdftotext pdffonts pdftoppm zbarimg; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "FAIL: $tool is missing (scripts/install-deps.sh installs poppler-utils, zbar-tools)"
		exit 1
	}
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-papers.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
OUT=${PD_PAPERS_DIR:-$PWD/papers}
mkdir -p "$OUT" || exit 1
failures=0
export PERMITDESK_TODAY=2026-05-11
export PERMITDESK_POLICY="$PD_SRC/policy"
DB="$TMP/office.db"
BASE=https://desk.example.cn

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# pd EXPECTED_EXIT ARGS...: runs permitdesk, stdout to $TMP/out; --as USER is
# proven with USER's password on standard input.
pd() {
	want=$1
	shift
	as= prev=
	for a in "$@"; do
		[ "$prev" = --as ] && as=$a
		prev=$a
	done
	case $as in
	olga) pw='officer password' ;;
	sam) pw='supervisor password' ;;
	rita) pw='reviewer password' ;;
	*) pw= ;;
	esac
	printf '%s\n' "$pw" | "$PERMITDESK" "$@" >"$TMP/out" 2>"$TMP/stderr"
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "permitdesk $* exited $rc, expected $want: $(head -c 300 "$TMP/stderr")"
	fi
}

# A field of the JSON on stdout: json_field NAME.
json_field() {
	sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$TMP/out"
}

# check_pdf NAME FILE TEXT...: the PDF's text holds every TEXT (compared
# without spaces and line breaks, as a long value wraps), every font is
# embedded, and its pages are rendered to $OUT/NAME-N.png.
check_pdf() {
	name=$1
	file=$2
	shift 2
	case "$(head -c 5 "$file")" in
	%PDF-) ;;
	*) fail "$name is not a PDF" && return ;;
	esac
	pdftotext "$file" "$TMP/$name.txt" || fail "pdftotext $name"
	tr -d ' \n\f' <"$TMP/$name.txt" >"$TMP/$name.flat"
	for want in "$@"; do
		flat=$(printf '%s' "$want" | tr -d ' ')
		grep -qF -- "$flat" "$TMP/$name.flat" || fail "$name lacks '$want'"
	done
	pdffonts "$file" >"$TMP/$name.fonts" 2>&1 || fail "pdffonts $name"
	fonts=$(tail -n +3 "$TMP/$name.fonts" | wc -l)
	[ "$fonts" -ge 1 ] || fail "$name has no font: $(cat "$TMP/$name.fonts")"
	# Columns: name type encoding emb sub uni object ID; emb is the 4th from the end.
	tail -n +3 "$TMP/$name.fonts" | awk '{ if ($(NF-4) != "yes") bad = 1 } END { exit bad }' ||
		fail "$name has a font not embedded: $(cat "$TMP/$name.fonts")"
	rm -f "$OUT/$name"-*.png
	pdftoppm -r 60 -png "$file" "$OUT/$name" || fail "pdftoppm $name"
}

printf 'officer password\n' | "$PERMITDESK" user add --db "$DB" olga --role officer >/dev/null
printf 'supervisor password\n' | "$PERMITDESK" user add --db "$DB" sam --role supervisor >/dev/null
printf 'reviewer password\n' | "$PERMITDESK" user add --db "$DB" rita --role reviewer >/dev/null

# Case 1: a Tianjin reunion permit, complete, for an applicant whose name is
# 200 letters without a space.
LONG=$(printf 'Abcdefghij%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20)
sed "s/Jan de Vries/$LONG/" "$PD_TESTS/cases/tianjin/reunion-issuance-nonlocal-apostille.json" >"$TMP/long.json"
pd 0 case new --db "$DB" --as olga "$TMP/long.json"
LONG_ID=$(json_field id)
LONG_NUMBER=$(json_field number)

pd 65 print receipt --db "$DB" --base-url "$BASE" "$LONG_ID"
grep -qF "has no receipt: it is draft" "$TMP/stderr" || fail "receipt before acceptance: $(cat "$TMP/stderr")"

pd 0 case act --db "$DB" --as olga "$LONG_ID" submit
pd 0 case act --db "$DB" --as sam "$LONG_ID" accept # not the officer who filed it
RECEIPT=$(json_field receipt)
VALID=$(json_field receipt_valid_until)
DECISION_BY=$(json_field decision_by)
[ -n "$RECEIPT" ] || fail "no receipt number from accept"

pd 0 print receipt --db "$DB" --base-url "$BASE/" "$LONG_NUMBER"
cp "$TMP/out" "$TMP/receipt-long.pdf"
check_pdf receipt-long "$TMP/receipt-long.pdf" \
	"Receipt of acceptance" "受理回执" \
	"Receipt number" "回执编号" "$RECEIPT" \
	"Case number" "案件编号" "$LONG_NUMBER" \
	"Applicant" "申请人" "$LONG" \
	"Passport number" "护照号码" "NX1234567" \
	"Applied for" "申请事项" "Residence permit, Issuance, Family reunion" "居留许可" \
	"Accepted on" "受理日期" "2026-05-11" \
	"Valid until" "回执有效期至" "$VALID" \
	"Decision by" "审批办结日" "$DECISION_BY" \
	"Office" "受理机构" \
	"The Entry and Exit Administration Service Center of the Tianjin Municipal Public Security Bureau" \
	"天津市公安局出入境管理服务中心" \
	"Address" "地址" "No. 5-7 counters, 2nd Floor, Haitai Building" "天津市华苑产业园区梅苑路6号海泰大厦二楼5-7号窗口" \
	"Hours" "办公时间" "9:00-17:00 on weekdays, no break at noon" "工作日9:00-17:00，中午不休息" \
	"Telephone" "电话" "12367" "24459652" "[001 IV, 001 VI]" \
	"Progress" "办理进度" "$BASE/progress?receipt=$RECEIPT"
# One TrueType face, subset: a receipt of two pages is tens of kilobytes (a
# CFF face such as Noto Sans CJK is embedded with all its subroutines by
# cairo 1.16, 0.9 MB a paper, and twenty times slower to write).
size=$(wc -c <"$TMP/receipt-long.pdf")
[ "$size" -lt 150000 ] || fail "the receipt is $size bytes: its font is not a subset TrueType face: $(cat "$TMP/receipt-long.fonts")"
# The QR code is the progress URL of this receipt.
qr=$(zbarimg -q --raw "$OUT/receipt-long-1.png" 2>/dev/null)
[ "$qr" = "$BASE/progress?receipt=$RECEIPT" ] || fail "the QR code reads '$qr'"
# A base URL is required for a receipt.
pd 64 print receipt --db "$DB" "$LONG_ID"

# Case 2: a Zhejiang Q2 extension in the name of an applicant all in Chinese,
# without a passport number, with materials missing and one needing
# translation: it cannot be accepted, and gets the one-time notice at once.
sed -e 's/Anna Maria Eriksson/欧阳司马诸葛慕容上官皇甫令狐娜娜/' -e '/"number": "L898902C3",/d' \
	"$PD_SRC/examples/zhejiang-q2-extension.json" >"$TMP/zh.json"
sed -i 's/"date": "2026-09-28"/"date": "2026-05-11"/; s/"expiry": "2026-10-20"/"expiry": "2026-06-20"/' "$TMP/zh.json"
pd 0 case new --db "$DB" --as olga "$TMP/zh.json"
ZH_ID=$(json_field id)
ZH_NUMBER=$(json_field number)
pd 0 case act --db "$DB" --as olga "$ZH_ID" submit
pd 65 case act --db "$DB" --as sam "$ZH_ID" accept
pd 0 case act --db "$DB" --as olga "$ZH_ID" request_supplement

pd 0 print notice --db "$DB" "$ZH_NUMBER"
cp "$TMP/out" "$TMP/notice-zh.pdf"
check_pdf notice-zh "$TMP/notice-zh.pdf" \
	"One-time notice of materials" "一次性告知书" \
	"Case number" "案件编号" "$ZH_NUMBER" \
	"Applicant" "申请人" "欧阳司马诸葛慕容上官皇甫令狐娜娜" \
	"Passport number" "护照号码" "not given" "未提供" \
	"Materials" "材料" "needs translation" "需翻译" "missing" "缺少" "provided" "已提供" \
	"Why:" "原因：" \
	"What to bring back" "需补正的材料" \
	"Bring them by" "补正截止日期" "before the application is accepted" "受理之前" \
	"Where to bring them" "补正地点" \
	"The exit and entry management agency of the public security organ of the prefecture-level city (or above) where you stay" \
	"停留地设区的市级以上公安机关出入境管理机构" "[003 3]"
pd 65 print decision --db "$DB" "$ZH_ID"
grep -qF "has no decision" "$TMP/stderr" || fail "decision before one: $(cat "$TMP/stderr")"

# Case 3: a Tianjin extension whose kinship proof hangs on an unknown fact and
# whose photo is too old.  The notice stored by request_supplement keeps why
# (each material's detail and conditional), in the case view and on paper,
# after the documents have changed and the latest result no longer says it.
sed -e 's/"date": "2026-03-09"/"date": "2026-05-11"/' -e 's/"issued": "2026-03-01"/"issued": "2025-09-01"/' \
	"$PD_SRC/tests/cases/tianjin/reunion-extension-taiwan-same-sponsor-unknown.json" >"$TMP/tj.json"
pd 0 case new --db "$DB" --as olga "$TMP/tj.json"
TJ_ID=$(json_field id)
TJ_NUMBER=$(json_field number)
pd 0 case act --db "$DB" --as olga "$TJ_ID" submit
pd 0 case act --db "$DB" --as olga "$TJ_ID" request_supplement
pd 0 case show --db "$DB" "$TJ_ID"
tr -d '\n ' <"$TMP/out" | grep -q '"notices":\[{.*"materials":\[{"id":"kinship_proof","status":"missing",[^]]*"conditional":\["sponsor.same_as_previous"\]' ||
	fail "the stored notice lacks the kinship proof's conditional: $(head -c 600 "$TMP/out")"
tr -d '\n' <"$TMP/out" | grep -q '"notices":\[{.*"id":"photo","status":"expired",[^}]*"detail":{"en":"issued on 2025-09-01; only one issued on or after 2025-11-11 is accepted","zh":"签发日期为2025-09-01；仅接受2025-11-11及以后出具的"}' ||
	fail "the stored notice lacks the photo's detail: $(head -c 600 "$TMP/out")"
sed -e 's/"2025-09-01"/"2026-05-01"/' "$TMP/tj.json" | sed -n '/"documents"/,/\]/p' | sed -e '1s/.*/{"documents": [/' -e '$s/.*/]}/' >"$TMP/tj-docs.json"
pd 0 case documents --db "$DB" --as olga "$TJ_ID" "$TMP/tj-docs.json"
pd 0 case show --db "$DB" "$TJ_ID"
sed 's/"notices":.*//' "$TMP/out" | grep -q '"id":"photo","status":"provided"' "$TMP/out" || fail "the new photo is not provided: $(head -c 300 "$TMP/out")"
pd 0 print notice --db "$DB" "$TJ_NUMBER"
cp "$TMP/out" "$TMP/notice-tj.pdf"
check_pdf notice-tj "$TMP/notice-tj.pdf" \
	"One-time notice of materials" "一次性告知书" "expired" \
	"Why: issued on 2025-09-01; only one issued on or after 2025-11-11 is accepted" \
	"原因：签发日期为2025-09-01；仅接受2025-11-11及以后出具的" \
	"Needed only if it applies:" "视情况需要："

# Case 1 is refused: the decision notice.
pd 0 case act --db "$DB" --as sam --data '{"to":"rita"}' "$LONG_ID" assign
pd 0 case act --db "$DB" --as rita --note "refused" "$LONG_ID" reject
pd 0 print decision --db "$DB" "$LONG_ID"
cp "$TMP/out" "$TMP/decision-long.pdf"
check_pdf decision-long "$TMP/decision-long.pdf" \
	"Decision notice" "决定书" "Decision" "决定" "Refusal" "不予许可" \
	"Decided on" "决定日期" "2026-05-11" "$LONG_NUMBER" "$RECEIPT" "$LONG" \
	"Assessment" "审查结论" "Your rights and what follows" "权利与须知" \
	"[001 IV, 001 VI]"

# to_review FILE: files the case in FILE as olga, and has it submitted,
# accepted by sam and assigned to rita; its id in $CASE_ID.
to_review() {
	pd 0 case new --db "$DB" --as olga "$1"
	CASE_ID=$(json_field id)
	pd 0 case act --db "$DB" --as olga "$CASE_ID" submit
	pd 0 case act --db "$DB" --as sam "$CASE_ID" accept
	pd 0 case act --db "$DB" --as sam --data '{"to":"rita"}' "$CASE_ID" assign
}

# A Tianjin permit approved, issued and sent by post: the decision notice
# says how it was collected and where to (000 "support postal delivery").
sed "s/Jan de Vries/Jan Post/" "$PD_TESTS/cases/tianjin/reunion-issuance-nonlocal-apostille.json" >"$TMP/post.json"
to_review "$TMP/post.json"
POST_ID=$CASE_ID
pd 0 case act --db "$DB" --as rita "$POST_ID" approve
pd 0 case act --db "$DB" --as olga "$POST_ID" issue
pd 65 case act --db "$DB" --as olga --data '{"method":"post"}' "$POST_ID" collect
grep -qF "collection by post needs data.address" "$TMP/stderr" || fail "post without an address: $(cat "$TMP/stderr")"
pd 0 case act --db "$DB" --as olga --data '{"method":"post","address":"天津市南开区卫津路94号 Jan Post 13800000000"}' "$POST_ID" collect
pd 0 print decision --db "$DB" "$POST_ID"
cp "$TMP/out" "$TMP/decision-post.pdf"
check_pdf decision-post "$TMP/decision-post.pdf" \
	"Approval" "准予许可" "Collection" "领取方式" "by post" "邮寄送达" \
	"Postal address" "邮寄地址" "天津市南开区卫津路94号 Jan Post 13800000000"

# A Zhejiang visa refused for a stay that has ended (materials complete, so
# it is accepted): the rules not met with their citations, and the right to
# state one's case (003 11.1(2)).
sed -e 's/"translated": false/"translated": true/' \
	-e 's/{ "type": "sponsor_id_card" },/{ "type": "sponsor_id_card" }, { "type": "sponsor_household_register" },/' \
	"$PD_SRC/examples/zhejiang-q2-extension.json" >"$TMP/late.json"
export PERMITDESK_TODAY=2026-11-20
to_review "$TMP/late.json"
LATE_ID=$CASE_ID
pd 0 case act --db "$DB" --as rita "$LATE_ID" reject
pd 0 print decision --db "$DB" "$LATE_ID"
cp "$TMP/out" "$TMP/decision-visa.pdf"
check_pdf decision-visa "$TMP/decision-visa.pdf" \
	"Refusal" "不予许可" "Not eligible" "不符合条件" \
	"Why: the rules not met" "理由：不符合的规定" \
	"you have the right to state your case" "享有陈述、申辩等权利" "003 11.1(1)-(3)"

# The pre-check checklist a family prints at home.
PERMITDESK_TODAY=2026-11-22 "$PERMITDESK" check --format pdf "$PD_SRC/examples/zhejiang-q2-extension.json" >"$TMP/checklist.pdf" ||
	fail "check --format pdf exited $?"
check_pdf checklist "$TMP/checklist.pdf" \
	"Pre-check checklist" "预审清单" "Verdict" "结论" "Materials" "材料" \
	"Family relationship certificate" "亲属关系证明" "[needs translation]" "【需翻译】" \
	"Why: a foreign-language document" "原因：外文材料须附中文译本" "Where to apply" "在哪里申请" "003 3"

# Errors.
pd 66 print receipt --db "$DB" --base-url "$BASE" no-such-case
pd 64 print invoice --db "$DB" "$LONG_ID"
pd 64 print notice "$LONG_ID"
pd 66 print notice --db "$TMP/none.db" "$LONG_ID"

echo "papers: $failures failures; pages in $OUT"
[ "$failures" -eq 0 ]
