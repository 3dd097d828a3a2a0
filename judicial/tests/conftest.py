import pytest

from intake import workflow
from intake.tests.factories import reference_data, register
from judicial.models import Court
from mediation.tests.factories import agreement_data, mediator, organisation, start


@pytest.fixture
def ref(county):
    return reference_data(county)


@pytest.fixture
def court(county, judge):
    court = Court.objects.create(
        county=county, name="安吉县人民法院", code="浙0523", president=judge
    )
    court.judges.add(judge)
    return court


@pytest.fixture
def chen(county, make_user):
    return mediator(
        county, "陈建国", orgs=[organisation(county)], user=make_user("mediator", "mediator")
    )


@pytest.fixture
def agreed(clerk, supervisor, ref, chen, court):
    """A case whose parties have just signed a mediation agreement."""
    case = start(register(clerk, ref), supervisor, chen.organisations.first(), [chen])
    return workflow.fire(
        actor=chen.user, number=case.number, name="record_agreement", data=agreement_data(case)
    )
