"""Admin for intake's configuration (triage rules). Cases and parties are worked on in
the app's own pages, where access, masking and the audit log apply."""

from django.contrib import admin

from centre.admin import AuditedAdmin
from intake.models import TriageRule


@admin.register(TriageRule)
class TriageRuleAdmin(AuditedAdmin):
    list_display = ["nature", "category", "window", "mediation_kind", "active", "note"]
    list_filter = ["nature", "window", "active"]
    list_select_related = ["category", "window"]
    autocomplete_fields = ["category"]
