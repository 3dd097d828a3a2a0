"""How views check who may open what. Later issues add ``access_case_for`` here."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required, permission_required


def desk_required(perm: str) -> Callable:
    """A signed-in user holding ``perm``; others signed in get the 403 page, anonymous
    visitors the login page."""

    def decorate(view: Callable) -> Callable:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate
