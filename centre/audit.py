"""The audit log's hash chain: every entry sealed with HMAC-SM3, each seal covering the one
before it.

GB/T 22239-2019 8.1.4.3 安全审计 c) wants audit records protected from unexpected deletion,
change or overwriting. The database already refuses UPDATE and DELETE (migration 0002, and the
grants of ``manage.py audit_grants``), but whoever holds the database itself could still edit
rows. The chain makes such an edit visible: an entry's MAC covers its canonical content and
the previous entry's MAC, so a changed field breaks that entry's MAC, an entry slipped in has
no valid place in the chain, and a deleted one leaves a gap in the sequence numbers. Without
the key nobody can reseal what they changed; the key lives in a file (``AUDIT_KEY_FILE``),
never in settings, the environment or the database.

Appends are serialised by a row lock on the chain head, taken in the writer's own
transaction: two writers can never both seal onto the same predecessor, and an append that
rolls back takes its sequence number with it (no false gap).
"""

from __future__ import annotations

import functools
import ipaddress
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from centre.crypto import (
    KeyFileError,
    derive_key,
    hmac_sm3,
    load_key_file,
    master_key_id,
)
from centre.models import AuditChainHead, AuditLog
from centre.periods import date_text

HEAD_PK = 1
# Migration 0002's trigger, which refuses UPDATE and DELETE on the table.
_TABLE = "centre_auditlog"
_APPEND_ONLY_TRIGGER = "centre_auditlog_append_only"
# The MAC key is derived under its own label: an audit key file mistakenly shared with the
# personal-data key would still give an independent MAC key.
_MAC_INFO = b"centre/audit/hmac-sm3/v1"
# The fields a seal covers, in this order. Adding a field to AuditLog means adding it here in
# a new format version, or the new field is unprotected.
SEALED_FIELDS = (
    "seq",
    "key_id",
    "at",
    "actor_id",
    "actor_username",
    "action",
    "county_id",
    "object_type",
    "object_id",
    "object_repr",
    "case_number",
    "ip_address",
    "user_agent",
    "detail",
)
_FORMAT = "v1"


class AuditKeyring:
    """The key that seals new entries, plus retired keys that only verify old ones."""

    def __init__(self, current: bytes, previous: Sequence[bytes] = ()) -> None:
        self.current_id = master_key_id(current).hex()
        self._keys = {self.current_id: derive_key(current, length=32, info=_MAC_INFO)}
        for master in previous:
            self._keys.setdefault(
                master_key_id(master).hex(), derive_key(master, length=32, info=_MAC_INFO)
            )

    @classmethod
    def from_files(cls, current: Path, previous: Sequence[Path] = ()) -> AuditKeyring:
        return cls(load_key_file(Path(current)), [load_key_file(Path(p)) for p in previous])

    def knows(self, key_id: str) -> bool:
        return key_id in self._keys

    def mac(self, key_id: str, content: bytes, previous_mac: str) -> str:
        # The previous MAC is fixed-length hex, so joining it to the content is unambiguous.
        return hmac_sm3(self._keys[key_id], previous_mac.encode("ascii") + content).hex()

    def __repr__(self) -> str:
        return f"<audit keyring {self.current_id} (+{len(self._keys) - 1} retired)>"


def audit_keyring_from_settings() -> AuditKeyring:
    """The keyring from the files settings name, or ImproperlyConfigured saying why."""
    current = getattr(settings, "AUDIT_KEY_FILE", None)
    if not current:
        raise ImproperlyConfigured(
            "未配置审计日志密钥文件AUDIT_KEY_FILE。请运行 `python manage.py generate_party_key "
            "<路径>` 生成密钥文件，并把该路径写入环境变量AUDIT_KEY_FILE。"
            " / AUDIT_KEY_FILE (the audit log's MAC key file) is not set."
        )
    try:
        master = load_key_file(Path(current))
    except KeyFileError as exc:
        raise ImproperlyConfigured(
            f"审计日志密钥文件AUDIT_KEY_FILE={exc.path}无法载入：{exc.zh}。"
            f" / The audit key file AUDIT_KEY_FILE={exc.path} {exc.en}."
        ) from exc
    previous = []
    for name in getattr(settings, "AUDIT_PREVIOUS_KEY_FILES", None) or []:
        try:
            previous.append(load_key_file(Path(name)))
        except KeyFileError as exc:
            raise ImproperlyConfigured(
                f"AUDIT_PREVIOUS_KEY_FILES中的旧审计密钥文件{exc.path}无法载入：{exc.zh}。"
                "没有它就无法校验该密钥封存的审计日志，请恢复该文件。"
                f" / The retired audit key file {exc.path} {exc.en}."
            ) from exc
    return AuditKeyring(master, previous)


@functools.cache
def get_audit_keyring() -> AuditKeyring:
    """The process-wide audit keyring, read once (a rotation takes effect on restart)."""
    return audit_keyring_from_settings()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting in {"AUDIT_KEY_FILE", "AUDIT_PREVIOUS_KEY_FILES"}:
        get_audit_keyring.cache_clear()


def canonical(values: dict[str, Any]) -> bytes:
    """The sealed content of an entry as bytes that a row read back gives identically.

    Each value is reduced to what the database keeps: the time in UTC to the microsecond, the
    address as PostgreSQL's inet prints it, the JSON detail with sorted keys.
    """
    at = values["at"]
    ip = values["ip_address"]
    record = {name: values[name] for name in SEALED_FIELDS}
    record["at"] = at.astimezone(UTC).isoformat(timespec="microseconds")
    record["ip_address"] = str(ipaddress.ip_address(ip)) if ip else None
    record["format"] = _FORMAT
    return json.dumps(
        record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def _values(entry: AuditLog) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in SEALED_FIELDS}


def _locked_head() -> AuditChainHead:
    try:
        return AuditChainHead.objects.select_for_update().get(pk=HEAD_PK)
    except AuditChainHead.DoesNotExist:
        # Migration 0013 writes the head; only an emptied database (a test flush) lacks it.
        # ON CONFLICT DO NOTHING: two first writers create one head, then both queue on it.
        AuditChainHead.objects.bulk_create([AuditChainHead(pk=HEAD_PK)], ignore_conflicts=True)
        return AuditChainHead.objects.select_for_update().get(pk=HEAD_PK)


def audit_append(entry: AuditLog) -> AuditLog:
    """Seal an unsaved entry onto the end of the chain and insert it, in the caller's
    transaction. Only ``centre.services.audit_record`` calls this."""
    keyring = get_audit_keyring()
    if entry.at is None:
        entry.at = timezone.now()
    # savepoint=False: one failed audit write fails the caller's whole transaction, which is
    # what it must do anyway, and costs no SAVEPOINT round trips on every audited request.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        entry.seq = head.seq + 1
        entry.key_id = keyring.current_id
        entry.mac = keyring.mac(entry.key_id, canonical(_values(entry)), head.mac)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=HEAD_PK).update(seq=entry.seq, mac=entry.mac)
    return entry


# --- Verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """What ``verify_audit`` found: ``problem`` is empty when the chain is whole."""

    checked: int
    legacy: int
    problem: str = ""
    kind: str = ""  # "changed", "inserted", "deleted", "unknown_key"
    entry_id: int | None = None
    seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def _when(at: datetime) -> str:
    local = timezone.localtime(at)
    return f"{date_text(local.date())} {local:%H:%M:%S}"


def _action_words(code: str) -> str:
    try:
        return str(AuditLog.Action(code).label)
    except ValueError:
        return code


def _entry_words(row: dict[str, Any]) -> str:
    return _("第%(seq)s号记录（ID %(id)s，%(at)s，%(user)s，%(action)s）") % {
        "seq": row["seq"],
        "id": row["id"],
        "at": _when(row["at"]),
        "user": row["actor_username"] or "-",
        "action": _action_words(row["action"]),
    }


def audit_chain_verify() -> ChainReport:
    """Walk the whole chain and name the first entry changed, inserted or deleted.

    Runs in one REPEATABLE READ snapshot, so entries appended meanwhile are neither half
    seen nor taken for insertions.
    """
    keyring = audit_keyring_from_settings()  # the files as they are now, not a cached copy
    # Only a transaction's first statement may choose its isolation (PostgreSQL; SQLite's
    # one writer at a time gives the demo a stable read anyway).
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
        if head is None:
            head = AuditChainHead(pk=HEAD_PK)  # never written to: an empty chain
        legacy = AuditLog.objects.filter(seq__isnull=True, id__lte=head.legacy_through_id).count()
        report = _walk(keyring, head, legacy)
        if report.ok:
            stray = (
                AuditLog.objects.filter(seq__isnull=True, id__gt=head.legacy_through_id)
                .order_by("id")
                .values("id", "at", "actor_username", "action")
                .first()
            )
            if stray is not None:
                return ChainReport(
                    checked=report.checked,
                    legacy=legacy,
                    kind="inserted",
                    entry_id=stray["id"],
                    problem=_(
                        "ID %(id)s的记录（%(at)s，%(user)s，%(action)s）是插入的："
                        "它不在校验链中，没有校验码。"
                    )
                    % {
                        "id": stray["id"],
                        "at": _when(stray["at"]),
                        "user": stray["actor_username"] or "-",
                        "action": _action_words(stray["action"]),
                    },
                )
        return report


def _walk(keyring: AuditKeyring, head: AuditChainHead, legacy: int) -> ChainReport:
    fields = ("id", "mac", *SEALED_FIELDS)
    rows = (
        AuditLog.objects.filter(seq__isnull=False)
        .order_by("seq", "id")
        .values(*fields)
        .iterator(chunk_size=2000)
    )
    expected, previous_mac, previous_id, checked = head.base_seq + 1, head.base_mac, None, 0

    def found(kind: str, problem: str, row: dict[str, Any] | None = None) -> ChainReport:
        return ChainReport(
            checked=checked,
            legacy=legacy,
            kind=kind,
            problem=problem,
            entry_id=row["id"] if row else None,
            seq=row["seq"] if row else expected,
        )

    for row in rows:
        if row["seq"] < expected or row["seq"] > head.seq:
            # A second entry claiming a number already verified, or one past the end the
            # head recorded: nobody sealed it there.
            return found(
                "inserted",
                _("%(entry)s是插入的：链中没有它的位置。") % {"entry": _entry_words(row)},
                row,
            )
        if row["seq"] > expected:
            return found(
                "deleted",
                _("第%(first)s至%(last)s号记录已被删除（位于ID %(before)s与ID %(after)s之间）。")
                % {
                    "first": expected,
                    "last": row["seq"] - 1,
                    "before": previous_id or "-",
                    "after": row["id"],
                },
            )
        if not keyring.knows(row["key_id"]):
            return found(
                "unknown_key",
                _(
                    "%(entry)s由密钥%(key)s封存，该密钥不在AUDIT_KEY_FILE或"
                    "AUDIT_PREVIOUS_KEY_FILES中，无法校验。"
                )
                % {"entry": _entry_words(row), "key": row["key_id"] or "-"},
                row,
            )
        if keyring.mac(row["key_id"], canonical(row), previous_mac) != row["mac"]:
            return found(
                "changed",
                _("%(entry)s已被修改：内容与校验码不符。") % {"entry": _entry_words(row)},
                row,
            )
        expected, previous_mac, previous_id = row["seq"] + 1, row["mac"], row["id"]
        checked += 1
    if expected - 1 < head.seq:
        return found(
            "deleted",
            _("最后的第%(first)s至%(last)s号记录已被删除（位于ID %(before)s之后）。")
            % {"first": expected, "last": head.seq, "before": previous_id or "-"},
        )
    if previous_mac != head.mac:
        return found("changed", _("审计日志链头与最后一条记录不符：链头已被修改。"))
    return ChainReport(checked=checked, legacy=legacy)


# --- Purge ---------------------------------------------------------------------------------


class AuditPurgeRefused(Exception):
    """The purge would cut into the retention period or hide a broken chain."""


def audit_oldest_purgeable_day(today: date | None = None) -> date:
    """Entries from this day on are within the retention period and are never purged."""
    today = today or timezone.localdate()
    return today - timedelta(days=settings.AUDIT_RETENTION_DAYS)


def audit_log_purge(*, before: date, operator: str) -> int:
    """Delete the entries written before ``before`` (the county's day), oldest first, and
    carry the chain on from the last one deleted. Returns the number deleted.

    《网络安全法》第二十一条 and GB/T 22239-2019 8.1.4.3 c: entries are kept at least
    AUDIT_RETENTION_DAYS days (the system check keeps that at 180 or more), so a cut-off
    inside that period is refused. A chain that does not verify is never purged either: the
    purge would destroy the evidence. The trigger that refuses DELETE is switched off for
    this one transaction only (ALTER TABLE is transactional), which only the table's owner
    may do — the application's own role cannot (``manage.py audit_grants``).
    """
    limit = audit_oldest_purgeable_day()
    if before > limit:
        raise AuditPurgeRefused(
            _(
                "只能清理%(limit)s（含）以前的审计日志：审计日志至少保存%(days)s天"
                "（《网络安全法》第二十一条）。"
            )
            % {"limit": date_text(limit - timedelta(days=1)), "days": settings.AUDIT_RETENTION_DAYS}
        )
    cutoff = datetime.combine(before, time.min, tzinfo=timezone.get_current_timezone())
    with transaction.atomic():
        head = _locked_head()  # appends wait until the chain's new start is in place
        report = audit_chain_verify()
        if not report.ok:
            raise AuditPurgeRefused(
                _("审计日志校验未通过，不能清理：%(problem)s") % {"problem": report.problem}
            )
        first_kept = (
            AuditLog.objects.filter(seq__isnull=False, at__gte=cutoff)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        through = first_kept - 1 if first_kept is not None else head.seq
        old = AuditLog.objects.filter(
            Q(seq__gt=head.base_seq, seq__lte=through)
            | Q(seq__isnull=True, id__lte=head.legacy_through_id, at__lt=cutoff)
        )
        base_mac = head.base_mac
        if through > head.base_seq:
            base_mac = AuditLog.objects.values_list("mac", flat=True).get(seq=through)
        with connection.cursor() as cursor:
            # Pending deferred foreign-key checks would make ALTER TABLE fail; run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {_TABLE} DISABLE TRIGGER {_APPEND_ONLY_TRIGGER}")
            deleted, _per_model = old.delete()
            cursor.execute(f"ALTER TABLE {_TABLE} ENABLE TRIGGER {_APPEND_ONLY_TRIGGER}")
        AuditChainHead.objects.filter(pk=HEAD_PK).update(
            base_seq=max(through, head.base_seq), base_mac=base_mac
        )
        from centre.services import audit_record

        audit_record(
            actor=None,
            action=AuditLog.Action.AUDIT_PURGED,
            username=operator,
            detail={"before": before.isoformat(), "through_seq": through, "rows": deleted},
        )
    return deleted
