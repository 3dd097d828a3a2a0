"""What the leaders' dashboard reads: per-case facts and their daily and monthly rollups.

A million cases cannot be aggregated on every page view (eight plain aggregates over 1M
rows take about a second). Instead:

- ``CaseFact``: one narrow row per case holding exactly what the statistics count about it
  (registration day, town, top-level category, window, channel, state, and the milestones
  that make the rates). Facts are recomputed for the cases that changed since the last
  refresh (``risk.dashboard.rollups.refresh``, Celery beat every minute).
- ``Rollup``: the facts summed per cell (county, day or month, town, category, window), one
  column per figure. The dashboard sums whole months from the monthly rows and the ragged
  ends of the period from the daily rows: a year's dashboard reads a few thousand rows.
- ``RollupDays``: closed cases counted by handling days, for the 90th percentile. A
  histogram does not shrink when summed, so it is kept at the grain a view asks for: the
  whole county (``dim`` "a"), one town ("t"), one category ("k") or one window ("w"), and
  per full cell ("c") only for views filtered on two or more of them.
- ``OverdueCell``: open cases with a running clock past its due date, per cell, recomputed
  by every refresh (it changes with the calendar, not with the cases).

Dimensions are stored as plain integers, 0 for "none" (a case not yet given a window), so
that cells have a simple unique key. Rollups are derived data: ``manage.py rebuild_rollups``
recomputes them from the cases at any time.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

STATES = (
    "registered",
    "triaged",
    "mediating",
    "agreed",
    "confirming",
    "confirmed",
    "mediation_failed",
    "litigating",
    "handling",  # a window's own process (信访, 法律援助 …) has accepted the case
    "referred",
    "closed",
)
CHANNELS = ("walk_in", "phone", "online", "grid", "platform")
# Summable flags of a fact, each a column of the rollup with the same name.
FLAGS = (
    "closed",
    "resolved",  # closed with an outcome that settles the dispute (risk.dashboard.rollups.RESOLVED)
    "answered",  # closed with outcome answered: a consultation answered at the desk
    "mediation_ended",  # mediation finished: agreed or failed
    "mediation_succeeded",
    "agreed",
    "confirmation_decided",
    "confirmed",
    "on_time",  # closed, and no clock of the case ever went past its due date
    "one_visit",  # closed without being referred from window to window, nor reopened
    "repeat",
    "mass",
)
# Handling days above this are counted together (the 90th percentile is then "≥ 365").
MAX_DAYS = 365


class Grain(models.TextChoices):
    DAY = "d", _("日")
    MONTH = "m", _("月")


class CaseFact(models.Model):
    case_id = models.BigIntegerField(primary_key=True)
    county_id = models.IntegerField()
    day = models.DateField()  # local registration date
    town_id = models.IntegerField()
    category_id = models.IntegerField()  # the top-level category
    window_id = models.IntegerField()
    channel = models.CharField(max_length=10)
    state = models.CharField(max_length=20)
    closed = models.BooleanField()
    resolved = models.BooleanField()
    answered = models.BooleanField()
    mediation_ended = models.BooleanField()
    mediation_succeeded = models.BooleanField()
    agreed = models.BooleanField()
    confirmation_decided = models.BooleanField()
    confirmed = models.BooleanField()
    on_time = models.BooleanField()
    one_visit = models.BooleanField()
    repeat = models.BooleanField()
    mass = models.BooleanField()
    handling_days = models.PositiveIntegerField(null=True)

    class Meta:
        verbose_name = _("案件统计事实")
        verbose_name_plural = _("案件统计事实")
        indexes = [models.Index(fields=["county_id", "day"], name="casefact_county_day")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.day} {self.state}"


class _Cell(models.Model):
    county_id = models.IntegerField()
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()  # the day, or the first day of the month
    town_id = models.IntegerField()
    category_id = models.IntegerField()
    window_id = models.IntegerField()

    class Meta:
        abstract = True


class Rollup(_Cell):
    n = models.IntegerField(default=0)
    for _state in STATES:
        locals()[f"st_{_state}"] = models.IntegerField(default=0)
    for _channel in CHANNELS:
        locals()[f"ch_{_channel}"] = models.IntegerField(default=0)
    for _flag in FLAGS:
        locals()[_flag] = models.IntegerField(default=0)
    days_sum = models.BigIntegerField(default=0)
    del _state, _channel, _flag

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["county_id", "grain", "period", "town_id", "category_id", "window_id"],
                name="rollup_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.grain}{self.period} {self.n}"


class RollupDays(_Cell):
    class Dim(models.TextChoices):
        ALL = "a", _("全县")
        TOWN = "t", _("乡镇")
        CATEGORY = "k", _("类别")
        WINDOW = "w", _("窗口")
        CELL = "c", _("组合")

    dim = models.CharField(max_length=1, choices=Dim.choices, default=Dim.CELL)
    days = models.PositiveSmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("办理天数分布")
        verbose_name_plural = _("办理天数分布")
        indexes = [
            models.Index(fields=["county_id", "grain", "dim", "period"], name="rollupdays_dim"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.grain}{self.period} {self.days}d×{self.n}"


class OverdueCell(models.Model):
    county_id = models.IntegerField()
    town_id = models.IntegerField()
    category_id = models.IntegerField()
    window_id = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        verbose_name = _("当前超期汇总")
        verbose_name_plural = _("当前超期汇总")
        indexes = [models.Index(fields=["county_id"], name="overduecell_county")]

    def __str__(self) -> str:
        return f"{self.county_id} {self.town_id}/{self.category_id}/{self.window_id}: {self.n}"


class RollupState(models.Model):
    """The refresher's bookmark (one row): cases changed after ``watermark`` are re-read."""

    watermark = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)
    last_cases = models.IntegerField(default=0)
    last_seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("统计刷新状态")
        verbose_name_plural = _("统计刷新状态")

    def __str__(self) -> str:
        return f"{self.refreshed_at}"
