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
