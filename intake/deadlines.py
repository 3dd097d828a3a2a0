"""The statutory clocks shown on a case (``deadlines`` in the case API): the clocks
engine's rows for the case (centre.clocks), whichever app started them."""

from __future__ import annotations

from typing import Any

from centre.models import Clock
from intake.models import Case


def clocks_of(case: Case) -> list[Clock]:
    return list(
        Clock.objects.filter(case_number=case.number)
        .select_related("rule")
        .order_by("stopped_at", "due_on", "id")
    )


def for_case(case: Case) -> list[dict[str, Any]]:
    """Each clock: ``rule``, ``label``, ``started``, ``due``, ``days_left``, ``unit``,
    ``provisional``, ``paused``, ``extended``, ``stopped``, ``source``."""
    return [
        {
            "rule": clock.rule.code,
            "label": clock.rule.name,
            "started": clock.started_on.isoformat(),
            "due": None if clock.unlimited else clock.due_on.isoformat(),
            "days_left": clock.days_left,
            "unit": clock.rule.unit,
            "provisional": clock.provisional,
            "paused": clock.paused_at is not None,
            "extended": clock.extended_days,
            "stopped": clock.stopped_at is not None,
            "source": clock.rule.source,
        }
        for clock in Clock.objects.filter(case_number=case.number)
        .select_related("rule")
        .order_by("started_on", "id")
    ]
