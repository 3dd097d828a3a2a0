"""The case page's actions box: the expected next step leads; a step that ends the case
unresolved (撤回) stands apart and is confirmed before it is sent."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from intake.models import Case
from intake.tests.factories import register

pytestmark = pytest.mark.django_db


def _actions(client, case) -> str:
    page = client.get(reverse("intake:case", args=[case.number])).content.decode()
    return page[page.index('id="actions"') :]


def _form(html: str, name: str) -> str:
    start = html.index(f'data-transition="{name}"')
    return html[start : html.index("</form>", start)]


def test_the_expected_step_leads_and_withdrawal_stands_apart(client, clerk, ref):
    case = register(clerk, ref)
    client.force_login(clerk)
    actions = _actions(client, case)
    assert actions.index('data-transition="triage"') < actions.index('data-transition="refer"')
    assert "btn-primary" in _form(actions, "triage")
    assert "btn-primary" not in _form(actions, "refer")
    apart = actions[actions.index('id="destructive-steps"') :]
    withdraw = _form(apart, "withdraw")
    assert "btn-outline-danger" in withdraw
    assert re.search(r'<input[^>]*name="confirmed"[^>]*required', withdraw)
    assert "确认撤回" in withdraw
    # Only the destructive steps are in the group apart.
    assert 'data-transition="triage"' not in apart


def test_withdrawal_without_the_box_ticked_changes_nothing(client, clerk, ref):
    case = register(clerk, ref)
    client.force_login(clerk)
    url = reverse("intake:transition", args=[case.number, "withdraw"])
    response = client.post(url, {"version": case.version, "reason": "双方自行和解"}, follow=True)
    assert "请勾选「确认撤回」后再提交" in response.content.decode()
    case.refresh_from_db()
    assert case.state == Case.State.REGISTERED
    response = client.post(
        url, {"version": case.version, "reason": "双方自行和解", "confirmed": "1"}, follow=True
    )
    case.refresh_from_db()
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.WITHDRAWN)
