"""The workflow steps judicial carries out: apply_confirmation, confirm,
refuse_confirmation, not_accept_confirmation, hand_off (names and fields are the intake
issue's contract)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intake.workflow import TransitionForm, TransitionSpec, register
from judicial import services
from judicial.models import CivilCause, Confirmation, Court


class _CourtField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any):
        super().__init__(
            queryset=Court.objects.none(),
            required=False,
            empty_label=_("本县基层人民法院（默认）"),
            **kwargs,
        )


class ApplyConfirmationForm(TransitionForm):
    court = _CourtField(label=_("受理法院"))
    statements = forms.CharField(
        label=_("当事人陈述（申请理由、自愿达成协议的说明）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = Court.objects.filter(county_id=self.case.county_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        agreement = services.latest_agreement(self.case)
        if agreement is None:
            raise ValidationError(_("本案没有调解协议，不能申请司法确认"))
        services.check_in_time(agreement)
        if data.get("court") is None and services.default_court(self.case.county_id) is None:
            self.add_error("court", _("本县尚未配置人民法院"))
        return data


def _not_accepted(case) -> str:
    """A ruling (确认 or 驳回) is made on an application the court has accepted (受理,
    民事诉讼法 第205条, 法释〔2011〕5号 第4条): before that the judge is offered 受理 only."""
    confirmation = services.open_confirmation(case)
    if confirmation is None:
        return str(_("没有待审查的司法确认申请"))
    if confirmation.accepted_at is None:
        return str(_("法院尚未受理该申请，请先受理"))
    return ""


def _accepted(case) -> str:
    """不予受理 is the court's answer before acceptance (民诉法解释 第355条第1款); once it
    has accepted, the same grounds lead to a refusal (第2款)."""
    confirmation = services.open_confirmation(case)
    if confirmation is None:
        return str(_("没有待审查的司法确认申请"))
    if confirmation.accepted_at is not None:
        return str(_("法院已受理该申请；受理后发现不应受理的，应当裁定驳回申请"))
    return ""


class ConfirmForm(TransitionForm):
    note = forms.CharField(
        label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefuseConfirmationForm(TransitionForm):
    ground = forms.ChoiceField(
        label=_("驳回理由（民诉法解释第358条）"),
        choices=Confirmation.Ground.choices,
        initial=Confirmation.Ground.OTHER,
        required=False,
    )
    reason = forms.CharField(
        label=_("裁定理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写驳回的理由")},
    )


class NotAcceptConfirmationForm(TransitionForm):
    ground = forms.ChoiceField(
        label=_("不予受理的理由（民诉法解释第355条）"),
        choices=Confirmation.NotAcceptedGround.choices,
        error_messages={"required": _("请选择不予受理的理由")},
    )
    reason = forms.CharField(
        label=_("具体情况"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写不予受理的具体情况")},
    )


class HandOffForm(TransitionForm):
    """引导诉讼: what the parties' complaint needs (民事诉讼法 第124条), told at the window."""

    court = _CourtField(label=_("指引起诉的法院"))
    cause = forms.ChoiceField(
        label=_("民事案由"),
        choices=[("", "——"), *CivilCause.choices],
        error_messages={"required": _("请选择民事案由")},
    )
    claims = forms.CharField(
        label=_("诉讼请求"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写诉讼请求")},
    )
    facts_reasons = forms.CharField(
        label=_("事实与理由（留空则取案件事项和调解不成的原因）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.Field(
        label=_("证据清单（每行一项：证据名称｜来源｜证明内容）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    party_details = forms.Field(
        label=_("当事人民族、职业、工作单位（每行一人：姓名｜民族｜职业｜工作单位，已知的填写）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = Court.objects.filter(county_id=self.case.county_id)

    def clean_evidence(self) -> list[dict[str, str]]:
        try:
            return services.evidence_check(self.cleaned_data.get("evidence"))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def clean_party_details(self) -> dict[str, dict[str, str]]:
        try:
            return services.party_details_check(self.case, self.cleaned_data.get("party_details"))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


register(
    TransitionSpec(
        name="apply_confirmation",
        label=_("申请司法确认"),
        form=ApplyConfirmationForm,
        apply=lambda case, d: case.apply_confirmation(),
        after=lambda case, actor, d: services.confirmation_apply(
            actor=actor, case=case, court=d.get("court"), statements=d.get("statements", "")
        ),
    )
)
register(
    TransitionSpec(
        name="confirm",
        label=_("裁定确认调解协议有效"),
        form=ConfirmForm,
        style="success",
        unavailable=_not_accepted,
        apply=lambda case, d: case.confirm(),
        after=lambda case, actor, d: services.confirmation_decide(
            actor=actor,
            case=case,
            decision=Confirmation.Decision.CONFIRMED,
            reason=d.get("note", ""),
        ),
    )
)
register(
    TransitionSpec(
        name="refuse_confirmation",
        label=_("裁定驳回申请"),
        form=RefuseConfirmationForm,
        note_field="reason",
        style="danger",
        unavailable=_not_accepted,
        apply=lambda case, d: case.refuse_confirmation(),
        after=lambda case, actor, d: services.confirmation_decide(
            actor=actor,
            case=case,
            decision=Confirmation.Decision.REFUSED,
            reason=d["reason"],
            ground=d.get("ground") or Confirmation.Ground.OTHER,
        ),
    )
)
register(
    TransitionSpec(
        name="not_accept_confirmation",
        label=_("裁定不予受理"),
        form=NotAcceptConfirmationForm,
        note_field="reason",
        style="secondary",
        unavailable=_accepted,
        apply=lambda case, d: case.not_accept_confirmation(),
        after=lambda case, actor, d: services.confirmation_not_accept(
            actor=actor, case=case, ground=d["ground"], reason=d["reason"]
        ),
    )
)
register(
    TransitionSpec(
        name="hand_off",
        label=_("引导诉讼"),
        form=HandOffForm,
        style="secondary",
        apply=lambda case, d: case.hand_off(),
        after=lambda case, actor, d: services.handoff_request(
            actor=actor,
            case=case,
            court=d.get("court"),
            cause=d["cause"],
            claims=d["claims"],
            facts_reasons=d.get("facts_reasons", ""),
            evidence=d.get("evidence"),
            party_details=d.get("party_details"),
        ),
    )
)
