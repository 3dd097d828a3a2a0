"""The navigation bar: what the signed-in user may open."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from centre import selectors

# (permission or any of several, label, URL name). Later issues add their pages here.
_INCIDENT_BOARD = (
    "incidents.view_incident",
    "incidents.view_town_incident",
    "incidents.view_department_incident",
    "incidents.report_incident",
)
NAV_ITEMS = [
    ("centre.use_intake_desk", _("受理台"), "intake:desk"),
    ("intake.view_case", _("案件查询"), "intake:cases"),
    ("incidents.report_incident", _("事件上报"), "incidents:report"),
    (_INCIDENT_BOARD, _("事件处置"), "incidents:board"),
    ("incidents.view_incident", _("县级事件总览"), "incidents:county"),
    ("intake.start_mediation_case", _("待分派调解"), "mediation:assign"),
    ("centre.use_mediation_desk", _("我的调解"), "mediation:my_cases"),
    ("centre.use_judicial_desk", _("司法确认"), "judicial:queue"),
    ("petitions.use_petition_desk", _("信访接待"), "petitions:queue"),
    ("legal_aid.use_legal_aid_desk", _("法律援助"), "legal_aid:queue"),
    ("labour.use_labour_desk", _("劳动监察仲裁"), "labour:queue"),
    ("review.use_review_desk", _("行政复议"), "review:queue"),
    ("centre.view_dashboard", _("领导驾驶舱"), "risk:dashboard"),
    ("centre.view_dashboard", _("风险预警"), "risk:warnings"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    items = [
        {"label": label, "url": reverse(url_name), "active": False}
        for perm, label, url_name in NAV_ITEMS
        if any(user.has_perm(p) for p in ((perm,) if isinstance(perm, str) else perm))
    ]
    # The deepest page the path is under is the active one (/intake/cases/… is not /intake/).
    matching = [item for item in items if path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items, "nav_admin": user.is_staff, "unread": selectors.unread_count(user)}
