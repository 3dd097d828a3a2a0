"""Backup and restore: a consistent pg_dump, the media files and a manifest.

GB/T 22239-2019 8.1.4.9 数据备份恢复 a) asks for a local backup and restore of important
data. A backup directory holds three files:

- ``database.dump``: ``pg_dump --format=custom`` of the configured database, taken in the
  snapshot the manifest's figures come from (``pg_export_snapshot``), so they agree;
- ``media.tar.gz``: every file under ``MEDIA_ROOT`` (attachments, generated documents);
- ``manifest.json``: when, which database, the applied migrations, a row count per model,
  SHA-256 digests of the two files, and SHA-256 fingerprints of the key files. Never a key:
  a backup holds ciphertexts and MACs, and the keys stay offline, apart from it.

A restore goes into an empty database only, after the files match their digests and the key
files present open what the backup holds; it then compares every count and walks the audit
chain (``verify_audit``'s check).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from centre.audit import audit_chain_verify
from centre.crypto import KEY_ID_BYTES, VERSION, KeyFileError, load_key_file, master_key_id
from centre.models import AuditLog
from centre.services import audit_record

FORMAT = 1
DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "manifest.json"
# Models that moved to another app keeping their table: a backup taken before the move
# counts them under their old label (risk 0006 took ExportJob over from centre).
MOVED_MODELS = {"centre.ExportJob": "risk.ExportJob"}


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, in Chinese."""


@dataclass(frozen=True)
class RestoreReport:
    manifest: dict[str, Any]
    audit_checked: int
    media_files: int


# --- Keys ----------------------------------------------------------------------------------


def _fingerprint(path: str | Path, setting: str) -> dict[str, str]:
    try:
        master = load_key_file(Path(path))
    except KeyFileError as exc:
        raise BackupError(
            _("%(setting)s所指的密钥文件%(path)s无法载入：%(reason)s。")
            % {"setting": setting, "path": exc.path, "reason": exc.zh}
        ) from exc
    # A digest of a 32-byte random secret reveals nothing of it, and names it exactly.
    return {"key_id": master_key_id(master).hex(), "sha256": hashlib.sha256(master).hexdigest()}


def key_fingerprints() -> dict[str, list[dict[str, str]]]:
    """The key files settings name, current first: their ids and SHA-256 fingerprints."""
    result = {}
    for kind, current, previous in (
        ("party", "PARTY_KEY_FILE", "PARTY_PREVIOUS_KEY_FILES"),
        ("audit", "AUDIT_KEY_FILE", "AUDIT_PREVIOUS_KEY_FILES"),
    ):
        path = getattr(settings, current, None)
        if not path:
            raise BackupError(_("未配置密钥文件%(setting)s。") % {"setting": current})
        result[kind] = [_fingerprint(path, current)] + [
            _fingerprint(p, previous) for p in getattr(settings, previous, None) or []
        ]
    return result


def _sealed_fields() -> Iterable[tuple[type[models.Model], str]]:
    """Every column holding a centre.crypto token: by convention a BinaryField named *_enc."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.BinaryField) and field.name.endswith("_enc"):
                yield model, field.name


def keys_in_use() -> dict[str, list[str]]:
    """The ids of the keys the stored tokens and audit seals name."""
    party: set[str] = set()
    start = len(VERSION) + 1  # SQL counts from 1
    for model, name in _sealed_fields():
        ids = (
            model.objects.filter(**{f"{name}__isnull": False})
            .annotate(
                sealing_key=Substr(name, start, KEY_ID_BYTES, output_field=models.BinaryField())
            )
            .values_list("sealing_key", flat=True)
            .distinct()
        )
        party.update(bytes(key_id).hex() for key_id in ids)
    audit = AuditLog.objects.exclude(key_id="").values_list("key_id", flat=True).distinct()
    return {"party": sorted(party), "audit": sorted(audit)}


_KEY_SETTINGS = {
    "party": ("PARTY_KEY_FILE", "PARTY_PREVIOUS_KEY_FILES"),
    "audit": ("AUDIT_KEY_FILE", "AUDIT_PREVIOUS_KEY_FILES"),
}


def keys_missing(manifest: dict[str, Any]) -> list[str]:
    """What the key files present lack to open the backup: one sentence per missing key."""
    present = key_fingerprints()
    problems = []
    for kind in ("party", "audit"):
        have = {key["sha256"] for key in present[kind]}
        recorded = manifest["keys"][kind]
        # The key that sealed new data at backup time, and every key some row names.
        needed = [recorded[0]] + [
            k for k in recorded[1:] if k["key_id"] in manifest["keys_in_use"][kind]
        ]
        for key in needed:
            if key["sha256"] not in have:
                current, previous = _KEY_SETTINGS[kind]
                problems.append(
                    _("备份所用的密钥%(key_id)s（指纹%(short)s…）不在%(current)s或%(previous)s中")
                    % {
                        "key_id": key["key_id"],
                        "short": key["sha256"][:16],
                        "current": current,
                        "previous": previous,
                    }
                )
    return problems


# --- Database figures ----------------------------------------------------------------------


def _counted_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in _counted_models()}


def applied_migrations() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        rows = cursor.fetchall()
    result: dict[str, list[str]] = {}
    for app, name in rows:
        result.setdefault(app, []).append(name)
    return result


def _libpq_environment() -> dict[str, str]:
    """pg_dump's and pg_restore's connection, from the configured database, through libpq's
    environment variables: the password never appears on a command line (``ps`` shows those)."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], what: str) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(
            _("找不到%(program)s：请安装PostgreSQL客户端（软件包%(package)s）。")
            % {"program": command[0], "package": "postgresql-client"}
        )
    # The program comes from PATH and the arguments from settings and our own names; no shell.
    result = subprocess.run(  # noqa: S603
        [program, *command[1:]],
        env=_libpq_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(what)s失败（%(program)s退出码%(code)s）：%(error)s")
            % {
                "what": what,
                "program": command[0],
                "code": result.returncode,
                "error": result.stderr.strip() or "-",
            }
        )


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            _(
                "备份与恢复只支持PostgreSQL，当前数据库是%(vendor)s（未设置DATABASE_URL时的"
                "演示用SQLite文件）。请把DATABASE_URL设为PostgreSQL数据库的地址后再运行。"
            )
            % {"vendor": connection.vendor}
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Backup --------------------------------------------------------------------------------


def backup_create(*, directory: Path, operator: str = "") -> dict[str, Any]:
    """Write a backup into ``directory`` (new or empty) and return its manifest."""
    _require_postgresql()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(
            _("备份目录%(path)s已存在且不是空目录：请为每次备份指定一个新目录。")
            % {"path": directory}
        )
    if connection.in_atomic_block:
        raise BackupError(_("备份不能在数据库事务中运行。"))
    keys = key_fingerprints()  # a key file that does not load stops the backup before it starts
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    dump = directory / DUMP_NAME
    with transaction.atomic():
        with connection.cursor() as cursor:
            # pg_dump joins this transaction's snapshot: the dump holds exactly the rows
            # counted here, whatever is written meanwhile.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
        counts = row_counts()
        migrations = applied_migrations()
        in_use = keys_in_use()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={dump}",
            ],
            _("导出数据库"),
        )
    dump.chmod(0o600)
    media_files = _media_archive(directory / MEDIA_NAME)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": connection.settings_dict["NAME"],
        "server_version": server_version,
        "migrations": migrations,
        "counts": counts,
        "media_files": media_files,
        "files": {
            DUMP_NAME: _sha256(dump),
            MEDIA_NAME: _sha256(directory / MEDIA_NAME),
        },
        "keys": keys,
        "keys_in_use": in_use,
    }
    # Written last: a directory without a manifest is an unfinished backup, and restore
    # refuses it.
    path = directory / MANIFEST_NAME
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditLog.Action.EXPORT,
            username=operator or f"manage.py backup ({getpass.getuser()})",
            detail={"backup": str(directory), "created_at": manifest["created_at"]},
        )
    return manifest


def _media_archive(target: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    count += 1
    target.chmod(0o600)
    return count


# --- Restore -------------------------------------------------------------------------------


def backup_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a complete, unaltered backup, or BackupError naming what is wrong."""
    path = directory / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            _("%(path)s中没有%(name)s：不是备份目录，或备份未完成。")
            % {"path": directory, "name": MANIFEST_NAME}
        ) from None
    except (OSError, ValueError) as exc:
        raise BackupError(
            _("无法读取备份清单%(path)s：%(reason)s") % {"path": path, "reason": exc}
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("备份清单的格式%(found)s不是本系统支持的%(format)s。")
            % {"found": manifest.get("format"), "format": FORMAT}
        )
    for name, digest in manifest["files"].items():
        file = directory / name
        if not file.is_file():
            raise BackupError(_("备份文件%(path)s不存在。") % {"path": file})
        if _sha256(file) != digest:
            raise BackupError(
                _("备份文件%(path)s的校验值与清单不符：文件已损坏或被改动。") % {"path": file}
            )
    return manifest


def _tables_present() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%' "
            "ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def backup_restore(*, directory: Path, operator: str = "") -> RestoreReport:
    """Restore a backup into the configured database, which must be empty, and check it."""
    _require_postgresql()
    manifest = backup_manifest(directory)
    missing = keys_missing(manifest)
    if missing:
        raise BackupError(
            _(
                "密钥不符，未恢复：%(problems)s。没有这些密钥，恢复后的个人信息无法解密或审计日志无法校验；"
            )
            % {"problems": "；".join(missing)}
            + _("请把相应的密钥文件（离线备份）配置到上述设置中后再恢复。")
        )
    tables = _tables_present()
    if tables:
        raise BackupError(
            _(
                "数据库%(name)s不是空库（已有%(count)s个表或序列，如%(first)s），未恢复："
                "恢复只写入空数据库，以免备份与现有数据混在一起。请新建一个空数据库并把"
                "DATABASE_URL指向它。"
            )
            % {"name": connection.settings_dict["NAME"], "count": len(tables), "first": tables[0]}
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(
            _("文件目录MEDIA_ROOT=%(path)s不是空目录，未恢复：请指向一个空目录。")
            % {"path": media_root}
        )
    _run(
        [
            "pg_restore",
            "--no-password",
            # Owners and grants are set again by `audit_grants --apply` for this server's
            # roles; the backup's may not exist here.
            "--no-owner",
            "--no-acl",
            # All or nothing: a failure leaves the database empty, never half restored.
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(directory / DUMP_NAME),
        ],
        _("恢复数据库"),
    )
    media_files = _media_extract(directory / MEDIA_NAME, media_root)
    counts = row_counts()
    differ = [
        f"{label}（备份{n}，恢复后{counts.get(MOVED_MODELS.get(label, label))}）"
        for label, n in manifest["counts"].items()
        if counts.get(MOVED_MODELS.get(label, label)) != n
    ]
    if differ:
        raise BackupError(
            _("恢复后的记录数与备份清单不符：%(models)s。") % {"models": "；".join(differ)}
        )
    report = audit_chain_verify()
    if not report.ok:
        raise BackupError(
            _("恢复后的审计日志校验未通过：%(problem)s") % {"problem": report.problem}
        )
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditLog.Action.CHANGE,
            username=operator or f"manage.py restore ({getpass.getuser()})",
            detail={"restored_backup": manifest["created_at"], "from": str(directory)},
        )
    return RestoreReport(manifest=manifest, audit_checked=report.checked, media_files=media_files)


def _media_extract(archive_path: Path, root: Path) -> int:
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.isfile()]
        # The "data" filter refuses absolute paths, "..", links out of the tree and devices.
        archive.extractall(root, members=members, filter="data")
    return len(members)
