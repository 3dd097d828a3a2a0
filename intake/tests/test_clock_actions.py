"""A supervisor's clock actions on the case page: one service, the clock and its timeline
entry together; the people's-mediation period lengthened only with the parties' consent,
recorded (司法部《人民调解工作若干规定》第33条)."""

from __future__ import annotations

import pytest

from centre.models import Clock
from intake.models import CaseEvent
from intake.tests.factories import reference_data, register
from mediation.tests.factories import mediator as make_mediator
from mediation.tests.factories import organisation, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def mediating(county, supervisor, make_user, time_machine):
    time_machine.move_to("2026-11-02 10:00 +08:00")
    ref = reference_data(county)
    lead = make_mediator(
        county, "陈建国", orgs=[organisation(county)], user=make_user("mediator", "m1")
    )
    case = start(register(supervisor, ref), supervisor, lead.organisations.first(), [lead])
    return case, Clock.objects.get(case_number=case.number, rule__code="mediation_people")


def _post(client, case, clock, action, **data):
    url = f"/intake/cases/{case.number}/clocks/{clock.pk}/{action}/"
    return client.post(url, data, follow=True)


def test_the_mediation_period_is_lengthened_only_with_the_parties_consent(
    client, supervisor, mediating
):
    case, clock = mediating
    client.force_login(supervisor)
    page = client.get(f"/intake/cases/{case.number}/").content.decode()
    assert "当事人已同意延长" in page
    refused = _post(client, case, clock, "extend", reason="双方希望再谈一次")
    assert "须经当事人同意" in refused.content.decode()
    clock.refresh_from_db()
    assert not clock.extended_days
    done = _post(client, case, clock, "extend", reason="双方希望再谈一次", consent="on")
    assert "期限已更新" in done.content.decode()
    clock.refresh_from_db()
    assert clock.extended_days == 30 and clock.extension_approved_by == supervisor
    event = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert "经当事人同意" in event.note and "双方希望再谈一次" in event.note


def test_the_clock_and_its_timeline_entry_commit_together(
    client, supervisor, mediating, monkeypatch
):
    """If the timeline entry cannot be written, the clock is not paused either."""
    case, clock = mediating
    client.force_login(supervisor)

    def broken(*args, **kwargs):
        raise RuntimeError("timeline unavailable")

    monkeypatch.setattr(CaseEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        client.post(f"/intake/cases/{case.number}/clocks/{clock.pk}/pause/", {"reason": "住院"})
    clock.refresh_from_db()
    assert clock.paused_at is None


def test_a_clerk_cannot_touch_a_clock(client, clerk, mediating):
    case, clock = mediating
    client.force_login(clerk)
    response = client.post(f"/intake/cases/{case.number}/clocks/{clock.pk}/pause/", {"reason": "x"})
    assert response.status_code in (403, 404)
    clock.refresh_from_db()
    assert clock.paused_at is None
