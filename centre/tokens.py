"""API tokens: issued per login and device, kept only as an SM3 digest, revocable.

The token itself is 256 random bits, shown once; the database holds its SM3 digest (a
plain hash suffices for a value that cannot be guessed, and SM3 is the commercial
cryptography standard's hash, GB/T 32905). A token ends at its expiry, when revoked, when
its owner's password changes (the stamp no longer matches) or the account is disabled.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from centre.models import ApiToken, AuditLog, County, ServiceAccount
from centre.roles import PARTNER
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


def token_issue(
    *, user: Any, name: str, request: Any = None, ttl: timedelta | None = None
) -> Issued:
    """A new token for this login and device (never the one issued before)."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            digest=digest_of(key),
            name=(name or "").strip()[:100] or "API",
            created_at=now,
            expires_at=now + (ttl or settings.API_TOKEN_TTL),
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


# --- Service accounts (other platforms' systems) ---------------------------------------------

# Who issued a service account's token, in the audit log: the command, run by an
# administrator on the server (no account of the app signs it).
SERVICE_OPERATOR = "manage.py issue_service_token"


def service_account_save(
    *,
    username: str,
    platform: str | None = None,
    networks: str | None = None,
    source: str | None = None,
    county: str | None = None,
) -> ServiceAccount:
    """The service account of this name, created (it then needs ``platform`` and
    ``networks``) or with its platform and addresses changed. It has no usable password:
    it never signs in, only its tokens are used. An account of a person is refused. With a
    ``source`` code and a ``county`` (its code) it may register cases there, each recorded
    with that source (the partner role)."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_unusable_password()
            user.full_clean()
            user.save()
            service = ServiceAccount(user=user)
            action = AuditLog.Action.CREATE
        else:
            service = ServiceAccount.objects.filter(user=user).first()
            if service is None:
                raise ValidationError(
                    {"username": _("%(name)s是人员的账号，不是服务账号") % {"name": username}}
                )
            action = AuditLog.Action.CHANGE
        if platform is not None:
            service.platform = platform
        if networks is not None:
            service.allowed_networks = "\n".join(
                part.strip() for part in networks.replace(",", "\n").splitlines() if part.strip()
            )
        if source is not None:
            service.source = source.strip() or None
        if county is not None:
            service.county = County.objects.filter(code=county.strip()).first()
            if service.county is None and county.strip():
                raise ValidationError({"county": _("没有编码为%(code)s的县") % {"code": county}})
        service.full_clean()
        service.save()
        partner = Group.objects.filter(name=PARTNER).first()
        if partner is not None and service.source and service.county_id:
            user.groups.add(partner)
        elif partner is not None:
            user.groups.remove(partner)
        audit_record(
            actor=None,
            action=action,
            obj=service,
            username=SERVICE_OPERATOR,
            detail={
                "networks": service.allowed_networks.splitlines(),
                "source": service.source or "",
                "county": service.county.code if service.county_id else "",
            },
        )
    return service


def service_token_issue(*, service: ServiceAccount, name: str, days: int) -> Issued:
    """A token for another platform's system, valid ``days`` days from the addresses of its
    service account. Shown once; revoked in the admin like any other."""
    return token_issue(user=service.user, name=name or service.platform, ttl=timedelta(days=days))
