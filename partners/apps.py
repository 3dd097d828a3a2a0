from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("对接平台推送")

    def ready(self) -> None:
        from partners import roles, signals

        roles.declare()
        signals.connect()
