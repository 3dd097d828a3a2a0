"""Limits the server enforces on a case's attachments (issue 25): at most MAX_PER_CASE,
also when uploads arrive at once, and none once the case is closed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from intake import attachments, services, workflow
from intake.models import Attachment
from intake.tests.factories import case_input, reference_data, register

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _scan(i: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"scan{i}.pdf", PDF, "application/pdf")


@pytest.mark.django_db
def test_no_more_than_the_configured_number_of_attachments(client, clerk, ref, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PER_CASE", 3)
    case = register(clerk, ref)
    for i in range(3):
        services.attachment_add(actor=clerk, case=case, upload=_scan(i))
    client.force_login(clerk)
    response = client.post(
        reverse("intake:attach", args=[case.number]), {"file": _scan(9)}, follow=True
    )
    assert "每件案件最多3个附件" in response.content.decode()
    assert Attachment.objects.filter(case=case).count() == 3


@pytest.mark.django_db
def test_a_registration_with_too_many_attachments_is_refused(clerk, ref, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PER_CASE", 2)
    with pytest.raises(ValidationError, match="每件案件最多2个附件"):
        services.case_register(
            actor=clerk,
            county=ref["county"],
            data=case_input(category=ref["category"], region=ref["village"]),
            attachments=[_scan(i) for i in range(3)],
        )


@pytest.mark.django_db
def test_no_upload_to_a_closed_case(client, clerk, ref):
    case = register(clerk, ref)
    workflow.fire(actor=clerk, number=case.number, name="withdraw", data={"reason": "已和解"})
    client.force_login(clerk)
    response = client.post(
        reverse("intake:attach", args=[case.number]), {"file": _scan()}, follow=True
    )
    assert "案件已办结，不能再上传附件" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_uploads_at_once_do_not_pass_the_limit(make_user, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PER_CASE", 30)
    ref = reference_data()
    clerk = make_user("clerk")
    case = register(clerk, ref)
    for i in range(28):
        services.attachment_add(actor=clerk, case=case, upload=_scan(i))
    barrier = threading.Barrier(6)

    def upload(i: int):
        try:
            barrier.wait(timeout=30)
            return services.attachment_add(actor=clerk, case=case, upload=_scan(100 + i))
        except ValidationError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(upload, range(6)))
    assert sum(isinstance(r, Attachment) for r in results) == 2
    assert Attachment.objects.filter(case=case).count() == 30
