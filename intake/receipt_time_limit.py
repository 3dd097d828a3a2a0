"""The time limit a resident is told at registration (on the receipt), by the nature of
the matter. The rule codes are those of LAW.md; the clocks engine computes the dates."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from intake.models import Case


@dataclass(frozen=True)
class TimeLimit:
    rule: str
    label: str
    source: str


RECEIPT_LIMITS = {
    Case.Nature.DISPUTE: TimeLimit(
        "mediation_people",
        _("人民调解一般在受理后30日内调结"),
        _("司法部《人民调解工作若干规定》第33条"),
    ),
    Case.Nature.PETITION: TimeLimit(
        "petition_notice",
        _("自收到之日起15日内告知是否受理及办理方式，受理后60日内办结并书面答复"),
        _("《信访工作条例》第22、23、34条"),
    ),
    Case.Nature.LABOUR: TimeLimit(
        "labour_mediation",
        _("劳动争议调解组织自收到调解申请之日起15日内结束调解"),
        _("《劳动争议调解仲裁法》第14条"),
    ),
    Case.Nature.ADMINISTRATIVE: TimeLimit(
        "review_accept",
        _("行政复议机关收到申请后5个工作日内审查，决定是否受理"),
        _("《行政复议法》第30条"),
    ),
    Case.Nature.LEGAL_AID: TimeLimit(
        "legal_aid_decide",
        _("法律援助机构收到申请之日起7日内决定是否给予法律援助"),
        _("《法律援助法》第43条"),
    ),
}


def receipt_time_limit(nature: str) -> TimeLimit | None:
    """Consultations are answered on the spot: no statutory period to announce."""
    return RECEIPT_LIMITS.get(nature)
