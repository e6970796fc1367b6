#!/usr/bin/env bash
# Make sure GNU gettext (msgfmt) is installed: `make` compiles the portal's translations
# (src/oretrace/locale/*/LC_MESSAGES/django.po → .mo) with it, and the i18n tests run
# makemessages (xgettext). Installs the Debian package when missing (root), then prints the
# version so a CI log shows which gettext compiled the catalogues.
set -euo pipefail
if ! command -v msgfmt >/dev/null 2>&1 || ! command -v xgettext >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "gettext (msgfmt) is missing and installing it needs root: apt-get install gettext" >&2
    exit 1
  fi
  echo "installing gettext (Debian package)…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext >/dev/null
fi
msgfmt --version | head -n 1
