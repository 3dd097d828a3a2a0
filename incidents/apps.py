from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("事件处置")

    def ready(self) -> None:
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


def _sync(sender, using: str = "default", **kwargs) -> None:
    from incidents.services import categories_sync

    categories_sync(using=using)
