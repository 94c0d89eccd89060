#!/bin/sh
# What two processors can give here: two separate `check --batch` processes at
# once, each on half of the cases, each to its own file.  bench/anchor.sh times
# it beside one process with --jobs 2: the pipeline cannot do better than this.
#
#   sh bench/two_halves.sh PERMITDESK FIRST_HALF SECOND_HALF OUT_PREFIX [ARGS...]
set -eu
pd=$1 first=$2 second=$3 prefix=$4
shift 4
"$pd" check --batch "$@" "$first" > "$prefix.1" &
a=$!
"$pd" check --batch "$@" "$second" > "$prefix.2" &
b=$!
rc=0
wait "$a" || rc=$?
wait "$b" || rc=$?
rm -f "$prefix.1" "$prefix.2"
exit "$rc"
