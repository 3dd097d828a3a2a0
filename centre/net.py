"""Where a request comes from, for the audit log and the login lockout."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address.

    ``X-Forwarded-For`` is trusted only for the number of proxies the deployment declares
    (``TRUSTED_PROXY_COUNT``): a client can write anything into that header, so only the
    entries our own proxies appended are believed.
    """
    meta = getattr(request, "META", {})
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return meta.get("REMOTE_ADDR") or None
