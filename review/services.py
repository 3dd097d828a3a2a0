"""Writes of the review window beyond its transitions: the decision clock from the day
accepted in law, and the applicant told when the law accepted the application."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from intake import processes
from review.models import AdministrativeReview


def accepted(review: AdministrativeReview, actor: Any, data: dict[str, Any]) -> None:
    """第62条: the decision period runs from acceptance, which for an application the
    organ left unexamined is the last day of the examination period (第30条第3款), not the
    day the beat task noticed it."""
    processes.clock_start(review, review.decide_rule, start=review.accepted_on, assignee=actor)
    # The copy goes to the organ on acceptance: its answer is due in 10 工作日 (第48条),
    # 5 工作日 under the simplified procedure (第54条).
    answer_rule = "review_answer_simple" if review.procedure == "simple" else "review_answer"
    processes.clock_start(review, answer_rule, start=timezone.localdate(), assignee=actor)
    if review.accepted_by_law:
        processes.applicant_notify(
            review.case,
            subject=_("行政复议申请视为受理"),
            body=_(
                "您的行政复议申请（编号%(number)s）审查期限已于%(day)s届满，"
                "依法视为受理（《行政复议法》第30条），复议决定期限至%(due)s。"
            )
            % {
                "number": review.case.number,
                "day": review.accepted_on.isoformat(),
                "due": review.decide_due.isoformat(),
            },
        )
