"""Agreement PDFs (人民调解协议书): render time, throughput through two Celery worker
processes, and the memory of a worker that has rendered 1,000 of them.

Targets (mediation issue): median render < 250 ms (A4, two pages, Noto CJK, with
libharfbuzz-subset0); >= 8 PDFs/s through two worker processes; a worker that rendered
1,000 PDFs stays under 400 MB RSS.

Run after ``bench/setup.sh``:  .venv/bin/python bench/agreement_pdf.py [--renders 30]
[--throughput 160] [--rss 1000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib


def _agreement():
    """A mediated case with an agreement, made once through the real services."""
    from django.contrib.auth import get_user_model

    from intake import workflow
    from intake.models import Case, CaseDocument
    from mediation.models import Agreement, Mediator
    from mediation.tests.factories import agreement_data

    existing = Agreement.objects.select_related("mediation__case").first()
    if existing is not None:
        return existing, existing.mediation.case
    users = get_user_model().objects
    clerk, supervisor = users.get(username="clerk"), users.get(username="supervisor")
    case = (
        Case.objects.filter(state=Case.State.REGISTERED, nature="dispute")
        .order_by("sequence")
        .first()
    )
    chen = Mediator.objects.get(name="陈建国")
    workflow.fire(
        actor=clerk,
        number=case.number,
        name="triage",
        data={"window": "mediation", "note": "bench: to mediation"},
    )
    workflow.fire(
        actor=supervisor,
        number=case.number,
        name="start_mediation",
        data={
            "organisation": chen.organisations.first().pk,
            "mediators": [chen.pk],
            "lead": chen.pk,
        },
    )
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    CaseDocument.objects.filter(case=case).update(status="ready")
    return Agreement.objects.get(mediation__case=case), case


def _pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    for line in info.decode().splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def measure_render(agreement, case, n: int) -> None:
    from intake import documents
    from intake.models import CaseDocument

    document = CaseDocument(
        case=case, kind="agreement", ref_id=agreement.pk, ref_version=agreement.version
    )
    for _ in range(3):
        _name, pdf = documents.render(document)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        _name, pdf = documents.render(document)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    median = statistics.median(times)
    print(
        f"render (in process, warm): n={n} median {median:.0f} ms, "
        f"p95 {times[int(0.95 * (n - 1))]:.0f} ms, min {times[0]:.0f} ms; "
        f"{_pages(pdf)} pages, {len(pdf) / 1024:.0f} KB"
    )
    print(benchlib.verdict("median render < 250 ms", median < 250))


def _start_worker(concurrency: int, pool: str) -> subprocess.Popen:
    env = benchlib.bench_env()
    return subprocess.Popen(
        [
            str(benchlib.VENV_BIN / "celery"),
            "-A",
            "centre",
            "worker",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
            "-n",
            f"pdfbench-{pool}@%h",
        ],
        cwd=benchlib.source_tree(),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_ready(app, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not app.control.ping(destination=[name], timeout=0.5):
        if time.monotonic() > deadline:
            sys.exit(f"worker {name} did not start")


def _run_batch(agreement, case, n: int) -> float:
    """Queue ``n`` agreement renders; seconds until all are ready."""
    from centre import after_commit
    from intake.models import CaseDocument
    from intake.tasks import render_case_document

    docs = CaseDocument.objects.bulk_create(
        CaseDocument(
            case=case, kind="agreement", ref_id=agreement.pk, ref_version=agreement.version
        )
        for _ in range(n)
    )
    ids = [d.pk for d in docs]
    started = time.perf_counter()
    for pk in ids:
        after_commit.send(render_case_document, pk)
    while True:
        done = CaseDocument.objects.filter(pk__in=ids, status__in=["ready", "failed"]).count()
        if done == n:
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    failed = CaseDocument.objects.filter(pk__in=ids, status="failed").count()
    if failed:
        print(f"  WARNING: {failed} renders failed")
    return elapsed


def measure_throughput(app, agreement, case, n: int) -> None:
    worker = _start_worker(2, "prefork")
    try:
        _wait_ready(app, f"pdfbench-prefork@{__import__('socket').gethostname()}")
        _run_batch(agreement, case, 6)  # warm both processes (fonts, templates)
        elapsed = _run_batch(agreement, case, n)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    rate = n / elapsed
    print(
        f"throughput, one worker with 2 processes (prefork -c 2): {n} PDFs in "
        f"{elapsed:.1f} s = {rate:.1f} PDFs/s"
    )
    print(benchlib.verdict(">= 8 PDFs/s through two worker processes", rate >= 8))


def measure_rss(app, agreement, case, n: int) -> None:
    worker = _start_worker(1, "solo")
    try:
        _wait_ready(app, f"pdfbench-solo@{__import__('socket').gethostname()}")
        _run_batch(agreement, case, 3)
        after_warm = benchlib.rss_mb(worker.pid)
        elapsed = _run_batch(agreement, case, n)
        rss = benchlib.rss_mb(worker.pid)
        peak = benchlib.rss_mb(worker.pid, "VmHWM")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(
        f"memory: one worker process (solo) rendered {n} PDFs in {elapsed:.0f} s; "
        f"RSS {after_warm:.0f} MB after warm-up, {rss:.0f} MB after {n} "
        f"(peak {peak:.0f} MB)"
    )
    print(benchlib.verdict(f"worker RSS after {n} PDFs < 400 MB", rss < 400))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--throughput", type=int, default=160)
    parser.add_argument("--rss", type=int, default=1000)
    args = parser.parse_args()
    benchlib.django_setup()
    from centre.celery import app

    load = benchlib.wait_quiet()
    print("# agreement PDFs (人民调解协议书)")
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M:%S')}, {benchlib.CORES} cores; "
        f"{benchlib.source_note()}; background load {load:.2f} cores"
    )
    app.conf.task_always_eager = False
    app.control.purge()  # receipts queued by the registration bench are not ours to time
    agreement, case = _agreement()
    measure_render(agreement, case, args.renders)
    measure_throughput(app, agreement, case, args.throughput)
    measure_rss(app, agreement, case, args.rss)


if __name__ == "__main__":
    main()
