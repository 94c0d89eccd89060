#!/bin/sh
# The HTTP benchmark: `permitdesk serve` answering POST /api/v1/check beside
# nginx serving the same bytes as a static file, on this machine, in one run.
# See docs/performance.md ("HTTP API") for what it measures and the figures.
#
#   sh bench/http.sh BUILD_DIR [SECONDS] [ROUNDS] [CONNECTIONS]
#
# Defaults: 10-second wrk runs, 3 rounds each, 64 connections, 2 wrk threads.
# Needs wrk, nginx and curl (`sh scripts/install-deps.sh bench`); installs
# nothing itself.  Everything listens on 127.0.0.1 only, on ports the kernel
# or a free-port probe picks, with files in a temporary directory that is
# removed at the end.  Environment:
#   PD_BENCH_CASE     the case to POST (examples/zhejiang-q2-extension.json)
#   PD_BENCH_THREADS  --threads for the server (default: its own, one per core)
#
# What it does:
#   1. starts the server on a new database and again on the existing one,
#      each time timing exec -> first 200 of GET /api/v1/health
#      (bench/http_first200, a small C poller: 100 µs between tries);
#   2. POSTs the case a few times, keeps the exact body of the answer and reads
#      the idle server's VmRSS from /proc;
#   3. starts nginx in the foreground (daemon off, everything in the
#      temporary directory) serving that body as a static file.  nginx's
#      static module answers POST with 405, so nginx is measured with GET of
#      the file and the server with POST of the case (bench/http_post.lua):
#      the comparison is "same bytes out";
#   4. a short warm-up of each, then ROUNDS rounds of
#      `wrk -t2 -cCONNECTIONS -dSECONDS --latency`, nginx and server
#      alternating, and a table of the best round (highest req/s, lowest
#      latency and CPU) and the median round for each; CPU is user + system
#      time of the server (of nginx's master and workers) from /proc, divided
#      by the requests wrk counted.  The server's VmRSS is sampled in the
#      middle of each of its runs and its VmHWM (reset after the idle
#      reading) read at the end.
set -eu

build=${1:-build}
secs=${2:-10}
rounds=${3:-3}
conns=${4:-64}
case_file=${PD_BENCH_CASE:-examples/zhejiang-q2-extension.json}
here=$(cd "$(dirname "$0")/.." && pwd)
policy=$here/policy
post_lua=$here/bench/http_post.lua
permitdesk=$build/permitdesk
first200=$build/bench/http_first200
# stop, ticks, wrk_result, machine
. "$here/bench/lib.sh"

# nginx is in /usr/sbin, which a user's PATH may not have.
nginx=$(PATH="$PATH:/usr/sbin:/sbin" command -v nginx || true)
for t in wrk curl "$nginx"; do
	if [ -z "$t" ] || ! command -v "$t" >/dev/null 2>&1; then
		echo "http.sh: needs wrk, nginx and curl: sh scripts/install-deps.sh bench" >&2
		exit 2
	fi
done
for f in "$permitdesk" "$first200"; do
	[ -x "$f" ] || { echo "http.sh: no $f: build first (make build)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pd-http-bench.XXXXXX")
server_pid=""
nginx_pid=""
cleanup() {
	stop "$server_pid"
	stop "$nginx_pid"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/db" "$tmp/www" "$tmp/nginx"
chmod 700 "$tmp/db"
# nginx's workers run as nobody when the master is root: let them read the file.
chmod 755 "$tmp" "$tmp/www"

rss() { # pid field: kB
	awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}
mb() { awk -v kb="$1" 'BEGIN {printf "%.1f MB", kb / 1024}'; }

start_server() { # label: sets server_pid, port; prints the start times
	: > "$tmp/first200"
	# shellcheck disable=SC2086
	"$first200" "$tmp/first200" "$tmp/serve.out" "$permitdesk" serve --listen 127.0.0.1:0 \
		--db "$tmp/db/permitdesk.db" --policy "$policy" --quiet \
		${PD_BENCH_THREADS:+--threads "$PD_BENCH_THREADS"} 2>>"$tmp/serve.err" &
	server_pid=$!
	i=0
	while [ ! -s "$tmp/first200" ] && [ $i -lt 250 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! read -r t_listen t_200 < "$tmp/first200" || [ "$t_listen" = fail ]; then
		echo "http.sh: the server did not answer 200 within 20 s:" >&2
		cat "$tmp/serve.out" "$tmp/serve.err" >&2
		exit 1
	fi
	port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$tmp/serve.out")
	printf '   %-34s listening line %6.1f ms, first 200 %6.1f ms\n' "$1:" "$t_listen" "$t_200"
}

echo "== machine: $(machine)"
echo "   $("$nginx" -v 2>&1), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"

echo "== start: exec -> first 200 of GET /api/v1/health"
start_server "new database (created, admin hashed)"
stop "$server_pid"
server_pid=""
start_server "existing database"

echo "== the case: $case_file"
url_check="http://127.0.0.1:$port/api/v1/check"
for i in 1 2 3 4 5; do
	code=$(curl -s -o "$tmp/www/result.json" -w '%{http_code}' \
		-H 'Content-Type: application/json' --data-binary "@$here/$case_file" "$url_check")
	[ "$code" = 200 ] || { echo "http.sh: POST /api/v1/check answered $code" >&2; exit 1; }
done
chmod 644 "$tmp/www/result.json"
bytes=$(wc -c < "$tmp/www/result.json")
echo "   $(wc -c < "$here/$case_file") bytes in, $bytes bytes out"
sleep 1
idle_rss=$(rss "$server_pid" VmRSS)
idle_hwm=$(rss "$server_pid" VmHWM)
echo "== server RSS idle (after the first 200 and 5 checks): VmRSS $(mb "$idle_rss")" \
	"(VmHWM since start $(mb "$idle_hwm"))"
# Reset the peak, so that VmHWM at the end is the peak under load.
echo 5 > "/proc/$server_pid/clear_refs" 2>/dev/null || true

# nginx: the first free port from a probe; a foreground master with 2
# workers, keep-alive without a request limit (as the server), no logs.
nport=""
# shellcheck disable=SC2013
for p in $(awk -v s="$$" 'BEGIN {srand(s); for (i = 0; i < 20; i++) print 20000 + int(rand() * 40000)}'); do
	if ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/" 2>/dev/null; then
		nport=$p
		break
	fi
done
[ -n "$nport" ] || { echo "http.sh: no free port for nginx" >&2; exit 1; }
cat > "$tmp/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 2;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000000;
	keepalive_timeout 60s;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	types { }
	default_type application/json;
	server {
		listen 127.0.0.1:$nport;
		root $tmp/www;
	}
}
EOF
"$nginx" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" \
	2>"$tmp/nginx/stderr" &
nginx_pid=$!
url_static="http://127.0.0.1:$nport/result.json"
i=0
until curl -s -o "$tmp/static.json" "$url_static" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -ge 50 ] || ! kill -0 "$nginx_pid" 2>/dev/null; then
		echo "http.sh: nginx did not start:" >&2
		cat "$tmp/nginx/stderr" "$tmp/nginx/error.log" >&2
		exit 1
	fi
	sleep 0.1
done
cmp -s "$tmp/static.json" "$tmp/www/result.json" ||
	{ echo "http.sh: nginx does not serve the same bytes" >&2; exit 1; }

# The pids of nginx: its master and its workers.
nginx_pids="$nginx_pid"
for f in /proc/[0-9]*/stat; do
	pp=$(sed 's/.*) //' "$f" 2>/dev/null | cut -d' ' -f2) || continue
	if [ "$pp" = "$nginx_pid" ]; then
		f=${f#/proc/}
		nginx_pids="$nginx_pids ${f%/stat}"
	fi
done

# run_wrk NAME URL "PIDS" [SCRIPT FILE]: one run; its output into
# $tmp/wrk.NAME, one line of "name req/s p50_ms p99_ms cpu_us_per_request
# errors" appended to $tmp/rounds, where the CPU is that of PIDS.
run_wrk() {
	# shellcheck disable=SC2086
	t0=$(ticks $3)
	if [ $# -gt 3 ]; then
		wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$4" "$2" -- "$5" > "$tmp/wrk.$1" 2>&1 || true
	else
		wrk -t2 -c"$conns" -d"${secs}s" --latency "$2" > "$tmp/wrk.$1" 2>&1 || true
	fi
	# shellcheck disable=SC2086
	t1=$(ticks $3)
	wrk_result "$1" $((t1 - t0)) "$tmp/wrk.$1" >> "$tmp/rounds"
	grep -E '^ *(Latency |50%|99%)|requests in|Non-2xx|Socket errors|^Requests/sec' \
		"$tmp/wrk.$1" | sed 's/^ */      /'
}

echo "== warm-up (2 s each, not counted)"
wrk -t2 -c"$conns" -d2s "$url_static" > /dev/null 2>&1 || true
wrk -t2 -c"$conns" -d2s -s "$post_lua" "$url_check" -- "$here/$case_file" > /dev/null 2>&1 || true
: > "$tmp/rounds"
: > "$tmp/load_rss"
r=1
while [ $r -le "$rounds" ]; do
	echo "== round $r: nginx, GET $url_static"
	run_wrk nginx "$url_static" "$nginx_pids"
	echo "== round $r: permitdesk, POST $url_check"
	(sleep $((secs / 2)) && rss "$server_pid" VmRSS >> "$tmp/load_rss") &
	sampler=$!
	run_wrk permitdesk "$url_check" "$server_pid" "$post_lua" "$here/$case_file"
	wait "$sampler" || true
	r=$((r + 1))
done
load_hwm=$(rss "$server_pid" VmHWM)
load_rss=$(sort -n "$tmp/load_rss" | tail -n 1)

if grep -v ' -$' "$tmp/rounds" >/dev/null; then
	echo "http.sh: some runs had errors and do not count:" >&2
	grep -v ' -$' "$tmp/rounds" >&2
	cat "$tmp"/wrk.* >&2
	exit 1
fi

echo
echo "== summary: $rounds rounds of wrk -t2 -c$conns -d${secs}s, $bytes bytes a response," \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
	function median(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) {t = a[i]; a[i] = a[j]; a[j] = t}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function lo(a, n,   i, m) {m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m}
	function hi(a, n,   i, m) {m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m}
	$1 == "nginx" {n++; nr[n] = $2; n50[n] = $3; n99[n] = $4; nc[n] = $5}
	$1 == "permitdesk" {p++; pr[p] = $2; p50[p] = $3; p99[p] = $4; pc[p] = $5; ratio[p] = $2 / nr[p]}
	END {
		printf "   %-32s %17s %17s %17s %17s\n", "", "req/s best / med", "p50 ms best/med",
			"p99 ms best/med", "CPU us/req b/med"
		printf "   %-32s %8.0f / %6.0f %8.2f / %6.2f %8.2f / %6.2f %8.1f / %6.1f\n", "nginx, GET of the static file",
			hi(nr, n), median(nr, n), lo(n50, n), median(n50, n), lo(n99, n), median(n99, n), lo(nc, n), median(nc, n)
		printf "   %-32s %8.0f / %6.0f %8.2f / %6.2f %8.2f / %6.2f %8.1f / %6.1f\n", "permitdesk, POST /api/v1/check",
			hi(pr, p), median(pr, p), lo(p50, p), median(p50, p), lo(p99, p), median(p99, p), lo(pc, p), median(pc, p)
		printf "   req/s ratio permitdesk / nginx: %.0f %% (median of the rounds; each round %.0f - %.0f %%)\n",
			100 * median(pr, p) / median(nr, n), 100 * lo(ratio, p), 100 * hi(ratio, p)
	}
' "$tmp/rounds"
echo "   server RSS: idle $(mb "$idle_rss"); under load VmRSS $(mb "$load_rss")" \
	"(highest mid-run sample), VmHWM $(mb "$load_hwm")"
