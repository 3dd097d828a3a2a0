"""Print the number of a Redis database (1–15) that holds no keys, for one CI run's own
use (database 0 is the developers'). REDIS_HOST_URL names the server."""

from __future__ import annotations

import os
import sys

import redis


def main() -> int:
    server = redis.Redis.from_url(os.environ.get("REDIS_HOST_URL", "redis://127.0.0.1:6379/0"))
    for number in range(1, 16):
        server.execute_command("SELECT", number)
        if server.dbsize() == 0:
            print(number)
            return 0
    print("没有空闲的 Redis 数据库 / no empty Redis database (1–15)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
