"""Print the number N of a Redis database such that N, N+1 and N+2 hold no keys, for one
CI run's own use: N for its cache, N+1 and N+2 for its two test workers' brokers
(centre/test_settings.py). Database 0 is the developers'. REDIS_HOST_URL names the server."""

from __future__ import annotations

import os
import sys

import redis


def main() -> int:
    server = redis.Redis.from_url(os.environ.get("REDIS_HOST_URL", "redis://127.0.0.1:6379/0"))
    sizes = []
    for number in range(16):
        server.execute_command("SELECT", number)
        sizes.append(server.dbsize())
    for number in range(1, 14):
        if not any(sizes[number : number + 3]):
            print(number)
            return 0
    print("没有空闲的 Redis 数据库 / no three empty Redis databases (1–15)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
