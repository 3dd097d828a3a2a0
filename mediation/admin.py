from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from centre.admin import AuditedAdmin
from mediation import records
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
    readonly_fields = ["record_figures"]

    @admin.display(description=_("质效评价（供等级评定参考）"))
    def record_figures(self, obj: Mediator) -> str:
        lines = records.record_figures(obj) if obj.pk else []
        if not lines:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}：{}", lines)
