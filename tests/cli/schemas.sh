#!/bin/sh
# schemas.sh: schema/case.schema.json and schema/result.schema.json against
# every golden case and expected result, against cases the decoder refuses,
# and against `permitdesk facts` (tests/schema/validate.mjs, with ajv from
# tests/api/node_modules).
# Exit 77 (skipped) when node or tests/api's modules are missing.
# Environment: PERMITDESK (the binary), PD_SRC (the source root).
set -u

: "${PD_SRC:?PD_SRC must name the source root}"

if ! command -v node >/dev/null 2>&1; then
	echo "skipped: node is not installed"
	exit 77
fi
exec node "$PD_SRC/tests/schema/validate.mjs"
