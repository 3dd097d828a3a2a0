from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("事件处置")

    def ready(self) -> None:
        # Its roles, and what it grants roles other apps define (centre.roles).
        from incidents import roles

        roles.declare()
        # Demo accounts of the town command room and a department.
        from centre import clocks, links
        from incidents import demo  # noqa: F401
        from incidents.services import CLOCK_SUBJECT

        # Overdue incidents are urged and supervised by incidents.overdue, not the clocks
        # scan; their numbers in messages open the incident's page.
        clocks.OWN_OVERDUE_SUBJECTS.add(CLOCK_SUBJECT)
        clocks.PROCEDURE_SUBJECTS.add(CLOCK_SUBJECT)
        links.NUMBER_PAGES["SJ"] = "incidents:detail"
        post_migrate.connect(_sync, sender=self)

        # Its entries in the navigation bar (centre.menu; order shared across apps).
        from centre.menu import menu_register

        menu_register(
            order=30,
            perms="incidents.report_incident",
            label=_("事件上报"),
            url_name="incidents:report",
        )
        menu_register(
            order=40,
            perms=(
                "incidents.view_incident",
                "incidents.view_town_incident",
                "incidents.view_department_incident",
                "incidents.report_incident",
            ),
            label=_("事件处置"),
            url_name="incidents:board",
        )
        menu_register(
            order=50,
            perms="incidents.view_incident",
            label=_("县级事件总览"),
            url_name="incidents:county",
        )


def _sync(sender, using: str = "default", **kwargs) -> None:
    from incidents.services import categories_sync

    categories_sync(using=using)
