"""Accounts beyond Django's user: API tokens, authentication state, password history
(``centre.accounts``) and the service accounts of other platforms."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_address

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.validators import networks_of, validate_networks


class ApiToken(models.Model):
    """An API token of one user on one device. Only its SM3 digest is kept: the token is
    shown once, when issued, and no one — administrators included — can read it back.
    It ends when it expires, when it is revoked (by its owner or the security
    administrator), when its owner's password changes (``password_stamp``) or when the
    account is disabled."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("用户"),
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(_("设备名称"), max_length=100)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("吊销人"),
    )
    # The owner's password as it was when issued (Django's session auth hash): a password
    # change ends every token issued before it.
    password_stamp = models.CharField(max_length=128, editable=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.name}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AccountSecurity(models.Model):
    """An account's authentication state (GB/T 22239-2019 8.1.4.1 身份鉴别): when its
    password was last set, whether it must be changed at the next login (set by an
    administrator), and its one live session (``centre.accounts``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="security",
        verbose_name=_("账号"),
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    session_key = models.CharField(max_length=40, blank=True, editable=False)
    # The session the last login ended, so that its browser is told why on the login page.
    ended_session_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("账号安全状态")
        verbose_name_plural = _("账号安全状态")
        indexes = [models.Index(fields=["ended_session_key"], name="account_ended_session")]

    def __str__(self) -> str:
        return str(self.user_id)


class PasswordHistory(models.Model):
    """The hashes of an account's recent passwords, never the passwords: a new one may not
    be any of them (``centre.accounts.PasswordHistoryValidator``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name=_("账号"),
    )
    password = models.CharField(max_length=128, editable=False)
    changed_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["user", "-changed_at"], name="password_history_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.changed_at:%Y-%m-%d}"


class ServiceAccount(models.Model):
    """An account another platform's system uses (the 12345 hotline, the court's system):
    token-only — it never signs in to the pages nor obtains a token with a password (it has
    none; ``centre.auth_backends`` refuses it even if one is set) — and its tokens are
    accepted only from the addresses listed here (``centre.api_auth``). Its tokens are
    issued by an administrator: ``manage.py issue_service_token``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="service_account",
        verbose_name=_("账号"),
    )
    platform = models.CharField(_("对接平台"), max_length=100)
    # What a case it sends records as its source (``Case.source``), and the county its
    # cases are registered in. An account without both only reads (e.g. a court's system).
    source = models.SlugField(
        _("来源代码"),
        max_length=32,
        null=True,
        blank=True,
        unique=True,
        help_text=_("写入每件转入案件的来源平台代码，如330523-12345"),
    )
    county = models.ForeignKey(
        "centre.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("转入案件所属县"),
    )
    allowed_networks = models.TextField(
        _("允许的来源地址"),
        help_text=_("每行一个IP地址或网段，如10.1.2.0/24"),
        validators=[validate_networks],
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("服务账号")
        verbose_name_plural = _("服务账号")

    def __str__(self) -> str:
        return self.platform

    def networks(self) -> list[IPv4Network | IPv6Network]:
        return networks_of(self.allowed_networks)

    def allows(self, address: str | None) -> bool:
        """Whether a request from this address may use the account's tokens."""
        if not address:
            return False
        try:
            ip = ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks())
