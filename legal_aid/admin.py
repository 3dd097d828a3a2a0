from django.contrib import admin

from centre.admin import AuditedAdmin
from legal_aid.models import Provider


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    list_display = ["name", "organisation", "kind", "county", "active"]
    list_filter = ["county", "kind", "active"]
    search_fields = ["name", "organisation", "licence_number"]
