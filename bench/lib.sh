# Shell functions shared by the HTTP benchmarks (bench/http.sh,
# bench/store.sh); sourced, not run.  POSIX sh.

# stop PID: SIGTERM, then wait for it (at most 10 s), then SIGKILL.
stop() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# ticks PID...: the CPU time (user + system, clock ticks) the processes have
# used, all their threads; a process that is gone counts 0.
ticks() {
	for p in "$@"; do sed 's/.*) //' "/proc/$p/stat" 2>/dev/null || true; done |
		awk '{t += $12 + $13} END {print t + 0}'
}

# wrk_result NAME TICKS FILE: wrk's --latency output in FILE as one line
# "NAME req/s p50_ms p99_ms cpu_us_per_request errors", where the CPU is
# TICKS clock ticks over the requests wrk counted and errors is "-" when
# every answer was 2xx and no socket failed.
wrk_result() {
	awk -v name="$1" -v ticks="$2" -v hz="$(getconf CLK_TCK)" '
		function ms(v) {
			if (v ~ /us$/) return v / 1000
			if (v ~ /ms$/) return v + 0
			if (v ~ /m$/) return v * 60000
			if (v ~ /s$/) return v * 1000
			return v
		}
		/^ *50%/ {p50 = ms($2)}
		/^ *99%/ {p99 = ms($2)}
		/^Requests\/sec:/ {rps = $2}
		/ requests in / {n = $1}
		/Non-2xx|Socket errors/ {bad = bad $0 ";"}
		END {
			if (rps == "" || n == 0) bad = "no result"
			gsub(/ /, "_", bad)
			printf "%s %.0f %.3f %.3f %.1f %s\n", name, rps, p50, p99, n ? ticks * 1e6 / hz / n : 0,
				bad == "" ? "-" : bad
		}
	' "$3"
}

# The machine, for the record: cores, CPU model, load average.
machine() {
	echo "$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)," \
		"load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
