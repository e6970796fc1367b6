#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (pytest-playwright drives it
# through ORETRACE_CHROMIUM, default /usr/bin/chromium; Playwright's own browser download is
# not possible here). Installs the Debian package when missing (root), then prints the version
# so a CI log shows which browser the pinned Playwright drove.
set -euo pipefail
browser="${ORETRACE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$browser" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Chromium is missing and installing it needs root; the browser tests will skip." >&2
    exit 0
  fi
  echo "installing chromium (Debian package)…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-dejavu-core >/dev/null
fi
"$browser" --version 2>/dev/null || true
