from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("受理与分流")

    def ready(self) -> None:
        from centre import refcache
        from intake import demo, transitions  # noqa: F401  (transitions, seed_demo's part)
        from intake.models import TriageRule

        # Read on every registration through the reference cache (intake.triage).
        refcache.watch(TriageRule)
