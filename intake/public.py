"""The public progress page's look-up: the stage of a case, and nothing personal.

A resident proves they are the applicant with the last four digits of the phone they
left; answers are the same for "no such case" and "wrong digits", and tries are counted
both per address and per case number, so the page cannot be used to discover cases or
phone numbers: a guesser spread over many addresses still gets only a few wrong tries at
one case, and a centre's residents behind one NAT address share a generous allowance.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from centre.crypto import get_keyring
from centre.names import ref_name
from centre.net import client_ip
from intake.identity import phone_last4
from intake.models import Case, CaseParty

ATTEMPTS = 30  # per address: many residents may come from one (a village's NAT)
ATTEMPTS_PER_CASE = 5  # wrong answers for one case number, from wherever they come
WINDOW_SECONDS = 600

NEXT_STEP = {
    Case.State.REGISTERED: _("中心正在分流，将转到相应窗口办理"),
    Case.State.TRIAGED: _("已分流到承办窗口，等待安排调解或办理"),
    Case.State.MEDIATING: _("调解进行中，调解员会通知您参加调解"),
    Case.State.AGREED: _("已达成调解协议，请按协议履行；需要时可申请司法确认"),
    Case.State.CONFIRMING: _("人民法院正在审查司法确认申请"),
    Case.State.CONFIRMED: _("调解协议已经法院确认有效，一方不履行的可申请强制执行"),
    Case.State.MEDIATION_FAILED: _("调解未成，可选择诉讼等途径，窗口将提供起诉指引"),
    Case.State.LITIGATING: _("调解未成，已为您整理起诉材料，请向人民法院起诉"),
    Case.State.HANDLING: _("承办窗口已受理，正在依法办理，办理结果将书面告知您"),
    Case.State.REFERRED: _("已转交相关部门办理"),
    Case.State.CLOSED: _("已办结"),
}


def progress_lookup(*, request: Any, number: str, phone_last4: str) -> dict[str, Any]:
    number = number.strip()
    key = f"progress-attempts:{client_ip(request) or 'unknown'}"
    # The number is hashed into the key: the cache keeps no case numbers in the clear.
    case_key = f"progress-case:{hashlib.sha256(number.encode()).hexdigest()}"
    attempts = cache.get_or_set(key, 0, WINDOW_SECONDS)
    if attempts >= ATTEMPTS or cache.get(case_key, 0) >= ATTEMPTS_PER_CASE:
        return {"found": False, "throttled": True}
    cache.incr(key)
    case = Case.objects.select_related("window").filter(number=number).first()
    if case is None or not _applicant_phone_ends_with(case, phone_last4):
        cache.get_or_set(case_key, 0, WINDOW_SECONDS)
        cache.incr(case_key)
        return {"found": False, "throttled": False}
    return {
        "found": True,
        "number": case.number,
        "stage": case.get_state_display(),
        "window": ref_name(case.window) if case.window_id else "",
        "next_step": NEXT_STEP[case.state],
        "updated": case.state_changed_at,
        "registered": case.registered_at,
    }


def _applicant_phone_ends_with(case: Case, digits: str) -> bool:
    keyring = get_keyring()
    for cp in case.case_parties.filter(role=CaseParty.Role.APPLICANT).select_related("party"):
        if cp.party.phone_enc:
            last4 = phone_last4(keyring.decrypt(bytes(cp.party.phone_enc)))
            if hmac.compare_digest(last4, digits):
                return True
    return False
