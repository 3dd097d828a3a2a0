"""API throttling (DRF): per user and per token, the rates in REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES (``API_RATE_USER``, ``API_RATE_TOKEN``, ``API_RATE_ANON``).

The rates are read at each request, not when the class is defined as DRF's are, so a
settings override (a test) takes effect."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from centre.models import ApiToken


class _LiveRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(_LiveRate, UserRateThrottle):
    """Per signed-in user, whatever the token or session."""


class AnonThrottle(_LiveRate, AnonRateThrottle):
    """Per address, for the few anonymous calls (the token login)."""


class TokenThrottle(_LiveRate, SimpleRateThrottle):
    """Per API token: one device's runaway script does not use up its user's rate alone
    unnoticed, and a leaked token is slowed as one."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
