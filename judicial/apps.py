from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JudicialConfig(AppConfig):
    name = "judicial"
    verbose_name = _("司法确认与诉讼对接")
