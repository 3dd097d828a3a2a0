"""Every kind of document the centre generates has a renderer, a template that loads,
and a test that reads its PDF back (``tests.pdf``) for the items its statute requires;
every template an administrator may replace passes its own check as shipped."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template

from centre.documents import EDITABLE_TEMPLATES, document_template_check
from intake.documents import RENDERERS
from intake.models import CaseDocument

ROOT = Path(settings.BASE_DIR)
APPS = ("centre", "intake", "mediation", "judicial", "petitions", "labour", "review", "legal_aid")


@cache
def _document_tests() -> str:
    """The source of the test modules that read documents back through ``tests.pdf``."""
    sources = []
    for app in APPS:
        for path in sorted((ROOT / app / "tests").glob("*.py")):
            text = path.read_text(encoding="utf-8")
            if "tests.pdf" in text or "pdf_text(" in text:
                sources.append(text)
    return "\n".join(sources)


@pytest.mark.parametrize("kind", CaseDocument.Kind.values)
def test_every_kind_has_a_renderer_and_its_template_loads(kind):
    renderer = RENDERERS.get(kind)
    assert renderer is not None, f"no renderer registered for {kind}"
    get_template(renderer.template)


@pytest.mark.parametrize("kind", CaseDocument.Kind.values)
def test_every_kind_is_read_back_by_a_test(kind):
    pattern = re.compile(rf"[\"']{kind}[\"']|Kind\.{kind.upper()}\b")
    assert pattern.search(_document_tests()), f"no test reads the {kind} PDF back"


@pytest.mark.parametrize("name", sorted(EDITABLE_TEMPLATES))
def test_every_editable_template_passes_its_own_check_as_shipped(name):
    document_template_check(name, (ROOT / "templates" / name).read_text(encoding="utf-8"))
