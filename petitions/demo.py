"""The petition window's part of seed_demo: its officer (demo account ``petition``)."""

from __future__ import annotations

from centre.demo import DemoContext, register, window_officer


@register(27)
def seed(context: DemoContext) -> None:
    window_officer(
        context,
        username="petition",
        full_name="沈立群",
        role="petition_officer",
        window="petition",
        title="信访接待员",
    )
