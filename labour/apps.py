from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabourConfig(AppConfig):
    name = "labour"
    verbose_name = _("劳动监察仲裁")

    def ready(self) -> None:
        # Its roles, and what it grants roles other apps define (centre.roles).
        from labour import roles

        roles.declare()
        # The window's steps, its documents' renderers, its panels on the case page, and
        # the labour mediation's 15-day clock.
        from labour import demo, documents, panels, progress, transitions  # noqa: F401
        from labour.services import labour_mediation_clock
        from mediation.services import CLOCK_RULE_PROVIDERS

        if labour_mediation_clock not in CLOCK_RULE_PROVIDERS:
            CLOCK_RULE_PROVIDERS.append(labour_mediation_clock)

        # Its entries in the navigation bar (centre.menu; order shared across apps).
        from centre.menu import menu_register

        menu_register(
            order=110,
            perms="labour.use_labour_desk",
            label=_("劳动监察仲裁"),
            url_name="labour:queue",
        )
