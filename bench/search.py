"""Case search at ten million cases (issue 21: by number, ID number and phone p95 < 30 ms, by
a common name p95 < 150 ms, the list's first page without a term p95 < 100 ms).

Runs in-process against a database already holding the cases (default
``centre_seedbench``, made with ``seed_demo --cases 1000000``; ``--build N`` makes it) and
times what the case list does for a search as the clerk (who sees the whole county): the
first page of ``selectors.case_list(user, CaseFilters(q=...))`` through the Paginator, that
is the COUNT, the 50 rows and their parties. The terms are drawn from the data: full and
partial case numbers, full ID numbers and phones (decrypted with the key the database was
seeded with: ``PARTY_KEY_FILE``), common and rare names, a company name's middle, and no
term at all (the list as it opens). Beside each, the baseline measured in the same run: the
SQL of the same first page (its COUNT and its 50 rows, as the ORM wrote them) run bare on a
cursor, without the ORM, the paginator or the parties' prefetch — what the database alone
costs.

Run:  PARTY_KEY_FILE=… .venv/bin/python bench/search.py [--db centre_seedbench] [--n 50]
      [--explain]   (one EXPLAIN ANALYZE per kind of term)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = {"number": 30, "id": 30, "name": 150, "list": 100}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="centre_seedbench")
    parser.add_argument("--n", type=int, default=50, help="searches per kind of term")
    parser.add_argument("--build", type=int, metavar="N", help="first make the database: N cases")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE one per kind")
    args = parser.parse_args()
    if not os.environ.get("PARTY_KEY_FILE"):
        sys.exit("PARTY_KEY_FILE: the key the database was seeded with (ID numbers, phones)")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@/{args.db}",
        "DEBUG": "1",
        "REDIS_URL": "",
        "DB_POOL": "0",
        "DJANGO_SETTINGS_MODULE": "centre.settings",
    }
    if args.build:
        python = str(ROOT / ".venv" / "bin" / "python")
        subprocess.run(["dropdb", "-U", "postgres", "--if-exists", args.db], check=True)
        subprocess.run(["createdb", "-U", "postgres", args.db], check=True)
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [python, "manage.py", "seed_demo", "--cases", str(args.build)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries

    from intake.models import Case
    from intake.selectors import CaseFilters, case_list

    # The list page's own paginator (its count reads keys only, up to a cap).
    from intake.views import CappedPaginator as Paginator

    settings.DEBUG = False  # no query log growing over thousands of searches
    clerk = get_user_model().objects.get(username="clerk")
    terms = _terms(args.n)
    cases = Case.objects.count()
    load = os.getloadavg()[0]
    print(
        f"# case search, {cases:,} cases, {args.n} searches per kind, first page of 50 as the "
        f"clerk (COUNT + rows + parties); load average {load:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"{'kind':<34}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'found':>9}"
        f"{'bare SQL p95':>14}  target"
    )
    for (kind, target), values in terms.items():
        timings, found, bare = [], [], []
        for i, term in enumerate([values[0], *values]):
            bare.append(_bare(connection, case_list(clerk, CaseFilters(q=term))))
            started = time.perf_counter()
            page = Paginator(case_list(clerk, CaseFilters(q=term)), 50).get_page(1)
            rows = list(page.object_list)
            elapsed = (time.perf_counter() - started) * 1000
            if i:  # the first is a warm-up, not counted
                timings.append(elapsed)
                found.append(page.paginator.count)
            assert all(r.case_parties.all() is not None for r in rows)
        reset_queries()
        p50 = statistics.median(timings)
        p95 = (
            statistics.quantiles(timings, n=20, method="inclusive")[-1]
            if len(timings) > 1
            else timings[0]
        )
        verdict = "MET" if p95 < TARGET_MS[target] else "MISSED"
        bare_p95 = statistics.quantiles(bare[1:], n=20, method="inclusive")[-1]
        print(
            f"{kind:<34}{p50:>8.1f}{p95:>8.1f}{max(timings):>8.1f}"
            f"{statistics.median(found):>9.0f}{bare_p95:>14.1f}"
            f"  < {TARGET_MS[target]} ms (p95) {verdict}"
        )
    if args.explain:
        for (kind, _target), values in terms.items():
            qs = case_list(clerk, CaseFilters(q=values[0]))
            print(f"\n## {kind}: {values[0]!r}")
            with connection.cursor() as cursor:
                sql, params = qs[:50].query.sql_with_params()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print("\n".join(row[0] for row in cursor.fetchall()))


def _bare(connection, queryset) -> float:
    """The first page's two statements (the capped COUNT, 50 rows) run bare on a cursor, in
    ms."""
    from intake.views import COUNT_CAP

    keys = queryset.order_by().values("pk")[: COUNT_CAP + 1]
    count_sql, count_params = keys.query.sql_with_params()
    rows_sql, rows_params = queryset[:50].query.sql_with_params()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({count_sql}) page", count_params)  # noqa: S608
        cursor.fetchall()
        cursor.execute(rows_sql, rows_params)
        cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def _terms(n: int) -> dict[tuple[str, str], list[str]]:
    """Search terms of each kind, drawn from the data (seeded: the same terms each run)."""
    from django.db.models import Count
    from django.db.models.functions import Length

    from centre.crypto import get_keyring
    from intake.models import Case, Party

    rng = random.Random(7)
    keyring = get_keyring()
    top = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    numbers = list(
        Case.objects.filter(id__in=[rng.randint(1, top) for _ in range(n * 3)]).values_list(
            "number", flat=True
        )[:n]
    )
    top = Party.objects.order_by("-id").values_list("id", flat=True).first() or 0
    people = list(
        Party.objects.filter(
            id__in=[rng.randint(1, top) for _ in range(n * 3)], kind=Party.Kind.PERSON
        ).values_list("id_number_enc", "phone_enc")[:n]
    )
    names = (
        Party.objects.filter(kind=Party.Kind.PERSON)
        .values("name")
        .annotate(n=Count("id"), length=Length("name"))
        .order_by("-n")
    )
    common2 = [r["name"] for r in names if r["length"] == 2][:n]
    common3 = [r["name"] for r in names if r["length"] == 3][:n]
    rare = [r["name"] for r in names.order_by("n") if r["n"] <= 3][:n]
    companies = list(
        Party.objects.filter(kind=Party.Kind.ORGANISATION).values_list("name", flat=True)[:n]
    )
    return {
        ("full number 330523-2026-000123", "number"): numbers,
        ("year and sequence 2026-000123", "number"): [x.split("-", 1)[1] for x in numbers],
        ("sequence 000123", "number"): [x[-6:] for x in numbers],
        ("full ID number", "id"): [keyring.decrypt(i) for i, _p in people],
        ("mobile phone", "id"): [keyring.decrypt(p) for _i, p in people],
        ("common 2-character name 王伟", "name"): common2,
        ("common 3-character name 张建华", "name"): common3,
        ("rare name (≤ 3 parties)", "name"): rare or common3,
        ("company name's middle 竹木制品", "name"): [c[2:6] for c in companies] or ["竹木制品"],
        ("no term: the list as it opens", "list"): [""] * n,
    }


if __name__ == "__main__":
    main()
