"""Satisfaction (质效评价): a party's rating of a closed case, and the rework ticket
(回访/重办) a 不满意 rating opens for the window's supervisor.

Incidents (incidents app) are not rated: an incident's reporter is a grid worker's account
and the incident keeps no resident's phone, so there is no one to invite or to verify.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from centre.models import County, Window
from intake.models import Case, Party

# Days after the case's closing day within which a party may rate it (the closing day not
# counted: closed on 1 November, the 30th day is 1 December).
RATING_DAYS = 30
COMMENT_MAX = 300


class Rating(models.Model):
    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    class Channel(models.TextChoices):
        SMS = "sms", _("短信链接")
        PROGRESS = "progress", _("进度查询页")
        STAFF = "staff", _("工作人员代录")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("案件")
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("评价人")
    )
    value = models.CharField(_("评价"), max_length=20, choices=Value.choices)
    comment = models.CharField(_("意见"), max_length=COMMENT_MAX, blank=True)
    channel = models.CharField(_("评价渠道"), max_length=10, choices=Channel.choices)
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("代录人"),
    )

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        ordering = ["-rated_at", "-id"]
        constraints = [
            # One rating per case per party: two submissions at once, one row.
            models.UniqueConstraint(fields=["case", "party"], name="rating_once_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.value}"


class ReworkTicket(FSMModelMixin, models.Model):
    """回访/重办: the supervisor calls the party back, then keeps the result with an
    explanation or sends the case back to be handled again (the case's ``reopen``)."""

    class State(models.TextChoices):
        OPEN = "open", _("待回访")
        CALLED_BACK = "called_back", _("已回访")
        KEPT = "kept", _("维持原结果")
        REOPENED = "reopened", _("已重新办理")

    CLOCK_RULE = "feedback_rework"
    CLOCK_SUBJECT = "rework"

    rating = models.OneToOneField(
        Rating, on_delete=models.CASCADE, related_name="rework", verbose_name=_("评价")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="rework_tickets", verbose_name=_("案件")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办窗口"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("督办人"),
    )
    state = FSMField(
        _("状态"), max_length=12, choices=State.choices, default=State.OPEN, protected=True
    )
    opened_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    due_on = models.DateField(_("办理期限"))
    called_back_on = models.DateField(_("回访日期"), null=True, blank=True)
    call_summary = models.TextField(_("回访情况"), blank=True)
    explanation = models.TextField(_("解释说明"), blank=True)
    reopen_to = models.CharField(_("重新办理至"), max_length=20, blank=True)
    reopen_reason = models.CharField(_("重新办理原因"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办结人"),
    )

    class Meta:
        verbose_name = _("回访重办单")
        verbose_name_plural = _("回访重办单")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["county", "state", "due_on"], name="rework_county_state")]
        permissions = [("handle_reworkticket", _("处理回访重办单"))]

    def __str__(self) -> str:
        return f"{self.case_id} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.OPEN, self.State.CALLED_BACK)

    # Bodies only set this model's fields; feedback.services does the rest.
    @transition(field=state, source=State.OPEN, target=State.CALLED_BACK)
    def call_back(self, *, on, summary: str) -> None:
        self.called_back_on = on
        self.call_summary = summary

    @transition(field=state, source=State.CALLED_BACK, target=State.KEPT)
    def keep(self, *, explanation: str, actor) -> None:
        self.explanation = explanation
        self.closed_at = timezone.now()
        self.closed_by = actor

    @transition(field=state, source=State.CALLED_BACK, target=State.REOPENED)
    def send_back(self, *, to_state: str, reason: str, actor) -> None:
        self.reopen_to = to_state
        self.reopen_reason = reason
        self.closed_at = timezone.now()
        self.closed_by = actor
