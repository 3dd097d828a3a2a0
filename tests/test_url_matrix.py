"""Who gets what from every URL (issue 17): each URL pattern of the URL conf × anonymous,
an account without a role, every role and a second mediator → the status they must get.

The table below is the expectation, one row per URL name (a URL taking a case has a second
row with another county's case: 404 for everyone signed in, as ``intake.access`` hides
its existence). A URL added to the conf without a row here fails ``test_every_url_has_a_row``
naming it. Each role is one test that asks every URL and lists all the cells that differ.

Cells: ``login`` is a redirect to the login page, ``302`` any other redirect; ``*`` is
every column not named; ``staff`` the three administrators; ``windows`` the five windows'
officers (信访、法律援助、劳动监察、仲裁、行政复议).
Rows whose method is POST are URLs that take POST only; they are posted an empty form.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from centre.roles import ADMIN_ROLES
from tests.url_matrix_world import COLUMNS, build_world, url_patterns

# Static files, media and the debug toolbar are not the application's URLs.
EXCLUDED = ("static/", "media/", "__debug__/")

WINDOWS = (
    "petition_officer",
    "legal_aid_officer",
    "labour_inspector",
    "arbitrator",
    "review_officer",
)
GROUPS = {"staff": tuple(sorted(ADMIN_ROLES)), "windows": WINDOWS}


@dataclass(frozen=True)
class Row:
    name: str
    expect: str
    kwargs: tuple[tuple[str, str], ...] = ()
    method: str = "GET"
    query: str = ""
    label: str = ""
    perms: tuple[str, ...] = ()  # an admin model page: the rights that open it
    path: str = ""  # an unnamed pattern's URL

    @property
    def key(self) -> str:
        return self.label or self.name


def row(url: str, expect: str, /, method: str = "GET", query: str = "", label: str = "", **kw):
    return Row(url, expect, tuple(kw.items()), method, query, label)


def other(url: str, expect: str, /, method: str = "GET", **kw) -> Row:
    """The same URL on another county's case: hidden from everyone signed in."""
    kw = {k: ("@other_case.number" if v.endswith(".number") else v) for k, v in kw.items()}
    return row(url, expect, method=method, label=f"{url} (另一县)", **kw)


CASE = {"number": "@mediating.number"}

MATRIX: list[Row] = [
    # --- The centre ----------------------------------------------------------------------
    row("home", "anonymous=login outsider,partner=403 *=302"),
    row("healthz", "*=200"),
    row("inbox", "anonymous=login *=200"),
    row("login", "anonymous=200 *=302"),
    row("logout", "*=login", method="POST"),
    row("password_change", "anonymous=login *=200"),
    row("password_change_done", "anonymous=login *=200"),
    row("two_factor", "anonymous=login *=302"),
    row("two_factor_enrol", "anonymous=login *=302"),
    row("set_language", "*=302", method="POST"),
    row("api-schema", "anonymous=401 *=200"),
    row("api-docs", "anonymous=401 *=200"),
    # --- Intake --------------------------------------------------------------------------
    row("intake:desk", "anonymous=login clerk,supervisor=200 *=403"),
    row("intake:grid", "anonymous=login grid_worker=302 *=403"),
    row("intake:party_form", "anonymous=login clerk,supervisor=200 *=403"),
    row("intake:party_lookup", "anonymous=login clerk,supervisor=200 *=403", method="POST"),
    row("intake:field_check", "anonymous=login clerk,supervisor=400 *=403", method="POST"),
    row("intake:party_fill", "anonymous=login clerk,supervisor=400 *=403", method="POST"),
    row("intake:suggest", "anonymous=login clerk,supervisor=200 *=403"),
    row("intake:villages", "anonymous=login clerk,supervisor=200 *=403"),
    row("intake:deadline", "anonymous=login clerk,supervisor=200 *=403"),
    row("intake:cases", "anonymous=login *=200"),
    row("intake:export", "anonymous=login *=200"),
    row(
        "intake:case",
        "anonymous=login clerk,mediator,windows,supervisor,leader=200 *=404",
        **CASE,
    ),
    other("intake:case", "anonymous=login *=404", **CASE),
    row(
        "intake:transition",
        "anonymous=login clerk,supervisor=302 mediator,windows,leader=403 *=404",
        method="POST",
        name="triage",
        **CASE,
    ),
    other("intake:transition", "anonymous=login *=404", method="POST", name="triage", **CASE),
    row(
        "intake:reveal",
        "clerk,mediator,supervisor=200 windows,leader=403 *=404",
        method="POST",
        pk="@party.pk",
        **CASE,
    ),
    other("intake:reveal", "*=404", method="POST", pk="@other_party.pk", **CASE),
    row(
        "intake:raise_risk",
        "clerk,mediator,windows,leader=403 supervisor=302 *=404",
        method="POST",
        **CASE,
    ),
    other("intake:raise_risk", "*=404", method="POST", **CASE),
    row(
        "intake:clock",
        "clerk,mediator,windows,leader=403 supervisor=302 *=404",
        method="POST",
        pk="@clock.pk",
        action="pause",
        **CASE,
    ),
    other("intake:clock", "*=404", method="POST", pk="@clock.pk", action="pause", **CASE),
    row(
        "intake:attach",
        "clerk,windows,supervisor=302 mediator,leader=403 *=404",
        method="POST",
        **CASE,
    ),
    other("intake:attach", "*=404", method="POST", **CASE),
    row(
        "intake:receipt",
        "clerk,mediator,windows,supervisor,leader=302 *=404",
        **CASE,
    ),
    other("intake:receipt", "*=404", **CASE),
    row(
        "intake:documents",
        "clerk,mediator,windows,supervisor,leader=200 *=404",
        **CASE,
    ),
    other("intake:documents", "*=404", **CASE),
    row(
        "intake:document",
        "clerk,mediator,windows,supervisor,leader=200 *=404",
        pk="@receipt.pk",
        **CASE,
    ),
    other("intake:document", "*=404", pk="@other_receipt.pk", **CASE),
    row(
        "intake:document_link",
        "clerk,mediator,windows,supervisor,leader=200 *=404",
        pk="@receipt.pk",
        **CASE,
    ),
    other("intake:document_link", "*=404", pk="@other_receipt.pk", **CASE),
    row("progress", "*=200"),
    # Without a case proven by this session: back to the look-up.
    row("progress_code", "*=302", method="POST"),
    row("progress_verify", "*=302", method="POST"),
    row("progress_sms", "*=302", method="POST"),
    # Without a verified session, no token opens a document.
    row("progress_document", "*=404", token="x"),
    # --- Mediation -----------------------------------------------------------------------
    row("mediation:my_cases", "anonymous=login mediator,supervisor,mediator2=200 *=403"),
    row("mediation:assign", "anonymous=login supervisor=200 *=403"),
    row(
        "mediation:start",
        "clerk,mediator,windows,supervisor,leader=302 *=404",
        method="POST",
        **CASE,
    ),
    other("mediation:start", "*=404", method="POST", **CASE),
    row("mediation:session", "mediator,supervisor=302 *=404", method="POST", **CASE),
    other("mediation:session", "*=404", method="POST", **CASE),
    row(
        "mediation:agreement",
        "clerk,mediator,windows,supervisor,leader=302 *=404",
        method="POST",
        **CASE,
    ),
    other("mediation:agreement", "*=404", method="POST", **CASE),
    row(
        "mediation:performance",
        "mediator=302 *=404",
        method="POST",
        number="@agreed.number",
        pk="@agreement.pk",
    ),
    other(
        "mediation:performance", "*=404", method="POST", number="@agreed.number", pk="@agreement.pk"
    ),
    row(
        "mediation:correct",
        "mediator=302 *=404",
        method="POST",
        number="@agreed.number",
        pk="@agreement.pk",
    ),
    other("mediation:correct", "*=404", method="POST", number="@agreed.number", pk="@agreement.pk"),
    row(
        "mediation:remove",
        "clerk,mediator,windows,leader=403 supervisor=302 *=404",
        method="POST",
        pk="@participant.pk",
        **CASE,
    ),
    other("mediation:remove", "*=404", method="POST", pk="@participant.pk", **CASE),
    # --- Judicial ------------------------------------------------------------------------
    row("judicial:queue", "anonymous=login judge,court_clerk=200 *=403"),
    row("judicial:delegate", "anonymous=login court_clerk=200 *=403"),
    row(
        "judicial:accept",
        "clerk,mediator,windows,supervisor,leader,judge,court_clerk=302 *=404",
        method="POST",
        number="@confirming.number",
    ),
    other("judicial:accept", "*=404", method="POST", **CASE),
    row(
        "judicial:extend",
        "clerk,mediator,windows,supervisor,leader,judge,court_clerk=302 *=404",
        method="POST",
        number="@confirming.number",
    ),
    other("judicial:extend", "*=404", method="POST", **CASE),
    row(
        "judicial:clerk",
        "clerk,mediator,windows,supervisor,leader,judge,court_clerk=302 *=404",
        method="POST",
        number="@confirming.number",
    ),
    other("judicial:clerk", "*=404", method="POST", **CASE),
    row(
        "judicial:outcome",
        "clerk,mediator,windows,supervisor,leader=403 judge,court_clerk=302 *=404",
        method="POST",
        number="@confirming.number",
    ),
    other("judicial:outcome", "*=404", method="POST", **CASE),
    row("judicial:unlimit", "*=404", method="POST", number="@confirming.number"),
    other("judicial:unlimit", "*=404", method="POST", **CASE),
    row("judicial:handoff_status", "*=404", **CASE),
    other("judicial:handoff_status", "*=404", **CASE),
    row("judicial:handoff_zip", "*=404", **CASE),
    other("judicial:handoff_zip", "*=404", **CASE),
    # --- The windows' queues -------------------------------------------------------------
    row("petitions:queue", "anonymous=login petition_officer,supervisor=200 *=403"),
    row("legal_aid:queue", "anonymous=login legal_aid_officer,supervisor=200 *=403"),
    row("labour:queue", "anonymous=login labour_inspector,arbitrator,supervisor=200 *=403"),
    row("review:queue", "anonymous=login review_officer,supervisor=200 *=403"),
    # --- Incidents -----------------------------------------------------------------------
    row(
        "incidents:board",
        "anonymous=login outsider,clerk,mediator,mediator2,judge,court_clerk,windows,staff,partner"
        "=403 *=200",
    ),
    row("incidents:report", "anonymous=login grid_worker=200 *=403"),
    row("incidents:county", "anonymous=login supervisor,leader=200 *=403"),
    row(
        "incidents:detail",
        "anonymous=login supervisor,leader,grid_worker,town_dispatcher=200 *=404",
        number="@incident.number",
    ),
    row(
        "incidents:step",
        "anonymous=login supervisor,town_dispatcher=302 leader,grid_worker=403 *=404",
        method="POST",
        number="@incident.number",
        name="accept",
    ),
    row(
        "incidents:photo",
        "anonymous=login supervisor,leader,grid_worker,town_dispatcher=200 *=404",
        number="@incident.number",
        pk="@photo.pk",
    ),
    # --- Feedback (质效评价) ----------------------------------------------------------------
    row("feedback:public_rate", "*=200"),
    row(
        "feedback:staff_rate",
        "anonymous=login supervisor=302 *=403",
        method="POST",
        **CASE,
    ),
    other("feedback:staff_rate", "anonymous=login supervisor=404 *=403", method="POST", **CASE),
    row("feedback:tickets", "anonymous=login supervisor=200 *=403"),
    row("feedback:ticket", "anonymous=login supervisor=200 *=403", pk="@ticket.pk"),
    row(
        "feedback:ticket",
        "anonymous=login supervisor=404 *=403",
        pk="@other_ticket.pk",
        label="feedback:ticket (另一县)",
    ),
    row(
        "feedback:ticket_action",
        "anonymous=login supervisor=400 *=403",
        method="POST",
        pk="@ticket.pk",
        action="call_back",
    ),
    row(
        "feedback:ticket_action",
        "anonymous=login supervisor=404 *=403",
        method="POST",
        pk="@other_ticket.pk",
        action="call_back",
        label="feedback:ticket_action (另一县)",
    ),
    # --- Risk ----------------------------------------------------------------------------
    row("risk:dashboard", "anonymous=login supervisor,leader=200 *=403"),
    row("risk:warnings", "anonymous=login supervisor,leader=200 *=403"),
    row(
        "risk:warning_acknowledge",
        "anonymous=login supervisor,leader=302 *=403",
        method="POST",
        pk="@warning.pk",
    ),
    row(
        "risk:warning_acknowledge",
        "anonymous=login supervisor,leader=404 *=403",
        method="POST",
        pk="@other_warning.pk",
        label="risk:warning_acknowledge (另一县)",
    ),
    row(
        "risk:warning_handle",
        "anonymous=login supervisor,leader=302 *=403",
        method="POST",
        pk="@warning.pk",
    ),
    row(
        "risk:ledgers",
        "anonymous=login clerk,windows,supervisor,leader=200 *=403",
    ),
    row(
        "risk:ledger_create",
        "anonymous=login clerk,windows,supervisor,leader=302 *=403",
        method="POST",
    ),
    row(
        "risk:ledger",
        "anonymous=login clerk,windows,supervisor=404 leader=200 *=403",
        pk="@ledger.pk",
    ),
    row(
        "risk:ledger_progress",
        "anonymous=login clerk,windows,supervisor=404 leader=200 *=403",
        pk="@ledger.pk",
    ),
    row(
        "risk:ledger_download",
        "anonymous=login clerk,windows,supervisor,leader=404 *=403",
        pk="@ledger.pk",
    ),
    # --- API -----------------------------------------------------------------------------
    row("api-token", "*=400", method="POST"),
    row("api-tokens", "anonymous=401 *=200"),
    row("api-token-revoke", "anonymous=401 *=404", method="DELETE", pk="@other_token.pk"),
    row("api-windows", "anonymous=401 *=200"),
    row("api-categories", "anonymous=401 *=200"),
    row("api-regions", "anonymous=401 *=200"),
    row("api-deadline-calculate", "anonymous=401 *=400"),
    # Signed by the SMS gateway, not by a user: unsigned, refused for everyone.
    row("api-sms-replies", "*=403", method="POST"),
    row("api-cases", "anonymous=401 *=200"),
    row(
        "api-case",
        "anonymous=401 clerk,mediator,windows,supervisor,leader=200 *=404",
        **CASE,
    ),
    other("api-case", "anonymous=401 *=404", **CASE),
    row(
        "api-transitions",
        "anonymous=401 clerk,mediator,windows,supervisor,leader=200 *=404",
        **CASE,
    ),
    other("api-transitions", "anonymous=401 *=404", **CASE),
    row(
        "api-transition",
        "anonymous=401 clerk,supervisor=409 mediator,windows,leader=403 *=404",
        method="POST",
        name="triage",
        **CASE,
    ),
    other("api-transition", "anonymous=401 *=404", method="POST", name="triage", **CASE),
    row(
        "api-documents",
        "anonymous=401 clerk,mediator,windows,supervisor,leader=200 *=404",
        **CASE,
    ),
    other("api-documents", "anonymous=401 *=404", **CASE),
    row(
        "api-document-download",
        "anonymous=401 clerk,mediator,windows,supervisor,leader=200 *=404",
        pk="@receipt.pk",
        **CASE,
    ),
    other("api-document-download", "anonymous=401 *=404", pk="@other_receipt.pk", **CASE),
    row(
        "api-sessions",
        "anonymous=401 clerk,mediator,windows,supervisor,leader=200 *=404",
        **CASE,
    ),
    other("api-sessions", "anonymous=401 *=404", **CASE),
    row("api-mediators", "anonymous=401 mediator,supervisor,mediator2=200 *=403"),
    row(
        "api-court-outcome",
        "anonymous=401 clerk,mediator,windows,supervisor,leader=403 *=404",
        method="POST",
        **CASE,
    ),
    other("api-court-outcome", "anonymous=401 *=404", method="POST", **CASE),
    row("api-delegations", "anonymous=401 court_clerk=400 *=403", method="POST"),
    row(
        "api-confirmation-accept",
        "anonymous=401 clerk,mediator,windows,supervisor,leader=403 *=404",
        method="POST",
        **CASE,
    ),
    other("api-confirmation-accept", "anonymous=401 *=404", method="POST", **CASE),
    row(
        "api-confirmation-extend",
        "anonymous=401 clerk,mediator,windows,supervisor,leader=403 *=404",
        method="POST",
        **CASE,
    ),
    other("api-confirmation-extend", "anonymous=401 *=404", method="POST", **CASE),
    row(
        "api-confirmation-clerk",
        "anonymous=401 clerk,mediator,windows,supervisor,leader=409 *=404",
        method="POST",
        **CASE,
    ),
    other("api-confirmation-clerk", "anonymous=401 *=404", method="POST", **CASE),
    row("api-incidents", "anonymous=401 *=200"),
    row(
        "api-incident",
        "anonymous=401 supervisor,leader,grid_worker,town_dispatcher=200 *=404",
        number="@incident.number",
    ),
    row(
        "api-incident-photo",
        "anonymous=401 supervisor,leader,grid_worker,town_dispatcher=200 *=404",
        number="@incident.number",
        pk="@photo.pk",
    ),
    row(
        "api-incident-transitions",
        "anonymous=401 supervisor,leader,grid_worker,town_dispatcher=200 *=404",
        number="@incident.number",
    ),
    row(
        "api-incident-transition",
        "anonymous=401 supervisor,town_dispatcher=409 leader,grid_worker=403 *=404",
        method="POST",
        number="@incident.number",
        name="accept",
    ),
    row("api-departments", "anonymous=401 *=200"),
    row("api-stats-overview", "anonymous=401 supervisor,leader=200 *=403"),
    row("api-risk-warnings", "anonymous=401 supervisor,leader=200 *=403"),
    row(
        "api-risk-warning-acknowledge",
        "anonymous=401 supervisor,leader=409 *=403",
        method="POST",
        pk="@warning.pk",
    ),
    row(
        "api-risk-warning-handle",
        "anonymous=401 supervisor,leader=400 *=403",
        method="POST",
        pk="@warning.pk",
    ),
]


def test_every_url_has_a_row():
    """A URL added to the conf without its row in MATRIX fails here, named."""
    covered = {r.name for r in MATRIX} | admin_model_names()
    missing = [
        f"{name}  ({route})"
        for name, route, _ in url_patterns()
        if not route.startswith(EXCLUDED) and name not in covered
    ]
    assert not missing, "这些URL在矩阵中没有对应的行：\n" + "\n".join(missing)
    unknown = ({r.name for r in MATRIX} | admin_model_names()) - {
        name for name, _, _ in url_patterns()
    }
    assert not unknown, f"矩阵中的行不对应任何URL：{sorted(unknown)}"


# --- The Django admin ----------------------------------------------------------------------
# Its own pages, by row; every model's pages by one rule (below), so that a model registered
# later is checked without a new row: the administrators get what their role's model rights
# allow, everyone else the admin's login page.
STAFF_ONLY = "staff=200 anonymous=login *=login"
MATRIX += [
    row("admin:index", "staff=200 *=login"),
    row("admin:login", "staff=302 *=200"),
    row("admin:logout", "*=302", method="POST"),
    row("admin:password_change", "staff=200 *=login"),
    row("admin:password_change_done", "staff=200 *=login"),
    row("admin:autocomplete", "staff=403 *=login"),
    row("admin:jsi18n", "staff=200 *=login"),
    row(
        "admin:view_on_site",
        "staff=404 *=login",
        content_type_id="@case_type.pk",
        object_id="@mediating.pk",
    ),
    row("admin:app_list", "staff=200 *=login", app_label="centre"),
    row("admin:centre_auditlog_export", "sysadmin,secadmin=403 auditor=200 *=login"),
    row(
        "admin:auth_user_password_change",
        "sysadmin,auditor=403 secadmin=200 *=login",
        id="@other_clerk.pk",
    ),
    Row("admin:admin/(?P<url>.*)$", "staff=404 *=login", path="/admin/nowhere/"),
]
ACTION_PERMS = {
    "changelist": ("view", "change"),
    "change": ("view", "change"),
    "history": ("view", "change"),
    "add": ("add",),
    "delete": ("delete",),
}


def admin_models():
    return [m for m in apps.get_models() if admin.site.is_registered(m)]


def admin_model_names() -> set[str]:
    """The URL names (and, for the unnamed ``<object_id>/`` redirect, the route) the
    admin gives each registered model."""
    names = set()
    for model in admin_models():
        meta = model._meta
        names |= {f"admin:{meta.app_label}_{meta.model_name}_{a}" for a in ACTION_PERMS}
        names.add(f"admin:admin/{meta.app_label}/{meta.model_name}/<path:object_id>/")
    return names


def admin_model_rows() -> list[Row]:
    """Each registered model's pages, on its first row where the page takes one."""
    rows = []
    for model in admin_models():
        meta = model._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        for action, verbs in ACTION_PERMS.items():
            if action in ("changelist", "add"):
                kw = ()
            elif first is None:
                continue  # nothing to open: the admin sends staff back to its index
            else:
                kw = (("object_id", str(first)),)
            perms = tuple(f"{meta.app_label}.{verb}_{meta.model_name}" for verb in verbs)
            rows.append(Row(f"{prefix}_{action}", "", kw, perms=perms))
        if first is not None:
            route = f"admin:admin/{meta.app_label}/{meta.model_name}/<path:object_id>/"
            url = f"/admin/{meta.app_label}/{meta.model_name}/{first}/"
            rows.append(Row(route, "staff=302 *=login", path=url))
    return rows


# Pages the admin keeps shut whatever the role's rights say.
ADMIN_SHUT = {
    "admin:centre_window_add": "六个窗口是固定的，不在后台新增",
}


def admin_expected(r: Row, column: str, user) -> str:
    if column not in ADMIN_ROLES:
        return "login"
    if r.name in ADMIN_SHUT:
        return "403"
    return "200" if any(user.has_perm(p) for p in r.perms) else "403"


def expected(spec: str, column: str) -> str:
    cells: dict[str, str] = {}
    for token in spec.split():
        who, _, status = token.partition("=")
        for name in who.split(","):
            for member in GROUPS.get(name, (name,)):
                cells.setdefault(member, status)
    return cells.get(column, cells.get("*", "?"))


def resolve(world, value: str):
    if not value.startswith("@"):
        return value
    obj_name, _, attr = value[1:].partition(".")
    obj = world.objects[obj_name]
    return getattr(obj, attr) if attr else obj


def observed(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        if "/login/" in location:
            return "login"
        return "302"
    return str(response.status_code)


def ask(client: Client, world, r: Row) -> str:
    kwargs = {k: resolve(world, v) for k, v in r.kwargs}
    url = (r.path or reverse(r.name, kwargs=kwargs)) + (f"?{r.query}" if r.query else "")
    if r.method == "POST":
        return observed(client.post(url, {}))
    if r.method == "DELETE":
        return observed(client.delete(url))
    return observed(client.get(url))


@pytest.mark.parametrize("column", COLUMNS)
def test_matrix(column, settings, tmp_path, db, django_capture_on_commit_callbacks):
    world = build_world(settings, tmp_path)
    client = Client()
    user = world.users[column]
    if user is not None:
        client.force_login(user)
    mismatches = []
    # Logging out ends the session for the rows after it: it is asked last.
    for r in sorted([*MATRIX, *admin_model_rows()], key=lambda r: r.name.endswith("logout")):
        want = admin_expected(r, column, user) if r.perms else expected(r.expect, column)
        with django_capture_on_commit_callbacks(execute=False):
            got = ask(client, world, r)
        if got != want:
            mismatches.append(f"{r.key}: 期望{want}，实际{got}")
    assert not mismatches, f"{column}:\n" + "\n".join(mismatches)
