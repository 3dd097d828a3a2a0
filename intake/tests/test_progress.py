"""The public progress page: the stage and next step for the case number and the last four
digits of the applicant's phone — and no personal data, no way to probe."""

from __future__ import annotations

import pytest

from intake import public, workflow
from intake.tests.factories import applicant, register, resident_id, respondent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(clerk, ref):
    return register(
        clerk,
        ref,
        parties=[
            applicant(
                name="张建华",
                id_number=resident_id("19650412"),
                phone="13957212345",
                address="余村村3组",
            ),
            respondent(name="李国强", phone="13857298765"),
        ],
    )


def test_the_right_digits_show_the_stage_and_next_step(client, case, clerk):
    workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "mediation"})
    page = client.get("/progress/", {"number": case.number, "phone_last4": "2345"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "已分流" in text and "调解服务" in text and "等待安排调解" in text


def test_the_page_shows_no_personal_data(client, case):
    text = client.get("/progress/", {"number": case.number, "phone_last4": "2345"}).content.decode()
    for secret in (
        "张建华",
        "李国强",
        "余村村3组",
        "13957212345",
        "139****2345",
        "2345</",
        case.case_parties.first().party.id_number_masked,
    ):
        assert secret not in text, secret


def test_wrong_digits_and_unknown_numbers_get_the_same_answer(client, case):
    wrong = client.get("/progress/", {"number": case.number, "phone_last4": "0000"})
    unknown = client.get("/progress/", {"number": "330523-2026-999999", "phone_last4": "2345"})
    respondent_digits = client.get("/progress/", {"number": case.number, "phone_last4": "8765"})
    for response in (wrong, unknown, respondent_digits):
        assert "未找到该案件，或手机号后四位不符" in response.content.decode()


def test_lookups_are_limited_per_address(client, case):
    for i in range(public.ATTEMPTS):
        client.get("/progress/", {"number": f"330523-2026-{900000 + i}", "phone_last4": "0000"})
    blocked = client.get("/progress/", {"number": case.number, "phone_last4": "2345"})
    assert "查询次数过多" in blocked.content.decode()
    other = client.get(
        "/progress/", {"number": case.number, "phone_last4": "2345"}, REMOTE_ADDR="10.9.9.9"
    )
    assert "已登记" in other.content.decode()


def test_wrong_answers_for_one_case_are_limited_from_any_address(client, case, clerk, ref):
    """A guesser spread over many addresses gets a few tries at a case, not 10 each."""
    for i in range(public.ATTEMPTS_PER_CASE):
        client.get(
            "/progress/",
            {"number": case.number, "phone_last4": f"{i:04d}"},
            REMOTE_ADDR=f"10.0.0.{i}",
        )
    blocked = client.get(
        "/progress/", {"number": case.number, "phone_last4": "2345"}, REMOTE_ADDR="10.1.1.1"
    )
    assert "查询次数过多" in blocked.content.decode()
    other = register(clerk, ref, parties=[applicant(phone="13957216789"), respondent()])
    answered = client.get(
        "/progress/", {"number": other.number, "phone_last4": "6789"}, REMOTE_ADDR="10.0.0.1"
    )
    assert "已登记" in answered.content.decode()


def test_residents_behind_one_address_are_not_locked_out(client, clerk, ref):
    """A village's residents share one NAT address: their right answers all pass."""
    cases = [
        register(clerk, ref, parties=[applicant(phone=f"139572{i:05d}"), respondent()])
        for i in range(20)
    ]
    for i, case in enumerate(cases):
        page = client.get("/progress/", {"number": case.number, "phone_last4": f"{i:04d}"})
        assert "已登记" in page.content.decode(), i


def test_the_digits_must_be_four(client, case):
    page = client.get("/progress/", {"number": case.number, "phone_last4": "23a"})
    assert "请输入4位数字" in page.content.decode()


def test_the_page_needs_no_login(client, db):
    page = client.get("/progress/")
    assert page.status_code == 200 and "办理进度查询" in page.content.decode()


def test_every_state_has_a_next_step(client, case):
    from django.core.cache import cache

    from intake.models import Case

    for state in Case.State.values:
        cache.clear()  # the lookups per address are limited
        Case.objects.filter(pk=case.pk).update(state=state)
        page = client.get("/progress/", {"number": case.number, "phone_last4": "2345"})
        assert page.status_code == 200, state
        assert str(Case.State(state).label) in page.content.decode(), state
