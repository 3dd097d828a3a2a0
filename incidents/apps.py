from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("事件处置")

    def ready(self) -> None:
        # Demo accounts of the town command room and a department.
        from incidents import demo  # noqa: F401
