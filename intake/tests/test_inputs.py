"""Inputs a penetration test sent (issue 25): each is a 400 naming the field, never a 500,
and nothing is saved."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from intake.models import Case, Party
from intake.tests.factories import credit_code, register, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    return client


def _body(ref, **over):
    body = {
        "channel": "walk_in",
        "nature": "dispute",
        "category": ref["category"].code,
        "summary": "邻居加建围墙占用通道",
        "description": "双方为通道宽度争执多次",
        "region": ref["village"].code,
        "involved_count": 2,
        "parties": [
            {
                "role": "applicant",
                "kind": "person",
                "name": "张建华",
                "id_type": "resident_id",
                "id_number": resident_id("19650412", serial=123),
                "phone": "13957212345",
            },
            {
                "role": "respondent",
                "kind": "organisation",
                "name": "安吉某竹木制品有限公司",
                "credit_code": credit_code(),
            },
        ],
    }
    body.update(over)
    return body


def _post(api, body):
    # Sent as the attacker's bytes: json.dumps writes a lone surrogate as "\ud800".
    return api.post("/api/v1/cases/", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "char",
    ["\x1b", "\x07", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\x00", "\ud800"],
)
@pytest.mark.parametrize("path", ["summary", "description", "parties[0].name"])
def test_control_characters_are_refused_naming_the_field(api, ref, char, path):
    body = _body(ref)
    if path.startswith("parties"):
        body["parties"][0]["name"] = f"张{char}建华"
    else:
        body[path] = f"邻居{char}加建围墙"
    response = _post(api, body)
    assert response.status_code == 400, response.content
    assert path in response.json()["errors"]
    assert not Case.objects.exists()


def test_the_message_names_the_invisible_character(api, ref):
    response = _post(api, _body(ref, summary="邻居\u202e加建围墙"))
    assert "U+202E" in response.json()["errors"]["summary"][0]
    assert "控制字符" in response.json()["errors"]["summary"][0]


def test_tabs_and_line_breaks_stay_allowed_in_a_long_text(api, ref):
    response = _post(api, _body(ref, description="第一行\n第二行\r\n\t第三行"))
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("field", ["channel", "nature", "category", "region"])
def test_a_lone_surrogate_in_a_choice_is_400(api, ref, field):
    response = _post(api, _body(ref, **{field: "\ud800"}))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_lone_surrogate_in_a_party_kind_is_400(api, ref):
    body = _body(ref)
    body["parties"][0]["kind"] = "\ud800"
    response = _post(api, body)
    assert response.status_code == 400
    assert "parties[0].kind" in response.json()["errors"]


def test_json_nested_100000_deep_is_400(api):
    response = api.post(
        "/api/v1/cases/", "[" * 100_000 + "]" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]


@pytest.mark.parametrize("value", [2**31, 10**20])
def test_involved_count_past_a_32_bit_integer_is_400(api, ref, value):
    response = _post(api, _body(ref, involved_count=value))
    assert response.status_code == 400
    assert "involved_count" in response.json()["errors"]


@pytest.mark.parametrize("body", ["[]", '"close"', "null", "42", "true"])
def test_a_transition_body_that_is_not_an_object_is_400(api, clerk, ref, body):
    case = register(clerk, ref)
    response = api.post(
        f"/api/v1/cases/{case.number}/transitions/close/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    case.refresh_from_db()
    assert case.state == Case.State.REGISTERED


# --- Dates far in the future ----------------------------------------------------------


@pytest.mark.parametrize("name", ["from", "to"])
def test_a_day_near_the_end_of_the_calendar_on_the_case_list_is_a_message(client, clerk, name):
    client.force_login(clerk)
    response = client.get(reverse("intake:cases"), {name: "9999-12-31"})
    assert response.status_code == 200
    label = "登记日期自" if name == "from" else "登记日期至"
    assert f"{label}「9999-12-31」不是有效日期" in response.content.decode()


def test_the_desk_calculator_names_a_start_out_of_range(client, clerk):
    client.force_login(clerk)
    response = client.get(
        reverse("intake:deadline"), {"rule": "review_accept", "start": "9999-12-31"}
    )
    assert response.status_code == 200
    assert "起算日：日期应在1900-01-01至2099-12-31之间" in response.content.decode()


# --- Control characters already stored --------------------------------------------------


def test_the_case_list_export_writes_control_characters_already_stored(client, clerk, ref):
    case = register(clerk, ref)
    Case.objects.filter(pk=case.pk).update(summary="围墙\x1b[31m纠纷\x07\u202e")
    Party.objects.filter(case_parties__case=case).update(name="张\u200b建\x1b华")
    client.force_login(clerk)
    response = client.get(reverse("intake:export"))
    assert response.status_code == 200
    rows = [[c.value for c in row] for row in load_workbook(BytesIO(response.content)).active]
    assert rows[1][8] == "围墙\ufffd[31m纠纷\ufffd\ufffd"
    assert rows[1][6].startswith("张\ufffd建\ufffd华")


# --- The same person on both sides --------------------------------------------------------


def test_the_same_person_cannot_be_applicant_and_respondent(api, ref):
    body = _body(ref)
    body["parties"][1] = {
        "role": "respondent",
        "kind": "person",
        "name": "张建华",
        "id_type": "resident_id",
        "id_number": resident_id("19650412", serial=123),
    }
    response = _post(api, body)
    assert response.status_code == 400
    assert response.json()["errors"]["parties[1].id_number"] == [
        "同一当事人不能既是申请人又是被申请人"
    ]
    assert not Case.objects.exists()


def test_the_same_organisation_on_both_sides_is_named_at_the_desk(client, clerk, ref):
    code = credit_code()
    form = {
        "channel": "walk_in",
        "nature": "dispute",
        "category": ref["category"].code,
        "town": ref["town"].code,
        "village": ref["village"].code,
        "summary": "合同纠纷",
        "involved_count": "1",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "50",
        "parties-0-role": "applicant",
        "parties-0-kind": "organisation",
        "parties-0-name": "安吉某竹木制品有限公司",
        "parties-0-credit_code": code,
        "parties-0-phone": "13957212345",
        "parties-1-role": "respondent",
        "parties-1-kind": "organisation",
        "parties-1-name": "安吉某竹木制品有限公司",
        "parties-1-credit_code": code,
    }
    client.force_login(clerk)
    response = client.post(reverse("intake:desk"), form)
    assert response.status_code == 200
    assert response.context["parties"].forms[1].errors["credit_code"] == [
        "同一当事人不能既是申请人又是被申请人"
    ]
    assert not Case.objects.exists()


def test_control_characters_are_refused_at_the_desk_naming_the_field(client, clerk, ref):
    client.force_login(clerk)
    form = {
        "channel": "walk_in",
        "nature": "dispute",
        "category": ref["category"].code,
        "town": ref["town"].code,
        "summary": "围墙\x1b纠纷",
        "involved_count": "1",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "50",
        "parties-0-role": "applicant",
        "parties-0-kind": "person",
        "parties-0-name": "张\u202e建华",
        "parties-0-phone": "13957212345",
    }
    response = client.post(reverse("intake:desk"), form)
    assert response.status_code == 200
    assert "U+001B" in response.context["case_form"].errors["summary"][0]
    assert "U+202E" in response.context["parties"].forms[0].errors["name"][0]
    assert not Case.objects.exists()
