"""The litigation handoff: one PDF case file and a ZIP of the attachments, built in a task
with progress; the court's acceptance closes the case as litigated."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from intake import services as intake_services
from intake import workflow
from intake.models import Case, CaseDocument
from intake.tests.factories import register
from judicial.models import Handoff
from mediation.services import session_save
from mediation.tests.factories import start

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def failed(clerk, supervisor, ref, chen, court):
    case = start(register(clerk, ref), supervisor, chen.organisations.first(), [chen])
    from django.utils import timezone

    session_save(
        actor=chen.user,
        mediation=case.mediation,
        place="on_site",
        held_at=timezone.now(),
        attendees=["张建华", "李国强"],
        record="申请人要求拆除围墙；被申请人认为围墙在自家地界内。",
        outcome="分歧较大",
    )
    intake_services.attachment_add(
        actor=clerk, case=case, upload=SimpleUploadedFile("现场照片.pdf", PDF)
    )
    return workflow.fire(
        actor=chen.user,
        number=case.number,
        name="fail_mediation",
        data={"reason": "双方对地界认定分歧过大"},
    )


def test_the_handoff_package_has_the_whole_file(
    clerk, failed, court, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.fire(actor=clerk, number=failed.number, name="hand_off", data={})
    handoff = Handoff.objects.get(case=failed)
    assert (handoff.status, handoff.progress) == ("ready", 100)
    assert Case.objects.get(pk=failed.pk).state == "litigating"
    document = CaseDocument.objects.get(case=failed, kind="handoff")
    info = subprocess.run(
        ["pdfinfo", document.file.path], capture_output=True, text=True, check=True
    ).stdout
    assert int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1)) >= 2
    cover = "".join(
        subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", document.file.path, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    )
    assert "移送诉讼卷宗" in cover and failed.number in cover and "张建华" in cover
    text = "".join(
        subprocess.run(
            ["pdftotext", document.file.path, "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for part in (
        "办理经过",
        "登记",
        "启动调解",
        "调解记录",
        "被申请人认为围墙在自家地界内",
        "调解不成的原因",
        "双方对地界认定分歧过大",
        "附件目录",
        "现场照片.pdf",
    ):
        assert part in text, part
    names = zipfile.ZipFile(handoff.archive.path).namelist()
    assert names == [f"{failed.number}-卷宗.pdf", "附件/01-现场照片.pdf"]
    assert court.judges.first().has_perm("intake.view_case", failed)


def test_progress_is_shown_while_it_builds(client, clerk, failed):
    workflow.fire(actor=clerk, number=failed.number, name="hand_off", data={})  # not built yet
    client.force_login(clerk)
    box = client.get(f"/judicial/cases/{failed.number}/handoff/").content.decode()
    assert 'aria-valuenow="0"' in box and "every 2s" in box
    from judicial.tasks import build_handoff

    build_handoff(Handoff.objects.get(case=failed).pk)
    box = client.get(f"/judicial/cases/{failed.number}/handoff/").content.decode()
    assert 'aria-valuenow="100"' in box and "every 2s" not in box
    zipped = client.get(f"/judicial/cases/{failed.number}/handoff.zip")
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"


def test_building_again_changes_nothing(clerk, failed):
    from judicial.tasks import build_handoff

    workflow.fire(actor=clerk, number=failed.number, name="hand_off", data={})
    handoff = Handoff.objects.get(case=failed)
    build_handoff(handoff.pk)
    name = Handoff.objects.get(pk=handoff.pk).archive.name
    build_handoff(handoff.pk)  # redelivered
    assert Handoff.objects.get(pk=handoff.pk).archive.name == name


def test_the_courts_acceptance_closes_the_case_as_litigated(clerk, failed, make_user, court):
    workflow.fire(actor=clerk, number=failed.number, name="hand_off", data={})
    court_clerk = make_user("court_clerk", "courtclerk")
    court.clerks.add(court_clerk)
    from judicial.services import _grant_court

    _grant_court(court, failed)
    api = APIClient()
    api.force_authenticate(court_clerk)
    response = api.post(
        f"/api/v1/cases/{failed.number}/court-outcome/",
        {"court_case_number": "(2026)浙0523民初1234号", "accepted_on": "2026-11-27"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"number": failed.number, "state": "closed", "outcome": "litigated"}
    handoff = Handoff.objects.get(case=failed)
    assert handoff.court_case_number == "(2026)浙0523民初1234号"
    assert "(2026)浙0523民初1234号" in failed.events.last().note


def test_court_outcome_needs_the_courts_right(clerk, failed, mediator):
    workflow.fire(actor=clerk, number=failed.number, name="hand_off", data={})
    api = APIClient()
    api.force_authenticate(clerk)
    response = api.post(
        f"/api/v1/cases/{failed.number}/court-outcome/",
        {"court_case_number": "x", "accepted_on": "2026-11-27"},
        format="json",
    )
    assert response.status_code == 403


def test_closing_a_litigated_case_defaults_to_its_court_outcome(client, clerk, failed, court):
    """Closed by hand after the handoff, the case is proposed as 诉讼解决, not 已化解."""
    workflow.fire(actor=clerk, number=failed.number, name="hand_off", data={})
    client.force_login(clerk)
    page = client.get(f"/intake/cases/{failed.number}/").content.decode()
    close = page[page.index('data-transition="close"') :]
    close = close[: close.index("</form>")]
    assert re.search(r'<option value="litigated"[^>]*selected', close)
    assert not re.search(r'<option value="resolved"[^>]*selected', close)
