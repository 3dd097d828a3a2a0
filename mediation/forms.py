from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from centre.forms import BootstrapMixin, DateInput, DateTimeInput
from centre.validators import validate_day_in_range
from mediation.models import Agreement, Session


class SessionForm(BootstrapMixin, forms.Form):
    """Schedule a session (scheduled_at) or record one that was held (held_at)."""

    scheduled_at = forms.DateTimeField(
        label=_("安排时间"),
        required=False,
        widget=DateTimeInput(),
    )
    held_at = forms.DateTimeField(
        label=_("实际调解时间"),
        required=False,
        widget=DateTimeInput(),
    )
    place = forms.ChoiceField(label=_("方式"), choices=Session.Place.choices)
    location = forms.CharField(label=_("地点"), required=False, max_length=200)
    attendees = forms.CharField(
        label=_("参加人员（逗号或顿号分隔）"), required=False, max_length=500
    )
    record = forms.CharField(
        label=_("调解笔录（各方陈述）"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    proposals = forms.CharField(
        label=_("调解方案"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.CharField(label=_("本次结果"), required=False, max_length=1000)

    def clean_attendees(self) -> list[str]:
        raw = self.cleaned_data["attendees"].replace("、", ",").replace("，", ",")
        return [name.strip() for name in raw.split(",") if name.strip()]

    def clean(self):
        data = super().clean()
        if not data.get("scheduled_at") and not data.get("held_at"):
            raise forms.ValidationError(_("请填写安排时间或实际调解时间"))
        if data.get("held_at") and not data.get("record"):
            self.add_error("record", _("已进行的调解须填写笔录"))
        return data


class PerformanceForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("履行情况"),
        choices=[c for c in Agreement.Performance.choices if c[0] != Agreement.Performance.PENDING],
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class CorrectionForm(BootstrapMixin, forms.Form):
    terms = forms.CharField(label=_("达成协议的内容"), widget=forms.Textarea(attrs={"rows": 3}))
    performance_due = forms.DateField(
        label=_("履行期限"), widget=DateInput(), validators=[validate_day_in_range]
    )
    correction_note = forms.CharField(label=_("更正说明"), max_length=200)
