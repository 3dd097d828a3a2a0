"""Reads that may lag go to a streaming replica (centre.replica, centre.db_router).

The slow test starts a real primary and a real streaming replica of it (pg_basebackup -R),
in a temporary directory on free ports: the machine's own server at 127.0.0.1:5432 allows no
replication connection (pg_hba.conf has no ``replication`` line), which a test may not edit.
A child pytest then runs tests/replica_check.py against the pair with DATABASE_REPLICA_URL set.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from centre.replica import lag_tolerant, tolerant_alias

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"))
NEEDED = ("initdb", "pg_ctl", "pg_basebackup", "postgres")


@pytest.mark.skipif(bool(os.environ.get("DATABASE_REPLICA_URL")), reason="a replica is set")
@pytest.mark.django_db
def test_without_a_replica_nothing_changes():
    assert "replica" not in settings.DATABASES
    assert not settings.DATABASE_ROUTERS
    assert "centre.replica.ReplicaMiddleware" not in settings.MIDDLEWARE
    with lag_tolerant():
        assert tolerant_alias() == "default"
        assert Group.objects.all().db == "default"


def test_the_setting_adds_the_alias_the_router_and_the_middleware():
    script = (
        "import json, centre.settings as s; print(json.dumps([s.DATABASES['replica']['HOST'],"
        " s.DATABASES['replica']['TEST'], s.DATABASE_ROUTERS,"
        " 'centre.replica.ReplicaMiddleware' in s.MIDDLEWARE]))"
    )
    env = os.environ | {
        "DEBUG": "1",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/centre",
        "DATABASE_REPLICA_URL": "postgres://postgres@10.0.0.2:5432/centre",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [
        "10.0.0.2",
        {"MIRROR": "default"},
        ["centre.db_router.ReplicaRouter"],
        True,
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Cluster:
    """PostgreSQL's server programs, run as the postgres user when the tests run as root
    (the server refuses to run as root)."""

    def __init__(self, base: Path):
        self.base = base
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            entry = pwd.getpwnam("postgres")
            os.chown(base, entry.pw_uid, entry.pw_gid)

    def run(self, *args: str, timeout: float = 120) -> None:
        out = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=timeout, cwd=self.base
        )
        assert out.returncode == 0, f"{args[0]} failed:\n{out.stdout}\n{out.stderr}"

    def start(self, data: Path, port: int) -> None:
        self.run(
            str(BIN / "pg_ctl"),
            "start",
            "-w",
            "-D",
            str(data),
            "-l",
            str(self.base / f"{data.name}.log"),
            "-o",
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.base}",
        )

    def stop(self, data: Path) -> None:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*self.as_user, str(BIN / "pg_ctl"), "stop", "-m", "immediate", "-D", str(data)],
                capture_output=True,
                timeout=60,
            )


@pytest.fixture
def primary_and_replica() -> Iterator[tuple[int, int]]:
    missing = [name for name in NEEDED if not (BIN / name).exists()]
    if missing:
        pytest.skip(f"PostgreSQL server programs missing in {BIN}: {', '.join(missing)}")
    base = Path(tempfile.mkdtemp(prefix="centre-replica-"))
    cluster = _Cluster(base)
    primary, standby = base / "primary", base / "replica"
    primary_port, replica_port = _free_port(), _free_port()
    try:
        # initdb's trust pg_hba.conf allows replication connections from 127.0.0.1.
        cluster.run(
            str(BIN / "initdb"),
            "-D",
            str(primary),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        cluster.start(primary, primary_port)
        cluster.run(
            str(BIN / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary_port),
            "-U",
            "postgres",
            "-D",
            str(standby),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
        cluster.start(standby, replica_port)
        yield primary_port, replica_port
    finally:
        cluster.stop(standby)
        cluster.stop(primary)
        shutil.rmtree(base, ignore_errors=True)


def _wait_streaming(port: int, timeout: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(
                host="127.0.0.1", port=port, user="postgres", dbname="postgres"
            ) as conn:
                row = conn.execute(
                    "SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver)"
                ).fetchone()
                if row == (True, "streaming"):
                    return
        except psycopg.OperationalError:
            pass
        assert time.monotonic() < deadline, "the replica did not start streaming"
        time.sleep(0.2)


@pytest.mark.slow
def test_a_streaming_replica_serves_lag_tolerant_reads(primary_and_replica):
    primary_port, replica_port = primary_and_replica
    _wait_streaming(replica_port)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "DJANGO_SETTINGS_MODULE", "REDIS_URL"))
    }
    env |= {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary_port}/centre",
        "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica_port}/centre",
        # No Redis: the child must not empty the cache databases of this run's workers.
        "REDIS_URL": "",
    }
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--create-db",
            "--nomigrations",
            "tests/replica_check.py",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert child.returncode == 0, child.stdout[-6000:] + child.stderr[-3000:]
    assert "6 passed" in child.stdout
