"""The organisation of the centre: counties, regions, windows, departments, staff, the
category taxonomy, and the append-only audit log."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_address

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.names import ref_name
from centre.validators import networks_of, validate_networks

# GB/T 2260 county codes are six digits; township codes (统计用区划代码) nine, villages
# twelve; grids are numbered under their village by the county.
county_code_validator = RegexValidator(r"^\d{6}$", _("县级行政区划代码应为6位数字"))
region_code_validator = RegexValidator(r"^\d{9,15}$", _("区划代码应为9至15位数字"))
category_code_validator = RegexValidator(r"^\d{2,6}$", _("类别编码应为2至6位数字"))


class County(models.Model):
    code = models.CharField(
        _("行政区划代码"), max_length=6, unique=True, validators=[county_code_validator]
    )
    name = models.CharField(_("名称"), max_length=50)
    city_name = models.CharField(_("所属地级市"), max_length=50, blank=True)
    province_name = models.CharField(_("所属省份"), max_length=50, blank=True)
    centre_name = models.CharField(_("中心名称"), max_length=100)
    address = models.CharField(_("中心地址"), max_length=200, blank=True)
    phone = models.CharField(_("中心电话"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("县（市、区）")
        verbose_name_plural = _("县（市、区）")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class Region(models.Model):
    """A town, village or grid below a county (county → 乡镇/街道 → 村/社区 → 网格)."""

    class Level(models.TextChoices):
        TOWN = "town", _("乡镇/街道")
        VILLAGE = "village", _("村/社区")
        GRID = "grid", _("网格")

    PARENT_LEVEL = {Level.TOWN: None, Level.VILLAGE: Level.TOWN, Level.GRID: Level.VILLAGE}

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="regions", verbose_name=_("县（市、区）")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级区划"),
    )
    code = models.CharField(
        _("区划代码"), max_length=15, unique=True, validators=[region_code_validator]
    )
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(
        _("英文名称"), max_length=100, blank=True, help_text=_("英文页面显示；留空则显示中文名称")
    )
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["county", "level"]), models.Index(fields=["parent"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="town", parent__isnull=True)
                | (~models.Q(level="town") & models.Q(parent__isnull=False)),
                name="region_town_is_top_level",
                violation_error_message=_("乡镇/街道直属于县，村/社区和网格必须有上级区划"),
            ),
        ]

    def __str__(self) -> str:
        return ref_name(self)

    def clean(self) -> None:
        expected = self.PARENT_LEVEL.get(self.level)
        if self.parent_id is None:
            return
        if expected is None or self.parent.level != expected:
            raise ValidationError({"parent": _("上级区划的层级不符")})
        if self.parent.county_id != self.county_id:
            raise ValidationError({"parent": _("上级区划不属于同一个县")})
        if not self.code.startswith(self.parent.code[:9]):
            raise ValidationError({"code": _("区划代码应以上级乡镇代码开头")})


class Window(models.Model):
    """One of the centre's functional windows; the codes are a public contract."""

    class Code(models.TextChoices):
        PETITION = "petition", _("接访服务")
        LITIGATION = "litigation", _("诉讼服务")
        MEDIATION = "mediation", _("调解服务")
        LABOUR = "labour", _("劳动监察仲裁")
        REVIEW = "review", _("行政复议")
        LEGAL_AID = "legal_aid", _("公共法律服务")

    code = models.CharField(_("编码"), max_length=20, unique=True, choices=Code.choices)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(
        _("英文名称"), max_length=100, blank=True, help_text=_("英文页面显示；留空则显示中文名称")
    )
    description = models.CharField(_("受理事项"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return ref_name(self)


class Department(models.Model):
    """A department resident at the centre (信访局, 法院, 司法局, 人社局 …)."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="departments", verbose_name=_("县（市、区）")
    )
    name = models.CharField(_("名称"), max_length=100)
    window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name=_("入驻窗口"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["county", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """The dispute category taxonomy (two levels), coded for statistics and triage."""

    code = models.CharField(
        _("编码"), max_length=6, unique=True, validators=[category_code_validator]
    )
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(
        _("英文名称"), max_length=100, blank=True, help_text=_("英文页面显示；留空则显示中文名称")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级类别"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("纠纷类别")
        verbose_name_plural = _("纠纷类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {ref_name(self)}"

    def clean(self) -> None:
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("类别最多两级")})
        if self.parent_id and not self.code.startswith(self.parent.code):
            raise ValidationError({"code": _("子类编码应以上级类别编码开头")})


class StaffProfile(models.Model):
    """Where a member of staff works. Their rights come from their role groups."""

    class Scope(models.TextChoices):
        # A city's or province's leader reads the counties under them side by side; the
        # counties below are those whose code shares the city's (4) or province's (2) digits.
        COUNTY = "county", _("本县")
        CITY = "city", _("本市所辖各县")
        PROVINCE = "province", _("本省所辖各县")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff",
        verbose_name=_("账号"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="staff", verbose_name=_("县（市、区）")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("部门"),
    )
    window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("窗口"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("负责区划"),
        help_text=_("网格员负责的网格，或乡镇工作人员所在乡镇"),
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    scope = models.CharField(
        _("查看范围"),
        max_length=10,
        choices=Scope.choices,
        default=Scope.COUNTY,
        help_text=_("市级、省级领导可查看所辖各县的统计与（脱敏的）案件清单"),
    )

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def scope_prefix(self) -> str:
        """The leading digits of the county codes this member of staff may read."""
        return self.county.code[: {"county": 6, "city": 4, "province": 2}[self.scope]]

    def clean(self) -> None:
        if self.department_id and self.department.county_id != self.county_id:
            raise ValidationError({"department": _("部门不属于该县")})
        if self.region_id and self.region.county_id != self.county_id:
            raise ValidationError({"region": _("区划不属于该县")})


class Capability(models.Model):
    """Named permissions for what a role may do in the app (no table of its own).

    Roles (``centre.roles``) are groups holding these and model permissions; pages and
    the API check them with ``user.has_perm("centre.<codename>")``.
    """

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("功能权限")
        permissions = [
            ("use_intake_desk", _("使用受理台（登记、分流）")),
            ("use_mediation_desk", _("使用调解工作台")),
            ("use_judicial_desk", _("使用司法确认工作台")),
            ("supervise_windows", _("窗口督办与指派")),
            ("view_dashboard", _("查看领导驾驶舱与风险预警")),
            ("report_from_grid", _("网格上报")),
            ("configure_system", _("系统配置（系统管理员）")),
            ("manage_accounts", _("账号与权限管理（安全管理员）")),
            ("read_audit_log", _("查阅审计日志（安全审计员）")),
            ("reset_two_factor", _("重置动态口令（安全管理员）")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


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


class Heartbeat(models.Model):
    """The last time each Celery process proved it was alive (beat → worker → database)."""

    name = models.CharField(max_length=100, unique=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


class DocumentTemplate(models.Model):
    """An administrator's version of a document template (e.g. the mediation agreement),
    used instead of the file of the same name while active. Django template language;
    the file in ``templates/`` is the reference to start from."""

    name = models.CharField(
        _("模板"),
        max_length=100,
        unique=True,
        help_text=_("模板文件名，如mediation/agreement.html"),
    )
    body = models.TextField(_("模板内容"))
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """A message to a party or a member of staff. The row is written with the change that
    causes it; a task sends it through the configured backend (SMS gateway, e-mail,
    console in development) and a sweep re-sends what is left pending, each once."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")
        INAPP = "inapp", _("站内消息")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县（市、区）"),
        db_index=False,  # never read by county; one write less per message
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("接收人账号"),
        db_index=False,  # (recipient_user, read_at) below serves it
    )
    recipient_name = models.CharField(_("接收人"), max_length=100)
    # A party's phone or e-mail, encrypted like every personal datum (centre.crypto).
    destination_enc = models.BinaryField(null=True, editable=False)
    destination_masked = models.CharField(_("发送至"), max_length=64, blank=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    case_number = models.CharField(_("案件编号"), max_length=32, blank=True)
    # Set for messages that must go out once only (a reminder for one deadline, …); NULL,
    # not "", where absent, so that the unique constraint leaves other messages alone.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        # Few indexes: the clocks scan writes tens of thousands of rows on a busy night, and
        # each index is a write per row. Plain btrees (no "_like" pattern copies: nothing
        # searches these columns by prefix); the status only where a message is still to go.
        indexes = [
            models.Index(fields=["recipient_user", "read_at"]),
            models.Index(fields=["case_number"], name="notification_case"),
            models.Index(
                fields=["status", "created_at"],
                name="notification_unsent",
                condition=models.Q(status__in=["pending", "sending", "failed"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="notification_dedupe_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.recipient_name} {self.subject}"

    @property
    def idempotency_key(self) -> str:
        """The same for every attempt at this message: a gateway given it as its request's
        idempotency key (or client message id) sends the message once, even when a worker
        died after the gateway accepted it and the sweep sends it again."""
        return f"{settings.NOTIFICATION_KEY_PREFIX}-{self.pk}"


class Holiday(models.Model):
    """One day of the official calendar that is not an ordinary weekday/weekend: a public
    holiday (rest) or a make-up working day (调休上班). Weekends are rest days otherwise."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日（休息）")
        WORKDAY = "workday", _("调休上班")

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """A year whose holiday schedule (国务院办公厅通知) has been entered. Dates in years
    not listed count weekends only and are marked provisional (暂定)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("如：国办发明电〔2025〕7号")
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已录入节假日的年份")
        verbose_name_plural = _("已录入节假日的年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class DeadlineRule(models.Model):
    """A statutory time limit (LAW.md). Administrators may edit (a county may have stricter
    local norms); the legal source is shown wherever the rule is."""

    class Unit(models.TextChoices):
        NATURAL = "natural", _("日")
        WORKING = "working", _("工作日")

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(
        _("英文名称"), max_length=200, blank=True, help_text=_("英文页面显示；留空则显示中文名称")
    )
    length = models.PositiveSmallIntegerField(_("期限"))
    unit = models.CharField(_("单位"), max_length=8, choices=Unit.choices, default=Unit.NATURAL)
    starts_at = models.CharField(_("起算事件"), max_length=100)
    extension_length = models.PositiveSmallIntegerField(_("可延长"), null=True, blank=True)
    extension_unit = models.CharField(_("延长单位"), max_length=8, choices=Unit.choices, blank=True)
    extension_cap = models.PositiveSmallIntegerField(
        _("最长（含延长）"),
        null=True,
        blank=True,
        help_text=_("自起算日起的最长自然日数，如特别程序30日"),
    )
    extension_approver = models.CharField(_("延长批准人"), max_length=100, blank=True)
    source = models.CharField(_("法律依据"), max_length=300)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("法定期限规则")
        verbose_name_plural = _("法定期限规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return _("%(name)s（%(length)d%(unit)s）") % {
            "name": ref_name(self),
            "length": self.length,
            "unit": self.get_unit_display(),
        }


class Clock(models.Model):
    """A running statutory clock on a case's step. The scan reminds the assignee before the
    due date and escalates to the window supervisors when overdue, each message once."""

    # No index of its own (nor the assignee's): the scan and the rules read clocks through
    # the running-due ranges, and every index costs the night's scan a write per message.
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    rule = models.ForeignKey(
        DeadlineRule,
        on_delete=models.PROTECT,
        related_name="clocks",
        verbose_name=_("期限规则"),
        db_index=False,  # clock_one_per_subject starts with it
    )
    case_number = models.CharField(_("案件编号"), max_length=32)
    # What the clock runs on (a mediation, a confirmation application …), by label and id.
    subject = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
        db_index=False,
    )
    started_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("届满日"))
    provisional = models.BooleanField(_("暂定"), default=False)
    paused_at = models.DateField(_("中止于"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("已中止天数"), default=0)
    pause_reason = models.CharField(_("中止原因"), max_length=200, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("延长"), default=0)
    extension_reason = models.CharField(_("延长理由"), max_length=300, blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # read only with its clock
    )
    unlimited = models.BooleanField(_("不受期限限制"), default=False)
    stopped_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    overdue_since = models.DateField(_("超期日"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("已督办"), null=True, blank=True)
    # The tightest reminder already sent (days before the due date): the scan then reads
    # only clocks that still need one.
    reminded_offset = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject", "subject_id"], name="clock_one_per_subject"
            )
        ]
        indexes = [
            models.Index(fields=["case_number"], name="clock_case"),
            # The scan reads ranges of due dates among running clocks only.
            models.Index(
                fields=["due_on", "reminded_offset"],
                name="clock_running_due",
                condition=models.Q(
                    stopped_at__isnull=True, paused_at__isnull=True, unlimited=False
                ),
            ),
            models.Index(
                fields=["due_on"],
                name="clock_overdue_unescalated",
                condition=models.Q(
                    stopped_at__isnull=True,
                    paused_at__isnull=True,
                    unlimited=False,
                    escalated_at__isnull=True,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.rule.code} → {self.due_on}"

    @property
    def running(self) -> bool:
        return self.stopped_at is None and self.paused_at is None and not self.unlimited

    @property
    def days_left(self) -> int | None:
        if self.unlimited or self.stopped_at is not None:
            return None
        reference = self.paused_at or timezone.localdate()
        return (self.due_on - reference).days


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


class CountyYearCounter(models.Model):
    """The last number given per county and year (case numbers, incident numbers), for
    ``centre.counters.next_value``: taking a number locks the row until the transaction
    that took it ends, so a failed registration gives its number back — no gaps. Each
    subclass names its unique (county, year) constraint."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.county_id}-{self.year}: {self.last}"


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
