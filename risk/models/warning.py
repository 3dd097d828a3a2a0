"""Risk warnings (风险预警): the rules that look for them, the words that flag a case, and
the warnings themselves with their evidence and who dealt with them.

A warning is found by a rule (``risk.warnings.rules``) during a scan (beat every 15 min,
or ``manage.py scan_risks``) and written by ``risk.warnings.services.scan_risks``.

Deduplication: every finding names its ``subject`` (what it is about: a category, a
respondent, a window …) and a ``key`` (the subject and the period it was found in). A
county has at most one open warning per subject — a rescan updates that warning's
evidence instead of adding another — and never two warnings with the same key, so a
warning handled this period is not raised again for the same period.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from centre.models import County

# Evidence kept per warning: enough to act on; ``case_count`` says how many there were.
EVIDENCE_LIMIT = 200


class Kind(models.TextChoices):
    SURGE = "surge", _("案件数量异常增长")
    RESPONDENT_CLUSTER = "respondent_cluster", _("群体性风险（同一被申请人）")
    REPEAT_VISITOR = "repeat_visitor", _("重复访、多窗口访")
    OVERDUE_CLUSTER = "overdue_cluster", _("超期积压")
    KEYWORD = "keyword", _("高危词语")
    PETITION_RISK = "petition_risk", _("信访风险")


class Level(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


LEVEL_RANK = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}


class WarningRule(models.Model):
    """One rule per kind, with the thresholds an administrator may tune. Not every
    threshold applies to every kind: the admin shows each rule only its own
    (``FIELDS``), and each help text names the rules that use it."""

    # Which thresholds each kind reads (the admin form shows only these).
    FIELDS = {
        Kind.SURGE: ("min_count", "ratio", "baseline_weeks", "seasonal_years", "high_count"),
        Kind.RESPONDENT_CLUSTER: ("min_count", "days", "high_count"),
        Kind.REPEAT_VISITOR: ("min_count", "days", "distinct_windows", "high_count"),
        Kind.OVERDUE_CLUSTER: ("min_count", "high_count"),
        Kind.KEYWORD: ("days",),
        Kind.PETITION_RISK: ("days",),
    }
    # Defaults: a week of a category or town at least twice its usual level (and at least
    # 10 cases); 5 open cases against one respondent within 30 days; one applicant with 4
    # cases in 90 days or at 3 windows; 10 overdue clocks in one window or organisation;
    # the petitions accepted (or declined) in the last 30 days.
    DEFAULTS = {
        Kind.SURGE: {"min_count": 10, "ratio": 2, "baseline_weeks": 8, "seasonal_years": 3},
        Kind.RESPONDENT_CLUSTER: {"min_count": 5, "days": 30, "high_count": 10},
        Kind.REPEAT_VISITOR: {"min_count": 4, "days": 90, "distinct_windows": 3, "high_count": 8},
        Kind.OVERDUE_CLUSTER: {"min_count": 10, "high_count": 30},
        Kind.KEYWORD: {"days": 7},
        Kind.PETITION_RISK: {"days": 30},
    }

    kind = models.CharField(_("规则"), max_length=20, choices=Kind.choices, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    level = models.CharField(
        _("预警等级"),
        max_length=8,
        choices=Level.choices,
        default=Level.MEDIUM,
        help_text=_(
            "该规则发出预警的等级（高危词语规则的等级取自词语本身；信访风险中越级信访、集体访"
            "一律为“高”）"
        ),
    )
    min_count = models.PositiveIntegerField(
        _("最少案件数"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "达到此数才预警。数量异常增长：一周的案件数；群体性风险：同一被申请人的在办案件数；"
            "重复访：同一申请人的案件数；超期积压：同一窗口或调解组织的超期案件数"
        ),
    )
    high_count = models.PositiveIntegerField(
        _("高风险案件数"),
        null=True,
        blank=True,
        help_text=_("案件数达到此值时预警等级升为“高”；留空则不升级"),
    )
    ratio = models.DecimalField(
        _("增长倍数"),
        max_digits=4,
        decimal_places=2,
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_(
            "数量异常增长：本周案件数须达到近期周均值的几倍，且（有往年同期数据时）达到往年"
            "同期周均值的几倍。往年同期本来就多的季节性高峰（如春节前欠薪）因此不会预警"
        ),
    )
    baseline_weeks = models.PositiveSmallIntegerField(
        _("近期基线周数"),
        default=8,
        validators=[MinValueValidator(1)],
        help_text=_("数量异常增长：与之前多少周的周均值比较"),
    )
    seasonal_years = models.PositiveSmallIntegerField(
        _("往年同期年数"),
        default=3,
        help_text=_(
            "数量异常增长：与之前几年同期（同一周及前后各一周）的周均值比较；0表示不比较往年"
        ),
    )
    days = models.PositiveSmallIntegerField(
        _("统计天数"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_(
            "群体性风险、重复访：统计最近多少天登记的案件；高危词语：首次扫描回溯多少天"
            "（之后每次只读新登记的案件）；信访风险：最近多少天受理或作出不予受理决定的信访事项"
        ),
    )
    distinct_windows = models.PositiveSmallIntegerField(
        _("窗口数"),
        default=3,
        validators=[MinValueValidator(2)],
        help_text=_("重复访：同一申请人在统计天数内到过这么多个不同窗口即预警（多窗口访）"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class RiskKeyword(models.Model):
    """A word or phrase that makes a case's summary or description a warning by itself
    (a threat of self-harm, of petitioning Beijing, of blocking a road …)."""

    word = models.CharField(_("词语"), max_length=30, unique=True)
    level = models.CharField(_("预警等级"), max_length=8, choices=Level.choices, default=Level.HIGH)
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("高危词语")
        verbose_name_plural = _("高危词语")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class RiskWarning(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("新预警")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        HANDLED = "handled", _("已处置")

    OPEN = (Status.NEW, Status.ACKNOWLEDGED)

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("等级"), max_length=8, choices=Level.choices)
    subject = models.CharField(_("预警对象"), max_length=100)
    key = models.CharField(_("去重键"), max_length=140)
    title = models.CharField(_("标题"), max_length=200)
    detail = models.TextField(_("详情"), blank=True)
    # The evidence as lists on the row: a page of warnings lists its cases' numbers with
    # no further query. (JSON rather than PostgreSQL arrays: the SQLite demo migrates too.)
    case_ids = models.JSONField(_("证据案件"), default=list)
    case_numbers = models.JSONField(_("证据案件编号"), default=list)
    case_count = models.PositiveIntegerField(_("涉及案件数"), default=0)
    status = FSMField(_("状态"), max_length=12, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(_("预警时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("最近更新"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签收人"),
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledge_note = models.TextField(_("签收意见"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处置人"),
    )
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    handle_note = models.TextField(_("处置情况"), blank=True)

    class Meta:
        verbose_name = _("风险预警")
        verbose_name_plural = _("风险预警")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="riskwarning_unique_key"),
            # A rescan updates the open warning of a subject; a second open one cannot exist.
            models.UniqueConstraint(
                fields=["county", "subject"],
                condition=~models.Q(status="handled"),
                name="riskwarning_one_open_per_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status", "-created_at"], name="riskwarning_list"),
        ]
        permissions = [("handle_riskwarning", _("签收、处置风险预警"))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.HANDLED

    # Bodies only set this model's fields; risk.warnings.services checks, saves and audits.
    @transition(field=status, source=Status.NEW, target=Status.ACKNOWLEDGED)
    def acknowledge(self, *, by, note: str) -> None:
        self.acknowledged_by, self.acknowledged_at, self.acknowledge_note = by, timezone.now(), note

    @transition(field=status, source=[Status.NEW, Status.ACKNOWLEDGED], target=Status.HANDLED)
    def handle(self, *, by, note: str) -> None:
        now = timezone.now()
        if self.acknowledged_at is None:
            # Handled straight from new: whoever handled it has necessarily seen it.
            self.acknowledged_by, self.acknowledged_at = by, now
        self.handled_by, self.handled_at, self.handle_note = by, now, note


class ScanState(models.Model):
    """Per county: how far the keyword rule has read, and the last scan's figures."""

    county = models.OneToOneField(County, on_delete=models.CASCADE, related_name="+")
    # Cases registered before this moment (less a margin, see risk.warnings.rules.keyword) have
    # had their words checked.
    keywords_read_to = models.DateTimeField(null=True, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("预警扫描状态")
        verbose_name_plural = _("预警扫描状态")

    def __str__(self) -> str:
        return f"{self.county_id} {self.scanned_at}"
