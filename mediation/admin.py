from django.contrib import admin

from centre.admin import AuditedAdmin
from mediation.models import Grade, Mediator, Organisation, RotaEntry


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "mediation_kind", "head", "active"]
    list_filter = ["kind", "mediation_kind", "active", "county"]
    search_fields = ["name"]
    filter_horizontal = ["categories", "regions"]
    raw_id_fields = ["head"]


@admin.register(Grade)
class GradeAdmin(AuditedAdmin):
    list_display = ["rank", "name"]


class RotaInline(admin.TabularInline):
    model = RotaEntry
    extra = 1


@admin.register(Mediator)
class MediatorAdmin(AuditedAdmin):
    list_display = ["name", "grade", "background", "active"]
    list_filter = ["active", "grade", "background", "organisations"]
    search_fields = ["name"]
    filter_horizontal = ["organisations", "specialties"]
    raw_id_fields = ["user"]
    inlines = [RotaInline]
