"""The audit log records who, what, which object, when and from where."""

from __future__ import annotations

import pytest

from centre.models import AuditLog
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
