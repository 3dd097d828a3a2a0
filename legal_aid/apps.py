from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalAidConfig(AppConfig):
    name = "legal_aid"
    verbose_name = _("法律援助")

    def ready(self) -> None:
        # Its roles, and what it grants roles other apps define (centre.roles).
        from legal_aid import roles

        roles.declare()
        # The window's steps, its documents' renderers, its panel on the case page.
        # Its entries in the navigation bar (centre.menu; order shared across apps).
        from centre.menu import menu_register
        from legal_aid import demo, documents, panels, progress, transitions  # noqa: F401

        menu_register(
            order=100,
            perms="legal_aid.use_legal_aid_desk",
            label=_("法律援助"),
            url_name="legal_aid:queue",
        )
