"""The clocks scan over a million open clocks (clocks issue: one scan < 2 s, an indexed
range, not a walk over every case).

Builds its own database (``centre_clockbench``) with N open clocks whose due dates spread
over the next 60 days (and a few days past), runs one catch-up scan so that the earlier
reminders and escalations exist (the state of a system that has been running), then moves
"today" on by one day and times:

- the scan with one day's new work (clocks entering the 3-day and 1-day windows, clocks
  becoming overdue) — the heaviest scan of a day, the first after midnight;
- the next scan with nothing new — every other scan of the day (beat runs it every 5 min).

Each is MET under 2 s. On PostgreSQL the scan writes a batch's messages in one statement;
``--python`` times the portable path (the SQLite demo's: messages built in Python) instead.

``--database NAME`` runs on a database already filled by ``seed_demo --cases 10000000
--counties 5`` instead (its millions of stopped clocks stay; the N open clocks are added,
and they and the messages the scans wrote are deleted afterwards; ``PARTY_KEY_FILE`` and
``AUDIT_KEY_FILE`` as it was seeded with).

Run:  .venv/bin/python bench/clock_scan.py [--clocks 1000000] [--python] [--database NAME]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "centre_clockbench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clocks", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print where the day's scan spends its time (cProfile)",
    )
    parser.add_argument(
        "--python",
        action="store_true",
        help="time the portable path (messages built in Python, as on SQLite)",
    )
    parser.add_argument(
        "--layout",
        choices=["interleaved", "started"],
        default="interleaved",
        help="interleaved (default, the worst case): the clocks due on one day are every "
        "65th row, each on a page of its own; started: in the order they started, as a "
        "live system writes them (one rule, so those due on one day are together)",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=None,
        help="connections the scan shares its work over (default: centre.clocks')",
    )
    parser.add_argument(
        "--database",
        help="an existing seeded database to add the open clocks to (kept; cleaned after)",
    )
    args = parser.parse_args()

    if args.database:
        _on_existing(args)
        return

    # The demo data's parties are encrypted: a key of the bench's own, never the dev one.
    key = Path(tempfile.gettempdir()) / "centre-clockbench" / "party.key"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@/{DB}",
        "DEBUG": "1",
        "REDIS_URL": "",
        "DB_POOL": "0",  # no pooled connections left behind: the database is dropped after
        "DJANGO_SETTINGS_MODULE": "centre.settings",
        "PARTY_KEY_FILE": str(key),
    }
    subprocess.run(["dropdb", "-U", "postgres", "--if-exists", DB], check=True)
    subprocess.run(["createdb", "-U", "postgres", DB], check=True)
    python = str(ROOT / ".venv" / "bin" / "python")
    _key(key, env, python)
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    os.environ.update(env)
    _run(args)
    if not args.keep:
        subprocess.run(["dropdb", "-U", "postgres", "--if-exists", DB], check=True)


def _key(key: Path, env: dict, python: str) -> None:
    if not key.exists():
        key.parent.mkdir(mode=0o700, exist_ok=True)
        subprocess.run(
            [python, "manage.py", "generate_party_key", str(key)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )


def _on_existing(args) -> None:
    """The scan on a seeded database: the open clocks added, then removed with what the
    scans wrote, so that the database can serve the next bench."""
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@/{args.database}",
            "DEBUG": "1",
            "REDIS_URL": "",
            "DB_POOL": "0",
            "DJANGO_SETTINGS_MODULE": "centre.settings",
        }
    )
    _run(args, cleanup=True)


def _run(args, *, cleanup: bool = False) -> None:
    from benchlib import verdict, wait_quiet

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from centre import clocks
    from centre.models import Clock, County, DeadlineRule, Notification

    def clocks_scan(*, today):
        if not args.python:
            return clocks.clocks_scan(today=today)
        result = clocks._scan_python(today)
        clocks._warn_missing_calendar(today)
        return result

    if args.connections is not None:
        settings.CLOCK_SCAN_CONNECTIONS = args.connections
    connections = getattr(settings, "CLOCK_SCAN_CONNECTIONS", clocks.SCAN_CONNECTIONS)
    county = County.objects.get(code="330523")
    rule = DeadlineRule.objects.get(code="mediation_people")
    assignee = get_user_model().objects.get(username="mediator")
    today = timezone.localdate()
    existing = Clock.objects.count()
    last_message = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    buffer = io.StringIO()
    for i in range(args.clocks):
        # Interleaved: clock i is due on day i % 65. Started: in start (so due) order.
        day = i % 65 if args.layout == "interleaved" else i * 65 // args.clocks
        due = today + timedelta(days=day - 5)  # 5 days past .. 59 days ahead
        start = due - timedelta(days=30)
        buffer.write(
            f"{county.pk}\t{rule.pk}\t330523-2026-{i:07d}\tbench\t{i}\t"
            f"{assignee.pk}\t{start}\t{due}\tf\t0\t\t0\t\tf\n"
        )
    buffer.seek(0)
    columns = (
        "county_id",
        "rule_id",
        "case_number",
        "subject",
        "subject_id",
        "assignee_id",
        "started_on",
        "due_on",
        "provisional",
        "paused_days",
        "pause_reason",
        "extended_days",
        "extension_reason",
        "unlimited",
    )
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {Clock._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(buffer.read())
        cursor.execute(f"ANALYZE {Clock._meta.db_table}")
    path = "Python (portable)" if args.python else f"{connection.vendor} (set-based SQL)"
    print(
        f"# clocks scan, {args.clocks:,} open clocks "
        f"(built in {time.perf_counter() - started:.0f} s) beside {existing:,} others in "
        f"{connection.settings_dict['NAME']}; {os.cpu_count()} cores; "
        f"path: {path}; batch {settings.CLOCK_SCAN_BATCH}; layout: {args.layout}; "
        f"{'' if args.python else f'{connections} connection(s)'}"
    )
    started = time.perf_counter()
    first = clocks_scan(today=today - timedelta(days=1))
    print(
        f"catch-up scan (the backlog of a system that was never scanned): "
        f"{time.perf_counter() - started:.1f} s, {first}"
    )
    for label, day in (
        ("scan with one day's new work", today),
        ("next scan, nothing new", today),
        ("next scan, nothing new", today),
    ):
        before = Notification.objects.count()
        load = wait_quiet(patience=120)  # other engineers' tests share the 2 cores
        profiler = None
        if args.profile and "new work" in label:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        busy = _busy_ticks()
        started = time.perf_counter()
        result = clocks_scan(today=day)
        elapsed = time.perf_counter() - started
        cores = _cores_busy(busy)
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)
        print(
            f"{label}: {elapsed * 1000:.0f} ms, {result}, "
            f"{Notification.objects.count() - before} messages written; "
            f"{cores:.2f} of {os.cpu_count()} cores busy during the scan"
            + (f"  (NOT QUIET: {load:.2f} cores busy before)" if load > 0.25 else "")
        )
        # Issue 21: < 5 s at ten million cases (--database); the clocks issue: < 2 s.
        limit = 5.0 if cleanup else 2.0
        print("  " + verdict(f"one scan < {limit:.0f} s", elapsed < limit))
    with connection.cursor() as cursor:
        window = [today, today + timedelta(days=1)]
        cursor.execute(
            f"EXPLAIN SELECT id FROM {Clock._meta.db_table} WHERE stopped_at IS NULL AND "  # noqa: S608
            "paused_at IS NULL AND NOT unlimited AND due_on BETWEEN %s AND %s "
            "AND (reminded_offset IS NULL OR reminded_offset > 1)",
            window,
        )
        plan = " / ".join(row[0].strip() for row in cursor.fetchall()[:3])
        print("plan of the reminder range:", plan)
        if connection.vendor == "postgresql":
            sql, params = clocks._reminders_sql(today, 1)
            cursor.execute("EXPLAIN " + sql, params)
            scans = [row[0].strip(" ->") for row in cursor.fetchall() if "Scan" in row[0]]
            print("scans of a reminder batch statement:", " / ".join(scans))
    if cleanup:
        Notification.objects.filter(pk__gt=last_message).delete()
        Clock.objects.filter(subject="bench").delete()
    connection.close()


def _busy_ticks() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]) - fields[3] - fields[4], sum(fields[:8])


def _cores_busy(since: tuple[int, int]) -> float:
    """Cores busy (the scan's PostgreSQL backends and anything else) since ``since``."""
    busy, total = _busy_ticks()
    return (busy - since[0]) / max(1, total - since[1]) * (os.cpu_count() or 1)


if __name__ == "__main__":
    main()
