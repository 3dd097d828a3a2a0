"""Every write of the incident command: a grid worker's report and each step of the flow
(pages, the API and tasks all call these)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from centre import clocks, counters
from centre.models import Department, Region
from centre.selectors import staff_of
from centre.validators import refused_characters
from incidents import forms as step_forms
from incidents import photos as photo_rules
from incidents.access import access_incident_for
from incidents.models import (
    Incident,
    IncidentEvent,
    IncidentNumberSequence,
    IncidentPhoto,
)

CLOCK_SUBJECT = "incident"

# (code, name, the nature of a case registered from it): the ten categories.
CATEGORIES = [
    ("dispute", "矛盾纠纷", "dispute"),
    ("public_security", "治安隐患", "dispute"),
    ("work_safety", "安全生产", "dispute"),
    ("fire_safety", "消防安全", "dispute"),
    ("food_drug", "食品药品", "dispute"),
    ("labour", "劳动保障", "labour"),
    ("environment", "生态环境", "dispute"),
    ("urban_rural", "城乡管理", "dispute"),
    ("petition", "信访苗头", "petition"),
    ("other", "其他", "dispute"),
]


def categories_sync(*, using: str = "default") -> None:
    """Create the missing categories after every ``migrate``; an administrator's edits to
    existing ones are kept (a category no longer wanted is disabled, not deleted)."""
    from incidents.models import IncidentCategory

    for order, (code, name, nature) in enumerate(CATEGORIES, start=1):
        IncidentCategory.objects.using(using).get_or_create(
            code=code, defaults={"name": name, "order": order, "case_nature": nature}
        )


# --- reporting ----------------------------------------------------------------------------
def incident_report(
    *,
    actor: Any,
    data: dict[str, Any],
    photos: list[UploadedFile] | None = None,
    idempotency_key: str = "",
) -> Incident:
    """Record a grid worker's report once. The same ``idempotency_key`` from the same
    reporter (a phone sending again after the network came back) returns the incident the
    first sending made, with ``replayed`` set: one incident, never two."""
    if not actor.has_perm("incidents.report_incident"):
        raise PermissionDenied(_("您的角色无权上报事件"))
    key = (idempotency_key or "").strip() or None
    if key and len(key) > 100:
        raise ValidationError({"idempotency_key": [_("幂等键最长100个字符")]})
    if key and refused_characters(key):
        # Looked up before anything else: PostgreSQL refuses a NUL byte in the query.
        raise ValidationError({"idempotency_key": [_("幂等键含有不可见的控制字符")]})
    if key and (existing := _replayed(actor, key)) is not None:
        return existing
    staff = staff_of(actor)
    if staff is None:
        raise PermissionDenied(_("您的账号未配置所属县，不能上报事件"))
    form = step_forms.ReportForm(data=data)
    errors: dict[str, list[str]] = {}
    if not form.is_valid():
        errors = {name: list(messages) for name, messages in form.errors.items()}
    grid = form.cleaned_data.get("grid")
    if grid is not None and not _in_area(grid, staff):
        errors.setdefault("grid", []).append(_("该网格不在您负责的区域内"))
    try:
        cleaned_photos = photo_rules.clean_all(list(photos or []))
    except ValidationError as exc:
        cleaned_photos = []
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        incident = form.save(commit=False)
        incident.county_id = staff.county_id
        incident.town_id = grid.parent.parent_id
        incident.reporter = actor
        incident.idempotency_key = key
        incident.reported_at = incident.state_changed_at = timezone.now()
        incident.year = timezone.localdate(incident.reported_at).year
        try:
            # A savepoint: a second sending that lost the race to the first (same key)
            # gives its number back with it and returns the first one's incident.
            with transaction.atomic():
                incident.sequence = counters.next_value(
                    IncidentNumberSequence, county=incident.county_id, year=incident.year
                )
                incident.number = f"SJ{staff.county.code}-{incident.year}-{incident.sequence:06d}"
                incident.save()
        except IntegrityError:
            if key and (existing := _replayed(actor, key)) is not None:
                return existing
            raise
        _store_photos(incident, cleaned_photos, actor, IncidentPhoto.Stage.REPORT)
        IncidentEvent.objects.create(
            incident=incident,
            actor=actor,
            transition="report",
            to_state=incident.state,
            note="",
            data={"photos": len(cleaned_photos), "grade": incident.grade},
        )
    incident.replayed = False
    return incident


def _replayed(actor: Any, key: str) -> Incident | None:
    incident = Incident.objects.filter(reporter=actor, idempotency_key=key).first()
    if incident is not None:
        incident.replayed = True
    return incident


def _in_area(grid: Region, staff: Any) -> bool:
    """A grid of the reporter's county, and under the region they are responsible for
    (their grid, village or town) when they have one."""
    if grid.county_id != staff.county_id:
        return False
    if not staff.region_id:
        return True
    village = grid.parent
    return staff.region_id in (grid.pk, village.pk, village.parent_id)


def _store_photos(incident: Incident, cleaned: list, actor: Any, stage: str) -> None:
    for photo in cleaned:
        IncidentPhoto.objects.create(
            incident=incident,
            stage=stage,
            file=photo.content,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
            size=photo.content.size,
            uploaded_by=actor,
        )


# --- the flow -------------------------------------------------------------------------------
class StepError(Exception):
    status = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class Invalid(StepError):
    status = 400


class Forbidden(StepError):
    status = 403


class NotAllowed(StepError):
    """Not possible from the incident's current state (HTTP 409)."""

    status = 409


class Conflict(StepError):
    """The incident changed since the caller looked at it (HTTP 409)."""

    status = 409


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    form: type[forms.Form]
    apply: Callable[[Incident, dict[str, Any], Any], None]
    photos: bool = False  # takes photos (of what was done)
    refused: Any = None  # why the step's conditions refuse it (its state allows it)


def _perm(name: str) -> str:
    return f"incidents.{name}_incident"


def may_fire(user: Any, incident: Incident, name: str) -> bool:
    """The user's role allows the step here. An incident escalated to the county centre
    is the county's to command: the town's dispatcher watches it, the supervisors act."""
    if not user.has_perm(_perm(name)):
        return False
    return incident.state != Incident.State.ESCALATED or user.has_perm("incidents.view_incident")


def available(incident: Incident, user: Any) -> list[Step]:
    """The steps this user may take on this incident now, in flow order."""
    return [
        step
        for step in STEPS.values()
        if can_proceed(getattr(incident, step.name)) and may_fire(user, incident, step.name)
    ]


def incident_fire(
    *,
    actor: Any,
    number: str,
    name: str,
    data: dict[str, Any],
    version: int | None = None,
    photos: list[UploadedFile] | None = None,
) -> Incident:
    """Lock the incident, check role, version and state, validate the input, take the
    step, save, write the timeline, run the clocks. Two dispatchers at once: the second
    waits for the lock, then finds the state or version changed (409); nothing half-saved."""
    step = STEPS.get(name)
    if step is None:
        raise NotAllowed(_("没有名为「%(name)s」的操作") % {"name": name})
    with transaction.atomic():
        incident = access_incident_for(actor, number, for_update=True)
        if not actor.has_perm(_perm(name)):
            raise Forbidden(_("您的角色无权执行该操作"))
        if version is not None and version != incident.version:
            raise Conflict(
                _("事件已被他人处理（当前状态：%(state)s），请刷新后重试")
                % {"state": incident.get_state_display()}
            )
        if not can_proceed(getattr(incident, name), check_conditions=False):
            raise NotAllowed(
                _("事件当前状态为「%(state)s」，不能执行「%(action)s」")
                % {"state": incident.get_state_display(), "action": step.label}
            )
        if not can_proceed(getattr(incident, name)):
            # A rule of the step besides the state (so far: one extension per incident).
            raise NotAllowed(
                step.refused or _("该事件现在不能执行「%(action)s」") % {"action": step.label}
            )
        if not may_fire(actor, incident, name):
            raise Forbidden(_("该事件已上报县中心，由县中心指挥处置"))
        form = step.form(data=data, incident=incident)
        errors = {} if form.is_valid() else {k: list(v) for k, v in form.errors.items()}
        cleaned_photos = []
        if photos and not step.photos:
            errors.setdefault("photos", []).append(_("该操作不需要照片"))
        elif photos:
            try:
                cleaned_photos = photo_rules.clean_all(list(photos))
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise Invalid(_("请检查填写的内容"), errors=errors)
        _take(actor, incident, step, form.cleaned_data)
        if cleaned_photos:
            _store_photos(incident, cleaned_photos, actor, IncidentPhoto.Stage.HANDLING)
    return incident


def _take(actor: Any, incident: Incident, step: Step, cleaned: dict[str, Any]) -> None:
    from_state = incident.state
    step.apply(incident, cleaned, actor)
    incident.save()
    record_event(incident, actor, step.name, from_state, cleaned)
    if step.name == "accept" and incident.must_escalate:
        # 较大 and above go to the county centre as soon as the town has them.
        from_state = incident.state
        incident.escalate(
            reason=_("%(grade)s事件，依规上报县中心") % {"grade": incident.get_grade_display()}
        )
        incident.save()
        clocks.clock_stop(subject=CLOCK_SUBJECT, subject_id=incident.pk)
        record_event(incident, actor, "escalate", from_state, {"automatic": True})


def record_event(
    incident: Incident, actor: Any, name: str, from_state: str, cleaned: dict[str, Any]
) -> None:
    IncidentEvent.objects.create(
        incident=incident,
        actor=actor,
        transition=name,
        from_state=from_state,
        to_state=incident.state,
        note=cleaned.get("note", "") or "",
        data={k: _plain(v) for k, v in cleaned.items() if k != "note"},
    )


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"id": value.pk, "name": str(value)}
    return value


def department_holder(department: Department | None) -> Any:
    """Who at the department holds an incident assigned to it (and gets its reminders):
    its first active handler."""
    if department is None:
        return None
    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name="department_handler", staff__department=department
        )
        .order_by("pk")
        .first()
    )


def _clock_start(incident: Incident, actor: Any) -> None:
    """The category's clock for the incident's urgency, from today; a second start (a
    failed verification) starts it afresh."""
    clocks.clock_stop(subject=CLOCK_SUBJECT, subject_id=incident.pk)
    clock = clocks.clock_start(
        rule_code=incident.category.rule_for(incident.urgency),
        county=incident.county_id,
        case_number=incident.number,
        subject=CLOCK_SUBJECT,
        subject_id=incident.pk,
        start=timezone.localdate(),
        assignee=incident.holder or actor,
    )
    incident.due_on = clock.due_on
    incident.save(update_fields=["due_on"])


def _resolve_on_site(incident: Incident, cleaned: dict[str, Any], actor: Any) -> None:
    incident.resolve_on_site(handling=cleaned["note"])


def _accept(incident: Incident, cleaned: dict[str, Any], actor: Any) -> None:
    incident.accept(by=actor)


def _assign(incident: Incident, cleaned: dict[str, Any], actor: Any) -> None:
    department = cleaned["department"]
    incident.assign(department=department, holder=department_holder(department))
    incident.save()
    _clock_start(incident, actor)


def _reassign(incident: Incident, cleaned: dict[str, Any], actor: Any) -> None:
    cleaned["from_department"] = incident.department
    department = cleaned["department"]
    incident.reassign(department=department, holder=department_holder(department))
    # The clock runs on: the time given for the incident does not start again.
    from centre.models import Clock

    Clock.objects.filter(
        subject=CLOCK_SUBJECT, subject_id=incident.pk, stopped_at__isnull=True
    ).update(assignee=incident.holder or actor)


def _extend(incident: Incident, cleaned: dict[str, Any], actor: Any) -> None:
    """Once, within the rule's extension (15 工作日 by default); the actor approves it."""
    from centre.models import Clock

    clock = (
        Clock.objects.filter(subject=CLOCK_SUBJECT, subject_id=incident.pk, stopped_at__isnull=True)
        .select_related("rule")
        .first()
    )
    if clock is None:
        raise Invalid(_("请检查填写的内容"), errors={"days": [_("该事件没有正在计算的期限")]})
    try:
        clock = clocks.clock_extend(
            clock=clock, approver=actor, reason=cleaned["note"], days=cleaned["days"]
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"days": exc.messages}
        errors = {"note" if name == "reason" else name: msgs for name, msgs in errors.items()}
        raise Invalid(_("请检查填写的内容"), errors=errors) from exc
    cleaned["due_on"] = clock.due_on.isoformat()
    incident.extend(days=cleaned["days"], due_on=clock.due_on)


def _feedback(incident: Incident, cleaned: dict[str, Any], actor: Any) -> None:
    incident.feedback(handling=cleaned["note"])
    clocks.clock_stop(subject=CLOCK_SUBJECT, subject_id=incident.pk)


def _verify(incident: Incident, cleaned: dict[str, Any], actor: Any) -> None:
    incident.verify(passed=cleaned["passed"], holder=department_holder(incident.department))
    if incident.state == Incident.State.ASSIGNED:
        incident.save()
        _clock_start(incident, actor)


def _close(incident: Incident, cleaned: dict[str, Any], actor: Any) -> None:
    incident.close(rating=cleaned["rating"])
    clocks.clock_stop(subject=CLOCK_SUBJECT, subject_id=incident.pk)


def _escalate(incident: Incident, cleaned: dict[str, Any], actor: Any) -> None:
    incident.escalate(reason=cleaned["note"][:300])
    clocks.clock_stop(subject=CLOCK_SUBJECT, subject_id=incident.pk)


# intake's field names, as the step's form calls them.
_CASE_FIELDS = {
    "parties[0].name": "applicant_name",
    "parties[0].phone": "applicant_phone",
    "parties[1].name": "respondent_name",
    "category": "case_category",
}


def _to_case(incident: Incident, cleaned: dict[str, Any], actor: Any) -> None:
    """Register the dispute or petition at intake (one case number from then on), linked
    both ways: ``incident.case`` and ``case.incident``."""
    from intake import services as intake_services
    from intake.models import Case, CaseParty, Party

    parties = [
        intake_services.PartyInput(
            role=CaseParty.Role.APPLICANT,
            kind=Party.Kind.PERSON,
            name=cleaned["applicant_name"],
            phone=cleaned["applicant_phone"],
        )
    ]
    if cleaned.get("respondent_name"):
        parties.append(
            intake_services.PartyInput(
                role=CaseParty.Role.RESPONDENT,
                kind=Party.Kind.PERSON,
                name=cleaned["respondent_name"],
            )
        )
    summary = f"{incident.category.name}：{incident.description}"
    try:
        case = intake_services.case_register(
            actor=actor,
            county=incident.county,
            data=intake_services.CaseInput(
                channel=Case.Channel.GRID,
                nature=cleaned["nature"],
                category=cleaned["case_category"],
                summary=summary[:200],
                description=_("事件%(number)s转入。%(text)s")
                % {"number": incident.number, "text": incident.description},
                region=incident.grid,
                involved_count=incident.involved_count,
                parties=parties,
            ),
        )
    except ValidationError as exc:
        raise Invalid(
            _("请检查填写的内容"),
            errors={
                _CASE_FIELDS.get(k, k): v
                for k, v in (
                    exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                ).items()
            },
        ) from exc
    incident.to_case(case=case)
    cleaned["case"] = case.number
    clocks.clock_stop(subject=CLOCK_SUBJECT, subject_id=incident.pk)


STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        Step(
            "resolve_on_site",
            gettext_lazy("当场处置"),
            step_forms.HandlingForm,
            _resolve_on_site,
            photos=True,
        ),
        Step("accept", gettext_lazy("签收"), step_forms.NoteForm, _accept),
        Step("assign", gettext_lazy("交办"), step_forms.DepartmentForm, _assign),
        Step("reassign", gettext_lazy("改派"), step_forms.ReassignForm, _reassign),
        Step(
            "extend",
            gettext_lazy("延期"),
            step_forms.ExtendForm,
            _extend,
            refused=gettext_lazy("该事件已延期过一次，不能再次延期"),
        ),
        Step("feedback", gettext_lazy("反馈"), step_forms.HandlingForm, _feedback, photos=True),
        Step("verify", gettext_lazy("核查"), step_forms.VerifyForm, _verify),
        Step("close", gettext_lazy("办结"), step_forms.CloseForm, _close),
        Step("escalate", gettext_lazy("上报县中心"), step_forms.ReasonForm, _escalate),
        Step("to_case", gettext_lazy("转为案件"), step_forms.ToCaseForm, _to_case),
    ]
}
