#!/usr/bin/env bash
# Make Debian's Chromium and ChromeDriver available for the end-to-end tests.
# Installs them with apt-get when missing and we are root (or have password-less sudo).
# With SM_REQUIRE_BROWSER=1 a missing browser is an error; otherwise the e2e tests skip visibly.
set -u
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
fi
if [ "$SUDO" != "none" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing chromium and chromium-driver for the browser tests..."
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1; then
    exit 0
  fi
fi
if [ "${SM_REQUIRE_BROWSER:-0}" = "1" ]; then
  echo "error: Chromium (/usr/bin/chromium, /usr/bin/chromedriver) is required (SM_REQUIRE_BROWSER=1) and could not be installed." >&2
  exit 1
fi
echo "warning: Chromium not available; the browser tests will be skipped." >&2
exit 0
