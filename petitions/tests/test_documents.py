"""The petition window's letters, rendered to PDF: each holds what 《信访工作条例》 asks it
to say (read back with pdftotext)."""

from __future__ import annotations

import pytest

from petitions.tests.conftest import REPLY, fire
from tests.pdf import document_text

pytestmark = pytest.mark.django_db


_text = document_text


def test_acceptance_notice(
    petition_officer, petition_case, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-12-07 10:00 +08:00")
    with django_capture_on_commit_callbacks(execute=True):
        fire(petition_officer, petition_case, "petition_accept")
    text = _text(petition_case, "petition_acceptance")
    for item in [
        "信访事项受理告知书",
        petition_case.number,
        "张建华",  # the petitioner
        "反映村道硬化工程拖欠",  # the matter
        "决定予以受理",
        "2026年12月7日",  # the day accepted
        "六十日内办结",
        "2027年2月9日（暂定）",  # the period's end (除夕–初三 2027 are holidays), 2027's
        # schedule not yet published: the notice says the date may still move
        "第三十四条",
        "安吉县信访局",  # the issuing organ
    ]:
        assert item in text, item


def test_declined_notice_names_the_channel(
    petition_officer, petition_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fire(
            petition_officer,
            petition_case,
            "petition_decline",
            channel="arbitration",
            reason="该事项系劳动报酬争议，依法应当申请劳动争议仲裁",
        )
    text = _text(petition_case, "petition_declined")
    for item in ["不予受理告知书", "第三十一条", "申请仲裁", "劳动报酬争议", "不予受理"]:
        assert item in text, item


def test_opinion_review_and_recheck(
    petition_officer, petition_case, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-12-07 10:00 +08:00")
    with django_capture_on_commit_callbacks(execute=True):
        case = fire(petition_officer, petition_case, "petition_accept")
        case = fire(petition_officer, case, "petition_reply", opinion="partial", text=REPLY)
        case = fire(petition_officer, case, "petition_review_request", reason="认为拨付时间太晚")
        case = fire(
            petition_officer,
            case,
            "petition_review_reply",
            opinion="reject",
            text="复查认为" + REPLY,
        )
        case = fire(petition_officer, case, "petition_recheck_request", reason="仍认为太晚")
        fire(
            petition_officer,
            case,
            "petition_recheck_reply",
            opinion="reject",
            text="复核认为" + REPLY,
        )
    opinion = _text(case, "petition_opinion")
    for item in [
        "信访事项处理意见书",
        "部分支持",
        "工程款已列入镇财政预算",
        "三十日内",
        "复查",
        "第三十五条",
    ]:
        assert item in opinion, item
    review = _text(case, "petition_review_opinion")
    for item in ["信访事项复查意见书", "不支持", "认为拨付时间太晚", "复核", "第三十六条"]:
        assert item in review, item
    recheck = _text(case, "petition_recheck_opinion")
    for item in ["信访事项复核意见书", "终结意见", "不再受理", "仍认为太晚"]:
        assert item in recheck, item


def test_a_due_date_in_a_published_year_is_not_marked_provisional(
    petition_officer, petition_case, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-09-01 10:00 +08:00")
    with django_capture_on_commit_callbacks(execute=True):
        fire(petition_officer, petition_case, "petition_accept")
    text = _text(petition_case, "petition_acceptance")
    # 60 days from 09-01 is 10-31, a Saturday: the next working day, 2026-11-02.
    assert "办理期限至2026年11月2日）" in text and "暂定" not in text
