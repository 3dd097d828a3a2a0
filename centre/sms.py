"""What decides whether an SMS goes out: the resident's opt-out and the daily cap per phone.

A phone is never kept or counted in clear: the opt-out table is keyed by the phone's blind
index (``purpose="phone"``, the same as ``Party.phone_index``, so a party's opt-out is found
from the party), the daily counter in Redis by a blind index of its own purpose. Statutory
messages — the notices a law requires the centre to give — pass both: an opt-out and a cap
are for reminders and invitations, never for a 受理通知 or a 调解通知.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumbers import PhoneNumberType
from redis.exceptions import RedisError

from centre.crypto import Keyring, get_keyring
from centre.models import AuditLog, Notification, SmsOptOut

log = logging.getLogger(__name__)

# The day a cap counts is the resident's day.
CAP_TIMEZONE = ZoneInfo("Asia/Shanghai")
# Replies that mean "no more messages" (the wording every Chinese SMS footer offers).
OPT_OUT_REPLIES = frozenset({"TD", "T", "退订"})
MSG_NOT_A_MOBILE = gettext_lazy("手机号码：请填写11位中国大陆手机号码。")


class CapUnavailable(Exception):
    """The daily counter cannot be read (Redis down): a non-statutory message waits."""


def sms_number(raw: str) -> str:
    """The national number of a mainland mobile ("13857201234"), however the gateway or a
    clerk wrote it ("+86 138-5720-1234"); ValidationError otherwise. Mobiles are what
    ``intake.identity.normalize_phone`` keeps as they are, so the blind indexes agree."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(MSG_NOT_A_MOBILE, code="invalid") from None
    if not phonenumbers.is_valid_number_for_region(number, "CN") or phonenumbers.number_type(
        number
    ) not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise ValidationError(MSG_NOT_A_MOBILE, code="invalid")
    return phonenumbers.national_significant_number(number)


def masked(number: str) -> str:
    """``138****1234``: a mobile as lists and logs show it."""
    return f"{number[:3]}****{number[-4:]}"


def phone_index(phone: str) -> str:
    return get_keyring().blind_index(sms_number(phone), purpose="phone")


# --- Opt-out ---------------------------------------------------------------------------


def opt_out(phone: str, *, source: str) -> SmsOptOut:
    """No more non-statutory SMS to ``phone``. Idempotent: a second "TD" keeps the first
    one's time and source."""
    from centre.services import audit_record

    number = sms_number(phone)
    if source not in SmsOptOut.Source.values:
        raise ValidationError(
            _("退订方式：%(source)s不在可选范围内。") % {"source": source}, code="invalid"
        )
    index = get_keyring().blind_index(number, purpose="phone")
    try:
        with transaction.atomic():
            row, created = SmsOptOut.objects.get_or_create(
                phone_index=index,
                defaults={
                    "phone_enc": get_keyring().encrypt(number),
                    "phone_masked": masked(number),
                    "source": source,
                },
            )
            if created:
                audit_record(
                    actor=None,
                    action=AuditLog.Action.CREATE,
                    obj=row,
                    username=f"sms:{source}",
                    detail={"sms_opt_out": row.phone_masked, "source": source},
                )
    except IntegrityError:  # the same phone opted out at the same moment elsewhere
        row = SmsOptOut.objects.get(phone_index=index)
    return row


def opt_in(phone: str, *, source: str = SmsOptOut.Source.CLERK) -> bool:
    """Non-statutory SMS to ``phone`` again; True if it had opted out."""
    from centre.services import audit_record

    number = sms_number(phone)
    with transaction.atomic():
        deleted, _rows = SmsOptOut.objects.filter(
            phone_index=get_keyring().blind_index(number, purpose="phone")
        ).delete()
        if deleted:
            audit_record(
                actor=None,
                action=AuditLog.Action.DELETE,
                username=f"sms:{source}",
                detail={"sms_opt_in": masked(number), "source": source},
            )
    return bool(deleted)


def opted_out(phone: str) -> bool:
    try:
        index = phone_index(phone)
    except ValidationError:
        return False  # not a mobile: no SMS reaches it anyway
    return SmsOptOut.objects.filter(phone_index=index).exists()


def reply_receive(*, phone: str, text: str) -> bool:
    """A resident's reply relayed by the gateway; True if it opted the phone out."""
    word = unicodedata.normalize("NFKC", text or "").strip().upper()
    if word not in OPT_OUT_REPLIES:
        return False
    opt_out(phone, source=SmsOptOut.Source.SMS_REPLY)
    return True


# --- Daily cap -------------------------------------------------------------------------


def _cap_day(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), CAP_TIMEZONE).date()


def _cap_key(phone: str) -> str:
    try:
        number = sms_number(phone)
    except ValidationError:
        number = phone  # a landline on a party's record: the gateway will say no
    hashed = get_keyring().blind_index(number, purpose="sms_daily_cap")
    return f"sms:cap:{_cap_day():%Y%m%d}:{hashed}"


def cap_take(phone: str) -> int:
    """Count one more SMS to ``phone`` today; the count including it."""
    key = _cap_key(phone)
    try:
        cache.add(key, 0, timeout=2 * 24 * 3600)  # outlives the day, whatever its hour
        return cache.incr(key)
    except (RedisError, OSError, ValueError) as exc:  # ValueError: evicted between the two
        raise CapUnavailable(_("无法读取当日短信计数，稍后重试")) from exc


def cap_give_back(phone: str) -> None:
    """The SMS counted was not sent after all (the gateway did not take it)."""
    try:
        cache.decr(_cap_key(phone))
    except (RedisError, OSError, ValueError):
        log.warning("daily SMS count not given back", exc_info=True)


def hold_reason(notification: Notification, phone: str) -> tuple[str, str] | None:
    """Why this SMS is not to be sent (a final status and its reason), or None; a message
    that goes out is counted against today's cap (``cap_give_back`` if it then fails)."""
    statutory = notification.statutory
    if not statutory and opted_out(phone):
        return Notification.Status.OPTED_OUT, _("接收人已退订非法定短信，未发送。")
    try:
        sent_today = cap_take(phone)
    except CapUnavailable:
        if statutory:
            log.warning(
                "daily SMS count unavailable; statutory %s sent uncounted",
                notification.idempotency_key,
            )
            return None
        raise
    cap = settings.SMS_DAILY_CAP_PER_PHONE
    if sent_today > cap and not statutory:
        cap_give_back(phone)
        return Notification.Status.CAPPED, _(
            "该号码今日已收到%(cap)d条短信，达到每日上限，非法定短信未发送。"
        ) % {"cap": cap}
    return None


def opt_outs_rekey(*, old: Keyring, new: Keyring) -> int:
    """Seal the opted-out phones with ``new`` and recompute their index (the party key's
    rotation, intake.rekey): under a stale index an opt-out would no longer be found.
    Raises CryptoError on a token ``old`` cannot open; the caller's transaction rolls back."""
    changed = []
    for row in SmsOptOut.objects.select_for_update().only("pk", "phone_enc"):
        token = bytes(row.phone_enc)
        if old.key_id_of(token) == new.current_key_id:
            continue
        number = old.decrypt(token)
        row.phone_enc = new.encrypt(number)
        row.phone_index = new.blind_index(number, purpose="phone")
        changed.append(row)
    SmsOptOut.objects.bulk_update(changed, ["phone_enc", "phone_index"], batch_size=500)
    return len(changed)
