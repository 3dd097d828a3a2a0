"""The petition window's steps, fired through the case's transitions door (names are the
issue's contract). Articles: 《信访工作条例》(2022)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intake.models import Case, CaseDocument
from intake.processes import (
    ReasonForm,
    due_from_today,
    extension_apply,
    extension_form,
    window_transition,
)
from intake.workflow import TransitionForm, waiting_clocks
from mediation.transitions import StartMediationForm
from petitions import selectors, services
from petitions.models import Channel, Opinion, Petition


class AcceptForm(TransitionForm):
    skip_level = forms.BooleanField(
        label=_("越级信访（未向依法有权处理的本级或下级机关提出）"), required=False
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class DeclineForm(AcceptForm):
    # 诉访分离 (第31条): the notice names the channel the matter belongs to.
    channel = forms.ChoiceField(label=_("应当通过的途径"), choices=Channel.choices)
    reason = forms.CharField(
        label=_("不予受理的理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写不予受理的理由")},
    )
    note = None  # the reason is the note
    field_order = ["channel", "reason", "skip_level"]


# 第34条: extended once, by no more than 30 日 (the rule's extension), the petitioner told.
ExtendForm = extension_form(Petition, "petition_handle", _("《信访工作条例》第34条"))


class OpinionForm(TransitionForm):
    opinion = forms.ChoiceField(label=_("处理意见"), choices=Opinion.choices)
    text = forms.CharField(
        label=_("意见书正文（查明的事实、处理意见及依据）"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写意见书正文")},
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) < 10:
            raise ValidationError(_("意见书正文过短：请写明查明的事实、处理意见及依据"))
        return text


class ToMediationForm(StartMediationForm):
    """访调对接: the mediation organisation and mediators, chosen as the mediation window
    chooses them; the linkage is the petition's (访调)."""

    linkage = None


class ConcludeForm(TransitionForm):
    result = forms.CharField(
        label=_("办结情况"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写办结情况")},
    )


def _accept(petition: Petition, d: dict[str, Any], actor: Any) -> None:
    petition.petition_accept(
        actor=actor, skip_level=d["skip_level"], **selectors.flags(petition.case)
    )
    petition.handle_due = due_from_today("petition_handle")
    petition.case.handling_start()
    services.risk_mirror(petition)


def _decline(petition: Petition, d: dict[str, Any], actor: Any) -> None:
    petition.petition_decline(
        reason=d["reason"],
        channel=d["channel"],
        skip_level=d["skip_level"],
        **selectors.flags(petition.case),
    )
    petition.case.handling_end(outcome=Case.Outcome.DECLINED)
    services.risk_mirror(petition)


def _reply(step: str, rule_for_next: str | None):
    def apply(petition: Petition, d: dict[str, Any], actor: Any) -> None:
        due = due_from_today(rule_for_next) if rule_for_next else None
        kwargs = {"opinion": d["opinion"], "text": d["text"]}
        if rule_for_next:
            kwargs["request_due"] = due
        getattr(petition, step)(**kwargs)
        if petition.case.state != Case.State.HANDLING:
            petition.case.handling_resume()

    return apply


def _conclude(petition: Petition, d: dict[str, Any], actor: Any) -> None:
    petition.petition_conclude(result=d["result"])
    petition.case.handling_end(outcome=Case.Outcome.HANDLED)


window_transition(
    Petition,
    "petition_accept",
    _("受理信访事项"),
    AcceptForm,
    _accept,
    stops=("petition_notice",),
    starts=("petition_handle",),
    document=CaseDocument.Kind.PETITION_ACCEPTANCE,
    style="success",
)
window_transition(
    Petition,
    "petition_decline",
    _("不予受理（告知其他途径）"),
    DeclineForm,
    _decline,
    stops=("petition_notice",),
    document=CaseDocument.Kind.PETITION_DECLINED,
    note_field="reason",
    style="secondary",
)
window_transition(
    Petition,
    "petition_extend",
    _("延长办理期限"),
    ExtendForm,
    lambda p, d, actor: p.petition_extend(actor=actor, days=d["days"], reason=d["reason"]),
    extension_apply("petition_handle", due_field="handle_due", subject=_("信访事项办理期限延长")),
    note_field="reason",
    style="warning",
)
window_transition(
    Petition,
    "petition_to_mediation",
    _("转人民调解（访调对接）"),
    ToMediationForm,
    lambda p, d, actor: (p.petition_to_mediation(), p.case.handling_to_mediation()),
    services.mediation_send,
    panel_only=True,
)
window_transition(
    Petition,
    "petition_reply",
    _("书面答复（处理意见书）"),
    OpinionForm,
    _reply("petition_reply", "petition_review_request"),
    stops=("petition_handle",),
    starts=("petition_review_request",),
    document=CaseDocument.Kind.PETITION_OPINION,
    note_field="text",
    style="success",
)
window_transition(
    Petition,
    "petition_review_request",
    _("登记复查请求"),
    ReasonForm,
    lambda p, d, actor: p.petition_review_request(reason=d["reason"]),
    stops=("petition_review_request",),
    starts=("petition_review",),
    note_field="reason",
)
window_transition(
    Petition,
    "petition_review_reply",
    _("作出复查意见"),
    OpinionForm,
    _reply("petition_review_reply", "petition_recheck_request"),
    stops=("petition_review",),
    starts=("petition_recheck_request",),
    document=CaseDocument.Kind.PETITION_REVIEW_OPINION,
    note_field="text",
    style="success",
)
window_transition(
    Petition,
    "petition_recheck_request",
    _("登记复核请求"),
    ReasonForm,
    lambda p, d, actor: p.petition_recheck_request(reason=d["reason"]),
    stops=("petition_recheck_request",),
    starts=("petition_recheck",),
    note_field="reason",
)
window_transition(
    Petition,
    "petition_recheck_reply",
    _("作出复核意见（终结）"),
    OpinionForm,
    _reply("petition_recheck_reply", None),
    stops=("petition_recheck",),
    document=CaseDocument.Kind.PETITION_RECHECK_OPINION,
    note_field="text",
    style="success",
)
window_transition(
    Petition,
    "petition_conclude",
    _("信访事项办结"),
    ConcludeForm,
    _conclude,
    note_field="result",
    style="success",
)

# 《信访工作条例》第22条: the 15 日 to tell the petitioner run from receipt, whatever the
# desk called the matter.
waiting_clocks("petition", "petition_notice")
