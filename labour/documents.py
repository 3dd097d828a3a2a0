"""The labour window's letters: the complaint not accepted (naming the channel), the order
to correct or pay (劳动保障监察条例 第18、26条); the arbitration's acceptance and refusal
(劳动争议调解仲裁法 第29条), hearing notice (第35条), mediation statement (第42条) and
award (第46–50条)."""

from __future__ import annotations

from intake.documents import Renderer, register_renderer
from intake.models import CaseDocument
from intake.processes import notice_context
from labour.models import Arbitration, LabourInspection

_inspection = notice_context(LabourInspection, "人力资源和社会保障局")
_arbitration = notice_context(Arbitration, "劳动人事争议仲裁委员会", own_organ=True)

for kind, template, context in [
    (CaseDocument.Kind.LABOUR_INSPECTION_REFUSAL, "labour/inspection_refusal.html", _inspection),
    (CaseDocument.Kind.LABOUR_ORDER, "labour/order.html", _inspection),
    (CaseDocument.Kind.ARBITRATION_ACCEPTANCE, "labour/arbitration_acceptance.html", _arbitration),
    (CaseDocument.Kind.ARBITRATION_REFUSAL, "labour/arbitration_refusal.html", _arbitration),
    (CaseDocument.Kind.ARBITRATION_HEARING, "labour/arbitration_hearing.html", _arbitration),
    (CaseDocument.Kind.ARBITRATION_MEDIATION, "labour/arbitration_mediation.html", _arbitration),
    (CaseDocument.Kind.ARBITRATION_AWARD, "labour/arbitration_award.html", _arbitration),
]:
    register_renderer(kind, Renderer(template, context))
