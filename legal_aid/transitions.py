"""The legal-aid window's steps, fired through the case's transitions door (names are the
issue's contract). Articles: 《法律援助法》(2021)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.models import Case, CaseDocument
from intake.processes import ReasonForm, window_transition
from intake.workflow import TransitionForm, waiting_clocks
from legal_aid import services
from legal_aid.models import AidResult, ExemptCategory, Ground, LegalAid, Provider


def _text(label: Any, required_message: Any, rows: int = 2, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=kwargs.pop("max_length", 2000),
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message},
        **kwargs,
    )


class AnswerForm(TransitionForm):
    answer = _text(_("解答内容"), _("请填写解答内容"), rows=3)


class GrantForm(TransitionForm):
    matter = forms.CharField(
        label=_("援助事项"),
        max_length=200,
        error_messages={"required": _("请填写援助事项（如：追索劳动报酬）")},
    )
    ground = forms.ChoiceField(
        label=_("给予理由"), choices=[("", "——"), *Ground.choices], required=False
    )
    hardship_finding = forms.CharField(
        label=_("经济困难核查情况（第41条）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    exempt_category = forms.ChoiceField(
        label=_("免予核查类别"), choices=[("", "——"), *ExemptCategory.choices], required=False
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ground = data.get("ground")
        if not ground:
            self.add_error(
                "ground",
                _("请选择给予法律援助的理由：经济困难已核查，或属于免予核查的人员（第41、42条）"),
            )
        elif ground == Ground.HARDSHIP and not data.get("hardship_finding", "").strip():
            self.add_error("hardship_finding", _("以经济困难为由的，请填写核查情况"))
        elif ground == Ground.EXEMPT and not data.get("exempt_category"):
            self.add_error("exempt_category", _("免予核查经济困难的，请选择所属类别（第42条）"))
        if ground == Ground.HARDSHIP:
            data["exempt_category"] = ""
        elif ground == Ground.EXEMPT:
            data["hardship_finding"] = ""
        return data


class RefuseForm(TransitionForm):
    reason = _text(_("不予法律援助的理由"), _("请填写不予法律援助的理由"))


class AssignForm(TransitionForm):
    provider = forms.ModelChoiceField(
        label=_("承办人员"),
        queryset=Provider.objects.none(),
        error_messages={"required": _("请选择承办的律师或法律援助人员")},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(
            county_id=self.case.county_id, active=True
        )


class ObjectionDecideForm(TransitionForm):
    decision = forms.ChoiceField(label=_("审查决定"), choices=LegalAid.Decision.choices)
    reason = _text(_("审查理由"), _("请填写审查理由"))


class ConcludeForm(TransitionForm):
    aid_result = forms.ChoiceField(
        label=_("援助结果"), choices=[("", "——"), *AidResult.choices], required=False
    )
    result = _text(_("结案情况"), _("请填写结案情况"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        aid = getattr(self.case, "legalaid", None)
        if aid is not None and aid.state == LegalAid.State.ASSIGNED and not data.get("aid_result"):
            self.add_error("aid_result", _("请选择援助事项的结果"))
        return data


# What the aided matter's result means for the case.
_OUTCOMES = {
    AidResult.WON: Case.Outcome.RESOLVED,
    AidResult.PARTIAL: Case.Outcome.RESOLVED,
    AidResult.SETTLED: Case.Outcome.RESOLVED,
    AidResult.LOST: Case.Outcome.UNRESOLVED,
    AidResult.TERMINATED: Case.Outcome.HANDLED,
}


def _answer(aid: LegalAid, d: dict[str, Any], actor: Any) -> None:
    aid.legal_aid_answer(actor=actor, answer=d["answer"])
    window = None if aid.case.window_id else aid.case.suggested_window
    aid.case.handling_end(outcome=Case.Outcome.ANSWERED, window=window)


def _grant(aid: LegalAid, d: dict[str, Any], actor: Any) -> None:
    aid.legal_aid_grant(
        actor=actor,
        ground=d["ground"],
        hardship_finding=d["hardship_finding"],
        exempt_category=d["exempt_category"],
        matter=d["matter"],
    )
    aid.case.handling_start()


def _refuse(aid: LegalAid, d: dict[str, Any], actor: Any) -> None:
    aid.legal_aid_refuse(actor=actor, reason=d["reason"])
    aid.case.handling_start()


def _conclude(aid: LegalAid, d: dict[str, Any], actor: Any) -> None:
    refused = aid.state != LegalAid.State.ASSIGNED
    aid.legal_aid_conclude(aid_result="" if refused else d["aid_result"], result=d["result"])
    aid.case.handling_end(
        outcome=Case.Outcome.REFUSED if refused else _OUTCOMES[AidResult(aid.aid_result)]
    )


window_transition(
    LegalAid,
    "legal_aid_answer",
    _("当场解答（法律咨询）"),
    AnswerForm,
    _answer,
    stops=("legal_aid_decide",),
    note_field="answer",
    style="success",
)
window_transition(
    LegalAid,
    "legal_aid_grant",
    _("决定给予法律援助"),
    GrantForm,
    _grant,
    stops=("legal_aid_decide",),
    starts=("legal_aid_assign",),
    document=CaseDocument.Kind.LEGAL_AID_DECISION,
    style="success",
)
window_transition(
    LegalAid,
    "legal_aid_refuse",
    _("决定不予法律援助"),
    RefuseForm,
    _refuse,
    stops=("legal_aid_decide",),
    document=CaseDocument.Kind.LEGAL_AID_REFUSAL,
    note_field="reason",
    style="secondary",
)
window_transition(
    LegalAid,
    "legal_aid_assign",
    _("指派承办人员"),
    AssignForm,
    lambda aid, d, actor: aid.legal_aid_assign(provider=d["provider"]),
    services.assignment_notify,
    stops=("legal_aid_assign",),
    document=CaseDocument.Kind.LEGAL_AID_ASSIGNMENT,
    style="primary",
)
window_transition(
    LegalAid,
    "legal_aid_object",
    _("登记异议（向司法行政部门）"),
    ReasonForm,
    lambda aid, d, actor: aid.legal_aid_object(reason=d["reason"]),
    starts=("legal_aid_objection",),
    note_field="reason",
    style="warning",
)
window_transition(
    LegalAid,
    "legal_aid_objection_decide",
    _("作出异议审查决定"),
    ObjectionDecideForm,
    lambda aid, d, actor: aid.legal_aid_objection_decide(
        actor=actor, decision=d["decision"], reason=d["reason"]
    ),
    services.objection_decided,
    stops=("legal_aid_objection",),
    note_field="reason",
)
window_transition(
    LegalAid,
    "legal_aid_conclude",
    _("法律援助结案"),
    ConcludeForm,
    _conclude,
    note_field="result",
    style="success",
)

# 《法律援助法》第43条: the 7 日 to decide run from the application's receipt.
# A consultation is answered, not decided.
waiting_clocks(
    "legal_aid",
    "legal_aid_decide",
    when=lambda case: case.nature != Case.Nature.CONSULTATION,
)
