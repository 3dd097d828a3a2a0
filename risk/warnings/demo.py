"""The risk warnings' part of ``manage.py seed_demo``: high-risk words to look for."""

from __future__ import annotations

from centre.demo import DemoContext, register
from risk.models.warning import Level, RiskKeyword

# Threats to life and of mass or over-the-head action are high; the rest medium.
KEYWORDS = [
    ("跳楼", Level.HIGH, "以自伤相威胁"),
    ("自焚", Level.HIGH, "以自伤相威胁"),
    ("喝农药", Level.HIGH, "以自伤相威胁"),
    ("同归于尽", Level.HIGH, "以伤害他人相威胁"),
    ("上访北京", Level.HIGH, "越级上访"),
    ("进京", Level.HIGH, "越级上访"),
    ("拉横幅", Level.MEDIUM, "聚集、扩大影响"),
    ("堵路", Level.HIGH, "聚集、妨碍交通"),
    ("集体讨薪", Level.MEDIUM, "群体性讨薪"),
    ("媒体曝光", Level.MEDIUM, "扩大影响"),
]


@register(95)
def seed_keywords(ctx: DemoContext) -> None:
    for word, level, note in KEYWORDS:
        RiskKeyword.objects.get_or_create(word=word, defaults={"level": level, "note": note})
    ctx.write(f"  高危词语{len(KEYWORDS)}个")
