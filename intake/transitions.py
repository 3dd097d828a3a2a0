"""The transitions intake carries out end to end: triage, refer, close, withdraw, reopen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from centre import clocks
from centre.models import Window
from intake import services as intake_services
from intake.models import Case, CaseDocument
from intake.workflow import TransitionForm, TransitionSpec, register, waiting_clocks_start


def _triaged(case: Case, actor: Any, data: dict[str, Any]) -> None:
    waiting_clocks_start(case, actor)
    # The receipt said 待分流（建议：…）: reprinted now, it names the window handling it.
    intake_services.document_refresh(case=case, kind=CaseDocument.Kind.RECEIPT)


class _WindowField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any):
        super().__init__(queryset=Window.objects.all(), to_field_name="code", **kwargs)


class TriageForm(TransitionForm):
    window = _WindowField(label=_("分流窗口"))
    note = forms.CharField(label=_("说明（改派时必填理由）"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.case.suggested_window_id and not self.is_bound:
            self.initial["window"] = self.case.suggested_window.code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        window = data.get("window")
        overridden = window is not None and window.pk != self.case.suggested_window_id
        if overridden and not data.get("note", "").strip():
            self.add_error("note", _("与建议窗口不同，请填写改派理由"))
        return data


class ReferForm(TransitionForm):
    window = _WindowField(label=_("转办窗口"))
    note = forms.CharField(
        label=_("转办说明"), max_length=500, error_messages={"required": _("请填写转办说明")}
    )


class CloseForm(TransitionForm):
    outcome = forms.ChoiceField(
        label=_("办结结果"),
        choices=[c for c in Case.Outcome.choices if c[0] != Case.Outcome.WITHDRAWN],
    )
    note = forms.CharField(label=_("办结说明"), required=False, max_length=500)

    # What closing usually records from each state: a case the court took is closed on its
    # real outcome (诉讼解决), not as 已化解 by a careless default.
    DEFAULT_OUTCOME = {
        Case.State.LITIGATING: Case.Outcome.LITIGATED,
        Case.State.CONFIRMED: Case.Outcome.CONFIRMED,
        Case.State.AGREED: Case.Outcome.PERFORMED,
        Case.State.REFERRED: Case.Outcome.HANDLED,
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.case.state in self.DEFAULT_OUTCOME:
            self.initial["outcome"] = self.DEFAULT_OUTCOME[self.case.state]


class ReopenForm(TransitionForm):
    to_state = forms.ChoiceField(
        label=_("重新办理至"),
        choices=[(s, Case.State(s).label) for s in Case.REOPEN_TARGETS],
    )
    reason = forms.CharField(
        label=_("重新办理原因"),
        max_length=500,
        error_messages={"required": _("请填写重新办理原因")},
    )

    def clean_to_state(self) -> str:
        to_state = self.cleaned_data["to_state"]
        if to_state == Case.State.MEDIATING and self.case.mediation_started_at is None:
            raise forms.ValidationError(_("该案件未经调解，不能重新调解，请选择重新分流"))
        return to_state


class WithdrawForm(TransitionForm):
    reason = forms.CharField(
        label=_("撤回原因"), max_length=500, error_messages={"required": _("请填写撤回原因")}
    )


register(
    TransitionSpec(
        name="triage",
        label=_("分流"),
        form=TriageForm,
        apply=lambda case, d: case.triage(
            window=d["window"],
            override_reason=d.get("note", "") if d["window"].pk != case.suggested_window_id else "",
        ),
        after=_triaged,
    )
)


def _stop_clocks(case, actor, data):
    clocks.clocks_stop_for_case(case.number)


register(
    TransitionSpec(
        name="refer",
        label=_("转办"),
        form=ReferForm,
        style="secondary",
        apply=lambda case, d: case.refer(window=d["window"]),
        after=_stop_clocks,
    )
)
register(
    TransitionSpec(
        name="close",
        label=_("办结"),
        form=CloseForm,
        style="success",
        apply=lambda case, d: case.close(outcome=d["outcome"]),
        after=_stop_clocks,
    )
)
register(
    TransitionSpec(
        name="withdraw",
        label=_("撤回"),
        form=WithdrawForm,
        note_field="reason",
        style="danger",
        destructive=True,
        apply=lambda case, d: case.withdraw(),
        after=_stop_clocks,
    )
)


# 不满意 → 回访/重办: the supervisor sends a closed case back to be handled again. Fired
# from the rework ticket's page (feedback app), not from the case's actions box.
register(
    TransitionSpec(
        name="reopen",
        label=_("重新办理"),
        form=ReopenForm,
        note_field="reason",
        style="warning",
        panel_only=True,
        apply=lambda case, d: case.reopen(to_state=d["to_state"], reason=d["reason"]),
    )
)
