"""SMS through the HTTP gateway, against a local server playing it: a message taken is
stored with the provider's id; a 5xx or a timeout is tried again with the same client id
and reaches the phone once; a refused template fails at once; no log holds the number."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from centre import services
from centre.models import Notification
from centre.tasks import send_notification
from centre.tests import sms_gateway_fake
from centre.tests.sms_gateway_fake import ACCOUNT, GENERIC_TEMPLATE, SIGN_NAME

pytestmark = pytest.mark.django_db

PHONE = "13857201234"
MASKED = "138****1234"
fake_gateway = sms_gateway_fake.fake_gateway


def _sms(captured, *, phone: str = PHONE, **extra) -> Notification:
    with captured(execute=True):
        notification = services.notification_create(
            channel="sms",
            recipient_name="王秀英",
            subject="调解通知",
            body="请于2026年12月8日上午9时到县矛调中心参加调解。",
            destination=phone,
            destination_masked=f"{phone[:3]}****{phone[-4:]}",
            **extra,
        )
    notification.refresh_from_db()
    return notification


def test_a_message_taken_by_the_gateway_is_sent_with_its_provider_id(
    fake_gateway, django_capture_on_commit_callbacks
):
    sms = _sms(django_capture_on_commit_callbacks)

    assert (sms.status, sms.attempts, sms.error) == ("sent", 1, "")
    assert sms.sent_at is not None
    assert sms.provider_message_id == "GW000001"
    [request] = fake_gateway.requests
    assert request["signature_ok"] is True
    assert (request["account"], request["account_header"]) == (ACCOUNT, ACCOUNT)
    assert request["sign_name"] == SIGN_NAME
    assert request["client_msg_id"] == sms.idempotency_key
    # No template for its kind: the generic one carries the text.
    assert fake_gateway.delivered[sms.idempotency_key] == (
        "GW000001",
        PHONE,
        GENERIC_TEMPLATE,
        {"content": sms.body},
    )


def test_a_kind_with_a_template_goes_out_in_it_with_its_parameters(
    fake_gateway, django_capture_on_commit_callbacks
):
    sms = _sms(
        django_capture_on_commit_callbacks,
        kind="satisfaction_invite",
        template_params={"number": "安调〔2026〕12号"},
        statutory=False,
    )
    assert sms.status == "sent"
    _id, _phone, template, params = fake_gateway.delivered[sms.idempotency_key]
    assert (template, params) == ("SMS_SATISFACTION_002", {"number": "安调〔2026〕12号"})


def test_a_5xx_is_retried_after_the_back_off_with_the_same_client_id_and_sent_once(
    fake_gateway, django_capture_on_commit_callbacks, time_machine
):
    fake_gateway.script.extend(["5xx"])
    sms = _sms(django_capture_on_commit_callbacks)
    assert (sms.status, sms.attempts) == ("failed", 1)
    assert "短信平台暂时不可用（HTTP 503）" in sms.error
    backoff = services.notification_retry_in(notification_id=sms.pk)
    assert backoff == services.NOTIFICATION_JOB.spec.backoff

    # The task's retry arrives too early (a clock skew): it does nothing.
    send_notification.delay(sms.pk)
    assert len(fake_gateway.requests) == 1
    # After the back-off, the retry sends it.
    time_machine.move_to(timezone.now() + backoff + timedelta(seconds=1))
    send_notification.delay(sms.pk)

    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.error) == ("sent", 2, "")
    assert [r["client_msg_id"] for r in fake_gateway.requests] == [sms.idempotency_key] * 2
    assert list(fake_gateway.delivered) == [sms.idempotency_key]  # one SMS on the phone
    assert sms.provider_message_id == fake_gateway.delivered[sms.idempotency_key][0]


def test_a_timeout_is_retried_with_doubling_back_off_until_the_attempts_are_spent(
    fake_gateway, django_capture_on_commit_callbacks, time_machine
):
    spec = services.NOTIFICATION_JOB.spec
    fake_gateway.script.extend(["timeout"] * spec.max_attempts)
    fake_gateway.hang_seconds = 1.0
    sms = _sms(django_capture_on_commit_callbacks)
    assert (sms.status, sms.attempts) == ("failed", 1)
    assert "未在时限内应答" in sms.error

    waits = []
    for _attempt in range(spec.max_attempts - 1):
        wait = services.notification_retry_in(notification_id=sms.pk)
        waits.append(wait)
        time_machine.move_to(timezone.now() + wait + timedelta(seconds=1))
        outcome = services.notification_deliver(notification_id=sms.pk)
        assert outcome in (services.Delivery.RETRY, services.Delivery.FAILED)
    assert waits == [spec.backoff * 2**n for n in range(spec.max_attempts - 1)]
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("failed", spec.max_attempts)
    assert services.notification_retry_in(notification_id=sms.pk) is None
    assert {r["client_msg_id"] for r in fake_gateway.requests} == {sms.idempotency_key}
    assert fake_gateway.delivered == {}


def test_a_refused_template_fails_at_once_with_the_reason_and_is_not_retried(
    fake_gateway, django_capture_on_commit_callbacks, time_machine
):
    fake_gateway.script.extend(["reject"])
    sms = _sms(django_capture_on_commit_callbacks)

    assert sms.status == "failed"
    assert "短信平台拒绝发送：模板未审核" in sms.error
    assert "TEMPLATE_NOT_APPROVED" in sms.error
    assert PHONE not in sms.error  # the provider quoted the number: only its tail is kept
    assert services.notification_retry_in(notification_id=sms.pk) is None
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    assert services.notifications_resend() == 0
    assert len(fake_gateway.requests) == 1


def test_no_log_of_a_send_holds_the_full_number(
    fake_gateway, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
    fake_gateway.script.extend(["ok", "5xx", "reject"])
    sent = _sms(django_capture_on_commit_callbacks)
    retried = _sms(django_capture_on_commit_callbacks)
    refused = _sms(django_capture_on_commit_callbacks)

    assert (sent.status, retried.status, refused.status) == ("sent", "failed", "failed")
    # What was captured is real: each send and each failure, with the masked number.
    assert f"SMS {sent.idempotency_key} to {MASKED} taken by the gateway" in caplog.text
    assert f"SMS {retried.idempotency_key} to {MASKED} not taken" in caplog.text
    assert f"SMS {refused.idempotency_key} to {MASKED} not taken" in caplog.text
    assert PHONE not in caplog.text


@pytest.mark.celery_worker
@pytest.mark.slow
def test_a_real_worker_retries_a_5xx_itself_after_its_back_off(fake_gateway, transactional_db):
    """No beat runs here: the second attempt is the task's own Celery retry."""
    from django.conf import settings
    from django.db import transaction

    from centre.celery import app
    from tests.celery_worker import _cache_env, wait_for, worker_process

    fake_gateway.script.extend(["5xx"])
    env = {
        "NOTIFICATION_SMS_BACKEND": "centre.notify.HttpSmsBackend",
        "NOTIFICATION_RETRY_BACKOFF": "1",
        "SMS_GATEWAY_URL": fake_gateway.url,
        "SMS_GATEWAY_ACCOUNT": ACCOUNT,
        "SMS_GATEWAY_SECRET": sms_gateway_fake.SECRET,
        "SMS_GATEWAY_SIGN_NAME": SIGN_NAME,
        "SMS_GENERIC_TEMPLATE": GENERIC_TEMPLATE,
        "SMS_GATEWAY_TIMEOUT": "2",
        **_cache_env(),
    }
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.control.purge()
    try:
        with worker_process(settings.CELERY_BROKER_URL, **env):
            with transaction.atomic():
                sms = services.notification_create(
                    channel="sms",
                    recipient_name="王秀英",
                    subject="调解通知",
                    body="请按时参加调解。",
                    destination=PHONE,
                    destination_masked=MASKED,
                )
            sent = wait_for(
                lambda: Notification.objects.filter(pk=sms.pk, status="sent").first(), 30
            )
    finally:
        app.conf.task_always_eager = True
    assert sent.attempts == 2
    assert [r["client_msg_id"] for r in fake_gateway.requests] == [sms.idempotency_key] * 2
    assert list(fake_gateway.delivered) == [sms.idempotency_key]


def test_the_deploy_check_names_what_the_gateway_lacks(fake_gateway, settings):
    from centre.checks import check_sms_gateway

    assert check_sms_gateway() == []
    settings.SMS_GATEWAY_URL = ""
    settings.SMS_GATEWAY_SECRET = ""
    [error] = check_sms_gateway()
    assert error.id == "centre.E005"
    assert "缺少SMS_GATEWAY_URL、SMS_GATEWAY_SECRET" in error.msg
