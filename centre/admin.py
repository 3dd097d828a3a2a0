"""The Django admin, used by the three administrators for configuration and accounts.

Every change made here is also written to the centre's audit log.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from centre import accounts, tokens, two_factor
from centre.documents import document_template_check
from centre.models import (
    ApiToken,
    AuditLog,
    CalendarYear,
    Category,
    County,
    DeadlineRule,
    Department,
    DocumentTemplate,
    Heartbeat,
    Holiday,
    Region,
    ServiceAccount,
    StaffProfile,
    Window,
)
from centre.periods import calendar_changed
from centre.roles import ROLES
from centre.services import (
    audit_log_export,
    audit_log_export_xlsx,
    audit_record,
    check_role_combination,
    user_refresh_staff_flag,
)
from centre.validators import CheckedText, refused_characters

User = get_user_model()


class CheckedModelForm(CheckedText, forms.ModelForm):
    """The admin's forms: their text fields refuse control characters too."""


class CheckedAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete widget looks the posted value up to show it again; a value
    that cannot be a key (text for a number, a NUL byte) made that look-up a server error
    instead of the field's own error. Only values of the key's type are looked up."""

    def optgroups(self, name, value, attr=None):
        kept = []
        for item in value:
            try:
                self.field.target_field.to_python(item)
            except ValidationError:
                continue
            if not (isinstance(item, str) and refused_characters(item)):
                kept.append(item)
        return super().optgroups(name, kept, attr)


class AuditedAdmin(admin.ModelAdmin):
    """Writes each add, change and delete to the audit log beside Django's LogEntry."""

    form = CheckedModelForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def log_addition(self, request, obj, message):
        audit_record(
            actor=request.user,
            action=AuditLog.Action.CREATE,
            request=request,
            obj=obj,
            detail={"change": message},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_record(
            actor=request.user,
            action=AuditLog.Action.CHANGE,
            request=request,
            obj=obj,
            detail={"change": message},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(
                actor=request.user, action=AuditLog.Action.DELETE, request=request, obj=obj
            )
        return super().log_deletions(request, queryset)


@admin.register(County)
class CountyAdmin(AuditedAdmin):
    list_display = ["code", "name", "city_name", "province_name", "centre_name"]
    search_fields = ["code", "name"]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en", "level", "parent", "county"]
    list_filter = ["level", "county"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent", "county"]
    autocomplete_fields = ["parent"]


@admin.register(Window)
class WindowAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en", "description", "order"]
    # The codes are a public contract shared with other platforms.
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "window", "county", "order"]
    list_filter = ["county", "window"]
    search_fields = ["name"]
    list_select_related = ["window", "county"]


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en", "parent", "active", "order"]
    list_filter = ["active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    list_display = ["user", "county", "department", "window", "region", "title"]
    list_filter = ["county", "window"]
    search_fields = ["user__username", "user__first_name"]
    list_select_related = ["user", "county", "department", "window", "region"]
    raw_id_fields = ["user", "region"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AuditExportForm(forms.Form):
    # The browser's date picker sends and shows ISO dates whatever the page's language.
    _picker = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(**_picker))
    end = forms.DateField(label=_("结束日期（含当日）"), widget=forms.DateInput(**_picker))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期"))
        return data


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "actor_name",
        "action",
        "object_kind",
        "object_repr",
        "case_number",
        "ip_address",
    ]
    fields = [
        "at",
        "actor_name",
        "action",
        "county",
        "object_kind",
        "object_id",
        "object_repr",
        "case_number",
        "ip_address",
        "user_agent",
        "detail",
        # The number verify_audit names when an entry is changed, inserted or deleted.
        "seq",
    ]
    readonly_fields = fields
    list_filter = ["action", "county", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_username", "object_repr", "object_id", "case_number", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["county", "actor"]
    show_full_result_count = False  # a count over millions of rows on every page is slow
    actions = ["export_csv"]

    @admin.display(description=_("操作人"), ordering="actor_username")
    def actor_name(self, entry: AuditLog) -> str:
        return entry.actor_display()

    @admin.display(description=_("对象类型"), ordering="object_type")
    def object_kind(self, entry: AuditLog) -> str:
        return entry.object_kind()

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_period_view),
            name="centre_auditlog_export",
        )
        return [export, *super().get_urls()]

    def export_period_view(self, request):
        """The auditor's export of a period as Excel (GB/T 22239-2019 8.1.4.3 b)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = AuditExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            body, _count = audit_log_export_xlsx(
                actor=request.user, start=start, end=end, request=request
            )
            response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = (
                f'attachment; filename="audit-log-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
            )
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("按时段导出审计日志"),
            "form": form,
        }
        return TemplateResponse(request, "admin/centre/auditlog/export.html", context)

    @admin.action(description=_("导出所选审计日志（CSV）"), permissions=["view"])
    def export_csv(self, request, queryset):
        body = audit_log_export(actor=request.user, entries=queryset, request=request)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
        return response


class DocumentTemplateForm(CheckedModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["name", "body", "active", "note"]

    def clean(self):
        """A template that fails to render would break every document of its kind: it is
        rendered with a sample context before it is saved, else refused with the error."""
        data = super().clean()
        if data.get("name") and "body" in data:
            try:
                document_template_check(data["name"], data["body"])
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(AuditedAdmin):
    form = DocumentTemplateForm
    list_display = ["name", "active", "note", "updated_at"]
    list_filter = ["active"]


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "at"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fk_name = "user"
    raw_id_fields = ["region"]


class AdminSetPasswordForm(AdminPasswordChangeForm):
    """A password the security administrator sets is changed by its owner at the first
    login (GB/T 22239-2019 8.1.4.1): no administrator knows a password in use."""

    def save(self, commit: bool = True):
        user = super().save(commit=commit)
        if commit and user.has_usable_password():
            accounts.password_require_change(user=user)
        return user


class CentreUserChangeForm(CheckedText, UserChangeForm):
    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is not None:
            check_role_combination({g.name for g in groups if g.name in ROLES})
        return groups


admin.site.unregister(User)
# django-otp's own device admin shows each device's secret: no one reads a secret back. The
# security administrator resets a device from the accounts list instead (below).
admin.site.unregister(TOTPDevice)


@admin.register(User)
class CentreUserAdmin(AuditedAdmin, DjangoUserAdmin):
    """Accounts for the security administrator. Rights come only from roles (groups):
    no per-user permissions, no superusers made here, and no one edits their own roles."""

    form = CentreUserChangeForm
    change_password_form = AdminSetPasswordForm
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "is_active", "is_staff", "has_otp", "last_login"]
    actions = ["reset_two_factor"]
    list_filter = ["is_active", "is_staff", "groups"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "email")}),
        (_("角色与状态"), {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = ["is_staff", "last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        if obj is not None and obj.pk == request.user.pk:
            readonly.append("groups")  # 三员分立: nobody grants themselves a role
        return readonly

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(otp_devices=Count("totpdevice", filter=Q(totpdevice__confirmed=True)))
        )

    @admin.display(description=_("已绑定动态口令"), boolean=True)
    def has_otp(self, user) -> bool:
        return bool(getattr(user, "otp_devices", 0))

    def has_reset_two_factor_permission(self, request) -> bool:
        return request.user.has_perm(two_factor.RESET_PERMISSION)

    @admin.action(description=_("重置所选账号的动态口令"), permissions=["reset_two_factor"])
    def reset_two_factor(self, request, queryset):
        """A phone lost or changed: the device goes, the owner enrols again at the next
        login (centre.two_factor.two_factor_reset, audited)."""
        for user in queryset:
            two_factor.two_factor_reset(actor=request.user, user=user, request=request)
        self.message_user(
            request,
            _("已重置%(n)d个账号的动态口令，其本人下次登录时重新绑定") % {"n": len(queryset)},
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_refresh_staff_flag(user=form.instance)
        if not change and form.instance.has_usable_password():
            accounts.password_require_change(user=form.instance)  # as AdminSetPasswordForm
        if change and "is_active" in form.changed_data and not form.instance.is_active:
            # A disabled account's tokens end now, and stay ended if it is enabled again.
            tokens.token_revoke(
                actor=request.user,
                tokens=ApiToken.objects.filter(user=form.instance),
                request=request,
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """The security administrator sees whose tokens exist, on which device, when last
    used — never a token's value (only its digest is stored, and not shown) — and
    revokes them."""

    list_display = ["user", "name", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name"]
    fields = [
        "user",
        "name",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: the record stays for the audit

    @admin.action(description=_("吊销所选令牌"), permissions=["change"])
    def revoke(self, request, queryset):
        count = tokens.token_revoke(actor=request.user, tokens=queryset, request=request)
        self.message_user(request, _("已吊销%(n)d个令牌") % {"n": count})


@admin.register(ServiceAccount)
class ServiceAccountAdmin(AuditedAdmin):
    """Other platforms' systems: token-only accounts and the addresses their tokens are
    accepted from. Created, and their tokens issued, by ``manage.py issue_service_token``."""

    list_display = ["user", "platform", "allowed_networks", "created_at"]
    search_fields = ["user__username", "platform"]
    list_select_related = ["user"]
    fields = ["user", "platform", "allowed_networks", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    """Each year's schedule from the State Council's notice: one row per holiday or
    make-up working day (weekends need no row)."""

    list_display = ["day", "kind", "name"]
    list_filter = ["kind", ("day", admin.DateFieldListFilter)]
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        calendar_changed()


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ["year", "source", "entered_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_changed()


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "name_en",
        "length",
        "unit",
        "extension_length",
        "source",
        "active",
    ]
    list_filter = ["unit", "active"]
    search_fields = ["code", "name", "name_en", "source"]
    readonly_fields = ["code"]  # a public contract: other records and platforms use it
