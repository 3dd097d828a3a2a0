"""The administrative review officer's role; the review body's head extends."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from centre.roles import role_define, role_grant

STEPS = (
    "review_accept",
    "review_refuse",
    "review_answer",
    "review_mediate",
    "review_decide",
    "review_withdraw",
)


def declare() -> None:
    role_define(
        "review_officer",
        _("行政复议人员"),
        rank=100,
        home="review:queue",
        permissions=(
            "review.use_review_desk",
            "intake.view_case",
            "intake.add_attachment",
            *(f"review.{name}" for name in STEPS),
        ),
    )
    # The review body's head extends a review (行政复议法 第62条).
    role_grant("supervisor", "review.use_review_desk", "review.review_extend")
