"""Writes of the legal-aid window beyond its transitions: the applicant told of the
assignment, and what an objection's decision sets going."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from intake import processes
from intake.models import CaseDocument
from legal_aid.models import LegalAid


def assignment_notify(aid: LegalAid, actor: Any, data: dict[str, Any]) -> None:
    provider = aid.provider
    processes.applicant_notify(
        aid.case,
        subject=_("法律援助指派通知"),
        body=_("您的法律援助申请（编号%(number)s）已指派%(org)s%(name)s承办，联系电话：%(phone)s。")
        % {
            "number": aid.case.number,
            "org": provider.organisation,
            "name": provider.name,
            "phone": provider.phone or _("请咨询法律援助窗口"),
        },
    )


def objection_decided(aid: LegalAid, actor: Any, data: dict[str, Any]) -> None:
    """第49条: ordered to correct, the organisation grants aid (its decision is issued
    and the 3-day assignment clock starts, 第44条); upheld, the refusal stands. The
    bureau decides, the organisation assigns: the clock reminds the officer who refused."""
    if aid.state == LegalAid.State.GRANTED:
        processes.clock_start(aid, "legal_aid_assign", assignee=aid.accepted_by or actor)
        processes.document_request(aid, CaseDocument.Kind.LEGAL_AID_DECISION)
