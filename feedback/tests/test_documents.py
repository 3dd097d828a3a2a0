"""The closing notice carries the rating QR code (扫码评价办理结果); a notice issued while
the case is open does not."""

from __future__ import annotations

import subprocess

import pytest

from intake.models import Case, CaseDocument
from intake.tests.factories import register
from petitions.tests.conftest import fire

pytestmark = pytest.mark.django_db


def _text(case, kind) -> str:
    doc = CaseDocument.objects.get(case=case, kind=kind)
    assert doc.status == CaseDocument.Status.READY, doc.error
    out = subprocess.run(
        ["pdftotext", doc.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    return "".join(out.split())


def test_the_declined_notice_that_closes_a_petition_has_the_rating_qr(
    clerk, ref, petition_officer, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_BASE_URL = "https://maodiao.anji.gov.cn"
    case, other = (
        register(clerk, ref, nature=Case.Nature.PETITION, summary="反映村道硬化工程拖欠")
        for _ in range(2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        other = fire(clerk, other, "triage", window="petition")
        other = fire(petition_officer, other, "petition_accept")
        case = fire(clerk, case, "triage", window="petition")
        case = fire(
            petition_officer,
            case,
            "petition_decline",
            channel="arbitration",
            reason="该事项系劳动报酬争议，依法应当申请劳动争议仲裁",
        )
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED
    declined = _text(case, "petition_declined")
    assert "扫码评价办理结果" in declined
    assert f"maodiao.anji.gov.cn/progress/?number={case.number}" in declined
    accepted = _text(other, "petition_acceptance")
    assert "扫码评价办理结果" not in accepted
