"""Writes of the centre app: roles, the audit log, staff accounts."""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centre import jobs
from centre.audit import audit_append
from centre.models import (
    AuditLog,
    CalendarYear,
    County,
    DeadlineRule,
    Department,
    Holiday,
    Notification,
    Region,
    StaffProfile,
    Window,
)
from centre.net import client_ip
from centre.reference import WINDOW_NAMES_EN, WINDOWS
from centre.roles import ADMIN_ROLES, ROLES
from centre.validators import printable

log = logging.getLogger(__name__)

User = get_user_model()


def _permissions(names: tuple[str, ...], using: str) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = list(
        Permission.objects.using(using)
        .filter(content_type__app_label__in={app for app, _ in wanted})
        .select_related("content_type")
    )
    by_name = {(p.content_type.app_label, p.codename): p for p in found}
    missing = sorted(".".join(n) for n in wanted - by_name.keys())
    if missing:
        raise LookupError(f"roles name permissions that do not exist: {', '.join(missing)}")
    return [by_name[n] for n in wanted]


def reference_sync(*, using: str = "default") -> None:
    """Bring the windows and the role groups in line with the code. Runs after every
    ``migrate`` (and after a test flush), like Django's own permissions."""
    windows_sync(using=using)
    roles_sync(using=using)
    calendar_sync(using=using)
    rules_sync(using=using)


def calendar_sync(*, using: str = "default") -> None:
    """The official calendar 2004–2026 from the chinesecalendar package (its 2026 data
    follow 国办发明电〔2025〕7号). Days an administrator entered are kept."""
    import chinese_calendar

    from centre.law_rules import HOLIDAY_NAMES

    if CalendarYear.objects.using(using).filter(year=2026).exists():
        return
    rows = [
        Holiday(day=day, kind=Holiday.Kind.HOLIDAY, name=HOLIDAY_NAMES.get(name, name))
        for day, name in chinese_calendar.holidays.items()
    ]
    rows += [
        Holiday(day=day, kind=Holiday.Kind.WORKDAY, name=HOLIDAY_NAMES.get(name, name))
        for day, name in chinese_calendar.workdays.items()
    ]
    Holiday.objects.using(using).bulk_create(rows, ignore_conflicts=True)
    CalendarYear.objects.using(using).bulk_create(
        [
            CalendarYear(year=y, source="chinesecalendar 1.11.0（国务院办公厅节假日安排通知）")
            for y in sorted({d.year for d in chinese_calendar.holidays})
        ],
        ignore_conflicts=True,
    )


def rules_sync(*, using: str = "default") -> None:
    """The time limits of LAW.md; an administrator's edits to existing rules are kept."""
    from centre.law_rules import RULE_NAMES_EN, RULES

    for code, name, length, unit, starts, ext, ext_unit, cap, approver, source in RULES:
        DeadlineRule.objects.using(using).get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": RULE_NAMES_EN.get(code, ""),
                "length": length,
                "unit": unit,
                "starts_at": starts,
                "extension_length": ext,
                "extension_unit": ext_unit,
                "extension_cap": cap,
                "extension_approver": approver,
                "source": source,
            },
        )


def windows_sync(*, using: str = "default") -> None:
    """Create missing windows; an administrator's edits to existing ones are kept."""
    for order, (code, name, description) in enumerate(WINDOWS, start=1):
        Window.objects.using(using).get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": WINDOW_NAMES_EN[code],
                "description": description,
                "order": order,
            },
        )


def roles_sync(*, using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions ``ROLES`` lists.

    Runs after every ``migrate``. Permissions of apps migrated later in the same run do
    not exist yet when the signal first fires, so they are created here first.
    """
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    with transaction.atomic(using=using):
        for role in ROLES.values():
            group, _created = Group.objects.using(using).get_or_create(name=role.code)
            group.permissions.set(_permissions(role.permissions, using))


def audit_record(
    *,
    actor: Any,
    action: str,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    county: County | None = None,
    case_number: str = "",
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditLog:
    """Append one row to the audit log, sealed onto its hash chain (centre.audit).
    ``actor`` may be anonymous (a failed login)."""
    is_user = getattr(actor, "is_authenticated", False)
    county_id = county.pk if county is not None else None
    if county_id is None and is_user:
        # A missing profile raises RelatedObjectDoesNotExist, an AttributeError.
        county_id = getattr(getattr(actor, "staff", None), "county_id", None)
    meta = getattr(request, "META", {}) if request is not None else {}
    entry = AuditLog(
        actor=actor if is_user else None,
        actor_username=actor.get_username() if is_user else username[:150],
        action=action,
        county_id=county_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        case_number=case_number,
        ip_address=client_ip(request) if request is not None else None,
        user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
        detail=detail or {},
    )
    return audit_append(entry)


def audit_log_export(
    *, actor: Any, entries: models.QuerySet[AuditLog], request: HttpRequest | None = None
) -> str:
    """The chosen rows as CSV for an auditor, as the page shows them: names, object kinds
    in words, the centre's local time. Opens with a BOM so that Excel reads it as UTF-8;
    the export is itself a row of the log."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            _("时间"),
            _("操作人"),
            _("操作"),
            _("县（市、区）"),
            _("对象类型"),
            _("对象编号"),
            _("对象"),
            _("案件编号"),
            _("来源地址"),
        ]
    )
    count = 0
    for entry in entries.select_related("actor", "county").order_by("-at", "-id").iterator():
        count += 1
        writer.writerow(
            [
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_display(),
                entry.get_action_display(),
                entry.county.name if entry.county_id else "",
                entry.object_kind(),
                entry.object_id,
                entry.object_repr,
                entry.case_number,
                entry.ip_address or "",
            ]
        )
    audit_record(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        request=request,
        detail={"export": "audit_log", "rows": count},
    )
    return out.getvalue()


# The time as a person reads it, kept a real date-time so the sheet sorts and filters by it.
AUDIT_XLSX_TIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm:ss'


def audit_log_export_xlsx(
    *, actor: Any, start: date, end: date, request: HttpRequest | None = None
) -> tuple[bytes, int]:
    """The audit log of a period (``start`` to ``end``, both days included, in the centre's
    local time) as an Excel workbook, and its number of entries.

    GB/T 22239-2019 8.1.4.3 b: each record gives the date and time, the user, the event and
    its outcome. Here as the auditor reads them: the person's full name beside the account,
    the action and the object's kind in words, the local time. The export is itself audited.
    """
    # openpyxl is loaded by the one admin view that exports, not by every web worker.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    entries = (
        AuditLog.objects.filter(at__gte=since, at__lt=until)
        .select_related("actor", "county")
        .order_by("at", "id")
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("审计日志"))
    columns = [
        (_("时间"), 22),
        (_("操作人"), 24),
        (_("操作"), 14),
        (_("对象类型"), 14),
        (_("对象"), 36),
        (_("对象编号"), 12),
        (_("案件编号"), 20),
        (_("县（市、区）"), 14),
        (_("来源地址"), 18),
    ]
    for i, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title, _width in columns:
        cell = WriteOnlyCell(sheet, title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    actions = {code: str(label) for code, label in AuditLog.Action.choices}

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, printable(value))
        # A name or an object someone typed is never a formula.
        cell.data_type = "s"
        return cell

    count = 0
    for entry in entries.iterator(chunk_size=2000):
        when = WriteOnlyCell(sheet, timezone.localtime(entry.at).replace(tzinfo=None))
        when.number_format = AUDIT_XLSX_TIME_FORMAT
        sheet.append(
            [
                when,
                text(entry.actor_display()),
                text(actions.get(entry.action, entry.action)),
                text(entry.object_kind()),
                text(entry.object_repr),
                text(entry.object_id),
                text(entry.case_number),
                text(entry.county.name if entry.county_id else ""),
                text(entry.ip_address or ""),
            ]
        )
        count += 1
    out = io.BytesIO()
    book.save(out)
    audit_record(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        request=request,
        detail={
            "export": "audit_log",
            "format": "xlsx",
            "from": start.isoformat(),
            "to": end.isoformat(),
            "rows": count,
        },
    )
    return out.getvalue(), count


def check_role_combination(role_codes: set[str]) -> None:
    """三员分立: one account holds at most one of the three administrator roles, and an
    administrator holds no business role (an auditor must not audit their own work)."""
    admin_roles = role_codes & ADMIN_ROLES
    if len(admin_roles) > 1:
        raise ValidationError(
            _("系统管理员、安全管理员、安全审计员三员分立，同一账号只能担任其中一种：%(roles)s")
            # Translators: the separator between listed role names.
            % {"roles": _("、").join(str(ROLES[c].label) for c in sorted(admin_roles))}
        )
    if admin_roles and role_codes - ADMIN_ROLES:
        raise ValidationError(_("管理员账号不能同时担任业务角色"))


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    full_name: str,
    roles: list[str],
    county: County,
    department: Department | None = None,
    window: Window | None = None,
    region: Region | None = None,
    title: str = "",
    scope: str = StaffProfile.Scope.COUNTY,
) -> Any:
    """Create or update a staff account with its profile and roles (used by seed_demo)."""
    unknown = set(roles) - ROLES.keys()
    if unknown:
        raise ValidationError(_("未知角色：%(roles)s") % {"roles": ", ".join(sorted(unknown))})
    check_role_combination(set(roles))
    user, _created = User.objects.get_or_create(username=username)
    user.first_name = full_name
    user.is_staff = any(ROLES[r].staff for r in roles)
    user.is_superuser = False
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    StaffProfile.objects.update_or_create(
        user=user,
        defaults={
            "county": county,
            "department": department,
            "window": window,
            "region": region,
            "title": title,
            "scope": scope,
        },
    )
    return user


def user_refresh_staff_flag(*, user: Any) -> None:
    """Admin access follows the roles: only the three administrators enter the admin."""
    is_staff = user.groups.filter(name__in=[c for c, r in ROLES.items() if r.staff]).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


# Attempts, stale-after and back-off: settings.BACKGROUND_JOBS["notification"].
NOTIFICATION_JOB = jobs.Job(
    "notification",
    Notification,
    running=Notification.Status.SENDING,
    done=Notification.Status.SENT,
    started_field="claimed_at",
    stale_error=gettext_lazy("发送中断，已达重试上限"),
)


def notification_create(
    *,
    channel: str,
    recipient_name: str,
    subject: str,
    body: str,
    recipient_user: Any = None,
    destination: str = "",
    destination_masked: str = "",
    county: County | None = None,
    case_number: str = "",
    dedupe_key: str | None = None,
    statutory: bool = True,
    kind: str = "",
    template_params: dict[str, str] | None = None,
) -> Notification | None:
    """A pending notification row in the caller's transaction, sent after commit. With a
    ``dedupe_key`` already used, nothing is created (exactly-once messages).

    ``statutory=False`` for what no law requires (reminders, satisfaction invitations): such
    an SMS is not sent to a phone that opted out or past the phone's daily cap. ``kind`` and
    ``template_params`` choose the SMS template (``settings.SMS_TEMPLATES``)."""
    from centre import after_commit
    from centre.crypto import get_keyring
    from centre.tasks import send_notification

    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                channel=channel,
                recipient_name=recipient_name[:100],
                subject=subject[:200],
                body=body,
                recipient_user=recipient_user,
                destination_enc=get_keyring().encrypt(destination) if destination else None,
                destination_masked=destination_masked,
                county=county,
                case_number=case_number,
                dedupe_key=dedupe_key,
                statutory=statutory,
                kind=kind,
                template_params=template_params or {},
            )
    except IntegrityError:
        return None  # the same dedupe key, created at the same moment elsewhere
    if channel == Notification.Channel.INAPP:
        # Delivered by being stored: the inbox reads it. No task, nothing to lose.
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.SENT, sent_at=notification.created_at
        )
        notification.status = Notification.Status.SENT
    else:
        after_commit.send_on_commit(send_notification, notification.pk)
    return notification


def inbox_notify_many(rows: list[dict[str, Any]]) -> int:
    """Many in-app messages with dedupe keys at once (the clocks scan): one query skips
    the keys already used, one insert writes the rest. A concurrent scan that wrote some
    of them first makes the insert fail; the rows are then written one by one, each key
    at most once. Returns how many were written here."""
    if not rows:
        return 0
    used = set(
        Notification.objects.filter(dedupe_key__in=[r["dedupe_key"] for r in rows]).values_list(
            "dedupe_key", flat=True
        )
    )
    now = timezone.now()
    fresh = [
        Notification(
            channel=Notification.Channel.INAPP,
            status=Notification.Status.SENT,
            created_at=now,
            sent_at=now,
            **row,
        )
        for row in rows
        if row["dedupe_key"] not in used
    ]
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(fresh)
        return len(fresh)
    except IntegrityError:
        written = 0
        for notification in fresh:
            try:
                with transaction.atomic():
                    notification.pk = None
                    notification.save()
                written += 1
            except IntegrityError:
                continue
        return written


class Delivery(StrEnum):
    """What one call of ``notification_deliver`` did."""

    SENT = "sent"
    TAKEN = "taken"  # sent already, being sent, or its back-off not over: nothing done
    HELD = "held"  # not to be sent (opted out, over the daily cap): a final state
    RETRY = "retry"  # the gateway did not take it; another attempt is left
    FAILED = "failed"  # refused by the gateway, or its attempts are spent


def notification_deliver(*, notification_id: int) -> Delivery:
    from centre import sms
    from centre.crypto import get_keyring
    from centre.notify import backend_for
    from centre.sms_gateway import SmsRejected

    if not NOTIFICATION_JOB.claim(notification_id):
        return Delivery.TAKEN
    notification = Notification.objects.get(pk=notification_id)
    destination = (
        get_keyring().decrypt(bytes(notification.destination_enc))
        if notification.destination_enc
        else ""
    )
    counted = False
    try:
        if notification.channel == Notification.Channel.SMS and destination:
            held = sms.hold_reason(notification, destination)
            if held is not None:
                status, reason = held
                Notification.objects.filter(
                    pk=notification_id, status=Notification.Status.SENDING
                ).update(status=status, error=reason)
                log.info(
                    "SMS %s to %s not sent: %s",
                    notification.idempotency_key,
                    notification.destination_masked,
                    status,
                )
                return Delivery.HELD
            counted = True
        provider_id = backend_for(notification.channel).send(notification, destination)
    except SmsRejected as exc:
        if counted:
            sms.cap_give_back(destination)
        NOTIFICATION_JOB.fail(notification_id, exc, final=True)
        return Delivery.FAILED
    except Exception as exc:
        if counted:
            sms.cap_give_back(destination)
        return Delivery.RETRY if NOTIFICATION_JOB.fail(notification_id, exc) else Delivery.FAILED
    NOTIFICATION_JOB.succeed(
        notification_id, sent_at=timezone.now(), provider_message_id=provider_id or ""
    )
    return Delivery.SENT


def notification_retry_in(*, notification_id: int) -> timedelta | None:
    """How long the task waits before its next attempt at a message that failed."""
    attempts = (
        Notification.objects.filter(pk=notification_id, status=Notification.Status.FAILED)
        .values_list("attempts", flat=True)
        .first()
    )
    if attempts is None or attempts >= NOTIFICATION_JOB.spec.max_attempts:
        return None
    return NOTIFICATION_JOB.spec.delay(attempts)


def notifications_resend() -> int:
    """Beat: re-send notifications left pending (lost message), stuck sending (worker died)
    or failed with attempts left and back-off over (``settings.BACKGROUND_JOBS``)."""
    from centre import after_commit
    from centre.tasks import send_notification

    # A worker died mid-send: whether the gateway took the message is unknown, so it is
    # sent again with the same idempotency key (the gateway drops a repeat) — unless its
    # attempts are spent: then it is failed, never left pending to be picked up for ever.
    ids = NOTIFICATION_JOB.sweep()
    for pk in ids:
        after_commit.send(send_notification, pk)
    return len(ids)


def inbox_mark_read(*, user: Any) -> int:
    return Notification.objects.filter(
        recipient_user=user, read_at__isnull=True, channel=Notification.Channel.INAPP
    ).update(read_at=timezone.now())
