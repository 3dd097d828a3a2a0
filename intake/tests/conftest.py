import pytest

from intake.tests.factories import reference_data


@pytest.fixture
def ref(county):
    return reference_data(county)
