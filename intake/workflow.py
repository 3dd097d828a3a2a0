"""Firing the case's transitions: one way for pages, the API and other apps.

Each transition is a ``TransitionSpec``: its input form, the call of the model's
transition method, and the side effects after it. Intake registers ``triage``, ``refer``,
``close`` and ``withdraw``; the window apps register theirs (``start_mediation`` …) from
their AppConfig.ready(), so intake never imports them.

A window with a process of its own (信访, 法律援助 …, see ``intake.processes``) registers
specs whose transitions belong to that process's model (``process``) and are guarded by
that model's permissions (``perm``); they are listed and fired here as the case's own:
one door, one lock, one ``version``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from centre.forms import BootstrapMixin
from centre.names import ref_name
from intake.access import access_case_for
from intake.models import ROLE_PERMS, Case, CaseEvent


class TransitionError(Exception):
    status = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotAllowed(TransitionError):
    """Not possible from the case's current state (HTTP 409)."""

    status = 409


class Conflict(TransitionError):
    """The case changed since the caller looked at it (HTTP 409)."""

    status = 409


class Forbidden(TransitionError):
    """The caller's role may not fire this transition (HTTP 403)."""

    status = 403


class NotImplementedYet(TransitionError):
    """Defined by the workflow, carried out by a window app not installed yet (HTTP 501)."""

    status = 501


class Invalid(TransitionError):
    """The transition's fields are wrong (HTTP 400)."""

    status = 400


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: str
    form: type[forms.Form]
    apply: Callable[[Case, dict[str, Any]], None]
    after: Callable[[Case, Any, dict[str, Any]], None] | None = None
    note_field: str = "note"
    style: str = "primary"
    # Fired from a window app's own panel on the case page (its form needs more than
    # the generic one), not from the generic actions box.
    panel_only: bool = False
    # A window process's transition: the process of the case (an unsaved one when the
    # window has not taken the case up yet) whose method ``name`` is the transition, and
    # the permission that allows it. ``apply`` then gets (process, data, actor) and
    # ``after`` the process instead of the case.
    process: Callable[[Case], Any] | None = None
    perm: str = ""
    # The process's model, for the labels of its states on the timeline.
    process_model: type | None = None
    # Why the step cannot be taken now although the state allows it ("" when it can): a
    # fact the window keeps outside the case's FSM (the court has not accepted the
    # application yet). Such a step is neither offered nor carried out (409, this reason).
    unavailable: Callable[[Case], str] | None = None
    # Ends the case without its matter being resolved (撤回): set apart on the case page
    # and confirmed there before it is sent.
    destructive: bool = False


REGISTRY: dict[str, TransitionSpec] = {}
# The clocks that run, from the day the matter was received, while a case waits at a
# window for its process to take it up (a labour complaint's 5 工作日 to be opened …): the
# window registers them; triage starts them, the case's next step stops them.
WAITING_CLOCKS: dict[str, dict[str, Callable[[Case], bool] | None]] = {}


# Called as hook(case, actor) in the transaction of any step that closes a case (办结, a
# window's conclusion, 撤回): apps above intake register here (the satisfaction
# invitation, feedback app), so intake never imports them.
ON_CLOSE: list[Callable[[Case, Any], None]] = []


def on_close(hook: Callable[[Case, Any], None]) -> None:
    if hook not in ON_CLOSE:
        ON_CLOSE.append(hook)


def waiting_clocks(
    window: str, *rule_codes: str, when: Callable[[Case], bool] | None = None
) -> None:
    """``when``: started for the cases it is true of only (not a consultation, say); a
    clock started elsewhere (at registration) and never here has ``when`` false for all:
    it is still stopped when the case moves on."""
    WAITING_CLOCKS.setdefault(window, {}).update(dict.fromkeys(rule_codes, when))


def _waiting_codes(case: Case) -> tuple[str, ...]:
    return tuple(WAITING_CLOCKS.get(case.window.code, {})) if case.window_id else ()


def waiting_clocks_start(case: Case, actor: Any) -> None:
    """Called by triage: the window's waiting clocks, unless already running on the case
    (a petition's notice clock starts at registration)."""
    from centre import clocks
    from centre.models import Clock

    wanted = WAITING_CLOCKS.get(case.window.code, {}) if case.window_id else {}
    codes = [code for code, when in wanted.items() if when is None or when(case)]
    running = set(
        Clock.objects.filter(case_number=case.number, rule__code__in=codes).values_list(
            "rule__code", flat=True
        )
    )
    for code in codes:
        if code not in running:
            clocks.clock_start(
                rule_code=code,
                county=case.county_id,
                case_number=case.number,
                subject="case",
                subject_id=case.pk,
                start=timezone.localdate(case.registered_at),
                assignee=actor,
            )


def register(spec: TransitionSpec) -> None:
    if spec.process is None and spec.name not in ROLE_PERMS:
        raise ValueError(f"{spec.name} is not a transition of the case workflow")
    if spec.process is not None and (not spec.perm or spec.name in ROLE_PERMS):
        raise ValueError(f"{spec.name}: a window's transition needs its own name and permission")
    REGISTRY[spec.name] = spec


def _perm(name: str) -> str:
    spec = REGISTRY.get(name)
    return spec.perm if spec is not None and spec.perm else ROLE_PERMS[name]


def may_fire(user: Any, case: Case, name: str) -> bool:
    """The user's role (or their right on this case) allows the transition. A window's
    steps are its officers' by role: per-case rights are intake's (guardian keeps object
    permissions to the object's own app)."""
    perm = _perm(name)
    if user.has_perm(perm):
        return True
    spec = REGISTRY.get(name)
    return (spec is None or spec.process is None) and user.has_perm(perm, case)


def _target(spec: TransitionSpec, case: Case) -> Any:
    """The object whose FSM holds the transition: the case, or its window process."""
    return case if spec.process is None else spec.process(case)


def _state_allows(spec: TransitionSpec, case: Case) -> bool:
    if spec.process is not None and not case.is_open:
        return False  # withdrawn while the window handled it: its process ends there
    target = _target(spec, case)
    return target is not None and can_proceed(getattr(target, spec.name))


def _why_not(spec: TransitionSpec, case: Case) -> str:
    return spec.unavailable(case) if spec.unavailable is not None else ""


def _can_proceed(spec: TransitionSpec, case: Case) -> bool:
    return _state_allows(spec, case) and not _why_not(spec, case)


def available(case: Case, user: Any) -> list[TransitionSpec]:
    """Transitions this user may fire on this case now, in workflow order."""
    return [
        spec
        for name, spec in REGISTRY.items()
        if _can_proceed(spec, case) and may_fire(user, case, name)
    ]


# The step a case in each state usually waits for: the case page leads with it. The
# others follow in workflow order; the steps that end a case unresolved stand apart.
EXPECTED_NEXT = {
    Case.State.REGISTERED: "triage",
    Case.State.TRIAGED: "start_mediation",
    Case.State.MEDIATING: "record_agreement",
    Case.State.AGREED: "apply_confirmation",
    Case.State.CONFIRMING: "confirm",
    Case.State.CONFIRMED: "close",
    Case.State.MEDIATION_FAILED: "hand_off",
    Case.State.LITIGATING: "close",
    Case.State.REFERRED: "close",
}


def arrange(
    case: Case, specs: list[TransitionSpec]
) -> tuple[list[TransitionSpec], list[TransitionSpec]]:
    """The available steps as the case page shows them: the expected next one first, then
    the rest; and apart, the destructive ones."""
    expected = EXPECTED_NEXT.get(case.state)
    main = [s for s in specs if not s.destructive]
    main.sort(key=lambda s: s.name != expected)  # stable: the rest keep workflow order
    return main, [s for s in specs if s.destructive]


def fire(
    *, actor: Any, number: str, name: str, data: dict[str, Any], version: int | None = None
) -> Case:
    """Lock the case, check role, state and version, validate the input, transition,
    save, write the timeline. Two people at once: the second waits for the lock, then
    finds the state or version changed and is told so (409), never overwrites."""
    if name not in ROLE_PERMS and name not in REGISTRY:
        raise NotAllowed(_("没有名为「%(name)s」的操作") % {"name": name})
    with transaction.atomic():
        case = access_case_for(actor, number, for_update=True)
        if not may_fire(actor, case, name):
            raise Forbidden(_("您的角色无权执行该操作"))
        spec = REGISTRY.get(name)
        if spec is None:
            raise NotImplementedYet(_("该操作所属的业务模块尚未启用"))
        if version is not None and version != case.version:
            raise Conflict(
                _("案件已被他人更新（当前状态：%(state)s），请刷新后重试")
                % {"state": case.get_state_display()}
            )
        if not _state_allows(spec, case):
            raise NotAllowed(
                _("案件当前状态为「%(state)s」，不能执行「%(action)s」")
                % {"state": case.get_state_display(), "action": spec.label}
            )
        if reason := _why_not(spec, case):
            raise NotAllowed(reason)
        _carry_out(actor=actor, case=case, spec=spec, data=data)
    return case


def fire_by_law(*, number: str, name: str, data: dict[str, Any]) -> Case | None:
    """A step the law itself takes when an organ stays silent past its time limit (e.g. an
    administrative review application not examined within 5 工作日 counts as accepted,
    行政复议法 第30条). No one acts: the timeline shows no actor. Idempotent: None when
    the case is gone or the step no longer applies (it was taken, by law or by hand)."""
    spec = REGISTRY[name]
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("county", "window")
            .filter(number=number)
            .first()
        )
        if case is None or not _can_proceed(spec, case):
            return None
        _carry_out(actor=None, case=case, spec=spec, data=data)
    return case


def _carry_out(*, actor: Any, case: Case, spec: TransitionSpec, data: dict[str, Any]) -> None:
    """Validate the step's input, transition, save, write the timeline, follow up. The
    case is locked and the step allowed by the caller."""
    form = spec.form(data=data, case=case)
    if not form.is_valid():
        raise Invalid(_("请检查填写的内容"), errors=form.errors.get_json_data())
    from_state, from_version = case.state, case.version
    target = _target(spec, case)
    if target is case:
        spec.apply(case, form.cleaned_data)
    else:
        spec.apply(target, form.cleaned_data, actor)
    event_data = {k: _plain(v) for k, v in form.cleaned_data.items() if k != spec.note_field}
    if target is not case:
        if case.version == from_version:
            case.touch()
        target.save()
        event_data["window_state"] = target.state
    case.save()
    if from_state == Case.State.TRIAGED != case.state and case.window_id:
        from centre import clocks

        clocks.clocks_stop_for_case(case.number, _waiting_codes(case))
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        transition=spec.name,
        from_state=from_state,
        to_state=case.state,
        note=form.cleaned_data.get(spec.note_field, "") or "",
        data=event_data,
    )
    if spec.after is not None:
        spec.after(target, actor, form.cleaned_data)
    if from_state != Case.State.CLOSED == case.state:
        for hook in ON_CLOSE:
            hook(case, actor)


def done_message(case: Case, name: str) -> str:
    """What the person who took the step is told: what was done and where the case is
    now (已完成「分流」：案件现为「已分流」，承办窗口：调解服务), not a bare 操作已完成."""
    message = _("已完成「%(action)s」：案件现为「%(state)s」") % {
        "action": label_of(name),
        "state": case.get_state_display(),
    }
    if name in ("triage", "refer") and case.window_id:
        message += _("，承办窗口：%(window)s") % {"window": ref_name(case.window)}
    return message


def label_of(name: str) -> str:
    """A transition's label for timelines and lists (its name if not registered)."""
    spec = REGISTRY.get(name)
    return str(spec.label) if spec else name


def window_state_label(name: str, state: str) -> str:
    """The label, in the reader's language, of the state a window's step left its process
    in (kept on the timeline by its code)."""
    spec = REGISTRY.get(name)
    model = spec.process_model if spec else None
    if model is None or state not in model.State.values:
        return state
    return str(model.State(state).label)


def _plain(value: Any) -> Any:
    """Timeline data is JSON: model instances by their code or key, dates as ISO text."""
    if isinstance(value, list | tuple | QuerySet):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or value.pk
    return value


class TransitionForm(BootstrapMixin, forms.Form):
    def __init__(self, *args: Any, case: Case, **kwargs: Any):
        self.case = case
        super().__init__(*args, **kwargs)
