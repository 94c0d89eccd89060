#!/bin/sh
# The benchmarks: see docs/performance.md for what they measure and the figures.
#   sh bench/run.sh BUILD_DIR [N]
set -eu
build=${1:-build}
n=${2:-1000000}
out=bench/out
mkdir -p "$out"
echo "== generating $n cases"
"$build/bench/gen_cases" "$n" > "$out/cases.jsonl"
ls -l "$out/cases.jsonl" | awk '{printf "   %.1f MB\n", $5/1e6}'
"$build/bench/gen_cases" $((n / 10)) > "$out/cases-small.jsonl"

echo "== evaluation alone (pre-decoded cases, 500 distinct: in cache, as in the pipeline)"
"$build/bench/bench_eval" "$out/cases.jsonl" 800 "" 500
echo "== evaluation alone, 2,000 distinct pre-decoded cases (about 5 MB)"
"$build/bench/bench_eval" "$out/cases.jsonl" 200 "" 2000
echo "== evaluation alone over 100,000 distinct pre-decoded cases (bound by memory latency)"
"$build/bench/bench_eval" "$out/cases.jsonl" 4 "" 100000

echo "== check --batch end to end, one core (parse, evaluate, write JSON to /dev/null)"
for f in "$out/cases-small.jsonl" "$out/cases.jsonl"; do
	lines=$(wc -l < "$f")
	/usr/bin/time -f "%e %M" -o "$out/time" "$build/permitdesk" check --batch "$f" > /dev/null || true
	read -r secs kb < "$out/time"
	awk -v n="$lines" -v s="$secs" -v kb="$kb" 'BEGIN {printf "   %d cases in %.2f s: %.0f cases/s, peak memory %.1f MB\n", n, s, n/s, kb/1024}'
done
echo "== check --batch --jobs 2"
/usr/bin/time -f "%e %M" -o "$out/time" "$build/permitdesk" check --batch --jobs 2 "$out/cases.jsonl" > /dev/null || true
read -r secs kb < "$out/time"
awk -v n="$n" -v s="$secs" -v kb="$kb" 'BEGIN {printf "   %d cases in %.2f s: %.0f cases/s, peak memory %.1f MB\n", n, s, n/s, kb/1024}'
"$build/permitdesk" check --batch "$out/cases-small.jsonl" > "$out/r1.jsonl" || true
"$build/permitdesk" check --batch --jobs 2 "$out/cases-small.jsonl" > "$out/r2.jsonl" || true
cmp -s "$out/r1.jsonl" "$out/r2.jsonl" && echo "   same output as one job" || echo "   OUTPUT DIFFERS from one job"
ls -l "$out/r1.jsonl" | awk -v n=$((n / 10)) '{printf "   results average %.1f KB each\n", $5/n/1024}'
rm -f "$out/r1.jsonl" "$out/r2.jsonl"
for b in bench_decode bench_write; do
	if [ -x "$build/bench/$b" ]; then echo "== $b"; "$build/bench/$b"; fi
done
echo "== check --batch against jsmn's bare tokenising plus writing the same bytes (bench_jsmn)"
"$build/bench/gen_cases" 20000 > "$out/c20k.jsonl"
for view in summary full; do
	/usr/bin/time -f "%e %U %S %M" -o "$out/time" "$build/permitdesk" check --batch --view "$view" "$out/c20k.jsonl" > "$out/r.jsonl" || true
	read -r secs user sys kb < "$out/time"
	/usr/bin/time -f "%e %U %S" -o "$out/time2" "$build/bench/bench_jsmn" "$out/c20k.jsonl" "$out/r.jsonl" > "$out/j.jsonl" 2>/dev/null
	read -r jsecs juser jsys < "$out/time2"
	cmp -s "$out/r.jsonl" "$out/j.jsonl" || echo "   bench_jsmn wrote other bytes"
	awk -v v="$view" -v s="$secs" -v cpu="$(echo "$user $sys" | awk '{print $1 + $2}')" \
		-v js="$jsecs" -v jcpu="$(echo "$juser $jsys" | awk '{print $1 + $2}')" -v kb="$kb" \
		'BEGIN {r = jcpu > 0 ? cpu / jcpu : 0
		printf "   --view %s: %.2f s (%.2f s CPU) against %.2f s (%.2f s CPU): %.1fx the floor in CPU, peak memory %.1f MB\n", v, s, cpu, js, jcpu, r, kb / 1024}'
done
rm -f "$out/r.jsonl" "$out/j.jsonl" "$out/c20k.jsonl"
