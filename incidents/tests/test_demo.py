import pytest

from centre.demo import DemoContext
from centre.selectors import home_url_name, staff_profile
from centre.tests.factories import DepartmentFactory, RegionFactory
from incidents import demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_town_command_room_and_a_department(county):
    town = RegionFactory(code="330523001", name="递铺街道", county=county)
    labour = DepartmentFactory(county=county, name="县人力资源和社会保障局")
    context = DemoContext(county=county, users={}, options={}, write=lambda s: None)
    demo.seed(context)
    towncmd, dept = context.users["towncmd"], context.users["dept"]
    assert staff_profile(towncmd).region == town
    assert staff_profile(dept).department == labour
    assert home_url_name(towncmd) == home_url_name(dept) == "incidents:board"
    assert towncmd.has_perm("incidents.accept_incident")
    assert dept.has_perm("incidents.feedback_incident")
    assert not dept.has_perm("incidents.accept_incident")
