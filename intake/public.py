"""The public progress page: the stage of a case, its time limit, and — after a one-time
SMS code — the applicant's own documents.

A resident proves they are the applicant with the last four digits of the phone they
left; answers are the same for "no such case" and "wrong digits", and tries are counted
both per address and per case number, so the page cannot be used to discover cases or
phone numbers: a guesser spread over many addresses still gets only a few wrong tries at
one case, and a centre's residents behind one NAT address share a generous allowance.

Documents need more than four digits anyone in the family may know: a six-digit code sent
by SMS to the applicant's phone on file. The code lives only as a keyed digest in the
cache (Redis) for a few minutes, bound to the case and to this browser's session; a few
wrong tries discard it, and codes are sent at most once a minute and a few times an hour
per case (the resident's phone is not a free SMS cannon). A verified session may download
the documents addressed to the applicant for a short while, each download audited.

What a window says about its own process (its stages' next steps, its clocks in words a
resident understands, which of its documents go to the applicant) is registered by the
window app's ``progress`` module through ``progress_register``: intake never imports them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from centre import sms
from centre.crypto import get_keyring
from centre.models import AuditLog, Clock, DeadlineRule, SmsOptOut
from centre.names import ref_name
from centre.net import client_ip
from centre.services import audit_record
from intake.identity import phone_last4
from intake.models import Case, CaseDocument, CaseParty, Party
from intake.processes import process_of
from intake.services import parties_notify, party_contact_phone

ATTEMPTS = 30  # per address: many residents may come from one (a village's NAT)
ATTEMPTS_PER_CASE = 5  # wrong answers for one case number, from wherever they come
WINDOW_SECONDS = 600

CODE_SECONDS = 300  # a code is good for 5 minutes
CODE_TRIES = 3  # wrong codes before it is discarded
RESEND_SECONDS = 60  # one code a minute per case …
CODES_PER_HOUR = 5  # … and a few an hour
VERIFIED_SECONDS = 900  # downloads allowed for 15 minutes after the code

# The session's keys (server-side: cached_db): the case proven with the digits, the
# nonce that binds a code to this browser, the verified case and the download tokens.
_CASE, _NONCE, _VERIFIED, _TOKENS, _PARTY = (
    "progress:case",
    "progress:nonce",
    "progress:verified",
    "progress:tokens",
    "progress:party",  # the applicant whose phone's digits were given
)
# Who downloaded, in the audit log: a resident has no account.
RESIDENT = "resident:progress"

NEXT_STEP = {
    Case.State.REGISTERED: gettext_lazy("中心正在分流，将转到相应窗口办理"),
    Case.State.TRIAGED: gettext_lazy("已分流到承办窗口，等待安排调解或办理"),
    Case.State.MEDIATING: gettext_lazy("调解进行中，调解员会通知您参加调解"),
    Case.State.AGREED: gettext_lazy("已达成调解协议，请按协议履行；需要时可申请司法确认"),
    Case.State.CONFIRMING: gettext_lazy("人民法院正在审查司法确认申请"),
    Case.State.CONFIRMED: gettext_lazy("调解协议已经法院确认有效，一方不履行的可申请强制执行"),
    Case.State.MEDIATION_FAILED: gettext_lazy("调解未成，可选择诉讼等途径，窗口将提供起诉指引"),
    Case.State.LITIGATING: gettext_lazy("调解未成，已为您整理起诉材料，请向人民法院起诉"),
    Case.State.HANDLING: gettext_lazy("承办窗口已受理，正在依法办理，办理结果将书面告知您"),
    Case.State.REFERRED: gettext_lazy("已转交相关部门办理"),
    Case.State.CLOSED: gettext_lazy("已办结"),
}


# --- what the windows register -----------------------------------------------------------
@dataclass(frozen=True)
class WindowProgress:
    model: type
    next_steps: Mapping[str, Any]


WINDOWS: list[WindowProgress] = []
# A clock's rule code → its sentence for a resident, with %(date)s (the last day) and
# %(period)s (如“60日”); a rule without one is told by its name.
CLOCK_WORDING: dict[str, Any] = {}
# The kinds of document addressed to the applicant, which the page lets them download.
RESIDENT_DOCUMENTS: set[str] = {CaseDocument.Kind.RECEIPT}


def progress_register(
    model: type | None = None,
    *,
    next_steps: Mapping[str, Any] | None = None,
    clocks: Mapping[str, Any] | None = None,
    documents: Iterable[str] = (),
) -> None:
    """Called by a window app's ``progress`` module (from its AppConfig.ready()): its
    process model's next step for each of its states, its clocks' wording, and the kinds
    of its documents that are addressed to the applicant."""
    if model is not None:
        missing = set(model.State.values) - set(next_steps or {})
        if missing:
            raise ValueError(f"{model.__name__}: no next step for {sorted(missing)}")
        if all(w.model is not model for w in WINDOWS):
            WINDOWS.append(WindowProgress(model, dict(next_steps or {})))
    CLOCK_WORDING.update(clocks or {})
    RESIDENT_DOCUMENTS.update(documents)


# --- the look-up ---------------------------------------------------------------------------
def progress_lookup(*, request: Any, number: str, phone_last4: str) -> dict[str, Any]:
    """``found``, ``throttled``, ``number`` and, when found, what ``progress_of`` says. The
    session remembers the case proven, so that a code may be asked for it."""
    number = number.strip()
    key = f"progress-attempts:{client_ip(request) or 'unknown'}"
    # The number is hashed into the key: the cache keeps no case numbers in the clear.
    case_key = f"progress-case:{_digest(number)}"
    attempts = cache.get_or_set(key, 0, WINDOW_SECONDS)
    if attempts >= ATTEMPTS or cache.get(case_key, 0) >= ATTEMPTS_PER_CASE:
        return {"found": False, "throttled": True}
    cache.incr(key)
    case = Case.objects.select_related("window").filter(number=number).first()
    applicant = _applicant_by_phone_end(case, phone_last4) if case is not None else None
    if applicant is None:
        cache.get_or_set(case_key, 0, WINDOW_SECONDS)
        cache.incr(case_key)
        return {"found": False, "throttled": False}
    if hasattr(request, "session"):
        request.session[_CASE] = case.pk
        request.session[_PARTY] = applicant.pk
    return {"found": True, "throttled": False, **progress_of(case)}


def proven_case(request: HttpRequest, number: str) -> Case | None:
    """The case this session proved with the digits, if it is ``number``: the page comes
    back after asking for a code without the digits in its address, nor a new try."""
    pk = request.session.get(_CASE)
    if pk is None or not number:
        return None
    case = Case.objects.select_related("window").filter(pk=pk).first()
    # Compared here, not in SQL: the number is whatever was posted (a NUL byte …).
    return case if case is not None and case.number == number.strip() else None


def progress_of(case: Case) -> dict[str, Any]:
    """What the page shows of a case: nothing personal."""
    stage, next_step = case.get_state_display(), NEXT_STEP[case.state]
    found = _window_process(case) if case.state != Case.State.CLOSED else None
    if found is not None:
        entry, process = found
        stage, next_step = process.get_state_display(), entry.next_steps[process.state]
    return {
        "number": case.number,
        "stage": stage,
        "window": ref_name(case.window) if case.window_id else "",
        "next_step": next_step,
        "time_limits": time_limits(case),
        "closed": case.state == Case.State.CLOSED,
        "updated": case.state_changed_at,
        "registered": case.registered_at,
    }


def _window_process(case: Case) -> tuple[WindowProgress, Any] | None:
    """The window's process the case is in (of a window with two, such as labour's
    inspection and arbitration, the one begun last); None before one has begun."""
    begun = []
    for entry in WINDOWS:
        process = process_of(case, entry.model)
        if process is not None and process.pk is not None:
            begun.append((process.created_at, entry, process))
    if not begun:
        return None
    _at, entry, process = max(begun, key=lambda item: item[0])
    return entry, process


def time_limits(case: Case) -> list[dict[str, Any]]:
    """The statutory time limits running on the case now, the nearest end first, each as
    a sentence with its legal source (the administrators' DeadlineRule row)."""
    running = (
        Clock.objects.filter(case_number=case.number, stopped_at__isnull=True)
        .select_related("rule")
        .order_by("due_on", "id")
    )
    return [_time_limit(clock) for clock in running]


def _time_limit(clock: Clock) -> dict[str, Any]:
    rule = clock.rule
    values = {
        "name": ref_name(rule),
        "date": _day(clock.due_on, clock.provisional),
        "period": _period(rule, clock.extended_days),
    }
    if clock.unlimited:
        text = _("%(name)s：经当事人同意，不受期限限制") % values
    elif clock.paused_at is not None:
        values["date"] = _day(clock.paused_at)
        text = _("%(name)s：自%(date)s起中止计算，中止的时间不计入期限") % values
    else:
        wording = CLOCK_WORDING.get(rule.code) or gettext_lazy(
            "%(name)s：依法应在%(date)s前完成（%(period)s）"
        )
        text = str(wording) % values
    return {"text": text, "source": rule.source, "due": clock.due_on, "rule": rule.code}


def _period(rule: Any, extended: int) -> str:
    """60日, 5个工作日; ，已依法延长30日 after an extension."""
    text = _days(rule.length, rule.unit)
    if extended:
        extra = _days(extended, rule.extension_unit or rule.unit)
        text += _("，已依法延长%(period)s") % {"period": extra}
    return text


def _days(n: int, unit: str) -> str:
    if unit == DeadlineRule.Unit.WORKING:
        return ngettext("%(n)d个工作日", "%(n)d个工作日", n) % {"n": n}
    return ngettext("%(n)d日", "%(n)d日", n) % {"n": n}


def _day(day: date, provisional: bool = False) -> str:
    """2026年12月18日 on a Chinese page (the locale's DATE_FORMAT), December 18, 2026 on
    an English one; （暂定） when the year's holidays are not published yet."""
    text = formats.date_format(day, "DATE_FORMAT")
    return text + _("（暂定）") if provisional else text


def _applicant_by_phone_end(case: Case, digits: str) -> Party | None:
    keyring = get_keyring()
    for cp in case.case_parties.filter(role=CaseParty.Role.APPLICANT).select_related("party"):
        if cp.party.phone_enc:
            last4 = phone_last4(keyring.decrypt(bytes(cp.party.phone_enc)))
            if hmac.compare_digest(last4, digits):
                return cp.party
    return None


# --- non-statutory SMS: the resident's choice ------------------------------------------------
def _session_applicant(request: HttpRequest, case: Case) -> Party | None:
    """The applicant who proved the case in this session and entered the code."""
    if not verified(request, case):
        return None
    pk = request.session.get(_PARTY)
    link = case.case_parties.filter(role=CaseParty.Role.APPLICANT, party_id=pk).first()
    return link.party if link is not None and link.party.phone_enc else None


def sms_receives(request: HttpRequest, case: Case) -> bool | None:
    """Whether the verified applicant still gets non-statutory SMS (None: not verified)."""
    party = _session_applicant(request, case)
    return None if party is None else not sms.opted_out(party_contact_phone(party))


def sms_choose(request: HttpRequest, case: Case, *, receive: bool) -> bool:
    """Stop or resume the non-statutory SMS (reminders, the rating invitation) to the
    verified applicant's phone; statutory notices always go. False if not verified."""
    party = _session_applicant(request, case)
    if party is None:
        return False
    phone = party_contact_phone(party)
    if receive:
        sms.opt_in(phone, source=SmsOptOut.Source.PROGRESS)
    else:
        sms.opt_out(phone, source=SmsOptOut.Source.PROGRESS)
    return True


# --- the one-time code -------------------------------------------------------------------
class CodeRefused(Exception):
    """Why no code was sent or accepted, in words for the resident."""


def _digest(*parts: Any) -> str:
    """A keyed digest (the cache holds neither codes nor case numbers in the clear; a
    plain hash of six digits would be reversed by trying the million of them)."""
    message = "\x1f".join(str(p) for p in parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _nonce(request: HttpRequest) -> str:
    nonce = request.session.get(_NONCE)
    if not nonce:
        nonce = request.session[_NONCE] = secrets.token_hex(16)
    return nonce


def _code_key(request: HttpRequest, case: Case) -> str:
    return f"progress-code:{_digest('key', _nonce(request), case.pk)}"


def _count(key: str, seconds: int) -> int:
    """One more in a counter that expires ``seconds`` after its first count."""
    if cache.add(key, 1, seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired in between
        cache.add(key, 1, seconds)
        return 1


def code_request(*, request: HttpRequest, case: Case) -> None:
    """Send a new code by SMS to the applicants' phones on file, replacing this session's
    code for the case. Raises ``CodeRefused`` while the resend limits hold."""
    case_key = _digest("case", case.pk)
    if not cache.add(f"progress-code-wait:{case_key}", 1, RESEND_SECONDS):
        raise CodeRefused(_("验证码发送过于频繁，请1分钟后再试。"))
    if _count(f"progress-code-hour:{case_key}", 3600) > CODES_PER_HOUR:
        raise CodeRefused(_("验证码发送次数过多，请1小时后再试。"))
    code = f"{secrets.randbelow(10**6):06d}"
    key = _code_key(request, case)
    cache.set(key, _digest("code", _nonce(request), case.pk, code), CODE_SECONDS)
    cache.delete(f"{key}:tries")
    # The code's only copy in the clear is the message itself (the Notification row,
    # sent after commit by the configured SMS backend). Statutory in the gateway's sense:
    # the resident asked for it, so neither an opt-out nor the daily cap holds it back —
    # the limits above keep it from becoming a way to flood a phone.
    parties_notify(
        case=case,
        roles=(CaseParty.Role.APPLICANT,),
        kind="progress_code",
        subject=_("办理进度查询验证码"),
        body=_(
            "您正在查看案件（编号%(number)s）的文书，验证码%(code)s，%(minutes)d分钟内有效。"
            "如非本人操作，请忽略本短信。"
        )
        % {"number": case.number, "code": code, "minutes": CODE_SECONDS // 60},
    )


def code_verify(*, request: HttpRequest, case: Case, code: str) -> None:
    """Accept this session's code for the case once: the session may then download the
    applicant's documents for ``VERIFIED_SECONDS``. Raises ``CodeRefused``."""
    key = _code_key(request, case)
    stored = cache.get(key)
    if stored is None:
        raise CodeRefused(_("验证码已失效，请重新获取。"))
    expected = _digest("code", _nonce(request), case.pk, code.strip())
    if not hmac.compare_digest(stored, expected):
        if _count(f"{key}:tries", CODE_SECONDS) >= CODE_TRIES:
            cache.delete(key)
            raise CodeRefused(_("验证码错误次数过多，请重新获取。"))
        raise CodeRefused(_("验证码错误，请核对短信中的6位数字。"))
    cache.delete_many([key, f"{key}:tries"])
    request.session[_VERIFIED] = {"case": case.pk, "until": time.time() + VERIFIED_SECONDS}
    request.session[_TOKENS] = {}


def verified(request: HttpRequest, case: Case) -> bool:
    access = request.session.get(_VERIFIED) or {}
    return access.get("case") == case.pk and access.get("until", 0) > time.time()


# --- the documents -------------------------------------------------------------------------
def resident_documents(request: HttpRequest, case: Case) -> list[dict[str, Any]]:
    """The documents addressed to the applicant (the latest of each kind that is ready),
    each with a token of this session: its download address is not guessable, and it
    means nothing in another browser."""
    if not verified(request, case):
        return []
    latest: dict[str, CaseDocument] = {}
    for document in case.documents.filter(
        kind__in=RESIDENT_DOCUMENTS, status=CaseDocument.Status.READY
    ).order_by("created_at", "id"):
        latest[document.kind] = document
    tokens = {}
    rows = []
    for document in sorted(latest.values(), key=lambda d: (d.created_at, d.id)):
        token = secrets.token_urlsafe(18)
        tokens[token] = document.pk
        rows.append(
            {
                "token": token,
                "title": document.get_kind_display(),
                "version": document.ref_version,
                "created": document.created_at,
            }
        )
    request.session[_TOKENS] = tokens
    return rows


def resident_document(request: HttpRequest, token: str) -> CaseDocument | None:
    """The document behind this session's token, while the session is verified for its
    case; the download is written to the audit log as the resident's access."""
    access = request.session.get(_VERIFIED) or {}
    pk = (request.session.get(_TOKENS) or {}).get(token)
    if pk is None or access.get("until", 0) <= time.time():
        return None
    document = (
        CaseDocument.objects.select_related("case__county")
        .filter(
            pk=pk,
            case_id=access.get("case"),
            kind__in=RESIDENT_DOCUMENTS,
            status=CaseDocument.Status.READY,
        )
        .first()
    )
    if document is None:
        return None
    case = document.case
    audit_record(
        actor=None,
        action=AuditLog.Action.VIEW_PERSONAL_DATA,
        request=request,
        obj=document,
        county=case.county,
        case_number=case.number,
        username=RESIDENT,
        detail={"document": document.kind, "version": document.ref_version, "by": "applicant"},
    )
    return document
