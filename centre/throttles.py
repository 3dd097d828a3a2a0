"""API throttling (DRF): per user and per token, and per address for the anonymous calls
(the token login), at the rates of REST_FRAMEWORK's DEFAULT_THROTTLE_RATES
(``API_RATE_USER``, ``API_RATE_TOKEN``, ``API_RATE_ANON``).

Each throttle counts requests in fixed windows with one atomic ``incr`` in the shared
cache: constant work per request. (DRF's own rate throttles keep every request's time of
the last window in one cached list, read, filtered and written back whole by each
request: at a partner platform's or a busy desk's rates that list is thousands long.)
The rates are read at each request, so a settings override (a test) takes effect.

Without the cache (Redis down, or hung until the socket timeout) requests are let through
rather than failed or held: after an error the throttles stand aside for a while, like
centre.refcache.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from centre.models import ApiToken

log = logging.getLogger(__name__)

BACKOFF_SECONDS = 30.0
_stand_aside_until = 0.0
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"600/minute"`` → (600, 60); None: not throttled."""
    if not rate:
        return None
    count, period = rate.split("/")
    return int(count), _PERIODS[period[0]]


class WindowThrottle(BaseThrottle):
    scope = ""
    cache = cache

    def ident(self, request) -> str | None:
        """Whom this throttle counts; None: not this throttle's request."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        global _stand_aside_until
        rate = parse_rate(api_settings.DEFAULT_THROTTLE_RATES.get(self.scope))
        ident = self.ident(request)
        if rate is None or ident is None or time.monotonic() < _stand_aside_until:
            return True
        limit, period = rate
        now = time.time()
        window = int(now // period)
        self.retry_after = (window + 1) * period - now
        key = f"throttle:{self.scope}:{ident}:{window}"
        try:
            count = self._count(key, period)
        except Exception:  # the cache is unavailable: fail open, not with a 500
            _stand_aside_until = time.monotonic() + BACKOFF_SECONDS
            log.warning("API throttling stands aside: the cache is unavailable", exc_info=True)
            return True
        return count <= limit

    def _count(self, key: str, period: int) -> int:
        """One round trip but for the window's first request, which creates the counter
        (expiring with the window); two first requests at once: one creates, one counts."""
        try:
            return self.cache.incr(key)
        except ValueError:  # no counter yet
            if self.cache.add(key, 1, timeout=period + 1):
                return 1
            return self.cache.incr(key)

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)


class UserThrottle(WindowThrottle):
    """Per signed-in user, whatever the token or session."""

    scope = "user"

    def ident(self, request) -> str | None:
        user = request.user
        return str(user.pk) if user and user.is_authenticated else None


class TokenThrottle(WindowThrottle):
    """Per API token: one device's runaway script does not use up its user's rate alone
    unnoticed, and a leaked token is slowed as one."""

    scope = "token"

    def ident(self, request) -> str | None:
        return str(request.auth.pk) if isinstance(request.auth, ApiToken) else None


class AnonThrottle(WindowThrottle):
    """Per address, for the few anonymous calls (the token login)."""

    scope = "anon"

    def ident(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)
