"""The warning rules: each fires on a crafted pattern and stays quiet on normal data;
rescans never duplicate; leaders are told once."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from centre.models import Category, Clock, DeadlineRule, Notification, Window
from centre.tests.factories import CategoryFactory, CountyFactory, RegionFactory, UserFactory
from intake import workflow
from intake.models import Case, CaseParty, Party
from intake.tests.factories import reference_data, register
from mediation.models import Mediation, Participant
from mediation.tests.factories import mediator as make_mediator
from mediation.tests.factories import organisation as make_organisation
from petitions.models import Petition
from risk.models.warning import RiskKeyword, RiskWarning, ScanState, WarningRule
from risk.warnings.services import acknowledge, handle, rules_ensure, scan_risks
from risk.warnings.tasks import scan_risks as scan_task

_seq = itertools.count(1)


@pytest.fixture
def ref(county):
    # The rules are seeded by a migration; a transactional test flushes them from a reused
    # test database, so tuning one here first makes sure they exist.
    rules_ensure()
    data = reference_data(county)
    data["wages"] = CategoryFactory(code="06", name="拖欠工资")
    data["wages_child"] = CategoryFactory(code="0601", name="农民工欠薪", parent=data["wages"])
    return data


@pytest.fixture
def registrar(make_user):
    return make_user("clerk", "registrar")


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_cases(
    ref,
    registrar,
    n: int,
    when: datetime,
    *,
    category: Category | None = None,
    region=None,
    state: str = Case.State.REGISTERED,
    window: Window | None = None,
    summary: str = "邻居加建围墙占用通道",
    description: str = "",
    applicant: Party | None = None,
    respondent: Party | None = None,
    county=None,
) -> list[Case]:
    """``n`` cases registered at ``when`` (bulk, as the rules read them: no service)."""
    county = county or ref["county"]
    cases = []
    for _ in range(n):
        seq = next(_seq)
        cases.append(
            Case(
                county=county,
                number=f"{county.code}-{when.year}-{seq:06d}",
                year=when.year,
                sequence=seq,
                state=state,
                channel=Case.Channel.WALK_IN,
                nature=Case.Nature.DISPUTE,
                category=category or ref["category"],
                region=region or ref["village"],
                summary=summary,
                description=description,
                registered_by=registrar,
                registered_at=when,
                window=window,
            )
        )
    Case.objects.bulk_create(cases)
    links = []
    for case in cases:
        if applicant:
            links.append(CaseParty(case=case, party=applicant, role="applicant"))
        if respondent:
            links.append(CaseParty(case=case, party=respondent, role="respondent", order=1))
    CaseParty.objects.bulk_create(links)
    return cases


def party(ref, name: str, kind: str = Party.Kind.PERSON) -> Party:
    return Party.objects.create(county=ref["county"], kind=kind, name=name)


def warnings(kind: str | None = None):
    qs = RiskWarning.objects.all()
    return qs.filter(kind=kind) if kind else qs


# --- Surge ---------------------------------------------------------------------------------


def weekly(ref, registrar, today: date, weeks_ago: int, n: int, category) -> None:
    """``n`` cases in week ``weeks_ago`` before ``today`` (0 = the last 7 days)."""
    if n:
        make_cases(
            ref, registrar, n, at(today - timedelta(days=7 * weeks_ago + 3)), category=category
        )


def season(
    ref, registrar, today: date, *, wages_now: int, wages_before: int, wages_then: int, shift=0
):
    """Neighbour disputes steady at 5 a week; wage arrears ``wages_before`` a week over the
    last 8 weeks, ``wages_now`` in the last 7 days, and in each of the three years before
    ``wages_then`` in the same week (``shift`` weeks later: the festival moves) and 3 in
    the weeks around it."""
    history = [*range(1, 9), *(52 * k + d for k in (1, 2, 3) for d in range(-2, 3))]
    for w in [0, *history]:
        weekly(ref, registrar, today, w, 5, ref["category"])
    weekly(ref, registrar, today, 0, wages_now, ref["wages_child"])
    for w in range(1, 9):
        weekly(ref, registrar, today, w, wages_before, ref["wages_child"])
    for w in history[8:]:
        peak = w % 52 == (52 - shift) % 52
        weekly(ref, registrar, today, w, wages_then if peak else 3, ref["wages_child"])


def test_surge_quiet_for_spring_festival_wage_arrears_seen_every_year(ref, registrar):
    # Late January: wage arrears jump eightfold over the autumn, as every January before.
    today = date(2026, 1, 26)
    season(ref, registrar, today, wages_now=24, wages_before=3, wages_then=22)
    scan_risks(county=ref["county"], today=today)
    assert not warnings("surge").exists()


def test_surge_quiet_when_the_festival_peak_came_two_weeks_later_in_earlier_years(ref, registrar):
    # Spring Festival 2026 is on 17 February, 2025's was on 29 January: the peak moves.
    today = date(2026, 2, 9)
    season(ref, registrar, today, wages_now=24, wages_before=3, wages_then=22, shift=2)
    scan_risks(county=ref["county"], today=today)
    assert not warnings("surge").filter(subject="surge:category:06").exists()


def test_surge_fires_for_the_same_jump_in_july(ref, registrar):
    today = date(2026, 7, 20)
    season(ref, registrar, today, wages_now=24, wages_before=3, wages_then=3)
    scan_risks(county=ref["county"], today=today)
    by_subject = {w.subject: w for w in warnings("surge")}
    wages = by_subject["surge:category:06"]
    assert wages.case_count == 24 and len(wages.case_numbers) == 24
    assert "拖欠工资" in wages.title and "24" in wages.title
    assert "往年同期最多的一周平均3.0件" in wages.detail
    assert wages.key == "surge:category:06@2026-W29"
    # The town had 29 cases against its usual 8: it fires too; neighbour disputes do not.
    assert "surge:town:330523107" in by_subject
    assert "surge:category:02" not in by_subject


def test_surge_without_seasonal_history_compares_with_recent_weeks(ref, registrar):
    today = date(2026, 7, 20)
    for w in range(1, 9):
        weekly(ref, registrar, today, w, 4, ref["wages_child"])
    weekly(ref, registrar, today, 0, 12, ref["wages_child"])
    scan_risks(county=ref["county"], today=today)
    assert warnings("surge").filter(subject="surge:category:06").exists()


def test_surge_quiet_below_minimum_and_below_ratio(ref, registrar):
    today = date(2026, 7, 20)
    for w in range(1, 9):
        weekly(ref, registrar, today, w, 8, ref["wages_child"])  # 8 a week usually
        weekly(ref, registrar, today, w, 1, ref["category"])  # 1 a week usually
    weekly(ref, registrar, today, 0, 13, ref["wages_child"])  # < 2 × 8
    weekly(ref, registrar, today, 0, 4, ref["category"])  # 4 × the usual, but < 10
    # (and the town: 17 against its usual 9, under twice)
    scan_risks(county=ref["county"], today=today)
    assert not warnings("surge").exists()


def test_surge_counts_regions_at_any_level_under_their_town(ref, registrar):
    today = date(2026, 7, 20)
    from centre.models import Region

    grid = RegionFactory(
        code="330523107201001",
        name="余村第一网格",
        county=ref["county"],
        parent=ref["village"],
        level=Region.Level.GRID,
    )
    for w in range(1, 9):
        make_cases(ref, registrar, 2, at(today - timedelta(days=7 * w + 3)), region=ref["town"])
    make_cases(ref, registrar, 6, at(today - timedelta(days=2)), region=grid)
    make_cases(ref, registrar, 6, at(today - timedelta(days=2)), region=ref["village"])
    scan_risks(county=ref["county"], today=today)
    town = warnings("surge").get(subject="surge:town:330523107")
    assert town.case_count == 12


# --- Respondent cluster --------------------------------------------------------------------


def test_respondent_cluster_fires_on_many_open_cases_against_one_company(ref, registrar):
    today = timezone.localdate()
    school = party(ref, "某某培训学校", Party.Kind.ORGANISATION)
    make_cases(ref, registrar, 5, at(today - timedelta(days=3)), respondent=school)
    other = party(ref, "李国强")
    make_cases(ref, registrar, 4, at(today - timedelta(days=3)), respondent=other)
    scan_risks(county=ref["county"])
    (warning,) = warnings("respondent_cluster")
    assert warning.subject == f"respondent:{school.pk}"
    assert warning.case_count == 5 and "某某培训学校" in warning.title
    assert warning.level == "medium"


def test_respondent_cluster_ignores_closed_and_old_cases(ref, registrar):
    today = timezone.localdate()
    developer = party(ref, "某某房地产开发公司", Party.Kind.ORGANISATION)
    make_cases(ref, registrar, 3, at(today - timedelta(days=1)), respondent=developer)
    make_cases(
        ref, registrar, 3, at(today - timedelta(days=2)), respondent=developer, state="closed"
    )
    make_cases(ref, registrar, 3, at(today - timedelta(days=45)), respondent=developer)
    scan_risks(county=ref["county"])
    assert not warnings("respondent_cluster").exists()


def test_respondent_cluster_is_high_from_the_high_count(ref, registrar):
    today = timezone.localdate()
    company = party(ref, "某某建筑公司", Party.Kind.ORGANISATION)
    make_cases(ref, registrar, 10, at(today - timedelta(days=5)), respondent=company)
    scan_risks(county=ref["county"])
    assert warnings("respondent_cluster").get().level == "high"


# --- Repeat visitor ------------------------------------------------------------------------


def test_repeat_visitor_fires_on_many_visits(ref, registrar):
    today = timezone.localdate()
    visitor = party(ref, "王建国")
    for days in (2, 20, 40, 80):
        make_cases(ref, registrar, 1, at(today - timedelta(days=days)), applicant=visitor)
    occasional = party(ref, "赵桂兰")
    for days in (2, 200, 300, 400):
        make_cases(ref, registrar, 1, at(today - timedelta(days=days)), applicant=occasional)
    scan_risks(county=ref["county"])
    (warning,) = warnings("repeat_visitor")
    assert warning.subject == f"repeat:{visitor.pk}" and warning.case_count == 4
    assert "重复访" in warning.title


def test_repeat_visitor_fires_across_windows(ref, registrar):
    today = timezone.localdate()
    visitor = party(ref, "陈海燕")
    for code in ("petition", "labour", "mediation"):
        make_cases(
            ref,
            registrar,
            1,
            at(today - timedelta(days=5)),
            applicant=visitor,
            window=Window.objects.get(code=code),
            state="triaged",
        )
    twice = party(ref, "周志明")
    for code in ("petition", "labour"):
        make_cases(
            ref,
            registrar,
            1,
            at(today - timedelta(days=5)),
            applicant=twice,
            window=Window.objects.get(code=code),
            state="triaged",
        )
    scan_risks(county=ref["county"])
    (warning,) = warnings("repeat_visitor")
    assert warning.subject == f"repeat:{visitor.pk}"
    assert "多窗口访" in warning.title and "接访服务" in warning.detail


# --- Overdue cluster -----------------------------------------------------------------------


def clocks_for(cases, due: date, **kw) -> None:
    rule = DeadlineRule.objects.get(code="mediation_people")
    Clock.objects.bulk_create(
        Clock(
            county=case.county,
            rule=rule,
            case_number=case.number,
            subject="mediation",
            subject_id=case.pk,
            started_on=due - timedelta(days=30),
            due_on=due,
            **kw,
        )
        for case in cases
    )


def test_overdue_cluster_fires_per_window(ref, registrar):
    today = timezone.localdate()
    mediation_window = Window.objects.get(code="mediation")
    labour = Window.objects.get(code="labour")
    late = make_cases(
        ref,
        registrar,
        10,
        at(today - timedelta(days=60)),
        window=mediation_window,
        state="mediating",
    )
    clocks_for(late, today - timedelta(days=2))
    fewer = make_cases(
        ref, registrar, 9, at(today - timedelta(days=60)), window=labour, state="mediating"
    )
    clocks_for(fewer, today - timedelta(days=2))
    paused = make_cases(
        ref, registrar, 5, at(today - timedelta(days=60)), window=labour, state="mediating"
    )
    clocks_for(paused, today - timedelta(days=2), paused_at=today - timedelta(days=10))
    on_time = make_cases(
        ref, registrar, 5, at(today - timedelta(days=10)), window=labour, state="mediating"
    )
    clocks_for(on_time, today + timedelta(days=5))
    scan_risks(county=ref["county"])
    (warning,) = warnings("overdue_cluster")
    assert warning.subject == "overdue:window:mediation"
    assert warning.case_count == 10 and set(warning.case_numbers) == {c.number for c in late}


def test_overdue_cluster_fires_per_mediation_organisation(ref, registrar):
    today = timezone.localdate()
    WarningRule.objects.filter(kind="overdue_cluster").update(min_count=3)
    org = make_organisation(ref["county"], "天荒坪镇人民调解委员会", kind="town")
    person = make_mediator(ref["county"], "方志强", orgs=[org])
    late = make_cases(ref, registrar, 3, at(today - timedelta(days=60)), state="mediating")
    clocks_for(late, today - timedelta(days=1))
    for case in late:
        mediation = Mediation.objects.create(
            case=case, started_by=registrar, clock_due=today - timedelta(days=1)
        )
        Participant.objects.create(
            mediation=mediation,
            organisation=org,
            mediator=person,
            is_lead=True,
            assigned_by=registrar,
        )
    scan_risks(county=ref["county"])
    warning = warnings("overdue_cluster").get(subject=f"overdue:organisation:{org.pk}")
    assert warning.case_count == 3 and "天荒坪镇人民调解委员会" in warning.title


# --- Keywords ------------------------------------------------------------------------------


@pytest.fixture
def keywords(db):
    RiskKeyword.objects.create(word="跳楼", level="high")
    RiskKeyword.objects.create(word="拉横幅", level="medium")
    RiskKeyword.objects.create(word="停用词", level="high", active=False)


def test_keyword_fires_with_the_words_level(ref, registrar, keywords):
    now = timezone.now()
    (threat,) = make_cases(
        ref,
        registrar,
        1,
        now - timedelta(hours=1),
        summary="讨要工程款",
        description="称再不给钱就跳楼",
    )
    (banner,) = make_cases(
        ref, registrar, 1, now - timedelta(hours=1), summary="业主准备拉横幅维权"
    )
    make_cases(ref, registrar, 1, now - timedelta(hours=1), summary="停用词不算")
    make_cases(ref, registrar, 3, now - timedelta(hours=1))
    scan_risks(county=ref["county"])
    found = {w.case_numbers[0]: w for w in warnings("keyword")}
    assert set(found) == {threat.number, banner.number}
    assert found[threat.number].level == "high" and "“跳楼”" in found[threat.number].title
    assert found[banner.number].level == "medium"


def test_keyword_reads_only_new_cases(ref, registrar, keywords, django_assert_max_num_queries):
    now = timezone.now()
    make_cases(ref, registrar, 1, now - timedelta(days=30), summary="上月说要跳楼")  # before
    make_cases(ref, registrar, 1, now - timedelta(hours=2), summary="扬言跳楼")
    scan_risks(county=ref["county"])
    assert warnings("keyword").count() == 1
    read_to = ScanState.objects.get(county=ref["county"]).keywords_read_to
    assert read_to is not None
    make_cases(ref, registrar, 1, timezone.now(), summary="又说要跳楼")
    summary = scan_risks(county=ref["county"])
    keyword_row = next(r for r in summary["rules"] if r["kind"] == "keyword")
    assert keyword_row["findings"] == 1  # only the new case (and the overlap's) were read
    assert warnings("keyword").count() == 2


# --- Petition risk -------------------------------------------------------------------------


def petition(ref, registrar, when: datetime, county=None, **flags) -> Case:
    """A petition case the petition window accepted at ``when`` with these flags."""
    (case,) = make_cases(
        ref,
        registrar,
        1,
        when,
        county=county,
        state=Case.State.HANDLING,
        window=Window.objects.get(code="petition"),
        summary="反映村道硬化工程拖欠",
    )
    Petition.objects.create(case=case, state="handling", created_at=when, accepted_at=when, **flags)
    return case


@pytest.mark.parametrize(
    ("flags", "level", "named"),
    [
        ({"repeat": True}, "medium", "重复信访"),
        ({"collective": True}, "high", "集体访"),
        ({"skip_level": True}, "high", "越级信访"),
        ({"repeat": True, "skip_level": True}, "high", "重复信访、越级信访"),
    ],
)
def test_petition_risk_fires_for_each_flag(ref, registrar, flags, level, named):
    case = petition(ref, registrar, timezone.now() - timedelta(days=2), **flags)
    scan_risks(county=ref["county"])
    (warning,) = warnings("petition_risk")
    assert warning.subject == f"petition:{case.pk}"
    assert warning.level == level
    assert warning.title == f"信访风险：{case.number} {named}"
    assert warning.case_numbers == [case.number] and warning.case_count == 1
    assert "办理中" in warning.detail


def test_petition_risk_quiet_for_a_plain_petition_old_ones_and_other_counties(ref, registrar):
    petition(ref, registrar, timezone.now() - timedelta(days=1))  # no flag
    petition(ref, registrar, timezone.now() - timedelta(days=40), collective=True)  # too old
    other = CountyFactory(code="330522", name="长兴县")
    petition(ref, registrar, timezone.now() - timedelta(days=1), county=other, skip_level=True)
    summary = scan_risks(county=ref["county"])
    assert next(r for r in summary["rules"] if r["kind"] == "petition_risk")["findings"] == 0
    assert not warnings("petition_risk").exists()


def test_a_declined_collective_petition_warns_and_a_rescan_does_not_repeat_it(
    ref, registrar, leader
):
    (case,) = make_cases(
        ref, registrar, 1, timezone.now(), state=Case.State.CLOSED, summary="集体讨要征地补偿"
    )
    Case.objects.filter(pk=case.pk).update(outcome=Case.Outcome.DECLINED, involved_count=23)
    Petition.objects.create(
        case=case, state="declined", collective=True, concluded_at=timezone.now()
    )
    assert scan_risks(county=ref["county"])["created"] == 1
    (warning,) = warnings("petition_risk")
    assert warning.level == "high"
    assert "涉及23人" in warning.detail and "不予受理" in warning.detail
    assert scan_risks(county=ref["county"])["created"] == 0
    handle(warning, leader, "已约见信访人代表，告知仲裁途径")
    assert scan_risks(county=ref["county"])["created"] == 0  # handled: not raised again


def test_a_petition_accepted_through_the_window_warns_the_leaders(
    ref, clerk, petition_officer, leader
):
    """The real steps: registered, triaged to the petition window, accepted as skipping
    levels; the scan raises a high warning and the county's leader is told."""
    case = register(clerk, ref, nature=Case.Nature.PETITION, summary="反映村道硬化工程拖欠")
    workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "petition"})
    workflow.fire(
        actor=petition_officer,
        number=case.number,
        name="petition_accept",
        data={"skip_level": True},
    )
    assert Case.objects.get(pk=case.pk).state == Case.State.HANDLING
    scan_risks(county=ref["county"])
    (warning,) = warnings("petition_risk")
    assert warning.level == "high" and "越级信访" in warning.title
    assert warning.case_numbers == [case.number]
    (message,) = Notification.objects.filter(recipient_user=leader)
    assert message.subject.startswith("风险预警（高）：信访风险")


# --- Dedupe, levels, notifications ---------------------------------------------------------


def test_rescan_updates_the_open_warning_instead_of_duplicating(ref, registrar):
    today = timezone.localdate()
    school = party(ref, "某某培训学校", Party.Kind.ORGANISATION)
    make_cases(ref, registrar, 5, at(today - timedelta(days=3)), respondent=school)
    first = scan_risks(county=ref["county"])
    again = scan_risks(county=ref["county"])
    assert first["created"] == 1 and again["created"] == 0 and again["updated"] == 0
    make_cases(ref, registrar, 2, at(today - timedelta(days=1)), respondent=school)
    later = scan_risks(county=ref["county"])
    assert later["created"] == 0 and later["updated"] == 1
    (warning,) = warnings("respondent_cluster")
    assert warning.case_count == 7


def test_a_handled_warning_is_not_raised_again_in_the_same_period(ref, registrar, leader):
    today = timezone.localdate()
    school = party(ref, "某某培训学校", Party.Kind.ORGANISATION)
    make_cases(ref, registrar, 5, at(today - timedelta(days=3)), respondent=school)
    scan_risks(county=ref["county"])
    handle(warnings().get(), leader, "已约谈学校负责人，制定退费方案")
    assert scan_risks(county=ref["county"])["created"] == 0
    assert warnings().count() == 1


def test_new_warnings_notify_the_countys_leaders_once(ref, registrar, leader, make_user):
    other = CountyFactory(code="330522", name="长兴县")
    UserFactory(username="elsewhere", roles=["leader"], roles__county=other)
    make_user("supervisor", "sup")
    today = timezone.localdate()
    school = party(ref, "某某培训学校", Party.Kind.ORGANISATION)
    make_cases(ref, registrar, 5, at(today - timedelta(days=3)), respondent=school)
    scan_risks()
    scan_risks()
    (message,) = Notification.objects.all()
    assert message.recipient_user == leader
    assert message.subject.startswith("风险预警（中）：群体性风险")
    assert message.status == Notification.Status.SENT


def test_disabled_rules_do_not_run(ref, registrar):
    WarningRule.objects.filter(kind="respondent_cluster").update(enabled=False)
    school = party(ref, "某某培训学校", Party.Kind.ORGANISATION)
    make_cases(ref, registrar, 6, at(timezone.localdate()), respondent=school)
    summary = scan_risks(county=ref["county"])
    assert "respondent_cluster" not in {r["kind"] for r in summary["rules"]}
    assert not warnings().exists()


def test_quiet_on_ordinary_data(ref, registrar):
    """A county's ordinary weeks: steady categories, people coming once or twice."""
    today = timezone.localdate()
    for w in range(0, 10):
        weekly(ref, registrar, today, w, 6, ref["category"])
        weekly(ref, registrar, today, w, 3, ref["wages_child"])
    for i in range(6):
        person = party(ref, f"居民{i}")
        for days in (7 * i + 2, 7 * i + 4):
            make_cases(ref, registrar, 1, at(today - timedelta(days=days)), applicant=person)
    summary = scan_risks(county=ref["county"])
    assert summary["created"] == 0, list(warnings().values_list("title", "detail"))


# --- Acknowledge and handle ----------------------------------------------------------------


@pytest.fixture
def warning(ref, registrar):
    school = party(ref, "某某培训学校", Party.Kind.ORGANISATION)
    make_cases(ref, registrar, 5, at(timezone.localdate()), respondent=school)
    scan_risks(county=ref["county"])
    return warnings().get()


def test_acknowledge_then_handle(warning, leader):
    from centre.models import AuditLog

    acknowledge(warning, leader, "已转交教育局核查")
    warning.refresh_from_db()
    assert warning.status == "acknowledged" and warning.acknowledged_by == leader
    handle(warning, leader, "学校已退费")
    warning.refresh_from_db()
    assert warning.status == "handled" and warning.handle_note == "学校已退费"
    assert AuditLog.objects.filter(object_type="risk.riskwarning").count() == 2


def test_handle_needs_a_note_and_may_skip_acknowledge(warning, supervisor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        handle(warning, supervisor, "  ")
    handle(warning, supervisor, "已化解")
    warning.refresh_from_db()
    assert warning.status == "handled" and warning.acknowledged_by == supervisor


def test_steps_out_of_order_conflict(warning, leader):
    from risk.warnings.services import WarningConflict

    handle(warning, leader, "已化解")
    with pytest.raises(WarningConflict):
        acknowledge(warning, leader)
    with pytest.raises(WarningConflict):
        handle(warning, leader, "再次处置")


def test_only_the_countys_leaders_and_supervisors_act(warning, clerk):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        acknowledge(warning, clerk)
    other = CountyFactory(code="330522", name="长兴县")
    with pytest.raises(PermissionDenied):
        acknowledge(
            warning, UserFactory(username="elsewhere", roles=["leader"], roles__county=other)
        )


# --- Entry points --------------------------------------------------------------------------


def test_command_prints_each_rule_with_its_timing(ref, registrar, capsys):
    school = party(ref, "某某培训学校", Party.Kind.ORGANISATION)
    make_cases(ref, registrar, 5, at(date(2026, 3, 9)), respondent=school)
    call_command("scan_risks", "--county", "330523", "--date", "2026-03-10")
    out = capsys.readouterr().out
    assert "扫描日期2026-03-10" in out
    assert "群体性风险" in out and "ms" in out and "共新增1条预警" in out


def test_command_rejects_a_bad_date_and_county(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("scan_risks", "--date", "2026-13-01")
    with pytest.raises(CommandError, match="999999"):
        call_command("scan_risks", "--county", "999999")


def test_task_scans(ref, registrar):
    school = party(ref, "某某培训学校", Party.Kind.ORGANISATION)
    make_cases(ref, registrar, 5, at(timezone.localdate()), respondent=school)
    result = scan_task.delay().get()
    assert result["created"] == 1
