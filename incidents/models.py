"""Incident command (事件处置): a matter a grid worker reports from the field, accepted by
the town's command room, assigned to a department, fed back, verified and closed — or
escalated to the county centre, or registered as a case at intake."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from centre.models import County, CountyYearCounter, DeadlineRule, Department, Region


class IncidentCategory(models.Model):
    """An admin-editable kind of incident and the clock each urgency runs on it after it
    is assigned (rule codes of ``centre.models.DeadlineRule``)."""

    code = models.SlugField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    urgent_rule = models.CharField(_("紧急事件期限规则"), max_length=40, default="incident_urgent")
    important_rule = models.CharField(
        _("重要事件期限规则"), max_length=40, default="incident_important"
    )
    normal_rule = models.CharField(_("一般事件期限规则"), max_length=40, default="incident_normal")
    # What a case registered from such an incident is (intake.models.Case.Nature).
    case_nature = models.CharField(_("转案件时的事项性质"), max_length=16, default="dispute")

    class Meta:
        verbose_name = _("事件类别")
        verbose_name_plural = _("事件类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def rule_for(self, urgency: str) -> str:
        return getattr(self, f"{urgency}_rule")

    def clean(self) -> None:
        codes = {
            name: getattr(self, name) for name in ("urgent_rule", "important_rule", "normal_rule")
        }
        known = set(
            DeadlineRule.objects.filter(code__in=codes.values()).values_list("code", flat=True)
        )
        errors = {
            name: _("没有编码为「%(code)s」的期限规则") % {"code": code}
            for name, code in codes.items()
            if code not in known
        }
        if errors:
            raise ValidationError(errors)


def not_extended(incident: Incident) -> bool:
    """One extension per incident (本县事件处置规则)."""
    return not incident.extension_days


class IncidentNumberSequence(CountyYearCounter):
    """Incident numbers per county and year, gap-free like case numbers: taken in the
    report's transaction, so a failed report gives its number back."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="incident_sequence_unique")
        ]


class Incident(FSMModelMixin, models.Model):
    class State(models.TextChoices):
        REPORTED = "reported", _("已上报")
        ACCEPTED = "accepted", _("已签收")
        ASSIGNED = "assigned", _("已交办")
        HANDLED = "handled", _("已处置")
        VERIFIED = "verified", _("已核查")
        CLOSED = "closed", _("已办结")
        ESCALATED = "escalated", _("已上报县中心")
        CONVERTED = "converted", _("已转为案件")

    class Urgency(models.TextChoices):
        URGENT = "urgent", _("紧急")
        IMPORTANT = "important", _("重要")
        NORMAL = "normal", _("一般")

    class Grade(models.TextChoices):
        # 《国家突发公共事件总体应急预案》's four grades (Ⅰ–Ⅳ), shown red/orange/yellow/blue.
        ESPECIALLY_MAJOR = "especially_major", _("特别重大")
        MAJOR = "major", _("重大")
        LARGE = "large", _("较大")
        GENERAL = "general", _("一般")

    GRADE_COLOURS = {
        "especially_major": "red",
        "major": "orange",
        "large": "yellow",
        "general": "blue",
    }
    # 较大 and above go to the county centre as soon as the town has them.
    ESCALATED_GRADES = frozenset({"especially_major", "major", "large"})
    OPEN_STATES = ("reported", "accepted", "assigned", "handled", "verified", "escalated")

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    number = models.CharField(_("事件编号"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    state = FSMField(
        _("状态"), max_length=12, choices=State.choices, default=State.REPORTED, protected=True
    )
    # Bumped by every step: a client that saw an older version is told it changed (409).
    version = models.PositiveIntegerField(_("版本"), default=1)
    category = models.ForeignKey(
        IncidentCategory,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("事件类别"),
    )
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    grade = models.CharField(
        _("事件等级"), max_length=20, choices=Grade.choices, default=Grade.GENERAL
    )
    town = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("乡镇/街道"),
        limit_choices_to={"level": "town"},
    )
    grid = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("网格"),
        limit_choices_to={"level": "grid"},
    )
    place = models.CharField(_("地点"), max_length=200)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    involved_count = models.PositiveIntegerField(
        _("涉及人数"), default=1, validators=[MinValueValidator(1)]
    )
    people = models.TextField(_("涉及人员"), blank=True)
    description = models.TextField(_("事件描述"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上报人"),
    )
    # The reporter's phone makes one per report and sends it again until it is answered.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("当前处理人"),
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签收人"),
    )
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("承办部门"),
    )
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    due_on = models.DateField(_("反馈期限"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("已延期工作日"), default=0)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    handling = models.TextField(_("处置情况"), blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    verify_failures = models.PositiveSmallIntegerField(_("核查未通过次数"), default=0)
    escalated_at = models.DateTimeField(_("上报县中心时间"), null=True, blank=True)
    escalation_reason = models.CharField(_("上报理由"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评价"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    # The case registered from it (intake); the case reaches it back as ``case.incident``.
    case = models.OneToOneField(
        "intake.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident",
        verbose_name=_("转办案件"),
    )

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "sequence"], name="incident_unique_sequence"
            ),
            # One report per key and reporter: a report sent twice is one incident.
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"], name="incident_unique_idempotency_key"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="incident_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "state", "-reported_at"]),
            models.Index(fields=["town", "state"]),
            models.Index(fields=["department", "state"]),
            # The overdue scan reads the assigned incidents past their deadline only.
            models.Index(
                fields=["due_on"],
                name="incident_assigned_due",
                condition=models.Q(state="assigned"),
            ),
        ]
        permissions = [
            ("report_incident", _("上报事件")),
            ("view_town_incident", _("查看本乡镇事件")),
            ("view_department_incident", _("查看交办本部门的事件")),
            ("resolve_on_site_incident", _("当场处置")),
            ("accept_incident", _("签收")),
            ("assign_incident", _("交办")),
            ("reassign_incident", _("改派")),
            ("extend_incident", _("延期")),
            ("feedback_incident", _("反馈")),
            ("verify_incident", _("核查")),
            ("close_incident", _("办结")),
            ("escalate_incident", _("上报县中心")),
            ("to_case_incident", _("转为案件")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def grade_colour(self) -> str:
        return self.GRADE_COLOURS[self.grade]

    @property
    def must_escalate(self) -> bool:
        return self.grade in self.ESCALATED_GRADES

    # --- the flow. Bodies only set this model's fields; services do the rest. --------------
    def _moved(self) -> None:
        self.version += 1
        self.state_changed_at = timezone.now()

    @transition(
        field=state,
        source=State.REPORTED,
        target=State.HANDLED,
        permission="incidents.resolve_on_site_incident",
    )
    def resolve_on_site(self, *, handling: str) -> None:
        self.handling = handling
        self.handled_at = timezone.now()
        self.holder = None
        self._moved()

    @transition(
        field=state,
        source=State.REPORTED,
        target=State.ACCEPTED,
        permission="incidents.accept_incident",
    )
    def accept(self, *, by) -> None:
        self.accepted_by = self.holder = by
        self.accepted_at = timezone.now()
        self._moved()

    @transition(
        field=state,
        source=[State.ACCEPTED, State.ESCALATED],
        target=State.ASSIGNED,
        permission="incidents.assign_incident",
    )
    def assign(self, *, department: Department, holder=None) -> None:
        self.department, self.holder = department, holder
        self.assigned_at = timezone.now()
        self._moved()

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.ASSIGNED,
        permission="incidents.reassign_incident",
    )
    def reassign(self, *, department: Department, holder=None) -> None:
        self.department, self.holder = department, holder
        self.assigned_at = timezone.now()
        self._moved()

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.ASSIGNED,
        permission="incidents.extend_incident",
        conditions=[not_extended],
    )
    def extend(self, *, days: int, due_on) -> None:
        """延期: once, approved by the command room (the clock keeps the approver and the
        reason); the department keeps the incident."""
        self.extension_days, self.due_on = days, due_on
        self._moved()

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.HANDLED,
        permission="incidents.feedback_incident",
    )
    def feedback(self, *, handling: str) -> None:
        self.handling = handling
        self.handled_at = timezone.now()
        self.holder = self.accepted_by
        self._moved()

    @transition(
        field=state,
        source=State.HANDLED,
        target=RETURN_VALUE(State.VERIFIED, State.ASSIGNED, State.ACCEPTED),
        permission="incidents.verify_incident",
    )
    def verify(self, *, passed: bool, holder=None) -> str:
        self._moved()
        if passed:
            self.verified_at = timezone.now()
            return self.State.VERIFIED
        # Not done: back to the department that fed back (to the command room when the
        # grid worker settled it on site and there is no department).
        self.verify_failures += 1
        self.handled_at = None
        if self.department_id:
            self.holder = holder
            return self.State.ASSIGNED
        return self.State.ACCEPTED

    @transition(
        field=state,
        source=State.VERIFIED,
        target=State.CLOSED,
        permission="incidents.close_incident",
    )
    def close(self, *, rating: int) -> None:
        self.rating = rating
        self.closed_at = timezone.now()
        self.holder = None
        self._moved()

    @transition(
        field=state,
        source=[State.REPORTED, State.ACCEPTED, State.ASSIGNED],
        target=State.ESCALATED,
        permission="incidents.escalate_incident",
    )
    def escalate(self, *, reason: str) -> None:
        self.escalation_reason = reason
        self.escalated_at = timezone.now()
        self.holder = None
        self._moved()

    @transition(
        field=state,
        source=[State.REPORTED, State.ACCEPTED, State.ESCALATED],
        target=State.CONVERTED,
        permission="incidents.to_case_incident",
    )
    def to_case(self, *, case) -> None:
        self.case = case
        self.closed_at = timezone.now()
        self.holder = None
        self._moved()


class IncidentPhoto(models.Model):
    """A photo, stored re-encoded by Pillow: at most 1600 px, without EXIF or location."""

    class Stage(models.TextChoices):
        REPORT = "report", _("上报")
        HANDLING = "handling", _("处置")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("环节"), max_length=10, choices=Stage.choices)
    file = models.FileField(_("照片"), upload_to="incidents/%Y/%m/")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("事件照片")
        verbose_name_plural = _("事件照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.file.name


class IncidentEvent(models.Model):
    """The incident's timeline: who did what, when, from which state to which, and why."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    transition = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("事件动态")
        verbose_name_plural = _("事件动态")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.transition}"
