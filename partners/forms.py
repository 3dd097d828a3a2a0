from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from centre.admin import CheckedModelForm
from partners.models import EVENT_PATTERNS, EVENTS, WebhookSubscription


class SubscriptionForm(CheckedModelForm):
    url = forms.URLField(label=_("推送地址"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("订阅事件"),
        choices=[(name, name) for name in (*EVENTS, *EVENT_PATTERNS)],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("订阅事件：至少选择一个事件")},
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "partner",
            "url",
            "events",
            "algorithm",
            "full_personal_data",
            "county_wide",
            "active",
        ]

    def clean(self):
        data = super().clean()
        partner = data.get("partner")
        if partner is not None:
            if data.get("county_wide") and not partner.county_id:
                self.add_error("county_wide", _("推送本县全部案件：该平台账号未设置所属县"))
            if not data.get("county_wide") and not partner.source:
                self.add_error(
                    "county_wide", _("该平台账号没有来源代码，只能推送本县全部案件和事件")
                )
        return data
