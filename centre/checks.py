"""System checks of the centre's own configuration (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from centre.crypto import keyring_from_settings

# 六个月 counted as 180 days: the floor of the setting.
MIN_AUDIT_RETENTION_DAYS = 180


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
def check_audit_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The audit log cannot be written without its MAC key (centre.audit)."""
    from centre.audit import audit_keyring_from_settings

    try:
        audit_keyring_from_settings()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="centre.E003")]
    return []


@register(Tags.security)
def check_audit_retention(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """《网络安全法》第二十一条 (3) and GB/T 22239-2019 8.1.4.3 c: network logs are kept for
    no less than six months. Checked on every command, not only with --deploy, so that no
    purge ever runs under a shorter setting."""
    from django.conf import settings

    days = getattr(settings, "AUDIT_RETENTION_DAYS", None)
    if not isinstance(days, int) or days < MIN_AUDIT_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS={days!r}：审计日志至少保存{MIN_AUDIT_RETENTION_DAYS}天"
                "（《网络安全法》第二十一条：网络日志留存不少于六个月）。"
                f" / Audit entries are kept at least {MIN_AUDIT_RETENTION_DAYS} days.",
                hint=f"Set AUDIT_RETENTION_DAYS to {MIN_AUDIT_RETENTION_DAYS} or more.",
                id="centre.E004",
            )
        ]
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


@register(Tags.security, deploy=True)
def check_password_change_enforced(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """GB/T 22239-2019 8.1.4.1 a: passwords are changed periodically and at the first login
    after an administrator set them. Only the demo (DEBUG) may turn that off."""
    from django.conf import settings

    if settings.DEBUG or settings.PASSWORD_CHANGE_ENFORCED:
        return []
    return [
        Warning(
            "PASSWORD_CHANGE_ENFORCED已关闭：密码定期更换和首次登录修改密码不再执行"
            "（GB/T 22239-2019 8.1.4.1）。 / Periodic and first-login password changes are off.",
            hint="Remove PASSWORD_CHANGE_ENFORCED=0 from the environment.",
            id="centre.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_otp_required(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """GB/T 22239-2019 8.1.4.1 d: two factors at every staff login (centre.two_factor).
    Only the demo (DEBUG) may turn that off."""
    from django.conf import settings

    if settings.DEBUG or settings.OTP_REQUIRED:
        return []
    return [
        Warning(
            "OTP_REQUIRED已关闭：工作人员登录只需密码，不再要求动态口令"
            "（GB/T 22239-2019 8.1.4.1 d：两种或两种以上组合的鉴别技术）。"
            " / Staff log in with a password alone: two-factor authentication is off.",
            hint="Remove OTP_REQUIRED=0 from the environment.",
            id="centre.W002",
        )
    ]


@register(Tags.security, deploy=True)
def check_sms_gateway(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The HTTP SMS backend chosen without its gateway's address, account, secret or generic
    template would fail every message at send time; say so at deploy time instead."""
    from django.conf import settings

    from centre.sms_gateway import REQUIRED_SETTINGS

    if settings.NOTIFICATION_BACKENDS.get("sms") != "centre.notify.HttpSmsBackend":
        return []
    missing = [name for name in REQUIRED_SETTINGS if not getattr(settings, name, "")]
    if not missing:
        return []
    return [
        Error(
            f"短信平台未配置完整：缺少{'、'.join(missing)}（见.env.example）"
            f" / The SMS gateway lacks {', '.join(missing)} (see .env.example)",
            id="centre.E005",
        )
    ]
