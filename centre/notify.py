"""Sending notifications: pluggable backends chosen by ``NOTIFICATION_BACKENDS``.

A backend has ``send(notification, destination) -> None`` and raises on failure. It
passes ``notification.idempotency_key`` to its gateway as the request's idempotency key
(or client message id): a message is tried again after a failure or after a worker died
mid-send, always with the same key, so that the gateway sends it once. The console
backend (development) logs the message with the destination masked; a county
plugs in its SMS gateway and mail server by naming their classes in settings.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from centre.models import Notification

log = logging.getLogger(__name__)


class Backend(Protocol):
    def send(self, notification: Notification, destination: str) -> None: ...


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


def backend_for(channel: str) -> Backend:
    path = settings.NOTIFICATION_BACKENDS[channel]
    return import_string(path)()
