"""法律援助 (public legal services): the legal-aid window's own process, one per case, and
the registry of those who may be assigned to give aid.

《法律援助法》(2021): the legal-aid organisation decides within 7 日 of a complete
application (第43条) and assigns a lawyer, 基层法律服务工作者 or its own staff within 3 日
of granting it (第44条); some applicants need no check of their economic hardship (第42条)
or are aided whatever their means (第32条); an applicant refused may object to the
justice bureau, which decides within 5 日 to uphold the refusal or order it corrected
(第49条).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from centre.models import County
from intake.processes import WindowProcess


class Provider(models.Model):
    """Someone the legal-aid organisation may assign (法律援助人员, 第12、13条)."""

    class Kind(models.TextChoices):
        LAWYER = "lawyer", _("律师事务所律师")
        STAFF = "staff", _("法律援助机构工作人员")
        GRASSROOTS = "grassroots", _("基层法律服务工作者")

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("执业机构"), max_length=100)
    licence_number = models.CharField(_("执业证号"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    specialties = models.CharField(_("擅长领域"), max_length=200, blank=True)
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        verbose_name = _("法律援助人员")
        verbose_name_plural = _("法律援助人员")
        ordering = ["county", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "organisation", "name"], name="provider_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"


class Ground(models.TextChoices):
    HARDSHIP = "hardship", _("经济困难（已核查）")
    EXEMPT = "exempt", _("免予核查经济困难状况")


class ExemptCategory(models.TextChoices):
    """第42条 (no check of means) and 第32条 (aid whatever the means)."""

    VULNERABLE = (
        "vulnerable",
        _("无固定生活来源的未成年人、老年人、残疾人等特定群体（第42条第1项）"),
    )
    ASSISTANCE = (
        "assistance",
        _("最低生活保障、特困供养等社会救助、司法救助或者优抚对象（第42条第2项）"),
    )
    WAGES = "wages", _("追索劳动报酬或请求工伤事故人身损害赔偿的进城务工人员（第42条第3项）")
    HEROES = "heroes", _("英雄烈士近亲属为维护英雄烈士的人格权益（第32条第1项）")
    OTHER = "other", _("法律、法规、规章规定的其他人员（第42条第4项）")


class AidResult(models.TextChoices):
    WON = "won", _("请求获得支持")
    PARTIAL = "partial", _("请求部分获得支持")
    SETTLED = "settled", _("调解或和解结案")
    LOST = "lost", _("请求未获支持")
    TERMINATED = "terminated", _("终止法律援助（第48条）")


class LegalAid(WindowProcess):
    WINDOW = "legal_aid"

    class State(models.TextChoices):
        APPLIED = "applied", _("待审查")
        GRANTED = "granted", _("已决定给予")
        ASSIGNED = "assigned", _("已指派")
        REFUSED = "refused", _("不予援助")
        OBJECTED = "objected", _("异议审查中")
        UPHELD = "upheld", _("异议审查维持")
        ANSWERED = "answered", _("当场解答")
        CONCLUDED = "concluded", _("已结案")

    state = FSMField(
        _("法律援助办理状态"),
        max_length=10,
        choices=State.choices,
        default=State.APPLIED,
        protected=True,
    )
    answer = models.TextField(_("解答内容"), blank=True)
    ground = models.CharField(_("给予理由"), max_length=10, choices=Ground.choices, blank=True)
    hardship_finding = models.TextField(_("经济困难核查情况"), blank=True)
    exempt_category = models.CharField(
        _("免予核查类别"), max_length=12, choices=ExemptCategory.choices, blank=True
    )
    aided_matter = models.CharField(_("援助事项"), max_length=200, blank=True)
    refused_reason = models.TextField(_("不予援助理由"), blank=True)
    objected_at = models.DateTimeField(_("提出异议时间"), null=True, blank=True)
    objection_reason = models.TextField(_("异议理由"), blank=True)
    objection_decision = models.CharField(_("异议审查决定"), max_length=10, blank=True)
    objection_decision_reason = models.TextField(_("异议审查理由"), blank=True)
    objection_decided_at = models.DateTimeField(_("异议审查时间"), null=True, blank=True)
    objection_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("异议审查人"),
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aids",
        verbose_name=_("承办人员"),
    )
    assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)
    aid_result = models.CharField(
        _("援助结果"), max_length=12, choices=AidResult.choices, blank=True
    )

    class Meta:
        verbose_name = _("法律援助")
        verbose_name_plural = _("法律援助")
        permissions = [
            ("use_legal_aid_desk", _("使用法律援助审查台")),
            ("legal_aid_answer", _("当场解答法律咨询")),
            ("legal_aid_grant", _("决定给予法律援助")),
            ("legal_aid_refuse", _("决定不予法律援助")),
            ("legal_aid_assign", _("指派法律援助人员")),
            ("legal_aid_object", _("登记对不予援助决定的异议")),
            ("legal_aid_objection_decide", _("审查异议（司法行政部门）")),
            ("legal_aid_conclude", _("法律援助结案")),
        ]

    class Decision(models.TextChoices):
        UPHELD = "upheld", _("维持不予法律援助的决定")
        CORRECTED = "corrected", _("责令法律援助机构改正")

    def _case_triaged(self) -> bool:
        return self.case.state == self.case.State.TRIAGED

    def _case_at_desk(self) -> bool:
        return self.case.state in (self.case.State.REGISTERED, self.case.State.TRIAGED)

    @transition(
        field=state, source=State.APPLIED, target=State.ANSWERED, conditions=[_case_at_desk]
    )
    def legal_aid_answer(self, *, actor, answer: str) -> None:
        self.accepted_at, self.accepted_by = timezone.now(), actor
        self.answer, self.concluded_at = answer, self.accepted_at

    @transition(field=state, source=State.APPLIED, target=State.GRANTED, conditions=[_case_triaged])
    def legal_aid_grant(
        self, *, actor, ground: str, hardship_finding: str, exempt_category: str, matter: str
    ) -> None:
        self.accepted_at, self.accepted_by = timezone.now(), actor
        self.ground, self.hardship_finding = ground, hardship_finding
        self.exempt_category, self.aided_matter = exempt_category, matter

    @transition(field=state, source=State.APPLIED, target=State.REFUSED, conditions=[_case_triaged])
    def legal_aid_refuse(self, *, actor, reason: str) -> None:
        self.accepted_at, self.accepted_by = timezone.now(), actor
        self.refused_reason = reason

    @transition(field=state, source=State.GRANTED, target=State.ASSIGNED)
    def legal_aid_assign(self, *, provider: Provider) -> None:
        self.provider, self.assigned_at = provider, timezone.now()

    @transition(field=state, source=State.REFUSED, target=State.OBJECTED)
    def legal_aid_object(self, *, reason: str) -> None:
        self.objected_at, self.objection_reason = timezone.now(), reason

    @transition(
        field=state, source=State.OBJECTED, target=RETURN_VALUE(State.UPHELD, State.GRANTED)
    )
    def legal_aid_objection_decide(self, *, actor, decision: str, reason: str) -> str:
        self.objection_decision, self.objection_decision_reason = decision, reason
        self.objection_decided_at, self.objection_decided_by = timezone.now(), actor
        return self.State.GRANTED if decision == self.Decision.CORRECTED else self.State.UPHELD

    @transition(
        field=state,
        source=[State.ASSIGNED, State.REFUSED, State.UPHELD],
        target=State.CONCLUDED,
    )
    def legal_aid_conclude(self, *, aid_result: str, result: str) -> None:
        self.aid_result, self.result = aid_result, result
        self.concluded_at = timezone.now()
