from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("调解")

    def ready(self) -> None:
        # Its roles, and what it grants roles other apps define (centre.roles).
        from mediation import roles

        roles.declare()
        # The workflow steps, the agreement's renderer, the case-page panel, demo data.
        # Its entries in the navigation bar (centre.menu; order shared across apps).
        from centre.menu import menu_register
        from mediation import demo, documents, panels, progress, transitions  # noqa: F401

        menu_register(
            order=60,
            perms="intake.start_mediation_case",
            label=_("待分派调解"),
            url_name="mediation:assign",
        )
        menu_register(
            order=70,
            perms="centre.use_mediation_desk",
            label=_("我的调解"),
            url_name="mediation:my_cases",
        )
