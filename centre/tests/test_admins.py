"""三员分立: the system administrator configures, the security administrator manages
accounts, the auditor only reads the audit log — and nobody edits the log."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, transaction
from django.urls import reverse

from centre.models import AuditLog, Category
from centre.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return Category.objects.create(code="02", name="邻里纠纷")


def _can_open(client, user, url):
    client.force_login(user)
    return client.get(url).status_code == 200


def test_sysadmin_configures_but_cannot_see_accounts_or_the_audit_log(client, sysadmin, category):
    change = reverse("admin:centre_category_change", args=[category.pk])
    assert _can_open(client, sysadmin, change)
    response = client.post(change, {"code": "02", "name": "邻里矛盾", "order": 0, "active": "on"})
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "邻里矛盾"
    assert client.get(reverse("admin:centre_auditlog_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_sysadmin_changes_are_audited(client, sysadmin, category):
    client.force_login(sysadmin)
    client.post(
        reverse("admin:centre_category_change", args=[category.pk]),
        {"code": "02", "name": "邻里矛盾", "order": 0, "active": "on"},
        REMOTE_ADDR="10.20.30.40",
    )
    entry = AuditLog.objects.get(action=AuditLog.Action.CHANGE)
    assert entry.actor == sysadmin
    assert entry.object_type == "centre.category"
    assert entry.object_id == str(category.pk)
    assert entry.ip_address == "10.20.30.40"


def test_secadmin_manages_accounts_but_not_configuration_or_the_log(
    client, secadmin, category, clerk
):
    assert _can_open(client, secadmin, reverse("admin:auth_user_change", args=[clerk.pk]))
    assert client.get(reverse("admin:auth_user_add")).status_code == 200
    assert (
        client.get(reverse("admin:centre_category_change", args=[category.pk])).status_code == 403
    )
    assert client.get(reverse("admin:centre_auditlog_changelist")).status_code == 403


def _user_form(user, groups):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "email": "",
        "is_active": "on",
        "groups": [g.pk for g in groups],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "staff-TOTAL_FORMS": "0",
        "staff-INITIAL_FORMS": "0",
        "staff-MIN_NUM_FORMS": "0",
        "staff-MAX_NUM_FORMS": "1",
    }


def test_secadmin_cannot_give_one_account_two_administrator_roles(client, secadmin, clerk):
    client.force_login(secadmin)
    both = Group.objects.filter(name__in=["sysadmin", "auditor"])
    response = client.post(
        reverse("admin:auth_user_change", args=[clerk.pk]), _user_form(clerk, both)
    )
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert set(clerk.groups.values_list("name", flat=True)) == {"clerk"}


def test_granting_an_administrator_role_gives_admin_access(client, secadmin, outsider):
    client.force_login(secadmin)
    response = client.post(
        reverse("admin:auth_user_change", args=[outsider.pk]),
        _user_form(outsider, Group.objects.filter(name="auditor")),
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.is_staff
    assert not outsider.is_superuser


def test_secadmin_cannot_change_their_own_roles(client, secadmin):
    client.force_login(secadmin)
    page = client.get(reverse("admin:auth_user_change", args=[secadmin.pk])).content.decode()
    assert 'name="groups"' not in page
    assert 'name="is_superuser"' not in page


def test_auditor_reads_the_log_and_changes_nothing(client, auditor, category, clerk):
    entry = audit_record(actor=clerk, action=AuditLog.Action.LOGIN)
    client.force_login(auditor)
    listing = client.get(reverse("admin:centre_auditlog_changelist"))
    assert listing.status_code == 200
    assert clerk.username in listing.content.decode()
    detail = reverse("admin:centre_auditlog_change", args=[entry.pk])
    assert client.get(detail).status_code == 200  # a read-only view
    assert client.post(detail, {"action": "auth.logout"}).status_code == 403
    assert (
        client.post(
            reverse("admin:centre_auditlog_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.get(reverse("admin:centre_category_change", args=[category.pk])).status_code == 403
    )
    assert client.get(reverse("admin:auth_user_change", args=[clerk.pk])).status_code == 403
    entry.refresh_from_db()
    assert entry.action == AuditLog.Action.LOGIN


@pytest.mark.parametrize("role", ["sysadmin", "secadmin"])
def test_other_administrators_cannot_read_the_audit_log(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("admin:centre_auditlog_changelist")).status_code == 403


def test_business_roles_have_no_admin_access(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302  # the admin sends non-staff to its login


def test_the_database_refuses_to_change_or_delete_audit_rows(clerk):
    entry = audit_record(actor=clerk, action=AuditLog.Action.LOGIN)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(action=AuditLog.Action.LOGOUT)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).delete()
    assert AuditLog.objects.filter(pk=entry.pk, action=AuditLog.Action.LOGIN).exists()
