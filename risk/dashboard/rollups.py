"""Keeping the dashboard's rollups current (see ``risk.models.rollup`` for the design).

One definition of what a case counts for (``fact_rows``, ORM expressions that run in the
database on PostgreSQL and on the SQLite demo alike) serves both paths:

- ``refresh()`` (Celery beat, every minute): the cases whose state changed since the last
  refresh (an indexed range on ``Case.state_changed_at``) get their facts recomputed; the
  daily cells of their registration days and then those months are rebuilt from the facts.
  The bookmark goes back ``OVERLAP`` before the previous run, because a transaction that
  began before that run may commit after it; re-reading a case whose facts did not change
  costs a comparison and touches no cell.
- ``rebuild()`` (``manage.py rebuild_rollups``, the demo seeder, the first refresh):
  everything recomputed with set-based INSERT … SELECT statements.

Both hold the bookmark row's lock, so two refreshes never interleave.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, models, transaction
from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, Least, TruncDate, TruncMonth
from django.utils import timezone

from centre.models import Clock
from intake.models import Case
from risk.models import CaseFact, OverdueCell, Rollup, RollupDays, RollupState
from risk.models.rollup import CHANNELS, FLAGS, MAX_DAYS, STATES, Grain

OVERLAP = timedelta(minutes=10)
CHUNK = 2_000
# Outcomes that settle the dispute (化解). Withdrawn and unresolved cases are closed but not
# resolved, nor are those a window declined (不予受理) or refused legal aid for; a case the
# court decided (litigated), another department handled, or a consultation answered at the
# desk counts as resolved: the matter was settled through the one door.
RESOLVED = ("resolved", "performed", "confirmed", "litigated", "handled", "answered")

FACT_FIELDS = [f.attname for f in CaseFact._meta.concrete_fields]
CELL = ("county_id", "town_id", "category_id", "window_id")


class DaysBetween(models.Func):
    """Whole days from the second date to the first (both local dates)."""

    output_field = models.IntegerField()
    arg_joiner = " - "
    template = "(%(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=models.BooleanField())


def fact_rows(cases: models.QuerySet[Case]) -> models.QuerySet:
    """For each case, the values of its ``CaseFact`` (a ``values()`` queryset whose keys
    are the fact's column names)."""
    tz = timezone.get_current_timezone()
    closed = Q(state=Case.State.CLOSED)
    late_clock = Clock.objects.filter(case_number=OuterRef("number")).filter(
        Q(overdue_since__isnull=False) | Q(stopped_at__date__gt=F("due_on"))
    )
    return (
        cases.annotate(
            f_day=TruncDate("registered_at", tzinfo=tz),
            # A case's place may be a town, a village or a grid: its town is the top.
            f_town=models.Case(
                models.When(region__level="town", then=F("region_id")),
                models.When(region__level="village", then=F("region__parent_id")),
                default=F("region__parent__parent_id"),
            ),
            f_category=Coalesce("category__parent_id", "category_id"),
            f_window=Coalesce("window_id", Value(0)),
            f_closed=_flag(closed),
            f_resolved=_flag(closed & Q(outcome__in=RESOLVED)),
            f_answered=_flag(closed & Q(outcome=Case.Outcome.ANSWERED)),
            f_mediation_ended=_flag(
                Q(mediation_started_at__isnull=False)
                & (Q(agreed_at__isnull=False) | Q(mediation_failed_at__isnull=False))
            ),
            f_mediation_succeeded=_flag(
                Q(mediation_started_at__isnull=False) & Q(agreed_at__isnull=False)
            ),
            f_agreed=_flag(Q(agreed_at__isnull=False)),
            f_confirmation_decided=_flag(
                Q(confirmed_at__isnull=False) | Q(confirmation_refused_at__isnull=False)
            ),
            f_confirmed=_flag(Q(confirmed_at__isnull=False)),
            f_on_time=_flag(closed & ~Exists(late_clock)),
            # Referred between windows, or reopened after a dissatisfied rating: not one visit.
            f_one_visit=_flag(closed & Q(referred_at__isnull=True) & Q(reopened_at__isnull=True)),
            f_days=models.Case(
                models.When(
                    closed,
                    then=DaysBetween(
                        TruncDate("closed_at", tzinfo=tz), TruncDate("registered_at", tzinfo=tz)
                    ),
                ),
                default=None,
                output_field=models.IntegerField(),
            ),
        )
        .order_by()
        .values_list(
            "id",
            "county_id",
            "f_day",
            "f_town",
            "f_category",
            "f_window",
            "channel",
            "state",
            "f_closed",
            "f_resolved",
            "f_answered",
            "f_mediation_ended",
            "f_mediation_succeeded",
            "f_agreed",
            "f_confirmation_decided",
            "f_confirmed",
            "f_on_time",
            "f_one_visit",
            "risk_repeat",
            "risk_mass",
            "f_days",
        )
    )


# The order above must be the fact table's column order (checked at import).
assert [
    "case_id",
    "county_id",
    "day",
    "town_id",
    "category_id",
    "window_id",
    "channel",
    "state",
    *FLAGS,
    "handling_days",
] == FACT_FIELDS, FACT_FIELDS


def _insert_select(model: type[models.Model], columns: list[str], qs: models.QuerySet) -> int:
    """``INSERT INTO model (columns) <the queryset's SELECT>``, in the database."""
    sql, params = qs.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)
        return cursor.rowcount


def _sums_of_rollups() -> dict[str, models.Aggregate]:
    """The rollup's figures summed over rollup rows (each figure is already a column)."""
    return {f"a_{name}": Sum(name) for name in ROLLUP_COLUMNS[6:]}


def _sums_of_facts() -> dict[str, models.Aggregate]:
    """The rollup's figures as aggregates over facts, in ROLLUP_COLUMNS' order."""
    one = Value(1)
    zero = Value(0)
    aggs: dict[str, models.Aggregate] = {"a_n": Count("case_id")}
    for s in STATES:
        aggs[f"a_st_{s}"] = Sum(models.Case(models.When(state=s, then=one), default=zero))
    for c in CHANNELS:
        aggs[f"a_ch_{c}"] = Sum(models.Case(models.When(channel=c, then=one), default=zero))
    for flag in FLAGS:
        aggs[f"a_{flag}"] = Sum(models.Case(models.When(**{flag: True}, then=one), default=zero))
    aggs["a_days_sum"] = Coalesce(Sum("handling_days"), zero)
    return aggs


ROLLUP_COLUMNS = [
    "county_id",
    "grain",
    "period",
    "town_id",
    "category_id",
    "window_id",
    "n",
    *(f"st_{s}" for s in STATES),
    *(f"ch_{c}" for c in CHANNELS),
    *FLAGS,
    "days_sum",
]
DAYS_COLUMNS = [
    "county_id",
    "grain",
    "period",
    "dim",
    "town_id",
    "category_id",
    "window_id",
    "days",
    "n",
]
# The histogram's dimensions: which cell columns each keeps (the others are 0).
DIMS = {
    RollupDays.Dim.ALL: (),
    RollupDays.Dim.TOWN: ("town_id",),
    RollupDays.Dim.CATEGORY: ("category_id",),
    RollupDays.Dim.WINDOW: ("window_id",),
    RollupDays.Dim.CELL: ("town_id", "category_id", "window_id"),
}


def _daily_from_facts(facts: models.QuerySet[CaseFact]) -> None:
    aggs = _sums_of_facts()
    rows = (
        facts.order_by()
        .values("county_id", "day", "town_id", "category_id", "window_id")
        .annotate(g=Value(Grain.DAY), **aggs)
        .values_list("county_id", "g", "day", "town_id", "category_id", "window_id", *aggs.keys())
    )
    _insert_select(Rollup, ROLLUP_COLUMNS, rows)
    closed = facts.filter(closed=True, handling_days__isnull=False).order_by()
    for dim, kept in DIMS.items():
        cell = {c: F(c) if c in kept else Value(0) for c in CELL[1:]}
        rows = (
            closed.annotate(d=Least("handling_days", Value(MAX_DAYS)), **_prefixed(cell))
            .values("county_id", "day", *_prefixed(cell), "d")
            .annotate(g=Value(Grain.DAY), dm=Value(dim), k=Count("case_id"))
            .values_list("county_id", "g", "day", "dm", *_prefixed(cell), "d", "k")
        )
        _insert_select(RollupDays, DAYS_COLUMNS, rows)


def _prefixed(cell: dict) -> dict:
    """Annotation names that cannot clash with the model's own columns."""
    return {f"x_{name}": value for name, value in cell.items()}


def _monthly_from_daily(daily: Q) -> None:
    aggs = _sums_of_rollups()
    rows = (
        Rollup.objects.filter(daily, grain=Grain.DAY)
        .order_by()
        .annotate(m=TruncMonth("period"))
        .values("county_id", "m", "town_id", "category_id", "window_id")
        .annotate(g=Value(Grain.MONTH), **aggs)
        .values_list("county_id", "g", "m", "town_id", "category_id", "window_id", *aggs.keys())
    )
    _insert_select(Rollup, ROLLUP_COLUMNS, rows)
    days = (
        RollupDays.objects.filter(daily, grain=Grain.DAY)
        .order_by()
        .annotate(m=TruncMonth("period"))
        .values("county_id", "m", "dim", "town_id", "category_id", "window_id", "days")
        .annotate(g=Value(Grain.MONTH), k=Sum("n"))
        .values_list(
            "county_id", "g", "m", "dim", "town_id", "category_id", "window_id", "days", "k"
        )
    )
    _insert_select(RollupDays, DAYS_COLUMNS, days)


def _overdue(today: date | None = None) -> None:
    """Recompute the open cases that are overdue now, per cell (from the clocks' partial
    index on running clocks, joined to the facts for the cells)."""
    today = today or timezone.localdate()
    late = Clock.objects.filter(
        stopped_at__isnull=True, paused_at__isnull=True, unlimited=False, due_on__lt=today
    ).values("case_number")
    cases = Case.objects.filter(number__in=late).values("pk")
    rows = (
        CaseFact.objects.filter(case_id__in=cases)
        .exclude(state=Case.State.CLOSED)
        .order_by()
        .values(*CELL)
        .annotate(k=Count("case_id"))
        .values_list(*CELL, "k")
    )
    OverdueCell.objects.all().delete()
    _insert_select(OverdueCell, [*CELL, "n"], rows)


def _analyze() -> None:
    """Fresh planner statistics after a rebuild (the tables were emptied and refilled)."""
    if connection.vendor == "postgresql":
        tables = ", ".join(m._meta.db_table for m in (CaseFact, Rollup, RollupDays, OverdueCell))
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _recompute(touched: dict[int, set[date]]) -> None:
    """Rebuild the daily cells of these (county → days) and the months holding them."""
    for county_id, days in touched.items():
        ordered = sorted(days)
        for i in range(0, len(ordered), 500):
            part = ordered[i : i + 500]
            cells = Q(county_id=county_id, period__in=part, grain=Grain.DAY)
            Rollup.objects.filter(cells).delete()
            RollupDays.objects.filter(cells).delete()
            _daily_from_facts(CaseFact.objects.filter(county_id=county_id, day__in=part))
        for month in sorted({month_start(d) for d in ordered}):
            cells = Q(county_id=county_id, period=month, grain=Grain.MONTH)
            Rollup.objects.filter(cells).delete()
            RollupDays.objects.filter(cells).delete()
            _monthly_from_daily(
                Q(county_id=county_id, period__gte=month, period__lt=next_month(month))
            )


def _apply_facts(case_ids: Iterable[int]) -> dict[int, set[date]]:
    """Recompute the facts of these cases; the (county, day) pairs whose counts changed."""
    touched: dict[int, set[date]] = defaultdict(set)
    ids = list(case_ids)
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        new = {row[0]: row for row in fact_rows(Case.objects.filter(pk__in=part))}
        old = {
            row[0]: row
            for row in CaseFact.objects.filter(case_id__in=part).values_list(*FACT_FIELDS)
        }
        changed = [row for pk, row in new.items() if old.get(pk) != row]
        if not changed:
            continue
        CaseFact.objects.bulk_create(
            [CaseFact(**dict(zip(FACT_FIELDS, row, strict=True))) for row in changed],
            update_conflicts=True,
            unique_fields=["case_id"],
            update_fields=FACT_FIELDS[1:],
        )
        for row in changed:
            touched[row[1]].add(row[2])
            if row[0] in old:
                touched[old[row[0]][1]].add(old[row[0]][2])
    return touched


def _bookmark() -> RollupState:
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


@dataclass
class RefreshResult:
    cases: int
    days: int
    seconds: float
    rebuilt: bool = False


def refresh() -> RefreshResult:
    """Bring the rollups up to date with the cases changed since the last refresh."""
    begun = time.monotonic()
    with transaction.atomic():
        state = _bookmark()
        if state.watermark is None:
            return _rebuild(state, begun)
        started = timezone.now()
        ids = list(
            Case.objects.filter(state_changed_at__gte=state.watermark - OVERLAP)
            .order_by()
            .values_list("pk", flat=True)
        )
        touched = _apply_facts(ids)
        _recompute(touched)
        _overdue()
        result = RefreshResult(
            cases=len(ids),
            days=sum(len(d) for d in touched.values()),
            seconds=time.monotonic() - begun,
        )
        _save(state, started, result)
    return result


def rebuild() -> RefreshResult:
    """Recompute every fact and every cell from the cases."""
    begun = time.monotonic()
    with transaction.atomic():
        return _rebuild(_bookmark(), begun)


def _rebuild(state: RollupState, begun: float) -> RefreshResult:
    started = timezone.now()
    for model in (RollupDays, Rollup, CaseFact):
        model.objects.all().delete()
    cases = _insert_select(CaseFact, FACT_FIELDS, fact_rows(Case.objects.all()))
    _daily_from_facts(CaseFact.objects.all())
    _monthly_from_daily(Q())
    _overdue()
    _analyze()
    result = RefreshResult(
        cases=cases,
        days=Rollup.objects.filter(grain=Grain.DAY).values("period").distinct().count(),
        seconds=time.monotonic() - begun,
        rebuilt=True,
    )
    _save(state, started, result)
    return result


def _save(state: RollupState, started, result: RefreshResult) -> None:
    state.watermark = started
    state.refreshed_at = timezone.now()
    state.last_cases = result.cases
    state.last_seconds = result.seconds
    state.save()


def refreshed_at():
    """When the figures were last brought up to date (None before the first refresh)."""
    return RollupState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
