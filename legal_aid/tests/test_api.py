"""The legal-aid steps through the case's one transitions endpoint: every step × every
role (the allowed pass, the others 403, those who may not see the case 404), bad input
as a field error with nothing half-saved, and the version check."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from centre.models import Clock
from centre.roles import ROLES
from intake.access import visible_cases
from intake.models import Case, CaseDocument, CaseEvent
from legal_aid.models import LegalAid, Provider
from legal_aid.tests.conftest import GRANT, HARDSHIP, OBJECTION, REFUSAL, reach
from legal_aid.tests.test_process import ALLOWED

pytestmark = pytest.mark.django_db

# Each step: the state it is taken from, and good input (the provider's key filled in).
STEPS = {
    "legal_aid_answer": ("applied", {"answer": "可向劳动人事争议仲裁委员会申请仲裁"}),
    "legal_aid_grant": ("applied", GRANT),
    "legal_aid_refuse": ("applied", {"reason": REFUSAL}),
    "legal_aid_assign": ("granted", {"provider": None}),
    "legal_aid_object": ("refused", {"reason": OBJECTION}),
    "legal_aid_objection_decide": ("objected", {"decision": "upheld", "reason": "核查属实"}),
    "legal_aid_conclude": ("assigned", {"aid_result": "won", "result": "胜诉结案"}),
}
assert set(STEPS) == set(ALLOWED)


@pytest.fixture
def api():
    return APIClient()


def _post(api, user, case, name, data, **extra):
    api.force_authenticate(user)
    return api.post(
        f"/api/v1/cases/{case.number}/transitions/{name}/", {**data, **extra}, format="json"
    )


def _at(state, triaged, role_users, provider):
    return reach(
        state,
        triaged,
        officer=role_users["legal_aid_officer"],
        supervisor=role_users["supervisor"],
        provider=provider,
    )


def _input(name, provider):
    data = dict(STEPS[name][1])
    if "provider" in data:
        data["provider"] = provider.pk
    return data


def _snapshot(case):
    """What a refused or invalid step must leave as it was."""
    fresh = Case.objects.get(pk=case.pk)
    aid = LegalAid.objects.filter(case=case).values_list("state", flat=True).first()
    return (
        fresh.state,
        fresh.version,
        aid,
        CaseDocument.objects.filter(case=case).count(),
        Clock.objects.filter(case_number=case.number).count(),
        Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).count(),
        CaseEvent.objects.filter(case=case).count(),
    )


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, roles in ALLOWED.items() for role in sorted(roles)]
)
def test_an_allowed_role_takes_the_step(api, role_users, triaged, provider, name, role):
    state, _data = STEPS[name]
    case = _at(state, triaged, role_users, provider)
    response = _post(api, role_users[role], case, name, _input(name, provider))
    assert response.status_code == 200, response.json()
    fresh = Case.objects.get(pk=case.pk)
    assert response.json() == {
        "number": case.number,
        "state": fresh.state,
        "version": fresh.version,
    }
    assert fresh.version > case.version
    assert LegalAid.objects.get(case=case).state != state


@pytest.mark.parametrize("name", list(STEPS))
def test_every_other_role_is_refused_403_or_404(api, role_users, triaged, provider, name):
    state, _data = STEPS[name]
    case = _at(state, triaged, role_users, provider)
    before = _snapshot(case)
    for role, user in role_users.items():
        if role in ALLOWED[name]:
            continue
        response = _post(api, user, case, name, _input(name, provider))
        # Who may not see the case is not told it exists (the outsider, a mediator …).
        sees = visible_cases(user).filter(pk=case.pk).exists()
        assert response.status_code == (403 if sees else 404), (role, response.json())
        assert _snapshot(case) == before, role
    assert {r for r, u in role_users.items() if not visible_cases(u).filter(pk=case.pk)} >= {
        None,
        "mediator",
        "judge",
        "grid_worker",
    }


def test_the_outsider_gets_404_on_the_case_and_its_transitions(api, outsider, triaged):
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/cases/{triaged.number}/").status_code == 404
    assert api.get(f"/api/v1/cases/{triaged.number}/transitions/").status_code == 404


def test_the_transitions_listed_are_the_officers_steps_with_their_fields(
    api, legal_aid_officer, triaged
):
    api.force_authenticate(legal_aid_officer)
    listed = api.get(f"/api/v1/cases/{triaged.number}/transitions/").json()
    steps = {t["name"]: t for t in listed if t["name"].startswith("legal_aid")}
    assert set(steps) == {"legal_aid_answer", "legal_aid_grant", "legal_aid_refuse"}
    fields = {f["name"] for f in steps["legal_aid_grant"]["fields"]}
    assert {"matter", "ground", "hardship_finding", "exempt_category"} <= fields


def test_a_step_from_the_wrong_state_is_409(api, legal_aid_officer, triaged, provider):
    before = _snapshot(triaged)
    response = _post(api, legal_aid_officer, triaged, "legal_aid_assign", {"provider": provider.pk})
    assert response.status_code == 409
    assert _snapshot(triaged) == before


# --- bad input: a clear field error, nothing half-saved ----------------------------------
@pytest.mark.parametrize(
    ("state", "name", "data", "field"),
    [
        ("applied", "legal_aid_grant", {"matter": "追索劳动报酬"}, "ground"),
        ("applied", "legal_aid_grant", {"matter": "追索劳动报酬", "ground": ""}, "ground"),
        (
            "applied",
            "legal_aid_grant",
            {"matter": "追索劳动报酬", "ground": "hardship", "hardship_finding": "  "},
            "hardship_finding",
        ),
        (
            "applied",
            "legal_aid_grant",
            {"matter": "追索劳动报酬", "ground": "exempt", "hardship_finding": HARDSHIP},
            "exempt_category",
        ),
        (
            "applied",
            "legal_aid_grant",
            {"matter": "追索劳动报酬", "ground": "exempt", "exempt_category": "nobody"},
            "exempt_category",
        ),
        ("applied", "legal_aid_grant", {"ground": "exempt", "exempt_category": "wages"}, "matter"),
        ("applied", "legal_aid_refuse", {"reason": ""}, "reason"),
        ("applied", "legal_aid_answer", {}, "answer"),
        ("granted", "legal_aid_assign", {}, "provider"),
        ("granted", "legal_aid_assign", {"provider": 999999}, "provider"),
        ("refused", "legal_aid_object", {}, "reason"),
        ("objected", "legal_aid_objection_decide", {"reason": "核查"}, "decision"),
        ("assigned", "legal_aid_conclude", {"result": "已结案"}, "aid_result"),
        ("assigned", "legal_aid_conclude", {"aid_result": "won"}, "result"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(
    api, role_users, triaged, provider, state, name, data, field
):
    case = _at(state, triaged, role_users, provider)
    user = role_users["supervisor" if name == "legal_aid_objection_decide" else "legal_aid_officer"]
    before = _snapshot(case)
    response = _post(api, user, case, name, data)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["errors"] and body["errors"][field][0]
    assert field in body["detail"]
    assert _snapshot(case) == before
    if state == "applied":
        assert not LegalAid.objects.filter(case=case).exists()


def test_grant_errors_say_what_is_missing(api, legal_aid_officer, triaged):
    no_ground = _post(api, legal_aid_officer, triaged, "legal_aid_grant", {"matter": "追索"})
    assert "第41、42条" in no_ground.json()["errors"]["ground"][0]
    no_category = _post(
        api, legal_aid_officer, triaged, "legal_aid_grant", {"matter": "追索", "ground": "exempt"}
    )
    assert "第42条" in no_category.json()["errors"]["exempt_category"][0]


def test_a_provider_of_another_county_or_struck_off_is_refused(api, role_users, triaged, provider):
    from centre.tests.factories import CountyFactory

    case = _at("granted", triaged, role_users, provider)
    elsewhere = Provider.objects.create(
        county=CountyFactory(code="330522", name="长兴县"),
        kind=Provider.Kind.LAWYER,
        name="李律师",
        organisation="长兴律师事务所",
    )
    struck_off = Provider.objects.create(
        county=provider.county,
        kind=Provider.Kind.GRASSROOTS,
        name="孙美华",
        organisation="递铺街道法律服务所",
        active=False,
    )
    before = _snapshot(case)
    for other in (elsewhere, struck_off):
        response = _post(
            api, role_users["legal_aid_officer"], case, "legal_aid_assign", {"provider": other.pk}
        )
        assert response.status_code == 400 and "provider" in response.json()["errors"]
    assert _snapshot(case) == before


def test_the_grant_keeps_only_the_ground_chosen(api, legal_aid_officer, triaged):
    response = _post(
        api,
        legal_aid_officer,
        triaged,
        "legal_aid_grant",
        {
            "matter": "追索劳动报酬",
            "ground": "hardship",
            "hardship_finding": HARDSHIP,
            "exempt_category": "wages",
        },
    )
    assert response.status_code == 200
    aid = LegalAid.objects.get(case=triaged)
    assert (aid.ground, aid.hardship_finding, aid.exempt_category) == ("hardship", HARDSHIP, "")


# --- the version check ------------------------------------------------------------------
def test_a_stale_version_is_409_and_the_current_one_passes(api, legal_aid_officer, triaged):
    stale = triaged.version - 1
    before = _snapshot(triaged)
    response = _post(api, legal_aid_officer, triaged, "legal_aid_grant", GRANT, version=stale)
    assert response.status_code == 409 and "已被他人更新" in response.json()["detail"]
    assert _snapshot(triaged) == before
    response = _post(
        api, legal_aid_officer, triaged, "legal_aid_grant", GRANT, version=triaged.version
    )
    assert response.status_code == 200


def test_a_step_that_leaves_the_case_handling_still_moves_its_version(
    api, role_users, triaged, provider
):
    """Two officers look at a granted aid; the first assigns, the second is told."""
    case = _at("granted", triaged, role_users, provider)
    seen = Case.objects.get(pk=case.pk).version
    officer = role_users["legal_aid_officer"]
    first = _post(api, officer, case, "legal_aid_assign", {"provider": provider.pk}, version=seen)
    assert first.status_code == 200 and first.json()["state"] == "handling"
    assert first.json()["version"] > seen
    second = _post(api, officer, case, "legal_aid_assign", {"provider": provider.pk}, version=seen)
    assert second.status_code == 409


def test_roles_in_the_matrix_are_all_the_centres_roles(role_users):
    assert set(role_users) == {*ROLES, None}
