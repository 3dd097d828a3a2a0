"""PDF documents, read back with poppler (pdftotext, pdffonts, pdfinfo) as a reader or a
printer sees them rather than by inspecting WeasyPrint's internals."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.contrib.staticfiles import finders

from centre.documents import qr_svg_data_uri, render_pdf
from tests.pdf import pdf_text as shared_pdf_text

PROGRESS_URL = "https://centre.anji.gov.cn/progress/?number=330523-2026-000001"
# The applicant's real identity number: it is in no context, so it can only appear in a
# PDF if a template unmasks something. Checked to keep the masking assertion honest.
UNMASKED_ID = "330523199001011234"

APPLICANT = {
    "role": "申请人",
    "name": "张三",
    "id_type": "居民身份证",
    "id_masked": "330523********1234",
    "phone_masked": "138****5678",
}
RESPONDENT = {
    "role": "被申请人",
    "name": "安吉县某某竹木制品有限公司",
    "id_type": "统一社会信用代码",
    "id_masked": "91330523********1X",
    "phone_masked": "0572****456",
}


def receipt_context(**overrides: Any) -> dict[str, Any]:
    context = {
        "centre": {
            "name": "安吉县社会矛盾纠纷调处化解中心",
            "address": "浙江省湖州市安吉县递铺街道昌硕东路1号",
            "phone": "0572-5123456",
        },
        "case": {
            "number": "330523-2026-000001",
            "registered_on": dt.date(2026, 11, 27),
            "channel": "来访",
            "category": "邻里纠纷 / 相邻关系",
            "summary": "申请人称被申请人加建围墙占用公共通道约一米，影响通行和采光，请求调解。",
            "window": None,
            "registered_by": "王晓燕",
        },
        "parties": [APPLICANT, RESPONDENT],
        "time_limit": {
            "label": "人民调解一般在受理后30日内调结",
            "source": "司法部《人民调解工作若干规定》第33条",
        },
        "progress_url": PROGRESS_URL,
        "qr": qr_svg_data_uri(PROGRESS_URL),
        # 02:30 UTC is already 10:30 on 27 November in Asia/Shanghai.
        "issued_at": dt.datetime(2026, 11, 27, 2, 30, tzinfo=dt.UTC),
    }
    return {**context, **overrides}


def write_pdf(path: Path, template_name: str, context: dict[str, Any]) -> Path:
    path.write_bytes(render_pdf(template_name, context))
    return path


def run(*command: str | Path) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_text(pdf: Path) -> str:
    # -layout keeps table rows on one line but spaces out letter-spaced headings (受 理 回 执)
    # and wide cells; the reader sees the words, so compare without whitespace.
    return shared_pdf_text(pdf, layout=True)


def pdf_pages(pdf: Path) -> tuple[int, float, float]:
    info = run("pdfinfo", pdf)
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    return pages, float(size.group(1)), float(size.group(2))


@pytest.fixture(scope="module")
def receipt_pdf(tmp_path_factory) -> Path:
    return write_pdf(
        tmp_path_factory.mktemp("receipt") / "receipt.pdf", "intake/receipt.html", receipt_context()
    )


def test_receipt_shows_the_case_and_masked_parties(receipt_pdf):
    text = pdf_text(receipt_pdf)

    for expected in [
        "安吉县社会矛盾纠纷调处化解中心",
        "受理回执",
        "编号：330523-2026-000001",
        "2026年11月27日",
        "邻里纠纷/相邻关系",
        "待分流",  # not yet triaged to a window
        "申请人",
        "张三",
        "330523********1234",
        "138****5678",
        "人民调解一般在受理后30日内调结",
        "司法部《人民调解工作若干规定》第33条",
        "输入案件编号和申请人手机号后四位即可查询办理进度",
        "0572-5123456",
        "本回执仅证明已受理登记，不代表对事项的认定。请妥善保管。",
        "中心（盖章）",
        "第1页/共1页",  # the footer comes from print.css: the stylesheet was applied
    ]:
        assert expected in text
    assert UNMASKED_ID not in text


def test_receipt_embeds_the_noto_cjk_fonts(receipt_pdf):
    # name, type (with spaces), encoding, emb, sub, uni, object number, generation.
    fonts = [line.split() for line in run("pdffonts", receipt_pdf).splitlines()[2:]]
    names = [row[0] for row in fonts]

    assert any(re.search(r"Noto.?Serif.?CJK.?SC", name, re.I) for name in names), names
    assert any(re.search(r"Noto.?Sans.?CJK.?SC", name, re.I) for name in names), names
    # A font that is not embedded prints as empty boxes where Noto is not installed.
    assert all(row[-5] == "yes" for row in fonts), fonts


def test_receipt_is_one_a4_page(receipt_pdf):
    pages, width, height = pdf_pages(receipt_pdf)

    assert pages == 1
    assert (round(width), round(height)) == (595, 842)


def test_receipt_with_four_parties_and_a_long_summary_fits_one_page(tmp_path):
    context = receipt_context(
        parties=[
            APPLICANT,
            RESPONDENT,
            {**APPLICANT, "role": "被申请人", "name": "李四", "id_masked": "330523********5678"},
            {**APPLICANT, "role": "第三人", "name": "王五", "id_masked": "330523********9012"},
        ],
        time_limit=None,
    )
    context["case"] = {
        **context["case"],
        "window": "调解服务",
        "summary": "申请人称被申请人在两户相邻处加建围墙，占用公共通道约一米，影响申请人"
        "通行和采光，双方多次协商未果，申请人请求调解，要求拆除占用部分并恢复通道原状。" * 2,
    }
    pdf = write_pdf(tmp_path / "receipt.pdf", "intake/receipt.html", context)

    text = pdf_text(pdf)
    assert "调解服务" in text
    assert "待分流" not in text
    assert "按有关规定办理" in text
    assert "王五" in text
    assert pdf_pages(pdf)[0] == 1


@pytest.fixture
def template_dir(settings, tmp_path) -> Path:
    """A folder searched first for templates, for documents written by a test."""
    folder = tmp_path / "templates"
    folder.mkdir()
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [folder, *engine["DIRS"]]}]
    return folder


@pytest.mark.parametrize(
    "src",
    [
        "http://192.0.2.1/logo.png",  # TEST-NET: a real fetch would hang until the timeout
        "https://192.0.2.1/logo.png",
        "file:///etc/passwd",
        "/static/../../../etc/passwd",
        "/media/upload.png",
    ],
)
def test_a_document_cannot_load_anything_but_static_files(template_dir, src):
    (template_dir / "logo.html").write_text(
        '{% extends "documents/base.html" %}{% block content %}'
        f'<img src="{src}" alt="">{{% endblock %}}'
    )

    with pytest.raises(ValueError, match="only static files"):
        render_pdf("logo.html", {})


def test_a_missing_static_file_fails_the_document(template_dir):
    # A receipt without its stylesheet would still print, unstyled and without a footer.
    (template_dir / "missing.html").write_text(
        '{% extends "documents/base.html" %}{% load static %}{% block content %}'
        '<img src="{% static \'img/no-such-seal.png\' %}" alt="">{% endblock %}'
    )

    with pytest.raises(FileNotFoundError, match=re.escape("img/no-such-seal.png")):
        render_pdf("missing.html", {})


def test_receipt_uses_the_hashed_stylesheet_of_a_collected_deployment(settings, tmp_path):
    # Production serves collectstatic's hashed copies (ManifestStaticFilesStorage), which
    # exist only in STATIC_ROOT; the source folders hold print.css under its plain name.
    hashed = "css/print.0123456789ab.css"
    (tmp_path / "css").mkdir()
    shutil.copy(finders.find("css/print.css"), tmp_path / hashed)
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "hash": "0", "paths": {"css/print.css": hashed}})
    )
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    assert finders.find(hashed) is None

    pdf = write_pdf(tmp_path / "receipt.pdf", "intake/receipt.html", receipt_context())

    assert "第1页/共1页" in pdf_text(pdf)


def test_qr_svg_data_uri_is_a_scalable_svg_image():
    uri = qr_svg_data_uri(PROGRESS_URL)

    assert uri.startswith("data:image/svg+xml")
    # A viewBox and no fixed size: the code fills the box print.css gives the <img>.
    svg = unquote(uri.partition(",")[2])
    assert "viewBox=" in svg
    assert "width=" not in svg
