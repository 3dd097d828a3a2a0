"""The applicant's documents on the progress page: only after a six-digit code sent by SMS
to the applicant's phone, bound to the case and to the browser session, short-lived, with
a few tries and a limited resend; then only the applicant's own documents, each download
audited; nothing in the clear in Redis or in the logs."""

from __future__ import annotations

import logging
import re

import pytest
import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client

from centre.models import AuditLog, Notification
from intake import public
from intake.models import Case, CaseDocument
from intake.tests.factories import applicant, register, respondent

pytestmark = pytest.mark.django_db

PHONE = "13957212345"
PDF = b"%PDF-1.4\n% a test document\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(clerk, ref):
    return register(
        clerk,
        ref,
        parties=[
            applicant(name="张建华", phone=PHONE),
            respondent(name="李国强", phone="13857298765"),
        ],
    )


def document(case, kind, **kw):
    return CaseDocument.objects.create(
        case=case,
        kind=kind,
        status=CaseDocument.Status.READY,
        file=ContentFile(PDF, name=f"{kind}.pdf"),
        **kw,
    )


def look_up(client, case, digits="2345"):
    page = client.get("/progress/", {"number": case.number, "phone_last4": digits})
    assert page.status_code == 200
    return page.content.decode()


def page(client, case):
    return client.get("/progress/", {"number": case.number}).content.decode()


def ask_code(client, case):
    return client.post("/progress/code/", {"number": case.number})


def sent_code() -> str:
    sms = Notification.objects.filter(channel=Notification.Channel.SMS).latest("id")
    return re.search(r"验证码(\d{6})", sms.body).group(1)


def verify(client, case, code):
    return client.post("/progress/verify/", {"number": case.number, "code": code})


def verified_client(client, case) -> Client:
    look_up(client, case)
    ask_code(client, case)
    verify(client, case, sent_code())
    return client


def links(text: str) -> list[str]:
    return re.findall(r'href="(/progress/documents/[^"]+/)"', text)


# --- the code -----------------------------------------------------------------------------
def test_the_code_goes_by_sms_to_the_applicants_phone_only(client, case):
    look_up(client, case)
    answer = ask_code(client, case)
    assert answer.status_code == 302
    assert "验证码已发送" in page(client, case)
    sms = Notification.objects.get(channel=Notification.Channel.SMS)
    assert sms.recipient_name == "张建华" and sms.destination_masked == "139****2345"
    assert re.fullmatch(r"\d{6}", sent_code())
    assert sms.case_number == case.number
    # Asked for by the resident: an opt-out of reminders does not hold it back.
    assert sms.statutory and sms.kind == "progress_code"


def test_no_code_without_the_digits_first(client, case):
    answer = ask_code(client, case)
    assert answer.status_code == 302 and answer["Location"] == "/progress/"
    assert not Notification.objects.exists()


def test_the_right_code_opens_the_applicants_documents(client, case):
    document(case, CaseDocument.Kind.RECEIPT)
    text = look_up(client, case)
    assert "获取短信验证码" in text and not links(text)
    ask_code(client, case)
    assert verify(client, case, sent_code()).status_code == 302
    text = page(client, case)
    assert "验证成功" in text
    assert "受理回执" in text and len(links(text)) == 1


def test_a_wrong_code_is_refused(client, case):
    document(case, CaseDocument.Kind.RECEIPT)
    look_up(client, case)
    ask_code(client, case)
    wrong = "000000" if sent_code() != "000000" else "111111"
    verify(client, case, wrong)
    text = page(client, case)
    assert "验证码错误" in text and not links(text)


def test_the_code_must_be_six_digits(client, case):
    look_up(client, case)
    ask_code(client, case)
    verify(client, case, "12ab")
    assert "请输入6位数字验证码" in page(client, case)


def test_an_expired_code_is_refused(client, case, time_machine):
    time_machine.move_to("2026-12-07 10:00 +08:00", tick=False)
    look_up(client, case)
    ask_code(client, case)
    code = sent_code()
    # Redis expires the key by its own clock: the code's time to live is what is checked.
    key = next(k for k in _redis().keys("*progress-code:*") if not k.endswith(b":tries"))
    assert 0 < _redis().ttl(key) <= public.CODE_SECONDS
    _redis().delete(key)  # what Redis does when the 5 minutes are over
    verify(client, case, code)
    text = page(client, case)
    assert "验证码已失效" in text and not links(text)


def test_too_many_wrong_tries_discard_the_code(client, case):
    document(case, CaseDocument.Kind.RECEIPT)
    look_up(client, case)
    ask_code(client, case)
    code = sent_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(public.CODE_TRIES - 1):
        verify(client, case, wrong)
    verify(client, case, wrong)
    assert "验证码错误次数过多" in page(client, case)
    verify(client, case, code)  # even the right one, now
    text = page(client, case)
    assert "验证码已失效" in text and not links(text)


def test_codes_are_sent_once_a_minute_and_a_few_an_hour(client, case, time_machine):
    time_machine.move_to("2026-12-07 10:00 +08:00", tick=False)
    look_up(client, case)
    ask_code(client, case)
    ask_code(client, case)
    assert "请1分钟后再试" in page(client, case)
    assert Notification.objects.count() == 1
    # Another browser does not get round it: the limits are the case's.
    other = Client()
    look_up(other, case)
    ask_code(other, case)
    assert Notification.objects.count() == 1
    for _ in range(public.CODES_PER_HOUR - 1):
        _redis_wait_over(case)
        ask_code(client, case)
    assert Notification.objects.count() == public.CODES_PER_HOUR
    _redis_wait_over(case)
    ask_code(client, case)
    assert "请1小时后再试" in page(client, case)
    assert Notification.objects.count() == public.CODES_PER_HOUR


def test_a_code_is_bound_to_its_case_and_session(client, case, clerk, ref):
    other_case = register(clerk, ref, parties=[applicant(phone="13957216789"), respondent()])
    document(other_case, CaseDocument.Kind.RECEIPT)
    look_up(client, case)
    ask_code(client, case)
    code = sent_code()
    # The same browser proves another case (its own applicant's digits): this code is not
    # that case's.
    look_up(client, other_case, digits="6789")
    verify(client, other_case, code)
    text = page(client, other_case)
    assert "验证码已失效" in text and not links(text)
    # Another browser that proved the first case cannot use the code sent to this one.
    stranger = Client()
    look_up(stranger, case)
    verify(stranger, case, code)
    assert not links(page(stranger, case))


def test_nothing_in_the_clear_in_redis_or_the_logs(client, case, caplog):
    caplog.set_level(logging.DEBUG)
    look_up(client, case)
    ask_code(client, case)
    code = sent_code()
    verify(client, case, code + "x")  # a bad one is not logged either
    verify(client, case, f"{(int(code) + 1) % 10**6:06d}")
    stored = b" ".join(key + b" " + (_redis().dump(key) or b"") for key in _redis().keys("*"))
    for secret in (code, PHONE, case.number):
        assert secret.encode() not in stored, secret
        assert secret not in caplog.text, secret


# --- the documents ------------------------------------------------------------------------
def test_only_the_applicants_own_documents(client, clerk, ref):
    from labour.tests.conftest import employer

    case = register(
        clerk, ref, nature=Case.Nature.LABOUR, parties=[applicant(phone=PHONE), employer()]
    )
    document(case, CaseDocument.Kind.RECEIPT)
    document(case, CaseDocument.Kind.ARBITRATION_ACCEPTANCE)
    document(case, CaseDocument.Kind.LABOUR_ORDER)  # addressed to the employer
    CaseDocument.objects.create(case=case, kind=CaseDocument.Kind.ARBITRATION_AWARD)  # pending
    text = page(verified_client(client, case), case)
    assert "受理回执" in text and "仲裁申请受理通知书" in text
    assert "责令改正指令书" not in text and "仲裁裁决书" not in text
    assert len(links(text)) == 2


def test_the_latest_agreement_only(client, case):
    document(case, CaseDocument.Kind.AGREEMENT, ref_version=1)
    document(case, CaseDocument.Kind.AGREEMENT, ref_version=2)
    text = page(verified_client(client, case), case)
    assert "（第2版）" in text and "（第1版）" not in text


def test_a_download_is_a_pdf_and_audited_as_the_residents(client, case):
    receipt = document(case, CaseDocument.Kind.RECEIPT)
    text = page(verified_client(client, case), case)
    (link,) = links(text)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    entry = AuditLog.objects.get(action=AuditLog.Action.VIEW_PERSONAL_DATA)
    assert entry.actor is None and entry.actor_username == public.RESIDENT
    assert entry.case_number == case.number and entry.object_id == str(receipt.pk)
    assert entry.detail["document"] == "receipt"


def test_a_link_opens_nothing_in_another_browser(client, case):
    receipt = document(case, CaseDocument.Kind.RECEIPT)
    (link,) = links(page(verified_client(client, case), case))
    assert Client().get(link).status_code == 404
    # Nor a document's number in the address.
    assert Client().get(f"/progress/documents/{receipt.pk}/").status_code == 404
    assert not AuditLog.objects.filter(action=AuditLog.Action.VIEW_PERSONAL_DATA).exists()


def test_the_access_ends_after_a_while(client, case, time_machine):
    time_machine.move_to("2026-12-07 10:00 +08:00", tick=False)
    document(case, CaseDocument.Kind.RECEIPT)
    (link,) = links(page(verified_client(client, case), case))
    time_machine.shift(public.VERIFIED_SECONDS + 1)
    assert client.get(link).status_code == 404
    assert "获取短信验证码" in page(client, case)


# --- helpers ------------------------------------------------------------------------------
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])


def _redis_wait_over(case) -> None:
    """The minute between two codes has passed (Redis expires by its own clock)."""
    for key in _redis().keys("*progress-code-wait:*"):
        _redis().delete(key)


def test_the_verified_applicant_stops_and_resumes_reminder_sms(client, case):
    from centre import notify

    # Not verified: the choice is not offered, and a post changes nothing.
    look_up(client, case)
    assert 'id="progress-sms"' not in page(client, case)
    client.post("/progress/sms/", {"number": case.number, "receive": "0"})
    assert not notify.opted_out(PHONE)

    verified_client(client, case)
    assert "退订提醒类短信" in page(client, case)
    client.post("/progress/sms/", {"number": case.number, "receive": "0"})
    assert notify.opted_out(PHONE)
    assert not notify.opted_out("13857298765")  # the other party's phone is not theirs to stop
    assert "您已退订提醒类短信" in page(client, case)
    entry = AuditLog.objects.filter(detail__source="progress").latest("id")
    assert PHONE not in str(entry.detail)

    client.post("/progress/sms/", {"number": case.number, "receive": "1"})
    assert not notify.opted_out(PHONE)
