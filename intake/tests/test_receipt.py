"""The acceptance receipt: a real PDF, A4, Noto CJK embedded, parties masked, a QR code to
the public progress page; rendered after commit by an idempotent task, swept if lost."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from intake import documents, tasks
from intake.models import CaseDocument
from intake.tests.factories import applicant, register, resident_id, respondent
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def _pdf_text(path: str) -> str:
    return pdf_text(path, layout=True)  # the title is letter-spaced; compare without spaces


def test_the_receipt_says_what_a_resident_needs_and_hides_the_numbers(
    clerk, ref, time_machine, settings
):
    settings.PUBLIC_BASE_URL = "https://maodiao.anji.gov.cn"
    time_machine.move_to("2026-11-27 09:30 +08:00")
    id_number = resident_id("19650412")
    case = register(
        clerk, ref, parties=[applicant(id_number=id_number, phone="13957212345"), respondent()]
    )
    receipt = CaseDocument.objects.get(case=case)
    tasks.render_case_document(receipt.pk)
    receipt.refresh_from_db()
    assert receipt.status == "ready" and receipt.attempts == 1
    path = receipt.file.path
    text = _pdf_text(path)
    for expected in (
        "受理回执",
        case.number,
        "2026年11月27日",
        "张建华",
        "申请人",
        "调解服务",
        f"330523********{id_number[-4:]}",
        "139****2345",
        "人民调解一般在受理后30日内调结",
        "第33条",
        "https://maodiao.anji.gov.cn/progress/?number=" + case.number,
    ):
        assert "".join(expected.split()) in text, expected
    assert id_number not in text and "13957212345" not in text
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE) and "595.276 x 841.89" in info


def test_the_printed_qr_code_leads_to_the_case_s_progress_page(
    client, clerk, ref, settings, tmp_path
):
    """The QR code read back from the rendered PDF (as a phone camera would, from the
    page at 150 dpi) is the public progress page of this case, and that page opens."""
    import zxingcpp
    from PIL import Image

    settings.PUBLIC_BASE_URL = "http://testserver"
    case = register(clerk, ref)
    receipt = CaseDocument.objects.get(case=case)
    tasks.render_case_document(receipt.pk)
    receipt.refresh_from_db()
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", receipt.file.path, tmp_path / "page"],
        check=True,
    )
    codes = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [c.format.name for c in codes] == ["QRCode"]
    url = codes[0].text
    assert url == f"http://testserver/progress/?number={case.number}"
    page = client.get(url.removeprefix("http://testserver"))
    assert page.status_code == 200
    assert f'value="{case.number}"' in page.content.decode()


def test_rendering_again_does_nothing(clerk, ref):
    case = register(clerk, ref)
    receipt = CaseDocument.objects.get(case=case)
    tasks.render_case_document(receipt.pk)
    receipt.refresh_from_db()
    first_file = receipt.file.name
    tasks.render_case_document(receipt.pk)  # a redelivered message
    receipt.refresh_from_db()
    assert receipt.file.name == first_file and receipt.attempts == 1


def test_a_document_that_is_gone_is_ignored(db):
    tasks.render_case_document(987654)  # returns quietly


def test_a_failed_render_is_recorded_and_retried_by_the_sweep(clerk, ref, monkeypatch):
    case = register(clerk, ref)
    receipt = CaseDocument.objects.get(case=case)

    def broken(document):
        raise OSError("disk full")

    monkeypatch.setattr(documents, "render", broken)
    tasks.render_case_document(receipt.pk)
    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts) == ("failed", 1)
    assert "disk full" in receipt.error
    monkeypatch.undo()
    assert tasks.sweep_documents() == 0  # its back-off (BACKGROUND_JOBS) is not over
    CaseDocument.objects.filter(pk=receipt.pk).update(
        started_at=timezone.now() - timedelta(minutes=1)
    )
    assert tasks.sweep_documents() == 1  # eager in tests: the re-sent task runs now
    receipt.refresh_from_db()
    assert receipt.status == "ready" and receipt.error == ""


def test_the_sweep_rescues_lost_and_abandoned_renders(clerk, ref):
    lost = CaseDocument.objects.get(case=register(clerk, ref))
    stuck = CaseDocument.objects.get(case=register(clerk, ref))
    fresh = CaseDocument.objects.get(case=register(clerk, ref))
    long_ago = timezone.now() - timedelta(minutes=30)
    CaseDocument.objects.filter(pk=lost.pk).update(created_at=long_ago)
    CaseDocument.objects.filter(pk=stuck.pk).update(
        status="running", started_at=long_ago, created_at=long_ago
    )
    assert tasks.sweep_documents() == 2
    statuses = dict(CaseDocument.objects.values_list("pk", "status"))
    assert statuses[lost.pk] == "ready" and statuses[stuck.pk] == "ready"
    assert statuses[fresh.pk] == "pending"  # its own message is still on its way


def test_the_receipt_is_stored_and_reprintable_from_the_case_page(client, clerk, ref):
    case = register(clerk, ref)
    receipt = CaseDocument.objects.get(case=case)
    tasks.render_case_document(receipt.pk)
    client.force_login(clerk)
    for _ in range(2):
        response = client.get(f"/intake/cases/{case.number}/documents/{receipt.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_receipt_reprinted_after_triage_names_the_window_handling_it(
    clerk, ref, django_capture_on_commit_callbacks
):
    from intake import workflow

    with django_capture_on_commit_callbacks(execute=True):
        case = register(clerk, ref)
    receipt = CaseDocument.objects.get(case=case, kind="receipt")
    assert "待分流" in "".join(_pdf_text(receipt.file.path).split())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "mediation"})
    receipt.refresh_from_db()
    assert receipt.status == "ready"
    text = "".join(_pdf_text(receipt.file.path).split())
    assert "待分流" not in text and "调解服务" in text
    assert CaseDocument.objects.filter(case=case, kind="receipt").count() == 1
