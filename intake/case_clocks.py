"""The statutory clocks shown on a case (``deadlines`` in the case API): the clocks
engine's rows for the case (centre.clocks), whichever app started them."""

from __future__ import annotations

from typing import Any

from centre.models import Clock
from centre.names import ref_name
from intake.models import Case


def needs_parties_consent(rule: Any) -> bool:
    """A period the parties may lengthen (人民调解: 司法部《人民调解工作若干规定》第33条):
    extending it records their consent."""
    return "当事人同意" in (rule.extension_approver or "")


def clocks_of(case: Case) -> list[Clock]:
    """The case's clocks, each marked ``adjustable`` when a supervisor may pause or extend
    it on the case page (not the court's or a window procedure's own)."""
    from centre.clocks import adjustable_on_case_page

    found = list(
        Clock.objects.filter(case_number=case.number)
        .select_related("rule")
        .order_by("stopped_at", "due_on", "id")
    )
    for clock in found:
        clock.adjustable = adjustable_on_case_page(clock)
        clock.needs_consent = needs_parties_consent(clock.rule)
    return found


def for_case(case: Case) -> list[dict[str, Any]]:
    """Each clock: ``rule``, ``label``, ``started``, ``due``, ``days_left``, ``unit``,
    ``provisional``, ``paused``, ``extended``, ``stopped``, ``source``."""
    return [
        {
            "rule": clock.rule.code,
            "label": ref_name(clock.rule),
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
