"""精准分流: which window (and, for disputes, which kind of mediation organisation) a
matter goes to. Administrators' rules first; the centre's standing division of labour
(DESIGN.md) when no rule matches."""

from __future__ import annotations

from dataclasses import dataclass

from centre import refcache
from centre.models import Category, Window
from centre.selectors import window_list
from intake.models import Case, TriageRule

# Disputes go to mediation first; complaints to petition reception; consultations to
# legal services; labour matters to labour; challenges to administrative acts to review.
DEFAULT_WINDOW = {
    Case.Nature.DISPUTE: Window.Code.MEDIATION,
    Case.Nature.PETITION: Window.Code.PETITION,
    Case.Nature.CONSULTATION: Window.Code.LEGAL_AID,
    Case.Nature.LABOUR: Window.Code.LABOUR,
    Case.Nature.ADMINISTRATIVE: Window.Code.REVIEW,
    Case.Nature.LEGAL_AID: Window.Code.LEGAL_AID,
}


@dataclass(frozen=True)
class Suggestion:
    window: Window
    mediation_kind: str
    rule: TriageRule | None

    @property
    def reason(self) -> str:
        return self.rule.note if self.rule and self.rule.note else ""


def suggest(*, nature: str, category: Category | None) -> Suggestion:
    """The most specific active rule: this category, then its parent, then any category."""
    specific = [c for c in (category.pk, category.parent_id) if c] if category else []
    rules = refcache.get(("triage-rules", nature), lambda: _active_rules(nature))
    for key in [*specific, None]:
        if key in rules:
            rule = rules[key]
            return Suggestion(rule.window, rule.mediation_kind, rule)
    code = DEFAULT_WINDOW[nature]
    window = next(w for w in window_list() if w.code == code)
    kind = TriageRule.MediationKind.PEOPLE if nature == Case.Nature.DISPUTE else ""
    return Suggestion(window, kind, None)


def _active_rules(nature: str) -> dict[int | None, TriageRule]:
    """The active rules for ``nature`` by category (None: any category). A handful per
    nature, read on every registration: kept by centre.refcache."""
    return {
        rule.category_id: rule
        for rule in TriageRule.objects.filter(nature=nature, active=True).select_related("window")
    }
