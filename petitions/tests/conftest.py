import pytest

from intake import workflow
from intake.models import Case
from intake.tests.factories import reference_data, register


@pytest.fixture
def ref(county):
    return reference_data(county)


@pytest.fixture
def petition_case(clerk, ref):
    """A petition registered at the desk (the 15-day notice clock running) and triaged to
    the petition window."""
    case = register(clerk, ref, nature=Case.Nature.PETITION, summary="反映村道硬化工程拖欠")
    return workflow.fire(
        actor=clerk, number=case.number, name="triage", data={"window": "petition"}
    )


def fire(actor, case, name, **data):
    return workflow.fire(actor=actor, number=case.number, name=name, data=data)


REPLY = "经调查核实，村道硬化工程已于2026年验收，工程款已列入镇财政预算，将于年底前拨付完毕。"
