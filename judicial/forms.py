from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.forms import BootstrapMixin, DateInput
from intake.forms import CaseForm, PartyFormSet  # noqa: F401  (the delegation page reuses them)


class ExtendForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("延长理由"), max_length=300)


class CourtOutcomeForm(BootstrapMixin, forms.Form):
    court_case_number = forms.CharField(label=_("法院案号"), max_length=60)
    accepted_on = forms.DateField(
        label=_("立案日期"),
        initial=timezone.localdate,
        widget=DateInput(),
    )


class DelegationForm(BootstrapMixin, forms.Form):
    court_reference = forms.CharField(label=_("法院收案编号"), max_length=60)
    received_on = forms.DateField(
        label=_("收到材料日期"),
        initial=timezone.localdate,
        widget=DateInput(),
    )
