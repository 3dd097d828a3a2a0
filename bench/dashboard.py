"""The leaders' dashboard at scale: its figures from the rollups beside the best plain SQL
aggregates over the same cases, the page and the API in-process, the minute's refresh,
and the warning scan.

    DATABASE_URL=postgres://postgres@/centre_seedbench DEBUG=1 \\
        .venv/bin/python bench/dashboard.py [--repeat 30] [--rebuild] [--touch 1000]

Run it on a database filled by ``manage.py seed_demo --cases 1000000`` (the demo county
and its accounts are needed: the figures are read as the demo leader ``leader``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The same eight aggregates a dashboard needs, written by hand over intake_case: the
# baseline the rollups must beat (issue: ≥ 5× faster). %(where)s restricts the period.
PLAIN_SQL = {
    "by state": "SELECT state, count(*) FROM intake_case c WHERE %(where)s GROUP BY state",
    "by window": "SELECT window_id, count(*) FROM intake_case c WHERE %(where)s GROUP BY 1",
    "by category": """SELECT coalesce(k.parent_id, k.id), count(*) FROM intake_case c
        JOIN centre_category k ON k.id = c.category_id WHERE %(where)s GROUP BY 1""",
    "by town": """SELECT CASE r.level WHEN 'town' THEN r.id WHEN 'village' THEN r.parent_id
        ELSE p.parent_id END, count(*) FROM intake_case c
        JOIN centre_region r ON r.id = c.region_id LEFT JOIN centre_region p ON p.id = r.parent_id
        WHERE %(where)s GROUP BY 1""",
    "by channel": "SELECT channel, count(*) FROM intake_case c WHERE %(where)s GROUP BY 1",
    "rates": """SELECT count(*) FILTER (WHERE state = 'closed'),
        count(*) FILTER (WHERE state = 'closed' AND outcome IN
            ('resolved','performed','confirmed','litigated','handled')),
        count(*) FILTER (WHERE mediation_started_at IS NOT NULL
            AND (agreed_at IS NOT NULL OR mediation_failed_at IS NOT NULL)),
        count(*) FILTER (WHERE mediation_started_at IS NOT NULL AND agreed_at IS NOT NULL),
        count(*) FILTER (WHERE confirmed_at IS NOT NULL),
        count(*) FILTER (WHERE state = 'closed' AND referred_at IS NULL),
        count(*) FILTER (WHERE state = 'closed' AND NOT EXISTS (SELECT 1 FROM centre_clock k
            WHERE k.case_number = c.number AND (k.overdue_since IS NOT NULL
            OR (k.stopped_at AT TIME ZONE 'Asia/Shanghai')::date > k.due_on))),
        count(*) FILTER (WHERE risk_repeat), count(*) FILTER (WHERE risk_mass)
        FROM intake_case c WHERE %(where)s""",
    "handling days": """SELECT avg(d), percentile_disc(0.9) WITHIN GROUP (ORDER BY d) FROM (
        SELECT (closed_at AT TIME ZONE 'Asia/Shanghai')::date
             - (registered_at AT TIME ZONE 'Asia/Shanghai')::date AS d
        FROM intake_case c WHERE state = 'closed' AND %(where)s) x""",
    "trend": """SELECT date_trunc('month', registered_at AT TIME ZONE 'Asia/Shanghai'), count(*),
        count(*) FILTER (WHERE state = 'closed') FROM intake_case c WHERE %(where)s GROUP BY 1""",
}


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def line(label: str, samples: list[float]) -> str:
    return (
        f"  {label:<44} p50 {statistics.median(samples):8.1f} ms   p95 {p95(samples):8.1f} ms"
        f"   (n={len(samples)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per dashboard view")
    parser.add_argument("--sql-repeat", type=int, default=3, help="timed runs per plain SQL")
    parser.add_argument("--rebuild", action="store_true", help="also time a full rebuild")
    parser.add_argument("--touch", type=int, default=1000, help="cases changed before a refresh")
    parser.add_argument("--no-warnings", action="store_true", help="skip the warning scan")
    parser.add_argument(
        "--users",
        default="leader,city_leader",
        help="whose dashboard: the county's leader and the city's (seed_demo --counties N)",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "centre.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from intake.models import Case
    from risk.dashboard import kpis, rollups
    from risk.models import Rollup

    total = Case.objects.count()
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        (size,) = cursor.fetchone()
    print(
        f"数据库 / database: {connection.settings_dict['NAME']}, {total:,} 件案件 / cases, "
        f"{size / 2**30:.1f} GiB ({size / max(total, 1) / 1024:.1f} KiB a case, everything in it)"
    )
    if args.rebuild or not Rollup.objects.exists():
        result = rollups.rebuild()
        print(f"全量重建 / full rebuild: {result.cases:,} cases in {result.seconds:.1f} s")
    print(f"汇总行 / rollup rows: {Rollup.objects.count():,}")

    oldest = Case.objects.order_by("registered_at").values_list("registered_at", flat=True)[0]
    periods = {
        "year to date (default)": (date(today.year, 1, 1), today),
        "last 30 days": (today - timedelta(days=29), today),
        "everything": (timezone.localtime(oldest).date(), today),
    }
    User = get_user_model()
    for username in args.users.split(","):
        reader = User.objects.filter(username=username).select_related("staff__county").first()
        if reader is None:
            print(f"\n（没有账号{username}，跳过 / no account {username}: skipped）")
            continue
        counties = [county.pk for county in kpis.scope_counties(reader)]
        print(
            f"\n== {username}（{reader.staff.get_scope_display()}）: {len(counties)} county(ies), "
            f"{Case.objects.filter(county__in=counties).count():,} cases =="
        )
        _views(args, reader, counties, periods, today)
        _plain(args, reader, counties, periods)

    print("\n刷新 / the minute's refresh:")
    ids = list(Case.objects.order_by("-id").values_list("id", flat=True)[: args.touch])
    Case.objects.filter(id__in=ids).update(state_changed_at=timezone.now())
    result = rollups.refresh()
    print(f"  refresh after {args.touch} changed cases: {result.seconds * 1000:.0f} ms")
    result = rollups.refresh()
    print(f"  refresh again (same cases, nothing changed): {result.seconds * 1000:.0f} ms")

    if not args.no_warnings:
        print("\n预警扫描 / warning scan:")
        begun = time.perf_counter()
        try:
            call_command("scan_risks", stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(f"  manage.py scan_risks: {time.perf_counter() - begun:.1f} s")
        except Exception as exc:  # a bench reports, it does not stop
            print(f"  scan_risks failed: {exc}")


TARGET_MS = 300  # issue 21: the figures and the rendered page, p95, a county or the city


def verdict(samples: list[float]) -> str:
    return "达标 MET" if p95(samples) < TARGET_MS else "未达标 MISSED"


def _views(args, reader, counties, periods, today) -> None:
    from django.test import Client

    from risk.dashboard import kpis

    town = reader.staff.county.regions.filter(level="town").order_by("code").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)
    print("仪表盘（汇总表）/ dashboard from the rollups, in-process:")
    for name, (start, end) in periods.items():
        params = {"from": start.isoformat(), "to": end.isoformat()}
        filters = kpis.parse_filters(reader, params)
        kpis.overview(filters)  # warm
        samples = timed(lambda f=filters: kpis.overview(f), args.repeat)
        print(line(f"figures, {name}", samples), verdict(samples))
    params = {"from": f"{today.year}-01-01", "to": today.isoformat()}
    town_params = {**params, "region": town.code}
    api = timed(lambda: client.get("/api/v1/stats/overview/", params), args.repeat)
    print(line("API /api/v1/stats/overview/, year to date", api))
    print(
        line(
            "API, year to date, one town",
            timed(lambda: client.get("/api/v1/stats/overview/", town_params), args.repeat),
        )
    )
    assert client.get("/risk/", params).status_code == 200
    page = timed(lambda: client.get("/risk/", params), args.repeat)
    print(line("page /risk/ (rendered), year to date", page), verdict(page))


def _plain(args, reader, counties, periods) -> None:
    from django.db import connection

    from risk.dashboard import kpis

    print("手写SQL聚合（同样的指标，直接扫描案件表）/ the best plain SQL aggregates:")
    for name, (start, end) in periods.items():
        where = (
            f"c.county_id IN ({','.join(map(str, counties))}) AND "
            f"c.registered_at >= '{start.isoformat()}'::date AND "
            f"c.registered_at < '{(end + timedelta(days=1)).isoformat()}'::date"
        )
        runs: list[float] = []
        for _ in range(args.sql_repeat):
            begun = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in PLAIN_SQL.values():
                    cursor.execute(sql % {"where": where})
                    cursor.fetchall()
            runs.append((time.perf_counter() - begun) * 1000)
        filters = kpis.parse_filters(reader, {"from": start.isoformat(), "to": end.isoformat()})
        ours = timed(lambda f=filters: kpis.overview(f), args.repeat)
        print(line(f"8 plain aggregates, {name}", runs))
        print(f"    → rollups are {statistics.median(runs) / statistics.median(ours):.1f}× faster")


if __name__ == "__main__":
    main()
