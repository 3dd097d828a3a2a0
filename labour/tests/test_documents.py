"""The labour window's letters, rendered to PDF: each holds what 《劳动保障监察条例》 and
《劳动争议调解仲裁法》 ask it to say (read back with pdftotext)."""

from __future__ import annotations

import pytest

from intake import workflow
from intake.models import Case, CaseDocument
from intake.tests.factories import applicant, phone
from labour.tests.conftest import AWARD, at_labour, employer, fire, pdf_text, reach, step_input

pytestmark = pytest.mark.django_db

NOW = "2026-11-02 10:00 +08:00"  # a Monday


@pytest.fixture
def complaint(clerk, ref, time_machine):
    time_machine.move_to(NOW)
    return at_labour(clerk, ref, parties=[applicant(name="王秀英"), employer()])


@pytest.fixture
def dispute(clerk, ref, time_machine):
    time_machine.move_to(NOW)
    case = at_labour(
        clerk, ref, nature=Case.Nature.DISPUTE, parties=[applicant(name="王秀英"), employer()]
    )
    return fire(
        clerk,
        case,
        "labour_arbitration_apply",
        claims="请求裁决被申请人支付拖欠工资20000元",
        kind="pay",
        amount="20000",
    )


def _accept(arbitrator_user, arbitrators, case):
    return fire(
        arbitrator_user,
        case,
        "labour_arbitration_accept",
        **step_input("labour_arbitration_accept", arbitrators),
    )


def test_the_refusal_of_a_complaint_names_the_channel(
    labour_inspector, complaint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fire(
            labour_inspector,
            complaint,
            "labour_inspection_refuse",
            channel="arbitration",
            reason="该事项系解除劳动合同经济补偿争议，不属于劳动保障监察事项",
        )
    text = pdf_text(complaint, "labour_inspection_refusal")
    for item in [
        "劳动保障监察投诉不予受理告知书",
        complaint.number,
        "王秀英",
        "安吉某建筑劳务有限公司",
        "不属于劳动保障监察事项",
        "第十八条",
        "向劳动人事争议仲裁委员会申请仲裁",  # the channel
        "申请仲裁的时效期间为一年",
        "人力资源和社会保障局",
    ]:
        assert item in text, item


def test_the_order_to_pay_names_the_amount_the_deadline_and_the_crime(
    labour_inspector, complaint, django_capture_on_commit_callbacks
):
    case = fire(labour_inspector, complaint, "labour_inspection_accept", workers=12)
    with django_capture_on_commit_callbacks(execute=True):
        fire(
            labour_inspector,
            case,
            "labour_inspection_order",
            kind="pay",
            items="拖欠12名劳动者2026年9月至10月工资",
            amount="186000",
            deadline="2026-11-17",
        )
    text = pdf_text(case, "labour_order")
    for item in [
        "劳动保障监察责令改正指令书",
        "安吉某建筑劳务有限公司",  # addressed to the employer
        "拖欠12名劳动者2026年9月至10月工资",
        "责令限期支付",
        "186000",
        "2026年11月17日前",
        "第二十六条",
        "加付赔偿金",
        "拒不支付劳动报酬罪",
        "第二百七十六条之一",
        "行政复议",
    ]:
        assert item in text, item


def test_an_order_to_correct_cites_article_18_only(
    labour_inspector, complaint, django_capture_on_commit_callbacks
):
    case = fire(labour_inspector, complaint, "labour_inspection_accept", workers=1)
    with django_capture_on_commit_callbacks(execute=True):
        fire(
            labour_inspector,
            case,
            "labour_inspection_order",
            kind="correct",
            items="未与劳动者订立书面劳动合同",
            deadline="2026-11-30",
        )
    text = pdf_text(case, "labour_order")
    assert "第十八条规定" in text and "2026年11月30日前改正" in text
    assert "第十八条、第二十六条规定" not in text


def test_the_acceptance_notice_names_the_tribunal_and_the_45_days(
    arbitrator_user, arbitrators, dispute, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-11-03 10:00 +08:00")
    with django_capture_on_commit_callbacks(execute=True):
        _accept(arbitrator_user, arbitrators, dispute)
    text = pdf_text(dispute, "arbitration_acceptance")
    for item in [
        "受理通知书",
        "安吉县劳动人事争议仲裁委员会",
        "王秀英",
        "2026年11月2日收到",
        "2026年11月3日立案受理",
        "第二十九条",
        "赵启明、孙丽萍、钱国栋组成仲裁庭",  # the tribunal, the presiding arbitrator first
        "赵启明为首席",
        "四十五日",
        "2026年12月18日",  # 45 days from 11-3
        "十五日",
        "回避",
    ]:
        assert item in text, item


def test_the_refusal_says_the_applicant_may_sue(
    arbitrator_user, dispute, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fire(arbitrator_user, dispute, "labour_arbitration_refuse", reason="申请已超过一年仲裁时效")
    text = pdf_text(dispute, "arbitration_refusal")
    for item in ["不予受理通知书", "申请已超过一年仲裁时效", "第二十九条", "向人民法院提起诉讼"]:
        assert item in text, item


def test_the_hearing_notice_names_the_date_and_place(
    arbitrator_user, arbitrators, dispute, django_capture_on_commit_callbacks
):
    case = _accept(arbitrator_user, arbitrators, dispute)
    with django_capture_on_commit_callbacks(execute=True):
        fire(
            arbitrator_user,
            case,
            "labour_arbitration_hearing",
            at="2026-11-10T14:30",
            place="县矛调中心第二仲裁庭",
        )
    text = pdf_text(case, "arbitration_hearing")
    for item in [
        "开庭通知书",
        "王秀英",
        "安吉某建筑劳务有限公司",
        "第三十五条",
        "2026年11月10日14:30",
        "县矛调中心第二仲裁庭",
        "缺席裁决",
    ]:
        assert item in text, item


def test_the_mediation_statement_holds_the_terms(
    arbitrator_user, arbitrators, dispute, django_capture_on_commit_callbacks
):
    case = _accept(arbitrator_user, arbitrators, dispute)
    with django_capture_on_commit_callbacks(execute=True):
        fire(
            arbitrator_user,
            case,
            "labour_arbitration_settle",
            terms="被申请人于2026年11月30日前一次性支付申请人工资18000元",
        )
    text = pdf_text(case, "arbitration_mediation")
    for item in [
        "调解书",
        "请求裁决被申请人支付拖欠工资20000元",
        "被申请人于2026年11月30日前一次性支付申请人工资18000元",
        "第四十二条",
        "签收后，即发生法律效力",
        "赵启明",
    ]:
        assert item in text, item
    assert Case.objects.get(pk=case.pk).outcome == Case.Outcome.RESOLVED


def test_a_final_award_says_so(
    arbitrator_user, arbitrators, minimum_wage, dispute, django_capture_on_commit_callbacks
):
    case = _accept(arbitrator_user, arbitrators, dispute)
    with django_capture_on_commit_callbacks(execute=True):
        fire(arbitrator_user, case, "labour_arbitration_award", **AWARD, amount="20000")
    text = pdf_text(case, "arbitration_award")
    for item in [
        "裁决书",
        "申请人在被申请人处工作三年",
        "被申请人支付工资20000元",
        "终局裁决",
        "27480",  # twelve months of 2290
        "第四十七条",
        "自作出之日起发生法律效力",
        "中级人民法院申请撤销",
    ]:
        assert item in text, item
    assert "期满不起诉" not in text


def test_an_award_that_is_not_final_gives_fifteen_days_to_sue(
    clerk,
    arbitrator_user,
    arbitrators,
    minimum_wage,
    ref,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(NOW)
    case = at_labour(
        clerk,
        ref,
        nature=Case.Nature.DISPUTE,
        parties=[applicant(name="王秀英"), employer(phone=phone())],
    )
    case = fire(
        clerk,
        case,
        "labour_arbitration_apply",
        claims="请求支付经济补偿金60000元",
        kind="pay",
        amount="60000",
    )
    case = _accept(arbitrator_user, arbitrators, case)
    with django_capture_on_commit_callbacks(execute=True):
        fire(arbitrator_user, case, "labour_arbitration_award", **AWARD, amount="60000")
    text = pdf_text(case, "arbitration_award")
    for item in ["十五日内向人民法院提起诉讼", "期满不起诉", "第五十条"]:
        assert item in text, item
    assert "终局裁决" not in text


def test_no_letter_is_issued_by_an_invalid_step(labour_inspector, complaint):
    case = reach("opened", complaint, inspector=labour_inspector)
    with pytest.raises(workflow.Invalid):
        fire(
            labour_inspector,
            case,
            "labour_inspection_order",
            kind="pay",
            items="欠薪",
            deadline="2099-01-01",
        )
    assert not CaseDocument.objects.filter(case=case, kind="labour_order").exists()
