from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("质效评价")

    def ready(self) -> None:
        from centre import clocks
        from centre.menu import menu_register
        from feedback import panels, roles, selectors, services  # noqa: F401
        from feedback.models import ReworkTicket
        from intake import workflow
        from mediation.records import record_figures_register

        roles.declare()
        # The mediator's record shows their rates for the grade review.
        record_figures_register(selectors.mediator_record_lines)
        # Every step that closes a case invites its applicants to rate it.
        workflow.on_close(services.invitations_on_close)
        # The ticket's clock is the centre's own norm, kept on the ticket's page.
        clocks.PROCEDURE_SUBJECTS.add(ReworkTicket.CLOCK_SUBJECT)
        menu_register(
            order=95,
            perms="feedback.handle_reworkticket",
            label=_("回访重办"),
            url_name="feedback:tickets",
        )
