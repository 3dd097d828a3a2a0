"""The audit log (append-only, sealed in a hash chain by ``centre.audit``) and the head of
its chain."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.models.organisation import County


class AuditLog(models.Model):
    """Who did what to which object, when and from where.

    Append-only: no page or API edits or deletes a row, and the database itself refuses
    UPDATE and DELETE (triggers in migration 0002), as 等保 三级 requires of audit records.
    """

    class Action(models.TextChoices):
        LOGIN = "auth.login", _("登录")
        LOGIN_FAILED = "auth.login_failed", _("登录失败")
        LOCKED_OUT = "auth.locked_out", _("账号锁定")
        LOGOUT = "auth.logout", _("退出")
        TOKEN_ISSUED = "auth.token_issued", _("签发接口令牌")
        TOKEN_REVOKED = "auth.token_revoked", _("吊销接口令牌")
        CREATE = "object.create", _("新增")
        CHANGE = "object.change", _("修改")
        DELETE = "object.delete", _("删除")
        VIEW_PERSONAL_DATA = "personal_data.view", _("查看个人信息")
        EXPORT = "data.export", _("导出")
        DEMO_SEED = "system.seed_demo", _("载入演示数据")
        AUDIT_KEY_ROTATED = "audit.key_rotated", _("更换审计日志密钥")
        AUDIT_PURGED = "audit.purged", _("清理过期审计日志")
        OTP_ENROLLED = "auth.otp_enrolled", _("绑定动态口令")
        OTP_FAILED = "auth.otp_failed", _("动态口令错误")
        OTP_RESET = "auth.otp_reset", _("重置动态口令")
        SERVICE_ADDRESS_REFUSED = "auth.service_address_refused", _("服务账号来源地址被拒绝")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    # Kept as written: the account may be renamed later, the record must not change.
    actor_username = models.CharField(_("操作账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=40, choices=Action.choices, db_index=True)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县（市、区）"),
    )
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    case_number = models.CharField(_("案件编号"), max_length=32, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    # The hash chain (centre.audit): the entry's place in it, the key that sealed it and the
    # HMAC-SM3 over its content and the previous entry's MAC. Empty only on entries written
    # before the chain began (AuditChainHead.legacy_through_id).
    seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True)
    key_id = models.CharField(_("密钥编号"), max_length=8, blank=True)
    mac = models.CharField(_("校验码"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        # Auditors only read; nobody adds, changes or deletes through the app.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "at"]),
        ]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.get_action_display()}"

    def actor_display(self) -> str:
        """The person as an auditor reads them: today's full name beside the account
        the row was written with (a failed login has only the name that was typed)."""
        name = self.actor.get_full_name() if self.actor_id else ""
        if not name:
            return self.actor_username
        return _("%(name)s（%(username)s）") % {"name": name, "username": self.actor_username}

    def object_kind(self) -> str:
        """The kind of object in words (the model's verbose name), not ``app.model``;
        a model since removed keeps its label rather than failing the page."""
        if not self.object_type:
            return ""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type


class AuditChainHead(models.Model):
    """The end of the audit log's chain, a single row.

    Every append locks this row in the writer's transaction, so entries are sealed one at a
    time and each names the one committed before it. The head also remembers where the chain
    starts: after the entries written before it existed, and after a purge of entries past
    their retention (the purged chain's last MAC carries on).
    """

    seq = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, blank=True)
    base_seq = models.BigIntegerField(default=0)
    base_mac = models.CharField(max_length=64, blank=True)
    legacy_through_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("审计日志链头")
        verbose_name_plural = _("审计日志链头")
        default_permissions = ()

    def __str__(self) -> str:
        return f"audit chain head at {self.seq}"
