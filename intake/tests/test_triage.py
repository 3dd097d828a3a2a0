"""精准分流: administrators' rules, most specific first, then the centre's division of labour."""

from __future__ import annotations

import pytest

from centre.models import Window
from intake.models import TriageRule
from intake.triage import suggest

pytestmark = pytest.mark.django_db


def _rule(nature, category, window, kind="", active=True):
    return TriageRule.objects.create(
        nature=nature,
        category=category,
        active=active,
        window=Window.objects.get(code=window),
        mediation_kind=kind,
    )


@pytest.mark.parametrize(
    ("nature", "window"),
    [
        ("dispute", "mediation"),
        ("petition", "petition"),
        ("consultation", "legal_aid"),
        ("labour", "labour"),
        ("administrative", "review"),
        ("legal_aid", "legal_aid"),
    ],
)
def test_without_rules_each_nature_goes_to_its_window(ref, nature, window):
    s = suggest(nature=nature, category=ref["category"])
    assert s.window.code == window and s.rule is None
    assert s.mediation_kind == ("people" if nature == "dispute" else "")


def test_the_most_specific_active_rule_wins(ref):
    child, parent = ref["category"], ref["parent_category"]
    _rule("dispute", None, "petition")
    assert suggest(nature="dispute", category=child).window.code == "petition"
    _rule("dispute", parent, "labour", "labour")
    assert suggest(nature="dispute", category=child).window.code == "labour"
    exact = _rule("dispute", child, "mediation", "property")
    s = suggest(nature="dispute", category=child)
    assert (s.window.code, s.mediation_kind, s.rule) == ("mediation", "property", exact)
    exact.active = False
    exact.save()
    assert suggest(nature="dispute", category=child).window.code == "labour"


def test_rules_are_per_nature(ref):
    _rule("petition", ref["category"], "petition")
    assert suggest(nature="dispute", category=ref["category"]).window.code == "mediation"


def test_registration_records_the_suggestion(clerk, ref):
    from intake.tests.factories import register

    _rule("dispute", ref["parent_category"], "mediation", "land")
    case = register(clerk, ref)
    assert case.suggested_window.code == "mediation"
    assert case.suggested_mediation_kind == "land"


def test_sysadmin_edits_rules_in_the_admin(client, sysadmin, clerk):
    client.force_login(sysadmin)
    assert client.get("/admin/intake/triagerule/add/").status_code == 200
    client.force_login(clerk)
    assert client.get("/admin/intake/triagerule/add/").status_code == 302
