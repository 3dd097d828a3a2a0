"""Personal data never reaches the logs (PIPL 第51条; GB/T 35273-2020 附录B: an ID number is
sensitive personal information): registering a case, opening it and texting its parties
log the masked numbers at most — in every logger at DEBUG, SQL included, in the console
SMS backend and in the audit log."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse

from centre.models import AuditLog
from intake import services as intake_services
from intake.identity import mask_phone
from intake.tests.factories import applicant, reference_data, register, resident_id

ID_NUMBER = resident_id(birth="19761203", serial=417)
PHONE = "13957264810"


@pytest.fixture
def every_logger_at_debug(caplog, settings):
    # DEBUG makes Django log every SQL statement with its parameters (django.db.backends).
    settings.DEBUG = True
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "centre.notify.ConsoleBackend",
    }
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.mark.django_db
def test_an_id_number_and_a_phone_stay_out_of_every_log(
    client, clerk, county, every_logger_at_debug, django_capture_on_commit_callbacks
):
    caplog = every_logger_at_debug
    ref = reference_data(county)
    with django_capture_on_commit_callbacks(execute=True):
        case = register(clerk, ref, parties=[applicant(id_number=ID_NUMBER, phone=PHONE)])
    client.force_login(clerk)
    assert client.get(reverse("intake:case", args=[case.number])).status_code == 200
    cp = case.case_parties.get(role="applicant")
    page = client.post(reverse("intake:reveal", args=[case.number, cp.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = intake_services.parties_notify(case=case, subject="受理通知", body="已受理")

    # What was captured is real: the SQL of the registration, the SMS on the console, and
    # the clerk's audited look at the full number (the one place it may appear).
    assert sent == 1
    assert "INSERT INTO" in caplog.text
    assert "受理通知" in caplog.text and mask_phone(PHONE) in caplog.text
    assert ID_NUMBER in page
    assert AuditLog.objects.filter(action=AuditLog.Action.VIEW_PERSONAL_DATA).exists()

    audit_rows = json.dumps(list(AuditLog.objects.values()), default=str, ensure_ascii=False)
    for where, text in {"logs": caplog.text, "audit log": audit_rows}.items():
        assert ID_NUMBER not in text, where
        assert PHONE not in text, where
