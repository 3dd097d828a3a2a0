"""Reference data in the reader's language: a window, category, region or deadline rule
has a Chinese ``name`` and, kept by the administrators, an optional ``name_en``.

The one rule lives here: English pages (and the API with ``Accept-Language: en``) show
``name_en`` when it is set, everything else shows the Chinese name. Templates use the
``ref_name`` filter (centre_tags); rows read as values pass both columns to ``pick``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def pick(name: str, name_en: str | None = "") -> str:
    """``name_en`` on an English page when an administrator has set it, else ``name``."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


def ref_name(obj: Any) -> str:
    """The name of a reference object (Window, Category, Region, DeadlineRule) to show."""
    if obj is None:
        return ""
    return pick(obj.name, getattr(obj, "name_en", ""))
