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
    clock.escalated_at = clock.overdue_since = None
    clock.save(
        update_fields=[
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
    clock.escalated_at = clock.overdue_since = None
    clock.save(
        update_fields=[
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

    Reads two indexed ranges of running clocks (due within the largest reminder offset, and
    overdue but not yet escalated), never every case.
    """
    from centre.services import notification_create

    today = today or timezone.localdate()
    offsets = sorted(settings.CLOCK_REMINDER_DAYS)
    running = Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True, unlimited=False)
    reminded = escalated = 0
    soon = (
        running.filter(due_on__gte=today, due_on__lte=today + timedelta(days=offsets[-1]))
        .exclude(assignee__isnull=True)
        .select_related("rule", "assignee")
    )
    for clock in soon.iterator(chunk_size=2000):
        left = (clock.due_on - today).days
        offset = min(o for o in offsets if left <= o)  # only the tightest reminder due now
        created = notification_create(
            channel=Notification.Channel.INAPP,
            recipient_user=clock.assignee,
            recipient_name=clock.assignee.get_full_name() or clock.assignee.username,
            county=None,
            case_number=clock.case_number,
            subject=_("期限提醒：%(number)s %(rule)s")
            % {"number": clock.case_number, "rule": clock.rule.name},
            body=_("将于%(due)s届满（还剩%(left)d日）。依据：%(source)s")
            % {
                "due": clock.due_on.strftime("%Y年%m月%d日"),
                "left": left,
                "source": clock.rule.source,
            },
            dedupe_key=f"clock:{clock.pk}:remind:{offset}",
        )
        reminded += created is not None
    overdue = running.filter(due_on__lt=today, escalated_at__isnull=True).select_related("rule")
    for clock in overdue.iterator(chunk_size=2000):
        for supervisor in _supervisors(clock.county_id):
            created = notification_create(
                channel=Notification.Channel.INAPP,
                recipient_user=supervisor,
                recipient_name=supervisor.get_full_name() or supervisor.username,
                case_number=clock.case_number,
                subject=_("超期督办：%(number)s %(rule)s")
                % {"number": clock.case_number, "rule": clock.rule.name},
                body=_("已于%(due)s届满，超期%(days)d日。依据：%(source)s")
                % {
                    "due": clock.due_on.strftime("%Y年%m月%d日"),
                    "days": (today - clock.due_on).days,
                    "source": clock.rule.source,
                },
                dedupe_key=f"clock:{clock.pk}:escalate:{supervisor.pk}",
            )
            escalated += created is not None
        # Marked after its messages exist: a scan that dies before this line finds the
        # clock again and its dedupe keys stop any repeat.
        Clock.objects.filter(pk=clock.pk, escalated_at__isnull=True).update(
            escalated_at=timezone.now(), overdue_since=clock.due_on + timedelta(days=1)
        )
    _warn_missing_calendar(today)
    return {"reminded": reminded, "escalated": escalated}


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
