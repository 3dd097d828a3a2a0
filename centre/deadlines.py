"""Counting statutory periods (LAW.md, 期间).

- The start day is not counted (民事诉讼法 第85条; 民法典 第201条).
- A natural-day period whose last day is a rest day ends on the next working day
  (民事诉讼法 第85条; 民法典 第203条); weekends are rest days except official make-up
  working days (调休上班), public holidays are rest days.
- Working-day periods skip weekends and public holidays and count make-up working days.

Holidays come from ``chinese_calendar`` (2004–2026). Beyond its coverage only weekends are
known and the result is marked provisional (暂定). The clocks issue moves the calendar into
an administrator-maintained table; this module keeps the counting rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class Due:
    date: date
    provisional: bool


def is_workday(day: date) -> tuple[bool, bool]:
    """(is a working day, known from the official calendar)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def due_date(start: date, days: int, unit: str = "natural") -> Due:
    provisional = False
    if unit == "working":
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            workday, known = is_workday(day)
            provisional |= not known
            counted += workday
        return Due(day, provisional)
    day = start + timedelta(days=days)
    while True:
        workday, known = is_workday(day)
        provisional |= not known
        if workday:
            return Due(day, provisional)
        day += timedelta(days=1)
