"""The labour inspector's and the arbitrator's roles; the desk records applications for
arbitration; the supervisor extends."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from centre.roles import ALL_VERBS, config_permissions, role_define, role_grant

INSPECTION_STEPS = (
    "labour_inspection_accept",
    "labour_inspection_refuse",
    "labour_inspection_order",
    "labour_inspection_conclude",
)
ARBITRATION_STEPS = (
    "labour_arbitration_apply",
    "labour_arbitration_accept",
    "labour_arbitration_refuse",
    "labour_arbitration_hearing",
    "labour_arbitration_settle",
    "labour_arbitration_award",
    "labour_arbitration_conclude",
)


def declare() -> None:
    window = ("labour.use_labour_desk", "intake.view_case", "intake.add_attachment")
    role_define(
        "labour_inspector",
        _("劳动监察员"),
        rank=80,
        home="labour:queue",
        permissions=(*window, *(f"labour.{name}" for name in INSPECTION_STEPS)),
    )
    role_define(
        "arbitrator",
        _("仲裁员"),
        rank=90,
        home="labour:queue",
        permissions=(*window, *(f"labour.{name}" for name in ARBITRATION_STEPS)),
    )
    # The front desk records a labour dispute's application for arbitration.
    role_grant("clerk", "labour.labour_arbitration_apply")
    # The department head extends an inspection (劳动保障监察条例 第17条), the
    # commission's chair an arbitration (劳动争议调解仲裁法 第43条).
    role_grant(
        "supervisor",
        "labour.labour_arbitration_apply",
        "labour.use_labour_desk",
        "labour.labour_inspection_extend",
        "labour.labour_arbitration_extend",
    )
    role_grant(
        "sysadmin",
        *config_permissions("labour", "arbitrator", "minimumwage", verbs=ALL_VERBS),
    )
