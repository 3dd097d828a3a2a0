"""What holds an SMS back: a resident's opt-out (a "TD" reply relayed by the gateway's
signed callback) and the daily cap per phone — for non-statutory messages only; a notice
the law requires always goes out."""

from __future__ import annotations

import json
import secrets
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from centre import notify, services, sms_gateway
from centre.crypto import Keyring, generate_key, get_keyring, load_key_file
from centre.models import AuditLog, Notification, SmsOptOut
from centre.tests import sms_gateway_fake
from centre.tests.sms_gateway_fake import SECRET

pytestmark = pytest.mark.django_db

PHONE = "13857201234"
OTHER = "13957264810"
REPLIES = "/api/v1/sms/replies/"
fake_gateway = sms_gateway_fake.fake_gateway


def _sms(captured, *, statutory: bool, phone: str = PHONE) -> Notification:
    with captured(execute=True):
        notification = services.notification_create(
            channel="sms",
            recipient_name="王秀英",
            subject="满意度评价" if not statutory else "调解通知",
            body="请对本次调解服务作出评价。" if not statutory else "请按时参加调解。",
            destination=phone,
            destination_masked=f"{phone[:3]}****{phone[-4:]}",
            statutory=statutory,
        )
    notification.refresh_from_db()
    return notification


def _signed_reply(client, payload: dict, *, secret: str = SECRET, **overrides):
    body = json.dumps(payload, ensure_ascii=False).encode()
    timestamp = overrides.get("timestamp", str(int(time.time())))
    nonce = overrides.get("nonce", secrets.token_hex(8))
    signature = sms_gateway.signature(secret.encode(), "POST", REPLIES, timestamp, nonce, body)
    return client.post(
        REPLIES,
        body,
        content_type="application/json",
        headers={
            sms_gateway.TIMESTAMP_HEADER: timestamp,
            sms_gateway.NONCE_HEADER: nonce,
            sms_gateway.SIGNATURE_HEADER: signature,
        },
    )


# --- Opt-out ---------------------------------------------------------------------------


def test_a_td_reply_opts_the_phone_out_of_non_statutory_sms_only(
    client, fake_gateway, django_capture_on_commit_callbacks
):
    assert reverse("api-sms-replies") == REPLIES
    answer = _signed_reply(client, {"phone": "+86 138-5720-1234", "text": " td "})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"opted_out": True}
    assert notify.opted_out(PHONE) and not notify.opted_out(OTHER)
    row = SmsOptOut.objects.get()
    # Keyed by the phone's blind index, the one the parties' table uses; never in clear.
    assert row.phone_index == get_keyring().blind_index(PHONE, purpose="phone")
    assert (row.phone_masked, row.source) == ("138****1234", "sms_reply")
    assert PHONE.encode() not in bytes(row.phone_enc)
    assert AuditLog.objects.filter(detail__sms_opt_out="138****1234").exists()

    invitation = _sms(django_capture_on_commit_callbacks, statutory=False)
    notice = _sms(django_capture_on_commit_callbacks, statutory=True)
    assert invitation.status == "opted_out"
    assert invitation.get_status_display() == "已退订未发送"
    assert "已退订" in invitation.error
    assert notice.status == "sent"
    assert [r["client_msg_id"] for r in fake_gateway.requests] == [notice.idempotency_key]


def test_other_replies_opt_nothing_out_and_opting_in_again_restores_the_messages(
    client, fake_gateway, django_capture_on_commit_callbacks
):
    for text in ("好的，谢谢", "TDD", ""):
        answer = _signed_reply(client, {"phone": PHONE, "text": text})
        assert answer.json() == {"opted_out": False}
    assert not SmsOptOut.objects.exists()
    for text in ("退订", "Ｔ"):  # a full-width T from a phone's keyboard
        assert _signed_reply(client, {"phone": PHONE, "text": text}).json()["opted_out"]
    assert SmsOptOut.objects.count() == 1  # a second "TD" changes nothing

    assert notify.opt_in(PHONE) is True
    assert notify.opt_in(PHONE) is False
    assert _sms(django_capture_on_commit_callbacks, statutory=False).status == "sent"


def test_a_clerk_can_opt_a_phone_out_and_a_bad_number_or_source_is_refused():
    row = notify.opt_out("138 5720 1234", source=SmsOptOut.Source.CLERK)
    assert row.get_source_display() == "窗口登记"
    assert notify.opted_out(PHONE)
    with pytest.raises(ValidationError, match="手机号码"):
        notify.opt_out("12345", source=SmsOptOut.Source.CLERK)
    with pytest.raises(ValidationError, match="退订方式"):
        notify.opt_out(OTHER, source="web")
    assert SmsOptOut.objects.count() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        {"secret": "not-the-gateway-secret"},
        {"timestamp": str(int(time.time()) - 3600)},  # a stale (replayed) callback
    ],
)
def test_a_callback_badly_signed_or_stale_is_refused(client, fake_gateway, tamper):
    answer = _signed_reply(client, {"phone": PHONE, "text": "TD"}, **tamper)
    assert answer.status_code == 403
    assert answer.json()["detail"] == "签名无效或已过期。"
    assert not SmsOptOut.objects.exists()


def test_a_callback_replayed_with_its_nonce_or_unsigned_is_refused(client, fake_gateway):
    first = _signed_reply(client, {"phone": OTHER, "text": "好"}, nonce="once")
    assert first.status_code == 200
    again = _signed_reply(client, {"phone": PHONE, "text": "TD"}, nonce="once")
    assert again.status_code == 403
    unsigned = client.post(REPLIES, {"phone": PHONE, "text": "TD"}, content_type="application/json")
    assert unsigned.status_code == 403
    assert not SmsOptOut.objects.exists()


def test_a_callback_without_a_usable_phone_says_which_field(client, fake_gateway):
    assert _signed_reply(client, {"text": "TD"}).json()["detail"] == "phone：必填。"
    answer = _signed_reply(client, {"phone": "95555", "text": "TD"})
    assert answer.status_code == 400
    assert "手机号码" in answer.json()["detail"]


def test_an_opt_out_survives_the_rotation_of_the_party_key(settings, tmp_path):
    from intake.rekey import party_keys_rotate

    notify.opt_out(PHONE, source=SmsOptOut.Source.CLERK)
    new_path = tmp_path / "new.key"
    new_path.write_text(generate_key())
    old = get_keyring()
    new = Keyring(load_key_file(new_path), [load_key_file(Path(settings.PARTY_KEY_FILE))])
    party_keys_rotate(old=old, new=new)
    settings.PARTY_KEY_FILE = str(new_path)
    settings.PARTY_PREVIOUS_KEY_FILES = []
    assert notify.opted_out(PHONE)
    assert SmsOptOut.objects.get().phone_index == new.blind_index(PHONE, purpose="phone")


# --- Daily cap -------------------------------------------------------------------------


def test_past_the_daily_cap_non_statutory_sms_are_held_and_statutory_ones_still_go(
    fake_gateway, django_capture_on_commit_callbacks, settings, time_machine
):
    settings.SMS_DAILY_CAP_PER_PHONE = 2
    shanghai = ZoneInfo("Asia/Shanghai")
    time_machine.move_to(datetime(2026, 12, 7, 23, 0, tzinfo=shanghai))
    first = _sms(django_capture_on_commit_callbacks, statutory=False)
    second = _sms(django_capture_on_commit_callbacks, statutory=True)
    third = _sms(django_capture_on_commit_callbacks, statutory=False)
    fourth = _sms(django_capture_on_commit_callbacks, statutory=True)
    elsewhere = _sms(django_capture_on_commit_callbacks, statutory=False, phone=OTHER)

    assert [m.status for m in (first, second, third, fourth, elsewhere)] == [
        "sent",
        "sent",
        "capped",
        "sent",
        "sent",
    ]
    assert third.error == "该号码今日已收到2条短信，达到每日上限，非法定短信未发送。"
    assert third.get_status_display() == "超出当日上限未发送"
    assert len(fake_gateway.delivered) == 4
    # Held is final: the sweep does not pick it up.
    time_machine.move_to(datetime(2026, 12, 7, 23, 30, tzinfo=shanghai))
    assert services.notifications_resend() == 0

    # The cap counts the resident's day: after midnight in Shanghai (16:00 UTC), it is new.
    time_machine.move_to(datetime(2026, 12, 8, 0, 5, tzinfo=shanghai))
    assert _sms(django_capture_on_commit_callbacks, statutory=False).status == "sent"

    # Counted in Redis under a keyed hash: no number in any key.
    store = redis.Redis.from_url(django_settings.CACHES["default"]["LOCATION"])
    keys = [k.decode() for k in store.keys("*sms:cap:*")]
    assert len(keys) == 3  # two phones on the 7th, one on the 8th
    assert not any(PHONE in k or OTHER in k or PHONE[-4:] in k for k in keys)


def test_a_message_the_gateway_did_not_take_does_not_count_against_the_cap(
    fake_gateway, django_capture_on_commit_callbacks, settings, time_machine
):
    settings.SMS_DAILY_CAP_PER_PHONE = 1
    fake_gateway.script.extend(["5xx", "reject"])
    failed = _sms(django_capture_on_commit_callbacks, statutory=False)
    refused = _sms(django_capture_on_commit_callbacks, statutory=False)
    assert (failed.status, refused.status) == ("failed", "failed")
    # The retry of the first one takes the day's one message; the next is held.
    time_machine.move_to(failed.claimed_at + timedelta(minutes=5))
    assert services.notification_deliver(notification_id=failed.pk) == services.Delivery.SENT
    held = _sms(django_capture_on_commit_callbacks, statutory=False)
    assert held.status == "capped"


def test_a_landline_is_not_held_by_the_cap_but_refused_by_the_gateway_once(
    fake_gateway, django_capture_on_commit_callbacks
):
    fake_gateway.script.extend(["reject"])
    landline = _sms(django_capture_on_commit_callbacks, statutory=False, phone="05725123456")
    assert landline.status == "failed" and "短信平台拒绝发送" in landline.error
    assert len(fake_gateway.requests) == 1
