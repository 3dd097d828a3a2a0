"""The desk and case pages: register a walk-in with two parties, repeat-visitor warning
as the clerk types, triage suggestion, region cascade, lists, the case page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centre.models import AuditLog
from intake.models import Case, CaseParty
from intake.tests.factories import applicant, register, resident_id, respondent

pytestmark = pytest.mark.django_db


def _form(ref, **over):
    data = {
        "channel": "walk_in",
        "nature": "dispute",
        "category": ref["category"].code,
        "town": ref["town"].code,
        "village": ref["village"].code,
        "summary": "邻居加建围墙占用通道",
        "description": "",
        "amount": "",
        "involved_count": "2",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "50",
        "parties-0-role": "applicant",
        "parties-0-kind": "person",
        "parties-0-name": "张建华",
        "parties-0-id_type": "resident_id",
        "parties-0-id_number": resident_id(),
        "parties-0-phone": "139 5721 2345",
        "parties-1-role": "respondent",
        "parties-1-kind": "person",
        "parties-1-name": "李国强",
        "parties-1-id_type": "",
        "parties-1-id_number": "",
        "parties-1-phone": "",
    }
    data.update(over)
    return data


def test_desk_registers_a_walk_in_with_two_parties(client, clerk, ref):
    client.force_login(clerk)
    response = client.post(reverse("intake:desk"), _form(ref))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:case", args=[case.number])
    assert case.region == ref["village"]
    assert case.case_parties.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert f"登记成功，案件编号{case.number}" in page
    assert "受理回执" in page


def test_desk_shows_field_errors_in_chinese_and_keeps_the_input(client, clerk, ref):
    client.force_login(clerk)
    response = client.post(
        reverse("intake:desk"),
        _form(ref, **{"parties-0-id_number": "330523196504121230", "summary": ""}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "证件号码：校验位错误" in page
    assert "事项摘要：该字段是必填项。" in page
    assert "张建华" in page  # nothing typed is lost
    assert not Case.objects.exists()


def test_desk_requires_an_applicant(client, clerk, ref):
    client.force_login(clerk)
    response = client.post(reverse("intake:desk"), _form(ref, **{"parties-0-role": "respondent"}))
    assert "至少需要一名申请人" in response.content.decode()
    assert not Case.objects.exists()


def test_typing_a_known_id_shows_the_earlier_cases(client, clerk, ref):
    id_number = resident_id()
    earlier = register(clerk, ref, parties=[applicant(id_number=id_number), respondent()])
    client.force_login(clerk)
    response = client.post(
        reverse("intake:party_lookup"),
        {
            "prefix": "parties-0",
            "parties-0-id_type": "resident_id",
            "parties-0-id_number": id_number,
            "parties-0-phone": "",
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "重复来访" in page and earlier.number in page
    assert id_number not in page
    # Half typed: nothing to show yet, and no error.
    partial = client.post(
        reverse("intake:party_lookup"),
        {"prefix": "parties-0", "parties-0-id_number": id_number[:10]},
    )
    assert partial.status_code == 200 and "重复来访" not in partial.content.decode()


def test_typing_a_known_phone_shows_the_earlier_cases(client, clerk, ref):
    earlier = register(clerk, ref, parties=[applicant(phone="13957212345"), respondent()])
    client.force_login(clerk)
    page = client.post(
        reverse("intake:party_lookup"), {"prefix": "parties-1", "parties-1-phone": "13957212345"}
    ).content.decode()
    assert earlier.number in page
    # Never in a URL: a GET is refused.
    assert (
        client.get(reverse("intake:party_lookup"), {"parties-1-phone": "13957212345"}).status_code
        == 405
    )


def test_suggestion_follows_nature_and_category(client, clerk, ref):
    client.force_login(clerk)
    page = client.get(
        reverse("intake:suggest"), {"nature": "dispute", "category": ref["category"].code}
    )
    assert "调解服务" in page.content.decode()
    page = client.get(reverse("intake:suggest"), {"nature": "petition"}).content.decode()
    assert "接访服务" in page


def test_region_picker_cascades(client, clerk, ref):
    client.force_login(clerk)
    page = client.get(reverse("intake:villages"), {"town": ref["town"].code}).content.decode()
    assert f'value="{ref["village"].code}"' in page and "余村村" in page


def test_party_row_for_the_formset(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("intake:party_form"), {"index": "2"}).content.decode()
    assert 'name="parties-2-name"' in page
    assert 'value="3"' in page and 'hx-swap-oob="true"' in page


def test_case_list_masks_and_keeps_its_queries_fixed(client, clerk, ref):
    id_number = resident_id()
    register(
        clerk, ref, parties=[applicant(id_number=id_number, phone="13957212345"), respondent()]
    )
    for _ in range(55):
        register(clerk, ref)
    client.force_login(clerk)
    client.get(reverse("intake:cases"))  # reference lists cached, as on a working desk
    with CaptureQueriesContext(connection) as full:
        page = client.get(reverse("intake:cases")).content.decode()
    # Read now: the context slices the connection's log, which the next request resets.
    full = list(full.captured_queries)
    assert page.count('href="/intake/cases/330523-') == 50
    assert id_number not in page and "13957212345" not in page
    with CaptureQueriesContext(connection) as short:
        second = client.get(reverse("intake:cases"), {"page": 2}).content.decode()
    assert second.count('href="/intake/cases/330523-') == 6
    # The same queries for 50 rows as for 6, and at most 10 (the two SAVEPOINT lines
    # are the test's own transaction around the session write).
    assert len(full) == len(short)
    assert len([q for q in full if "SAVEPOINT" not in q["sql"]]) <= 10


def test_case_page_masks_until_reveal_and_audits_the_reveal(client, clerk, ref):
    id_number = resident_id()
    case = register(
        clerk, ref, parties=[applicant(id_number=id_number, phone="13957212345"), respondent()]
    )
    client.force_login(clerk)
    page = client.get(reverse("intake:case", args=[case.number])).content.decode()
    assert id_number not in page and "139****2345" in page
    assert "显示完整信息" in page
    cp = case.case_parties.get(role=CaseParty.Role.APPLICANT)
    row = client.post(
        reverse("intake:reveal", args=[case.number, cp.pk]), REMOTE_ADDR="10.8.8.8"
    ).content.decode()
    assert id_number in row and "13957212345" in row
    entry = AuditLog.objects.get(action=AuditLog.Action.VIEW_PERSONAL_DATA)
    assert (entry.actor, entry.case_number, entry.ip_address, entry.object_id) == (
        clerk,
        case.number,
        "10.8.8.8",
        str(cp.party_id),
    )


def test_reveal_is_refused_without_the_right(client, clerk, leader, ref):
    case = register(clerk, ref)
    cp = case.case_parties.first()
    client.force_login(leader)
    page = client.get(reverse("intake:case", args=[case.number])).content.decode()
    assert "显示完整信息" not in page
    assert client.post(reverse("intake:reveal", args=[case.number, cp.pk])).status_code == 403
    assert not AuditLog.objects.filter(action=AuditLog.Action.VIEW_PERSONAL_DATA).exists()


def test_case_page_offers_the_users_transitions_and_fires_them(client, clerk, ref):
    case = register(clerk, ref)
    client.force_login(clerk)
    page = client.get(reverse("intake:case", args=[case.number])).content.decode()
    assert 'data-transition="triage"' in page and 'data-transition="close"' not in page
    response = client.post(
        reverse("intake:transition", args=[case.number, "triage"]),
        {"window": "mediation", "note": "", "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "triaged"


def test_a_stale_page_is_told_the_case_changed(client, clerk, ref):
    case = register(clerk, ref)
    client.force_login(clerk)
    client.post(
        reverse("intake:transition", args=[case.number, "triage"]),
        {"window": "mediation", "version": 1},
    )
    response = client.post(
        reverse("intake:transition", args=[case.number, "refer"]),
        {"window": "petition", "note": "x", "version": 1},
        follow=True,
    )
    assert "已被他人更新" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "triaged"


def test_supervisor_raises_risk_clerk_cannot(client, clerk, supervisor, ref):
    case = register(clerk, ref)
    client.force_login(clerk)
    assert (
        client.post(
            reverse("intake:raise_risk", args=[case.number]),
            {"level": "high", "reason": "扬言拉横幅"},
        ).status_code
        == 403
    )
    client.force_login(supervisor)
    client.post(
        reverse("intake:raise_risk", args=[case.number]), {"level": "high", "reason": "扬言拉横幅"}
    )
    case.refresh_from_db()
    assert case.risk_level == "high"


def test_pages_of_a_case_one_may_not_see_are_404(client, clerk, mediator, ref):
    case = register(clerk, ref)
    client.force_login(mediator)
    assert client.get(reverse("intake:case", args=[case.number])).status_code == 404
    assert client.get(reverse("intake:documents", args=[case.number])).status_code == 404


def test_case_page_queries_are_bounded(client, clerk, ref, django_assert_max_num_queries):
    case = register(clerk, ref)
    client.force_login(clerk)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("intake:case", args=[case.number])).status_code == 200


def test_export_is_masked_and_audited(client, clerk, ref):
    from io import BytesIO

    from openpyxl import load_workbook

    id_number = resident_id()
    case = register(
        clerk, ref, parties=[applicant(id_number=id_number, phone="13957212345"), respondent()]
    )
    client.force_login(clerk)
    response = client.get(reverse("intake:export"), {"state": "registered"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "案件编号" and rows[1][0] == case.number
    text = str(rows)
    assert id_number not in text and "13957212345" not in text
    assert f"330523********{id_number[-4:]}" in text and "139****2345" in text
    entry = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert entry.actor == clerk and entry.detail["rows"] == 1
    assert entry.detail["filters"] == {"state": "registered"}


def test_queues_sort_by_urgency(client, clerk, ref, supervisor, county, time_machine):
    from centre import clocks

    time_machine.move_to("2026-11-02 10:00 +08:00")
    later = register(clerk, ref)
    sooner = register(clerk, ref)
    calm = register(clerk, ref)
    for case, start in ((later, "2026-11-20"), (sooner, "2026-11-01")):
        clocks.clock_start(
            rule_code="mediation_people",
            county=county,
            case_number=case.number,
            subject="test",
            subject_id=case.pk,
            start=__import__("datetime").date.fromisoformat(start),
        )
    client.force_login(clerk)
    page = client.get(reverse("intake:cases"), {"sort": "urgency"}).content.decode()
    order = [page.index(c.number) for c in (sooner, later, calm)]
    assert order == sorted(order)


def test_the_desk_calculator(client, clerk):
    client.force_login(clerk)
    page = client.get(
        reverse("intake:deadline"), {"rule": "review_accept", "start": "2026-09-30"}
    ).content.decode()
    assert "2026年10月13日" in page and "行政复议法" in page
    assert "期限计算" in client.get(reverse("intake:desk")).content.decode()


def test_a_refused_attachment_is_shown_on_the_desk_and_nothing_is_saved(client, clerk, ref):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(clerk)
    data = _form(ref)
    data["attachments"] = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00" * 10)
    response = client.post(reverse("intake:desk"), data)
    assert response.status_code == 200
    assert "类型不支持" in response.content.decode()
    assert not Case.objects.exists()


def test_case_list_rows_show_state_roles_and_risk(client, clerk, ref):
    register(clerk, ref, involved_count=9)
    client.force_login(clerk)
    page = client.get(reverse("intake:cases")).content.decode()
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    for text in ("已登记", "申请人：", "被申请人：", "群体性", "风险 中"):
        assert text in row, text
    # In English, English punctuation too.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("intake:cases")).content.decode()
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "Applicant: " in row and "：" not in row


def test_case_list_names_an_impossible_date_instead_of_failing(client, clerk):
    client.force_login(clerk)
    response = client.get("/intake/cases/", {"from": "2026-02-30", "to": "2026-13-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "登记日期自「2026-02-30」不是有效日期，已忽略" in page
    assert "登记日期至「2026-13-01」不是有效日期，已忽略" in page


def test_case_list_counts_only_up_to_a_cap(client, clerk, ref, monkeypatch):
    """Beyond the cap the list says "more than" instead of counting every matching row."""
    from intake import views
    from intake.tests.factories import register

    for _ in range(3):
        register(clerk, ref)
    client.force_login(clerk)
    assert "共3件" in client.get("/intake/cases/").content.decode()
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    page = client.get("/intake/cases/").content.decode()
    assert "超过2件，请缩小筛选条件或导出台账" in page
    assert page.count("/intake/cases/330523-") >= 3  # the rows are still all listed


def test_case_list_escapes_what_people_typed(client, clerk, ref):
    from intake.tests.factories import applicant, register, respondent

    register(
        clerk,
        ref,
        summary='<script>alert("x")</script> & 邻里',
        parties=[applicant(), respondent(name="李<b>国强</b>")],
    )
    client.force_login(clerk)
    page = client.get("/intake/cases/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 邻里" in page
    assert "李&lt;b&gt;国强&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>国强" not in page


def test_a_full_id_number_searched_never_travels_in_a_url(client, clerk, ref):
    id_number = resident_id()
    target = register(clerk, ref, parties=[applicant(id_number=id_number), respondent()])
    register(clerk, ref)
    client.force_login(clerk)
    response = client.post(reverse("intake:cases"), {"q": id_number, "state": "registered"})
    assert response.status_code == 302
    url = response["Location"]
    assert id_number not in url and "state=registered" in url and "s=" in url
    page = client.get(url).content.decode()
    assert target.number in page and page.count('href="/intake/cases/330523-') == 1
    # Masked in the rows; the typed text is only in the form's fields (the body, not a URL).
    assert page.count(id_number) == page.count(f'value="{id_number}"')
    export = client.get(reverse("intake:export") + "?" + url.split("?", 1)[1])
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [target.number]


def test_a_step_says_what_was_done(client, clerk, ref):
    case = register(clerk, ref)
    client.force_login(clerk)
    response = client.post(
        reverse("intake:transition", args=[case.number, "triage"]),
        {"window": "mediation", "version": case.version},
        follow=True,
    )
    text = response.content.decode()
    assert "已完成「分流」：案件现为「已分流」，承办窗口：调解服务" in text
