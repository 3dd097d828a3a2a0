"""Where one kind of request spends its time, in-process through Django's test client on
the bench database, one request at a time (no HTTP server, no concurrency).

    .venv/bin/python bench/profile_request.py PAGE [-n 300] [--top 25]
    PAGE: register | case_list | case_page | desk | empty | api_list | api_detail

First N requests without a profiler: wall time and this process's CPU time per request
(the difference is waiting for PostgreSQL and Redis). Then N more under cProfile: the share
of the time spent inside named parts (they nest: SQL execution happens inside a view and
inside the session middleware), scaled to the unprofiled time, and the hottest functions.
``--pyinstrument`` samples instead (install it outside the project:
``pip install --target /tmp/pyinst pyinstrument`` and run with ``PYTHONPATH=/tmp/pyinst``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import time

import benchlib
from benchlib import case_body, django_setup

# (label, "path/file.py:function" suffixes whose inclusive time is the part's time)
PARTS = [
    ("whole request in Django's handler", ("django/core/handlers/base.py:get_response",)),
    ("the view (incl. its template); the rest is middleware", ("base.py:_get_response",)),
    ("  session load (Redis, else DB)", ("django/contrib/sessions/backends/cached_db.py:load",)),
    (
        "  session save every request (DB UPDATE + Redis SET)",
        ("django/contrib/sessions/middleware.py:process_response",),
    ),
    ("  user from session", ("django/contrib/auth/__init__.py:get_user",)),
    ("  token authentication (API)", ("rest_framework/authentication.py:authenticate",)),
    ("permission checks (has_perm, incl. guardian)", ("django/contrib/auth/models.py:has_perm",)),
    ("staff profile look-ups", ("centre/selectors.py:staff_profile",)),
    ("template rendering (incl. lazy queries)", ("django/template/backends/django.py:render",)),
    ("  nav bar context processor", ("centre/context_processors.py:navigation",)),
    ("DRF serializer .data", ("rest_framework/serializers.py:data",)),
    ("DRF input validation", ("rest_framework/serializers.py:is_valid",)),
    ("case_register service", ("intake/services.py:case_register",)),
    (
        "  parties (one locking look-up with their history, inserts)",
        ("services.py:parties_resolve",),
    ),
    (
        "  rows besides the case, built (parties, timeline, right, receipt)",
        ("services.py:_case_rows",),
    ),
    ("  Model.save() (the case, updated parties)", ("django/db/models/base.py:save",)),
    ("  triage suggestion", ("intake/triage.py:suggest",)),
    ("  the number (the counter's upsert)", ("intake/services.py:_case_number",)),
    ("  bulk_create (offers, new parties, the case's rows)", ("query.py:bulk_create",)),
    ("Celery publish after commit (Redis)", ("celery/app/task.py:apply_async",)),
    ("SM4-GCM encrypt", ("centre/crypto.py:encrypt",)),
    ("SM4-GCM decrypt", ("centre/crypto.py:decrypt",)),
    ("HMAC-SM3 blind index", ("centre/crypto.py:blind_index",)),
    ("audit log writes", ("centre/services.py:audit_record",)),
    ("ORM: SQL compilation", ("django/db/models/sql/compiler.py:as_sql",)),
    (
        "ORM: SQL execution (incl. waiting for PostgreSQL)",
        ("django/db/backends/utils.py:_execute",),
    ),
    ("ORM: model instances from rows", ("django/db/models/base.py:from_db",)),
]


def _watch_number_lock() -> list[float]:
    """Time from taking the case number (the counter row stays locked) to the commit that
    releases it, by wrapping two functions of intake.services in this process only."""
    from intake import services

    held: list[float] = []
    taken: list[float] = []
    take, register = services._case_number, services.case_register

    def take_number(*args, **kwargs):
        taken.append(time.perf_counter())  # the upsert locks the counter row
        return take(*args, **kwargs)

    def case_register(*args, **kwargs):
        case = register(*args, **kwargs)  # returns after its atomic block committed
        held.append((time.perf_counter() - taken.pop()) * 1000)
        return case

    services._case_number, services.case_register = take_number, case_register
    return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "page",
        choices=["register", "case_list", "case_page", "desk", "empty", "api_list", "api_detail"],
    )
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--callers", action="append", default=[], help="who calls FUNC (regex)")
    parser.add_argument("--save", help="also write the cProfile stats to this file")
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--all", action="store_true", help="pyinstrument: show library frames")
    args = parser.parse_args()

    django_setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from intake.models import Case

    def session(username: str) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=username))
        return client

    clerk, mediator = session("clerk"), session("mediator")
    token = json.loads(
        Client(HTTP_HOST="127.0.0.1")
        .post(
            "/api/v1/auth/token/",
            {"username": "clerk", "password": benchlib.PASSWORD},
            content_type="application/json",
        )
        .content
    )["token"]
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    number = Case.objects.filter(registered_by__username="clerk").latest("registered_at").number
    base = 6_000_000 + int(time.time()) % 100_000 * 20

    def register(i: int):
        # One in four applicants comes back (an existing party), as in registrations.py.
        back = i % 4 == 0
        body = case_body(i, i % benchlib.PRELOADED if back else base + i, reuse=back)
        return api.post("/api/v1/cases/", body, content_type="application/json")

    fetch = {
        "register": register,
        "case_list": lambda i: clerk.get("/intake/cases/"),
        "case_page": lambda i: clerk.get(f"/intake/cases/{number}/"),
        "desk": lambda i: clerk.get("/intake/"),
        "empty": lambda i: mediator.get("/mediation/"),
        "api_list": lambda i: api.get("/api/v1/cases/?page=1"),
        "api_detail": lambda i: api.get(f"/api/v1/cases/{number}/"),
    }[args.page]
    for i in range(10):
        response = fetch(args.n * 3 + i)
        assert response.status_code in (200, 201), (response.status_code, response.content[:300])

    held = _watch_number_lock() if args.page == "register" else None
    cpu, start = time.process_time(), time.perf_counter()
    for i in range(args.n):
        fetch(args.n + i)
    wall = (time.perf_counter() - start) / args.n * 1000
    cpu = (time.process_time() - cpu) / args.n * 1000
    print(
        f"{args.page}: {wall:.2f} ms per request unprofiled ({args.n} requests, one at a "
        f"time): {cpu:.2f} ms CPU in Django, {wall - cpu:.2f} ms waiting (PostgreSQL, Redis)"
    )
    if held:
        held.sort()
        median = held[len(held) // 2]
        print(
            f"  case-number counter row locked at most {median:.2f} ms per registration "
            f"(median; p90 {held[int(len(held) * 0.9)]:.2f} ms), measured in Python from "
            "sending the numbering statement (which the COMMIT follows in the same round "
            "trip) to the return of case_register, after-commit kick included: "
            f"registrations are serialised there, so at least ≈{1000 / median:.0f}/s "
            f"could pass it, however many workers"
        )

    if args.pyinstrument:
        from pyinstrument import Profiler

        sampler = Profiler(interval=0.0005)
        with sampler:
            for i in range(args.n):
                fetch(i)
        print(sampler.output_text(unicode=True, color=False, show_all=args.all))
        return

    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(args.n):
        fetch(i)
    profiler.disable()
    if args.save:
        profiler.dump_stats(args.save)
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(
        f"under cProfile: {total / args.n * 1000:.2f} ms per request (profiler overhead included)"
    )
    print("\nshare of the request inside each part (parts nest), ≈ ms of the unprofiled time:")
    for label, needles in PARTS:
        inclusive = sum(
            ct
            for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
            if any(f"{filename}:{name}".endswith(n) for n in needles)
        )
        calls = sum(
            nc
            for (filename, _line, name), (_cc, nc, _tt, _ct, _callers) in stats.stats.items()
            if any(f"{filename}:{name}".endswith(n) for n in needles)
        )
        if inclusive:
            print(
                f"  {inclusive / total:6.1%}  ≈{inclusive / total * wall:6.2f} ms  "
                f"{calls / args.n:5.1f} calls  {label}"
            )
    for pattern in args.callers:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_callers(pattern)
        print(f"\n--- callers of {pattern} ---")
        print(out.getvalue().split("\n", 4)[-1].rstrip())
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
        print(f"\n--- top {args.top} by {order} ---")
        print(out.getvalue().split("\n", 4)[-1].rstrip())


if __name__ == "__main__":
    main()
