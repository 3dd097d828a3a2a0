from django.contrib import admin

from centre.admin import AuditedAdmin
from judicial.models import Court


@admin.register(Court)
class CourtAdmin(AuditedAdmin):
    list_display = ["name", "code", "county", "is_default", "president"]
    list_filter = ["county", "is_default"]
    filter_horizontal = ["judges", "clerks"]
    raw_id_fields = ["president"]
