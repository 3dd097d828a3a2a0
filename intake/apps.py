from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("受理与分流")

    def ready(self) -> None:
        # Its roles, and what it grants roles other apps define (centre.roles).
        from intake import roles

        roles.declare()
        from centre import refcache
        from intake import demo, transitions  # noqa: F401  (transitions, seed_demo's part)
        from intake.models import TriageRule

        # Read on every registration through the reference cache (intake.triage).
        refcache.watch(TriageRule)

        # Its entries in the navigation bar (centre.menu; order shared across apps).
        from centre.menu import menu_register

        menu_register(
            order=10,
            perms="centre.use_intake_desk",
            label=_("受理台"),
            url_name="intake:desk",
        )
        menu_register(
            order=20,
            perms="intake.view_case",
            label=_("案件查询"),
            url_name="intake:cases",
        )
