"""Writes of judicial: confirmation applications and the court's steps on them, rulings,
court-delegated cases, the guide to suing (引导诉讼) and the court's outcome."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from guardian.shortcuts import assign_perm

from centre import after_commit, clocks
from centre.counters import next_value
from centre.models import Clock, DeadlineRule, Notification
from centre.periods import Due, date_text, rule_due
from centre.services import notification_create
from intake import services as intake_services
from intake import workflow
from intake.models import Case, CaseDocument, CaseEvent
from intake.notes import event_note
from judicial.models import CivilCause, Confirmation, Court, Delegation, Handoff, RulingSequence
from mediation.models import Agreement

# The lengths are the rules' (centre.DeadlineRule, seeded from LAW.md): confirmation_apply
# 30 日 from the agreement taking effect (民事诉讼法 第205条); confirmation_accept 3 日
# (法释〔2011〕5号 第4条); confirmation_decide 15 日 from acceptance, +10 日 once with the
# president's approval (第5条), cap 30 日 (民事诉讼法 第187条).
COURT_RIGHTS = ("intake.view_case", "intake.view_personal_data")


def default_court(county_id: int) -> Court | None:
    return Court.objects.filter(county_id=county_id, is_default=True).first()


def _court_staff(court: Court) -> set[Any]:
    staff = set(court.judges.all()) | set(court.clerks.all())
    if court.president_id:
        staff.add(court.president)
    return staff


def _grant_court(court: Court, case: Case) -> None:
    """The court's judges, clerks and president see the case (and only such cases)."""
    for user in _court_staff(court):
        for perm in COURT_RIGHTS:
            assign_perm(perm, user, case)


def latest_agreement(case: Case) -> Agreement | None:
    return (
        Agreement.objects.filter(mediation__case=case)
        .order_by("-version")
        .select_related("mediation")
        .first()
    )


def application_window(agreement: Agreement) -> tuple[date, Due]:
    """The agreement takes effect when signed and sealed (人民调解法 第29条): its first
    version's date. The parties then have 30 days to apply (民事诉讼法 第205条), the last
    day moving to the next working day when it is a rest day (第85条)."""
    first = (
        Agreement.objects.filter(mediation=agreement.mediation)
        .order_by("version")
        .values_list("created_at", flat=True)
        .first()
    )
    effective = timezone.localdate(first)
    return effective, rule_due(DeadlineRule.objects.get(code="confirmation_apply"), effective)


def check_in_time(agreement: Agreement, today: date | None = None) -> None:
    today = today or timezone.localdate()
    effective, due = application_window(agreement)
    # A provisional last day (next year's holidays not yet published) refuses nothing on
    # its own: the day after it may turn out to be a holiday, and the application in time.
    if today > due.date and not due.provisional:
        late = (today - due.date).days
        raise ValidationError(
            _(
                "已超过申请司法确认的期限%(late)d日：调解协议于%(effective)s生效，应在%(due)s前共同申请"
                "（民事诉讼法第二百零五条）"
            )
            % {
                "late": late,
                "effective": date_text(effective),
                "due": date_text(due.date),
            }
        )


def confirmation_apply(
    *, actor: Any, case: Case, court: Court | None, statements: str = ""
) -> Confirmation:
    """After the ``apply_confirmation`` transition: the application, its PDF (司法确认申请书),
    the court's right to see the case, a message to its judges."""
    agreement = latest_agreement(case)
    if agreement is None:
        raise ValidationError(_("本案没有调解协议，不能申请司法确认"))
    court = court or default_court(case.county_id)
    if court is None:
        raise ValidationError({"court": [_("本县尚未配置人民法院")]})
    effective, apply_due = application_window(agreement)
    today = timezone.localdate()
    confirmation = Confirmation.objects.create(
        case=case,
        agreement=agreement,
        court=court,
        statements=statements,
        agreement_effective_on=effective,
        apply_due=apply_due.date,
        applied_by=actor,
        accept_due=rule_due(DeadlineRule.objects.get(code="confirmation_accept"), today).date,
    )
    _grant_court(court, case)
    clocks.clock_stop(subject="agreement", subject_id=agreement.mediation_id)
    clocks.clock_start(
        rule_code="confirmation_accept",
        county=case.county_id,
        case_number=case.number,
        subject="confirmation",
        subject_id=confirmation.pk,
        start=today,
        assignee=court.president or court.judges.first(),
    )
    intake_services.document_request(
        case=case, kind=CaseDocument.Kind.CONFIRMATION_APPLICATION, ref_id=confirmation.pk
    )
    for judge in court.judges.all():
        notification_create(
            channel=Notification.Channel.INAPP,
            recipient_user=judge,
            recipient_name=judge.get_full_name() or judge.username,
            county=case.county,
            case_number=case.number,
            subject=_("新的司法确认申请%(number)s") % {"number": case.number},
            body=_("请于%(due)s前决定是否受理。") % {"due": date_text(confirmation.accept_due)},
        )
    return confirmation


def open_confirmation(case: Case) -> Confirmation | None:
    return (
        Confirmation.objects.filter(case=case, decided_at__isnull=True)
        .select_related("court")
        .first()
    )


def _check_judge(actor: Any, court: Court) -> None:
    if not court.judges.filter(pk=actor.pk).exists() and court.president_id != actor.pk:
        raise ValidationError(_("只有受理法院的法官可以办理"))


@transaction.atomic
def confirmation_accept(*, actor: Any, confirmation: Confirmation) -> Confirmation:
    """The court accepts the application (within 3 days): it numbers the case (民特) and
    sends the parties a 受理通知书 (法释〔2011〕5号 第4条); the 15-day decision clock starts.
    The ruling later bears the same number."""
    confirmation = (
        Confirmation.objects.select_for_update(of=("self",))
        .select_related("court", "case")
        .get(pk=confirmation.pk)
    )
    _check_judge(actor, confirmation.court)
    if confirmation.accepted_at or confirmation.decided_at:
        raise ValidationError(_("该申请已受理"))
    now = timezone.now()
    confirmation.accepted_at, confirmation.accepted_by = now, actor
    clocks.clock_stop(
        subject="confirmation", subject_id=confirmation.pk, rule_code="confirmation_accept"
    )
    clock = clocks.clock_start(
        rule_code="confirmation_decide",
        county=confirmation.case.county_id,
        case_number=confirmation.case.number,
        subject="confirmation",
        subject_id=confirmation.pk,
        start=timezone.localdate(now),
        assignee=actor,
    )
    confirmation.decide_due = clock.due_on
    confirmation.ruling_number = _ruling_number(confirmation.court, timezone.localdate(now).year)
    confirmation.save(update_fields=["accepted_at", "accepted_by", "decide_due", "ruling_number"])
    intake_services.document_request(
        case=confirmation.case,
        kind=CaseDocument.Kind.CONFIRMATION_ACCEPTANCE,
        ref_id=confirmation.pk,
    )
    intake_services.parties_notify(
        case=confirmation.case,
        subject=_("司法确认申请已受理"),
        body=_("您的案件%(number)s：%(court)s已受理司法确认申请，案号%(ruling)s。")
        % {
            "number": confirmation.case.number,
            "court": confirmation.court.name,
            "ruling": confirmation.ruling_number,
        },
    )
    intake_services.case_event_record(
        case=confirmation.case,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        **event_note(
            gettext_noop("%(court)s受理司法确认申请，审查期限至%(due)s"),
            {"court": confirmation.court, "due": confirmation.decide_due},
        ),
    )
    return confirmation


def clerk_choices(court: Court):
    return court.clerks.filter(is_active=True).order_by("last_name", "first_name", "username")


@transaction.atomic
def confirmation_clerk_set(*, actor: Any, confirmation: Confirmation, clerk: Any) -> Confirmation:
    """Name the court clerk (书记员) of an application under review: the ruling prints the
    name under the judge's (民事裁定书 bears the judge and the clerk). The court's judges
    name any of its clerks; a clerk may take the case himself."""
    confirmation = (
        Confirmation.objects.select_for_update(of=("self",))
        .select_related("court", "case")
        .get(pk=confirmation.pk)
    )
    court = confirmation.court
    is_judge = court.judges.filter(pk=actor.pk).exists() or court.president_id == actor.pk
    if not is_judge and not (clerk.pk == actor.pk and court.clerks.filter(pk=actor.pk).exists()):
        raise ValidationError(_("只有受理法院的法官可以指定书记员，书记员只能指定本人"))
    if confirmation.decided_at:
        raise ValidationError(_("已作出裁定，不能再更换书记员"))
    if not clerk_choices(court).filter(pk=clerk.pk).exists():
        message = _("%(name)s不是%(court)s的书记员")
        raise ValidationError({"clerk": [message % {"name": _staff_name(clerk), "court": court}]})
    confirmation.clerk = clerk
    confirmation.save(update_fields=["clerk"])
    intake_services.case_event_record(
        case=confirmation.case,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        **event_note(
            gettext_noop("司法确认案件的书记员：%(clerk)s"), {"clerk": _staff_name(clerk)}
        ),
    )
    return confirmation


def _staff_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def confirmation_extend(*, actor: Any, confirmation: Confirmation, reason: str) -> Confirmation:
    """Once, by 10 days, with the court president's approval (法释〔2011〕5号 第5条), never
    beyond 30 days from acceptance (民事诉讼法 第187条)."""
    confirmation = (
        Confirmation.objects.select_for_update().select_related("court").get(pk=confirmation.pk)
    )
    if confirmation.court.president_id != actor.pk:
        raise ValidationError(_("延长审查期限须经院长批准"))
    if not confirmation.accepted_at or confirmation.decided_at:
        raise ValidationError(_("只能延长已受理、尚未裁定的申请"))
    if confirmation.extended_at:
        raise ValidationError(_("审查期限只能延长一次"))
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写延长理由")]})
    # The clock applies the rule: +10 days, capped at 30 from acceptance.
    clock = Clock.objects.get(
        subject="confirmation", subject_id=confirmation.pk, rule__code="confirmation_decide"
    )
    clock = clocks.clock_extend(clock=clock, approver=actor, reason=reason)
    confirmation.decide_due = clock.due_on
    confirmation.extended_at, confirmation.extension_reason = timezone.now(), reason
    confirmation.extension_approved_by = actor
    confirmation.save(
        update_fields=["decide_due", "extended_at", "extension_reason", "extension_approved_by"]
    )
    intake_services.case_event_record(
        case=confirmation.case,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        **event_note(
            gettext_noop("院长批准延长审查期限至%(due)s：%(reason)s"),
            {"due": confirmation.decide_due, "reason": reason},
        ),
    )
    return confirmation


def _ruling_number(court: Court, year: int) -> str:
    """（2026）浙0523民特123号 — the court's own numbering of special-procedure cases, with
    the full-width brackets of court documents."""
    return f"（{year}）{court.code}民特{next_value(RulingSequence, court=court, year=year)}号"


def confirmation_decide(
    *, actor: Any, case: Case, decision: str, reason: str = "", ground: str = ""
) -> Confirmation:
    """After ``confirm`` / ``refuse_confirmation``: the ruling (民事裁定书, 民事诉讼法 第206条)
    with the court's number, its PDF, and a message to the parties."""
    confirmation = open_confirmation(case)
    now = timezone.now()
    confirmation.decision, confirmation.decided_at, confirmation.judge = decision, now, actor
    confirmation.reason = reason
    confirmation.ground = ground if decision == Confirmation.Decision.REFUSED else ""
    # Numbered at acceptance; an application accepted before numbers were given there
    # gets its number now.
    if not confirmation.ruling_number:
        confirmation.ruling_number = _ruling_number(
            confirmation.court, timezone.localdate(now).year
        )
    confirmation.save()
    clocks.clock_stop(subject="confirmation", subject_id=confirmation.pk)
    intake_services.document_request(
        case=case, kind=CaseDocument.Kind.RULING, ref_id=confirmation.pk
    )
    text = (
        _("人民法院已裁定调解协议有效。一方拒绝履行或者未全部履行的，对方可以向人民法院申请执行。")
        if decision == Confirmation.Decision.CONFIRMED
        else _(
            "人民法院已裁定驳回司法确认申请。您可以通过调解方式变更原调解协议或者达成新的调解协议，"
            "也可以向人民法院提起诉讼。"
        )
    )
    intake_services.parties_notify(
        case=case,
        subject=_("司法确认结果"),
        body=_("您的案件%(number)s：%(text)s裁定书案号%(ruling)s。")
        % {"number": case.number, "text": text, "ruling": confirmation.ruling_number},
    )
    return confirmation


def confirmation_not_accept(*, actor: Any, case: Case, ground: str, reason: str) -> Confirmation:
    """After ``not_accept_confirmation``: the court declines, within its 3 days, to accept
    the application (民诉法解释 第355条) by a ruling of 不予受理, numbered like any 民特
    case the court registers; the case is back at ``agreed`` and may apply again once
    what stood in the way is cured (another court, say)."""
    confirmation = open_confirmation(case)
    now = timezone.now()
    confirmation.decision, confirmation.decided_at, confirmation.judge = (
        Confirmation.Decision.NOT_ACCEPTED,
        now,
        actor,
    )
    confirmation.not_accepted_ground, confirmation.reason = ground, reason
    confirmation.ruling_number = _ruling_number(confirmation.court, timezone.localdate(now).year)
    confirmation.save()
    clocks.clock_stop(subject="confirmation", subject_id=confirmation.pk)
    intake_services.document_request(
        case=case, kind=CaseDocument.Kind.CONFIRMATION_NOT_ACCEPTED, ref_id=confirmation.pk
    )
    intake_services.parties_notify(
        case=case,
        subject=_("司法确认结果"),
        body=_(
            "您的案件%(number)s：人民法院裁定对司法确认申请不予受理（%(ground)s）。裁定书案号%(ruling)s。"
        )
        % {
            "number": case.number,
            "ground": confirmation.get_not_accepted_ground_display(),
            "ruling": confirmation.ruling_number,
        },
    )
    return confirmation


# What a complaint needs (民事诉讼法 第124条) that the case file does not hold is told at
# the handoff: the evidence one item a line (name｜source｜what it proves), the parties'
# ethnicity, occupation and employer one person a line (name｜民族｜职业｜工作单位).
MAX_ROWS = 100


def _rows(value: Any) -> list[list[str]]:
    """Lines of ｜-separated cells, or (from the API) a list of lists or of objects."""
    if isinstance(value, list):
        rows = value
    else:
        rows = [line for line in str(value or "").splitlines() if line.strip()]
    out = []
    for row in rows:
        if isinstance(row, dict):
            out.append(row)
        elif isinstance(row, list | tuple):
            out.append([str(cell).strip() for cell in row])
        else:
            out.append([cell.strip() for cell in str(row).replace("|", "｜").split("｜")])
    return out


def evidence_check(value: Any) -> list[dict[str, str]]:
    """The evidence list (民事诉讼法 第124条第4项): each item's name, its source, what it
    proves. Errors name the line."""
    rows, errors = _rows(value), []
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("证据最多%(max)d项") % {"max": MAX_ROWS})
    items = []
    for i, row in enumerate(rows, start=1):
        if isinstance(row, dict):
            cells = [str(row.get(k) or "").strip() for k in ("name", "source", "proves")]
        else:
            cells = [*row, "", "", ""][:3] if len(row) <= 3 else None
        if cells is None:
            errors.append(_("第%(n)d行多于三栏：证据名称｜来源｜证明内容") % {"n": i})
        elif not cells[0]:
            errors.append(_("第%(n)d行缺少证据名称") % {"n": i})
        else:
            items.append(dict(zip(("name", "source", "proves"), cells, strict=True)))
    if errors:
        raise ValidationError(errors)
    return items


def party_details_check(case: Case, value: Any) -> dict[str, dict[str, str]]:
    """Ethnicity, occupation and employer of the persons among the parties (第124条第1项),
    where the parties told them; keyed by party id. Errors name the line."""
    persons = {
        cp.party.name: cp.party_id
        for cp in case.case_parties.select_related("party")
        if cp.party.kind == "person"
    }
    details: dict[str, dict[str, str]] = {}
    errors = []
    keys = ("ethnicity", "occupation", "employer")
    for i, row in enumerate(_rows(value), start=1):
        if isinstance(row, dict):
            name = str(row.get("party") or row.get("name") or "").strip()
            cells = [str(row.get(k) or "").strip() for k in keys]
        else:
            name, cells = row[0], [*row[1:], "", "", ""][:3]
            if len(row) > 4:
                errors.append(_("第%(n)d行多于四栏：姓名｜民族｜职业｜工作单位") % {"n": i})
                continue
        pid = persons.get(name) or (
            int(name) if name.isdigit() and int(name) in persons.values() else None
        )
        if pid is None:
            errors.append(_("第%(n)d行“%(name)s”不是本案的自然人当事人") % {"n": i, "name": name})
            continue
        details[str(pid)] = {k: v for k, v in zip(keys, cells, strict=True) if v}
    if errors:
        raise ValidationError(errors)
    return details


def _facts_from_case(case: Case) -> str:
    from mediation.models import Mediation

    parts = [case.summary, case.description]
    mediation = Mediation.objects.filter(case=case).first()
    if mediation is not None and mediation.failed_reason:
        parts.append(_("经调解未能达成协议：%(reason)s") % {"reason": mediation.failed_reason})
    return "\n".join(p for p in parts if p)


def handoff_request(
    *,
    actor: Any,
    case: Case,
    court: Court | None,
    cause: str = "",
    claims: str = "",
    facts_reasons: str = "",
    evidence: list[dict[str, str]] | None = None,
    party_details: dict[str, dict[str, str]] | None = None,
) -> Handoff:
    """After ``hand_off`` (引导诉讼): the parties are guided to sue; nothing is filed for
    them. The package — the PDF guide with what a complaint needs (民事诉讼法 第124条) and
    the mediation record, and a ZIP with the signed agreement, the confirmation papers and
    the attachments — is built by a task with its progress on the page; the court the
    parties are guided to sees the case."""
    if cause and cause not in CivilCause.values:
        raise ValidationError({"cause": [_("请从列表中选择民事案由")]})
    delegation = Delegation.objects.filter(case=case).select_related("court").first()
    # A delegated dispute that was not settled goes back to the court that sent it.
    court = court or (delegation.court if delegation else default_court(case.county_id))
    if court is None:
        raise ValidationError({"court": [_("本县尚未配置人民法院")]})
    handoff, _created = Handoff.objects.update_or_create(
        case=case,
        defaults={
            "court": court,
            "requested_by": actor,
            "requested_at": timezone.now(),
            "cause": cause,
            "claims": claims.strip(),
            "facts_reasons": facts_reasons.strip() or _facts_from_case(case),
            "evidence": evidence or [],
            "party_details": party_details or {},
            "status": Handoff.Status.PENDING,
            "progress": 0,
            "attempts": 0,
            "error": "",
        },
    )
    _grant_court(court, case)
    from judicial.tasks import build_handoff

    after_commit.send_on_commit(build_handoff, handoff.pk)
    return handoff


@transaction.atomic
def court_outcome_record(
    *, actor: Any, case: Case, court_case_number: str, accepted_on: date
) -> Case:
    """A party sued and the court accepted the case: its number is shown on the case,
    which closes with outcome ``litigated``."""
    handoff = Handoff.objects.select_for_update().filter(case=case).first()
    if handoff is None:
        raise ValidationError(_("本案尚未引导诉讼"))
    if not court_case_number.strip():
        raise ValidationError({"court_case_number": [_("请填写法院案号")]})
    if accepted_on > timezone.localdate():
        raise ValidationError({"accepted_on": [_("立案日期不能晚于今天")]})
    handoff.court_case_number, handoff.accepted_on = court_case_number.strip(), accepted_on
    handoff.outcome_recorded_by = actor
    handoff.save(update_fields=["court_case_number", "accepted_on", "outcome_recorded_by"])
    return workflow.fire(
        actor=actor,
        number=case.number,
        name="close",
        data={
            "outcome": Case.Outcome.LITIGATED,
            "note": _("%(court)s已立案，案号%(number)s")
            % {"court": handoff.court.name, "number": handoff.court_case_number},
        },
    )


@transaction.atomic
def delegation_register(
    *,
    actor: Any,
    court: Court,
    court_reference: str,
    received_on: date,
    data: intake_services.CaseInput,
) -> Case:
    """A dispute the court delegates before filing (委派调解): a case from the platform,
    triaged to mediation at once, mediated on the court-delegated clock."""
    if Delegation.objects.filter(court=court, court_reference=court_reference).exists():
        raise ValidationError({"court_reference": [_("该法院收案编号已委派过")]})
    data.channel = Case.Channel.PLATFORM
    case = intake_services.case_register(actor=actor, county=court.county, data=data)
    Delegation.objects.create(
        case=case,
        court=court,
        court_reference=court_reference,
        received_on=received_on,
        created_by=actor,
    )
    _grant_court(court, case)
    return case


def delegation_clock(case: Case) -> tuple[str, bool, date] | None:
    """Mediation of a delegated case runs 30 days from the materials' receipt, or without
    limit when both parties agreed (法释〔2016〕14号 第27条)."""
    delegation = Delegation.objects.filter(case=case).first()
    if delegation is None:
        return None
    return "mediation_court_delegated", delegation.unlimited, delegation.received_on


@transaction.atomic
def delegation_record_unlimited(*, actor: Any, delegation: Delegation) -> None:
    from mediation import services as mediation_services

    delegation.unlimited, delegation.unlimited_recorded_by = True, actor
    delegation.save(update_fields=["unlimited", "unlimited_recorded_by"])
    mediation_services.mediation_clock_unlimit(case=delegation.case)
    intake_services.case_event_record(
        case=delegation.case,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        **event_note(gettext_noop("双方当事人同意委派调解不受30日期限限制")),
    )
