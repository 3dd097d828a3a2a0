"""What the public progress page tells the parties of a judicial confirmation
(intake.public): the court's clocks in plain words, and the court's notices and ruling,
addressed to both applicants (司法确认 is a joint application, 民事诉讼法 第205条)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intake.models import CaseDocument
from intake.public import progress_register

progress_register(
    clocks={
        "confirmation_apply": _("如需司法确认，双方应在%(date)s前共同向人民法院申请（%(period)s）"),
        "confirmation_accept": _(
            "人民法院依法应在%(date)s前决定是否受理司法确认申请（%(period)s）"
        ),
        "confirmation_decide": _("人民法院依法应在%(date)s前作出是否确认的裁定（%(period)s）"),
    },
    documents=(
        CaseDocument.Kind.CONFIRMATION_ACCEPTANCE,
        CaseDocument.Kind.CONFIRMATION_NOT_ACCEPTED,
        CaseDocument.Kind.RULING,
    ),
)
