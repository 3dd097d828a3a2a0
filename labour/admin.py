from django.contrib import admin

from centre.admin import AuditedAdmin
from labour.models import Arbitrator, MinimumWage


@admin.register(Arbitrator)
class ArbitratorAdmin(AuditedAdmin):
    list_display = ["name", "county", "full_time", "is_chair", "active"]
    list_filter = ["county", "full_time", "is_chair", "active"]
    search_fields = ["name"]
    raw_id_fields = ["user"]


@admin.register(MinimumWage)
class MinimumWageAdmin(AuditedAdmin):
    list_display = ["county", "monthly", "effective_from", "source"]
    list_filter = ["county"]
