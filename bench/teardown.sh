#!/usr/bin/env bash
# 删除性能测试数据库 / Drop the benchmark database, its Redis db and files.
set -euo pipefail
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/centre-bench}
dropdb -U postgres --if-exists centre_bench
redis-cli -n 5 flushdb >/dev/null
rm -rf "$BENCH_DIR"
