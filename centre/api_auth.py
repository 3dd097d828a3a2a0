"""Token authentication for the API, with tokens that expire."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expired(token: Token) -> bool:
    return token.created + settings.API_TOKEN_TTL < timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; a token older than ``API_TOKEN_TTL`` is refused."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise AuthenticationFailed(_("令牌已过期，请重新获取"))
        return user, token
