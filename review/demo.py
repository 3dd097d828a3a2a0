"""The review window's part of seed_demo: its officer (demo account ``reviewer``)."""

from __future__ import annotations

from centre.demo import DemoContext, register, window_officer


@register(27)
def seed(context: DemoContext) -> None:
    window_officer(
        context,
        username="reviewer",
        full_name="韩静",
        role="review_officer",
        window="review",
        title="行政复议人员",
    )
