#!/bin/sh
# Golden cases: see tests/cases/README.md.  Runs `permitdesk check` on every
# tests/cases/**/NAME.json and compares with NAME.expected.json.
exec sh "$PD_TESTS/golden-run.sh" "$@"
