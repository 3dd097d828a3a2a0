from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("信访")

    def ready(self) -> None:
        # The window's steps, its documents' renderers, its panel on the case page.
        from petitions import demo, documents, panels, transitions  # noqa: F401
