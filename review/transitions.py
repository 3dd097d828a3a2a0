"""The review window's steps, fired through the case's transitions door (names are the
issue's contract). Articles: 《行政复议法》(2023)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.forms import DateInput
from centre.periods import date_text
from intake.models import Case, CaseDocument, CaseParty
from intake.processes import extension_apply, extension_form, process_of, window_transition
from intake.workflow import TransitionForm, waiting_clocks
from review import selectors, services
from review.models import AdministrativeReview, DecisionKind, Procedure


def _text(label: Any, required: Any, rows: int = 2, max_length: int = 5000) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required},
    )


def _date(label: Any, required: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={"required": required},
    )


class AcceptForm(TransitionForm):
    procedure = forms.ChoiceField(
        label=_("审理程序（简易程序适用第53条所列案件）"),
        choices=Procedure.choices,
        initial=Procedure.ORDINARY,
        error_messages={"required": _("请选择普通程序或简易程序")},
    )
    act = _text(_("被申请行政复议的行政行为"), _("请写明被申请行政复议的行政行为"))
    act_known_on = _date(_("申请人知道该行政行为的日期"), _("请填写知道该行政行为的日期"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
    # Set by the beat task when the examination period ran out (第30条第3款).
    by_law = forms.BooleanField(
        label=_("审查期限届满，依法视为受理（第30条）"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if forms.BooleanField().to_python(self.data.get("by_law")):
            # The law accepted it as it stands: nothing more is asked of anyone.
            self.fields["act"].required = False
            self.fields["act_known_on"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("by_law"):
            due = selectors.accept_due(self.case)
            if timezone.localdate() <= due:
                self.add_error(
                    "by_law",
                    _("审查期限至%(due)s届满，届满前不能视为受理（《行政复议法》第30条）")
                    % {"due": due.isoformat()},
                )
            return data
        if selectors.organ_respondent(self.case) is None:
            # 第19条: the respondent is the organ that made the act.
            self.add_error(
                "act",
                _(
                    "本案没有作为被申请人的行政机关：请将作出该行政行为的行政机关登记为"
                    "被申请人（法人或其他组织，填写统一社会信用代码）（《行政复议法》第19条）"
                ),
            )
        known = data.get("act_known_on")
        received = selectors.registered_on(self.case)
        if known is None:
            return data
        if known > received:
            self.add_error("act_known_on", _("知道该行政行为的日期不能晚于收到申请的日期"))
            return data
        # 第20条: within 60 日 of knowing the act; a later application fails 第30条第1款第4项.
        last = selectors.rule_due_of("review_apply", known)
        # A provisional last day (next year's holidays not yet published) refuses nothing
        # on its own: the officer decides with the published calendar.
        if received > last.date and not last.provisional:
            self.add_error(
                "act_known_on",
                _(
                    "申请已超过《行政复议法》第20条规定的60日申请期限（自%(known)s知道该行政行为起，"
                    "至%(last)s届满，%(received)s收到申请），不符合第30条的受理条件，"
                    "应当决定不予受理（不予受理行政复议申请）"
                )
                % {
                    "known": date_text(known),
                    "last": date_text(last.date),
                    "received": date_text(received),
                },
            )
        return data


class RefuseForm(TransitionForm):
    reason = _text(
        _("不予受理的理由（《行政复议法》第30条）"), _("请填写不予受理的理由"), max_length=2000
    )


class AnswerForm(TransitionForm):
    text = _text(
        _("被申请人书面答复（答复意见、证据和依据）"), _("请填写被申请人的书面答复"), rows=4
    )
    received_on = _date(_("收到书面答复的日期"), _("请填写收到书面答复的日期"))

    def clean_received_on(self):
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise ValidationError(_("收到答复的日期不能晚于今天"))
        review = process_of(self.case, AdministrativeReview)
        if review is not None and review.accepted_on and received < review.accepted_on:
            raise ValidationError(
                _("收到答复的日期不能早于受理日期（%(day)s）")
                % {"day": review.accepted_on.isoformat()}
            )
        return received


_BaseExtendForm = extension_form(
    AdministrativeReview, "review_decide", _("《行政复议法》第62条第1款")
)


class ExtendForm(_BaseExtendForm):
    def clean_days(self) -> int:
        review = process_of(self.case, AdministrativeReview)
        if review is not None and review.procedure == Procedure.SIMPLE:
            raise ValidationError(
                _(
                    "适用简易程序的案件应当在受理之日起30日内作出决定，不能延长（《行政复议法》第62条第2款）"
                )
            )
        return super().clean_days()


class MediateForm(TransitionForm):
    terms = _text(
        _("调解协议内容（各方当事人自愿、合法达成，第5条、第73条）"),
        _("请填写调解达成的协议内容"),
        rows=4,
    )


class DecideForm(TransitionForm):
    kind = forms.ChoiceField(
        label=_("复议决定"),
        choices=DecisionKind.choices,
        error_messages={"required": _("请选择复议决定的种类")},
    )
    reasons = _text(
        _("决定理由（认定的事实、理由和依据）"), _("请填写决定理由"), rows=5, max_length=10_000
    )
    within_days = forms.IntegerField(
        label=_("重新作出行政行为或履行职责的期限（日）"),
        required=False,
        min_value=1,
        max_value=365,
    )

    def clean_reasons(self) -> str:
        reasons = self.cleaned_data["reasons"].strip()
        if len(reasons) < 10:
            raise ValidationError(_("决定理由过短：请写明认定的事实、理由和适用的依据"))
        return reasons

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # 第66条: the organ is ordered to perform "在一定期限内".
        order = data.get("kind") == DecisionKind.ORDER
        if order and not data.get("within_days") and "within_days" not in self.errors:
            self.add_error(
                "within_days",
                _("责令履行的，请写明被申请人履行法定职责的期限（《行政复议法》第66条）"),
            )
        if data.get("kind") not in (DecisionKind.ORDER, DecisionKind.REVOKE):
            data["within_days"] = None
        return data


class WithdrawForm(TransitionForm):
    reason = _text(_("撤回理由（《行政复议法》第74条）"), _("请填写申请人撤回的理由"))


# What the decision means for the case: the act was set right, or it stood.
_OUTCOMES = {
    DecisionKind.REVOKE: Case.Outcome.RESOLVED,
    DecisionKind.VARY: Case.Outcome.RESOLVED,
    DecisionKind.UNLAWFUL: Case.Outcome.RESOLVED,
    DecisionKind.ORDER: Case.Outcome.RESOLVED,
    DecisionKind.UPHOLD: Case.Outcome.HANDLED,
    DecisionKind.REJECT: Case.Outcome.HANDLED,
}


def _accept(review: AdministrativeReview, d: dict[str, Any], actor: Any) -> None:
    case = review.case
    by_law = bool(d.get("by_law"))
    # 第30条第3款: silent past the period, accepted from the day it ended.
    accepted_on = selectors.accept_due(case) if by_law else timezone.localdate()
    procedure = d["procedure"]
    rule = "review_decide_simple" if procedure == Procedure.SIMPLE else "review_decide"
    review.review_accept(
        actor=actor,
        procedure=procedure,
        act=d.get("act") or "",
        act_known_on=d.get("act_known_on"),
        organ=selectors.organ_respondent(case),
        accepted_on=accepted_on,
        decide_due=selectors.rule_due_from(rule, accepted_on),
        by_law=by_law,
    )
    case.handling_start()


def _refuse(review: AdministrativeReview, d: dict[str, Any], actor: Any) -> None:
    review.review_refuse(reason=d["reason"])
    review.case.handling_end(outcome=Case.Outcome.DECLINED)


def _mediate(review: AdministrativeReview, d: dict[str, Any], actor: Any) -> None:
    review.review_mediate(terms=d["terms"])
    review.case.handling_end(outcome=Case.Outcome.RESOLVED)


def _decide(review: AdministrativeReview, d: dict[str, Any], actor: Any) -> None:
    review.review_decide(kind=d["kind"], reasons=d["reasons"], within_days=d["within_days"])
    review.case.handling_end(outcome=_OUTCOMES[DecisionKind(d["kind"])])


def _withdraw(review: AdministrativeReview, d: dict[str, Any], actor: Any) -> None:
    review.review_withdraw(reason=d["reason"])
    review.case.handling_end(outcome=Case.Outcome.WITHDRAWN)


_DECIDE_CLOCKS = ("review_decide", "review_decide_simple")
_ANSWER_CLOCKS = ("review_answer", "review_answer_simple")

window_transition(
    AdministrativeReview,
    "review_accept",
    _("受理行政复议申请"),
    AcceptForm,
    _accept,
    services.accepted,
    stops=("review_accept",),
    document=CaseDocument.Kind.REVIEW_ACCEPTANCE,
    style="success",
)
window_transition(
    AdministrativeReview,
    "review_refuse",
    _("不予受理行政复议申请"),
    RefuseForm,
    _refuse,
    stops=("review_accept",),
    document=CaseDocument.Kind.REVIEW_REFUSAL,
    note_field="reason",
    style="secondary",
)
window_transition(
    AdministrativeReview,
    "review_answer",
    _("登记被申请人书面答复"),
    AnswerForm,
    lambda r, d, actor: r.review_answer(text=d["text"], received_on=d["received_on"]),
    stops=_ANSWER_CLOCKS,
    note_field="text",
)
window_transition(
    AdministrativeReview,
    "review_extend",
    _("延长行政复议期限"),
    ExtendForm,
    lambda r, d, actor: r.review_extend(actor=actor, days=d["days"], reason=d["reason"]),
    extension_apply(
        "review_decide",
        due_field="decide_due",
        roles=(CaseParty.Role.APPLICANT, CaseParty.Role.THIRD_PARTY),
        subject=_("行政复议期限延长"),
    ),
    note_field="reason",
    style="warning",
)
window_transition(
    AdministrativeReview,
    "review_mediate",
    _("调解结案（行政复议调解书）"),
    MediateForm,
    _mediate,
    stops=(*_DECIDE_CLOCKS, *_ANSWER_CLOCKS),
    document=CaseDocument.Kind.REVIEW_MEDIATION,
    note_field="terms",
    style="success",
)
window_transition(
    AdministrativeReview,
    "review_decide",
    _("作出行政复议决定"),
    DecideForm,
    _decide,
    stops=(*_DECIDE_CLOCKS, *_ANSWER_CLOCKS),
    document=CaseDocument.Kind.REVIEW_DECISION,
    note_field="reasons",
    style="success",
)
window_transition(
    AdministrativeReview,
    "review_withdraw",
    _("申请人撤回行政复议申请"),
    WithdrawForm,
    _withdraw,
    stops=("review_accept", *_DECIDE_CLOCKS, *_ANSWER_CLOCKS),
    note_field="reason",
    style="secondary",
)

# 《行政复议法》第30条: the 5 工作日 to examine run from receipt, whatever the desk called
# the matter.
waiting_clocks("review", "review_accept")
