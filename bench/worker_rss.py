"""Memory of each gunicorn worker over 10,000 mixed requests (pages, API reads, case
registrations, health checks, a static file), read from /proc/<pid>/status (VmRSS).

Target (acceptance): each web worker stays under 150 MB RSS after 10,000 requests.
gunicorn's access log (pid per line) says how many requests each worker served; with
``--workers 1`` one worker serves all of them.

    .venv/bin/python bench/worker_rss.py [--workers 4] [--requests 10000] [--clients 16]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from benchlib import (
    BENCH_DIR,
    PRELOADED,
    Gunicorn,
    api_token,
    case_body,
    get,
    header,
    merge,
    pss_mb,
    raw_request,
    report,
    rss_mb,
    run_load,
    session_login,
    verdict,
)

LIMIT_MB = 150


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=5, help="RSS readings along the way")
    args = parser.parse_args()

    header(
        f"worker RSS over {args.requests:,} mixed requests",
        f"gunicorn --workers {args.workers} (sync), {args.clients} clients",
    )
    access_log = BENCH_DIR / "access-rss.log"
    access_log.unlink(missing_ok=True)
    app = Gunicorn(
        "centre.wsgi:application",
        workers=args.workers,
        name="rss",
        ready_path="/healthz",
        extra=["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s"],
    )
    with app:
        booted = {pid: rss_mb(pid) for pid in app.worker_pids()}
        with ThreadPoolExecutor(4) as pool:
            clerks = list(pool.map(lambda _: session_login(app.port, "clerk"), range(4)))
            mediators = list(pool.map(lambda _: session_login(app.port, "mediator"), range(2)))
            judges = list(pool.map(lambda _: session_login(app.port, "judge"), range(2)))
        token = api_token(app.port, "clerk")
        api = {"Authorization": f"Token {token}"}
        numbers = []
        for page in range(1, 5):
            listing = json.loads(get(app.port, f"/api/v1/cases/?page={page}", api).body)
            numbers += [row["number"] for row in listing["results"]]
        desk = get(app.port, "/intake/", {"Cookie": clerks[0]}).body
        static = re.search(rb'href="(/static/[^"]+\.css)"', desk).group(1).decode()

        rng = random.Random(7)
        first_new = 8_000_000 + (int(time.time()) % 1_000) * 1_000

        def register(i: int) -> bytes:
            back = rng.random() < 0.25
            applicant = rng.randrange(PRELOADED) if back else first_new + i
            body = json.dumps(case_body(i, applicant, reuse=back), ensure_ascii=False).encode()
            return raw_request(
                "POST",
                "/api/v1/cases/",
                headers={**api, "Content-Type": "application/json"},
                body=body,
            )

        def page(path: str, cookies: list[str]):
            return lambda i: raw_request("GET", path, headers={"Cookie": rng.choice(cookies)})

        mix = [
            (20, page("/intake/cases/", clerks)),
            (5, lambda i: page(f"/intake/cases/?page={rng.randint(2, 40)}", clerks)(i)),
            (15, lambda i: page(f"/intake/cases/{rng.choice(numbers)}/", clerks)(i)),
            (8, page("/intake/", clerks)),
            (4, page("/mediation/", mediators)),
            (3, page("/judicial/", judges)),
            (
                10,
                lambda i: raw_request(
                    "GET", f"/api/v1/cases/?page={rng.randint(1, 40)}", headers=api
                ),
            ),
            (
                15,
                lambda i: raw_request("GET", f"/api/v1/cases/{rng.choice(numbers)}/", headers=api),
            ),
            (12, register),
            (4, lambda i: raw_request("GET", "/healthz")),
            (4, lambda i: raw_request("GET", static)),
        ]
        weights = [w for w, _ in mix]
        kinds = rng.choices(range(len(mix)), weights=weights, k=args.requests)
        requests = [mix[k][1](i) for i, k in enumerate(kinds)]

        readings = []
        step = -(-args.requests // args.steps)
        results = []
        for start in range(0, args.requests, step):
            chunk = requests[start : start + step]
            results.append(
                run_load(
                    "mix",
                    app,
                    chunk,
                    len(chunk),
                    concurrency=args.clients,
                    ok=lambda s: s < 400,
                )
            )
            readings.append((start + len(chunk), {pid: rss_mb(pid) for pid in app.worker_pids()}))
        pids = app.worker_pids()
        parts = {pid: (rss_mb(pid, "RssAnon"), rss_mb(pid, "RssFile"), pss_mb(pid)) for pid in pids}
    served = Counter(line.split()[0] for line in access_log.read_text().splitlines())

    total = merge(results)
    report(total, f"mixed requests — {app.describe()}")
    print(
        "  mix (weights) case list 20, later list pages 5, case page 15, intake desk 8, "
        "mediation desk 4, judicial desk 3, API list 10, API detail 15, API register 12, "
        "healthz 4, static CSS 4"
    )
    print()
    print("== RSS per worker (MB, VmRSS) ==")
    print(f"  {'after':>14}  " + "  ".join(f"pid {pid:>7}" for pid in pids))
    print(f"  {'boot':>14}  " + "  ".join(f"{booted.get(pid, 0):11.1f}" for pid in pids))
    for count, rss in readings:
        print(
            f"  {f'{count:,} requests':>14}  "
            + "  ".join(f"{rss.get(pid, 0):11.1f}" for pid in pids)
        )
    print(
        f"  {'served':>14}  "
        + "  ".join(f"{served.get(f'<{pid}>', served.get(str(pid), 0)):11d}" for pid in pids)
    )
    for i, label in enumerate(("of which anon", "file-backed", "PSS")):
        print(f"  {label:>14}  " + "  ".join(f"{parts[pid][i]:11.1f}" for pid in pids))
    final = readings[-1][1]
    print()
    print("== summary ==")
    print(
        f"  largest worker {max(final.values()):.1f} MB after {args.requests:,} requests "
        f"({args.workers} workers); growth over the last half "
        f"{max(final[p] - readings[len(readings) // 2 - 1][1].get(p, 0) for p in final):+.1f} MB"
    )
    print("  " + verdict(f"every worker < {LIMIT_MB} MB", max(final.values()) < LIMIT_MB))


if __name__ == "__main__":
    main()
