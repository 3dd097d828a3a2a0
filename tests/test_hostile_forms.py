"""Every page that takes a form, posted hostile values (issue 17): over-long text, a NUL
byte, control characters, text where a number or date goes, the year 9999, a list where
one value goes, an empty body — by someone who may post it. The answer is 400, the form
again with its errors, or a redirect; never a server error, and nothing saved. Posted
without the CSRF token, every one of them is refused (403).

The pages are found by the same walk of the URL conf as the URL matrix: a page that is
neither in FORMS nor in GET_ONLY fails ``test_every_page_is_listed``, named. The API (DRF,
JSON; fuzzed by ``tests/test_api_fuzz.py``) and the Django admin are not pages of ours.
Each case transition and incident step reachable in the world is posted through its one
endpoint with its own form's fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.test import Client
from django.urls import reverse

from centre.forms import LoginForm, OtpForm, OwnPasswordChangeForm
from centre.roles import ADMIN_ROLES, ROLES
from feedback.forms import CallBackForm, KeepForm, PublicRatingForm, ReopenForm, StaffRatingForm
from incidents import services as incident_services
from incidents.forms import ReportForm
from incidents.models import Incident
from intake import workflow
from intake.forms import AttachmentForm, CaseForm, PartyForm, ProgressCodeForm, RiskForm
from intake.models import Case
from judicial.forms import ClerkForm, CourtOutcomeForm, DelegationForm, ExtendForm
from mediation.forms import CorrectionForm, PerformanceForm, SessionForm
from mediation.services import AGREEMENT_CONTENT
from risk.ledger.export import PARAMS as LEDGER_PARAMS
from tests.url_matrix_world import build_world, url_patterns

LONG = "纠" * 10_000
EMPTY = "空表单"
VARIANTS: dict[str, Any] = {
    "超长（10000字）": LONG,
    "NUL": "张\x00三",
    "控制字符": "a\x01\x07\x08\x1b[31m\x7f\u202e\ufeffb",
    "文字代替数字和日期": "abc",
    "日期9999-12-31": "9999-12-31",
    "超大数字": "9" * 40,
    "负数": "-1",
    "列表代替单值": ["1", "2"],
}

# What no form may keep; what only a form of text may keep (text where a number or a date
# goes); the list is QueryDict's to take its last value of, as Django documents.
NEVER_KEPT = {"超长（10000字）", "NUL", "控制字符"}
TEXT_KEPT = {"文字代替数字和日期", "日期9999-12-31", "超大数字", "负数"}

# Rows a refused or invalid post may still write: the audit log (a failed login, a refusal),
# the login-attempt records of django-axes, sessions.
MAY_GROW = {"centre.AuditLog", "centre.AuditChainHead", "centre.AccountSecurity"}
MAY_GROW_APPS = {"axes", "sessions", "otp_totp", "otp_static", "django_otp"}

# Pages that take no form: a POST is not theirs to handle.
GET_ONLY = {
    "home",
    "healthz",
    "inbox",
    "password_change_done",
    "intake:grid",
    "intake:party_form",
    "intake:suggest",
    "intake:villages",
    "intake:deadline",
    "intake:export",
    "intake:case",
    "intake:receipt",
    "intake:documents",
    "intake:document",
    "intake:document_link",
    "intake:reveal",  # a button: no field
    "progress",  # a GET form
    "progress_code",  # a button: its case is the session's, proven by the GET form
    "progress_sms",  # a button, the same
    "feedback:tickets",
    "feedback:ticket",  # its forms post to feedback:ticket_action
    "progress_document",
    "mediation:my_cases",
    "mediation:assign",
    "mediation:remove",  # a button: no field
    "judicial:queue",
    "judicial:accept",  # a button: no field
    "judicial:unlimit",  # a button: no field
    "judicial:handoff_status",
    "judicial:handoff_zip",
    "petitions:queue",
    "legal_aid:queue",
    "labour:queue",
    "review:queue",
    "incidents:board",
    "incidents:county",
    "incidents:detail",
    "incidents:photo",
    "risk:dashboard",
    "risk:warnings",
    "risk:ledgers",
    "risk:ledger",
    "risk:ledger_progress",
    "risk:ledger_download",
}


def names(form_class, prefix: str = "") -> list[str]:
    return [f"{prefix}{name}" for name in form_class.base_fields]


PARTIES = [
    "parties-TOTAL_FORMS",
    "parties-INITIAL_FORMS",
    *names(PartyForm, "parties-0-"),
    *names(PartyForm, "parties-1-"),
]


@dataclass
class Target:
    url: str
    role: str
    fields: list[str]
    kwargs: dict[str, str] = field(default_factory=dict)
    label: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    # A form of text only: "abc" or "9999-12-31" is text it may keep.
    text_only: bool = False
    # A button: posted empty it does what it says (签收, 受理 …).
    empty_ok: bool = False


FORMS: list[Target] = [
    Target("login", "anonymous", [*names(LoginForm), "next"]),
    Target("logout", "clerk", []),
    Target("password_change", "clerk", names(OwnPasswordChangeForm)),
    Target("two_factor", "clerk", [*names(OtpForm), "next"], settings={"OTP_REQUIRED": True}),
    Target("two_factor_enrol", "clerk", [*names(OtpForm), "next"], settings={"OTP_REQUIRED": True}),
    Target("set_language", "anonymous", ["language", "next"]),
    Target("progress_verify", "anonymous", names(ProgressCodeForm)),
    Target("feedback:public_rate", "anonymous", names(PublicRatingForm)),
    Target(
        "feedback:staff_rate", "supervisor", names(StaffRatingForm), {"number": "@mediating.number"}
    ),
    *(
        Target(
            "feedback:ticket_action",
            "supervisor",
            names(form),
            {"pk": "@ticket.pk", "action": action},
            label=f"feedback:ticket_action {action}",
        )
        for action, form in (
            ("call_back", CallBackForm),
            ("keep", KeepForm),
            ("reopen", ReopenForm),
        )
    ),
    Target("intake:desk", "clerk", [*names(CaseForm), *PARTIES]),
    Target(
        "intake:party_lookup",
        "clerk",
        ["prefix", "p-id_number", "p-phone", "p-id_type"],
    ),
    Target("intake:field_check", "clerk", ["prefix", "field", "p-id_number", "p-phone"]),
    Target("intake:party_fill", "clerk", ["prefix", "p-id_type", "p-id_number"]),
    Target("intake:cases", "clerk", ["q", *LEDGER_PARAMS]),
    Target("intake:raise_risk", "supervisor", names(RiskForm), {"number": "@mediating.number"}),
    Target(
        "intake:clock",
        "supervisor",
        ["reason", "consent"],
        {"number": "@mediating.number", "pk": "@clock.pk", "action": "pause"},
        text_only=True,
    ),
    Target(
        "intake:clock",
        "supervisor",
        ["reason", "consent"],
        {"number": "@mediating.number", "pk": "@clock.pk", "action": "extend"},
        text_only=True,
        label="intake:clock (extend)",
    ),
    Target("intake:attach", "clerk", names(AttachmentForm), {"number": "@mediating.number"}),
    Target(
        "mediation:start",
        "supervisor",
        ["organisation", "mediators", "lead", "linkage", "version"],
        {"number": "@triaged.number"},
    ),
    Target("mediation:session", "mediator", names(SessionForm), {"number": "@mediating.number"}),
    Target(
        "mediation:agreement",
        "mediator",
        [*AGREEMENT_CONTENT, "version", "@signatures"],
        {"number": "@mediating.number"},
    ),
    Target(
        "mediation:performance",
        "mediator",
        names(PerformanceForm),
        {"number": "@agreed.number", "pk": "@agreement.pk"},
    ),
    Target(
        "mediation:correct",
        "mediator",
        names(CorrectionForm),
        {"number": "@agreed.number", "pk": "@agreement.pk"},
    ),
    Target(
        "judicial:delegate", "court_clerk", [*names(DelegationForm), *names(CaseForm), *PARTIES]
    ),
    Target("judicial:extend", "judge", names(ExtendForm), {"number": "@confirming.number"}),
    Target("judicial:clerk", "judge", names(ClerkForm), {"number": "@confirming.number"}),
    Target(
        "judicial:outcome", "court_clerk", names(CourtOutcomeForm), {"number": "@confirming.number"}
    ),
    Target("incidents:report", "grid_worker", [*names(ReportForm), "idempotency_key"]),
    Target(
        "risk:warning_acknowledge",
        "leader",
        ["note", "next"],
        {"pk": "@warning.pk"},
        text_only=True,
        empty_ok=True,
    ),
    Target(
        "risk:warning_handle", "leader", ["note", "next"], {"pk": "@warning.pk"}, text_only=True
    ),
    # Without a filter the ledger lists every case of the county.
    Target("risk:ledger_create", "leader", ["q", *LEDGER_PARAMS], empty_ok=True),
]
# Posted once per transition or step the world offers (see transition_targets).
GENERIC = {"intake:transition", "incidents:step"}


def test_every_page_is_listed():
    """A page added to the conf is either a form here or named as taking none."""
    listed = {t.url for t in FORMS} | GET_ONLY | GENERIC
    missing = [
        f"{name}  ({route})"
        for name, route, _ in url_patterns()
        if not name.startswith(("admin:", "api-"))
        and not route.startswith(("api/", "static/", "media/", "__debug__/"))
        and name not in listed
    ]
    assert not missing, "这些页面既不在FORMS也不在GET_ONLY中：\n" + "\n".join(missing)


def resolve(world, value: str) -> str:
    if not value.startswith("@"):
        return value
    obj_name, _, attr = value[1:].partition(".")
    return str(getattr(world.objects[obj_name], attr))


def snapshot() -> dict[str, Any]:
    """Row counts of every table that must not grow, and the state of every case,
    incident and warning (a step taken is a row changed, not added)."""
    from risk.models.warning import RiskWarning

    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label not in MAY_GROW
        and model._meta.app_label not in MAY_GROW_APPS
    }
    counts["cases"] = sorted(Case.objects.values_list("pk", "state", "version"))
    counts["incidents"] = sorted(Incident.objects.values_list("pk", "state", "version"))
    counts["warnings"] = sorted(RiskWarning.objects.values_list("pk", "status"))
    return counts


def changed(before: dict, after: dict) -> list[str]:
    return [k for k in before if before[k] != after[k]]


def payload(target: Target, world, value) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in target.fields:
        if name == "@signatures":
            # The agreement's signature methods are named after each party.
            for cp in world.objects["mediating"].case_parties.all():
                data[f"sig_{cp.party_id}"] = value
            continue
        data[name] = value
    return data


def post(client: Client, url: str, data: dict) -> tuple[str, Any]:
    try:
        response = client.post(url, data)
    except Exception as exc:  # the test client re-raises what would be a 500
        return f"500 {type(exc).__name__}: {str(exc)[:200]}", None
    return str(response.status_code), response


# A hostile post may be answered with the form and its errors (200), a refusal of the
# input (400), a redirect back with the errors as a message (302, the case page's panels),
# a page refused (403/404), a step no longer possible (409), a locked login (429).
ANSWERS = {"200", "302", "400", "403", "404", "409", "429"}


def hostile(client: Client, url: str, target: Target, world) -> list[str]:
    problems = []
    variants = {EMPTY: None, **VARIANTS}
    for variant, value in variants.items():
        data = {} if value is None else payload(target, world, value)
        before = snapshot()
        status, _ = post(client, url, data)
        after = snapshot()
        if status not in ANSWERS:
            problems.append(f"{target.label or target.url}【{variant}】→ {status}")
        grown = changed(before, after)
        may_keep = (
            (variant == EMPTY and target.empty_ok)
            or (variant in TEXT_KEPT and target.text_only)
            or variant not in (NEVER_KEPT | TEXT_KEPT | {EMPTY})
        )
        if grown and not may_keep:
            problems.append(f"{target.label or target.url}【{variant}】→ {status}，写入了{grown}")
    # Then each field alone (a view may read one field before its form is checked).
    for name in target.fields:
        for variant in ("NUL", "超长（10000字）"):
            data = payload(Target(target.url, target.role, [name]), world, VARIANTS[variant])
            before = snapshot()
            status, _ = post(client, url, data)
            if status not in ANSWERS:
                problems.append(f"{target.label or target.url}【{name}：{variant}】→ {status}")
            if changed(before, snapshot()):
                problems.append(f"{target.label or target.url}【{name}：{variant}】写入了数据")
    return problems


def login_client(world, role: str, **kw) -> Client:
    client = Client(**kw)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def url_of(target: Target, world) -> str:
    return reverse(target.url, kwargs={k: resolve(world, v) for k, v in target.kwargs.items()})


def kinds(form_class) -> dict[str, bool]:
    """Whether a step's form takes text only, and whether it asks for nothing."""
    fields = list(form_class.base_fields.values()) if form_class else []
    text = all(
        isinstance(f, forms.CharField | forms.BooleanField) and not isinstance(f, forms.JSONField)
        for f in fields
    )
    return {"text_only": text, "empty_ok": not any(f.required for f in fields)}


def transition_targets(world) -> list[Target]:
    """Each case transition and incident step the world offers someone, once, posted by
    the first role offered it with its own form's fields."""
    targets, seen = [], set()
    roles = [r for r in ROLES if r not in ADMIN_ROLES]
    for case in Case.objects.order_by("pk"):
        for role in roles:
            for spec in workflow.available(case, world.users[role]):
                if spec.name in seen or spec.form is None:
                    continue
                seen.add(spec.name)
                targets.append(
                    Target(
                        "intake:transition",
                        role,
                        [*spec.form.base_fields, "confirmed"],
                        {"number": case.number, "name": spec.name},
                        label=f"intake:transition ({spec.name})",
                        **kinds(spec.form),
                    )
                )
    for incident in Incident.objects.order_by("pk"):
        for role in [*roles, "mediator2"]:
            for step in incident_services.available(incident, world.users[role]):
                if step.name in seen:
                    continue
                seen.add(step.name)
                targets.append(
                    Target(
                        "incidents:step",
                        role,
                        list(step.form.base_fields) if step.form else [],
                        {"number": incident.number, "name": step.name},
                        label=f"incidents:step ({step.name})",
                        **kinds(step.form),
                    )
                )
    return targets


@pytest.fixture
def world(settings, tmp_path, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        yield build_world(settings, tmp_path)


def _run(world, settings, targets) -> list[str]:
    problems = []
    for target in targets:
        for name, value in target.settings.items():
            setattr(settings, name, value)
        url = url_of(target, world)
        # Without the CSRF token: refused before anything is read.
        unsafe = login_client(world, target.role, enforce_csrf_checks=True)
        before = snapshot()
        status, _ = post(unsafe, url, payload(target, world, "1"))
        if status != "403":
            problems.append(f"{target.label or target.url}【无CSRF令牌】→ {status}，应为403")
        if changed(before, snapshot()):
            problems.append(f"{target.label or target.url}【无CSRF令牌】写入了数据")
        if target.url.endswith("logout"):
            continue  # logging out is the whole of its form: nothing hostile to send
        problems += hostile(login_client(world, target.role), url, target, world)
    return problems


PAGES = sorted({t.url.split(":")[0] if ":" in t.url else "centre" for t in FORMS})


@pytest.mark.parametrize("app", PAGES)
def test_hostile_posts_to_each_form(app, world, settings):
    targets = [t for t in FORMS if (t.url.split(":")[0] if ":" in t.url else "centre") == app]
    problems = _run(world, settings, targets)
    assert not problems, "\n".join(problems)


def test_hostile_posts_to_each_transition_and_step(world, settings):
    targets = transition_targets(world)
    assert {t.url for t in targets} == GENERIC
    problems = _run(world, settings, targets)
    assert not problems, "\n".join(problems)


def admin_targets(world) -> list[Target]:
    """Each model's add page in the admin, posted by the first administrator who may add
    one, with the model's editable fields (the admin's forms refuse control characters
    through AuditedAdmin)."""
    from django.contrib import admin

    targets = []
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        meta = model._meta
        role = next(
            (
                r
                for r in sorted(ADMIN_ROLES)
                if world.users[r].has_perm(f"{meta.app_label}.add_{meta.model_name}")
            ),
            None,
        )
        if role is None:
            continue
        fields = [
            f.name
            for f in meta.get_fields()
            if getattr(f, "editable", False)
            and getattr(f, "concrete", False)
            and not f.auto_created
        ]
        fields += [f.name for f in meta.many_to_many]
        targets.append(
            Target(
                f"admin:{meta.app_label}_{meta.model_name}_add",
                role,
                sorted(set(fields)),
                label=f"admin:{meta.app_label}_{meta.model_name}_add",
            )
        )
    return targets


def test_hostile_posts_to_each_admin_add_page(world, settings):
    targets = admin_targets(world)
    assert targets
    problems = []
    for target in targets:
        client = login_client(world, target.role)
        url = url_of(target, world)
        for variant, value in {EMPTY: None, **VARIANTS}.items():
            data = {} if value is None else payload(target, world, value)
            before = snapshot()
            status, _ = post(client, url, data)
            if status not in ANSWERS:
                problems.append(f"{target.label}【{variant}】→ {status}")
            if variant in NEVER_KEPT and changed(before, snapshot()):
                problems.append(f"{target.label}【{variant}】写入了数据")
    assert not problems, "\n".join(problems)
