"""The window clerk's role and what intake grants the others (centre.roles)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from centre.roles import ALL_VERBS, PARTNER, config_permissions, role_define, role_grant

# What a window clerk does with cases of their county (personal data in full only on the
# cases they registered: an object permission given at registration). The supervisor
# does the same at every window.
CLERK_CASE = (
    "intake.view_case",
    "intake.register_case",
    "intake.triage_case",
    "intake.refer_case",
    "intake.hand_off_case",
    "intake.apply_confirmation_case",
    "intake.close_case",
    "intake.withdraw_case",
    "intake.add_attachment",
)


def declare() -> None:
    role_define(
        "clerk",
        _("窗口受理员"),
        rank=10,
        home="intake:desk",
        permissions=("centre.use_intake_desk", *CLERK_CASE),
    )
    role_grant(
        "supervisor",
        *CLERK_CASE,
        "intake.view_personal_data",
        "intake.raise_risk_case",
        "intake.start_mediation_case",
    )
    role_grant("sysadmin", *config_permissions("intake", "triagerule", verbs=ALL_VERBS))
    role_grant(PARTNER, "intake.register_case", "intake.view_source_cases")
