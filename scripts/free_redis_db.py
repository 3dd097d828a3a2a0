"""Print the number N of a Redis database such that N to N+4 hold no keys (else the least
used such block), for one CI run's own use: N for the run itself, then each of its two
test workers' broker and cache (centre/test_settings.py). Database 0 is the developers'.
REDIS_HOST_URL names the server."""

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
    blocks = range(1, 16 - BLOCK + 1)
    for number in blocks:
        if not any(sizes[number : number + BLOCK]):
            print(number)
            return 0
    # None wholly empty (a developer's test runs leave a few keys behind: a reference-cache
    # generation, a broker's bindings): the least used block, said so. Each test empties
    # its cache database first and each worker fixture purges its broker, so the run works.
    number = min(blocks, key=lambda n: sum(sizes[n : n + BLOCK]))
    print(
        f"没有{BLOCK}个连续的空Redis数据库，使用键最少的{number}–{number + BLOCK - 1}"
        f" / no {BLOCK} consecutive empty Redis databases: using the least used,"
        f" {number}-{number + BLOCK - 1}",
        file=sys.stderr,
    )
    print(number)
    return 0


if __name__ == "__main__":
    sys.exit(main())
