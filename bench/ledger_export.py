"""Ledger (台账) exports: rows per second and the peak memory of the process that writes them.

Each size runs in a fresh child process (so its peak RSS, VmHWM, is that export's alone),
as the supervisor (who sees the whole county), through the code the Celery task runs:
the case list's queryset read in keyset chunks of 2,000, related rows loaded per chunk,
openpyxl in write-only mode to a temporary file. The last figure is the task itself
(``risk.build_ledger``: count, progress updates, the file stored under MEDIA_ROOT).

Target (ledger issue): memory bounded whatever the size — the peak for 100,000 rows no more
than ~50 MB above the peak for 10,000.

Run after ``bench/setup.sh``, or against any database with DATABASE_URL (plus
PARTY_KEY_FILE, MEDIA_ROOT, DEBUG=1) in the environment, e.g. a scratch database seeded
with ``seed_demo --cases 20000``:

    .venv/bin/python bench/ledger_export.py [--sizes 10000,100000] [--cycle]

A size larger than the database is skipped, unless ``--cycle`` reads the cases again from
the start until the size is reached (same work per row; shows that memory stays flat).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib

USERNAME = "supervisor"


def _setup() -> None:
    if os.environ.get("DATABASE_URL"):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "centre.settings")
        sys.path.insert(0, str(benchlib.ROOT))
        import django

        django.setup()
    else:
        benchlib.django_setup()


def child(size: int, cycle: bool, task: bool) -> None:
    """One export in this process; prints its figures as JSON."""
    _setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.utils import timezone

    from risk.ledger import export as ledger

    user = get_user_model().objects.select_related("staff__county").get(username=USERNAME)
    # Warm up: imports, translations, styles (a few rows, not counted).
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        qs = ledger.ledger_cases(user, ledger.filters_from_params({}))
        ledger.write_ledger(out.name, title="warm-up", chunks=[list(qs[:50])])
    baseline = benchlib.rss_mb(os.getpid())
    available = ledger.ledger_cases(user, ledger.filters_from_params({})).count()
    connection.force_debug_cursor = True
    reset_queries()
    started = time.perf_counter()
    if task:
        from risk.ledger.tasks import build_ledger
        from risk.models import ExportJob

        job = ExportJob.objects.create(
            kind=ExportJob.Kind.LEDGER, requested_by=user, county=user.staff.county, params={}
        )
        build_ledger(job.pk)
        job.refresh_from_db()
        rows, size_kb = job.done, job.file.size / 1024
        assert job.status == ExportJob.Status.DONE, job.error
        job.file.delete(save=False)
        job.delete()
    else:

        def chunks():
            left = size
            while left > 0:
                qs = ledger.ledger_cases(user, ledger.filters_from_params({}))
                for chunk in ledger.case_chunks(qs, ledger.CHUNK_SIZE):
                    yield chunk[:left]
                    left -= len(chunk[:left])
                    if left <= 0:
                        return
                if not cycle:
                    return

        with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
            rows = ledger.write_ledger(
                out.name, title="bench", chunks=chunks(), today=timezone.localdate()
            )
            size_kb = Path(out.name).stat().st_size / 1024
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rows": rows,
                "available": available,
                "seconds": elapsed,
                "baseline_mb": baseline,
                "peak_mb": benchlib.rss_mb(os.getpid(), "VmHWM"),
                "queries": len(connection.queries),
                "file_kb": size_kb,
            }
        )
    )


def run(size: int, *, cycle: bool = False, task: bool = False) -> dict:
    args = [sys.executable, __file__, "--child", str(size)]
    args += ["--cycle"] if cycle else []
    args += ["--task"] if task else []
    done = subprocess.run(args, capture_output=True, text=True, cwd=benchlib.ROOT)
    if done.returncode != 0:
        sys.exit(f"export of {size} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def show(label: str, r: dict) -> None:
    print(
        f"{label:<28} {r['rows']:>7,} rows in {r['seconds']:6.1f} s = "
        f"{r['rows'] / r['seconds']:>6,.0f} rows/s; peak RSS {r['peak_mb']:.0f} MB "
        f"(baseline {r['baseline_mb']:.0f} MB, +{r['peak_mb'] - r['baseline_mb']:.0f}); "
        f"{r['queries']} queries; file {r['file_kb'] / 1024:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--cycle", action="store_true")
    parser.add_argument("--child", type=int)
    parser.add_argument("--task", action="store_true")
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.cycle, args.task)
        return
    load = benchlib.wait_quiet(patience=90)
    print("# ledger (台账) export: rows/s and peak memory of the writing process")
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M:%S')}, {benchlib.CORES} cores; "
        f"database {os.environ.get('DATABASE_URL') or 'centre_bench'}; "
        f"background load {load:.2f} cores"
    )
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size, cycle=args.cycle)
        if r["rows"] < size:
            print(f"{size:,} rows: skipped, the database has {r['available']:,} cases (--cycle)")
            continue
        results[size] = r
        label = f"{size:,} rows" + (" (cycled)" if r["available"] < size else "")
        show(label, r)
    job = run(0, task=True)
    show("task risk.build_ledger, all", job)
    if len(results) >= 2:
        small, large = results[min(results)], results[max(results)]
        growth = large["peak_mb"] - small["peak_mb"]
        print(f"peak for {max(results):,} rows is {growth:+.0f} MB against {min(results):,} rows")
        print(benchlib.verdict("memory bounded (+50 MB at most)", growth <= 50))


if __name__ == "__main__":
    main()
