#!/usr/bin/env bash
# Make sure Debian's Chromium and a font with Chinese glyphs are present for the browser tests
# (tests/test_site_browser.py: the glossary's 精准扶贫 must render as glyphs, not as empty boxes).
# Installs them with apt when absent and we are root; otherwise says what to do. Never fails the
# build by itself: the browser test reports a missing browser as a test failure (under CI) with
# this hint. fonts-wqy-zenhei (~10 MB) is used rather than fonts-noto-cjk (~60 MB).
set -u
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh family | grep -q .; }; then
  packages+=(fonts-wqy-zenhei)
fi
if [ "${#packages[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${packages[*]} for the browser tests (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${packages[@]}" >/dev/null \
    && echo "installed: ${packages[*]} ($(/usr/bin/chromium --version 2>/dev/null))" \
    || echo "warning: could not install ${packages[*]} with apt-get"
else
  echo "note: missing ${packages[*]}; install Debian's packages (as root: apt-get install ${packages[*]}) for the browser tests"
fi
exit 0
