"""The system administrator's pages: subscriptions (the secret is shown once, when one is
created) and each subscription's delivery log, read-only, with a replay action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from centre.admin import AuditedAdmin, ReadOnlyAdmin
from partners.forms import SubscriptionForm
from partners.models import WebhookDelivery, WebhookSubscription
from partners.services import delivery_replay, subscription_create


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AuditedAdmin):
    form = SubscriptionForm
    list_display = ["partner", "url", "algorithm", "full_personal_data", "county_wide", "active"]
    list_filter = ["active", "algorithm"]
    list_select_related = ["partner"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = subscription_create(actor=request.user, subscription=obj, request=request)
        messages.warning(
            request,
            _("签名密钥（只显示这一次，请立即交给对接平台）：%(secret)s")
            % {"secret": issued.secret},
        )

    def log_addition(self, request, obj, message):
        # subscription_create wrote the audit row; Django's own LogEntry only.
        return admin.ModelAdmin.log_addition(self, request, obj, message)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "event_id",
        "event",
        "subscription",
        "status",
        "attempts",
        "last_status",
        "occurred_at",
        "delivered_at",
    ]
    list_filter = ["status", "event", "subscription"]
    list_select_related = ["subscription__partner"]
    search_fields = ["=event_id"]
    fields = [
        "subscription",
        "event_id",
        "event",
        "occurred_at",
        "status",
        "attempts",
        "started_at",
        "expires_at",
        "last_status",
        "error",
        "delivered_at",
        "payload",
    ]
    actions = ["replay"]

    @admin.action(description=_("重新推送（事件编号不变）"), permissions=["replay"])
    def replay(self, request, queryset):
        count = delivery_replay(actor=request.user, deliveries=queryset, request=request)
        self.message_user(
            request,
            ngettext("已重新推送%(count)d条", "已重新推送%(count)d条", count) % {"count": count},
        )

    def has_replay_permission(self, request) -> bool:
        return request.user.has_perm("partners.replay_webhookdelivery")
