"""Timeline notes the system writes read in the reader's language, and the record keeps
the Chinese text as written."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop
from rest_framework.test import APIClient

from centre.models import DeadlineRule
from intake.models import CaseEvent
from intake.notes import event_note
from intake.tests.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def noted_case(clerk, ref):
    case = register(clerk, ref)
    CaseEvent.objects.create(
        case=case,
        actor=clerk,
        kind=CaseEvent.Kind.TRANSITION,
        **event_note(
            gettext_noop("期限%(action)s：%(rule)s %(reason)s"),
            {
                "action": gettext_lazy("中止"),
                "rule": DeadlineRule.objects.get(code="mediation_people"),
                "reason": "当事人住院",
            },
        ),
    )
    return case


def test_a_system_note_is_stored_in_chinese(noted_case):
    event = noted_case.events.get(kind=CaseEvent.Kind.TRANSITION)
    assert event.note == "期限中止：人民调解期限 当事人住院"


def test_the_case_page_reads_the_note_in_english_and_in_chinese(client, clerk, noted_case):
    client.force_login(clerk)
    url = reverse("intake:case", args=[noted_case.number])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pause time limit: People&#x27;s mediation period 当事人住院" in english
    assert "期限中止" not in english
    chinese = client.get(url).content.decode()
    assert "期限中止：人民调解期限 当事人住院" in chinese


def test_the_api_gives_the_note_in_the_language_asked_for(clerk, noted_case):
    api = APIClient()
    api.force_authenticate(clerk)
    body = api.get(f"/api/v1/cases/{noted_case.number}/", HTTP_ACCEPT_LANGUAGE="en").json()
    notes = [e["note"] for e in body["timeline"]]
    assert "Pause time limit: People's mediation period 当事人住院" in notes


def test_dates_in_a_note_follow_the_language():
    fields = event_note(
        gettext_noop("院长批准延长审查期限至%(due)s：%(reason)s"),
        {"due": date(2026, 3, 5), "reason": "案情复杂"},
    )
    assert fields["note"] == "院长批准延长审查期限至2026年3月5日：案情复杂"
