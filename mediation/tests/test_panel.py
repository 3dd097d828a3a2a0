"""The mediation panel as the mediator uses it: the forms in view, sessions on the
timeline by their number, the agreement's PDF link that appears by itself."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intake import workflow
from intake.models import CaseDocument
from intake.tests.factories import register
from mediation.services import session_save
from mediation.tests.factories import agreement_data, start

pytestmark = pytest.mark.django_db


def _page(client, user, case) -> str:
    client.force_login(user)
    return client.get(reverse("intake:case", args=[case.number])).content.decode()


def _folded(page: str, marker: str) -> bool:
    """Whether ``marker`` sits inside a <details> element (folded away by default)."""
    before = page[: page.index(marker)]
    return before.count("<details") > before.count("</details>")


def test_session_and_agreement_forms_are_in_view(client, clerk, supervisor, ref, org, chen):
    case = start(register(clerk, ref), supervisor, org, [chen])
    page = _page(client, chen.user, case)
    for marker in ('id="session-form"', 'id="panel-record_agreement"'):
        assert marker in page and not _folded(page, marker), marker
    assert 'name="held_at"' in page and 'name="facts"' in page


def test_sessions_appear_on_the_timeline_by_their_number(client, clerk, supervisor, ref, org, chen):
    case = start(register(clerk, ref), supervisor, org, [chen])
    for outcome in ("分歧较大", "基本达成一致"):
        session_save(
            actor=chen.user,
            mediation=case.mediation,
            place="on_site",
            held_at=timezone.now() - timedelta(hours=1),
            record="双方陈述",
            outcome=outcome,
        )
    page = _page(client, chen.user, case)
    timeline = page[page.index('id="timeline"') :]
    assert "调解会谈（第1次）" in timeline and "调解会谈（第2次）" in timeline
    assert "<strong>流转</strong>" not in timeline


def test_the_agreement_pdf_link_refreshes_itself(client, clerk, supervisor, ref, org, chen):
    case = start(register(clerk, ref), supervisor, org, [chen])
    workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
    document = CaseDocument.objects.get(case=case, kind="agreement")
    CaseDocument.objects.filter(pk=document.pk).update(status="pending")
    link_url = reverse("intake:document_link", args=[case.number, document.pk])
    page = _page(client, chen.user, case)
    pending = page[page.index('data-agreement-pdf="1"') :]
    pending = pending[: pending.index("</span>")]
    assert f'hx-get="{link_url}"' in pending and 'hx-trigger="every 2s"' in pending

    CaseDocument.objects.filter(pk=document.pk).update(status="ready")
    answer = client.get(link_url).content.decode()
    assert 'data-status="ready"' in answer and "hx-get" not in answer
    assert reverse("intake:document", args=[case.number, document.pk]) in answer


def test_a_document_link_is_not_shown_to_whom_may_not_see_the_case(
    client, clerk, supervisor, ref, org, chen, outsider
):
    case = start(register(clerk, ref), supervisor, org, [chen])
    receipt = CaseDocument.objects.get(case=case, kind="receipt")
    client.force_login(outsider)
    url = reverse("intake:document_link", args=[case.number, receipt.pk])
    assert client.get(url).status_code == 404


def _triaged(clerk, ref):
    case = register(clerk, ref)
    return workflow.fire(
        actor=clerk, number=case.number, name="triage", data={"window": "mediation"}
    )


def _row(page: str, mediator) -> str:
    row = page[page.index(f'data-mediator="{mediator.pk}"') :]
    return row[: row.index("</tr>")]


def test_the_start_form_shows_who_can_sign_in_and_how_the_score_adds_up(
    client, clerk, supervisor, ref, county, org, chen
):
    from mediation.tests.factories import mediator

    top = mediator(county, "周国平", orgs=[org], rank=1, specialties=[ref["category"]])
    case = _triaged(clerk, ref)
    page = _page(client, supervisor, case)
    assert page.index(f'data-mediator="{top.pk}"') < page.index(f'data-mediator="{chen.pk}"')
    assert "无登录账号" in _row(page, top) and "可登录" in _row(page, chen)
    assert '擅长相邻关系 <span class="text-muted">+40</span>' in _row(page, top)
    # The best mediator who can sign in is proposed as lead, and their organisation with them.
    assert re.search(rf'name="lead" value="{chen.pk}"[^>]*checked', page)
    assert not re.search(rf'name="lead" value="{top.pk}"[^>]*checked', page)
    assert re.search(rf'<option value="{org.pk}" selected>', page)
    assert f'data-organisation="{org.pk}"' in _row(page, chen)


def test_a_refused_start_keeps_what_was_chosen(
    client, clerk, supervisor, ref, county, org, chen, li
):
    from mediation.tests.factories import mediator, organisation

    other = organisation(county, "递铺街道人民调解委员会", kind="town")
    mediator(county, "吴晓梅", orgs=[other])
    case = _triaged(clerk, ref)
    client.force_login(supervisor)
    response = client.post(
        reverse("mediation:start", args=[case.number]),
        {
            "version": case.version,
            "organisation": other.pk,
            "mediators": [chen.pk, li.pk],
            "lead": li.pk,
            "linkage": "police",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "主持调解员须属于所选调解组织" in page
    for pk in (chen.pk, li.pk):
        assert re.search(rf'name="mediators" value="{pk}"[^>]*checked', page)
    assert re.search(rf'name="lead" value="{li.pk}"[^>]*checked', page)
    assert re.search(rf'<option value="{other.pk}" selected>', page)
    assert '<option value="police" selected>' in page
