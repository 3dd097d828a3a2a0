#!/usr/bin/env bash
# The compiled catalogues (.mo) are those of the catalogues (.po) in the repository: each
# .po compiled as `manage.py compilemessages` does must give the committed .mo, byte for
# byte. A .po edited without compiling, or a stale .mo, fails here.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while IFS= read -r po; do
  mo="${po%.po}.mo"
  msgfmt --check-format -o "$tmp/compiled.mo" "$po"
  if [ ! -f "$mo" ] || ! cmp -s "$tmp/compiled.mo" "$mo"; then
    echo "翻译未编译 / compiled catalogue out of date: $mo (run: manage.py compilemessages)" >&2
    status=1
  fi
done < <(find locale -name '*.po' | sort)
exit $status
