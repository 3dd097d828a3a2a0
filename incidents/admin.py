"""Admin for the incident categories and the clock rule each urgency runs on. Incidents
themselves are worked on in the app's pages and API, where access and the timeline apply."""

from django.contrib import admin

from centre.admin import AuditedAdmin
from incidents.models import IncidentCategory


@admin.register(IncidentCategory)
class IncidentCategoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "urgent_rule", "important_rule", "normal_rule", "active"]
    list_editable = ["active"]
    ordering = ["order", "code"]
