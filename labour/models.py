"""劳动监察仲裁 (the labour window): two processes of its own, one per case.

- 劳动保障监察 (《劳动保障监察条例》): a complaint against an employer, wage arrears above
  all (根治欠薪). Opened within 5 工作日 of the complaint, concluded within 60 工作日,
  once extended by 30 工作日 with the department head's approval (第17条); orders to
  correct or to pay by a deadline (第18、26条); an employer who will not pay is handed to
  the police (刑法 第276条之一 拒不支付劳动报酬罪).
- 劳动争议仲裁 (《劳动争议调解仲裁法》): after mediation failed or lapsed (第14条), or
  directly; accepted or refused within 5 日 (第29条), the hearing notified 5 日 ahead
  (第35条), the award within 45 日, once extended by 15 日 by the chair (第43条); some
  awards are final (第47条).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from centre.models import County
from intake.processes import Extension, WindowProcess


class Arbitrator(models.Model):
    """劳动人事争议仲裁员 of the county's commission (第20条), with their caseload."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    name = models.CharField(_("姓名"), max_length=50)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="arbitrator",
        verbose_name=_("系统账号"),
    )
    full_time = models.BooleanField(_("专职"), default=True)
    is_chair = models.BooleanField(_("仲裁委员会主任"), default=False)
    specialties = models.CharField(_("擅长领域"), max_length=200, blank=True)
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        verbose_name = _("仲裁员")
        verbose_name_plural = _("仲裁员")
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="arbitrator_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class MinimumWage(models.Model):
    """The local monthly minimum wage (admin-editable, from the province's notice): twelve
    months of it bound the claims an award settles for good (第47条第1项)."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    monthly = models.DecimalField(
        _("月最低工资标准（元）"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    effective_from = models.DateField(_("执行日期"))
    source = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("最低工资标准")
        verbose_name_plural = _("最低工资标准")
        ordering = ["county", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "effective_from"], name="minimum_wage_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.effective_from} {self.monthly}"


class Channel(models.TextChoices):
    """Where a complaint that is not for labour inspection goes (实施办法 第18条)."""

    ARBITRATION = "arbitration", _("向劳动人事争议仲裁委员会申请仲裁")
    LITIGATION = "litigation", _("向人民法院提起诉讼")
    OTHER_ORGAN = "other_organ", _("向有权处理的其他部门反映")


class LabourInspection(Extension, WindowProcess):
    WINDOW = "labour"

    class State(models.TextChoices):
        RECEIVED = "received", _("待立案")
        OPENED = "opened", _("已立案")
        ORDERED = "ordered", _("已责令改正")
        REFUSED = "refused", _("不予受理")
        CONCLUDED = "concluded", _("已结案")

    class OrderKind(models.TextChoices):
        CORRECT = "correct", _("责令改正")
        PAY = "pay", _("责令限期支付")

    class Result(models.TextChoices):
        PAID = "paid", _("用人单位已改正、足额支付")
        PENALISED = "penalised", _("已作出行政处罚")
        TRANSFERRED = "transferred", _("涉嫌拒不支付劳动报酬罪，已移送公安机关")

    state = FSMField(
        _("劳动保障监察办理状态"),
        max_length=10,
        choices=State.choices,
        default=State.RECEIVED,
        protected=True,
    )
    owed_amount = models.DecimalField(
        _("拖欠金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    workers = models.PositiveIntegerField(_("涉及劳动者人数"), default=1)
    close_due = models.DateField(_("办结期限"), null=True, blank=True)
    refused_reason = models.TextField(_("不予受理理由"), blank=True)
    refused_channel = models.CharField(
        _("告知的途径"), max_length=12, choices=Channel.choices, blank=True
    )
    order_kind = models.CharField(
        _("指令类型"), max_length=8, choices=OrderKind.choices, blank=True
    )
    order_items = models.TextField(_("违法事实及改正事项"), blank=True)
    order_amount = models.DecimalField(
        _("责令支付金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    order_deadline = models.DateField(_("改正期限"), null=True, blank=True)
    ordered_at = models.DateTimeField(_("指令时间"), null=True, blank=True)
    conclusion = models.CharField(_("结案方式"), max_length=12, choices=Result.choices, blank=True)
    recovered_amount = models.DecimalField(
        _("追回金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("劳动保障监察案件")
        verbose_name_plural = _("劳动保障监察案件")
        permissions = [
            ("use_labour_desk", _("使用劳动监察仲裁工作台")),
            ("labour_inspection_accept", _("劳动保障监察立案")),
            ("labour_inspection_refuse", _("劳动保障监察投诉不予受理")),
            ("labour_inspection_extend", _("延长劳动保障监察办案期限")),
            ("labour_inspection_order", _("下达责令改正指令")),
            ("labour_inspection_conclude", _("劳动保障监察结案")),
        ]

    def _case_triaged(self) -> bool:
        return self.case.state == self.case.State.TRIAGED

    @transition(field=state, source=State.RECEIVED, target=State.OPENED, conditions=[_case_triaged])
    def labour_inspection_accept(self, *, actor, owed_amount, workers: int, close_due) -> None:
        self.accepted_at, self.accepted_by = timezone.now(), actor
        self.owed_amount, self.workers, self.close_due = owed_amount, workers, close_due

    @transition(
        field=state, source=State.RECEIVED, target=State.REFUSED, conditions=[_case_triaged]
    )
    def labour_inspection_refuse(self, *, reason: str, channel: str) -> None:
        self.refused_reason, self.refused_channel = reason, channel
        self.concluded_at = timezone.now()

    @transition(field=state, source=[State.OPENED, State.ORDERED], target=None)
    def labour_inspection_extend(self, *, actor, days: int, reason: str) -> None:
        self.extension_record(actor=actor, days=days, reason=reason)

    @transition(field=state, source=[State.OPENED, State.ORDERED], target=State.ORDERED)
    def labour_inspection_order(self, *, kind: str, items: str, amount, deadline) -> None:
        self.order_kind, self.order_items = kind, items
        self.order_amount, self.order_deadline = amount, deadline
        self.ordered_at = timezone.now()

    @transition(field=state, source=[State.OPENED, State.ORDERED], target=State.CONCLUDED)
    def labour_inspection_conclude(self, *, conclusion: str, recovered, result: str) -> None:
        self.conclusion, self.recovered_amount, self.result = conclusion, recovered, result
        self.concluded_at = timezone.now()


class Arbitration(Extension, WindowProcess):
    WINDOW = "labour"

    class State(models.TextChoices):
        NEW = "new", _("未申请仲裁")
        APPLIED = "applied", _("待受理")
        ACCEPTED = "accepted", _("审理中")
        REFUSED = "refused", _("不予受理")
        SETTLED = "settled", _("仲裁调解结案")
        AWARDED = "awarded", _("已裁决")
        CONCLUDED = "concluded", _("已结案")

    class ClaimKind(models.TextChoices):
        PAY = "pay", _("追索劳动报酬、工伤医疗费、经济补偿或者赔偿金")
        STANDARDS = "standards", _("因执行工作时间、休息休假、社会保险等国家劳动标准发生的争议")
        OTHER = "other", _("其他劳动争议")

    class Ending(models.TextChoices):
        PERFORMED = "performed", _("已履行")
        ENFORCED = "enforced", _("已申请人民法院强制执行")
        SUED = "sued", _("当事人已向人民法院起诉")
        LAPSED = "lapsed", _("裁决生效，未起诉")

    state = FSMField(
        _("劳动争议仲裁办理状态"),
        max_length=10,
        choices=State.choices,
        default=State.NEW,
        protected=True,
    )
    applied_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    claims = models.TextField(_("仲裁请求"), blank=True)
    claim_kind = models.CharField(
        _("请求类型"), max_length=10, choices=ClaimKind.choices, blank=True
    )
    claim_amount = models.DecimalField(
        _("请求金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    arbitrators = models.ManyToManyField(
        Arbitrator, blank=True, related_name="arbitrations", verbose_name=_("仲裁庭组成人员")
    )
    presiding = models.ForeignKey(
        Arbitrator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("首席（独任）仲裁员"),
    )
    award_due = models.DateField(_("裁决期限"), null=True, blank=True)
    refused_reason = models.TextField(_("不予受理理由"), blank=True)
    hearing_at = models.DateTimeField(_("开庭时间"), null=True, blank=True)
    hearing_place = models.CharField(_("开庭地点"), max_length=200, blank=True)
    hearing_notified_at = models.DateTimeField(_("开庭通知时间"), null=True, blank=True)
    settlement_terms = models.TextField(_("调解协议内容"), blank=True)
    award_facts = models.TextField(_("查明的事实"), blank=True)
    award_text = models.TextField(_("裁决结果"), blank=True)
    award_amount = models.DecimalField(
        _("裁决支付金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    final = models.BooleanField(_("终局裁决"), default=False)
    final_ground = models.CharField(_("终局裁决依据"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("结案文书时间"), null=True, blank=True)
    ending = models.CharField(_("结案情况"), max_length=10, choices=Ending.choices, blank=True)

    class Meta:
        verbose_name = _("劳动争议仲裁案件")
        verbose_name_plural = _("劳动争议仲裁案件")
        permissions = [
            ("labour_arbitration_apply", _("登记劳动争议仲裁申请")),
            ("labour_arbitration_accept", _("受理劳动争议仲裁申请")),
            ("labour_arbitration_refuse", _("不予受理劳动争议仲裁申请")),
            ("labour_arbitration_hearing", _("安排开庭")),
            ("labour_arbitration_extend", _("延长仲裁审理期限")),
            ("labour_arbitration_settle", _("仲裁调解结案")),
            ("labour_arbitration_award", _("作出仲裁裁决")),
            ("labour_arbitration_conclude", _("劳动争议仲裁结案")),
        ]

    # --- conditions ---------------------------------------------------------------------
    def _may_apply(self) -> bool:
        """Directly at the window, or after mediation failed, or lapsed past its 15 日
        (第14条: either party may then apply for arbitration)."""
        case = self.case
        if case.state in (case.State.TRIAGED, case.State.MEDIATION_FAILED):
            return True
        if case.state != case.State.MEDIATING:
            return False
        mediation = getattr(case, "mediation", None)
        return (
            mediation is not None
            and not mediation.clock_unlimited
            and mediation.clock_due is not None
            and mediation.clock_due < timezone.localdate()
        )

    # --- transitions --------------------------------------------------------------------
    @transition(field=state, source=State.NEW, target=State.APPLIED, conditions=[_may_apply])
    def labour_arbitration_apply(self, *, claims: str, kind: str, amount) -> None:
        self.applied_at = timezone.now()
        self.claims, self.claim_kind, self.claim_amount = claims, kind, amount

    @transition(field=state, source=State.APPLIED, target=State.ACCEPTED)
    def labour_arbitration_accept(self, *, actor, presiding: Arbitrator, award_due) -> None:
        self.accepted_at, self.accepted_by = timezone.now(), actor
        self.presiding, self.award_due = presiding, award_due

    @transition(field=state, source=State.APPLIED, target=State.REFUSED)
    def labour_arbitration_refuse(self, *, reason: str) -> None:
        self.refused_reason = reason
        self.concluded_at = timezone.now()

    @transition(field=state, source=State.ACCEPTED, target=None)
    def labour_arbitration_hearing(self, *, at, place: str) -> None:
        self.hearing_at, self.hearing_place = at, place
        self.hearing_notified_at = timezone.now()

    @transition(field=state, source=State.ACCEPTED, target=None)
    def labour_arbitration_extend(self, *, actor, days: int, reason: str) -> None:
        self.extension_record(actor=actor, days=days, reason=reason)

    @transition(field=state, source=State.ACCEPTED, target=State.SETTLED)
    def labour_arbitration_settle(self, *, terms: str) -> None:
        self.settlement_terms = terms
        self.decided_at = self.concluded_at = timezone.now()

    @transition(field=state, source=State.ACCEPTED, target=State.AWARDED)
    def labour_arbitration_award(
        self, *, facts: str, text: str, amount, final: bool, final_ground: str
    ) -> None:
        self.award_facts, self.award_text, self.award_amount = facts, text, amount
        self.final, self.final_ground = final, final_ground
        self.decided_at = timezone.now()

    @transition(field=state, source=State.AWARDED, target=State.CONCLUDED)
    def labour_arbitration_conclude(self, *, ending: str, result: str) -> None:
        self.ending, self.result = ending, result
        self.concluded_at = timezone.now()
