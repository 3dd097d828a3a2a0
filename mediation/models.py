"""Mediation: organisations, mediators and their rota, the mediation of a case with its
participants, sessions, and agreements (人民调解协议书) with their versions."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.models import Category, County, Region
from intake.models import Case, CaseDocument, TriageRule


class Organisation(models.Model):
    """A mediation organisation: people's mediation committees (county, township,
    village), industry and professional committees, departments' mediation rooms."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("县级人民调解委员会")
        TOWN = "town", _("乡镇（街道）人民调解委员会")
        VILLAGE = "village", _("村（社区）人民调解委员会")
        INDUSTRY = "industry", _("行业性专业性调解组织")
        DEPARTMENT = "department", _("部门调解室")

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    mediation_kind = models.CharField(
        _("调解领域"),
        max_length=20,
        choices=TriageRule.MediationKind.choices,
        default=TriageRule.MediationKind.PEOPLE,
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("受理类别")
    )
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="+",
        verbose_name=_("服务区域"),
        help_text=_("留空表示全县"),
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("负责人"),
    )
    seal = models.ImageField(_("印章图片"), upload_to="seals/", blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")
        ordering = ["county", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="mediation_org_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    """等级评定: configurable mediator grades, ``rank`` 1 the highest (首席)."""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("等级序号"), unique=True, help_text=_("1为最高（首席）")
    )

    class Meta:
        verbose_name = _("调解员等级")
        verbose_name_plural = _("调解员等级")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class Mediator(models.Model):
    class Background(models.TextChoices):
        RETIRED_JUDGE = "retired_judge", _("退休法官")
        RETIRED_PROSECUTOR = "retired_prosecutor", _("退休检察官")
        RETIRED_POLICE = "retired_police", _("退休民警")
        LAWYER = "lawyer", _("律师")
        FULL_TIME = "full_time", _("专职调解员")
        PART_TIME = "part_time", _("兼职调解员")
        VOLUNTEER = "volunteer", _("志愿者")

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediator",
        verbose_name=_("系统账号"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    organisations = models.ManyToManyField(
        Organisation, related_name="mediators", verbose_name=_("所属调解组织")
    )
    grade = models.ForeignKey(
        Grade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("等级"),
    )
    specialties = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("擅长类别")
    )
    background = models.CharField(_("身份背景"), max_length=20, choices=Background.choices)
    phone = models.CharField(_("工作电话"), max_length=30, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RotaEntry(models.Model):
    """轮驻: when a mediator sits at the centre — weekdays, optionally only in a season
    (e.g. more labour mediators in the weeks before Spring Festival)."""

    mediator = models.ForeignKey(
        Mediator, on_delete=models.CASCADE, related_name="rota", verbose_name=_("调解员")
    )
    weekdays = models.CharField(
        _("星期"),
        max_length=13,
        default="1,2,3,4,5",
        help_text=_("1为星期一，7为星期日，逗号分隔"),
    )
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("轮驻安排")
        verbose_name_plural = _("轮驻安排")

    def __str__(self) -> str:
        return f"{self.mediator} {self.weekdays}"

    def clean(self) -> None:
        try:
            days = self.day_numbers
        except ValueError as exc:
            raise ValidationError({"weekdays": _("请填写1至7的数字，用逗号分隔")}) from exc
        if not days or any(d < 1 or d > 7 for d in days):
            raise ValidationError({"weekdays": _("请填写1至7的数字，用逗号分隔")})
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValidationError({"valid_to": _("截止日期不能早于起始日期")})

    @property
    def day_numbers(self) -> set[int]:
        return {int(d) for d in self.weekdays.split(",") if d.strip()}

    def covers(self, day: date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        if self.valid_to and day > self.valid_to:
            return False
        return day.isoweekday() in self.day_numbers


class Mediation(models.Model):
    """The mediation of one case: who mediates it, its clock, and how it ended."""

    class Linkage(models.TextChoices):
        COURT = "court", _("诉调")
        POLICE = "police", _("警调")
        PROCURATORATE = "procuratorate", _("检调")
        ARBITRATION = "arbitration", _("仲调")
        PROFESSIONAL = "professional", _("专调")
        PETITION = "petition", _("访调")

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="mediation", verbose_name=_("案件")
    )
    linkage = models.CharField(_("联动来源"), max_length=16, choices=Linkage.choices, blank=True)
    started_at = models.DateTimeField(_("启动时间"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("启动人"),
    )
    clock_rule = models.CharField(_("时限规则"), max_length=40, default="mediation_people")
    clock_due = models.DateField(_("调解期限"))
    clock_provisional = models.BooleanField(_("期限暂定"), default=False)
    clock_unlimited = models.BooleanField(
        _("双方同意不限期"),
        default=False,
        help_text=_("委派调解经双方当事人同意可不受期限限制（法释〔2016〕14号第27条）"),
    )
    failed_reason = models.TextField(_("调解不成原因"), blank=True)
    # Mediation fails after at least one recorded session (人民调解法 第27条: the mediator
    # records the mediation), or without one when a party refused to attend (第17条: a
    # party that clearly refuses is not mediated); the refusal is then the record.
    party_refused = models.BooleanField(_("当事人拒绝参加调解"), default=False)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解")
        verbose_name_plural = _("调解")

    def __str__(self) -> str:
        return f"{self.case}"

    @property
    def days_left(self) -> int | None:
        if self.clock_unlimited or self.ended_at:
            return None
        return (self.clock_due - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        left = self.days_left
        return -left if left is not None and left < 0 else 0


class Participant(models.Model):
    """One mediator of one organisation on a mediation (联调: several organisations)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("调解组织")
    )
    mediator = models.ForeignKey(
        Mediator, on_delete=models.PROTECT, related_name="participations", verbose_name=_("调解员")
    )
    is_lead = models.BooleanField(_("主持调解"), default=False)
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("调解参与人")
        verbose_name_plural = _("调解参与人")
        ordering = ["-is_lead", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mediation"],
                condition=models.Q(is_lead=True, removed_at__isnull=True),
                name="mediation_one_lead",
            ),
            models.UniqueConstraint(
                fields=["mediation", "mediator"],
                condition=models.Q(removed_at__isnull=True),
                name="mediation_mediator_once",
            ),
        ]
        indexes = [models.Index(fields=["mediator", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.mediator} ({self.organisation})"


class Session(models.Model):
    class Place(models.TextChoices):
        ON_SITE = "on_site", _("现场")
        ONLINE = "online", _("线上")
        PHONE = "phone", _("电话")

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="sessions")
    scheduled_at = models.DateTimeField(_("安排时间"), null=True, blank=True, db_index=True)
    held_at = models.DateTimeField(_("实际时间"), null=True, blank=True)
    place = models.CharField(_("方式"), max_length=8, choices=Place.choices)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    attendees = models.JSONField(_("参加人员"), default=list, blank=True)
    record = models.TextField(_("调解笔录"), blank=True)
    proposals = models.TextField(_("调解方案"), blank=True)
    outcome = models.TextField(_("本次结果"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["scheduled_at", "held_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scheduled_at__isnull=False) | models.Q(held_at__isnull=False),
                name="session_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mediation} {self.when}"

    @property
    def when(self):
        return self.held_at or self.scheduled_at


class Agreement(models.Model):
    """人民调解协议书 (人民调解法 第29条). A correction is a new version; earlier versions
    and their PDFs stay."""

    class Performance(models.TextChoices):
        PENDING = "pending", _("待履行")
        PERFORMED = "performed", _("已履行")
        PARTLY = "partly", _("部分履行")
        NOT_PERFORMED = "not_performed", _("未履行")

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField(_("版本"))
    facts = models.TextField(_("纠纷的主要事实"))
    disputes = models.TextField(_("争议事项"))
    responsibilities = models.TextField(_("各方当事人的责任"))
    terms = models.TextField(_("达成协议的内容"))
    performance_method = models.TextField(_("履行方式"))
    performance_due = models.DateField(_("履行期限"))
    signatures = models.JSONField(_("签署情况"), default=list)
    mediator_names = models.CharField(_("调解员签名"), max_length=200)
    sealed = models.BooleanField(_("调解组织盖章"), default=True)
    correction_note = models.CharField(_("更正说明"), max_length=200, blank=True)
    document = models.OneToOneField(
        CaseDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    performance = models.CharField(
        _("履行情况"), max_length=16, choices=Performance.choices, default=Performance.PENDING
    )
    performance_note = models.CharField(_("履行说明"), max_length=300, blank=True)
    performance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")
        ordering = ["mediation", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["mediation", "version"], name="agreement_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mediation} v{self.version}"
