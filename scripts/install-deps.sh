#!/bin/sh
# Installs what permitdesk needs to build and test, from Debian's packages only.
# Idempotent: packages already present are left alone, and apt-get runs only
# when something is missing.
set -eu

PACKAGES="build-essential cmake pkg-config libfyaml-dev libjsmn-dev libmicrohttpd-dev
libsqlite3-dev sqlite3 libpq-dev libsodium-dev libcmocka-dev"
# `install-deps.sh fuzz` (make fuzz) adds clang and its libFuzzer runtime.
if [ "${1:-}" = fuzz ]; then
	PACKAGES="$PACKAGES clang libclang-rt-dev"
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
