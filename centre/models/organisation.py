"""The organisation of the centre: counties, regions, windows, departments, staff, the
category taxonomy, and the named permissions the roles are made of."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from centre.names import ref_name

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
