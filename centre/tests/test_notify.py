"""Delivering SMS and e-mail: sent once, failures tried again up to the cap, and a message
whose worker died mid-send sent again with the same idempotency key, so that a gateway
honouring it (as ours does here) delivers it once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from centre import services
from centre.models import Notification

pytestmark = pytest.mark.django_db


class FakeGateway:
    """An SMS gateway that drops a request whose idempotency key it has accepted before,
    and fails the next ``failures`` requests."""

    accepted: dict[str, tuple[str, str]] = {}
    requests: list[str] = []
    failures = 0

    def send(self, notification: Notification, destination: str) -> None:
        FakeGateway.requests.append(notification.idempotency_key)
        if FakeGateway.failures:
            FakeGateway.failures -= 1
            raise ConnectionError("网关无响应")
        FakeGateway.accepted.setdefault(
            notification.idempotency_key, (destination, notification.body)
        )


@pytest.fixture(autouse=True)
def gateway(settings):
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": f"{__name__}.FakeGateway",
    }
    FakeGateway.accepted, FakeGateway.requests, FakeGateway.failures = {}, [], 0
    return FakeGateway


def _sms(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.notification_create(
            channel="sms",
            recipient_name="王秀英",
            subject="调解通知",
            body="请于2026年12月8日上午9时到县矛调中心参加调解。",
            destination="13857201234",
            destination_masked="138****1234",
        )


def test_an_sms_is_sent_once_to_the_full_number(gateway, django_capture_on_commit_callbacks):
    sms = _sms(django_capture_on_commit_callbacks)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.error) == ("sent", 1, "")
    assert gateway.accepted == {sms.idempotency_key: ("13857201234", sms.body)}
    # The task delivered again (a broker redelivery) or the sweep: nothing more is sent.
    assert services.notification_deliver(notification_id=sms.pk) == services.Delivery.TAKEN
    assert services.notifications_resend() == 0
    assert gateway.requests == [sms.idempotency_key]


def test_a_failure_is_tried_again_up_to_the_cap_then_left_failed(
    gateway, django_capture_on_commit_callbacks, time_machine
):
    gateway.failures = 99
    sms = _sms(django_capture_on_commit_callbacks)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("failed", 1)
    assert "网关无响应" in sms.error
    for _attempt in range(10):
        time_machine.move_to(timezone.now() + timedelta(hours=1))  # past each back-off
        services.notifications_resend()  # eager: each one delivers at once
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("failed", services.NOTIFICATION_JOB.spec.max_attempts)
    assert len(gateway.requests) == services.NOTIFICATION_JOB.spec.max_attempts
    assert services.notifications_resend() == 0  # spent: no longer picked up


def test_a_failure_then_success_is_sent_once(
    gateway, django_capture_on_commit_callbacks, time_machine
):
    gateway.failures = 1
    sms = _sms(django_capture_on_commit_callbacks)
    assert services.notifications_resend() == 0  # its back-off is not over yet
    time_machine.move_to(timezone.now() + timedelta(minutes=1))
    assert services.notifications_resend() == 1
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("sent", 2)
    assert list(gateway.accepted) == [sms.idempotency_key]


def test_a_worker_that_died_mid_send_does_not_make_the_phone_ring_twice(
    gateway, django_capture_on_commit_callbacks, time_machine
):
    """The gateway took the message, then the worker died before marking it sent: the
    sweep finds it stuck in 发送中 and sends it again, with the same key."""
    sms = _sms(django_capture_on_commit_callbacks)
    Notification.objects.filter(pk=sms.pk).update(
        status="sending", claimed_at=timezone.now(), sent_at=None
    )
    assert services.notifications_resend() == 0  # not yet: it may still be sending
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    assert services.notifications_resend() == 1
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("sent", 2)
    assert gateway.requests == [sms.idempotency_key, sms.idempotency_key]
    assert len(gateway.accepted) == 1  # one SMS on the phone


def test_a_stuck_message_with_its_attempts_spent_is_failed_not_picked_up_for_ever(
    gateway, django_capture_on_commit_callbacks, time_machine
):
    sms = _sms(django_capture_on_commit_callbacks)
    Notification.objects.filter(pk=sms.pk).update(
        status="sending",
        claimed_at=timezone.now(),
        attempts=services.NOTIFICATION_JOB.spec.max_attempts,
    )
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    assert services.notifications_resend() == 0
    sms.refresh_from_db()
    assert sms.status == "failed" and "重试上限" in sms.error
    assert services.notifications_resend() == 0


def test_each_message_has_its_own_key(gateway, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATION_KEY_PREFIX = "anji"
    first = _sms(django_capture_on_commit_callbacks)
    second = _sms(django_capture_on_commit_callbacks)
    assert first.idempotency_key == f"anji-{first.pk}" != second.idempotency_key
