"""Counting statutory periods (LAW.md, 期间).

- The start day is not counted (民事诉讼法 第85条; 民法典 第201条).
- A natural-day period whose last day is a rest day ends on the next working day
  (民事诉讼法 第85条; 民法典 第203条). Weekends are rest days except official make-up
  working days (调休上班); public holidays are rest days.
- Working-day periods (工作日, e.g. 行政复议法 第88条) skip weekends and public holidays
  and count make-up working days.

The calendar is the ``Holiday`` table, seeded from ``chinese_calendar`` (2004–2026) and
extended by administrators from each year's State Council notice. A date in a year not yet
entered counts weekends only, and the result is marked provisional (暂定).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.core.cache import cache
from django.utils.translation import gettext as _
from lunar_python import Lunar, Solar

from centre import refcache

CACHE_KEY = "centre:calendar:v1"
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Due:
    date: date
    provisional: bool


@lru_cache(maxsize=32)
def statutory_holidays(year: int) -> frozenset[date]:
    """The rest days 《全国年节及纪念日放假办法》 (as amended by 国务院令第795号, from 2025)
    fixes every year: 元旦 1 January; 春节 除夕 and 正月初一 to 初三; 清明节 the day of the
    solar term; 劳动节 1–2 May; 端午节 五月初五; 中秋节 八月十五; 国庆节 1–3 October. The
    lunar dates and the solar term come from lunar_python. The make-up working days (调休)
    and the days bridged to a weekend are the State Council's each year: unknown until
    published, so a date counted with these is still provisional."""
    spring = Lunar.fromYmd(year, 1, 1).getSolar()
    spring_day = date(spring.getYear(), spring.getMonth(), spring.getDay())
    qingming = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"]
    lunar = [Lunar.fromYmd(year, 5, 5).getSolar(), Lunar.fromYmd(year, 8, 15).getSolar()]
    return frozenset(
        [
            date(year, 1, 1),
            *(spring_day + timedelta(days=n) for n in range(-1, 3)),
            date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
            date(year, 5, 1),
            date(year, 5, 2),
            *(date(d.getYear(), d.getMonth(), d.getDay()) for d in lunar),
            date(year, 10, 1),
            date(year, 10, 2),
            date(year, 10, 3),
        ]
    )


@dataclass(frozen=True)
class Calendar:
    days: dict[date, str]  # day → "holiday" | "workday"
    years: frozenset[int]

    def is_workday(self, day: date) -> tuple[bool, bool]:
        """(a working day, known from an entered year's schedule). In a year not entered
        yet, weekends and the statutory holidays are rest days, provisionally."""
        kind = self.days.get(day)
        if kind is not None:
            return kind == "workday", True
        if day.year in self.years:
            return day.weekday() < 5, True
        return day.weekday() < 5 and day not in statutory_holidays(day.year), False


def date_text(day: date, provisional: bool = False) -> str:
    """A date as a person reads it in Chinese text: 2026年12月8日 (no zero padding), with
    （暂定） when it rests on a year whose holidays are not yet published."""
    text = f"{day.year}年{day.month}月{day.day}日"
    return text + _("（暂定）") if provisional else text


def calendar() -> Calendar:
    """The whole table (a few hundred rows a decade): this process's copy under the
    reference cache's generation (a page showing fifty due dates reads it once, not fifty
    times from Redis), else the shared cache, else the database. Edits call
    ``calendar_changed``."""
    return refcache.get(CACHE_KEY, _calendar_shared)


def _calendar_shared() -> Calendar:
    cached = cache.get(CACHE_KEY)
    if cached is None:
        from centre.models import CalendarYear, Holiday

        cached = Calendar(
            dict(Holiday.objects.values_list("day", "kind")),
            frozenset(CalendarYear.objects.values_list("year", flat=True)),
        )
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return cached


def calendar_changed() -> None:
    cache.delete(CACHE_KEY)
    refcache.changed()  # this process at once, every other once the edit has committed


def is_workday(day: date) -> tuple[bool, bool]:
    return calendar().is_workday(day)


def due_date(start: date, days: int, unit: str = "natural") -> Due:
    cal = calendar()
    provisional = False
    if unit == "working":
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            workday, known = cal.is_workday(day)
            provisional |= not known
            counted += workday
        return Due(day, provisional)
    day = start + timedelta(days=days)
    while True:
        workday, known = cal.is_workday(day)
        provisional |= not known
        if workday:
            return Due(day, provisional)
        day += timedelta(days=1)


def rule_due(rule, start: date, *, paused_days: int = 0, extended: int = 0) -> Due:
    """The due date of ``rule`` from ``start``: days not counted while paused push the
    start on; an extension adds to the length in the rule's extension unit."""
    begin = start + timedelta(days=paused_days)
    if extended and rule.extension_unit and rule.extension_unit != rule.unit:
        base = due_date(begin, rule.length, rule.unit)
        extra = due_date(base.date, extended, rule.extension_unit)
        due = Due(extra.date, base.provisional or extra.provisional)
    else:
        due = due_date(begin, rule.length + extended, rule.unit)
    if extended and rule.extension_cap:
        # The cap is a natural-day period too: ending on a rest day, it ends on the next
        # working day (民事诉讼法 第85条), like any other period.
        cap = due_date(begin, rule.extension_cap)
        if due.date > cap.date:
            due = Due(cap.date, due.provisional or cap.provisional)
    return due
