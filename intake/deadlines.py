"""The statutory clocks shown on a case (``deadlines`` in the case API). Window apps that
run a clock (mediation, judicial confirmation …) register a provider from AppConfig.ready();
the clocks issue replaces this with one engine in centre."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from intake.models import Case

Provider = Callable[[Case], list[dict[str, Any]]]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def for_case(case: Case) -> list[dict[str, Any]]:
    """Each clock: ``rule``, ``label``, ``started``, ``due``, ``days_left``,
    ``provisional``, ``stopped``."""
    return [clock for provider in PROVIDERS for clock in provider(case)]
