"""The legal-aid desk's queue (nearest statutory due date first) and the window's panel on
the case page."""

from __future__ import annotations

import re

import pytest

from intake.models import Case
from legal_aid.tests.conftest import GRANT, apply_at_desk, fire

pytestmark = pytest.mark.django_db


def _at_window(clerk, case):
    return fire(clerk, case, "triage", window="legal_aid")


def test_the_queue_lists_the_windows_cases_nearest_due_first(
    client, clerk, legal_aid_officer, ref, time_machine
):
    time_machine.move_to("2026-11-02 10:00 +08:00")
    # A consultation has no statutory clock: last, though registered first.
    consultation = _at_window(
        clerk, apply_at_desk(clerk, ref, nature=Case.Nature.CONSULTATION, summary="咨询继承")
    )
    # Decision due 11-09 (7 days).
    waiting = _at_window(clerk, apply_at_desk(clerk, ref, summary="追索工伤赔偿"))
    time_machine.move_to("2026-11-03 10:00 +08:00")
    # Registered later but granted at once: to be assigned by 11-06 (3 days, 第44条).
    granted = _at_window(clerk, apply_at_desk(clerk, ref, summary="追索拖欠工资"))
    fire(legal_aid_officer, granted, "legal_aid_grant", **GRANT)
    # Not at this window: not listed.
    elsewhere = apply_at_desk(clerk, ref, nature=Case.Nature.DISPUTE, summary="邻居加建围墙")
    closed = _at_window(clerk, apply_at_desk(clerk, ref, summary="咨询后办结"))
    fire(clerk, closed, "legal_aid_answer", answer="已当场解答")

    client.force_login(legal_aid_officer)
    response = client.get("/legal-aid/")
    assert response.status_code == 200
    html = response.content.decode()
    listed = re.findall(r'data-case="([^"]+)"', html)
    assert listed == [granted.number, waiting.number, consultation.number]
    assert elsewhere.number not in html and closed.number not in html
    assert "2026年11月6日" in html and "已决定给予" in html and "待受理" in html


def test_the_queue_reads_a_fixed_number_of_queries(
    client, clerk, legal_aid_officer, ref, django_assert_max_num_queries
):
    client.force_login(legal_aid_officer)
    _at_window(clerk, apply_at_desk(clerk, ref))
    with django_assert_max_num_queries(30) as one:
        client.get("/legal-aid/")
    for _ in range(4):
        case = _at_window(clerk, apply_at_desk(clerk, ref))
        fire(legal_aid_officer, case, "legal_aid_grant", **GRANT)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/legal-aid/")
    assert response.content.decode().count("data-case=") == 5


def test_the_queue_is_not_a_mediators_desk(client, mediator, outsider):
    client.force_login(mediator)
    assert client.get("/legal-aid/").status_code == 403
    client.force_login(outsider)
    assert client.get("/legal-aid/").status_code == 403


def test_the_case_page_shows_the_legal_aid_panel(client, legal_aid_officer, triaged):
    client.force_login(legal_aid_officer)
    html = client.get(f"/intake/cases/{triaged.number}/").content.decode()
    assert 'id="legal-aid-panel"' in html and "7日内作出是否给予的决定" in html
    fire(legal_aid_officer, triaged, "legal_aid_grant", **GRANT)
    response = client.get(f"/intake/cases/{triaged.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="legal-aid-panel"' in html
    assert "已决定给予" in html and "追索拖欠的劳动报酬" in html
    assert "进城务工人员" in html


def test_a_case_at_another_window_has_no_legal_aid_panel(client, clerk, ref):
    case = apply_at_desk(clerk, ref, nature=Case.Nature.DISPUTE, summary="邻居加建围墙")
    client.force_login(clerk)
    response = client.get(f"/intake/cases/{case.number}/")
    assert response.status_code == 200 and 'id="legal-aid-panel"' not in response.content.decode()
