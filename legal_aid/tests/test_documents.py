"""The legal-aid window's letters as the applicant and the provider read them (pdftotext):
the decision with its ground and the 3-day assignment, the refusal with its reason and
the objection route, the assignment naming who acts for whom and in what."""

from __future__ import annotations

import pytest

from centre.models import Notification
from intake.models import CaseDocument
from legal_aid.tests.conftest import GRANT, HARDSHIP, MATTER, OBJECTION, REFUSAL, fire
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def _issued(case, kind):
    document = CaseDocument.objects.get(case=case, kind=kind)
    assert document.status == CaseDocument.Status.READY, document.error
    return pdf_text(document)


def test_the_decision_names_the_category_exempt_from_the_means_check(
    legal_aid_officer, triaged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fire(legal_aid_officer, triaged, "legal_aid_grant", **GRANT)
    text = _issued(triaged, "legal_aid_decision")
    assert "给予法律援助决定书" in text and triaged.number in text
    assert MATTER in text and "安吉宏达建筑有限公司" in text
    assert "追索劳动报酬或请求工伤事故人身损害赔偿的进城务工人员" in text
    assert "第四十二条" in text and "免予核查经济困难状况" in text
    assert "三日内指派" in text and "第四十四条" in text
    assert "安吉县法律援助中心" in text


def test_the_decision_names_the_hardship_found(
    legal_aid_officer, triaged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fire(
            legal_aid_officer,
            triaged,
            "legal_aid_grant",
            matter=MATTER,
            ground="hardship",
            hardship_finding=HARDSHIP,
        )
    text = _issued(triaged, "legal_aid_decision")
    assert HARDSHIP in text and "第四十一条" in text and "经济困难标准" in text
    assert "免予核查" not in text
    assert "三日内指派" in text and "第四十四条" in text


def test_the_decision_after_a_corrected_refusal_names_the_bureaus_order(
    legal_aid_officer, supervisor, triaged, django_capture_on_commit_callbacks
):
    fire(legal_aid_officer, triaged, "legal_aid_refuse", reason=REFUSAL)
    fire(legal_aid_officer, triaged, "legal_aid_object", reason=OBJECTION)
    order = "申请人已失业，应认定经济困难"
    with django_capture_on_commit_callbacks(execute=True):
        fire(supervisor, triaged, "legal_aid_objection_decide", decision="corrected", reason=order)
    text = _issued(triaged, "legal_aid_decision")
    # No finding of hardship was recorded: the ground is the bureau's order (第49条), not
    # an empty "经核查：".
    assert "经核查：，" not in text
    assert "责令" in text and "第四十九条" in text and order in text
    assert "三日内指派" in text and "第四十四条" in text


def test_the_refusal_names_the_reason_and_the_objection_route(
    legal_aid_officer, triaged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fire(legal_aid_officer, triaged, "legal_aid_refuse", reason=REFUSAL)
    text = _issued(triaged, "legal_aid_refusal")
    assert "不予法律援助决定书" in text and REFUSAL in text
    assert "第四十九条" in text and "安吉县司法局" in text and "司法行政部门" in text
    assert "五日内" in text and "异议" in text


def test_the_assignment_names_the_provider_its_organisation_and_the_matter(
    legal_aid_officer, triaged, provider, django_capture_on_commit_callbacks
):
    fire(legal_aid_officer, triaged, "legal_aid_grant", **GRANT)
    with django_capture_on_commit_callbacks(execute=True):
        fire(legal_aid_officer, triaged, "legal_aid_assign", provider=provider.pk)
    text = _issued(triaged, "legal_aid_assignment")
    assert "法律援助指派通知书" in text
    assert "浙江昌硕律师事务所" in text and "周明远" in text and provider.licence_number in text
    assert MATTER in text and "王秀英" in text and "第四十四条" in text
    # The applicant is told who acts for them, by SMS.
    sms = Notification.objects.filter(channel="sms").order_by("-id").first()
    assert sms is not None and "周明远" in sms.body and "浙江昌硕律师事务所" in sms.body
