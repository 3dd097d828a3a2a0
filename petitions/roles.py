"""The petition officer's role; the supervisor approves the one extension."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from centre.roles import role_define, role_grant

# The steps the officer takes (the extension is the supervisor's).
STEPS = (
    "petition_accept",
    "petition_decline",
    "petition_to_mediation",
    "petition_reply",
    "petition_review_request",
    "petition_review_reply",
    "petition_recheck_request",
    "petition_recheck_reply",
    "petition_conclude",
)


def declare() -> None:
    role_define(
        "petition_officer",
        _("信访接待员"),
        rank=60,
        home="petitions:queue",
        permissions=(
            "petitions.use_petition_desk",
            "intake.view_case",
            "intake.add_attachment",
            *(f"petitions.{name}" for name in STEPS),
        ),
    )
    # 信访工作条例 第34条: the organ's head approves the petition's one extension.
    role_grant("supervisor", "petitions.use_petition_desk", "petitions.petition_extend")
