"""What the public progress page tells an applicant for administrative review
(intake.public): the next step at each stage, the clocks of 《行政复议法》 in plain words,
and the review body's documents addressed to the applicant."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intake.models import CaseDocument
from intake.public import progress_register
from review.models import AdministrativeReview

S = AdministrativeReview.State

progress_register(
    AdministrativeReview,
    next_steps={
        S.APPLIED: _("行政复议机构正在审查您的申请，将决定是否受理"),
        S.ACCEPTED: _("已受理，被申请人将提出书面答复，复议机构审理后作出决定"),
        S.ANSWERED: _("被申请人已提出书面答复，复议机构正在审理"),
        S.REFUSED: _("不予受理，决定书已说明理由；不服的，可依法向人民法院提起行政诉讼"),
        S.MEDIATED: _("已调解结案，请按行政复议调解书履行"),
        S.DECIDED: _("已作出行政复议决定；不服的，可依法向人民法院提起行政诉讼"),
        S.WITHDRAWN: _("您已撤回行政复议申请"),
    },
    clocks={
        "review_accept": _("行政复议机关依法应在%(date)s前决定是否受理（%(period)s）"),
        "review_decide": _("行政复议机关依法应在%(date)s前作出行政复议决定（%(period)s）"),
        "review_decide_simple": _("行政复议机关依法应在%(date)s前作出行政复议决定（%(period)s）"),
        "review_answer": _("被申请人依法应在%(date)s前提出书面答复（%(period)s）"),
        "review_answer_simple": _("被申请人依法应在%(date)s前提出书面答复（%(period)s）"),
    },
    documents=(
        CaseDocument.Kind.REVIEW_ACCEPTANCE,
        CaseDocument.Kind.REVIEW_REFUSAL,
        CaseDocument.Kind.REVIEW_MEDIATION,
        CaseDocument.Kind.REVIEW_DECISION,
    ),
)
