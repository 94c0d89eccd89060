#!/bin/sh
# `permitdesk policy coverage`: every clause of every seed is implemented or
# informational, and every rule is seen by the golden cases both applying and
# not applying.  And the check itself can fail.
set -u
: "${PERMITDESK:?}" "${PD_SRC:?}" "${PD_TESTS:?}"
PERMITDESK_TODAY=2026-11-22
export PERMITDESK_TODAY
fail=0
out=$("$PERMITDESK" policy coverage --cases "$PD_TESTS/cases" --strict "$PD_SRC/policy")
code=$?
if [ $code -ne 0 ]; then
	echo "FAIL coverage --strict exits $code"
	printf '%s\n' "$out" | grep -E "MISSING|NEVER"
	fail=1
fi
for src in 000 001 002 003 004; do
	if ! printf '%s\n' "$out" | grep -q "^  $src "; then
		echo "FAIL no clause index for $src"
		fail=1
	fi
done

# A clause nobody implements, and a rule no case exercises, make --strict fail.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$PD_SRC/policy" "$tmp/policy"
cat >> "$tmp/policy/national/clauses.yaml" <<'EOF'
    - "99.9"
EOF
cat >> "$tmp/policy/zhejiang/visa.yaml" <<'EOF'
  - id: never-used
    when: application.visa_type == "C" and applicant.age > 200
    source: "003 1"
    en: Never applies.
    zh: 从不适用。
EOF
out=$("$PERMITDESK" policy coverage --cases "$PD_TESTS/cases" --strict "$tmp/policy")
code=$?
[ $code -eq 65 ] || { echo "FAIL broken coverage exits $code, want 65"; fail=1; }
printf '%s\n' "$out" | grep -q '000  99.9 *MISSING' || { echo "FAIL clause 99.9 not MISSING"; fail=1; }
printf '%s\n' "$out" | grep -q 'zhejiang/never-used .*NEVER APPLIES' ||
	{ echo "FAIL never-used not reported"; fail=1; }
[ $fail -eq 0 ] && echo "policy coverage: 3 passed, 0 failed"
exit $fail
