"""The agreement PDF: every part 人民调解法 第29条 requires, the parties' names as text,
the CJK font embedded, A4 in an official layout; one page kept as a PNG artefact."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from centre.models import AuditLog, DocumentTemplate
from intake import tasks, workflow
from intake.models import CaseDocument
from intake.tests.factories import applicant, credit_code, register, resident_id, respondent
from mediation.tests.factories import agreement_data, start
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
ARTEFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"


def _agreement_pdf(clerk, supervisor, ref, org, chen):
    case = register(
        clerk,
        ref,
        parties=[
            applicant(name="张建华", id_number=resident_id("19650412"), address="余村村3组"),
            respondent(
                kind="organisation",
                name="安吉某竹木制品有限公司",
                credit_code=credit_code(),
                legal_representative="王强",
            ),
        ],
    )
    start(case, supervisor, org, [chen])
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    document = CaseDocument.objects.get(case=case, kind="agreement")
    tasks.render_case_document(document.pk)
    document.refresh_from_db()
    assert document.status == "ready", document.error
    return case, document


def _text(path: str) -> str:
    return pdf_text(path, layout=True)


def test_the_agreement_has_every_part_the_law_requires(clerk, supervisor, ref, org, chen):
    case, document = _agreement_pdf(clerk, supervisor, ref, org, chen)
    text = _text(document.file.path)
    for part in (
        "人民调解协议书",
        "当事人基本情况",
        "纠纷的主要事实",
        "争议事项",
        "各方当事人的责任",
        "达成如下协议",
        "履行方式",
        "履行期限",
        "张建华",
        "安吉某竹木制品有限公司",
        "王强",
        "陈建国",
        org.name,
        "签名、盖章或按指印",
        "第二十九条",
        "司法确认",
        case.number,
    ):
        assert part in text, part
    fonts = subprocess.run(
        ["pdffonts", document.file.path], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert any("Serif" in line for line in cjk)
    assert all(" yes " in line for line in cjk)
    info = subprocess.run(
        ["pdfinfo", document.file.path], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))
    assert 1 <= pages <= 3 and "595.276 x 841.89" in info
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTEFACTS / "agreement-page"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            document.file.path,
            str(prefix),
        ],
        check=True,
    )
    png = prefix.with_suffix(".png")
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 10_000


def test_an_administrators_template_replaces_the_file(clerk, supervisor, ref, org, chen):
    DocumentTemplate.objects.create(
        name="mediation/agreement.html",
        body='{% extends "documents/base.html" %}{% block content %}'
        "<h1>调解协议书（县定格式）</h1><p>{{ number }}</p>{% endblock %}",
    )
    _case, document = _agreement_pdf(clerk, supervisor, ref, org, chen)
    assert "调解协议书（县定格式）" in _text(document.file.path)


def test_downloading_the_agreement_is_audited(client, clerk, supervisor, ref, org, chen):
    case, document = _agreement_pdf(clerk, supervisor, ref, org, chen)
    client.force_login(chen.user)
    response = client.get(f"/intake/cases/{case.number}/documents/{document.pk}/")
    assert response.status_code == 200
    entry = AuditLog.objects.get(action=AuditLog.Action.VIEW_PERSONAL_DATA)
    assert entry.actor == chen.user and entry.detail["document"] == "agreement"


def test_the_seal_is_printed_when_uploaded(clerk, supervisor, ref, org, chen):
    png = (Path(settings.BASE_DIR) / "static" / "img" / "demo-seal.png").read_bytes()
    org.seal.save("seal.png", ContentFile(png))
    _case, document = _agreement_pdf(clerk, supervisor, ref, org, chen)
    images = subprocess.run(
        ["pdfimages", "-list", document.file.path], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.strip().splitlines()) >= 3  # header lines + the seal image


def _pages(path: str) -> list[str]:
    out = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True)
    return ["".join(page.split()) for page in out.stdout.split("\f") if page.strip()]


def test_the_paper_original_has_a_line_for_every_signature(clerk, supervisor, ref, org, chen):
    """人民调解法 第29条: each party signs (or seals) and fingerprints, the mediator signs, the
    committee seals; the on-screen confirmation is a record, not a signature."""
    _case, document = _agreement_pdf(clerk, supervisor, ref, org, chen)
    text = _text(document.file.path)
    assert text.count("签名（盖章）：") == 2 and text.count("指印：") == 2
    assert "人民调解员陈建国签名：" in text
    assert "记录人签名：" in text
    assert "人民调解委员会盖章处" in text and f"{org.name}（印章）" in text
    assert "一式三份" in text and "一式3份" not in text
    # Recorded as an on-screen confirmation, and said not to be a signature.
    assert "已在调解现场通过屏幕确认本协议内容" in text
    assert "屏幕确认不是签名" in text
    assert "（已在调解现场屏幕确认）" not in text


def test_the_signatures_stay_with_the_terms(clerk, supervisor, ref, org, chen):
    case = register(clerk, ref)
    start(case, supervisor, org, [chen])
    terms = "\n".join(f"{i}、第{i}项约定：李国强分期支付款项人民币一千元。" for i in range(1, 11))
    workflow.fire(
        actor=chen.user,
        number=case.number,
        name="record_agreement",
        data=agreement_data(case, terms=terms + "\n末项约定到此为止。"),
    )
    document = CaseDocument.objects.get(case=case, kind="agreement")
    tasks.render_case_document(document.pk)
    document.refresh_from_db()
    pages = _pages(document.file.path)
    assert len(pages) >= 2
    signing = next(page for page in pages if "记录人签名" in page)
    assert "末项约定到此为止" in signing and "履行期限" in signing


def test_each_person_is_described_and_signs_on_his_own_lines(clerk, supervisor, ref, org, chen):
    """人民调解法 第29条: the parties' basic facts; each party signs (or seals) and puts a
    fingerprint, the mediator signs, the committee seals; the copies are counted. Sex and
    birth date come from a resident ID number, or as told for a passport."""
    case = register(
        clerk,
        ref,
        parties=[
            applicant(
                name="张建华",
                id_number=resident_id("19650412", serial=122),
                ethnicity="01",
                occupation="农民",
            ),
            respondent(
                name="John Smith",
                id_type="passport",
                id_number="E12345678",
                sex="male",
                birth_date=date(1970, 3, 5),
                occupation="教师",
            ),
        ],
    )
    start(case, supervisor, org, [chen])
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    document = CaseDocument.objects.get(case=case, kind="agreement")
    tasks.render_case_document(document.pk)
    document.refresh_from_db()
    text = _text(document.file.path)
    for part in (
        "张建华性别：女出生日期：1965年4月12日民族：汉族职业：农民",
        "JohnSmith性别：男出生日期：1970年3月5日职业：教师护照：E12345678",
        "申请人张建华签名（盖章）：指印：",
        "被申请人JohnSmith签名（盖章）：指印：",
        "人民调解员陈建国签名：",
        "人民调解委员会盖章处",
        f"{org.name}（印章）",
        "一式三份",
    ):
        assert part in text, part
    assert text.count("指印：") == 2
