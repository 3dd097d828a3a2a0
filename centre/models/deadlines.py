"""Statutory deadlines: the official calendar they are counted in (``centre.periods``),
the rules, and the clocks running on cases (``centre.clocks``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.models.organisation import County
from centre.names import ref_name


class Holiday(models.Model):
    """One day of the official calendar that is not an ordinary weekday/weekend: a public
    holiday (rest) or a make-up working day (调休上班). Weekends are rest days otherwise."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日（休息）")
        WORKDAY = "workday", _("调休上班")

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """A year whose holiday schedule (国务院办公厅通知) has been entered. Dates in years
    not listed count weekends only and are marked provisional (暂定)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("如：国办发明电〔2025〕7号")
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已录入节假日的年份")
        verbose_name_plural = _("已录入节假日的年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class DeadlineRule(models.Model):
    """A statutory time limit (LAW.md). Administrators may edit (a county may have stricter
    local norms); the legal source is shown wherever the rule is."""

    class Unit(models.TextChoices):
        NATURAL = "natural", _("日")
        WORKING = "working", _("工作日")

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(
        _("英文名称"), max_length=200, blank=True, help_text=_("英文页面显示；留空则显示中文名称")
    )
    length = models.PositiveSmallIntegerField(_("期限"))
    unit = models.CharField(_("单位"), max_length=8, choices=Unit.choices, default=Unit.NATURAL)
    starts_at = models.CharField(_("起算事件"), max_length=100)
    extension_length = models.PositiveSmallIntegerField(_("可延长"), null=True, blank=True)
    extension_unit = models.CharField(_("延长单位"), max_length=8, choices=Unit.choices, blank=True)
    extension_cap = models.PositiveSmallIntegerField(
        _("最长（含延长）"),
        null=True,
        blank=True,
        help_text=_("自起算日起的最长自然日数，如特别程序30日"),
    )
    extension_approver = models.CharField(_("延长批准人"), max_length=100, blank=True)
    source = models.CharField(_("法律依据"), max_length=300)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("法定期限规则")
        verbose_name_plural = _("法定期限规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return _("%(name)s（%(length)d%(unit)s）") % {
            "name": ref_name(self),
            "length": self.length,
            "unit": self.get_unit_display(),
        }


class Clock(models.Model):
    """A running statutory clock on a case's step. The scan reminds the assignee before the
    due date and escalates to the window supervisors when overdue, each message once."""

    # No index of its own (nor the assignee's): the scan and the rules read clocks through
    # the running-due ranges, and every index costs the night's scan a write per message.
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    rule = models.ForeignKey(
        DeadlineRule,
        on_delete=models.PROTECT,
        related_name="clocks",
        verbose_name=_("期限规则"),
        db_index=False,  # clock_one_per_subject starts with it
    )
    case_number = models.CharField(_("案件编号"), max_length=32)
    # What the clock runs on (a mediation, a confirmation application …), by label and id.
    subject = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
        db_index=False,
    )
    started_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("届满日"))
    provisional = models.BooleanField(_("暂定"), default=False)
    paused_at = models.DateField(_("中止于"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("已中止天数"), default=0)
    pause_reason = models.CharField(_("中止原因"), max_length=200, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("延长"), default=0)
    extension_reason = models.CharField(_("延长理由"), max_length=300, blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # read only with its clock
    )
    unlimited = models.BooleanField(_("不受期限限制"), default=False)
    stopped_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    overdue_since = models.DateField(_("超期日"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("已督办"), null=True, blank=True)
    # The tightest reminder already sent (days before the due date): the scan then reads
    # only clocks that still need one.
    reminded_offset = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject", "subject_id"], name="clock_one_per_subject"
            )
        ]
        indexes = [
            models.Index(fields=["case_number"], name="clock_case"),
            # The scan reads ranges of due dates among running clocks only.
            models.Index(
                fields=["due_on", "reminded_offset"],
                name="clock_running_due",
                condition=models.Q(
                    stopped_at__isnull=True, paused_at__isnull=True, unlimited=False
                ),
            ),
            models.Index(
                fields=["due_on"],
                name="clock_overdue_unescalated",
                condition=models.Q(
                    stopped_at__isnull=True,
                    paused_at__isnull=True,
                    unlimited=False,
                    escalated_at__isnull=True,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.rule.code} → {self.due_on}"

    @property
    def running(self) -> bool:
        return self.stopped_at is None and self.paused_at is None and not self.unlimited

    @property
    def days_left(self) -> int | None:
        if self.unlimited or self.stopped_at is not None:
            return None
        reference = self.paused_at or timezone.localdate()
        return (self.due_on - reference).days
