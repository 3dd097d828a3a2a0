"""The review window's letters as the parties read them (pdftotext): each holds what
《行政复议法》 asks it to say — the acceptance and its periods, the refusal with its reasons
and the right to sue, the mediation agreement and its effect, the decision with its
article, the organ's answer and the right to sue within 15 日."""

from __future__ import annotations

import pytest

from intake.models import CaseDocument
from review.tasks import accept_by_law
from review.tests.conftest import (
    ACT,
    ANSWER,
    ORGAN,
    REASONS,
    SUMMARY,
    TERMS,
    accept_data,
    at_review,
    fire,
    reach,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def _issued(case, kind):
    document = CaseDocument.objects.get(case=case, kind=kind)
    assert document.status == CaseDocument.Status.READY, document.error
    return pdf_text(document)


def test_the_acceptance_notice_gives_the_periods(
    review_officer, application, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-10-09 10:00 +08:00")
    with django_capture_on_commit_callbacks(execute=True):
        fire(review_officer, application, "review_accept", **accept_data(application))
    text = _issued(application, "review_acceptance")
    for item in [
        "行政复议受理通知书",
        application.number,
        "陈立新",  # the applicant
        ORGAN,  # the respondent organ
        ACT,
        "决定予以受理",
        "2026年10月9日",
        "普通程序",
        "六十日内作出行政复议决定",
        "2026年12月8日",  # the decision period's end
        "延长期限最多不超过三十日",
        "第六十二条",
        "十日内提出书面答复",  # the organ's answer (第48条)
        "第四十八条",
        "安吉县行政复议局",
    ]:
        assert item in text, item
    assert "视为受理" not in text


def test_the_simplified_acceptance_has_30_days_and_no_extension(
    review_officer, application, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-09-21 10:00 +08:00")
    with django_capture_on_commit_callbacks(execute=True):
        reach("accepted", application, officer=review_officer, procedure="simple")
    text = _issued(application, "review_acceptance")
    assert "简易程序" in text and "三十日内作出行政复议决定" in text
    assert "2026年10月21日" in text and "延长" not in text


def test_the_notice_of_an_application_accepted_by_law_says_so(
    clerk, ref, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-09-30 10:00 +08:00")
    case = at_review(clerk, ref)
    time_machine.move_to("2026-10-14 09:00 +08:00")
    with django_capture_on_commit_callbacks(execute=True):
        assert accept_by_law() == 1
    text = _issued(case, "review_acceptance")
    assert "视为受理（《行政复议法》第30条）" in text
    assert "第三十条第三款" in text and "2026年10月13日" in text  # the period's last day
    assert SUMMARY in text  # no act was entered: the application's own words
    assert "决定予以受理" not in text


def test_the_refusal_gives_its_reasons_and_the_right_to_sue(
    review_officer, application, django_capture_on_commit_callbacks
):
    reason = "申请人于2026年7月1日知道该处罚决定，申请超过法定申请期限"
    with django_capture_on_commit_callbacks(execute=True):
        fire(review_officer, application, "review_refuse", reason=reason)
    text = _issued(application, "review_refusal")
    for item in [
        "不予受理行政复议申请决定书",
        application.number,
        "陈立新",
        ORGAN,
        reason,
        "第三十条",
        "决定不予受理",
        "十五日内",
        "向人民法院提起行政诉讼",
        "行政诉讼法",
    ]:
        assert item in text, item


def test_the_mediation_agreement_states_its_terms_and_effect(
    review_officer, application, django_capture_on_commit_callbacks
):
    case = reach("accepted", application, officer=review_officer)
    with django_capture_on_commit_callbacks(execute=True):
        fire(review_officer, case, "review_mediate", terms=TERMS)
    text = _issued(case, "review_mediation")
    for item in [
        "行政复议调解书",
        "申请人：陈立新",
        f"被申请人：{ORGAN}",
        "统一社会信用代码",
        ACT,
        TERMS,
        "合法、自愿",
        "第七十三条",
        "经各方当事人签字或者签章，并加盖本机关印章，即具有法律效力",
    ]:
        assert item in text, item


def test_the_decision_to_revoke_names_its_article_the_answer_and_the_right_to_sue(
    review_officer, application, django_capture_on_commit_callbacks
):
    case = reach("answered", application, officer=review_officer)
    with django_capture_on_commit_callbacks(execute=True):
        fire(review_officer, case, "review_decide", kind="revoke", reasons=REASONS, within_days=30)
    text = _issued(case, "review_decision")
    for item in [
        "行政复议决定书",
        case.number,
        "申请人：陈立新",
        f"被申请人：{ORGAN}",
        SUMMARY,  # the applicant's request
        ANSWER,  # the organ's answer
        REASONS,
        "第六十四条",
        "撤销被申请人作出的" + ACT,
        "30日内重新作出行政行为",
        "一经送达，即发生法律效力",
        "十五日内",
        "向人民法院提起行政诉讼",
        "行政诉讼法》第四十五条",
    ]:
        assert item in text, item


@pytest.mark.parametrize(
    ("kind", "article", "words"),
    [
        ("uphold", "第六十八条", "维持被申请人作出的"),
        ("vary", "第六十三条", "变更被申请人作出的"),
        ("unlawful", "第六十五条", "违法"),
        ("order", "第六十六条", "15日内履行法定职责"),
        ("reject", "第六十九条", "驳回申请人的行政复议请求"),
    ],
)
def test_each_decision_names_its_article(
    review_officer, application, django_capture_on_commit_callbacks, kind, article, words
):
    case = reach("accepted", application, officer=review_officer)
    with django_capture_on_commit_callbacks(execute=True):
        fire(review_officer, case, "review_decide", kind=kind, reasons=REASONS, within_days=15)
    text = _issued(case, "review_decision")
    assert article in text and words in text and "十五日内" in text
    # No answer was received: the letter says so (第48条, 第70条).
    assert "被申请人未在法定期限内提出书面答复" in text
