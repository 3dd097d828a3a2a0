"""The clocks scan in set-based SQL (PostgreSQL) writes the very messages the Python path
(the SQLite demo's) writes — same recipients, names, texts, dates and dedupe keys — and
keeps each message once when the scans repeat, run side by side, or follow the other path."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, transaction
from django.utils import translation

from centre import clocks
from centre.models import Clock, County, DeadlineRule, Notification
from centre.tests.factories import CountyFactory, UserFactory

D = date.fromisoformat
# Scans on these days, in turn: nothing due, the 3-day reminders, the same again, the
# 1-day ones (across the month's end), escalations, and a later day with more overdue.
DAYS = ["2026-11-25", "2026-11-28", "2026-11-28", "2026-11-30", "2026-12-03", "2026-12-09"]


def _clock(county, assignee, rule, start, n, **fields):
    clock = clocks.clock_start(
        rule_code=rule,
        county=county,
        case_number=f"{county.code}-2026-{n:06d}",
        subject="sql",
        subject_id=n,
        start=D(start),
        assignee=assignee,
    )
    if fields:
        Clock.objects.filter(pk=clock.pk).update(**fields)
    return clock


@pytest.fixture
def clocks_of_two_counties(county):
    """Clocks of several rules and due dates, in two counties, with assignees and
    supervisors whose names are full, partial, padded or empty (the username then)."""
    other = CountyFactory(code="330522", name="长兴县")
    mediator = UserFactory(username="m1", first_name="陈", last_name="建国", roles=["mediator"])
    nameless = UserFactory(username="m2", first_name="", roles=["mediator"])
    padded = UserFactory(username="m3", first_name="\u3000", last_name="李 ", roles=["mediator"])
    UserFactory(username="s1", first_name="王", roles=["supervisor"], roles__county=county)
    UserFactory(username="s2", first_name="", roles=["supervisor"], roles__county=county)
    UserFactory(username="s3", first_name="赵", roles=["supervisor"], roles__county=other)
    UserFactory(username="s4", roles=["supervisor"], roles__county=county, is_active=False)
    # Characters that would break naive SQL or %-formatting, in a rule's name and source.
    DeadlineRule.objects.filter(code="mediation_people").update(
        name="人民调解期限 100% 'a' \"b\" \\c %(x)s", source="《人民调解法》第33条；%s"
    )
    n = 0
    for place in (county, other):
        for assignee in (mediator, nameless, padded, None):
            for rule, start in (
                ("mediation_people", "2026-11-01"),  # due 12-01 (30 days)
                ("mediation_people", "2026-10-30"),  # due 11-29
                ("mediation_people", "2026-11-03"),  # due 12-03
                ("labour_inspection_accept", "2026-11-24"),  # working days
                ("petition_notice", "2026-11-10"),  # due 11-25
            ):
                n += 1
                _clock(place, assignee, rule, start, n)
    # Running clocks in states the scan must respect, and clocks it must leave alone.
    _clock(county, mediator, "mediation_people", "2026-10-31", 90, reminded_offset=1)
    _clock(county, mediator, "mediation_people", "2026-11-01", 91, reminded_offset=3)
    # A due date resting on a year whose holidays are not yet published.
    _clock(county, mediator, "mediation_people", "2026-11-02", 95, provisional=True)
    _clock(county, mediator, "mediation_people", "2026-10-20", 92, paused_at=D("2026-11-01"))
    _clock(county, mediator, "mediation_people", "2026-10-21", 93, unlimited=True)
    stopped = _clock(county, mediator, "mediation_people", "2026-10-22", 94)
    clocks.clock_stop(subject="sql", subject_id=stopped.subject_id)
    return County.objects.all()


def _outcome(results):
    """What the scans did: their counts, every message, and the clocks' marks."""
    messages = []
    for row in Notification.objects.order_by("dedupe_key").values():
        assert row["created_at"] == row["sent_at"]  # in-app: delivered by being stored
        for name in ("id", "created_at", "sent_at"):
            del row[name]
        messages.append(row)
    marks = [
        (pk, offset, since, escalated is not None)
        for pk, offset, since, escalated in Clock.objects.order_by("pk").values_list(
            "pk", "reminded_offset", "overdue_since", "escalated_at"
        )
    ]
    return results, messages, marks


def _run(scan, days=DAYS):
    """``scan`` on each day, then everything it wrote undone: each path starts alike."""
    savepoint = transaction.savepoint()
    try:
        return _outcome([scan(D(day)) for day in days])
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_sql_writes_the_messages_the_python_path_writes(clocks_of_two_counties, language):
    with translation.override(language):
        python = _run(clocks._scan_python)
        sql = _run(clocks._scan_sql)
    results, messages, _marks = python
    assert sum(r["reminded"] for r in results) > 20 and sum(r["escalated"] for r in results) > 20
    assert {m["case_number"][:6] for m in messages} == {"330522", "330523"}
    assert sql == python


@pytest.mark.django_db
def test_the_texts_read_as_before(clocks_of_two_counties):
    _results, messages, _marks = _run(clocks._scan_sql)
    by_key = {m["dedupe_key"]: m for m in messages}
    clock = Clock.objects.get(subject_id=1)  # 330523, 陈建国, due 2026-12-01
    remind = by_key[f"clock:{clock.pk}:remind:1:{clock.due_on:%Y%m%d}"]
    assert remind["recipient_name"] == "陈 建国"
    assert (
        remind["subject"] == f"期限提醒：{clock.case_number} 人民调解期限 100% 'a' \"b\" \\c %(x)s"
    )
    assert remind["body"] == (
        "将于2026年12月1日届满（含当日，还剩1日）。依据：《人民调解法》第33条；%s"
    )
    names = {m["recipient_name"] for m in messages}
    assert {"m2", "李", "王", "s2", "赵"} <= names and "s4" not in names
    provisional = Clock.objects.get(subject_id=95)  # due 2026-12-02, 暂定
    remind = by_key[f"clock:{provisional.pk}:remind:3:{provisional.due_on:%Y%m%d}"]
    # Reminded on 11-30, three days ahead.
    assert remind["body"].startswith("将于2026年12月2日（暂定）届满（含当日，还剩2日）。")
    escalate = [m for m in messages if m["dedupe_key"].startswith(f"clock:{clock.pk}:escalate:")]
    assert sorted(m["recipient_name"] for m in escalate) == ["s2", "王"]  # its county's only
    assert escalate[0]["body"].startswith("已于2026年12月1日届满，超期2日。")  # escalated on 12-03


@pytest.mark.django_db
def test_a_scan_after_the_python_path_died_before_marking_writes_nothing_twice(
    clocks_of_two_counties,
):
    """The Python path writes the messages, then marks the clocks: killed in between (or
    upgraded then), the SQL scan marks them and sends nothing again."""
    first = clocks._scan_python(D("2026-12-03"))
    written = Notification.objects.count()
    Clock.objects.update(reminded_offset=None, escalated_at=None, overdue_since=None)
    assert clocks._scan_sql(D("2026-12-03")) == {"reminded": 0, "escalated": 0}
    assert Notification.objects.count() == written and first["escalated"] > 0
    assert not Clock.objects.filter(
        stopped_at__isnull=True,
        paused_at__isnull=True,
        unlimited=False,
        due_on__lt=D("2026-12-03"),
        escalated_at__isnull=True,
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_two_scans_in_small_batches_at_once_send_each_message_once(county, settings):
    """Side by side, each scan — itself on three connections — takes the batches the
    others do not hold (SKIP LOCKED): between them every clock is marked and has its
    messages once."""
    settings.CLOCK_SCAN_BATCH = 7
    settings.CLOCK_SCAN_CONNECTIONS = 3
    mediator = UserFactory(username="m1", roles=["mediator"])
    UserFactory(username="s1", roles=["supervisor"], roles__county=county)
    UserFactory(username="s2", roles=["supervisor"], roles__county=county)
    for i in range(150):  # due 11-26 (overdue), 12-01 (1 day), 12-03 (3 days)
        start = ("2026-10-27", "2026-11-01", "2026-11-03")[i % 3]
        _clock(county, mediator, "mediation_people", start, i + 1)
    barrier = threading.Barrier(2)

    def scan(_):
        try:
            barrier.wait(timeout=10)
            return clocks.clocks_scan(today=D("2026-11-30"))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(scan, range(2)))
    assert sum(r["reminded"] for r in results) == 100
    assert sum(r["escalated"] for r in results) == 100  # 50 overdue × 2 supervisors
    assert Notification.objects.count() == 200
    assert Notification.objects.values("dedupe_key").distinct().count() == 200
    assert Clock.objects.filter(escalated_at__isnull=False).count() == 50
    assert Clock.objects.filter(reminded_offset__isnull=False).count() == 100
    # Due tomorrow: the 1-day reminder only, whichever connection got there first.
    assert Notification.objects.filter(dedupe_key__contains=":remind:1:").count() == 50
    assert Notification.objects.filter(dedupe_key__contains=":remind:3:").count() == 50
    assert clocks.clocks_scan(today=D("2026-11-30")) == {"reminded": 0, "escalated": 0}


def test_the_whitespace_is_what_str_strip_removes():
    stripped = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert stripped == clocks.WHITESPACE
