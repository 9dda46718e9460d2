#!/usr/bin/env bash
# Installs Debian's chromium package for the browser test (make test-browser) when there is no Chromium.
# Only warns when it cannot: the assistant itself does not need a browser.
set -uo pipefail
if [ -n "${CHROMIUM:-}" ] || command -v chromium >/dev/null; then exit 0; fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
if command -v apt-get >/dev/null; then
  echo "installing Chromium for the browser test (apt-get install chromium)..."
  export DEBIAN_FRONTEND=noninteractive
  if $sudo apt-get install -y -qq chromium >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null; }; then
    exit 0
  fi
fi
cat >&2 <<'MSG'
warning: could not install Chromium, which the browser test (make test-browser, part of make test) needs.
  Debian/Ubuntu: sudo apt-get install chromium
  elsewhere: install Chromium or Chrome and set CHROMIUM=/path/to/the/browser
MSG
exit 0
