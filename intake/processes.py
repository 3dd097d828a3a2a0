"""What every window's own process shares (信访, 法律援助, and the windows that follow).

The shape, written once:

- A window app has one process model, one-to-one with the case (``WindowProcess``), with
  its own django-fsm ``state`` and transitions whose bodies set only its own fields. The
  case keeps its number, parties, timeline and clocks; while the process runs the case is
  ``handling`` (办理中), and the process ends by closing the case with an outcome.
- Its transitions are registered with ``window_transition``: they are listed and fired
  through the case's one transitions endpoint (``intake.workflow``), guarded by the
  process model's permissions, whose codenames are the transition names.
- Its clocks run through ``centre.clocks`` under the LAW.md rule codes (``clock_start`` /
  ``clock_stop`` here name the process as the clock's subject); its documents are
  ``CaseDocument`` rows rendered by Celery (``document_request``).
- Its queue (``queue``) lists the open cases at the window by their nearest running clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from centre import clocks
from centre.models import Clock, DeadlineRule
from centre.periods import rule_due
from intake import services as intake_services
from intake.access import visible_cases
from intake.models import Case, CaseDocument, CaseParty
from intake.workflow import TransitionForm, TransitionSpec, register


class WindowProcess(FSMModelMixin, models.Model):
    """The fields every window's process has. Subclasses add ``state`` (an FSMField), their
    own fields and transitions, and set ``WINDOW`` to the window's code."""

    WINDOW = ""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="%(class)s", verbose_name=_("案件")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受理人"),
    )
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.case_id} {self.state}"


class Extension(models.Model):
    """A process whose time limit the law lets be extended once, with an approver and a
    reason (信访 第34条, 劳动保障监察条例 第17条, 劳动争议调解仲裁法 第43条, 行政复议法 第62条)."""

    extended_at = models.DateTimeField(_("延长时间"), null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("延长天数"), null=True, blank=True)
    extension_reason = models.TextField(_("延长理由"), blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("批准人"),
    )

    class Meta:
        abstract = True

    def extension_record(self, *, actor: Any, days: int, reason: str) -> None:
        """For the extending transition's body."""
        self.extended_at, self.extended_by = timezone.now(), actor
        self.extended_days, self.extension_reason = days, reason


P = TypeVar("P", bound=WindowProcess)


def process_of(case: Case, model: type[P]) -> P | None:
    """The case's process at this window: the stored one, or a new unsaved one when the
    case sits at the window and the process has not begun; None for any other case.

    A process is only ever begun while the case is at its window, and a case at a window
    never moves to another (triage and referral happen before), so a case elsewhere is
    answered without a query."""
    # Before triage, the window the desk suggested (a consultation answered at once).
    window = case.window if case.window_id else None
    if window is None and case.state == Case.State.REGISTERED and case.suggested_window_id:
        window = case.suggested_window
    if window is None or window.code != model.WINDOW:
        return None
    try:
        return getattr(case, accessor_of(model))
    except model.DoesNotExist:
        pass
    # Setting the case caches the new process on it: the spec's apply, the save and the
    # follow-up work all see this same object.
    return model(case=case)


def window_transition(
    model: type[WindowProcess],
    name: str,
    label: Any,
    form: type[forms.Form],
    apply: Callable[[Any, dict[str, Any], Any], None],
    after: Callable[[Any, Any, dict[str, Any]], None] | None = None,
    *,
    stops: tuple[str, ...] = (),
    starts: tuple[str, ...] = (),
    assignee: Callable[[Any, Any], Any] | None = None,
    document: str = "",
    **options: Any,
) -> None:
    """Register a transition of a window's process on the case's one transitions door.

    What most steps do after the transition is declared: the clocks it ``stops`` (rule
    codes, whatever they run on) and ``starts`` (today, on the process, the actor — or
    whom ``assignee(process, actor)`` names — as
    assignee), the ``document`` it issues; ``after`` does the rest. A step that closed the
    case stops every clock left on it."""

    # The window's own clocks are extended by its own steps (the approver its rule names).
    clocks.PROCEDURE_SUBJECTS.add(model._meta.model_name)

    def follow_up(process: WindowProcess, actor: Any, data: dict[str, Any]) -> None:
        case = process.case
        if stops:
            clocks.clocks_stop_for_case(case.number, stops)
        for code in starts:
            clock_start(process, code, assignee=assignee(process, actor) if assignee else actor)
        if document:
            document_request(process, document)
        if after is not None:
            after(process, actor, data)
        if case.state == Case.State.CLOSED:
            clocks.clocks_stop_for_case(case.number)

    register(
        TransitionSpec(
            name=name,
            label=label,
            form=form,
            apply=apply,
            after=follow_up,
            process=lambda case: process_of(case, model),
            perm=f"{model._meta.app_label}.{name}",
            process_model=model,
            **options,
        )
    )


def due_from_today(rule_code: str) -> date:
    """The last day of a period that starts today (the calendar rules of centre.periods),
    for a process that keeps the date on its own row."""
    return rule_due(DeadlineRule.objects.get(code=rule_code), timezone.localdate()).date


# --- the clocks, documents and messages of a process ------------------------------------
def _subject(process: WindowProcess) -> str:
    # The clocks' subject; window_transition registers it in clocks.PROCEDURE_SUBJECTS.
    return process._meta.model_name


def clock_start(
    process: WindowProcess, rule_code: str, *, start: date | None = None, assignee: Any = None
) -> Clock:
    case = process.case
    return clocks.clock_start(
        rule_code=rule_code,
        county=case.county_id,
        case_number=case.number,
        subject=_subject(process),
        subject_id=process.pk,
        start=start or timezone.localdate(),
        assignee=assignee,
    )


def clock_stop(process: WindowProcess, *rule_codes: str) -> None:
    for code in rule_codes:
        clocks.clock_stop(subject=_subject(process), subject_id=process.pk, rule_code=code)


def running_clock(process: WindowProcess, rule_code: str) -> Clock | None:
    return (
        Clock.objects.select_related("rule")
        .filter(
            subject=_subject(process),
            subject_id=process.pk,
            rule__code=rule_code,
            stopped_at__isnull=True,
        )
        .first()
    )


def document_request(process: WindowProcess, kind: str) -> CaseDocument:
    return intake_services.document_request(case=process.case, kind=kind, ref_id=process.pk)


def applicant_notify(case: Case, *, subject: str, body: str) -> int:
    """An SMS to the applicants (the petitioner, the legal-aid applicant)."""
    return intake_services.parties_notify(
        case=case, subject=subject, body=body, roles=(CaseParty.Role.APPLICANT,)
    )


# --- forms ------------------------------------------------------------------------------
class ReasonForm(TransitionForm):
    """A step whose only input is its reason (written on the timeline too)."""

    reason = forms.CharField(
        label=_("理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写理由")},
    )


class NoteForm(TransitionForm):
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


def extension_form(model: type[WindowProcess], rule_code: str, article: str) -> type:
    """The form of a process's one extension: the days (at most the rule's extension, an
    administrator's row of LAW.md) and the reason. A second extension is refused on the
    days field, naming the article."""

    class ExtensionForm(TransitionForm):
        days = forms.IntegerField(label=_("延长天数"), min_value=1)
        reason = forms.CharField(
            label=_("延长理由（将告知当事人）"),
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"required": _("请填写延长理由")},
        )

        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            rule = DeadlineRule.objects.filter(code=rule_code).first()
            limit = rule.extension_length if rule and rule.extension_length else 0
            unit = rule.get_extension_unit_display() if rule else ""
            field = self.fields["days"]
            field.max_value = limit
            field.initial = limit
            field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
            field.validators += [MinValueValidator(1), MaxValueValidator(limit)]
            field.error_messages["max_value"] = _(
                "延长期限不得超过%(n)d%(unit)s（%(article)s）"
            ) % {"n": limit, "unit": unit, "article": article}
            field.widget.attrs.update(min=1, max=limit)
            self.article = article

        def clean_days(self) -> int:
            days = self.cleaned_data["days"]
            process = process_of(self.case, model)
            if process is not None and process.extended_at is not None:
                raise ValidationError(
                    _("期限已延长过一次，不能再次延长（%(article)s）") % {"article": self.article}
                )
            return days

    return ExtensionForm


def extension_apply(
    rule_code: str,
    *,
    due_field: str = "",
    roles: tuple[str, ...] = (CaseParty.Role.APPLICANT,),
    subject: Any,
) -> Callable[[WindowProcess, Any, dict[str, Any]], None]:
    """After an extension: the running clock of ``rule_code`` moves (approved by the
    actor), the process's own copy of the due date with it, and the parties in ``roles``
    are told why by SMS."""

    def after(process: WindowProcess, actor: Any, data: dict[str, Any]) -> None:
        clock = running_clock(process, rule_code)
        if clock is not None:
            clock = clocks.clock_extend(
                clock=clock, approver=actor, reason=data["reason"], days=data["days"]
            )
            if due_field:
                type(process).objects.filter(pk=process.pk).update(**{due_field: clock.due_on})
        case = process.case
        unit = clock.rule.get_extension_unit_display() if clock is not None else _("日")
        intake_services.parties_notify(
            case=case,
            subject=str(subject),
            body=_(
                "您的案件（编号%(number)s）%(subject)s：延长%(days)d%(unit)s，理由：%(reason)s。"
            )
            % {
                "number": case.number,
                "subject": subject,
                "days": data["days"],
                "unit": unit,
                "reason": data["reason"],
            },
            roles=roles,
        )

    return after


# --- the window's queue -----------------------------------------------------------------
def accessor_of(model: type[WindowProcess]) -> str:
    """The case's attribute holding its process of this model."""
    return model._meta.get_field("case").remote_field.get_accessor_name()


def queue(user: Any, *models: type[WindowProcess]) -> QuerySet[Case]:
    """Open cases at the window (of these processes) that this user may see, the most
    urgent first: by the nearest due date of a running clock (cases without one last),
    then oldest first."""
    nearest = (
        Clock.objects.filter(
            case_number=OuterRef("number"), stopped_at__isnull=True, paused_at__isnull=True
        )
        .order_by()
        .values("case_number")
        .annotate(due=Min("due_on"))
        .values("due")
    )
    return (
        visible_cases(user)
        .filter(window__code=models[0].WINDOW, state__in=Case.OPEN_STATES)
        .exclude(state=Case.State.REFERRED)
        .select_related("category", "region", *(accessor_of(m) for m in models))
        .annotate(due_on=Subquery(nearest))
        .order_by(F("due_on").asc(nulls_last=True), "registered_at", "id")
    )


# --- documents --------------------------------------------------------------------------
def organ_name(case: Case, model: type[WindowProcess], default_suffix: str) -> str:
    """The organ that issues the window's documents: the department seated at the window
    (centre.Department), or the county's organ of that kind by its usual name."""
    from centre.models import Department

    name = (
        Department.objects.filter(county_id=case.county_id, window__code=model.WINDOW)
        .order_by("order", "name")
        .values_list("name", flat=True)
        .first()
    )
    if name is None:
        return f"{case.county.name}{default_suffix}"
    # A department named as the county's ("县信访局") is written with the county's name.
    county = case.county.name
    if name.startswith("县") and county.endswith("县"):
        return county + name[1:]
    return name


def notice_context(
    model: type[WindowProcess], default_suffix: str, *, own_organ: bool = False
) -> Callable[[CaseDocument, Case], dict[str, Any]]:
    """The context of a window's notice or decision: the case, its process as it stood
    (the document's ``ref_id``), the applicants by name, the issuing organ and the day.
    Parties are named, never with their ID numbers: these letters go to the applicant.
    ``own_organ``: the organ is always the county's ``default_suffix`` (an arbitration
    commission), not the department seated at the window."""

    def context(document: CaseDocument, case: Case) -> dict[str, Any]:
        process = model.objects.get(pk=document.ref_id)
        parties = list(case.case_parties.select_related("party"))
        return {
            "case": case,
            "process": process,
            "applicants": [cp.party.name for cp in parties if cp.role == CaseParty.Role.APPLICANT],
            "respondents": [
                cp.party.name for cp in parties if cp.role == CaseParty.Role.RESPONDENT
            ],
            "organ": f"{case.county.name}{default_suffix}"
            if own_organ
            else organ_name(case, model, default_suffix),
            "centre": case.county,
            "issued_on": timezone.localdate(document.created_at),
            "registered_on": timezone.localdate(case.registered_at),
        }

    return context


# --- the panel on the case page ---------------------------------------------------------
def process_panel(
    model: type[WindowProcess],
    template: str,
    *,
    order: int,
    name: str,
    shown: Callable[[Any], bool] | None = None,
    extra: Callable[[Any], dict[str, Any]] | None = None,
) -> None:
    """Register a window process's panel (see intake.panels): the template (extending
    ``intake/_process_panel.html``) gets the case, the process as ``process`` and as
    ``name``, the ids ``{name}-panel`` / ``{name}-state`` and what ``extra(process)``
    adds; the panel shows for a case at the window, when ``shown(process)`` if given."""
    from django.template.loader import render_to_string

    from intake import panels

    dom = name.replace("_", "-")

    def panel(request: Any, case: Case) -> str | None:
        process = process_of(case, model)
        if process is None or (shown is not None and not shown(process)):
            return None
        context = {
            "case": case,
            "process": process,
            name: process,
            "panel_id": f"{dom}-panel",
            "state_id": f"{dom}-state",
            **(extra(process) if extra is not None else {}),
        }
        return render_to_string(template, context, request=request)

    panel.__name__ = f"{name}_panel"
    panels.register(order, panel)
