from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("调解")

    def ready(self) -> None:
        # The workflow steps, the agreement's renderer, the case-page panel, demo data.
        from mediation import demo, documents, panels, transitions  # noqa: F401
