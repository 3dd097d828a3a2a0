"""What the public progress page tells a petitioner (intake.public): the next step at each
stage of the petition, the clocks of 《信访工作条例》 in plain words, and the letters
addressed to the petitioner."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intake.models import CaseDocument
from intake.public import progress_register
from petitions.models import Petition

S = Petition.State

progress_register(
    Petition,
    next_steps={
        S.RECEIVED: _("信访部门正在审查，将书面告知您是否受理"),
        S.HANDLING: _("已受理，正在调查核实，办理后将书面答复您"),
        S.MEDIATING: _("已转人民调解，调解员会通知您参加调解"),
        S.REPLIED: _("已书面答复；如不服，可自收到答复之日起30日内请求复查"),
        S.REVIEWING: _("复查机关正在复查，将书面提出复查意见"),
        S.REVIEWED: _("已提出复查意见；如不服，可自收到之日起30日内请求复核"),
        S.RECHECKING: _("复核机关正在复核，将书面提出复核意见"),
        S.RECHECKED: _("已提出复核意见，信访事项办理终结"),
        S.DECLINED: _("不予受理，告知书已说明理由和可以选择的途径"),
        S.CONCLUDED: _("信访事项已办结"),
    },
    clocks={
        "petition_notice": _("依法应在%(date)s前告知您是否受理（%(period)s）"),
        "petition_handle": _("依法应在%(date)s前办结并书面答复您（%(period)s）"),
        "petition_review_request": _("如对答复意见不服，可在%(date)s前请求复查（%(period)s）"),
        "petition_review": _("复查机关依法应在%(date)s前提出复查意见（%(period)s）"),
        "petition_recheck_request": _("如对复查意见不服，可在%(date)s前请求复核（%(period)s）"),
        "petition_recheck": _("复核机关依法应在%(date)s前提出复核意见（%(period)s）"),
    },
    documents=(
        CaseDocument.Kind.PETITION_ACCEPTANCE,
        CaseDocument.Kind.PETITION_DECLINED,
        CaseDocument.Kind.PETITION_OPINION,
        CaseDocument.Kind.PETITION_REVIEW_OPINION,
        CaseDocument.Kind.PETITION_RECHECK_OPINION,
    ),
)
