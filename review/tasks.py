"""Celery task of the review window: applications the organ left unexamined past the
5 工作日 count as accepted (《行政复议法》第30条第3款). Beat runs it (centre/settings.py)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from intake import workflow
from review import selectors

log = logging.getLogger(__name__)


@shared_task(name="review.tasks.accept_by_law", acks_late=True, ignore_result=True)
def accept_by_law() -> int:
    """Idempotent: a case already accepted, refused or withdrawn (by hand, by an earlier
    or overlapping run) is passed over by fire_by_law under the case's lock."""
    accepted = 0
    for number in list(selectors.silent_past_due(timezone.localdate())):
        try:
            case = workflow.fire_by_law(
                number=number,
                name="review_accept",
                data={"procedure": "ordinary", "by_law": "1"},
            )
        except workflow.TransitionError:
            # One case the law cannot take up must not hold up the others.
            log.exception("review %s: accepting by law failed", number)
            continue
        accepted += case is not None
    return accepted
