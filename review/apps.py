from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("行政复议")

    def ready(self) -> None:
        # Its roles, and what it grants roles other apps define (centre.roles).
        from review import roles

        roles.declare()
        # The window's steps, its documents' renderers, its panel on the case page, the
        # beat task that accepts by law (第30条).
        # Its entries in the navigation bar (centre.menu; order shared across apps).
        from centre.menu import menu_register
        from review import demo, documents, panels, progress, tasks, transitions  # noqa: F401

        menu_register(
            order=120,
            perms="review.use_review_desk",
            label=_("行政复议"),
            url_name="review:queue",
        )
