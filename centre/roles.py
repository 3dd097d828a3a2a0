"""The roles of the centre, as Django groups holding named permissions.

Later issues add their models' permissions to the role that needs them here; the groups
are brought in line after every ``migrate`` (``centre.services.roles_sync``).

The three administrators are kept apart as 等保 三级 requires (三员分立): the system
administrator configures, the security administrator manages accounts and rights, the
auditor only reads the audit log. No one may hold two of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    home: str  # URL name of the page the role lands on
    permissions: tuple[str, ...]
    staff: bool = False  # may enter the Django admin


_CONFIG_MODELS = (
    "county",
    "region",
    "window",
    "department",
    "category",
    "documenttemplate",
    "holiday",
    "calendaryear",
    "deadlinerule",
)

# What a window clerk does with cases of their county (personal data in full only on the
# cases they registered: an object permission given at registration).
_CLERK_CASE = (
    "intake.view_case",
    "intake.register_case",
    "intake.triage_case",
    "intake.refer_case",
    "intake.hand_off_case",
    "intake.apply_confirmation_case",
    "intake.close_case",
    "intake.withdraw_case",
    "intake.add_attachment",
    # A consultation answered at the desk closes there (outcome answered).
    "legal_aid.legal_aid_answer",
    # The front desk records a labour dispute's application for arbitration.
    "labour.labour_arbitration_apply",
)

# The steps each window's officer takes (the extension and the objection's decision are
# the supervisor's).
_PETITION_STEPS = (
    "petition_accept",
    "petition_decline",
    "petition_to_mediation",
    "petition_reply",
    "petition_review_request",
    "petition_review_reply",
    "petition_recheck_request",
    "petition_recheck_reply",
    "petition_conclude",
)
_INSPECTION_STEPS = (
    "labour_inspection_accept",
    "labour_inspection_refuse",
    "labour_inspection_order",
    "labour_inspection_conclude",
)
_ARBITRATION_STEPS = (
    "labour_arbitration_apply",
    "labour_arbitration_accept",
    "labour_arbitration_refuse",
    "labour_arbitration_hearing",
    "labour_arbitration_settle",
    "labour_arbitration_award",
    "labour_arbitration_conclude",
)
_REVIEW_STEPS = (
    "review_accept",
    "review_refuse",
    "review_answer",
    "review_mediate",
    "review_decide",
    "review_withdraw",
)
_LEGAL_AID_STEPS = (
    "legal_aid_answer",
    "legal_aid_grant",
    "legal_aid_refuse",
    "legal_aid_assign",
    "legal_aid_object",
    "legal_aid_conclude",
)

ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role("clerk", _("窗口受理员"), "intake:desk", ("centre.use_intake_desk", *_CLERK_CASE)),
        Role(
            "mediator",
            _("调解员"),
            "mediation:my_cases",
            (
                "centre.use_mediation_desk",
                # Mediators see only the cases assigned to them (object permissions), so
                # these rights act only there.
                "intake.record_agreement_case",
                "intake.fail_mediation_case",
                "intake.apply_confirmation_case",
            ),
        ),
        Role(
            "judge",
            _("法官"),
            "judicial:queue",
            (
                "centre.use_judicial_desk",
                "intake.confirm_case",
                "intake.refuse_confirmation_case",
                "intake.not_accept_confirmation_case",
                "judicial.decide_confirmation",
                "judicial.record_court_outcome",
                # Closing a case the court has taken (outcome litigated).
                "intake.close_case",
            ),
        ),
        # Added by the judicial issue: the court's clerk delegates disputes to the centre
        # and reports the court's acceptance of handed-off cases.
        Role(
            "court_clerk",
            _("法院书记员"),
            "judicial:queue",
            (
                "centre.use_judicial_desk",
                "judicial.add_delegation",
                "judicial.record_court_outcome",
                "intake.close_case",
            ),
        ),
        # Added by the petition and legal-aid issue: each window's own officers act on the
        # cases at their window (their county's, like the clerks).
        Role(
            "petition_officer",
            _("信访接待员"),
            "petitions:queue",
            (
                "petitions.use_petition_desk",
                "intake.view_case",
                "intake.add_attachment",
                *(f"petitions.{name}" for name in _PETITION_STEPS),
            ),
        ),
        Role(
            "legal_aid_officer",
            _("法律援助审查员"),
            "legal_aid:queue",
            (
                "legal_aid.use_legal_aid_desk",
                "intake.view_case",
                "intake.add_attachment",
                *(f"legal_aid.{name}" for name in _LEGAL_AID_STEPS),
            ),
        ),
        # Added by the labour and administrative review issue.
        Role(
            "labour_inspector",
            _("劳动监察员"),
            "labour:queue",
            (
                "labour.use_labour_desk",
                "intake.view_case",
                "intake.add_attachment",
                *(f"labour.{name}" for name in _INSPECTION_STEPS),
            ),
        ),
        Role(
            "arbitrator",
            _("仲裁员"),
            "labour:queue",
            (
                "labour.use_labour_desk",
                "intake.view_case",
                "intake.add_attachment",
                *(f"labour.{name}" for name in _ARBITRATION_STEPS),
            ),
        ),
        Role(
            "review_officer",
            _("行政复议人员"),
            "review:queue",
            (
                "review.use_review_desk",
                "intake.view_case",
                "intake.add_attachment",
                *(f"review.{name}" for name in _REVIEW_STEPS),
            ),
        ),
        Role(
            "supervisor",
            _("窗口督办员"),
            # Lands on the cases waiting for mediators, not on the intake form.
            "mediation:assign",
            (
                "centre.use_intake_desk",
                "centre.use_mediation_desk",
                "centre.supervise_windows",
                "centre.view_dashboard",
                *_CLERK_CASE,
                "intake.view_personal_data",
                "intake.raise_risk_case",
                "intake.start_mediation_case",
                "risk.handle_riskwarning",
                # 第34条: the organ's head approves the petition's one extension; the
                # justice bureau decides objections to a legal-aid refusal (第49条).
                "petitions.use_petition_desk",
                "petitions.petition_extend",
                "legal_aid.use_legal_aid_desk",
                "legal_aid.legal_aid_objection_decide",
                # The department head extends a labour inspection (劳动保障监察条例 第17条),
                # the commission's chair an arbitration (劳动争议调解仲裁法 第43条), the
                # review body's head a review (行政复议法 第62条).
                "labour.use_labour_desk",
                "labour.labour_inspection_extend",
                "labour.labour_arbitration_extend",
                "review.use_review_desk",
                "review.review_extend",
            ),
        ),
        # Leaders see their county's cases with personal data masked, and aggregates.
        Role(
            "leader",
            _("县领导"),
            "risk:dashboard",
            ("centre.view_dashboard", "intake.view_case", "risk.handle_riskwarning"),
        ),
        Role("grid_worker", _("网格员"), "incidents:report", ("centre.report_from_grid",)),
        Role(
            "sysadmin",
            _("系统管理员"),
            "admin:index",
            (
                "centre.configure_system",
                *(
                    f"centre.{verb}_{model}"
                    for model in _CONFIG_MODELS
                    for verb in ("add", "change", "view")
                ),
                "centre.delete_region",
                "centre.delete_category",
                "centre.delete_department",
                "centre.view_heartbeat",
                "intake.add_triagerule",
                "intake.change_triagerule",
                "intake.delete_triagerule",
                "intake.view_triagerule",
                *(
                    f"mediation.{verb}_{model}"
                    for model in ("organisation", "grade", "mediator", "rotaentry")
                    for verb in ("add", "change", "view", "delete")
                ),
                *(f"judicial.{verb}_court" for verb in ("add", "change", "view", "delete")),
                *(f"legal_aid.{verb}_provider" for verb in ("add", "change", "view", "delete")),
                *(
                    f"labour.{verb}_{model}"
                    for model in ("arbitrator", "minimumwage")
                    for verb in ("add", "change", "view", "delete")
                ),
                # The warning rules' thresholds and the high-risk words are configuration.
                *(f"risk.{verb}_warningrule" for verb in ("change", "view")),
                *(f"risk.{verb}_riskkeyword" for verb in ("add", "change", "view", "delete")),
            ),
            staff=True,
        ),
        Role(
            "secadmin",
            _("安全管理员"),
            "admin:index",
            (
                "centre.manage_accounts",
                "auth.add_user",
                "auth.change_user",
                "auth.view_user",
                "auth.view_group",
                "centre.add_staffprofile",
                "centre.change_staffprofile",
                "centre.view_staffprofile",
                # Reading the counties and departments is needed to place staff in them.
                "centre.view_county",
                "centre.view_department",
                "centre.view_window",
                "centre.view_region",
                # Unlocking a locked account is deleting its failed attempts.
                "axes.view_accessattempt",
                "axes.delete_accessattempt",
                # Tokens are listed without their value and revoked, never read.
                "centre.view_apitoken",
                "centre.change_apitoken",
                # A lost phone: the account's dynamic-password device is reset, audited.
                "centre.reset_two_factor",
                "centre.view_serviceaccount",
                "centre.change_serviceaccount",
            ),
            staff=True,
        ),
        Role(
            "auditor",
            _("安全审计员"),
            "admin:index",
            (
                "centre.read_audit_log",
                "centre.view_auditlog",
                "axes.view_accesslog",
                "axes.view_accessfailurelog",
            ),
            staff=True,
        ),
    ]
}

ADMIN_ROLES = frozenset({"sysadmin", "secadmin", "auditor"})

# When someone holds several roles, the first in this order chooses their home page.
HOME_ORDER = (
    "clerk",
    "supervisor",
    "mediator",
    "judge",
    "court_clerk",
    "petition_officer",
    "legal_aid_officer",
    "labour_inspector",
    "arbitrator",
    "review_officer",
    "leader",
    "grid_worker",
    "sysadmin",
    "secadmin",
    "auditor",
)

# Added by the incident command issue (事件处置): the town's command room and the
# departments it assigns to; grid workers report, supervisors command at county level.
_INCIDENT_COMMAND = tuple(
    f"incidents.{name}_incident"
    for name in (
        "accept",
        "assign",
        "reassign",
        "extend",
        "verify",
        "close",
        "escalate",
        "to_case",
    )
)
ROLES["town_dispatcher"] = Role(
    "town_dispatcher",
    _("乡镇指挥室调度员"),
    "incidents:board",
    ("incidents.view_town_incident", *_INCIDENT_COMMAND),
)
ROLES["department_handler"] = Role(
    "department_handler",
    _("部门处置人员"),
    "incidents:board",
    ("incidents.view_department_incident", "incidents.feedback_incident"),
)
ROLES["grid_worker"] = replace(
    ROLES["grid_worker"],
    permissions=(
        *ROLES["grid_worker"].permissions,
        "incidents.report_incident",
        "incidents.resolve_on_site_incident",
    ),
)
ROLES["supervisor"] = replace(
    ROLES["supervisor"],
    permissions=(*ROLES["supervisor"].permissions, "incidents.view_incident", *_INCIDENT_COMMAND),
)
ROLES["leader"] = replace(
    ROLES["leader"], permissions=(*ROLES["leader"].permissions, "incidents.view_incident")
)
HOME_ORDER = (*HOME_ORDER, "town_dispatcher", "department_handler")
ROLES["sysadmin"] = replace(
    ROLES["sysadmin"],
    permissions=(
        *ROLES["sysadmin"].permissions,
        *(f"incidents.{verb}_incidentcategory" for verb in ("add", "change", "view")),
    ),
)
