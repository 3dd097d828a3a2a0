"""A failed mediation is no dead end: the supervisors and the registering clerk hear of it,
and the case page offers what can follow (litigation, referral, mediating again)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from centre.models import Clock, Notification
from intake import workflow
from intake.models import Case
from intake.tests.factories import register
from mediation.models import Mediation
from mediation.tests.factories import agreement_data, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(clerk, supervisor, ref, org, chen):
    case = start(register(clerk, ref), supervisor, org, [chen])
    return workflow.fire(
        actor=chen.user,
        number=case.number,
        name="fail_mediation",
        data={"reason": "被申请人拒不到场", "party_refused": True},
    )


def _messages(case):
    return Notification.objects.filter(case_number=case.number, subject__startswith="调解不成")


def test_supervisors_and_the_registering_clerk_are_told_once(failed, clerk, supervisor, chen):
    told = {n.recipient_user for n in _messages(failed)}
    assert told == {clerk, supervisor}
    message = _messages(failed).first()
    assert message.channel == "inapp" and "被申请人拒不到场" in message.body
    # Told again of the same failure (a retried task, say): nothing new.
    from mediation.services import mediation_fail

    mediation_fail(case=Case.objects.get(pk=failed.pk), reason="被申请人拒不到场")
    assert _messages(failed).count() == 2


def test_supervisors_of_another_county_are_not_told(failed):
    from centre.tests.factories import CountyFactory, UserFactory

    other = UserFactory(
        username="deqing_supervisor",
        roles=["supervisor"],
        roles__county=CountyFactory(code="330521", name="德清县"),
    )
    assert not _messages(failed).filter(recipient_user=other).exists()


def test_the_case_page_offers_the_next_steps(client, failed, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("intake:case", args=[failed.number])).content.decode()
    actions = page[page.index('id="actions"') :]
    offered = [
        name
        for name in ("hand_off", "refer", "resume_mediation", "withdraw")
        if f'data-transition="{name}"' in actions
    ]
    assert offered == ["hand_off", "refer", "resume_mediation", "withdraw"]
    # Litigation is the expected step: it leads, as the one primary button.
    first = actions.index('data-transition="hand_off"')
    assert actions.index('data-transition="refer"') > first
    assert actions[first : actions.index("</form>", first)].count("btn-primary") == 1


def test_mediating_again_takes_the_case_back_on_a_new_clock(failed, supervisor, chen, time_machine):
    time_machine.move_to("2026-11-02 10:00 +08:00")
    case = workflow.fire(
        actor=supervisor,
        number=failed.number,
        name="resume_mediation",
        data={"reason": "被申请人同意再次到场"},
    )
    assert case.state == Case.State.MEDIATING
    mediation = Mediation.objects.get(case=case)
    assert mediation.ended_at is None and mediation.failed_reason == ""
    assert mediation.clock_due.isoformat() == "2026-12-02"
    clock = Clock.objects.get(subject="mediation", subject_id=mediation.pk)
    assert clock.stopped_at is None and clock.due_on == mediation.clock_due
    assert Notification.objects.filter(
        recipient_user=chen.user, subject__contains="再次调解"
    ).exists()
    # The mediators carry on: an agreement can be reached this time.
    agreed = workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    assert agreed.state == Case.State.AGREED


def test_mediating_again_needs_a_reason_and_the_right(failed, clerk, supervisor):
    with pytest.raises(workflow.Invalid):
        workflow.fire(actor=supervisor, number=failed.number, name="resume_mediation", data={})
    with pytest.raises(workflow.Forbidden):
        workflow.fire(
            actor=clerk, number=failed.number, name="resume_mediation", data={"reason": "再试"}
        )


def test_a_failed_case_can_be_referred_to_another_window(failed, clerk):
    case = workflow.fire(
        actor=clerk,
        number=failed.number,
        name="refer",
        data={"window": "petition", "note": "涉及村委会决策，转信访"},
    )
    assert case.state == Case.State.REFERRED and case.window.code == "petition"
