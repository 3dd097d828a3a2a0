"""Writes of the satisfaction loop: the invitation on closing, a party's rating, and the
rework ticket's steps. Each takes keyword arguments and validates before writing."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import can_proceed

from centre import clocks
from centre.models import Notification
from centre.services import notification_create
from centre.validators import typed_text
from feedback.models import COMMENT_MAX, RATING_DAYS, Rating, ReworkTicket
from feedback.selectors import rating_deadline, tickets_for
from intake import workflow
from intake.identity import phone_last4
from intake.models import Case, CaseEvent, CaseParty, Party
from intake.notes import event_note
from intake.services import party_contact_phone

HANDLE = "feedback.handle_reworkticket"


class AlreadyRated(ValidationError):
    """The party rated this case before (or a moment ago, in a request racing this one)."""


def rate_url(case: Case, *, via: str = "") -> str:
    """The rating page's address for residents, with the case number filled in."""
    params = {"number": case.number, **({"via": via} if via else {})}
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{reverse('feedback:public_rate')}?{urlencode(params)}"


# --- the invitation ----------------------------------------------------------------------


def invitation_notify(*, case: Case, party: Party, phone: str) -> Notification | None:
    """The one place the rating invitation's SMS is created. It is not a statutory notice
    (a courtesy, not one the law requires): the daily cap and the resident's opt-out apply."""
    url = rate_url(case, via="sms")
    return notification_create(
        channel=Notification.Channel.SMS,
        recipient_name=party.name,
        destination=phone,
        destination_masked=party.phone_masked,
        county=case.county,
        case_number=case.number,
        subject=_("办理结果评价"),
        body=_(
            "您的案件%(number)s已办结。请对办理结果进行评价（满意/基本满意/不满意），"
            "%(days)d日内有效：%(url)s"
        )
        % {"number": case.number, "days": RATING_DAYS, "url": url},
        # Once per closing: a case reopened and closed again invites again.
        dedupe_key=f"rating-invite:{case.pk}:{party.pk}:{case.closed_at:%Y%m%d%H%M%S}",
        statutory=False,
        # The gateway's registered template (settings.SMS_TEMPLATES) takes these values.
        kind="satisfaction_invite",
        template_params={"number": case.number, "days": str(RATING_DAYS), "url": url},
    )


def invitations_on_close(case: Case, actor: Any = None) -> int:
    """Registered with intake.workflow.on_close: each applicant who left a phone is
    invited to rate, in the closing step's transaction (sent after commit)."""
    sent = 0
    applicants = case.case_parties.filter(role=CaseParty.Role.APPLICANT).select_related("party")
    for cp in applicants:
        phone = party_contact_phone(cp.party)
        if phone and invitation_notify(case=case, party=cp.party, phone=phone) is not None:
            sent += 1
    return sent


# --- rating ------------------------------------------------------------------------------


def applicant_by_last4(case: Case, digits: str) -> Party | None:
    """The applicant of the case whose phone ends with ``digits`` (the progress page's
    proof), or None."""
    for cp in case.case_parties.filter(role=CaseParty.Role.APPLICANT).select_related("party"):
        phone = party_contact_phone(cp.party)
        if phone and phone_last4(phone) == digits:
            return cp.party
    return None


def rating_submit(
    *,
    case: Case,
    party: Party,
    value: str,
    comment: str = "",
    channel: str,
    actor: Any = None,
) -> Rating:
    """Record ``party``'s rating of the closed ``case``: once per party, within
    ``RATING_DAYS`` of the closing day, by an applicant. 不满意 opens a rework ticket
    in the same transaction. Two submissions at once: the unique constraint keeps one,
    the other raises ``AlreadyRated``."""
    if value not in Rating.Value.values:
        raise ValidationError({"value": [_("请选择满意、基本满意或不满意")]})
    if channel not in Rating.Channel.values:
        raise ValidationError({"channel": [_("评价渠道无效")]})
    comment = typed_text("comment", comment, limit=COMMENT_MAX, label=_("意见"))
    if channel == Rating.Channel.STAFF and (actor is None or not actor.has_perm(HANDLE)):
        raise PermissionDenied(_("您的角色无权代录评价"))
    if not case.case_parties.filter(party=party, role=CaseParty.Role.APPLICANT).exists():
        raise ValidationError({"party": [_("只有该案件的申请人可以评价")]})
    last_day = rating_deadline(case)
    if last_day is None:
        raise ValidationError({"number": [_("案件尚未办结，办结后才能评价")]})
    if timezone.localdate() > last_day:
        raise ValidationError(
            {
                "number": [
                    _("评价期已过：办结后%(days)d日内可评价，截止%(last)s")
                    % {"days": RATING_DAYS, "last": _date(last_day)}
                ]
            }
        )
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case,
                party=party,
                value=value,
                comment=comment,
                channel=channel,
                recorded_by=actor if channel == Rating.Channel.STAFF else None,
            )
            CaseEvent.objects.create(
                case=case,
                actor=actor if channel == Rating.Channel.STAFF else None,
                kind=CaseEvent.Kind.TRANSITION,
                **event_note(
                    gettext_noop("当事人评价：%(value)s（%(channel)s）"),
                    {"value": rating.get_value_display(), "channel": rating.get_channel_display()},
                ),
            )
            if value == Rating.Value.DISSATISFIED:
                _ticket_open(rating)
    except IntegrityError as exc:
        raise AlreadyRated({"number": [_("您已评价过该案件，每位当事人只能评价一次")]}) from exc
    return rating


def _date(day: date) -> str:
    from centre.periods import date_text

    return date_text(day)


def window_supervisor(case: Case) -> Any:
    """The supervisor who oversees the case's window: an active supervisor of the county
    placed at that window, else the county's first supervisor (None if it has none)."""
    supervisors = get_user_model().objects.filter(
        groups__name="supervisor", is_active=True, staff__county_id=case.county_id
    )
    placed = supervisors.filter(staff__window_id=case.window_id).order_by("pk").first()
    return placed or supervisors.order_by("pk").first()


def _ticket_open(rating: Rating) -> ReworkTicket:
    case = rating.case
    assignee = window_supervisor(case)
    start = timezone.localdate()
    ticket = ReworkTicket.objects.create(
        rating=rating,
        case=case,
        county_id=case.county_id,
        window_id=case.window_id,
        assignee=assignee,
        due_on=start,  # replaced by the clock's due date below, in the same transaction
    )
    clock = clocks.clock_start(
        rule_code=ReworkTicket.CLOCK_RULE,
        county=case.county_id,
        case_number=case.number,
        subject=ReworkTicket.CLOCK_SUBJECT,
        subject_id=ticket.pk,
        start=start,
        assignee=assignee,
    )
    ticket.due_on = clock.due_on
    ticket.save(update_fields=["due_on"])
    if assignee is not None:
        notification_create(
            channel=Notification.Channel.INAPP,
            recipient_user=assignee,
            recipient_name=assignee.get_full_name() or assignee.username,
            county=case.county,
            case_number=case.number,
            subject=_("不满意评价待回访：%(number)s") % {"number": case.number},
            body=_("当事人对案件%(number)s的办理结果不满意，请于%(due)s前回访并办结。")
            % {"number": case.number, "due": _date(clock.due_on)},
            dedupe_key=f"rework-open:{ticket.pk}",
        )
    return ticket


# --- the rework ticket's steps --------------------------------------------------------------


def _locked_ticket(actor: Any, ticket_id: int) -> ReworkTicket:

    if not actor.has_perm(HANDLE):
        raise PermissionDenied(_("您的角色无权处理回访重办单"))
    ticket = tickets_for(actor).select_for_update(of=("self",)).filter(pk=ticket_id).first()
    if ticket is None:
        from django.http import Http404

        raise Http404
    return ticket


def _refuse_unless(ticket: ReworkTicket, method: Any) -> None:
    if not can_proceed(method):
        raise ValidationError(
            _("回访重办单当前状态为「%(state)s」，不能执行该操作")
            % {"state": ticket.get_state_display()}
        )


def _case_note(ticket: ReworkTicket, actor: Any, message: str, params: dict[str, Any]) -> None:
    CaseEvent.objects.create(
        case_id=ticket.case_id,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        **event_note(message, params),
    )


@transaction.atomic
def ticket_call_back(*, actor: Any, ticket_id: int, on: date, summary: str) -> ReworkTicket:
    """The supervisor called the party back: the date and what was said."""
    ticket = _locked_ticket(actor, ticket_id)
    _refuse_unless(ticket, ticket.call_back)
    summary = typed_text("summary", summary, limit=1000, label=_("回访情况"), required=True)
    if on is None or on > timezone.localdate():
        raise ValidationError({"on": [_("回访日期不能晚于今天")]})
    if on < timezone.localdate(ticket.opened_at):
        raise ValidationError({"on": [_("回访日期不能早于收到评价的日期")]})
    ticket.call_back(on=on, summary=summary)
    ticket.save()
    _case_note(ticket, actor, gettext_noop("不满意评价已回访：%(summary)s"), {"summary": summary})
    return ticket


@transaction.atomic
def ticket_keep(*, actor: Any, ticket_id: int, explanation: str) -> ReworkTicket:
    """After the call-back, the result stands: the explanation given to the party."""
    ticket = _locked_ticket(actor, ticket_id)
    _refuse_unless(ticket, ticket.keep)
    explanation = typed_text(
        "explanation", explanation, limit=1000, label=_("解释说明"), required=True
    )
    ticket.keep(explanation=explanation, actor=actor)
    ticket.save()
    clocks.clock_stop(subject=ReworkTicket.CLOCK_SUBJECT, subject_id=ticket.pk)
    _case_note(ticket, actor, gettext_noop("回访后维持原办理结果：%(text)s"), {"text": explanation})
    return ticket


def ticket_reopen(*, actor: Any, ticket_id: int, to_state: str, reason: str) -> ReworkTicket:
    """After the call-back, the case is handled again: the case's ``reopen`` transition
    (its own form validates the state and the reason) and the ticket's end, together."""
    with transaction.atomic():
        ticket = _locked_ticket(actor, ticket_id)
        _refuse_unless(ticket, ticket.send_back)
        try:
            workflow.fire(
                actor=actor,
                number=ticket.case.number,
                name="reopen",
                data={"to_state": to_state, "reason": reason},
            )
        except workflow.TransitionError as exc:
            raise ValidationError(
                {k: [e["message"] for e in v] for k, v in exc.errors.items()} or exc.message
            ) from exc
        ticket.send_back(to_state=to_state, reason=reason.strip(), actor=actor)
        ticket.save()
        clocks.clock_stop(subject=ReworkTicket.CLOCK_SUBJECT, subject_id=ticket.pk)
    return ticket
