#!/bin/sh
# The store benchmark over HTTP: durable workflow transitions per second with
# 1, 2 and 4 `permitdesk serve` processes on one PostgreSQL beside one process
# on SQLite, and POST /api/v1/check with 1, 2 and 4 processes, in one run on
# this machine.  See docs/performance.md ("The store: SQLite and PostgreSQL")
# for what it measures and the figures.
#
#   sh bench/store.sh BUILD_DIR [SECONDS] [ROUNDS]
#
# Defaults: 10-second wrk runs, 3 rounds.  Needs wrk and curl
# (`sh scripts/install-deps.sh bench`) and PostgreSQL's server programs
# (`sh scripts/install-deps.sh`); installs nothing itself.  Everything listens
# on 127.0.0.1 or on a Unix socket, with files in temporary directories that
# are removed at the end, however the run ends.  Environment:
#   PD_BENCH_CASE     the case to file and to check (examples/zhejiang-q2-extension.json)
#   PD_BENCH_THREADS  --threads for each server (default: its own, one per core)
#   PD_BENCH_WRITERS  connections driving transitions (default 16)
#   PD_BENCH_READERS  connections on the check route (default 64)
#
# What it does:
#   1. starts a PostgreSQL cluster of its own with tests/pg/with-postgres.sh,
#      durable (PD_PG_DURABLE=1: fsync, full_page_writes, synchronous_commit
#      on), in a temporary folder on the disk that holds TMPDIR, and
#      re-runs itself inside it; times the disk's synchronous 8 KB writes
#      (dd oflag=dsync) before and after, to read the figures against;
#   2. makes a database "bench" and a SQLite file, adds the officer "bench"
#      to each (`permitdesk user add`), starts four servers on PostgreSQL,
#      four more on it with synchronous_commit=off (PGOPTIONS; not durable,
#      a comparison only) and one on SQLite (synchronous=FULL), each on a
#      port of its own, all for the whole run, and logs in once on each
#      database;
#   3. runs every configuration ROUNDS times, alternating: transitions on
#      SQLite, on 1, 2, 4 PostgreSQL servers, on 4 servers without a
#      synchronous commit, then the check route on 1, 2, 4 servers.  Each is
#      `wrk -t4 -cN -dSECONDS --latency -s bench/store.lua`, thread i on
#      server i mod n (bench/store.lua says what a transition is: a case
#      filed, then that case submitted, each one durable transaction with
#      its audit entry; every answer counted is one transition).  CPU is
#      user + system time of the servers of the configuration, plus all of
#      PostgreSQL's processes for the transitions, from /proc, over the
#      requests wrk counted.  During each PostgreSQL transition run a psql
#      `\watch` samples pg_stat_activity every 0.5 s: what each backend in a
#      transaction is doing (waiting for a row lock, and on which table;
#      for the WAL flush; for the server's next statement; running), and
#      pg_stat_wal (track_wal_io_timing on) counts the WAL flushes and their
#      time: transitions a flush is 1 when no commit shares a flush.  The
#      whole machine's busy CPU share (/proc/stat) is printed for each run;
#   4. prints the raw wrk lines and a table of the min and the median of the
#      rounds for each configuration, and runs `permitdesk audit verify` on
#      both databases: the one audit chain survived the concurrent writers.
set -eu

build=${1:-build}
secs=${2:-10}
rounds=${3:-3}
writers=${PD_BENCH_WRITERS:-16}
readers=${PD_BENCH_READERS:-64}
here=$(cd "$(dirname "$0")/.." && pwd)
case_file=$here/${PD_BENCH_CASE:-examples/zhejiang-q2-extension.json}
lua=$here/bench/store.lua
permitdesk=$build/permitdesk
# stop, ticks, wrk_result, machine
. "$here/bench/lib.sh"

for t in wrk curl; do
	command -v "$t" >/dev/null 2>&1 ||
		{ echo "store.sh: needs wrk and curl: sh scripts/install-deps.sh bench" >&2; exit 2; }
done
[ -x "$permitdesk" ] || { echo "store.sh: no $permitdesk: build first (make build)" >&2; exit 2; }

# dsync_rate DIR: synchronous 8 KB writes a second on DIR's disk (at most 500
# writes or 10 s), each one a write and a flush as a commit's WAL write is.
dsync_rate() {
	f=$1/dsync.$$
	t0=$(date +%s.%N)
	n=$(timeout 10 dd if=/dev/zero of="$f" bs=8k count=500 oflag=dsync 2>&1 |
		sed -n 's/^\([0-9]*\)+0 records out.*/\1/p') || true
	t1=$(date +%s.%N)
	rm -f "$f"
	awk -v n="${n:-0}" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.0f", n / (t1 - t0)}'
}

if [ -z "${PD_BENCH_STORE_INNER:-}" ]; then
	echo "== machine: $(machine)"
	echo "   $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), temporary files on" \
		"$(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $2 " (" $1 ")"}')"
	echo "   the disk: $(dsync_rate "${TMPDIR:-/tmp}") synchronous 8 KB writes/s (dd oflag=dsync)"
	status=0
	PD_PG_DURABLE=1 PD_BENCH_STORE_INNER=1 sh "$here/tests/pg/with-postgres.sh" \
		sh "$0" "$build" "$secs" "$rounds" || status=$?
	echo "   the disk after the run: $(dsync_rate "${TMPDIR:-/tmp}") synchronous 8 KB writes/s;" \
		"load average $(cut -d' ' -f1-3 /proc/loadavg)"
	exit "$status"
fi

# Inside with-postgres.sh: PERMITDESK_TEST_PG and PD_PG_BIN are set.
psql="$PD_PG_BIN/psql"
pg_dir=$(printf '%s\n' "$PERMITDESK_TEST_PG" | sed -n 's/.*[?&]host=\([^&]*\).*/\1/p')
"$psql" -X -q -v ON_ERROR_STOP=1 "$PERMITDESK_TEST_PG" -c 'CREATE DATABASE bench'
pg_db=$(printf '%s\n' "$PERMITDESK_TEST_PG" | sed 's|/postgres?|/bench?|')
echo "   $("$psql" -X -qtA "$pg_db" -c "SELECT split_part(version(), ' ', 2) || ': fsync ' ||
	current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit') ||
	', full_page_writes ' || current_setting('full_page_writes') || ', wal_sync_method ' ||
	current_setting('wal_sync_method')")"

# The time of each WAL flush, for pg_stat_wal (the cluster is thrown away).
"$psql" -X -q -v ON_ERROR_STOP=1 "$pg_db" -c 'ALTER SYSTEM SET track_wal_io_timing = on' \
	-c 'SELECT pg_reload_conf()' >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pd-store-bench.XXXXXX")
pids=""
sampler=""
cleanup() {
	stop "$sampler"
	for p in $pids; do stop "$p"; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
sq_db=$tmp/permitdesk.db

for db in "$pg_db" "$sq_db"; do
	printf 'bench-pass-1\n' | "$permitdesk" user add --db "$db" bench --role officer >/dev/null
done

# serve NAME DB: starts a server, waits for its "listening" line (at most
# 20 s); its pid and port in $tmp/NAME.pid and $tmp/NAME.port.
serve() {
	# shellcheck disable=SC2086
	"$permitdesk" serve --listen 127.0.0.1:0 --db "$2" --policy "$here/policy" --quiet \
		${PD_BENCH_THREADS:+--threads "$PD_BENCH_THREADS"} >"$tmp/$1.out" 2>"$tmp/$1.err" &
	echo $! > "$tmp/$1.pid"
	pids="$pids $!"
	i=0
	until grep -q '^listening on' "$tmp/$1.out"; do
		i=$((i + 1))
		if [ $i -ge 200 ] || ! kill -0 "$(cat "$tmp/$1.pid")" 2>/dev/null; then
			echo "store.sh: the server $1 did not start:" >&2
			cat "$tmp/$1.err" >&2
			exit 1
		fi
		sleep 0.1
	done
	sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$tmp/$1.out" > "$tmp/$1.port"
}
for n in 1 2 3 4; do serve "pg$n" "$pg_db"; done
for n in 1 2 3 4; do PGOPTIONS='-c synchronous_commit=off' serve "async$n" "$pg_db"; done
serve sq1 "$sq_db"

login() { # NAME: a session token from the server NAME
	curl -s -H 'Content-Type: application/json' -d '{"user":"bench","password":"bench-pass-1"}' \
		"http://127.0.0.1:$(cat "$tmp/$1.port")/api/v1/sessions" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
token_pg=$(login pg1)
token_sq=$(login sq1)
if [ -z "$token_pg" ] || [ -z "$token_sq" ]; then
	echo "store.sh: cannot log in" >&2
	exit 1
fi

# The configurations: NAME KIND SERVERS.
cat > "$tmp/configs" <<EOF
sqlite-1 transition sq1
pg-1 transition pg1
pg-2 transition pg1 pg2
pg-4 transition pg1 pg2 pg3 pg4
pg-4-async transition async1 async2 async3 async4
check-pg-1 check pg1
check-pg-2 check pg1 pg2
check-pg-4 check pg1 pg2 pg3 pg4
EOF

# PostgreSQL's processes: the postmaster and its children (looked up before
# each run: a backend starts when a server thread first connects).
pg_pids() {
	pm=$(head -n 1 "$pg_dir/data/postmaster.pid")
	printf '%s' "$pm"
	for f in /proc/[0-9]*/stat; do
		pp=$(sed 's/.*) //' "$f" 2>/dev/null | cut -d' ' -f2) || continue
		if [ "$pp" = "$pm" ]; then
			f=${f#/proc/}
			printf ' %s' "${f%/stat}"
		fi
	done
}

# What each backend of the database "bench" in a transaction is doing, one
# line per sample: lock:TABLE (waiting for a row lock, the table its
# statement names), wal (its commit waits for the WAL flush), client (waiting
# for the server's next statement), cpu (running), or the wait event.
cat > "$tmp/watch.sql" <<'EOF'
SELECT 'sample ' || coalesce(string_agg(CASE
	WHEN wait_event_type = 'Lock' THEN 'lock:' || coalesce(substring(query from
		'(audit_head|sequences|audit|case_texts|cases|sessions|users)'), 'other')
	WHEN wait_event IN ('WALSync', 'WALWrite', 'WALInitSync') THEN 'wal'
	WHEN state = 'idle in transaction' THEN 'client'
	WHEN wait_event_type IS NULL THEN 'cpu'
	ELSE lower(wait_event_type) || ':' || wait_event END, ' '), '')
FROM pg_stat_activity
WHERE datname = 'bench' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
	AND state IN ('active', 'idle in transaction') \watch 0.5
EOF

# busy: the machine's busy and total CPU time so far, in ticks (/proc/stat).
busy() {
	awk '$1 == "cpu" {t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit}' /proc/stat
}

# wal: the WAL flushes (fsyncs) so far and their total time in ms.
wal() {
	"$psql" -X -qtA -F ' ' "$pg_db" -c 'SELECT wal_sync, wal_sync_time FROM pg_stat_wal'
}

# run CONFIG KIND SERVER...: one wrk run; the raw lines, and the line of
# wrk_result plus the load average and the samples in $tmp/rounds.
run() {
	name=$1 kind=$2
	shift 2
	ports="" server_pids=""
	for s in "$@"; do
		ports="$ports $(cat "$tmp/$s.port")"
		server_pids="$server_pids $(cat "$tmp/$s.pid")"
	done
	first=$(cat "$tmp/$1.port")
	cpu_pids=$server_pids pg=""
	if [ "$kind" = transition ]; then
		token=$token_pg
		[ "$name" = sqlite-1 ] && token=$token_sq
		set -- transition "$token" "$case_file"
		conns=$writers
		case $name in pg*) pg=$(pg_pids) ;; esac
	else
		set -- check "$case_file"
		conns=$readers
	fi
	: > "$tmp/watch.out"
	case $name in
	pg*)
		"$psql" -X -qtA -f "$tmp/watch.sql" "$pg_db" > "$tmp/watch.out" 2>&1 &
		sampler=$!
		;;
	esac
	load=$(cut -d' ' -f1 /proc/loadavg)
	[ -z "$sampler" ] || wal0=$(wal)
	# shellcheck disable=SC2086
	t0=$(ticks $cpu_pids) p0=$(ticks $pg) m0=$(busy)
	PD_BENCH_PORTS=$ports wrk -t4 -c"$conns" -d"${secs}s" --latency -s "$lua" \
		"http://127.0.0.1:$first/" -- "$@" > "$tmp/wrk.out" 2>&1 || true
	# shellcheck disable=SC2086
	t1=$(ticks $cpu_pids) p1=$(ticks $pg) m1=$(busy)
	n=$(awk '/ requests in / {print $1}' "$tmp/wrk.out")
	pg_us=$(awk -v t=$((p1 - p0)) -v hz="$(getconf CLK_TCK)" -v n="${n:-0}" 'BEGIN {printf "%.1f", n ? t * 1e6 / hz / n : 0}')
	machine_busy=$(printf '%s %s\n' "$m0" "$m1" | awk '{printf "%.0f", 100 * ($3 - $1) / ($4 - $2)}')
	flushes="- - -"
	if [ -n "$sampler" ]; then
		stop "$sampler"
		sampler=""
		flushes=$(printf '%s %s\n' "$wal0" "$(wal)" | awk -v n="${n:-0}" '{f = $3 - $1; printf "%d %.2f %.2f", f, f ? n / f : 0, f ? ($4 - $2) / f : 0}')
	fi
	waits=$(awk '
		$1 == "sample" {n++; for (i = 2; i <= NF; i++) c[$i]++}
		END {
			if (!n) {print "-"; exit}
			for (k in c) s = s sprintf("%s%s=%.2f", s == "" ? "" : ",", k, c[k] / n)
			print s == "" ? "idle" : s
		}' "$tmp/watch.out")
	echo "$(wrk_result "$name" $((t1 + p1 - t0 - p0)) "$tmp/wrk.out") $load $waits $flushes" \
		"$pg_us $machine_busy" >> "$tmp/rounds"
	printf '   %-11s' "$name"
	grep -E '^ *(50%|99%)|^Requests/sec|Non-2xx|Socket errors|^transitions:' "$tmp/wrk.out" |
		sed 's/^ *//' | tr '\n' ' ' | tr -s ' '
	echo
	echo "               machine CPU busy $machine_busy %, load average $load at the start;" \
		"CPU $(tail -n 1 "$tmp/rounds" | cut -d' ' -f5) us a request, PostgreSQL's part $pg_us us"
	[ "$waits" = - ] || echo "               backends in a transaction, average per sample: $waits"
	# shellcheck disable=SC2086
	[ "$flushes" = "- - -" ] || printf '               WAL: %s flushes, %s transitions a flush, %s ms a flush\n' $flushes
}

echo "== $(machine); servers: $(nproc) threads each unless PD_BENCH_THREADS"
echo "== warm-up (2 s each, not counted)"
secs_run=$secs
secs=2
: > "$tmp/rounds"
# (every server, so that each has its connections to PostgreSQL before the
# CPU of PostgreSQL's processes is counted)
run pg-4 transition pg1 pg2 pg3 pg4 > /dev/null
run pg-4-async transition async1 async2 async3 async4 > /dev/null
run sqlite-1 transition sq1 > /dev/null
run check-pg-4 check pg1 pg2 pg3 pg4 > /dev/null
secs=$secs_run
: > "$tmp/rounds"
r=1
while [ $r -le "$rounds" ]; do
	echo "== round $r of $rounds: wrk -t4 -d${secs}s, transitions with $writers connections," \
		"checks with $readers"
	while read -r name kind servers; do
		# shellcheck disable=SC2086
		run "$name" "$kind" $servers
	done < "$tmp/configs"
	r=$((r + 1))
done

if grep -v -E '^[^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+ - ' "$tmp/rounds" >/dev/null; then
	echo "store.sh: some runs had errors and do not count:" >&2
	grep -v -E '^[^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+ - ' "$tmp/rounds" >&2
	exit 1
fi

echo
echo "== summary: $rounds rounds of ${secs} s, min / median of the rounds;" \
	"load average at the start of the runs $(awk '{print $7}' "$tmp/rounds" | sort -n |
		awk 'NR == 1 {lo = $1} {hi = $1} END {print lo " - " hi}'), now $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v configs="$(cut -d' ' -f1 "$tmp/configs" | tr '\n' ' ')" '
	function median(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) {t = a[i]; a[i] = a[j]; a[j] = t}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function lo(a, n,   i, m) {m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m}
	function col(k, c,   i, n) {n = 0; for (i = 1; i <= cnt[k]; i++) v[++n] = val[k, i, c]; return n}
	{
		k = $1
		cnt[k]++
		for (c = 2; c <= 5; c++) val[k, cnt[k], c] = $c
		val[k, cnt[k], 6] = $10
		val[k, cnt[k], 7] = $11
		val[k, cnt[k], 8] = $12
		val[k, cnt[k], 9] = $13
	}
	END {
		label["sqlite-1"] = "transitions, SQLite, 1 server"
		label["pg-1"] = "transitions, PostgreSQL, 1 server"
		label["pg-2"] = "transitions, PostgreSQL, 2 servers"
		label["pg-4"] = "transitions, PostgreSQL, 4 servers"
		label["pg-4-async"] = "  the same, synchronous_commit off"
		label["check-pg-1"] = "POST /check, 1 server"
		label["check-pg-2"] = "POST /check, 2 servers"
		label["check-pg-4"] = "POST /check, 4 servers"
		printf "   %-36s %15s %15s %15s %15s %6s %15s\n", "", "req/s min / med", "p50 ms min/med",
			"p99 ms min/med", "CPU us/req (PG)", "busy", "WAL flush: req/ms"
		n = split(configs, names, " ")
		for (i = 1; i <= n; i++) {
			k = names[i]
			if (!cnt[k]) continue
			m = col(k, 2); r1 = lo(v, m); r2 = median(v, m)
			m = col(k, 3); a1 = lo(v, m); a2 = median(v, m)
			m = col(k, 4); b1 = lo(v, m); b2 = median(v, m)
			m = col(k, 5); c2 = median(v, m)
			m = col(k, 8); c3 = median(v, m)
			m = col(k, 9); c4 = median(v, m)
			w = "-"
			if (val[k, 1, 6] != "-") {
				m = col(k, 6); w1 = median(v, m)
				m = col(k, 7); w = sprintf("%.2f / %.2f", w1, median(v, m))
			}
			printf "   %-36s %6.0f / %6.0f %6.2f / %6.2f %6.2f / %6.2f %7.0f (%5.0f) %4.0f %% %15s\n", label[k],
				r1, r2, a1, a2, b1, b2, c2, c3, c4, w
		}
	}
' "$tmp/rounds"
echo "   (a transition: a case filed or a case submitted, one durable transaction each;" \
	"CPU: the servers, plus PostgreSQL for transitions; busy: the whole machine's CPU;" \
	"WAL flush: transitions a WAL flush and ms a flush, medians)"

echo "== the audit chains after the run"
timeout 120 "$permitdesk" audit verify --db "$pg_db" 2>&1 | sed 's/^/   PostgreSQL: /'
timeout 120 "$permitdesk" audit verify --db "$sq_db" 2>&1 | sed 's/^/   SQLite: /'
