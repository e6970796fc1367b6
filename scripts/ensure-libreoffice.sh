#!/usr/bin/env bash
# Make sure a headless LibreOffice (soffice) is on PATH, for the test that opens our roll-up
# CMRT the way a customer's spreadsheet would. Installs Debian's package when missing (root).
set -euo pipefail
if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "LibreOffice is missing and installing it needs root; the LibreOffice test will skip." >&2
  exit 0
fi
echo "installing libreoffice-calc-nogui (Debian package)…" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  libreoffice-calc-nogui >/dev/null
