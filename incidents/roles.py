"""Incident command's roles (事件处置): the grid worker reports, the town's command room
dispatches to departments, the supervisor commands at county level."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from centre.roles import role_define, role_grant

COMMAND = tuple(
    f"incidents.{name}_incident"
    for name in ("accept", "assign", "reassign", "extend", "verify", "close", "escalate", "to_case")
)


def declare() -> None:
    role_define(
        "grid_worker",
        _("网格员"),
        rank=120,
        home="incidents:report",
        permissions=(
            "centre.report_from_grid",
            "incidents.report_incident",
            "incidents.resolve_on_site_incident",
        ),
    )
    role_define(
        "town_dispatcher",
        _("乡镇指挥室调度员"),
        rank=160,
        home="incidents:board",
        permissions=("incidents.view_town_incident", *COMMAND),
    )
    role_define(
        "department_handler",
        _("部门处置人员"),
        rank=170,
        home="incidents:board",
        permissions=("incidents.view_department_incident", "incidents.feedback_incident"),
    )
    role_grant("supervisor", "incidents.view_incident", *COMMAND)
    role_grant("leader", "incidents.view_incident")
    role_grant(
        "sysadmin",
        *(f"incidents.{verb}_incidentcategory" for verb in ("add", "change", "view")),
    )
