#!/bin/sh
# release-check.sh: a packager's build of the tree, end to end (`make
# release-check`; not part of `make test`, since it builds everything again).
#
#   1. configures a Release build (-O3, warnings are errors) in a temporary
#      folder, with the compiled-in policy folder pointing nowhere, and builds
#      every target;
#   2. installs it with DESTDIR under the prefix /usr, then moves the tree
#      elsewhere, as a package manager's staging does;
#   3. runs the installed command from another directory, without
#      PERMITDESK_POLICY, on the installed example: it must find the packs
#      installed beside it (docs/operations.md, "Installing").
#
#   sh scripts/release-check.sh [JOBS]
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=${1:-$(nproc 2>/dev/null || echo 2)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pd-release.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "== Release build in $tmp/build"
cmake -S "$src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
	-DPD_POLICY_DIR="$tmp/not-the-policy" >"$tmp/configure.log" ||
	{ cat "$tmp/configure.log"; exit 1; }
cmake --build "$tmp/build" -j "$jobs" >"$tmp/build.log" 2>&1 ||
	{ grep -E 'error|warning' -A3 "$tmp/build.log" | head -60; exit 1; }

echo "== cmake --install (DESTDIR), then moved"
DESTDIR="$tmp/stage" cmake --install "$tmp/build" >"$tmp/install.log"
mv "$tmp/stage/usr" "$tmp/moved"
for f in bin/permitdesk share/permitdesk/policy/calendar/cn.yaml \
	share/permitdesk/schema/result.schema.json share/doc/permitdesk/README.md \
	share/doc/permitdesk/examples/zhejiang-q2-extension.json share/man/man1/permitdesk.1 \
	share/bash-completion/completions/permitdesk; do
	[ -e "$tmp/moved/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done

echo "== the installed command, from another directory"
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
out=$(env -u PERMITDESK_POLICY "$tmp/moved/bin/permitdesk" check --view summary \
	"$tmp/moved/share/doc/permitdesk/examples/zhejiang-q2-extension.json") ||
	{ echo "FAIL: the installed permitdesk check exited $?"; exit 1; }
case "$out" in
'{"verdict":"incomplete","jurisdiction":"zhejiang",'*) ;;
*) echo "FAIL: unexpected result: $(echo "$out" | head -c 300)"; exit 1 ;;
esac
env -u PERMITDESK_POLICY "$tmp/moved/bin/permitdesk" policy list >/dev/null ||
	{ echo "FAIL: the installed permitdesk policy list"; exit 1; }
echo "release-check: ok"
