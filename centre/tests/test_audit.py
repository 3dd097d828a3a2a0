"""The audit log records who, what, which object, when and from where."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from centre.models import AuditLog, Category
from centre.net import client_ip
from centre.services import audit_record


def test_client_ip_ignores_forwarded_for_unless_a_proxy_is_trusted(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.5"  # a client can write anything in that header


def test_client_ip_takes_the_address_the_trusted_proxy_saw(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; our proxy appended the real one.
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 172.16.3.9")
    assert client_ip(request) == "172.16.3.9"


@pytest.mark.django_db
def test_audit_record_keeps_who_what_where(rf, clerk, county):
    request = rf.get("/", REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="Chromium 156")
    entry = audit_record(
        actor=clerk,
        action=AuditLog.Action.VIEW_PERSONAL_DATA,
        request=request,
        obj=county,
        case_number="330523-2026-000001",
        detail={"field": "id_number"},
    )
    entry.refresh_from_db()
    assert entry.actor == clerk
    assert entry.actor_username == "clerk"
    assert entry.county == county  # taken from the actor's staff profile
    assert entry.object_type == "centre.county"
    assert entry.object_id == str(county.pk)
    assert entry.case_number == "330523-2026-000001"
    assert entry.ip_address == "10.9.8.7"
    assert entry.user_agent == "Chromium 156"
    assert entry.detail == {"field": "id_number"}
    assert entry.at is not None


@pytest.fixture
def night_entry(clerk):
    """A change written at 01:30 UTC, which is 09:30 in the county (Asia/Shanghai)."""
    category = Category.objects.create(code="02", name="邻里纠纷")
    with time_machine.travel(datetime(2026, 3, 5, 1, 30, tzinfo=UTC), tick=False):
        return audit_record(actor=clerk, action=AuditLog.Action.CHANGE, obj=category)


@pytest.mark.django_db
def test_auditor_reads_names_object_kinds_and_local_time(client, auditor, clerk, night_entry):
    clerk.first_name = "王小梅"
    clerk.save()
    client.force_login(auditor)
    listing = client.get(reverse("admin:centre_auditlog_changelist")).content.decode()
    detail = client.get(
        reverse("admin:centre_auditlog_change", args=[night_entry.pk])
    ).content.decode()
    for page in (listing, detail):
        assert "王小梅（clerk）" in page
        assert "纠纷类别" in page  # the object's kind in words
        assert "centre.category" not in page
        assert "2026年3月5日 09:30" in page
        assert "01:30" not in page


@pytest.mark.django_db
def test_auditor_exports_the_log_as_the_page_shows_it(client, auditor, clerk, night_entry):
    clerk.first_name = "王小梅"
    clerk.save()
    client.force_login(auditor)
    response = client.post(
        reverse("admin:centre_auditlog_changelist"),
        {"action": "export_csv", "_selected_action": [night_entry.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["时间", "操作人", "操作"]
    assert rows[1][:5] == [
        "2026-03-05 09:30:00",
        "王小梅（clerk）",
        "修改",
        night_entry.county.name,
        "纠纷类别",
    ]
    # The export is itself on the record, under the auditor's name.
    assert AuditLog.objects.filter(actor=auditor, action=AuditLog.Action.EXPORT).exists()


@pytest.mark.django_db
def test_a_failed_login_shows_the_name_that_was_typed(client, auditor):
    audit_record(actor=None, action=AuditLog.Action.LOGIN_FAILED, username="nobody")
    client.force_login(auditor)
    listing = client.get(reverse("admin:centre_auditlog_changelist")).content.decode()
    assert "nobody" in listing


@pytest.fixture
def period_entries(clerk, night_entry):
    """Around the county's 5 March (Asia/Shanghai): one just before its midnight, one just
    after, and the 09:30 change of ``night_entry``; an address on the last."""
    with time_machine.travel(datetime(2026, 3, 4, 15, 59, tzinfo=UTC), tick=False):
        before = audit_record(actor=clerk, action=AuditLog.Action.LOGIN)  # 3月4日 23:59
    with time_machine.travel(datetime(2026, 3, 4, 16, 1, tzinfo=UTC), tick=False):
        after = audit_record(actor=clerk, action=AuditLog.Action.LOGOUT)  # 3月5日 00:01
    return before, after


@pytest.mark.django_db
def test_auditor_exports_a_period_as_excel_in_local_time(
    client, auditor, clerk, night_entry, period_entries
):
    clerk.first_name = "王小梅"
    clerk.save()
    client.force_login(auditor)
    listing = client.get(reverse("admin:centre_auditlog_changelist")).content.decode()
    assert reverse("admin:centre_auditlog_export") in listing
    assert client.get(reverse("admin:centre_auditlog_export")).status_code == 200

    response = client.post(
        reverse("admin:centre_auditlog_export"),
        {"start": "2026-03-05", "end": "2026-03-05"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('audit-log-20260305-20260305.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "操作人", "操作", "对象类型", "对象")
    # The day is the county's: 00:01 on 5 March is in, 23:59 on 4 March is not.
    assert [r[0] for r in rows[1:]] == [datetime(2026, 3, 5, 0, 1), datetime(2026, 3, 5, 9, 30)]
    assert rows[2][1:5] == ("王小梅（clerk）", "修改", "纠纷类别", "02 邻里纠纷")
    assert rows[1][2] == "退出"
    assert sheet["A3"].number_format == 'yyyy"年"m"月"d"日" hh:mm:ss'  # reads 2026年3月5日 09:30:00

    export = AuditLog.objects.get(actor=auditor, action=AuditLog.Action.EXPORT)
    assert export.detail == {
        "export": "audit_log",
        "format": "xlsx",
        "from": "2026-03-05",
        "to": "2026-03-05",
        "rows": 2,
    }
    assert export.ip_address == "10.1.2.3"


@pytest.mark.django_db
def test_a_typed_formula_is_exported_as_text(client, auditor):
    audit_record(actor=None, action=AuditLog.Action.LOGIN_FAILED, username="=1+1")
    client.force_login(auditor)
    today = datetime.now(UTC).date()
    response = client.post(
        reverse("admin:centre_auditlog_export"),
        {"start": (today - timedelta(days=1)).isoformat(), "end": (today + timedelta(days=1))},
    )
    cell = openpyxl.load_workbook(io.BytesIO(response.content)).active["B2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


@pytest.mark.django_db
def test_a_period_that_ends_before_it_starts_is_refused(client, auditor):
    client.force_login(auditor)
    response = client.post(
        reverse("admin:centre_auditlog_export"), {"start": "2026-03-05", "end": "2026-03-01"}
    )
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()


@pytest.mark.django_db
def test_only_those_who_read_the_log_export_it(client, secadmin):
    client.force_login(secadmin)
    response = client.post(
        reverse("admin:centre_auditlog_export"), {"start": "2026-03-05", "end": "2026-03-05"}
    )
    assert response.status_code == 403
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()
