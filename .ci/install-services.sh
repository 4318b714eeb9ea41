#!/usr/bin/env bash
# Install the system packages the test suite can use: Debian's PostgreSQL server binaries (the store
# tests start a throwaway server from /usr/lib/postgresql/*/bin themselves; nothing is started here)
# and Debian's chromium for the browser tests (Playwright drives it; no browser is downloaded).
# Idempotent and quiet: does nothing when both are already there.
set -euo pipefail

packages=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || packages+=(postgresql)
[ -x /usr/bin/chromium ] || packages+=(chromium)
if [ ${#packages[@]} -eq 0 ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq > /dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" > /dev/null
