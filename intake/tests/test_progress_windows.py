"""The progress page for a case at a window with its own process (信访, 劳动, 行政复议,
法律援助): the process's own stage and next step, the time limit that runs now with its
end date and article, and the page in English."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from intake import workflow
from intake.models import Case
from intake.tests.factories import applicant, register, respondent
from labour.models import Arbitration, LabourInspection
from legal_aid.models import LegalAid
from petitions.models import Petition
from review.models import AdministrativeReview

pytestmark = pytest.mark.django_db

PHONE = "13957212345"


def _page(client, case, **headers):
    cache.clear()  # the lookups per address are limited
    response = client.get("/progress/", {"number": case.number, "phone_last4": "2345"}, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _at_window(clerk, ref, window, nature):
    case = register(
        clerk, ref, nature=nature, parties=[applicant(phone=PHONE), respondent(name="李国强")]
    )
    return workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": window})


@pytest.mark.parametrize(
    ("window", "nature", "model", "state", "stage", "next_step"),
    [
        ("petition", Case.Nature.PETITION, Petition, "replied", "已书面答复", "30日内请求复查"),
        ("labour", Case.Nature.LABOUR, LabourInspection, "ordered", "已责令改正", "督促履行"),
        ("labour", Case.Nature.LABOUR, Arbitration, "accepted", "审理中", "开庭时间"),
        (
            "review",
            Case.Nature.ADMINISTRATIVE,
            AdministrativeReview,
            "answered",
            "被申请人已答复",
            "复议机构正在审理",
        ),
        ("legal_aid", Case.Nature.LEGAL_AID, LegalAid, "assigned", "已指派", "与您联系"),
    ],
)
def test_each_window_shows_its_process_stage_and_next_step(
    client, clerk, ref, window, nature, model, state, stage, next_step
):
    case = _at_window(clerk, ref, window, nature)
    Case.objects.filter(pk=case.pk).update(state=Case.State.HANDLING)
    model.objects.create(case=case, state=state)
    text = _page(client, case)
    assert f'id="progress-stage">{stage}<' in text
    assert next_step in text
    assert "承办窗口已受理，正在依法办理" not in text  # not the case's generic wording


def test_a_window_process_not_begun_shows_the_case_stage(client, clerk, ref):
    case = _at_window(clerk, ref, "petition", Case.Nature.PETITION)
    text = _page(client, case)
    assert 'id="progress-stage">已分流<' in text and "等待安排调解或办理" in text


def test_of_two_processes_the_one_begun_last_is_shown(client, clerk, ref, time_machine):
    case = _at_window(clerk, ref, "labour", Case.Nature.LABOUR)
    Case.objects.filter(pk=case.pk).update(state=Case.State.HANDLING)
    time_machine.move_to("2026-11-02 10:00 +08:00")
    LabourInspection.objects.create(case=case, state="refused")
    time_machine.move_to("2026-11-09 10:00 +08:00")
    Arbitration.objects.create(case=case, state="applied")
    text = _page(client, case)
    assert 'id="progress-stage">待受理<' in text and "将决定是否受理" in text


def test_a_closed_case_shows_closed_whatever_its_process(client, clerk, ref):
    case = _at_window(clerk, ref, "petition", Case.Nature.PETITION)
    Petition.objects.create(case=case, state="handling")
    Case.objects.filter(pk=case.pk).update(state=Case.State.CLOSED)
    text = _page(client, case)
    assert 'id="progress-stage">已办结<' in text and 'id="progress-rating"' in text


def test_every_state_of_every_window_process_has_a_next_step():
    from intake import public

    models = {entry.model for entry in public.WINDOWS}
    assert models == {Petition, LabourInspection, Arbitration, AdministrativeReview, LegalAid}
    for entry in public.WINDOWS:
        assert set(entry.next_steps) == set(entry.model.State.values), entry.model


@pytest.fixture
def accepted_petition(clerk, ref, petition_officer, time_machine):
    """A petition accepted on Monday 2026-10-19: 60 日 to reply end on Friday 12-18."""
    time_machine.move_to("2026-10-19 10:00 +08:00")
    case = _at_window(clerk, ref, "petition", Case.Nature.PETITION)
    workflow.fire(actor=petition_officer, number=case.number, name="petition_accept", data={})
    return case


def test_the_time_limit_that_runs_now_with_its_end_and_article(client, accepted_petition):
    text = _page(client, accepted_petition)
    assert "依法应在2026年12月18日前办结并书面答复您（60日）" in text
    assert "《信访工作条例》第34条" in text
    # The 15-day notice clock stopped when the petition was accepted: not shown.
    assert "告知您是否受理" not in text


def test_an_extended_limit_says_so(client, accepted_petition, supervisor):
    workflow.fire(
        actor=supervisor,
        number=accepted_petition.number,
        name="petition_extend",
        data={"days": 30, "reason": "涉及多个部门，需进一步调查"},
    )
    text = _page(client, accepted_petition)
    # 2027's holidays are not published yet: the end is provisional.
    assert "依法应在2027年1月18日（暂定）前办结并书面答复您（60日，已依法延长30日）" in text


def test_a_paused_limit_says_it_is_not_counting(client, accepted_petition, time_machine):
    from centre import clocks
    from centre.models import Clock

    time_machine.move_to("2026-11-02 10:00 +08:00")
    clock = Clock.objects.get(case_number=accepted_petition.number, rule__code="petition_handle")
    clocks.clock_pause(clock=clock, reason="等待鉴定结论")
    text = _page(client, accepted_petition)
    assert "自2026年11月2日起中止计算" in text
    assert "等待鉴定结论" not in text  # the reason is the staff's, not the page's


def test_the_page_in_english(client, accepted_petition):
    text = _page(client, accepted_petition, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in text
    assert "Case progress enquiry" in text and "Current stage" in text
    assert "Dec. 18, 2026" in text  # the date in the reader's language
    assert "2026年12月18日" not in text


def test_the_language_switch_is_on_the_page(client, db):
    text = client.get("/progress/").content.decode()
    assert 'action="/i18n/setlang/"' in text and 'value="en"' in text
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/progress/"})
    assert switched.status_code == 302
    assert "Case progress enquiry" in client.get("/progress/").content.decode()
