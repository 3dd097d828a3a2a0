"""Who holds which right, without two queries on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from centre import refcache
from centre.models import ServiceAccount


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend, with each user's set of rights (from their groups and their
    own) kept in ``centre.refcache``: any change to a user, a group, a permission or their
    links drops it in every process within a second.

    ``is_active`` and ``is_superuser`` are still read from the user row of the request:
    ModelBackend checks them before the permissions.
    """

    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kwargs):
        """A service account never signs in with a password, even one an administrator set:
        it is token-only (``centre.models.ServiceAccount``). Checked at the login alone, so
        no request pays for it."""
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and ServiceAccount.objects.filter(user=user).exists():
            return None
        return user

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = refcache.get(
                ("permissions", user_obj.pk, user_obj.is_superuser),
                lambda: frozenset(super(CachedModelBackend, self).get_all_permissions(user_obj)),
            )
        return user_obj._perm_cache
