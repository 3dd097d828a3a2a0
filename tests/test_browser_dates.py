"""Pre-filled dates in the browser: the court's filing date (立案日期, today) and the
agreement correction's 履行期限 show their values and are sent untouched — a localised
value (2026/12/05) once showed as empty and the required check refused the form."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from intake import workflow
from intake.tests.factories import reference_data, register
from judicial.models import Court, Handoff
from mediation.services import session_save
from mediation.tests.factories import agreement_data, mediator, organisation, start

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(
    params=[{"width": 1366, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
    autouse=True,
)
def viewport(request, page):
    """Each form at a desk and on a phone: a date input shows its value at either size."""
    page.set_viewport_size(request.param)
    return request.param


def _login(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_the_agreement_correction_keeps_its_due_date_untouched(
    page, clerk, supervisor, county, make_user
):
    ref = reference_data(county)
    chen = mediator(
        county, "陈建国", orgs=[organisation(county)], user=make_user("mediator", "mediator")
    )
    case = start(register(clerk, ref), supervisor, chen.organisations.first(), [chen])
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    agreement = case.mediation.agreements.get()
    _login(page, "mediator")
    page.goto(f"/intake/cases/{case.number}/")
    page.get_by_text("更正调解协议（生成新版本）").click()
    due = page.get_by_label("履行期限")
    assert due.input_value() == agreement.performance_due.isoformat()  # shown, not blank
    page.get_by_label("更正说明").fill("更正当事人姓名笔误")
    page.get_by_role("button", name="生成新版本").click()
    assert page.get_by_text("已生成更正后的新版本，原版本保留").is_visible()
    latest = case.mediation.agreements.order_by("-version").first()
    assert (latest.version, latest.performance_due) == (2, agreement.performance_due)


def test_the_court_s_filing_date_is_sent_untouched(
    page, clerk, supervisor, judge, county, make_user, django_capture_on_commit_callbacks
):
    ref = reference_data(county)
    court = Court.objects.create(
        county=county, name="安吉县人民法院", code="浙0523", president=judge
    )
    court.judges.add(judge)
    chen = mediator(
        county, "陈建国", orgs=[organisation(county)], user=make_user("mediator", "mediator")
    )
    case = start(register(clerk, ref), supervisor, chen.organisations.first(), [chen])
    session_save(
        actor=chen.user,
        mediation=case.mediation,
        place="on_site",
        held_at=timezone.now(),
        attendees=["张建华", "李国强"],
        record="双方对地界认定分歧较大。",
        outcome="分歧较大",
    )
    workflow.fire(
        actor=chen.user, number=case.number, name="fail_mediation", data={"reason": "分歧过大"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.fire(
            actor=clerk,
            number=case.number,
            name="hand_off",
            data={"cause": "neighbour", "claims": "判令被告拆除围墙。"},
        )
    _login(page, "judge")
    page.goto(f"/intake/cases/{case.number}/")
    filed = page.get_by_label("立案日期")
    assert filed.input_value() == timezone.localdate().isoformat()
    page.get_by_label("法院案号").fill("（2026）浙0523民初123号")
    page.get_by_role("button", name="登记法院立案").click()
    assert page.get_by_text("已登记法院立案").is_visible()
    handoff = Handoff.objects.get(case=case)
    assert handoff.accepted_on == timezone.localdate()
