#!/usr/bin/env bash
# Make sure Debian's Chromium is present for the browser tests (tests/test_site_browser.py).
# Installs it with apt when absent and we are root; otherwise says what to do. Never fails the build
# by itself: the browser test reports a missing browser as a test failure with this hint.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null \
    && echo "chromium installed: $(/usr/bin/chromium --version 2>/dev/null)" \
    || echo "warning: could not install chromium with apt-get"
else
  echo "note: /usr/bin/chromium is missing; install Debian's 'chromium' package (as root: apt-get install chromium) for the browser tests"
fi
exit 0
