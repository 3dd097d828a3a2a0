"""The review window's documents (《行政复议法》2023): 受理通知书 (第30条), 不予受理决定书
(第30条), 行政复议调解书 (第73条), 行政复议决定书 (第75条)."""

from __future__ import annotations

from intake.documents import Renderer, register_renderer
from intake.models import CaseDocument
from intake.processes import notice_context
from review.models import AdministrativeReview

_context = notice_context(AdministrativeReview, "行政复议局")

for kind, template in [
    (CaseDocument.Kind.REVIEW_ACCEPTANCE, "review/acceptance.html"),
    (CaseDocument.Kind.REVIEW_REFUSAL, "review/refusal.html"),
    (CaseDocument.Kind.REVIEW_MEDIATION, "review/mediation.html"),
    (CaseDocument.Kind.REVIEW_DECISION, "review/decision.html"),
]:
    register_renderer(kind, Renderer(template, _context))
