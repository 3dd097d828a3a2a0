"""Writes of mediation: starting it on a case (with the rights of those who mediate),
sessions, agreements and their versions, performance, and the end of a mediation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop
from guardian.shortcuts import assign_perm, remove_perm

from centre import clocks
from centre.models import DeadlineRule, Notification
from centre.periods import date_text, rule_due
from centre.services import notification_create
from intake import services as intake_services
from intake.models import Case, CaseDocument, CaseEvent, CaseParty
from intake.notes import event_note
from mediation import selectors
from mediation.models import Agreement, Mediation, Mediator, Organisation, Participant, Session

# What taking part in a mediation gives on its case (django-guardian, per case).
CASE_RIGHTS = ("intake.view_case", "intake.view_personal_data")
# The mediation clock's length is the rule's (centre.DeadlineRule, seeded from LAW.md:
# mediation_people 30 日, 司法部《人民调解工作若干规定》第33条; mediation_court_delegated 30 日
# from the materials' receipt, 法释〔2016〕14号 第27条), so an administrator's edit applies.
# Which clock a case's mediation runs on, when not the people's-mediation one: apps that
# bring cases in another way (court delegation) register a function case → (rule,
# unlimited, the day the clock starts) or None.
CLOCK_RULE_PROVIDERS: list[Callable[[Case], tuple[str, bool, date] | None]] = []


# A session is scheduled or held within two years of today: a date in year 9999 is a typo
# (or a probe), and the reminders' arithmetic would overflow on it.
SESSION_SPAN = timedelta(days=2 * 366)
MAX_ATTENDEES = 50


def _clock_rule_for(case: Case, today: date) -> tuple[str, bool, date]:
    for provider in CLOCK_RULE_PROVIDERS:
        found = provider(case)
        if found is not None:
            return found
    return "mediation_people", False, today


def _grant(user: Any, case: Case) -> None:
    for perm in CASE_RIGHTS:
        assign_perm(perm, user, case)


def _revoke_unless_still_involved(user: Any, mediation: Mediation) -> None:
    still = (
        Participant.objects.filter(mediation=mediation, removed_at__isnull=True)
        .filter(mediator__user=user)
        .exists()
        or Participant.objects.filter(
            mediation=mediation, removed_at__isnull=True, organisation__head=user
        ).exists()
    )
    if not still:
        for perm in CASE_RIGHTS:
            remove_perm(perm, user, mediation.case)


def mediation_start(
    *,
    actor: Any,
    case: Case,
    organisation: Organisation,
    mediators: list[Mediator],
    lead: Mediator,
    linkage: str = "",
) -> Mediation:
    """Called by the ``start_mediation`` transition after the case moved to mediating:
    the participants (联调 when they come from several organisations), their rights on
    the case, and the mediation clock, which starts now."""
    if lead not in mediators:
        raise ValidationError({"lead": [_("主持调解员须在所选调解员之中")]})
    started = timezone.now()
    clock_rule, unlimited, clock_start = _clock_rule_for(case, timezone.localdate(started))
    due = rule_due(DeadlineRule.objects.get(code=clock_rule), clock_start)
    mediation = Mediation.objects.create(
        case=case,
        linkage=linkage,
        started_at=started,
        started_by=actor,
        clock_rule=clock_rule,
        clock_due=due.date,
        clock_provisional=due.provisional,
        clock_unlimited=unlimited,
    )
    for mediator in mediators:
        orgs = list(mediator.organisations.all())
        org = organisation if organisation in orgs else (orgs[0] if orgs else organisation)
        Participant.objects.create(
            mediation=mediation,
            organisation=org,
            mediator=mediator,
            is_lead=mediator == lead,
            assigned_by=actor,
        )
        if mediator.user_id:
            _grant(mediator.user, case)
            notification_create(
                channel=Notification.Channel.INAPP,
                recipient_user=mediator.user,
                recipient_name=mediator.name,
                county=case.county,
                case_number=case.number,
                subject=_("新分派的调解案件%(number)s") % {"number": case.number},
                body=_("%(summary)s（调解期限：%(due)s）")
                % {"summary": case.summary, "due": date_text(due.date, due.provisional)},
            )
    heads = {
        p.organisation.head
        for p in mediation.participants.select_related("organisation__head")
        if p.organisation.head_id
    }
    for head in heads:
        _grant(head, case)
    clocks.clock_start(
        rule_code=clock_rule,
        county=case.county_id,
        case_number=case.number,
        subject="mediation",
        subject_id=mediation.pk,
        start=clock_start,
        assignee=lead.user,
        unlimited=unlimited,
    )
    # Mediation.clock_due mirrors the clock (same rule, same start) for the desks' ordering.
    return mediation


@transaction.atomic
def participant_remove(*, actor: Any, participant: Participant) -> None:
    """Taking someone off a mediation takes their rights on the case with it."""
    if participant.is_lead:
        raise ValidationError(_("不能移除主持调解员，请先指定新的主持人"))
    participant.removed_at = timezone.now()
    participant.save(update_fields=["removed_at"])
    if participant.mediator.user_id:
        _revoke_unless_still_involved(participant.mediator.user, participant.mediation)
    intake_services.case_event_record(
        case=participant.mediation.case,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        transition="",
        **event_note(gettext_noop("移除调解员：%(name)s"), {"name": participant.mediator.name}),
    )


@transaction.atomic
def participant_add(
    *, actor: Any, mediation: Mediation, mediator: Mediator, organisation: Organisation
) -> Participant:
    participant = Participant.objects.create(
        mediation=mediation, organisation=organisation, mediator=mediator, assigned_by=actor
    )
    if mediator.user_id:
        _grant(mediator.user, mediation.case)
    return participant


@transaction.atomic
def session_save(
    *,
    actor: Any,
    mediation: Mediation,
    place: str,
    scheduled_at: datetime | None = None,
    held_at: datetime | None = None,
    location: str = "",
    attendees: list[str] | None = None,
    record: str = "",
    proposals: str = "",
    outcome: str = "",
    notify: bool = True,
) -> Session:
    """Schedule a session (the parties are notified) or record one that was held."""
    if scheduled_at is None and held_at is None:
        raise ValidationError({"scheduled_at": [_("请填写安排时间或实际调解时间")]})
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    for name, when in (("scheduled_at", scheduled_at), ("held_at", held_at)):
        if when is not None and abs(when - now) > SESSION_SPAN:
            errors[name] = [_("调解时间应在今天前后两年之内")]
    if len(attendees or []) > MAX_ATTENDEES:
        errors["attendees"] = [_("参加人员最多%(max)d人") % {"max": MAX_ATTENDEES}]
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_related("county").get(pk=mediation.case_id)
    if case.state != Case.State.MEDIATING:
        raise ValidationError(_("案件不在调解中，不能安排或记录调解"))
    session = Session.objects.create(
        mediation=mediation,
        scheduled_at=scheduled_at,
        held_at=held_at,
        place=place,
        location=location,
        attendees=attendees or [],
        record=record,
        proposals=proposals,
        outcome=outcome,
        created_by=actor,
    )
    if held_at is None and notify:
        local = timezone.localtime(scheduled_at)
        when = f"{date_text(local.date())} {local:%H:%M}"
        intake_services.parties_notify(
            case=case,
            subject=_("调解通知"),
            body=_(
                "您的案件%(number)s定于%(when)s以%(place)s方式调解%(where)s，请准时参加。%(centre)s"
            )
            % {
                "number": case.number,
                "when": when,
                "place": session.get_place_display(),
                "where": f"（{location}）" if location else "",
                "centre": case.county.centre_name,
            },
        )
    intake_services.case_event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        **(
            event_note(
                gettext_noop("记录调解：%(outcome)s"),
                {"outcome": outcome or _lazy("已记录")},
                data=_session_event(session),
            )
            if held_at
            else event_note(
                gettext_noop("安排调解：%(when)s"),
                {"when": scheduled_at},
                data=_session_event(session),
            )
        ),
    )
    return session


@transaction.atomic
def session_record(
    *,
    actor: Any,
    session: Session,
    held_at: datetime,
    attendees: list[str],
    record: str,
    proposals: str = "",
    outcome: str = "",
) -> Session:
    session.held_at = held_at
    session.attendees, session.record = attendees, record
    session.proposals, session.outcome = proposals, outcome
    session.save()
    intake_services.case_event_record(
        case=session.mediation.case,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        **event_note(
            gettext_noop("记录调解：%(outcome)s"),
            {"outcome": outcome or _lazy("已记录")},
            data=_session_event(session),
        ),
    )
    return session


def _session_event(session: Session) -> dict[str, int]:
    """The timeline names a session by its number in the mediation (调解会谈（第2次）)."""
    number = Session.objects.filter(mediation_id=session.mediation_id, pk__lte=session.pk).count()
    return {"session": number}


def signatures_check(case: Case, signatures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every applicant and respondent signs (人民调解法 第29条: the agreement takes effect
    when each party signs, seals or fingerprints it); each signature names its way."""
    parties = {cp.party_id: cp for cp in case.case_parties.select_related("party")}
    by_name = {cp.party.name: pid for pid, cp in parties.items()}
    signed: dict[int, dict[str, Any]] = {}
    errors = []
    for i, sig in enumerate(signatures):
        ref = sig.get("party") if isinstance(sig, dict) else None
        pid = ref if isinstance(ref, int) and ref in parties else by_name.get(str(ref))
        method = sig.get("method") if isinstance(sig, dict) else None
        if pid is None:
            errors.append(_("第%(n)d项签署人不是本案当事人") % {"n": i + 1})
        elif method not in ("paper", "onscreen"):
            errors.append(_("第%(n)d项签署方式应为纸质签名扫描或现场屏幕确认") % {"n": i + 1})
        else:
            signed[pid] = {
                "party": pid,
                "name": parties[pid].party.name,
                "method": method,
                "role": parties[pid].role,
                "signed_at": sig.get("signed_at") or timezone.now().isoformat(),
            }
    missing = [
        cp.party.name
        for pid, cp in parties.items()
        if cp.role != CaseParty.Role.THIRD_PARTY and pid not in signed
    ]
    if missing:
        errors.append(_("以下当事人尚未签署：%(names)s") % {"names": "、".join(missing)})
    if errors:
        raise ValidationError({"signatures": errors})
    return list(signed.values())


# What the mediator writes in the agreement (人民调解法 第29条), signatures apart: the
# panel's form and its draft, the record_agreement step and a correction all carry these.
AGREEMENT_CONTENT = (
    "facts",
    "disputes",
    "responsibilities",
    "terms",
    "performance_method",
    "performance_due",
)


def agreement_create(
    *,
    actor: Any,
    mediation: Mediation,
    facts: str,
    disputes: str,
    responsibilities: str,
    terms: str,
    performance_method: str,
    performance_due: date,
    signatures: list[dict[str, Any]],
    correction_note: str = "",
) -> Agreement:
    """A new version of the agreement and its PDF (rendered after commit)."""
    case = Case.objects.get(pk=mediation.case_id)
    checked = signatures_check(case, signatures)
    last = mediation.agreements.order_by("-version").values_list("version", flat=True).first()
    names = "、".join(
        p.mediator.name
        for p in mediation.participants.filter(removed_at__isnull=True).select_related("mediator")
    )
    agreement = Agreement.objects.create(
        mediation=mediation,
        version=(last or 0) + 1,
        facts=facts,
        disputes=disputes,
        responsibilities=responsibilities,
        terms=terms,
        performance_method=performance_method,
        performance_due=performance_due,
        signatures=checked,
        mediator_names=names,
        correction_note=correction_note,
        created_by=actor,
    )
    if agreement.version == 1:
        # 司法确认: the parties may apply within 30 days of the agreement taking effect
        # (民事诉讼法 第205条); the lead mediator is reminded before the window closes.
        lead = selectors.lead_participant(mediation)
        clocks.clock_start(
            rule_code="confirmation_apply",
            county=case.county_id,
            case_number=case.number,
            subject="agreement",
            subject_id=mediation.pk,
            start=timezone.localdate(agreement.created_at),
            assignee=lead.mediator.user if lead else None,
        )
    document = intake_services.document_request(
        case=case,
        kind=CaseDocument.Kind.AGREEMENT,
        ref_id=agreement.pk,
        ref_version=agreement.version,
    )
    Agreement.objects.filter(pk=agreement.pk).update(document=document)
    agreement.document = document
    return agreement


@transaction.atomic
def agreement_correct(*, actor: Any, agreement: Agreement, note: str, **fields: Any) -> Agreement:
    """A corrected agreement is a new version; the earlier one and its PDF stay."""
    if not note.strip():
        raise ValidationError({"correction_note": [_("请说明更正的内容")]})
    values = {k: fields.get(k, getattr(agreement, k)) for k in (*AGREEMENT_CONTENT, "signatures")}
    new = agreement_create(
        actor=actor, mediation=agreement.mediation, correction_note=note, **values
    )
    intake_services.case_event_record(
        case=agreement.mediation.case,
        actor=actor,
        kind=CaseEvent.Kind.DOCUMENT,
        **event_note(
            gettext_noop("更正调解协议（第%(v)d版）：%(note)s"), {"v": new.version, "note": note}
        ),
    )
    return new


@transaction.atomic
def performance_record(*, actor: Any, agreement: Agreement, status: str, note: str = "") -> None:
    """The mediator's follow-up on performance; not performed is a risk signal."""
    if status not in Agreement.Performance.values or status == Agreement.Performance.PENDING:
        raise ValidationError({"status": [_("请选择履行情况")]})
    Agreement.objects.filter(pk=agreement.pk).update(
        performance=status, performance_note=note, performance_recorded_at=timezone.now()
    )
    case = agreement.mediation.case
    intake_services.case_event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        **event_note(
            gettext_noop("履行情况：%(status)s %(note)s"),
            {"status": Agreement.Performance(status).label, "note": note},
        ),
    )
    if status == Agreement.Performance.NOT_PERFORMED and case.risk_level == Case.RiskLevel.LOW:
        intake_services.case_raise_risk(
            actor=actor, case=case, level=Case.RiskLevel.MEDIUM, reason=_("调解协议未履行")
        )


def mediation_fail(*, case: Case, reason: str, party_refused: bool = False) -> None:
    """After ``fail_mediation``: the mediation ends, its clock stops, and the county's
    supervisors and the clerk who registered the case are told, so that someone takes the
    next step (litigation, referral, mediating again) and the case is no dead end."""
    Mediation.objects.filter(case=case).update(
        failed_reason=reason, party_refused=party_refused, ended_at=timezone.now()
    )
    _stop_clock(case)
    recipients = {u.pk: u for u in clocks.supervisors_of(case.county_id)}
    if case.registered_by_id and case.registered_by.is_active:
        recipients.setdefault(case.registered_by_id, case.registered_by)
    for user in recipients.values():
        notification_create(
            channel=Notification.Channel.INAPP,
            recipient_user=user,
            recipient_name=user.get_full_name() or user.username,
            county=case.county,
            case_number=case.number,
            subject=_("调解不成，请安排后续处理%(number)s") % {"number": case.number},
            body=_("%(summary)s。调解不成的原因：%(reason)s。可引导当事人起诉、转办或再次调解。")
            % {"summary": case.summary, "reason": reason},
            # The case's version is bumped by each failure: one message per failure, even
            # when a case mediated again fails a second time.
            dedupe_key=f"case:{case.number}:v{case.version}:mediation_failed:{user.pk}",
        )


def mediation_resume(*, actor: Any, case: Case, reason: str) -> Mediation:
    """After ``resume_mediation``: the same mediation and its mediators take the case up
    again, on a new clock from today; the lead mediator is told."""
    mediation = Mediation.objects.select_for_update().get(case=case)
    today = timezone.localdate()
    due = rule_due(DeadlineRule.objects.get(code=mediation.clock_rule), today)
    mediation.clock_due, mediation.clock_provisional = due.date, due.provisional
    mediation.ended_at, mediation.failed_reason, mediation.party_refused = None, "", False
    mediation.save(
        update_fields=[
            "clock_due",
            "clock_provisional",
            "ended_at",
            "failed_reason",
            "party_refused",
        ]
    )
    lead = selectors.lead_participant(mediation)
    clocks.clock_start(
        rule_code=mediation.clock_rule,
        county=case.county_id,
        case_number=case.number,
        subject="mediation",
        subject_id=mediation.pk,
        start=today,
        assignee=lead.mediator.user if lead else None,
        unlimited=mediation.clock_unlimited,
    )
    if lead is not None and lead.mediator.user_id:
        notification_create(
            channel=Notification.Channel.INAPP,
            recipient_user=lead.mediator.user,
            recipient_name=lead.mediator.name,
            county=case.county,
            case_number=case.number,
            subject=_("案件%(number)s再次调解") % {"number": case.number},
            body=_("%(reason)s（调解期限：%(due)s）")
            % {"reason": reason, "due": date_text(due.date, due.provisional)},
            dedupe_key=f"case:{case.number}:v{case.version}:mediation_resumed",
        )
    return mediation


def mediation_end(*, case: Case) -> None:
    Mediation.objects.filter(case=case, ended_at__isnull=True).update(ended_at=timezone.now())
    _stop_clock(case)


def _stop_clock(case: Case) -> None:
    mediation_id = Mediation.objects.filter(case=case).values_list("pk", flat=True).first()
    if mediation_id is not None:
        clocks.clock_stop(subject="mediation", subject_id=mediation_id)


def mediation_clock_unlimit(*, case: Case) -> None:
    """The parties agreed the court-delegated mediation is not bound by the 30-day limit
    (recorded by judicial's ``delegation_record_unlimited``); the mediation's own clock
    stops applying it. Mediation rows are written only here, never by judicial."""
    Mediation.objects.filter(case=case).update(clock_unlimited=True)
