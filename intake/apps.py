from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("受理与分流")

    def ready(self) -> None:
        # Register intake's transitions and its part of seed_demo.
        from intake import demo, transitions  # noqa: F401
