"""Registering a case: one number for its life, one record per party, risk flags, and
nothing half-saved when something is wrong."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from centre.crypto import get_keyring
from centre.tests.factories import CountyFactory, RegionFactory
from intake import services
from intake.models import Attachment, Case, CaseDocument, CaseEvent, CaseParty, Party
from intake.tests.factories import (
    applicant,
    credit_code,
    phone,
    register,
    resident_id,
    respondent,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_case_gets_a_county_year_number_and_its_parties(clerk, ref, time_machine):
    time_machine.move_to("2026-11-27 10:00 +08:00")
    id_number, mobile = resident_id("19650412"), "13957212345"
    case = register(
        clerk, ref, parties=[applicant(id_number=id_number, phone=mobile), respondent()]
    )
    assert case.number == "330523-2026-000001"
    assert case.state == Case.State.REGISTERED
    assert case.registered_by == clerk
    assert case.suggested_window.code == "mediation"
    roles = [(cp.role, cp.party.name) for cp in case.case_parties.select_related("party")]
    assert roles == [("applicant", "张建华"), ("respondent", "李国强")]
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.actor, event.to_state) == ("registered", clerk, "registered")
    assert register(clerk, ref).number == "330523-2026-000002"


def test_id_numbers_and_phones_are_stored_encrypted_indexed_and_masked(clerk, ref):
    id_number, mobile = resident_id("19650412", serial=123), "13957212345"
    register(clerk, ref, parties=[applicant(id_number=id_number, phone=mobile), respondent()])
    party = Party.objects.get(name="张建华")
    raw = bytes(party.id_number_enc)
    assert id_number.encode() not in raw and mobile.encode() not in bytes(party.phone_enc)
    assert get_keyring().decrypt(raw) == id_number
    assert party.id_number_index == get_keyring().blind_index(id_number, purpose="id_number")
    assert party.id_number_masked == f"330523********{id_number[-4:]}"
    assert party.phone_masked == "139****2345"


def test_the_same_id_number_reuses_the_party_and_marks_a_repeat_visit(clerk, ref):
    id_number = resident_id()
    first = register(clerk, ref, parties=[applicant(id_number=id_number), respondent()])
    assert not first.risk_repeat
    # Typed with spaces and a new phone: still the same person, phone brought up to date.
    spaced = f"{id_number[:6]} {id_number[6:14]} {id_number[14:]}"
    second = register(
        clerk,
        ref,
        parties=[applicant(id_number=spaced, phone="13700001111"), respondent(name="王五")],
    )
    assert Party.objects.filter(name="张建华").count() == 1
    assert second.risk_repeat
    assert second.risk_level == Case.RiskLevel.MEDIUM
    assert Party.objects.get(name="张建华").phone_masked == "137****1111"


def test_a_returning_party_with_the_same_details_costs_no_write(clerk, ref):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    id_number = resident_id()
    register(
        clerk, ref, parties=[applicant(id_number=id_number, phone="13700001111"), respondent()]
    )
    party = Party.objects.get(name="张建华")
    with CaptureQueriesContext(connection) as queries:
        register(
            clerk, ref, parties=[applicant(id_number=id_number, phone="13700001111"), respondent()]
        )
    assert not [q for q in queries if q["sql"].startswith('UPDATE "intake_party"')]
    assert Party.objects.get(pk=party.pk).updated_at == party.updated_at
    # A new phone is written, with its mask and blind index; nothing else changes.
    with CaptureQueriesContext(connection) as queries:
        register(
            clerk, ref, parties=[applicant(id_number=id_number, phone="13900002222"), respondent()]
        )
    assert len([q for q in queries if q["sql"].startswith('UPDATE "intake_party"')]) == 1
    party.refresh_from_db()
    assert party.phone_masked == "139****2222"
    assert Party.objects.filter(phone_masked="137****1111").count() == 0


def test_the_same_person_twice_in_one_registration_is_one_record(clerk, ref):
    id_number = resident_id()
    case = register(
        clerk,
        ref,
        parties=[
            applicant(id_number=id_number),
            applicant(id_number=id_number),
            respondent(name="李四"),
            respondent(name="李四"),  # no document: two people of the same name
        ],
    )
    assert Party.objects.filter(name="张建华").count() == 1
    assert Party.objects.filter(name="李四").count() == 2
    assert case.case_parties.count() == 3


def test_a_new_person_named_twice_by_name_and_phone_is_one_record_with_the_last_address(clerk, ref):
    case = register(
        clerk,
        ref,
        parties=[
            applicant(),
            respondent(name="王五", phone=phone(31), address="递铺街道1号"),
            respondent(role="third_party", name="王五", phone=phone(31), address="递铺街道2号"),
        ],
    )
    assert Party.objects.get(name="王五").address == "递铺街道2号"
    assert case.case_parties.count() == 3


def test_the_same_credit_code_reuses_the_organisation(clerk, ref):
    code = credit_code()
    org = {"kind": Party.Kind.ORGANISATION, "credit_code": code}
    register(clerk, ref, parties=[applicant(), respondent(name="某竹木公司", **org)])
    register(clerk, ref, parties=[applicant(), respondent(name="某竹木制品有限公司", **org)])
    company = Party.objects.get(credit_code=code)
    assert company.name == "某竹木制品有限公司"  # an organisation's latest name
    assert company.case_parties.count() == 2


def test_a_known_id_number_with_another_name_is_refused(clerk, ref):
    id_number = resident_id()
    register(clerk, ref, parties=[applicant(id_number=id_number), respondent()])
    with pytest.raises(ValidationError) as caught:
        register(clerk, ref, parties=[applicant(id_number=id_number, name="张建国"), respondent()])
    assert "张建华" in caught.value.message_dict["parties[0].name"][0]
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("parties", "key", "text"),
    [
        (lambda: [respondent()], "parties", "至少需要一名申请人"),
        (
            lambda: [applicant(), respondent(kind="organisation", name="某公司")],
            "parties[1].credit_code",
            "统一社会信用代码",
        ),
        (lambda: [applicant(phone="")], "parties[0].phone", "申请人须留联系电话"),
        (
            lambda: [applicant(id_type="", id_number=resident_id())],
            "parties[0].id_number",
            "同时填写",
        ),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(clerk, ref, parties, key, text):
    with pytest.raises(ValidationError) as caught:
        register(clerk, ref, parties=parties())
    assert text in caught.value.message_dict[key][0]
    assert not Case.objects.exists() and not Party.objects.exists()
    # The failed registration used no number: the next one is still 000001.
    assert register(clerk, ref).number.endswith("-000001")


def test_a_value_changed_after_it_was_checked_is_checked_again(clerk, ref):
    """The API's serializer marks what it normalised; the service does not check it twice,
    but a value changed since (another caller, a bug) is checked like any other."""
    party = applicant()
    party.mark_checked()
    wrong_digit = "1" if party.id_number.endswith("0") else "0"
    party.phone, party.id_number = "12345", party.id_number[:-1] + wrong_digit
    with pytest.raises(ValidationError) as caught:
        register(clerk, ref, parties=[party, respondent()])
    assert set(caught.value.message_dict) == {"parties[0].phone", "parties[0].id_number"}
    assert not Case.objects.exists()


def test_a_region_of_another_county_is_refused(clerk, ref):
    other = CountyFactory(code="330522", name="长兴县")
    foreign = RegionFactory(code="330522001", county=other)
    with pytest.raises(ValidationError) as caught:
        services.case_register(
            actor=clerk,
            county=ref["county"],
            data=services.CaseInput(
                channel="walk_in",
                nature="dispute",
                category=ref["category"],
                summary="x",
                region=foreign,
                parties=[applicant()],
            ),
        )
    assert "发生地不属于本县" in caught.value.message_dict["region"][0]


def test_mass_dispute_by_headcount(clerk, ref):
    assert register(clerk, ref, involved_count=5).risk_mass
    assert not register(clerk, ref, involved_count=4).risk_mass


def test_mass_dispute_by_open_cases_against_one_respondent(clerk, ref):
    company = {"kind": Party.Kind.ORGANISATION, "name": "某培训学校", "credit_code": credit_code()}
    cases = [register(clerk, ref, parties=[applicant(), respondent(**company)]) for _ in range(3)]
    assert [c.risk_mass for c in cases] == [False, False, True]
    fourth = register(
        clerk,
        ref,
        parties=[
            applicant(
                id_number=cases[0].case_parties.get(role="applicant").party and resident_id()
            ),
            respondent(**company),
        ],
    )
    assert fourth.risk_mass


def test_mass_counts_open_cases_per_respondent_and_not_closed_ones(clerk, ref):
    from intake import workflow

    school = {"kind": Party.Kind.ORGANISATION, "name": "某培训学校", "credit_code": credit_code()}
    shop = {
        "kind": Party.Kind.ORGANISATION,
        "name": "某超市",
        "credit_code": credit_code("91330523MA2B3C4D9"),
    }
    register(clerk, ref, parties=[applicant(), respondent(**school)])
    register(clerk, ref, parties=[applicant(), respondent(**shop)])
    # One open case against each: not "several against the same respondent".
    both = register(clerk, ref, parties=[applicant(), respondent(**school), respondent(**shop)])
    assert not both.risk_mass
    # The school now has two open cases; once one is withdrawn, one again.
    assert register(clerk, ref, parties=[applicant(), respondent(**school)]).risk_mass
    workflow.fire(actor=clerk, number=both.number, name="withdraw", data={"reason": "已和解"})
    first = Case.objects.filter(case_parties__party__name="某培训学校").earliest("registered_at")
    workflow.fire(actor=clerk, number=first.number, name="withdraw", data={"reason": "已和解"})
    assert not register(clerk, ref, parties=[applicant(), respondent(**shop)]).risk_mass


def test_repeat_and_mass_make_a_high_risk(clerk, ref):
    id_number = resident_id()
    register(clerk, ref, parties=[applicant(id_number=id_number), respondent()])
    case = register(
        clerk, ref, involved_count=8, parties=[applicant(id_number=id_number), respondent()]
    )
    assert (case.risk_mass, case.risk_repeat, case.risk_level) == (True, True, "high")


def test_numbers_restart_each_year_and_are_per_county(clerk, ref, make_user, time_machine):
    time_machine.move_to("2026-12-31 23:50 +08:00")
    assert register(clerk, ref).number == "330523-2026-000001"
    time_machine.move_to("2027-01-01 00:10 +08:00")  # the local (Beijing) year decides
    assert register(clerk, ref).number == "330523-2027-000001"
    other = CountyFactory(code="330522", name="长兴县", centre_name="长兴县矛调中心")
    town = RegionFactory(code="330522001", county=other)
    case = services.case_register(
        actor=clerk,
        county=other,
        data=services.CaseInput(
            channel="walk_in",
            nature="dispute",
            category=ref["category"],
            summary="x",
            region=town,
            parties=[applicant(), respondent()],
        ),
    )
    assert case.number == "330522-2027-000001"


def test_the_registering_clerk_sees_full_data_another_clerk_does_not(clerk, make_user, ref):
    case = register(clerk, ref)
    colleague = make_user("clerk", "clerk2")
    assert clerk.has_perm("intake.view_personal_data", case)
    assert not colleague.has_perm("intake.view_personal_data", case)
    assert not colleague.has_perm("intake.view_personal_data")


def test_a_receipt_is_queued_and_rendered(clerk, ref, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = register(clerk, ref)
    receipt = CaseDocument.objects.get(case=case, kind="receipt")
    assert receipt.status == CaseDocument.Status.READY
    assert receipt.file.name.endswith(".pdf")


def test_attachments_are_checked_by_content(clerk, ref):
    case = services.case_register(
        actor=clerk,
        county=ref["county"],
        data=services.CaseInput(
            channel="walk_in",
            nature="dispute",
            category=ref["category"],
            summary="x",
            region=ref["village"],
            parties=[applicant()],
        ),
        attachments=[SimpleUploadedFile("协议.pdf", PDF), SimpleUploadedFile("现场.png", PNG)],
    )
    stored = Attachment.objects.filter(case=case).order_by("id")
    assert [(a.original_name, a.content_type) for a in stored] == [
        ("协议.pdf", "application/pdf"),
        ("现场.png", "image/png"),
    ]
    assert "协议" not in stored[0].file.name  # stored under a random name


@pytest.mark.parametrize(
    ("upload", "text"),
    [
        (SimpleUploadedFile("病毒.exe", b"MZ\x90\x00" * 10), "类型不支持"),
        (SimpleUploadedFile("假的.pdf", b"<html>not a pdf</html>"), "类型不支持"),
        (SimpleUploadedFile("空.png", b""), "空文件"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_saved(clerk, ref, upload, text):
    with pytest.raises(ValidationError, match=text):
        services.case_register(
            actor=clerk,
            county=ref["county"],
            data=services.CaseInput(
                channel="walk_in",
                nature="dispute",
                summary="x",
                category=ref["category"],
                region=ref["village"],
                parties=[applicant()],
            ),
            attachments=[upload],
        )
    assert not Case.objects.exists()
    assert not Party.objects.exists()


def test_an_oversized_attachment_is_refused(clerk, ref):
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="超过大小限制"):
        services.case_register(
            actor=clerk,
            county=ref["county"],
            data=services.CaseInput(
                channel="walk_in",
                nature="dispute",
                summary="x",
                category=ref["category"],
                region=ref["village"],
                parties=[applicant()],
            ),
            attachments=[big],
        )


def test_no_personal_data_reaches_the_logs(clerk, ref, caplog):
    id_number, mobile = resident_id(), phone()
    with caplog.at_level(logging.DEBUG):
        register(clerk, ref, parties=[applicant(id_number=id_number, phone=mobile)])
    assert id_number not in caplog.text
    assert mobile not in caplog.text


def test_raising_the_risk_level_needs_a_reason_and_goes_up_only(supervisor, clerk, ref):
    case = register(clerk, ref)
    with pytest.raises(ValidationError):
        services.case_raise_risk(actor=supervisor, case=case, level="medium", reason=" ")
    services.case_raise_risk(actor=supervisor, case=case, level="high", reason="扬言到北京上访")
    case.refresh_from_db()
    assert (case.risk_level, case.risk_reason) == ("high", "扬言到北京上访")
    with pytest.raises(ValidationError):
        services.case_raise_risk(actor=supervisor, case=case, level="medium", reason="缓和")
    assert CaseEvent.objects.filter(case=case, kind="risk").count() == 1


def test_case_party_roles_are_kept(clerk, ref):
    case = register(
        clerk,
        ref,
        parties=[
            applicant(),
            respondent(),
            respondent(role=CaseParty.Role.THIRD_PARTY, name="村委会"),
        ],
    )
    assert list(case.case_parties.values_list("role", flat=True)) == [
        "applicant",
        "respondent",
        "third_party",
    ]


def test_seed_demo_can_generate_many_consistent_cases(settings, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    from centre.models import Clock

    settings.DEBUG = True
    call_command("seed_demo", "--cases", "300", stdout=StringIO())
    cases = Case.objects.exclude(channel="walk_in", summary__contains="围墙")
    assert cases.count() >= 300
    numbers = sorted(cases.values_list("year", "sequence"))
    assert len(set(numbers)) == len(numbers)
    assert not cases.filter(state="closed", outcome="").exists()
    assert not cases.filter(state="registered", window__isnull=False).exists()
    mediating = cases.filter(state="mediating").values_list("number", flat=True)
    assert Clock.objects.filter(case_number__in=list(mediating)).count() == len(mediating)
    assert cases.filter(risk_repeat=True).exists()
