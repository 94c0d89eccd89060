#!/bin/sh
# questions.sh: every question of every golden case can change its answer
# (tests/schema/questions.mjs says how that is tried).
# Exit 77 (skipped) when node is missing.
# Environment: PERMITDESK (the binary), PD_SRC (the source root).
set -u

: "${PD_SRC:?PD_SRC must name the source root}"
: "${PERMITDESK:?PERMITDESK must name the binary}"

if ! command -v node >/dev/null 2>&1; then
	echo "skipped: node is not installed"
	exit 77
fi
exec node "$PD_SRC/tests/schema/questions.mjs"
