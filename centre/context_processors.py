"""The navigation bar: what the signed-in user may open."""

from __future__ import annotations

from django.urls import reverse

from centre import selectors
from centre.menu import menu_entries


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    items = [
        {"label": entry.label, "url": reverse(entry.url_name), "active": False}
        for entry in menu_entries()
        if any(user.has_perm(p) for p in entry.perms)
    ]
    # The deepest page the path is under is the active one (/intake/cases/… is not /intake/).
    matching = [item for item in items if path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items, "nav_admin": user.is_staff, "unread": selectors.unread_count(user)}
