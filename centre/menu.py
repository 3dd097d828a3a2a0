"""The navigation bar's entries, each declared by the app whose page it opens (in its
``AppConfig.ready``), so centre names no other app's URLs or permissions (issue 24)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MenuEntry:
    order: int  # place in the bar, smallest first; the apps agree on these numbers
    perms: tuple[str, ...]  # any one of them shows the entry
    label: Any  # a lazy translation
    url_name: str


_ENTRIES: dict[str, MenuEntry] = {}


def menu_register(*, order: int, perms: str | tuple[str, ...], label: Any, url_name: str) -> None:
    """Keyed by URL name, so a second ``ready()`` (tests) replaces rather than repeats."""
    perms = (perms,) if isinstance(perms, str) else tuple(perms)
    _ENTRIES[url_name] = MenuEntry(order, perms, label, url_name)


def menu_entries() -> list[MenuEntry]:
    return sorted(_ENTRIES.values(), key=lambda entry: entry.order)
