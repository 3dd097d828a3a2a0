"""Reads of the petition window: its queue and what a petition is flagged for."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet

from intake.models import Case, CaseParty
from petitions.models import Petition

# 重复信访: the same petitioner with the same matter within twelve months.
REPEAT_WINDOW = timedelta(days=365)
# 集体访: five or more people (信访工作条例 第20条: they choose up to five representatives).
COLLECTIVE_COUNT = 5


def is_repeat(case: Case) -> bool:
    """An applicant of this case petitioned on the same matter (its top-level category)
    at this window in the twelve months before."""
    applicants = CaseParty.objects.filter(case=case, role=CaseParty.Role.APPLICANT).values(
        "party_id"
    )
    top = case.category.parent_id or case.category_id
    return (
        CaseParty.objects.filter(role=CaseParty.Role.APPLICANT, party_id__in=applicants)
        .exclude(case=case)
        .filter(
            case__registered_at__gte=case.registered_at - REPEAT_WINDOW,
            case__registered_at__lt=case.registered_at,
        )
        .filter(case__window__code=Petition.WINDOW)
        .filter(case__category__in=_same_matter(top))
        .exists()
    )


def _same_matter(top_id: int) -> QuerySet:
    from centre.models import Category

    return Category.objects.filter(pk=top_id) | Category.objects.filter(parent_id=top_id)


def flags(case: Case) -> dict[str, bool]:
    return {"repeat": is_repeat(case), "collective": case.involved_count >= COLLECTIVE_COUNT}
