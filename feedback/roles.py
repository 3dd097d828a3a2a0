"""What the satisfaction loop grants: the window supervisor handles the rework tickets
(回访/重办) and may send a closed case back (the case's ``reopen``)."""

from __future__ import annotations

from centre.roles import role_grant


def declare() -> None:
    role_grant(
        "supervisor",
        "feedback.handle_reworkticket",
        "feedback.view_reworkticket",
        "intake.reopen_case",
    )
