from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.forms import BootstrapMixin
from feedback.models import COMMENT_MAX, Rating
from intake.forms import ProgressForm
from intake.models import Case, CaseParty, Party


class PublicRatingForm(ProgressForm):
    """The progress page's proof (number + last four digits) and the rating."""

    value = forms.ChoiceField(
        label=_("评价"),
        choices=Rating.Value.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意、基本满意或不满意")},
    )
    comment = forms.CharField(
        label=_("意见（选填）"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    via = forms.CharField(required=False, widget=forms.HiddenInput)


class CallBackForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("回访日期"), initial=timezone.localdate)
    summary = forms.CharField(
        label=_("回访情况"),
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": _("请填写回访情况")},
    )


class KeepForm(BootstrapMixin, forms.Form):
    explanation = forms.CharField(
        label=_("解释说明（维持原办理结果的理由）"),
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": _("请填写解释说明")},
    )


class ReopenForm(BootstrapMixin, forms.Form):
    to_state = forms.ChoiceField(
        label=_("重新办理至"),
        choices=[(s, Case.State(s).label) for s in Case.REOPEN_TARGETS],
    )
    reason = forms.CharField(
        label=_("重新办理原因"),
        max_length=500,
        widget=forms.Textarea,
        error_messages={"required": _("请填写重新办理原因")},
    )


class StaffRatingForm(BootstrapMixin, forms.Form):
    """A rating a party gave at the window or on the phone, recorded by the supervisor."""

    party = forms.ModelChoiceField(label=_("评价人"), queryset=Party.objects.none())
    value = forms.ChoiceField(label=_("评价"), choices=Rating.Value.choices)
    comment = forms.CharField(label=_("意见（选填）"), required=False, max_length=COMMENT_MAX)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        rated = Rating.objects.filter(case=case).values("party_id")
        self.fields["party"].queryset = Party.objects.filter(
            case_parties__case=case, case_parties__role=CaseParty.Role.APPLICANT
        ).exclude(pk__in=rated)
