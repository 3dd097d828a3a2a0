"""Counting periods around the 2026 Spring Festival and National Day holidays and their
调休 weekend working days, in natural days and working days (LAW.md, 期间)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from centre.models import CalendarYear, Holiday
from centre.periods import calendar_changed, due_date, rule_due

pytestmark = pytest.mark.django_db
D = date.fromisoformat


@pytest.mark.parametrize(
    ("start", "days", "due", "why"),
    [
        ("2026-01-23", 30, "2026-02-24", "day 30 is 02-22 in the Spring Festival (02-15..23)"),
        ("2026-02-16", 3, "2026-02-24", "starts inside the holiday; day 3 is 02-19, a holiday"),
        ("2026-02-13", 1, "2026-02-14", "02-14 is a调休Saturday: a working day"),
        ("2026-02-23", 5, "2026-02-28", "02-28 is a调休Saturday"),
        ("2026-09-01", 30, "2026-10-08", "day 30 is 10-01, in National Day (10-01..07)"),
        ("2026-09-30", 1, "2026-10-08", "just before the holiday"),
        ("2026-10-05", 5, "2026-10-10", "10-10 is a调休Saturday"),
        ("2026-09-19", 1, "2026-09-20", "09-20 is a调休Sunday: a working day"),
        ("2026-11-20", 1, "2026-11-23", "an ordinary Saturday moves to Monday"),
    ],
)
def test_natural_days(start, days, due, why):
    result = due_date(D(start), days)
    assert result.date == D(due), why
    assert result.provisional is False


@pytest.mark.parametrize(
    ("start", "days", "due", "why"),
    [
        ("2026-02-10", 5, "2026-02-24", "11,12,13, the调休14th, then 24 after the holiday"),
        ("2026-02-17", 3, "2026-02-26", "starts inside the Spring Festival"),
        ("2026-02-24", 4, "2026-02-28", "the调休Saturday 02-28 counts"),
        ("2026-09-18", 3, "2026-09-22", "the调休Sunday 09-20 counts"),
        ("2026-09-30", 5, "2026-10-13", "10-08, 10-09, the调休10-10, 10-12, 10-13"),
        ("2026-10-01", 1, "2026-10-08", "starts inside National Day"),
    ],
)
def test_working_days(start, days, due, why):
    assert due_date(D(start), days, "working").date == D(due), why


def test_beyond_the_calendar_counts_weekends_and_is_provisional():
    result = due_date(D("2026-12-20"), 30)
    assert result.date == D("2027-01-19") and result.provisional
    assert due_date(D("2027-03-01"), 5, "working").provisional


def test_an_entered_year_makes_dates_final(tmp_path):
    notice = tmp_path / "2027.txt"
    notice.write_text(
        "# 2027示例\n2027-01-01,holiday,元旦\n2027-02-06~2027-02-12,holiday,春节\n"
        "2027-02-14,workday,春节\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_holidays", "2027", str(notice), "--source", "示例通知", stdout=out)
    assert "法定节假日8天，调休上班1天" in out.getvalue()
    assert CalendarYear.objects.filter(year=2027).exists()
    # Day 2 is 02-07, in the entered holiday; 02-13 is an ordinary Saturday; 02-14 is the
    # entered 调休 Sunday, a working day.
    result = due_date(D("2027-02-05"), 2)
    assert result.provisional is False
    assert result.date == D("2027-02-14")


def test_import_refuses_a_bad_line(tmp_path):
    from django.core.management import CommandError

    notice = tmp_path / "bad.txt"
    notice.write_text("2027-13-01,holiday,元旦\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第1行"):
        call_command("import_holidays", "2027", str(notice), stdout=StringIO())
    assert not Holiday.objects.filter(day__year=2027).exists()


def test_an_administrators_new_holiday_counts_at_once():
    assert due_date(D("2026-12-28"), 2).date == D("2026-12-30")
    Holiday.objects.create(day=D("2026-12-30"), kind="holiday", name="示例")
    calendar_changed()
    assert due_date(D("2026-12-28"), 2).date == D("2026-12-31")


def test_the_calculator_api(clerk):
    api = APIClient()
    api.force_authenticate(clerk)
    body = api.get(
        "/api/v1/deadlines/calculate/", {"rule": "review_accept", "start": "2026-09-30"}
    ).json()
    assert body == {
        "rule": "review_accept",
        "start": "2026-09-30",
        "due": "2026-10-13",
        "unit": "working",
        "days": 5,
        "provisional": False,
    }
    late = api.get(
        "/api/v1/deadlines/calculate/", {"rule": "mediation_people", "start": "2026-12-20"}
    ).json()
    assert late["provisional"] is True
    bad = api.get("/api/v1/deadlines/calculate/", {"rule": "nope", "start": "20261301"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"rule", "start"}


def test_rules_are_seeded_from_law_md_with_their_sources():
    from centre.models import DeadlineRule

    rule = DeadlineRule.objects.get(code="confirmation_decide")
    assert (rule.length, rule.unit, rule.extension_length, rule.extension_cap) == (
        15,
        "natural",
        10,
        30,
    )
    assert "第187条" in rule.source
    assert DeadlineRule.objects.get(code="labour_inspection_close").unit == "working"


def _holidays_2026():
    """Each 2026 public holiday's first day (a rest day that is not a plain weekend),
    and each make-up working day (调休上班) on a weekend, from chinese_calendar."""
    import chinese_calendar

    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    firsts = [
        d
        for d in days
        if chinese_calendar.is_holiday(d)
        and chinese_calendar.get_holiday_detail(d)[1] is not None
        and not chinese_calendar.is_holiday(d - timedelta(days=1))
    ]
    makeups = [d for d in days if d.weekday() >= 5 and chinese_calendar.is_workday(d)]
    return firsts, makeups


HOLIDAY_FIRSTS, MAKEUP_DAYS = _holidays_2026()


def _binding_rule():
    """A rule whose cap always binds after an extension: 20 + 20 days, at most 30."""
    from centre.models import DeadlineRule

    return DeadlineRule(
        code="cap_test",
        length=20,
        unit="natural",
        extension_length=20,
        extension_unit="natural",
        extension_cap=30,
    )


def test_2026_has_its_seven_holidays_and_make_up_days():
    # 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆
    assert len(HOLIDAY_FIRSTS) == 7 and len(MAKEUP_DAYS) >= 5


@pytest.mark.parametrize("holiday", HOLIDAY_FIRSTS, ids=str)
def test_a_cap_ending_on_a_holiday_ends_on_the_next_working_day(holiday):
    """民事诉讼法 第85条: the cap of the special procedure is a period like any other."""
    import chinese_calendar

    start = holiday - timedelta(days=30)
    uncapped = rule_due(_binding_rule(), start).date
    capped = rule_due(_binding_rule(), start, extended=20).date
    expected = holiday
    while not chinese_calendar.is_workday(expected):
        expected += timedelta(days=1)
    assert capped == expected > holiday
    assert uncapped < capped < due_date(start, 40).date  # the cap binds here


@pytest.mark.parametrize("makeup", MAKEUP_DAYS, ids=str)
def test_a_cap_ending_on_a_make_up_working_day_ends_that_day(makeup):
    start = makeup - timedelta(days=30)
    assert rule_due(_binding_rule(), start, extended=20).date == makeup


def test_the_court_s_review_accepted_on_7_september_and_extended_ends_after_national_day():
    from centre.models import DeadlineRule

    rule = DeadlineRule.objects.get(code="confirmation_decide")
    due = rule_due(rule, date(2026, 9, 7), extended=10).date
    assert due == date(2026, 10, 8)  # not 10-07, inside the holiday


def test_the_statutory_holidays_of_a_year_not_yet_published():
    """《全国年节及纪念日放假办法》: 元旦, 春节 (除夕–初三), 清明, 劳动节 1–2 May, 端午, 中秋,
    国庆 1–3 October — the lunar ones and the solar term computed."""
    from centre.periods import statutory_holidays

    assert statutory_holidays(2027) == {
        D("2027-01-01"),
        D("2027-02-05"),  # 除夕
        D("2027-02-06"),  # 春节
        D("2027-02-07"),
        D("2027-02-08"),
        D("2027-04-05"),  # 清明
        D("2027-05-01"),
        D("2027-05-02"),
        D("2027-06-09"),  # 端午
        D("2027-09-15"),  # 中秋
        D("2027-10-01"),
        D("2027-10-02"),
        D("2027-10-03"),
    }
    # The same rule gives 2026's published holidays (chinese_calendar's table).
    import chinese_calendar

    for day in statutory_holidays(2026):
        assert chinese_calendar.is_holiday(day), day


@pytest.mark.parametrize(
    ("start", "days", "unit", "due"),
    [
        ("2026-12-02", 30, "natural", "2027-01-04"),  # day 30 is 元旦 (Fri): next Monday
        ("2027-02-01", 4, "natural", "2027-02-09"),  # 02-05 除夕 … 02-08 初三
        ("2027-02-04", 1, "working", "2027-02-09"),
        ("2027-04-04", 1, "natural", "2027-04-06"),  # 清明, a Monday
        ("2027-06-08", 1, "working", "2027-06-10"),  # 端午 (Wed)
        ("2027-09-14", 1, "natural", "2027-09-16"),  # 中秋 (Wed)
        ("2027-09-30", 1, "working", "2027-10-04"),  # 国庆 1–3 October
    ],
)
def test_a_provisional_year_rests_on_its_statutory_holidays(start, days, unit, due):
    result = due_date(D(start), days, unit)
    assert (result.date, result.provisional) == (D(due), True)


@pytest.mark.django_db
def test_the_delegated_mediation_period_cites_the_rules_on_specially_invited_mediation():
    """法释〔2016〕14号 is 《最高人民法院关于人民法院特邀调解的规定》; the 2016 opinion on
    diversified dispute resolution is 法发〔2016〕14号 and is not this rule's source."""
    from centre.models import DeadlineRule

    source = DeadlineRule.objects.get(code="mediation_court_delegated").source
    assert "《最高人民法院关于人民法院特邀调解的规定》（法释〔2016〕14号）" in source
    assert "多元化纠纷解决机制改革" not in source
