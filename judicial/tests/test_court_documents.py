"""The court's documents (issue 23): the joint application, the acceptance notice with the
民特 number (法释〔2011〕5号 第4条), the ruling not to accept (民诉法解释 第355条) and the
rulings on an accepted application (民事诉讼法 第206条), read from their PDFs."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from centre.models import Notification
from intake import workflow
from intake.models import Case, CaseDocument
from intake.tests.factories import register
from judicial import services
from judicial.documents import _grounds
from judicial.models import Confirmation, Court
from mediation.tests.factories import agreement_data, start
from tests.pdf import document_text

pytestmark = pytest.mark.django_db

# A mobile number standing alone (not the middle of an ID number).
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def applied(clerk, supervisor, ref, chen, court, time_machine, django_capture_on_commit_callbacks):
    """Agreed on Friday 2026-11-20 (performance due 12-04), applied for on 11-27."""
    time_machine.move_to("2026-11-20 10:00 +08:00")
    case = start(register(clerk, ref), supervisor, chen.organisations.first(), [chen])
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    time_machine.move_to("2026-11-27 10:00 +08:00")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.fire(actor=clerk, number=case.number, name="apply_confirmation", data={})
    return case


_text = document_text


def _accept(client, judge, case, capture) -> Confirmation:
    client.force_login(judge)
    with capture(execute=True):
        response = client.post(f"/judicial/cases/{case.number}/accept/")
    assert response.status_code == 302
    return Confirmation.objects.get(case=case)


def _fire(api, user, case, name, data, capture):
    api.force_authenticate(user)
    with capture(execute=True):
        return api.post(f"/api/v1/cases/{case.number}/transitions/{name}/", data, format="json")


def _no_phone(text: str) -> None:
    assert "电话" not in text
    assert not PHONE.search(text), PHONE.search(text)


def test_the_application_lists_every_party_as_applicant(applied):
    text = _text(applied, "confirmation_application")
    assert text.count("申请人：张建华，") == 1 and text.count("申请人：李国强。") == 1
    assert "被申请人" not in text
    assert "请求人民法院确认申请人张建华、李国强于2026年11月20日" in text
    assert "履行方式：李国强自行拆除，村调委会现场见证；履行期限：2026年12月4日前" in text


def test_acceptance_numbers_the_case_and_sends_the_notice(
    client, applied, judge, django_capture_on_commit_callbacks
):
    confirmation = Confirmation.objects.get(case=applied)
    assert confirmation.ruling_number == ""
    confirmation = _accept(client, judge, applied, django_capture_on_commit_callbacks)
    assert confirmation.ruling_number == "（2026）浙0523民特1号"
    text = _text(applied, "confirmation_acceptance")
    for part in (
        "浙江省安吉县人民法院",
        "受理通知书",
        "（2026）浙0523民特1号",
        "张建华、李国强：",
        "本院于2026年11月27日决定受理",
        "审查期限至2026年12月14日",
        "经本院院长批准，可以延长十日",
        "特此通知",
        "二〇二六年十一月二十七日",
        "（院印）",
    ):
        assert part in text, part
    _no_phone(text)
    assert Notification.objects.filter(
        channel="sms", case_number=applied.number, subject="司法确认申请已受理"
    ).exists()


def test_the_ruling_keeps_the_number_given_at_acceptance(
    api, client, applied, judge, time_machine, django_capture_on_commit_callbacks
):
    _accept(client, judge, applied, django_capture_on_commit_callbacks)
    time_machine.move_to("2026-12-01 15:00 +08:00")
    response = _fire(api, judge, applied, "confirm", {}, django_capture_on_commit_callbacks)
    assert response.json()["state"] == "confirmed"
    confirmation = Confirmation.objects.get(case=applied)
    assert confirmation.ruling_number == "（2026）浙0523民特1号"
    assert "（2026）浙0523民特1号" in _text(applied, "ruling")


def test_the_confirmed_ruling_states_what_the_law_asks(
    api, client, applied, judge, time_machine, django_capture_on_commit_callbacks
):
    _accept(client, judge, applied, django_capture_on_commit_callbacks)
    time_machine.move_to("2026-12-01 15:00 +08:00")
    _fire(api, judge, applied, "confirm", {"note": "符合条件"}, django_capture_on_commit_callbacks)
    text = _text(applied, "ruling")
    assert text.startswith("浙江省安吉县人民法院民事裁定书（2026）浙0523民特1号")
    for part in (
        "申请人：张建华",
        "申请人：李国强",
        "申请人张建华、李国强于2026年11月27日共同向本院申请司法确认",
        "本院于2026年11月27日受理后，依法进行了审查",
        "第二百零六条",
        "一、申请人张建华、李国强于2026年11月20日经",
        "主持调解达成的调解协议有效",
        # The enforceable content: how and by when the agreement is performed.
        "按照调解协议约定的履行方式（李国强自行拆除，村调委会现场见证），"
        "于2026年12月4日前自觉履行义务",
        "申请执行",
        "本裁定为终审裁定",
        "自收到本裁定之日起十五日内",
        "六个月内",
        "审判员工作人员",
        "二〇二六年十二月一日",
        "（院印）",
        "本件与原本核对无异",
        "书记员",
    ):
        assert part in text, part
    assert "被申请人" not in text and "(2026)" not in text
    _no_phone(text)
    # The signature block does not stand alone on a page of its own.
    assert "本裁定为终审裁定" in text.split("第1页/共2页")[-1]


def test_a_refusal_gives_its_reason_once(
    api, client, applied, judge, django_capture_on_commit_callbacks
):
    _accept(client, judge, applied, django_capture_on_commit_callbacks)
    reason = "协议约定的拆除范围不明确"
    _fire(
        api,
        judge,
        applied,
        "refuse_confirmation",
        {"reason": reason, "ground": "unclear"},
        django_capture_on_commit_callbacks,
    )
    text = _text(applied, "ruling")
    assert text.count(reason) == 1
    assert text.count("“内容不明确”") == 1
    assert "第三百五十八条第五项" in text
    assert "驳回申请人张建华、李国强的司法确认申请" in text
    assert "本院于2026年11月27日受理后" in text and "本裁定为终审裁定" in text
    assert "申请执行" not in text
    _no_phone(text)


def test_a_reason_that_names_its_ground_is_not_followed_by_it_again():
    assert _grounds("该调解协议", "调解协议内容不明确。", "内容不明确") == "调解协议内容不明确。"
    assert (
        _grounds("该调解协议", "拆除范围无法确定", "内容不明确")
        == "拆除范围无法确定，该调解协议属于“内容不明确”的情形。"
    )
    assert (
        _grounds("该调解协议", "", "其他不能进行司法确认的情形")
        == "该调解协议属于“其他不能进行司法确认”的情形。"
    )


def test_not_accepted_gets_its_own_ruling_and_the_case_goes_back_to_agreed(
    api, applied, judge, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-11-30 09:00 +08:00")
    reason = "申请人约定由上海市浦东新区人民法院管辖，双方住所均不在本县"
    response = _fire(
        api,
        judge,
        applied,
        "not_accept_confirmation",
        {"ground": "jurisdiction", "reason": reason},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "agreed"
    confirmation = Confirmation.objects.get(case=applied)
    assert confirmation.decision == "not_accepted"
    assert confirmation.accepted_at is None and confirmation.decided_at is not None
    assert confirmation.ruling_number == "（2026）浙0523民特1号"
    assert not CaseDocument.objects.filter(case=applied, kind="ruling").exists()
    text = _text(applied, "confirmation_not_accepted")
    for part in (
        "浙江省安吉县人民法院",
        "民事裁定书",
        "（2026）浙0523民特1号",
        "申请人：张建华",
        "申请人：李国强",
        "第三百五十五条第一款第二项",
        "“不属于收到申请的人民法院管辖”",
        "对申请人张建华、李国强的司法确认申请，本院不予受理",
        "二〇二六年十一月三十日",
        "（院印）",
        "本件与原本核对无异",
    ):
        assert part in text, part
    assert text.count(reason) == 1
    # The court never reviewed the agreement.
    for wrong in ("受理后", "审查终结", "调解协议有效", "驳回", "被申请人", "第二百零六条"):
        assert wrong not in text, wrong
    _no_phone(text)
    assert Notification.objects.filter(
        channel="sms", case_number=applied.number, subject="司法确认结果"
    ).exists()


def test_after_not_accepted_the_parties_may_apply_again(
    api, clerk, applied, judge, django_capture_on_commit_callbacks
):
    _fire(
        api,
        judge,
        applied,
        "not_accept_confirmation",
        {"ground": "not_civil", "reason": "涉及行政处理事项"},
        django_capture_on_commit_callbacks,
    )
    workflow.fire(actor=clerk, number=applied.number, name="apply_confirmation", data={})
    assert Case.objects.get(pk=applied.pk).state == "confirming"
    assert services.open_confirmation(applied).decision == ""


def test_not_accepting_needs_a_ground_and_the_facts(api, applied, judge):
    api.force_authenticate(judge)
    response = api.post(
        f"/api/v1/cases/{applied.number}/transitions/not_accept_confirmation/", {}, format="json"
    )
    assert response.status_code == 400
    body = str(response.json())
    assert "请选择不予受理的理由" in body and "请填写不予受理的具体情况" in body
    assert Case.objects.get(pk=applied.pk).state == "confirming"


def test_only_the_courts_judges_may_decline(
    api, clerk, applied, chen, supervisor, county, make_user
):
    data = {"ground": "jurisdiction", "reason": "x"}
    url = f"/api/v1/cases/{applied.number}/transitions/not_accept_confirmation/"
    for user in (clerk, chen.user, supervisor):
        api.force_authenticate(user)
        assert api.post(url, data, format="json").status_code == 403, user
    other = Court.objects.create(
        county=county, name="安吉县人民法院天荒坪法庭", code="浙0523", is_default=False
    )
    elsewhere = make_user("judge", "judge_elsewhere")
    other.judges.add(elsewhere)
    api.force_authenticate(elsewhere)
    assert api.post(url, data, format="json").status_code == 404
    assert Case.objects.get(pk=applied.pk).state == "confirming"


def test_a_ruling_from_before_acceptance_was_recorded_reads_without_a_date(
    applied, judge, django_capture_on_commit_callbacks
):
    """Applications decided before the court's acceptance was a step of its own have no
    acceptance date: their ruling, printed again, still reads as a sentence."""
    applied.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        applied.confirm()
        applied.save()
        services.confirmation_decide(
            actor=judge, case=applied, decision=Confirmation.Decision.CONFIRMED
        )
    text = _text(applied, "ruling")
    assert "本院受理后，依法进行了审查" in text and "本院于受理后" not in text
    assert Confirmation.objects.get(case=applied).ruling_number == "（2026）浙0523民特1号"
