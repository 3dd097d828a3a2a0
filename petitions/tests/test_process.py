"""The petition window's process: each step and who may take it, the clocks of 《信访工作
条例》, the round trip to mediation with one number, the flags, and bad input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from centre.models import Clock, Notification
from intake import workflow
from intake.models import Case, CaseDocument, CaseEvent
from intake.tests.factories import applicant, register
from mediation.tests.factories import agreement_data, mediator, organisation
from petitions.models import Petition
from petitions.tests.conftest import REPLY, fire

pytestmark = pytest.mark.django_db

# Who may take each step (the window's officer; the extension is the supervisor's, 第34条).
ALLOWED = {
    "petition_accept": {"petition_officer"},
    "petition_decline": {"petition_officer"},
    "petition_extend": {"supervisor"},
    "petition_to_mediation": {"petition_officer"},
    "petition_reply": {"petition_officer"},
    "petition_review_request": {"petition_officer"},
    "petition_review_reply": {"petition_officer"},
    "petition_recheck_request": {"petition_officer"},
    "petition_recheck_reply": {"petition_officer"},
    "petition_conclude": {"petition_officer"},
}


def _clock(case, code):
    return Clock.objects.get(case_number=case.number, rule__code=code)


def _reply(officer, case, opinion="partial", text=REPLY, name="petition_reply"):
    return fire(officer, case, name, opinion=opinion, text=text)


@pytest.mark.parametrize("name", list(ALLOWED))
def test_each_step_for_each_role(role_users, petition_case, name):
    for code, user in role_users.items():
        assert workflow.may_fire(user, petition_case, name) is (code in ALLOWED[name]), (
            name,
            code,
        )


def test_a_refused_role_gets_403_and_an_outsider_404(role_users, petition_case):
    api = APIClient()
    url = f"/api/v1/cases/{petition_case.number}/transitions/petition_accept/"
    api.force_authenticate(role_users["mediator"])
    assert api.post(url, {}, format="json").status_code == 404  # not their case
    api.force_authenticate(role_users["clerk"])
    assert api.post(url, {}, format="json").status_code == 403
    api.force_authenticate(role_users[None])
    assert api.post(url, {}, format="json").status_code == 404
    assert not Petition.objects.exists()


def test_accept_starts_the_60_day_clock_and_stops_the_15_day_notice(
    petition_officer, petition_case, time_machine, django_capture_on_commit_callbacks
):
    assert _clock(petition_case, "petition_notice").stopped_at is None
    time_machine.move_to("2026-12-07 10:00 +08:00")
    with django_capture_on_commit_callbacks(execute=True):
        case = fire(petition_officer, petition_case, "petition_accept", skip_level=False)
    assert case.state == Case.State.HANDLING
    petition = Petition.objects.get(case=case)
    assert petition.state == Petition.State.HANDLING
    assert petition.accepted_by == petition_officer
    assert _clock(case, "petition_notice").stopped_at is not None
    handle = _clock(case, "petition_handle")
    # 60 days from 2026-12-07 is 2027-02-05, 除夕: 2027 not yet published, its statutory
    # holidays (除夕 to 初三) still count — the period ends on Tuesday 02-09, 暂定.
    assert handle.due_on.isoformat() == "2027-02-09" and handle.stopped_at is None
    assert handle.provisional
    assert petition.handle_due == handle.due_on
    # The officer's page says so beside the date.
    client = Client()
    client.force_login(petition_officer)
    page = client.get(reverse("intake:case", args=[case.number])).content.decode()
    assert "2027年2月9日（暂定）" in page
    doc = CaseDocument.objects.get(case=case, kind="petition_acceptance")
    assert doc.status == CaseDocument.Status.READY
    event = case.events.get(transition="petition_accept")
    assert (event.from_state, event.to_state) == ("triaged", "handling")
    assert event.data["window_state"] == "handling"


def test_decline_names_the_channel_and_closes_the_case(petition_officer, petition_case):
    case = fire(
        petition_officer,
        petition_case,
        "petition_decline",
        channel="litigation",
        reason="该事项属于民事合同纠纷，应当通过诉讼途径解决",
        skip_level=False,
    )
    assert case.state == Case.State.CLOSED and case.outcome == Case.Outcome.DECLINED
    petition = case.petition
    assert petition.state == Petition.State.DECLINED
    assert petition.declined_channel == "litigation"
    assert not Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).exists()
    assert CaseDocument.objects.filter(case=case, kind="petition_declined").exists()


def test_one_extension_by_at_most_30_days_by_a_supervisor_and_the_petitioner_told(
    petition_officer, supervisor, petition_case, time_machine
):
    time_machine.move_to("2026-12-07 10:00 +08:00")
    case = fire(petition_officer, petition_case, "petition_accept")
    before = _clock(case, "petition_handle").due_on
    with pytest.raises(workflow.Invalid) as too_long:
        fire(supervisor, case, "petition_extend", days=31, reason="需要多部门会商")
    assert "days" in too_long.value.errors and "30日" in too_long.value.errors["days"][0]["message"]
    sms_before = Notification.objects.filter(channel="sms").count()
    case = fire(supervisor, case, "petition_extend", days=30, reason="涉及多个部门，需会商核实")
    clock = _clock(case, "petition_handle")
    # 60 + 30 = 90 days from 2026-12-07 is Sunday 2027-03-07: the period ends on Monday.
    assert before.isoformat() == "2027-02-09" and clock.due_on.isoformat() == "2027-03-08"
    assert clock.extended_days == 30 and clock.extension_approved_by == supervisor
    petition = Petition.objects.get(case=case)
    assert petition.handle_due == clock.due_on and petition.extended_by == supervisor
    sms = Notification.objects.filter(channel="sms").order_by("-id")
    assert sms.count() == sms_before + 1  # the applicant only, not the respondent
    assert "延长30日" in sms.first().body and "会商核实" in sms.first().body
    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(workflow.Invalid) as second:
        fire(supervisor, case, "petition_extend", days=5, reason="再延")
    assert "延长过一次" in second.value.errors["days"][0]["message"]
    assert Case.objects.get(pk=case.pk).version == version
    assert _clock(case, "petition_handle").due_on == clock.due_on


def test_reply_review_and_recheck_each_with_its_30_day_clock(
    petition_officer, petition_case, time_machine
):
    time_machine.move_to("2026-12-07 10:00 +08:00")
    case = fire(petition_officer, petition_case, "petition_accept")
    time_machine.move_to("2026-12-20 10:00 +08:00")
    case = _reply(petition_officer, case)
    petition = Petition.objects.get(case=case)
    assert petition.state == Petition.State.REPLIED and case.state == Case.State.HANDLING
    assert _clock(case, "petition_handle").stopped_at is not None
    request = _clock(case, "petition_review_request")
    assert request.due_on.isoformat() == "2027-01-19" == petition.request_due.isoformat()
    case = fire(petition_officer, case, "petition_review_request", reason="对答复不服")
    assert _clock(case, "petition_review_request").stopped_at is not None
    assert _clock(case, "petition_review").stopped_at is None
    case = _reply(petition_officer, case, "reject", name="petition_review_reply")
    assert _clock(case, "petition_review").stopped_at is not None
    assert _clock(case, "petition_recheck_request").stopped_at is None
    case = fire(petition_officer, case, "petition_recheck_request", reason="仍不服")
    case = _reply(petition_officer, case, "reject", name="petition_recheck_reply")
    petition.refresh_from_db()
    assert petition.state == Petition.State.RECHECKED
    # 复核 is final: no further request.
    assert "petition_recheck_request" not in {
        s.name for s in workflow.available(case, petition_officer)
    }
    case = fire(petition_officer, case, "petition_conclude", result="复核意见已送达，终结")
    assert case.state == Case.State.CLOSED and case.outcome == Case.Outcome.HANDLED
    kinds = set(CaseDocument.objects.filter(case=case).values_list("kind", flat=True))
    assert {"petition_opinion", "petition_review_opinion", "petition_recheck_opinion"} <= kinds
    assert not Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).exists()


def test_conclude_only_once_the_request_window_lapsed(
    petition_officer, petition_case, time_machine
):
    time_machine.move_to("2026-12-07 10:00 +08:00")
    case = _reply(petition_officer, fire(petition_officer, petition_case, "petition_accept"))
    with pytest.raises(workflow.NotAllowed):
        fire(petition_officer, case, "petition_conclude", result="答复已送达")
    time_machine.move_to("2027-01-08 10:00 +08:00")  # the 30 days ran to 2027-01-06
    case = fire(petition_officer, case, "petition_conclude", result="答复已送达，期满未请求复查")
    assert case.state == Case.State.CLOSED


def test_bad_input_is_a_field_error_and_nothing_is_saved(petition_officer, petition_case):
    case = fire(petition_officer, petition_case, "petition_accept")
    version = Case.objects.get(pk=case.pk).version
    documents = CaseDocument.objects.count()
    for data, field in [
        ({"opinion": "partial", "text": ""}, "text"),
        ({"opinion": "maybe", "text": REPLY}, "opinion"),
        ({"opinion": "support", "text": "同意"}, "text"),
    ]:
        with pytest.raises(workflow.Invalid) as exc:
            fire(petition_officer, case, "petition_reply", **data)
        assert field in exc.value.errors
    assert Case.objects.get(pk=case.pk).version == version
    assert Petition.objects.get(case=case).state == Petition.State.HANDLING
    assert CaseDocument.objects.count() == documents


def test_decline_without_a_channel_or_reason_is_refused(petition_officer, petition_case):
    with pytest.raises(workflow.Invalid) as exc:
        fire(petition_officer, petition_case, "petition_decline", reason="")
    assert {"channel", "reason"} <= set(exc.value.errors)
    assert not Petition.objects.exists()
    assert Case.objects.get(pk=petition_case.pk).state == Case.State.TRIAGED


def test_to_mediation_and_back_with_one_number(petition_officer, petition_case, county, make_user):
    chen = mediator(
        county, "陈建国", orgs=[organisation(county)], user=make_user("mediator", "mediator")
    )
    case = fire(petition_officer, petition_case, "petition_accept")
    case = fire(
        petition_officer,
        case,
        "petition_to_mediation",
        organisation=chen.organisations.first().pk,
        mediators=[chen.pk],
        lead=chen.pk,
    )
    assert case.state == Case.State.MEDIATING
    assert case.mediation.linkage == "petition"
    assert Petition.objects.get(case=case).state == Petition.State.MEDIATING
    # While mediation runs the petition waits: no reply yet.
    assert "petition_reply" not in {s.name for s in workflow.available(case, petition_officer)}
    case = workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    assert case.state == Case.State.AGREED
    names = {s.name for s in workflow.available(case, petition_officer)}
    assert {"petition_reply", "petition_conclude"} <= names
    case = _reply(petition_officer, case, "support")
    assert case.state == Case.State.HANDLING
    assert Case.objects.filter(number=case.number).count() == 1
    assert case.events.filter(transition="record_agreement").exists()


def test_the_panel_shows_the_mediations_result(
    client, petition_officer, petition_case, county, make_user
):
    chen = mediator(
        county, "陈建国", orgs=[organisation(county)], user=make_user("mediator", "mediator")
    )
    case = fire(petition_officer, petition_case, "petition_accept")
    org = chen.organisations.first().pk
    case = fire(
        petition_officer,
        case,
        "petition_to_mediation",
        organisation=org,
        mediators=[chen.pk],
        lead=chen.pk,
    )
    workflow.fire(
        actor=chen.user,
        number=case.number,
        name="fail_mediation",
        data={"reason": "双方分歧过大", "party_refused": True},
    )
    client.force_login(petition_officer)
    page = client.get(f"/intake/cases/{case.number}/").content.decode()
    assert 'id="petition-panel"' in page and "调解不成" in page and "双方分歧过大" in page


def test_repeat_collective_and_skip_level_are_flagged_on_the_case(clerk, petition_officer, ref):
    first = register(clerk, ref, nature=Case.Nature.PETITION, parties=[applicant(name="王某")])
    first = workflow.fire(
        actor=clerk, number=first.number, name="triage", data={"window": "petition"}
    )
    fire(petition_officer, first, "petition_accept")
    petitioner = first.case_parties.get(role="applicant").party
    again = register(
        clerk,
        ref,
        nature=Case.Nature.PETITION,
        involved_count=6,
        parties=[
            applicant(
                name="王某",
                id_number=petitioner and _id_of(petitioner),
            )
        ],
    )
    again = workflow.fire(
        actor=clerk, number=again.number, name="triage", data={"window": "petition"}
    )
    again = fire(petition_officer, again, "petition_accept", skip_level=True)
    petition = Petition.objects.get(case=again)
    assert (petition.repeat, petition.collective, petition.skip_level) == (True, True, True)
    case = Case.objects.get(pk=again.pk)
    assert case.risk_repeat and case.risk_mass and case.risk_level == "high"
    assert "越级信访" in case.risk_reason


def _id_of(party):
    from intake.services import party_reveal_for_document

    return party_reveal_for_document(party)["id_number"]


def test_a_stale_version_is_409(petition_officer, petition_case):
    api = APIClient()
    api.force_authenticate(petition_officer)
    url = f"/api/v1/cases/{petition_case.number}/transitions/petition_accept/"
    stale = petition_case.version - 1
    assert api.post(url, {"version": stale}, format="json").status_code == 409
    response = api.post(url, {"version": petition_case.version}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "handling"
    assert api.post(url, {}, format="json").status_code == 409  # already accepted


def test_the_api_lists_the_windows_steps_with_their_fields(petition_officer, petition_case):
    api = APIClient()
    api.force_authenticate(petition_officer)
    listed = api.get(f"/api/v1/cases/{petition_case.number}/transitions/").json()
    by_name = {t["name"]: t for t in listed}
    assert set(by_name) == {"petition_accept", "petition_decline"}
    fields = {f["name"]: f for f in by_name["petition_decline"]["fields"]}
    assert {"channel", "reason", "skip_level"} <= set(fields)
    assert {c["value"] for c in fields["channel"]["choices"]} == {
        "litigation",
        "arbitration",
        "administrative_review",
        "other_organ",
    }
    assert fields["reason"]["required"] and "choices" not in fields["reason"]


def test_an_api_client_sends_a_petition_to_mediation_with_the_listed_choices(
    petition_officer, petition_case, county, make_user
):
    chen = mediator(
        county, "陈建国", orgs=[organisation(county)], user=make_user("mediator", "mediator")
    )
    api = APIClient()
    api.force_authenticate(petition_officer)
    base = f"/api/v1/cases/{petition_case.number}/transitions/"
    assert api.post(base + "petition_accept/", {}, format="json").status_code == 200
    listed = {t["name"]: t for t in api.get(base).json()}
    fields = {f["name"]: f for f in listed["petition_to_mediation"]["fields"]}
    assert "linkage" not in fields
    assert fields["mediators"]["choices"] == [{"value": str(chen.pk), "label": str(chen)}]
    org = fields["organisation"]["choices"][0]["value"]
    response = api.post(
        base + "petition_to_mediation/",
        {"organisation": org, "mediators": [chen.pk], "lead": chen.pk},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == "mediating"


def test_the_queue_orders_by_the_nearest_clock(client, clerk, petition_officer, ref, mediator):
    cases = []
    for _ in range(2):
        case = register(clerk, ref, nature=Case.Nature.PETITION)
        cases.append(
            workflow.fire(
                actor=clerk, number=case.number, name="triage", data={"window": "petition"}
            )
        )
    fire(petition_officer, cases[0], "petition_accept")  # its 60-day clock is the later one
    client.force_login(petition_officer)
    page = client.get("/petitions/").content.decode()
    assert page.index(cases[1].number) < page.index(cases[0].number)
    client.force_login(mediator)
    assert client.get("/petitions/").status_code == 403


def test_timeline_records_each_step(petition_officer, petition_case):
    fire(petition_officer, petition_case, "petition_accept")
    assert CaseEvent.objects.filter(
        case=petition_case, transition="petition_accept", actor=petition_officer
    ).exists()


def test_the_queue_reads_a_fixed_number_of_queries(
    client, clerk, petition_officer, ref, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            case = register(clerk, ref, nature=Case.Nature.PETITION)
            case = workflow.fire(
                actor=clerk, number=case.number, name="triage", data={"window": "petition"}
            )
            fire(petition_officer, case, "petition_accept")

    client.force_login(petition_officer)
    add(2)
    client.get("/petitions/")  # warm the reference caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/petitions/").status_code == 200
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/petitions/").content.decode()
    assert page.count('data-case="') == 10


def test_a_petition_withdrawn_while_handled_says_so(client, clerk, petition_officer, petition_case):
    case = fire(petition_officer, petition_case, "petition_accept")
    case = fire(clerk, case, "withdraw", reason="信访人撤回")
    assert case.state == Case.State.CLOSED
    assert not Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).exists()
    client.force_login(petition_officer)
    page = client.get(f"/intake/cases/{case.number}/").content.decode()
    assert "案件已办结：当事人撤回" in "".join(page.split())
    assert not workflow.available(case, petition_officer)


def test_the_timeline_names_the_windows_state_in_the_readers_language(
    client, petition_officer, petition_case
):
    fire(petition_officer, petition_case, "petition_accept")
    client.force_login(petition_officer)
    url = f"/intake/cases/{petition_case.number}/"
    assert "窗口：办理中" in client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Window: Being handled" in english


def test_a_matter_triaged_here_from_another_nature_gets_the_15_day_notice_clock(
    clerk, petition_officer, ref, time_machine
):
    time_machine.move_to("2026-12-01 10:00 +08:00")
    case = register(clerk, ref)  # a dispute: no notice clock at registration
    assert not Clock.objects.filter(case_number=case.number).exists()
    time_machine.move_to("2026-12-03 10:00 +08:00")
    case = workflow.fire(
        actor=clerk,
        number=case.number,
        name="triage",
        data={"window": "petition", "note": "实为对镇政府的投诉"},
    )
    notice = _clock(case, "petition_notice")
    assert notice.started_on.isoformat() == "2026-12-01"  # from receipt, not from triage
    assert notice.due_on.isoformat() == "2026-12-16"
    fire(petition_officer, case, "petition_accept")
    assert _clock(case, "petition_notice").stopped_at is not None
