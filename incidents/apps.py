from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("事件处置")

    def ready(self) -> None:
        # Demo accounts of the town command room and a department.
        from incidents import demo  # noqa: F401

        post_migrate.connect(_sync, sender=self)


def _sync(sender, using: str = "default", **kwargs) -> None:
    from incidents.services import categories_sync

    categories_sync(using=using)
