"""Admin of the risk warnings: rule thresholds and high-risk words are configuration (the
system administrator's); warnings are read here and acted on in the leaders' pages."""

from __future__ import annotations

from django.contrib import admin

from centre.admin import AuditedAdmin
from risk.models.warning import RiskKeyword, RiskWarning, WarningRule


@admin.register(WarningRule)
class WarningRuleAdmin(AuditedAdmin):
    list_display = ["kind", "enabled", "level", "min_count", "high_count", "updated_at"]
    list_editable = ["enabled"]
    readonly_fields = ["kind", "updated_at"]

    def get_fields(self, request, obj=None):
        # Each rule shows only the thresholds it reads (the rest would mean nothing to it).
        own = WarningRule.FIELDS.get(obj.kind, ()) if obj else ()
        return ["kind", "enabled", "level", *own, "note", "updated_at"]

    def has_add_permission(self, request):
        return False  # one rule per kind, created by the migration

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskKeyword)
class RiskKeywordAdmin(AuditedAdmin):
    list_display = ["word", "level", "active", "note"]
    list_editable = ["level", "active"]
    list_filter = ["level", "active"]
    search_fields = ["word"]


@admin.register(RiskWarning)
class RiskWarningAdmin(admin.ModelAdmin):
    list_display = ["title", "county", "kind", "level", "status", "case_count", "created_at"]
    list_filter = ["status", "kind", "level", "county"]
    search_fields = ["title", "key", "subject"]
    list_select_related = ["county"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in RiskWarning._meta.fields] + ["case_numbers"]
    exclude = ["case_ids"]

    def has_add_permission(self, request):
        return False  # warnings come from the scan

    def has_change_permission(self, request, obj=None):
        return False  # acknowledged and handled through the service, with its audit

    def has_delete_permission(self, request, obj=None):
        return False
