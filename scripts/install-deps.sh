#!/bin/sh
# Installs what permitdesk needs to build and test, from Debian's packages only.
# Idempotent: packages already present are left alone, and apt-get runs only
# when something is missing.
set -eu

PACKAGES="build-essential cmake pkg-config libfyaml-dev libjsmn-dev libmicrohttpd-dev
libsqlite3-dev sqlite3 libpq-dev libsodium-dev libcmocka-dev zlib1g-dev postgresql
libcairo2-dev libpango1.0-dev libqrencode-dev fonts-wqy-microhei fonts-noto-cjk poppler-utils
zbar-tools
chromium"
# `install-deps.sh fuzz` (make fuzz) adds clang and its libFuzzer runtime.
if [ "${1:-}" = fuzz ]; then
	PACKAGES="$PACKAGES clang libclang-rt-dev"
fi
# `install-deps.sh bench` (make bench) adds wrk and nginx: bench/http.sh
# measures the API against nginx serving the same bytes.
if [ "${1:-}" = bench ]; then
	PACKAGES="$PACKAGES wrk nginx-light curl"
fi
# The API tests (tests/api) run on node; Debian's unless a node is already on PATH.
if ! command -v node >/dev/null 2>&1; then
	PACKAGES="$PACKAGES nodejs npm"
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	SUDO=""
	if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing
else
	echo "install-deps: all packages present"
fi

# The API tests' modules, exactly as package-lock.json pins them, when missing
# or older than the lock file.
API="$(cd "$(dirname "$0")/.." && pwd)/tests/api"
if [ ! -d "$API/node_modules" ] || [ "$API/package-lock.json" -nt "$API/node_modules" ]; then
	echo "install-deps: npm ci in tests/api"
	(cd "$API" && npm ci --no-audit --no-fund --loglevel=error && touch node_modules)
fi

# The web desk's tests (tests/web): playwright-core and axe-core, driving
# Debian's chromium above (never a browser of their own).
WEB="$(cd "$(dirname "$0")/.." && pwd)/tests/web"
if [ ! -d "$WEB/node_modules" ] || [ "$WEB/package-lock.json" -nt "$WEB/node_modules" ]; then
	echo "install-deps: npm ci in tests/web"
	(cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error && touch node_modules)
fi

# The benchmark's anchor (bench/anchor: json-rules-engine and js-yaml, only
# for `make bench`, never for building or testing permitdesk).
if [ "${1:-}" = bench ]; then
	ANCHOR="$(cd "$(dirname "$0")/.." && pwd)/bench/anchor"
	if [ ! -d "$ANCHOR/node_modules" ] || [ "$ANCHOR/package-lock.json" -nt "$ANCHOR/node_modules" ]; then
		echo "install-deps: npm ci in bench/anchor"
		(cd "$ANCHOR" && npm ci --no-audit --no-fund --loglevel=error && touch node_modules)
	fi
fi
