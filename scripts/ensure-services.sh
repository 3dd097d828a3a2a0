#!/usr/bin/env bash
# PostgreSQL and Redis for the test suite: started if they are down and can be started here.
set -euo pipefail
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}

if ! pg_isready -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "启动 PostgreSQL / starting PostgreSQL"
    for version in /etc/postgresql/*; do
      pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
    done
    for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
  fi
  pg_isready -q || { echo "PostgreSQL 未运行且无法启动 / PostgreSQL is not running" >&2; exit 1; }
fi

if ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    echo "启动 Redis / starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1 || { echo "Redis 未运行且无法启动 / Redis is not running" >&2; exit 1; }
fi
