"""SQL queries per page (and in-process time per request), with Django's test client on
the bench database; no server, no network.

    .venv/bin/python bench/queries_per_page.py [--repeat 20] [--sql PAGE]

``--sql PAGE`` also prints that page's queries (e.g. ``--sql "API register"``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter

import benchlib
from benchlib import case_body, django_setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--sql", action="append", default=[], help="print this page's SQL")
    args = parser.parse_args()

    django_setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from intake.models import Case

    User = get_user_model()

    password = benchlib.PASSWORD

    def session(username: str) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        return client

    clerk, mediator, judge = session("clerk"), session("mediator"), session("judge")
    officer, legal_aid = session("petition"), session("legalaid")
    anonymous = Client(HTTP_HOST="127.0.0.1")
    token = json.loads(
        anonymous.post(
            "/api/v1/auth/token/",
            {"username": "clerk", "password": password},
            content_type="application/json",
        ).content
    )["token"]
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    number = Case.objects.filter(registered_by__username="clerk").latest("registered_at").number
    # A petition the window accepted (seed_demo's): its panel and steps on the case page.
    petition = Case.objects.filter(petition__isnull=False).latest("registered_at").number
    counter = iter(range(10**9))

    def register() -> object:
        i = next(counter)
        body = case_body(i, 5_000_000 + int(time.time()) % 100_000 * 10 + i, reuse=False)
        return api.post("/api/v1/cases/", body, content_type="application/json")

    pages = [
        ("judicial desk (judge)", lambda: judge.get("/judicial/")),
        ("mediation desk (mediator)", lambda: mediator.get("/mediation/")),
        ("intake desk (clerk)", lambda: clerk.get("/intake/")),
        ("case list HTML, 50 rows", lambda: clerk.get("/intake/cases/")),
        ("case page HTML", lambda: clerk.get(f"/intake/cases/{number}/")),
        ("petition desk (officer)", lambda: officer.get("/petitions/")),
        ("legal-aid desk (officer)", lambda: legal_aid.get("/legal-aid/")),
        ("petition case page (officer)", lambda: officer.get(f"/intake/cases/{petition}/")),
        ("API case list, 50 rows", lambda: api.get("/api/v1/cases/?page=1")),
        ("API case detail", lambda: api.get(f"/api/v1/cases/{number}/")),
        ("API register (POST)", register),
        ("healthz", lambda: anonymous.get("/healthz")),
    ]
    print(f"{'page':30} {'status':>6} {'queries':>8} {'median ms':>10} {'min ms':>8}")
    for name, fetch in pages:
        fetch()  # first call: imports, template compilation, caches
        with CaptureQueriesContext(connection) as queries:
            response = fetch()
        # Read them now: the next request resets the connection's query log.
        captured = list(queries.captured_queries)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            fetch()
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{name:30} {response.status_code:>6} {len(captured):>8} "
            f"{statistics.median(times):>10.1f} {min(times):>8.1f}"
        )
        if any(wanted.lower() in name.lower() for wanted in args.sql):
            kinds = Counter(q["sql"].split(" ", 1)[0] for q in captured)
            print(f"    {dict(kinds)}")
            for q in captured:
                print(f"    {q['time']:>6}s  {q['sql'][:200]}")
    print(
        "\n(times are in-process through the test client, one request at a time, so they "
        "include every middleware and the template but no HTTP server)"
    )


if __name__ == "__main__":
    main()
