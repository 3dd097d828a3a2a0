"""信访 (petition reception): the petition window's own process, one per case.

《信访工作条例》(2022): told within 15 日 whether it is accepted (第22、23条), matters for a
court, arbitration, administrative review or another organ are not accepted and the
petitioner is told where to go (诉访分离, 第31条); handled and answered in writing within
60 日, once extended by ≤ 30 日 with the petitioner told why (第34条); 复查 within 30 日 of
the reply, answered within 30 日 (第35条); 复核 likewise (第36条), which is final.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from intake.processes import Extension, WindowProcess


class Opinion(models.TextChoices):
    SUPPORT = "support", _("支持")
    PARTIAL = "partial", _("部分支持")
    REJECT = "reject", _("不支持")


class Channel(models.TextChoices):
    """Where a matter that is not for the petition window goes (诉访分离, 第31条)."""

    LITIGATION = "litigation", _("向人民法院提起诉讼")
    ARBITRATION = "arbitration", _("申请仲裁")
    ADMINISTRATIVE_REVIEW = "administrative_review", _("申请行政复议")
    OTHER_ORGAN = "other_organ", _("向有权处理的其他机关反映")


class Petition(Extension, WindowProcess):
    WINDOW = "petition"

    class State(models.TextChoices):
        RECEIVED = "received", _("待受理")
        HANDLING = "handling", _("办理中")
        MEDIATING = "mediating", _("访调对接中")
        REPLIED = "replied", _("已书面答复")
        REVIEWING = "reviewing", _("复查中")
        REVIEWED = "reviewed", _("已复查")
        RECHECKING = "rechecking", _("复核中")
        RECHECKED = "rechecked", _("已复核")
        DECLINED = "declined", _("不予受理")
        CONCLUDED = "concluded", _("已办结")

    state = FSMField(
        _("信访办理状态"),
        max_length=12,
        choices=State.choices,
        default=State.RECEIVED,
        protected=True,
    )
    # Flags computed when the window first acts on it; mirrored on the case's risk flags.
    repeat = models.BooleanField(_("重复信访"), default=False)
    collective = models.BooleanField(_("集体访"), default=False)
    skip_level = models.BooleanField(_("越级信访"), default=False)
    handle_due = models.DateField(_("办理期限"), null=True, blank=True)
    declined_reason = models.TextField(_("不予受理理由"), blank=True)
    declined_channel = models.CharField(
        _("告知的途径"), max_length=24, choices=Channel.choices, blank=True
    )
    mediation_sent_at = models.DateTimeField(_("转调解时间"), null=True, blank=True)
    opinion = models.CharField(_("处理意见"), max_length=8, choices=Opinion.choices, blank=True)
    reply_text = models.TextField(_("处理意见书内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    review_requested_at = models.DateTimeField(_("请求复查时间"), null=True, blank=True)
    review_request_reason = models.TextField(_("复查请求理由"), blank=True)
    review_opinion = models.CharField(
        _("复查意见"), max_length=8, choices=Opinion.choices, blank=True
    )
    review_text = models.TextField(_("复查意见书内容"), blank=True)
    reviewed_at = models.DateTimeField(_("复查答复时间"), null=True, blank=True)
    recheck_requested_at = models.DateTimeField(_("请求复核时间"), null=True, blank=True)
    recheck_request_reason = models.TextField(_("复核请求理由"), blank=True)
    recheck_opinion = models.CharField(
        _("复核意见"), max_length=8, choices=Opinion.choices, blank=True
    )
    recheck_text = models.TextField(_("复核意见书内容"), blank=True)
    rechecked_at = models.DateTimeField(_("复核答复时间"), null=True, blank=True)
    # The last day on which the petitioner may still ask for 复查/复核 (第35、36条): after it
    # the petition may be concluded.
    request_due = models.DateField(_("请求期限届满日"), null=True, blank=True)

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        # The petition-risk warning reads recent flagged petitions as an indexed range.
        indexes = [
            models.Index(
                fields=["created_at"],
                name="petition_flagged",
                condition=models.Q(repeat=True)
                | models.Q(collective=True)
                | models.Q(skip_level=True),
            )
        ]
        permissions = [
            ("use_petition_desk", _("使用信访接待台")),
            ("petition_accept", _("受理信访事项")),
            ("petition_decline", _("不予受理信访事项")),
            ("petition_extend", _("延长信访办理期限")),
            ("petition_to_mediation", _("信访事项转人民调解")),
            ("petition_reply", _("书面答复信访事项")),
            ("petition_review_request", _("登记复查请求")),
            ("petition_review_reply", _("作出复查意见")),
            ("petition_recheck_request", _("登记复核请求")),
            ("petition_recheck_reply", _("作出复核意见")),
            ("petition_conclude", _("信访事项办结")),
        ]

    # --- conditions -------------------------------------------------------------------
    def _case_triaged(self) -> bool:
        return self.case.state == self.case.State.TRIAGED

    def _mediation_over(self) -> bool:
        """访调对接: the mediation has ended (agreement or failure) and the case waits."""
        return self.state != self.State.MEDIATING or self.case.state in (
            self.case.State.AGREED,
            self.case.State.CONFIRMED,
            self.case.State.MEDIATION_FAILED,
        )

    def _may_conclude(self) -> bool:
        """After the final (复核) reply; after a reply or a review opinion only once the
        period to ask for the next step has lapsed; after mediation settled the matter."""
        if self.state == self.State.RECHECKED:
            return True
        if self.state == self.State.MEDIATING:
            return self._mediation_over()
        return self.request_due is not None and timezone.localdate() > self.request_due

    # --- transitions: bodies set this model's own fields only ---------------------------
    @transition(
        field=state, source=State.RECEIVED, target=State.HANDLING, conditions=[_case_triaged]
    )
    def petition_accept(self, *, actor, skip_level: bool, repeat: bool, collective: bool) -> None:
        self.accepted_at, self.accepted_by = timezone.now(), actor
        self.skip_level, self.repeat, self.collective = skip_level, repeat, collective

    @transition(
        field=state, source=State.RECEIVED, target=State.DECLINED, conditions=[_case_triaged]
    )
    def petition_decline(
        self, *, reason: str, channel: str, skip_level: bool, repeat: bool, collective: bool
    ) -> None:
        self.declined_reason, self.declined_channel = reason, channel
        self.skip_level, self.repeat, self.collective = skip_level, repeat, collective
        self.concluded_at = timezone.now()

    # No target: the state stays as it is.
    @transition(field=state, source=[State.HANDLING, State.MEDIATING], target=None)
    def petition_extend(self, *, actor, days: int, reason: str) -> None:
        self.extension_record(actor=actor, days=days, reason=reason)

    @transition(field=state, source=State.HANDLING, target=State.MEDIATING)
    def petition_to_mediation(self) -> None:
        self.mediation_sent_at = timezone.now()

    @transition(
        field=state,
        source=[State.HANDLING, State.MEDIATING],
        target=State.REPLIED,
        conditions=[_mediation_over],
    )
    def petition_reply(self, *, opinion: str, text: str, request_due) -> None:
        self.opinion, self.reply_text = opinion, text
        self.replied_at, self.request_due = timezone.now(), request_due

    @transition(field=state, source=State.REPLIED, target=State.REVIEWING)
    def petition_review_request(self, *, reason: str) -> None:
        self.review_requested_at, self.review_request_reason = timezone.now(), reason
        self.request_due = None

    @transition(field=state, source=State.REVIEWING, target=State.REVIEWED)
    def petition_review_reply(self, *, opinion: str, text: str, request_due) -> None:
        self.review_opinion, self.review_text = opinion, text
        self.reviewed_at, self.request_due = timezone.now(), request_due

    @transition(field=state, source=State.REVIEWED, target=State.RECHECKING)
    def petition_recheck_request(self, *, reason: str) -> None:
        self.recheck_requested_at, self.recheck_request_reason = timezone.now(), reason
        self.request_due = None

    @transition(field=state, source=State.RECHECKING, target=State.RECHECKED)
    def petition_recheck_reply(self, *, opinion: str, text: str) -> None:
        self.recheck_opinion, self.recheck_text = opinion, text
        self.rechecked_at = timezone.now()

    @transition(
        field=state,
        source=[State.MEDIATING, State.REPLIED, State.REVIEWED, State.RECHECKED],
        target=State.CONCLUDED,
        conditions=[_may_conclude],
    )
    def petition_conclude(self, *, result: str) -> None:
        self.result = result
        self.concluded_at = timezone.now()

    @property
    def final_opinion(self) -> str:
        return self.recheck_opinion or self.review_opinion or self.opinion
