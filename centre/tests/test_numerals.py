from datetime import date

import pytest

from centre.numerals import date_in_numerals, province_name


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 12, 5), "二〇二六年十二月五日"),
        (date(2026, 1, 10), "二〇二六年一月十日"),
        (date(2027, 10, 15), "二〇二七年十月十五日"),
        (date(2030, 11, 20), "二〇三〇年十一月二十日"),
        (date(2026, 3, 31), "二〇二六年三月三十一日"),
        (date(2026, 2, 21), "二〇二六年二月二十一日"),
    ],
)
def test_a_ruling_date_in_chinese_numerals(day, text):
    assert date_in_numerals(day) == text


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("330523", "浙江省"),
        ("110101", "北京市"),
        ("450102", "广西壮族自治区"),
        ("990000", ""),
        ("", ""),
    ],
)
def test_the_province_of_a_county_by_its_first_two_digits(code, name):
    assert province_name(code) == name
