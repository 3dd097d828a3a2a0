"""The labour window's steps through the case's one transitions endpoint: every step ×
every role (the allowed pass, the others 403, those who may not see the case 404), a step
from the wrong state 409, bad input as a field error with nothing half-saved, and the
version check."""

from __future__ import annotations

import pytest

from centre.models import Clock
from centre.roles import ROLES
from intake import workflow
from intake.access import visible_cases
from intake.models import Case
from labour.models import Arbitration, LabourInspection
from labour.tests.conftest import (
    ALLOWED,
    CLAIMS,
    FROM,
    ITEMS,
    at_labour,
    in_days,
    post,
    reach,
    snapshot,
    step_input,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def labour_case(role_users, ref, arbitrators, minimum_wage):
    """Take a new labour case to the state a step is taken from."""

    def make(name):
        nature = Case.Nature.LABOUR if "inspection" in name else Case.Nature.DISPUTE
        case = at_labour(role_users["clerk"], ref, nature=nature)
        return reach(
            FROM[name],
            case,
            inspector=role_users["labour_inspector"],
            arbitrator=role_users["arbitrator"],
            arbitrators=arbitrators,
        )

    return make


def _process(case, name):
    model = LabourInspection if "inspection" in name else Arbitration
    return model.objects.filter(case=case).first()


def test_the_matrix_covers_every_step_and_role(role_users):
    labour_steps = {n for n in workflow.REGISTRY if n.startswith("labour_")}
    assert labour_steps == set(ALLOWED) == set(FROM)
    assert set(role_users) == {*ROLES, None}


@pytest.mark.parametrize("name", list(ALLOWED))
def test_may_fire_for_each_role(role_users, labour_case, name):
    case = labour_case(name)
    for code, user in role_users.items():
        assert workflow.may_fire(user, case, name) is (code in ALLOWED[name]), (name, code)


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, roles in ALLOWED.items() for role in sorted(roles)]
)
def test_an_allowed_role_takes_the_step(api, role_users, labour_case, arbitrators, name, role):
    case = labour_case(name)
    before = _process(case, name)
    response = post(api, role_users[role], case, name, step_input(name, arbitrators))
    assert response.status_code == 200, response.json()
    fresh = Case.objects.get(pk=case.pk)
    assert response.json() == {
        "number": case.number,
        "state": fresh.state,
        "version": fresh.version,
    }
    assert fresh.version > case.version
    after = _process(case, name)
    if name.endswith(("_extend", "_hearing")):  # stays where it was, its fields set
        assert after.state == before.state and after.pk == before.pk
    else:
        assert after.state != FROM[name]


@pytest.mark.parametrize("name", list(ALLOWED))
def test_every_other_role_is_refused_403_or_404(api, role_users, labour_case, arbitrators, name):
    case = labour_case(name)
    before = snapshot(case)
    unseen = set()
    for role, user in role_users.items():
        if role in ALLOWED[name]:
            continue
        response = post(api, user, case, name, step_input(name, arbitrators))
        # Who may not see the case is not told it exists.
        sees = visible_cases(user).filter(pk=case.pk).exists()
        unseen |= set() if sees else {role}
        assert response.status_code == (403 if sees else 404), (role, response.json())
        assert snapshot(case) == before, role
    assert unseen >= {None, "mediator", "judge", "grid_worker"}


@pytest.mark.parametrize(
    ("state", "name", "role"),
    [
        ("received", "labour_inspection_order", "labour_inspector"),
        ("received", "labour_inspection_conclude", "labour_inspector"),
        ("received", "labour_inspection_extend", "supervisor"),
        ("opened", "labour_inspection_accept", "labour_inspector"),
        ("opened", "labour_inspection_refuse", "labour_inspector"),
        ("new", "labour_arbitration_accept", "arbitrator"),
        ("new", "labour_arbitration_hearing", "arbitrator"),
        ("new", "labour_arbitration_extend", "supervisor"),
        ("applied", "labour_arbitration_apply", "arbitrator"),
        ("applied", "labour_arbitration_award", "arbitrator"),
        ("applied", "labour_arbitration_settle", "arbitrator"),
        ("accepted", "labour_arbitration_conclude", "arbitrator"),
        ("awarded", "labour_arbitration_award", "arbitrator"),
        ("awarded", "labour_arbitration_refuse", "arbitrator"),
    ],
)
def test_a_step_from_the_wrong_state_is_409(
    api, role_users, ref, arbitrators, minimum_wage, state, name, role
):
    nature = Case.Nature.LABOUR if state in ("received", "opened") else Case.Nature.DISPUTE
    case = reach(
        state,
        at_labour(role_users["clerk"], ref, nature=nature),
        inspector=role_users["labour_inspector"],
        arbitrator=role_users["arbitrator"],
        arbitrators=arbitrators,
    )
    before = snapshot(case)
    response = post(api, role_users[role], case, name, step_input(name, arbitrators))
    assert response.status_code == 409, response.json()
    assert "不能执行" in response.json()["detail"]
    assert snapshot(case) == before


def test_a_closed_inspection_takes_no_more_steps(api, role_users, ref):
    inspector = role_users["labour_inspector"]
    case = reach("ordered", at_labour(role_users["clerk"], ref), inspector=inspector)
    case = workflow.fire(
        actor=inspector,
        number=case.number,
        name="labour_inspection_conclude",
        data=step_input("labour_inspection_conclude"),
    )
    assert case.state == Case.State.CLOSED
    assert not workflow.available(case, inspector)
    for name in ("labour_inspection_order", "labour_inspection_conclude"):
        assert post(api, inspector, case, name, step_input(name)).status_code == 409
    response = post(api, role_users["supervisor"], case, "labour_inspection_extend", {"days": 5})
    assert response.status_code == 409


# --- bad input: a field error, nothing half-saved ----------------------------------------
REQUIRED = {
    "labour_inspection_accept": {"workers"},
    "labour_inspection_refuse": {"channel", "reason"},
    "labour_inspection_extend": {"days", "reason"},
    "labour_inspection_order": {"kind", "items", "deadline"},
    "labour_inspection_conclude": {"conclusion", "result"},
    "labour_arbitration_apply": {"claims", "kind"},
    "labour_arbitration_accept": {"arbitrators", "presiding"},
    "labour_arbitration_refuse": {"reason"},
    "labour_arbitration_hearing": {"at", "place"},
    "labour_arbitration_extend": {"days", "reason"},
    "labour_arbitration_settle": {"terms"},
    "labour_arbitration_award": {"facts", "text"},
    "labour_arbitration_conclude": {"ending", "result"},
}


def _actor(role_users, name):
    return role_users[sorted(ALLOWED[name])[0]]


@pytest.mark.parametrize("name", list(REQUIRED))
def test_each_steps_required_fields_missing_is_400_naming_them(api, role_users, labour_case, name):
    case = labour_case(name)
    before = snapshot(case)
    response = post(api, _actor(role_users, name), case, name, {})
    assert response.status_code == 400, response.json()
    body = response.json()
    assert set(body["errors"]) == REQUIRED[name]
    for field in REQUIRED[name]:
        assert body["errors"][field][0] and field in body["detail"]
    assert snapshot(case) == before
    if FROM[name] in ("received", "new"):  # the process was not begun
        assert _process(case, name) is None


@pytest.mark.parametrize(
    ("name", "data", "field", "says"),
    [
        (
            "labour_inspection_order",
            {"kind": "pay", "items": ITEMS, "deadline": "2099-01-15"},
            "amount",
            "金额",
        ),
        (
            "labour_inspection_order",
            {"kind": "correct", "items": ITEMS, "deadline": in_days(0)},
            "deadline",
            "晚于今天",
        ),
        (
            "labour_inspection_order",
            {"kind": "correct", "items": ITEMS, "deadline": in_days(-3)},
            "deadline",
            "晚于今天",
        ),
        (
            "labour_inspection_order",
            {"kind": "pay", "items": ITEMS, "amount": "-1", "deadline": "2099-01-15"},
            "amount",
            "",
        ),
        (
            "labour_inspection_conclude",
            {"conclusion": "paid", "result": "已支付"},
            "recovered",
            "追回",
        ),
        (
            "labour_inspection_refuse",
            {"channel": "heaven", "reason": "不属于监察范围"},
            "channel",
            "",
        ),
        ("labour_inspection_accept", {"workers": 0}, "workers", ""),
        ("labour_arbitration_apply", {"claims": CLAIMS, "kind": "bonus"}, "kind", ""),
        (
            "labour_arbitration_accept",
            {"arbitrators": [999999], "presiding": 999999},
            "arbitrators",
            "",
        ),
        ("labour_arbitration_conclude", {"ending": "forgotten", "result": "?"}, "ending", ""),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(
    api, role_users, labour_case, name, data, field, says
):
    case = labour_case(name)
    before = snapshot(case)
    response = post(api, _actor(role_users, name), case, name, data)
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert field in errors and says in errors[field][0], errors
    assert snapshot(case) == before


def test_an_order_to_correct_needs_no_amount(api, role_users, labour_case):
    case = labour_case("labour_inspection_order")
    response = post(
        api,
        role_users["labour_inspector"],
        case,
        "labour_inspection_order",
        {"kind": "correct", "items": "未依法签订书面劳动合同", "deadline": in_days(1)},
    )
    assert response.status_code == 200, response.json()
    inspection = LabourInspection.objects.get(case=case)
    assert (inspection.order_kind, inspection.order_amount) == ("correct", None)


def test_a_penalty_conclusion_needs_no_recovered_amount(api, role_users, labour_case):
    case = labour_case("labour_inspection_conclude")
    response = post(
        api,
        role_users["labour_inspector"],
        case,
        "labour_inspection_conclude",
        {"conclusion": "transferred", "result": "逾期仍不支付，已移送县公安局"},
    )
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert (case.state, case.outcome) == (Case.State.CLOSED, Case.Outcome.HANDLED)
    assert not Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).exists()


# --- the version check ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["labour_inspection_accept", "labour_arbitration_apply"])
def test_a_stale_version_is_409_and_the_current_one_passes(api, role_users, labour_case, name):
    case = labour_case(name)
    user = _actor(role_users, name)
    before = snapshot(case)
    response = post(api, user, case, name, step_input(name), version=case.version - 1)
    assert response.status_code == 409 and "已被他人更新" in response.json()["detail"]
    assert snapshot(case) == before
    response = post(api, user, case, name, step_input(name), version=case.version)
    assert response.status_code == 200, response.json()


def test_a_step_that_leaves_the_case_handling_still_moves_its_version(api, role_users, labour_case):
    """Two inspectors look at an opened inspection; the first orders, the second is told."""
    case = labour_case("labour_inspection_order")
    seen = Case.objects.get(pk=case.pk).version
    inspector = role_users["labour_inspector"]
    data = step_input("labour_inspection_order")
    first = post(api, inspector, case, "labour_inspection_order", data, version=seen)
    assert first.status_code == 200 and first.json()["state"] == "handling"
    assert first.json()["version"] > seen
    second = post(api, inspector, case, "labour_inspection_order", data, version=seen)
    assert second.status_code == 409


def test_the_transitions_listed_are_the_officers_steps(api, role_users, ref):
    case = at_labour(role_users["clerk"], ref)
    api.force_authenticate(role_users["labour_inspector"])
    listed = {t["name"]: t for t in api.get(f"/api/v1/cases/{case.number}/transitions/").json()}
    assert set(listed) == {"labour_inspection_accept", "labour_inspection_refuse"}
    fields = {f["name"]: f for f in listed["labour_inspection_refuse"]["fields"]}
    assert {c["value"] for c in fields["channel"]["choices"]} == {
        "arbitration",
        "litigation",
        "other_organ",
    }
    api.force_authenticate(role_users["clerk"])
    listed = {t["name"] for t in api.get(f"/api/v1/cases/{case.number}/transitions/").json()}
    assert "labour_arbitration_apply" in listed and "labour_inspection_accept" not in listed
