"""Which page a number in a message opens: a case's by default. An app whose numbers
carry their own prefix (incident command's ``SJ…``) registers its page when it is ready,
so that centre never imports it."""

from __future__ import annotations

from django.urls import reverse

# prefix → URL name taking the number
NUMBER_PAGES: dict[str, str] = {}


def number_url(number: str) -> str:
    for prefix, url_name in NUMBER_PAGES.items():
        if number.startswith(prefix):
            return reverse(url_name, args=[number])
    return reverse("intake:case", args=[number])
