"""The confirmation ruling as a court writes it (issue 19): every party is 申请人 with
their particulars (民事诉讼法 第205条), the judge and the clerk (书记员) named, the seal
area, and the objection notice with its two periods (民诉法解释 第372条). The clerk is
named on the case page or through the API, by the court's judge or by a clerk himself."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from intake import workflow
from intake.models import CaseParty, Party
from intake.tests.factories import applicant, credit_code, register, resident_id
from judicial.models import Confirmation
from mediation.tests.factories import agreement_data, start
from tests.pdf import document_text

pytestmark = pytest.mark.django_db

ID_NUMBER = resident_id(birth="19650412", serial=122)  # 17th digit 2: a woman
CREDIT_CODE = credit_code()


@pytest.fixture
def court_clerk(make_user, court):
    user = make_user("court_clerk", "wangshuji")
    user.first_name, user.last_name = "王书记", ""
    user.save()
    court.clerks.add(user)
    return user


@pytest.fixture
def accepted(
    clerk,
    supervisor,
    ref,
    chen,
    judge,
    court_clerk,
    client,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to("2026-11-20 10:00 +08:00")
    parties = [
        applicant(
            id_number=ID_NUMBER,
            address="浙江省安吉县天荒坪镇余村村5号",
            ethnicity="22",  # 畲族
            occupation="农民",
        ),
        applicant(
            role=CaseParty.Role.RESPONDENT,
            kind=Party.Kind.ORGANISATION,
            name="安吉某竹木加工有限公司",
            id_type="",
            id_number="",
            credit_code=CREDIT_CODE,
            legal_representative="李国强",
            address="浙江省安吉县递铺街道工业园区8号",
        ),
    ]
    case = start(
        register(clerk, ref, parties=parties), supervisor, chen.organisations.first(), [chen]
    )
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    time_machine.move_to("2026-11-27 10:00 +08:00")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.fire(actor=clerk, number=case.number, name="apply_confirmation", data={})
    client.force_login(judge)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/judicial/cases/{case.number}/accept/").status_code == 302
    return case


def _ruling_text(case) -> str:
    return document_text(case, "ruling")


def _confirm(judge, case, capture):
    api = APIClient()
    api.force_authenticate(judge)
    with capture(execute=True):
        response = api.post(f"/api/v1/cases/{case.number}/transitions/confirm/", {}, format="json")
    assert response.status_code == 200, response.json()


def test_the_judge_names_the_clerk_and_the_ruling_states_what_the_law_asks(
    client, accepted, judge, court_clerk, django_capture_on_commit_callbacks
):
    page = client.get(f"/intake/cases/{accepted.number}/").content.decode()
    assert 'id="confirmation-clerk"' in page and "王书记" in page
    response = client.post(f"/judicial/cases/{accepted.number}/clerk/", {"clerk": court_clerk.pk})
    assert response.status_code == 302
    assert Confirmation.objects.get(case=accepted).clerk == court_clerk
    _confirm(judge, accepted, django_capture_on_commit_callbacks)
    text = _ruling_text(accepted)
    for part in (
        # Both parties are applicants, whatever their role at the centre (第205条).
        f"申请人：张建华，女，1965年4月12日出生，畲族，农民，居民身份证号码{ID_NUMBER}，"
        "住所浙江省安吉县天荒坪镇余村村5号。",
        f"申请人：安吉某竹木加工有限公司，统一社会信用代码{CREDIT_CODE}，法定代表人李国强，"
        "住所浙江省安吉县递铺街道工业园区8号。",
        "共同向本院申请司法确认",
        f"审判员{judge.get_full_name()}",
        "（院印）",
        "本件与原本核对无异书记员王书记",
        # 民诉法解释 第372条: 15 days from receipt for a party, six months from knowing
        # for an interested third party.
        "当事人认为本裁定有错误的，可以自收到本裁定之日起十五日内向本院提出异议",
        "利害关系人认为本裁定有错误的，可以自知道或者应当知道其民事权益受到侵害之日起六个月内"
        "向本院提出异议",
        "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百七十二条",
    ):
        assert part in text, part
    assert "被申请人" not in text


def test_a_clerk_not_yet_named_leaves_the_line_to_be_written_by_hand(
    accepted, judge, django_capture_on_commit_callbacks
):
    _confirm(judge, accepted, django_capture_on_commit_callbacks)
    text = _ruling_text(accepted)
    # The page footer (第2页/共2页) follows the empty line.
    assert re.search(r"本件与原本核对无异书记员(第\d+页|$)", text), text[-40:]
    assert "王书记" not in text


def test_a_clerk_takes_the_case_himself_through_the_api(accepted, court_clerk):
    api = APIClient()
    api.force_authenticate(court_clerk)
    url = f"/api/v1/cases/{accepted.number}/confirmation/clerk/"
    response = api.post(url, {"clerk": court_clerk.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"clerk": "王书记"}
    assert Confirmation.objects.get(case=accepted).clerk == court_clerk


def test_only_the_courts_judge_names_another_clerk(accepted, court_clerk, make_user, court):
    other = make_user("court_clerk", "zhaoshuji")
    court.clerks.add(other)
    api = APIClient()
    api.force_authenticate(court_clerk)
    url = f"/api/v1/cases/{accepted.number}/confirmation/clerk/"
    response = api.post(url, {"clerk": other.pk}, format="json")
    assert response.status_code == 403
    assert "书记员只能指定本人" in response.json()["detail"]
    assert Confirmation.objects.get(case=accepted).clerk is None


def test_a_clerk_of_no_court_is_refused_naming_the_field(accepted, judge, make_user):
    stranger = make_user("court_clerk", "liushuji")
    api = APIClient()
    api.force_authenticate(judge)
    url = f"/api/v1/cases/{accepted.number}/confirmation/clerk/"
    response = api.post(url, {"clerk": stranger.pk}, format="json")
    assert response.status_code == 400
    assert "所选人员不是受理法院的书记员" in response.json()["errors"]["clerk"][0]
    assert Confirmation.objects.get(case=accepted).clerk is None


def test_an_outsider_cannot_see_the_case(accepted, outsider, court_clerk):
    api = APIClient()
    api.force_authenticate(outsider)
    url = f"/api/v1/cases/{accepted.number}/confirmation/clerk/"
    assert api.post(url, {"clerk": court_clerk.pk}, format="json").status_code == 404
