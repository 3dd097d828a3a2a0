"""What a mediator's record (the admin's mediator page, where the grade is set) shows
beside the grade for its review: figures of apps above mediation (the satisfaction
figures of feedback) registered here, so mediation never imports them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RECORD_FIGURES: list[Callable[[Any], list[tuple[str, str]]]] = []


def record_figures_register(source: Callable[[Any], list[tuple[str, str]]]) -> None:
    if source not in RECORD_FIGURES:
        RECORD_FIGURES.append(source)


def record_figures(mediator: Any) -> list[tuple[str, str]]:
    """(label, value) lines for the mediator's record."""
    return [line for source in RECORD_FIGURES for line in source(mediator)]
