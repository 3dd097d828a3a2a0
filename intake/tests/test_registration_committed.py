"""Registrations as they run in production: their own transaction, not a savepoint in a
test's. Everything is written, or nothing; the county's counter row is locked only for the
case's own rows at the end."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centre import after_commit
from centre.models import Clock
from intake import services
from intake.models import Attachment, Case, CaseDocument, CaseEvent, CaseParty, Party
from intake.tests.factories import applicant, case_input, phone, resident_id, respondent

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def kicks(monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(after_commit, "kick", lambda task: sent.append(task.name) or True)
    return sent


def _register(clerk, ref, **kw):
    parties = kw.pop("parties", None) or [applicant(), respondent()]
    data = case_input(category=ref["category"], region=ref["village"], parties=parties, **kw)
    return services.case_register(actor=clerk, county=ref["county"], data=data)


def test_a_registration_is_committed_whole_and_numbered_last(clerk, ref, kicks):
    _register(clerk, ref)  # the process's reference data
    known = applicant(name="孙丽", id_number=resident_id(serial=901), phone=phone(901))
    _register(clerk, ref, parties=[known, respondent(name="王五")])
    with CaptureQueriesContext(connection) as queries:
        # A new applicant, the known one as respondent, a new third party by name only.
        case = _register(
            clerk,
            ref,
            parties=[
                applicant(id_number=resident_id(serial=902), name="赵敏"),
                respondent(name=known.name, id_type="resident_id", id_number=known.id_number),
                respondent(role="third_party", name="钱七"),
            ],
        )
    assert not connection.in_atomic_block
    # From the number on, only the case's own rows are written before the commit: the
    # counter row is not held while the parties are looked up, locked or written.
    sent = [q["sql"] for q in queries.captured_queries]
    taken = next(i for i, sql in enumerate(sent) if "intake_casenumbersequence" in sql)
    assert not any("intake_party" in sql for sql in sent[taken:])
    assert [sql.split('"')[1] for sql in sent[taken + 1 :] if sql != "COMMIT"] == [
        "intake_case",
        "intake_caseparty",
        "intake_caseevent",
        "intake_caseuserobjectpermission",
        "intake_casedocument",
    ]
    stored = Case.objects.get(number=case.number)
    assert stored.number.endswith("-000003") and stored.sequence == 3
    assert [(cp.party.name, cp.role) for cp in stored.case_parties.order_by("order")] == [
        ("赵敏", "applicant"),
        (known.name, "respondent"),
        ("钱七", "third_party"),
    ]
    assert Party.objects.filter(name=known.name).count() == 1
    assert CaseEvent.objects.filter(case=stored, kind="registered").count() == 1
    assert CaseDocument.objects.filter(case=stored, kind="receipt", status="pending").exists()
    assert clerk.has_perm("intake.view_personal_data", stored)
    assert kicks == ["intake.tasks.render_pending_documents"] * 3


def test_a_petition_starts_its_clock_and_an_attachment_is_stored(clerk, ref, kicks):
    case = _register(clerk, ref, nature=Case.Nature.PETITION)
    assert Clock.objects.filter(subject="case", subject_id=case.pk).count() == 1
    data = case_input(category=ref["category"], region=ref["village"])
    with_file = services.case_register(
        actor=clerk,
        county=ref["county"],
        data=data,
        attachments=[SimpleUploadedFile("协议.pdf", PDF)],
    )
    assert Attachment.objects.get(case=with_file).original_name == "协议.pdf"
    assert with_file.number.endswith("-000002")


def test_a_returning_party_with_new_contact_details_is_updated(clerk, ref, kicks):
    id_number = resident_id(serial=903)
    _register(clerk, ref, parties=[applicant(id_number=id_number, phone="13800000001")])
    case = _register(clerk, ref, parties=[applicant(id_number=id_number, phone="13900000002")])
    party = Party.objects.get()
    assert party.phone_masked == "139****0002" and case.risk_repeat


def test_a_refused_registration_leaves_nothing_not_even_its_new_parties(clerk, ref, kicks):
    id_number = resident_id(serial=904)
    _register(clerk, ref, parties=[applicant(id_number=id_number)])
    with pytest.raises(ValidationError):
        _register(
            clerk,
            ref,
            parties=[
                applicant(id_number=resident_id(serial=905), name="新来的"),
                respondent(id_type="resident_id", id_number=id_number, name="另一个名字"),
            ],
        )
    assert Case.objects.count() == 1 and Party.objects.count() == 1
    assert not Party.objects.filter(name="新来的").exists()
    assert kicks == ["intake.tasks.render_pending_documents"]
    # The connection is clean: the next registration goes through, numbered next.
    assert _register(clerk, ref).number.endswith("-000002")
    assert CaseParty.objects.count() == 3
