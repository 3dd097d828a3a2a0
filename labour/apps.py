from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabourConfig(AppConfig):
    name = "labour"
    verbose_name = _("劳动监察仲裁")

    def ready(self) -> None:
        # The window's steps, its documents' renderers, its panels on the case page.
        from labour import demo  # noqa: F401
