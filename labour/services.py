"""Writes of the labour window beyond its transitions: the employer told of an order, both
parties of a hearing, a labour mediation ended when arbitration is applied for, and the
labour mediation's own 15-day clock."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from intake import services as intake_services
from intake.models import Case, CaseParty
from labour.models import Arbitration, LabourInspection
from mediation import services as mediation_services


def _day(d: date) -> str:
    return date_format(d, "DATE_FORMAT")


def order_notify(inspection: LabourInspection, actor: Any, data: dict[str, Any]) -> None:
    case = inspection.case
    intake_services.parties_notify(
        case=case,
        subject=_("劳动保障监察责令改正指令"),
        body=_("劳动保障监察案件（编号%(number)s）：%(kind)s，请于%(deadline)s前改正。")
        % {
            "number": case.number,
            "kind": inspection.get_order_kind_display(),
            "deadline": _day(inspection.order_deadline),
        },
        roles=(CaseParty.Role.RESPONDENT,),
    )


def hearing_notify(arbitration: Arbitration, actor: Any, data: dict[str, Any]) -> None:
    """第35条: the hearing's date and place to both parties (the written notice is the
    document; the SMS says it is coming)."""
    case = arbitration.case
    at = timezone.localtime(arbitration.hearing_at)
    intake_services.parties_notify(
        case=case,
        subject=_("劳动争议仲裁开庭通知"),
        body=_(
            "劳动争议仲裁案件（编号%(number)s）定于%(day)s %(time)s在%(place)s开庭，请准时到庭。"
        )
        % {
            "number": case.number,
            "day": _day(at.date()),
            "time": at.strftime("%H:%M"),
            "place": arbitration.hearing_place,
        },
        roles=(CaseParty.Role.APPLICANT, CaseParty.Role.RESPONDENT),
    )


def mediation_close_for_arbitration(
    arbitration: Arbitration, actor: Any, data: dict[str, Any]
) -> None:
    """第14条: mediation that lapsed without agreement ends when a party applies for
    arbitration (one that failed has ended already)."""
    mediation = getattr(arbitration.case, "mediation", None)
    if mediation is not None and mediation.ended_at is None:
        mediation_services.mediation_fail(
            case=arbitration.case,
            reason=_("调解期满未达成协议，当事人申请仲裁（《劳动争议调解仲裁法》第14条）"),
        )


def labour_mediation_clock(case: Case) -> tuple[str, bool, date] | None:
    """A dispute the labour window sends to mediation runs on the 15-day clock of labour
    dispute mediation (第14条), from the day the mediation is assigned."""
    if case.window_id and case.window.code == "labour":
        return "labour_mediation", False, timezone.localdate()
    return None
