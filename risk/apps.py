from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = _("驾驶舱与风险预警")

    def ready(self) -> None:
        import risk.demo  # noqa: F401  (registers the warnings' demo seeder)

        # Its demo seeder; the rates' drill-downs on the case list.
        from risk import rollup_demo, shares  # noqa: F401
