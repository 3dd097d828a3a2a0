from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("信访")

    def ready(self) -> None:
        # Its roles, and what it grants roles other apps define (centre.roles).
        from petitions import roles

        roles.declare()
        # The window's steps, its documents' renderers, its panel on the case page.
        # Its entries in the navigation bar (centre.menu; order shared across apps).
        from centre.menu import menu_register
        from petitions import demo, documents, panels, progress, transitions  # noqa: F401

        menu_register(
            order=90,
            perms="petitions.use_petition_desk",
            label=_("信访接待"),
            url_name="petitions:queue",
        )
