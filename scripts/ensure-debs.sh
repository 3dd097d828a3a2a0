#!/usr/bin/env bash
# The Debian packages the centre needs: CJK fonts for PDFs, HarfBuzz's subsetter (WeasyPrint
# is 9-30x slower without it), Chromium for the browser tests, poppler-utils for PDF checks,
# Caddy to test the reverse proxy's configuration (deploy/Caddyfile) in front of the app.
# As root, missing ones are installed; otherwise the script says which to install.
set -euo pipefail
PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 chromium poppler-utils caddy)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "安装缺少的系统软件包 / installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "缺少系统软件包，请以 root 安装 / missing Debian packages, install them as root:" >&2
  echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
