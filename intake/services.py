"""Writes of the intake app: registering a case with its parties, risk, attachments.

Transitions live in ``intake.workflow``; documents in ``intake.documents``.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import reduce
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from centre import after_commit, clocks, refcache
from centre.counters import next_value
from centre.crypto import get_keyring
from centre.models import AuditLog, Category, County, Region
from centre.names import ref_name
from centre.prepared import prepared_statements
from centre.selectors import staff_of
from centre.services import audit_record
from centre.validators import typed_text
from intake import attachments as attachment_rules
from intake import triage
from intake.case_clocks import needs_parties_consent
from intake.identity import (
    PERSON_PARTICULARS,
    IdType,
    mask_id_number,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
)
from intake.models import (
    Attachment,
    Case,
    CaseDocument,
    CaseEvent,
    CaseNumberSequence,
    CaseParty,
    CaseUserObjectPermission,
    Party,
)
from intake.notes import event_note
from intake.receipt_time_limit import receipt_time_limit

# 群体性: this many people involved, or this many other open cases against one respondent.
MASS_INVOLVED = 5
MASS_RESPONDENT_OPEN_CASES = 2
# Bounds of what is typed in: a county's population, and a few pages of text.
MAX_INVOLVED_COUNT = 1_000_000
MAX_DESCRIPTION_LENGTH = 5000


@dataclass
class PartyInput:
    """One party as entered at the desk or posted to the API, already normalised by
    ``intake.forms``/``intake.serializers`` (identity numbers and phones validated)."""

    role: str
    kind: str
    name: str
    id_type: str = ""
    id_number: str = ""
    credit_code: str = ""
    phone: str = ""
    address: str = ""
    legal_representative: str = ""
    # A natural person's particulars (documents): sex and birth date only where the ID
    # document does not state them (``intake.identity.person_particulars_error``).
    sex: str = ""
    birth_date: date | None = None
    ethnicity: str = ""
    occupation: str = ""
    region: Region | None = None
    # Values the caller already normalised with the same functions (the API serializer):
    # {"phone": value, "id_number": (id_type, value), …}. A value changed since is checked.
    checked: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    IDENTITY_FIELDS = ("id_number", "credit_code", "phone")

    def mark_checked(self) -> None:
        """Record the identity values as already normalised (by ``intake.identity``)."""
        self.checked = {name: self._checked_form(name) for name in self.IDENTITY_FIELDS}

    def is_checked(self, name: str) -> bool:
        return name in self.checked and self.checked[name] == self._checked_form(name)

    def _checked_form(self, name: str) -> Any:
        # An ID number is valid or not for one document type.
        value = getattr(self, name)
        return (self.id_type, value) if name == "id_number" else value


@dataclass
class CaseInput:
    channel: str
    nature: str
    category: Category
    summary: str
    region: Region
    description: str = ""
    amount: Decimal | None = None
    involved_count: int = 1
    parties: list[PartyInput] = field(default_factory=list)
    # A partner platform's case: its source code and the partner's own id (Case.source).
    source: str = ""
    external_id: str = ""


def case_event_record(
    *,
    case: Case,
    actor: Any,
    kind: str,
    transition: str = "",
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """One row on the case timeline. The timeline belongs to intake, so the other apps
    (mediation, judicial, ...) write it only through here; ``note``/``data`` usually come
    from ``intake.notes.event_note`` so the note is shown in the reader's language."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


def case_validate(*, county: County, data: CaseInput) -> None:
    """Rules across fields. Errors are keyed by the field they concern, e.g.
    ``parties[1].credit_code``, so pages and the API can name it."""
    errors: dict[str, list[str]] = {}
    if data.region.county_id != county.pk:
        errors.setdefault("region", []).append(_("发生地不属于本县"))
    if not any(p.role == CaseParty.Role.APPLICANT for p in data.parties):
        errors.setdefault("parties", []).append(_("至少需要一名申请人"))
    for i, p in enumerate(data.parties):
        key = f"parties[{i}]"
        _normalize_identity(p, key, errors)
        if p.kind == Party.Kind.ORGANISATION and not p.credit_code:
            errors.setdefault(f"{key}.credit_code", []).append(
                _("单位当事人须填写统一社会信用代码")
            )
        if p.kind == Party.Kind.PERSON and p.credit_code:
            errors.setdefault(f"{key}.credit_code", []).append(_("自然人不填写统一社会信用代码"))
        if p.kind == Party.Kind.PERSON and bool(p.id_type) != bool(p.id_number):
            errors.setdefault(f"{key}.id_number", []).append(_("证件类型和证件号码须同时填写"))
        if p.role == CaseParty.Role.APPLICANT and not p.phone:
            # The applicant is told of progress and checks it with the phone's last digits.
            errors.setdefault(f"{key}.phone", []).append(_("申请人须留联系电话"))
    _same_party_both_sides(data.parties, errors)
    if errors:
        raise ValidationError(errors)


def _same_party_both_sides(parties: list[PartyInput], errors: dict[str, list[str]]) -> None:
    """One person or organisation (the same ID number or credit code, once normalised)
    cannot be both applicant and respondent of a case: a dispute needs two sides."""
    applicants = {
        identity
        for p in parties
        if p.role == CaseParty.Role.APPLICANT
        for identity in _identities(p)
    }
    for i, p in enumerate(parties):
        if p.role != CaseParty.Role.RESPONDENT:
            continue
        for name, value in zip(("id_number", "credit_code"), _identities(p), strict=False):
            if value and value in applicants:
                errors.setdefault(f"parties[{i}].{name}", []).append(
                    _("同一当事人不能既是申请人又是被申请人")
                )


def _identities(p: PartyInput) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    return (
        ("id", f"{p.id_type or IdType.RESIDENT_ID}:{p.id_number}") if p.id_number else None,
        ("credit", p.credit_code) if p.credit_code else None,
    )


def _normalize_identity(p: PartyInput, key: str, errors: dict[str, list[str]]) -> None:
    """Every way in (desk, API, demo, other platforms) gets the same checks; a value
    already normalised by a form passes unchanged."""
    checks = [
        ("id_number", lambda v: normalize_id_number(p.id_type or IdType.RESIDENT_ID, v)),
        ("credit_code", normalize_credit_code),
        ("phone", normalize_phone),
    ]
    for name, normalize in checks:
        value = getattr(p, name)
        if not value or p.is_checked(name):
            continue
        try:
            setattr(p, name, normalize(value))
        except ValidationError as exc:
            errors.setdefault(f"{key}.{name}", []).extend(exc.messages)


def party_resolve(*, county: County, data: PartyInput, index: int = 0) -> Party:
    """The one record for this person or organisation: found by ID number or credit code
    (blind index, exact), else created. Contact details are updated to the latest."""
    return parties_resolve(county=county, parties=[data], first_index=index)[0]


def parties_resolve(
    *, county: County, parties: list[PartyInput], first_index: int = 0
) -> list[Party]:
    """``party_resolve`` for all the parties of a registration, found and locked in one
    query.

    A party with an ID number or credit code is offered first: inserted unless it is
    registered already (``ON CONFLICT DO NOTHING``: no savepoint, and a clerk registering
    the same new person at the same moment waits here for the other's commit). The look-up
    then finds every such party, new or not. The others (a name and phone, a name alone)
    are found by the same look-up or created together."""
    lookups = [_party_lookup(p) for p in parties]
    offers = _parties_offered(county=county, parties=parties, lookups=lookups)
    if offers:
        Party.objects.bulk_create(offers, ignore_conflicts=True)
    wanted = [Q(**lookup) for lookup in lookups if lookup]
    known = list(_parties_with_history().filter(reduce(operator.or_, wanted))) if wanted else []
    out: list[Party] = []
    created: list[Party] = []
    for offset, (data, lookup) in enumerate(zip(parties, lookups, strict=True)):
        party = next((k for k in known if lookup and _party_matches(k, lookup)), None)
        if party is None:
            party = _party_new(county=county, data=data, lookup=lookup)
            created.append(party)
            known.append(party)  # the same person twice in one registration: one record
            out.append(party)
            continue
        if data.id_number and party.name != data.name:
            raise ValidationError(
                {
                    f"parties[{first_index + offset}].name": [
                        _("该证件号码已登记为「%(name)s」，与所填姓名不一致，请核对")
                        % {"name": party.name}
                    ]
                }
            )
        # Contact details are brought up to date; a party who comes back with the same
        # ones costs no write (nor one created above, inserted below with them).
        changed = _party_update_contact(party, data)
        if changed and party.pk is not None:
            party.save(update_fields=[*changed, "updated_at"])
        out.append(party)
    Party.objects.bulk_create(created)
    return out


@functools.cache
def _parties_with_history() -> QuerySet[Party]:
    """Parties, locked, with what the risk flags need from their earlier cases: any case
    at all (重复来访), and at least MASS_RESPONDENT_OPEN_CASES open ones as respondent
    (群体性). Both stop at the first rows they need, however many cases a party has.

    Built once per process and only ever filtered, which copies it: never evaluate it as
    it is."""
    as_respondent_open = CaseParty.objects.filter(
        party=OuterRef("pk"), role=CaseParty.Role.RESPONDENT, case__state__in=Case.OPEN_STATES
    ).order_by()
    nth = MASS_RESPONDENT_OPEN_CASES
    return Party.objects.select_for_update(of=("self",)).annotate(
        has_cases=Exists(CaseParty.objects.filter(party=OuterRef("pk"))),
        several_open_as_respondent=Exists(as_respondent_open[nth - 1 : nth]),
    )


def _party_lookup(data: PartyInput) -> dict[str, Any]:
    """How this party is recognised: ID number, credit code, else name and phone; {} for
    a name alone (always a new record)."""
    keyring = get_keyring()
    if data.kind == Party.Kind.PERSON and data.id_number:
        return {
            "id_type": data.id_type,
            "id_number_index": keyring.blind_index(data.id_number, purpose="id_number"),
        }
    if data.kind == Party.Kind.ORGANISATION:
        return {"credit_code": data.credit_code}
    if data.phone:
        # No document: the same name with the same phone is the same person.
        return {
            "kind": Party.Kind.PERSON,
            "name": data.name,
            "id_type": "",
            "phone_index": keyring.blind_index(data.phone, purpose="phone"),
        }
    return {}


def _party_matches(party: Party, lookup: dict[str, Any]) -> bool:
    return bool(lookup) and all(getattr(party, name) == value for name, value in lookup.items())


def _parties_offered(
    *, county: County, parties: list[PartyInput], lookups: list[dict[str, Any]]
) -> list[Party]:
    """A new row for each party with an ID number or credit code (once per person), in the
    order of their identifiers: two registrations offering the same two new people insert
    them in the same order, so neither waits for the other in a circle (a deadlock)."""
    offers: dict[tuple[Any, ...], Party] = {}
    for data, lookup in zip(parties, lookups, strict=True):
        key = tuple(lookup.values())
        if (data.id_number or data.credit_code) and key not in offers:
            offers[key] = _party_new(county=county, data=data, lookup=lookup)
    return [offers[key] for key in sorted(offers)]


def _party_new(*, county: County, data: PartyInput, lookup: dict[str, Any]) -> Party:
    keyring = get_keyring()
    party = Party(county=county, kind=data.kind, name=data.name)
    if data.id_number:
        party.id_type = data.id_type
        party.id_number_enc = keyring.encrypt(data.id_number)
        party.id_number_index = lookup["id_number_index"]
        party.id_number_masked = mask_id_number(data.id_number)
    if data.credit_code:
        party.credit_code = data.credit_code
    _party_update_contact(party, data)
    return party


def _party_update_contact(party: Party, data: PartyInput) -> list[str]:
    """Set the contact details entered now on ``party``; the names of the fields that
    changed. The phone is compared by its blind index: its ciphertext differs each time."""
    keyring = get_keyring()
    changed: list[str] = []
    if data.kind == Party.Kind.ORGANISATION and party.name != data.name:
        party.name = data.name
        changed.append("name")
    if data.phone:
        phone_index = keyring.blind_index(data.phone, purpose="phone")
        if phone_index != party.phone_index or not party.phone_enc:
            party.phone_enc = keyring.encrypt(data.phone)
            party.phone_index = phone_index
            party.phone_masked = mask_phone(data.phone)
            changed += ["phone_enc", "phone_index", "phone_masked"]
    # A later registration that leaves a particular empty keeps what was told before.
    for attr in ("address", "legal_representative", *PERSON_PARTICULARS):
        value = getattr(data, attr)
        if value and getattr(party, attr) != value:
            setattr(party, attr, value)
            changed.append(attr)
    if data.region is not None and party.region_id != data.region.pk:
        party.region = data.region
        changed.append("region")
    return changed


def _registering_clerk_permissions() -> tuple[int, ...]:
    from django.contrib.auth.models import Permission

    return refcache.get(
        "intake:registering-clerk-permissions",
        lambda: tuple(
            Permission.objects.filter(
                content_type__app_label="intake", codename__in=["view_case", "view_personal_data"]
            ).values_list("pk", flat=True)
        ),
    )


def _case_number(case: Case) -> None:
    """The next number of the county's year. The counter row stays locked until the
    registration commits (or rolls back with it), so numbers are unique and gapless."""
    case.sequence = next_value(CaseNumberSequence, county=case.county, year=case.year)
    case.number = f"{case.county.code}-{case.year}-{case.sequence:06d}"


def _case_rows(*, actor: Any, case: Case, resolved: list[tuple[str, Party]]) -> list[list[Model]]:
    """What a registration writes besides the case row and its attachments, not written
    yet: its parties' links, the timeline entry, the clerk's right, the receipt to render
    (which is kicked after commit). Groups of one model each, for ``bulk_create``."""
    return [
        [
            CaseParty(case=case, party=party, role=role, order=i)
            for i, (role, party) in enumerate(resolved)
        ],
        [
            CaseEvent(
                case=case,
                at=case.registered_at,
                actor=actor,
                kind=CaseEvent.Kind.REGISTERED,
                to_state=case.state,
                data={"suggested_window": case.suggested_window.code},
            )
        ],
        # The clerk who registered the case sees its parties in full from now on
        # (guardian's assign_perm, as rows: it costs five queries a right).
        [
            CaseUserObjectPermission(user=actor, permission_id=pk, content_object=case)
            for pk in _registering_clerk_permissions()
        ],
        [_document_pending(case=case, kind=CaseDocument.Kind.RECEIPT)],
    ]


def _risk_flags(
    *, involved_count: int, applicants: list[Party], respondents: list[Party]
) -> tuple[bool, bool]:
    """(群体性, 重复来访) from what ``_parties_with_history`` read with the parties (a party
    created by this registration has no history): no query of its own."""
    mass = involved_count >= MASS_INVOLVED or any(
        getattr(p, "several_open_as_respondent", False) for p in respondents
    )
    repeat = any(getattr(p, "has_cases", False) for p in applicants)
    return mass, repeat


def risk_level_for(*, mass: bool, repeat: bool) -> str:
    if mass and repeat:
        return Case.RiskLevel.HIGH
    if mass or repeat:
        return Case.RiskLevel.MEDIUM
    return Case.RiskLevel.LOW


@prepared_statements()
@transaction.atomic
def case_register(
    *, actor: Any, county: County, data: CaseInput, attachments: list[UploadedFile] | None = None
) -> Case:
    """Register a matter once: one case number for its whole life (一案一码)."""
    case_validate(county=county, data=data)
    if len(attachments or []) > attachment_rules.MAX_PER_CASE:
        raise ValidationError(
            _("每件案件最多%(max)d个附件") % {"max": attachment_rules.MAX_PER_CASE}
        )
    for upload in attachments or []:
        attachment_rules.check(upload)
    resolved: list[tuple[str, Party]] = []
    for party_data, party in zip(
        data.parties, parties_resolve(county=county, parties=data.parties), strict=True
    ):
        if (party_data.role, party.pk) not in {(r, p.pk) for r, p in resolved}:
            resolved.append((party_data.role, party))
    applicants = [p for r, p in resolved if r == CaseParty.Role.APPLICANT]
    respondents = [p for r, p in resolved if r == CaseParty.Role.RESPONDENT]
    mass, repeat = _risk_flags(
        involved_count=data.involved_count, applicants=applicants, respondents=respondents
    )
    suggestion = triage.suggest(nature=data.nature, category=data.category)
    staff = staff_of(actor)
    now = timezone.now()
    case = Case(
        county=county,
        year=timezone.localdate(now).year,
        channel=data.channel,
        source=data.source,
        external_id=data.external_id,
        nature=data.nature,
        category=data.category,
        summary=data.summary,
        description=data.description,
        region=data.region,
        amount=data.amount,
        involved_count=data.involved_count,
        registered_by=actor,
        registered_at=now,
        registered_window=staff.window if staff else None,
        suggested_window=suggestion.window,
        suggested_mediation_kind=suggestion.mediation_kind,
        risk_mass=mass,
        risk_repeat=repeat,
        risk_level=risk_level_for(mass=mass, repeat=repeat),
        state_changed_at=now,
    )
    rows = _case_rows(actor=actor, case=case, resolved=resolved)
    # The number is taken once the parties are written and locked, and everything else is
    # ready: the county's counter row is locked from here to the commit, for the case's
    # own rows only, while other clerks wait for the next number.
    _case_number(case)
    case.save()
    for group in rows:
        if group:
            type(group[0]).objects.bulk_create(group)
    _case_register_after(actor=actor, case=case, attachments=attachments)
    return case


def case_register_once(*, actor: Any, county: County, data: CaseInput) -> tuple[Case, bool]:
    """Register a partner platform's case, or return the one it already sent with the same
    ``(source, external_id)``: a partner that retries after a timeout, or sends the same
    case twice at the same moment, gets the first case back (``created`` False), never a
    second one. The database's unique constraint decides between two simultaneous
    requests: the second waits for the first to commit, fails to insert, and reads it."""
    if not data.external_id:
        return case_register(actor=actor, county=county, data=data), True
    earlier = Case.objects.filter(source=data.source, external_id=data.external_id).first()
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            return case_register(actor=actor, county=county, data=data), True
    except IntegrityError as exc:
        earlier = Case.objects.filter(source=data.source, external_id=data.external_id).first()
        if earlier is None:  # another constraint: not a repeat
            raise exc from None
        return earlier, False


def _case_register_after(*, actor: Any, case: Case, attachments: list[UploadedFile] | None) -> None:
    """What a registration writes once its case is numbered."""
    # Stored under the case number (intake.models._attachment_path), so once it is known.
    for upload in attachments or []:
        _attachment_save(actor=actor, case=case, upload=upload)
    limit = receipt_time_limit(case.nature)
    # The time limit the receipt announces runs from registration; a dispute's clock
    # starts when mediation is assigned (the mediation app starts it).
    if limit is not None and case.nature != Case.Nature.DISPUTE:
        clocks.clock_start(
            rule_code=limit.rule,
            county=case.county,
            case_number=case.number,
            subject="case",
            subject_id=case.pk,
            start=timezone.localdate(case.registered_at),
            assignee=actor,
        )


def document_request(
    *, case: Case, kind: str, ref_id: int | None = None, ref_version: int | None = None
) -> CaseDocument:
    """A pending document row now, its rendering after commit (and by the sweep if the
    message is lost)."""
    document = _document_pending(case=case, kind=kind, ref_id=ref_id, ref_version=ref_version)
    document.save()
    return document


def document_refresh(*, case: Case, kind: str) -> int:
    """Render a case's document of this kind again, after commit, because what it states
    changed (the receipt names the window once the case is triaged); a reprint then says
    what is true now."""
    from intake.tasks import render_pending_documents

    refreshed = CaseDocument.objects.filter(
        case=case,
        kind=kind,
        status__in=(CaseDocument.Status.READY, CaseDocument.Status.FAILED),
    ).update(status=CaseDocument.Status.PENDING, attempts=0, error="", created_at=timezone.now())
    if refreshed:
        after_commit.kick_on_commit(render_pending_documents)
    return refreshed


def _document_pending(
    *, case: Case, kind: str, ref_id: int | None = None, ref_version: int | None = None
) -> CaseDocument:
    """A pending document, not written yet; its rendering is kicked once the transaction
    writing it commits (if it rolls back, nothing is)."""
    from intake.tasks import render_pending_documents

    after_commit.kick_on_commit(render_pending_documents)
    return CaseDocument(case=case, kind=kind, ref_id=ref_id, ref_version=ref_version)


def _attachment_save(*, actor: Any, case: Case, upload: UploadedFile) -> Attachment:
    content_type = attachment_rules.check(upload)
    attachment = Attachment(
        case=case,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(
        attachment_rules.stored_name(upload.name, content_type), upload, save=False
    )
    attachment.save()
    return attachment


@transaction.atomic
def attachment_add(*, actor: Any, case: Case, upload: UploadedFile) -> Attachment:
    """At most MAX_PER_CASE attachments, none once the case is closed. Counted under the
    case's row lock: two uploads at once would otherwise both count 29 and both be saved."""
    locked = Case.objects.select_for_update(of=("self",)).only("pk", "state").get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError(_("案件已办结，不能再上传附件"), code="closed")
    if Attachment.objects.filter(case=case).count() >= attachment_rules.MAX_PER_CASE:
        raise ValidationError(
            _("每件案件最多%(max)d个附件") % {"max": attachment_rules.MAX_PER_CASE},
            code="too_many",
        )
    attachment = _attachment_save(actor=actor, case=case, upload=upload)
    CaseEvent.objects.create(
        case=case, actor=actor, kind=CaseEvent.Kind.ATTACHMENT, note=attachment.original_name
    )
    return attachment


@transaction.atomic
def case_raise_risk(*, actor: Any, case: Case, level: str, reason: str) -> Case:
    """A supervisor raises the risk level, with a reason (it is never silently lowered)."""
    order = list(Case.RiskLevel.values)
    if order.index(level) <= order.index(case.risk_level):
        raise ValidationError({"level": [_("只能调高风险等级")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写调高风险等级的理由")]})
    previous = case.risk_level
    Case.objects.filter(pk=case.pk).update(risk_level=level, risk_reason=reason)
    case.risk_level, case.risk_reason = level, reason
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.RISK,
        note=reason,
        data={"from": previous, "to": level},
    )
    return case


def _decrypted(value: bytes | memoryview | None) -> str:
    return get_keyring().decrypt(bytes(value)) if value else ""


def _full_values(party: Party) -> dict[str, str]:
    """The party's ID number and phone in full ("" where none was given)."""
    return {"id_number": _decrypted(party.id_number_enc), "phone": _decrypted(party.phone_enc)}


def party_reveal(*, actor: Any, case: Case, party: Party, request: Any = None) -> dict[str, str]:
    """The full ID number and phone of a party of ``case``, for staff with the right on
    it. Each reveal is written to the audit log (who, when, which party, which case, from
    where) before the values are returned."""
    values = _full_values(party)
    audit_record(
        actor=actor,
        action=AuditLog.Action.VIEW_PERSONAL_DATA,
        request=request,
        obj=party,
        county=case.county,
        case_number=case.number,
        detail={"fields": [k for k, v in values.items() if v]},
    )
    return values


def party_reveal_at_desk(
    *, actor: Any, party: Party, county: County, request: Any = None
) -> dict[str, str]:
    """A known party's name, address and full phone, filled into the desk's form when the
    clerk types that party's ID number and asks for it. Full values are a reveal: written
    to the audit log as ``party_reveal`` writes it (no case yet, so none is named)."""
    values = {
        "name": party.name,
        "address": party.address,
        "phone": _decrypted(party.phone_enc),
    }
    audit_record(
        actor=actor,
        action=AuditLog.Action.VIEW_PERSONAL_DATA,
        request=request,
        obj=party,
        county=county,
        detail={"fields": [k for k, v in values.items() if v], "where": "desk_fill"},
    )
    return values


def parties_reveal(
    *, actor: Any, case: Case, parties: list[Party], request: Any = None
) -> dict[int, dict[str, str]]:
    """The full ID numbers and phones of these parties of ``case`` at once (the API's
    ``?reveal=1``): one audit row for the request, naming each party shown."""
    values = {party.pk: _full_values(party) for party in parties}
    audit_record(
        actor=actor,
        action=AuditLog.Action.VIEW_PERSONAL_DATA,
        request=request,
        obj=case,
        county=case.county,
        case_number=case.number,
        detail={
            "parties": [pk for pk, v in values.items() if v["id_number"] or v["phone"]],
            "fields": sorted({k for v in values.values() for k, x in v.items() if x}),
        },
    )
    return values


def party_contact_phone(party: Party) -> str:
    """The full phone for the system's own messages to the party (an SMS), not for a
    person's eyes: nothing is shown, so nothing is audited here."""
    return _decrypted(party.phone_enc)


def party_reveal_for_document(party: Party) -> dict[str, str]:
    """Full values for a document that must identify the party (the mediation agreement
    a court confirms). The document's download is what is audited."""
    return _full_values(party)


def parties_notify(
    *,
    case: Case,
    subject: str,
    body: str,
    roles: tuple[str, ...] | None = None,
    statutory: bool = True,
    kind: str = "",
) -> int:
    """An SMS to each party of the case who left a phone (rows sent after commit); with
    ``roles``, to the parties in those roles only. ``statutory=False`` for a message no law
    requires (a reminder, an invitation): it respects the party's opt-out and daily cap."""
    from centre.models import Notification
    from centre.services import notification_create

    sent = 0
    parties = case.case_parties.select_related("party")
    if roles is not None:
        parties = parties.filter(role__in=roles)
    for cp in parties:
        phone = party_contact_phone(cp.party)
        if phone:
            notification_create(
                channel=Notification.Channel.SMS,
                recipient_name=cp.party.name,
                destination=phone,
                destination_masked=cp.party.phone_masked,
                county=case.county,
                case_number=case.number,
                subject=subject,
                body=body,
                statutory=statutory,
                kind=kind,
            )
            sent += 1
    return sent


# What a supervisor may do to one of the case's own clocks from the case page.
CLOCK_ACTIONS = {
    "pause": gettext_lazy("中止"),
    "resume": gettext_lazy("恢复"),
    "extend": gettext_lazy("延长"),
}


def _clock_reason(action: str, reason: str) -> str:
    """The reason as the clock stores it: within its column, without control characters
    (a NUL byte PostgreSQL refuses, an ESC that breaks the Excel export)."""
    from centre.models import Clock

    column = "pause_reason" if action == "pause" else "extension_reason"
    limit = Clock._meta.get_field(column).max_length
    return typed_text("reason", reason, limit=limit, label=_("理由"))


@transaction.atomic
def case_clock_adjust(
    *, actor: Any, case: Case, clock: Any, action: str, reason: str, consent: bool = False
) -> Any:
    """A supervisor pauses (with the reason), resumes or extends (once, within the rule)
    one of the centre's own clocks on the case; the timeline records it in the same
    transaction — both or neither. The court's and the windows' clocks are their own
    procedures' (centre.clocks.PROCEDURE_SUBJECTS): refused, nothing changed."""
    if action not in CLOCK_ACTIONS:
        raise ValidationError(_("没有该期限操作"))
    if not actor.has_perm("centre.supervise_windows"):
        raise PermissionDenied(_("您的角色无权调整期限"))
    if not clocks.adjustable_on_case_page(clock):
        raise PermissionDenied(
            _("「%(rule)s」须由%(approver)s在办理程序中批准中止或延长，不能在此调整")
            % {
                "rule": ref_name(clock.rule),
                "approver": clock.rule.extension_approver or _("办理机关"),
            }
        )
    if action == "extend" and needs_parties_consent(clock.rule) and not consent:
        raise ValidationError({"consent": [_("延长该期限须经当事人同意，请确认当事人已同意")]})
    reason = _clock_reason(action, reason)
    if action == "pause":
        clock = clocks.clock_pause(clock=clock, reason=reason)
    elif action == "resume":
        clock = clocks.clock_resume(clock=clock)
    else:
        clock = clocks.clock_extend(clock=clock, approver=actor, reason=reason)
    if action == "extend" and needs_parties_consent(clock.rule):
        message = gettext_noop("期限%(action)s：%(rule)s（经当事人同意）%(reason)s")
    else:
        message = gettext_noop("期限%(action)s：%(rule)s %(reason)s")
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        **event_note(
            message, {"action": CLOCK_ACTIONS[action], "rule": clock.rule, "reason": reason}
        ),
    )
    return clock
