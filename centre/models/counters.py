"""The base of the gapless per-county, per-year counters (``centre.counters``)."""

from __future__ import annotations

from django.db import models

from centre.models.organisation import County


class CountyYearCounter(models.Model):
    """The last number given per county and year (case numbers, incident numbers), for
    ``centre.counters.next_value``: taking a number locks the row until the transaction
    that took it ends, so a failed registration gives its number back — no gaps. Each
    subclass names its unique (county, year) constraint."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.county_id}-{self.year}: {self.last}"
