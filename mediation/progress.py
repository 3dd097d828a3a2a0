"""What the public progress page tells a party to a mediation (intake.public): the
mediation's clocks in plain words and the agreement, the applicant's own document."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intake.models import CaseDocument
from intake.public import progress_register

progress_register(
    clocks={
        "mediation_people": _("人民调解一般应在%(date)s前调结（%(period)s）"),
        "mediation_court_delegated": _("委派调解一般应在%(date)s前完成（%(period)s）"),
    },
    documents=(CaseDocument.Kind.AGREEMENT,),
)
