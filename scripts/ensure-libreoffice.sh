#!/usr/bin/env bash
# Make sure a headless LibreOffice (soffice) with Calc and Writer is on PATH, plus poppler's
# pdftotext/pdftoppm: the tests open our roll-up CMRT the way a customer's spreadsheet would,
# and render the report DOCX to PDF to check its pages as a reader sees them. Installs
# Debian's packages when missing (root).
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 \
  || need+=(libreoffice-calc-nogui)
# Writer is its own package; soffice can be present with Calc only.
if ! ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1; then
  need+=(libreoffice-writer-nogui)
fi
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing ${need[*]}; installing needs root; the LibreOffice tests will skip." >&2
  exit 0
fi
echo "installing ${need[*]} (Debian packages)…" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${need[@]}" >/dev/null
