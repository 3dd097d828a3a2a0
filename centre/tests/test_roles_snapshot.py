"""What each role holds, sees and lands on, pinned before the apps declared their own rights,
roles and menu entries (issue 24): moving the tables out of centre must not change a single
permission, link or landing page. A deliberate change to a role updates this snapshot in the
same commit."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from centre.context_processors import navigation
from centre.roles import ROLES

PERMISSIONS = {
    "clerk": {
        "centre.use_intake_desk",
        "intake.add_attachment",
        "intake.apply_confirmation_case",
        "intake.close_case",
        "intake.hand_off_case",
        "intake.refer_case",
        "intake.register_case",
        "intake.triage_case",
        "intake.view_case",
        "intake.withdraw_case",
        "labour.labour_arbitration_apply",
        "legal_aid.legal_aid_answer",
    },
    "mediator": {
        "centre.use_mediation_desk",
        "intake.apply_confirmation_case",
        "intake.fail_mediation_case",
        "intake.record_agreement_case",
    },
    "judge": {
        "centre.use_judicial_desk",
        "intake.close_case",
        "intake.confirm_case",
        "intake.not_accept_confirmation_case",
        "intake.refuse_confirmation_case",
        "judicial.decide_confirmation",
        "judicial.record_court_outcome",
    },
    "court_clerk": {
        "centre.use_judicial_desk",
        "intake.close_case",
        "judicial.add_delegation",
        "judicial.record_court_outcome",
    },
    "petition_officer": {
        "intake.add_attachment",
        "intake.view_case",
        "petitions.petition_accept",
        "petitions.petition_conclude",
        "petitions.petition_decline",
        "petitions.petition_recheck_reply",
        "petitions.petition_recheck_request",
        "petitions.petition_reply",
        "petitions.petition_review_reply",
        "petitions.petition_review_request",
        "petitions.petition_to_mediation",
        "petitions.use_petition_desk",
    },
    "legal_aid_officer": {
        "intake.add_attachment",
        "intake.view_case",
        "legal_aid.legal_aid_answer",
        "legal_aid.legal_aid_assign",
        "legal_aid.legal_aid_conclude",
        "legal_aid.legal_aid_grant",
        "legal_aid.legal_aid_object",
        "legal_aid.legal_aid_refuse",
        "legal_aid.use_legal_aid_desk",
    },
    "labour_inspector": {
        "intake.add_attachment",
        "intake.view_case",
        "labour.labour_inspection_accept",
        "labour.labour_inspection_conclude",
        "labour.labour_inspection_order",
        "labour.labour_inspection_refuse",
        "labour.use_labour_desk",
    },
    "arbitrator": {
        "intake.add_attachment",
        "intake.view_case",
        "labour.labour_arbitration_accept",
        "labour.labour_arbitration_apply",
        "labour.labour_arbitration_award",
        "labour.labour_arbitration_conclude",
        "labour.labour_arbitration_hearing",
        "labour.labour_arbitration_refuse",
        "labour.labour_arbitration_settle",
        "labour.use_labour_desk",
    },
    "review_officer": {
        "intake.add_attachment",
        "intake.view_case",
        "review.review_accept",
        "review.review_answer",
        "review.review_decide",
        "review.review_mediate",
        "review.review_refuse",
        "review.review_withdraw",
        "review.use_review_desk",
    },
    "supervisor": {
        "centre.supervise_windows",
        "centre.use_intake_desk",
        "centre.use_mediation_desk",
        "centre.view_dashboard",
        "feedback.handle_reworkticket",
        "feedback.view_reworkticket",
        "incidents.accept_incident",
        "incidents.assign_incident",
        "incidents.close_incident",
        "incidents.escalate_incident",
        "incidents.extend_incident",
        "incidents.reassign_incident",
        "incidents.to_case_incident",
        "incidents.verify_incident",
        "incidents.view_incident",
        "intake.add_attachment",
        "intake.apply_confirmation_case",
        "intake.close_case",
        "intake.hand_off_case",
        "intake.raise_risk_case",
        "intake.refer_case",
        "intake.register_case",
        "intake.reopen_case",
        "intake.start_mediation_case",
        "intake.triage_case",
        "intake.view_case",
        "intake.view_personal_data",
        "intake.withdraw_case",
        "labour.labour_arbitration_apply",
        "labour.labour_arbitration_extend",
        "labour.labour_inspection_extend",
        "labour.use_labour_desk",
        "legal_aid.legal_aid_answer",
        "legal_aid.legal_aid_objection_decide",
        "legal_aid.use_legal_aid_desk",
        "petitions.petition_extend",
        "petitions.use_petition_desk",
        "review.review_extend",
        "review.use_review_desk",
        "risk.handle_riskwarning",
    },
    "leader": {
        "centre.view_dashboard",
        "incidents.view_incident",
        "intake.view_case",
        "risk.handle_riskwarning",
    },
    "grid_worker": {
        "centre.report_from_grid",
        "incidents.report_incident",
        "incidents.resolve_on_site_incident",
    },
    "sysadmin": {
        "centre.add_calendaryear",
        "centre.add_category",
        "centre.add_county",
        "centre.add_deadlinerule",
        "centre.add_department",
        "centre.add_documenttemplate",
        "centre.add_holiday",
        "centre.add_region",
        "centre.add_window",
        "centre.change_calendaryear",
        "centre.change_category",
        "centre.change_county",
        "centre.change_deadlinerule",
        "centre.change_department",
        "centre.change_documenttemplate",
        "centre.change_holiday",
        "centre.change_region",
        "centre.change_window",
        "centre.configure_system",
        "centre.delete_category",
        "centre.delete_department",
        "centre.delete_region",
        "centre.view_calendaryear",
        "centre.view_category",
        "centre.view_county",
        "centre.view_deadlinerule",
        "centre.view_department",
        "centre.view_documenttemplate",
        "centre.view_heartbeat",
        "centre.view_holiday",
        "centre.view_region",
        "centre.view_window",
        "incidents.add_incidentcategory",
        "incidents.change_incidentcategory",
        "incidents.view_incidentcategory",
        "intake.add_triagerule",
        "intake.change_triagerule",
        "intake.delete_triagerule",
        "intake.view_triagerule",
        "judicial.add_court",
        "judicial.change_court",
        "judicial.delete_court",
        "judicial.view_court",
        "labour.add_arbitrator",
        "labour.add_minimumwage",
        "labour.change_arbitrator",
        "labour.change_minimumwage",
        "labour.delete_arbitrator",
        "labour.delete_minimumwage",
        "labour.view_arbitrator",
        "labour.view_minimumwage",
        "legal_aid.add_provider",
        "legal_aid.change_provider",
        "legal_aid.delete_provider",
        "legal_aid.view_provider",
        "mediation.add_grade",
        "mediation.add_mediator",
        "mediation.add_organisation",
        "mediation.add_rotaentry",
        "mediation.change_grade",
        "mediation.change_mediator",
        "mediation.change_organisation",
        "mediation.change_rotaentry",
        "mediation.delete_grade",
        "mediation.delete_mediator",
        "mediation.delete_organisation",
        "mediation.delete_rotaentry",
        "mediation.view_grade",
        "mediation.view_mediator",
        "mediation.view_organisation",
        "mediation.view_rotaentry",
        "partners.add_webhooksubscription",
        "partners.change_webhooksubscription",
        "partners.delete_webhooksubscription",
        "partners.replay_webhookdelivery",
        "partners.view_webhookdelivery",
        "partners.view_webhooksubscription",
        "risk.add_riskkeyword",
        "risk.change_riskkeyword",
        "risk.change_warningrule",
        "risk.delete_riskkeyword",
        "risk.view_riskkeyword",
        "risk.view_warningrule",
    },
    "secadmin": {
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "auth.view_user",
        "axes.delete_accessattempt",
        "axes.view_accessattempt",
        "centre.add_staffprofile",
        "centre.change_apitoken",
        "centre.change_serviceaccount",
        "centre.change_staffprofile",
        "centre.manage_accounts",
        "centre.reset_two_factor",
        "centre.view_apitoken",
        "centre.view_county",
        "centre.view_department",
        "centre.view_region",
        "centre.view_serviceaccount",
        "centre.view_staffprofile",
        "centre.view_window",
    },
    "auditor": {
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
        "centre.read_audit_log",
        "centre.view_auditlog",
    },
    "town_dispatcher": {
        "incidents.accept_incident",
        "incidents.assign_incident",
        "incidents.close_incident",
        "incidents.escalate_incident",
        "incidents.extend_incident",
        "incidents.reassign_incident",
        "incidents.to_case_incident",
        "incidents.verify_incident",
        "incidents.view_town_incident",
    },
    "department_handler": {"incidents.view_department_incident", "incidents.feedback_incident"},
    "partner": {"intake.register_case", "intake.view_source_cases"},
}

# (label, URL) in menu order, for a user holding only that role, on the home page.
MENUS = {
    "clerk": [("受理台", "/intake/"), ("案件查询", "/intake/cases/")],
    "mediator": [("我的调解", "/mediation/")],
    "judge": [("司法确认", "/judicial/")],
    "court_clerk": [("司法确认", "/judicial/")],
    "petition_officer": [("案件查询", "/intake/cases/"), ("信访接待", "/petitions/")],
    "legal_aid_officer": [("案件查询", "/intake/cases/"), ("法律援助", "/legal-aid/")],
    "labour_inspector": [("案件查询", "/intake/cases/"), ("劳动监察仲裁", "/labour/")],
    "arbitrator": [("案件查询", "/intake/cases/"), ("劳动监察仲裁", "/labour/")],
    "review_officer": [("案件查询", "/intake/cases/"), ("行政复议", "/review/")],
    "supervisor": [
        ("受理台", "/intake/"),
        ("案件查询", "/intake/cases/"),
        ("事件处置", "/incidents/"),
        ("县级事件总览", "/incidents/county/"),
        ("待分派调解", "/mediation/assign/"),
        ("我的调解", "/mediation/"),
        ("信访接待", "/petitions/"),
        ("回访重办", "/feedback/tickets/"),
        ("法律援助", "/legal-aid/"),
        ("劳动监察仲裁", "/labour/"),
        ("行政复议", "/review/"),
        ("领导驾驶舱", "/risk/"),
        ("风险预警", "/risk/warnings/"),
    ],
    "leader": [
        ("案件查询", "/intake/cases/"),
        ("事件处置", "/incidents/"),
        ("县级事件总览", "/incidents/county/"),
        ("领导驾驶舱", "/risk/"),
        ("风险预警", "/risk/warnings/"),
    ],
    "grid_worker": [("事件上报", "/incidents/report/"), ("事件处置", "/incidents/")],
    "sysadmin": [],
    "secadmin": [],
    "auditor": [],
    "partner": [],
    "town_dispatcher": [("事件处置", "/incidents/")],
    "department_handler": [("事件处置", "/incidents/")],
}


def test_each_role_holds_exactly_the_permissions_it_held():
    assert {code: set(role.permissions) for code, role in ROLES.items()} == PERMISSIONS


@pytest.mark.django_db
def test_each_role_sees_exactly_the_menu_it_saw(role_users):
    seen = {}
    for code, user in role_users.items():
        if code is None:
            continue
        request = RequestFactory().get("/")
        request.user = user
        items = navigation(request)["nav_items"]
        seen[code] = [(str(item["label"]), item["url"]) for item in items]
    assert seen == MENUS


# Each role's landing page, in the order that picks the home of someone holding several.
HOMES = [
    ("clerk", "intake:desk"),
    ("supervisor", "mediation:assign"),
    ("mediator", "mediation:my_cases"),
    ("judge", "judicial:queue"),
    ("court_clerk", "judicial:queue"),
    ("petition_officer", "petitions:queue"),
    ("legal_aid_officer", "legal_aid:queue"),
    ("labour_inspector", "labour:queue"),
    ("arbitrator", "labour:queue"),
    ("review_officer", "review:queue"),
    ("leader", "risk:dashboard"),
    ("grid_worker", "incidents:report"),
    ("sysadmin", "admin:index"),
    ("secadmin", "admin:index"),
    ("auditor", "admin:index"),
    ("town_dispatcher", "incidents:board"),
    ("department_handler", "incidents:board"),
    ("partner", None),
]


def test_each_role_lands_where_it_landed_in_the_same_order():
    assert [(code, role.home) for code, role in ROLES.items()] == HOMES


def test_a_grant_made_before_the_role_is_defined_is_kept_and_nothing_twice():
    from centre import roles

    saved = dict(roles.ROLES)
    try:
        roles.role_grant("probe_role", "intake.view_case", home="intake:cases")
        roles.role_define("probe_role", "probe", rank=5, permissions=("intake.view_case",))
        roles.role_grant("probe_role", "intake.add_attachment")
        probe = roles.ROLES["probe_role"]
        assert probe.permissions == ("intake.view_case", "intake.add_attachment")
        assert probe.home == "intake:cases"
        assert next(iter(roles.ROLES)) == "probe_role"  # rank 5 comes first
    finally:
        roles.ROLES.clear()
        roles.ROLES.update(saved)
