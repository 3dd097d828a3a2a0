"""Timeline notes that the system writes, in each reader's language.

The note is stored twice: as Chinese text in ``CaseEvent.note`` (the record as written,
what exports and older code read) and as its message and values in ``data["note"]``, from
which the case page and the API render it again in the reader's language. Values are
kept by kind: a translatable word (a lazy gettext string) by its Chinese message, a date
by its ISO form, a reference object (a deadline rule, a court) by both its names, anything
else (a reason, a person's name) as typed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from centre.names import pick


def _encode(value: Any) -> Any:
    if isinstance(value, Promise):
        with translation.override("zh-hans"):
            return {"msg": str(value)}
    if isinstance(value, datetime):
        return {"datetime": timezone.localtime(value).isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if hasattr(value, "name") and not isinstance(value, str):
        return {"name": value.name, "name_en": getattr(value, "name_en", "")}
    if isinstance(value, int):
        return value
    return str(value)


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "msg" in value:
        return gettext(value["msg"])
    if "datetime" in value:
        return formats.date_format(datetime.fromisoformat(value["datetime"]), "DATETIME_FORMAT")
    if "date" in value:
        return formats.date_format(date.fromisoformat(value["date"]), "DATE_FORMAT")
    return pick(value.get("name", ""), value.get("name_en", ""))


def _render(message: str, params: dict[str, Any]) -> str:
    return gettext(message) % {key: _decode(value) for key, value in params.items()}


def event_note(
    message: str, params: dict[str, Any] | None = None, *, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``note`` and ``data`` for ``CaseEvent.objects.create``. ``message`` is the Chinese
    message, marked with ``gettext_noop`` so that it is extracted for translation."""
    stored = {key: _encode(value) for key, value in (params or {}).items()}
    with translation.override("zh-hans"):
        note = _render(message, stored)
    return {"note": note, "data": {**(data or {}), "note": {"msg": message, "params": stored}}}


def note_text(note: str, data: Any) -> str:
    """The note in the active language, when it was written through ``event_note``."""
    kept = data.get("note") if isinstance(data, dict) else None
    if not isinstance(kept, dict) or "msg" not in kept:
        return note
    try:
        return _render(kept["msg"], kept.get("params") or {})
    except (KeyError, TypeError, ValueError):
        return note  # a message changed since the row was written: the record as written
