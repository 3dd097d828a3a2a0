from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JudicialConfig(AppConfig):
    name = "judicial"
    verbose_name = _("司法确认与诉讼对接")

    def ready(self) -> None:
        # Its roles, and what it grants roles other apps define (centre.roles).
        from judicial import roles

        roles.declare()
        # Workflow steps, document renderers, the case-page panel, the delegated clock.
        from centre import clocks
        from judicial import demo, documents, panels, progress, transitions  # noqa: F401
        from judicial.services import delegation_clock
        from mediation.services import CLOCK_RULE_PROVIDERS

        # The court's review clocks are the court's: the president approves their extension
        # (法释〔2011〕5号 第5条) through judicial.services, never a centre supervisor.
        clocks.PROCEDURE_SUBJECTS.add("confirmation")
        if delegation_clock not in CLOCK_RULE_PROVIDERS:
            CLOCK_RULE_PROVIDERS.append(delegation_clock)

        # Its entries in the navigation bar (centre.menu; order shared across apps).
        from centre.menu import menu_register

        menu_register(
            order=80,
            perms="centre.use_judicial_desk",
            label=_("司法确认"),
            url_name="judicial:queue",
        )
