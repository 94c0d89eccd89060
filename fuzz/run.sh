#!/bin/sh
# fuzz/run.sh BUILD SECONDS NAME...: runs the libFuzzer targets
# BUILD/fuzz/fuzz_NAME one after the other, each for SECONDS, and prints one
# line of figures per target (executions, speed, coverage, corpus).  `make
# fuzz` calls it; docs/testing.md records the figures of the last long run.
#
# Each target starts from its committed seeds (fuzz/corpus/NAME/, read only)
# and grows its working corpus in fuzz/corpus-run/NAME/ (not committed), which
# later runs reuse.  A crash, leak, timeout or sanitizer report stops that
# target, leaves its input in fuzz/corpus-run/artifacts/ and makes the script
# exit 1 after the others have run: copy the input into fuzz/corpus/NAME/ so
# that the replayer keeps it as a regression test (docs/testing.md).
# FUZZ_FLAGS adds libFuzzer options (e.g. "-fork=1 -ignore_crashes=1" to go on
# past a crash already reported).
set -u

if [ $# -lt 3 ]; then
	echo "usage: fuzz/run.sh BUILD SECONDS NAME..." >&2
	exit 64
fi
build=$1
secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
work="$here/corpus-run"
mkdir -p "$work/artifacts" || exit 1
# Leaks already reported to other parts are not found again (known-leaks.supp).
LSAN_OPTIONS="suppressions=$here/known-leaks.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
status=0

for name in "$@"; do
	bin="$build/fuzz/fuzz_$name"
	if [ ! -x "$bin" ]; then
		echo "fuzz/run.sh: $bin not built (cmake -DPD_FUZZ=ON with clang)" >&2
		status=1
		continue
	fi
	mkdir -p "$work/$name"
	log="$work/$name.log"
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/$name-" ${FUZZ_FLAGS:-} "$work/$name" \
		"$here/corpus/$name" >"$log" 2>&1
	rc=$?
	ran=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s' "$last" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
	printf '%-12s %ss  executions %s (%s/s)  coverage %s edges, %s features  corpus %s\n' \
		"$name" "$ran" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
	if [ "$rc" -ne 0 ]; then
		echo "  FAILED (exit $rc): see $log"
		grep -E 'ERROR: |SUMMARY: |Test unit written to' "$log" | sed 's/^/  /'
		status=1
	fi
done
exit $status
