"""Running statutory clocks: start, stop, pause, resume, extend — and the scan that reminds
assignees before the due date and escalates overdue clocks to the window supervisors.

Every message the scan sends is a Notification with a unique ``dedupe_key``: a second scan
(repeated, concurrent, or after a worker died halfway) finds the row and sends nothing more.
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from centre.models import Clock, County, DeadlineRule, Notification
from centre.periods import date_text, rule_due

# Subjects whose app sends its own overdue messages (incident command: 催办 the day after
# the deadline, 督办 at 5 working days overdue), registered when the app is ready. The
# scan still reminds their assignees before the due date, but leaves their overdue clocks
# alone until the app marks them escalated or stops them.
OWN_OVERDUE_SUBJECTS: set[str] = set()


# Subjects whose clocks only their own procedure pauses and extends, with the approval
# their rule names (DeadlineRule.extension_approver: the court president for the court's
# clocks, the department head for labour inspection …), registered by their apps. The
# case page's supervisor controls are for the centre's own clocks (registration,
# mediation, performance follow-up); on these they are refused, so that one due date is
# kept in one place.
PROCEDURE_SUBJECTS: set[str] = set()


def adjustable_on_case_page(clock: Clock) -> bool:
    return clock.subject not in PROCEDURE_SUBJECTS


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


def clocks_stop_for_case(case_number: str, rule_codes: tuple[str, ...] = ()) -> int:
    """A case that closes stops every clock still running on it; with ``rule_codes``, a
    step stops those clocks of the case, whatever they run on."""
    qs = Clock.objects.filter(case_number=case_number, stopped_at__isnull=True)
    if rule_codes:
        qs = qs.filter(rule__code__in=rule_codes)
    return qs.update(stopped_at=timezone.now())


def _reschedule(clock: Clock, *changed: str) -> None:
    """Save ``clock`` with its ``changed`` fields and the due date they move; the new due
    date's reminders and escalation are due afresh."""
    due = rule_due(
        clock.rule, clock.started_on, paused_days=clock.paused_days, extended=clock.extended_days
    )
    clock.due_on, clock.provisional = due.date, due.provisional
    clock.escalated_at = clock.overdue_since = clock.reminded_offset = None
    clock.save(
        update_fields=[
            *changed,
            "due_on",
            "provisional",
            "reminded_offset",
            "escalated_at",
            "overdue_since",
        ]
    )


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
    _reschedule(clock, "paused_days", "paused_at")
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
    _reschedule(clock, "extended_days", "extension_reason", "extension_approved_by")
    return clock


def _supervisors_of_counties() -> QuerySet:
    """Who hears of an overdue clock: the active supervisors (of the clock's county)."""
    return get_user_model().objects.filter(groups__name="supervisor", is_active=True)


def supervisors_of(county_id: int) -> list[Any]:
    return list(_supervisors_of_counties().filter(staff__county_id=county_id))


def clocks_scan(*, today: date | None = None) -> dict[str, int]:
    """Remind before the due date and escalate overdue clocks, each message once.

    Reads indexed ranges of running clocks — those due within a reminder offset that have
    not had that reminder, and those overdue not yet escalated — never every case. On
    PostgreSQL each batch is one statement that marks its clocks and writes their messages
    from them (no row built in Python, where a day's tens of thousands took 15 s);
    elsewhere (the SQLite demo) the messages are built in Python, one insert per batch.
    """
    today = today or timezone.localdate()
    scan = _scan_sql if connection.vendor == "postgresql" else _scan_python
    result = scan(today)
    _warn_missing_calendar(today)
    return result


def _scan_python(today: date) -> dict[str, int]:
    from centre.services import inbox_notify_many

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
    overdue = (
        running.filter(due_on__lt=today, escalated_at__isnull=True)
        .exclude(subject__in=OWN_OVERDUE_SUBJECTS)
        .select_related("rule")
    )
    batch = list(overdue[: settings.CLOCK_SCAN_BATCH])
    while batch:
        rows = []
        for clock in batch:
            if clock.county_id not in supervisors:
                supervisors[clock.county_id] = supervisors_of(clock.county_id)
            rows += [_escalation(clock, today, s) for s in supervisors[clock.county_id]]
        escalated += inbox_notify_many(rows)
        Clock.objects.filter(pk__in=[c.pk for c in batch], escalated_at__isnull=True).update(
            escalated_at=timezone.now(), overdue_since=F("due_on") + timedelta(days=1)
        )
        batch = list(overdue[: settings.CLOCK_SCAN_BATCH])
    return {"reminded": reminded, "escalated": escalated}


# The due date in the messages as centre.periods.date_text writes it (2026年12月8日, 暂定
# when provisional), in PostgreSQL's to_char (FM: no zero padding).
DUE_FORMAT_SQL = 'YYYY"年"FMMM"月"FMDD"日"'


def _due_sql() -> Fragment:
    return (
        f"to_char(m.due_on, '{DUE_FORMAT_SQL}')"
        " || CASE WHEN m.provisional THEN %s::text ELSE '' END",
        [_("（暂定）")],
    )


def _reminder_texts() -> tuple[str, str]:
    return (
        _("期限提醒：%(number)s %(rule)s"),
        _("将于%(due)s届满（含当日，还剩%(left)d日）。依据：%(source)s"),
    )


def _escalation_texts() -> tuple[str, str]:
    return (
        _("超期督办：%(number)s %(rule)s"),
        _("已于%(due)s届满，超期%(days)d日。依据：%(source)s"),
    )


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


def _reminder(clock: Clock, today: date, offset: int) -> dict[str, Any]:
    subject, body = _reminder_texts()
    return {
        "recipient_user": clock.assignee,
        "recipient_name": _name(clock.assignee),
        "county_id": clock.county_id,
        "case_number": clock.case_number,
        "subject": subject % {"number": clock.case_number, "rule": clock.rule.name},
        "body": body
        % {
            "due": date_text(clock.due_on, clock.provisional),
            "left": (clock.due_on - today).days,
            "source": clock.rule.source,
        },
        # The due date is part of the key: after an extension (or a pause) the new due
        # date earns its own reminders.
        "dedupe_key": f"clock:{clock.pk}:remind:{offset}:{clock.due_on:%Y%m%d}",
    }


def _escalation(clock: Clock, today: date, supervisor: Any) -> dict[str, Any]:
    subject, body = _escalation_texts()
    return {
        "recipient_user": supervisor,
        "recipient_name": _name(supervisor),
        "county_id": clock.county_id,
        "case_number": clock.case_number,
        "subject": subject % {"number": clock.case_number, "rule": clock.rule.name},
        "body": body
        % {
            "due": date_text(clock.due_on, clock.provisional),
            "days": (today - clock.due_on).days,
            "source": clock.rule.source,
        },
        "dedupe_key": f"clock:{clock.pk}:escalate:{supervisor.pk}:{clock.due_on:%Y%m%d}",
    }


# --- The same scan in set-based SQL (PostgreSQL) -----------------------------------------

Fragment = tuple[str, list[Any]]

# What str.strip() removes from get_full_name's "first last" (btrim alone removes spaces):
# every character whose str.isspace() is true (a test checks the list).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _name_sql(alias: str) -> Fragment:
    """``_name`` of the user row ``alias`` (first_name, last_name, username) in SQL."""
    full = f"btrim({alias}.first_name || ' ' || {alias}.last_name, %s)"
    return f"COALESCE(NULLIF({full}, ''), {alias}.username)", [WHITESPACE]


def _message_sql(template: str, values: dict[str, str | Fragment]) -> Fragment:
    """``template % values`` in SQL, each value an SQL expression (or one with its
    parameters): the translated text with its placeholders cut out, its pieces passed as
    parameters, so the SQL writes what the Python path formats (``%(n)d`` of an integer
    prints the digits ``::text`` prints)."""
    cut = "\x00"  # in no translation, and never sent: only the pieces between are
    template = re.sub(r"%\((\w+)\)d", r"%(\1)s", template)
    pieces = (template % {key: f"{cut}{key}{cut}" for key in values}).split(cut)
    sql, params = [], []
    for i, piece in enumerate(pieces):  # text, name, text, name, …, text
        if i % 2:
            value = values[piece]
            expression, value_params = value if isinstance(value, tuple) else (value, [])
            sql.append(f"({expression})::text")
            params += value_params
        elif piece:
            sql.append("%s::text")
            params.append(piece)
    return " || ".join(sql) or "''", params


def _notification_insert(values: dict[str, Fragment]) -> Fragment:
    """Columns and SELECT list of an insert of in-app notifications, delivered by being
    stored (as ``inbox_notify_many`` writes them): ``values`` for the columns named, the
    model's default for every other (a column added later included)."""
    now = timezone.now()
    values = {
        "channel": ("%s", [Notification.Channel.INAPP.value]),
        "status": ("%s", [Notification.Status.SENT.value]),
        "created_at": ("%s", [now]),
        "sent_at": ("%s", [now]),
        **values,
    }
    columns, exprs, params = [], [], []
    for field in Notification._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in values:
            sql, sql_params = values[field.attname]
        else:
            sql, sql_params = "%s", [field.get_db_prep_save(field.get_default(), connection)]
        exprs.append(sql)
        params += sql_params
    return f"({', '.join(columns)}) SELECT {', '.join(exprs)}", params


def _messages(kind: str, subject: str, body: str, days: str, recipient: str) -> Fragment:
    """The messages of the clocks ``m`` (a batch just marked, with rule ``r``) to the users
    ``u``, ``days`` the figure in the body."""
    return _notification_insert(
        {
            "recipient_user_id": ("u.id", []),
            "recipient_name": _name_sql("u"),
            "county_id": ("m.county_id", []),
            "case_number": ("m.case_number", []),
            "subject": _message_sql(subject, {"number": "m.case_number", "rule": "r.name"}),
            "body": _message_sql(
                body,
                {
                    "due": _due_sql(),
                    days: "m.days",
                    "source": "r.source",
                },
            ),
            "dedupe_key": (
                f"'clock:' || m.id::text || '{kind}' || {recipient} || ':' "
                "|| to_char(m.due_on, 'YYYYMMDD')",
                [],
            ),
        }
    )


# One batch of the running clocks of a range, locked; those a concurrent scan holds are its
# to do (skipped, not waited for). In due-date order, so that it is a plain index scan: it
# stops at the batch's end, and it marks the index entries of rows it finds dead (the
# clocks earlier batches updated), which the next scans then pass over — a bitmap scan
# would read the whole range for each batch and mark nothing.
_PICK = """{name} AS (
    SELECT c.id FROM {clock} c
    WHERE c.stopped_at IS NULL AND c.paused_at IS NULL AND NOT c.unlimited AND {range}
    ORDER BY c.due_on
    LIMIT %s
    FOR UPDATE SKIP LOCKED
)"""


def _reminders_sql(today: date, offset: int, since: date | None = None) -> Fragment:
    """One batch of the reminders ``offset`` days ahead, of the clocks due from ``since``
    (``today`` unless a tighter offset has the days before). Two picks, not one "never
    reminded or reminded further ahead" (an OR no index range answers): each is a range of
    clock_running_due (due_on, reminded_offset), so clocks already reminded at ``offset``
    are passed over in the index without reading them."""
    clock, rule = Clock._meta.db_table, DeadlineRule._meta.db_table
    users = get_user_model()._meta.db_table
    due = "c.due_on BETWEEN %s AND %s AND c.assignee_id IS NOT NULL AND c.reminded_offset"
    never = _PICK.format(name="never", clock=clock, range=f"{due} IS NULL")
    wider = _PICK.format(name="wider", clock=clock, range=f"{due} > %s")
    insert, insert_params = _messages(
        ":remind:", *_reminder_texts(), days="left", recipient=f"'{offset:d}'"
    )
    sql = f"""
        WITH {never}, {wider},
        marked AS (
            UPDATE {clock} c SET reminded_offset = %s
            FROM (SELECT id FROM never UNION ALL SELECT id FROM wider) picked
            WHERE c.id = picked.id
            RETURNING c.id, c.county_id, c.case_number, c.rule_id, c.due_on, c.assignee_id,
                c.provisional, c.due_on - %s::date AS days
        ),
        written AS (
            INSERT INTO {Notification._meta.db_table} {insert}
            FROM marked m
            JOIN {rule} r ON r.id = m.rule_id
            JOIN {users} u ON u.id = m.assignee_id
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING 1
        )
        SELECT
            greatest((SELECT count(*) FROM never), (SELECT count(*) FROM wider)),
            (SELECT count(*) FROM written)
    """  # noqa: S608 (table names from the models; values are parameters)
    since, until = since or today, today + timedelta(days=offset)
    batch = settings.CLOCK_SCAN_BATCH
    params = [since, until, batch, since, until, offset, batch, offset, today]
    return sql, [*params, *insert_params]


def _escalations_sql(today: date) -> Fragment:
    clock, rule = Clock._meta.db_table, DeadlineRule._meta.db_table
    picked = _PICK.format(
        name="picked",
        clock=clock,
        range="c.due_on < %s AND c.escalated_at IS NULL AND c.subject <> ALL(%s)",
    )
    supervisors = _supervisors_of_counties().values_list(
        "id", "staff__county_id", "first_name", "last_name", "username"
    )
    supervisors_sql, supervisors_params = supervisors.query.sql_with_params()
    insert, insert_params = _messages(
        ":escalate:", *_escalation_texts(), days="days", recipient="u.id::text"
    )
    sql = f"""
        WITH {picked},
        marked AS (
            UPDATE {clock} c SET escalated_at = %s, overdue_since = c.due_on + 1
            FROM picked WHERE c.id = picked.id
            RETURNING c.id, c.county_id, c.case_number, c.rule_id, c.due_on, c.provisional,
                %s::date - c.due_on AS days
        ),
        u (id, county_id, first_name, last_name, username) AS ({supervisors_sql}),
        written AS (
            INSERT INTO {Notification._meta.db_table} {insert}
            FROM marked m
            JOIN {rule} r ON r.id = m.rule_id
            JOIN u ON u.county_id = m.county_id
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM picked), (SELECT count(*) FROM written)
    """  # noqa: S608 (table names from the models; values are parameters)
    params = [today, sorted(OWN_OVERDUE_SUBJECTS), settings.CLOCK_SCAN_BATCH, timezone.now(), today]
    return sql, [*params, *supervisors_params, *insert_params]


# The scan's work is PostgreSQL's (index and heap writes), one core per connection: a
# second connection lets the first scan of a day use the 2-core server's other core
# (settings.CLOCK_SCAN_CONNECTIONS, if set, says otherwise).
SCAN_CONNECTIONS = 2


def _scan_sql(today: date) -> dict[str, int]:
    """The scan as the Python path does it, a batch per statement: lock a range of clocks,
    mark them and write their messages from them, skipping dedupe keys already used.

    Marks and messages commit together or not at all, so a scan killed halfway leaves
    whole batches done and the rest as they were; a concurrent scan takes other clocks
    (SKIP LOCKED), and ON CONFLICT leaves a message an earlier scan wrote (this path or
    the Python one) as the only one. That is also how the scan shares its work out over
    SCAN_CONNECTIONS connections: each runs the whole scan, taking the batches the
    others do not hold.
    """
    # Tightest offset first, as in _scan_python: a clock due tomorrow gets the 1-day
    # reminder only. Each offset has its own days, so connections on different offsets
    # never want the same clock.
    statements, since = [], today
    for offset in sorted(settings.CLOCK_REMINDER_DAYS):
        statements.append(("reminded", partial(_reminders_sql, today, offset, since)))
        since = today + timedelta(days=offset + 1)
    statements.append(("escalated", partial(_escalations_sql, today)))

    def scan() -> Counter[str]:
        counts: Counter[str] = Counter()
        with connection.cursor() as cursor:
            for key, statement in statements:
                while True:
                    cursor.execute(*statement())
                    picked, written = cursor.fetchone()
                    counts[key] += written
                    if picked < settings.CLOCK_SCAN_BATCH:
                        break  # the range is done, or the rest is another's
        return counts

    def scan_on_own_connection(_: int) -> Counter[str]:
        try:
            return scan()
        finally:
            connection.close()

    n = getattr(settings, "CLOCK_SCAN_CONNECTIONS", SCAN_CONNECTIONS)
    if n < 2 or connection.in_atomic_block:
        # Inside the caller's transaction every write must be the caller's: one connection.
        total = scan()
    else:
        with ThreadPoolExecutor(max_workers=n) as pool:
            total = sum(pool.map(scan_on_own_connection, range(n)), Counter())
    return {"reminded": total["reminded"], "escalated": total["escalated"]}


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
