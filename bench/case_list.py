"""The 50-row case list beside the app's own lightest logged-in page, same gunicorn, same
run, session cookies on both sides.

Target (acceptance): ``GET /intake/cases/`` (clerk, 50 rows) reaches ≥ 40% of the
throughput of ``GET /inbox/`` (a mediator with no messages: the base template and nothing else —
the desks themselves now show queues).

    .venv/bin/python bench/case_list.py [--workers 4] [--clients 16] [--requests 2000]
"""

from __future__ import annotations

import argparse
import re
from concurrent.futures import ThreadPoolExecutor

from benchlib import (
    Gunicorn,
    api_token,
    get,
    header,
    measure,
    merge,
    raw_request,
    report,
    run_load,
    session_login,
    verdict,
    warm_up,
)

ROW = re.compile(rb'<td><a href="/intake/cases/[^"/]+/">')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000, help="per side")
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="alternate the two sides this many times, so that a disturbance hits both",
    )
    parser.add_argument(
        "--attempts", type=int, default=3, help="measure again while other processes interfere"
    )
    parser.add_argument("--no-api", action="store_true", help="skip the API list figure")
    args = parser.parse_args()

    header(
        "case list (50 rows) vs the app's empty logged-in page",
        f"gunicorn --workers {args.workers} (sync), {args.clients} clients",
    )
    app = Gunicorn(
        "centre.wsgi:application", workers=args.workers, name="app", ready_path="/healthz"
    )
    with app:
        # One session per client, as separate people at separate desks would have.
        with ThreadPoolExecutor(args.workers) as pool:
            clerks = list(pool.map(lambda _: session_login(app.port, "clerk"), range(args.clients)))
            mediators = list(
                pool.map(lambda _: session_login(app.port, "mediator"), range(args.clients))
            )
        empty = [raw_request("GET", "/inbox/", headers={"Cookie": c}) for c in mediators]
        cases = [raw_request("GET", "/intake/cases/", headers={"Cookie": c}) for c in clerks]
        empty_page = get(app.port, "/inbox/", {"Cookie": mediators[0]})
        page = get(app.port, "/intake/cases/", {"Cookie": clerks[0]})
        rows = len(ROW.findall(page.body))
        token = api_token(app.port, "clerk")
        api = [
            raw_request("GET", "/api/v1/cases/?page=1", headers={"Authorization": f"Token {token}"})
        ]

        def cycle(requests):
            return lambda i: requests[i % len(requests)]

        for requests in (empty, cases, api):
            warm_up(app, cycle(requests), 20 * args.workers)
        share = args.requests // args.rounds
        rounds: list[tuple] = []
        for _ in range(args.rounds):
            rounds.append(
                (
                    measure(
                        args.attempts,
                        lambda n: run_load(
                            "empty", app, cycle(empty), share, concurrency=args.clients
                        ),
                    ),
                    measure(
                        args.attempts,
                        lambda n: run_load(
                            "list", app, cycle(cases), share, concurrency=args.clients
                        ),
                    ),
                )
            )
        baseline = merge([b for b, _ in rounds])
        result = merge([r for _, r in rounds])
        api_result = None
        if not args.no_api:
            api_result = run_load("api", app, cycle(api), share, concurrency=args.clients)

    report(baseline, f"baseline: GET /inbox/ as mediator (empty page) — {app.describe()}")
    print(f"  page          HTML {len(empty_page.body):,} bytes")
    print()
    report(result, f"case list: GET /intake/cases/ as clerk — {app.describe()}")
    total = re.search(r"共 ([\d,]+) 件", page.body.decode())
    print(
        f"  rows on page  {rows}   (HTML {len(page.body):,} bytes; "
        f"{total.group(1) if total else '?'} cases in the county: the page counts them all)"
    )
    if api_result:
        print()
        report(api_result, "for reference: GET /api/v1/cases/?page=1 (clerk token, 50 rows)")
    ratio = result.throughput / baseline.throughput
    print()
    print(
        "  ratio by round "
        + ", ".join(f"{r.throughput / b.throughput:.1%}" for b, r in rounds)
        + f"   ({args.rounds} rounds of {share} requests per side)"
    )
    print("== summary ==")
    print(
        f"  case list {result.throughput:.1f} req/s (p95 {result.percentile(0.95):.1f} ms); "
        f"empty page {baseline.throughput:.1f} req/s (p95 {baseline.percentile(0.95):.1f} ms); "
        f"ratio {ratio:.1%}"
    )
    print("  " + verdict("≥ 40% of the empty page", ratio >= 0.40 and rows == 50))


if __name__ == "__main__":
    main()
