"""Roles are groups with named permissions; each lands on its own desk and no further."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from centre.roles import ROLES, Role
from centre.services import check_role_combination, roles_sync

DESKS = {
    "intake:desk": {"clerk", "supervisor"},
    "incidents:report": {"grid_worker"},
    "incidents:county": {"leader", "supervisor"},
    "mediation:my_cases": {"mediator", "supervisor"},
    "mediation:assign": {"supervisor"},
    "judicial:queue": {"judge", "court_clerk"},
    "risk:dashboard": {"leader", "supervisor"},
}


@pytest.mark.django_db
def test_every_role_is_a_group_with_exactly_its_permissions():
    for role in ROLES.values():
        group = Group.objects.get(name=role.code)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert held == set(role.permissions), role.code


@pytest.mark.django_db
def test_roles_sync_refuses_a_permission_that_does_not_exist(monkeypatch):
    broken = dict(ROLES)
    broken["clerk"] = Role("clerk", "x", "intake:desk", ("centre.no_such_right",))
    monkeypatch.setattr("centre.services.ROLES", broken)
    with pytest.raises(LookupError, match=r"centre\.no_such_right"):
        roles_sync()


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("clerk", "intake:desk"),
        ("mediator", "mediation:my_cases"),
        ("judge", "judicial:queue"),
        ("leader", "risk:dashboard"),
        ("supervisor", "mediation:assign"),
        ("grid_worker", "incidents:report"),
        ("sysadmin", "admin:index"),
        ("secadmin", "admin:index"),
        ("auditor", "admin:index"),
    ],
)
def test_each_role_lands_on_its_own_page(client, make_user, role, home):
    client.force_login(make_user(role))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(home)


def test_an_account_without_a_role_is_told_to_ask_for_one(client, outsider):
    client.force_login(outsider)
    response = client.get("/")
    assert response.status_code == 403
    assert "尚未分配角色" in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client, db):
    for url_name in [*DESKS, "home"]:
        response = client.get(reverse(url_name))
        assert response.status_code == 302, url_name
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url_name", DESKS)
def test_each_desk_opens_for_its_roles_only(client, role_users, url_name):
    for code, user in role_users.items():
        client.force_login(user)
        response = client.get(reverse(url_name))
        expected = 200 if code in DESKS[url_name] else 403
        assert response.status_code == expected, (url_name, code)
        if expected == 403:
            assert "无权访问" in response.content.decode()


def test_desk_pages_are_chinese_and_show_the_county_and_date(client, clerk, time_machine):
    time_machine.move_to("2026-11-27 09:00 +08:00")
    client.force_login(clerk)
    page = client.get(reverse("intake:desk")).content.decode()
    assert "受理台" in page
    assert "安吉县社会矛盾纠纷调处化解中心" in page
    assert "2026年11月27日" in page
    assert "建议分流窗口" in page
    assert "登记并生成回执" in page


def test_navigation_shows_only_what_the_user_may_open(client, leader, supervisor):
    client.force_login(leader)
    page = client.get(reverse("risk:dashboard")).content.decode()
    assert f'href="{reverse("risk:dashboard")}"' in page
    assert f'href="{reverse("intake:cases")}"' in page
    assert f'href="{reverse("intake:desk")}"' not in page
    client.force_login(supervisor)
    page = client.get(reverse("intake:desk")).content.decode()
    for url_name in (
        "intake:desk",
        "intake:cases",
        "mediation:assign",
        "mediation:my_cases",
        "risk:dashboard",
    ):
        assert f'href="{reverse(url_name)}"' in page


def test_incident_command_is_in_the_menu_of_those_who_command_or_watch(client, role_users):
    """The board for the town, the departments, the county's supervisors and leaders; the
    county view for supervisors and leaders; the report page for grid workers."""
    board, county, report = (
        f'href="{reverse(name)}"'
        for name in ("incidents:board", "incidents:county", "incidents:report")
    )
    expected = {
        "leader": {board, county},
        "supervisor": {board, county},
        "town_dispatcher": {board},
        "department_handler": {board},
        "grid_worker": {board, report},
        "clerk": set(),
        "judge": set(),
    }
    for code, links in expected.items():
        client.force_login(role_users[code])
        page = client.get(reverse("password_change")).content.decode()
        for link in (board, county, report):
            assert (link in page) == (link in links), (code, link)


@pytest.mark.parametrize(
    "roles",
    [
        {"sysadmin", "secadmin"},
        {"secadmin", "auditor"},
        {"sysadmin", "auditor"},
        {"auditor", "clerk"},
    ],
)
def test_administrator_roles_are_kept_apart(roles):
    with pytest.raises(ValidationError):
        check_role_combination(roles)


def test_business_roles_may_combine():
    check_role_combination({"clerk", "supervisor"})
    check_role_combination({"sysadmin"})
