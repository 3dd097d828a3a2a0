"""Print the number N of a Redis database such that N to N+4 hold no keys, for one CI
run's own use: N for the run itself, then each of its two test workers' broker and cache
(centre/test_settings.py). Database 0 is the developers'. REDIS_HOST_URL names the server."""

from __future__ import annotations

import os
import sys

import redis

BLOCK = 5  # the run's own database, and a broker and a cache for each of two workers


def main() -> int:
    server = redis.Redis.from_url(os.environ.get("REDIS_HOST_URL", "redis://127.0.0.1:6379/0"))
    sizes = []
    for number in range(16):
        server.execute_command("SELECT", number)
        sizes.append(server.dbsize())
    for number in range(1, 16 - BLOCK + 1):
        if not any(sizes[number : number + BLOCK]):
            print(number)
            return 0
    print(
        "没有空闲的 Redis 数据库 / no five consecutive empty Redis databases (1–15)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
