"""The ledger (台账) export: the workbook, masking, rights, progress, download, sweep."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from centre.models import AuditLog, Clock
from centre.tests.factories import CountyFactory, RegionFactory, UserFactory
from intake.models import Case, Party
from intake.tests.factories import applicant, credit_code, reference_data, register, resident_id
from intake.tests.factories import respondent as respondent_input
from mediation.tests.factories import mediator, organisation, start
from risk.ledger import export as ledger
from risk.ledger import tasks as ledger_tasks
from risk.models import ExportJob

HEADERS = [
    "序号",
    "案件编号",
    "登记日期",
    "来源渠道",
    "纠纷类别",
    "发生地（乡镇/村社）",
    "当事人（申请人/被申请人）",
    "纠纷简要情况",
    "涉及人数",
    "涉及金额（元）",
    "风险等级/群体性/重复来访",
    "受理窗口/责任单位",
    "调解组织和调解员",
    "化解措施/当前状态",
    "化解结果",
    "办结日期",
    "办理天数",
    "是否按期",
    "备注",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path, monkeypatch):
    """Files under a temporary MEDIA_ROOT, here and in a worker process the test starts."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return root


@pytest.fixture
def ref(county):
    return reference_data(county)


@pytest.fixture
def november(time_machine):
    time_machine.move_to("2026-11-05 10:00 +08:00", tick=False)
    return time_machine


@pytest.fixture
def export(client, django_capture_on_commit_callbacks):
    """Ask for a ledger as ``user`` with the case list's filters; the job once built."""

    def run(user, **filters) -> ExportJob:
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("risk:ledger_create"), filters)
        assert response.status_code == 302, response.content[:500]
        job = ExportJob.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
        assert response.url == reverse("risk:ledger", args=[job.pk])
        return job

    return run


def sheet_rows(job: ExportJob) -> list[list]:
    sheet = load_workbook(job.file.path).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def xml_of(job: ExportJob) -> str:
    """Every XML part of the file as text: what anyone who unzips it can read."""
    with zipfile.ZipFile(job.file.path) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist())


def other_county_case(ref):
    other = CountyFactory(code="330522", name="长兴县")
    town = RegionFactory(code="330522100", name="雉城街道", county=other)
    village = RegionFactory(
        code="330522100201", name="某社区", county=other, parent=town, level="village"
    )
    clerk = UserFactory(username="changxing", roles=["clerk"], roles__county=other)
    other_ref = {"county": other, "village": village, "category": ref["category"]}
    return register(clerk, other_ref, summary="长兴县的纠纷")


# --- The workbook ------------------------------------------------------------------------


def test_the_workbook_has_the_ledger_columns_title_and_print_setup(clerk, ref, export, november):
    case = register(clerk, ref, amount="12000.50", involved_count=3)
    job = export(clerk, **{"from": "2026-11-01", "to": "2026-11-30"})
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.total == job.done == 1
    book = load_workbook(job.file.path)
    sheet = book.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "安吉县矛盾纠纷排查化解台账（2026年11月）"
    assert "A1:S1" in {str(r) for r in sheet.merged_cells.ranges}
    assert rows[1] == HEADERS
    row = dict(zip(HEADERS, rows[2], strict=True))
    assert row["序号"] == 1 and row["案件编号"] == case.number
    assert row["登记日期"].date() == timezone.localdate(case.registered_at)
    assert sheet["C3"].number_format == 'yyyy"年"m"月"d"日"'
    assert row["来源渠道"] == "来访"
    assert row["纠纷类别"] == "邻里纠纷/相邻关系"
    assert row["发生地（乡镇/村社）"] == "天荒坪镇/余村村"
    assert row["涉及人数"] == 3 and row["涉及金额（元）"] == 12000.5
    assert row["风险等级/群体性/重复来访"] == "低风险"
    assert row["化解措施/当前状态"] == "已登记"
    assert row["办理天数"] == 0
    # Frozen under the header, printed A4 landscape one page wide, the header on every page.
    assert sheet.freeze_panes == "C3"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.column_dimensions["G"].width == 42


@pytest.mark.parametrize(
    ("filters", "period"),
    [
        ({}, "截至2026年11月5日"),
        ({"from": "2026-01-01", "to": "2026-12-31"}, "2026年"),
        ({"from": "2026-10-15", "to": "2026-11-05"}, "2026年10月15日至2026年11月5日"),
        ({"from": "2026-10-15"}, "2026年10月15日起"),
    ],
)
def test_the_title_names_the_period(clerk, ref, export, november, filters, period):
    job = export(clerk, **filters)
    assert sheet_rows(job)[0][0] == f"安吉县矛盾纠纷排查化解台账（{period}）"


def test_a_city_leader_ledger_names_the_city_or_the_county_chosen(
    make_user, clerk, ref, export, november
):
    register(clerk, ref)
    other_county_case(ref)
    leader = make_user("leader", "city_leader")
    leader.staff.scope = "city"
    leader.staff.save()
    both = export(leader)
    assert sheet_rows(both)[0][0] == "湖州市矛盾纠纷排查化解台账（截至2026年11月5日）"
    assert both.total == 2
    one = export(leader, county="330522")
    assert sheet_rows(one)[0][0] == "长兴县矛盾纠纷排查化解台账（截至2026年11月5日）"
    assert one.total == 1


def test_mediators_and_time_limits_come_with_the_case(
    clerk, supervisor, ref, county, export, november, make_user, django_assert_max_num_queries
):
    org = organisation(county)
    chen = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "chen"))
    wang = mediator(county, "王芳", orgs=[org], user=make_user("mediator", "wang"), rank=3)
    late = register(clerk, ref, summary="超期的调解")
    start(late, supervisor, org, [chen, wang], lead=chen)
    timely = register(clerk, ref, summary="期限内的调解")
    start(timely, supervisor, org, [wang])
    Clock.objects.filter(case_number=late.number).update(
        overdue_since=timezone.localdate() - timedelta(days=1)
    )
    plain = register(clerk, ref, summary="未调解")

    job = export(supervisor)
    data = sheet_rows(job)[2:]
    # Oldest first (registered in the same second here: then in the order registered).
    assert [(r[0], r[1]) for r in data] == [
        (1, late.number),
        (2, timely.number),
        (3, plain.number),
    ]
    rows = {r[1]: dict(zip(HEADERS, r, strict=True)) for r in data}
    assert rows[late.number]["调解组织和调解员"] == "安吉县人民调解委员会：陈建国（主持）、王芳"
    assert rows[late.number]["化解措施/当前状态"] == "调解中"
    assert rows[late.number]["是否按期"] == "超期"
    assert rows[timely.number]["调解组织和调解员"] == "安吉县人民调解委员会：王芳（主持）"
    assert rows[timely.number]["是否按期"] == "未到期"
    assert rows[plain.number]["调解组织和调解员"] is None
    assert rows[late.number]["受理窗口/责任单位"].startswith("调解服务")


def test_related_rows_are_read_per_chunk_not_per_case(
    clerk, supervisor, ref, county, make_user, tmp_path
):
    org = organisation(county)
    chen = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "chen"))

    def queries(more: int, out: Path) -> tuple[int, int]:
        for _ in range(more):
            start(register(clerk, ref), supervisor, org, [chen])
        with CaptureQueriesContext(connection) as captured:
            count = ledger.ledger_xlsx(str(out), user=supervisor, params={})
        return count, len(captured)

    few = queries(2, tmp_path / "few.xlsx")
    many = queries(8, tmp_path / "many.xlsx")
    assert (few[0], many[0]) == (2, 10)
    assert few[1] == many[1] <= 8


# --- Personal data -----------------------------------------------------------------------


def test_no_full_id_number_phone_or_credit_code_anywhere_in_the_file(clerk, ref, export):
    id_number, code = resident_id(), credit_code()
    register(
        clerk,
        ref,
        parties=[
            applicant(id_number=id_number, phone="13957212345"),
            respondent_input(name="某竹木公司", kind=Party.Kind.ORGANISATION, credit_code=code),
        ],
    )
    job = export(clerk)
    text = xml_of(job)
    assert id_number not in text and "13957212345" not in text and code not in text
    parties = dict(zip(HEADERS, sheet_rows(job)[2], strict=True))["当事人（申请人/被申请人）"]
    assert parties == (
        f"申请人：张建华 330523********{id_number[-4:]} 139****2345\n"
        f"被申请人：某竹木公司 {code[:6]}********{code[-4:]}"
    )


def test_a_leader_gets_the_masked_ledger(leader, clerk, ref, export):
    id_number = resident_id()
    register(clerk, ref, parties=[applicant(id_number=id_number, phone="13957212345")])
    job = export(leader)
    text = xml_of(job)
    assert id_number not in text and "13957212345" not in text
    assert f"330523********{id_number[-4:]}" in text and "139****2345" in text


def test_typed_text_is_never_a_formula(clerk, ref, export):
    register(clerk, ref, summary='=HYPERLINK("http://example.invalid","点此")')
    job = export(clerk)
    cell = load_workbook(job.file.path).active["H3"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_control_characters_stored_before_they_were_refused_still_make_a_ledger(clerk, ref, export):
    case = register(clerk, ref)
    Case.objects.filter(pk=case.pk).update(summary="围墙\x1b[31m纠纷\x07\u202e")
    Party.objects.filter(case_parties__case=case).update(name="张\u200b建\x1b华")
    job = export(clerk)
    assert job.status == ExportJob.Status.DONE, job.error
    rows = sheet_rows(job)
    assert rows[2][7] == "围墙\ufffd[31m纠纷\ufffd\ufffd"
    assert "张\ufffd建\ufffd华" in rows[2][6]


def test_the_windows_states_and_outcomes_are_named(clerk, supervisor, ref, export):
    """办理中 for a case a window's process has accepted; the outcomes the windows close
    with (不予受理, 不予法律援助, 当场解答) by their labels."""
    from intake.models import Case

    cases = {
        name: register(clerk, ref, summary=name) for name in ("办理", "解答", "不受理", "不援助")
    }
    now = timezone.now()
    Case.objects.filter(pk=cases["办理"].pk).update(state="handling", state_changed_at=now)
    for name, outcome in (("解答", "answered"), ("不受理", "declined"), ("不援助", "refused")):
        Case.objects.filter(pk=cases[name].pk).update(
            state="closed", outcome=outcome, closed_at=now, state_changed_at=now
        )
    rows = {r[1]: dict(zip(HEADERS, r, strict=True)) for r in sheet_rows(export(supervisor))[2:]}
    shown = {
        name: (rows[c.number]["化解措施/当前状态"], rows[c.number]["化解结果"])
        for name, c in cases.items()
    }
    assert shown == {
        "办理": ("办理中", None),
        "解答": ("已办结", "当场解答"),
        "不受理": ("已办结", "不予受理"),
        "不援助": ("已办结", "不予法律援助"),
    }
    state = export(supervisor, state="handling")
    assert [r[1] for r in sheet_rows(state)[2:]] == [cases["办理"].number]


# --- Filters and scope -------------------------------------------------------------------


def test_the_list_filters_are_respected_and_other_counties_absent(
    clerk, supervisor, ref, export, time_machine
):
    time_machine.move_to("2026-10-20 10:00 +08:00", tick=False)
    october = register(clerk, ref, summary="十月登记")
    time_machine.move_to("2026-11-03 10:00 +08:00", tick=False)
    waiting = register(clerk, ref, summary="待分流")
    triaged = register(clerk, ref, summary="已分流")
    from intake import workflow

    workflow.fire(actor=clerk, number=triaged.number, name="triage", data={"window": "mediation"})
    elsewhere = other_county_case(ref)

    everything = {r[1] for r in sheet_rows(export(supervisor))[2:]}
    assert everything == {october.number, waiting.number, triaged.number}
    assert elsewhere.number not in xml_of(ExportJob.objects.latest("pk"))

    november = export(supervisor, **{"from": "2026-11-01", "to": "2026-11-30"})
    assert {r[1] for r in sheet_rows(november)[2:]} == {waiting.number, triaged.number}
    state = export(supervisor, state="registered", **{"from": "2026-11-01"})
    assert [r[1] for r in sheet_rows(state)[2:]] == [waiting.number]
    window = export(supervisor, window="mediation")
    assert [r[1] for r in sheet_rows(window)[2:]] == [triaged.number]
    walk_ins = export(supervisor, channel="phone", overdue="1")
    assert walk_ins.params == {"channel": "phone", "overdue": "1"} and walk_ins.total == 0
    by_number = export(supervisor, q=october.number, sort="urgency", page="2")
    assert by_number.params == {"q": october.number}
    assert [r[1] for r in sheet_rows(by_number)[2:]] == [october.number]


def test_a_bad_date_is_refused_naming_the_field(clerk, client):
    client.force_login(clerk)
    response = client.post(
        reverse("risk:ledger_create"), {"state": "registered", "from": "2026-02-30"}, follow=True
    )
    assert not ExportJob.objects.exists()
    page = response.content.decode()
    assert "登记日期自" in page and "2026-02-30" in page and "年-月-日" in page
    # Back to the case list, with the filters that were valid.
    assert response.redirect_chain[0][0] == reverse("intake:cases") + "?state=registered"


def test_the_case_list_posts_its_filters_to_the_ledger(client, clerk, ref):
    client.force_login(clerk)
    page = client.get(reverse("intake:cases"), {"state": "registered", "q": "张"}).content.decode()
    assert f'action="{reverse("risk:ledger_create")}"' in page
    assert '<input type="hidden" name="state" value="registered">' in page
    assert '<input type="hidden" name="q" value="张">' in page
    assert "导出Excel" in page and "导出台账" in page


# --- Rights ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clerk", "supervisor", "leader"])
def test_those_who_see_the_case_list_may_export(client, role_users, role, ref):
    client.force_login(role_users[role])
    assert client.get(reverse("risk:ledgers")).status_code == 200


@pytest.mark.parametrize("role", [None, "grid_worker", "mediator", "judge", "auditor"])
def test_others_are_refused(client, role_users, role, ref):
    client.force_login(role_users[role])
    assert client.get(reverse("risk:ledgers")).status_code == 403
    assert client.post(reverse("risk:ledger_create"), {}).status_code == 403
    assert not ExportJob.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.post(reverse("risk:ledger_create"), {})
    assert response.status_code == 302 and "/login/" in response.url


def test_the_job_and_its_file_are_for_the_requester_only_and_each_download_is_audited(
    client, clerk, supervisor, ref, export, november
):
    register(clerk, ref)
    job = export(clerk, state="registered")
    client.force_login(supervisor)  # same county, more rights: still not their file
    for name in ("risk:ledger", "risk:ledger_progress", "risk:ledger_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert job.pk not in [r["job"].pk for r in client.get(reverse("risk:ledgers")).context["rows"]]
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()

    client.force_login(clerk)
    response = client.get(reverse("risk:ledger_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert "%E5%AE%89%E5%90%89%E5%8E%BF" in response["Content-Disposition"]  # 安吉县
    content = b"".join(response.streaming_content)
    assert content == Path(job.file.path).read_bytes()
    entry = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert entry.actor == clerk and entry.object_id == str(job.pk)
    assert entry.detail == {"what": "ledger", "rows": 1, "filters": {"state": "registered"}}


def test_the_job_page_polls_until_done_then_links_the_file(client, clerk, ref, november):
    client.force_login(clerk)
    response = client.post(reverse("risk:ledger_create"), {"state": "registered"})  # not sent
    job = ExportJob.objects.get()
    page = client.get(response.url).content.decode()
    assert (
        'hx-trigger="every 1s"' in page and reverse("risk:ledger_progress", args=[job.pk]) in page
    )
    assert "排队中" in page and "状态：已登记" in page and "2026年11月5日" in page
    assert "安吉县矛盾纠纷排查化解台账（截至2026年11月5日）" in page

    ExportJob.objects.filter(pk=job.pk).update(status="running", total=4000, done=2000)
    partial = client.get(reverse("risk:ledger_progress", args=[job.pk])).content.decode()
    assert 'value="50" max="100"' in partial and "2000 / 4000" in partial
    assert 'hx-trigger="every 1s"' in partial

    # Its worker went quiet an hour ago: the sweep's message restarts it.
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    ledger_tasks.build_ledger(job.pk)
    partial = client.get(reverse("risk:ledger_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in partial
    assert reverse("risk:ledger_download", args=[job.pk]) in partial
    assert "2026年11月6日" in partial  # kept for 24 hours


def test_the_list_shows_the_users_recent_ledgers_in_a_fixed_number_of_queries(
    client, clerk, supervisor, ref, november
):
    client.force_login(clerk)
    for state in ("registered", "triaged", "closed"):
        client.post(reverse("risk:ledger_create"), {"state": state})
    client.force_login(supervisor)
    client.post(reverse("risk:ledger_create"), {})
    client.force_login(clerk)
    client.get(reverse("risk:ledgers"))  # the reference names cached, as on a working desk
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("risk:ledgers")).content.decode()
    few = len(captured)  # now: the next request resets the log the context reads
    assert page.count("data-job=") == 3 and "状态：已办结" in page
    assert "2026年11月5日 10:00" in page and "排队中 0%" in page
    for _ in range(5):
        client.post(
            reverse("risk:ledger_create"),
            {"q": "张", "region": ref["town"].code, "county": ref["county"].code},
        )
    client.get(reverse("risk:ledgers"))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("risk:ledgers")).content.decode()
    assert few == len(captured) <= 12
    assert page.count("data-job=") == 8
    assert f"乡镇/街道：天荒坪镇；县（市、区）：{ref['county'].name}" in page  # names, not codes


# --- Progress, idempotence, the sweep ------------------------------------------------------


def test_progress_moves_chunk_by_chunk(clerk, ref, export, monkeypatch):
    for _ in range(5):
        register(clerk, ref)
    seen = []
    chunks = ledger.case_chunks

    def watched(qs, size):
        for chunk in chunks(qs, size):
            job = ExportJob.objects.get()
            seen.append((job.status, job.total, job.done))
            yield chunk

    monkeypatch.setattr(ledger, "CHUNK_SIZE", 2)
    monkeypatch.setattr(ledger, "case_chunks", watched)
    job = export(clerk)
    assert seen == [("running", 5, 0), ("running", 5, 2), ("running", 5, 4)]
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.attempts) == ("done", 5, 5, 1)
    assert len(sheet_rows(job)) == 2 + 5


def test_a_done_job_is_not_redone(clerk, ref, export):
    register(clerk, ref)
    job = export(clerk)
    job.refresh_from_db()
    ledger_tasks.build_ledger(job.pk)
    ledger_tasks.build_ledger.apply(args=[job.pk], task_id=job.task_id)
    again = ExportJob.objects.get(pk=job.pk)
    assert (again.file.name, again.attempts, again.finished_at) == (
        job.file.name,
        1,
        job.finished_at,
    )
    assert len(list(Path(job.file.path).parent.iterdir())) == 1


def test_a_job_whose_worker_died_is_restarted_cleanly(clerk, ref, client):
    register(clerk, ref)
    client.force_login(clerk)
    client.post(reverse("risk:ledger_create"), {})  # the message is never sent (no commit)
    job = ExportJob.objects.get()
    # Another worker is busy with it (fresh heartbeat): a second message leaves it alone.
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", task_id="m-1", attempts=1, heartbeat_at=timezone.now(), done=4000
    )
    ledger_tasks.build_ledger.apply(args=[job.pk], task_id="m-2")
    assert ExportJob.objects.get(pk=job.pk).done == 4000
    # Its own message comes back (acks_late): the worker that held it died. Start over.
    ledger_tasks.build_ledger.apply(args=[job.pk], task_id="m-1")
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.attempts) == ("done", 1, 1, 2)


def test_the_sweep_resends_lost_jobs_and_deletes_expired_files(clerk, ref, client, time_machine):
    time_machine.move_to("2026-11-05 10:00 +08:00", tick=False)
    register(clerk, ref)
    client.force_login(clerk)
    client.post(reverse("risk:ledger_create"), {})  # lost with the broker: never sent
    lost = ExportJob.objects.get()
    assert ledger_tasks.sweep_ledgers() == {"resent": 0, "expired": 0}  # too young
    time_machine.move_to("2026-11-05 10:02 +08:00", tick=False)
    assert ledger_tasks.sweep_ledgers() == {"resent": 1, "expired": 0}
    lost.refresh_from_db()
    assert lost.status == ExportJob.Status.DONE
    path = Path(lost.file.path)
    assert path.exists()

    time_machine.move_to("2026-11-06 10:01 +08:00", tick=False)
    assert ledger_tasks.sweep_ledgers() == {"resent": 0, "expired": 0}  # kept 24 hours
    time_machine.move_to("2026-11-06 10:03 +08:00", tick=False)
    assert ledger_tasks.sweep_ledgers() == {"resent": 0, "expired": 1}
    lost.refresh_from_db()
    assert not path.exists() and not lost.file
    client.force_login(clerk)  # the session of yesterday has expired
    assert client.get(reverse("risk:ledger_download", args=[lost.pk])).status_code == 404
    assert "文件已过保留期限" in client.get(reverse("risk:ledger", args=[lost.pk])).content.decode()


def test_a_job_that_keeps_losing_its_worker_fails(clerk, ref, client):
    client.force_login(clerk)
    client.post(reverse("risk:ledger_create"), {})
    stale = timezone.now() - timedelta(minutes=10)
    ExportJob.objects.update(status="running", attempts=3, heartbeat_at=stale, task_id="m")
    ledger_tasks.sweep_ledgers()
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED
    assert "生成失败" in client.get(reverse("risk:ledger", args=[job.pk])).content.decode()


# --- A real worker -------------------------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.slow
def test_a_real_worker_builds_the_ledger(media, celery_worker, client, clerk, ref):
    from tests.celery_worker import wait_for

    cases = [register(clerk, ref) for _ in range(3)]
    client.force_login(clerk)
    response = client.post(reverse("risk:ledger_create"), {"state": "registered"})
    job = ExportJob.objects.get()
    assert response.url == reverse("risk:ledger", args=[job.pk])
    wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists())
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert (job.total, job.done) == (3, 3)
    assert Path(job.file.path).is_relative_to(media)
    assert [r[1] for r in sheet_rows(job)[2:]] == [c.number for c in cases]
    download = client.get(reverse("risk:ledger_download", args=[job.pk]))
    assert download.status_code == 200
