#!/bin/sh
# stress.sh: `make test` again and again beside busy processors, to show that
# no test assumes how fast the machine is.
#
#   sh scripts/stress.sh [-n RUNS] [-j JOBS] [-H HOGS] [-o LOG]
#
# Starts HOGS (default 1) processes that only spin, then runs `make test
# JOBS=JOBS` (default 8: ctest -j8 in the normal and the sanitizer build) RUNS
# times (default 10) from the source root, and stops at the first run that
# fails.  Each run's result, its length and the load average go to standard
# output and to LOG (default stress.log); a failed run's ctest output is kept
# in LOG.failed-N.  The hogs are stopped on any exit.
# Exit status: 0 when every run passed, 1 when one failed, 2 on a usage error.
set -u

RUNS=10
JOBS=8
HOGS=1
LOG=stress.log
while getopts n:j:H:o: opt; do
	case $opt in
	n) RUNS=$OPTARG ;;
	j) JOBS=$OPTARG ;;
	H) HOGS=$OPTARG ;;
	o) LOG=$OPTARG ;;
	*)
		echo "usage: sh scripts/stress.sh [-n RUNS] [-j JOBS] [-H HOGS] [-o LOG]" >&2
		exit 2
		;;
	esac
done
for v in "$RUNS" "$JOBS" "$HOGS"; do
	case $v in
	'' | *[!0-9]*)
		echo "stress.sh: RUNS, JOBS and HOGS are whole numbers" >&2
		exit 2
		;;
	esac
done
cd "$(dirname "$0")/.." || exit 2

hogs=""
stop_hogs() {
	for p in $hogs; do kill "$p" 2>/dev/null; done
	hogs=""
}
trap 'stop_hogs' EXIT
trap 'stop_hogs; exit 130' INT TERM

i=0
while [ "$i" -lt "$HOGS" ]; do
	sh -c 'while :; do :; done' &
	hogs="$hogs $!"
	i=$((i + 1))
done

say() { echo "$*" | tee -a "$LOG"; }
say "stress: $(git rev-parse --short HEAD 2>/dev/null || echo '?') $(date -u '+%Y-%m-%d %H:%M:%S') UTC, $RUNS runs of make test JOBS=$JOBS beside $HOGS CPU hog(s) on $(nproc) processors"
run=1
while [ "$run" -le "$RUNS" ]; do
	t0=$(date +%s)
	out="$LOG.run"
	if make test JOBS="$JOBS" > "$out" 2>&1; then
		result=passed
	else
		result=FAILED
	fi
	t1=$(date +%s)
	summary=$(grep -E 'tests passed|tests failed' "$out" | tr '\n' ';')
	say "run $run: $result in $((t1 - t0)) s ($summary load $(cut -d' ' -f1-3 /proc/loadavg))"
	if [ "$result" = FAILED ]; then
		mv "$out" "$LOG.failed-$run"
		say "stress: run $run failed; its output is in $LOG.failed-$run"
		exit 1
	fi
	rm -f "$out"
	run=$((run + 1))
done
say "stress: $RUNS of $RUNS runs passed"
exit 0
