"""API tokens nobody else can read: one per login, kept as a digest, listed to their owner,
revocable by the owner and the security administrator, ended by a password change or a
disabled account; the admin shows no token."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from centre.models import ApiToken, AuditLog

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def _login(api, username="clerk", device="窗口电脑"):
    response = api.post(
        TOKEN_URL,
        {"username": username, "password": settings.DEMO_PASSWORD, "device": device},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _use(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/windows/").status_code


def test_each_login_gets_its_own_token_and_only_a_digest_is_stored(clerk):
    api = APIClient()
    first, second = _login(api, device="手机"), _login(api, device="窗口电脑")
    assert first != second and _use(first) == _use(second) == 200
    stored = list(ApiToken.objects.filter(user=clerk).values_list("digest", flat=True))
    assert len(stored) == 2 and first not in stored and second not in stored
    assert all(len(d) == 64 for d in stored)  # SM3, hex
    for value in ApiToken.objects.values():
        assert first not in str(value) and second not in str(value)


def test_the_owner_lists_their_tokens_without_values_and_revokes_them(clerk):
    api = APIClient()
    phone, desk = _login(api, device="手机"), _login(api, device="窗口电脑")
    owner = APIClient()
    owner.credentials(HTTP_AUTHORIZATION=f"Token {desk}")
    listed = owner.get("/api/v1/auth/tokens/").json()
    assert {t["name"] for t in listed} == {"手机", "窗口电脑"}
    assert [t["current"] for t in listed if t["name"] == "窗口电脑"] == [True]
    assert phone not in str(listed) and desk not in str(listed)
    phone_id = next(t["id"] for t in listed if t["name"] == "手机")
    assert owner.delete(f"/api/v1/auth/tokens/{phone_id}/").status_code == 204
    assert _use(phone) == 401 and _use(desk) == 200
    # DELETE on the token endpoint revokes the token it is made with.
    assert owner.delete(TOKEN_URL).status_code == 204
    assert _use(desk) == 401
    revoked = AuditLog.objects.filter(action=AuditLog.Action.TOKEN_REVOKED, actor=clerk)
    assert revoked.count() == 2


def test_nobody_revokes_anothers_token_by_id(clerk, supervisor):
    theirs = _login(APIClient())
    mine = APIClient()
    mine.credentials(HTTP_AUTHORIZATION=f"Token {_login(APIClient(), 'supervisor')}")
    other_id = ApiToken.objects.get(user=clerk).pk
    assert mine.delete(f"/api/v1/auth/tokens/{other_id}/").status_code == 404
    assert _use(theirs) == 200


def test_a_password_change_ends_every_token(clerk):
    token = _login(APIClient())
    assert _use(token) == 200
    clerk.set_password("n3w-Passw0rd!x")
    clerk.save()
    assert _use(token) == 401


def test_disabling_the_account_ends_its_tokens_for_good(client, clerk, secadmin):
    token = _login(APIClient())
    client.force_login(secadmin)
    url = f"/admin/auth/user/{clerk.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "groups": [g.pk for g in clerk.groups.all()],
            "is_active": "",
            "staff-TOTAL_FORMS": "1",
            "staff-INITIAL_FORMS": "1",
            "staff-MIN_NUM_FORMS": "0",
            "staff-MAX_NUM_FORMS": "1",
        }
    )
    profile = clerk.staff
    data.update(
        {
            "staff-0-id": profile.pk,
            "staff-0-user": clerk.pk,
            "staff-0-county": profile.county_id,
            "staff-0-scope": profile.scope,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert _use(token) == 401
    clerk.is_active = True
    clerk.save()
    assert _use(token) == 401  # revoked, not merely suspended


def test_the_security_administrator_sees_no_token_and_revokes(client, clerk, secadmin):
    token = _login(APIClient())
    client.force_login(secadmin)
    page = client.get("/admin/centre/apitoken/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "窗口电脑" in html and token not in html
    digest = ApiToken.objects.get(user=clerk).digest
    assert digest not in html
    detail = client.get(f"/admin/centre/apitoken/{ApiToken.objects.get(user=clerk).pk}/change/")
    assert token not in detail.content.decode() and digest not in detail.content.decode()
    response = client.post(
        "/admin/centre/apitoken/",
        {"action": "revoke", "_selected_action": [ApiToken.objects.get(user=clerk).pk]},
    )
    assert response.status_code == 302
    assert _use(token) == 401
    assert ApiToken.objects.get(user=clerk).revoked_by == secadmin
    # No other administrator's page shows tokens at all.
    assert client.get("/admin/authtoken/").status_code == 404


def test_last_use_is_recorded(clerk):
    token = _login(APIClient())
    assert ApiToken.objects.get(user=clerk).last_used_at is None
    _use(token)
    assert ApiToken.objects.get(user=clerk).last_used_at is not None


def test_a_business_user_changes_their_own_password_and_their_tokens_end(client, clerk):
    token = _login(APIClient())
    client.force_login(clerk)
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    wrong = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "x", "new_password2": "x"},
    )
    assert wrong.status_code == 200 and "旧密码" in wrong.content.decode()
    weak = client.post(
        "/accounts/password/",
        {
            "old_password": settings.DEMO_PASSWORD,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    done = client.post(
        "/accounts/password/",
        {
            "old_password": settings.DEMO_PASSWORD,
            "new_password1": "Yu-cun-2026-green",
            "new_password2": "Yu-cun-2026-green",
        },
    )
    assert done.status_code == 302
    assert client.get("/intake/").status_code == 200  # still signed in here
    assert _use(token) == 401


def test_a_revoked_token_stops_at_once_even_when_redis_refuses_writes(clerk, monkeypatch):
    """The reference cache cannot publish the change (Redis read-only, full, or gone for
    writes): the token is read from the database on every request, so it ends anyway."""
    from redis.exceptions import ReadOnlyError

    from centre import refcache

    api = APIClient()
    token = _login(api)
    assert _use(token) == 200 and _use(token) == 200  # a warm process

    def refuse(*args, **kwargs):
        raise ReadOnlyError("You can't write against a read only replica.")

    monkeypatch.setattr(refcache.cache, "set", refuse)
    # This process stands for every other one: the revocation does not reach its copies
    # (the change is made "elsewhere", and the new generation cannot be published).
    monkeypatch.setattr(refcache, "clear_local", lambda: None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.delete(TOKEN_URL).status_code in (200, 204)
    assert _use(token) == 401
