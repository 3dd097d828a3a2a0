from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("行政复议")

    def ready(self) -> None:
        from review import demo  # noqa: F401
