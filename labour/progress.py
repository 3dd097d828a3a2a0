"""What the public progress page tells a worker (intake.public): the next step at each
stage of the inspection and of the arbitration, their clocks in plain words, and the
letters addressed to the applicant — not the order to correct, addressed to the employer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intake.models import CaseDocument
from intake.public import progress_register
from labour.models import Arbitration, LabourInspection

INSPECTION, A = LabourInspection.State, Arbitration.State

progress_register(
    LabourInspection,
    next_steps={
        INSPECTION.RECEIVED: _("劳动保障监察机构正在审查您的投诉，将决定是否立案"),
        INSPECTION.OPENED: _("已立案，正在调查，将依法处理用人单位的违法行为"),
        INSPECTION.ORDERED: _("已责令用人单位限期改正或支付，正在督促履行"),
        INSPECTION.REFUSED: _("投诉不予受理，告知书已说明理由和可以选择的途径"),
        INSPECTION.CONCLUDED: _("劳动保障监察案件已结案"),
    },
)
progress_register(
    Arbitration,
    next_steps={
        A.NEW: _("可向劳动人事争议仲裁委员会申请仲裁"),
        A.APPLIED: _("仲裁委员会正在审查您的申请，将决定是否受理"),
        A.ACCEPTED: _("已受理，仲裁庭将通知双方开庭时间"),
        A.REFUSED: _("仲裁申请不予受理；对此不服的，可以向人民法院提起诉讼"),
        A.SETTLED: _("已在仲裁庭主持下达成调解，请按仲裁调解书履行"),
        A.AWARDED: _("已作出仲裁裁决；不服的，可依法在收到裁决书之日起15日内向人民法院起诉"),
        A.CONCLUDED: _("劳动争议仲裁案件已结案"),
    },
    clocks={
        "labour_mediation": _(
            "劳动争议调解应在%(date)s前结束（%(period)s）；逾期未达成协议的，可申请仲裁"
        ),
        "labour_arbitration_accept": _("仲裁委员会依法应在%(date)s前决定是否受理（%(period)s）"),
        "labour_arbitration_award": _("仲裁庭依法应在%(date)s前作出裁决（%(period)s）"),
        "labour_inspection_accept": _(
            "劳动保障监察机构依法应在%(date)s前决定是否受理投诉（%(period)s）"
        ),
        "labour_inspection_close": _("劳动保障监察案件依法应在%(date)s前办结（%(period)s）"),
    },
    documents=(
        CaseDocument.Kind.LABOUR_INSPECTION_REFUSAL,
        CaseDocument.Kind.ARBITRATION_ACCEPTANCE,
        CaseDocument.Kind.ARBITRATION_REFUSAL,
        CaseDocument.Kind.ARBITRATION_HEARING,
        CaseDocument.Kind.ARBITRATION_MEDIATION,
        CaseDocument.Kind.ARBITRATION_AWARD,
    ),
)
