"""Token authentication for the API: tokens that expire, end with a password change or a
disabled account, and can be revoked (see centre.tokens)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from centre import tokens
from centre.models import ApiToken, AuditLog
from centre.net import client_ip
from centre.services import audit_record


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; the key is looked up by its digest."""

    model = ApiToken

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user, token = found
        # A service account's token is good only from the addresses listed for it: a token
        # copied off the other platform's server is useless anywhere else.
        service = getattr(user, "service_account", None)
        if service is not None:
            address = client_ip(request)
            if not service.allows(address):
                audit_record(
                    actor=user,
                    action=AuditLog.Action.SERVICE_ADDRESS_REFUSED,
                    request=request,
                    obj=token,
                    detail={"address": address or ""},
                )
                raise AuthenticationFailed(
                    _("该服务账号的令牌不能从地址%(address)s使用") % {"address": address or "-"}
                )
        return found

    def authenticate_credentials(self, key):
        digest = tokens.digest_of(key)
        # Read from the database on every request (one look-up by the unique digest, with
        # the user): a revoked token, a disabled account or a changed password ends the
        # token at once, whether or not the reference cache could publish the change.
        found = self._token(digest)
        if found is None:
            raise AuthenticationFailed(_("令牌无效"))
        token, user = found
        if not user.is_active:
            raise AuthenticationFailed(_("账号已停用或已删除"))
        if not tokens.token_valid(token, user):
            raise AuthenticationFailed(_("令牌已过期、已吊销或密码已更改，请重新获取"))
        tokens.token_touch(token)
        return user, token

    def _token(self, digest: str) -> tuple[ApiToken, Any] | None:
        # The service account (if any) comes in the same query: its address check costs none.
        token = (
            ApiToken.objects.select_related("user", "user__service_account")
            .filter(digest=digest)
            .first()
        )
        return (token, token.user) if token is not None else None
