from __future__ import annotations

import pytest

from intake import workflow
from intake.tests.factories import applicant, reference_data, register, respondent

APPLICANT_PHONE = "13957212345"


@pytest.fixture
def ref(county):
    return reference_data(county)


def close(actor, case, outcome: str = "handled"):
    workflow.fire(
        actor=actor,
        number=case.number,
        name="close",
        data={"outcome": outcome, "note": "已办结"},
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def open_case(clerk, ref):
    """A case referred to the petition window (not yet closed)."""
    case = register(
        clerk,
        ref,
        parties=[
            applicant(name="张建华", phone=APPLICANT_PHONE),
            respondent(name="李国强", phone="13857298765"),
        ],
    )
    workflow.fire(
        actor=clerk,
        number=case.number,
        name="refer",
        data={"window": "petition", "note": "属信访事项"},
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def closed_case(clerk, open_case):
    return close(clerk, open_case)


@pytest.fixture
def applicant_party(closed_case):
    return closed_case.case_parties.get(role="applicant").party
