"""API throttling (DRF): per user and per token, the rates in REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES (``API_RATE_USER``, ``API_RATE_TOKEN``, ``API_RATE_ANON``).

The rates are read at each request, not when the class is defined as DRF's are, so a
settings override (a test) takes effect."""

from __future__ import annotations

import logging
import time

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from centre.models import ApiToken

log = logging.getLogger(__name__)


# Throttling counts in the shared cache (Redis). Without it (down, or hung until the
# socket timeout) requests are let through rather than failed or held: after an error the
# throttles stand aside for this long, like centre.refcache.
BACKOFF_SECONDS = 30.0
_stand_aside_until = 0.0


class _LiveRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        global _stand_aside_until
        if time.monotonic() < _stand_aside_until:
            return True
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache is unavailable: fail open, not with a 500
            _stand_aside_until = time.monotonic() + BACKOFF_SECONDS
            log.warning("API throttling stands aside: the cache is unavailable", exc_info=True)
            return True


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
