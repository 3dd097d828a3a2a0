"""The case API: registration, lists (masked), the case (full only with the right, and
audited), search on full values, documents."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from centre.models import AuditLog
from intake.models import Case, CaseDocument, Party
from intake.tests.factories import applicant, credit_code, register, resident_id, respondent

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _body(ref, **over):
    body = {
        "channel": "walk_in",
        "nature": "dispute",
        "category": ref["category"].code,
        "summary": "邻居加建围墙占用通道",
        "description": "双方为通道宽度争执多次",
        "region": ref["village"].code,
        "amount": "3000.00",
        "involved_count": 2,
        "parties": [
            {
                "role": "applicant",
                "kind": "person",
                "name": "张建华",
                "id_type": "resident_id",
                "id_number": resident_id("19650412", serial=123),
                "phone": "13957212345",
                "address": "余村村3组",
            },
            {
                "role": "respondent",
                "kind": "organisation",
                "name": "安吉某竹木制品有限公司",
                "credit_code": credit_code(),
            },
        ],
    }
    body.update(over)
    return body


def test_post_registers_a_case(api, clerk, ref):
    api.force_authenticate(clerk)
    response = api.post("/api/v1/cases/", _body(ref), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("330523-") and body["number"].endswith("-000001")
    assert body["state"] == "registered"
    assert body["suggested_window"] == "mediation"
    case = Case.objects.get(number=body["number"])
    assert case.amount == 3000 and case.involved_count == 2


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("id_number", "330523196504121230", "校验位错误"),
        ("id_number", "330523196502301239", None),  # 2 月 30 日: 出生日期无效 or 校验位错误
        ("id_number", "33052319650412", "位数"),
        ("phone", "5123456", "区号"),
        ("phone", "+1 650 253 0000", None),
    ],
)
def test_bad_identity_values_are_refused_naming_the_field(api, clerk, ref, field, value, text):
    api.force_authenticate(clerk)
    body = _body(ref)
    body["parties"][0][field] = value
    response = api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"][f"parties[0].{field}"]
    if text:
        assert text in errors[0]
    assert not Case.objects.exists() and not Party.objects.exists()


def test_an_impossible_birth_date_says_so(api, clerk, ref):
    body = _body(ref)
    number = "33052319650230" + "123"
    from stdnum.cn import ric

    body["parties"][0]["id_number"] = number + ric.calc_check_digit(number + "0")
    api.force_authenticate(clerk)
    response = api.post("/api/v1/cases/", body, format="json")
    assert "出生日期无效" in response.json()["errors"]["parties[0].id_number"][0]


def test_a_bad_credit_code_is_refused(api, clerk, ref):
    body = _body(ref)
    body["parties"][1]["credit_code"] = "91330523MA2B3C4D5X"
    api.force_authenticate(clerk)
    response = api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    assert "校验位错误" in response.json()["errors"]["parties[1].credit_code"][0]


def test_cross_field_errors_name_the_party_field(api, clerk, ref):
    body = _body(ref)
    body["parties"][0]["phone"] = ""
    api.force_authenticate(clerk)
    response = api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    assert "申请人须留联系电话" in response.json()["errors"]["parties[0].phone"][0]


def test_errors_in_english_with_accept_language(api, clerk, ref):
    body = _body(ref)
    body["parties"][0]["id_number"] = "330523196504121230"
    api.force_authenticate(clerk)
    response = api.post("/api/v1/cases/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "check digit" in response.json()["errors"]["parties[0].id_number"][0].lower()


def test_only_registering_roles_may_post(api, leader, mediator, ref):
    for user in (leader, mediator):
        api.force_authenticate(user)
        assert api.post("/api/v1/cases/", _body(ref), format="json").status_code == 403


def test_a_registration_runs_a_fixed_number_of_queries(api, clerk, ref, django_assert_num_queries):
    """What a registration costs the database once the process has its reference data
    (rights, staff profile, category, region, triage rules) in memory (centre.refcache)."""
    api.force_authenticate(clerk)
    assert api.post("/api/v1/cases/", _body(ref), format="json").status_code == 201
    returning = _body(ref)  # the same applicant and company: both found, nothing changed
    # savepoint; the parties with an ID number or credit code offered (one insert, ON
    # CONFLICT DO NOTHING: both exist); the parties with their history (one locking query);
    # the number (the counter's upsert); the case; its parties' links, timeline entry, the
    # clerk's rights and the receipt row (one insert each); release.
    with django_assert_num_queries(10):
        response = api.post("/api/v1/cases/", returning, format="json")
    assert response.status_code == 201 and response.json()["number"].endswith("-000002")
    fresh = _body(ref)
    fresh["parties"][0].update(id_number=resident_id("19700101", serial=7), name="王芳")
    fresh["parties"][1].update(credit_code=credit_code("91330523MA2B3C4D6"), name="某公司")
    # Two new parties: the same statements (the offer inserts both).
    with django_assert_num_queries(10):
        assert api.post("/api/v1/cases/", fresh, format="json").status_code == 201
    # A new third party known by name only: one insert more.
    third = _body(ref)
    third["parties"].append({"role": "third_party", "kind": "person", "name": "赵六"})
    with django_assert_num_queries(11):
        response = api.post("/api/v1/cases/", third, format="json")
    case = Case.objects.get(number=response.json()["number"])
    assert [cp.party.name for cp in case.case_parties.order_by("order")][-1] == "赵六"
    # Run again and again, a registration's statements are prepared on the connection.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = " ".join(row[0] for row in cursor.fetchall())
    assert 'INSERT INTO "intake_case"' in prepared and 'INSERT INTO "intake_party"' in prepared


def test_a_removed_role_or_a_revoked_token_takes_effect_at_once(api, clerk, ref):
    from django.contrib.auth.models import Group

    from centre import tokens
    from centre.models import ApiToken

    issued = tokens.token_issue(user=clerk, name="测试")
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    assert api.post("/api/v1/cases/", _body(ref), format="json").status_code == 201
    clerk.groups.remove(Group.objects.get(name="clerk"))
    assert api.post("/api/v1/cases/", _body(ref), format="json").status_code == 403
    clerk.groups.add(Group.objects.get(name="clerk"))
    assert api.post("/api/v1/cases/", _body(ref), format="json").status_code == 201
    clerk.is_active = False
    clerk.save()
    assert api.post("/api/v1/cases/", _body(ref), format="json").status_code == 401
    clerk.is_active = True
    clerk.save()
    assert api.get("/api/v1/cases/").status_code == 200
    tokens.token_revoke(actor=clerk, tokens=ApiToken.objects.filter(pk=issued.token.pk))
    assert api.get("/api/v1/cases/").status_code == 401
    assert Case.objects.count() == 2


def test_lists_show_masked_values_only(api, clerk, leader, ref):
    id_number = resident_id("19650412", serial=123)
    register(
        clerk, ref, parties=[applicant(id_number=id_number, phone="13957212345"), respondent()]
    )
    for user in (clerk, leader):
        api.force_authenticate(user)
        body = api.get("/api/v1/cases/").json()
        text = str(body)
        assert id_number not in text and "13957212345" not in text
        party = body["results"][0]["parties"][0]
        assert party["id_number"] == f"330523********{id_number[-4:]}"
        assert party["phone"] == "139****2345"
        assert party["masked"] is True
    assert not AuditLog.objects.filter(action=AuditLog.Action.VIEW_PERSONAL_DATA).exists()


def test_the_case_is_masked_until_asked_then_full_to_the_registering_clerk_and_audited_once(
    api, clerk, ref
):
    id_number = resident_id("19650412", serial=123)
    case = register(
        clerk, ref, parties=[applicant(id_number=id_number, phone="13957212345"), respondent()]
    )
    api.force_authenticate(clerk)
    masked = api.get(f"/api/v1/cases/{case.number}/")
    assert id_number not in masked.content.decode() and masked.json()["parties"][0]["masked"]
    assert not AuditLog.objects.filter(action=AuditLog.Action.VIEW_PERSONAL_DATA).exists()
    response = api.get(f"/api/v1/cases/{case.number}/?reveal=1", REMOTE_ADDR="10.3.2.1")
    body = response.json()
    assert body["parties"][0]["id_number"] == id_number
    assert body["parties"][0]["phone"] == "13957212345"
    assert "no-store" in response["Cache-Control"]
    entry = AuditLog.objects.get(action=AuditLog.Action.VIEW_PERSONAL_DATA)  # one for the request
    assert (entry.actor, entry.case_number, entry.ip_address) == (clerk, case.number, "10.3.2.1")
    assert entry.detail["parties"] == [case.case_parties.first().party_id]
    assert set(body) >= {"timeline", "risk", "deadlines", "documents", "version"}


def test_the_case_is_masked_for_a_leader_and_a_colleague(api, clerk, leader, make_user, ref):
    id_number = resident_id()
    case = register(clerk, ref, parties=[applicant(id_number=id_number), respondent()])
    for user in (leader, make_user("clerk", "clerk2")):
        api.force_authenticate(user)
        body = api.get(f"/api/v1/cases/{case.number}/").json()
        assert id_number not in str(body)
        assert body["parties"][0]["masked"] is True
        asked = api.get(f"/api/v1/cases/{case.number}/?reveal=1")
        assert asked.status_code == 403 and id_number not in asked.content.decode()
    assert not AuditLog.objects.filter(action=AuditLog.Action.VIEW_PERSONAL_DATA).exists()


def test_supervisors_see_full_values_county_wide(api, clerk, supervisor, ref):
    id_number = resident_id()
    case = register(clerk, ref, parties=[applicant(id_number=id_number), respondent()])
    api.force_authenticate(supervisor)
    body = api.get(f"/api/v1/cases/{case.number}/?reveal=1").json()
    assert body["parties"][0]["id_number"] == id_number


def test_outsiders_and_unassigned_mediators_get_404(api, clerk, mediator, outsider, ref):
    case = register(clerk, ref)
    for user in (mediator, outsider):
        api.force_authenticate(user)
        assert api.get(f"/api/v1/cases/{case.number}/").status_code == 404
        assert api.get("/api/v1/cases/").json()["count"] == 0


def test_search_by_full_id_phone_name_or_number(api, clerk, ref):
    id_number = resident_id()
    target = register(
        clerk,
        ref,
        parties=[applicant(id_number=id_number, phone="13957212345", name="陈秀英"), respondent()],
    )
    register(clerk, ref)
    api.force_authenticate(clerk)
    for q in (id_number, "13957212345", "139 5721 2345", "陈秀英", target.number[-6:]):
        body = api.get("/api/v1/cases/", {"q": q}).json()
        assert [c["number"] for c in body["results"]] == [target.number], q
        assert id_number not in str(body)  # matched on the full value, shown masked
    # The same search in a header (percent-encoded UTF-8): nothing of it in the URL.
    from urllib.parse import quote

    for q in (id_number, "陈秀英"):
        body = api.get("/api/v1/cases/", HTTP_X_SEARCH=quote(q)).json()
        assert [c["number"] for c in body["results"]] == [target.number], q


def test_filters(api, clerk, ref):
    mass = register(clerk, ref, involved_count=9)
    other = register(clerk, ref)
    api.force_authenticate(clerk)
    other_state = api.post(
        f"/api/v1/cases/{other.number}/transitions/triage/", {"window": "mediation"}, format="json"
    )
    assert other_state.status_code == 200

    def numbers(**params):
        return [c["number"] for c in api.get("/api/v1/cases/", params).json()["results"]]

    assert numbers(state="triaged") == [other.number]
    assert numbers(window="mediation") == [other.number]
    assert numbers(risk="mass") == [mass.number]
    assert set(numbers(category=ref["parent_category"].code)) == {mass.number, other.number}
    assert set(numbers(region=ref["town"].code)) == {mass.number, other.number}


def test_list_queries_do_not_grow_with_the_page(api, clerk, ref, django_assert_max_num_queries):
    for _ in range(60):
        register(clerk, ref)
    api.force_authenticate(clerk)
    with django_assert_max_num_queries(10):
        assert len(api.get("/api/v1/cases/").json()["results"]) == 50


def test_documents_with_status_and_download(api, clerk, ref):
    case = register(clerk, ref)
    doc = CaseDocument.objects.get(case=case)
    api.force_authenticate(clerk)
    listed = api.get(f"/api/v1/cases/{case.number}/documents/").json()
    assert listed == [
        {
            "id": doc.pk,
            "kind": "receipt",
            "kind_label": "受理回执",
            "status": "pending",
            "created_at": listed[0]["created_at"],
            "rendered_at": None,
            "url": None,
        }
    ]
    doc.file.save("receipt.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    CaseDocument.objects.filter(pk=doc.pk).update(status="ready", file=doc.file.name)
    listed = api.get(f"/api/v1/cases/{case.number}/documents/").json()
    assert listed[0]["status"] == "ready"
    download = api.get(listed[0]["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_documents_of_an_invisible_case_are_404(api, clerk, outsider, ref):
    case = register(clerk, ref)
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/cases/{case.number}/documents/").status_code == 404


def test_the_schema_lists_the_case_api(client, clerk):
    client.force_login(clerk)
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{number}/transitions/{name}/",
        "/api/v1/cases/{number}/documents/",
    ):
        assert path in schema


def test_the_list_filters_by_outcome(api, clerk, ref):
    declined, answered, _open = (register(clerk, ref) for _ in range(3))
    for case, outcome in [(declined, "declined"), (answered, "answered")]:
        Case.objects.filter(pk=case.pk).update(state="closed", outcome=outcome)
    api.force_authenticate(clerk)
    numbers = [c["number"] for c in api.get("/api/v1/cases/?outcome=answered").json()["results"]]
    assert numbers == [answered.number]
