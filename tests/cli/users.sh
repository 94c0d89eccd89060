#!/bin/sh
# users.sh: `permitdesk user add|list|disable|enable|password` end to end: the
# list, a disabled user refused as an actor until enabled again, a new
# password, each change one audit entry in an intact chain, and the exit
# codes of bad input (64 usage, 65 a bad password or name, 66 no such user
# or database).
# Environment: PERMITDESK (the binary).
set -u

: "${PERMITDESK:?PERMITDESK must name the permitdesk binary}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-users-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
failures=0
DB="$TMP/office.db"

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# pd EXPECTED_EXIT ARGS...: runs permitdesk with standard input from $stdin,
# keeps stdout in $out.
stdin=""
pd() {
	want=$1
	shift
	out=$(printf '%s\n' "$stdin" | "$PERMITDESK" "$@" 2>"$TMP/stderr")
	rc=$?
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

lacks_user() {
	case "$out" in
	*"\"user\":\"$1\""*) fail "output has user '$1': $out" ;;
	*) ;;
	esac
}

stderr_has() {
	grep -qF -- "$1" "$TMP/stderr" || fail "stderr lacks '$1': $(cat "$TMP/stderr")"
}

entries() {
	pd 0 audit verify --db "$DB"
	has '"ok":true'
	printf '%s' "$out" | sed -n 's/.*"entries":\([0-9]*\).*/\1/p'
}

# ---- add and list ----
stdin="first password"
pd 0 user add --db "$DB" ada --role admin
# once the store has an admin, changes to users need an admin's proof:
# its password first, then the new user's
pd 77 user add --db "$DB" eve --role reviewer
stderr_has "this store has an admin: changes to users need --as ADMIN"
stdin="wrong password
first password"
pd 77 user add --db "$DB" eve --role reviewer --as ada
stderr_has "wrong user name or password"
stdin="first password
first password"
pd 0 user add --db "$DB" eve --role reviewer --as ada
pd 0 user add --db "$DB" ann --role applicant --as ada
# an applicant proven is still not an admin
pd 77 user add --db "$DB" zoe --role officer --as ann
stderr_has "only an admin may add users, not applicant 'ann'"
stdin="first password"
pd 0 user list --db "$DB"
has '"users":[{"user":"ada","role":"admin","disabled":false,"created_at":"'
has '{"user":"eve","role":"reviewer","disabled":false,'
lacks_user zoe
pd 0 user list --db "$DB" --pretty
has '    {
      "user": "ada",'

# ---- disable and enable ----
pd 0 case list --db "$DB" --as eve
before=$(entries)
pd 77 user disable --db "$DB" eve
pd 77 user disable --db "$DB" eve --as ann
stderr_has "only an admin may disable users"
pd 0 user disable --db "$DB" eve --as ada
has '{"user":"eve","disabled":true}'
pd 77 case list --db "$DB" --as eve
stderr_has "wrong user name or password"
pd 0 user list --db "$DB"
has '{"user":"eve","role":"reviewer","disabled":true,'
# disabling again changes nothing and records nothing
pd 0 user disable --db "$DB" eve --as ada
after=$(entries)
[ "$after" = $((before + 1)) ] || fail "disable: $before entries before, $after after"
pd 0 user enable --db "$DB" eve --as ada
has '{"user":"eve","disabled":false}'
pd 0 case list --db "$DB" --as eve
[ "$(entries)" = $((before + 2)) ] || fail "enable was not recorded once"

# ---- a new password: one's own, proven with the old one ----
stdin="first password
second password"
pd 0 user password --db "$DB" ann --as ann
has '{"user":"ann","password":"changed"}'
[ "$(entries)" = $((before + 3)) ] || fail "password change was not recorded once"
pd 0 audit verify --db "$DB"
grep -q "second password" "$DB" "$DB-wal" 2>/dev/null && fail "the password is in the database"
stdin="second password
short"
pd 65 user password --db "$DB" ann --as ann
stderr_has "password must be 8 to 1024 bytes long"

# ---- refusals ----
stdin="first password
third password"
pd 66 user password --db "$DB" nobody --as ada
stderr_has "no user 'nobody'"
pd 66 user disable --db "$DB" nobody --as ada
pd 66 user list --db "$TMP/missing.db"
[ -e "$TMP/missing.db" ] && fail "user list created a database"
pd 64 user disable --db "$DB"
stderr_has "user disable needs a user NAME"
pd 64 user list
stderr_has "user list needs --db FILE"
pd 64 user list --db "$DB" --role admin
stderr_has "user list takes no --role"
pd 64 user frobnicate --db "$DB"
stderr_has "unknown subcommand 'frobnicate'"
pd 64 user add --db "$DB" zed
stderr_has "user add needs --role ROLE"
pd 64 user add --db "$DB" zed --role emperor
stderr_has "unknown role 'emperor'"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "users: all passed"
