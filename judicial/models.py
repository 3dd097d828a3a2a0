"""Judicial confirmation (司法确认), court-delegated mediation (委派调解) and the guide
to suing after mediation failed (引导诉讼, 诉讼断后)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.models import County
from intake.models import Case
from mediation.models import Agreement


class Court(models.Model):
    """A people's court configured for a county; judges and court clerks act in its name."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    name = models.CharField(_("名称"), max_length=100)
    # The court's code in case numbers, e.g. 浙0523 in (2026)浙0523民特123号.
    code = models.CharField(_("法院代字"), max_length=20)
    is_default = models.BooleanField(
        _("本县基层人民法院"),
        default=True,
        help_text=_("调解组织所在地的基层人民法院，申请时默认选择"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    president = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("院长"),
        help_text=_("批准延长审查期限"),
    )
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("法官")
    )
    clerks = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("法院书记员")
    )

    class Meta:
        verbose_name = _("人民法院")
        verbose_name_plural = _("人民法院")
        ordering = ["county", "-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class RulingSequence(models.Model):
    """Ruling numbers per court and year (民特 cases), gapless like case numbers."""

    court = models.ForeignKey(Court, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["court", "year"], name="ruling_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.court_id}-{self.year}: {self.last}"


class Confirmation(models.Model):
    """An application for judicial confirmation of a mediation agreement and the court's
    handling of it: acceptance (3 日), decision (15 日 + one extension of 10 日, cap 30 日)."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("已裁定调解协议有效")
        REFUSED = "refused", _("已裁定驳回申请")
        NOT_ACCEPTED = "not_accepted", _("已裁定不予受理")

    # 民诉法解释 第358条: grounds for refusing confirmation.
    class Ground(models.TextChoices):
        VIOLATES_LAW = "violates_law", _("违反法律强制性规定")
        HARMS_OTHERS = "harms_others", _("损害国家利益、社会公共利益、他人合法权益")
        PUBLIC_ORDER = "public_order", _("违背公序良俗")
        NOT_VOLUNTARY = "not_voluntary", _("违反自愿原则")
        UNCLEAR = "unclear", _("内容不明确")
        OTHER = "other", _("其他不能进行司法确认的情形")

    # 民诉法解释 第355条第1款: an application the court does not accept. Found after
    # acceptance, the same grounds lead to a refusal (第2款), i.e. ``refuse_confirmation``.
    class NotAcceptedGround(models.TextChoices):
        NOT_CIVIL = "not_civil", _("不属于人民法院受理范围")
        JURISDICTION = "jurisdiction", _("不属于收到申请的人民法院管辖")
        STATUS = "status", _("申请确认婚姻关系、亲子关系、收养关系等身份关系无效、有效或者解除")
        OTHER_PROCEDURE = "other_procedure", _("涉及适用其他特别程序、公示催告程序、破产程序审理")
        TITLE = "title", _("调解协议内容涉及物权、知识产权确权")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="confirmations")
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="+", verbose_name=_("调解协议")
    )
    court = models.ForeignKey(
        Court, on_delete=models.PROTECT, related_name="confirmations", verbose_name=_("受理法院")
    )
    statements = models.TextField(_("当事人陈述"), blank=True)
    agreement_effective_on = models.DateField(_("协议生效日期"))
    apply_due = models.DateField(_("申请期限"))
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accept_due = models.DateField(_("受理期限"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decide_due = models.DateField(_("审查期限"), null=True, blank=True)
    extended_at = models.DateTimeField(_("延长时间"), null=True, blank=True)
    extension_reason = models.CharField(_("延长理由"), max_length=300, blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("批准人"),
    )
    decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    decision = models.CharField(_("裁定结果"), max_length=12, choices=Decision.choices, blank=True)
    ground = models.CharField(_("驳回理由"), max_length=16, choices=Ground.choices, blank=True)
    not_accepted_ground = models.CharField(
        _("不予受理理由"), max_length=16, choices=NotAcceptedGround.choices, blank=True
    )
    reason = models.TextField(_("裁定理由"), blank=True)
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审判员"),
    )
    # The court clerk (书记员) of the case: records the review and certifies the ruling's
    # copies, so the ruling prints the name. One of the court's clerks, named by its judge
    # or by a clerk taking the case (``confirmation_clerk_set``).
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("书记员"),
    )
    # Given at acceptance (法释〔2011〕5号 第4条); the ruling bears the same number.
    ruling_number = models.CharField(_("案号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("司法确认申请")
        verbose_name_plural = _("司法确认申请")
        ordering = ["-applied_at"]
        permissions = [("decide_confirmation", _("受理、审查司法确认申请"))]
        indexes = [models.Index(fields=["court", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.case} → {self.court}"

    @property
    def stage(self) -> str:
        if self.decided_at:
            return "decided"
        return "deciding" if self.accepted_at else "accepting"

    @property
    def due(self):
        """The date the court's current step is due by."""
        return (
            None if self.decided_at else (self.decide_due if self.accepted_at else self.accept_due)
        )

    @property
    def days_left(self) -> int | None:
        due = self.due
        return None if due is None else (due - timezone.localdate()).days


class Delegation(models.Model):
    """A dispute the court delegated to the centre before filing (委派调解, 诉调对接)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="delegation")
    court = models.ForeignKey(
        Court, on_delete=models.PROTECT, related_name="+", verbose_name=_("委派法院")
    )
    court_reference = models.CharField(_("法院收案编号"), max_length=60)
    received_on = models.DateField(_("收到材料日期"))
    unlimited = models.BooleanField(
        _("双方同意不受期限限制"),
        default=False,
        help_text=_("法释〔2016〕14号第27条：经双方当事人同意，可以不受30日期限限制"),
    )
    unlimited_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("委派调解")
        verbose_name_plural = _("委派调解")
        constraints = [
            models.UniqueConstraint(
                fields=["court", "court_reference"], name="delegation_unique_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.court_reference} → {self.case}"


class CivilCause(models.TextChoices):
    """民事案由 the parties are guided to sue under: the causes of 《民事案件案由规定》
    (法〔2020〕347号) that the disputes the centre mediates most often fall under."""

    PRIVATE_LOAN = "private_loan", _("民间借贷纠纷")
    LABOUR_SERVICE = "labour_service", _("劳务合同纠纷")
    LABOUR_PAY = "labour_pay", _("追索劳动报酬纠纷")
    NEIGHBOUR = "neighbour", _("相邻关系纠纷")
    MARRIAGE_FAMILY = "marriage_family", _("婚姻家庭纠纷")
    DIVORCE = "divorce", _("离婚纠纷")
    SUPPORT = "support", _("赡养纠纷")
    INHERITANCE = "inheritance", _("继承纠纷")
    TRAFFIC = "traffic", _("机动车交通事故责任纠纷")
    PROPERTY_SERVICE = "property_service", _("物业服务合同纠纷")
    HOUSE_LEASE = "house_lease", _("房屋租赁合同纠纷")
    SALE = "sale", _("买卖合同纠纷")
    CONSTRUCTION = "construction", _("建设工程施工合同纠纷")
    LAND_CONTRACT = "land_contract", _("土地承包经营权纠纷")
    HOMESTEAD = "homestead", _("宅基地使用权纠纷")
    PERSONAL_INJURY = "personal_injury", _("生命权、身体权、健康权纠纷")
    MEDICAL = "medical", _("医疗损害责任纠纷")
    TORT = "tort", _("侵权责任纠纷")


class Handoff(models.Model):
    """Mediation failed: the parties are guided to sue (引导诉讼, 诉讼断后). The centre
    transfers no lawsuit — it prepares what a complaint needs (民事诉讼法 第124条: the
    parties, the claims, the facts and reasons, the evidence and its sources) with the
    mediation record, built by a Celery task (PDF + ZIP) with its progress on the page;
    the court's acceptance is recorded when a party has sued."""

    class Status(models.TextChoices):
        PENDING = "pending", _("等待生成")
        RUNNING = "running", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="handoff")
    court = models.ForeignKey(
        Court, on_delete=models.PROTECT, related_name="+", verbose_name=_("指引起诉的法院")
    )
    cause = models.CharField(_("民事案由"), max_length=20, choices=CivilCause.choices, blank=True)
    claims = models.TextField(_("诉讼请求"), blank=True)
    facts_reasons = models.TextField(_("事实与理由"), blank=True)
    # [{"name", "source", "proves"}]: 民事诉讼法 第124条第4项, evidence and its source.
    evidence = models.JSONField(_("证据清单"), default=list, blank=True)
    # {party id: {"ethnicity", "occupation", "employer"}}: what the case file does not hold
    # of 第124条第1项, told by the parties at the handoff.
    party_details = models.JSONField(_("当事人补充信息"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    archive = models.FileField(_("起诉材料压缩包"), upload_to="handoffs/", blank=True)
    court_case_number = models.CharField(_("法院案号"), max_length=60, blank=True)
    accepted_on = models.DateField(_("法院立案日期"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("引导诉讼")
        verbose_name_plural = _("引导诉讼")
        permissions = [("record_court_outcome", _("登记法院立案结果"))]

    def __str__(self) -> str:
        return f"{self.case} → {self.court}"
