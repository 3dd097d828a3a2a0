from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_reference(sender, using="default", **kwargs):
    from centre.services import reference_sync

    reference_sync(using=using)


class CentreConfig(AppConfig):
    name = "centre"
    verbose_name = _("中心组织与系统")

    def ready(self) -> None:
        # After migrate, every database (the test databases too) has the windows and the
        # role groups.
        post_migrate.connect(_sync_reference, sender=self, dispatch_uid="centre.reference")
        from centre import (
            accounts,  # noqa: F401  (connects the single-session login receiver)
            audit_hooks,  # noqa: F401  (connects the login audit receivers)
            checks,  # noqa: F401  (registers the deploy checks)
            refcache,
            roles,
        )

        refcache.connect()
        roles.define_centre_roles()
