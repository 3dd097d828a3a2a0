"""The clerk at the desk (issue 26): focus, organisation fields, checks as she types, what a
failed submit shows, the category filter's pinyin, the next steps after registering, and
filling in a known party (an audited reveal)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from centre.models import AuditLog
from centre.tests.factories import CategoryFactory
from intake.forms import search_terms
from intake.models import Case, CaseDocument, Party
from intake.tests.factories import applicant, credit_code, register, resident_id, respondent
from intake.tests.test_pages import _form

pytestmark = pytest.mark.django_db


def _check(client, field, value, prefix="parties-0", **extra):
    data = {"prefix": prefix, "field": field, f"{prefix}-{field}": value, **extra}
    return client.post(reverse("intake:field_check"), data)


def _wrong_last(number: str) -> str:
    """The number with a wrong check character."""
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def _organisation(**over):
    return {
        "parties-1-kind": "organisation",
        "parties-1-name": "安吉某某竹木制品有限公司",
        "parties-1-credit_code": credit_code(),
        "parties-1-legal_representative": "王明",
        **over,
    }


# --- 1. focus and the organisation fields -------------------------------------------------


def test_the_desk_opens_with_the_first_field_focused_and_every_field_shown(client, clerk, ref):
    client.force_login(clerk)
    page = client.get(reverse("intake:desk")).content.decode()
    channel = re.search(r"<select[^>]*id=\"id_channel\"[^>]*>", page).group(0)
    assert "autofocus" in channel
    assert page.count("autofocus") == 1
    # Without JS every field is there; desk.js hides those of the other kind.
    for field in ("credit_code", "legal_representative"):
        block = re.search(
            rf'data-kind-only="organisation">\s*<label[^>]*for="id_parties-0-{field}"', page
        )
        assert block is not None
    assert 'data-kind-only="organisation" hidden' not in page


def test_a_persons_hidden_organisation_fields_do_not_block_registration(client, clerk, ref):
    client.force_login(clerk)
    response = client.post(
        reverse("intake:desk"),
        _form(ref, **{"parties-0-credit_code": "不是代码", "parties-0-legal_representative": "x"}),
    )
    assert response.status_code == 302
    party = Case.objects.get().case_parties.get(role="applicant").party
    assert party.credit_code is None and party.legal_representative == ""


def test_an_organisation_registers_and_its_hidden_id_fields_do_not_block(client, clerk, ref):
    client.force_login(clerk)
    data = _form(ref, **_organisation(**{"parties-1-id_number": "123"}))
    data["parties-1-id_type"] = "resident_id"
    response = client.post(reverse("intake:desk"), data)
    assert response.status_code == 302
    party = Case.objects.get().case_parties.get(role="respondent").party
    assert party.kind == Party.Kind.ORGANISATION
    assert (party.credit_code, party.legal_representative) == (credit_code(), "王明")


def test_an_organisations_wrong_credit_code_is_named(client, clerk, ref):
    client.force_login(clerk)
    bad = _wrong_last(credit_code())
    response = client.post(
        reverse("intake:desk"), _form(ref, **_organisation(**{"parties-1-credit_code": bad}))
    )
    assert response.status_code == 200
    assert "统一社会信用代码：" in response.content.decode()
    assert not Case.objects.exists()


# --- 2. checks as she types ---------------------------------------------------------------


def test_a_wrong_check_digit_is_named_as_it_is_typed(client, clerk):
    client.force_login(clerk)
    good = resident_id()
    bad = _wrong_last(good)
    answer = _check(client, "id_number", bad, **{"parties-0-id_type": "resident_id"})
    assert answer.status_code == 200
    assert answer.json() == {
        "field": "id_number",
        "valid": False,
        "message": "证件号码：校验位错误",
    }
    assert bad not in answer.content.decode()  # no personal data comes back
    assert _check(client, "id_number", good, **{"parties-0-id_type": "resident_id"}).json()["valid"]


def test_a_phone_and_a_credit_code_are_checked_with_the_forms_rules(client, clerk):
    client.force_login(clerk)
    phone = _check(client, "phone", "1395721234", prefix="parties-1").json()
    assert phone["valid"] is False and phone["message"].startswith("联系电话：")
    assert _check(client, "phone", "139 5721 2345").json()["valid"] is True
    code = _check(
        client, "credit_code", _wrong_last(credit_code()), **{"parties-0-kind": "organisation"}
    ).json()
    assert code["valid"] is False and code["message"].startswith("统一社会信用代码：")
    assert _check(
        client, "credit_code", credit_code(), **{"parties-0-kind": "organisation"}
    ).json()["valid"]


def test_the_check_is_a_post_for_desk_staff_only(client, clerk, mediator):
    url = reverse("intake:field_check")
    assert client.post(url, {"field": "phone"}).status_code == 302  # to the login page
    client.force_login(mediator)
    assert _check(client, "phone", "13957212345").status_code == 403
    client.force_login(clerk)
    assert client.get(url, {"parties-0-phone": "13957212345"}).status_code == 405
    assert client.post(url, {"prefix": "parties-0", "field": "name"}).status_code == 400


def test_the_check_is_throttled_per_user(client, clerk, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "2/minute",
        },
    }
    client.force_login(clerk)
    statuses = [_check(client, "phone", "13957212345").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- 3. a failed submit -------------------------------------------------------------------


def test_a_failed_submit_summarises_links_and_marks_the_fields(client, clerk, ref):
    client.force_login(clerk)
    good = resident_id()
    bad = _wrong_last(good)
    data = _form(ref, **{"parties-0-id_number": bad, "summary": ""})
    data["attachments"] = SimpleUploadedFile("借条.jpg", b"\xff\xd8\xff" + b"0" * 50)
    page = client.post(reverse("intake:desk"), data).content.decode()
    summary = re.search(r'<div[^>]*id="error-summary".*?</div>', page, re.S).group(0)
    assert 'role="alert"' in summary and "autofocus" in summary
    assert '<a href="#id_summary"' in summary and "事项摘要：该字段是必填项。" in summary
    assert '<a href="#id_parties-0-id_number"' in summary and "证件号码：校验位错误" in summary
    field = re.search(r'<input[^>]*id="id_parties-0-id_number"[^>]*>', page).group(0)
    assert "is-invalid" in field and 'aria-invalid="true"' in field
    assert 'aria-describedby="id_parties-0-id_number-error"' in field
    assert 'id="id_parties-0-id_number-error"' in page
    # The summary takes the focus, not the first field.
    assert "autofocus" not in re.search(r'<select[^>]*id="id_channel"[^>]*>', page).group(0)
    # What was chosen and typed stays: the suggested window, the names, the village.
    assert 'id="suggested-window"' in page and "调解服务" in page
    assert 'value="张建华"' in page and 'value="李国强"' in page
    assert f'<option value="{ref["village"].code}" selected>' in page
    # A file cannot be kept by the browser: its name is, with a request to choose it again.
    assert "已选择的附件（借条.jpg）未能保留，请重新选择。" in page


def test_an_error_without_a_field_is_in_the_summary_too(client, clerk, ref):
    client.force_login(clerk)
    page = client.post(
        reverse("intake:desk"), _form(ref, **{"parties-0-role": "respondent"})
    ).content.decode()
    summary = re.search(r'<div[^>]*id="error-summary".*?</div>', page, re.S).group(0)
    assert '<a href="#party-list"' in summary and "至少需要一名申请人" in summary


# --- 4. the category picker ---------------------------------------------------------------


def test_pinyin_initials_and_full_pinyin_find_a_category():
    terms = search_terms("劳动争议 / 劳动报酬").split()
    assert "ldbc" in terms and "laodongbaochou" in terms
    assert "ldzy" in terms and "ldzyldbc" in terms


def test_the_category_options_carry_their_pinyin(client, clerk, ref):
    parent = CategoryFactory(code="05", name="劳动争议")
    CategoryFactory(code="0501", name="劳动报酬", parent=parent)
    client.force_login(clerk)
    page = client.get(reverse("intake:desk")).content.decode()
    option = re.search(r'<option value="0501"[^>]*>', page).group(0)
    assert 'data-search="' in option and "ldbc" in option
    # Without JS the plain select is the picker: the filter box is shown by desk.js only.
    assert re.search(r"<div[^>]*data-category-search hidden>", page)


# --- 5. after registering -----------------------------------------------------------------


def test_after_registering_print_and_next_are_one_key_each(client, clerk, ref):
    client.force_login(clerk)
    response = client.post(reverse("intake:desk"), _form(ref), follow=True)
    page = response.content.decode()
    case = Case.objects.get()
    assert 'class="alert alert-success"' in page  # the flash keeps its colour
    panel = re.search(r'<div[^>]*id="registered-next".*?</div>\s*</div>', page, re.S).group(0)
    receipt = reverse("intake:receipt", args=[case.number])
    assert re.search(rf'<a[^>]*href="{receipt}"[^>]*data-key="p"[^>]*>打印回执 <kbd>P</kbd>', panel)
    desk = reverse("intake:desk")
    assert re.search(rf'<a[^>]*href="{desk}"[^>]*data-key="n"[^>]*>登记下一件 <kbd>N</kbd>', panel)
    # Only right after registering.
    again = client.get(reverse("intake:case", args=[case.number])).content.decode()
    assert 'id="registered-next"' not in again


def test_print_receipt_opens_the_ready_receipt(client, clerk, ref):
    case = register(clerk, ref)
    client.force_login(clerk)
    document = case.documents.get(kind=CaseDocument.Kind.RECEIPT)
    CaseDocument.objects.filter(pk=document.pk).update(status=CaseDocument.Status.READY)
    response = client.get(reverse("intake:receipt", args=[case.number]))
    assert response["Location"] == reverse("intake:document", args=[case.number, document.pk])
    CaseDocument.objects.filter(pk=document.pk).update(status=CaseDocument.Status.PENDING)
    pending = client.get(reverse("intake:receipt", args=[case.number]), follow=True)
    assert "回执正在生成" in pending.content.decode()


# --- 6. filling in a known party ----------------------------------------------------------


def _known(clerk, ref):
    id_number = resident_id()
    register(
        clerk,
        ref,
        parties=[
            applicant(
                id_number=id_number, name="张建华", phone="13957212345", address="递铺街道阳光路8号"
            ),
            respondent(),
        ],
    )
    return id_number


def _lookup(client, id_number):
    return client.post(
        reverse("intake:party_lookup"),
        {
            "prefix": "parties-0",
            "parties-0-id_type": "resident_id",
            "parties-0-id_number": id_number,
        },
    ).content.decode()


def _fill(client, id_number):
    return client.post(
        reverse("intake:party_fill"),
        {
            "prefix": "parties-0",
            "parties-0-id_type": "resident_id",
            "parties-0-id_number": id_number,
        },
        REMOTE_ADDR="10.8.8.9",
    )


def test_a_known_id_number_offers_the_party_masked(client, clerk, ref):
    id_number = _known(clerk, ref)
    client.force_login(clerk)
    fragment = _lookup(client, id_number)
    assert 'data-fill-party="parties-0"' in fragment and "填入姓名、地址和电话" in fragment
    assert "张**" in fragment and "139****2345" in fragment
    assert "张建华" not in fragment and "13957212345" not in fragment
    assert "阳光路8号" not in fragment
    assert not AuditLog.objects.filter(action=AuditLog.Action.VIEW_PERSONAL_DATA).exists()
    # A phone alone (a shared family phone) is no reason to fill in someone's details.
    by_phone = client.post(
        reverse("intake:party_lookup"), {"prefix": "parties-0", "parties-0-phone": "13957212345"}
    ).content.decode()
    assert "data-fill-party" not in by_phone


def test_filling_in_a_known_party_is_an_audited_reveal(client, clerk, ref):
    id_number = _known(clerk, ref)
    client.force_login(clerk)
    answer = _fill(client, id_number)
    assert answer.json() == {
        "name": "张建华",
        "address": "递铺街道阳光路8号",
        "phone": "13957212345",
    }
    entry = AuditLog.objects.get(action=AuditLog.Action.VIEW_PERSONAL_DATA)
    party = Party.objects.get(name="张建华")
    assert (entry.actor, entry.object_id, entry.ip_address) == (clerk, str(party.pk), "10.8.8.9")
    assert entry.county == clerk.staff.county


def test_no_fill_for_an_unknown_number_nor_without_the_desk(client, clerk, mediator, ref):
    id_number = _known(clerk, ref)
    client.force_login(clerk)
    assert _fill(client, resident_id()).status_code == 404
    assert _fill(client, id_number[:-3]).status_code == 400
    client.force_login(mediator)
    assert _fill(client, id_number).status_code == 403
    assert client.get(reverse("intake:party_fill")).status_code == 403
    assert not AuditLog.objects.filter(action=AuditLog.Action.VIEW_PERSONAL_DATA).exists()
