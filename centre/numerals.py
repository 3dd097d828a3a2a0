"""Dates and places as a court document writes them.

A judgment's or ruling's date below the judge's name is written in Chinese numerals
(二〇二六年十二月五日), the year digit by digit with 〇 for zero (《人民法院民事裁判文书
制作规范》, 落款); dates in the body stay 2026年12月5日 (``centre.periods.date_text``).

The province of a county comes from the first two digits of its administrative division
code (GB/T 2260): 33 → 浙江省. The table is python-stdnum's, the one the ID number checks
(``intake.identity``) read, so the names are kept in one place.
"""

from __future__ import annotations

import functools
from datetime import date

from stdnum import numdb

_DIGITS = "〇一二三四五六七八九"


def _number(n: int) -> str:
    """1–31 in Chinese numerals: 十, 十五, 二十, 二十一, 三十一."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[units] if units else "")


def date_in_numerals(day: date) -> str:
    """二〇二六年十二月五日."""
    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_number(day.month)}月{_number(day.day)}日"


@functools.lru_cache(maxsize=64)
def province_name(division_code: str) -> str:
    """The province (or municipality, autonomous region) of a division code, by its
    first two digits: '330523' → '浙江省'; '' when the code is unknown."""
    prefix = division_code[:2]
    if len(prefix) != 2 or not prefix.isdigit():
        return ""
    return dict(numdb.get("cn/loc").info(prefix + "0000")[0][1]).get("province", "")
