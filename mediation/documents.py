"""The mediation agreement (人民调解协议书) as a PDF, from a template administrators can
adjust (centre.DocumentTemplate named ``mediation/agreement.html``)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from django.utils import timezone

from centre.periods import date_text
from intake.documents import Renderer, parties_in_full, register_renderer
from intake.models import Case, CaseDocument
from mediation.models import Agreement, Organisation
from mediation.selectors import lead_participant


def agreement_context(document: CaseDocument, case: Case) -> dict[str, Any]:
    """The agreement identifies the parties in full (name, ID document, address): it is
    the document a court confirms. Its download is audited like any full view."""
    agreement = Agreement.objects.select_related("mediation", "created_by").get(pk=document.ref_id)
    mediation = agreement.mediation
    lead = lead_participant(mediation)
    organisation = lead.organisation if lead else None
    signed = {s["party"]: s for s in agreement.signatures}
    parties = parties_in_full(case)
    for row in parties:
        row["signature"] = signed.get(row["party_id"], {}).get("method", "")
    # 人民调解法 第29条: the agreement takes effect when each party signs, seals or
    # fingerprints the paper original. A confirmation on the centre's screen records that
    # the party agreed to the text; it is not a signature and is never printed as one, so
    # every signing party gets an empty signature and fingerprint line.
    signers = [p for p in parties if not p["is_third"] or p["signature"]]
    onscreen = [
        {**p, "on": _signed_on(signed[p["party_id"]].get("signed_at"))}
        for p in signers
        if p["signature"] == "onscreen"
    ]
    return {
        "case": case,
        "agreement": agreement,
        "number": f"{case.number}-{agreement.version}",
        "organisation": organisation,
        "seal": _seal_data_uri(organisation),
        "mediators": agreement.mediator_names,
        "mediator_list": [n for n in agreement.mediator_names.split("、") if n],
        "parties": parties,
        "signers": signers,
        "onscreen": onscreen,
        # Each signing party keeps one original and the committee one: 一式三份 in words.
        "copies": chinese_count(len(signers) + 1),
        "issued_on": timezone.localdate(agreement.created_at),
        "centre": case.county,
    }


def agreement_sample() -> dict[str, Any]:
    """What ``agreement_context`` gives, with made-up values and unsaved rows: an
    administrator's version of the template is rendered with it before it is saved. The
    ID number is built with a valid check digit and belongs to nobody."""
    from datetime import date

    from centre.models import County

    county = County(code="330523", name="安吉县", centre_name="安吉县社会矛盾纠纷调处化解中心")
    case = Case(number="AJ2026000001", county=county)
    agreement = Agreement(
        version=2,
        facts="双方因相邻宅基地排水沟的走向发生争执。",
        disputes="排水沟是否占用申请人的宅基地。",
        responsibilities="被申请人改沟未与邻居商量，负主要责任。",
        terms="被申请人于2026年12月20日前将排水沟恢复原状，并赔偿申请人损失2000元。",
        performance_method="一次性现金支付",
        performance_due=date(2026, 12, 20),
        mediator_names="王调解、李调解",
        correction_note="更正赔偿金额",
        created_at=timezone.now(),
    )
    organisation = Organisation(name="递铺街道人民调解委员会")
    person = {
        "party_id": 1,
        "role": "申请人",
        "is_third": False,
        "name": "张三",
        "kind": "person",
        "id_type": "居民身份证",
        "id_number": "330523196504120029",
        "credit_code": "",
        "legal_representative": "",
        "address": "浙江省安吉县递铺街道某村1号",
        "phone": "13800000000",
        "sex": "女",
        "birth": "1965年4月12日",
        "ethnicity": "汉族",
        "occupation": "农民",
        "signature": "onscreen",
    }
    company = {
        **person,
        "party_id": 2,
        "role": "被申请人",
        "name": "安吉某竹木加工有限公司",
        "kind": "organisation",
        "id_type": "",
        "id_number": "",
        "credit_code": "91330523MA2B000004",
        "legal_representative": "李四",
        **{"sex": "", "birth": "", "ethnicity": "", "occupation": "", "signature": "paper"},
    }
    parties = [person, company]
    return {
        "case": case,
        "agreement": agreement,
        "number": f"{case.number}-{agreement.version}",
        "organisation": organisation,
        "seal": "",
        "mediators": agreement.mediator_names,
        "mediator_list": ["王调解", "李调解"],
        "parties": parties,
        "signers": parties,
        "onscreen": [{**person, "on": "2026年12月6日"}],
        "copies": chinese_count(len(parties) + 1),
        "issued_on": date(2026, 12, 6),
        "centre": county,
    }


_DIGITS = "零一二三四五六七八九"


def chinese_count(n: int) -> str:
    """A small count in Chinese words, as documents write copies (一式三份, 一式十二份)."""
    if n == 2:
        return "两"
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{_DIGITS[tens] if tens > 1 else ''}十{_DIGITS[ones] if ones else ''}"


def _signed_on(value: str | None) -> str:
    if not value:
        return ""
    try:
        return date_text(timezone.localdate(datetime.fromisoformat(value)))
    except (TypeError, ValueError):
        return ""


def _seal_data_uri(organisation) -> str:
    """The seal image inline: documents load nothing by URL except static files."""
    if organisation is None or not organisation.seal:
        return ""
    with organisation.seal.open("rb") as f:
        data = f.read()
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


register_renderer(
    CaseDocument.Kind.AGREEMENT,
    Renderer(
        "mediation/agreement.html",
        agreement_context,
        editable=True,
        personal_data=True,
        sample=agreement_sample,
    ),
)
