"""Window apps add a panel to the case page without intake importing them: a panel is a
function (request, case) → HTML or None, registered from the app's AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from intake.models import Case

Panel = Callable[[HttpRequest, Case], SafeString | str | None]
PANELS: list[tuple[int, Panel]] = []


def register(order: int, panel: Panel) -> None:
    if panel not in [p for _, p in PANELS]:
        PANELS.append((order, panel))
        PANELS.sort(key=lambda item: item[0])


def render_panels(request: HttpRequest, case: Case) -> list[str]:
    return [html for _, panel in PANELS if (html := panel(request, case))]
