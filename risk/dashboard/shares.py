"""The dashboard's rates as the case list's drill-downs (intake.shares): a rate lists the
cases its denominator counts and marks those of its numerator, read from the same per-case
facts the rollups add up, so that the list agrees with the card it was opened from."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef

from intake import shares
from risk.dashboard.kpis import RATES
from risk.models import CaseFact


def _flagged(column: str) -> Callable[[], Exists]:
    return lambda: Exists(CaseFact.objects.filter(case_id=OuterRef("pk"), **{column: True}))


for key, (numerator, denominator, label, _definition, cases, counted) in RATES.items():
    shares.register(
        shares.Share(
            key=key,
            label=label,
            denominator=cases,
            numerator=counted,
            within=_flagged(denominator),
            counted=_flagged(numerator),
        )
    )
