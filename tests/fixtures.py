"""Shared fixtures: a county and one named user for each role, plus an outsider who has an
account but no role and must be refused everywhere."""

from __future__ import annotations

import pytest

from centre.roles import ROLES
from centre.tests.factories import CountyFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (reference lists, sessions, throttles)."""
    from django.core.cache import cache

    from centre import refcache

    cache.clear()
    refcache.clear_local()


@pytest.fixture(autouse=True)
def _chinese():
    """Each test starts in Chinese: a request with ``Accept-Language: en`` in an earlier
    test leaves English active in the thread for code run outside a request."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()


@pytest.fixture
def county(db):
    return CountyFactory()


@pytest.fixture
def make_user(db, county):
    def make(role: str | None, username: str | None = None, **profile):
        username = username or (role or "outsider")
        roles = [role] if role else []
        return UserFactory(
            username=username,
            roles=roles,
            roles__county=county,
            **{f"roles__{k}": v for k, v in profile.items()},
        )

    return make


def _role_fixture(role: str):
    @pytest.fixture
    def user(make_user):
        return make_user(role)

    user.__doc__ = f"A user holding only the {role} role."
    return user


clerk = _role_fixture("clerk")
mediator = _role_fixture("mediator")
judge = _role_fixture("judge")
supervisor = _role_fixture("supervisor")
leader = _role_fixture("leader")
grid_worker = _role_fixture("grid_worker")
petition_officer = _role_fixture("petition_officer")
legal_aid_officer = _role_fixture("legal_aid_officer")
sysadmin = _role_fixture("sysadmin")
secadmin = _role_fixture("secadmin")
auditor = _role_fixture("auditor")


@pytest.fixture
def outsider(make_user):
    return make_user(None, "outsider")


@pytest.fixture
def role_users(make_user):
    """Every role's user, keyed by role code, and the outsider under ``None``."""
    users = {code: make_user(code) for code in ROLES}
    users[None] = make_user(None, "outsider")
    return users
