"""The risk warning scan on the bench database (warnings issue: with 1,000,000 cases the
rules finish in under 60 s).

Times ``risk.warnings.services.scan_risks`` twice, each rule separately:

- the first scan: no warnings yet and no keyword bookmark (the keyword rule reads its
  look-back period), every finding written as a new warning and its leaders notified;
- a rescan straight after: what beat does every 15 minutes (findings refresh the open
  warnings, nothing new to write).

Both run in one transaction that is rolled back at the end: the bench database is left as
it was. Load a million cases first, e.g. ``manage.py seed_demo --cases 1000000`` on the
bench database (bench/setup.sh, then the command with bench/setup.sh's environment).

Run:  .venv/bin/python bench/warning_scan.py [--date YYYY-MM-DD] [--database NAME]
      (``--database``: a scratch database instead of the bench's, e.g. after
      ``seed_demo --cases 20000`` into it)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60
TARGET_CASES = 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--date", type=date.fromisoformat, help="scan as of this day")
    parser.add_argument("--database", help="a scratch database instead of centre_bench")
    parser.add_argument(
        "--profile", action="store_true", help="where the first scan spends its time"
    )
    args = parser.parse_args()
    if args.database:
        os.environ.update(
            DATABASE_URL=f"postgres://postgres@/{args.database}", DEBUG="1", REDIS_URL=""
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "centre.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
    else:
        import benchlib

        benchlib.django_setup()
    from django.db import connection, transaction

    from centre.models import Clock
    from intake.models import Case, CaseParty
    from risk.models.warning import Kind
    from risk.warnings.services import scan_risks

    with connection.cursor() as cursor:
        # What autovacuum would have done on a live system: planner statistics.
        for model in (Case, CaseParty, Clock):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    cases = Case.objects.count()
    running = Clock.objects.filter(stopped_at__isnull=True).count()
    print(f"# risk warning scan, {cases:,} cases, {running:,} running clocks")
    labels = dict(Kind.choices)
    totals = []
    with transaction.atomic():
        for label in ("first scan (everything new)", "rescan (beat, nothing new)"):
            profiler = None
            if args.profile and not totals:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            started = time.perf_counter()
            summary = scan_risks(today=args.date)
            elapsed = time.perf_counter() - started
            if profiler is not None:
                import pstats

                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
            totals.append(elapsed)
            print(
                f"{label}: {elapsed:.2f} s — {summary['created']} created, "
                f"{summary['updated']} updated, {summary['notified']} messages"
            )
            for row in summary["rules"]:
                print(
                    f"  {row['county']} {labels[row['kind']]:<16} {row['ms']:>9.1f} ms  "
                    f"findings {row['findings']:>5}  created {row['created']:>5}"
                )
        transaction.set_rollback(True)  # leave the bench database as it was
    worst = max(totals)
    scaled = worst * TARGET_CASES / cases if cases else 0
    verdict = "MET" if worst < TARGET_SECONDS else "MISSED"
    print(
        f"target: < {TARGET_SECONDS} s at {TARGET_CASES:,} cases — slowest scan {worst:.2f} s "
        f"on {cases:,} cases: {verdict}"
        + (
            f" (linear extrapolation to {TARGET_CASES:,}: {scaled:.1f} s; measure it there)"
            if cases < TARGET_CASES
            else ""
        )
    )
    connection.close()


if __name__ == "__main__":
    main()
