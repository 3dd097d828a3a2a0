"""Inputs a penetration test sent to the mediation window (issue 25): 400s naming the
field, and the agreement typed by the mediator is never lost to a refused scan."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from intake.models import Attachment, Case
from intake.tests.factories import register
from mediation.models import Agreement, Session
from mediation.tests.factories import agreement_data, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def mediating(clerk, supervisor, ref, org, chen):
    return start(register(clerk, ref), supervisor, org, [chen])


@pytest.fixture
def api(chen):
    client = APIClient()
    client.force_authenticate(chen.user)
    return client


def _session(api, case, **body):
    return api.post(
        f"/api/v1/cases/{case.number}/sessions/",
        json.dumps({"place": "on_site", **body}),
        content_type="application/json",
    )


@pytest.mark.parametrize("field", ["scheduled_at", "held_at"])
def test_a_session_in_year_9999_is_refused_naming_the_field(api, mediating, field):
    response = _session(api, mediating, **{field: "9999-12-31T10:00:00+08:00"})
    assert response.status_code == 400
    assert response.json()["errors"][field] == ["调解时间应在今天前后两年之内"]
    assert not Session.objects.exists()


def test_a_lone_surrogate_in_the_place_is_400(api, mediating):
    response = _session(api, mediating, place="\ud800", scheduled_at="2026-12-20T10:00:00+08:00")
    assert response.status_code == 400
    assert "place" in response.json()["errors"]


def test_control_characters_in_a_record_are_refused_line_breaks_are_not(api, mediating):
    when = "2026-12-05T10:00:00+08:00"
    bad = _session(api, mediating, held_at=when, record="申请人称\x1b[2J通道被占")
    assert bad.status_code == 400 and "U+001B" in bad.json()["errors"]["record"][0]
    good = _session(api, mediating, held_at=when, record="申请人称通道被占。\n被申请人称……")
    assert good.status_code == 201, good.json()


def test_too_many_attendees_are_refused(api, mediating):
    names = [f"参加人{i}" for i in range(51)]
    response = _session(api, mediating, held_at="2026-12-05T10:00:00+08:00", attendees=names)
    assert response.status_code == 400 and "attendees" in response.json()["errors"]


def test_the_session_page_refuses_year_9999_with_a_message(client, chen, mediating):
    client.force_login(chen.user)
    response = client.post(
        reverse("mediation:session", args=[mediating.number]),
        {"scheduled_at": "9999-12-31T10:00", "place": "on_site"},
        follow=True,
    )
    assert response.status_code == 200
    assert "调解时间应在今天前后两年之内" in response.content.decode()
    assert not Session.objects.exists()


def test_a_refused_scan_keeps_the_typed_agreement_and_names_the_file(client, chen, mediating):
    client.force_login(chen.user)
    data = agreement_data(mediating)
    form = {k: v for k, v in data.items() if k != "signatures"}
    form |= {f"sig_{cp.party_id}": "paper" for cp in mediating.case_parties.all()}
    form["version"] = mediating.version
    scan = SimpleUploadedFile("签名页.exe", b"MZ\x90\x00not a scan", "application/pdf")
    response = client.post(
        reverse("mediation:agreement", args=[mediating.number]), {**form, "scans": scan}
    )
    assert response.status_code == 302
    assert not Agreement.objects.exists() and not Attachment.objects.exists()
    assert Case.objects.get(pk=mediating.pk).state == Case.State.MEDIATING
    page = client.get(response["Location"]).content.decode()
    assert "附件「签名页.exe」类型不支持" in page
    assert data["terms"] in page and data["facts"] in page
    # The form is in view (never folded away), with what was typed.
    form = page.index('id="panel-record_agreement"')
    assert page[:form].count("<details") == page[:form].count("</details>")
    assert 'value="paper" selected' in page
    # Shown once: the next visit has an empty form again.
    again = client.get(response["Location"]).content.decode()
    assert data["terms"] not in again
