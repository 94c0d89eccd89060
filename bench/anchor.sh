#!/bin/sh
# permitdesk's `check --batch` side by side with its anchor, the same rules on
# json-rules-engine under node (bench/anchor/anchor.mjs), and with the floor,
# jsmn's bare tokenising of the same input plus writing the same bytes
# (bench_jsmn).  Rounds alternate the commands, so that a change in the
# machine's speed touches them all alike; each figure is the median of the
# rounds, and each ratio the median of the rounds' ratios.  Outputs go to
# files, each run to a new one (removed outside the timing).  "summary-halves"
# is two processes at once on half the cases each (bench/two_halves.sh): what
# two processors give here, against which --jobs 2 is read.
#
#   sh bench/anchor.sh BUILD_DIR [CASES] [ROUNDS]
#
# CASES defaults to 20000 (bench/gen_cases: Zhejiang and national visa
# cases), ROUNDS to 3.  Needs node and bench/anchor/node_modules
# (`sh scripts/install-deps.sh bench`).
set -eu
build=${1:-build}
n=${2:-20000}
rounds=${3:-3}
out=bench/out
anchor=bench/anchor
if [ ! -d "$anchor/node_modules" ]; then
	echo "bench/anchor.sh: run 'sh scripts/install-deps.sh bench' first (json-rules-engine for the anchor)" >&2
	exit 2
fi
mkdir -p "$out"
tmp="$out/anchor.$$"
cases="$tmp-cases.jsonl"
"$build/bench/gen_cases" "$n" > "$cases"
pd="$build/permitdesk"
half=$(( (n + 1) / 2 ))
head -n "$half" "$cases" > "$tmp-half.1"
tail -n +"$((half + 1))" "$cases" > "$tmp-half.2"

# name|command (the output file is appended)
set -- \
	"anchor|node $anchor/anchor.mjs policy $cases" \
	"summary|$pd check --batch --view summary $cases" \
	"summary-jobs2|$pd check --batch --jobs 2 --view summary $cases" \
	"summary-halves|sh bench/two_halves.sh $pd $tmp-half.1 $tmp-half.2 $tmp-halves --view summary" \
	"full|$pd check --batch --view full $cases" \
	"full-jobs2|$pd check --batch --jobs 2 --view full $cases" \
	"floor-summary|$build/bench/bench_jsmn $cases $tmp-summary.ref" \
	"floor-full|$build/bench/bench_jsmn $cases $tmp-full.ref"
"$pd" check --batch --view summary "$cases" > "$tmp-summary.ref" || true
"$pd" check --batch --view full "$cases" > "$tmp-full.ref" || true
times="$tmp-times"
: > "$times"
echo "== $n cases ($(wc -c < "$cases") bytes), $rounds rounds, $(nproc) processors, load $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
while [ "$r" -le "$rounds" ]; do
	for spec in "$@"; do
		name=${spec%%|*}
		cmd=${spec#*|}
		# shellcheck disable=SC2086
		/usr/bin/time -f "%e %U %S %M" -o "$tmp-time" $cmd > "$tmp-out.$name.$r" 2>/dev/null || true
		bytes=$(wc -c < "$tmp-out.$name.$r")
		if [ "$r" = 1 ] && { [ "$name" = anchor ] || [ "$name" = summary ]; }; then
			mv "$tmp-out.$name.$r" "$tmp-kept.$name"
		else
			rm -f "$tmp-out.$name.$r"
		fi
		read -r wall user sys kb < "$tmp-time"
		echo "$r $name $wall $user $sys $kb $bytes" >> "$times"
	done
	r=$((r + 1))
done
rm -f "$tmp-time" "$tmp-summary.ref" "$tmp-full.ref"

awk -v n="$n" '
function median(list,   k, i, j, t, a) {
	k = split(list, a, " ")
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
{
	round = $1; name = $2
	cpu[name, round] = $4 + $5; wall[name, round] = $3
	if (!(name in seen)) { seen[name] = 1; order[++names] = name }
	cpus[name] = cpus[name] " " ($4 + $5); walls[name] = walls[name] " " $3
	kbs[name] = kbs[name] " " $6; bytes[name] = $7
	if (round > rounds) rounds = round
}
END {
	printf "   %-14s %9s %9s %12s %9s %12s\n", "", "CPU s", "wall s", "cases/s", "peak MB", "bytes/case"
	for (i = 1; i <= names; i++) {
		m = order[i]
		printf "   %-14s %9.3f %9.3f %12.0f %9.1f %12s\n", m, median(cpus[m]), median(walls[m]), n / median(walls[m]), median(kbs[m]) / 1024, bytes[m] ? sprintf("%.0f", bytes[m] / n) : "-"
	}
	print "   ratios, median of the rounds (the anchor over permitdesk: how many times faster; permitdesk over the floor):"
	split("summary full summary-jobs2 full-jobs2", ms, " ")
	for (i = 1; i <= 4; i++) {
		m = ms[i]; rc = ""; rw = ""
		for (r = 1; r <= rounds; r++) { rc = rc " " cpu["anchor", r] / cpu[m, r]; rw = rw " " wall["anchor", r] / wall[m, r] }
		printf "   anchor / %-13s %6.1fx in CPU, %6.1fx in wall time\n", m, median(rc), median(rw)
	}
	for (i = 1; i <= 2; i++) {
		m = ms[i]; rc = ""; rw = ""
		for (r = 1; r <= rounds; r++) { rc = rc " " cpu[m "-jobs2", r] / cpu[m, r]; rw = rw " " wall[m, r] / wall[m "-jobs2", r] }
		printf "   %-7s --jobs 2 over one job: %4.2fx in wall time (CPU %4.2fx)\n", m, median(rw), median(rc)
	}
	rw = ""
	for (r = 1; r <= rounds; r++) rw = rw " " wall["summary", r] / wall["summary-halves", r]
	printf "   two processes on half the cases each, over one process on all (what the processors give): %4.2fx in wall time\n", median(rw)
	for (i = 1; i <= 2; i++) {
		m = ms[i]; rc = ""
		for (r = 1; r <= rounds; r++) rc = rc " " (cpu["floor-" m, r] > 0 ? cpu[m, r] / cpu["floor-" m, r] : 0)
		printf "   %-7s over its floor: %4.2fx in CPU (0: the floor took under 10 ms)\n", m, median(rc)
	}
}' "$times"
# The anchor runs the same rules: where permitdesk decides, they agree.
node "$anchor/agree.mjs" "$tmp-kept.summary" "$tmp-kept.anchor"
rm -f "$cases" "$tmp-kept.summary" "$tmp-kept.anchor" "$tmp-half.1" "$tmp-half.2" "$times"
