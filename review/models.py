"""行政复议 (administrative review): the review window's own process, one per case.

《行政复议法》(2023): the application is examined within 5 工作日 of receipt (第30条, 第88条
counts 五日 in working days); one not refused by then counts as accepted from the day
the period ends (第30条第3款). It must come within 60 日 of knowing the act (第20条).
The respondent organ answers within 10 日 of receiving the copy (第48条). Decided within
60 日 of acceptance, extended once by ≤ 30 日 (第62条第1款); under the simplified
procedure (第53条) within 30 日, not extended (第62条第2款). It may end by mediation
(第73条), withdrawal (第74条) or a decision: vary (第63条), revoke (第64条), declare
unlawful (第65条), order performance (第66条), uphold (第68条) or reject (第69条).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from intake.models import Party
from intake.processes import Extension, WindowProcess


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", _("普通程序")
    SIMPLE = "simple", _("简易程序")


class DecisionKind(models.TextChoices):
    UPHOLD = "uphold", _("维持（第68条）")
    REVOKE = "revoke", _("撤销（第64条）")
    VARY = "vary", _("变更（第63条）")
    UNLAWFUL = "unlawful", _("确认违法（第65条）")
    ORDER = "order", _("责令履行（第66条）")
    REJECT = "reject", _("驳回行政复议请求（第69条）")


class AdministrativeReview(Extension, WindowProcess):
    WINDOW = "review"

    class State(models.TextChoices):
        APPLIED = "applied", _("待审查")
        ACCEPTED = "accepted", _("审理中")
        ANSWERED = "answered", _("被申请人已答复")
        REFUSED = "refused", _("不予受理")
        MEDIATED = "mediated", _("调解结案")
        DECIDED = "decided", _("已作出复议决定")
        WITHDRAWN = "withdrawn", _("申请人撤回")

    state = FSMField(
        _("行政复议办理状态"),
        max_length=12,
        choices=State.choices,
        default=State.APPLIED,
        protected=True,
    )
    procedure = models.CharField(
        _("审理程序"), max_length=10, choices=Procedure.choices, blank=True
    )
    act = models.TextField(_("被申请行政复议的行政行为"), blank=True)
    act_known_on = models.DateField(_("知道该行政行为的日期"), null=True, blank=True)
    organ = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被申请人（行政机关）"),
    )
    # The day accepted in law: the day decided, or the last day of the examination period
    # when the organ stayed silent (第30条第3款); the decision period runs from it.
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    accepted_by_law = models.BooleanField(_("视为受理（第30条）"), default=False)
    decide_due = models.DateField(_("复议决定期限"), null=True, blank=True)
    refused_reason = models.TextField(_("不予受理理由"), blank=True)
    answer_text = models.TextField(_("被申请人书面答复"), blank=True)
    answer_received_on = models.DateField(_("收到答复日期"), null=True, blank=True)
    mediation_terms = models.TextField(_("调解协议内容"), blank=True)
    decision_kind = models.CharField(
        _("复议决定"), max_length=10, choices=DecisionKind.choices, blank=True
    )
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    decision_within_days = models.PositiveSmallIntegerField(
        _("重新作出或履行的期限（日）"), null=True, blank=True
    )
    withdrawn_reason = models.TextField(_("撤回理由"), blank=True)

    class Meta:
        verbose_name = _("行政复议案件")
        verbose_name_plural = _("行政复议案件")
        permissions = [
            ("use_review_desk", _("使用行政复议工作台")),
            ("review_accept", _("受理行政复议申请")),
            ("review_refuse", _("不予受理行政复议申请")),
            ("review_answer", _("登记被申请人书面答复")),
            ("review_extend", _("延长行政复议期限")),
            ("review_mediate", _("行政复议调解结案")),
            ("review_decide", _("作出行政复议决定")),
            ("review_withdraw", _("申请人撤回行政复议申请")),
        ]

    # --- conditions -------------------------------------------------------------------
    def _case_triaged(self) -> bool:
        return self.case.state == self.case.State.TRIAGED

    def _case_at_window(self) -> bool:
        return self.case.state != self.case.State.REGISTERED

    # --- transitions: bodies set this model's own fields only ---------------------------
    @transition(
        field=state, source=State.APPLIED, target=State.ACCEPTED, conditions=[_case_triaged]
    )
    def review_accept(
        self,
        *,
        actor,
        procedure: str,
        act: str,
        act_known_on,
        organ: Party | None,
        accepted_on,
        decide_due,
        by_law: bool,
    ) -> None:
        self.accepted_at, self.accepted_by = timezone.now(), actor
        self.procedure, self.act, self.act_known_on, self.organ = (
            procedure,
            act,
            act_known_on,
            organ,
        )
        self.accepted_on, self.decide_due, self.accepted_by_law = accepted_on, decide_due, by_law

    @transition(field=state, source=State.APPLIED, target=State.REFUSED, conditions=[_case_triaged])
    def review_refuse(self, *, reason: str) -> None:
        self.refused_reason, self.concluded_at = reason, timezone.now()

    @transition(field=state, source=State.ACCEPTED, target=State.ANSWERED)
    def review_answer(self, *, text: str, received_on) -> None:
        self.answer_text, self.answer_received_on = text, received_on

    # No target: the state stays as it is.
    @transition(field=state, source=[State.ACCEPTED, State.ANSWERED], target=None)
    def review_extend(self, *, actor, days: int, reason: str) -> None:
        self.extension_record(actor=actor, days=days, reason=reason)

    @transition(field=state, source=[State.ACCEPTED, State.ANSWERED], target=State.MEDIATED)
    def review_mediate(self, *, terms: str) -> None:
        self.mediation_terms, self.concluded_at = terms, timezone.now()

    @transition(field=state, source=[State.ACCEPTED, State.ANSWERED], target=State.DECIDED)
    def review_decide(self, *, kind: str, reasons: str, within_days: int | None) -> None:
        self.decision_kind, self.decision_reasons = kind, reasons
        self.decision_within_days, self.concluded_at = within_days, timezone.now()

    @transition(
        field=state,
        source=[State.APPLIED, State.ACCEPTED, State.ANSWERED],
        target=State.WITHDRAWN,
        conditions=[_case_at_window],
    )
    def review_withdraw(self, *, reason: str) -> None:
        self.withdrawn_reason, self.concluded_at = reason, timezone.now()

    @property
    def decide_rule(self) -> str:
        """The decision period's rule (第62条): 60 日 ordinary, 30 日 simplified."""
        return "review_decide_simple" if self.procedure == Procedure.SIMPLE else "review_decide"
