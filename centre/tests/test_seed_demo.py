"""seed_demo loads Anji county and one account per role; running it twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from centre.models import AuditLog, Category, County, Department, Region, StaffProfile, Window
from centre.roles import ROLES

pytestmark = pytest.mark.django_db
DEMO_USERS = [
    "clerk",
    "mediator",
    "mediator2",
    "judge",
    "supervisor",
    "leader",
    "grid",
    "sysadmin",
    "secadmin",
    "auditor",
]


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (County, Region, Department, Category, Window, StaffProfile, get_user_model())
    }


def _seed(settings, *args):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_builds_the_county_and_prints_the_logins(settings):
    out = _seed(settings)
    county = County.objects.get(code="330523")
    assert county.name == "安吉县"
    towns = Region.objects.filter(county=county, level=Region.Level.TOWN)
    assert {"递铺街道", "天荒坪镇", "溪龙乡"} <= set(towns.values_list("name", flat=True))
    assert Region.objects.filter(level=Region.Level.GRID, parent__name="余村村").exists()
    assert Department.objects.filter(county=county, window__code="litigation").exists()
    names = set(Category.objects.values_list("name", flat=True))
    for name in (
        "婚姻家庭",
        "邻里纠纷",
        "土地山林",
        "征地拆迁",
        "劳动争议",
        "欠薪",
        "交通事故",
        "医疗纠纷",
        "物业纠纷",
        "消费纠纷",
        "合同纠纷",
        "涉企纠纷",
        "信访投诉",
        "法律咨询",
    ):
        assert name in names
    for username in DEMO_USERS:
        assert username in out
    assert settings.DEMO_PASSWORD in out


def test_demo_users_log_in_with_the_documented_password(settings, client):
    _seed(settings)
    for username in DEMO_USERS:
        assert (
            client.post(
                "/accounts/login/", {"username": username, "password": settings.DEMO_PASSWORD}
            ).status_code
            == 302
        ), username
        client.post("/accounts/logout/")


def test_each_demo_user_holds_the_intended_role(settings):
    _seed(settings)
    users = get_user_model().objects.prefetch_related("groups")
    roles = {u.username: {g.name for g in u.groups.all()} for u in users}
    assert roles["grid"] == {"grid_worker"}
    assert roles["mediator2"] == {"mediator"}
    for code in ROLES:
        assert any(code in held for held in roles.values()), code
    grid = get_user_model().objects.get(username="grid")
    assert grid.staff.region.level == Region.Level.GRID


def test_seed_demo_is_idempotent(settings):
    _seed(settings)
    first = _counts()
    _seed(settings)
    assert _counts() == first
    assert AuditLog.objects.filter(action=AuditLog.Action.DEMO_SEED).count() == 2


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())
    assert not County.objects.exists()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert County.objects.filter(code="330523").exists()
