from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalAidConfig(AppConfig):
    name = "legal_aid"
    verbose_name = _("法律援助")

    def ready(self) -> None:
        # The window's steps, its documents' renderers, its panel on the case page.
        from legal_aid import demo, documents, panels, transitions  # noqa: F401
