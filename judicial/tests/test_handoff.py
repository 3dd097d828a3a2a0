"""The guide to suing (引导诉讼): one PDF with what a complaint needs (民事诉讼法 第124条) and
the mediation record, and a ZIP with the agreement, the confirmation papers and the
attachments, built in a task with progress; the court's acceptance, once a party has sued,
closes the case as litigated."""

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
from intake.tests.factories import applicant, register, resident_id, respondent
from judicial.models import Handoff
from mediation.services import session_save
from mediation.tests.factories import start
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HANDOFF = {"cause": "neighbour", "claims": "判令被告拆除占用共用通道的围墙。"}


@pytest.fixture
def failed(clerk, supervisor, ref, chen, court):
    parties = [
        applicant(id_number=resident_id("19650412", serial=102), address="余村村3组"),
        respondent(id_type="resident_id", id_number=resident_id("19700305", serial=113)),
    ]
    case = start(
        register(clerk, ref, parties=parties), supervisor, chen.organisations.first(), [chen]
    )
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
        workflow.fire(
            actor=clerk,
            number=failed.number,
            name="hand_off",
            data={
                **HANDOFF,
                "facts_reasons": "被告加建围墙占用两家共用通道约0.5米，经村调委会调解未果。",
                "evidence": "现场照片｜原告拍摄｜围墙占用通道的位置和宽度\n"
                "宅基地使用证｜县自然资源局｜两家宅基地的四至",
                "party_details": "张建华｜汉族｜农民\n李国强｜汉族｜个体经营｜安吉某竹木加工厂",
            },
        )
    handoff = Handoff.objects.get(case=failed)
    assert (handoff.status, handoff.progress) == ("ready", 100)
    assert Case.objects.get(pk=failed.pk).state == "litigating"
    assert Case.objects.get(pk=failed.pk).get_state_display() == "待当事人起诉"
    document = CaseDocument.objects.get(case=failed, kind="handoff")
    info = subprocess.run(
        ["pdfinfo", document.file.path], capture_output=True, text=True, check=True
    ).stdout
    assert int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1)) >= 2
    cover = pdf_text(document, page=1)
    assert "引导诉讼材料" in cover and failed.number in cover and "张建华" in cover
    assert "待当事人起诉" in cover and "不是起诉状" in cover and "相邻关系纠纷" in cover
    assert "移送诉讼" not in cover and "诉讼中" not in cover
    text = pdf_text(document)
    for part in (
        # 民事诉讼法 第124条: the parties (sex and birth date from the ID number), the
        # claims, the facts and reasons, the evidence with its source and purpose.
        "张建华，女，1965年4月12日出生，汉族，农民",
        "李国强，男，1970年3月5日出生，汉族，个体经营，工作单位安吉某竹木加工厂",
        "诉讼请求",
        "判令被告拆除占用共用通道的围墙",
        "事实与理由",
        "被告加建围墙占用两家共用通道约0.5米",
        "证据清单",
        "宅基地使用证",
        "县自然资源局",
        "两家宅基地的四至",
        "现场照片.pdf",
        "办理经过",
        "登记",
        "启动调解",
        "调解记录",
        "被申请人认为围墙在自家地界内",
        "调解不成的原因",
        "双方对地界认定分歧过大",
        "随附文书和附件目录",
    ):
        assert part in text, part
    names = zipfile.ZipFile(handoff.archive.path).namelist()
    assert names == [f"{failed.number}-引导诉讼材料.pdf", "附件/01-现场照片.pdf"]
    assert court.judges.first().has_perm("intake.view_case", failed)


def test_the_cause_and_the_claims_are_asked_for(clerk, failed):
    api_client = APIClient()
    api_client.force_authenticate(clerk)
    url = f"/api/v1/cases/{failed.number}/transitions/hand_off/"
    response = api_client.post(url, {"cause": "离婚"}, format="json")
    assert response.status_code == 400
    body = str(response.json())
    assert "cause" in body and "claims" in body and "请填写诉讼请求" in body
    response = api_client.post(
        url,
        {**HANDOFF, "evidence": "｜原告｜无名", "party_details": "王五｜汉族"},
        format="json",
    )
    body = str(response.json())
    assert response.status_code == 400
    assert "第1行缺少证据名称" in body and "第1行“王五”不是本案的自然人当事人" in body
    assert Case.objects.get(pk=failed.pk).state == "mediation_failed"
    response = api_client.post(
        url,
        {
            **HANDOFF,
            "evidence": [{"name": "借条", "source": "原告持有", "proves": "借款事实"}],
            "party_details": [{"party": "张建华", "ethnicity": "汉族"}],
        },
        format="json",
    )
    assert response.json()["state"] == "litigating"
    handoff = Handoff.objects.get(case=failed)
    assert handoff.evidence == [{"name": "借条", "source": "原告持有", "proves": "借款事实"}]
    assert list(handoff.party_details.values()) == [{"ethnicity": "汉族"}]
    assert handoff.get_cause_display() == "相邻关系纠纷"


def test_the_package_holds_the_agreement_the_application_and_the_ruling(
    clerk, agreed, judge, django_capture_on_commit_callbacks
):
    """Confirmation refused (民事诉讼法 第206条): the parties are guided to sue with the
    signed agreement, their application and the ruling in the package."""
    from intake import tasks
    from judicial import services
    from judicial.models import Confirmation

    workflow.fire(actor=clerk, number=agreed.number, name="apply_confirmation", data={})
    services.confirmation_accept(actor=judge, confirmation=Confirmation.objects.get(case=agreed))
    workflow.fire(
        actor=judge,
        number=agreed.number,
        name="refuse_confirmation",
        data={"reason": "协议约定的拆除范围不明确", "ground": "unclear"},
    )
    # The agreement rendered; the application and the ruling still pending: the package
    # renders them itself.
    tasks.render_case_document(CaseDocument.objects.get(case=agreed, kind="agreement").pk)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.fire(actor=clerk, number=agreed.number, name="hand_off", data=HANDOFF)
    handoff = Handoff.objects.get(case=agreed)
    assert handoff.status == "ready", handoff.error
    archive = zipfile.ZipFile(handoff.archive.path)
    names = archive.namelist()
    assert names[0] == f"{agreed.number}-引导诉讼材料.pdf"
    assert "文书/人民调解协议书（第1版）.pdf" in names
    assert "文书/司法确认申请书.pdf" in names
    assert "文书/民事裁定书.pdf" in names
    for name in names:
        assert archive.read(name).startswith(b"%PDF")
    agreement = _pdf_text(archive.read("文书/人民调解协议书（第1版）.pdf"))
    assert "人民调解协议书" in agreement and "指印" in agreement
    ruling = _pdf_text(archive.read("文书/民事裁定书.pdf"))
    assert "驳回" in ruling
    guide = _pdf_text(archive.read(names[0]))
    assert "人民调解协议书（第1版）" in guide and "调解达成的协议内容" in guide
    assert "裁定驳回司法确认申请" in guide


_pdf_text = pdf_text


def test_progress_is_shown_while_it_builds(client, clerk, failed):
    workflow.fire(actor=clerk, number=failed.number, name="hand_off", data=HANDOFF)  # not built yet
    client.force_login(clerk)
    box = client.get(f"/judicial/cases/{failed.number}/handoff/").content.decode()
    assert 'value="0" max="100"' in box and "every 2s" in box
    from judicial.tasks import build_handoff

    build_handoff(Handoff.objects.get(case=failed).pk)
    box = client.get(f"/judicial/cases/{failed.number}/handoff/").content.decode()
    assert 'value="100" max="100"' in box and "every 2s" not in box
    zipped = client.get(f"/judicial/cases/{failed.number}/handoff.zip")
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"


def test_building_again_changes_nothing(clerk, failed):
    from judicial.tasks import build_handoff

    workflow.fire(actor=clerk, number=failed.number, name="hand_off", data=HANDOFF)
    handoff = Handoff.objects.get(case=failed)
    build_handoff(handoff.pk)
    name = Handoff.objects.get(pk=handoff.pk).archive.name
    build_handoff(handoff.pk)  # redelivered
    assert Handoff.objects.get(pk=handoff.pk).archive.name == name


def test_the_courts_acceptance_closes_the_case_as_litigated(clerk, failed, make_user, court):
    workflow.fire(actor=clerk, number=failed.number, name="hand_off", data=HANDOFF)
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
    workflow.fire(actor=clerk, number=failed.number, name="hand_off", data=HANDOFF)
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
    workflow.fire(actor=clerk, number=failed.number, name="hand_off", data=HANDOFF)
    client.force_login(clerk)
    page = client.get(f"/intake/cases/{failed.number}/").content.decode()
    close = page[page.index('data-transition="close"') :]
    close = close[: close.index("</form>")]
    assert re.search(r'<option value="litigated"[^>]*selected', close)
    assert not re.search(r'<option value="resolved"[^>]*selected', close)


def test_the_case_page_asks_for_what_the_complaint_needs(client, clerk, failed):
    client.force_login(clerk)
    page = client.get(f"/intake/cases/{failed.number}/").content.decode()
    form = page[page.index('data-transition="hand_off"') :]
    form = form[: form.index("</form>")]
    assert "引导诉讼" in form and "移送诉讼" not in form
    assert 'name="cause"' in form and "民间借贷纠纷" in form and "机动车交通事故责任纠纷" in form
    for field in ("claims", "facts_reasons", "evidence", "party_details"):
        assert f'name="{field}"' in form, field
    response = client.post(
        f"/intake/cases/{failed.number}/transitions/hand_off/",
        {**HANDOFF, "version": failed.version},
        follow=True,
    )
    assert "待当事人起诉" in response.content.decode()
    assert Case.objects.get(pk=failed.pk).state == "litigating"
