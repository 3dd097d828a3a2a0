"""System checks of the centre's own configuration (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from centre.crypto import keyring_from_settings


@register(Tags.security, deploy=True)
def check_party_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # Read the files afresh rather than through the cached keyring: the check must report
    # the key file as it is now, not as it was when this process first used it.
    try:
        keyring_from_settings()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="centre.E001")]
    return []


@register(Tags.security, deploy=True)
def check_public_base_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The receipt's QR code and every link sent to a resident point at PUBLIC_BASE_URL:
    left at its development default (this machine) they lead nowhere."""
    from ipaddress import ip_address
    from urllib.parse import urlsplit

    from django.conf import settings

    if settings.DEBUG:
        return []
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or ""
    try:
        loopback = host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not host or loopback:
        return [
            Error(
                f"PUBLIC_BASE_URL is {settings.PUBLIC_BASE_URL!r}: residents' receipts (QR "
                "code) would point at this machine",
                hint="Set PUBLIC_BASE_URL to the address residents reach, e.g. "
                "https://maodiao.example.gov.cn",
                id="centre.E002",
            )
        ]
    return []
