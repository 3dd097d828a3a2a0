import pytest

from incidents.tests.factories import Place, build_place


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def place(county, make_user) -> Place:
    return build_place(county, make_user)
