"""Running statutory clocks: start, stop, pause, resume, extend — and the scan that reminds
assignees before the due date and escalates overdue clocks to the window supervisors.

Every message the scan sends is a Notification with a unique ``dedupe_key``: a second scan
(repeated, concurrent, or after a worker died halfway) finds the row and sends nothing more.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from centre.deadlines import rule_due
from centre.models import Clock, County, DeadlineRule, Notification


def clock_start(
    *,
    rule_code: str,
    county: County | int,
    case_number: str,
    subject: str,
    subject_id: int,
    start: date,
    assignee: Any = None,
    unlimited: bool = False,
) -> Clock:
    """Start (or restart) the clock of ``rule_code`` on a subject; idempotent per subject."""
    rule = DeadlineRule.objects.get(code=rule_code)
    due = rule_due(rule, start)
    county_id = county if isinstance(county, int) else county.pk
    clock, _created = Clock.objects.update_or_create(
        rule=rule,
        subject=subject,
        subject_id=subject_id,
        defaults={
            "county_id": county_id,
            "case_number": case_number,
            "assignee": assignee,
            "started_on": start,
            "due_on": due.date,
            "provisional": due.provisional,
            "unlimited": unlimited,
            "stopped_at": None,
            "paused_at": None,
            "paused_days": 0,
            "extended_days": 0,
            "overdue_since": None,
            "escalated_at": None,
            "reminded_offset": None,
        },
    )
    return clock


def clock_stop(*, subject: str, subject_id: int, rule_code: str | None = None) -> int:
    qs = Clock.objects.filter(subject=subject, subject_id=subject_id, stopped_at__isnull=True)
    if rule_code:
        qs = qs.filter(rule__code=rule_code)
    return qs.update(stopped_at=timezone.now())


def clocks_stop_for_case(case_number: str) -> int:
    """A case that closes stops every clock still running on it."""
    return Clock.objects.filter(case_number=case_number, stopped_at__isnull=True).update(
        stopped_at=timezone.now()
    )


def _recompute(clock: Clock) -> None:
    due = rule_due(
        clock.rule, clock.started_on, paused_days=clock.paused_days, extended=clock.extended_days
    )
    clock.due_on, clock.provisional = due.date, due.provisional


@transaction.atomic
def clock_pause(*, clock: Clock, reason: str, on: date | None = None) -> Clock:
    """期间中止 (appraisal, hearing, 公告 …): the days until it resumes are not counted."""
    clock = Clock.objects.select_for_update().select_related("rule").get(pk=clock.pk)
    if clock.paused_at or clock.stopped_at:
        raise ValidationError(_("该期限已中止或已结束"))
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写中止原因")]})
    clock.paused_at, clock.pause_reason = on or timezone.localdate(), reason
    clock.save(update_fields=["paused_at", "pause_reason"])
    return clock


@transaction.atomic
def clock_resume(*, clock: Clock, on: date | None = None) -> Clock:
    clock = Clock.objects.select_for_update().select_related("rule").get(pk=clock.pk)
    if not clock.paused_at:
        raise ValidationError(_("该期限未中止"))
    today = on or timezone.localdate()
    clock.paused_days += max(0, (today - clock.paused_at).days)
    clock.paused_at = None
    _recompute(clock)
    # The due date moved: its reminders and escalation are due afresh.
    clock.escalated_at = clock.overdue_since = clock.reminded_offset = None
    clock.save(
        update_fields=[
            "reminded_offset",
            "paused_days",
            "paused_at",
            "due_on",
            "provisional",
            "escalated_at",
            "overdue_since",
        ]
    )
    return clock


@transaction.atomic
def clock_extend(*, clock: Clock, approver: Any, reason: str, days: int | None = None) -> Clock:
    """Once, within the rule's extension (and its cap), with the reason and the approver."""
    clock = Clock.objects.select_for_update().select_related("rule").get(pk=clock.pk)
    rule = clock.rule
    if not rule.extension_length:
        raise ValidationError(_("该期限依法不能延长"))
    if clock.extended_days:
        raise ValidationError(_("该期限已延长过一次"))
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写延长理由")]})
    days = days or rule.extension_length
    if days > rule.extension_length:
        raise ValidationError(
            {
                "days": [
                    _("最多可延长%(n)d%(unit)s")
                    % {"n": rule.extension_length, "unit": rule.get_extension_unit_display()}
                ]
            }
        )
    clock.extended_days, clock.extension_reason = days, reason
    clock.extension_approved_by = approver
    _recompute(clock)
    # The due date moved: its reminders and escalation are due afresh.
    clock.escalated_at = clock.overdue_since = clock.reminded_offset = None
    clock.save(
        update_fields=[
            "reminded_offset",
            "extended_days",
            "extension_reason",
            "extension_approved_by",
            "due_on",
            "provisional",
            "escalated_at",
            "overdue_since",
        ]
    )
    return clock


def _supervisors(county_id: int) -> list[Any]:
    return list(
        get_user_model().objects.filter(
            groups__name="supervisor", staff__county_id=county_id, is_active=True
        )
    )


def clocks_scan(*, today: date | None = None) -> dict[str, int]:
    """Remind before the due date and escalate overdue clocks, each message once.

    Reads indexed ranges of running clocks — those due within a reminder offset that have
    not had that reminder, and those overdue not yet escalated — never every case; the
    messages of a range are written in one insert.
    """
    from centre.services import inbox_notify_many

    today = today or timezone.localdate()
    running = Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True, unlimited=False)
    reminded = escalated = 0
    # Tightest offset first: a clock due tomorrow gets the 1-day reminder, not also the
    # 3-day one it missed while the scan was down.
    for offset in sorted(settings.CLOCK_REMINDER_DAYS):
        due = (
            running.filter(due_on__gte=today, due_on__lte=today + timedelta(days=offset))
            .filter(Q(reminded_offset__isnull=True) | Q(reminded_offset__gt=offset))
            .exclude(assignee__isnull=True)
            .select_related("rule", "assignee")
        )
        batch = list(due[: settings.CLOCK_SCAN_BATCH])
        while batch:
            reminded += inbox_notify_many([_reminder(clock, today, offset) for clock in batch])
            # Marked after the messages exist: a scan that dies in between resends nothing
            # (the dedupe keys) and marks them next time.
            Clock.objects.filter(pk__in=[c.pk for c in batch]).update(reminded_offset=offset)
            batch = list(due[: settings.CLOCK_SCAN_BATCH])
    supervisors: dict[int, list[Any]] = {}
    overdue = running.filter(due_on__lt=today, escalated_at__isnull=True).select_related("rule")
    batch = list(overdue[: settings.CLOCK_SCAN_BATCH])
    while batch:
        rows = []
        for clock in batch:
            if clock.county_id not in supervisors:
                supervisors[clock.county_id] = _supervisors(clock.county_id)
            rows += [_escalation(clock, today, s) for s in supervisors[clock.county_id]]
        escalated += inbox_notify_many(rows)
        Clock.objects.filter(pk__in=[c.pk for c in batch], escalated_at__isnull=True).update(
            escalated_at=timezone.now(), overdue_since=F("due_on") + timedelta(days=1)
        )
        batch = list(overdue[: settings.CLOCK_SCAN_BATCH])
    _warn_missing_calendar(today)
    return {"reminded": reminded, "escalated": escalated}


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


def _reminder(clock: Clock, today: date, offset: int) -> dict[str, Any]:
    return {
        "recipient_user": clock.assignee,
        "recipient_name": _name(clock.assignee),
        "county_id": clock.county_id,
        "case_number": clock.case_number,
        "subject": _("期限提醒：%(number)s %(rule)s")
        % {"number": clock.case_number, "rule": clock.rule.name},
        "body": _("将于%(due)s届满（还剩%(left)d日）。依据：%(source)s")
        % {
            "due": clock.due_on.strftime("%Y年%m月%d日"),
            "left": (clock.due_on - today).days,
            "source": clock.rule.source,
        },
        "dedupe_key": f"clock:{clock.pk}:remind:{offset}",
    }


def _escalation(clock: Clock, today: date, supervisor: Any) -> dict[str, Any]:
    return {
        "recipient_user": supervisor,
        "recipient_name": _name(supervisor),
        "county_id": clock.county_id,
        "case_number": clock.case_number,
        "subject": _("超期督办：%(number)s %(rule)s")
        % {"number": clock.case_number, "rule": clock.rule.name},
        "body": _("已于%(due)s届满，超期%(days)d日。依据：%(source)s")
        % {
            "due": clock.due_on.strftime("%Y年%m月%d日"),
            "days": (today - clock.due_on).days,
            "source": clock.rule.source,
        },
        "dedupe_key": f"clock:{clock.pk}:escalate:{supervisor.pk}",
    }


def _warn_missing_calendar(today: date) -> None:
    """Tell the system administrators, once each, that next year's holidays are missing."""
    from centre.selectors import calendar_warning
    from centre.services import notification_create

    warning = calendar_warning(today)
    if not warning:
        return
    for admin in get_user_model().objects.filter(groups__name="sysadmin", is_active=True):
        notification_create(
            channel=Notification.Channel.INAPP,
            recipient_user=admin,
            recipient_name=admin.get_full_name() or admin.username,
            subject=_("请录入%(year)d年法定节假日安排") % {"year": today.year + 1},
            body=warning,
            dedupe_key=f"calendar:{today.year + 1}:{admin.pk}",
        )
