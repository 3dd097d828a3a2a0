"""Reads of the review window: the respondent organ, the examination period's end, and
the applications on which the organ stayed silent past it (第30条)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from centre.models import Clock, DeadlineRule
from centre.periods import Due, rule_due
from intake.models import Case, CaseParty, Party


def organ_respondent(case: Case) -> Party | None:
    """The respondent organ (第19条): an organisation with its unified credit code."""
    return (
        Party.objects.filter(
            case_parties__case=case,
            case_parties__role=CaseParty.Role.RESPONDENT,
            kind=Party.Kind.ORGANISATION,
            credit_code__isnull=False,
        )
        .exclude(credit_code="")
        .order_by("case_parties__order", "case_parties__id")
        .first()
    )


def registered_on(case: Case) -> date:
    return timezone.localdate(case.registered_at)


def rule_due_of(rule_code: str, start: date) -> Due:
    return rule_due(DeadlineRule.objects.get(code=rule_code), start)


def rule_due_from(rule_code: str, start: date) -> date:
    return rule_due_of(rule_code, start).date


def accept_due(case: Case) -> date:
    """The last day to examine the application: its running clock's (started at
    registration), else 5 工作日 from the registration (a case triaged here from another
    nature has no clock)."""
    due = (
        Clock.objects.filter(
            case_number=case.number, rule__code="review_accept", stopped_at__isnull=True
        )
        .values_list("due_on", flat=True)
        .first()
    )
    return due or rule_due_from("review_accept", registered_on(case))


def silent_past_due(today: date) -> QuerySet[Case]:
    """Cases waiting at the review window whose examination clock ran out (due before
    today) with no decision on them."""
    lapsed = Clock.objects.filter(
        rule__code="review_accept",
        stopped_at__isnull=True,
        paused_at__isnull=True,
        due_on__lt=today,
    ).values("case_number")
    return (
        Case.objects.filter(number__in=lapsed, window__code="review", state=Case.State.TRIAGED)
        .order_by("id")
        .values_list("number", flat=True)
    )
