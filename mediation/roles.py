"""The mediator's role; the supervisor lands on the cases waiting for mediators."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from centre.roles import ALL_VERBS, config_permissions, role_define, role_grant


def declare() -> None:
    role_define(
        "mediator",
        _("调解员"),
        rank=30,
        home="mediation:my_cases",
        permissions=(
            "centre.use_mediation_desk",
            # Mediators see only the cases assigned to them (object permissions), so
            # these rights act only there.
            "intake.record_agreement_case",
            "intake.fail_mediation_case",
            "intake.apply_confirmation_case",
        ),
    )
    # Lands on the cases waiting for mediators, not on the intake form.
    role_grant("supervisor", home="mediation:assign")
    role_grant(
        "sysadmin",
        *config_permissions(
            "mediation", "organisation", "grade", "mediator", "rotaentry", verbs=ALL_VERBS
        ),
    )
