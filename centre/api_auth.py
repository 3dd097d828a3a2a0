"""Token authentication for the API, with tokens that expire."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from centre import refcache


def token_expired(token: Token) -> bool:
    return token.created + settings.API_TOKEN_TTL < timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; a token older than ``API_TOKEN_TTL`` is refused."""

    def authenticate_credentials(self, key):
        # Tokens and their users come through centre.refcache (a deleted token or a changed
        # user is dropped everywhere within a second); an unknown key is never kept.
        found = refcache.get(("token", key), lambda: self._token(key))
        if found is None:
            raise AuthenticationFailed(_("令牌无效"))
        token, user = found
        # A copy per request: what a request caches on its user (its rights, its roles)
        # must not outlive it.
        user = copy.copy(user)
        if not user.is_active:
            raise AuthenticationFailed(_("账号已停用或已删除"))
        if token_expired(token):
            raise AuthenticationFailed(_("令牌已过期，请重新获取"))
        return user, token

    def _token(self, key: str) -> tuple[Token, Any] | None:
        token = self.get_model().objects.select_related("user").filter(key=key).first()
        return (token, token.user) if token is not None else None
