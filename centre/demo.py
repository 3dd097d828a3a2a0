"""Demo data hooks: each app adds its own part to ``manage.py seed_demo`` without the
centre app importing it (apps register from their AppConfig.ready())."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from centre.models import County


@dataclass
class DemoContext:
    county: County
    users: dict[str, Any]  # username → user
    options: dict[str, Any]
    write: Callable[[str], None]


SEEDERS: list[tuple[int, Callable[[DemoContext], None]]] = []


def register(order: int) -> Callable[[Callable[[DemoContext], None]], Callable]:
    """``@register(10)`` on a function taking a DemoContext; lower orders run first."""

    def decorate(seeder: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        if seeder not in [s for _, s in SEEDERS]:
            SEEDERS.append((order, seeder))
            SEEDERS.sort(key=lambda item: item[0])
        return seeder

    return decorate


def window_officer(
    context: DemoContext, *, username: str, full_name: str, role: str, window: str, title: str
) -> Any:
    """A demo account seated at a window, in the department resident there."""
    from django.conf import settings

    from centre.models import Department, Window
    from centre.services import staff_create

    context.users[username] = staff_create(
        username=username,
        password=settings.DEMO_PASSWORD,
        full_name=full_name,
        roles=[role],
        county=context.county,
        department=Department.objects.filter(county=context.county, window__code=window)
        .order_by("order")
        .first(),
        window=Window.objects.filter(code=window).first(),
        title=title,
    )
    return context.users[username]
