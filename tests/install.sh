#!/bin/sh
# install.sh: a packager's install of this build tree (issue: "cmake --install
# into a temporary prefix gives a binary that runs the bundled example from any
# directory").  Installs the build that runs the tests (no second build: a
# Release build is `make release-check`) into a temporary prefix, then:
#   - the installed command, from another directory and without
#     PERMITDESK_POLICY, evaluates the installed example with the packs
#     installed beside it (calendar check names the installed file);
#   - the manual page has its sections and every command, is what the installed
#     command prints, and renders without a warning when groff is there;
#   - the bash completion is what the installed command prints, loads in bash
#     and completes commands, actions and option values.
# Environment: PD_BUILD (the build tree), PD_SRC (the source root).
set -u

: "${PD_BUILD:?PD_BUILD must name the build tree}"
: "${PD_SRC:?PD_SRC must name the source root}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-install.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
unset PERMITDESK_POLICY
PERMITDESK_TODAY=2026-11-20
export PERMITDESK_TODAY

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

if ! cmake --install "$PD_BUILD" --prefix "$TMP/prefix" >"$TMP/install.log" 2>&1; then
	sed 's/^/    /' "$TMP/install.log" | tail -20
	fail "cmake --install $PD_BUILD --prefix $TMP/prefix"
	exit 1
fi
P="$TMP/prefix"
MAN="$P/share/man/man1/permitdesk.1"
COMPLETION="$P/share/bash-completion/completions/permitdesk"
for f in bin/permitdesk share/permitdesk/policy/calendar/cn.yaml \
	share/doc/permitdesk/examples/zhejiang-q2-extension.json \
	share/man/man1/permitdesk.1 share/bash-completion/completions/permitdesk; do
	[ -s "$P/$f" ] || fail "$f not installed"
done

# ---- the installed command, elsewhere, with its own packs ---------------------------------------
mkdir "$TMP/elsewhere"
cd "$TMP/elsewhere" || exit 1
out=$("$P/bin/permitdesk" check --view summary \
	"$P/share/doc/permitdesk/examples/zhejiang-q2-extension.json" 2>"$TMP/err")
rc=$?
[ "$rc" = 0 ] || fail "installed permitdesk check exited $rc: $(cat "$TMP/err")"
case "$out" in
'{"verdict":"incomplete","jurisdiction":"zhejiang",'*'"decision_by":"2026-10-13"'*) ;;
*) fail "installed permitdesk check: $(echo "$out" | head -c 300)" ;;
esac
# Which calendar it loaded: the warning of a year far past the file names the file.
out=$(PERMITDESK_TODAY=2199-12-01 "$P/bin/permitdesk" calendar check 2>&1)
case "$out" in
"$P/"*"share/permitdesk/policy/calendar/cn.yaml: warning:"*) ;;
*) fail "installed permitdesk does not load the installed calendar: $out" ;;
esac
"$P/bin/permitdesk" policy list >/dev/null 2>"$TMP/err" || fail "policy list: $(cat "$TMP/err")"

# ---- the manual page ---------------------------------------------------------------------------
"$P/bin/permitdesk" help --man | cmp -s - "$MAN" || fail "the installed man page differs from help --man"
for section in NAME SYNOPSIS DESCRIPTION COMMANDS ENVIRONMENT FILES "EXIT STATUS" "SEE ALSO"; do
	grep -qx ".SH $section" "$MAN" || fail "the man page lacks .SH $section"
done
grep -q '^\.TH PERMITDESK 1 ' "$MAN" || fail "the man page lacks .TH PERMITDESK 1"
grep -qx '\.B PERMITDESK_POLICY' "$MAN" || fail "the man page lacks PERMITDESK_POLICY"
# every command of `permitdesk help` has its subsection
"$P/bin/permitdesk" help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' >"$TMP/commands"
[ -s "$TMP/commands" ] || fail "no commands in permitdesk help"
while read -r c; do
	grep -qx ".SS $c" "$MAN" || fail "the man page lacks the command $c"
done <"$TMP/commands"
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$MAN" >"$TMP/groff" 2>&1 || fail "groff exited $?"
	[ -s "$TMP/groff" ] && fail "groff warns: $(head -5 "$TMP/groff")"
	groff -man -Tutf8 "$MAN" 2>/dev/null | grep -q 'calendar check' ||
		fail "the rendered man page lacks 'calendar check'"
else
	echo "note: groff not installed; the man page's sections were checked, not its rendering"
fi

# ---- the bash completion ----------------------------------------------------------------------
"$P/bin/permitdesk" help --completion bash | cmp -s - "$COMPLETION" ||
	fail "the installed completion differs from help --completion bash"
if command -v bash >/dev/null 2>&1; then
	# complete WORDS...: what the completion offers for the last word.
	cat >"$TMP/complete.bash" <<'EOF'
set -e
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_permitdesk
echo "${COMPREPLY[*]}"
EOF
	expect() {
		want=$1
		shift
		got=$(bash "$TMP/complete.bash" "$COMPLETION" "$@" 2>&1)
		[ "$got" = "$want" ] || fail "completing '$*': got '$got', expected '$want'"
	}
	expect "calendar" permitdesk cal
	expect "check calendar case config" permitdesk c
	expect "check" permitdesk calendar ch
	expect "add" permitdesk calendar --policy "$P" a
	expect "json text pdf" permitdesk check --format ""
	expect "--format" permitdesk check --fo
	expect "lint list" permitdesk policy l
	expect "receipt notice decision" permitdesk print --db x.db ""
	expect "serve" permitdesk help se
	bash -c "source '$COMPLETION' && complete -p permitdesk" >/dev/null 2>&1 ||
		fail "the completion does not register for permitdesk"
else
	echo "note: bash not installed; the completion was not loaded"
fi

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "install: ok"
