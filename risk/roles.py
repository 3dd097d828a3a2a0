"""The county leader's role: their county's cases with personal data masked, aggregates
and warnings; the supervisor handles warnings; the system administrator sets the rules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from centre.roles import ALL_VERBS, config_permissions, role_define, role_grant


def declare() -> None:
    role_define(
        "leader",
        _("县领导"),
        rank=110,
        home="risk:dashboard",
        permissions=("centre.view_dashboard", "intake.view_case", "risk.handle_riskwarning"),
    )
    role_grant("supervisor", "risk.handle_riskwarning")
    # The warning rules' thresholds and the high-risk words are configuration.
    role_grant(
        "sysadmin",
        *config_permissions("risk", "warningrule", verbs=("change", "view")),
        *config_permissions("risk", "riskkeyword", verbs=ALL_VERBS),
    )
