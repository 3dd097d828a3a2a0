"""Outbound webhooks: what a partner platform subscribed to, and each event sent to it.

The case and incident timelines are the outbox: every change writes its timeline row in
its own transaction, and ``partners.outbox`` turns new rows into deliveries afterwards
(kicked on commit, and swept by beat), so nothing on the registration path waits on a
partner and a broker outage only delays an event.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# The event names partners subscribe to (issue 20); fixed, partners' code depends on them.
EVENTS = (
    "case.registered",
    "case.transitioned",
    "case.closed",
    "document.ready",
    "incident.reported",
    "incident.transitioned",
    "incident.closed",
)
# A subscription may name a family with a trailing ``*`` (``incident.*``).
EVENT_PATTERNS = ("incident.*",)


def validate_events(value: object) -> None:
    """A non-empty list of the known event names (or ``incident.*``)."""
    known = (*EVENTS, *EVENT_PATTERNS)
    if not isinstance(value, list) or not value:
        raise ValidationError(_("订阅事件：至少选择一个事件"), code="no_events")
    unknown = [str(name) for name in value if name not in known]
    if unknown:
        raise ValidationError(
            _("订阅事件：未知的事件%(names)s，可选%(known)s"),
            code="unknown_event",
            params={"names": "、".join(unknown), "known": "、".join(known)},
        )


class WebhookSubscription(models.Model):
    class Algorithm(models.TextChoices):
        HMAC_SHA256 = "hmac-sha256", "HMAC-SHA256"
        HMAC_SM3 = "hmac-sm3", "HMAC-SM3"

    partner = models.ForeignKey(
        "centre.ServiceAccount",
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("对接平台"),
    )
    url = models.URLField(
        _("推送地址"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    events = models.JSONField(
        _("订阅事件"),
        default=list,
        validators=[validate_events],
        help_text=format_lazy(
            _("如{examples}"), examples="case.registered、case.closed、incident.*"
        ),
    )
    # The secret is shown once when the subscription is created; kept SM4-GCM sealed with
    # the party keyring (centre.crypto), as it must be read back to sign each request.
    secret_enc = models.BinaryField(editable=False)
    algorithm = models.CharField(
        _("签名算法"), max_length=12, choices=Algorithm.choices, default=Algorithm.HMAC_SHA256
    )
    full_personal_data = models.BooleanField(
        _("推送完整个人信息"),
        default=False,
        help_text=_("不勾选时，姓名、证件号码和联系电话脱敏推送"),
    )
    county_wide = models.BooleanField(
        _("推送本县全部案件和事件"),
        default=False,
        help_text=_("不勾选时，只推送该平台转入的案件"),
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("推送订阅")
        verbose_name_plural = _("推送订阅")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.partner} → {self.url}"

    def wants(self, event: str) -> bool:
        return any(
            event == name or (name.endswith(".*") and event.startswith(name[:-1]))
            for name in self.events
        )


class WebhookDelivery(models.Model):
    """One event for one subscription: sent until delivered or 24 hours have passed.
    ``event_id`` stays the same across retries and replays; the receiver de-duplicates
    on it. Claimed, failed and swept through ``centre.jobs`` (kind ``webhook``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        RUNNING = "running", _("发送中")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("发送失败，待重试")
        GAVE_UP = "gave_up", _("已放弃")

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("推送订阅"),
    )
    event_id = models.UUIDField(_("事件编号"), default=uuid.uuid4, editable=False)
    event = models.CharField(_("事件"), max_length=30)
    # The timeline row it comes from ("case_event:12", "document:3"): an event is queued
    # once per subscription however often the outbox sees its row.
    source = models.CharField(max_length=40, editable=False)
    occurred_at = models.DateTimeField(_("发生时间"))
    # What the administrator reads in the log: always masked. A subscription granted full
    # personal data is sent ``sealed_payload`` (the same payload unmasked, SM4-GCM sealed).
    payload = models.JSONField(_("推送内容"))
    sealed_payload = models.BinaryField(null=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("最近发送时间"), null=True, blank=True)
    # Retried until then; afterwards ``gave_up``. A replay moves it 24 hours on.
    expires_at = models.DateTimeField(_("重试截止时间"))
    last_status = models.PositiveSmallIntegerField(_("最近HTTP状态"), null=True, blank=True)
    error = models.CharField(_("最近错误"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-id"]
        permissions = [("replay_webhookdelivery", _("可以重新推送"))]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "source", "event"], name="webhookdelivery_once"
            )
        ]
        indexes = [models.Index(fields=["status"], name="webhookdelivery_status")]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"


class OutboxCursor(models.Model):
    """How far the outbox has read the timelines, by primary key (the index every table
    has): the last case and incident timeline rows read, and the document below which every
    one is finished. One row, locked while read, so two runs never interleave."""

    name = models.CharField(max_length=30, primary_key=True)
    case_event_id = models.BigIntegerField(default=0)
    incident_event_id = models.BigIntegerField(default=0)
    document_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("推送读取位置")
        verbose_name_plural = _("推送读取位置")

    def __str__(self) -> str:
        return f"{self.name} {self.case_event_id}/{self.incident_event_id}/{self.document_id}"
