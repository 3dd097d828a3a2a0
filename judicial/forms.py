from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.forms import BootstrapMixin, DateInput
from intake.forms import CaseForm, PartyFormSet  # noqa: F401  (the delegation page reuses them)
from judicial.models import Court
from judicial.services import clerk_choices


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


class ClerkForm(BootstrapMixin, forms.Form):
    """The court clerk (书记员) of an application under review: one of its court's clerks."""

    clerk = forms.ModelChoiceField(
        label=_("书记员"),
        queryset=None,
        error_messages={
            "required": _("请选择书记员"),
            "invalid_choice": _("所选人员不是受理法院的书记员"),
        },
    )

    def __init__(self, *args: Any, court: Court, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["clerk"]
        field.queryset = clerk_choices(court)
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()
