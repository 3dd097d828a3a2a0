"""Building cases for tests through the real service (one way to register a case)."""

from __future__ import annotations

import itertools
from typing import Any

from stdnum.cn import ric, uscc

from centre.models import Category, Region
from centre.tests.factories import CategoryFactory, CountyFactory, RegionFactory
from intake import services
from intake.models import Case, CaseParty, Party

_serial = itertools.count(100)


def resident_id(birth: str = "19800101", region: str = "330523", serial: int | None = None) -> str:
    """A well-formed (fictional) 18-digit resident ID number."""
    body = f"{region}{birth}{serial if serial is not None else next(_serial) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def credit_code(body: str = "91330523MA2B3C4D5") -> str:
    return body + uscc.calc_check_digit(body)


def phone(n: int | None = None) -> str:
    return f"138{(n if n is not None else next(_serial)) % 100_000_000:08d}"


def reference_data(county=None) -> dict[str, Any]:
    """A town with a village, and a category with a sub-category, in the test county."""
    county = county or CountyFactory()
    town = RegionFactory(code="330523107", name="天荒坪镇", county=county)
    village = RegionFactory(
        code="330523107201", name="余村村", county=county, parent=town, level=Region.Level.VILLAGE
    )
    parent = CategoryFactory(code="02", name="邻里纠纷")
    child = CategoryFactory(code="0201", name="相邻关系", parent=parent)
    return {
        "county": county,
        "town": town,
        "village": village,
        "category": child,
        "parent_category": parent,
    }


def applicant(**kw: Any) -> services.PartyInput:
    defaults = {
        "role": CaseParty.Role.APPLICANT,
        "kind": Party.Kind.PERSON,
        "name": "张建华",
        "id_type": "resident_id",
        "id_number": resident_id(),
        "phone": phone(),
    }
    return services.PartyInput(**{**defaults, **kw})


def respondent(**kw: Any) -> services.PartyInput:
    defaults = {"role": CaseParty.Role.RESPONDENT, "kind": Party.Kind.PERSON, "name": "李国强"}
    return services.PartyInput(**{**defaults, **kw})


def case_input(
    *, category: Category, region: Region, parties=None, **kw: Any
) -> services.CaseInput:
    defaults = {
        "channel": Case.Channel.WALK_IN,
        "nature": Case.Nature.DISPUTE,
        "summary": "邻居加建围墙占用通道",
    }
    return services.CaseInput(
        category=category,
        region=region,
        parties=parties if parties is not None else [applicant(), respondent()],
        **{**defaults, **kw},
    )


def register(actor, ref: dict[str, Any], **kw: Any) -> Case:
    return services.case_register(
        actor=actor,
        county=ref["county"],
        data=case_input(category=ref["category"], region=ref["village"], **kw),
    )
