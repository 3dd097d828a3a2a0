"""Rates that the case list can drill into without intake importing the app that counts
them: a rate's drill-down lists the cases of its denominator and marks those its numerator
counts, so that a leader can check a "1 / 2" case by case. The dashboard (risk) registers
its rates from its AppConfig.ready(), as windows register their panels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists
from django.utils.functional import Promise


@dataclass(frozen=True)
class Share:
    key: str
    label: str | Promise  # 调解成功率
    denominator: str | Promise  # 调解已结束（达成协议或调解不成）的案件
    numerator: str | Promise  # 达成调解协议
    # Conditions on a case (an ``Exists`` with ``OuterRef("pk")``), built per query.
    within: Callable[[], Exists]
    counted: Callable[[], Exists]


SHARES: dict[str, Share] = {}


def register(share: Share) -> None:
    SHARES[share.key] = share


def get(key: str) -> Share | None:
    return SHARES.get(key)
