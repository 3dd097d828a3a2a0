#!/usr/bin/env bash
# 建立性能测试专用数据库并预置案件 / Create the benchmark's own database and preload cases.
# Never touches the dev database: everything goes to centre_bench, Redis db 5 and $BENCH_DIR.
#   bench/setup.sh              measure the working tree as it is
#   bench/setup.sh --snapshot   measure the last commit (HEAD exported to $BENCH_DIR/src),
#                               so edits made while the bench runs do not change it
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/centre-bench}
CASES=${CASES:-2000}
PY=$ROOT/.venv/bin/python

mkdir -p "$BENCH_DIR"
SRC=$ROOT
if [ "${1:-}" = "--snapshot" ]; then
  SRC=$BENCH_DIR/src
  rm -rf "$SRC" && mkdir -p "$SRC"
  git -C "$ROOT" archive HEAD | tar -x -C "$SRC"
  # Built front-end assets are not in git.
  cp -a "$ROOT/static/vendor" "$SRC/static/"
  # The venv's editable install would still import from the working tree any module the
  # snapshot lacks (a new migrations package, say): drop its finder in every process.
  mkdir -p "$BENCH_DIR/site"
  cat >"$BENCH_DIR/site/sitecustomize.py" <<'PY'
import sys

sys.meta_path[:] = [f for f in sys.meta_path if not f.__module__.startswith("__editable__")]
PY
  echo "snapshot of $(git -C "$ROOT" rev-parse --short HEAD) in $SRC"
fi

dropdb -U postgres --if-exists centre_bench
createdb -U postgres centre_bench
redis-cli -n 5 flushdb >/dev/null

cat >"$BENCH_DIR/env" <<ENV
BENCH_SRC=$SRC
BENCH_REV=$(git -C "$ROOT" rev-parse --short HEAD)
PYTHONPATH=$([ "$SRC" != "$ROOT" ] && echo "$BENCH_DIR/site")
DATABASE_URL=postgres://postgres@/centre_bench
REDIS_URL=redis://127.0.0.1:6379/5
DEBUG=0
SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
ALLOWED_HOSTS=127.0.0.1,localhost
SECURE_SSL_REDIRECT=0
SESSION_COOKIE_SECURE=0
CSRF_COOKIE_SECURE=0
PARTY_KEY_FILE=$BENCH_DIR/party.key
AUDIT_KEY_FILE=$BENCH_DIR/audit.key
DEMO_PASSWORD=demo12345
VAR_DIR=$BENCH_DIR/var
PUBLIC_BASE_URL=https://bench.invalid
# One clerk's token registers thousands of cases a minute here: the throttles still count
# every request (their cost is measured), at rates no bench reaches.
API_RATE_USER=100000000/minute
API_RATE_TOKEN=100000000/minute
# The bench's clerk gets its token with a password (two-factor login is tested on its own).
OTP_REQUIRED=0
ENV
chmod 600 "$BENCH_DIR/env"
set -a
. "$BENCH_DIR/env"
set +a

cd "$SRC"
rm -f "$BENCH_DIR/party.key"
$PY manage.py generate_party_key "$BENCH_DIR/party.key" >/dev/null
rm -f "$BENCH_DIR/audit.key"
$PY manage.py generate_party_key "$BENCH_DIR/audit.key" >/dev/null
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py seed_demo --force >/dev/null
$PY "$ROOT/bench/preload.py" "$CASES"
# What autovacuum would have done by now on a live system: planner statistics for the
# preloaded rows (without them the case list query sorts the whole table: 10 ms, not 0.5).
psql -q -U postgres centre_bench -c "VACUUM ANALYZE"
# Registering queues a receipt task per case; no worker runs during the bench.
redis-cli -n 5 flushdb >/dev/null
# registrations.py also measures hello world with wrk (a C client), when it is there.
command -v wrk >/dev/null || echo "optional: apt-get install wrk (hello world through a C load client)"
echo "ready: $BENCH_DIR/env"
