"""The second factor of every staff login, as GB/T 22239-2019 8.1.4.1 d asks of a level-3
system (两种或两种以上组合的鉴别技术, one of them cryptographic): the password, then a
dynamic password (动态口令, TOTP, RFC 6238) from an authenticator app on the person's phone.

django-otp keeps the devices and checks the codes (``django_otp.plugins.otp_totp``);
``OTPMiddleware`` tells each request whether its session was verified, and
``centre.accounts.AuthenticationPolicyMiddleware`` lets a session that was not reach only
the pages here and logout. A person without a confirmed device enrols at the first login:
the enrolment QR code is drawn here by segno, no outside service sees the secret.

Failed codes are throttled by django-otp on the device itself (exponential back-off: 1, 2,
4, 8 … seconds after successive failures, kept until a code succeeds), not by django-axes:
axes forgets an account's failures at every successful password login, which a thief who
holds the password would use to guess codes for ever. Each failure is audited.
"""

from __future__ import annotations

import math
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

import django_otp
import segno
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from centre import accounts, tokens
from centre.models import ApiToken, AuditLog
from centre.services import audit_record

RESET_PERMISSION = "centre.reset_two_factor"


@dataclass(frozen=True)
class Checked:
    """A code's check: the device that accepted it, or why none did."""

    device: TOTPDevice | None
    error: str = ""


# --- Selectors ---------------------------------------------------------------------------


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enrolment_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code, drawn here (segno), to be put in
    the page itself: no style attribute in it, so the Content-Security-Policy allows it, and
    the secret never leaves the server in a URL of its own."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title=_("动态口令绑定二维码")
    )


# --- Services ----------------------------------------------------------------------------


def enrolment_device(*, user: Any) -> TOTPDevice:
    """The device this account is enrolling: the unconfirmed one already shown, or a new
    one. Reloading the page keeps the same secret (the app may already hold it)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=_("动态口令"), confirmed=False)
    return device


def _check(*, user: Any, device: TOTPDevice, code: str, request: HttpRequest | None) -> Checked:
    allowed, data = device.verify_is_allowed()
    if not allowed:
        wait = math.ceil((data["locked_until"] - timezone.now()).total_seconds())
        return Checked(None, _("动态口令错误次数过多，请%(n)d秒后再试") % {"n": max(wait, 1)})
    # verify_token locks the device row: two requests with one code cannot both pass, and a
    # code once accepted is refused again (the device keeps the last time step it took).
    verified = django_otp.verify_token(user, device.persistent_id, code)
    if verified is None:
        audit_record(
            actor=user,
            action=AuditLog.Action.OTP_FAILED,
            request=request,
            obj=device,
            detail={"enrolment": not device.confirmed},
        )
        return Checked(None, _("动态口令错误或已使用过，请输入应用中当前显示的6位数字"))
    return Checked(verified)


def code_check(*, user: Any, code: str, request: HttpRequest | None = None) -> Checked:
    """A code from the account's confirmed device (the page's second step, the API's token
    login)."""
    device = confirmed_device(user)
    if device is None:
        return Checked(None, _("该账号尚未绑定动态口令，请先在网页登录并完成绑定"))
    return _check(user=user, device=device, code=code, request=request)


def session_verify(*, request: HttpRequest, code: str) -> Checked:
    """The second step of a page login: a right code verifies this session."""
    checked = code_check(user=request.user, code=code, request=request)
    if checked.device is not None:
        _verified(request, checked.device)
    return checked


def enrolment_confirm(*, request: HttpRequest, code: str) -> Checked:
    """The first code the new device shows confirms it, and verifies this session."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        return Checked(None, _("绑定已过期，请刷新页面重新扫描二维码"))
    checked = _check(user=user, device=device, code=code, request=request)
    if checked.device is None:
        return checked
    with transaction.atomic():
        # One device per account: any other (an abandoned enrolment) is removed.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action=AuditLog.Action.OTP_ENROLLED, request=request, obj=device)
    _verified(request, device)
    return checked


def _verified(request: HttpRequest, device: TOTPDevice) -> None:
    django_otp.login(request, device)
    # The session now carries more trust than the one the password opened: a new key, so
    # that a key learnt before this step is worth nothing (the account's one-session record
    # is written for it now: it ends the account's other session).
    request.session.cycle_key()
    accounts.session_claim(user=request.user, session=request.session)


def two_factor_reset(*, actor: Any, user: Any, request: HttpRequest | None = None) -> int:
    """The security administrator removes an account's dynamic-password device (a phone
    lost or changed); its owner enrols again at the next login. Its API tokens, obtained
    with the old device, end with it. Only the security administrator may (三员分立:
    accounts are theirs)."""
    if not actor.has_perm(RESET_PERMISSION):
        raise PermissionDenied(_("只有安全管理员可以重置动态口令"))
    with transaction.atomic():
        removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action=AuditLog.Action.OTP_RESET,
            request=request,
            obj=user,
            detail={"user": user.get_username(), "devices": removed},
        )
        tokens.token_revoke(actor=actor, tokens=ApiToken.objects.filter(user=user), request=request)
    return removed
