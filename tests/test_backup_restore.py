"""Backup and restore drill (GB/T 22239-2019 8.1.4.9): cases registered through the service,
backed up, restored into a fresh database by another process as an operator would, and found
there whole: the counts, the case numbers, an ID number that decrypts, an audit chain that
verifies, the attached file."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from centre import after_commit
from centre.crypto import generate_key, get_keyring
from intake import services
from intake.models import Attachment, Case, Party
from intake.tests.factories import applicant, case_input, reference_data, resident_id, respondent

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _no_documents(monkeypatch):
    # The receipts are rendered by a task; the drill is about the data, not PDFs.
    monkeypatch.setattr(after_commit, "kick", lambda task: True)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _conninfo(dbname: str) -> dict:
    db = connection.settings_dict
    info = {"dbname": dbname, "user": db["USER"] or None, "password": db["PASSWORD"] or None}
    info |= {"host": db["HOST"] or None, "port": db["PORT"] or None}
    return {k: v for k, v in info.items() if v is not None}


def _url(dbname: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "") + "@"
    host = db["HOST"] + (f":{db['PORT']}" if db["PORT"] else "") if db["HOST"] else ""
    return f"postgres://{auth if db['USER'] else ''}{host}/{dbname}"


@pytest.fixture
def empty_database():
    """A new, empty database next to the test database, dropped afterwards."""
    base = connection.settings_dict["NAME"].removeprefix("test_")
    name = f"{base}_restore_{secrets.token_hex(3)}"
    with psycopg.connect(**_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(**_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """A management command in its own process, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "centre.test_settings", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def registered(make_user, county, media):
    """Three cases from the desk, one with an attachment; the first applicant's ID number."""
    clerk = make_user("clerk")
    ref = reference_data(county)
    id_number = resident_id(serial=731)
    cases = []
    for i, parties in enumerate(
        [
            [applicant(name="张建华", id_number=id_number), respondent(name="李国强")],
            [applicant(name="王秀英"), respondent(name="赵磊")],
            [applicant(name="陈明"), respondent(name="周芳")],
        ]
    ):
        cases.append(
            services.case_register(
                actor=clerk,
                county=ref["county"],
                data=case_input(category=ref["category"], region=ref["village"], parties=parties),
                attachments=[SimpleUploadedFile("协议.pdf", PDF)] if i == 0 else None,
            )
        )
    return cases, id_number


@pytest.mark.slow  # other processes: Django starts, pg_restore runs
def test_a_backup_restored_elsewhere_holds_the_same_cases_and_keys_and_audit(
    registered, empty_database, tmp_path
):
    cases, id_number = registered
    backup = tmp_path / "backup"
    call_command("backup", str(backup))

    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["intake.Case"] == 3
    assert manifest["media_files"] == 1
    assert "0001_initial" in manifest["migrations"]["intake"]
    # Fingerprints of the keys, never the keys.
    text = (backup / "manifest.json").read_text(encoding="utf-8")
    for path in (settings.PARTY_KEY_FILE, settings.AUDIT_KEY_FILE):
        assert Path(path).read_text(encoding="ascii").strip() not in text
    assert len(manifest["keys"]["party"][0]["sha256"]) == 64

    restored_media = tmp_path / "restored-media"
    result = _manage(
        "restore", str(backup), DATABASE_URL=_url(empty_database), MEDIA_ROOT=str(restored_media)
    )
    assert result.returncode == 0, result.stderr
    assert "各表记录数与清单相符" in result.stdout
    assert "审计日志" in result.stdout and "校验通过" in result.stdout

    with psycopg.connect(**_conninfo(empty_database)) as restored:
        numbers = [row[0] for row in restored.execute("SELECT number FROM intake_case ORDER BY 1")]
        assert numbers == sorted(c.number for c in cases)
        assert restored.execute("SELECT count(*) FROM intake_party").fetchone()[0] == (
            Party.objects.count()
        )
        token = restored.execute(
            "SELECT id_number_enc FROM intake_party WHERE name = %s", ["张建华"]
        ).fetchone()[0]
        assert get_keyring().decrypt(token) == id_number
        stored_file = restored.execute("SELECT file FROM intake_attachment").fetchone()[0]
    assert stored_file == Attachment.objects.get().file.name
    assert (restored_media / stored_file).read_bytes() == PDF

    verified = _manage("verify_audit", DATABASE_URL=_url(empty_database))
    assert verified.returncode == 0, verified.stderr
    assert "审计日志完整" in verified.stdout


def test_restore_refuses_a_database_that_is_not_empty(registered, tmp_path, media):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    cases_before = Case.objects.count()
    with pytest.raises(CommandError, match="不是空库"):
        call_command("restore", str(backup))
    assert Case.objects.count() == cases_before


@pytest.mark.slow  # other processes: Django starts, pg_restore runs
def test_restore_refuses_other_keys_and_writes_nothing(registered, empty_database, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    other = tmp_path / "other.key"
    other.write_text(generate_key() + "\n", encoding="ascii")

    result = _manage(
        "restore",
        str(backup),
        DATABASE_URL=_url(empty_database),
        MEDIA_ROOT=str(tmp_path / "m"),
        PARTY_KEY_FILE=str(other),
    )

    assert result.returncode != 0
    assert "密钥不符，未恢复" in result.stderr
    assert get_keyring().current_key_id.hex() in result.stderr  # names the missing key
    assert "PARTY_PREVIOUS_KEY_FILES" in result.stderr
    with psycopg.connect(**_conninfo(empty_database)) as restored:
        tables = restored.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
    assert tables == 0


def test_restore_refuses_an_altered_backup(registered, tmp_path, media):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    with (backup / "database.dump").open("ab") as dump:
        dump.write(b"\0")
    with pytest.raises(CommandError, match="校验值与清单不符"):
        call_command("restore", str(backup))


def test_backup_refuses_a_directory_in_use(registered, tmp_path, media):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup", str(tmp_path / "old"))


@pytest.mark.slow  # other processes: Django starts, pg_restore runs
def test_backup_refuses_sqlite_with_a_clear_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "backup", str(tmp_path / "b")],
        cwd=settings.BASE_DIR,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "centre.settings",
            "DEBUG": "1",
            "VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "备份与恢复只支持PostgreSQL" in result.stderr
    assert not (tmp_path / "b").exists()


@pytest.mark.slow
def test_a_backup_from_before_export_jobs_moved_to_risk_restores(
    registered, empty_database, tmp_path
):
    # Backups taken before risk 0006 counted the ledger's export jobs as centre.ExportJob.
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    path = backup / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["counts"]["centre.ExportJob"] = manifest["counts"].pop("risk.ExportJob")
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")

    result = _manage(
        "restore",
        str(backup),
        DATABASE_URL=_url(empty_database),
        MEDIA_ROOT=str(tmp_path / "restored-media"),
    )
    assert result.returncode == 0, result.stderr
    assert "各表记录数与清单相符" in result.stdout
