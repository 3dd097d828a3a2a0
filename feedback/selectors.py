"""Reads of the satisfaction loop: the tickets a user may see."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import Count, F, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.selectors import staff_of
from feedback.models import RATING_DAYS, Rating, ReworkTicket
from intake.models import Case


def tickets_for(user: Any) -> QuerySet[ReworkTicket]:
    """The rework tickets of the user's county, for those who handle them; none else."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "feedback.handle_reworkticket"
    ):
        return ReworkTicket.objects.none()
    staff = staff_of(user)
    if staff is None:
        return ReworkTicket.objects.none()
    return ReworkTicket.objects.filter(county_id=staff.county_id).select_related(
        "case", "window", "assignee", "rating"
    )


def ticket_list(user: Any, *, state: str = "") -> QuerySet[ReworkTicket]:
    """Open tickets first (the most urgent due date first), then those done."""
    tickets = tickets_for(user)
    if state == "open":
        tickets = tickets.filter(
            state__in=[ReworkTicket.State.OPEN, ReworkTicket.State.CALLED_BACK]
        )
    elif state:
        tickets = tickets.filter(state=state)
    return tickets.order_by("closed_at", "due_on", "id")


# --- quality figures (质效) ----------------------------------------------------------------

# The two rates, each over the ratings received in the period: (label, definition).
RATES = {
    "satisfaction": (
        _("满意率"),
        _(
            "评价为“满意”或“基本满意”的评价数 ÷ 评价总数（期间内收到的当事人评价，"
            "每案每名申请人一次）。"
        ),
    ),
    "rework": (
        _("重办率"),
        _(
            "回访后重新办理的评价数 ÷ 评价总数。不满意评价生成回访重办单，"
            "督办员回访后维持原结果的不计入分子。"
        ),
    ),
}

_SATISFIED = Q(value__in=[Rating.Value.SATISFIED, Rating.Value.BASICALLY_SATISFIED])
_REWORKED = Q(rework__state=ReworkTicket.State.REOPENED)
# The case's lead mediator (the one who presided: mediation.Participant.is_lead).
_LEAD = {
    "case__mediation__participants__is_lead": True,
    "case__mediation__participants__removed_at__isnull": True,
}
_LEAD_PATH = "case__mediation__participants__"


def _rate(numerator: int, denominator: int) -> dict[str, Any]:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": round(100 * numerator / denominator, 1) if denominator else None,
    }


def _row(values: dict[str, Any]) -> dict[str, Any]:
    n = values.pop("n")
    return {
        **values,
        "n": n,
        "satisfaction": _rate(values.pop("satisfied"), n),
        "rework": _rate(values.pop("reworked"), n),
    }


def _counts() -> dict[str, Any]:
    return {
        "n": Count("id"),
        "satisfied": Count("id", filter=_SATISFIED),
        "reworked": Count("id", filter=_REWORKED),
    }


def ratings_in(*, counties: list[Any], date_from: date, date_to: date) -> QuerySet[Rating]:
    return Rating.objects.filter(
        case__county__in=counties, rated_at__date__gte=date_from, rated_at__date__lte=date_to
    )


def quality_figures(*, counties: list[Any], date_from: date, date_to: date) -> dict[str, Any]:
    """满意率 and 重办率 of the ratings received in the period, overall and per window,
    lead mediator, mediation organisation and town: one grouped query per table."""
    qs = ratings_in(counties=counties, date_from=date_from, date_to=date_to)

    def table(qs: QuerySet, code: str, name: Any, key: str = "name") -> list[dict[str, Any]]:
        rows = qs.values(code=F(code), name=name).annotate(**_counts()).order_by("-n", key)
        return [_row(dict(r)) for r in rows]

    town = DbCase(
        When(case__region__level="town", then=F("case__region__name")),
        When(case__region__level="village", then=F("case__region__parent__name")),
        default=F("case__region__parent__parent__name"),
    )
    lead = qs.filter(**_LEAD)
    windows = table(qs, "case__window__code", F("case__window__name"))
    # Every rating is in one window row (a case without a window too): the totals are theirs.
    totals = _row(
        {
            "n": sum(r["n"] for r in windows),
            "satisfied": sum(r["satisfaction"]["numerator"] for r in windows),
            "reworked": sum(r["rework"]["numerator"] for r in windows),
        }
    )
    return {
        "definitions": [
            {"key": k, "label": label, "text": text} for k, (label, text) in RATES.items()
        ],
        "total": totals,
        "windows": windows,
        "mediators": table(lead, f"{_LEAD_PATH}mediator_id", F(f"{_LEAD_PATH}mediator__name")),
        "organisations": table(
            lead, f"{_LEAD_PATH}organisation_id", F(f"{_LEAD_PATH}organisation__name")
        ),
        "towns": table(qs, "case__region__code", town),
    }


def mediator_figures(*, mediator_id: int, date_from: date, date_to: date) -> dict[str, Any]:
    """One mediator's 满意率 and 重办率 (the cases they presided over), for their record
    and its grade review: one query."""
    qs = Rating.objects.filter(
        rated_at__date__gte=date_from,
        rated_at__date__lte=date_to,
        **_LEAD,
        **{f"{_LEAD_PATH}mediator_id": mediator_id},
    )
    return _row(qs.aggregate(**_counts()))


def mediator_record_lines(mediator: Any) -> list[tuple[str, str]]:
    """The mediator's record (mediation.records): the past year's rates."""
    today = timezone.localdate()
    own = mediator_figures(
        mediator_id=mediator.pk, date_from=today - timedelta(days=365), date_to=today
    )

    def text(rate: dict[str, Any]) -> str:
        value = "—" if rate["value"] is None else f"{rate['value']}%"
        return f"{value}（{rate['numerator']}/{rate['denominator']}）"

    return [
        (str(_("近一年满意率")), text(own["satisfaction"])),
        (str(_("近一年重办率")), text(own["rework"])),
    ]


def rating_deadline(case: Case) -> date | None:
    """The last day a party may rate the case (None while it is open)."""
    if case.state != Case.State.CLOSED or case.closed_at is None:
        return None
    return timezone.localdate(case.closed_at) + timedelta(days=RATING_DAYS)


def progress_rating(number: str) -> dict[str, Any]:
    """What the public progress page shows of a closed case's rating: the ratings given
    (their value and day, nobody's name) and, while the 30 days run, the last day to rate."""
    case = Case.objects.filter(number=number).only("number", "state", "closed_at").first()
    if case is None:
        return {"ratings": [], "deadline": None, "open": False, "number": number}
    deadline = rating_deadline(case)
    ratings = [
        {"value": r.get_value_display(), "day": timezone.localtime(r.rated_at).date()}
        for r in Rating.objects.filter(case=case).only("value", "rated_at").order_by("rated_at")
    ]
    return {
        "number": case.number,
        "ratings": ratings,
        "deadline": deadline,
        "open": deadline is not None and timezone.localdate() <= deadline,
    }
