"""Token authentication for the API: tokens that expire, end with a password change or a
disabled account, and can be revoked (see centre.tokens)."""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from centre import refcache, tokens
from centre.models import ApiToken


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; the key is looked up by its digest."""

    model = ApiToken

    def authenticate_credentials(self, key):
        digest = tokens.digest_of(key)
        # Tokens and their users come through centre.refcache (a revoked token or a changed
        # user is dropped everywhere within a second); an unknown key is never kept.
        found = refcache.get(("token", digest), lambda: self._token(digest))
        if found is None:
            raise AuthenticationFailed(_("令牌无效"))
        token, user = found
        # A copy per request: what a request caches on its user (its rights, its roles)
        # must not outlive it.
        user = copy.copy(user)
        if not user.is_active:
            raise AuthenticationFailed(_("账号已停用或已删除"))
        if not tokens.token_valid(token, user):
            raise AuthenticationFailed(_("令牌已过期、已吊销或密码已更改，请重新获取"))
        tokens.token_touch(token)
        return user, token

    def _token(self, digest: str) -> tuple[ApiToken, Any] | None:
        token = ApiToken.objects.select_related("user").filter(digest=digest).first()
        return (token, token.user) if token is not None else None
