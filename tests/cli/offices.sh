#!/bin/sh
# offices.sh: `permitdesk offices [PACK]` over the real packs: JSON for every
# pack and for one, the text form in both languages and in one, the offices
# of 001 IV and VI, 002 IV and IX and 003 3 with their citations, a pack that
# names none, and the exit codes 64 and 66.  Also the "Where to apply" block
# of a checklist.
# Environment: PERMITDESK (the binary), PD_SRC (the source root).
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"
: "${PD_SRC:?PD_SRC must name the source root}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-offices-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
export PERMITDESK_POLICY="$PD_SRC/policy"

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# pd EXPECTED_EXIT ARGS...: runs permitdesk, keeps stdout in $out.
pd() {
	want=$1
	shift
	out=$("$PERMITDESK" "$@" 2>"$TMP/stderr")
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "permitdesk $* exited $rc, expected $want; stderr: $(cat "$TMP/stderr")"
	fi
}

has() {
	case "$out" in
	*"$1"*) ;;
	*) fail "output lacks '$1': $(printf '%s' "$out" | head -c 400)" ;;
	esac
}

lacks() {
	case "$out" in
	*"$1"*) fail "output has '$1'" ;;
	*) ;;
	esac
}

# Every pack, in one JSON line.
pd 0 offices
for p in national national-2004 shenzhen tianjin zhejiang; do
	has "{\"pack\":\"$p\","
done
has '"pack":"national-2004","jurisdiction":"national","offices":[]'

# One pack: Tianjin's two service centres (001 IV) and the supervision telephones (001 VI).
pd 0 offices --pretty tianjin
lacks '"pack": "shenzhen"'
has '"id": "tianjin-exit-entry-service-center"'
has '"id": "binhai-exit-entry-service-center"'
has '"en": "No. 5-7 counters, 2nd Floor, Haitai Building, No. 6 Meiyuan Road, Huayuan Industrial Park, Tianjin"'
has '"zh": "天津市华苑产业园区梅苑路6号海泰大厦二楼5-7号窗口"'
has '"telephone": "12367"'
has '"supervision": "24459652"'
has '"supervision": "66977410"'
has '"open": "09:00"'
has '"close": "17:00"'
has '"days": "working_days"'
has '"source": "001 IV, 001 VI"'

# Shenzhen (002 IV, IX): address, telephone, the appointment website.
pd 0 offices shenzhen
has '"telephone":"84465490"'
has '"website":"www.sz3e.com"'
has '"zh":"深圳市罗湖区解放路4016号"'
has '"hours":null'
has '"source":"002 IV, 002 IX"'

# Zhejiang (003 3): the acceptance agencies, by level, and nothing 003 does not say.
pd 0 offices zhejiang
has '"id":"prefecture-exit-entry-administration"'
has '"id":"county-exit-entry-administration"'
has '"address":null,"telephone":null,"hours":null'
has '"source":"003 3"'

# Text, both languages and one.
pd 0 offices --format text tianjin
has "Address / 地址: No. 5-7 counters, 2nd Floor, Haitai Building"
has "Hours / 办公时间: 9:00-17:00 on weekdays, no break at noon"
has "工作日9:00-17:00，中午不休息"
has "Supervision telephone / 监督电话: 66977410"
pd 0 offices --format text --lang zh shenzhen
has "深圳市公安局出入境管理处 [002 IV, 002 IX]"
has "电话：84465490"
lacks "Address"
pd 0 offices --format text national-2004
has "(the pack names no office / 本政策包未列明受理机构)"

# Errors.
pd 66 offices atlantis
grep -qF "no pack 'atlantis'" "$TMP/stderr" || fail "stderr lacks the pack: $(cat "$TMP/stderr")"
pd 64 offices --format xml
pd 64 offices --lang fr
pd 64 offices tianjin shenzhen
pd 64 offices --bogus

# A checklist ends with where to apply.
pd 0 check --format text "$PD_SRC/examples/zhejiang-q2-extension.json"
has "Where to apply / 在哪里申请"
case "$out" in
*"Where to apply / 在哪里申请"*"Notices / 注意事项"*) fail "offices before notices" ;;
esac

echo "offices: $failures failures"
[ "$failures" -eq 0 ]
