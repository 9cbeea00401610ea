#!/usr/bin/env bash
# Make Debian's nginx available for the "larger clinic" tests (several processes behind a proxy).
# Installs it with apt-get when missing and we are root (or have password-less sudo); the proxy itself runs as the
# current user from a temporary prefix (scripts/nginx-proxy.sh), so nothing needs root at run time.
# With SM_REQUIRE_POSTGRES=1 a missing nginx is an error; otherwise its tests skip visibly.
set -u
NGINX="${SM_NGINX:-/usr/sbin/nginx}"
if [ -x "$NGINX" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
fi
if [ "$SUDO" != "none" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing nginx for the several-process tests..."
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  # --no-install-recommends: the daemon alone; the Debian service is never used (the tests start their own).
  if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx >/dev/null 2>&1 \
      && [ -x "$NGINX" ]; then
    exit 0
  fi
fi
if [ "${SM_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "error: nginx ($NGINX) is required (SM_REQUIRE_POSTGRES=1) and could not be installed." >&2
  exit 1
fi
echo "warning: nginx not available; the several-process tests will be skipped." >&2
exit 0
