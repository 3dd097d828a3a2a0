"""The labour window on the case page: its panels and its steps' forms, fired from the
page as a browser posts them."""

from __future__ import annotations

import re

import pytest

from intake.models import Case
from intake.tests.factories import register
from labour.models import Arbitration, LabourInspection
from labour.tests.conftest import at_labour, reach

pytestmark = pytest.mark.django_db


def _flat(response) -> str:
    return "".join(response.content.decode().split())


def test_a_new_complaint_shows_both_panels_and_the_inspectors_steps(
    client, clerk, labour_inspector, ref
):
    case = at_labour(clerk, ref)
    client.force_login(labour_inspector)
    response = client.get(f"/intake/cases/{case.number}/")
    assert response.status_code == 200
    page = _flat(response)
    assert 'id="inspection-panel"' in page and "5个工作日内决定是否立案" in page
    assert 'id="arbitration-panel"' in page  # a labour dispute may go to arbitration too
    for step in ("labour_inspection_accept", "labour_inspection_refuse"):
        assert f"/transitions/{step}/" in page, step
    assert "/transitions/labour_arbitration_apply/" not in page


def test_a_case_not_at_the_window_shows_no_labour_panel(client, clerk, supervisor, ref):
    case = register(clerk, ref)
    client.force_login(supervisor)
    page = _flat(client.get(f"/intake/cases/{case.number}/"))
    assert 'id="inspection-panel"' not in page and 'id="arbitration-panel"' not in page


def test_the_page_posts_the_tribunal_as_a_browser_does(
    client, clerk, arbitrator_user, arbitrators, ref
):
    case = reach("applied", at_labour(clerk, ref, nature=Case.Nature.DISPUTE), clerk=clerk)
    client.force_login(arbitrator_user)
    page = client.get(f"/intake/cases/{case.number}/").content.decode()
    assert "/transitions/labour_arbitration_accept/" in page
    version = Case.objects.get(pk=case.pk).version
    response = client.post(
        f"/intake/cases/{case.number}/transitions/labour_arbitration_accept/",
        {
            "arbitrators": [a.pk for a in arbitrators],
            "presiding": arbitrators[2].pk,
            "version": version,
        },
    )
    assert response.status_code == 302
    arbitration = Arbitration.objects.get(case=case)
    assert arbitration.state == "accepted" and arbitration.presiding == arbitrators[2]
    assert arbitration.arbitrators.count() == 3
    page = _flat(client.get(f"/intake/cases/{case.number}/"))
    assert "钱国栋（首席）" in page and "裁决期限至" in page


def test_a_page_post_with_a_bad_field_says_what_is_wrong(client, clerk, labour_inspector, ref):
    case = reach("opened", at_labour(clerk, ref), inspector=labour_inspector)
    client.force_login(labour_inspector)
    response = client.post(
        f"/intake/cases/{case.number}/transitions/labour_inspection_order/",
        {"kind": "pay", "items": "欠薪", "deadline": "2099-01-01"},
        follow=True,
    )
    assert "责令限期支付的，请填写应支付的金额" in _flat(response)
    assert LabourInspection.objects.get(case=case).state == "opened"


def test_a_refused_complaint_shows_the_channel(client, clerk, labour_inspector, ref):
    case = at_labour(clerk, ref)
    client.force_login(labour_inspector)
    client.post(
        f"/intake/cases/{case.number}/transitions/labour_inspection_refuse/",
        {"channel": "arbitration", "reason": "属于劳动争议"},
    )
    page = _flat(client.get(f"/intake/cases/{case.number}/"))
    assert "属于劳动争议·向劳动人事争议仲裁委员会申请仲裁" in page
    assert re.search(r'id="inspection-state">不予受理<', page)
