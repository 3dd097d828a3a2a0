"""The rating part of the public progress page (intake's template includes it by name:
intake does not import feedback)."""

from __future__ import annotations

from typing import Any

from django import template

from feedback import selectors

register = template.Library()


@register.inclusion_tag("feedback/_progress_rating.html")
def progress_rating(number: str) -> dict[str, Any]:
    return selectors.progress_rating(number)
