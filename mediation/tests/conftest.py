import pytest

from intake.tests.factories import reference_data
from mediation.tests.factories import mediator, organisation


@pytest.fixture
def ref(county):
    return reference_data(county)


@pytest.fixture
def org(county):
    return organisation(county)


@pytest.fixture
def chen(county, org, make_user):
    """The demo's mediator: 陈建国, with an account holding the mediator role."""
    return mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "mediator"), rank=1)


@pytest.fixture
def li(county, org, make_user):
    return mediator(county, "李秀兰", orgs=[org], user=make_user("mediator", "mediator2"))
