"""Writes of the risk warnings: the scan that runs the rules, and the leaders' acknowledge
and handle.

States: new → acknowledged → handled. Handling straight from new is allowed (a leader who
deals with a warning on sight need not sign for it first); handling always takes a note
saying what was done, since a handled warning is the record that the risk was dealt with.
Acknowledging takes an optional note. Only staff of the warning's own county act on it:
a city's or province's leader reads the counties' warnings but their handling belongs to
the county.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from centre.models import AuditLog, County
from centre.services import audit_record, inbox_notify_many
from centre.validators import typed_text
from risk.models.warning import Kind, Level, RiskWarning, ScanState, WarningRule
from risk.warnings.rules import RULES, Context, Finding

HANDLE = "risk.handle_riskwarning"
# pg_try_advisory_xact_lock(class, county id): one scan of a county at a time (beat and a
# manual `scan_risks` may overlap); the second skips the county instead of waiting.
LOCK_CLASS = 0x5249534B  # "RISK"
# Fields a rescan refreshes on an open warning.
REFRESHED = ("level", "title", "detail", "case_ids", "case_numbers", "case_count")


class ScanUnsupported(Exception):
    """The rules count with PostgreSQL's GROUPING SETS and advisory locks: the SQLite demo
    shows warnings but does not compute them."""


class WarningConflict(Exception):
    """The warning is no longer in a state that allows the step (someone else acted)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def rules_ensure() -> list[WarningRule]:
    """The rules, with any kind missing (a flushed test database) created at its defaults."""
    missing = set(Kind.values) - set(WarningRule.objects.values_list("kind", flat=True))
    if missing:
        WarningRule.objects.bulk_create(
            [WarningRule(kind=k, **WarningRule.DEFAULTS[Kind(k)]) for k in sorted(missing)],
            ignore_conflicts=True,
        )
    return list(WarningRule.objects.order_by("kind"))


def scan_risks(*, county: County | None = None, today: date | None = None) -> dict[str, Any]:
    """Run every enabled rule for ``county`` (or every county) as of ``today``; write new
    warnings, refresh the evidence of open ones, notify the county's leaders of new ones.

    Returns a summary: per county and rule the findings, warnings created and updated,
    and the milliseconds the rule took.
    """
    if connection.vendor != "postgresql":
        raise ScanUnsupported(_("风险预警扫描需要PostgreSQL数据库（演示用的SQLite不支持）"))
    today = today or timezone.localdate()
    rules = [r for r in rules_ensure() if r.enabled]
    counties = [county] if county is not None else list(County.objects.order_by("code"))
    started = time.perf_counter()
    summary: dict[str, Any] = {"today": today.isoformat(), "rules": [], "skipped": []}
    for c in counties:
        result = _scan_county(c, rules, today)
        if result is None:
            summary["skipped"].append(c.code)
        else:
            summary["rules"] += result
    summary["created"] = sum(r["created"] for r in summary["rules"])
    summary["updated"] = sum(r["updated"] for r in summary["rules"])
    summary["notified"] = sum(r.get("notified", 0) for r in summary["rules"])
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return summary


@transaction.atomic
def _scan_county(county: County, rules: list[WarningRule], today: date) -> list[dict] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_CLASS, county.pk])
        if not cursor.fetchone()[0]:
            return None  # another scan of this county is running; it will do the work
    state, _created = ScanState.objects.select_for_update().get_or_create(county=county)
    leaders = list(
        get_user_model().objects.filter(groups__name="leader", staff__county=county, is_active=True)
    )
    now = timezone.now()
    results = []
    for rule in rules:
        ctx = Context.build(county, rule, today, keywords_read_to=state.keywords_read_to)
        t0 = time.perf_counter()
        findings = RULES[rule.kind](ctx)
        created, updated = _save(county, rule.kind, findings, now)
        notified = _notify(created, leaders)
        results.append(
            {
                "county": county.code,
                "kind": rule.kind,
                "findings": len(findings),
                "created": len(created),
                "updated": updated,
                "notified": notified,
                "ms": round((time.perf_counter() - t0) * 1000, 1),
            }
        )
        if rule.kind == Kind.KEYWORD:
            read_to = min(now, ctx.until)
            if state.keywords_read_to is None or read_to > state.keywords_read_to:
                state.keywords_read_to = read_to
    state.scanned_at = now
    state.summary = {"today": today.isoformat(), "rules": results}
    state.save()
    return results


def _save(county: County, kind: str, findings: list[Finding], now) -> tuple[list[RiskWarning], int]:
    """Findings → warnings: the open warning of the same subject is refreshed; a key
    already used (a warning handled in this period) is not raised again; the rest are new.
    Three queries and two bulk writes whatever the number of findings."""
    if not findings:
        return [], 0
    subjects = {f.subject for f in findings}
    open_ = {
        w.subject: w
        for w in RiskWarning.objects.filter(
            county=county, subject__in=subjects, status__in=RiskWarning.OPEN
        )
    }
    used = set(
        RiskWarning.objects.filter(county=county, key__in=[f.key for f in findings]).values_list(
            "key", flat=True
        )
    )
    fresh, changed = [], []
    for f in findings:
        values = {name: getattr(f, name) for name in REFRESHED}
        warning = open_.get(f.subject)
        if warning is not None:
            if any(getattr(warning, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(warning, k, v)
                warning.updated_at = now
                changed.append(warning)
        elif f.key not in used:
            used.add(f.key)
            fresh.append(
                RiskWarning(
                    county=county,
                    kind=kind,
                    subject=f.subject,
                    key=f.key,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
    RiskWarning.objects.bulk_create(fresh)
    RiskWarning.objects.bulk_update(changed, [*REFRESHED, "updated_at"], batch_size=500)
    return fresh, len(changed)


def _notify(warnings: list[RiskWarning], leaders: list[Any]) -> int:
    """One in-app message per new warning and leader; the dedupe key makes it once even if
    a scan is repeated after dying between the warning and the message."""
    rows = []
    levels = dict(Level.choices)
    for warning in warnings:
        numbers = "、".join(warning.case_numbers[:10])
        more = len(warning.case_numbers) > 10
        body = (
            warning.detail
            + "\n"
            + _("证据案件：%(numbers)s%(more)s")
            % {
                "numbers": numbers,
                "more": _("等%(n)d件") % {"n": warning.case_count} if more else "",
            }
        )
        for leader in leaders:
            rows.append(
                {
                    "recipient_user": leader,
                    "recipient_name": leader.get_full_name() or leader.username,
                    "county_id": warning.county_id,
                    "case_number": warning.case_numbers[0] if warning.case_count == 1 else "",
                    "subject": (
                        _("风险预警（%(level)s）：%(title)s")
                        % {"level": levels[warning.level], "title": warning.title}
                    )[:200],
                    "body": body,
                    "dedupe_key": f"risk-warning:{warning.pk}:{leader.pk}",
                }
            )
    return inbox_notify_many(rows)


# --- Acknowledge and handle ------------------------------------------------------------------


def _check_actor(warning: RiskWarning, user: Any) -> None:
    staff = getattr(user, "staff", None)
    if not user.has_perm(HANDLE) or staff is None or staff.county_id != warning.county_id:
        raise PermissionDenied(_("您无权签收或处置该预警"))


NOTE_MAX_LENGTH = 2000


def _step(warning: RiskWarning, user: Any, name: str, note: str, request=None) -> RiskWarning:
    _check_actor(warning, user)
    note = typed_text("note", note, limit=NOTE_MAX_LENGTH, label=_("意见"))
    with transaction.atomic():
        # Locked: two leaders acting at once — one wins, the other is told it changed.
        locked = RiskWarning.objects.select_for_update().get(pk=warning.pk)
        method = getattr(locked, name)
        if not can_proceed(method):
            raise WarningConflict(
                _("该预警当前状态为“%(status)s”，不能%(step)s")
                % {
                    "status": locked.get_status_display(),
                    "step": _("签收") if name == "acknowledge" else _("处置"),
                }
            )
        method(by=user, note=note)
        locked.save()
        audit_record(
            actor=user,
            action=AuditLog.Action.CHANGE,
            request=request,
            obj=locked,
            county=locked.county,
            detail={"transition": name, "status": locked.status, "note": note},
        )
    return locked


def acknowledge(warning: RiskWarning, user: Any, note: str = "", *, request=None) -> RiskWarning:
    """签收: the leader has seen the warning and it is being looked into."""
    return _step(warning, user, "acknowledge", (note or "").strip(), request)


def handle(warning: RiskWarning, user: Any, note: str, *, request=None) -> RiskWarning:
    """处置: what was done about it (required). From new or acknowledged."""
    _check_actor(warning, user)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写处置情况")]})
    return _step(warning, user, "handle", note, request)
