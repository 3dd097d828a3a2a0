"""The court's roles: the judge confirms, the court's clerk delegates and reports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from centre.roles import ALL_VERBS, config_permissions, role_define, role_grant


def declare() -> None:
    role_define(
        "judge",
        _("法官"),
        rank=40,
        home="judicial:queue",
        permissions=(
            "centre.use_judicial_desk",
            "intake.confirm_case",
            "intake.refuse_confirmation_case",
            "intake.not_accept_confirmation_case",
            "judicial.decide_confirmation",
            "judicial.record_court_outcome",
            # Closing a case the court has taken (outcome litigated).
            "intake.close_case",
        ),
    )
    # The court's clerk delegates disputes to the centre and reports the court's
    # acceptance of handed-off cases.
    role_define(
        "court_clerk",
        _("法院书记员"),
        rank=50,
        home="judicial:queue",
        permissions=(
            "centre.use_judicial_desk",
            "judicial.add_delegation",
            "judicial.record_court_outcome",
            "intake.close_case",
        ),
    )
    role_grant("sysadmin", *config_permissions("judicial", "court", verbs=ALL_VERBS))
