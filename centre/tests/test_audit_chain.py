"""The audit log's hash chain: whoever edits the table directly is named by verify_audit."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.urls import reverse

from centre.audit import canonical
from centre.checks import check_audit_key, check_audit_retention
from centre.crypto import generate_key
from centre.models import AuditChainHead, AuditLog, Category
from centre.services import audit_record


def _tamper(sql: str, params: list | None = None) -> None:
    """Run SQL as an intruder holding the database would: as a superuser with triggers off
    (session_replication_role), so the append-only trigger is silent and only the chain
    can tell."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params or [])
        cursor.execute("SET LOCAL session_replication_role = origin")


def _verify() -> str:
    try:
        call_command("verify_audit", stdout=(out := _Out()))
    except CommandError as exc:
        return "FAILED " + str(exc)
    return out.text


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str, *args, **kwargs) -> None:
        self.text += text


@pytest.fixture
def three_entries(rf, clerk, county):
    category = Category.objects.create(code="02", name="邻里纠纷")
    request = rf.get("/", REMOTE_ADDR="2001:db8::0:1", HTTP_USER_AGENT="Chromium 156")
    return [
        audit_record(actor=clerk, action=AuditLog.Action.LOGIN, request=request),
        audit_record(
            actor=clerk,
            action=AuditLog.Action.CHANGE,
            obj=category,
            detail={"字段": ["名称"], "n": 1.5, "z": None},
            request=request,
        ),
        audit_record(actor=clerk, action=AuditLog.Action.LOGOUT, request=request),
    ]


@pytest.mark.django_db
def test_an_untouched_log_is_whole_with_its_count(three_entries):
    out = _verify()
    assert "完整" in out
    assert "共3条" in out


@pytest.mark.django_db
def test_an_entry_reads_back_exactly_as_it_was_sealed(three_entries):
    """The IPv6 address, the time and the JSON detail come back from PostgreSQL in another
    form than they went in; the seal must not depend on that."""
    for entry in three_entries:
        stored = AuditLog.objects.get(pk=entry.pk)
        assert canonical(vars(stored)) == canonical(vars(entry))
    assert AuditChainHead.objects.get().mac == three_entries[-1].mac


@pytest.mark.django_db
def test_a_field_changed_with_sql_is_named(three_entries):
    changed = three_entries[1]
    _tamper("UPDATE centre_auditlog SET object_repr = '无关紧要' WHERE id = %s", [changed.pk])
    out = _verify()
    assert out.startswith("FAILED")
    assert f"第{changed.seq}号记录（ID {changed.pk}" in out
    assert "已被修改" in out
    assert "此前的1条记录校验通过" in out


@pytest.mark.django_db
def test_a_changed_time_is_named_too(three_entries):
    first = three_entries[0]
    _tamper("UPDATE centre_auditlog SET at = at - interval '1 day' WHERE id = %s", [first.pk])
    out = _verify()
    assert f"ID {first.pk}" in out and "已被修改" in out


@pytest.mark.django_db
def test_a_row_inserted_with_sql_is_named(three_entries):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO centre_auditlog (at, actor_username, action, object_type, object_id,"
            " object_repr, case_number, user_agent, detail, key_id, mac)"
            " SELECT at, actor_username, 'auth.login', '', '', '', '', '', '{}', key_id, mac"
            " FROM centre_auditlog WHERE id = %s RETURNING id",
            [three_entries[0].pk],
        )
        inserted = cursor.fetchone()[0]
    out = _verify()
    assert out.startswith("FAILED")
    assert f"ID {inserted}的记录" in out and "是插入的" in out


@pytest.mark.django_db
def test_a_row_inserted_at_the_end_of_the_chain_is_named(three_entries):
    last = three_entries[-1]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO centre_auditlog (at, actor_username, action, object_type, object_id,"
            " object_repr, case_number, user_agent, detail, seq, key_id, mac)"
            " VALUES (now(), 'clerk', 'auth.logout', '', '', '', '', '', '{}', %s, %s, %s)"
            " RETURNING id",
            [last.seq + 1, last.key_id, last.mac],
        )
        inserted = cursor.fetchone()[0]
    out = _verify()
    assert f"第{last.seq + 1}号记录（ID {inserted}" in out and "是插入的" in out


@pytest.mark.django_db
def test_a_row_deleted_with_sql_is_named(three_entries):
    first, gone, after = three_entries
    _tamper("DELETE FROM centre_auditlog WHERE id = %s", [gone.pk])
    out = _verify()
    assert out.startswith("FAILED")
    assert f"第{gone.seq}至{gone.seq}号记录已被删除" in out
    assert f"位于ID {first.pk}与ID {after.pk}之间" in out


@pytest.mark.django_db
def test_the_last_row_deleted_with_sql_is_named(three_entries):
    last = three_entries[-1]
    _tamper("DELETE FROM centre_auditlog WHERE id = %s", [last.pk])
    out = _verify()
    assert f"最后的第{last.seq}至{last.seq}号记录已被删除" in out


@pytest.mark.django_db
def test_the_database_still_refuses_changes_outright(three_entries):
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
        AuditLog.objects.filter(pk=three_entries[0].pk).update(object_repr="x")


@pytest.mark.django_db(transaction=True)
def test_writers_at_once_keep_one_chain(make_user):
    """Eight threads, each its own connection and transaction, append at the same time:
    every entry lands in one unbroken chain (no two sealed onto the same predecessor)."""
    clerk = make_user("clerk", "chain_clerk")
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            for _ in range(5):
                audit_record(actor=clerk, action=AuditLog.Action.LOGIN)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(AuditLog.objects.values_list("seq", flat=True)) == list(range(1, 41))
    assert "共40条" in _verify()


@pytest.fixture
def audit_key_a(tmp_path, settings):
    """A key of the test's own, so that the test knows exactly which keys sealed what."""
    path = tmp_path / "audit_a.key"
    path.write_text(generate_key())
    settings.AUDIT_KEY_FILE = str(path)
    settings.AUDIT_PREVIOUS_KEY_FILES = []
    return path


@pytest.mark.django_db
def test_after_a_rotation_new_entries_use_the_new_key_and_old_ones_still_verify(
    audit_key_a, tmp_path, settings, clerk
):
    before = audit_record(actor=clerk, action=AuditLog.Action.LOGIN)
    new_path = tmp_path / "keys" / "audit_b.key"
    out = _Out()
    call_command("rotate_audit_key", str(new_path), stdout=out)
    assert stat.S_IMODE(new_path.stat().st_mode) == 0o600
    assert "AUDIT_PREVIOUS_KEY_FILES" in out.text
    handover = AuditLog.objects.get(action=AuditLog.Action.AUDIT_KEY_ROTATED)
    assert handover.key_id == before.key_id  # sealed with the outgoing key
    assert handover.detail["to_key"] != before.key_id

    # What the operator does next: the new file current, the old one retired.
    settings.AUDIT_KEY_FILE = str(new_path)
    settings.AUDIT_PREVIOUS_KEY_FILES = [str(audit_key_a)]
    after = audit_record(actor=clerk, action=AuditLog.Action.LOGOUT)
    assert after.key_id == handover.detail["to_key"]
    assert "共3条" in _verify()

    # Without the retired key the old entries cannot be checked, and verify says so.
    settings.AUDIT_PREVIOUS_KEY_FILES = []
    out = _verify()
    assert out.startswith("FAILED")
    assert f"ID {before.pk}" in out and f"由密钥{before.key_id}封存" in out


@pytest.mark.django_db
def test_a_rotation_never_overwrites_a_key_file(audit_key_a):
    with pytest.raises(CommandError, match="已存在"):
        call_command("rotate_audit_key", str(audit_key_a))
    assert not AuditLog.objects.filter(action=AuditLog.Action.AUDIT_KEY_ROTATED).exists()


def test_a_retention_under_180_days_is_refused(settings):
    settings.AUDIT_RETENTION_DAYS = 90
    errors = check_audit_retention()
    assert [e.id for e in errors] == ["centre.E004"]
    assert "至少保存180天" in errors[0].msg
    settings.AUDIT_RETENTION_DAYS = 180
    assert check_audit_retention() == []


def test_a_missing_audit_key_file_is_refused(settings, tmp_path):
    settings.AUDIT_KEY_FILE = str(tmp_path / "nowhere.key")
    assert [e.id for e in check_audit_key()] == ["centre.E003"]


@pytest.fixture
def a_year_of_entries(clerk):
    """Two entries of January and February, one of today (5 December 2026)."""
    entries = []
    for when in (datetime(2026, 1, 10, 2, tzinfo=UTC), datetime(2026, 2, 10, 2, tzinfo=UTC)):
        with time_machine.travel(when, tick=False):
            entries.append(audit_record(actor=clerk, action=AuditLog.Action.LOGIN))
    with time_machine.travel(TODAY, tick=False):
        entries.append(audit_record(actor=clerk, action=AuditLog.Action.LOGOUT))
    return entries


TODAY = datetime(2026, 12, 5, 4, tzinfo=UTC)


@pytest.mark.django_db
def test_a_purge_inside_the_retention_period_is_refused(a_year_of_entries):
    # 180 days before 5 December 2026 is 8 June: entries from that day on are kept.
    with time_machine.travel(TODAY, tick=False), pytest.raises(CommandError) as refused:
        call_command("purge_audit_log", "--before", "2026-06-09")
    assert "只能清理2026年6月7日（含）以前" in str(refused.value)
    assert "至少保存180天" in str(refused.value)
    assert AuditLog.objects.count() == 3


@pytest.mark.django_db
def test_a_purge_of_old_entries_keeps_the_chain_verifiable(a_year_of_entries):
    january, february, _today = a_year_of_entries
    with time_machine.travel(TODAY, tick=False):
        call_command("purge_audit_log", "--before", "2026-02-01", stdout=_Out())
        assert not AuditLog.objects.filter(pk=january.pk).exists()
        assert AuditLog.objects.filter(pk=february.pk).exists()
        purge = AuditLog.objects.get(action=AuditLog.Action.AUDIT_PURGED)
        assert purge.detail == {"before": "2026-02-01", "through_seq": january.seq, "rows": 1}
        # February, today's entry and the purge's own record; the database still refuses
        # a DELETE outside the purge.
        assert "共3条" in _verify()
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditLog.objects.filter(pk=february.pk).delete()


@pytest.mark.django_db
def test_a_broken_chain_is_never_purged(a_year_of_entries):
    january = a_year_of_entries[0]
    _tamper("UPDATE centre_auditlog SET actor_username = 'x' WHERE id = %s", [january.pk])
    with time_machine.travel(TODAY, tick=False), pytest.raises(CommandError, match="已被修改"):
        call_command("purge_audit_log", "--before", "2026-02-01")
    assert AuditLog.objects.filter(pk=january.pk).exists()


@pytest.mark.django_db
def test_the_auditor_finds_the_number_verify_audit_names(client, auditor, three_entries):
    entry = three_entries[1]
    client.force_login(auditor)
    page = client.get(reverse("admin:centre_auditlog_change", args=[entry.pk])).content.decode()
    assert "链序号" in page and f'<div class="readonly">{entry.seq}</div>' in page


@pytest.mark.django_db
def test_entries_from_before_the_chain_are_counted_not_taken_for_insertions(three_entries):
    """Migration 0013 records the last entry written without a MAC; those up to it are old
    entries, not insertions (an unsealed one after it still is: see above)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO centre_auditlog (at, actor_username, action, object_type, object_id,"
            " object_repr, case_number, user_agent, detail, key_id, mac)"
            " VALUES (now(), 'clerk', 'auth.login', '', '', '', '', '', '{}', '', '') RETURNING id"
        )
        old = cursor.fetchone()[0]
    AuditChainHead.objects.filter(pk=1).update(legacy_through_id=old)
    out = _verify()
    assert "共3条" in out and "另有1条记录早于防篡改链" in out
