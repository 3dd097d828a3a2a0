"""Writes of the petition window beyond its transitions: the case's risk flags, the one
extension of the handling period, and 访调对接 (sending the dispute to mediation)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from intake.models import Case
from mediation import services as mediation_services
from mediation.models import Mediation
from petitions.models import Petition

_RISK_RANK = {Case.RiskLevel.LOW: 0, Case.RiskLevel.MEDIUM: 1, Case.RiskLevel.HIGH: 2}


def risk_mirror(petition: Petition) -> None:
    """A repeat or collective petition, or one that skipped levels, is flagged on the case
    (saved with it), where the risk warnings and the dashboard read it."""
    case = petition.case
    case.risk_repeat = case.risk_repeat or petition.repeat
    case.risk_mass = case.risk_mass or petition.collective
    reasons = [
        label
        for flag, label in (
            (petition.repeat, _("重复信访")),
            (petition.collective, _("集体访")),
            (petition.skip_level, _("越级信访")),
        )
        if flag
    ]
    if not reasons:
        return
    level = (
        Case.RiskLevel.HIGH if petition.skip_level or petition.collective else Case.RiskLevel.MEDIUM
    )
    if _RISK_RANK[level] > _RISK_RANK[case.risk_level]:
        case.risk_level = level
    note = _("、").join(reasons)
    case.risk_reason = (f"{case.risk_reason}；{note}" if case.risk_reason else note)[:200]


def mediation_send(petition: Petition, actor: Any, data: dict[str, Any]) -> None:
    """访调对接: the dispute at the petition's core goes to a mediation organisation; the
    mediation's own clock runs while the petition's handling period keeps running."""
    mediation_services.mediation_start(
        actor=actor,
        case=petition.case,
        organisation=data["organisation"],
        mediators=list(data["mediators"]),
        lead=data["lead"],
        linkage=Mediation.Linkage.PETITION,
    )
