"""The petition window's documents (《信访工作条例》2022): 受理告知书, 不予受理告知书
(第31条), 处理意见书 (第34条), 复查意见书 (第35条), 复核意见书 (第36条)."""

from __future__ import annotations

from intake.documents import Renderer, register_renderer
from intake.models import CaseDocument
from intake.processes import notice_context
from petitions.models import Petition

_context = notice_context(Petition, "信访局")

for kind, template in [
    (CaseDocument.Kind.PETITION_ACCEPTANCE, "petitions/acceptance.html"),
    (CaseDocument.Kind.PETITION_DECLINED, "petitions/declined.html"),
    (CaseDocument.Kind.PETITION_OPINION, "petitions/opinion.html"),
    (CaseDocument.Kind.PETITION_REVIEW_OPINION, "petitions/review_opinion.html"),
    (CaseDocument.Kind.PETITION_RECHECK_OPINION, "petitions/recheck_opinion.html"),
]:
    register_renderer(kind, Renderer(template, _context))
