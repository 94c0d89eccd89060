#!/bin/sh
# with-postgres.sh COMMAND [ARG...]: runs COMMAND beside a PostgreSQL server of
# its own, and removes the server afterwards.
#
# The cluster is made with initdb in a new temporary folder, listens on a Unix
# socket in that folder only (listen_addresses = ''), trusts local
# connections as the role "postgres", and runs without fsync (a test does not
# survive a power cut anyway).  PD_PG_DURABLE=1 runs it durable instead, as in
# production (fsync, full_page_writes, synchronous_commit on), for benchmarks
# of commits (bench/store.sh).  COMMAND sees
#	PERMITDESK_TEST_PG=postgresql:///postgres?host=FOLDER&user=postgres
# and PD_PG_BIN, the folder of PostgreSQL's programs (psql, createdb).  The
# server is stopped and the folder deleted when COMMAND ends, however it ends.
# The exit status is COMMAND's.
#
# initdb and postgres refuse to run as root.  Run as root (a CI container),
# the server runs as the system user "permitdesk-test", created the first time
# (useradd --system, no home, no shell) and given the folder; runuser starts
# it, which needs no terminal and no password.  As any other user it simply
# runs as that user.
set -eu

bin=""
for d in /usr/lib/postgresql/*/bin; do
	[ -x "$d/initdb" ] && bin="$d"
done
if [ -z "$bin" ]; then
	echo "with-postgres: no PostgreSQL server found; run scripts/install-deps.sh" >&2
	exit 1
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/pd-pg-XXXXXX")"
as=""
if [ "$(id -u)" = 0 ]; then
	user=permitdesk-test
	# Several tests may start at once: a lost race to create the user is fine.
	if ! id "$user" >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$user" 2>/dev/null || true
		if ! id "$user" >/dev/null 2>&1; then
			sleep 1
			id "$user" >/dev/null 2>&1 || {
				echo "with-postgres: cannot create the user $user" >&2
				exit 1
			}
		fi
	fi
	chown "$user" "$dir"
	as="runuser -u $user --"
fi

stop() {
	$as "$bin/pg_ctl" -D "$dir/data" -m immediate -s stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

$as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
	--locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
	cat "$dir/initdb.log" >&2
	exit 1
}
sync="-c fsync=off -c full_page_writes=off"
[ "${PD_PG_DURABLE:-0}" = 1 ] && sync="-c fsync=on -c full_page_writes=on -c synchronous_commit=on"
$as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
	-o "-c listen_addresses='' -k $dir $sync -c max_connections=200" \
	start || {
	cat "$dir/server.log" >&2
	exit 1
}

PERMITDESK_TEST_PG="postgresql:///postgres?host=$dir&user=postgres"
PD_PG_BIN="$bin"
export PERMITDESK_TEST_PG PD_PG_BIN
status=0
"$@" || status=$?
exit "$status"
