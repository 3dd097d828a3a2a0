"""Login in Chinese, lockout after five failures, sessions that end after 30 idle minutes,
and every login, logout and failure in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from centre.models import AuditLog

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_login_page_is_chinese(client):
    page = client.get(LOGIN).content.decode()
    assert 'lang="zh-CN"' in page
    assert "工作人员登录" in page
    assert "用户名" in page and "密码" in page


def test_good_login_lands_on_the_role_desk_and_is_audited(client, clerk):
    response = _login(client, "clerk", settings.DEMO_PASSWORD, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == reverse(
        "intake:desk"
    )
    entry = AuditLog.objects.get(action=AuditLog.Action.LOGIN)
    assert (entry.actor, entry.ip_address) == (clerk, "10.1.2.3")


def test_wrong_password_says_so_and_is_audited_without_the_password(client, clerk):
    response = _login(client, "clerk", "not-the-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    entry = AuditLog.objects.get(action=AuditLog.Action.LOGIN_FAILED)
    assert entry.actor_username == "clerk"
    assert "not-the-password" not in str(entry.detail)


def test_five_failures_lock_the_account_even_for_the_right_password(client, clerk):
    for _ in range(4):
        assert _login(client, "clerk", "wrong").status_code == 200
    locked = _login(client, "clerk", "wrong")
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    again = _login(client, "clerk", settings.DEMO_PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(
        action=AuditLog.Action.LOCKED_OUT, actor_username="clerk"
    ).exists()


def test_lockout_is_per_account_not_per_address(client, clerk, mediator):
    for _ in range(5):
        _login(client, "clerk", "wrong")
    # A colleague at the same window (same address) still gets in.
    response = _login(client, "mediator", settings.DEMO_PASSWORD)
    assert response.status_code == 302


def test_lock_ends_after_the_cool_off(client, clerk, time_machine):
    time_machine.move_to("2026-11-27 09:00 +08:00")
    for _ in range(5):
        _login(client, "clerk", "wrong")
    time_machine.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert _login(client, "clerk", settings.DEMO_PASSWORD).status_code == 302


def test_session_ends_after_30_idle_minutes(client, clerk, time_machine):
    """Sessions are kept as production keeps them (cached_db: the database row, and a copy
    in Redis that expires with it). Each request pushes both expiries 30 minutes on."""
    time_machine.move_to("2026-11-27 09:00 +08:00")
    _login(client, "clerk", settings.DEMO_PASSWORD)
    desk = reverse("intake:desk")
    session = SessionStore(client.session.session_key)
    cached = caches[settings.SESSION_CACHE_ALIAS]
    location = settings.CACHES[settings.SESSION_CACHE_ALIAS].get("LOCATION", "")
    in_redis = redis.Redis.from_url(location) if location.startswith("redis") else None
    for _ in range(2):
        time_machine.shift(timedelta(minutes=29))
        assert client.get(desk).status_code == 200  # activity pushes the expiry on
        row = Session.objects.get(session_key=session.session_key)
        pushed = row.expire_date - timezone.now()
        assert abs(pushed - timedelta(seconds=settings.SESSION_COOKIE_AGE)) < timedelta(minutes=1)
        if in_redis is not None:
            ttl = in_redis.ttl(cached.make_key(session.cache_key))
            assert settings.SESSION_COOKIE_AGE - 60 <= ttl <= settings.SESSION_COOKIE_AGE
    time_machine.shift(timedelta(minutes=31))
    # Redis drops its copy when the TTL above runs out in real time; the test moves
    # Django's clock, not Redis's, so it drops the copy as Redis then would.
    cached.delete(session.cache_key)
    response = client.get(desk)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post_and_is_audited(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert AuditLog.objects.filter(action=AuditLog.Action.LOGOUT, actor=clerk).exists()
    assert client.get(reverse("intake:desk")).status_code == 302
