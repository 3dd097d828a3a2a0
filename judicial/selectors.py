"""Reads of judicial: a court's queue (overdue first), a case's confirmation state."""

from __future__ import annotations

from typing import Any

from django.db.models import Case as When_
from django.db.models import DateField, F, QuerySet, When

from judicial.models import Confirmation, Court, Handoff


def courts_of(user: Any) -> QuerySet[Court]:
    return (
        Court.objects.filter(judges=user)
        | Court.objects.filter(clerks=user)
        | Court.objects.filter(president=user)
    ).distinct()


def queue(user: Any) -> QuerySet[Confirmation]:
    """Undecided applications at the user's courts, the one due soonest (or most overdue)
    first: acceptance due before acceptance, the decision due after."""
    return (
        Confirmation.objects.filter(court__in=courts_of(user), decided_at__isnull=True)
        .annotate(
            due_on=When_(
                When(accepted_at__isnull=True, then=F("accept_due")),
                default=F("decide_due"),
                output_field=DateField(),
            )
        )
        .select_related("case__category", "court")
        .order_by("due_on", "applied_at")
    )


def decided(user: Any) -> QuerySet[Confirmation]:
    return (
        Confirmation.objects.filter(court__in=courts_of(user), decided_at__isnull=False)
        .select_related("case", "court")
        .order_by("-decided_at")
    )


def awaiting_outcome(user: Any) -> QuerySet[Handoff]:
    return (
        Handoff.objects.filter(court__in=courts_of(user), court_case_number="")
        .select_related("case", "court")
        .order_by("requested_at")
    )
