"""The labour window's steps, fired through the case's transitions door (names are the
issue's contract). Articles: 《劳动保障监察条例》, 《劳动争议调解仲裁法》."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from centre.forms import DateInput, DateTimeInput
from intake.models import Case, CaseDocument, CaseParty
from intake.processes import (
    due_from_today,
    extension_apply,
    extension_form,
    window_transition,
)
from intake.workflow import TransitionForm, waiting_clocks
from labour import selectors, services
from labour.models import Arbitration, Arbitrator, Channel, LabourInspection

# 第35条: the hearing's date and place reach both parties five days before it.
HEARING_NOTICE_DAYS = 5
_AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


def _text(label: Any, required: Any, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required},
    )


def _date(label: Any, required: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={"required": required},
    )


# --- 劳动保障监察 ------------------------------------------------------------------------
class InspectionAcceptForm(TransitionForm):
    owed_amount = forms.DecimalField(label=_("拖欠金额（元）"), required=False, **_AMOUNT)
    workers = forms.IntegerField(label=_("涉及劳动者人数"), min_value=1)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["workers"].initial = self.case.involved_count
        if self.case.amount is not None:
            self.fields["owed_amount"].initial = self.case.amount


class InspectionRefuseForm(TransitionForm):
    channel = forms.ChoiceField(label=_("应当通过的途径"), choices=Channel.choices)
    reason = _text(_("不予受理的理由"), _("请填写不予受理的理由"))
    field_order = ["channel", "reason"]


class OrderForm(TransitionForm):
    kind = forms.ChoiceField(label=_("指令类型"), choices=LabourInspection.OrderKind.choices)
    items = _text(_("违法事实及改正事项"), _("请写明违法事实和应当改正的事项"), rows=3)
    amount = forms.DecimalField(label=_("责令支付金额（元）"), required=False, **_AMOUNT)
    deadline = _date(_("改正期限"), _("请填写改正期限"))

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.localdate():
            raise ValidationError(_("改正期限应当晚于今天"))
        return deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == LabourInspection.OrderKind.PAY and not data.get("amount"):
            self.add_error("amount", _("责令限期支付的，请填写应支付的金额"))
        return data


class InspectionConcludeForm(TransitionForm):
    conclusion = forms.ChoiceField(label=_("结案方式"), choices=LabourInspection.Result.choices)
    recovered = forms.DecimalField(label=_("追回金额（元）"), required=False, **_AMOUNT)
    result = _text(_("结案情况"), _("请填写结案情况"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("conclusion") == LabourInspection.Result.PAID and data.get("recovered") is None:
            self.add_error("recovered", _("已支付结案的，请填写追回（支付）的金额"))
        return data


InspectionExtendForm = extension_form(
    LabourInspection, "labour_inspection_close", _("《劳动保障监察条例》第17条")
)


def _inspection_accept(inspection: LabourInspection, d: dict[str, Any], actor: Any) -> None:
    inspection.labour_inspection_accept(
        actor=actor,
        owed_amount=d.get("owed_amount"),
        workers=d["workers"],
        close_due=due_from_today("labour_inspection_close"),
    )
    inspection.case.handling_start()


def _inspection_refuse(inspection: LabourInspection, d: dict[str, Any], actor: Any) -> None:
    inspection.labour_inspection_refuse(reason=d["reason"], channel=d["channel"])
    inspection.case.handling_end(outcome=Case.Outcome.DECLINED)


# What the inspection's conclusion means for the case.
_INSPECTION_OUTCOMES = {
    LabourInspection.Result.PAID: Case.Outcome.RESOLVED,
    LabourInspection.Result.PENALISED: Case.Outcome.HANDLED,
    LabourInspection.Result.TRANSFERRED: Case.Outcome.HANDLED,
}


def _inspection_conclude(inspection: LabourInspection, d: dict[str, Any], actor: Any) -> None:
    inspection.labour_inspection_conclude(
        conclusion=d["conclusion"], recovered=d.get("recovered"), result=d["result"]
    )
    inspection.case.handling_end(outcome=_INSPECTION_OUTCOMES[d["conclusion"]])


window_transition(
    LabourInspection,
    "labour_inspection_accept",
    _("劳动保障监察立案"),
    InspectionAcceptForm,
    _inspection_accept,
    stops=("labour_inspection_accept",),
    starts=("labour_inspection_close",),
    style="success",
)
window_transition(
    LabourInspection,
    "labour_inspection_refuse",
    _("投诉不予受理（告知其他途径）"),
    InspectionRefuseForm,
    _inspection_refuse,
    stops=("labour_inspection_accept",),
    document=CaseDocument.Kind.LABOUR_INSPECTION_REFUSAL,
    note_field="reason",
    style="secondary",
)
window_transition(
    LabourInspection,
    "labour_inspection_extend",
    _("延长办案期限"),
    InspectionExtendForm,
    lambda i, d, actor: i.labour_inspection_extend(actor=actor, days=d["days"], reason=d["reason"]),
    extension_apply(
        "labour_inspection_close", due_field="close_due", subject=_("劳动保障监察案件办理期限延长")
    ),
    note_field="reason",
    style="warning",
)
window_transition(
    LabourInspection,
    "labour_inspection_order",
    _("责令改正（限期支付）"),
    OrderForm,
    lambda i, d, actor: i.labour_inspection_order(
        kind=d["kind"], items=d["items"], amount=d.get("amount"), deadline=d["deadline"]
    ),
    services.order_notify,
    document=CaseDocument.Kind.LABOUR_ORDER,
    note_field="items",
    style="warning",
)
window_transition(
    LabourInspection,
    "labour_inspection_conclude",
    _("劳动保障监察结案"),
    InspectionConcludeForm,
    _inspection_conclude,
    note_field="result",
    style="success",
)
# 关于实施《劳动保障监察条例》若干规定 第18条: a complaint is opened or not within 5 工作日
# of its receipt.
waiting_clocks(
    "labour",
    "labour_inspection_accept",
    when=lambda case: case.nature in (Case.Nature.LABOUR, Case.Nature.PETITION),
)
# A labour matter's receipt clock (15 日 of labour mediation, started at registration)
# stops when the window takes the case up in any way; triage does not start it.
waiting_clocks("labour", "labour_mediation", when=lambda case: False)


# --- 劳动争议仲裁 ------------------------------------------------------------------------
class ApplyForm(TransitionForm):
    claims = _text(_("仲裁请求及事实理由"), _("请填写仲裁请求"), rows=3)
    kind = forms.ChoiceField(label=_("请求类型"), choices=Arbitration.ClaimKind.choices)
    amount = forms.DecimalField(label=_("请求金额（元）"), required=False, **_AMOUNT)


class _ArbitratorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Arbitrator) -> str:
        return _("%(name)s（在办%(n)d件）") % {"name": obj.name, "n": obj.open_cases}


class _ArbitratorsChoice(forms.ModelMultipleChoiceField):
    label_from_instance = _ArbitratorChoice.label_from_instance


class ArbitrationAcceptForm(TransitionForm):
    arbitrators = _ArbitratorsChoice(
        label=_("仲裁庭组成人员（独任1人或合议3人）"), queryset=Arbitrator.objects.none()
    )
    presiding = _ArbitratorChoice(label=_("首席（独任）仲裁员"), queryset=Arbitrator.objects.none())
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The least busy first (the registry's caseload, like the mediators' suggestions).
        pool = selectors.arbitrators_by_caseload(self.case.county_id)
        self.fields["arbitrators"].queryset = pool
        self.fields["presiding"].queryset = pool

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen, presiding = data.get("arbitrators"), data.get("presiding")
        # 第31条: three arbitrators with a presiding one; a simple case by one alone.
        if chosen is not None and len(chosen) not in (1, 3):
            self.add_error(
                "arbitrators", _("仲裁庭由三名仲裁员组成，简单案件可由一名仲裁员独任（第31条）")
            )
        if chosen is not None and presiding is not None and presiding not in chosen:
            self.add_error("presiding", _("首席（独任）仲裁员须在仲裁庭组成人员之中"))
        return data


class ArbitrationRefuseForm(TransitionForm):
    reason = _text(_("不予受理的理由"), _("请填写不予受理的理由"))


class HearingForm(TransitionForm):
    at = forms.DateTimeField(
        label=_("开庭时间"),
        widget=DateTimeInput(),
        error_messages={"required": _("请填写开庭时间")},
    )
    place = forms.CharField(
        label=_("开庭地点"), max_length=200, error_messages={"required": _("请填写开庭地点")}
    )

    def clean_at(self):
        at = self.cleaned_data["at"]
        earliest = timezone.localdate() + timedelta(days=HEARING_NOTICE_DAYS)
        if timezone.localdate(at) < earliest:
            raise ValidationError(
                _("开庭日期最早为%(day)s：开庭通知应在开庭五日前送达双方当事人（第35条）")
                % {"day": date_format(earliest, "DATE_FORMAT")}
            )
        arbitration = getattr(self.case, "arbitration", None)
        due = arbitration.award_due if arbitration is not None else None
        if due is not None and timezone.localdate(at) > due:
            raise ValidationError(
                _("开庭日期不能晚于裁决期限%(day)s") % {"day": date_format(due, "DATE_FORMAT")}
            )
        return at


ArbitrationExtendForm = extension_form(
    Arbitration, "labour_arbitration_award", _("《劳动争议调解仲裁法》第43条")
)


class SettleForm(TransitionForm):
    terms = _text(_("调解协议内容"), _("请填写调解协议内容"), rows=3)


class AwardForm(TransitionForm):
    facts = _text(_("仲裁庭查明的事实"), _("请填写查明的事实"), rows=3)
    text = _text(_("裁决结果"), _("请填写裁决结果"), rows=3)
    amount = forms.DecimalField(label=_("裁决支付金额（元）"), required=False, **_AMOUNT)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        arbitration = getattr(self.case, "arbitration", None)
        if arbitration is not None and not self.errors:
            try:
                data["final"], data["final_ground"] = selectors.award_finality(
                    arbitration, data.get("amount")
                )
            except ValidationError as exc:
                self.add_error("amount", exc)
        return data


class ArbitrationConcludeForm(TransitionForm):
    ending = forms.ChoiceField(label=_("结案情况"), choices=Arbitration.Ending.choices)
    result = _text(_("说明"), _("请填写结案说明"))


def _apply(arbitration: Arbitration, d: dict[str, Any], actor: Any) -> None:
    arbitration.labour_arbitration_apply(claims=d["claims"], kind=d["kind"], amount=d.get("amount"))
    arbitration.case.handling_start()


def _accept(arbitration: Arbitration, d: dict[str, Any], actor: Any) -> None:
    arbitration.labour_arbitration_accept(
        actor=actor,
        presiding=d["presiding"],
        award_due=due_from_today("labour_arbitration_award"),
    )


def _refuse(arbitration: Arbitration, d: dict[str, Any], actor: Any) -> None:
    arbitration.labour_arbitration_refuse(reason=d["reason"])
    arbitration.case.handling_end(outcome=Case.Outcome.DECLINED)


def _settle(arbitration: Arbitration, d: dict[str, Any], actor: Any) -> None:
    arbitration.labour_arbitration_settle(terms=d["terms"])
    arbitration.case.handling_end(outcome=Case.Outcome.RESOLVED)


def _award(arbitration: Arbitration, d: dict[str, Any], actor: Any) -> None:
    arbitration.labour_arbitration_award(
        facts=d["facts"],
        text=d["text"],
        amount=d.get("amount"),
        final=d["final"],
        final_ground=d["final_ground"],
    )


_ENDINGS = {
    Arbitration.Ending.PERFORMED: Case.Outcome.RESOLVED,
    Arbitration.Ending.ENFORCED: Case.Outcome.RESOLVED,
    Arbitration.Ending.LAPSED: Case.Outcome.RESOLVED,
    Arbitration.Ending.SUED: Case.Outcome.LITIGATED,
}


def _conclude(arbitration: Arbitration, d: dict[str, Any], actor: Any) -> None:
    arbitration.labour_arbitration_conclude(ending=d["ending"], result=d["result"])
    arbitration.case.handling_end(outcome=_ENDINGS[d["ending"]])


_BOTH = (CaseParty.Role.APPLICANT, CaseParty.Role.RESPONDENT)

window_transition(
    Arbitration,
    "labour_arbitration_apply",
    _("申请劳动争议仲裁"),
    ApplyForm,
    _apply,
    services.mediation_close_for_arbitration,
    starts=("labour_arbitration_accept",),
    # The desk records the application; the commission decides on it (第29条).
    assignee=lambda arbitration, actor: selectors.chair_user(arbitration.case.county_id),
    note_field="claims",
)
window_transition(
    Arbitration,
    "labour_arbitration_accept",
    _("受理仲裁申请"),
    ArbitrationAcceptForm,
    _accept,
    lambda a, actor, d: a.arbitrators.set(d["arbitrators"]),
    stops=("labour_arbitration_accept",),
    starts=("labour_arbitration_award",),
    document=CaseDocument.Kind.ARBITRATION_ACCEPTANCE,
    style="success",
)
window_transition(
    Arbitration,
    "labour_arbitration_refuse",
    _("不予受理仲裁申请"),
    ArbitrationRefuseForm,
    _refuse,
    stops=("labour_arbitration_accept",),
    document=CaseDocument.Kind.ARBITRATION_REFUSAL,
    note_field="reason",
    style="secondary",
)
window_transition(
    Arbitration,
    "labour_arbitration_hearing",
    _("安排开庭（通知双方）"),
    HearingForm,
    lambda a, d, actor: a.labour_arbitration_hearing(at=d["at"], place=d["place"]),
    services.hearing_notify,
    document=CaseDocument.Kind.ARBITRATION_HEARING,
)
window_transition(
    Arbitration,
    "labour_arbitration_extend",
    _("延长审理期限"),
    ArbitrationExtendForm,
    lambda a, d, actor: a.labour_arbitration_extend(
        actor=actor, days=d["days"], reason=d["reason"]
    ),
    extension_apply(
        "labour_arbitration_award",
        due_field="award_due",
        roles=_BOTH,
        subject=_("劳动争议仲裁审理期限延长"),
    ),
    note_field="reason",
    style="warning",
)
window_transition(
    Arbitration,
    "labour_arbitration_settle",
    _("仲裁调解结案（调解书）"),
    SettleForm,
    _settle,
    stops=("labour_arbitration_award",),
    document=CaseDocument.Kind.ARBITRATION_MEDIATION,
    note_field="terms",
    style="success",
)
window_transition(
    Arbitration,
    "labour_arbitration_award",
    _("作出仲裁裁决"),
    AwardForm,
    _award,
    stops=("labour_arbitration_award",),
    document=CaseDocument.Kind.ARBITRATION_AWARD,
    note_field="text",
    style="success",
)
window_transition(
    Arbitration,
    "labour_arbitration_conclude",
    _("仲裁结案"),
    ArbitrationConcludeForm,
    _conclude,
    note_field="result",
    style="success",
)
