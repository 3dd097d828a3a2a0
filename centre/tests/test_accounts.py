"""Identification and authentication (GB/T 22239-2019 8.1.4.1): the password rules on the
own-password page, the change required after 90 days and after an administrator set the
password, and one session per account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from centre.models import AccountSecurity

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
CHANGE = "/accounts/password/"
ENDED = "您的账号已在其他地方登录，本次会话已结束"


def _login(client, username, password=None):
    return client.post(
        LOGIN, {"username": username, "password": password or settings.DEMO_PASSWORD}
    )


def _change(client, old, new):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def _errors(response) -> str:
    assert response.status_code == 200, "the change was accepted"
    return " ".join(str(e) for e in response.context["form"].errors.get("new_password2", []))


# --- The password rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Ab1!xyz", "密码太短，至少须10个字符"),
        ("qingshan2026", "至少3类"),  # lower case and digits only
        ("QINGSHAN-VILLAGE", "至少3类"),  # upper case and symbols only
        ("Zhangweiming-1", "密码跟 用户名 太相似了"),
    ],
)
def test_a_weak_new_password_is_refused_naming_the_rule(client, make_user, password, rule):
    user = make_user("clerk", username="zhangweiming")
    client.force_login(user)
    assert rule in _errors(_change(client, settings.DEMO_PASSWORD, password))
    user.refresh_from_db()
    assert user.check_password(settings.DEMO_PASSWORD)


def test_three_classes_of_ten_characters_are_enough(client, clerk):
    client.force_login(clerk)
    assert _change(client, settings.DEMO_PASSWORD, "qingshan-2026").status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("qingshan-2026")


def test_none_of_the_last_five_passwords_comes_back(client, clerk):
    client.force_login(clerk)
    passwords = [f"Lvshui-Qingshan-{n}" for n in range(1, 7)]
    old = settings.DEMO_PASSWORD
    for new in passwords:
        assert _change(client, old, new).status_code == 302
        old = new
    # The current password and the four before it are refused ...
    for used in passwords[1:]:
        assert "最近5次" in _errors(_change(client, old, used))
    # ... the sixth back is allowed again.
    assert _change(client, old, passwords[0]).status_code == 302


def test_the_page_lists_the_rules(client, clerk):
    client.force_login(clerk)
    page = client.get(CHANGE).content.decode()
    assert "至少10位" in page and "至少3类" in page and "最近5次" in page


# --- A change required at login ------------------------------------------------------------


def _age_password(user, days):
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now() - timedelta(days=days)}
    )


def test_a_password_past_90_days_leads_to_the_change_page_and_nothing_else(client, clerk):
    _age_password(clerk, 91)
    desk = reverse("intake:desk")
    response = _login(client, "clerk")
    assert client.get(response["Location"]).url == CHANGE
    for path in (desk, "/mediation/", "/inbox/", "/admin/"):
        assert client.get(path).url == CHANGE, path
    api = client.get("/api/v1/windows/")
    assert api.status_code == 403 and "超过90天" in api.json()["detail"]
    page = client.get(CHANGE).content.decode()
    assert "您的密码已超过90天未修改，须先修改密码。" in page

    changed = _change(client, settings.DEMO_PASSWORD, "Lvshui-Qingshan-1")
    assert changed.url == reverse("home")
    landed = client.get(changed.url, follow=True)
    assert landed.redirect_chain[-1][0] == desk
    assert "密码已修改" in landed.content.decode()
    assert client.get(desk).status_code == 200


def test_a_password_of_89_days_goes_straight_to_the_desk(client, clerk):
    _age_password(clerk, 89)
    _login(client, "clerk")
    assert client.get(reverse("intake:desk")).status_code == 200


def test_an_account_never_changed_counts_from_its_creation(client, clerk):
    clerk.date_joined = timezone.now() - timedelta(days=100)
    clerk.save(update_fields=["date_joined"])
    _login(client, "clerk")
    assert client.get(reverse("intake:desk")).url == CHANGE


def test_logout_stays_open_while_the_change_is_due(client, clerk):
    _age_password(clerk, 91)
    _login(client, "clerk")
    assert client.post(reverse("logout")).url == reverse("login")
    assert client.get(reverse("intake:desk")).url.startswith(LOGIN)


def test_the_demo_may_switch_the_required_change_off(client, clerk, settings):
    settings.PASSWORD_CHANGE_ENFORCED = False
    _age_password(clerk, 400)
    _login(client, "clerk")
    assert client.get(reverse("intake:desk")).status_code == 200


def _admin_add(client, username, password):
    return client.post(
        "/admin/auth/user/add/",
        {
            "username": username,
            "usable_password": "true",
            "password1": password,
            "password2": password,
            "staff-TOTAL_FORMS": "0",
            "staff-INITIAL_FORMS": "0",
            "staff-MIN_NUM_FORMS": "0",
            "staff-MAX_NUM_FORMS": "1",
        },
    )


def test_an_account_the_administrator_creates_changes_its_password_at_first_login(client, secadmin):
    client.force_login(secadmin)
    weak = _admin_add(client, "wangfang", "wangfang1")
    assert weak.status_code == 200 and "密码太短" in weak.content.decode()
    assert _admin_add(client, "wangfang", "Chushi-Mima-2026").status_code == 302

    newcomer = Client()
    _login(newcomer, "wangfang", "Chushi-Mima-2026")
    assert newcomer.get("/").url == CHANGE
    assert "首次登录须先修改密码" in newcomer.get(CHANGE).content.decode()
    # The administrator's password cannot simply be kept.
    assert "最近5次" in _errors(_change(newcomer, "Chushi-Mima-2026", "Chushi-Mima-2026"))
    assert _change(newcomer, "Chushi-Mima-2026", "Ziji-De-Mima-7").url == reverse("home")

    again = Client()
    _login(again, "wangfang", "Ziji-De-Mima-7")
    # Changed: no longer asked; the account (given no role yet) reaches the app itself.
    assert "尚未分配角色" in again.get("/").content.decode()


def test_a_password_the_administrator_resets_is_changed_at_the_next_login(client, secadmin, clerk):
    client.force_login(secadmin)
    url = f"/admin/auth/user/{clerk.pk}/password/"
    response = client.post(url, {"password1": "Chongzhi-2026!", "password2": "Chongzhi-2026!"})
    assert response.status_code == 302
    assert AccountSecurity.objects.get(user=clerk).must_change_password
    user_client = Client()
    _login(user_client, "clerk", "Chongzhi-2026!")
    assert user_client.get(reverse("intake:desk")).url == CHANGE


# --- One session per account ---------------------------------------------------------------


def test_a_new_login_ends_the_other_session_and_tells_it_why(clerk, mediator):
    first, second, colleague = Client(), Client(), Client()
    _login(first, "clerk")
    _login(colleague, "mediator")
    desk = reverse("intake:desk")
    assert first.get(desk).status_code == 200

    _login(second, "clerk")
    ended = first.get(desk)
    assert ended.url.startswith(LOGIN)
    page = first.get(ended.url).content.decode()
    assert ENDED in page
    assert ENDED not in first.get(LOGIN).content.decode()  # told once
    assert second.get(desk).status_code == 200
    assert colleague.get("/mediation/").status_code == 200  # another account's is untouched


def test_the_ended_session_is_told_on_the_api_too(clerk):
    first = APIClient()
    first.force_login(clerk)
    assert first.get("/api/v1/windows/").status_code == 200
    Client().force_login(clerk)
    response = first.get("/api/v1/windows/")
    assert response.status_code == 401 and response.json()["detail"] == ENDED


def test_after_a_password_change_a_later_login_still_ends_this_session(client, clerk):
    _login(client, "clerk")
    assert _change(client, settings.DEMO_PASSWORD, "Lvshui-Qingshan-1").status_code == 302
    desk = reverse("intake:desk")
    assert client.get(desk).status_code == 200  # the change keeps this session (a new key)
    _login(Client(), "clerk", "Lvshui-Qingshan-1")
    assert client.get(desk).url.startswith(LOGIN)


def test_api_tokens_are_not_sessions_a_new_login_leaves_them(clerk):
    api = APIClient()
    token = api.post(
        "/api/v1/auth/token/",
        {"username": "clerk", "password": settings.DEMO_PASSWORD, "device": "窗口电脑"},
    ).json()["token"]
    _login(Client(), "clerk")
    _login(Client(), "clerk")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/windows/").status_code == 200


def test_logging_in_over_another_accounts_session_keeps_one_session_each(clerk, mediator):
    shared, other = Client(), Client()
    shared.force_login(mediator)
    shared.force_login(clerk)  # the same browser, another account
    desk = reverse("intake:desk")
    assert shared.get(desk).status_code == 200
    _login(other, "clerk")
    assert shared.get(desk).url.startswith(LOGIN)


def test_the_deploy_check_warns_when_the_required_change_is_off(settings):
    from centre.checks import check_password_change_enforced

    settings.DEBUG = False
    assert check_password_change_enforced() == []
    settings.PASSWORD_CHANGE_ENFORCED = False
    assert [m.id for m in check_password_change_enforced()] == ["centre.W001"]
