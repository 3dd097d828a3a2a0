"""Overdue incidents (本县事件处置规则): the day after the feedback deadline the department
holding the incident and the dispatcher who signed for it are urged (催办); at 5 工作日
overdue the county centre's supervisors are told (督办); past 5 工作日 the incident goes
to the county centre (escalate), as it must. Each message once, however often the scan
runs (a unique dedupe key per message), and each incident escalated once (under its lock,
state and deadline checked again).

The clocks scan leaves incident clocks' overdue messages to this scan
(``centre.clocks.OWN_OVERDUE_SUBJECTS``); it still reminds the holder before the deadline.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from centre import clocks
from centre.models import Clock
from centre.periods import date_text, due_date, is_workday
from centre.services import inbox_notify_many
from incidents.models import Incident
from incidents.services import CLOCK_SUBJECT, record_event

# 督办 at this many working days overdue, escalation to the county past it.
SUPERVISE_AFTER_WORKDAYS = 5


def supervise_on(due_on: date) -> date:
    """The day an incident due on ``due_on`` is 5 working days overdue."""
    return due_date(due_on, SUPERVISE_AFTER_WORKDAYS, "working").date


def incidents_overdue_scan(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    overdue = list(
        Incident.objects.filter(state=Incident.State.ASSIGNED, due_on__lt=today)
        .select_related("category", "department", "holder", "accepted_by")
        .order_by("due_on", "pk")
    )
    # The messages of all overdue incidents go in two batched writes (inbox_notify_many
    # skips the keys already used), not two per incident.
    urgings, supervisions, supervised_ids, to_escalate = [], [], [], []
    supervisors: dict[int, list[Any]] = {}
    for incident in overdue:
        urgings += _urgings(incident, today)
        day = supervise_on(incident.due_on)
        if today < day:
            continue
        if incident.county_id not in supervisors:
            supervisors[incident.county_id] = clocks.supervisors_of(incident.county_id)
        supervisions += [_supervision(incident, today, s) for s in supervisors[incident.county_id]]
        supervised_ids.append(incident.pk)
        if today > day:
            to_escalate.append(incident)
    urged = inbox_notify_many(urgings)
    supervised = inbox_notify_many(supervisions)
    Clock.objects.filter(
        subject=CLOCK_SUBJECT, subject_id__in=supervised_ids, escalated_at__isnull=True
    ).update(escalated_at=timezone.now(), overdue_since=F("due_on") + timedelta(days=1))
    escalated = sum(_escalate(i.pk, i.due_on, today) for i in to_escalate)
    return {"urged": urged, "supervised": supervised, "escalated": escalated}


def _workdays_overdue(due_on: date, today: date) -> int:
    """Working days from the day after ``due_on`` up to ``today``."""
    days = (today - due_on).days
    return sum(is_workday(due_on + timedelta(days=d))[0] for d in range(1, days + 1))


def _row(incident: Incident, user: Any, kind: str, subject: str, body: str) -> dict[str, Any]:
    return {
        "recipient_user": user,
        "recipient_name": user.get_full_name() or user.username,
        "county_id": incident.county_id,
        "case_number": incident.number,
        "subject": subject,
        "body": body,
        # The deadline is part of the key: after an extension the new deadline earns its
        # own messages.
        "dedupe_key": f"incident:{incident.pk}:{kind}:{user.pk}:{incident.due_on:%Y%m%d}",
    }


def _urgings(incident: Incident, today: date) -> list[dict[str, Any]]:
    recipients = {u.pk: u for u in (incident.holder, incident.accepted_by) if u is not None}
    subject = _("事件催办：%(number)s %(category)s") % {
        "number": incident.number,
        "category": incident.category.name,
    }
    body = _("交办%(department)s的事件已于%(due)s到期未反馈，请即处置并反馈。") % {
        "department": incident.department.name if incident.department else "",
        "due": date_text(incident.due_on),
    }
    return [_row(incident, user, "urge", subject, body) for user in recipients.values()]


def _supervision(incident: Incident, today: date, supervisor: Any) -> dict[str, Any]:
    subject = _("事件督办：%(number)s %(category)s") % {
        "number": incident.number,
        "category": incident.category.name,
    }
    body = _(
        "交办%(department)s的事件已于%(due)s到期，超期%(days)d个工作日仍未反馈；"
        "超期逾%(limit)d个工作日将上报县中心。"
    ) % {
        "department": incident.department.name if incident.department else "",
        "due": date_text(incident.due_on),
        "days": _workdays_overdue(incident.due_on, today),
        "limit": SUPERVISE_AFTER_WORKDAYS,
    }
    return _row(incident, supervisor, "supervise", subject, body)


def _escalate(pk: int, due_on: date, today: date) -> int:
    """Escalate one incident under its lock, if it is still assigned with the same
    deadline (fed back, extended or escalated by hand meanwhile: left alone)."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=pk)
        if incident.state != Incident.State.ASSIGNED or incident.due_on != due_on:
            return 0
        days = _workdays_overdue(due_on, today)
        from_state = incident.state
        incident.escalate(reason=_("超期%(days)d个工作日未反馈，依规上报县中心") % {"days": days})
        incident.save()
        clocks.clock_stop(subject=CLOCK_SUBJECT, subject_id=incident.pk)
        record_event(
            incident,
            None,
            "escalate",
            from_state,
            {"note": incident.escalation_reason, "automatic": True, "overdue_workdays": days},
        )
    return 1
