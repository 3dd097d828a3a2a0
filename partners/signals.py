"""A new timeline row asks the outbox to run once the change commits.

A registration writes its timeline row with ``bulk_create`` (no signal), so a new case
itself is the sign there; a ready document is written by an UPDATE (no signal either) and
is found by the beat sweep within a minute (``partners.tasks.sweep_webhooks``).

Connected from ``PartnersConfig.ready``: intake and incidents do not know partners exist.
With no active subscription (the usual case) the receiver costs no query: whether any
exists is read through the reference cache (centre.refcache), which a subscription's
save or delete invalidates.
"""

from __future__ import annotations

from typing import Any

from centre import after_commit, refcache

ACTIVE_KEY = ("partners", "active-subscriptions")


def any_active() -> bool:
    from partners.models import WebhookSubscription

    return refcache.get(
        ACTIVE_KEY, lambda: WebhookSubscription.objects.filter(active=True).exists()
    )


def _timeline_row_saved(sender: Any, created: bool = False, raw: bool = False, **kwargs: Any):
    if not created or raw or not any_active():
        return
    from partners.tasks import run_outbox

    after_commit.kick_on_commit(run_outbox)


def connect() -> None:
    from django.db.models.signals import post_save

    from incidents.models import IncidentEvent
    from intake.models import Case, CaseEvent
    from partners.models import WebhookSubscription

    refcache.watch(WebhookSubscription)
    for model in (Case, CaseEvent, IncidentEvent):
        post_save.connect(
            _timeline_row_saved,
            sender=model,
            dispatch_uid=f"partners.outbox.{model._meta.label}",
        )
