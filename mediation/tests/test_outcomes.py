"""Start, sessions, agreement (with versions), failure, withdrawal, performance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from centre.models import Notification
from intake.models import Case, CaseDocument
from intake.tests.factories import register
from mediation.models import Agreement, Mediation
from mediation.services import agreement_correct, performance_record
from mediation.tests.factories import agreement_data, mediator, organisation, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_start_mediation_through_the_api_starts_the_clock(
    api, clerk, supervisor, ref, org, chen, li, county, time_machine
):
    time_machine.move_to("2026-09-01 10:00 +08:00")
    traffic = organisation(county, "交通事故调委会", kind="industry", mediation_kind="traffic")
    police = mediator(county, "周国平", orgs=[traffic])
    case = register(clerk, ref)
    api.force_authenticate(clerk)
    api.post(
        f"/api/v1/cases/{case.number}/transitions/triage/", {"window": "mediation"}, format="json"
    )
    api.force_authenticate(supervisor)
    response = api.post(
        f"/api/v1/cases/{case.number}/transitions/start_mediation/",
        {
            "organisation": org.pk,
            "mediators": [chen.pk, police.pk],
            "lead": chen.pk,
            "linkage": "police",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "mediating"
    mediation = Mediation.objects.get(case=case)
    # 30 natural days from 2026-09-01 is 10-01, a holiday: the period ends on 10-08
    # (民事诉讼法 第85条).
    assert mediation.clock_due.isoformat() == "2026-10-08"
    assert mediation.linkage == "police"
    orgs = {p.mediator.name: p.organisation.name for p in mediation.participants.all()}
    assert orgs == {"陈建国": org.name, "周国平": "交通事故调委会"}  # 联调
    assert Notification.objects.filter(recipient_user=chen.user, channel="inapp").exists()
    deadlines = api.get(f"/api/v1/cases/{case.number}/").json()["deadlines"]
    assert deadlines == [
        {
            "rule": "mediation_people",
            "label": "人民调解期限",
            "started": "2026-09-01",
            "due": "2026-10-08",
            "days_left": 37,
            "unit": "natural",
            "provisional": False,
            "paused": False,
            "extended": 0,
            "stopped": False,
            "source": "司法部《人民调解工作若干规定》第33条",
        }
    ]


def test_start_mediation_checks_its_fields(api, clerk, supervisor, ref, org, chen, li):
    case = register(clerk, ref)
    api.force_authenticate(clerk)
    api.post(
        f"/api/v1/cases/{case.number}/transitions/triage/", {"window": "mediation"}, format="json"
    )
    api.force_authenticate(supervisor)
    response = api.post(
        f"/api/v1/cases/{case.number}/transitions/start_mediation/",
        {"organisation": org.pk, "mediators": [chen.pk], "lead": li.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "主持调解员须在所选调解员之中" in response.json()["errors"]["lead"][0]
    assert Case.objects.get(pk=case.pk).state == "triaged"


def test_sessions_are_scheduled_with_notices_and_recorded(api, clerk, supervisor, ref, org, chen):
    case = start(register(clerk, ref), supervisor, org, [chen])
    api.force_authenticate(chen.user)
    when = (timezone.now() + timedelta(days=1)).isoformat()
    response = api.post(
        f"/api/v1/cases/{case.number}/sessions/",
        {"scheduled_at": when, "place": "on_site", "location": "中心调解室1"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    sms = Notification.objects.filter(channel="sms", case_number=case.number)
    assert sms.count() == 1  # the applicant left a phone; the respondent did not
    assert sms.get().destination_masked.count("*") == 4 and "中心调解室1" in sms.get().body
    held = api.post(
        f"/api/v1/cases/{case.number}/sessions/",
        {
            "held_at": timezone.now().isoformat(),
            "place": "on_site",
            "attendees": ["张建华", "李国强"],
            "record": "申请人称通道被占；被申请人称围墙在自家地界。",
            "outcome": "双方同意拆除多建部分",
        },
        format="json",
    )
    assert held.status_code == 201
    listed = api.get(f"/api/v1/cases/{case.number}/sessions/").json()
    assert [s["outcome"] for s in listed] == ["", "双方同意拆除多建部分"] or len(listed) == 2
    bad = api.post(f"/api/v1/cases/{case.number}/sessions/", {"place": "phone"}, format="json")
    assert bad.status_code == 400 and "scheduled_at" in bad.json()["errors"]


def test_agreement_needs_every_party_to_sign(api, clerk, supervisor, ref, org, chen):
    case = start(register(clerk, ref), supervisor, org, [chen])
    api.force_authenticate(chen.user)
    data = agreement_data(case)
    data["signatures"] = data["signatures"][:1]
    response = api.post(
        f"/api/v1/cases/{case.number}/transitions/record_agreement/", data, format="json"
    )
    assert response.status_code == 400
    assert "尚未签署" in response.json()["errors"]["signatures"][0]
    assert Case.objects.get(pk=case.pk).state == "mediating"


def test_agreement_makes_version_one_and_its_pdf(
    api, clerk, supervisor, ref, org, chen, django_capture_on_commit_callbacks
):
    case = start(register(clerk, ref), supervisor, org, [chen])
    api.force_authenticate(chen.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/cases/{case.number}/transitions/record_agreement/",
            agreement_data(case),
            format="json",
        )
    assert response.json()["state"] == "agreed"
    agreement = Agreement.objects.get(mediation__case=case)
    assert agreement.version == 1 and agreement.mediator_names == "陈建国"
    assert {s["method"] for s in agreement.signatures} == {"onscreen"}
    docs = api.get(f"/api/v1/cases/{case.number}/documents/").json()
    assert {d["kind"] for d in docs} == {"receipt", "agreement"}
    assert CaseDocument.objects.get(kind="agreement").status == "ready"  # eager in tests


def test_a_correction_is_a_new_version_and_the_old_pdf_stays(
    clerk, supervisor, ref, org, chen, django_capture_on_commit_callbacks
):
    from intake import workflow

    case = start(register(clerk, ref), supervisor, org, [chen])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.fire(
            actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
        )
    first = Agreement.objects.get(mediation__case=case)
    with django_capture_on_commit_callbacks(execute=True):
        second = agreement_correct(
            actor=chen.user,
            agreement=first,
            note="更正拆除日期",
            performance_due=first.performance_due + timedelta(days=5),
        )
    assert second.version == 2 and second.correction_note == "更正拆除日期"
    docs = CaseDocument.objects.filter(case=case, kind="agreement").order_by("ref_version")
    assert [(d.ref_version, d.status) for d in docs] == [(1, "ready"), (2, "ready")]
    assert docs[0].file.name != docs[1].file.name and docs[0].file.storage.exists(docs[0].file.name)


def test_failure_records_the_reason(api, clerk, supervisor, ref, org, chen):
    case = start(register(clerk, ref), supervisor, org, [chen])
    _held(case, chen)
    api.force_authenticate(chen.user)
    response = api.post(
        f"/api/v1/cases/{case.number}/transitions/fail_mediation/",
        {"reason": "被申请人拒绝拆除，双方分歧过大"},
        format="json",
    )
    assert response.json()["state"] == "mediation_failed"
    mediation = Mediation.objects.get(case=case)
    assert mediation.failed_reason == "被申请人拒绝拆除，双方分歧过大"
    assert mediation.ended_at is not None and not mediation.party_refused
    missing = register(clerk, ref)
    start(missing, supervisor, org, [chen])
    _held(missing, chen)
    assert (
        api.post(
            f"/api/v1/cases/{missing.number}/transitions/fail_mediation/", {}, format="json"
        ).status_code
        == 400
    )


def _held(case, chen):
    from mediation.services import session_save

    session_save(
        actor=chen.user,
        mediation=case.mediation,
        place="on_site",
        held_at=timezone.now(),
        attendees=["张建华", "李国强"],
        record="双方各自陈述，分歧较大。",
    )


def test_mediation_does_not_fail_without_a_session(api, clerk, supervisor, ref, org, chen):
    """No session held and recorded, no refusal recorded: the mediation cannot be declared
    failed, and the error names the box that records the refusal."""
    case = start(register(clerk, ref), supervisor, org, [chen])
    from mediation.services import session_save

    session_save(  # scheduled only: not a session held
        actor=chen.user,
        mediation=case.mediation,
        place="on_site",
        scheduled_at=timezone.now() + timedelta(days=2),
    )
    api.force_authenticate(chen.user)
    url = f"/api/v1/cases/{case.number}/transitions/fail_mediation/"
    response = api.post(url, {"reason": "双方分歧过大"}, format="json")
    assert response.status_code == 400
    body = response.json()
    message = str(body)
    assert "party_refused" in message and "尚未记录任何一次已进行的调解" in message
    assert "当事人拒绝参加调解" in message
    assert Case.objects.get(pk=case.pk).state == "mediating"

    response = api.post(
        url, {"reason": "被申请人两次拒绝到场", "party_refused": True}, format="json"
    )
    assert response.json()["state"] == "mediation_failed"
    mediation = Mediation.objects.get(case=case)
    assert mediation.party_refused and mediation.failed_reason == "被申请人两次拒绝到场"


def test_the_case_page_says_why_it_cannot_fail(client, clerk, supervisor, ref, org, chen):
    case = start(register(clerk, ref), supervisor, org, [chen])
    client.force_login(chen.user)
    response = client.post(
        reverse("intake:transition", args=[case.number, "fail_mediation"]),
        {"reason": "双方分歧过大", "version": case.version},
        follow=True,
    )
    page = response.content.decode()
    assert "尚未记录任何一次已进行的调解" in page
    assert Case.objects.get(pk=case.pk).state == "mediating"


def test_parties_may_withdraw_during_mediation(api, clerk, supervisor, ref, org, chen):
    case = start(register(clerk, ref), supervisor, org, [chen])
    api.force_authenticate(clerk)
    response = api.post(
        f"/api/v1/cases/{case.number}/transitions/withdraw/",
        {"reason": "双方自行和解"},
        format="json",
    )
    assert response.json()["state"] == "closed"


def test_not_performed_is_a_risk_signal(clerk, supervisor, ref, org, chen):
    from intake import workflow

    case = start(register(clerk, ref), supervisor, org, [chen])
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    agreement = Agreement.objects.get(mediation__case=case)
    performance_record(
        actor=chen.user, agreement=agreement, status="not_performed", note="逾期未拆除"
    )
    case.refresh_from_db()
    agreement.refresh_from_db()
    assert agreement.performance == "not_performed"
    assert case.risk_level == "medium" and "未履行" in case.risk_reason


def test_my_cases_lists_sessions_and_urgency(
    client, clerk, supervisor, ref, org, chen, time_machine
):
    time_machine.move_to("2026-11-27 08:00 +08:00")
    early = start(register(clerk, ref), supervisor, org, [chen])
    time_machine.move_to("2026-11-27 09:00 +08:00")
    later = start(register(clerk, ref), supervisor, org, [chen])
    Mediation.objects.filter(case=later).update(clock_due=timezone.localdate())
    from mediation.services import session_save

    session_save(
        actor=chen.user,
        mediation=early.mediation,
        place="on_site",
        scheduled_at=timezone.now() + timedelta(hours=2),
        location="调解室2",
    )
    client.force_login(chen.user)
    page = client.get("/mediation/").content.decode()
    assert page.index(later.number) < page.index(early.number, page.index('id="my-cases"'))
    today = page[page.index('id="today-sessions"') : page.index('id="week-sessions"')]
    assert early.number in today and "调解室2" in today


def test_my_cases_follows_up_performance(client, clerk, supervisor, ref, org, chen, time_machine):
    from intake import workflow

    case = start(register(clerk, ref), supervisor, org, [chen])
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    client.force_login(chen.user)
    page = client.get("/mediation/").content.decode()
    follow = page[page.index('id="follow-ups"') :]
    assert case.number in follow and "已到期" not in follow
    time_machine.move_to(timezone.now() + timedelta(days=30))
    client.force_login(chen.user)  # a month later: a new session
    follow = client.get("/mediation/").content.decode()
    assert "已到期，请核实履行情况" in follow[follow.index('id="follow-ups"') :]


def test_my_cases_queries_do_not_grow_with_the_cases(client, clerk, supervisor, ref, org, chen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start(register(clerk, ref), supervisor, org, [chen])
    client.force_login(chen.user)
    client.get("/mediation/")
    with CaptureQueriesContext(connection) as one:
        client.get("/mediation/")
    for _ in range(8):
        start(register(clerk, ref), supervisor, org, [chen])
    with CaptureQueriesContext(connection) as nine:
        page = client.get("/mediation/").content.decode()
    assert page.count('href="/intake/cases/330523-') >= 9
    assert len(nine) == len(one)


def test_a_lead_who_cannot_sign_in_is_refused(api, clerk, supervisor, ref, org, chen, county):
    """A case led by someone without an account would sit on no one's desk."""
    no_account = mediator(county, "周国平", orgs=[org])
    case = register(clerk, ref)
    api.force_authenticate(clerk)
    api.post(
        f"/api/v1/cases/{case.number}/transitions/triage/", {"window": "mediation"}, format="json"
    )
    api.force_authenticate(supervisor)
    response = api.post(
        f"/api/v1/cases/{case.number}/transitions/start_mediation/",
        {"organisation": org.pk, "mediators": [chen.pk, no_account.pk], "lead": no_account.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "周国平没有可登录的系统账号" in response.json()["errors"]["lead"][0]
    assert Case.objects.get(pk=case.pk).state == "triaged"


def test_the_lead_belongs_to_the_organisation(api, clerk, supervisor, ref, org, chen, county):
    other = organisation(county, "交通事故调委会", kind="industry", mediation_kind="traffic")
    case = register(clerk, ref)
    api.force_authenticate(clerk)
    api.post(
        f"/api/v1/cases/{case.number}/transitions/triage/", {"window": "mediation"}, format="json"
    )
    api.force_authenticate(supervisor)
    response = api.post(
        f"/api/v1/cases/{case.number}/transitions/start_mediation/",
        {"organisation": other.pk, "mediators": [chen.pk], "lead": chen.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "主持调解员须属于所选调解组织" in response.json()["errors"]["lead"][0]
