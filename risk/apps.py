from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = _("驾驶舱与风险预警")

    def ready(self) -> None:
        # Its roles, and what it grants roles other apps define (centre.roles).
        from risk import roles

        roles.declare()
        # Its demo seeders, the rates' drill-downs on the case list, its menu entries
        # (centre.menu; the order is shared across apps).
        from centre.menu import menu_register
        from risk.dashboard import demo, shares  # noqa: F401
        from risk.warnings import demo as warning_demo  # noqa: F401

        menu_register(
            order=130,
            perms="centre.view_dashboard",
            label=_("领导驾驶舱"),
            url_name="risk:dashboard",
        )
        menu_register(
            order=140,
            perms="centre.view_dashboard",
            label=_("风险预警"),
            url_name="risk:warnings",
        )
