"""What the public progress page tells a legal-aid applicant (intake.public): the next step
at each stage, the clocks of 《法律援助法》 in plain words, and the decisions and notices
addressed to the applicant."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intake.models import CaseDocument
from intake.public import progress_register
from legal_aid.models import LegalAid

S = LegalAid.State

progress_register(
    LegalAid,
    next_steps={
        S.APPLIED: _("法律援助机构正在审查您的申请，将决定是否给予法律援助"),
        S.GRANTED: _("已决定给予法律援助，将为您指派律师或法律援助工作人员"),
        S.ASSIGNED: _("已指派法律援助人员，他们会与您联系"),
        S.REFUSED: _("决定不予法律援助；有异议的，可向司法行政部门提出"),
        S.OBJECTED: _("司法行政部门正在审查您的异议"),
        S.UPHELD: _("司法行政部门维持不予法律援助的决定"),
        S.ANSWERED: _("法律咨询已当场解答"),
        S.CONCLUDED: _("法律援助事项已结案"),
    },
    clocks={
        "legal_aid_decide": _("法律援助机构依法应在%(date)s前决定是否给予法律援助（%(period)s）"),
        "legal_aid_assign": _(
            "法律援助机构依法应在%(date)s前指派律师或法律援助工作人员（%(period)s）"
        ),
        "legal_aid_objection": _("司法行政部门依法应在%(date)s前审查您的异议（%(period)s）"),
    },
    documents=(
        CaseDocument.Kind.LEGAL_AID_DECISION,
        CaseDocument.Kind.LEGAL_AID_REFUSAL,
        CaseDocument.Kind.LEGAL_AID_ASSIGNMENT,
    ),
)
