"""An administrator's version of the agreement template (文书模板) is rendered with a
sample agreement before it is saved: one that would fail to make the document is refused
with the error, naming the template and the line, and nothing is saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from centre.documents import document_template_check
from centre.models import AuditLog, DocumentTemplate

pytestmark = pytest.mark.django_db

NAME = "mediation/agreement.html"
ADD = "admin:centre_documenttemplate_add"


def _reference() -> str:
    return (Path(settings.BASE_DIR) / "templates" / NAME).read_text(encoding="utf-8")


def _refusal(body: str, name: str = NAME) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        document_template_check(name, body)
    return caught.value.message_dict


def test_the_shipped_template_passes_with_the_sample_agreement():
    document_template_check(NAME, _reference())


def test_a_syntax_error_is_refused_with_its_line():
    body = _reference().replace("<h1>人民调解协议书</h1>", "<h1>人民调解协议书</h1>{% if %}", 1)
    line = body.splitlines().index(next(t for t in body.splitlines() if "{% if %}" in t)) + 1
    [message] = _refusal(body)["body"]
    assert message.startswith(f"文书模板“{NAME}”第{line}行无法生成文书：")


def test_a_failure_while_rendering_is_refused_with_its_line():
    body = (
        '{% extends "documents/base.html" %}{% block content %}\n<p>{{ number }}</p>\n'
        '{% include "mediation/no_such_part.html" %}\n{% endblock %}'
    )
    [message] = _refusal(body)["body"]
    assert f"文书模板“{NAME}”第3行" in message and "no_such_part.html" in message


def test_a_template_loading_from_the_network_is_refused():
    body = (
        '{% extends "documents/base.html" %}{% block content %}'
        '<img src="http://198.51.100.7/seal.png">{% endblock %}'
    )
    [message] = _refusal(body)["body"]
    assert message.startswith(f"文书模板“{NAME}”无法生成文书：") and "198.51.100.7" in message


def test_a_name_no_document_uses_is_refused():
    [message] = _refusal("<p>x</p>", name="mediation/agreemnt.html")["name"]
    assert "不是可修改的文书模板" in message and NAME in message


def test_the_admin_refuses_a_failing_template_and_saves_nothing(client, sysadmin):
    client.force_login(sysadmin)
    body = (
        '{% extends "documents/base.html" %}{% block content %}\n{{ number|no_such_filter }}'
        "{% endblock %}"
    )
    response = client.post(reverse(ADD), {"name": NAME, "body": body, "active": "on"})
    assert response.status_code == 200
    assert "第2行无法生成文书" in response.content.decode()
    assert not DocumentTemplate.objects.exists()
    assert not AuditLog.objects.filter(object_type="centre.documenttemplate").exists()


def test_the_admin_saves_a_template_that_renders(client, sysadmin):
    client.force_login(sysadmin)
    body = _reference().replace("人民调解协议书</h1>", "人民调解协议书（县定格式）</h1>", 1)
    response = client.post(reverse(ADD), {"name": NAME, "body": body, "active": "on"})
    assert response.status_code == 302
    assert "县定格式" in DocumentTemplate.objects.get(name=NAME).body
