"""Reads of the labour window: the arbitrators by caseload, whether an award is final, and
what one employer owes across the complaints against it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Case, CaseParty
from labour.models import Arbitration, Arbitrator, LabourInspection, MinimumWage

_OPEN = (Arbitration.State.APPLIED, Arbitration.State.ACCEPTED)


def arbitrators_by_caseload(county_id: int) -> QuerySet[Arbitrator]:
    return (
        Arbitrator.objects.filter(county_id=county_id, active=True)
        .annotate(open_cases=Count("arbitrations", filter=Q(arbitrations__state__in=_OPEN)))
        .order_by("open_cases", "name")
    )


def chair_user(county_id: int) -> Any:
    """The account of the commission's chair (仲裁委员会主任), if the registry has one."""
    chair = (
        Arbitrator.objects.filter(county_id=county_id, is_chair=True, active=True)
        .select_related("user")
        .first()
    )
    return chair.user if chair is not None else None


def minimum_wage(county_id: int, on: date) -> MinimumWage | None:
    return (
        MinimumWage.objects.filter(county_id=county_id, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def award_finality(arbitration: Arbitration, amount: Decimal | None) -> tuple[bool, str]:
    """第47条: final for the employer (the worker may still sue) when the claim is for pay,
    injury costs, compensation or damages not above twelve months of the local minimum
    wage, or concerns working time, rest or social insurance standards. The amount is the
    one the award determines (最高人民法院《关于审理劳动争议案件适用法律问题的解释（一）》
    第19条), the claim's when the award names none."""
    kind = arbitration.claim_kind
    if kind == Arbitration.ClaimKind.STANDARDS:
        return True, _("因执行国家劳动标准发生的争议（第47条第2项）")
    if kind != Arbitration.ClaimKind.PAY:
        return False, ""
    wage = minimum_wage(arbitration.case.county_id, timezone.localdate())
    if wage is None:
        raise ValidationError(
            _(
                "本县尚未配置月最低工资标准，无法判断是否为终局裁决（第47条），请系统管理员在管理后台录入"
            )
        )
    ceiling = wage.monthly * 12
    decided = amount if amount is not None else arbitration.claim_amount
    if decided is not None and decided <= ceiling:
        return True, _(
            "裁决金额%(amount)s元不超过当地月最低工资标准十二个月金额%(ceiling)s元（第47条第1项）"
        ) % {"amount": decided, "ceiling": ceiling}
    return False, ""


def employer_summary(case: Case) -> dict[str, Any] | None:
    """Open complaints against this case's respondents (the employer): how many, how many
    workers, how much owed. Many workers against one employer is a mass case."""
    employers = CaseParty.objects.filter(case=case, role=CaseParty.Role.RESPONDENT).values(
        "party_id"
    )
    open_cases = LabourInspection.objects.filter(
        case__case_parties__role=CaseParty.Role.RESPONDENT,
        case__case_parties__party_id__in=employers,
        state__in=(LabourInspection.State.OPENED, LabourInspection.State.ORDERED),
    ).distinct()
    figures = LabourInspection.objects.filter(pk__in=open_cases.values("pk")).aggregate(
        cases=Count("pk"), workers=Sum("workers"), owed=Sum("owed_amount")
    )
    if not figures["cases"]:
        return None
    return figures
