"""Messages to parties and staff, sent by ``centre.notify``'s backends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.models.organisation import County


class Notification(models.Model):
    """A message to a party or a member of staff. The row is written with the change that
    causes it; a task sends it through the configured backend (SMS gateway, e-mail,
    console in development) and a sweep re-sends what is left pending, each once."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")
        INAPP = "inapp", _("站内消息")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        # Final states of a non-statutory SMS that was not sent (centre.sms), never retried.
        CAPPED = "capped", _("超出当日上限未发送")
        OPTED_OUT = "opted_out", _("已退订未发送")

    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县（市、区）"),
        db_index=False,  # never read by county; one write less per message
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("接收人账号"),
        db_index=False,  # (recipient_user, read_at) below serves it
    )
    recipient_name = models.CharField(_("接收人"), max_length=100)
    # A party's phone or e-mail, encrypted like every personal datum (centre.crypto).
    destination_enc = models.BinaryField(null=True, editable=False)
    destination_masked = models.CharField(_("发送至"), max_length=64, blank=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    case_number = models.CharField(_("案件编号"), max_length=32, blank=True)
    # Set for messages that must go out once only (a reminder for one deadline, …); NULL,
    # not "", where absent, so that the unique constraint leaves other messages alone.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # A notice the law requires (受理、不予受理、调解、确认、裁决的告知…) is sent whatever the
    # daily cap and the resident's opt-out; reminders and invitations set False.
    statutory = models.BooleanField(_("法定告知"), default=True)
    # What the message is (a key of settings.SMS_TEMPLATES, e.g. "satisfaction_invite"), and
    # the values its SMS template takes; without either, the generic template carries the body.
    kind = models.CharField(_("消息类型"), max_length=40, blank=True)
    template_params = models.JSONField(_("模板参数"), default=dict, blank=True)
    # The SMS gateway's own id of the message, for a complaint or a delivery receipt.
    provider_message_id = models.CharField(_("平台消息编号"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        # Few indexes: the clocks scan writes tens of thousands of rows on a busy night, and
        # each index is a write per row. Plain btrees (no "_like" pattern copies: nothing
        # searches these columns by prefix); the status only where a message is still to go.
        indexes = [
            models.Index(fields=["recipient_user", "read_at"]),
            models.Index(fields=["case_number"], name="notification_case"),
            models.Index(
                fields=["status", "created_at"],
                name="notification_unsent",
                condition=models.Q(status__in=["pending", "sending", "failed"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="notification_dedupe_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.recipient_name} {self.subject}"

    @property
    def idempotency_key(self) -> str:
        """The same for every attempt at this message: a gateway given it as its request's
        idempotency key (or client message id) sends the message once, even when a worker
        died after the gateway accepted it and the sweep sends it again."""
        return f"{settings.NOTIFICATION_KEY_PREFIX}-{self.pk}"


class SmsOptOut(models.Model):
    """A phone whose holder asked for no more non-statutory SMS (a "TD" reply, a clerk at
    the window). Keyed by the phone's blind index, the same as ``Party.phone_index``; the
    number itself is sealed so that a key rotation can recompute the index."""

    class Source(models.TextChoices):
        SMS_REPLY = "sms_reply", _("短信回复退订")
        CLERK = "clerk", _("窗口登记")
        PROGRESS = "progress", _("进度查询页")

    phone_index = models.CharField(max_length=64, unique=True)
    phone_enc = models.BinaryField(editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=32)
    source = models.CharField(_("退订方式"), max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(_("退订时间"), default=timezone.now)

    class Meta:
        verbose_name = _("短信退订")
        verbose_name_plural = _("短信退订")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.get_source_display()}"
