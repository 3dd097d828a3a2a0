"""The legal-aid officer's role; the desk answers consultations; the supervisor decides
objections."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from centre.roles import ALL_VERBS, config_permissions, role_define, role_grant

STEPS = (
    "legal_aid_answer",
    "legal_aid_grant",
    "legal_aid_refuse",
    "legal_aid_assign",
    "legal_aid_object",
    "legal_aid_conclude",
)


def declare() -> None:
    role_define(
        "legal_aid_officer",
        _("法律援助审查员"),
        rank=70,
        home="legal_aid:queue",
        permissions=(
            "legal_aid.use_legal_aid_desk",
            "intake.view_case",
            "intake.add_attachment",
            *(f"legal_aid.{name}" for name in STEPS),
        ),
    )
    # A consultation answered at the desk closes there (outcome answered).
    role_grant("clerk", "legal_aid.legal_aid_answer")
    # The justice bureau decides objections to a refusal (法律援助法 第49条).
    role_grant(
        "supervisor",
        "legal_aid.legal_aid_answer",
        "legal_aid.use_legal_aid_desk",
        "legal_aid.legal_aid_objection_decide",
    )
    role_grant("sysadmin", *config_permissions("legal_aid", "provider", verbs=ALL_VERBS))
