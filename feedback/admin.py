from django.contrib import admin

from feedback.models import Rating, ReworkTicket


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("case", "value", "channel", "rated_at")
    list_filter = ("value", "channel")
    readonly_fields = [f.name for f in Rating._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ReworkTicket)
class ReworkTicketAdmin(admin.ModelAdmin):
    list_display = ("case", "state", "due_on", "assignee")
    list_filter = ("state",)
    readonly_fields = [f.name for f in ReworkTicket._meta.fields]

    def has_add_permission(self, request):
        return False
