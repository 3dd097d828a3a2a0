"""API tokens: issued per login and device, kept only as an SM3 digest, revocable.

The token itself is 256 random bits, shown once; the database holds its SM3 digest (a
plain hash suffices for a value that cannot be guessed, and SM3 is the commercial
cryptography standard's hash, GB/T 32905). A token ends at its expiry, when revoked, when
its owner's password changes (the stamp no longer matches) or the account is disabled.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from centre.models import ApiToken, AuditLog
from centre.services import audit_record

# Writes of last use are spaced out: a token used by a busy client would otherwise cost an
# UPDATE per request.
LAST_USED_EVERY_SECONDS = 60


def digest_of(key: str) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(key.encode())
    return h.finalize().hex()


def password_stamp(user: Any) -> str:
    return user.get_session_auth_hash()


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    key: str  # shown once


def token_issue(*, user: Any, name: str, request: Any = None) -> Issued:
    """A new token for this login and device (never the one issued before)."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            digest=digest_of(key),
            name=(name or "").strip()[:100] or "API",
            created_at=now,
            expires_at=now + settings.API_TOKEN_TTL,
            password_stamp=password_stamp(user),
        )
        audit_record(
            actor=user,
            action=AuditLog.Action.TOKEN_ISSUED,
            request=request,
            obj=token,
            detail={"name": token.name},
        )
    return Issued(token=token, key=key)


def token_revoke(*, actor: Any, tokens: QuerySet[ApiToken], request: Any = None) -> int:
    """Revoke these tokens (those still live); each revocation is audited."""
    with transaction.atomic():
        live = list(tokens.select_for_update().filter(revoked_at__isnull=True))
        now = timezone.now()
        for token in live:
            token.revoked_at, token.revoked_by = now, actor
            token.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(
                actor=actor,
                action=AuditLog.Action.TOKEN_REVOKED,
                request=request,
                obj=token,
                detail={"user": token.user.get_username(), "name": token.name},
            )
    return len(live)


def token_valid(token: ApiToken, user: Any) -> bool:
    return (
        token.revoked_at is None
        and token.expires_at > timezone.now()
        and user.is_active
        and token.password_stamp == password_stamp(user)
    )


def token_touch(token: ApiToken) -> None:
    """Record the token's use, at most once a minute."""
    now = timezone.now()
    last = token.last_used_at
    if last is not None and (now - last).total_seconds() < LAST_USED_EVERY_SECONDS:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
