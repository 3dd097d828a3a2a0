"""Sending notifications: pluggable backends chosen by ``NOTIFICATION_BACKENDS``.

A backend has ``send(notification, destination) -> None`` and raises on failure. It
passes ``notification.idempotency_key`` to its gateway as the request's idempotency key
(or client message id): a message is tried again after a failure or after a worker died
mid-send, always with the same key, so that the gateway sends it once. The console
backend (development) logs the message with the destination masked; a county
plugs in its SMS gateway (``HttpSmsBackend``, centre.sms_gateway) and mail server by naming
their classes in settings. A backend may return the provider's id of the message.

Whether an SMS goes out at all (the resident's opt-out, the daily cap) is decided before
any backend is called (centre.sms); ``opt_out``, ``opt_in`` and ``opted_out`` are here for
the apps that offer them.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from centre import sms_gateway
from centre.models import Notification
from centre.sms import opt_in, opt_out, opted_out

__all__ = [
    "Backend",
    "ConsoleBackend",
    "EmailBackend",
    "HttpSmsBackend",
    "InAppBackend",
    "backend_for",
    "opt_in",
    "opt_out",
    "opted_out",
]

log = logging.getLogger(__name__)


class Backend(Protocol):
    def send(self, notification: Notification, destination: str) -> str | None: ...


class ConsoleBackend:
    """Development: writes the message to the log (never the full phone number)."""

    def send(self, notification: Notification, destination: str) -> None:
        log.info(
            "[%s %s → %s %s] %s：%s",
            notification.idempotency_key,
            notification.get_channel_display(),
            notification.recipient_name,
            notification.destination_masked,
            notification.subject,
            notification.body,
        )


class InAppBackend:
    """In-app messages are delivered by being stored; the inbox reads them."""

    def send(self, notification: Notification, destination: str) -> None:
        return None


class EmailBackend:
    def send(self, notification: Notification, destination: str) -> None:
        send_mail(notification.subject, notification.body, None, [destination])


class HttpSmsBackend:
    """A county's SMS gateway over HTTP (centre.sms_gateway; settings ``SMS_GATEWAY_*``).

    The message goes out in the template its kind names in ``SMS_TEMPLATES``, with its
    own parameters; otherwise in the generic template (``SMS_GENERIC_TEMPLATE``) with the
    text as its one parameter."""

    def send(self, notification: Notification, destination: str) -> str:
        code = settings.SMS_TEMPLATES.get(notification.kind) if notification.kind else None
        if code and notification.template_params:
            params = notification.template_params
        else:
            code, params = settings.SMS_GENERIC_TEMPLATE, {"content": notification.body}
        try:
            message_id = sms_gateway.send(
                phone=destination,
                template_code=code,
                template_params=params,
                client_msg_id=notification.idempotency_key,
            )
        except (sms_gateway.SmsRejected, sms_gateway.SmsUnavailable) as exc:
            log.warning(
                "SMS %s to %s not taken by the gateway (template %s): %s",
                notification.idempotency_key,
                notification.destination_masked,
                code,
                exc,
            )
            raise
        log.info(
            "SMS %s to %s taken by the gateway as %s (template %s)",
            notification.idempotency_key,
            notification.destination_masked,
            message_id,
            code,
        )
        return message_id


def backend_for(channel: str) -> Backend:
    path = settings.NOTIFICATION_BACKENDS[channel]
    return import_string(path)()
