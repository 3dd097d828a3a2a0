"""Celery tasks of partners: the outbox run and the sending of one delivery."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from centre import after_commit, jobs
from partners import outbox
from partners.models import WebhookDelivery
from partners.services import DeliveryFailed, delivery_post

log = logging.getLogger(__name__)
# Attempts, stale-after and back-off (1 min, 2, 4 … by default): BACKGROUND_JOBS["webhook"].
JOB = jobs.Job("webhook", WebhookDelivery, done=WebhookDelivery.Status.DELIVERED)
# A retry due sooner than this is sent with a countdown by the failed attempt itself;
# later ones are left to the beat sweep (a message does not wait hours in a worker).
COUNTDOWN_LIMIT = 15 * 60


@shared_task(name="partners.tasks.run_outbox", ignore_result=True)
def run_outbox() -> int:
    """New timeline rows → deliveries, each sent at once (kicked after a change commits)."""
    after_commit.kicked(run_outbox)
    pks = outbox.collect()
    for pk in pks:
        after_commit.send(deliver, pk)
    return len(pks)


def _give_up(pk: int) -> None:
    WebhookDelivery.objects.filter(
        pk=pk, status__in=[WebhookDelivery.Status.RUNNING, WebhookDelivery.Status.FAILED]
    ).update(status=WebhookDelivery.Status.GAVE_UP)


@shared_task(name="partners.tasks.deliver", ignore_result=True)
def deliver(delivery_id: int) -> None:
    """Send one delivery. Claimed through ``centre.jobs``: a delivered one is never sent
    again, and a retry racing the sweep sends it once."""
    if not JOB.claim(delivery_id):
        return
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    now = timezone.now()
    if now >= delivery.expires_at or not delivery.subscription.active:
        WebhookDelivery.objects.filter(pk=delivery_id).update(status=WebhookDelivery.Status.GAVE_UP)
        return
    try:
        status = delivery_post(delivery)
    except DeliveryFailed as exc:
        left = JOB.fail(delivery_id, exc, last_status=exc.status)
        wait = JOB.spec.delay(delivery.attempts)
        if not left or now + wait >= delivery.expires_at:
            _give_up(delivery_id)
            return
        if wait.total_seconds() <= COUNTDOWN_LIMIT:
            try:
                deliver.apply_async(args=(delivery_id,), countdown=wait.total_seconds())
            except (OperationalError, ConnectionError, OSError):
                log.warning("broker unreachable, delivery %s left for the sweep", delivery_id)
        return
    JOB.succeed(delivery_id, last_status=status, delivered_at=timezone.now())


@shared_task(name="partners.tasks.sweep_webhooks", ignore_result=True)
def sweep_webhooks() -> int:
    """Beat: read the timelines (and ready documents) the kicks missed, give up on what is
    past its 24 hours, and send again what is due."""
    run_outbox()
    now = timezone.now()
    WebhookDelivery.objects.filter(
        Q(expires_at__lte=now) | Q(attempts__gte=JOB.spec.max_attempts),
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED],
    ).update(status=WebhookDelivery.Status.GAVE_UP)
    pks = JOB.sweep(now)
    for pk in pks:
        after_commit.send(deliver, pk)
    return len(pks)
