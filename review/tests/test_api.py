"""The review steps through the case's one transitions endpoint: every step × every role
(the allowed pass, the others 403, those who may not see the case 404), bad input as a
field error with nothing half-saved, and the version check."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from centre.models import Clock
from centre.roles import ROLES
from intake.access import visible_cases
from intake.models import Case, CaseDocument, CaseEvent
from review.models import AdministrativeReview
from review.tests.conftest import ANSWER, REASONS, accept_data, good_input, reach
from review.tests.test_process import ALLOWED

pytestmark = pytest.mark.django_db

# The state each step is taken from.
FROM = {
    "review_accept": "applied",
    "review_refuse": "applied",
    "review_answer": "accepted",
    "review_extend": "accepted",
    "review_mediate": "answered",
    "review_decide": "answered",
    "review_withdraw": "accepted",
}
assert set(FROM) == set(ALLOWED)


@pytest.fixture
def api():
    return APIClient()


def _post(api, user, case, name, data, **extra):
    api.force_authenticate(user)
    return api.post(
        f"/api/v1/cases/{case.number}/transitions/{name}/", {**data, **extra}, format="json"
    )


def _at(state, application, role_users, **kw):
    return reach(state, application, officer=role_users["review_officer"], **kw)


def _snapshot(case):
    """What a refused or invalid step must leave as it was."""
    fresh = Case.objects.get(pk=case.pk)
    review = AdministrativeReview.objects.filter(case=case).values_list("state", flat=True)
    return (
        fresh.state,
        fresh.version,
        review.first(),
        CaseDocument.objects.filter(case=case).count(),
        Clock.objects.filter(case_number=case.number).count(),
        Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).count(),
        CaseEvent.objects.filter(case=case).count(),
    )


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, roles in ALLOWED.items() for role in sorted(roles)]
)
def test_an_allowed_role_takes_the_step(api, role_users, application, name, role):
    case = _at(FROM[name], application, role_users)
    response = _post(api, role_users[role], case, name, good_input(name, case))
    assert response.status_code == 200, response.json()
    fresh = Case.objects.get(pk=case.pk)
    assert response.json() == {
        "number": case.number,
        "state": fresh.state,
        "version": fresh.version,
    }
    assert fresh.version > case.version
    review = AdministrativeReview.objects.get(case=case)
    if name == "review_extend":
        assert review.extended_at is not None
    else:
        assert review.state != FROM[name]


@pytest.mark.parametrize("name", list(FROM))
def test_every_other_role_is_refused_403_or_404(api, role_users, application, name):
    case = _at(FROM[name], application, role_users)
    before = _snapshot(case)
    for role, user in role_users.items():
        if role in ALLOWED[name]:
            continue
        response = _post(api, user, case, name, good_input(name, case))
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


def test_the_outsider_gets_404_on_the_case_and_its_transitions(api, outsider, application):
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/cases/{application.number}/").status_code == 404
    assert api.get(f"/api/v1/cases/{application.number}/transitions/").status_code == 404
    response = _post(api, outsider, application, "review_accept", accept_data(application))
    assert response.status_code == 404


def test_the_transitions_listed_are_the_officers_steps_with_their_fields(
    api, review_officer, application
):
    api.force_authenticate(review_officer)
    listed = api.get(f"/api/v1/cases/{application.number}/transitions/").json()
    steps = {t["name"]: t for t in listed if t["name"].startswith("review")}
    assert set(steps) == {"review_accept", "review_refuse", "review_withdraw"}
    fields = {f["name"]: f for f in steps["review_accept"]["fields"]}
    assert {"procedure", "act", "act_known_on", "note"} <= set(fields)
    assert {c["value"] for c in fields["procedure"]["choices"]} == {"ordinary", "simple"}
    assert fields["act"]["required"] and fields["act_known_on"]["required"]


def test_a_step_from_the_wrong_state_is_409(api, review_officer, application):
    before = _snapshot(application)
    response = _post(
        api, review_officer, application, "review_decide", {"kind": "uphold", "reasons": REASONS}
    )
    assert response.status_code == 409
    assert _snapshot(application) == before


# --- bad input: a clear field error, nothing half-saved ----------------------------------
@pytest.mark.parametrize(
    ("state", "name", "data", "field"),
    [
        (
            "applied",
            "review_accept",
            {"act": "处罚决定", "act_known_on": "2026-01-01"},
            "procedure",
        ),
        ("applied", "review_accept", {"procedure": "summary"}, "procedure"),
        ("applied", "review_accept", {"procedure": "ordinary", "act_known_on": "today"}, "act"),
        ("applied", "review_accept", {"procedure": "ordinary", "act": "处罚"}, "act_known_on"),
        (
            "applied",
            "review_accept",
            {"procedure": "ordinary", "act": "处罚", "act_known_on": "2026-13-40"},
            "act_known_on",
        ),
        ("applied", "review_accept", {"procedure": "ordinary", "by_law": True}, "by_law"),
        ("applied", "review_refuse", {"reason": ""}, "reason"),
        ("applied", "review_withdraw", {}, "reason"),
        ("accepted", "review_answer", {"received_on": "2026-01-01"}, "text"),
        ("accepted", "review_answer", {"text": ANSWER}, "received_on"),
        ("accepted", "review_answer", {"text": ANSWER, "received_on": "2099-01-01"}, "received_on"),
        ("accepted", "review_extend", {"days": 31, "reason": "复杂"}, "days"),
        ("accepted", "review_extend", {"days": 0, "reason": "复杂"}, "days"),
        ("accepted", "review_extend", {"days": 10}, "reason"),
        ("accepted", "review_mediate", {"terms": ""}, "terms"),
        ("answered", "review_decide", {"reasons": REASONS}, "kind"),
        ("answered", "review_decide", {"kind": "annul", "reasons": REASONS}, "kind"),
        ("answered", "review_decide", {"kind": "uphold"}, "reasons"),
        ("answered", "review_decide", {"kind": "uphold", "reasons": "维持"}, "reasons"),
        ("answered", "review_decide", {"kind": "order", "reasons": REASONS}, "within_days"),
        (
            "answered",
            "review_decide",
            {"kind": "order", "reasons": REASONS, "within_days": -3},
            "within_days",
        ),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(
    api, role_users, application, state, name, data, field
):
    case = _at(state, application, role_users)
    user = role_users["supervisor" if name == "review_extend" else "review_officer"]
    before = _snapshot(case)
    response = _post(api, user, case, name, data)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["errors"] and body["errors"][field][0]
    assert field in body["detail"]
    assert _snapshot(case) == before
    if state == "applied":
        assert not AdministrativeReview.objects.filter(case=case).exists()


def test_the_extension_of_a_simplified_review_is_a_field_error(api, role_users, application):
    case = _at("accepted", application, role_users, procedure="simple")
    before = _snapshot(case)
    response = _post(
        api, role_users["supervisor"], case, "review_extend", {"days": 10, "reason": "复杂"}
    )
    assert response.status_code == 400
    assert "简易程序" in response.json()["errors"]["days"][0]
    assert _snapshot(case) == before


# --- the version check ------------------------------------------------------------------
def test_a_stale_version_is_409_and_the_current_one_passes(api, review_officer, application):
    data = accept_data(application)
    before = _snapshot(application)
    stale = application.version - 1
    response = _post(api, review_officer, application, "review_accept", data, version=stale)
    assert response.status_code == 409 and "已被他人更新" in response.json()["detail"]
    assert _snapshot(application) == before
    current = application.version
    response = _post(api, review_officer, application, "review_accept", data, version=current)
    assert response.status_code == 200


def test_a_step_that_leaves_the_case_handling_still_moves_its_version(api, role_users, application):
    """Two officers look at an accepted review; the first records the answer, the second
    is told."""
    case = _at("accepted", application, role_users)
    seen = Case.objects.get(pk=case.pk).version
    officer = role_users["review_officer"]
    data = good_input("review_answer", case)
    first = _post(api, officer, case, "review_answer", data, version=seen)
    assert first.status_code == 200 and first.json()["state"] == "handling"
    assert first.json()["version"] > seen
    second = _post(api, officer, case, "review_answer", data, version=seen)
    assert second.status_code == 409


def test_roles_in_the_matrix_are_all_the_centres_roles(role_users):
    assert set(role_users) == {*ROLES, None}
