#!/bin/sh
# mutate.sh: mutation testing.  Applies each mutant of a list (by default
# tests/mutants.txt) to the source tree one at a time, rebuilds what its tests
# need in a build folder of its own, runs those tests, restores the file and
# says whether the tests caught it (killed) or not (survived).
#
#   sh scripts/mutate.sh [-b BUILD] [-l LIST] [-j JOBS] [NAME...]
#
# BUILD defaults to build-mutate, LIST to tests/mutants.txt, JOBS to 2; NAMEs
# run only those mutants.  Run it from the source root (`make mutate`).
#
# The list (its header says more) holds one block per mutant:
#   mutant: NAME
#   file: PATH               relative to the source root
#   from: TEXT               exact text, found exactly once in PATH
#   to: TEXT                 what replaces it
#   tests: REGEX | @SET      the ctest names that must catch it
#   equivalent: REASON       (optional) why no test can catch it
# and `set NAME REGEX` lines.  A mutant whose `from` text is not in its file
# exactly once stops the run: the list must stay true as the code changes.
#
# Each mutant's file is copied aside before it is changed and copied back
# after its tests, and on any exit (failure, Ctrl-C, kill): the tree is left
# as it was found.  The summary goes to standard output and to
# BUILD/mutate-result.txt.  Exit status: 0 when every mutant was killed or is
# listed as equivalent, 1 when one survived, 2 on a usage or list error.
set -u

BUILD=build-mutate
LIST=tests/mutants.txt
JOBS=2
while getopts b:l:j: opt; do
	case $opt in
	b) BUILD=$OPTARG ;;
	l) LIST=$OPTARG ;;
	j) JOBS=$OPTARG ;;
	*)
		echo "usage: sh scripts/mutate.sh [-b BUILD] [-l LIST] [-j JOBS] [NAME...]" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))

[ -f CMakeLists.txt ] && [ -d src/lib ] || {
	echo "mutate.sh: run it from the source root" >&2
	exit 2
}
[ -f "$LIST" ] || {
	echo "mutate.sh: no list $LIST" >&2
	exit 2
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-mutate.XXXXXX") || exit 2
SAVED="" # the file currently mutated, restored from $TMP/saved
restore() {
	if [ -n "$SAVED" ]; then
		cp -p "$TMP/saved" "$SAVED" && echo "mutate.sh: restored $SAVED" >&2
		SAVED=""
	fi
}
trap 'restore; rm -rf "$TMP"' EXIT
trap 'restore; rm -rf "$TMP"; trap - EXIT; exit 130' INT
trap 'restore; rm -rf "$TMP"; trap - EXIT; exit 143' TERM HUP

# ---- read the list into $TMP/m.N.{name,file,from,to,tests,equivalent} ----
n=0
lineno=0
: >"$TMP/sets"
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	case $line in
	'' | '#'*) continue ;;
	'set '*)
		rest=${line#set }
		printf '%s\n' "$rest" >>"$TMP/sets"
		continue
		;;
	'mutant: '*)
		n=$((n + 1))
		printf '%s' "${line#mutant: }" >"$TMP/m.$n.name"
		printf '%s' "$LIST:$lineno" >"$TMP/m.$n.where"
		continue
		;;
	esac
	key=${line%%: *}
	case $key in
	file | from | to | tests | equivalent) ;;
	*)
		echo "$LIST:$lineno: unknown line: $line" >&2
		exit 2
		;;
	esac
	if [ "$n" = 0 ]; then
		echo "$LIST:$lineno: '$key' before the first 'mutant:'" >&2
		exit 2
	fi
	printf '%s' "${line#"$key": }" >"$TMP/m.$n.$key"
done <"$LIST"

i=1
while [ "$i" -le "$n" ]; do
	for key in file from to tests; do
		[ -f "$TMP/m.$i.$key" ] || {
			echo "$(cat "$TMP/m.$i.where"): mutant $(cat "$TMP/m.$i.name") has no '$key:'" >&2
			exit 2
		}
	done
	i=$((i + 1))
done

field() { cat "$TMP/m.$1.$2"; }

# count FILE TEXT: how many times TEXT occurs in FILE (exact text)
count() {
	PD_FROM=$2 perl -0777 -ne '$n = () = /\Q$ENV{PD_FROM}\E/g; print $n' "$1"
}

# Check every mutant's text before running any: a stale list fails at once.
bad=0
i=1
while [ "$i" -le "$n" ]; do
	f=$(field "$i" file)
	if [ ! -f "$f" ]; then
		echo "$(field "$i" where): mutant $(field "$i" name): no file $f" >&2
		bad=1
	else
		c=$(count "$f" "$(field "$i" from)")
		if [ "$c" != 1 ]; then
			echo "$(field "$i" where): mutant $(field "$i" name): the text" \
				"'$(field "$i" from)' occurs $c times in $f (must be exactly once):" \
				"update the list" >&2
			bad=1
		fi
	fi
	i=$((i + 1))
done
[ "$bad" = 0 ] || exit 2

# ---- the build ----
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
	cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$TMP/cmake.log" 2>&1 || {
		cat "$TMP/cmake.log" >&2
		exit 2
	}
fi
echo "mutate.sh: building $BUILD" >&2
nice cmake --build "$BUILD" -j "$JOBS" >"$TMP/build.log" 2>&1 || {
	tail -n 40 "$TMP/build.log" >&2
	echo "mutate.sh: the unmutated tree does not build" >&2
	exit 2
}

# regex SPEC: a test set's regex for "@name", else SPEC itself
regex() {
	case $1 in
	@*)
		r=$(awk -v k="${1#@}" '$1 == k { print $2 }' "$TMP/sets")
		[ -n "$r" ] || {
			echo "mutate.sh: no test set '$1'" >&2
			exit 2
		}
		printf '%s' "$r"
		;;
	*) printf '%s' "$1" ;;
	esac
}

# targets REGEX: the build targets the matching tests run
targets() {
	(cd "$BUILD" && ctest -N -R "$1") | sed -n 's/^ *Test *#[0-9]*: //p' | while read -r t; do
		case $t in
		unit/*) echo "${t#unit/}" ;;
		*) echo permitdesk-cli ;;
		esac
	done | sort -u
}

# The unmutated tree must pass every test a mutant names, or "killed" means nothing.
all_re=$(
	i=1
	while [ "$i" -le "$n" ]; do
		regex "$(field "$i" tests)"
		echo
		i=$((i + 1))
	done | sort -u | paste -sd'|' -
)
echo "mutate.sh: checking the unmutated tree passes the tests the mutants name" >&2
if ! (cd "$BUILD" && nice ctest -j "$JOBS" --timeout 600 -R "$all_re" >"$TMP/base.log" 2>&1); then
	grep -E 'Failed|\*\*\*' "$TMP/base.log" >&2
	echo "mutate.sh: the unmutated tree fails its tests; fix that first" >&2
	exit 2
fi

# ---- the mutants ----
RESULT="$BUILD/mutate-result.txt"
start=$(date -u '+%Y-%m-%d %H:%M UTC')
{
	echo "# sh scripts/mutate.sh $*"
	echo "# started $start at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
} >"$RESULT"
ran=0
killed=0
survived=0
equivalent=0
i=1
while [ "$i" -le "$n" ]; do
	name=$(field "$i" name)
	if [ $# -gt 0 ]; then
		want=0
		for a in "$@"; do [ "$a" = "$name" ] && want=1; done
		[ "$want" = 1 ] || {
			i=$((i + 1))
			continue
		}
	fi
	f=$(field "$i" file)
	re=$(regex "$(field "$i" tests)")
	cp -p "$f" "$TMP/saved"
	SAVED=$f
	PD_FROM=$(field "$i" from) PD_TO=$(field "$i" to) \
		perl -0777 -pi -e 's/\Q$ENV{PD_FROM}\E/$ENV{PD_TO}/' "$f"
	ran=$((ran + 1))
	verdict=""
	# shellcheck disable=SC2046
	if ! nice cmake --build "$BUILD" -j "$JOBS" --target $(targets "$re") \
		>"$TMP/build.log" 2>&1; then
		verdict="killed (does not build)"
	elif (cd "$BUILD" && nice ctest -j "$JOBS" --timeout 600 -R "$re" >"$TMP/test.log" 2>&1); then
		if [ -f "$TMP/m.$i.equivalent" ]; then
			verdict="survived, equivalent: $(field "$i" equivalent)"
		else
			verdict="SURVIVED"
		fi
	else
		failed=$(sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) .*/\1/p' "$TMP/test.log" | paste -sd' ' -)
		verdict="killed by $failed"
	fi
	restore
	case $verdict in
	killed*) killed=$((killed + 1)) ;;
	*equivalent*) equivalent=$((equivalent + 1)) ;;
	*) survived=$((survived + 1)) ;;
	esac
	line="$name ($f): $verdict"
	echo "$line"
	echo "$line" >>"$RESULT"
	i=$((i + 1))
done

# Rebuild the restored tree so the build folder matches the sources again.
nice cmake --build "$BUILD" -j "$JOBS" >/dev/null 2>&1

if [ "$ran" -gt 0 ]; then
	rate=$(awk -v k="$killed" -v r="$ran" 'BEGIN { printf "%.1f", 100 * k / r }')
else
	rate=0
fi
summary="$ran mutants: $killed killed, $survived survived, $equivalent equivalent; kill rate $rate%"
echo "$summary"
{
	echo "$summary"
	echo "# finished $(date -u '+%Y-%m-%d %H:%M UTC')"
} >>"$RESULT"
[ "$survived" = 0 ]
