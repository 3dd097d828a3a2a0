"""Reads of intake: case lists, case pages, party look-ups."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    Count,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Reverse
from django.db.models.lookups import StartsWith
from django.utils import timezone

from centre.crypto import get_keyring
from centre.models import Clock, Region, ServiceAccount
from centre.replica import tolerant_alias
from intake import shares
from intake.access import SOURCE_CASES, VIEW, visible_cases
from intake.identity import IdType, normalize_phone
from intake.models import Case, CaseEvent, CaseParty, Party

LIST_RELATED = ("category", "region", "window", "suggested_window")


def _parties_prefetch() -> Prefetch:
    return Prefetch(
        "case_parties", queryset=CaseParty.objects.select_related("party").order_by("order", "id")
    )


@dataclass
class CaseFilters:
    state: str = ""
    window: str = ""
    category: str = ""
    region: str = ""
    risk: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    sort: str = ""  # "urgency": the running clock due soonest (or most overdue) first
    # The dashboard's drill-downs: a channel, one of a city leader's counties, overdue now.
    channel: str = ""
    county: str = ""
    overdue: bool = False
    # Closed with this outcome (the dashboard's 当场解答 …).
    outcome: str = ""
    # A rate's drill-down (intake.shares): its denominator's cases, its numerator's marked.
    rate: str = ""
    # A partner platform's case by its own id (Case.source, Case.external_id).
    source: str = ""
    external_id: str = ""


def case_list(user: Any, filters: CaseFilters) -> QuerySet[Case]:
    """The cases the user may see, filtered; a fixed number of queries whatever the page
    size (related rows joined or prefetched once)."""
    # Lists never show the ciphertexts or the long description: not fetched.
    parties = Prefetch(
        "case_parties",
        queryset=CaseParty.objects.select_related("party")
        .defer("party__id_number_enc", "party__phone_enc", "party__address")
        .order_by("order", "id"),
    )
    qs = (
        visible_cases(user)
        .select_related(*LIST_RELATED)
        .prefetch_related(parties)
        .defer("description")
    )
    if share := shares.get(filters.rate):
        qs = qs.filter(share.within()).annotate(counted=share.counted())
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.external_id:
        qs = qs.filter(external_id=filters.external_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.county:
        qs = qs.filter(county__code=filters.county)
    if filters.overdue:
        # Open cases with a running clock past its due date (the clocks' partial index).
        late = Clock.objects.filter(
            stopped_at__isnull=True,
            paused_at__isnull=True,
            unlimited=False,
            due_on__lt=timezone.localdate(),
        ).values("case_number")
        qs = qs.filter(number__in=late).exclude(state=Case.State.CLOSED)
    if filters.window == "none":  # not yet given a window (registered, or withdrawn then)
        qs = qs.filter(window__isnull=True)
    elif filters.window:
        qs = qs.filter(window__code=filters.window)
    if filters.category:
        # A top-level category includes its sub-categories.
        qs = qs.filter(
            Q(category__code=filters.category) | Q(category__parent__code=filters.category)
        )
    if filters.region:
        # The place and every place under it, as a set of ids (one small subquery) rather
        # than joins through the parents on every case.
        places = Region.objects.filter(
            Q(code=filters.region)
            | Q(parent__code=filters.region)
            | Q(parent__parent__code=filters.region)
        ).values("pk")
        qs = qs.filter(region_id__in=places)
    if filters.risk == "mass":
        qs = qs.filter(risk_mass=True)
    elif filters.risk == "repeat":
        qs = qs.filter(risk_repeat=True)
    elif filters.risk in Case.RiskLevel.values:
        qs = qs.filter(risk_level=filters.risk)
    # Whole local days as a range of instants, so that the index on registered_at serves it
    # (``registered_at__date`` would convert every row's time first).
    if filters.date_from:
        qs = qs.filter(registered_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(registered_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.q:
        # A search may lag the primary a little: the replica's, when there is one.
        qs = qs.filter(_search(filters.q.strip())).using(tolerant_alias())
    if filters.sort == "urgency":
        # Queues sort by urgency: the earliest due date among the case's running clocks;
        # cases without one come after, newest first.
        soonest = (
            Clock.objects.filter(
                case_number=OuterRef("number"), stopped_at__isnull=True, unlimited=False
            )
            .order_by("due_on")
            .values("due_on")[:1]
        )
        return qs.annotate(next_due=Subquery(soonest)).order_by(
            F("next_due").asc(nulls_last=True), "-registered_at", "-id"
        )
    if filters.overdue:
        # Overdue cases are mostly old ones: walking the registration-time index from the
        # newest until fifty overdue ones turn up reads most of the table. Ordering by an
        # expression the index does not hold makes the database start from the (few)
        # overdue clocks and sort them instead.
        newest = Coalesce("registered_at", "registered_at")
        return qs.order_by(newest.desc(), "-id")
    return qs.order_by("-registered_at", "-id")


def share_counts(cases: QuerySet[Case], share: shares.Share) -> dict[str, int]:
    """A rate's drill-down (``case_list`` with ``rate``): how many cases its denominator
    holds and how many of them its numerator counts, exactly, in one query."""
    return cases.order_by().aggregate(
        total=Count("pk"), counted=Count("pk", filter=share.counted())
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# A case number (intake.services.case_number) is county code, year and sequence:
# ``330523-2026-000123``. A term can be a part of one only if its shape (digits as 0) is a
# part of the number's shape; a year with a sequence can only be its end, and six digits
# only its county code or its sequence.
_NUMBER_SHAPE = "000000-0000-000000"
_CASE_NUMBER_RE = re.compile(r"\d{6}-\d{4}-\d{6}")
_YEAR_SEQUENCE_RE = re.compile(r"\d{4}-\d{6}")
_SIX_DIGITS_RE = re.compile(r"\d{6}")


def _may_be_in_a_number(term: str) -> bool:
    return bool(term) and re.sub(r"[0-9]", "0", term) in _NUMBER_SHAPE


class _NameBigrams(Func):
    """The distinct upper-cased character pairs of a text (SQL function of migration
    intake 0006, which indexes party names by them)."""

    function = "intake_name_bigrams"
    output_field = ArrayField(TextField())


def _search(term: str) -> Q:
    """By case number, party name, or a full ID number / phone (matched exactly through the
    blind index: the stored values are encrypted and never searched as text).

    Each reading of the term goes through its own index (migration intake 0006): a full
    number the unique index, a part of a number the trigram index on numbers, a name the
    character-pair index on party names, an ID number or phone the blind indexes. The
    readings are united in one subquery (an OR across the case and party tables would read
    every case instead)."""
    parties = _parties_named(term)
    keyring = get_keyring()
    compact = term.replace(" ", "").replace("-", "").upper()
    if len(compact) >= 15:
        # With its type, which leads the unique index (id_type, id_number_index).
        parties |= Q(
            id_type__in=IdType.values,
            id_number_index=keyring.blind_index(compact, purpose="id_number"),
        )
    try:
        phone = normalize_phone(term)
    except ValidationError:
        phone = None
    if phone:
        parties |= Q(phone_index=keyring.blind_index(phone, purpose="phone"))
    by_party = CaseParty.objects.filter(party__in=Party.objects.filter(parties)).values("case_id")
    if not _may_be_in_a_number(term):  # an ID number or a phone, say
        return Q(pk__in=by_party.order_by())
    # UNION, not UNION ALL: a case found twice is listed once.
    by_number = Case.objects.filter(_numbers_holding(term)).values("pk").order_by()
    return Q(pk__in=by_number.union(by_party.order_by()))


def _numbers_holding(term: str) -> Q:
    """Case numbers containing the term, each shape of term by its index."""
    if _CASE_NUMBER_RE.fullmatch(term):
        return Q(number=term)
    if _YEAR_SEQUENCE_RE.fullmatch(term):
        return _number_ends_with(f"-{term}")
    if _SIX_DIGITS_RE.fullmatch(term):
        return Q(number__startswith=f"{term}-") | _number_ends_with(f"-{term}")
    # Any other part (a year, a few digits) through the trigram index.
    return Q(number__contains=term)


def _number_ends_with(tail: str) -> Q:
    """On PostgreSQL, a prefix of the reversed number: the index of reversed numbers reads
    just those (``LIKE '%…'`` could use no btree)."""
    if connection.vendor != "postgresql":
        return Q(number__endswith=tail)
    return Q(StartsWith(Reverse("number"), tail[::-1]))


def _parties_named(term: str) -> Q:
    """Parties whose name contains the term. On PostgreSQL, names holding all of the
    term's character pairs come from the index, then each is checked; a single character
    has no pair and is looked for in every name, as on SQLite."""
    contains = Q(name__icontains=term)
    if connection.vendor != "postgresql" or len(term) < 2:
        return contains
    return contains & Q(DataContains(_NameBigrams("name"), _NameBigrams(Value(term))))


def case_detail(case: Case) -> Case:
    """The case with everything its page shows, loaded in a fixed number of queries."""
    return (
        Case.objects.select_related(
            "county",
            "category__parent",
            "region__parent",
            "window",
            "suggested_window",
            "registered_by",
            "registered_window",
        )
        .prefetch_related(
            _parties_prefetch(),
            "attachments",
            "documents",
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        )
        .get(pk=case.pk)
    )


def party_by_identity(
    *, id_type: str = "", id_number: str = "", phone: str = "", credit_code: str = ""
) -> list[Party]:
    """Parties matching a full ID number, credit code or phone (exact, via blind index)."""
    keyring = get_keyring()
    condition = Q()
    if id_number:
        condition |= Q(
            id_number_index=keyring.blind_index(id_number, purpose="id_number"),
            **({"id_type": id_type} if id_type else {}),
        )
    if credit_code:
        condition |= Q(credit_code=credit_code)
    if phone:
        condition |= Q(phone_index=keyring.blind_index(phone, purpose="phone"))
    if not condition:
        return []
    return list(Party.objects.filter(condition)[:5])


def party_history(user: Any, parties: list[Party]) -> QuerySet[Case]:
    """Earlier cases of these parties at any window (重复来访), those the user may see."""
    return (
        visible_cases(user)
        .filter(case_parties__party__in=parties)
        .select_related(*LIST_RELATED)
        .distinct()
        .order_by("-registered_at")[:20]
    )


def partner_of(user: Any) -> ServiceAccount | None:
    """The partner platform's service account registering cases, or None for staff: one
    query, only for an account holding the partner's right (no query for staff)."""
    if not user.has_perm(SOURCE_CASES) or user.has_perm(VIEW):
        return None
    return (
        ServiceAccount.objects.select_related("county")
        .filter(user=user, source__isnull=False, county__isnull=False)
        .first()
    )


def source_known(source: str) -> bool:
    """Whether a partner platform records its cases under this source code."""
    return ServiceAccount.objects.filter(source=source).exists()
